//! The semver report of `cargo xtask gen`: spec edits, read into the model on both
//! sides, reported as the changes a user of the crate sees, breaking or not.

use xtask::semver_report::{compare, render, CrateReport};

const BASE: &str = r##"
openapi: 3.0.3
info: {title: Widgets, version: "1.2.0"}
servers: [{url: "https://api.example.com"}]
paths:
  /widgets/{id}:
    get:
      operationId: getWidget
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Widget"}}}}
  /widgets:
    post:
      operationId: createWidget
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/NewWidget"}}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Widget"}}}}
components:
  schemas:
    Widget:
      type: object
      description: A widget.
      required: [id, name, kind]
      properties:
        id: {type: string}
        name: {type: string}
        kind: {$ref: "#/components/schemas/Kind"}
    Kind:
      type: string
      enum: [small, large]
    NewWidget:
      type: object
      required: [name]
      properties:
        name: {type: string}
"##;

/// `BASE` with `from` replaced by `to` (which must be there).
fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the edit does not apply: {from}");
    BASE.replacen(from, to, 1)
}

fn report(after: &str) -> CrateReport {
    compare("widgets-client", "specs/widgets.yaml", BASE, after)
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("a change is reported")
}

/// The one change of the report: its text and whether it breaks.
fn only_change(after: &str) -> (String, bool) {
    let r = report(after);
    assert_eq!(r.changes.len(), 1, "{}", render(&r));
    (r.changes[0].what.clone(), r.breaking())
}

#[test]
fn removing_a_field_is_breaking() {
    let (what, breaking) = only_change(&edited("        name: {type: string}\n        kind:", "        kind:").replace("[id, name, kind]", "[id, kind]"));
    assert_eq!(what, "removed field `Widget.name`");
    assert!(breaking);
}

#[test]
fn adding_an_optional_field_to_a_response_type_is_not_breaking() {
    let (what, breaking) = only_change(&edited("        kind: {$ref", "        color: {type: string}\n        kind: {$ref"));
    assert_eq!(what, "added field `Widget.color`: `Option<String>`");
    assert!(!breaking);
}

#[test]
fn adding_a_required_field_to_a_request_type_is_breaking() {
    let after = edited("      required: [name]\n      properties:\n        name: {type: string}\n", "      required: [name, size]\n      properties:\n        name: {type: string}\n        size: {type: integer}\n");
    let (what, breaking) = only_change(&after);
    assert_eq!(what, "added field `NewWidget.size`: `i64` to a struct users build");
    assert!(breaking, "a struct literal of NewWidget must now name `size`");
}

#[test]
fn removing_or_adding_a_variant_of_a_received_enum_is_breaking() {
    let (what, breaking) = only_change(&edited("enum: [small, large]", "enum: [small]"));
    assert_eq!(what, "removed variant `Kind::Large`");
    assert!(breaking);
    let (what, breaking) = only_change(&edited("enum: [small, large]", "enum: [small, large, huge]"));
    assert_eq!(what, "added variant `Kind::Huge` to an enum users match on");
    assert!(breaking, "an exhaustive match on Kind no longer compiles");
}

#[test]
fn an_added_operation_is_additive() {
    let after = edited(
        "components:\n",
        "  /widgets/{id}/parts:\n    get:\n      operationId: listParts\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        \"200\": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}\ncomponents:\n",
    );
    let r = report(&after);
    assert!(!r.breaking(), "{}", render(&r));
    let text = render(&r);
    // Its arguments are part of the new method, not changes of their own.
    assert_eq!(r.changes.len(), 1, "{text}");
    assert!(text.contains("+ added method `Client::list_parts()` (additive)"), "{text}");
}

#[test]
fn a_removed_operation_is_breaking_and_its_members_go_with_it() {
    let after = edited("    post:
      operationId: createWidget", "    put:
      operationId: createWidget").replace("createWidget", "replaceWidget");
    let r = report(&after);
    let text = render(&r);
    assert!(text.contains("! removed method `Client::create_widget()` (breaking)"), "{text}");
    assert!(!text.contains("create_widget(body)"), "{text}");
    assert!(text.contains("+ added method `Client::replace_widget()`"), "{text}");
    assert!(r.breaking());
}

#[test]
fn parameters_required_ones_change_the_signature_optional_ones_add_a_setter() {
    let optional = edited(
        "        - {name: id, in: path, required: true, schema: {type: string}}\n      responses",
        "        - {name: id, in: path, required: true, schema: {type: string}}\n        - {name: expand, in: query, schema: {type: boolean}}\n      responses",
    );
    let (what, breaking) = only_change(&optional);
    assert_eq!(what, "added optional setter `Client::get_widget(expand)`: `bool`");
    assert!(!breaking);
    let required = optional.replace("{name: expand, in: query,", "{name: expand, in: query, required: true,");
    let (what, breaking) = only_change(&required);
    assert_eq!(what, "added required argument `Client::get_widget(expand)`: `bool`");
    assert!(breaking);
}

#[test]
fn a_changed_field_type_is_breaking_and_docs_are_not_api() {
    let (what, breaking) = only_change(&edited("        id: {type: string}", "        id: {type: integer}"));
    assert_eq!(what, "changed field `Widget.id`: `String` → `i64`");
    assert!(breaking);
    let docs_only = edited("description: A widget.", "description: A widget, described at length.");
    assert_eq!(compare("widgets-client", "specs/widgets.yaml", BASE, &docs_only), Ok(None));
}

#[test]
fn the_report_says_whether_the_crate_version_tells_users() {
    let removed = edited("enum: [small, large]", "enum: [small]");
    let same_version = report(&removed);
    assert_eq!((same_version.old_version.as_str(), same_version.new_version.as_str()), ("1.2.0", "1.2.0"));
    assert!(!same_version.version_says_so());
    assert!(render(&same_version).starts_with("widgets-client 1.2.0 → 1.2.0: breaking; publishing it needs a new major version"), "{}", render(&same_version));
    assert!(render(&same_version).contains("\n  ! removed variant `Kind::Large` (breaking)"));
    assert!(!report(&removed.replace("version: \"1.2.0\"", "version: \"1.3.0\"")).version_says_so());
    assert!(report(&removed.replace("version: \"1.2.0\"", "version: \"2.0.0\"")).version_says_so());
    let added = edited("        kind: {$ref", "        color: {type: string}\n        kind: {$ref").replace("version: \"1.2.0\"", "version: \"1.3.0\"");
    assert!(report(&added).version_says_so());
}

/// `cargo xtask gen` reports against the spec committed at `HEAD`: nothing when the
/// working spec is the committed one, the changes once it is edited.
#[test]
fn the_report_compares_the_working_spec_with_the_one_at_head() {
    let dir = std::env::temp_dir().join(format!("semver-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("specs")).unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    std::fs::write(dir.join("specs/widgets.yaml"), BASE).unwrap();
    git(&["add", "specs/widgets.yaml"]);
    git(&["commit", "-qm", "spec"]);
    assert_eq!(xtask::semver_report::report(&dir), Ok(None));

    std::fs::write(dir.join("specs/widgets.yaml"), edited("enum: [small, large]", "enum: [small]")).unwrap();
    std::fs::write(dir.join("specs/gadgets.yaml"), BASE).unwrap();
    let report = xtask::semver_report::report(&dir).unwrap().expect("a report");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(report.starts_with("public API changes against HEAD:\nwidgets-client 1.2.0 → 1.2.0: breaking"), "{report}");
    assert!(report.contains("! removed variant `Kind::Large` (breaking)"), "{report}");
    assert!(!report.contains("gadgets"), "a spec new since HEAD is a new crate, not a change:\n{report}");
}
