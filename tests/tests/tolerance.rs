//! Specs wrong in a way with one safe, obvious reading generate, with a warning
//! for each defect: printed like an error (file, JSON pointer, what was assumed,
//! what to fix), carried in `GeneratedCrate::warnings`, and an error under
//! `--deny-warnings`. The specs are in `tests/bad-specs/tolerated/`.

use std::fs;
use std::path::Path;

use codegen::{Diagnostic, GeneratedCrate, Severity};

const DIR: &str = "tests/bad-specs/tolerated";

fn generate(name: &str) -> GeneratedCrate {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("bad-specs").join("tolerated").join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let file_name = format!("{DIR}/{name}");
    let input = codegen::Input {
        file_name: &file_name,
        text: &text,
        crate_name: "tolerated-client",
        runtime_path: "../../runtime",
        command: "cargo test -p client-tests --test tolerance",
        package: codegen::PackageMeta::default(),
    };
    codegen::generate(&input).unwrap_or_else(|d| panic!("{name} should generate, with warnings:\n{d}"))
}

/// The warnings' pointers, each checked to be a located, explained warning.
#[track_caller]
fn warning_pointers(name: &str, generated: &GeneratedCrate) -> Vec<String> {
    let all: &[Diagnostic] = &generated.warnings.0;
    for w in all {
        assert_eq!(w.severity, Severity::Warning, "{w}");
        assert_eq!(w.file, format!("{DIR}/{name}"), "{w}");
        assert!(!w.message.trim().is_empty() && !w.help.trim().is_empty(), "{w}");
        assert!(w.to_string().starts_with(&format!("warning: {DIR}/{name} at #/")), "{w}");
    }
    all.iter().map(|w| w.pointer.clone()).collect()
}

#[test]
fn an_undeclared_path_template_parameter_is_a_required_percent_encoded_string() {
    let g = generate("missing_path_param.yaml");
    assert_eq!(warning_pointers("missing_path_param.yaml", &g), ["/paths/~1things~1{id}/get"]);
    assert!(g.warnings.0[0].message.contains("taken as a required string path parameter"), "{}", g.warnings);
    let client = &g.files["src/client.rs"];
    // A required argument of the method, sent through the same encoder as declared ones.
    assert!(client.contains("id: impl ::std::convert::Into<::std::string::String>"), "{client}");
    assert!(client.contains("::client_runtime::encode::path_segment(\"id\", &self.id)"), "{client}");
}

#[test]
fn documentation_fields_of_the_wrong_type_are_ignored() {
    let g = generate("doc_fields_wrong_type.yaml");
    assert_eq!(
        warning_pointers("doc_fields_wrong_type.yaml", &g),
        [
            "/info/description",
            "/tags/0/description",
            "/paths/~1things/get/summary",
            "/paths/~1things/get/parameters/0/description",
            "/components/schemas/Thing/title",
        ]
    );
    // A property named like a documentation field is a property.
    assert!(g.files["src/types.rs"].contains("pub description: ::std::option::Option<::std::string::String>"), "{}", g.files["src/types.rs"]);
}

#[test]
fn numbers_beyond_64_bits_never_fail_the_load() {
    let g = generate("numbers_beyond_64_bits.yaml");
    // -9223372036854775809 is i64::MIN as the nearest f64, a bound no i64 breaks: no warning;
    // the maximum fits no 64-bit integer and is dropped from validation.
    assert_eq!(
        warning_pointers("numbers_beyond_64_bits.yaml", &g),
        ["/paths/~1things/get/parameters/0/schema/maximum"]
    );
    let client = &g.files["src/client.rs"];
    // The bounds of `limit` are still checked.
    assert!(client.contains("100"), "{client}");
}

#[test]
fn deny_warnings_makes_every_warning_an_error() {
    let g = generate("doc_fields_wrong_type.yaml");
    let denied = g.warnings.clone().denied();
    assert!(denied.has_errors());
    assert_eq!(denied.len(), g.warnings.len());
    assert!(denied.to_string().starts_with("error: "), "{denied}");
    // The single-text entry points carry no warnings, so they refuse instead.
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("bad-specs/tolerated/missing_path_param.yaml")).unwrap();
    let err = codegen::generate_single_file("m.yaml", &text, "test").expect_err("a warning is an error here");
    assert!(err.has_errors() && err.to_string().contains("{id}"), "{err}");
}

#[test]
fn a_type_list_outside_3_1_is_nullable_and_the_warning_points_into_the_2_0_document() {
    let g = generate("type_list.yaml");
    assert_eq!(warning_pointers("type_list.yaml", &g), ["/definitions/Key/properties/keypair/type"]);
    let types = &g.files["src/types.rs"];
    assert!(types.contains("pub keypair: ::std::option::Option<::std::option::Option<::std::string::String>>"), "{types}");
}
