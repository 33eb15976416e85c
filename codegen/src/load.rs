//! Load: the spec's text to a JSON value, then to `openapiv3`'s document.
//!
//! YAML and JSON are both read into one `serde_json::Value`, so the later
//! stages (normalise, and the typed parse) see one representation. Errors name
//! the file, the line where the parser gives one, and the JSON pointer.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// How deeply flow collections (`[`, `{`) may nest: the parsers' own limit.
const MAX_FLOW_DEPTH: usize = 128;

/// Parses YAML or JSON text into a JSON value.
pub fn parse_text(file: &str, text: &str) -> Result<Value, Diagnostics> {
    if let Some(line) = too_deep(text) {
        return Err(Diagnostics::single(
            Diagnostic::new(
                file,
                "",
                format!("the document nests more than {MAX_FLOW_DEPTH} levels deep"),
                "no real API needs this; move inner schemas to `components/schemas` and refer to them with `$ref`",
            )
            .with_line(Some(line)),
        ));
    }
    let looks_like_json = text.trim_start().starts_with('{');
    let result = if looks_like_json {
        serde_json::from_str::<Value>(text).map_err(|e| (e.to_string(), Some(e.line())))
    } else {
        serde_yaml::from_str::<Wide>(text).map(|w| w.0).map_err(|e| (e.to_string(), e.location().map(|l| l.line())))
    };
    result.map_err(|(message, line)| {
        let kind = if looks_like_json { "JSON" } else { "YAML" };
        let help = match line {
            Some(_) => "fix the syntax at the line shown",
            None => "fix the document's syntax (YAML anchors and aliases may not expand it past a safe size)",
        };
        Diagnostics::single(Diagnostic::new(file, "", format!("the document is not valid {kind}: {message}"), help).with_line(line))
    })
}

/// A JSON value read from YAML, where an integer outside 64 bits (which YAML
/// hands over as an `i128`/`u128`, and `serde_json::Value` refuses) becomes
/// the nearest `f64`, as JSON's own parser reads such a number. Later stages
/// decide what a bound that no 64-bit type can hold means (normalise drops it
/// with a warning); the load itself never fails on a number's size.
struct Wide(Value);

impl<'de> serde::Deserialize<'de> for Wide {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WideVisitor).map(Wide)
    }
}

struct WideVisitor;

impl<'de> serde::de::Visitor<'de> for WideVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| float(v as f64), Value::from))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        <Wide as serde::Deserialize>::deserialize(d).map(|w| w.0)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Wide(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        // A key is read as text, as written (`200:` is "200"), as serde_json's own visitor does.
        while let Some((key, Wide(value))) = map.next_entry::<String, Wide>()? {
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// `v` as a JSON number; infinities and NaN (`.inf`, `.nan`), which JSON cannot hold, as null.
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// The line where `[`/`{` nesting first passes the limit, if it does.
///
/// A cheap scan before parsing: serde_yaml takes time quadratic in the depth
/// of flow collections before it reports its own recursion limit. Quoted
/// strings and comments are skipped; block-style nesting costs the text its
/// indentation, so it cannot get deep without getting large.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1usize);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    let mut previous = '\n';
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            comment = false;
        }
        match quote {
            _ if comment => {}
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' if previous.is_whitespace() => comment = true,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(line);
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = c;
    }
    None
}

/// Checks which OpenAPI version the document is, before anything reads it.
pub fn check_version(file: &str, doc: &Value) -> Result<(), Diagnostics> {
    let fail = |pointer: &str, message: String, help: &str| Err(Diagnostics::single(Diagnostic::new(file, pointer, message, help)));
    if !doc.is_object() {
        return fail("", "the document is not an object".into(), "an OpenAPI document is a mapping with `openapi`, `info` and `paths`");
    }
    if let Some(swagger) = doc.get("swagger") {
        return match swagger.as_str() {
            // Converted to the 3.0 model by normalise.
            Some("2.0") => Ok(()),
            other => fail(
                "/swagger",
                format!("Swagger version {} is not supported", other.map_or_else(|| swagger.to_string(), str::to_owned)),
                "use a Swagger 2.0 (`swagger: \"2.0\"`) or an OpenAPI 3.0.x or 3.1.x document",
            ),
        };
    }
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(v) => fail("/openapi", format!("OpenAPI version {v} is not supported"), "use an OpenAPI 3.0.x or 3.1.x document"),
        None => fail("/openapi", "the document has no `openapi` version field".into(), "add `openapi: 3.0.3` (or 3.1.0) at the top"),
    }
}

/// Fields that only document: when one has the wrong type (an object where a
/// string belongs, say), the client is the same without it.
const DOC_FIELDS: &[&str] = &[
    "description", "summary", "title", "termsOfService", "externalDocs", "contact", "license", "example", "examples", "tags",
];

/// How many wrong documentation fields one document may have dropped before
/// the typed parse gives up (each drop costs a parse).
const MAX_DROPPED_DOC_FIELDS: usize = 100;

/// Reads the (normalised) value as an OpenAPI 3.0 document.
///
/// A documentation field the typed parse refuses (see [`DOC_FIELDS`]) is
/// removed from `doc` with a warning, and the parse is tried again; any other
/// misfit is an error with the JSON pointer of the node.
pub fn to_openapi(file: &str, doc: &mut Value) -> Result<(OpenAPI, Diagnostics), Diagnostics> {
    let mut warnings = Diagnostics::default();
    loop {
        let refused = match refused_schema(doc) {
            Some(refused) => Err(refused),
            // The schemas are known to parse, so the whole parse is on its fast path; the
            // path of a misfit elsewhere is tracked only once there is one.
            None => <OpenAPI as serde::Deserialize>::deserialize(&*doc).or_else(|_| {
                serde_path_to_error::deserialize::<_, OpenAPI>(&*doc).map_err(|e| (error_pointer(&e), e.inner().to_string()))
            }),
        };
        let (pointer, message) = match refused {
            Ok(spec) => return Ok((spec, warnings)),
            Err(refused) => refused,
        };
        let doc_field = pointer.rsplit('/').next().filter(|t| DOC_FIELDS.contains(t)).is_some()
            || pointer.rsplit('/').nth(1) == Some("tags");
        if doc_field && warnings.len() < MAX_DROPPED_DOC_FIELDS && remove_pointer(doc, &pointer) {
            warnings.push(Diagnostic::warning(
                file,
                pointer.as_str(),
                format!("this documentation field has the wrong type ({message}); it is ignored"),
                "give it the type the OpenAPI specification says (most are strings), or remove it",
            ));
            continue;
        }
        warnings.push(Diagnostic::new(
            file,
            pointer,
            format!("this is not what OpenAPI allows here: {message}"),
            "compare the node with the OpenAPI 3.0 specification of that object",
        ));
        return Err(warnings);
    }
}

/// The first schema the typed parse would refuse, with the pointer of the
/// misfit and the parser's message; found without parsing the document whole.
///
/// `openapiv3` reads a schema through untagged enums and flattened fields, so
/// when a schema nested `n` deep is wrong, the whole-document parse takes time
/// exponential in `n` to fail (each level retries its inner parse), and the
/// pointer it reports stops at the outermost untagged enum. Here each schema
/// is parsed alone, its sub-schemas replaced by `{}` (which always parses):
/// linear time, and the pointer of the schema that is wrong. A schema this
/// accepts is one the whole parse accepts, so when none is refused the whole
/// parse runs, on its fast (successful) path for every schema.
fn refused_schema(doc: &Value) -> Option<(String, String)> {
    let mut stack: Vec<(String, &Value)> = schema_roots(doc);
    stack.reverse();
    while let Some((pointer, schema)) = stack.pop() {
        let Value::Object(map) = schema else {
            // Not an object: the parse of the shallow copy below would say so; say it here.
            if let Err(e) = serde_path_to_error::deserialize::<_, openapiv3::ReferenceOr<openapiv3::Schema>>(schema) {
                return Some((format!("{pointer}{}", error_pointer(&e)), e.inner().to_string()));
            }
            continue;
        };
        // A `$ref` beside other keys is a reference: the typed parse reads no sub-schema of it.
        if is_reference(schema) {
            continue;
        }
        let mut shallow = serde_json::Map::new();
        let mut children = Vec::new();
        for (key, value) in map {
            let escaped = escape(key);
            let replaced = match (key.as_str(), value) {
                ("properties", Value::Object(props)) => {
                    let mut placeholders = serde_json::Map::new();
                    for (name, sub) in props {
                        if sub.is_object() {
                            children.push((format!("{pointer}/properties/{}", escape(name)), sub));
                            placeholders.insert(name.clone(), Value::Object(serde_json::Map::new()));
                        } else {
                            placeholders.insert(name.clone(), sub.clone());
                        }
                    }
                    Value::Object(placeholders)
                }
                ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => Value::Array(
                    members
                        .iter()
                        .enumerate()
                        .map(|(i, sub)| {
                            if sub.is_object() {
                                children.push((format!("{pointer}/{escaped}/{i}"), sub));
                                Value::Object(serde_json::Map::new())
                            } else {
                                sub.clone()
                            }
                        })
                        .collect(),
                ),
                ("additionalProperties" | "items" | "not", Value::Object(_)) => {
                    children.push((format!("{pointer}/{escaped}"), value));
                    Value::Object(serde_json::Map::new())
                }
                _ => value.clone(),
            };
            shallow.insert(key.clone(), replaced);
        }
        // Parsed plainly first: the path of a misfit is tracked only once there is one.
        let shallow = Value::Object(shallow);
        if <openapiv3::ReferenceOr<openapiv3::Schema> as serde::Deserialize>::deserialize(&shallow).is_err() {
            if let Err(e) = serde_path_to_error::deserialize::<_, openapiv3::ReferenceOr<openapiv3::Schema>>(&shallow) {
                return Some((format!("{pointer}{}", error_pointer(&e)), e.inner().to_string()));
            }
        }
        children.reverse();
        stack.extend(children);
    }
    None
}

/// A `{"$ref": "…"}` object, which the typed parse reads as a reference and nothing more.
fn is_reference(node: &Value) -> bool {
    node.get("$ref").is_some_and(Value::is_string)
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every place of an OpenAPI 3.0 document where the typed parse reads a schema
/// (components, parameters, headers, bodies, responses, callbacks), in document order.
fn schema_roots(doc: &Value) -> Vec<(String, &Value)> {
    let mut roots = Vec::new();
    fn object(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
        v.and_then(Value::as_object).into_iter().flat_map(|m| m.iter())
    }
    // Something with a `schema` or a `content` map of media types (a parameter, a header, a body, a response).
    fn with_content<'a>(roots: &mut Vec<(String, &'a Value)>, base: &str, node: &'a Value) {
        if is_reference(node) {
            return;
        }
        if let Some(schema) = node.get("schema") {
            roots.push((format!("{base}/schema"), schema));
        }
        if let Some(Value::Object(content)) = node.get("content") {
            for (media, media_type) in content {
                let at = format!("{base}/content/{}", escape(media));
                if let Some(schema) = media_type.get("schema") {
                    roots.push((format!("{at}/schema"), schema));
                }
                if let Some(Value::Object(encodings)) = media_type.get("encoding") {
                    for (name, encoding) in encodings {
                        if let Some(Value::Object(headers)) = encoding.get("headers") {
                            for (header, value) in headers {
                                with_content(roots, &format!("{at}/encoding/{}/headers/{}", escape(name), escape(header)), value);
                            }
                        }
                    }
                }
            }
        }
        if let Some(Value::Object(headers)) = node.get("headers") {
            for (header, value) in headers {
                with_content(roots, &format!("{base}/headers/{}", escape(header)), value);
            }
        }
    }
    for (name, schema) in object(doc.pointer("/components/schemas")) {
        roots.push((format!("/components/schemas/{}", escape(name)), schema));
    }
    for kind in ["parameters", "headers", "requestBodies", "responses"] {
        for (name, node) in object(doc.pointer(&format!("/components/{kind}"))) {
            with_content(&mut roots, &format!("/components/{kind}/{}", escape(name)), node);
        }
    }
    // Path items (and the path items of callbacks, which hold operations too).
    let mut items: Vec<(String, &Value)> = object(doc.get("paths")).filter(|(path, _)| !path.starts_with("x-")).map(|(path, item)| (format!("/paths/{}", escape(path)), item)).collect();
    for (name, callback) in object(doc.pointer("/components/callbacks")) {
        items.extend(object(Some(callback)).map(|(expr, item)| (format!("/components/callbacks/{}/{}", escape(name), escape(expr)), item)));
    }
    let mut i = 0;
    while i < items.len() {
        let (base, item) = items[i].clone();
        i += 1;
        let Some(item) = item.as_object().filter(|_| !is_reference(item)) else { continue };
        for (key, value) in item {
            let at = format!("{base}/{}", escape(key));
            if key == "parameters" {
                for (n, parameter) in value.as_array().into_iter().flatten().enumerate() {
                    with_content(&mut roots, &format!("{at}/{n}"), parameter);
                }
                continue;
            }
            if !["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&key.as_str()) {
                continue;
            }
            for (n, parameter) in value.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
                with_content(&mut roots, &format!("{at}/parameters/{n}"), parameter);
            }
            if let Some(body) = value.get("requestBody") {
                with_content(&mut roots, &format!("{at}/requestBody"), body);
            }
            for (status, response) in object(value.get("responses")).filter(|(status, _)| !status.starts_with("x-")) {
                with_content(&mut roots, &format!("{at}/responses/{}", escape(status)), response);
            }
            for (name, callback) in object(value.get("callbacks")) {
                items.extend(object(Some(callback)).map(|(expr, item)| (format!("{at}/callbacks/{}/{}", escape(name), escape(expr)), item)));
            }
        }
    }
    roots
}

/// The JSON pointer of the node a typed parse failed at.
fn error_pointer(e: &serde_path_to_error::Error<serde_json::Error>) -> String {
    e.path()
        .iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Map { key } => Some(key.replace('~', "~0").replace('/', "~1")),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
        })
        .map(|t| format!("/{t}"))
        .collect()
}

/// Removes the node at `pointer` from `doc`; whether there was one.
fn remove_pointer(doc: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return false };
    let last = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&last).is_some(),
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let start = std::time::Instant::now();
        let err = parse_text("deep.yaml", &deep).unwrap_err();
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        assert!(err.to_string().contains("more than 128 levels"), "{err}");
        // Brackets in strings and comments do not count.
        let quoted = format!("a: \"{}\"\nb: '{}' # {}\n", "[".repeat(300), "{".repeat(300), "[".repeat(300));
        assert!(parse_text("q.yaml", &quoted).is_ok());
        assert_eq!(too_deep(&format!("x: 1\ny: {}", "[".repeat(129))), Some(2));
    }
}
