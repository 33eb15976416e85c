//! Generates the Moveworks vendor's own OpenAPI 3.1 document into a module
//! that `tests/openapi31.rs` embeds. Failing to generate fails the build: the
//! test is that this document generates at all.

use std::{env, fs, path::Path};

const SEED: &str = "../shared/seeds/001_moveworks_openapi_3.1.yaml";

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let seed = Path::new(&manifest_dir).join("..").join(SEED);
    println!("cargo:rerun-if-changed={}", seed.display());
    println!("cargo:rerun-if-changed=../codegen/src");
    let text = fs::read_to_string(&seed).unwrap_or_else(|e| panic!("reading {}: {e}", seed.display()));
    let module = codegen::generate_module(SEED, &text, "cargo build -p client-tests (tests/build.rs)")
        .unwrap_or_else(|diagnostics| panic!("{SEED} does not generate:\n{diagnostics}"));
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("moveworks_vendor_31.rs");
    fs::write(&out, module).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
