//! Fuzzers for the generator and the generated decoders, on stable Rust.
//!
//! `cargo run --release -p fuzz -- <target> --minutes N` fuzzes one target
//! (`generator`, `nairi`, `moveworks`, `krosai`, `agentmessage`; `decoders` is
//! the four decoders, `all` everything) for N minutes, keeping its corpus and
//! any crashing input under `target/fuzz/<target>/`. See [`harness`] for how
//! panics, hangs and stack overflows are caught, and README.md ("Tests") for
//! the commands.

use std::path::PathBuf;

pub mod decoders;
pub mod generator;
pub mod harness;
pub mod mutate;
pub mod schema;
pub mod selftest;
pub mod values;

pub use harness::Target;

/// The repository root (the workspace this crate is in).
pub fn repo_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Where the corpora and crashes go: `target/fuzz/` (under `CARGO_TARGET_DIR` when set).
pub fn default_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo_root().join("target"), PathBuf::from).join("fuzz")
}

/// The names `all` runs, in order.
pub const ALL: &[&str] = &["generator", "nairi", "moveworks", "krosai", "agentmessage"];
/// The names `decoders` runs.
pub const DECODERS: &[&str] = &["nairi", "moveworks", "krosai", "agentmessage"];

/// The target of a name (the self-test targets too, which the harness tests use).
pub fn target(name: &str) -> Option<Box<dyn Target>> {
    let repo = repo_root();
    Some(match name {
        "generator" => Box::new(generator::Generator::new(&repo)),
       "nairi" | "moveworks" | "krosai" | "agentmessage" => Box::new(decoders::Decoder::new(name, &repo)),
        other => return selftest::target(other),
    })
}
