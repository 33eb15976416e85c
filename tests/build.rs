//! Generates, into `OUT_DIR`, modules that tests embed with `include!`:
//!
//! - the Moveworks vendor's own OpenAPI 3.1 document, as `moveworks_vendor_31.rs`
//!   (embedded by `tests/openapi31.rs`);
//! - every `tests/fixtures/<stem>.yaml`, as `fixtures/<stem>.rs` (embedded by
//!   `tests/fixture_behaviour.rs`);
//! - every public Swagger 2.0 spec `tests/swagger2/<stem>.yaml`, as
//!   `swagger2/<stem>.rs` (embedded by `tests/swagger2_public.rs`).
//!
//! Failing to generate any of them fails the build with the generator's
//! diagnostics: the first test is that each document generates at all.

use std::{env, fs, path::Path};

const SEED: &str = "../shared/seeds/001_moveworks_openapi_3.1.yaml";
const FIXTURES: &str = "fixtures";
const COMMAND: &str = "cargo build -p client-tests (tests/build.rs)";

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let manifest_dir = Path::new(&manifest_dir);
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    let out_dir = Path::new(&out_dir);
    println!("cargo:rerun-if-changed=../codegen/src");

    generate(&manifest_dir.join("..").join(SEED), SEED, &out_dir.join("moveworks_vendor_31.rs"));

    // The directory, so that an added or removed fixture reruns this script; each
    // file, so that an edited one does.
    let fixture_dir = manifest_dir.join(FIXTURES);
    println!("cargo:rerun-if-changed={}", fixture_dir.display());
    let fixture_out = out_dir.join(FIXTURES);
    fs::create_dir_all(&fixture_out).unwrap_or_else(|e| panic!("creating {}: {e}", fixture_out.display()));
    let entries = fs::read_dir(&fixture_dir).unwrap_or_else(|e| panic!("reading {}: {e}", fixture_dir.display()));
    let mut fixtures: Vec<_> = entries
        .map(|entry| entry.unwrap_or_else(|e| panic!("reading {}: {e}", fixture_dir.display())).path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    fixtures.sort();
    for path in fixtures {
        let stem = path.file_stem().expect("a file name").to_string_lossy();
        generate(&path, &format!("tests/{FIXTURES}/{stem}.yaml"), &fixture_out.join(format!("{stem}.rs")));
    }

    // The public Swagger 2.0 specs: generated without a warning (a warning fails here).
    let swagger2_dir = manifest_dir.join("swagger2");
    println!("cargo:rerun-if-changed={}", swagger2_dir.display());
    let swagger2_out = out_dir.join("swagger2");
    fs::create_dir_all(&swagger2_out).unwrap_or_else(|e| panic!("creating {}: {e}", swagger2_out.display()));
    let mut specs: Vec<_> = fs::read_dir(&swagger2_dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", swagger2_dir.display()))
        .map(|entry| entry.unwrap_or_else(|e| panic!("reading {}: {e}", swagger2_dir.display())).path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    specs.sort();
    for path in specs {
        let stem = path.file_stem().expect("a file name").to_string_lossy();
        generate(&path, &format!("tests/swagger2/{stem}.yaml"), &swagger2_out.join(format!("{stem}.rs")));
    }
}

/// Generates the spec at `path` (named `file_name` in the header and diagnostics)
/// as an embeddable module into `out`; panics with the diagnostics if it does not generate.
fn generate(path: &Path, file_name: &str, out: &Path) {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let module = codegen::generate_module(file_name, &text, COMMAND)
        .unwrap_or_else(|diagnostics| panic!("{file_name} does not generate:\n{diagnostics}"));
    fs::write(out, module).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
