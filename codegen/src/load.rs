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
        serde_yaml::from_str::<Value>(text).map_err(|e| (e.to_string(), e.location().map(|l| l.line())))
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
        return fail(
            "/swagger",
            format!("this is a Swagger {} document; only OpenAPI 3.0 and 3.1 are read", swagger.as_str().unwrap_or("2.x")),
            "convert it to OpenAPI 3 first (e.g. with swagger2openapi or the Swagger Editor's converter)",
        );
    }
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(v) => fail("/openapi", format!("OpenAPI version {v} is not supported"), "use an OpenAPI 3.0.x or 3.1.x document"),
        None => fail("/openapi", "the document has no `openapi` version field".into(), "add `openapi: 3.0.3` (or 3.1.0) at the top"),
    }
}

/// Reads the (normalised) value as an OpenAPI 3.0 document.
pub fn to_openapi(file: &str, doc: &Value) -> Result<OpenAPI, Diagnostics> {
    serde_path_to_error::deserialize::<_, OpenAPI>(doc).map_err(|e| {
        let pointer: String = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.replace('~', "~0").replace('/', "~1")),
                serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
            })
            .map(|t| format!("/{t}"))
            .collect();
        Diagnostics::single(Diagnostic::new(
            file,
            pointer,
            format!("this is not what OpenAPI allows here: {}", e.inner()),
            "compare the node with the OpenAPI 3.0 specification of that object",
        ))
    })
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
