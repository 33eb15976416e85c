//! Normalise: Swagger 2.0 and OpenAPI 3.1 rewritten to the OpenAPI 3.0 forms the model reads,
//! and the defects with one safe reading (see [`tolerate`]) mended, each with a warning.
//!
//! A Swagger 2.0 document is first converted to 3.0 by [`swagger2`], which
//! remembers where each converted node came from, so that every later
//! diagnostic points into the document the user wrote.
//!
//! `openapiv3` reads 3.0. A 3.1 document differs mostly in JSON Schema
//! spellings, which map to 3.0 ones without losing meaning:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `oneOf`/`anyOf` with a `{type: "null"}` member | the other members, `nullable: true` |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n, exclusiveMinimum: true` |
//! | `examples: [..]` in a schema | `example: ..` (the first) |
//! | `$ref` with sibling keywords | `allOf: [{$ref}]` with the siblings |
//! | no `paths` (webhooks only) | `paths: {}` |
//!
//! The walk is iterative, so a deeply nested document cannot overflow the stack.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;

mod swagger2;
mod tolerate;

/// What normalising found: the warnings (pointing into the user's document),
/// and how to point later stages' diagnostics there too.
#[derive(Debug, Default)]
pub struct Normalised {
    pub warnings: Diagnostics,
    origins: swagger2::Origins,
}

impl Normalised {
    /// `diagnostics` of a later stage, with pointers into the normalised
    /// document, pointing into the user's document instead.
    pub fn to_original(&self, mut diagnostics: Diagnostics) -> Diagnostics {
        for d in &mut diagnostics.0 {
            d.pointer = self.origins.original(&d.pointer);
        }
        diagnostics
    }
}

/// Rewrites `doc` in place into the OpenAPI 3.0 forms the later stages read:
/// Swagger 2.0 converted, 3.1 spellings rewritten, tolerable defects mended
/// with a warning. A 3.0 document without defects passes untouched.
pub fn normalise(file: &str, doc: &mut Value) -> Result<Normalised, Diagnostics> {
    let mut normalised = Normalised::default();
    if doc.get("swagger").and_then(Value::as_str) == Some("2.0") {
        let (warnings, origins) = swagger2::convert(file, doc)?;
        normalised = Normalised { warnings, origins };
    }
    openapi31(doc);
    let mended = tolerate::mend(file, doc);
    let mended = normalised.to_original(mended);
    normalised.warnings.extend(mended);
    Ok(normalised)
}

/// Rewrites `doc` in place when it is an OpenAPI 3.1 document; 3.0 passes untouched.
fn openapi31(doc: &mut Value) {
    let is_31 = doc.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1"));
    if !is_31 {
        return;
    }
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("openapi".into(), Value::String("3.0.3".into()));
        obj.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        obj.remove("webhooks");
        obj.remove("jsonSchemaDialect");
    }
    // (node, whether it is a map of names to objects rather than an object itself)
    let mut stack: Vec<(&mut Value, bool)> = vec![(doc, false)];
    while let Some((node, is_map)) = stack.pop() {
        match node {
            Value::Object(obj) => {
                if is_map {
                    stack.extend(obj.values_mut().map(|v| (v, false)));
                    continue;
                }
                rewrite_schema_forms(obj);
                for (key, value) in obj.iter_mut() {
                    if is_literal(key) {
                        continue;
                    }
                    stack.push((value, NAMED_MAPS.contains(&key.as_str())));
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut().map(|v| (v, false))),
            _ => {}
        }
    }
}

/// Keys whose value maps user-chosen names to objects: a property called
/// `const` or `type` there is a name, not a keyword.
const NAMED_MAPS: &[&str] = &[
    "properties", "patternProperties", "schemas", "definitions", "$defs", "responses", "parameters", "headers",
    "content", "callbacks", "securitySchemes", "paths", "links", "encoding", "variables", "requestBodies",
    "dependentSchemas", "pathItems", "scopes",
];

/// Keys whose value is data, not schema: never rewritten.
fn is_literal(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const" | "value" | "mapping") || key.starts_with("x-")
}

fn rewrite_schema_forms(obj: &mut Map<String, Value>) {
    type_list(obj);
    if obj.get("type").and_then(Value::as_str) == Some("null") {
        obj.remove("type");
        obj.insert("nullable".into(), Value::Bool(true));
    }
    // `oneOf`/`anyOf` with a null member.
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = obj.get_mut(key) {
            let before = members.len();
            members.retain(|m| m.get("type").and_then(Value::as_str) != Some("null"));
            if members.len() < before {
                let remaining = std::mem::take(members);
                obj.insert("nullable".into(), Value::Bool(true));
                if let [single] = remaining.as_slice() {
                    obj.remove(key);
                    obj.insert("allOf".into(), Value::Array(vec![single.clone()]));
                } else {
                    obj.insert(key.into(), Value::Array(remaining));
                }
            }
        }
    }
    if let Some(value) = obj.remove("const") {
        obj.insert("enum".into(), Value::Array(vec![value]));
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(n) = obj.get(exclusive).filter(|v| v.is_number()).cloned() {
            obj.insert(bound.into(), n);
            obj.insert(exclusive.into(), Value::Bool(true));
        }
    }
    // Schema `examples` is an array in 3.1; media-type `examples` is a map in both.
    if let Some(Value::Array(examples)) = obj.get("examples") {
        let first = examples.first().cloned();
        obj.remove("examples");
        if let Some(first) = first {
            obj.entry("example").or_insert(first);
        }
    }
    // `$ref` with siblings: 3.0 ignores the siblings, so wrap the ref.
    if obj.contains_key("$ref") && obj.len() > 1 {
        let keeps_meaning = obj.keys().any(|k| k != "$ref" && k != "description" && k != "summary");
        let reference = obj.remove("$ref").unwrap_or(Value::Null);
        if keeps_meaning || obj.contains_key("description") {
            obj.insert("allOf".into(), Value::Array(vec![Value::Object(Map::from_iter([("$ref".to_owned(), reference)]))]));
        } else {
            obj.insert("$ref".into(), reference);
        }
    }
}

/// `type: [T, "null"]` as `type: T, nullable: true`; several types as a `oneOf` of each.
fn type_list(obj: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = obj.get("type") {
        let non_null: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
        let had_null = non_null.len() < types.len();
        match non_null.as_slice() {
            [one] => {
                obj.insert("type".into(), one.clone());
            }
            [] => {
                obj.remove("type");
            }
            _ => {
                // Several types: a oneOf of each.
                let members = non_null.iter().map(|t| Value::Object(Map::from_iter([("type".to_owned(), t.clone())]))).collect();
                obj.remove("type");
                obj.insert("oneOf".into(), Value::Array(members));
            }
        }
        if had_null {
            obj.insert("nullable".into(), Value::Bool(true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm(schema: Value) -> Value {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"S": schema}}});
        openapi31(&mut doc);
        doc["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn type_arrays_become_nullable() {
        assert_eq!(norm(json!({"type": ["string", "null"]})), json!({"type": "string", "nullable": true}));
        assert_eq!(norm(json!({"type": ["string", "integer"]})), json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
    }

    #[test]
    fn null_members_become_nullable() {
        assert_eq!(
            norm(json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
    }

    #[test]
    fn const_bounds_examples_and_ref_siblings() {
        assert_eq!(norm(json!({"const": "x"})), json!({"enum": ["x"]}));
        assert_eq!(
            norm(json!({"type": "integer", "exclusiveMinimum": 0})),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(norm(json!({"type": "string", "examples": ["a", "b"]})), json!({"type": "string", "example": "a"}));
        assert_eq!(
            norm(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "description": "d"})
        );
    }

    #[test]
    fn documents_without_paths_get_empty_paths() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {}});
        openapi31(&mut doc);
        assert_eq!(doc["paths"], json!({}));
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("webhooks").is_none());
    }

    #[test]
    fn property_names_and_examples_are_not_keywords() {
        let schema = json!({"type": "object", "properties": {"const": {"type": "string"}, "type": {"type": ["integer", "null"]}}, "example": {"type": ["a", "null"]}});
        assert_eq!(
            norm(schema),
            json!({"type": "object", "properties": {"const": {"type": "string"}, "type": {"type": "integer", "nullable": true}}, "example": {"type": ["a", "null"]}})
        );
    }

    #[test]
    fn openapi_30_is_untouched() {
        let mut doc = json!({"openapi": "3.0.3", "components": {"schemas": {"S": {"const": 1}}}});
        let before = doc.clone();
        openapi31(&mut doc);
        assert_eq!(doc, before);
    }
}
