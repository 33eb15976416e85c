//! The harness catches each way an input can fail and keeps the input; the
//! mutators make what they say; the targets accept their own seeds.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fuzz::harness::{self, Entry, Target};
use fuzz::{mutate, selftest};
use serde_json::{json, Value};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fuzz-harness-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_panic_is_caught_with_its_message_and_place() {
    harness::quiet_panics();
    let caught = harness::catch(|| -> u32 { panic!("known bug {}", 42) });
    let message = caught.expect_err("the panic is caught");
    assert!(message.contains("known bug 42"), "{message}");
    assert!(message.starts_with("panicked at fuzz/tests/harness.rs:"), "{message}");
    assert_eq!(harness::catch(|| 7), Ok(7));
}

/// Runs the fuzz binary on a self-test target for `seconds`; the crash files it saved.
fn supervised(target: &str, seconds: &str) -> (std::process::Output, Vec<PathBuf>, PathBuf) {
    let dir = scratch(target);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_fuzz"))
        .args([target, "--seconds", seconds, "--seed", "1", "--dir"])
        .arg(&dir)
        .output()
        .expect("running the fuzz binary");
    let crashes_dir = dir.join(target).join("crashes");
    let mut crashes: Vec<PathBuf> = std::fs::read_dir(&crashes_dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    crashes.sort();
    (output, crashes, dir)
}

#[track_caller]
fn assert_caught(target: &str, kind: &str, what: &str) {
    let (output, crashes, dir) = supervised(target, "4");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{target}: a run with a crash fails:\n{stdout}");
    assert!(stdout.contains("1 crashes"), "{target}: one crash reported:\n{stdout}");
    let input = crashes.iter().find(|p| p.extension().is_some_and(|e| e == "bin")).unwrap_or_else(|| panic!("{target}: no input saved: {crashes:?}"));
    let name = input.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    assert!(name.starts_with(kind), "{target}: saved as {name}, not {kind}-…");
    assert_eq!(std::fs::read(input).expect("reading the saved input"), selftest::TRIGGER, "{target}: the saved input is the one that failed");
    let note = std::fs::read_to_string(input.with_extension("txt")).expect("the note beside the input");
    assert!(note.contains(what), "{target}: {note}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_supervisor_saves_a_panicking_input() {
    assert_caught("selftest-panic", "panic-", "the planted bug");
}

#[test]
fn the_supervisor_saves_an_input_that_aborts_the_worker() {
    assert_caught("selftest-abort", "abort-", "SIGABRT");
}

#[test]
fn the_supervisor_saves_an_input_that_overflows_the_stack() {
    assert_caught("selftest-overflow", "abort-", "SIGABRT");
}

#[test]
fn the_watchdog_saves_an_input_that_hangs() {
    assert_caught("selftest-hang", "hang-", "a hang");
}

#[test]
fn minimize_shrinks_a_panicking_input_to_what_triggers_it() {
    let target = selftest::target("selftest-panic").expect("a self-test target");
    let (smaller, message) = harness::minimize(target.as_ref(), b"0123456789boom0123456789", Duration::from_secs(30)).expect("it panics");
    assert_eq!(smaller, selftest::TRIGGER);
    assert!(message.contains("the planted bug"), "{message}");
    assert!(harness::minimize(target.as_ref(), b"harmless", Duration::from_secs(5)).is_none());
}

fn small_spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": { "/pets": { "get": { "operationId": "listPets", "responses": { "200": {
            "description": "ok",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pets" } } }
        } } } } },
        "components": { "schemas": {
            "Pets": { "type": "array", "items": { "$ref": "#/components/schemas/Pet" } },
            "Pet": { "type": "object", "required": ["id"], "properties": {
                "id": { "type": "integer" }, "tag": { "$ref": "#/components/schemas/Tag" } } },
            "Tag": { "type": "string", "enum": ["a", "b"] },
            "Unused": { "type": "object" }
        } }
    })
}

#[test]
fn mutations_change_the_document_in_every_way() {
    // Deep nesting (up to 1,000 levels) needs more stack than a test thread has, as in the worker.
    harness::on_big_stack(mutations_change_the_document_in_every_way_on_a_big_stack);
}

fn mutations_change_the_document_in_every_way_on_a_big_stack() {
    let mut rng = fastrand::Rng::with_seed(7);
    let original = small_spec();
    let (mut changed, mut deeper, mut broken_refs, mut renamed) = (0, 0, 0, 0);
    let depth = |v: &Value| mutate::all_paths(v, 100_000).iter().map(Vec::len).max().unwrap_or(0);
    for _ in 0..500 {
        let mut doc = original.clone();
        mutate::mutate(&mut rng, &mut doc, &original);
        changed += usize::from(doc != original);
        deeper += usize::from(depth(&doc) > depth(&original) + 10);
        let text = doc.to_string();
        broken_refs += usize::from(text.contains("DoesNotExist") || text.contains("other.yaml"));
        renamed += usize::from(doc["components"]["schemas"].as_object().is_some_and(|s| s.len() == 4 && s.keys().any(|k| !["Pets", "Pet", "Tag", "Unused"].contains(&k.as_str()))));
    }
    assert!(changed > 400, "only {changed} of 500 mutations changed the document");
    assert!(deeper > 5, "deep nesting: {deeper}");
    assert!(broken_refs > 5, "broken $refs: {broken_refs}");
    assert!(renamed > 0, "renamed schemas: {renamed}");
}

#[test]
fn a_slice_of_a_spec_keeps_what_its_paths_refer_to() {
    let mut rng = fastrand::Rng::with_seed(1);
    let slice = mutate::slice(&mut rng, &small_spec());
    assert_eq!(slice["paths"], small_spec()["paths"]);
    let schemas = slice["components"]["schemas"].as_object().expect("schemas copied");
    // Pets, and through it Pet and Tag; not the schema nothing refers to.
    let mut names: Vec<&str> = schemas.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["Pet", "Pets", "Tag"]);
}

#[test]
fn the_generator_target_runs_its_seeds_and_mutants_without_finding_a_bug() {
    harness::on_big_stack(generator_target_on_a_big_stack);
}

fn generator_target_on_a_big_stack() {
    let target = fuzz::generator::Generator::from_seeds(vec![small_spec().to_string().into_bytes()]);
    harness::quiet_panics();
    let corpus: Vec<Entry> = target.seeds().into_iter().map(Entry::new).collect();
    let features = harness::replay(&target, &corpus[0].bytes).expect("the seed generates");
    assert!(!features.is_empty());
    let mut rng = fastrand::Rng::with_seed(3);
    let mut distinct = std::collections::HashSet::new();
    for _ in 0..40 {
        let input = target.generate(&mut rng, &corpus);
        let found = harness::replay(&target, &input).unwrap_or_else(|m| panic!("{m}\n{}", String::from_utf8_lossy(&input)));
        distinct.extend(found);
    }
    assert!(distinct.len() > 5, "mutants reach only {} features", distinct.len());
}

#[test]
fn every_decoder_target_decodes_valid_pages_with_injections() {
    let repo = fuzz::repo_root();
    harness::quiet_panics();
    for name in fuzz::DECODERS {
        let decoder = fuzz::decoders::Decoder::new(name, &repo);
        let corpus: Vec<Entry> = decoder.seeds().into_iter().map(Entry::new).collect();
        for seed in &corpus {
            harness::replay(&decoder, &seed.bytes).unwrap_or_else(|m| panic!("{name}: a seed fails: {m}"));
        }
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..300 {
            let input = decoder.generate(&mut rng, &corpus);
            harness::replay(&decoder, &input).unwrap_or_else(|m| panic!("{name}: {m}"));
        }
    }
}

#[test]
fn a_decoder_target_refuses_a_valid_page_that_does_not_decode() {
    // The property is checked, not assumed: a page missing a required field, marked valid, is a finding.
    let decoder = fuzz::decoders::Decoder::new("nairi", &fuzz::repo_root());
    harness::quiet_panics();
    let message = harness::replay(&decoder, b"valid\n{\"messages\": [{}]}").expect_err("a broken valid page is reported");
    assert!(message.contains("a valid page did not decode"), "{message}");
    assert!(harness::replay(&decoder, b"any\n{\"messages\": [{}]}").is_ok(), "an arbitrary page may fail to decode");
    assert!(!decoder.examples().is_empty(), "nairi's spec has example pages");
}

#[test]
fn saved_files_live_under_the_target_dir() {
    let dir = fuzz::default_dir();
    assert!(dir.ends_with(Path::new("fuzz")), "{}", dir.display());
}
