//! `cargo xtask corpus`: generate a crate for every public spec in
//! `../shared/corpus/` and check each with clippy (rustc's warnings and
//! clippy's default lints), one line per spec.
//!
//! The crates go to `target/corpus/<name>`, members of a throwaway workspace
//! there that shares one target directory, so the dependencies are compiled
//! once. Nothing under the repository's own tree changes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One spec's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusRow {
    pub spec: String,
    pub size_bytes: u64,
    pub generated: bool,
    pub compiled: bool,
    pub warnings: usize,
    pub lines: usize,
    pub gen_seconds: f64,
    pub check_seconds: f64,
    /// The first lines of what went wrong, if anything did.
    pub problem: Option<String>,
}

/// The specs of the corpus directory, sorted by file name.
pub fn corpus_specs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    specs.sort();
    Ok(specs)
}

/// Generates and checks every spec; `only` keeps the specs whose file name contains it.
/// A spec's warnings are printed on stderr, or with `deny_warnings` refuse it.
pub fn run(root: &Path, corpus: &Path, only: Option<&str>, deny_warnings: bool) -> Result<Vec<CorpusRow>, String> {
    let work = root.join("target").join("corpus");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let specs: Vec<PathBuf> = corpus_specs(corpus)?
        .into_iter()
        .filter(|p| only.is_none_or(|o| p.file_name().is_some_and(|n| n.to_string_lossy().contains(o))))
        .collect();

    let mut rows = Vec::new();
    let mut members = Vec::new();
    for spec in &specs {
        let file = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = spec.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = crate::paths::crate_name_for_stem(&stem)?;
        let out = work.join(&stem);
        let size_bytes = fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
        let started = Instant::now();
        let result = crate::generate_to(spec, &out, Some(&name), deny_warnings);
        let gen_seconds = started.elapsed().as_secs_f64();
        let lines = count_lines(&out.join("src"));
        if result.is_ok() {
            members.push(stem.clone());
        }
        rows.push(CorpusRow {
            spec: file,
            size_bytes,
            generated: result.is_ok(),
            compiled: false,
            warnings: 0,
            lines: if result.is_ok() { lines } else { 0 },
            gen_seconds,
            check_seconds: 0.0,
            problem: result.err().map(|e| first_lines(&e, 6)),
        });
    }

    write_workspace(root, &work, &members)?;
    // Build the shared dependencies once, so each crate's time is its own.
    cargo_check(&work, "client-runtime")?;
    for row in rows.iter_mut().filter(|r| r.generated) {
        let stem = row.spec.rsplit_once('.').map(|(s, _)| s).unwrap_or(&row.spec).to_owned();
        let package = crate::paths::crate_name_for_stem(&stem)?;
        let started = Instant::now();
        let output = cargo_check(&work, &package)?;
        row.check_seconds = started.elapsed().as_secs_f64();
        row.compiled = output.success;
        row.warnings = output.warnings;
        if !output.success {
            row.problem = Some(first_lines(&output.errors, 12));
        }
    }
    Ok(rows)
}

/// How one spec of a sweep fared.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRow {
    /// The spec's path relative to the swept directory.
    pub spec: String,
    /// `2.0`, `3.0` or `3.1`, as the document says.
    pub version: String,
    /// The class of each warning (see [`class_of`]).
    pub warnings: Vec<String>,
    /// The class of the first error, when the spec was refused.
    pub refused: Option<String>,
    /// The first error in full, when the spec was refused.
    pub first_error: Option<String>,
}

/// The sweep (`cargo xtask corpus --dir PATH [--compile-sample N]`): generates every spec
/// under `dir` in memory, counts what generated, warned and was refused (by class), then
/// writes `sample` of the generated crates, spread evenly over them, to `target/sweep/` and
/// checks them with clippy in one workspace. The report is Markdown.
pub fn sweep(root: &Path, dir: &Path, sample: usize, deny_warnings: bool) -> Result<String, String> {
    let mut specs = Vec::new();
    find_specs(dir, &mut specs)?;
    specs.sort();
    let mut rows = Vec::new();
    let started = Instant::now();
    for (i, spec) in specs.iter().enumerate() {
        let one = Instant::now();
        let shown = spec.strip_prefix(dir).map(crate::paths::slash).unwrap_or_else(|_| crate::paths::slash(spec));
        let text = match fs::read_to_string(spec) {
            Ok(t) => t,
            Err(e) => {
                rows.push(SweepRow { spec: shown, version: "?".into(), warnings: vec![], refused: Some("unreadable file".into()), first_error: Some(e.to_string()) });
                continue;
            }
        };
        let outcome = generate_within(&shown, &text, SWEEP_SPEC_SECONDS);
        let version = version_of(&text);
        let row = match outcome {
            Ok(Ok(g)) if !deny_warnings || g.warnings.is_empty() => {
                SweepRow { spec: shown, version, warnings: g.warnings.0.iter().map(|d| class_of(&d.message)).collect(), refused: None, first_error: None }
            }
            Ok(Ok(g)) => {
                let first = g.warnings.0.first().map(|d| d.clone().denied().to_string());
                SweepRow { spec: shown, version, warnings: vec![], refused: Some("a warning, denied".into()), first_error: first }
            }
            Ok(Err(d)) => {
                let first = d.0.iter().find(|d| d.is_error()).or(d.0.first());
                SweepRow {
                    spec: shown,
                    version,
                    warnings: vec![],
                    refused: Some(first.map_or_else(|| "(no diagnostic)".into(), |d| class_of(&d.message))),
                    first_error: first.map(|d| d.to_string()),
                }
            }
            Err(why) => SweepRow { spec: shown, version, warnings: vec![], refused: Some(why.into()), first_error: None },
        };
        eprintln!("[{}/{}] {} ({:.1} s)", i + 1, specs.len(), row.spec, one.elapsed().as_secs_f64());
        rows.push(row);
    }
    let gen_seconds = started.elapsed().as_secs_f64();

    // The sample: every k-th generated spec.
    let generated: Vec<&SweepRow> = rows.iter().filter(|r| r.refused.is_none()).collect();
    let step = (generated.len() / sample.max(1)).max(1);
    let chosen: Vec<&SweepRow> = generated.iter().step_by(step).take(sample).copied().collect();
    let work = root.join("target").join("sweep");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let mut members = Vec::new();
    let mut compiled = Vec::new();
    for (i, row) in chosen.iter().enumerate() {
        let member = format!("s{i:03}");
        crate::generate_to(&dir.join(&row.spec), &work.join(&member), Some(&format!("sweep-{i:03}-client")), false)?;
        members.push(member);
    }
    if !members.is_empty() {
        write_workspace(root, &work, &members)?;
        cargo_check(&work, "client-runtime")?;
    }
    for (i, row) in chosen.iter().enumerate() {
        let output = cargo_check(&work, &format!("sweep-{i:03}-client"))?;
        compiled.push((row.spec.clone(), output));
    }
    Ok(sweep_report(dir, &rows, gen_seconds, &compiled))
}

/// How long the sweep waits for one spec before it counts it as a hang and moves on.
const SWEEP_SPEC_SECONDS: u64 = 60;

/// `codegen::generate` on a thread of its own, given `seconds`: `Err` says why there is no
/// result (a panic, or no answer in time: that thread is left to finish, or to end with the process).
fn generate_within(shown: &str, text: &str, seconds: u64) -> Result<Result<codegen::GeneratedCrate, codegen::Diagnostics>, &'static str> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (shown, text) = (shown.to_owned(), text.to_owned());
    std::thread::spawn(move || {
        let input = codegen::Input { file_name: &shown, text: &text, crate_name: "sweep-client", runtime_path: "../runtime", command: "cargo xtask corpus --dir", package: codegen::PackageMeta::default() };
        let outcome = std::panic::catch_unwind(|| codegen::generate(&input));
        let _ = tx.send(outcome);
    });
    match rx.recv_timeout(std::time::Duration::from_secs(seconds)) {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(_)) => Err("the generator panicked"),
        Err(_) => Err("the generator took over 60 s (a hang)"),
    }
}

fn find_specs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            find_specs(&path, out)?;
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
            out.push(path);
        }
    }
    Ok(())
}

/// The version a document declares, from its text (a sweep statistic, not a parse).
fn version_of(text: &str) -> String {
    let head: String = text.chars().take(4000).collect();
    for (needle, version) in [("swagger", "2.0"), ("3.1.", "3.1"), ("3.0.", "3.0")] {
        let found = head.lines().any(|l| {
            let l = l.trim_start().trim_start_matches(['"', '{']);
            (l.starts_with("swagger") || l.starts_with("openapi")) && l.contains(needle)
        });
        if found {
            return version.into();
        }
    }
    "?".into()
}

/// A message with its particulars (names in backticks, numbers) taken out, so that
/// the same defect in two specs counts as one class.
pub fn class_of(message: &str) -> String {
    let mut out = String::new();
    let mut in_ticks = false;
    let mut last_digit = false;
    for c in message.chars() {
        match c {
            '`' => {
                if !in_ticks {
                    out.push_str("`…`");
                }
                in_ticks = !in_ticks;
            }
            _ if in_ticks => {}
            c if c.is_ascii_digit() => {
                if !last_digit {
                    out.push('N');
                }
                last_digit = true;
                continue;
            }
            c => out.push(c),
        }
        last_digit = false;
    }
    // Parser messages end with the particulars after a colon.
    let cut = out.find(": ").filter(|&i| i > 20).unwrap_or(out.len()).min(110);
    out.chars().take(cut).collect()
}

fn sweep_report(dir: &Path, rows: &[SweepRow], gen_seconds: f64, compiled: &[(String, CheckOutput)]) -> String {
    let mut out = String::new();
    let count = |f: &dyn Fn(&SweepRow) -> bool| rows.iter().filter(|r| f(r)).count();
    let _ = writeln!(out, "Sweep of {} ({} specs, generated in {gen_seconds:.0} s)\n", dir.display(), rows.len());
    let _ = writeln!(out, "| version | specs | generated | of which with warnings | refused |\n|---|---:|---:|---:|---:|");
    for version in ["2.0", "3.0", "3.1", "?"] {
        let of = |r: &SweepRow| r.version == version;
        let n = count(&|r| of(r));
        if n == 0 {
            continue;
        }
        let generated = count(&|r| of(r) && r.refused.is_none());
        let warned = count(&|r| of(r) && r.refused.is_none() && !r.warnings.is_empty());
        let _ = writeln!(out, "| {version} | {n} | {generated} | {warned} | {} |", n - generated);
    }
    let generated = count(&|r| r.refused.is_none());
    let warned = count(&|r| r.refused.is_none() && !r.warnings.is_empty());
    let _ = writeln!(out, "| all | {} | {generated} | {warned} | {} |", rows.len(), rows.len() - generated);

    let mut refused: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for r in rows {
        if let Some(class) = &r.refused {
            refused.entry(class).or_insert((0, &r.spec)).0 += 1;
        }
    }
    let mut refused: Vec<_> = refused.into_iter().collect();
    refused.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    let _ = writeln!(out, "\nRefused, by class of the first error:\n\n| specs | class | e.g. |\n|---:|---|---|");
    for (class, (n, example)) in &refused {
        let _ = writeln!(out, "| {n} | {} | {example} |", class.replace('|', "\\|"));
    }
    let mut warnings: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in rows {
        let mut seen = std::collections::BTreeSet::new();
        for w in &r.warnings {
            let e = warnings.entry(w).or_insert((0, 0));
            e.0 += 1;
            if seen.insert(w) {
                e.1 += 1;
            }
        }
    }
    let _ = writeln!(out, "\nWarnings, by class:\n\n| warnings | specs | class |\n|---:|---:|---|");
    for (class, (n, specs)) in &warnings {
        let _ = writeln!(out, "| {n} | {specs} | {} |", class.replace('|', "\\|"));
    }
    let clean = compiled.iter().filter(|(_, o)| o.success && o.warnings == 0).count();
    let _ = writeln!(out, "\nCompiled (clippy) {} of the generated crates: {clean} clean, {} with warnings, {} failed.", compiled.len(),
        compiled.iter().filter(|(_, o)| o.success && o.warnings > 0).count(), compiled.iter().filter(|(_, o)| !o.success).count());
    for (spec, o) in compiled.iter().filter(|(_, o)| !o.success || o.warnings > 0) {
        let _ = writeln!(out, "\n{spec}: {} warnings\n{}", o.warnings, first_lines(&o.errors, 6));
    }
    for r in rows.iter().filter(|r| r.refused.is_some()) {
        let _ = writeln!(out, "\n{}:\n{}", r.spec, first_lines(r.first_error.as_deref().unwrap_or(""), 3));
    }
    out
}

fn write_workspace(root: &Path, work: &Path, members: &[String]) -> Result<(), String> {
    let list: Vec<String> = members.iter().map(|m| format!("    {m:?},")).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n", list.join("\n"));
    fs::write(work.join("Cargo.toml"), manifest).map_err(|e| format!("cannot write the corpus workspace: {e}"))?;
    // The repository's lock file pins the same dependency versions as CI uses.
    fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

struct CheckOutput {
    success: bool,
    warnings: usize,
    errors: String,
}

fn cargo_check(work: &Path, package: &str) -> Result<CheckOutput, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["clippy", "--quiet", "--message-format", "short", "-p", package])
        .current_dir(work)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings = stderr.lines().filter(|l| l.contains(": warning: ")).count();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    Ok(CheckOutput { success: output.status.success(), warnings, errors: errors.join("\n") })
}

fn count_lines(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| fs::read_to_string(e.path()).ok())
        .map(|t| t.lines().count())
        .sum()
}

fn first_lines(text: &str, n: usize) -> String {
    text.lines().take(n).collect::<Vec<_>>().join("\n")
}

/// The table, as Markdown.
pub fn table(rows: &[CorpusRow]) -> String {
    let mut out = String::from(
        "| spec | size | generated | compiled | warnings | lines | generate (s) | clippy (s) |\n|---|---:|---|---|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let yes = |b: bool| if b { "yes" } else { "no" };
        let _ = writeln!(
            out,
            "| {} | {} KB | {} | {} | {} | {} | {:.2} | {:.1} |",
            r.spec,
            r.size_bytes / 1024,
            yes(r.generated),
            yes(r.compiled),
            r.warnings,
            r.lines,
            r.gen_seconds,
            r.check_seconds
        );
    }
    let ok = rows.iter().filter(|r| r.generated && r.compiled && r.warnings == 0).count();
    let _ = writeln!(out, "\n{ok}/{} specs generate and compile with zero warnings (rustc and clippy).", rows.len());
    for r in rows.iter().filter(|r| r.problem.is_some()) {
        let _ = writeln!(out, "\n{}:\n{}", r.spec, r.problem.as_deref().unwrap_or_default());
    }
    out
}
