//! The decoder targets: one per vendor, its list-messages page type.
//!
//! An input is one line naming its kind, then the body:
//!
//! - `any`: arbitrary bytes (random, or a mangled page). Decoding must not
//!   panic, whatever it returns; a value that decodes must round-trip.
//! - `valid`: a page the spec describes (the spec's examples, or one made from
//!   the response schema) with extra keys, unknown enum values, unknown `oneOf`
//!   variants and nulls injected. It must decode, and re-encode to JSON that
//!   decodes to the same value and encodes to the same JSON.
//!
//! Decoding is done as the runtime does it: `serde_json::from_slice`, then,
//! on failure, a second pass with `serde_path_to_error` for the error's path.

use std::fmt::Debug;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::harness::{hash_of, Entry, Target};
use crate::schema::{Injection, Spec};
use crate::{mutate, values};

const ANY: &[u8] = b"any\n";
const VALID: &[u8] = b"valid\n";

/// Decodes `body` as `T` and checks the round trip; panics on a broken promise.
fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(body: &[u8], must_decode: bool) -> Vec<u64> {
    let decoded: T = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(fast) => {
            let slow = serde_path_to_error::deserialize::<_, T>(&mut serde_json::Deserializer::from_slice(body));
            let (path, message) = match slow {
                // The runtime's second pass reads no further than the value (trailing bytes): it keeps the first error.
                Ok(_) => (String::new(), fast.to_string()),
                Err(e) => (e.path().to_string(), e.into_inner().to_string()),
            };
            assert!(!must_decode, "a valid page did not decode: {message} at {path}\n{}", String::from_utf8_lossy(body));
            // The error's kind, without positions and quoted text: a feature.
            let kind = crate::generator::message_kind(message.split(" at line").next().unwrap_or(""));
            return vec![hash_of(&("error", kind))];
        }
    };
    let json = serde_json::to_string(&decoded).unwrap_or_else(|e| panic!("a decoded page does not encode: {e}\n{decoded:?}"));
    let again: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("a re-encoded page does not decode: {e}\n{json}"));
    assert!(again == decoded, "a re-encoded page decodes to another value:\nfirst:  {decoded:?}\nsecond: {again:?}\njson: {json}");
    let json_again = serde_json::to_string(&again).unwrap_or_else(|e| panic!("a page does not encode: {e}"));
    assert_eq!(json, json_again, "encoding the same value twice gave different JSON");
    // The shape of what decoded (its keys, not their values): a feature.
    let shape: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
    vec![hash_of(&("ok", shape_of(&shape, 2)))]
}

fn shape_of(value: &Value, depth: usize) -> String {
    match value {
        Value::Object(map) if depth > 0 => {
            // The kinds of the values, not the keys (injected keys are random).
            let mut keys: Vec<String> = map.values().map(|v| shape_of(v, depth - 1)).collect();
            keys.sort();
            keys.dedup();
            format!("{{{}}}", keys.join(","))
        }
        Value::Array(items) if depth > 0 => {
            let mut shapes: Vec<String> = items.iter().map(|v| shape_of(v, depth - 1)).collect();
            shapes.sort();
            shapes.dedup();
            format!("[{}]", shapes.join(","))
        }
        Value::Null => "n".into(),
        Value::Bool(_) => "b".into(),
        Value::Number(_) => "#".into(),
        Value::String(_) => "s".into(),
        _ => "…".into(),
    }
}

pub struct Decoder {
    name: &'static str,
    spec: Spec,
    /// The list-messages operation's 200 response schema.
    page: Value,
    /// The spec's example pages for it.
    examples: Vec<Value>,
    check: Check,
}

/// Decodes a body as one page type and checks it ([`check`] for that type).
type Check = fn(&[u8], bool) -> Vec<u64>;

/// The vendor's name, list-messages operation, spec file and page type.
fn vendor(name: &str) -> (&'static str, &'static str, &'static str, Check) {
    match name {
        "nairi" => ("nairi", "listMessages", "specs/nairi.yaml", check::<nairi_client::types::ListMessagesResponse>),
        "moveworks" => ("moveworks", "list-conversation-messages", "specs/moveworks.yaml", check::<moveworks_client::types::ListConversationMessagesResponse>),
        "krosai" => ("krosai", "getConversationMessages", "specs/krosai.yaml", check::<Vec<krosai_client::types::Message>>),
        "agentmessage" => ("agentmessage", "listConversationMessages", "specs/agentmessage.yaml", check::<agentmessage_client::types::ListMessagesResponse>),
        other => panic!("no decoder target {other}"),
    }
}

impl Decoder {
    /// The decoder target of a vendor; panics on a name that is none (see [`crate::DECODERS`]).
    pub fn new(name: &str, repo: &Path) -> Self {
        let (name, operation_id, spec_file, check) = vendor(name);
        let path = repo.join(spec_file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let doc = codegen::load::parse_text(spec_file, &text).unwrap_or_else(|e| panic!("{spec_file}: {e}"));
        let operation = doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
            .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
            .unwrap_or_else(|| panic!("{spec_file} has no operation {operation_id}"));
        let media = operation.pointer("/responses/200/content/application~1json").unwrap_or_else(|| panic!("{operation_id} has no JSON 200 response"));
        let page = media.get("schema").cloned().unwrap_or(Value::Null);
        let mut examples: Vec<Value> = media.get("examples").and_then(Value::as_object).into_iter().flatten().filter_map(|(_, e)| e.get("value").cloned()).collect();
        examples.extend(media.get("example").cloned());
        Self { name, spec: Spec::new(doc), page, examples, check }
    }

    /// A valid page: an example with injections, or one made from the schema.
    pub fn valid_page(&self, rng: &mut fastrand::Rng) -> Value {
        let inject = Injection::random(rng);
        if !self.examples.is_empty() && rng.bool() {
            let mut page = self.examples[rng.usize(0..self.examples.len())].clone();
            self.spec.inject(rng, &self.page, &mut page, inject, 0);
            page
        } else {
            self.spec.instance(rng, &self.page, inject, 0)
        }
    }

    pub fn examples(&self) -> &[Value] {
        &self.examples
    }
}

fn with_kind(kind: &[u8], body: &[u8]) -> Vec<u8> {
    let mut input = kind.to_vec();
    input.extend_from_slice(body);
    input
}

impl Target for Decoder {
    fn name(&self) -> &'static str {
        self.name
    }

    fn extension(&self) -> &'static str {
        "page"
    }

    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut rng = fastrand::Rng::with_seed(0);
        let mut seeds: Vec<Vec<u8>> = self.examples.iter().map(|e| with_kind(VALID, e.to_string().as_bytes())).collect();
        for _ in 0..4 {
            let page = self.spec.instance(&mut rng, &self.page, Injection::NONE, 0);
            seeds.push(with_kind(VALID, page.to_string().as_bytes()));
        }
        seeds
    }

    fn run(&self, input: &[u8]) -> Vec<u64> {
        if let Some(body) = input.strip_prefix(VALID) {
            (self.check)(body, true)
        } else {
            (self.check)(input.strip_prefix(ANY).unwrap_or(input), false)
        }
    }

    fn generate(&self, rng: &mut fastrand::Rng, corpus: &[Entry]) -> Vec<u8> {
        match rng.u8(0..10) {
            // Valid pages with injections, compact or pretty.
            0..=4 => {
                let page = self.valid_page(rng);
                let body = if rng.bool() { serde_json::to_vec(&page) } else { serde_json::to_vec_pretty(&page) };
                with_kind(VALID, &body.unwrap_or_default())
            }
            // A page mangled structurally: dropped, retyped, duplicated, renamed nodes.
            5..=7 => {
                let mut page = self.valid_page(rng);
                let donor = self.valid_page(rng);
                for _ in 0..rng.usize(1..4) {
                    mutate_page(rng, &mut page, &donor);
                }
                with_kind(ANY, &serde_json::to_vec(&page).unwrap_or_default())
            }
            // Arbitrary JSON.
            8 => with_kind(ANY, values::any_value(rng, 6).to_string().as_bytes()),
            // Bytes: random, or a corpus entry's bytes mangled.
            _ => {
                let entry = &corpus[rng.usize(0..corpus.len())].bytes;
                let body = entry.strip_prefix(VALID).or_else(|| entry.strip_prefix(ANY)).unwrap_or(entry);
                let mut body = if rng.u8(0..4) == 0 { values::random_bytes(rng, 512) } else { body.to_vec() };
                values::mutate_bytes(rng, &mut body);
                with_kind(ANY, &body)
            }
        }
    }

    fn shrink(&self, input: &[u8]) -> Vec<Vec<u8>> {
        let (kind, body) = match input.strip_prefix(VALID) {
            Some(body) => (VALID, body),
            None => (ANY, input.strip_prefix(ANY).unwrap_or(input)),
        };
        let mut out = Vec::new();
        if let Ok(page) = serde_json::from_slice::<Value>(body) {
            for path in mutate::all_paths(&page, 10_000).iter().skip(1) {
                let mut smaller = page.clone();
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
                out.push(with_kind(kind, smaller.to_string().as_bytes()));
            }
        }
        out.extend(crate::harness::shrink_bytes(body).into_iter().map(|b| with_kind(kind, &b)));
        out
    }
}

/// One mutation of a page: drop, retype, duplicate or rename a node, or put an edge value in.
fn mutate_page(rng: &mut fastrand::Rng, page: &mut Value, donor: &Value) {
    let paths = mutate::all_paths(page, 10_000);
    let path = paths[rng.usize(0..paths.len())].clone();
    match rng.u8(0..5) {
        0 => {
            if let Some((last, parent)) = path.split_last() {
                match (mutate::get_mut(page, parent), last) {
                    (Some(Value::Object(map)), mutate::Seg::Key(k)) => {
                        map.shift_remove(k);
                    }
                    (Some(Value::Array(items)), mutate::Seg::Index(i)) => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        1 => {
            if let Some(node) = mutate::get_mut(page, &path) {
                *node = values::retyped(rng, node);
            }
        }
        2 => {
            let donor_paths = mutate::all_paths(donor, 10_000);
            let from = mutate::get(donor, &donor_paths[rng.usize(0..donor_paths.len())]).cloned().unwrap_or(Value::Null);
            if let Some(node) = mutate::get_mut(page, &path) {
                *node = from;
            }
        }
        3 => {
            if let (Some(mutate::Seg::Key(k)), Some((_, parent))) = (path.last(), path.split_last()) {
                if let Some(Value::Object(map)) = mutate::get_mut(page, parent) {
                    if let Some(v) = map.shift_remove(k) {
                        map.insert(values::hostile_string(rng), v);
                    }
                }
            }
        }
        _ => {
            if let Some(node) = mutate::get_mut(page, &path) {
                *node = if rng.bool() { values::edge_number(rng) } else { Value::String(values::hostile_string(rng)) };
            }
        }
    }
}
