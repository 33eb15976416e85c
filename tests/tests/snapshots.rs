//! Snapshot tests of the generator.
//!
//! Each `tests/fixtures/<name>.yaml` is a small spec exercising one feature. Its
//! test generates the whole crate as one file with
//! [`codegen::generate_single_file`] and compares it with
//! `tests/snapshots/<name>.rs` (which `tests/compile.rs` also builds, so every
//! snapshot is known to compile without warnings). A difference fails with a
//! unified diff; `UPDATE_SNAPSHOTS=1` writes the new output instead.
//!
//! Besides equality, each test asserts the behaviour users rely on, so that an
//! accepted snapshot cannot silently lose it.
//!
//! A fixture that makes the generator emit code that does not compile is kept
//! (never weakened) and marked `@pending` in `fixtures!`: its test is ignored
//! with the bug, and its snapshot waits in `tests/snapshots-pending`, out of the
//! compile test's reach. Bugs found this way that do not break the build are
//! ignored tests at the end of this file. Run them, and update the pending
//! snapshots, with `-- --include-ignored`.

use std::fs;
use std::path::{Path, PathBuf};

/// The command that accepts new snapshots; also the command named in their headers.
const COMMAND: &str = "UPDATE_SNAPSHOTS=1 cargo test -p client-tests --test snapshots";

/// Where snapshots of fixtures that expose a generator bug wait, out of the
/// compile test's reach, until the bug is fixed.
const PENDING_DIR: &str = "tests/snapshots-pending";
const SNAPSHOT_DIR: &str = "tests/snapshots";
const FIXTURE_DIR: &str = "tests/fixtures";

/// The workspace root: the directories above are named from there, as in messages
/// and in the generated files' headers.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the test crate lives in the workspace")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1")
}

/// Generates fixture `name`, checks it against its snapshot in `tests/snapshots`
/// (or writes it under `UPDATE_SNAPSHOTS=1`), and returns the generated text.
fn check(name: &str) -> String {
    check_in(name, SNAPSHOT_DIR)
}

/// As [`check`], for a fixture whose snapshot lives in `tests/snapshots-pending`.
#[allow(dead_code)] // unused while no fixture is pending
fn check_pending(name: &str) -> String {
    check_in(name, PENDING_DIR)
}

fn check_in(name: &str, dir: &str) -> String {
    let fixture = format!("{FIXTURE_DIR}/{name}.yaml");
    let snapshot = format!("{dir}/{name}.rs");
    let text = fs::read_to_string(root().join(&fixture)).unwrap_or_else(|e| panic!("reading {fixture}: {e}"));
    let generated = match codegen::generate_single_file(&fixture, &text, COMMAND) {
        Ok(generated) => generated,
        Err(diagnostics) => panic!("the generator refused {fixture}:\n{diagnostics}"),
    };
    let path = root().join(&snapshot);
    let existing = fs::read_to_string(&path).ok();
    if updating() {
        if existing.as_deref() != Some(generated.as_str()) {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &generated).unwrap_or_else(|e| panic!("writing {snapshot}: {e}"));
        }
    } else if let Err(message) = compare(existing.as_deref(), &generated, &snapshot, &fixture) {
        panic!("{message}");
    }
    generated
}

/// `Ok` when the snapshot matches; otherwise the message to fail with: a unified
/// diff from the snapshot to the new output, and how to accept it.
fn compare(snapshot: Option<&str>, generated: &str, snapshot_name: &str, fixture_name: &str) -> Result<(), String> {
    let accept = format!("run `{COMMAND}` to accept");
    match snapshot {
        Some(expected) if expected == generated => Ok(()),
        Some(expected) => {
            let diff = similar::TextDiff::from_lines(expected, generated)
                .unified_diff()
                .context_radius(3)
                .header(snapshot_name, &format!("generated from {fixture_name}"))
                .to_string();
            Err(format!("{snapshot_name} differs from what the generator now emits for {fixture_name}:\n{diff}\n{accept}"))
        }
        None => Err(format!("{snapshot_name} does not exist yet (fixture {fixture_name}); {accept}")),
    }
}

// ---- assertion helpers ---------------------------------------------------

/// `s` with whitespace normalised so assertions do not depend on prettyplease's
/// line breaking: runs of whitespace become one space, none is kept next to
/// brackets or before a comma or dot, and a trailing comma before a closing
/// bracket goes.
fn squash(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out = words.join(" ");
    for (from, to) in [("< ", "<"), (" >", ">"), ("( ", "("), (" )", ")"), ("[ ", "["), (" ]", "]"), (" ,", ","), (" .", "."), (",>", ">"), (",)", ")"), (",]", "]")] {
        while out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// Asserts that `s` contains `needle`, both compared after [`squash`].
#[track_caller]
fn assert_has(s: &str, needle: &str) {
    assert!(squash(s).contains(&squash(needle)), "the generated code should contain\n  {needle}\nbut does not in:\n{s}");
}

#[track_caller]
fn assert_lacks(s: &str, needle: &str) {
    assert!(!squash(s).contains(&squash(needle)), "the generated code should not contain\n  {needle}\nbut does in:\n{s}");
}

/// Asserts that the `needles` occur in `s` in this order.
#[track_caller]
fn assert_in_order(s: &str, needles: &[&str]) {
    let s = squash(s);
    let mut from = 0;
    for needle in needles {
        let needle = squash(needle);
        match s[from..].find(&needle) {
            Some(at) => from += at + needle.len(),
            None => panic!("`{needle}` should follow {needles:?}'s earlier entries, in:\n{s}"),
        }
    }
}

/// The item whose first line starts with `header` (after indentation), up to its
/// closing brace at the same indentation.
#[track_caller]
fn item<'s>(s: &'s str, header: &str) -> &'s str {
    let mut offset = 0;
    let mut start = None;
    for line in s.split_inclusive('\n') {
        let trimmed = line.trim_start();
        match start {
            None if trimmed.starts_with(header) => {
                let indent = line.len() - trimmed.len();
                let t = trimmed.trim_end();
                if !t.ends_with('{') && (t.ends_with('}') || t.ends_with(';')) {
                    return &s[offset..offset + line.len()];
                }
                start = Some((offset, indent));
            }
            Some((begin, indent)) => {
                let t = line.trim_end();
                if t.len() > indent && line[..indent].trim().is_empty() && matches!(&t[indent..], "}" | "};") {
                    return &s[begin..offset + line.len()];
                }
            }
            None => {}
        }
        offset += line.len();
    }
    panic!("no complete item starting with `{header}` in the generated code");
}

/// The declaration of field `name` (`pub name: Type,`) in `block`, with the
/// attributes and docs above it, squashed.
#[track_caller]
fn field(block: &str, name: &str) -> String {
    let lines: Vec<&str> = block.lines().collect();
    let prefix = format!("pub {name}:");
    let at = lines.iter().position(|l| l.trim_start().starts_with(&prefix)).unwrap_or_else(|| panic!("no field `{name}` in:\n{block}"));
    let mut first = at;
    while first > 0 && {
        let prev = lines[first - 1].trim_start();
        prev.starts_with("#[") || prev.starts_with("///")
    } {
        first -= 1;
    }
    // Up to the comma that ends the declaration, not one inside its type.
    let mut depth = 0i32;
    let mut last = at;
    loop {
        let line = lines[last].trim_end();
        depth += line.matches(['<', '(']).count() as i32 - line.matches(['>', ')']).count() as i32;
        if depth == 0 && line.ends_with(',') {
            break;
        }
        last += 1;
    }
    squash(&lines[first..=last].join("\n"))
}

/// How the `Serialize` impl of `ty` writes its field `ident`: the runtime
/// helper (`required_field`, `optional_field`: skipped when `None`,
/// `present_field`: a double option, skipped when absent) and the wire name.
#[track_caller]
fn written(s: &str, ty: &str, ident: &str) -> (String, String) {
    let impl_ = squash(item(s, &format!("impl ::serde::Serialize for {ty} {{"))).replace("( ", "(").replace(" )", ")");
    let call = format!(", &self.{ident})?;");
    let end = impl_.find(&call).unwrap_or_else(|| panic!("`{ty}` does not write `{ident}`:\n{impl_}"));
    let start = impl_[..end].rfind("::client_runtime::encode::").expect("a runtime helper writes the field") + "::client_runtime::encode::".len();
    let (helper, args) = impl_[start..end].split_once("(&mut state, ").expect("helper(&mut state, wire, value)");
    (helper.to_owned(), args.trim_matches('"').to_owned())
}

/// The wire name `ty`'s decoder gives field number `index` (its `DecodeStruct::FIELDS`).
#[track_caller]
fn decoded_from(s: &str, ty: &str) -> String {
    let decode = squash(item(s, &format!("impl ::client_runtime::encode::DecodeStruct for {ty} {{")));
    let fields = decode.split("const FIELDS: &'static [&'static str] = &[").nth(1).expect("FIELDS");
    fields[..fields.find("];").expect("FIELDS ends")].trim().trim_end_matches(',').to_owned()
}

/// Whether a line of the generated code is a comment (doc or plain).
fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}

/// What users of a spec with hostile prose rely on: its text reaches the code
/// only as doc comments (or escaped string literals), and no code block in it
/// can become a doctest.
#[track_caller]
fn assert_docs_confined(s: &str) {
    let mains: Vec<&str> = s.lines().filter(|l| !is_comment(l) && l.contains("fn main")).collect();
    assert_eq!(mains, ["fn main() {}"], "the only `fn main` outside comments is the snapshot's own");
    for line in s.lines() {
        if line.contains("process::exit") {
            assert!(is_comment(line), "spec text outside a comment: {line}");
        }
        if line.contains("*/") || line.contains("\"#]") {
            // Outside comments only as the escaped string literals of enum values.
            assert!(
                is_comment(line) || line.contains("\"*/\"") || line.contains(r##""\"#]""##),
                "spec text outside a comment or string literal: {line}"
            );
        }
    }
    // Fenced blocks are all `text` (never compiled); an indented block loses its
    // indentation; an unbalanced fence is closed.
    let mut open = false;
    for line in s.lines().map(str::trim_start).filter(|l| l.starts_with("///")) {
        let doc = line.trim_start_matches('/');
        let text = doc.trim_start();
        if text.starts_with("```") || text.starts_with("~~~") {
            assert_eq!(text, if open { "```" } else { "```text" }, "fence in docs: {line}");
            open = !open;
        }
        assert!(!doc.starts_with("     "), "an indented (doctest) code block in docs: {line}");
    }
    assert!(!open, "a fenced block in the docs is never closed");
}

// ---- the fixtures ----------------------------------------------------------

/// Declares one test per fixture and the table of them all. `@pending` marks a
/// fixture that exposes a generator bug: its snapshot lives in
/// `tests/snapshots-pending`, out of the compile test's reach, and its test is
/// `#[ignore]`d with the bug (run it with `--include-ignored`, also to update
/// its snapshot).
macro_rules! fixtures {
    ($($(#[$meta:meta])* $(@$pending:ident)? fn $name:ident($s:ident) $body:block)*) => {
        /// Every fixture with a test: (name, whether its snapshot is pending).
        const FIXTURES: &[(&str, bool)] = &[$((stringify!($name), fixtures!(@pending $($pending)?))),*];
        $(
            #[test]
            $(#[$meta])*
            fn $name() {
                let $s = if fixtures!(@pending $($pending)?) { check_pending(stringify!($name)) } else { check(stringify!($name)) };
                let $s: &str = &$s;
                $body
            }
        )*
    };
    (@pending pending) => { true };
    (@pending) => { false };
}

fixtures! {
    fn swagger2_schemas(s) {
        // Swagger 2.0: servers from host, basePath and schemes (https first).
        assert_has(s, r#"pub const DEFAULT_BASE_URL: &'static str = "https://api.example.com/v2";"#);
        let pet = item(s, "pub struct Pet {");
        // x-nullable on an optional field: absent and null are told apart, also next to a $ref.
        assert_has(&field(pet, "nickname"), "pub nickname: ::std::option::Option<::std::option::Option<::std::string::String>>,");
        assert_has(&field(pet, "owner"), "pub owner: ::std::option::Option<::std::option::Option<Owner>>,");
        // #/definitions/ refs resolve to the converted components.
        assert_has(&field(pet, "tags"), "pub tags: ::std::option::Option<::std::vec::Vec<Tag>>,");
        assert_has(&field(pet, "id"), "pub id: i64,");
    }

    fn swagger2_parameters(s) {
        // A shared query parameter keeps its bounds; csv (the default) is one comma-separated
        // pair, multi one pair per item.
        assert_has(s, "pub fn page_size(mut self, value: i64) -> Self {");
        assert_in_order(item(s, "impl<'a> ListNotesRequest<'a> {"), &[r#""page_size","#, "push_query_list(", r#""ids","#, r#"push_query(&mut request.query, "tag", value)"#]);
        // A shared body parameter is the request body, sent as JSON.
        assert_has(item(s, "impl<'a> CreateNoteRequest<'a> {"), "::client_runtime::encode::json_body(");
        // formData is a form, or multipart when `consumes` says so or a field is a file.
        assert_has(item(s, "impl<'a> SetTitleRequest<'a> {"), "::client_runtime::encode::form_body(value)?");
        assert_has(item(s, "impl<'a> AttachRequest<'a> {"), "::client_runtime::encode::multipart_body(value, &[])?");
        // `type: file` is a file part, sent with a filename.
        assert_has(&field(item(s, "pub struct AttachBody {"), "file"), "pub file: ::client_runtime::FilePart,");
        let form = item(s, "pub struct SetTitleBody {");
        assert_has(&field(form, "title"), "pub title: ::std::string::String,");
        assert_has(&field(form, "pinned"), "pub pinned: ::std::option::Option<bool>,");
        // The path-level parameter reaches the operation, percent-encoded.
        assert_has(item(s, "impl<'a> SetTitleRequest<'a> {"), r#"::client_runtime::encode::path_segment("noteId", &self.note_id)"#);
    }

    fn swagger2_responses(s) {
        assert_has(s, r#"pub const DEFAULT_BASE_URL: &'static str = "https://api.example.com/api";"#);
        // oauth2 (accessCode) is a bearer token.
        assert_has(s, "sent as `Authorization: Bearer <token>`");
        // A shared response by $ref and a default response are typed error bodies.
        assert_has(s, "NotFound(super::types::Problem),");
        assert_has(s, "Default(super::types::Problem),");
        let thing = item(s, "pub struct Thing {");
        assert_has(&field(thing, "size"), "pub size: ::std::option::Option<f64>,");
    }

    fn oneof_external(s) {
        let content = item(s, "pub enum Content {");
        assert_in_order(content, &[
            "PlainText(PlainText),",
            "MarkdownText(MarkdownText),",
            "Html(ContentHtml),",
            "/// A variant this client does not know yet, kept as sent.",
            "Unknown(::serde_json::Value),",
        ]);
        // Each variant is the object `{"<key>": value}`.
        assert_has(s, r#"const KEYS: &'static [&'static str] = &["plain_text", "markdown_text", "html"];"#);
        assert_has(s, r#"serialize_tagged(serializer, "plain_text", value)"#);
        // Decoding is the runtime's (the first known key decides wherever it stands, an object
        // with none is the catch-all, whole); the type says how each key's value decodes.
        let tagged = item(s, "impl ::client_runtime::encode::ExternallyTagged for Content {");
        assert_has(tagged, r#"const EXPECTING: &'static str = "a `Content` object";"#);
        assert_in_order(tagged, &[
            "match index {",
            "0 => map.next_value().map(Self::PlainText),",
            "1 => map.next_value().map(Self::MarkdownText),",
            "_ => map.next_value().map(Self::Html),",
        ]);
        assert_has(tagged, "fn unknown(object: ::serde_json::Value) -> Self { Self::Unknown(object) }");
        assert_has(s, "::client_runtime::encode::deserialize_tagged(deserializer)");
        // Every variant holds a required string `text`: one accessor for all.
        let accessor = item(s, "impl Content {");
        assert_has(accessor, "pub fn text(&self) -> ::std::option::Option<&str>");
        assert_has(accessor, "Self::Html(value) => ::std::option::Option::Some(&value.text),");
        assert_has(accessor, "Self::Unknown(_) => ::std::option::Option::None,");
        // A member keyed `unknown` keeps its name; the catch-all takes the next.
        let attachment = item(s, "pub enum Attachment {");
        assert_in_order(attachment, &[
            "Url(::std::string::String),",
            "FileId(i64),",
            "Unknown(::serde_json::Value),",
            "/// A variant this client does not know yet, kept as sent.",
            "Unknown2(::serde_json::Value),",
        ]);
        assert_has(s, r#"Self::Unknown(value) => { ::client_runtime::encode::serialize_tagged(serializer, "unknown", value) }"#);
        let tagged = item(s, "impl ::client_runtime::encode::ExternallyTagged for Attachment {");
        assert_has(tagged, "_ => map.next_value().map(Self::Unknown),");
        assert_has(tagged, "fn unknown(object: ::serde_json::Value) -> Self { Self::Unknown2(object) }");
        // No string field is common to the variants: no accessor, only `is_unknown`.
        assert_lacks(item(s, "impl Attachment {"), "-> ::std::option::Option<&str>");
        let note = item(s, "pub struct Note {");
        assert_has(&field(note, "body"), "pub body: Content,");
        assert_has(&field(note, "attachment"), "pub attachment: ::std::option::Option<Attachment>,");
    }

    fn oneof_discriminator(s) {
        // Variants are named by discriminator value; the one closing the cycle
        // Pet -> Dog -> Pet is boxed.
        let pet = item(s, "pub enum Pet {");
        assert_in_order(pet, &["Cat(Cat),", "GoodDog(::std::boxed::Box<Dog>),", "Lizard(Lizard),", "Unknown(::serde_json::Value),"]);
        assert_has(&field(item(s, "pub struct Dog {"), "best_friend"), "pub best_friend: ::std::option::Option<::std::boxed::Box<Pet>>,");
        // The tag is read from `kind`, by mapping value or (unmapped) schema name;
        // an unknown or missing tag keeps the whole object.
        let de = item(s, "impl<'de> ::serde::Deserialize<'de> for Pet {");
        assert_has(de, r#"match value.get("kind").and_then(::serde_json::Value::as_str) {"#);
        assert_in_order(de, &[
            r#"::std::option::Option::Some("cat") => { ::serde_json::from_value(value).map(Self::Cat) }"#,
            r#"::std::option::Option::Some("good-dog") => { ::serde_json::from_value(value).map(|v| Self::GoodDog(::std::boxed::Box::new(v))) }"#,
            r#"::std::option::Option::Some("Lizard") => { ::serde_json::from_value(value).map(Self::Lizard) }"#,
            "_ => return Ok(Self::Unknown(value)),",
        ]);
        // Each variant carries `kind` itself, so it serialises as the struct.
        assert_has(&field(item(s, "pub struct Cat {"), "kind"), "pub kind: ::std::string::String,");
        assert_has(s, "Self::GoodDog(value) => ::serde::Serialize::serialize(value, serializer),");
        assert_lacks(pet, "#[serde(");
        assert_has(item(s, "impl Pet {"), "pub fn kind(&self) -> ::std::option::Option<&str>");
    }

    fn oneof_untagged(s) {
        assert_has(s, "#[serde(untagged)] pub enum SettingValue {");
        // Tried in the spec's order; the catch-all, which accepts anything, last.
        assert_in_order(item(s, "pub enum SettingValue {"), &[
            "String(::std::string::String),",
            "Integer(i64),",
            "Structured(Structured),",
            "Variant3(SettingValueVariant3),",
            "Unknown(::serde_json::Value),",
            "}",
        ]);
        assert_has(item(s, "pub struct SettingValueVariant3 {"), "pub min: f64, pub max: f64,");
    }

    fn open_enums(s) {
        // A value called `Unknown` cannot have the catch-all's name.
        let state = item(s, "pub enum JobState {");
        assert_in_order(state, &["Queued,", "Running,", "/// `Unknown`", "Unknown2,", "Done,", "Unknown(::std::string::String),"]);
        assert_has(s, r#"Self::Unknown2 => "Unknown","#);
        assert_has(s, r#""Unknown" => Self::Unknown2,"#);
        // Values equal after case conversion are numbered in spec order.
        assert_has(item(s, "pub enum Op {"), "Add, /// `Add` Add2, /// `ADD` Add3,");
        assert_has(s, r#"Self::Add => "add", Self::Add2 => "Add", Self::Add3 => "ADD", Self::Remove => "remove", Self::SelfValue => "Self","#);
        // Punctuation, signs, spaces and the empty string.
        assert_has(
            s,
            r#"Self::Plus1 => "+1", Self::Minus1 => "-1", Self::AB => "a b", Self::Empty => "", Self::ItSQuotedCode => "it's \"quoted\" `code`", Self::V1_5 => "1.5","#,
        );
        // Every enum is open: unknown values round-trip through `Unknown(String)`.
        for name in ["JobState", "Op", "Vote", "JobPriority"] {
            let from = item(s, &format!("impl ::std::convert::From<&str> for {name} {{"));
            assert_has(from, "other => Self::Unknown(other.to_owned()),");
            assert_has(s, &format!("impl<'de> ::serde::Deserialize<'de> for {name} {{"));
            assert_has(s, &format!("impl ::std::fmt::Display for {name} {{"));
        }
        // `null` in a nullable enum is the `Option`, not a variant (optional too: absent is the outer `None`).
        assert_has(&field(item(s, "pub struct Job {"), "priority"), "pub priority: ::std::option::Option<::std::option::Option<JobPriority>>,");
        assert_in_order(item(s, "pub enum JobPriority {"), &["Low,", "High,", "Unknown(::std::string::String),", "}"]);
        assert_lacks(s, "Null");
        // Enums are parameter types too.
        assert_has(s, "pub fn state(mut self, value: impl ::std::convert::Into<super::types::JobState>) -> Self");
        assert_has(s, "pub fn order(mut self, value: impl ::std::convert::Into<super::types::Op>) -> Self");
    }

    fn int_enums(s) {
        // Names from `x-enum-varnames`, through the naming rules; one that repeats
        // the enum's name loses it.
        assert_has(item(s, "pub enum Priority {"), "/// `1` Low, /// `2` Medium, /// `3` High, /// A value this client does not know yet, kept as sent. Unknown(i64),");
        // From `x-enumNames`; a value named `Unknown` is not the catch-all.
        assert_has(item(s, "pub enum Level {"), "/// `10` Debug, /// `20` Unknown2, /// `30` Error, /// A value this client does not know yet, kept as sent. Unknown(i64),");
        // Without names: from the value; a repeated value is one variant.
        assert_has(item(s, "pub enum TaskSignal {"), "/// `-1` Minus1, /// `0` V0, /// `1` V1, /// A value");
        assert_has(item(s, "impl ::std::convert::From<i64> for TaskSignal {"), "match value { -1 => Self::Minus1, 0 => Self::V0, 1 => Self::V1, other => Self::Unknown(other), }");
        // Open, like string enums: every value decodes, and goes back as it came.
        for name in ["Priority", "Level", "TaskSignal", "TaskRetries", "ListTasksBitRate"] {
            assert_has(item(s, &format!("impl ::serde::Serialize for {name} {{")), "serializer.serialize_i64(self.value())");
        }
        for name in ["Priority", "Level", "TaskSignal", "TaskRetries"] {
            assert_has(item(s, &format!("impl<'de> ::serde::Deserialize<'de> for {name} {{")), "<i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)");
        }
        // Only a query parameter reaches this one: the client never decodes it.
        assert_lacks(s, "impl<'de> ::serde::Deserialize<'de> for ListTasksBitRate {");
        // `null` in a nullable enum is the `Option`, not a variant.
        assert_has(item(s, "pub struct Task {"), "/// Optional and nullable, inline. pub retries: ::std::option::Option<::std::option::Option<TaskRetries>>,");
        assert_eq!(written(s, "Task", "retries"), ("present_field".into(), "retries".into()));
        assert_in_order(item(s, "pub enum TaskRetries {"), &["V0,", "V1,", "V3,", "Unknown(i64),", "}"]);
        assert_lacks(s, "Null");
        // Parameters take the enum, path ones included.
        assert_has(s, "pub fn bit_rate(mut self, value: impl ::std::convert::Into<super::types::ListTasksBitRate>) -> Self");
        assert_has(s, "pub fn list_tasks(&self, level: impl ::std::convert::Into<super::types::Level>)");
    }

    fn nullable_optional(s) {
        let record = item(s, "pub struct Record {");
        // Required: plain type. Optional: `Option`, absent when `None`.
        // Nullable but required: `Option`, always sent (`null` for `None`).
        assert_eq!(field(record, "id"), "/// Required, never null. pub id: ::std::string::String,");
        assert_eq!(field(record, "optional"), "/// May be absent, never null. pub optional: ::std::option::Option<::std::string::String>,");
        assert_eq!(written(s, "Record", "id"), ("required_field".into(), "id".into()));
        assert_eq!(written(s, "Record", "optional"), ("optional_field".into(), "optional".into()));
        assert_eq!(written(s, "Record", "required_nullable"), ("required_field".into(), "required_nullable".into()));
        assert_eq!(written(s, "Record", "optional_nullable"), ("present_field".into(), "optional_nullable".into()));
        // `serialize_struct` is told how many fields are written: the required ones, and each optional one that is there.
        let encode = squash(item(s, "impl ::serde::Serialize for Record {"));
        assert_has(&encode, "let mut len = 4; len += usize::from(self.optional.is_some()); len += usize::from(self.optional_nullable.is_some());");
        assert_has(&encode, r#"serialize_struct(serializer, "Record", len)?;"#);
        // Decoding: a required field's slot is an `Option` around its type, an optional
        // one's is the field's own `Option`; a double option's present value is `Some`.
        let decode = squash(item(s, "impl ::client_runtime::encode::DecodeStruct for Record {"));
        assert_has(&decode, r#"id: ::client_runtime::encode::required(partial.0, "id")?, optional: partial.1, required_nullable: partial.2, optional_nullable: partial.3,"#);
        assert_has(&decode, "1 => partial.1 = map.next_value()?, 2 => partial.2 = map.next_value()?, 3 => partial.3 = ::std::option::Option::Some(map.next_value()?),");
        assert_eq!(field(record, "required_nullable"), "/// Always present, may be null. pub required_nullable: ::std::option::Option<::std::string::String>,");
        // Optional and nullable: absent (`None`) and `null` (`Some(None)`) stay apart, each round-trips.
        assert_has(record, "/// May be absent or null. pub optional_nullable: ::std::option::Option<::std::option::Option<i32>>,");
        let chrono = "::client_runtime::chrono";
        assert_eq!(field(record, "created_at"), format!("pub created_at: {chrono}::DateTime<{chrono}::Utc>,"));
        assert_has(record, &format!("pub updated_at: ::std::option::Option<::std::option::Option<{chrono}::DateTime<{chrono}::Utc>>>,"));
        assert_eq!(field(record, "birthday"), format!("pub birthday: ::std::option::Option<{chrono}::NaiveDate>,"));
        assert_eq!(field(record, "tags"), "pub tags: ::std::vec::Vec<::std::string::String>,");
        assert_has(&field(record, "scores"), "pub scores: ::std::option::Option<::std::option::Option<::std::vec::Vec<f32>>>,");
        let map = "::std::collections::BTreeMap<::std::string::String";
        assert_has(&field(record, "labels"), &format!("pub labels: ::std::option::Option<{map}, ::std::string::String>>,"));
        assert_has(&field(record, "counters"), &format!("pub counters: ::std::option::Option<{map}, i64>>,"));
        assert_has(&field(record, "owners"), &format!("pub owners: ::std::option::Option<{map}, Owner>>,"));
        for free_form in ["metadata", "extra", "anything"] {
            assert_has(&field(record, free_form), &format!("pub {free_form}: ::std::option::Option<::serde_json::Value>,"));
        }
        assert_has(&field(record, "parent"), "pub parent: ::std::option::Option<::std::option::Option<ParentRef>>,");
        // The server URL loses its trailing slash (paths start with one).
        assert_has(s, r#"pub const DEFAULT_BASE_URL: &'static str = "https://api.example.com/v2";"#);
    }

    fn keywords_collisions(s) {
        let thing = item(s, "pub struct Thing {");
        // A keyword that can be raw keeps its name on the wire without a rename.
        assert_eq!(field(thing, "r#type"), "pub r#type: ::std::string::String,");
        assert_eq!(written(s, "Thing", "r#type"), ("required_field".into(), "type".into()));
        assert_eq!(field(thing, "r#async"), "pub r#async: ::std::option::Option<bool>,");
        assert_eq!(written(s, "Thing", "r#async"), ("optional_field".into(), "async".into()));
        // Anything else is renamed to its wire name.
        for (ident, wire) in [
            ("self_", "self"),
            ("self_2", "Self"),
            ("crate_", "crate"),
            ("super_", "super"),
            ("proto", "__proto__"),
            ("_1st", "1st"),
            ("foo_bar", "foo-bar"),
            ("foo_bar2", "foo_bar"),
            ("field", "🎉"),
        ] {
            assert_eq!(written(s, "Thing", ident).1, wire);
        }
        assert_eq!(field(thing, "self_"), "pub self_: ::std::string::String,");
        // Decoded from the same names, in field order.
        assert_has(&decoded_from(s, "Thing"), r#""self", "Self", "crate", "super", "__proto__", "1st""#);
        assert_lacks(s, "#[serde(");
        // Schema names: collisions are numbered in spec order; names the crate
        // needs itself get `Model`.
        assert_has(item(s, "pub struct MySchema {"), "pub a:");
        assert_has(item(s, "pub struct MySchema2 {"), "pub b:");
        for name in ["OptionModel", "ErrorModel", "ClientModel"] {
            assert_has(s, &format!("pub struct {name} {{"));
        }
        assert_lacks(s, "pub struct Option {");
        assert_lacks(s, "pub struct Error {");
        assert_eq!(s.matches("pub struct Client {").count(), 1, "only the client is called `Client`");
        assert_has(s, "BadRequest(super::types::ErrorModel),");
        // Operation and parameter names that are keywords or taken.
        assert_has(s, "pub fn r#type(&self) -> TypeRequest<'_>");
        assert_has(s, "pub fn builder2(&self) -> Builder2Request<'_>");
        assert_has(s, r#"if let ::std::option::Option::Some(value) = &self.send2 { ::client_runtime::encode::push_query(&mut request.query, "send", value); }"#);
        assert_has(s, r#"if let ::std::option::Option::Some(value) = &self.self_ { ::std::vec::Vec::push(&mut request.query, ("self", ::std::string::ToString::to_string(value))); }"#);
        assert_has(s, "pub fn r#type(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self");
    }

    fn inline_schemas(s) {
        // A `$ref` into a component's insides is the schema found there, one type per `$ref`
        // (named from the place), equal to the component's own inline type.
        let page = item(s, "pub struct ListPagesResponse {");
        assert_has(&field(page, "meta"), "pub meta: EnvelopeMeta,");
        assert_has(&field(page, "count"), "pub count: ::std::option::Option<i64>,");
        assert_has(&field(page, "tag"), "pub tag: ::std::option::Option<EnvelopeTagsItem>,");
        assert_in_order(item(s, "pub struct EnvelopeMeta {"), &["pub count: i64,", "pub cursor:"]);
        assert_lacks(s, "EnvelopeMeta2");
        // Inline schemas are named from their place: operation, response, property.
        let response = item(s, "pub struct GetOrderResponse {");
        assert_eq!(field(response, "status"), "/// An inline enum in a property. pub status: GetOrderResponseStatus,");
        assert_has(&field(response, "customer"), "pub customer: ::std::option::Option<GetOrderResponseCustomer>,");
        assert_has(&field(response, "lines"), "pub lines: ::std::option::Option<::std::vec::Vec<GetOrderResponseLinesItem>>,");
        assert_has(&field(item(s, "pub struct GetOrderResponseCustomer {"), "address"), "pub address: ::std::option::Option<GetOrderResponseCustomerAddress>,");
        assert_has(item(s, "pub struct GetOrderResponseLinesItem {"), "pub sku: ::std::string::String, pub quantity: i32,");
        assert_has(item(s, "pub enum GetOrderResponseStatus {"), "Open, /// `shipped` Shipped, /// `cancelled` Cancelled,");
        assert_has(item(s, "pub enum GetOrderSort {"), "Newest, /// `oldest` Oldest,");
        assert_has(item(s, "pub enum GetOrderIncludeItem {"), "Lines, /// `customer` Customer,");
        assert_has(s, "pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<super::types::GetOrderResponse, super::Error<::client_runtime::NoErrorBody>>> + 'a");
        assert_has(s, "pub fn sort(mut self, value: impl ::std::convert::Into<super::types::GetOrderSort>) -> Self");
        assert_has(s, "pub fn include(mut self, value: impl ::std::convert::Into<::std::vec::Vec<super::types::GetOrderIncludeItem>>) -> Self");
    }

    fn bare_array(s) {
        assert_has(s, "pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<::std::vec::Vec<super::types::Message>, super::Error<::client_runtime::NoErrorBody>>> + 'a");
        // A `cursor` parameter alone does not make pages: the body has no next cursor.
        assert_has(s, "pub fn cursor(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self");
        assert_lacks(s, "pub fn pages(");
        assert_lacks(s, "pub fn items(");
    }

    fn envelope(s) {
        // Pagination found without `x-pagination`: the `cursor` parameter, the
        // `next_cursor` one level down, the one array at the top.
        let pages = item(s, "pub fn pages(");
        assert_has(pages, "super::types::ItemPage, super::Error<ListItemsError>");
        assert_has(pages, "page.meta.next_cursor.as_deref()");
        assert_has(pages, "let first = self.cursor.clone();");
        assert_has(pages, "request.cursor = cursor;");
        let items = item(s, "pub fn items(");
        assert_has(items, "fn items(page: super::types::ItemPage) -> ::std::vec::Vec<super::types::Item> { page.data }");
        assert_eq!(field(item(s, "pub struct ItemPageMeta {"), "next_cursor"), "pub next_cursor: ::std::option::Option<::std::string::String>,");
        // The error envelope is the body of each documented error status.
        assert_has(item(s, "pub enum ListItemsError {"), "BadRequest(super::types::ErrorEnvelope), /// Status 401. /// Unauthorized Unauthorized(super::types::ErrorEnvelope),");
        assert_has(s, r#"check_range("limit", *value, ::std::ops::Bound::Included(1i64), ::std::ops::Bound::Included(200i64))?;"#);
    }

    fn error_bodies(s) {
        let errors = item(s, "pub enum GetWidgetError {");
        assert_in_order(errors, &[
            "/// Status 400.", "BadRequest(super::types::ValidationError),",
            "/// Status 401.", "Unauthorized(super::types::AuthError),",
            "/// Status 404.", "NotFound(super::types::NotFoundError),",
            "/// Status 429.", "TooManyRequests(super::types::RateLimitError),",
            "/// Status 500.", "InternalServerError(super::types::GetWidgetInternalServerErrorBody),",
            "/// Status 4XX.", "Status4xx(super::types::GenericError),",
            "/// Status default (any other).", "Default(super::types::Problem),",
        ]);
        // A status documented without a body has no variant.
        assert_lacks(s, "503");
        assert_lacks(s, "ServiceUnavailable");
        // Exact codes before the range, the default last, so each status decodes
        // as the body documented for it.
        let decode = item(s, "impl ::client_runtime::ErrorBody for GetWidgetError {");
        assert_in_order(decode, &[
            "400 => {", "401 => {", "404 => {", "429 => {", "500 => {",
            "400..=499 => { ::std::option::Option::Some(::serde_json::from_slice(body).map(Self::Status4xx)) }",
            "_ => { ::std::option::Option::Some(::serde_json::from_slice(body).map(Self::Default)) }",
        ]);
        assert_lacks(decode, "=> ::std::option::Option::None");
        // A 204 success: no body to decode.
        assert_has(s, "pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<(), super::Error<DeleteWidgetError>>> + 'a");
        assert_has(s, "client.http.send_empty(request)");
        assert_has(item(s, "pub enum DeleteWidgetError {"), "Default(super::types::Problem),");
    }

    fn x_pagination(s) {
        let pages = item(s, "pub fn pages(");
        assert_has(pages, "page.paging.as_ref()?.next.as_ref()?.as_deref()");
        assert_has(pages, "let first = self.page_token.clone();");
        assert_has(pages, "request.page_token = cursor;");
        // `results` is optional: a page without it has no items.
        assert_has(
            item(s, "pub fn items("),
            "fn items(page: super::types::SearchPage) -> ::std::vec::Vec<super::types::Hit> { page.results.unwrap_or_default() }",
        );
        // Below an optional object, optional and nullable: `?` only before the last step.
        assert_has(
            item(s, "impl<'a> ArchiveRequest<'a> {"),
            "fn items(page: super::types::ArchiveResponse) -> ::std::vec::Vec<super::types::Hit> { (move || page.data?.hits.flatten())().unwrap_or_default() }",
        );
        assert_lacks(s, "Some(page.");
        assert_has(s, "pub fn search(&self, q: impl ::std::convert::Into<::std::string::String>) -> SearchRequest<'_>");
    }

    fn post_and_params(s) {
        // The header every operation requires is asked for once, by the builder.
        assert_has(s, "pub fn builder(token: impl ::std::convert::Into<::std::string::String>, x_tenant_id: impl ::std::convert::Into<::std::string::String>) -> ClientBuilder");
        assert_has(s, r#".bearer_token(token).header("X-Tenant-Id", x_tenant_id)"#);
        assert_eq!(s.matches("x_tenant_id").count(), 3, "only in the builder's docs, signature and body");
        // POST is sent as POST (the runtime never retries it), with its required
        // JSON body as an argument.
        let create = item(s, "impl<'a> CreateTaskRequest<'a> {");
        assert_has(create, "::client_runtime::Method::POST");
        assert_has(s, "pub fn create_task(&self, project_id: i64, body: impl ::std::convert::Into<super::types::NewTask>) -> CreateTaskRequest<'_>");
        assert_has(create, "{ let value = &self.body; request.body = ::std::option::Option::Some(::client_runtime::encode::json_body(value)?); }");
        assert_has(item(s, "impl<'a> GetTaskRequest<'a> {"), "::client_runtime::Method::GET");
        // `NewTask` is only sent, never decoded: no `Deserialize`. `Task`, a response,
        // encodes (a response re-encodes as it came) and decodes, through the runtime.
        assert_has(s, "#[derive(Debug, Clone, PartialEq)] pub struct NewTask {");
        assert_has(s, "impl ::serde::Serialize for NewTask {");
        assert_lacks(s, "impl ::client_runtime::encode::DecodeStruct for NewTask");
        assert_has(s, "#[derive(Debug, Clone, PartialEq)] pub struct Task {");
        assert_has(s, "impl ::serde::Serialize for Task {");
        assert_has(s, r#"impl ::client_runtime::encode::DecodeStruct for Task { const NAME: &'static str = "Task"; const FIELDS: &'static [&'static str] = &["number", "title", "due"];"#);
        assert_has(s, "impl<'de> ::serde::Deserialize<'de> for Task {");
        assert_lacks(s, "::serde::Deserialize)]");
        // Required parameters are arguments, integers typed by format.
        assert_has(s, "pub fn get_task(&self, project_id: i64, task_number: i32, q: impl ::std::convert::Into<::std::string::String>) -> GetTaskRequest<'_>");
        assert_has(s, r#"path_segment("task_number", &::std::string::ToString::to_string(&self.task_number))?"#);
        assert_has(s, r#"{ let value = &self.q; ::client_runtime::encode::push_query(&mut request.query, "q", value); }"#);
        // Query arrays are typed `Vec`s (exploded by the runtime).
        assert_has(s, "pub fn ids(mut self, value: impl ::std::convert::Into<::std::vec::Vec<i64>>) -> Self");
        assert_has(s, "pub fn labels(mut self, value: impl ::std::convert::Into<::std::vec::Vec<::std::string::String>>) -> Self");
        // Bounds are checked before sending, in the parameter's own type.
        let incl = "::std::ops::Bound::Included";
        for (name, lo, hi) in [("limit", "1i32", "500i32"), ("offset", "0i64", "9007199254740991i64"), ("min_score", "0f64", "1.5f64"), ("ratio", "-0.5f32", "0.5f32")] {
            assert_has(s, &format!(r#"::client_runtime::encode::check_range("{name}", *value, {incl}({lo}), {incl}({hi}))?;"#));
        }
        assert_has(s, "/// Must be between 1 and 500 (checked before sending). /// /// The server's default: `50`. pub fn limit(");
        // Optional headers are setters.
        assert_has(s, r#"::std::vec::Vec::push(&mut request.headers, ("X-Trace-Id", ::client_runtime::encode::to_text(value)));"#);
        assert_has(s, "/// Makes a retried creation safe. pub fn idempotency_key(");
    }

    fn hostile_docs(s) {
        assert_docs_confined(s);
        assert!(!s.contains('\u{202e}'), "a right-to-left override reaches the generated code");
        assert_has(s, r#"Self::Ab => "a\u{202e}b","#);
    }

    // ---- hard schema shapes ----

    fn shape_allof(s) {
        // allOf is one struct holding every member's properties, in member order,
        // as plain fields (no `flatten`).
        let pet = item(s, "pub struct Pet {");
        assert_in_order(pet, &["pub id:", "pub created_at:", "pub name:", "pub nickname:", "pub species:", "pub birthday:", "pub owner:", "pub vaccinated:"]);
        assert_lacks(s, "flatten");
        // `required` counts from whichever member lists it: `id` (Resource), `name`
        // (Named, inside NewPet's allOf), `species` (declared by NewPet, required by
        // Pet's inline member).
        assert_eq!(field(pet, "id"), "pub id: ::std::string::String,");
        assert_eq!(field(pet, "name"), "pub name: ::std::string::String,");
        assert_eq!(field(pet, "species"), "pub species: PetSpecies,");
        assert_has(&field(pet, "nickname"), "pub nickname: ::std::option::Option<::std::string::String>,");
        assert_has(&field(pet, "vaccinated"), "pub vaccinated: ::std::option::Option<bool>,");
        // `allOf: [{$ref}]` beside a description is the referenced type, documented.
        assert_eq!(field(pet, "owner"), "/// The pet's owner. pub owner: Owner,");
        assert_lacks(s, "PetOwner");
        // An allOf member that is itself an allOf: its properties and `required` count.
        assert_in_order(item(s, "pub struct Owner {"), &["pub name: ::std::string::String,", "pub email: ::std::option::Option<::std::string::String>,", "pub phone: ::std::string::String,"]);
        // An inline request body merging a $ref and an inline member.
        assert_has(s, "pub fn create_pet(&self, body: impl ::std::convert::Into<super::types::CreatePetBody>) -> CreatePetRequest<'_>");
        assert_in_order(item(s, "pub struct CreatePetBody {"), &[
            "pub name: ::std::string::String,",
            "pub nickname:",
            "pub species: ::std::option::Option<PetSpecies>,",
            "pub birthday: ::std::option::Option<::client_runtime::chrono::NaiveDate>,",
            "pub owner_id: ::std::string::String,",
        ]);
        // Its inline `species` enum has the same values as `Pet`'s: one type, the other name an alias.
        assert_has(s, "pub type CreatePetBodySpecies = PetSpecies;");
        // The members stay types of their own.
        assert_has(item(s, "pub struct NewPet {"), "pub name: ::std::string::String,");
        assert_has(item(s, "pub struct Resource {"), "pub id: ::std::string::String,");
        // A `$ref` beside members that only annotate it is the referenced type, with
        // their description and nullability; pointing back at its holder, it is boxed.
        let repo = item(s, "pub struct Repo {");
        assert_has(&field(repo, "parent"), "/// The repository this one was forked from.");
        assert_has(&field(repo, "parent"), "pub parent: ::std::option::Option<::std::boxed::Box<Repo>>,");
        assert_has(&field(repo, "maintainer"), "pub maintainer: ::std::option::Option<::std::option::Option<Owner>>,");
        assert_lacks(s, "RepoParent");
        // An inline allOf copying its holder reaches itself: one recursive type, not an
        // endless expansion.
        let sub = item(s, "pub struct FolderSub {");
        assert_in_order(sub, &["pub title:", "pub sub: ::std::option::Option<::std::boxed::Box<FolderSub>>,", "pub depth: ::std::option::Option<i64>,"]);
        assert_has(&field(item(s, "pub struct Folder {"), "sub"), "pub sub: ::std::option::Option<FolderSub>,");
        assert_lacks(s, "FolderSubSub");
    }

    fn shape_anyof(s) {
        // An anyOf whose members one value can match together (objects) is a struct
        // with one optional field per member, each filled when the value decodes as
        // it, encoded by merging them; a value none takes is kept in `unknown`.
        assert_has(s, "/// How to reach the contact. #[derive(Debug, Clone, PartialEq, Default)] pub struct Reach {");
        assert_in_order(item(s, "pub struct Reach {"), &[
            "pub email: ::std::option::Option<Email>,",
            "pub phone: ::std::option::Option<Phone>,",
            "pub variant2: ::std::option::Option<ReachVariant2>,",
            "/// The value as it came, when no member takes it.",
            "pub unknown: ::std::option::Option<::serde_json::Value>,",
            "}",
        ]);
        let decode = item(s, "impl<'de> ::serde::Deserialize<'de> for Reach {");
        assert_lacks(decode, "return");
        assert_has(decode, "out.phone = ::std::option::Option::Some(v); matched = true;");
        assert_has(item(s, "impl ::serde::Serialize for Reach {"), "::client_runtime::encode::merge_any_of(parts)");
        assert_has(item(s, "pub struct ReachVariant2 {"), "pub street: ::std::string::String, pub city: ::std::string::String,");
        // Members of distinct JSON kinds: no value matches two, so an untagged enum
        // is exact. `42` is `Integer(42)`, `"a"` is `String`.
        assert_has(s, "#[serde(untagged)] pub enum ContactId {");
        assert_in_order(item(s, "pub enum ContactId {"), &["Integer(i64),", "String(::std::string::String),", "Unknown(::serde_json::Value),", "}"]);
        assert_in_order(item(s, "pub enum ContactTags {"), &["String(::std::string::String),", "Array(::std::vec::Vec<::std::string::String>),", "Unknown(::serde_json::Value),", "}"]);
        assert_in_order(item(s, "pub enum ContactScore {"), &["Number(f64),", "Bool(bool),", "Unknown(::serde_json::Value),", "}"]);
        let contact = item(s, "pub struct Contact {");
        assert_eq!(field(contact, "id"), "/// A numeric or a textual id. pub id: ContactId,");
        assert_eq!(field(contact, "reach"), "/// How to reach the contact. pub reach: Reach,");
        assert_has(&field(contact, "tags"), "pub tags: ::std::option::Option<ContactTags>,");
    }

    fn shape_discriminator(s) {
        // With a mapping, its values are the tags and name the variants, whether the
        // target is a full $ref or a bare schema name.
        assert_in_order(item(s, "pub enum Shape {"), &["Circle(Circle),", "Sq(Square),", "TriAngle(Triangle),", "Unknown(::serde_json::Value),", "}"]);
        let de = item(s, "impl<'de> ::serde::Deserialize<'de> for Shape {");
        assert_has(de, r#"match value.get("shape_type").and_then(::serde_json::Value::as_str) {"#);
        assert_in_order(de, &[
            r#"::std::option::Option::Some("circle") => { ::serde_json::from_value(value).map(Self::Circle) }"#,
            r#"::std::option::Option::Some("sq") => { ::serde_json::from_value(value).map(Self::Sq) }"#,
            r#"::std::option::Option::Some("tri-angle") => { ::serde_json::from_value(value).map(Self::TriAngle) }"#,
            "_ => return Ok(Self::Unknown(value)),",
        ]);
        // The tag is each variant's own property, so a variant serialises as itself.
        assert_eq!(field(item(s, "pub struct Circle {"), "shape_type"), "pub shape_type: ::std::string::String,");
        assert_eq!(field(item(s, "pub struct Square {"), "shape_type"), "pub shape_type: SquareShapeType,");
        assert_has(item(s, "impl ::serde::Serialize for Shape {"), "Self::Sq(value) => ::serde::Serialize::serialize(value, serializer),");
        // Without a mapping the tag is the schema name.
        let vehicle = item(s, "impl<'de> ::serde::Deserialize<'de> for Vehicle {");
        assert_has(vehicle, r#"match value.get("vehicle_type").and_then(::serde_json::Value::as_str) {"#);
        assert_in_order(vehicle, &[r#"::std::option::Option::Some("Car") => {"#, r#"::std::option::Option::Some("Bike") => {"#, "_ => return Ok(Self::Unknown(value)),"]);
        assert_has(item(s, "impl Vehicle {"), "pub fn vehicle_type(&self) -> ::std::option::Option<&str>");
        // Arrays of oneOf: by $ref, and inline (named from the property, same tagging).
        // The inline one has `Vehicle`'s members and tag, so it is `Vehicle`, its own name an alias.
        let drawing = item(s, "pub struct Drawing {");
        assert_eq!(field(drawing, "shapes"), "pub shapes: ::std::vec::Vec<Shape>,");
        assert_has(&field(drawing, "layers"), "pub layers: ::std::option::Option<::std::vec::Vec<Vehicle>>,");
        assert_has(s, "pub type DrawingLayersItem = Vehicle;");
        assert_has(&field(item(s, "pub struct Garage {"), "vehicles"), "pub vehicles: ::std::option::Option<::std::vec::Vec<Vehicle>>,");
        // A oneOf of two discriminated oneOfs.
        assert_in_order(item(s, "pub enum Element {"), &["Shape(Shape),", "Vehicle(Vehicle),", "Unknown(::serde_json::Value),", "}"]);
        // As a derived untagged enum, `Element` would try `Shape` first, whose
        // `Unknown` accepts any object, so `{"vehicle_type": "Car", "doors": 4}`
        // would decode as `Element::Shape(Shape::Unknown(..))`. Members with a
        // catch-all only count when they know the value.
        assert_lacks(s, "#[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)] #[serde(untagged)] pub enum Element {");
        let de = item(s, "impl<'de> ::serde::Deserialize<'de> for Element {");
        assert_in_order(de, &["<Shape as ::serde::Deserialize>::deserialize(&value)", "if !v.is_unknown()", "<Vehicle as ::serde::Deserialize>::deserialize(&value)", "if !v.is_unknown()", "Ok(Self::Unknown(value))"]);
    }

    fn shape_recursive(s) {
        // A field that would make a type infinitely large is boxed; a Vec or a map
        // is already indirect.
        let node = item(s, "pub struct Node {");
        assert_eq!(field(node, "children"), "pub children: ::std::vec::Vec<Node>,");
        assert_has(&field(node, "parent"), "pub parent: ::std::option::Option<::std::boxed::Box<Node>>,");
        // Mutual recursion: the cycle A -> B -> A goes through a Box.
        assert_eq!(field(item(s, "pub struct A {"), "b"), "pub b: ::std::boxed::Box<B>,");
        assert_has(&field(item(s, "pub struct B {"), "a"), "pub a: ::std::option::Option<::std::boxed::Box<A>>,");
        // A oneOf whose member holds the oneOf: Expr -> BinaryOp -> Expr.
        assert_in_order(item(s, "pub enum Expr {"), &["Literal(Literal),", "BinaryOp(::std::boxed::Box<BinaryOp>),", "Unknown(::serde_json::Value),", "}"]);
        assert_has(item(s, "pub struct BinaryOp {"), "pub left: ::std::boxed::Box<Expr>, pub right: ::std::boxed::Box<Expr>,");
        // A oneOf containing itself inline...
        assert_in_order(item(s, "pub enum Filter {"), &["Variant0(FilterVariant0),", "Variant1(::std::boxed::Box<FilterVariant1>),", "Unknown(::serde_json::Value),", "}"]);
        assert_eq!(field(item(s, "pub struct FilterVariant1 {"), "not"), "pub not: ::std::boxed::Box<Filter>,");
        // ...and through an array and a map, which need no Box.
        assert_in_order(item(s, "pub enum Json {"), &[
            "String(::std::string::String),",
            "Number(f64),",
            "Bool(bool),",
            "Array(::std::vec::Vec<Json>),",
            "Map(::std::collections::BTreeMap<::std::string::String, Json>),",
            "Unknown(::serde_json::Value),",
            "}",
        ]);
        assert_lacks(s, "Box<Json>");
        assert_has(s, "pub fn evaluate(&self, body: impl ::std::convert::Into<super::types::Expr>) -> EvaluateRequest<'_>");
        assert_has(s, "pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<super::types::Json, super::Error<::client_runtime::NoErrorBody>>> + 'a");
    }

    fn shape_maps(s) {
        let map = "::std::collections::BTreeMap<::std::string::String";
        let record = item(s, "pub struct Record {");
        assert_eq!(field(record, "labels"), format!("pub labels: {map}, ::std::string::String>,"));
        // `additionalProperties: true`, `type: object` alone and `{}`: any JSON value.
        for free in ["anything", "free_form", "untyped"] {
            assert_has(&field(record, free), &format!("pub {free}: ::std::option::Option<::serde_json::Value>,"));
        }
        assert_has(&field(record, "owners"), &format!("pub owners: ::std::option::Option<{map}, Owner>>,"));
        assert_has(&field(record, "groups"), &format!("pub groups: ::std::option::Option<{map}, ::std::vec::Vec<::std::string::String>>>,"));
        assert_has(&field(record, "matrix"), &format!("pub matrix: ::std::option::Option<{map}, {map}, f64>>>,"));
        // A map as the whole response body.
        assert_has(s, &format!("pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<{map}, i32>, super::Error<::client_runtime::NoErrorBody>>> + 'a"));
        // `additionalProperties: false`: the struct; unknown properties are still
        // ignored on decode, never refused.
        assert_has(item(s, "pub struct Closed {"), "pub x: i32,");
        assert_lacks(s, "deny_unknown_fields");
        // Properties and additionalProperties: the known fields, and the others kept
        // (typed by the schema) rather than silently dropped.
        let extensible = item(s, "pub struct Extensible {");
        assert_has(extensible, "pub kind: ::std::string::String,");
        assert_has(extensible, "#[serde(flatten)]");
        assert_has(extensible, &format!("{map}, ::serde_json::Value>"));
        let annotated = item(s, "pub struct Annotated {");
        assert_has(annotated, "pub name: ::std::string::String,");
        assert_has(annotated, "#[serde(flatten)]");
        assert_has(annotated, &format!("{map}, ::std::string::String>"));
    }

    fn shape_numbers(s) {
        let m = item(s, "pub struct Measurement {");
        for (name, ty) in [("small", "i32"), ("large", "i64"), ("plain", "i64"), ("single", "f32"), ("double", "f64"), ("number", "f64")] {
            assert_eq!(field(m, name), format!("pub {name}: {ty},"));
        }
        // uuid is an opaque String; date and date-time are chrono; binary and byte
        // inside JSON are strings.
        assert_eq!(field(m, "id"), "pub id: ::std::string::String,");
        let chrono = "::client_runtime::chrono";
        assert_has(&field(m, "day"), &format!("pub day: ::std::option::Option<{chrono}::NaiveDate>,"));
        assert_has(&field(m, "at"), &format!("pub at: ::std::option::Option<{chrono}::DateTime<{chrono}::Utc>>,"));
        assert_has(&field(m, "payload"), "pub payload: ::std::option::Option<::std::string::String>,");
        assert_has(&field(m, "signature"), "pub signature: ::std::option::Option<::std::string::String>,");
        assert_has(&field(m, "tiny"), "pub tiny: ::std::option::Option<f64>,");
        // An integer enum is an open enum of its values (`int_enums` has the rest),
        // inline ones named from their context.
        assert_has(s, "/// 1 is the highest. #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)] pub enum Priority { /// `1` V1, /// `2` V2, /// `3` V3,");
        assert_has(s, "pub fn level(mut self, value: impl ::std::convert::Into<super::types::GetMeasurementLevel>) -> Self");
        // Parameter bounds are checked in the parameter's type; exclusive integer
        // bounds become the inclusive ones next to them; -1e30 is a valid f64 literal.
        let incl = "::std::ops::Bound::Included";
        // Bounds the type cannot break (the whole i64 range) are not checked.
        assert_lacks(s, r#"check_range("offset""#);
        assert_has(s, &format!(r#"check_range("threshold", *value, {incl}(-1000000000000000000000000000000f64), {incl}(1000000000000000000000000000000f64))?;"#));
        assert_has(s, &format!(r#"check_range("positive", *value, {incl}(1i32), {incl}(99i32))?;"#));
        assert_has(s, "/// Must be between 1 and 99 (checked before sending). pub fn positive(");
        // A maximum beyond the int32 type cannot be exceeded: only the minimum is checked.
        assert_has(s, &format!(r#"check_range("wide", *value, {incl}(0i32), ::std::ops::Bound::Unbounded)?;"#));
        assert_has(s, "pub fn get_measurement(&self, id: impl ::std::convert::Into<::std::string::String>) -> GetMeasurementRequest<'_>");
        assert_has(s, &format!("pub fn since(mut self, value: impl ::std::convert::Into<{chrono}::DateTime<{chrono}::Utc>>) -> Self"));
        assert_has(s, &format!("pub fn day(mut self, value: impl ::std::convert::Into<{chrono}::NaiveDate>) -> Self"));
        // The bugs. Every value the spec allows (0 ..= u64::MAX) must decode, and
        // `minimum: 0` needs no check: a u64 cannot be below it.
        assert_eq!(field(m, "counter"), "pub counter: u64,");
        assert_has(s, "pub fn counter(mut self, value: u64) -> Self");
        assert_lacks(s, r#"check_range("counter""#);
        // `maximum: 1` is checked even though the minimum is exclusive.
        assert_has(s, r#"check_range("fraction""#);
    }

    fn shape_enum_case(s) {
        // Values equal after case conversion are numbered in spec order, each with
        // its own wire value both ways.
        assert_in_order(item(s, "pub enum Op {"), &[
            "/// `add`", "Add,", "/// `Add`", "Add2,", "/// `ADD`", "Add3,",
            "/// `foo-bar`", "FooBar,", "/// `foo_bar`", "FooBar2,", "/// `fooBar`", "FooBar3,",
            "Unknown(::std::string::String),",
        ]);
        assert_has(s, r#"Self::Add => "add", Self::Add2 => "Add", Self::Add3 => "ADD", Self::FooBar => "foo-bar", Self::FooBar2 => "foo_bar", Self::FooBar3 => "fooBar","#);
        assert_has(item(s, "impl ::std::convert::From<&str> for Op {"), r#""add" => Self::Add, "Add" => Self::Add2, "ADD" => Self::Add3, "foo-bar" => Self::FooBar, "foo_bar" => Self::FooBar2, "fooBar" => Self::FooBar3,"#);
        // Properties equal after conversion are numbered and each renamed to its wire name.
        let thing = item(s, "pub struct Thing {");
        assert_eq!(field(thing, "foo_bar"), "pub foo_bar: ::std::string::String,");
        assert_eq!(field(thing, "foo_bar2"), "pub foo_bar2: i32,");
        assert_eq!(field(thing, "foo_bar3"), "pub foo_bar3: bool,");
        assert_eq!(field(thing, "foo_bar4"), "pub foo_bar4: Op,");
        for (ident, wire) in [("foo_bar", "foo-bar"), ("foo_bar2", "foo_bar"), ("foo_bar3", "fooBar"), ("foo_bar4", "FooBar")] {
            assert_eq!(written(s, "Thing", ident).1, wire);
        }
        assert_has(&decoded_from(s, "Thing"), r#""foo-bar", "foo_bar", "fooBar", "FooBar""#);
        // A `title` never names a type: two schemas titled `User` keep their keys,
        // two inline objects titled `Address` are named from their place.
        assert_has(&field(thing, "owner"), "pub owner: ::std::option::Option<UserA>,");
        assert_has(&field(thing, "editor"), "pub editor: ::std::option::Option<UserB>,");
        assert_has(&field(thing, "home"), "pub home: ::std::option::Option<ThingHome>,");
        assert_has(&field(thing, "work"), "pub work: ::std::option::Option<ThingWork>,");
        assert_has(item(s, "pub struct ThingHome {"), "pub street:");
        assert_has(item(s, "pub struct ThingWork {"), "pub building:");
        assert_lacks(s, "pub struct User {");
        assert_lacks(s, "pub struct Address");
        // Schema keys equal after conversion (`user_profile`, `UserProfile`): numbered in spec order.
        assert_has(&field(thing, "profile"), "pub profile: ::std::option::Option<UserProfile>,");
        assert_has(&field(thing, "profile2"), "pub profile2: ::std::option::Option<UserProfile2>,");
        assert_has(item(s, "pub struct UserProfile {"), "pub bio:");
        assert_has(item(s, "pub struct UserProfile2 {"), "pub avatar:");
        assert_has(s, "pub fn op(mut self, value: impl ::std::convert::Into<super::types::Op>) -> Self");
    }

    fn shape_operations(s) {
        // Seven required parameters are still arguments, with clippy's limit lifted for that method alone.
        assert_has(s, "/// `GET /tiles/{region}/{x}/{y}/{z}` #[allow(clippy::too_many_arguments)] pub fn get_tile(");
        assert_eq!(s.matches("too_many_arguments").count(), 1);
        // No operationId: named from the method and the path.
        assert_has(s, "/// `GET /widgets` pub fn get_widgets(&self, session: impl ::std::convert::Into<::std::string::String>) -> GetWidgetsRequest<'_>");
        assert_has(s, "/// `GET /widgets/{widget_id}` pub fn get_widgets_widget_id(&self, widget_id: impl ::std::convert::Into<::std::string::String>) -> GetWidgetsWidgetIdRequest<'_>");
        assert_has(s, "/// `DELETE /widgets/{widget_id}` pub fn delete_widgets_widget_id(");
        // operationIds equal after case conversion (`listThings`, `list_things`): numbered in spec order.
        assert_has(s, "/// `GET /things` pub fn list_things(&self) -> ListThingsRequest<'_>");
        assert_has(s, "/// `GET /things/all` pub fn list_things2(&self) -> ListThings2Request<'_>");
        // Success bodies: any JSON media type, `+json` too, is decoded as JSON; of
        // several media types, the JSON one is used.
        assert_has(item(s, "impl<'a> CreateWidgetRequest<'a> {"), "pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<super::types::Widget, super::Error<CreateWidgetError>>> + 'a");
        assert_has(item(s, "impl<'a> GetWidgetsWidgetIdRequest<'a> {"), "pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<super::types::Widget, super::Error<::client_runtime::NoErrorBody>>> + 'a");
        // text/plain and application/octet-stream are the body's bytes, undecoded.
        for op in ["GetLabelRequest", "DownloadBlobRequest"] {
            let imp = item(s, &format!("impl<'a> {op}<'a> {{"));
            assert_has(imp, "pub fn send(self) -> impl ::std::future::Future<Output = ::std::result::Result<::std::vec::Vec<u8>, super::Error<::client_runtime::NoErrorBody>>> + 'a");
            assert_has(imp, "client.http.send_bytes(request)");
        }
        // Error bodies: a JSON one (`application/problem+json`) is decoded; text and
        // HTML ones have no variant (the text stays in `ApiError::raw`).
        let errors = item(s, "pub enum CreateWidgetError {");
        assert_has(errors, "/// Status 400. /// Invalid BadRequest(super::types::Problem),");
        assert_lacks(errors, "Conflict");
        assert_lacks(errors, "InternalServerError");
        assert_has(item(s, "impl ::client_runtime::ErrorBody for CreateWidgetError {"), "_ => ::std::option::Option::None,");
        // Request bodies: JSON, form (a typed struct), octet-stream (bytes with their content type).
        assert_has(s, "pub fn create_widget(&self, body: impl ::std::convert::Into<super::types::Widget>) -> CreateWidgetRequest<'_>");
        assert_has(item(s, "impl<'a> CreateWidgetRequest<'a> {"), "request.body = ::std::option::Option::Some(::client_runtime::encode::json_body(value)?);");
        assert_has(s, "pub fn log_in(&self, body: impl ::std::convert::Into<super::types::LogInBody>) -> LogInRequest<'_>");
        assert_has(item(s, "impl<'a> LogInRequest<'a> {"), "request.body = ::std::option::Option::Some(::client_runtime::encode::form_body(value)?);");
        assert_has(item(s, "pub struct LogInBody {"), "pub username: ::std::string::String, pub password: ::std::string::String,");
        assert_has(s, "pub fn upload_blob(&self, widget_id: impl ::std::convert::Into<::std::string::String>, body: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> UploadBlobRequest<'_>");
        assert_has(item(s, "impl<'a> UploadBlobRequest<'a> {"), r#"::client_runtime::Body::Bytes { content_type: "application/octet-stream".into(), data: value.clone(), }"#);
        assert_has(item(s, "impl<'a> UploadBlobRequest<'a> {"), "::client_runtime::Method::PUT");
        // Parameters: the path, percent-encoded per segment...
        assert_has(item(s, "impl<'a> GetLabelRequest<'a> {"), r#"path.push_str("/widgets/"); path.push_str(&::client_runtime::encode::path_segment("widget_id", &self.widget_id)?); path.push_str("/label");"#);
        // ...a header...
        let list = item(s, "impl<'a> GetWidgetsRequest<'a> {");
        assert_has(list, r#"::std::vec::Vec::push(&mut request.headers, ("X-Request-Id", ::client_runtime::encode::to_text(value)));"#);
        // ...cookies: a required one is an argument, an optional one a setter; the
        // runtime sends them together in one `Cookie` header.
        assert_has(list, r#"{ let value = &self.session; ::std::vec::Vec::push(&mut request.cookies, ("session", ::client_runtime::encode::to_text(value))); }"#);
        assert_has(list, r#"if let ::std::option::Option::Some(value) = &self.theme { ::std::vec::Vec::push(&mut request.cookies, ("theme", ::client_runtime::encode::to_text(value))); }"#);
        assert_has(list, "pub fn theme(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self");
        // ...and query arrays: `explode: true` is one pair per item (`ids=1&ids=2`).
        assert_has(list, "pub fn ids(mut self, value: impl ::std::convert::Into<::std::vec::Vec<i64>>) -> Self");
        assert_has(list, r#"::client_runtime::encode::push_query(&mut request.query, "ids", value);"#);
        // The bugs. `explode: false` is one comma-separated pair (`tags=a,b`), but is
        // pushed like an exploded array.
        assert_has(list, "pub fn tags(mut self, value: impl ::std::convert::Into<::std::vec::Vec<::std::string::String>>) -> Self");
        assert_lacks(list, r#"::client_runtime::encode::push_query(&mut request.query, "tags", value);"#);
        // A multipart body without `boundary=` in its Content-Type cannot be parsed
        // by any server, and the caller has no way to supply one.
        assert_lacks(item(s, "impl<'a> UploadImageRequest<'a> {"), r#"content_type: "multipart/form-data".into()"#);
        // `format: binary` in a multipart body: file parts, one or an array; the
        // `encoding` media type reaches the runtime where it names exactly one.
        let upload = item(s, "pub struct UploadImageBody {");
        assert_eq!(field(upload, "file"), "pub file: ::client_runtime::FilePart,");
        assert_has(&field(upload, "pages"), "pub pages: ::std::option::Option<::std::vec::Vec<::client_runtime::FilePart>>,");
        assert_has(&field(upload, "caption"), "pub caption: ::std::option::Option<::std::string::String>,");
        assert_has(item(s, "impl<'a> UploadImageRequest<'a> {"), r#"::client_runtime::encode::multipart_body(value, &[("thumbnail", "image/png")])?"#);
    }

    fn shape_31(s) {
        let event = item(s, "pub struct Event {");
        // `type: [string, "null"]` and required: an `Option`, always sent (`null` for `None`).
        assert_eq!(field(event, "title"), "pub title: ::std::option::Option<::std::string::String>,");
        // Optional too: absent and `null` kept apart.
        assert_has(event, "pub note: ::std::option::Option<::std::option::Option<::std::string::String>>,");
        assert_eq!(written(s, "Event", "note").0, "present_field");
        assert_eq!(written(s, "Event", "title").0, "required_field");
        assert_has(&field(event, "tags"), "pub tags: ::std::option::Option<::std::option::Option<::std::vec::Vec<::std::string::String>>>,");
        // `oneOf: [{$ref}, {type: "null"}]`: the referenced type, nullable.
        assert_eq!(field(event, "payload"), "pub payload: ::std::option::Option<Payload>,");
        // `$ref` with a sibling description: the referenced type, documented; with
        // `nullable` beside it as well: nullable.
        assert_eq!(
            field(event, "source"),
            "/// Where the event came from (a sibling of $ref, allowed in 3.1). pub source: ::std::option::Option<Source>,"
        );
        assert_eq!(written(s, "Event", "source").0, "optional_field");
        assert_has(event, "/// The source before, if any. pub previous: ::std::option::Option<::std::option::Option<Source>>,");
        assert_eq!(written(s, "Event", "previous").0, "present_field");
        assert_lacks(s, "EventSource");
        assert_lacks(s, "EventPrevious");
        // `const` is a one-value enum: with a type, an enum of that type (open, as
        // every enum); without one, any JSON value (the constant is not checked).
        assert_eq!(field(event, "version"), "pub version: EventVersion,");
        assert_has(item(s, "pub enum EventVersion {"), "/// `2` V2, /// A value this client does not know yet, kept as sent. Unknown(i64),");
        assert_eq!(field(event, "kind"), "pub kind: ::serde_json::Value,");
        // Numeric exclusive bounds on an integer: the inclusive ones next to them.
        assert_has(s, r#"::client_runtime::encode::check_range("limit", *value, ::std::ops::Bound::Included(1i32), ::std::ops::Bound::Included(100i32))?;"#);
        assert_has(s, "/// Must be between 1 and 100 (checked before sending). pub fn limit(mut self, value: i32) -> Self");
        // `examples` are data: they never reach the code.
        assert_lacks(s, "evt_123");
        // Webhooks are requests the server sends: nothing for the client to call.
        assert_has(s, "pub fn get_event(&self, id: impl ::std::convert::Into<::std::string::String>) -> GetEventRequest<'_>");
        assert_lacks(s, "on_event_created");
        assert_lacks(s, "OnEventCreated");
    }

    fn shape_31_webhooks_only(s) {
        // The webhook payloads are still the API's types.
        let shipped = item(s, "pub struct OrderShipped {");
        assert_eq!(field(shipped, "order_id"), "pub order_id: ::std::string::String,");
        assert_eq!(field(shipped, "shipped_at"), "pub shipped_at: ::client_runtime::chrono::DateTime<::client_runtime::chrono::Utc>,");
        assert_has(&field(shipped, "carrier"), "pub carrier: ::std::option::Option<::std::option::Option<::std::string::String>>,");
        // Nothing to call, no server named: a client without operations, whose base
        // URL the user sets.
        assert_has(s, "pub fn builder() -> ClientBuilder");
        assert_has(s, r#"pub const DEFAULT_BASE_URL: &'static str = "";"#);
        assert_lacks(s, "Request<'_>");
        // The builder's docs do not introduce a list with nothing in it.
        assert_lacks(s, "with what every request needs: /// ///");
    }
}

/// The part of `hostile_docs` that holds despite its bug: the prose stays in
/// doc comments, where it cannot run or break out.
#[test]
fn hostile_docs_stay_in_comments() {
    let text = fs::read_to_string(root().join(FIXTURE_DIR).join("hostile_docs.yaml")).unwrap();
    let s = codegen::generate_single_file("tests/fixtures/hostile_docs.yaml", &text, COMMAND).unwrap();
    assert_docs_confined(&s);
    // Titles and descriptions with quotes are doc text, not string syntax.
    assert_has(&s, r##"/// A client of the The "Quoted" API "#] */."##);
    assert_has(&s, "/// Text with a hidden RLO reversed here.");
    assert_has(&s, "/// fn main() { std::process::exit(2) }");
}

// ---- generator bugs the fixtures found, kept as regression tests --------------

#[test]
fn path_parameter_bounds_are_checked() {
    let s = check("post_and_params");
    assert_has(&s, r#"::client_runtime::encode::check_range("task_number""#);
}

#[test]
fn keyword_operation_ids_name_types_plainly() {
    let s = check("keywords_collisions");
    assert_has(&s, "pub fn r#type(&self) -> TypeRequest<'_>");
    assert_has(&s, "pub enum TypeError {");
}

#[test]
fn docs_do_not_start_with_blank_lines() {
    let s = check("post_and_params");
    let mut previous_is_doc = false;
    for line in s.lines().map(str::trim_start) {
        assert!(previous_is_doc || line != "///", "a doc comment starts with a blank line in post_and_params");
        previous_is_doc = line.starts_with("///");
    }
}

// ---- the harness itself ------------------------------------------------------

/// The stems of the files in `dir` (relative to the crate) ending in `.ext`.
fn stems(dir: &str, ext: &str) -> Vec<String> {
    let Ok(entries) = fs::read_dir(root().join(dir)) else { return Vec::new() };
    let mut stems: Vec<String> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p: PathBuf| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    stems
}

#[test]
fn every_fixture_has_a_snapshot_test() {
    let tested: Vec<&str> = FIXTURES.iter().map(|(name, _)| *name).collect();
    let untested: Vec<String> = stems(FIXTURE_DIR, "yaml").into_iter().filter(|f| !tested.contains(&f.as_str())).collect();
    assert!(untested.is_empty(), "fixtures without a test in tests/tests/snapshots.rs (add them to `fixtures!`): {untested:?}");
    for name in tested {
        assert!(root().join(format!("{FIXTURE_DIR}/{name}.yaml")).is_file(), "the test `{name}` has no {FIXTURE_DIR}/{name}.yaml");
    }
}

#[test]
fn every_snapshot_has_a_fixture() {
    for (dir, pending) in [(SNAPSHOT_DIR, false), (PENDING_DIR, true)] {
        for stem in stems(dir, "rs") {
            match FIXTURES.iter().find(|(name, _)| *name == stem) {
                None => panic!("{dir}/{stem}.rs is a snapshot of no fixture: delete it, or add {FIXTURE_DIR}/{stem}.yaml and its test"),
                Some((_, p)) if *p != pending => panic!(
                    "{dir}/{stem}.rs is in the wrong directory: the fixture is {}",
                    if *p { "pending (its snapshot belongs in tests/snapshots-pending)" } else { "not pending (its snapshot belongs in tests/snapshots)" }
                ),
                Some(_) => {}
            }
        }
    }
}

#[test]
fn a_changed_output_fails_with_a_diff_and_how_to_accept() {
    let err = compare(Some("a\nb\nc\n"), "a\nB\nc\n", "tests/snapshots/x.rs", "tests/fixtures/x.yaml").unwrap_err();
    assert!(err.contains("--- tests/snapshots/x.rs\n+++ generated from tests/fixtures/x.yaml\n"), "{err}");
    assert!(err.contains("@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"), "{err}");
    assert!(err.ends_with(&format!("run `{COMMAND}` to accept")), "{err}");
    assert_eq!(compare(Some("same\n"), "same\n", "s", "f"), Ok(()));
}

#[test]
fn a_missing_snapshot_fails() {
    let err = compare(None, "fn main() {}\n", "tests/snapshots/new.rs", "tests/fixtures/new.yaml").unwrap_err();
    assert!(err.contains("tests/snapshots/new.rs does not exist"), "{err}");
    assert!(err.contains(&format!("run `{COMMAND}` to accept")), "{err}");
}

#[test]
fn item_finds_whole_items() {
    let s = "pub enum A {\n    X,\n}\nimpl A {\n    fn f() {\n    }\n}\npub type B = u8;\n";
    assert_eq!(item(s, "pub enum A"), "pub enum A {\n    X,\n}\n");
    assert_eq!(item(s, "impl A"), "impl A {\n    fn f() {\n    }\n}\n");
    assert_eq!(item(s, "fn f"), "    fn f() {\n    }\n");
    assert_eq!(item(s, "pub type B"), "pub type B = u8;\n");
}

/// A response shared through `components/responses` with an inline schema is
/// one type, named after the component, however many operations refer to it
/// (spotify's spec made 293 identical structs of three such responses).
#[test]
fn a_shared_response_with_an_inline_schema_is_one_type() {
    let spec = r##"
openapi: 3.0.3
info: {title: Shared, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200": {description: ok}
        "401": {$ref: "#/components/responses/Unauthorized"}
  /b:
    get:
      operationId: getB
      responses:
        "200": {description: ok}
        "401": {$ref: "#/components/responses/Unauthorized"}
        "404": {description: missing, content: {application/json: {schema: {type: object, properties: {why: {type: string}}}}}}
components:
  responses:
    Unauthorized:
      description: Bad token
      content:
        application/json:
          schema: {type: object, properties: {error: {type: string}}}
"##;
    let s = codegen::generate_single_file("shared.yaml", spec, COMMAND).expect("generates");
    assert_eq!(s.matches("pub struct UnauthorizedBody {").count(), 1, "{s}");
    assert_lacks(&s, "GetAUnauthorizedBody");
    assert_lacks(&s, "GetBUnauthorizedBody");
    assert_has(&s, "Unauthorized(super::types::UnauthorizedBody),");
    // An inline schema of an operation's own response is still named from the operation.
    assert_has(&s, "pub struct GetBNotFoundBody {");
}
