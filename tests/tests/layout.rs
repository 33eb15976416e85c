//! The emitted Rust is laid out exactly as prettyplease lays it out.
//!
//! Most items are written by emit straight in their final layout
//! (`codegen/src/emit/text.rs`), not formatted by prettyplease. These tests hold
//! that text to prettyplease: every emitted `.rs` file, parsed by syn and printed by
//! prettyplease, must come back byte for byte. They run over every spec the tests
//! hold, the public corpus, and a spec made to cross the margin at every length:
//! names and wire strings from 1 to 100 bytes, in every place a written item puts them.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the test crate lives in the workspace")
}

/// The first line where `text` (a file without its header) differs from prettyplease's layout of it.
fn layout_difference(text: &str) -> Option<String> {
    let file = match syn::parse_file(text) {
        Ok(file) => file,
        Err(e) => return Some(format!("does not parse: {e}")),
    };
    let laid_out = prettyplease::unparse(&file);
    if laid_out == text {
        return None;
    }
    let (ours, theirs): (Vec<&str>, Vec<&str>) = (text.lines().collect(), laid_out.lines().collect());
    let at = ours.iter().zip(&theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
    let show = |lines: &[&str]| lines[at.saturating_sub(3)..(at + 4).min(lines.len())].join("\n");
    Some(format!("line {}:\n--- emitted\n{}\n--- prettyplease\n{}", at + 1, show(&ours), show(&theirs)))
}

/// Every `.rs` file of the crate generated from `spec`, and the single file, against prettyplease.
fn check_spec(name: &str, text: &str, problems: &mut Vec<String>) {
    let files = match codegen::generate(&codegen::Input {
        file_name: name,
        text,
        crate_name: "layout-client",
        runtime_path: "../runtime",
        command: "layout test",
        package: codegen::PackageMeta::default(),
    }) {
        Ok(generated) => generated.files,
        Err(d) => panic!("{name} does not generate:\n{d}"),
    };
    let single = codegen::generate_single_file(name, text, "layout test").ok().map(|s| ("(single file)".to_owned(), s));
    for (file, contents) in files.into_iter().filter(|(f, _)| f.ends_with(".rs")).chain(single) {
        let body = contents.split_once("\n\n").map_or(contents.as_str(), |(_header, body)| body);
        if let Some(difference) = layout_difference(body) {
            problems.push(format!("{name} {file}: {difference}"));
        }
    }
}

fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    specs.sort();
    specs
}

fn check_dirs(dirs: &[PathBuf]) {
    let mut problems = Vec::new();
    for spec in dirs.iter().flat_map(|d| specs_in(d)) {
        let text = fs::read_to_string(&spec).expect("readable spec");
        check_spec(&spec.display().to_string(), &text, &mut problems);
    }
    assert!(problems.is_empty(), "{} files are not in prettyplease's layout:\n\n{}", problems.len(), problems.join("\n\n"));
}

#[test]
fn the_vendor_specs_and_fixtures_are_laid_out_as_prettyplease_would() {
    check_dirs(&[root().join("specs"), root().join("tests/fixtures")]);
}

#[test]
fn the_public_corpus_is_laid_out_as_prettyplease_would() {
    let corpus = root().join("../shared/corpus");
    assert!(corpus.is_dir(), "the corpus is beside the repository, in ../shared/corpus");
    check_dirs(&[corpus]);
}

/// `n` bytes of a name: `stem` then letters (so that naming keeps every byte).
fn long(stem: &str, n: usize) -> String {
    let mut s = stem.to_owned();
    while s.len() < n {
        s.push(char::from(b'a' + (s.len() % 26) as u8));
    }
    s
}

/// A spec whose names and strings cross prettyplease's margin at every length, in every
/// place a written item puts them: struct and enum names, field names (plain, optional,
/// nullable, required), field types that break in their generic arguments, wire names
/// that differ from the field's, enum values and aliases.
fn margin_sweep() -> String {
    use serde_json::{json, Map, Value};
    let mut schemas = Map::new();
    for n in 1..=100 {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (i, m) in [n, 101 - n, n / 2 + 1].into_iter().enumerate() {
            let plain = long(&format!("p{i}"), m);
            properties.insert(plain.clone(), json!({"type": "string", "description": "A field."}));
            properties.insert(format!("{}-Wire", long(&format!("w{i}"), m)), json!({"type": "integer", "format": "int64"}));
            properties.insert(long(&format!("l{i}"), m), json!({"type": "array", "items": {"$ref": "#/components/schemas/Leaf"}}));
            properties.insert(long(&format!("m{i}"), m), json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}));
            properties.insert(long(&format!("n{i}"), m), json!({"type": "string", "nullable": true}));
            properties.insert(long(&format!("r{i}"), m), json!({"type": "string", "format": "date-time", "nullable": true}));
            required.push(Value::String(plain));
            required.push(Value::String(long(&format!("r{i}"), m)));
        }
        schemas.insert(long("Record", n), json!({"type": "object", "required": required, "properties": properties}));
        // Short names around one thing of every length, so that the line it is on is the
        // only one of its item to cross the margin: `Kind…` types in generics that break (in
        // a field, as a last generic argument, as a one-element tuple), and field names.
        let kind = json!({"$ref": format!("#/components/schemas/{}", long("Kind", n))});
        schemas.insert(format!("O{n}"), json!({"type": "object", "required": ["k"], "properties": {"k": kind}}));
        schemas.insert(
            format!("T{n}"),
            json!({"type": "object", "required": ["k"], "properties": {
                "k": kind,
                "o": kind,
                "km": {"type": "object", "additionalProperties": {"type": "array", "items": kind}},
                "ks": {"type": "array", "items": kind},
            }}),
        );
        // A struct literal is on one line up to a width of 34 (`Self { a: partial.0 }`).
        schemas.insert(format!("P{n}"), json!({"type": "object", "properties": {long("p", n % 40 + 1): {"type": "string"}}}));
        schemas.insert(
            format!("Q{n}"),
            json!({"type": "object", "properties": {long("q", n % 20 + 1): {"type": "string"}, "b": {"type": "boolean"}}}),
        );
        let field = long("f", n);
        schemas.insert(
            format!("F{n}"),
            json!({"type": "object", "required": [field], "properties": {
                field.clone(): {"type": "string"},
                format!("{}-Wire", long("w", n)): {"type": "string", "nullable": true},
                long("o", n): {"type": "array", "items": {"$ref": "#/components/schemas/Leaf"}},
            }}),
        );
        schemas.insert(long("Kind", n), json!({"type": "string", "enum": [long("v", n), long("w", 101 - n)]}));
        // Long type names around short bodies: the impls' first lines cross the margin.
        schemas.insert(long("Long", n), json!({"type": "object", "properties": {"a": {"type": "string"}}}));
        schemas.insert(long("Enum", n), json!({"type": "string", "enum": ["a", "b"]}));
        schemas.insert(long("Number", n), json!({"type": "integer", "enum": [1, 2]}));
        schemas.insert(long("Same", n), json!({"$ref": format!("#/components/schemas/{}", long("Long", n))}));
        schemas.insert(long("Level", n), json!({"type": "integer", "enum": [n as i64, -(n as i64) * 1_000_000_007]}));
        schemas.insert(long("Alias", n), json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{}", long("Record", n))}}));
    }
    // Arms put a value and its variant's name on one line: the two stems make the name one
    // and two bytes shorter than the value, so the arm crosses the margin at every length.
    let values: Vec<String> = (3..=60).flat_map(|m| [long("v.", m), long("v-x-", m)]).collect();
    schemas.insert("Arms".to_owned(), json!({"type": "string", "enum": values}));
    schemas.insert("Leaf".to_owned(), json!({"type": "object", "properties": {"id": {"type": "string"}}}));
    // One object that holds every other, as the request body and the response, so each type
    // is both written and read (both serde impls emitted).
    let all: Map<String, Value> = schemas.keys().map(|k| (format!("x-{k}"), json!({"$ref": format!("#/components/schemas/{k}")}))).collect();
    schemas.insert("All".to_owned(), json!({"type": "object", "properties": all}));
    let all = json!({"$ref": "#/components/schemas/All"});
    let schema = |name: String| json!({"$ref": format!("#/components/schemas/{name}")});
    let mut paths = Map::new();
    paths.insert(
        "/things".to_owned(),
        json!({"post": {
            "operationId": "send",
            "requestBody": {"required": true, "content": {"application/json": {"schema": all}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": all}}}}
        }}),
    );
    // Operations whose method, builder, parameter and type names cross the margin at every
    // length, one of them at a time: in the client's method, the builder's fields, setters
    // and `send` signatures.
    let ok = |schema: Value| json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}});
    let query = |name: String, required: bool, schema: Value| json!({"name": name, "in": "query", "required": required, "schema": schema});
    for n in 1..=100 {
        let kind = schema(long("Kind", n));
        let mut responses = ok(schema(long("Record", n)));
        responses["404"] = json!({"description": "gone", "content": {"application/json": {"schema": schema(format!("O{n}"))}}});
        let mut parameters = vec![
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}),
            query("q".to_owned(), true, kind.clone()),
            query("o".to_owned(), false, json!({"type": "array", "items": kind})),
        ];
        if n % 10 == 0 {
            parameters.extend((0..7).map(|i| query(format!("r{i}"), true, json!({"type": "boolean"}))));
        }
        let mut types = json!({"operationId": format!("a{n}"), "parameters": parameters, "responses": responses});
        if n % 3 == 0 {
            types["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": schema(format!("F{n}"))}}});
        }
        paths.insert(format!("/a{n}/{{id}}"), json!({"post": types}));
        paths.insert(
            format!("/b{n}"),
            json!({"get": {"operationId": long("b", n), "description": "An operation.", "responses": ok(schema("Leaf".to_owned()))}}),
        );
        let parameters = vec![
            query(long("x", n), true, json!({"type": "string"})),
            query(long("y", n), false, json!({"type": "array", "items": {"type": "string"}})),
            json!({"name": long("h", n), "in": "header", "description": "A setter.", "schema": {"type": "integer", "format": "int64"}}),
        ];
        // Path parameters: `zID` is one byte longer as a name (`z_id`) than on the wire,
        // so the segment's line crosses the margin at odd and even lengths.
        let (segment, odd, number) = (long("z", n), format!("{}ID", long("z", n)), long("i", n));
        let parameters: Vec<Value> = parameters
            .into_iter()
            .chain([
                json!({"name": segment, "in": "path", "required": true, "schema": {"type": "string"}}),
                json!({"name": odd, "in": "path", "required": true, "schema": {"type": "string"}}),
                json!({"name": number, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}}),
            ])
            .collect();
        paths.insert(
            format!("/c{n}/{{{segment}}}/{{{odd}}}/{{{number}}}"),
            json!({"get": {"operationId": format!("c{n}"), "parameters": parameters, "responses": ok(json!({"type": "string"}))}}),
        );
    }
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "Margins", "version": "1.0.0"},
        "servers": [{"url": "https://example.com"}],
        "paths": paths,
        "components": {"schemas": schemas}
    });
    serde_json::to_string_pretty(&spec).expect("a JSON value prints")
}

#[test]
fn names_of_every_length_are_laid_out_as_prettyplease_would() {
    let mut problems = Vec::new();
    check_spec("margins.json", &margin_sweep(), &mut problems);
    assert!(problems.is_empty(), "{} files are not in prettyplease's layout:\n\n{}", problems.len(), problems.join("\n\n"));
}
