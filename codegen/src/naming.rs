//! Every naming decision of the generator: how a spec's strings become Rust identifiers.
//!
//! Spec strings are arbitrary text (schema titles, property names, enum values), so each
//! function here first splits its input into ASCII words, then applies one case convention
//! and finally repairs whatever would not be a valid, warning-free identifier:
//!
//! * ASCII letters and digits are kept; every other character (punctuation, `_`, spaces,
//!   non-ASCII letters, emoji) separates words. Invisible formatting characters such as
//!   the right-to-left override `U+202E` or a zero-width space are dropped outright, so
//!   `"a\u{202e}b"` reads as `"ab"`, just as it looks.
//! * A digit followed by an uppercase letter starts a new word (`200OK` → `200`, `OK`), the
//!   digit counterpart of heck's lowercase-to-uppercase boundary.
//! * Case conversion is heck's.
//!
//! Distinct inputs may still map to the same name (`foo-bar`, `foo_bar`); [`UniqueNames`]
//! settles such collisions deterministically, in the order names are claimed.

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Every word Rust reserves, in any edition up to 2024: strict, reserved and edition keywords.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Words that are not identifiers and cannot be made raw (`r#self` is an error either).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the emitted code relies on; a schema of that name would shadow them.
const RESERVED_TYPES: &[&str] = &[
    "Self", "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Client",
    "Error",
];

/// Whether `s` is a Rust keyword (strict, reserved, or of any edition up to 2024).
pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// UpperCamelCase type name for a schema name, title or context string.
///
/// `"200Response"` → `"N200Response"`; nothing usable → `"Unnamed"`; names the emitted code
/// needs itself (`Option`, `Error`, `Client`, `Self`, …) get the suffix `Model`.
pub(crate) fn type_name(raw: &str) -> String {
    let name = upper_camel(&words(raw));
    let name = match name.chars().next() {
        None => return "Unnamed".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("N{name}"),
        Some(_) => name,
    };
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Model")
    } else {
        name
    }
}

/// snake_case identifier for a struct field, function parameter or method, as written in
/// source: `"nextCursor"` → `"next_cursor"`, `"1st"` → `"_1st"`, `"type"` → `"r#type"`,
/// `"self"` → `"self_"`; nothing usable → `"field"`.
pub(crate) fn field_name(raw: &str) -> String {
    let name = words(raw).join(" ").to_snake_case();
    match name.chars().next() {
        None => "field".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("_{name}"),
        Some(_) => escape_keyword(name),
    }
}

/// UpperCamelCase enum variant for an enum value: `"RATE_LIMIT_EXCEEDED"` →
/// `"RateLimitExceeded"`, `"1"` → `"V1"`, `"-1"` → `"Minus1"`, `"+1"` → `"Plus1"`,
/// `""` → `"Empty"`, `"Self"` → `"SelfValue"`; a non-empty value with nothing usable → `"Value"`.
pub(crate) fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".to_owned();
    }
    let name = upper_camel(&words(raw));
    let sign = numeric_sign(raw);
    let name = match name.chars().next() {
        None => return "Value".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("{}{name}", sign.unwrap_or("V")),
        Some(_) => name,
    };
    if name == "Self" {
        "SelfValue".to_owned()
    } else {
        name
    }
}

/// UpperCamelCase variant for a value of an integer enum: the name the spec gives it
/// (`x-enum-varnames`, `x-enumNames`), through [`variant_name`], else one made from the
/// value: `1` → `"V1"`, `-1` → `"Minus1"`. A given name with nothing usable in it falls
/// back to the value's.
pub(crate) fn int_variant_name(value: i64, given: Option<&str>) -> String {
    match given {
        Some(given) if !words(given).is_empty() => variant_name(given),
        _ => variant_name(&value.to_string()),
    }
}

/// Hands out names that are unique within one scope (a module, a struct's fields, an enum's
/// variants), resolving collisions by numbering: `foo`, `foo2`, `foo3`, …
///
/// Comparison is case-sensitive, and `r#type` counts as the identifier `type`, as in Rust.
/// Each claim costs O(1) amortised: the next suffix to try is remembered per name.
#[derive(Debug, Clone, Default)]
pub(crate) struct UniqueNames {
    /// Names handed out or reserved, without any `r#` prefix.
    taken: HashSet<String>,
    /// Per wanted name (without `r#`), the next numeric suffix worth trying.
    next_suffix: HashMap<String, u64>,
}

impl UniqueNames {
    /// An empty scope.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A scope in which `names` are already taken, e.g. items the emitted code defines itself.
    pub(crate) fn with_reserved(names: &[&str]) -> Self {
        let mut unique = Self::new();
        unique
            .taken
            .extend(names.iter().map(|name| unraw(name).to_owned()));
        unique
    }

    /// Returns `wanted` if it is still free, else the first free of `wanted2`, `wanted3`, …,
    /// and marks the result as taken. A raw identifier loses its `r#` when numbered
    /// (`r#type` → `type2`), as no keyword ends in a digit.
    ///
    /// `wanted` should come from one of this module's functions so that it is an identifier.
    pub(crate) fn claim(&mut self, wanted: String) -> String {
        let base = unraw(&wanted);
        if !self.taken.contains(base) {
            self.taken.insert(base.to_owned());
            return wanted;
        }
        let next = self.next_suffix.entry(base.to_owned()).or_insert(2);
        loop {
            let candidate = format!("{base}{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// The identifier `name` denotes, without a raw `r#` prefix.
fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Makes a snake_case word usable as an identifier: keywords become raw identifiers, and
/// those that cannot be raw get a trailing underscore.
fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if is_keyword(&name) {
        format!("r#{name}")
    } else {
        name
    }
}

/// `Minus` or `Plus` if `raw` is a signed number such as `-1` or `+2.5`.
fn numeric_sign(raw: &str) -> Option<&'static str> {
    let mut chars = raw.trim().chars();
    let sign = match chars.next() {
        Some('-') => "Minus",
        Some('+') => "Plus",
        _ => return None,
    };
    chars.next().filter(char::is_ascii_digit).map(|_| sign)
}

/// Invisible formatting characters: bidi controls, zero-width characters, soft hyphen, BOM.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
    )
}

/// Splits `raw` into words of ASCII letters and digits (see the module docs for the rules).
fn words(raw: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in raw.chars().filter(|&c| !is_invisible(c)) {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let after_digit = word
            .chars()
            .next_back()
            .is_some_and(|last| last.is_ascii_digit());
        if after_digit && c.is_ascii_uppercase() {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Joins `words` in UpperCamelCase. Where one word ends and the next begins with a digit, an
/// `_` keeps them apart (`v1.2` → `V1_2`, not `V12`); rustc's case lint allows that.
fn upper_camel(words: &[String]) -> String {
    let mut out = String::new();
    for word in words {
        let word = word.to_upper_camel_case();
        let ends_in_digit = out.chars().next_back().is_some_and(|c| c.is_ascii_digit());
        let starts_with_digit = word.chars().next().is_some_and(|c| c.is_ascii_digit());
        if ends_in_digit && starts_with_digit {
            out.push('_');
        }
        out.push_str(&word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that `f(input) == expected`, naming the input on failure.
    fn check(f: fn(&str) -> String, input: &str, expected: &str) {
        assert_eq!(f(input), expected, "input {input:?}");
    }

    /// Whether `s` parses as one identifier (raw identifiers included, keywords excluded).
    fn is_valid_ident(s: &str) -> bool {
        syn::parse_str::<syn::Ident>(s).is_ok()
    }

    /// Whether rustc's `non_camel_case_types` lint accepts `s`.
    fn is_lint_camel(s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        !chars.first().is_some_and(|c| c.is_lowercase())
            && !s.contains("__")
            && !chars.windows(2).any(|w| {
                (w[0].is_alphabetic() && w[1] == '_') || (w[0] == '_' && w[1].is_alphabetic())
            })
    }

    const TYPE_CASES: &[(&str, &str)] = &[
        ("pet", "Pet"),
        ("Pet", "Pet"),
        ("user_profile", "UserProfile"),
        ("createUserRequest", "CreateUserRequest"),
        ("Assistant-Name", "AssistantName"),
        ("HTTPResponse", "HttpResponse"),
        ("list pets 200 response", "ListPets200Response"),
        ("200Response", "N200Response"),
        ("200OK", "N200Ok"),
        ("v1.2", "V1_2"),
        ("a\u{202e}b", "Ab"),
        ("Ünïcode", "NCode"),
        ("café au lait", "CafAuLait"),
        ("__proto__", "Proto"),
        ("r#type", "RType"),
        ("", "Unnamed"),
        ("🎉", "Unnamed"),
        ("*/", "Unnamed"),
        ("Option", "OptionModel"),
        ("result", "ResultModel"),
        ("String", "StringModel"),
        ("vec", "VecModel"),
        ("Box", "BoxModel"),
        ("some", "SomeModel"),
        ("None", "NoneModel"),
        ("ok", "OkModel"),
        ("Err", "ErrModel"),
        ("Self", "SelfModel"),
        ("self", "SelfModel"),
        ("error", "ErrorModel"),
        ("Client", "ClientModel"),
        ("ErrorResponse", "ErrorResponse"),
    ];

    const FIELD_CASES: &[(&str, &str)] = &[
        ("message_id", "message_id"),
        ("nextCursor", "next_cursor"),
        ("Assistant-Name", "assistant_name"),
        ("foo-bar", "foo_bar"),
        ("foo.bar", "foo_bar"),
        ("X-Rate-Limit", "x_rate_limit"),
        ("HTTPStatus", "http_status"),
        ("OAuth2Token", "o_auth2_token"),
        ("__proto__", "proto"),
        ("1st", "_1st"),
        ("2FA", "_2_fa"),
        ("$ref", "r#ref"),
        ("@type", "r#type"),
        ("type", "r#type"),
        ("Type", "r#type"),
        ("async", "r#async"),
        ("await", "r#await"),
        ("dyn", "r#dyn"),
        ("match", "r#match"),
        ("try", "r#try"),
        ("gen", "r#gen"),
        ("yield", "r#yield"),
        ("self", "self_"),
        ("Self", "self_"),
        ("super", "super_"),
        ("crate", "crate_"),
        ("r#type", "r_type"),
        ("_", "field"),
        ("", "field"),
        ("🎉", "field"),
        ("\"#]", "field"),
        ("a\u{202e}b", "ab"),
        ("zero\u{200b}width", "zerowidth"),
        ("naïve", "na_ve"),
        ("union", "union"),
    ];

    const VARIANT_CASES: &[(&str, &str)] = &[
        ("user", "User"),
        ("RATE_LIMIT_EXCEEDED", "RateLimitExceeded"),
        ("commonmark_text", "CommonmarkText"),
        ("in-progress", "InProgress"),
        ("a b", "AB"),
        ("1", "V1"),
        ("200", "V200"),
        ("1.5", "V1_5"),
        ("-1", "Minus1"),
        ("-1.5", "Minus1_5"),
        ("+1", "Plus1"),
        ("-", "Value"),
        ("-abc", "Abc"),
        ("Ünïcode", "NCode"),
        ("", "Empty"),
        ("🎉", "Value"),
        ("Self", "SelfValue"),
        ("self", "SelfValue"),
        ("type", "Type"),
        ("None", "None"),
    ];


    #[test]
    fn type_names() {
        for &(input, expected) in TYPE_CASES {
            check(type_name, input, expected);
        }
    }

    #[test]
    fn field_names() {
        for &(input, expected) in FIELD_CASES {
            check(field_name, input, expected);
        }
    }

    #[test]
    fn variant_names() {
        for &(input, expected) in VARIANT_CASES {
            check(variant_name, input, expected);
        }
    }

    #[test]
    fn int_variant_names() {
        for (value, given, expected) in [
            (1, None, "V1"),
            (0, None, "V0"),
            (-1, None, "Minus1"),
            (i64::MIN, None, "Minus9223372036854775808"),
            (2, Some("HIGH_PRIORITY"), "HighPriority"),
            (3, Some("type"), "Type"),
            (4, Some("Self"), "SelfValue"),
            (5, Some("2xx"), "V2xx"),
            (6, Some("--"), "V6"),
            (7, Some(""), "V7"),
        ] {
            let name = int_variant_name(value, given);
            assert_eq!(name, expected, "{value} {given:?}");
            assert!(is_valid_ident(&name) && is_lint_camel(&name), "{name}");
        }
    }

    #[test]
    fn keywords() {
        for kw in [
            "type", "Self", "self", "async", "gen", "try", "abstract", "crate",
        ] {
            assert!(is_keyword(kw), "{kw}");
        }
        for word in ["types", "union", "Type", "_", "", "r#type"] {
            assert!(!is_keyword(word), "{word}");
        }
    }

    const NASTY: &[&str] = &[
        "",
        "self",
        "Self",
        "crate",
        "super",
        "r#type",
        "__proto__",
        "1st",
        "🎉",
        "*/",
        "\"#]",
        "a\u{202e}b",
        "foo-bar",
        "foo_bar",
        "type",
        "async",
        "_",
        "-1",
    ];

    /// Asserts that every naming function turns `input` into a valid identifier.
    fn assert_all_valid(input: &str) {
        for (what, f) in [
            ("field_name", field_name as fn(&str) -> String),
            ("type_name", type_name),
            ("variant_name", variant_name),
        ] {
            let out = f(input);
            assert!(
                is_valid_ident(&out),
                "{what}({input:?}) = {out:?} is not an identifier"
            );
        }
        for out in [type_name(input), variant_name(input)] {
            assert!(
                is_lint_camel(&out),
                "{out:?} from {input:?} is not UpperCamelCase"
            );
        }
        let field = field_name(input);
        assert!(
            !field.chars().any(|c| c.is_ascii_uppercase()),
            "{field:?} from {input:?}"
        );
    }

    #[test]
    fn nasty_inputs_give_valid_identifiers() {
        for input in NASTY {
            assert_all_valid(input);
        }
    }

    #[test]
    fn every_keyword_and_single_character_gives_valid_identifiers() {
        let singles = (0u8..128)
            .map(char::from)
            .chain(['é', 'ß', '€', '\u{202e}', '🎉']);
        for c in singles {
            for input in [
                c.to_string(),
                format!("a{c}b"),
                format!("{c}1"),
                format!("1{c}"),
            ] {
                assert_all_valid(&input);
            }
        }
        for kw in KEYWORDS.iter().chain(RESERVED_TYPES) {
            assert_all_valid(kw);
            assert_all_valid(&kw.to_uppercase());
        }
    }

    #[test]
    fn unique_names_number_collisions() {
        let mut fields = UniqueNames::new();
        assert_eq!(fields.claim(field_name("foo-bar")), "foo_bar");
        assert_eq!(fields.claim(field_name("foo_bar")), "foo_bar2");
        assert_eq!(fields.claim(field_name("fooBar")), "foo_bar3");
        assert_eq!(fields.claim(field_name("type")), "r#type");
        assert_eq!(fields.claim(field_name("Type")), "type2");
        assert_eq!(fields.claim(field_name("TYPE")), "type3");
        assert_eq!(fields.claim("type2".to_owned()), "type22");
        assert_eq!(fields.claim(field_name("self")), "self_");
        assert_eq!(fields.claim(field_name("Self")), "self_2");

        let mut variants = UniqueNames::new();
        assert_eq!(variants.claim(variant_name("add")), "Add");
        assert_eq!(variants.claim(variant_name("Add")), "Add2");
        assert_eq!(
            variants.claim("add".to_owned()),
            "add",
            "comparison is case-sensitive"
        );
    }

    #[test]
    fn unique_names_skip_taken_and_reserved_names() {
        let mut names = UniqueNames::with_reserved(&["Client", "Client2", "type"]);
        assert_eq!(names.claim("Client".to_owned()), "Client3");
        assert_eq!(names.claim("r#type".to_owned()), "type2");
        assert_eq!(names.claim("Pet".to_owned()), "Pet");

        let mut names = UniqueNames::new();
        assert_eq!(names.claim("a2".to_owned()), "a2");
        assert_eq!(names.claim("a".to_owned()), "a");
        assert_eq!(names.claim("a".to_owned()), "a3");
        assert_eq!(names.claim("a".to_owned()), "a4");
    }

    #[test]
    fn unique_names_are_sequential_for_many_claims() {
        let mut names = UniqueNames::new();
        assert_eq!(names.claim("x".to_owned()), "x");
        for n in 2..=10_000 {
            assert_eq!(names.claim("x".to_owned()), format!("x{n}"));
        }
    }
}
