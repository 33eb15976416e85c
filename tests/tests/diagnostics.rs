//! Bad specs end with clear errors: the file, the JSON pointer of the node at
//! fault (and the line, where the parser gives one), a message saying what is
//! wrong and a help saying what to do. Never a panic, and every problem of a
//! spec in one run. A failed `cargo xtask gen --spec F --out D` leaves `D`
//! exactly as it was.
//!
//! The specs are the small files in `tests/bad-specs/` (hostile ones that are
//! too big to commit are built in `tests/hostile.rs`). Each is named in
//! messages as `tests/bad-specs/<file>`, as a user would name it.
//!
//! Generator findings (a weaker message than a user needs) are tests marked
//! `#[ignore = "generator bug: ..."]`, asserting the right behaviour.

use std::collections::BTreeMap;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use codegen::{Diagnostic, Diagnostics, GeneratedCrate};

const BAD_SPECS: &str = "tests/bad-specs";

/// Specs in `tests/bad-specs/` that are hostile but valid: they must generate.
const VALID: &[&str] = &["hostile_names.yaml", "recursive_tree.yaml"];

fn bad_specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bad-specs")
}

/// Generates from `text`, named `file_name` in messages; a panic fails with the file named.
fn generate_text(file_name: &str, text: &str) -> Result<GeneratedCrate, Diagnostics> {
    let input = codegen::Input {
        file_name,
        text,
        crate_name: "bad-client",
        runtime_path: "../../runtime",
        command: "cargo test -p client-tests --test diagnostics",
        package: codegen::PackageMeta::default(),
    };
    catch_unwind(AssertUnwindSafe(|| codegen::generate(&input)))
        .unwrap_or_else(|_| panic!("the generator panicked on {file_name}"))
}

/// The problems of `text`, which must be refused.
#[track_caller]
fn refused(file_name: &str, text: &str) -> Vec<Diagnostic> {
    match generate_text(file_name, text) {
        Ok(_) => panic!("{file_name} generated, but it should have been refused"),
        Err(d) => d.0,
    }
}

/// The file name messages use for `tests/bad-specs/<name>`.
fn shown(name: &str) -> String {
    format!("{BAD_SPECS}/{name}")
}

fn generate(name: &str) -> Result<GeneratedCrate, Diagnostics> {
    let path = bad_specs_dir().join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    generate_text(&shown(name), &text)
}

/// Every problem reported for `tests/bad-specs/<name>`, which must fail.
fn problems(name: &str) -> Vec<Diagnostic> {
    match generate(name) {
        Ok(_) => panic!("{} generated, but it should have been refused", shown(name)),
        Err(d) => {
            assert!(!d.0.is_empty(), "{name}: an error with no diagnostics");
            d.0
        }
    }
}

/// The one problem reported for `tests/bad-specs/<name>`.
fn the_problem(name: &str) -> Diagnostic {
    let mut all = problems(name);
    assert_eq!(
        all.len(),
        1,
        "{name}: expected one problem, got:\n{}",
        Diagnostics(all.clone())
    );
    all.remove(0)
}

/// What a user sees: the diagnostic names `file`, points at `pointer` (and
/// `line`), its message contains every one of `message` and its help every one of `help`.
#[track_caller]
fn assert_diagnostic(d: &Diagnostic, file: &str, pointer: &str, line: Option<usize>, message: &[&str], help: &[&str]) {
    assert_eq!(d.file, file, "file of:\n{d}");
    assert_eq!(d.pointer, pointer, "pointer of:\n{d}");
    assert_eq!(d.line, line, "line of:\n{d}");
    for part in message {
        assert!(d.message.contains(part), "the message should mention {part:?}:\n{d}");
    }
    assert!(!d.help.trim().is_empty(), "no help:\n{d}");
    for part in help {
        assert!(d.help.contains(part), "the help should mention {part:?}:\n{d}");
    }
}

// ---- documents that are not OpenAPI 3 ----------------------------------------

#[test]
fn malformed_yaml_names_the_line() {
    let file = shown("bad_indentation.yaml");
    let d = the_problem("bad_indentation.yaml");
    // Line 5 is `    version: 1.0.0`, indented under `title`'s value.
    assert_diagnostic(&d, &file, "", Some(5), &["not valid YAML"], &["fix"]);
    assert!(
        d.to_string()
            .starts_with(&format!("error: {file}:5: the document is not valid YAML")),
        "{d}"
    );
}

#[test]
fn malformed_json_names_the_line() {
    let file = shown("malformed.json");
    let d = the_problem("malformed.json");
    // Line 5 holds the trailing comma.
    assert_diagnostic(&d, &file, "", Some(5), &["not valid JSON", "trailing comma"], &["fix"]);
    assert!(d.to_string().starts_with(&format!("error: {file}:5: ")), "{d}");
}

#[test]
fn a_swagger_version_other_than_2_0_is_named() {
    let d = the_problem("swagger12.yaml");
    assert_diagnostic(
        &d,
        &shown("swagger12.yaml"),
        "/swagger",
        None,
        &["Swagger version 1.2", "not supported"],
        &["Swagger 2.0", "OpenAPI 3.0"],
    );
}

#[test]
fn an_unsupported_openapi_version_is_named() {
    let d = the_problem("openapi4.yaml");
    assert_diagnostic(
        &d,
        &shown("openapi4.yaml"),
        "/openapi",
        None,
        &["4.0.0", "not supported"],
        &["3.0", "3.1"],
    );
}

#[test]
fn a_document_that_is_not_a_mapping_is_refused() {
    let d = the_problem("not_a_mapping.yaml");
    assert_diagnostic(
        &d,
        &shown("not_a_mapping.yaml"),
        "",
        None,
        &["not an object"],
        &["mapping", "openapi", "info", "paths"],
    );
    // An empty file, a scalar and a JSON array fail the same way.
    for (file, text) in [
        ("empty.yaml", ""),
        ("scalar.yaml", "just some text\n"),
        ("array.json", "[1, 2]"),
    ] {
        let d = refused(file, text);
        assert_eq!(d.len(), 1, "{file}: {d:?}");
        assert_diagnostic(&d[0], file, "", None, &["not an object"], &["mapping"]);
    }
}

#[test]
fn a_document_without_info_is_refused() {
    let d = the_problem("missing_info.yaml");
    assert_diagnostic(
        &d,
        &shown("missing_info.yaml"),
        "",
        None,
        &["missing field `info`"],
        &["OpenAPI"],
    );
}

// ---- references --------------------------------------------------------------

#[test]
fn a_ref_to_a_missing_schema_points_at_the_referencing_node() {
    let d = the_problem("dangling_schema_ref.yaml");
    assert_diagnostic(
        &d,
        &shown("dangling_schema_ref.yaml"),
        "/components/schemas/Thing/properties/owner",
        None,
        &["#/components/schemas/Missing", "points to no schema"],
        &["components/schemas"],
    );
    assert_eq!(
        d.to_string(),
        "error: tests/bad-specs/dangling_schema_ref.yaml at #/components/schemas/Thing/properties/owner: \
         `$ref: #/components/schemas/Missing` points to no schema\n  help: point it at an entry of `components/schemas` \
         (`#/components/schemas/Name`)"
    );
}

#[test]
fn refs_to_a_missing_parameter_response_and_request_body_are_each_reported() {
    let file = shown("dangling_component_refs.yaml");
    let d = problems("dangling_component_refs.yaml");
    assert_eq!(d.len(), 3, "{}", Diagnostics(d.clone()));
    assert_diagnostic(
        &d[0],
        &file,
        "/paths/~1things/get/parameters/0",
        None,
        &["#/components/parameters/NoSuchParam", "no parameter"],
        &["components/parameters"],
    );
    assert_diagnostic(
        &d[1],
        &file,
        "/paths/~1things/get/responses/200",
        None,
        &["#/components/responses/NoSuchResponse", "no response"],
        &["components/responses"],
    );
    assert_diagnostic(
        &d[2],
        &file,
        "/paths/~1things/post/requestBody",
        None,
        &["#/components/requestBodies/NoSuchBody", "no request body"],
        &["components/requestBodies"],
    );
}

#[test]
fn an_external_ref_is_named_and_the_help_says_to_bundle() {
    let d = the_problem("external_ref.yaml");
    assert_diagnostic(
        &d,
        &shown("external_ref.yaml"),
        "/paths/~1things/get/responses/200/content/application~1json/schema",
        None,
        &["other.yaml#/Foo", "another file", "other.yaml"],
        &["bundle"],
    );
}

#[test]
fn external_refs_of_parameters_responses_bodies_and_one_of_members_say_to_bundle() {
    let file = shown("external_refs_everywhere.yaml");
    let all = problems("external_refs_everywhere.yaml");
    let expected = [
        ("/components/schemas/Either/oneOf/0", "schemas.yaml#/Left"),
        ("/paths/~1things/get/parameters/0", "params.yaml#/Limit"),
        ("/paths/~1things/get/responses/200", "responses.yaml#/Things"),
        ("/paths/~1things/post/requestBody", "bodies.yaml#/NewThing"),
    ];
    for (pointer, reference) in expected {
        let d = all
            .iter()
            .find(|d| d.pointer == pointer)
            .unwrap_or_else(|| panic!("nothing reported at {pointer}:\n{}", Diagnostics(all.clone())));
        assert_diagnostic(d, &file, pointer, None, &[reference, "another file"], &["bundle"]);
    }
}

#[test]
fn all_of_members_that_point_nowhere_are_named() {
    let all = problems("external_refs_everywhere.yaml");
    let d = all
        .iter()
        .find(|d| d.pointer == "/components/schemas/Combined/allOf/0")
        .unwrap_or_else(|| panic!("nothing reported for the allOf member:\n{}", Diagnostics(all.clone())));
    assert_diagnostic(
        d,
        &shown("external_refs_everywhere.yaml"),
        "/components/schemas/Combined/allOf/0",
        None,
        &["schemas.yaml#/Base", "another file"],
        &["bundle"],
    );

    // An internal one that finds nothing names its target too.
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    C:\n      allOf:\n        \
                - $ref: '#/components/schemas/NoSuchBase'\n        - {type: object, properties: {x: {type: string}}}\n";
    let d = refused("allof.yaml", text);
    assert_eq!(d.len(), 1, "{}", Diagnostics(d.clone()));
    assert_diagnostic(
        &d[0],
        "allof.yaml",
        "/components/schemas/C/allOf/0",
        None,
        &["#/components/schemas/NoSuchBase"],
        &["components/schemas"],
    );
}

// ---- operations ---------------------------------------------------------------


#[test]
fn x_pagination_naming_a_missing_query_parameter_is_reported() {
    let d = the_problem("pagination_missing_param.yaml");
    assert_diagnostic(
        &d,
        &shown("pagination_missing_param.yaml"),
        "/paths/~1things/get/x-pagination",
        None,
        &["cursor-param: page_cursor", "no query parameter"],
        &["query parameter"],
    );
}

#[test]
fn integer_enum_names_that_do_not_fit_the_values_are_reported() {
    let name = "enum_names_mismatch.yaml";
    let all = problems(name);
    assert_eq!(all.len(), 2, "{all:#?}");
    let at = |pointer: &str| all.iter().find(|d| d.pointer == pointer).unwrap_or_else(|| panic!("nothing at {pointer}: {all:#?}"));
    let names = &["one name per value", "or remove it"];
    assert_diagnostic(at("/components/schemas/Priority/x-enum-varnames"), &shown(name), "/components/schemas/Priority/x-enum-varnames", None, &["`x-enum-varnames` has 2 names for the 3 values"], names);
    assert_diagnostic(at("/components/schemas/Level/x-enumNames"), &shown(name), "/components/schemas/Level/x-enumNames", None, &["`x-enumNames` is not a list of strings"], names);
}

#[test]
fn x_pagination_pointing_at_nothing_is_reported() {
    let d = the_problem("pagination_bad_pointer.yaml");
    assert_diagnostic(
        &d,
        &shown("pagination_bad_pointer.yaml"),
        "/paths/~1things/get/x-pagination",
        None,
        &["next-cursor: /meta/no_such_field"],
        &["JSON pointer"],
    );
}

#[test]
fn x_pagination_that_is_not_a_mapping_is_reported() {
    let text =
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    get:\n      operationId: list\n      \
                x-pagination: true\n      responses:\n        '200': {description: ok}\n";
    let d = refused("pagination.yaml", text);
    assert_eq!(d.len(), 1, "{}", Diagnostics(d.clone()));
    assert_diagnostic(
        &d[0],
        "pagination.yaml",
        "/paths/~1things/get/x-pagination",
        None,
        &["cursor-param", "next-cursor", "items"],
        &["x-pagination"],
    );
}

#[test]
fn x_transcript_pointing_at_a_missing_field_names_the_extension_and_the_field() {
    let d = the_problem("transcript_missing_field.yaml");
    assert_diagnostic(
        &d,
        &shown("transcript_missing_field.yaml"),
        "/paths/~1conversations~1{id}~1messages/get/x-transcript/text",
        None,
        &["`/content`", "`Message` has no property `content`", "body"],
        &["JSON pointer"],
    );
}

/// A spec with one `x-transcript`, changed by `edit`: its problems.
fn transcript_problems(edit: &[(&str, &str)]) -> Vec<Diagnostic> {
    let mut text = fs::read_to_string(bad_specs_dir().join("transcript_missing_field.yaml")).expect("the spec");
    text = text.replace("        text: /content\n", "        text: /body\n");
    for (from, to) in edit {
        assert!(text.contains(from), "{from:?} is in the spec");
        text = text.replace(from, to);
    }
    match generate_text("transcript.yaml", &text) {
        Ok(_) => Vec::new(),
        Err(d) => d.0,
    }
}

#[test]
fn x_transcript_with_valid_pointers_generates_the_feature() {
    assert!(transcript_problems(&[]).is_empty());
    let text = fs::read_to_string(bad_specs_dir().join("transcript_missing_field.yaml")).unwrap().replace("text: /content", "text: /body");
    let krate = generate_text("transcript.yaml", &text).expect("generates");
    assert!(krate.files["Cargo.toml"].contains("transcript = [\"dep:conversation-transcript\"]"));
    assert!(krate.files["src/lib.rs"].contains("#[cfg(feature = \"transcript\")]"));
    assert!(krate.files.contains_key("src/transcript.rs"));
}

#[test]
fn x_transcript_mistakes_are_each_located_in_the_extension() {
    let at = "/paths/~1conversations~1{id}~1messages/get/x-transcript";
    // (edits of the spec, the pointer under `x-transcript`, part of the message)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (&[("role: /direction", "role: /direction\n        role-map: {incoming: user}")], "/role-map/incoming", "not a value"),
        (&[("id: /id", "id: /direction")], "/id", "not a string"),
        (&[("id: /id", "id: /id\n        created-at: /id")], "/created-at", "date-time"),
        (&[("id: /id", "id: /id\n        order: sideways")], "/order", "newest-first"),
        (&[("id: /id", "id: /id\n        colour: blue")], "/colour", "not a key"),
        (&[("        role: /direction\n", "")], "/role", "needs `role`"),
        (&[("id: /id", "id: id")], "/id", "not a JSON pointer"),
        (&[("id: /id", "id: /id/deeper")], "/id", "not an object"),
    ];
    for (edit, pointer, message) in cases {
        let d = transcript_problems(edit);
        assert_eq!(d.len(), 1, "{edit:?}: {}", Diagnostics(d.clone()));
        assert_diagnostic(&d[0], "transcript.yaml", &format!("{at}{pointer}"), None, &[message], &[]);
    }
}

// ---- several problems, one run -------------------------------------------------

#[test]
fn several_problems_are_all_reported_in_one_run() {
    let file = shown("several_problems.yaml");
    let d = problems("several_problems.yaml");
    assert_eq!(d.len(), 3, "{}", Diagnostics(d.clone()));
    let find = |pointer: &str| {
        d.iter()
            .find(|x| x.pointer == pointer)
            .unwrap_or_else(|| panic!("nothing at {pointer}:\n{}", Diagnostics(d.clone())))
    };
    assert_diagnostic(
        find("/paths/~1a/get/parameters/0/schema"),
        &file,
        "/paths/~1a/get/parameters/0/schema",
        None,
        &["NoSuchFilter"],
        &[],
    );
    // Not an error: the undeclared path parameter is taken as a string, with a warning.
    let warning = find("/paths/~1b~1{b_id}/get");
    assert_diagnostic(warning, &file, "/paths/~1b~1{b_id}/get", None, &["{b_id}", "taken as a required string"], &["in: path"]);
    assert_eq!(warning.severity, codegen::Severity::Warning);
    assert_diagnostic(
        find("/components/schemas/Thing/properties/owner"),
        &file,
        "/components/schemas/Thing/properties/owner",
        None,
        &["NoSuchOwner"],
        &[],
    );

    // As shown: one `error:` or `warning:` block per problem, then the count.
    let text = Diagnostics(d.clone()).to_string();
    assert_eq!(
        text.matches("error: tests/bad-specs/several_problems.yaml at #/")
            .count(),
        2,
        "{text}"
    );
    assert_eq!(text.matches("warning: tests/bad-specs/several_problems.yaml at #/").count(), 1, "{text}");
    assert_eq!(text.matches("\n  help: ").count(), 3, "{text}");
    assert!(text.ends_with("\n2 errors and 1 warning"), "{text}");
}

#[test]
fn several_problems_are_reported_in_document_order() {
    let pointers: Vec<String> = problems("several_problems.yaml")
        .into_iter()
        .map(|d| d.pointer)
        .collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1a/get/parameters/0/schema",
            "/paths/~1b~1{b_id}/get",
            "/components/schemas/Thing/properties/owner"
        ]
    );
}

// ---- every bad spec: an error, never a panic --------------------------------------

#[test]
fn every_bad_spec_fails_with_located_explained_problems_and_no_panic() {
    let mut names: Vec<String> = fs::read_dir(bad_specs_dir())
        .expect("tests/bad-specs")
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for name in &names {
        let result = generate(name);
        if VALID.contains(&name.as_str()) {
            if let Err(d) = result {
                panic!("{name} should generate:\n{d}");
            }
            continue;
        }
        let d = match result {
            Ok(_) => panic!("{name} generated, but it should have been refused"),
            Err(d) => d,
        };
        for p in &d.0 {
            assert_eq!(p.file, shown(name), "{p}");
            assert!(
                p.pointer.is_empty() || p.pointer.starts_with('/'),
                "not a JSON pointer: {p}"
            );
            assert!(!p.message.trim().is_empty() && !p.help.trim().is_empty(), "{p}");
            assert!(
                !p.message.contains("internal error"),
                "the generator tripped over its own output: {p}"
            );
        }
    }
}

// ---- a failed `cargo xtask gen --spec F --out D` ---------------------------------

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("client-tests-diagnostics-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("creating a temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Every file (`Some(bytes)`) and directory (`None`) under `dir`, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(dir: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).expect("reading a directory") {
            let entry = entry.expect("a directory entry");
            let rel = rel.join(entry.file_name());
            if entry.file_type().expect("a file type").is_dir() {
                out.insert(rel.clone(), None);
                walk(&entry.path(), &rel, out);
            } else {
                out.insert(rel, Some(fs::read(entry.path()).expect("reading a file")));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, Path::new(""), &mut out);
    out
}

const VALID_SPEC: &str = "openapi: 3.0.3\ninfo: {title: fine, version: '1'}\npaths:\n  /things:\n    get:\n      \
                          operationId: listThings\n      responses:\n        '204': {description: ok}\n";

/// A crate an earlier `cargo xtask gen --spec` wrote into `out`, plus a file of the user's.
fn previous_crate(out: &Path) {
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(
        out.join("Cargo.toml"),
        "# @generated by `cargo xtask gen --spec old.yaml --out out`\n[package]\nname = \"old-client\"\n",
    )
    .unwrap();
    fs::write(
        out.join("src").join("lib.rs"),
        "// @generated by `cargo xtask gen --spec old.yaml --out out`\npub fn old() {}\n",
    )
    .unwrap();
    fs::write(out.join("MARKER"), "left by the test\n").unwrap();
}

#[test]
fn a_failed_generate_to_leaves_the_out_dir_exactly_as_it_was() {
    let tmp = TempDir::new();
    let spec = tmp.path().join("several_problems.yaml");
    fs::copy(bad_specs_dir().join("several_problems.yaml"), &spec).unwrap();
    let out = tmp.path().join("out");
    previous_crate(&out);
    let before = snapshot(tmp.path());

    let err = xtask::generate_to(&spec, &out, None, false).expect_err("a bad spec generated");
    assert!(
        err.contains(&spec.display().to_string()),
        "the error should name the spec: {err}"
    );
    assert!(
        err.contains("2 errors and 1 warning") && err.contains("NoSuchOwner"),
        "the error should carry the diagnostics: {err}"
    );
    // Byte for byte, and nothing beside it (no temp or backup dir left in the parent).
    assert_eq!(snapshot(tmp.path()), before, "{err}");

    // The same directory is one `generate_to` may replace: with a good spec it does.
    let good = tmp.path().join("fine.yaml");
    fs::write(&good, VALID_SPEC).unwrap();
    xtask::generate_to(&good, &out, None, false).expect("a good spec into a previously generated crate");
    assert!(!out.join("MARKER").exists(), "the out dir was not replaced");
    assert!(fs::read_to_string(out.join("Cargo.toml"))
        .unwrap()
        .contains("name = \"fine-client\""));
}

#[test]
fn a_failed_generate_to_does_not_create_the_out_dir() {
    let tmp = TempDir::new();
    let spec = tmp.path().join("missing_path_param.yaml");
    fs::copy(bad_specs_dir().join("tolerated").join("missing_path_param.yaml"), &spec).unwrap();
    let before = snapshot(tmp.path());
    for out in [tmp.path().join("out"), tmp.path().join("not").join("yet").join("out")] {
        // Its one problem is a warning, which `--deny-warnings` makes an error.
        let err = xtask::generate_to(&spec, &out, None, true).expect_err("a denied warning generated");
        assert!(err.contains("no path parameter `id`"), "{err}");
        assert!(!out.exists(), "{} was created", out.display());
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "something was left in {}",
            tmp.path().display()
        );
    }
}

/// The one test that runs the real command (slow: Cargo may build xtask's binary first).
#[test]
fn the_gen_command_fails_with_a_non_zero_exit_naming_the_spec() {
    let tmp = TempDir::new();
    let spec = tmp.path().join("dangling_schema_ref.yaml");
    fs::copy(bad_specs_dir().join("dangling_schema_ref.yaml"), &spec).unwrap();
    let out = tmp.path().join("out");
    previous_crate(&out);
    let before = snapshot(tmp.path());

    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let output = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["run", "-q", "--offline", "-p", "xtask", "--", "gen", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("running cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.contains(&spec.display().to_string()),
        "stderr should name the spec:\n{stderr}"
    );
    assert!(
        stderr.contains("#/components/schemas/Missing") && stderr.contains("help:"),
        "stderr:\n{stderr}"
    );
    assert_eq!(snapshot(tmp.path()), before, "the out dir changed; stderr:\n{stderr}");
}

#[test]
fn a_header_parameter_whose_name_no_header_can_have_is_refused() {
    let d = the_problem("bad_header_name.yaml");
    assert_diagnostic(
        &d,
        &shown("bad_header_name.yaml"),
        "/paths/~1things/get/parameters/0",
        None,
        &["X-Evil\"Header", "not a valid HTTP header name"],
        &["header name"],
    );
}
