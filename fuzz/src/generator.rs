//! The generator target: spec text in, `codegen::generate` run on it.
//!
//! A bug is a panic, a hang, a stack overflow, or output that differs between
//! two runs on the same input (generation must be byte-deterministic). Errors
//! and warnings are the expected answer to most inputs: they are the features
//! that grow the corpus (one per kind of diagnostic, with names and numbers
//! stripped from the message).

use std::path::Path;

use serde_json::Value;

use crate::harness::{hash_of, Entry, Target};
use crate::{mutate, values};

/// The largest spec a mutation may make (the biggest seed, Asana's, is 3 MB).
const MAX_INPUT: usize = 8 << 20;

pub struct Generator {
    seeds: Vec<Vec<u8>>,
}

/// What a corpus entry parses to (`None`: not YAML or JSON).
struct Parsed(Option<Value>);

fn parse(bytes: &[u8]) -> Parsed {
    Parsed(codegen::load::parse_text("corpus", &String::from_utf8_lossy(bytes)).ok())
}

/// Entries up to this size keep their parse; bigger ones (a few seeds, a rare
/// wide mutant) are parsed again when picked, so the corpus's memory stays bounded.
const MAX_CACHED: usize = 256 << 10;

impl Generator {
    /// Seeds from the repository: the vendor specs, the test fixtures and bad
    /// specs, the Swagger 2.0 test specs, and the public corpus beside the repository.
    pub fn new(repo: &Path) -> Self {
        let mut seeds = Vec::new();
        let dirs = [
            repo.join("specs"),
            repo.join("tests/fixtures"),
            repo.join("tests/bad-specs"),
            repo.join("tests/bad-specs/tolerated"),
            repo.join("tests/swagger2"),
            repo.join("../shared/corpus"),
        ];
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
            files.sort();
            for file in files {
                let spec_like = file.extension().is_some_and(|e| ["yaml", "yml", "json"].iter().any(|x| e == *x));
                if let (true, Ok(bytes)) = (spec_like, std::fs::read(&file)) {
                    seeds.push(bytes);
                }
            }
        }
        Self { seeds }
    }

    pub fn from_seeds(seeds: Vec<Vec<u8>>) -> Self {
        Self { seeds }
    }
}

/// The file name a text is given: `.json` when it looks like JSON, as a user's file would be named.
fn file_name(text: &str) -> &'static str {
    if text.trim_start().starts_with('{') {
        "fuzz.json"
    } else {
        "fuzz.yaml"
    }
}

/// A message with what it quotes taken out (from the first quote mark, `` ` ``
/// or `"`, to the last, since quoted names may hold quote marks themselves)
/// and digits dropped: its kind, a corpus feature.
pub fn message_kind(message: &str) -> String {
    let is_quote = |c: char| c == '`' || c == '"';
    let (head, tail) = match (message.find(is_quote), message.rfind(is_quote)) {
        (Some(first), Some(last)) => (&message[..first], &message[last + 1..]),
        _ => (message, ""),
    };
    head.chars().chain("…".chars()).chain(tail.chars()).filter(|c| !c.is_ascii_digit()).take(80).collect()
}

pub fn generate(text: &str) -> Result<codegen::GeneratedCrate, codegen::Diagnostics> {
    codegen::generate(&codegen::Input {
        file_name: file_name(text),
        text,
        crate_name: "fuzz-client",
        runtime_path: "../../runtime",
        command: "cargo run -p fuzz",
        package: codegen::PackageMeta { license: None, repository: None },
    })
}

impl Target for Generator {
    fn name(&self) -> &'static str {
        "generator"
    }

    fn seeds(&self) -> Vec<Vec<u8>> {
        self.seeds.clone()
    }

    fn extension(&self) -> &'static str {
        "spec"
    }

    /// 10 s of CPU time in a release build (the bar for a hang); a debug build
    /// (the CI smoke run) is several times slower, so it gets 60 s.
    fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 10 })
    }

    fn run(&self, input: &[u8]) -> Vec<u64> {
        let text = String::from_utf8_lossy(input);
        let result = generate(&text);
        let mut features = Vec::new();
        match &result {
            Ok(generated) => {
                // Every eighth input (chosen by its content, so a replay does the same):
                // a second run must give the same bytes.
                if hash_of(input) % 8 == 0 {
                    let again = generate(&text);
                    assert!(again.as_ref().ok() == Some(generated), "generating the same input twice gave different output");
                }
                let size = |f: &str| generated.files.get(f).map_or(0, |s| s.len().ilog2());
                features.push(hash_of(&("ok", generated.files.len(), size("src/types.rs"), size("src/client.rs"))));
                for w in &generated.warnings.0 {
                    features.push(hash_of(&("warning", message_kind(&w.message))));
                }
            }
            Err(diagnostics) => {
                // What the user is shown must render too.
                let shown = diagnostics.to_string();
                features.push(hash_of(&("errors", diagnostics.0.len().min(8), shown.is_empty())));
                for d in &diagnostics.0 {
                    features.push(hash_of(&(format!("{:?}", d.severity), message_kind(&d.message), d.pointer.split('/').count().min(12))));
                }
            }
        }
        features
    }

    fn generate(&self, rng: &mut fastrand::Rng, corpus: &[Entry]) -> Vec<u8> {
        // Small entries are cheaper to run: of two picks, usually the smaller.
        let pick = |rng: &mut fastrand::Rng| {
            let (a, b) = (&corpus[rng.usize(0..corpus.len())], &corpus[rng.usize(0..corpus.len())]);
            if (a.bytes.len() <= b.bytes.len()) == (rng.u8(0..4) != 0) { a } else { b }
        };
        let entry = pick(rng);
        let roll = rng.u8(0..100);
        if roll < 4 {
            return values::random_bytes(rng, 4096);
        }
        let parsed_here;
        let parsed = if entry.bytes.len() <= MAX_CACHED {
            entry.cached(parse)
        } else {
            parsed_here = parse(&entry.bytes);
            &parsed_here
        };
        let Some(value) = parsed.0.as_ref().filter(|_| roll >= 14) else {
            let mut bytes = entry.bytes.clone();
            values::mutate_bytes(rng, &mut bytes);
            return bytes;
        };
        // A big spec is mostly cut down to a few paths and what they reach.
        let mut doc = if entry.bytes.len() > 64 << 10 && rng.u8(0..20) != 0 { mutate::slice(rng, value) } else { value.clone() };
        // A donor to splice from: a small entry (parsed once and kept), else the document itself.
        let donor_entry = pick(rng);
        let donor = if donor_entry.bytes.len() <= MAX_CACHED { donor_entry.cached(parse).0.as_ref() } else { None };
        let donor = donor.unwrap_or(value);
        let steps = if rng.u8(0..5) == 0 { 0 } else { 1 + rng.usize(0..4) * rng.usize(0..3) };
        for _ in 0..steps {
            let before = doc.clone();
            mutate::mutate(rng, &mut doc, donor);
            // Wide copies of wide copies grow without bound: a mutant past the
            // size limit is undone (a big input is the test of size, not of the generator).
            if serde_json::to_vec(&doc).map_or(true, |b| b.len() > MAX_INPUT) {
                doc = before;
            }
        }
        let mut bytes = match rng.u8(0..3) {
            0 => serde_json::to_vec(&doc).unwrap_or_default(),
            1 => serde_json::to_vec_pretty(&doc).unwrap_or_default(),
            _ => serde_yaml::to_string(&doc).map(String::into_bytes).unwrap_or_default(),
        };
        if rng.u8(0..20) == 0 {
            values::mutate_bytes(rng, &mut bytes);
        }
        bytes
    }

    /// Structural shrinking first (drop a key or element, replace a subtree by
    /// `{}`), written as pretty JSON; then line and byte chunks.
    fn shrink(&self, input: &[u8]) -> Vec<Vec<u8>> {
        let text = String::from_utf8_lossy(input);
        let mut out = Vec::new();
        if let Ok(doc) = codegen::load::parse_text("shrink", &text) {
            let paths = mutate::all_paths(&doc, 20_000);
            for path in paths.iter().skip(1) {
                let mut smaller = doc.clone();
                let Some((last, parent)) = path.split_last() else { continue };
                match (mutate::get_mut(&mut smaller, parent), last) {
                    (Some(Value::Object(map)), mutate::Seg::Key(k)) => {
                        map.shift_remove(k);
                    }
                    (Some(Value::Array(items)), mutate::Seg::Index(i)) => {
                        items.remove(*i);
                    }
                    _ => continue,
                }
                out.push(serde_json::to_vec_pretty(&smaller).unwrap_or_default());
            }
            let pretty = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            if pretty.len() < input.len() {
                out.insert(0, pretty);
            }
        }
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            let mut rest = lines.clone();
            rest.remove(i);
            out.push(rest.join("\n").into_bytes());
        }
        out.extend(crate::harness::shrink_bytes(input));
        out
    }
}
