//! Compile tests (trybuild) of the generated clients, as a consumer uses them.
//!
//! - `tests/ui/pass/*.rs`: programs that must compile (and run: each `main`
//!   only builds futures, it sends nothing), one per client, using every
//!   part of its API a user relies on: configuration, optional parameters,
//!   `send`/`send_with_response`, the typed errors, pagination, open enums,
//!   and `Send`/`Sync`/`'static` for multi-threaded runtimes.
//! - `tests/ui/fail/*.rs`: mistakes the generated API must refuse at compile
//!   time, each with the compiler's message in the `.stderr` next to it.
//! - `tests/snapshots/*.rs`: the codegen snapshots (each a whole generated
//!   crate as one file) must compile as a binary.
//!
//! After a deliberate change of the API or of rustc's wording, rewrite the
//! `.stderr` files with
//!
//! ```text
//! TRYBUILD=overwrite cargo test -p client-tests --test compile
//! ```
//!
//! and read the diff: each message must still be the intended error.
//!
//! Everything is in one test because trybuild runs must not overlap (they
//! share one build directory under `target/tests/trybuild`). The first run
//! builds the dependencies there again, which takes minutes; later runs reuse it.

use std::path::Path;

/// The `.rs` files in `dir` (relative to this package), for the guards below:
/// trybuild takes a glob that matches nothing as zero cases and passes.
fn rust_files(dir: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
            .count(),
        Err(_) => 0,
    }
}

#[test]
fn compile() {
    // Globs are relative to the working directory, which `cargo test` sets to
    // this package's directory (`tests/`), hence no `tests/` prefix.
    assert!(rust_files("ui/pass") > 0, "no pass case found in tests/ui/pass");
    assert!(rust_files("ui/fail") > 0, "no compile-fail case found in tests/ui/fail");
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
    // The snapshots are written by the snapshot test; while there are none
    // yet the glob adds no case (no error in trybuild). Whenever they exist,
    // every one of them is compiled and run (`fn main() {}`).
    t.pass("snapshots/*.rs");
}
