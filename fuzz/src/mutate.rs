//! Structure-aware mutations of an OpenAPI document held as a JSON value:
//! drop, duplicate, retype and rename nodes; break and retarget `$ref`s; nest
//! deep and wide; inject keywords; splice nodes from another document.

use serde_json::{json, Map, Value};

use crate::values::{self, FORMATS, TYPES};

/// One step from a node to a child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Every node's path, the root's (empty) first; at most `limit` of them.
pub fn all_paths(root: &Value, limit: usize) -> Vec<Vec<Seg>> {
    let mut out = Vec::new();
    let mut stack = vec![(root, Vec::new())];
    while let Some((node, path)) = stack.pop() {
        if out.len() >= limit {
            break;
        }
        match node {
            Value::Object(map) => {
                for (k, v) in map.iter().rev() {
                    let mut p = path.clone();
                    p.push(Seg::Key(k.clone()));
                    stack.push((v, p));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate().rev() {
                    let mut p = path.clone();
                    p.push(Seg::Index(i));
                    stack.push((v, p));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

pub fn get<'a>(root: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(root, |node, seg| match (node, seg) {
        (Value::Object(map), Seg::Key(k)) => map.get(k),
        (Value::Array(items), Seg::Index(i)) => items.get(*i),
        _ => None,
    })
}

pub fn get_mut<'a>(root: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |node, seg| match (node, seg) {
        (Value::Object(map), Seg::Key(k)) => map.get_mut(k),
        (Value::Array(items), Seg::Index(i)) => items.get_mut(*i),
        _ => None,
    })
}

/// The JSON pointer of a path (`/components/schemas/A~1B`).
pub fn pointer(path: &[Seg]) -> String {
    path.iter()
        .map(|seg| match seg {
            Seg::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => format!("/{i}"),
        })
        .collect()
}

fn is_schema_like(value: &Value) -> bool {
    value.as_object().is_some_and(|m| {
        ["type", "properties", "$ref", "allOf", "oneOf", "anyOf", "items", "enum", "additionalProperties", "schema"]
            .iter()
            .any(|k| m.contains_key(*k))
    })
}

/// A random path, drawn from `paths`, preferring ones that `want` accepts.
fn pick<'p>(rng: &mut fastrand::Rng, doc: &Value, paths: &'p [Vec<Seg>], want: impl Fn(&Value, &[Seg]) -> bool) -> Option<&'p [Seg]> {
    for _ in 0..24 {
        let path = &paths[rng.usize(0..paths.len())];
        if get(doc, path).is_some_and(|v| want(v, path)) {
            return Some(path);
        }
    }
    None
}

/// Names of the component schemas (or Swagger 2.0 definitions) a document has.
fn schema_refs(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(m) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        out.extend(m.keys().map(|k| format!("#/components/schemas/{k}")));
    }
    if let Some(m) = doc.get("definitions").and_then(Value::as_object) {
        out.extend(m.keys().map(|k| format!("#/definitions/{k}")));
    }
    out
}

/// A `$ref` that points somewhere odd: nowhere, outside the file, at a
/// non-schema, at itself or an ancestor (a cycle), malformed.
fn broken_ref(rng: &mut fastrand::Rng, doc: &Value, paths: &[Vec<Seg>], own: &[Seg]) -> String {
    let refs = schema_refs(doc);
    match rng.u8(0..14) {
        0 => "#/components/schemas/DoesNotExist".to_owned(),
        1 => "other.yaml#/components/schemas/Pet".to_owned(),
        2 => "https://example.com/spec.json#/Pet".to_owned(),
        3 => "#".to_owned(),
        4 => String::new(),
        5 => "#/components/schemas/".to_owned(),
        6 => "components/schemas/Pet".to_owned(),
        7 => format!("#{}", pointer(own)),
        8 if !own.is_empty() => format!("#{}", pointer(&own[..rng.usize(0..own.len())])),
        9 => format!("#{}", pointer(&paths[rng.usize(0..paths.len())])),
        10 => format!("#/components/schemas/{}", values::hostile_string(rng)),
        11 if !refs.is_empty() => format!("{}/properties/{}", refs[rng.usize(0..refs.len())], values::name(rng)),
        _ if !refs.is_empty() => refs[rng.usize(0..refs.len())].clone(),
        _ => "#/definitions/Missing".to_owned(),
    }
}

/// A small random schema, sometimes referring to the document's own schemas.
pub fn random_schema(rng: &mut fastrand::Rng, doc: &Value, depth: usize) -> Value {
    let refs = schema_refs(doc);
    match rng.u8(0..10) {
        0 if !refs.is_empty() => json!({ "$ref": refs[rng.usize(0..refs.len())] }),
        1 => json!({ "type": rng.choice(TYPES).unwrap_or(&"string"), "format": rng.choice(FORMATS).unwrap_or(&"") }),
        2 => json!({ "type": "string", "enum": (0..rng.usize(0..6)).map(|_| values::any_value(rng, 0)).collect::<Vec<_>>() }),
        3 => json!({ "type": "integer", "enum": (0..rng.usize(0..6)).map(|_| values::edge_number(rng)).collect::<Vec<_>>() }),
        4 if depth > 0 => json!({ "type": "array", "items": random_schema(rng, doc, depth - 1) }),
        5 if depth > 0 => {
            let props: Map<String, Value> = (0..rng.usize(0..5)).map(|_| (values::name(rng), random_schema(rng, doc, depth - 1))).collect();
            let required: Vec<Value> = props.keys().filter(|_| rng.bool()).cloned().map(Value::String).collect();
            json!({ "type": "object", "properties": props, "required": required })
        }
        6 if depth > 0 => {
            let key = *rng.choice(["oneOf", "anyOf", "allOf"].iter()).unwrap_or(&"oneOf");
            json!({ key: (0..rng.usize(0..4)).map(|_| random_schema(rng, doc, depth - 1)).collect::<Vec<_>>() })
        }
        7 if depth > 0 => json!({ "type": "object", "additionalProperties": random_schema(rng, doc, depth - 1) }),
        8 => json!({ "type": [rng.choice(TYPES).unwrap_or(&"string"), "null"] }),
        _ => json!({ "type": "string", "nullable": rng.bool() }),
    }
}

/// A keyword of OpenAPI, with a value that may or may not fit it.
fn keyword(rng: &mut fastrand::Rng, doc: &Value, here: Option<&Map<String, Value>>) -> (String, Value) {
    let props: Vec<String> = here
        .and_then(|m| m.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let prop = |rng: &mut fastrand::Rng| if props.is_empty() || rng.u8(0..4) == 0 { values::name(rng) } else { props[rng.usize(0..props.len())].clone() };
    let refs = schema_refs(doc);
    let (key, value) = match rng.u8(0..30) {
        0 => ("type", if rng.u8(0..4) == 0 { values::any_value(rng, 1) } else { json!(rng.choice(TYPES)) }),
        1 => ("format", json!(rng.choice(FORMATS))),
        2 => ("enum", Value::Array((0..rng.usize(0..8)).map(|_| values::any_value(rng, 1)).collect())),
        3 => ("const", values::any_value(rng, 1)),
        4 => ("nullable", if rng.u8(0..4) == 0 { values::any_value(rng, 0) } else { Value::Bool(rng.bool()) }),
        5 => ("required", if rng.u8(0..5) == 0 { values::any_value(rng, 1) } else { Value::Array((0..rng.usize(0..4)).map(|_| Value::String(prop(rng))).collect()) }),
        6 => ("properties", Value::Object((0..rng.usize(0..4)).map(|_| (prop(rng), random_schema(rng, doc, 2))).collect())),
        7 => ("additionalProperties", if rng.bool() { Value::Bool(rng.bool()) } else { random_schema(rng, doc, 2) }),
        8 => ("items", if rng.u8(0..4) == 0 { values::any_value(rng, 1) } else { random_schema(rng, doc, 2) }),
        9 => ("allOf", Value::Array((0..rng.usize(0..4)).map(|_| random_schema(rng, doc, 2)).collect())),
        10 => ("oneOf", Value::Array((0..rng.usize(0..4)).map(|_| random_schema(rng, doc, 2)).collect())),
        11 => ("anyOf", Value::Array((0..rng.usize(0..4)).map(|_| random_schema(rng, doc, 2)).collect())),
        12 => {
            let mapping: Map<String, Value> = (0..rng.usize(0..3))
                .map(|_| (values::name(rng), Value::String(if refs.is_empty() || rng.u8(0..4) == 0 { values::name(rng) } else { refs[rng.usize(0..refs.len())].clone() })))
                .collect();
            ("discriminator", json!({ "propertyName": prop(rng), "mapping": mapping }))
        }
        13 => ("$ref", Value::String(if refs.is_empty() { "#/components/schemas/X".into() } else { refs[rng.usize(0..refs.len())].clone() })),
        14 => ("default", values::any_value(rng, 2)),
        15 => ("example", values::any_value(rng, 2)),
        16 => (*rng.choice(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"].iter()).unwrap_or(&"minimum"), if rng.u8(0..4) == 0 { Value::Bool(rng.bool()) } else { values::edge_number(rng) }),
        17 => (*rng.choice(["minLength", "maxLength", "minItems", "maxItems", "minProperties"].iter()).unwrap_or(&"minLength"), values::edge_number(rng)),
        18 => (*rng.choice(["readOnly", "writeOnly", "deprecated", "uniqueItems", "explode", "allowReserved"].iter()).unwrap_or(&"readOnly"), values::any_value(rng, 0)),
        19 => (*rng.choice(["x-enum-varnames", "x-enumNames"].iter()).unwrap_or(&"x-enumNames"), Value::Array((0..rng.usize(0..5)).map(|_| Value::String(values::name(rng))).collect())),
        20 => {
            let location = *rng.choice(["path", "query", "header", "cookie", "body", "formData", "nowhere"].iter()).unwrap_or(&"query");
            let param = json!({ "name": values::name(rng), "in": location, "required": rng.bool(), "schema": random_schema(rng, doc, 1) });
            ("parameters", Value::Array(vec![param]))
        }
        21 => {
            let code = *rng.choice(["200", "201", "204", "2XX", "default", "404", "500", "999", "abc", "1XX"].iter()).unwrap_or(&"200");
            let media = *rng.choice(["application/json", "text/plain", "application/problem+json", "*/*", "application/octet-stream"].iter()).unwrap_or(&"application/json");
            ("responses", json!({ code: { "description": "d", "content": { media: { "schema": random_schema(rng, doc, 2) } } } }))
        }
        22 => {
            let media = *rng.choice(["application/json", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain", "application/octet-stream"].iter()).unwrap_or(&"application/json");
            ("requestBody", json!({ "required": rng.bool(), "content": { media: { "schema": random_schema(rng, doc, 2), "encoding": { prop(rng): { "contentType": values::name(rng) } } } } }))
        }
        23 => ("operationId", Value::String(values::hostile_string(rng))),
        24 => ("x-pagination", json!({ "cursor-param": values::name(rng), "next-cursor": format!("/{}", prop(rng)), "items": format!("/{}", prop(rng)), "limit-param": values::name(rng) })),
        25 => ("x-transcript", json!({ "order": *rng.choice(["newest-first", "oldest-first", "sideways"].iter()).unwrap_or(&"newest-first"), "id": format!("/{}", prop(rng)), "role": format!("/{}", prop(rng)), "text": format!("/{}", prop(rng)) })),
        26 => ("securitySchemes", json!({ values::name(rng): { "type": *rng.choice(["http", "apiKey", "oauth2", "openIdConnect", "basic"].iter()).unwrap_or(&"http"), "scheme": values::name(rng), "in": "header", "name": values::hostile_string(rng) } })),
        27 => ("servers", json!([{ "url": values::hostile_string(rng) }])),
        28 => ("not", random_schema(rng, doc, 1)),
        _ => (*rng.choice(["description", "title", "summary", "pattern", "name", "in", "style"].iter()).unwrap_or(&"description"), values::any_value(rng, 1)),
    };
    (key.to_owned(), value)
}

/// A variant of `name` that differs only in case or separators, so that two
/// names collide once turned into Rust identifiers.
fn collision(rng: &mut fastrand::Rng, name: &str) -> String {
    match rng.u8(0..7) {
        0 => name.to_uppercase(),
        1 => name.to_lowercase(),
        2 => format!("{name}_"),
        3 => format!("_{name}"),
        4 => name.replace('_', "-"),
        5 => format!("{name} "),
        _ => format!("{name}2"),
    }
}

/// A wrapper around a schema: one level of nesting.
fn wrap(rng: &mut fastrand::Rng, inner: Value, kind: u8) -> Value {
    match kind {
        0 => json!({ "type": "object", "properties": { "a": inner } }),
        1 => json!({ "allOf": [inner] }),
        2 => json!({ "oneOf": [inner, { "type": "string" }] }),
        3 => json!({ "anyOf": [inner] }),
        4 => json!({ "type": "array", "items": inner }),
        5 => json!({ "type": "object", "additionalProperties": inner }),
        6 => json!({ "type": "object", "required": ["a"], "properties": { "a": inner }, "nullable": rng.bool() }),
        _ => json!([inner]),
    }
}

const DEPTHS: &[usize] = &[2, 5, 20, 60, 100, 120, 126, 127, 128, 129, 200, 1000];
const WIDTHS: &[usize] = &[10, 100, 1000, 3000];

/// Applies one random mutation to `doc`. `donor` is another document to take nodes from.
pub fn mutate(rng: &mut fastrand::Rng, doc: &mut Value, donor: &Value) {
    let paths = all_paths(doc, 200_000);
    let snapshot = doc.clone();
    let choice = rng.u8(0..15);
    match choice {
        // Drop a node.
        0 => {
            if let Some(path) = pick(rng, &snapshot, &paths, |_, p| !p.is_empty()) {
                remove(doc, path);
            }
        }
        // Duplicate a node elsewhere, or beside itself under a colliding name.
        1 => {
            let Some(from) = pick(rng, &snapshot, &paths, |_, p| !p.is_empty()) else { return };
            let node = get(&snapshot, from).cloned().unwrap_or(Value::Null);
            if rng.bool() {
                if let (Some(Seg::Key(k)), Some(Value::Object(parent))) = (from.last(), get_mut(doc, &from[..from.len() - 1])) {
                    parent.insert(collision(rng, k), node);
                }
            } else if let Some(to) = pick(rng, &snapshot, &paths, |v, _| v.is_object() || v.is_array()) {
                insert(rng, doc, to, node);
            }
        }
        // Retype a node, or its `type`.
        2 => {
            let Some(path) = pick(rng, &snapshot, &paths, |_, _| true) else { return };
            let Some(node) = get_mut(doc, path) else { return };
            match node {
                Value::Object(map) if map.contains_key("type") && rng.bool() => {
                    let t = if rng.u8(0..3) == 0 { values::any_value(rng, 1) } else { json!(rng.choice(TYPES)) };
                    map.insert("type".into(), t);
                }
                _ => *node = values::retyped(rng, node),
            }
        }
        // Rename a key: hostile, or colliding with a sibling.
        3 => {
            let Some(path) = pick(rng, &snapshot, &paths, |_, p| matches!(p.last(), Some(Seg::Key(_)))) else { return };
            let Some(Seg::Key(old)) = path.last() else { return };
            let Some(Value::Object(parent)) = get_mut(doc, &path[..path.len() - 1]) else { return };
            let new = match rng.u8(0..3) {
                0 => collision(rng, old),
                _ => values::hostile_string(rng),
            };
            if let Some(value) = parent.remove(old) {
                parent.insert(new, value);
            }
        }
        // Break or retarget a `$ref`, or put a new one where a schema was.
        4 | 5 => {
            let is_ref = |v: &Value, p: &[Seg]| v.is_string() && p.last() == Some(&Seg::Key("$ref".into()));
            if let Some(path) = pick(rng, &snapshot, &paths, is_ref) {
                let new = broken_ref(rng, &snapshot, &paths, &path[..path.len() - 1]);
                if let Some(node) = get_mut(doc, path) {
                    *node = Value::String(new);
                }
            } else if let Some(path) = pick(rng, &snapshot, &paths, |v, _| is_schema_like(v)) {
                let new = broken_ref(rng, &snapshot, &paths, path);
                if let Some(node) = get_mut(doc, path) {
                    *node = json!({ "$ref": new });
                }
            }
        }
        // Nest a schema deep.
        6 => {
            let Some(path) = pick(rng, &snapshot, &paths, |v, _| is_schema_like(v)).or_else(|| pick(rng, &snapshot, &paths, |_, _| true)) else { return };
            let Some(node) = get_mut(doc, path) else { return };
            let depth = *rng.choice(DEPTHS).unwrap_or(&10);
            let same = rng.bool();
            let first = rng.u8(0..8);
            let mut value = node.take();
            for _ in 0..depth {
                let kind = if same { first } else { rng.u8(0..8) };
                value = wrap(rng, value, kind);
            }
            *node = value;
        }
        // Go wide: many properties, enum values, members, paths or schemas.
        7 => {
            let n = *rng.choice(WIDTHS).unwrap_or(&10);
            let Some(path) = pick(rng, &snapshot, &paths, |v, _| v.is_object() || v.is_array()) else { return };
            let Some(node) = get_mut(doc, path) else { return };
            let sample = match node {
                Value::Object(m) => m.values().next().cloned(),
                Value::Array(a) => a.first().cloned(),
                _ => None,
            }
            .unwrap_or_else(|| json!({ "type": "string" }));
            match node {
                Value::Object(map) => {
                    for i in 0..n {
                        map.insert(format!("w{i}"), if rng.bool() { sample.clone() } else { random_schema(rng, &snapshot, 1) });
                    }
                }
                Value::Array(items) => items.extend((0..n).map(|i| if rng.bool() { sample.clone() } else { json!(format!("v{i}")) })),
                _ => {}
            }
        }
        // A long chain of schemas through `$ref`s (depth the text's nesting limit does not bound).
        8 => {
            let n = *rng.choice(&[10, 500, 5000]).unwrap_or(&10);
            let form = rng.u8(0..5);
            let Some(root) = doc.as_object_mut() else { return };
            let components = root.entry("components").or_insert_with(|| json!({}));
            if !components.is_object() {
                *components = json!({});
            }
            let schemas = components.as_object_mut().map(|c| c.entry("schemas").or_insert_with(|| json!({})));
            let Some(schemas) = schemas else { return };
            if !schemas.is_object() {
                *schemas = json!({});
            }
            let Some(schemas) = schemas.as_object_mut() else { return };
            for i in 0..n {
                let next = json!({ "$ref": format!("#/components/schemas/Chain{}", if i + 1 == n && form == 4 { 0 } else { i + 1 }) });
                let schema = match form {
                    0 => next,
                    1 => json!({ "allOf": [next, { "type": "object", "properties": { format!("p{i}"): { "type": "string" } } }] }),
                    2 => json!({ "type": "object", "properties": { "next": next } }),
                    3 => json!({ "oneOf": [next, { "type": "integer" }] }),
                    _ => json!({ "type": "object", "required": ["next"], "properties": { "next": next } }),
                };
                schemas.insert(format!("Chain{i}"), schema);
            }
            if form != 4 {
                schemas.insert(format!("Chain{n}"), json!({ "type": "string" }));
            }
            // Reach the chain from an operation, so it is not only a component.
            if let Some(path) = pick(rng, &snapshot, &paths, |v, p| is_schema_like(v) && p.first() == Some(&Seg::Key("paths".into()))) {
                if let Some(node) = get_mut(doc, path) {
                    *node = json!({ "$ref": "#/components/schemas/Chain0" });
                }
            }
        }
        // Inject a keyword into an object.
        9 | 10 => {
            let Some(path) = pick(rng, &snapshot, &paths, |v, _| is_schema_like(v)).or_else(|| pick(rng, &snapshot, &paths, |v, _| v.is_object())) else { return };
            let here = get(&snapshot, path).and_then(Value::as_object);
            let (key, value) = keyword(rng, &snapshot, here);
            if let Some(Value::Object(map)) = get_mut(doc, path) {
                map.insert(key, value);
            }
        }
        // Splice a node from the donor document.
        11 => {
            let donor_paths = all_paths(donor, 50_000);
            let Some(from) = pick(rng, donor, &donor_paths, |v, p| !p.is_empty() && (v.is_object() || p.len() % 3 == 0)) else { return };
            let node = get(donor, from).cloned().unwrap_or(Value::Null);
            if let Some(to) = pick(rng, &snapshot, &paths, |_, p| !p.is_empty()) {
                if rng.bool() {
                    if let Some(slot) = get_mut(doc, to) {
                        *slot = node;
                    }
                } else if let Some(parent) = pick(rng, &snapshot, &paths, |v, _| v.is_object() || v.is_array()) {
                    insert(rng, doc, parent, node);
                }
            }
        }
        // Edge numbers and hostile strings in place of leaves.
        12 => {
            let Some(path) = pick(rng, &snapshot, &paths, |v, _| v.is_number() || v.is_string() || v.is_boolean()) else { return };
            if let Some(node) = get_mut(doc, path) {
                *node = if node.is_number() || rng.u8(0..4) == 0 { values::edge_number(rng) } else { Value::String(values::hostile_string(rng)) };
            }
        }
        // A random schema in place of one.
        13 => {
            let Some(path) = pick(rng, &snapshot, &paths, |v, _| is_schema_like(v)) else { return };
            let schema = random_schema(rng, &snapshot, 3);
            if let Some(node) = get_mut(doc, path) {
                *node = schema;
            }
        }
        // The version: 2.0, 3.0, 3.1, or something else.
        _ => {
            let Some(root) = doc.as_object_mut() else { return };
            let version = *rng.choice(["3.0.0", "3.0.3", "3.1.0", "3.1.1", "2.0", "3.2.0", "4.0.0", "3", ""].iter()).unwrap_or(&"3.0.3");
            if version == "2.0" {
                root.shift_remove("openapi");
                root.insert("swagger".into(), json!("2.0"));
            } else {
                root.shift_remove("swagger");
                root.insert("openapi".into(), if rng.u8(0..6) == 0 { values::any_value(rng, 0) } else { json!(version) });
            }
        }
    }
}

fn remove(doc: &mut Value, path: &[Seg]) {
    let Some((last, parent)) = path.split_last() else { return };
    match (get_mut(doc, parent), last) {
        (Some(Value::Object(map)), Seg::Key(k)) => {
            map.shift_remove(k);
        }
        (Some(Value::Array(items)), Seg::Index(i)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

fn insert(rng: &mut fastrand::Rng, doc: &mut Value, at: &[Seg], node: Value) {
    match get_mut(doc, at) {
        Some(Value::Object(map)) => {
            let key = match map.keys().nth(rng.usize(0..map.len().max(1))) {
                Some(k) if rng.bool() => collision(rng, k),
                _ => values::name(rng),
            };
            map.insert(key, node);
        }
        Some(Value::Array(items)) => {
            let i = rng.usize(0..=items.len());
            items.insert(i, node);
        }
        _ => {}
    }
}

/// A small document cut from a big one: its top level, a few paths, and the
/// components they reach through `$ref`s (transitively), so the cut still resolves.
pub fn slice(rng: &mut fastrand::Rng, doc: &Value) -> Value {
    let Some(top) = doc.as_object() else { return doc.clone() };
    let mut out = Map::new();
    for (k, v) in top {
        if !matches!(k.as_str(), "paths" | "components" | "definitions" | "webhooks" | "parameters" | "responses") {
            out.insert(k.clone(), v.clone());
        }
    }
    let mut paths = Map::new();
    if let Some(all) = top.get("paths").and_then(Value::as_object) {
        if !all.is_empty() {
            for _ in 0..rng.usize(1..4) {
                if let Some((k, v)) = all.iter().nth(rng.usize(0..all.len())) {
                    paths.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let mut out = Value::Object(out);
    if let Value::Object(map) = &mut out {
        map.insert("paths".into(), Value::Object(paths));
    }
    // Copy what the copied part refers to, until nothing new is referred to.
    let mut queue = refs_in(&out);
    let mut copied = std::collections::HashSet::new();
    while let Some(reference) = queue.pop() {
        let Some(pointer) = reference.strip_prefix('#') else { continue };
        let segments: Vec<&str> = pointer.split('/').skip(1).collect();
        let keep = if segments.first() == Some(&"components") { 3 } else { 2 };
        if segments.len() < keep {
            continue;
        }
        let prefix = format!("/{}", segments[..keep].join("/"));
        if !copied.insert(prefix.clone()) || copied.len() > 400 {
            continue;
        }
        let Some(node) = doc.pointer(&prefix) else { continue };
        queue.extend(refs_in(node));
        let mut slot = &mut out;
        for (i, seg) in segments[..keep].iter().enumerate() {
            let key = seg.replace("~1", "/").replace("~0", "~");
            let Value::Object(map) = slot else { break };
            let fill = if i + 1 == keep { node.clone() } else { json!({}) };
            slot = map.entry(key).or_insert(fill);
        }
    }
    out
}

fn refs_in(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}
