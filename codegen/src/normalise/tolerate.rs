//! Defects with one safe, obvious reading, mended with a warning each.
//!
//! | defect | reading |
//! |---|---|
//! | `description`, `summary`, `title` or `termsOfService` not a string | ignored (documentation only) |
//! | an integer schema's `minimum`/`maximum` outside 64 bits | dropped: no 64-bit value can break it |
//! | an integer schema's `multipleOf` or `enum` member that is no 64-bit integer | dropped from validation |
//! | a length or count bound (`maxLength`, `minItems`, ...) that is negative or not an integer | dropped from validation |
//! | `type: [T, "null"]` (a list) in Swagger 2.0 or OpenAPI 3.0 | as OpenAPI 3.1 means it: `type: T, nullable: true` |
//!
//! A fractional bound of an integer schema (`minimum: 0.5`) is valid JSON
//! Schema, and becomes the integer bound it means (`1`), without a warning.
//! Other wrongly typed documentation fields are dropped, with a warning, by the
//! typed parse ([`crate::load::to_openapi`]), which knows each field's type.

use serde_json::{Map, Value};

use super::{is_literal, type_list, NAMED_MAPS};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Fields that are text shown to a reader, and nothing else.
const TEXT_FIELDS: &[&str] = &["description", "summary", "title", "termsOfService"];

/// Bounds that are counts (`usize` in the typed model).
const COUNT_FIELDS: &[&str] = &["maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties"];

/// Mends `doc` in place; the warnings point into `doc`.
pub(super) fn mend(file: &str, doc: &mut Value) -> Diagnostics {
    let mut warnings = Diagnostics::default();
    // (node, its pointer, whether it is a map of names to objects rather than an object itself)
    let mut stack: Vec<(&mut Value, String, bool)> = vec![(&mut *doc, String::new(), false)];
    while let Some((node, pointer, is_map)) = stack.pop() {
        match node {
            Value::Object(obj) => {
                if !is_map {
                    mend_object(file, obj, &pointer, &mut warnings);
                }
                for (key, value) in obj.iter_mut() {
                    if !is_map && is_literal(key) {
                        continue;
                    }
                    let child_is_map = !is_map && NAMED_MAPS.contains(&key.as_str());
                    stack.push((value, format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")), child_is_map));
                }
            }
            Value::Array(items) => {
                stack.extend(items.iter_mut().enumerate().map(|(i, v)| (v, format!("{pointer}/{i}"), false)));
            }
            _ => {}
        }
    }
    warnings.in_document_order(doc)
}

fn mend_object(file: &str, obj: &mut Map<String, Value>, pointer: &str, warnings: &mut Diagnostics) {
    let mut warn = |key: &str, message: String, help: &str| {
        warnings.push(Diagnostic::warning(file, format!("{pointer}/{key}"), message, help));
    };
    for key in TEXT_FIELDS {
        if let Some(value) = obj.get(*key).filter(|v| !v.is_string()) {
            let kind = kind(value);
            obj.shift_remove(*key);
            warn(key, format!("`{key}` is {kind}, not a string; it only documents, so it is ignored"), "make it a string, or remove it");
        }
    }
    if let Some(types) = obj.get("type").filter(|t| t.is_array()) {
        let message = format!("`type: {types}` is a list, which only OpenAPI 3.1 allows; it is read as 3.1 reads it (one type, `null` as `nullable: true`)");
        type_list(obj);
        warn("type", message, "write one type, with `nullable: true` for null (or declare `openapi: 3.1.0`)");
    }
    for key in COUNT_FIELDS {
        if let Some(value) = obj.get(*key).filter(|v| v.is_number() && v.as_u64().is_none()) {
            let message = format!("`{key}: {value}` is not a count (a non-negative integer); it is dropped from validation");
            obj.shift_remove(*key);
            warn(key, message, "write a non-negative integer, or remove the bound");
        }
    }
    if obj.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for (key, is_min) in [("minimum", true), ("maximum", false)] {
        let Some(v) = obj.get(key).filter(|v| v.is_f64()).and_then(Value::as_f64) else { continue };
        let exclusive = obj.get(if is_min { "exclusiveMinimum" } else { "exclusiveMaximum" }) == Some(&Value::Bool(true));
        let whole = if is_min { v.ceil() } else { v.floor() };
        // The integer bound a fractional one means; an exclusive bound stays exclusive of a whole value only.
        let whole = if exclusive && whole != v { if is_min { whole - 1.0 } else { whole + 1.0 } } else { whole };
        if whole.is_finite() && whole >= i64::MIN as f64 && whole < i64::MAX as f64 {
            obj.insert(key.into(), Value::from(whole as i64));
        } else {
            let message = format!("`{key}: {}` does not fit in 64 bits; no 64-bit integer can break it, so it is dropped from validation", obj[key]);
            obj.shift_remove(key);
            warn(key, message, "remove the bound, or write one within the 64-bit range (-9223372036854775808 to 9223372036854775807)");
        }
    }
    if let Some(value) = obj.get("multipleOf").filter(|v| v.is_number() && v.as_i64().is_none()) {
        let message = format!("`multipleOf: {value}` is no 64-bit integer, so an integer schema cannot check it; it is dropped from validation");
        obj.shift_remove("multipleOf");
        warn("multipleOf", message, "write a positive integer, or remove `multipleOf`");
    }
    if let Some(Value::Array(members)) = obj.get_mut("enum") {
        let before = members.len();
        members.retain(|m| !m.is_number() || m.as_i64().is_some());
        if members.len() < before {
            warn(
                "enum",
                format!("{} `enum` values of this integer schema are no 64-bit integers; no value the client handles can be one, so they are dropped", before - members.len()),
                "remove them, or make the schema `type: number`",
            );
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mended(schema: Value) -> (Value, Vec<String>) {
        let mut doc = json!({"openapi": "3.0.3", "components": {"schemas": {"S": schema}}});
        let warnings = mend("t.yaml", &mut doc);
        (doc["components"]["schemas"]["S"].clone(), warnings.0.into_iter().map(|d| d.pointer).collect())
    }

    #[test]
    fn integer_bounds_outside_64_bits_are_dropped_with_a_warning() {
        let (s, w) = mended(json!({"type": "integer", "minimum": -9.3e18, "maximum": 1e20}));
        assert_eq!(s, json!({"type": "integer"}));
        assert_eq!(w, ["/components/schemas/S/minimum", "/components/schemas/S/maximum"]);
    }

    #[test]
    fn fractional_integer_bounds_become_the_integers_they_mean() {
        let (s, w) = mended(json!({"type": "integer", "minimum": 0.5, "maximum": 9.5}));
        assert_eq!(s, json!({"type": "integer", "minimum": 1, "maximum": 9}));
        assert!(w.is_empty());
        let (s, _) = mended(json!({"type": "integer", "minimum": 0.5, "exclusiveMinimum": true}));
        assert_eq!(s["minimum"], 0, "x > 0.5 is x > 0 for integers");
        // Number schemas keep their bounds as they are.
        let (s, w) = mended(json!({"type": "number", "minimum": -1e30}));
        assert_eq!(s, json!({"type": "number", "minimum": -1e30}));
        assert!(w.is_empty());
    }

    #[test]
    fn wrongly_typed_text_fields_are_ignored_and_property_names_are_not_fields() {
        let (s, w) = mended(json!({"type": "object", "description": {"en": "x"}, "properties": {"description": {"type": "string"}}}));
        assert_eq!(s, json!({"type": "object", "properties": {"description": {"type": "string"}}}));
        assert_eq!(w, ["/components/schemas/S/description"]);
        let (s, w) = mended(json!({"type": "string", "example": {"description": 1}}));
        assert_eq!(s["example"], json!({"description": 1}), "examples are data");
        assert!(w.is_empty());
    }

    #[test]
    fn a_type_list_outside_3_1_is_read_as_3_1_reads_it() {
        let (s, w) = mended(json!({"type": ["string", "null"]}));
        assert_eq!(s, json!({"type": "string", "nullable": true}));
        assert_eq!(w, ["/components/schemas/S/type"]);
    }

    #[test]
    fn integer_enum_members_and_counts_that_no_64_bit_value_can_be_are_dropped() {
        let (s, w) = mended(json!({"type": "integer", "enum": [1, 1e25], "maxLength": -1}));
        assert_eq!(s, json!({"type": "integer", "enum": [1]}));
        assert_eq!(w.len(), 2);
    }
}
