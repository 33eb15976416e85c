//! Random JSON values, hostile strings and numbers, and byte-level mutations.

use serde_json::{Map, Number, Value};

/// Names and strings written to break what they end up in: Rust keywords and
/// prelude names, case and separator collisions, empty and odd Unicode,
/// path-template syntax, quotes and comment markers, very long text.
pub const HOSTILE_STRINGS: &[&str] = &[
    "", " ", "_", "__", "-", "0", "1abc", "123", "type", "self", "Self", "super", "crate", "r#type", "fn", "mod", "impl",
    "async", "await", "dyn", "union", "try", "gen", "Some", "None", "Ok", "Err", "Option", "Result", "String", "Vec",
    "Box", "Unknown", "Unknown2", "Client", "Error", "Value", "serde", "std", "core", "client_runtime", "default",
    "a b", "a-b", "a_b", "aB", "AB", "a.b", "a/b", "a~1b", "a~0b", "%20", "é", "ß", "İ", "🦀", "\u{202e}abc",
    "\u{200b}", "\u{0}", "\t", "\n", "\r\n", "\"", "\\", "*/", "/*", "//", "#[cfg(any())]", "\"); panic!(\"",
    "{", "}", "{id}", "{id}{id}", "/a/{", "/{ }", "/{a}/{a}", "/../", "//", "?x=1", "#frag", "{{", "${x}",
    "<script>", "[link]", "`code`", "```rust\npanic!()\n```", "application/json", "multipart/form-data", "*/*",
    "2XX", "default", "999", "-1", "00", "1e3", "NaN", "true", "null", "~", "---", "- a", ": b", "&anchor", "*alias",
    "!!binary", "0x10", "https://example.com/", "http://[::1]:0/", "file:///etc/passwd", "#/components/schemas/",
];

/// OpenAPI `type` values, right and wrong.
pub const TYPES: &[&str] = &["string", "integer", "number", "boolean", "array", "object", "null", "file", "any", "String", ""];

/// `format` values, right and wrong.
pub const FORMATS: &[&str] = &[
    "date-time", "date", "time", "uuid", "binary", "byte", "int32", "int64", "uint64", "float", "double", "uri", "email",
    "password", "decimal", "duration", "ipv4", "",
];

pub fn hostile_string(rng: &mut fastrand::Rng) -> String {
    match rng.u8(0..20) {
        0 => "a".repeat(rng.usize(100..5000)),
        1 => (0..rng.usize(1..12)).map(|_| rng.char(..)).collect(),
        2 => format!("{}{}", rng.choice(HOSTILE_STRINGS).unwrap_or(&"x"), rng.choice(HOSTILE_STRINGS).unwrap_or(&"y")),
        _ => (*rng.choice(HOSTILE_STRINGS).unwrap_or(&"x")).to_owned(),
    }
}

/// A short identifier-like string.
pub fn name(rng: &mut fastrand::Rng) -> String {
    match rng.u8(0..4) {
        0 => hostile_string(rng),
        _ => (0..rng.usize(1..10)).map(|_| rng.alphanumeric()).collect(),
    }
}

/// Numbers at the edges of what 64-bit integers and doubles hold.
pub fn edge_number(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(0..16) {
        0 => Value::from(u64::MAX),
        1 => Value::from(i64::MIN),
        2 => Value::from(i64::MAX),
        3 => Value::from(0),
        4 => Value::from(-1),
        5 => Number::from_f64(1e308).map_or(Value::Null, Value::Number),
        6 => Number::from_f64(-0.0).map_or(Value::Null, Value::Number),
        7 => Number::from_f64(0.5).map_or(Value::Null, Value::Number),
        8 => Value::from(9_007_199_254_740_993_u64),
        9 => Value::from(u64::from(u32::MAX) + 1),
        10 => Value::from(i64::from(i32::MIN) - 1),
        11 => Number::from_f64(f64::MIN_POSITIVE).map_or(Value::Null, Value::Number),
        12 => Number::from_f64(1e20).map_or(Value::Null, Value::Number),
        _ => Value::from(rng.i64(-1000..1000)),
    }
}

/// An arbitrary JSON value, at most `depth` levels deep.
pub fn any_value(rng: &mut fastrand::Rng, depth: usize) -> Value {
    let kinds = if depth == 0 { 5 } else { 7 };
    match rng.u8(0..kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => edge_number(rng),
        3 | 4 => Value::String(if rng.bool() { name(rng) } else { hostile_string(rng) }),
        5 => Value::Array((0..rng.usize(0..5)).map(|_| any_value(rng, depth - 1)).collect()),
        _ => Value::Object((0..rng.usize(0..5)).map(|_| (name(rng), any_value(rng, depth - 1))).collect::<Map<_, _>>()),
    }
}

/// A value of a different JSON kind than `old`.
pub fn retyped(rng: &mut fastrand::Rng, old: &Value) -> Value {
    for _ in 0..8 {
        let new = any_value(rng, 2);
        if std::mem::discriminant(&new) != std::mem::discriminant(old) {
            return new;
        }
    }
    Value::Null
}

/// Tokens spliced into text by [`mutate_bytes`]: JSON and YAML syntax.
const TOKENS: &[&str] = &[
    "{", "}", "[", "]", ":", ",", "\"", "'", "- ", ": ", "\n", "\n  ", "  ", "#", "&a ", "*a", "!!str ", "? ", "|", ">",
    "---\n", "...\n", "\\u0000", "\\ud800", "null", "true", "1e999", "-0", "$ref", "\u{feff}", "\t", "%YAML 1.2\n",
];

/// Byte-level mutations: flips, deletions, duplications, token insertions,
/// truncation. Returns at least one changed byte most of the time.
pub fn mutate_bytes(rng: &mut fastrand::Rng, input: &mut Vec<u8>) {
    for _ in 0..rng.usize(1..6) {
        let len = input.len();
        match rng.u8(0..8) {
            0 if len > 0 => {
                let i = rng.usize(0..len);
                input[i] ^= 1 << rng.u8(0..8);
            }
            1 if len > 0 => {
                let i = rng.usize(0..len);
                input[i] = rng.u8(..);
            }
            2 if len > 0 => {
                let start = rng.usize(0..len);
                let end = (start + rng.usize(1..64)).min(len);
                input.drain(start..end);
            }
            3 if len > 0 => {
                let start = rng.usize(0..len);
                let end = (start + rng.usize(1..256)).min(len);
                let copy = input[start..end].to_vec();
                let at = rng.usize(0..=len);
                input.splice(at..at, copy);
            }
            4 if len > 0 => input.truncate(rng.usize(0..len)),
            _ => {
                let at = rng.usize(0..=len);
                let token = rng.choice(TOKENS).unwrap_or(&"{").as_bytes().to_vec();
                input.splice(at..at, token);
            }
        }
    }
}

/// Random bytes, sometimes text-like.
pub fn random_bytes(rng: &mut fastrand::Rng, max: usize) -> Vec<u8> {
    let len = rng.usize(0..max.max(1));
    if rng.bool() {
        (0..len).map(|_| rng.u8(..)).collect()
    } else {
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            if rng.u8(0..4) == 0 {
                out.extend_from_slice(rng.choice(TOKENS).unwrap_or(&"{").as_bytes());
            } else {
                out.push(rng.u8(0x20..0x7f));
            }
        }
        out
    }
}
