//! Turning parameter values into what goes on the wire, safely.

use std::fmt;
use std::ops::{Bound, RangeBounds};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::InvalidRequest;

/// Everything but RFC 3986's unreserved characters is escaped, so a value
/// stays one path segment whatever it holds (`/`, `?`, `#`, `%`, spaces, UTF-8).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a path parameter as exactly one path segment.
///
/// Refuses the values no encoding keeps in place: the empty string (it would
/// merge two segments) and `.`/`..` (URL parsers resolve them, escaped or not).
pub fn path_segment(parameter: &str, value: &str) -> Result<String, InvalidRequest> {
    match value {
        "" => Err(InvalidRequest::new(parameter, "must not be empty")),
        "." | ".." => Err(InvalidRequest::new(parameter, "must not be `.` or `..`, which would change the path")),
        _ => Ok(utf8_percent_encode(value, SEGMENT).to_string()),
    }
}

/// Checks a numeric parameter against the bounds the spec gives it.
pub fn check_range<T: PartialOrd + fmt::Display + Copy>(
    parameter: &str,
    value: T,
    lower: Bound<T>,
    upper: Bound<T>,
) -> Result<(), InvalidRequest> {
    // NaN compares with nothing, itself included, and is in no range.
    let is_number = value.partial_cmp(&value).is_some();
    if is_number && (lower, upper).contains(&value) {
        return Ok(());
    }
    if let (Bound::Included(lo), Bound::Included(hi)) = (lower, upper) {
        return Err(InvalidRequest::new(parameter, format!("must be between {lo} and {hi}, got {value}")));
    }
    let lower = match lower {
        Bound::Included(lo) => Some(format!("at least {lo}")),
        Bound::Excluded(lo) => Some(format!("greater than {lo}")),
        Bound::Unbounded => None,
    };
    let upper = match upper {
        Bound::Included(hi) => Some(format!("at most {hi}")),
        Bound::Excluded(hi) => Some(format!("less than {hi}")),
        Bound::Unbounded => None,
    };
    let range = match (lower, upper) {
        (Some(lo), Some(hi)) => format!("{lo} and {hi}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "a number".to_owned(),
    };
    Err(InvalidRequest::new(parameter, format!("must be {range}, got {value}")))
}

/// Deserialises a string enum through `from_wire`, borrowing where the input allows.
///
/// Generated open enums use it so that a value the server adds tomorrow lands
/// in their catch-all variant instead of failing the whole response.
pub fn deserialize_str_enum<'de, D, T>(deserializer: D, from_wire: fn(&str) -> T) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visitor<T>(fn(&str) -> T);
    impl<T> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }
    }
    deserializer.deserialize_str(Visitor(from_wire))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_change_the_path() {
        let enc = |v| path_segment("id", v).unwrap();
        assert_eq!(enc("conv_01ARZ"), "conv_01ARZ");
        assert_eq!(enc("../admin"), "..%2Fadmin");
        assert_eq!(enc("a/b?c=d#e"), "a%2Fb%3Fc%3Dd%23e");
        assert_eq!(enc("100%"), "100%25");
        assert_eq!(enc("ünï çødé"), "%C3%BCn%C3%AF%20%C3%A7%C3%B8d%C3%A9");
        assert!(path_segment("id", "..").is_err());
        assert!(path_segment("id", ".").is_err());
        assert!(path_segment("id", "").is_err());
    }

    #[test]
    fn ranges_name_the_parameter_and_bounds() {
        use Bound::{Excluded, Included, Unbounded};
        assert!(check_range("limit", 1, Included(1), Included(100)).is_ok());
        assert!(check_range("limit", 100, Included(1), Included(100)).is_ok());
        let e = check_range("limit", 101, Included(1), Included(100)).unwrap_err();
        assert_eq!(e.to_string(), "parameter `limit` must be between 1 and 100, got 101");
        let e = check_range("limit", 0i64, Included(1), Unbounded).unwrap_err();
        assert_eq!(e.to_string(), "parameter `limit` must be at least 1, got 0");
        assert!(check_range("x", 2.5f64, Unbounded, Included(2.0)).is_err());
        let e = check_range("ratio", 0.0f64, Excluded(0.0), Excluded(1.0)).unwrap_err();
        assert_eq!(e.to_string(), "parameter `ratio` must be greater than 0 and less than 1, got 0");
        assert!(check_range("ratio", 0.5f64, Excluded(0.0), Excluded(1.0)).is_ok());
        assert!(check_range("ratio", f64::NAN, Unbounded, Unbounded).is_err());
    }

    #[derive(Debug, PartialEq)]
    enum Role {
        User,
        Unknown(String),
    }

    #[test]
    fn open_enums_keep_unknown_values() {
        let from = |s: &str| if s == "user" { Role::User } else { Role::Unknown(s.to_owned()) };
        let mut de = serde_json::Deserializer::from_str(r#""user""#);
        assert_eq!(deserialize_str_enum(&mut de, from).unwrap(), Role::User);
        let mut de = serde_json::Deserializer::from_str(r#""robot\n""#);
        assert_eq!(deserialize_str_enum(&mut de, from).unwrap(), Role::Unknown("robot\n".into()));
        let mut de = serde_json::Deserializer::from_str("3");
        assert!(deserialize_str_enum(&mut de, from).is_err());
    }
}

/// Pushes a query parameter; a sequence is exploded into one pair per item
/// (`ids=1&ids=2`), the OpenAPI default for query arrays.
pub fn push_query<T: serde::Serialize + ?Sized>(pairs: &mut Vec<(&'static str, String)>, name: &'static str, value: &T) {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => pairs.extend(items.into_iter().map(|item| (name, text_of(item)))),
        Ok(other) => pairs.push((name, text_of(other))),
        Err(_) => {}
    }
}

/// Pushes an unexploded query array (`explode: false`): one pair, items joined
/// by literal commas when the URL is built.
pub fn push_query_list<T: serde::Serialize + ?Sized>(lists: &mut Vec<(&'static str, Vec<String>)>, name: &'static str, value: &T) {
    let items = match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items.into_iter().map(text_of).collect(),
        Ok(other) => vec![text_of(other)],
        Err(_) => return,
    };
    lists.push((name, items));
}

/// Everything but unreserved characters escaped, `,` included: a query name,
/// or one item of an unexploded array.
const QUERY_COMPONENT: &AsciiSet = SEGMENT;

/// Escapes a query name or list item.
pub(crate) fn query_component(text: &str) -> String {
    utf8_percent_encode(text, QUERY_COMPONENT).to_string()
}

/// The text of a parameter value as it goes in a path, query or header:
/// strings as they are, enums as their wire value, timestamps in RFC 3339,
/// numbers and booleans as JSON writes them, arrays comma-separated.
pub fn to_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_value(value).map(text_of).unwrap_or_default()
}

fn text_of(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(items) => items.into_iter().map(text_of).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Serialises one variant of an externally tagged `oneOf`: `{"key": value}`.
pub fn serialize_tagged<S, T>(serializer: S, key: &'static str, value: &T) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: serde::Serialize + ?Sized,
{
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry(key, value)?;
    map.end()
}

/// The key of an externally tagged `oneOf`: its index among the known keys,
/// or the key itself when it is new. Known keys are matched without allocating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Known(usize),
    Unknown(String),
}

/// Reads a map key as a [`Key`] among `self.0`.
pub struct KeySeed(pub &'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        struct Visitor(&'static [&'static str]);
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a variant key")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match self.0.iter().position(|k| *k == v) {
                    Some(i) => Key::Known(i),
                    None => Key::Unknown(v.to_owned()),
                })
            }
        }
        deserializer.deserialize_str(Visitor(self.0))
    }
}

/// An externally tagged `oneOf` as generated code describes it to [`deserialize_tagged`]: its
/// keys, how to decode the value under each, and its catch-all. The decoding logic lives in the
/// runtime, once; each generated type only says what differs.
pub trait ExternallyTagged: Sized {
    /// What the input should have been, for the error when it is not an object (`` a `Content` object ``).
    const EXPECTING: &'static str;
    /// The variants' keys, in variant order.
    const KEYS: &'static [&'static str];
    /// Decodes the value under `KEYS[index]` (the next value of `map`) as that variant.
    fn known<'de, A: serde::de::MapAccess<'de>>(index: usize, map: &mut A) -> Result<Self, A::Error>;
    /// The catch-all: an object none of whose keys is known, kept whole.
    fn unknown(object: serde_json::Value) -> Self;
}

/// Deserialises an externally tagged `oneOf`: the first known key decides, wherever it stands,
/// and its value is decoded straight into its variant (no `serde_json::Value` in between);
/// an object with no known key is kept whole as the catch-all.
///
/// The common object, `{"known_key": value}`, costs one key lookup and the variant's own
/// decode: the keys after it are skipped without being decoded or allocated. Only an object
/// that starts with a key this client does not know is collected into a map, which it needs
/// if no known key follows.
pub fn deserialize_tagged<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: ExternallyTagged,
{
    struct Visitor<T>(std::marker::PhantomData<T>);
    impl<'de, T: ExternallyTagged> serde::de::Visitor<'de> for Visitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            match map.next_key_seed(KeySeed(T::KEYS))? {
                Some(Key::Known(index)) => known_then_skip(index, &mut map),
                Some(Key::Unknown(key)) => unknown_first(key, map),
                None => Ok(T::unknown(serde_json::Value::Object(serde_json::Map::new()))),
            }
        }
    }
    deserializer.deserialize_map(Visitor(std::marker::PhantomData))
}

/// Decodes the variant under `KEYS[index]`, then skips what follows it (read, not kept: a
/// deserialiser checks that a map was read to its end).
#[inline(always)]
fn known_then_skip<'de, A: serde::de::MapAccess<'de>, T: ExternallyTagged>(index: usize, map: &mut A) -> Result<T, A::Error> {
    let value = T::known(index, map)?;
    while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
        map.next_value::<serde::de::IgnoredAny>()?;
    }
    Ok(value)
}

/// The rest of an object whose first key, `first`, is unknown: a known key further on still
/// decides; if none comes, the whole object is the catch-all.
#[cold]
#[inline(never)]
fn unknown_first<'de, A: serde::de::MapAccess<'de>, T: ExternallyTagged>(first: String, mut map: A) -> Result<T, A::Error> {
    let mut object = serde_json::Map::new();
    object.insert(first, map.next_value()?);
    while let Some(key) = map.next_key_seed(KeySeed(T::KEYS))? {
        match key {
            Key::Known(index) => return known_then_skip(index, &mut map),
            Key::Unknown(key) => {
                object.insert(key, map.next_value()?);
            }
        }
    }
    Ok(T::unknown(serde_json::Value::Object(object)))
}

#[cfg(test)]
mod value_tests {
    use super::*;
    use serde::de::DeserializeSeed;

    #[test]
    fn query_values_are_wire_text_and_arrays_explode() {
        let mut q = Vec::new();
        push_query(&mut q, "limit", &20);
        push_query(&mut q, "ids", &["a", "b"]);
        push_query(&mut q, "flag", &true);
        push_query(&mut q, "q", "x y");
        assert_eq!(q, [("limit", "20".into()), ("ids", "a".into()), ("ids", "b".into()), ("flag", "true".into()), ("q", "x y".into())]);
        assert_eq!(to_text(&1.5), "1.5");
        assert_eq!(to_text(&["a", "b"]), "a,b");
    }

    #[test]
    fn keys_match_without_allocating_and_keep_new_ones() {
        let keys = &["plain_text", "markdown_text"];
        let mut de = serde_json::Deserializer::from_str(r#""markdown_text""#);
        assert_eq!(KeySeed(keys).deserialize(&mut de).unwrap(), Key::Known(1));
        let mut de = serde_json::Deserializer::from_str(r#""html""#);
        assert_eq!(KeySeed(keys).deserialize(&mut de).unwrap(), Key::Unknown("html".into()));
    }

    /// A `oneOf` written the way the generator emits one.
    #[derive(Debug, PartialEq)]
    enum Content {
        Text(String),
        Count(i64),
        Unknown(serde_json::Value),
    }

    impl ExternallyTagged for Content {
        const EXPECTING: &'static str = "a `Content` object";
        const KEYS: &'static [&'static str] = &["text", "count"];
        fn known<'de, A: serde::de::MapAccess<'de>>(index: usize, map: &mut A) -> Result<Self, A::Error> {
            match index {
                0 => map.next_value().map(Self::Text),
                _ => map.next_value().map(Self::Count),
            }
        }
        fn unknown(object: serde_json::Value) -> Self {
            Self::Unknown(object)
        }
    }

    impl<'de> serde::Deserialize<'de> for Content {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_tagged(deserializer)
        }
    }

    /// Decodes `json` from its text (serde_json's streaming deserialiser) and from a `Value`,
    /// which must agree.
    fn tagged(json: &str) -> Result<Content, String> {
        let streamed = serde_json::from_str::<Content>(json).map_err(|e| e.to_string());
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let from_value = serde_json::from_value::<Content>(value).map_err(|e| e.to_string());
        assert_eq!(streamed.is_ok(), from_value.is_ok(), "{json}: {streamed:?} / {from_value:?}");
        if let (Ok(a), Ok(b)) = (&streamed, &from_value) {
            assert_eq!(a, b, "{json}");
        }
        streamed
    }

    #[test]
    fn a_known_first_key_decides_and_what_follows_is_skipped() {
        assert_eq!(tagged(r#"{"text": "hi"}"#), Ok(Content::Text("hi".into())));
        assert_eq!(tagged(r#"{"count": 3}"#), Ok(Content::Count(3)));
        // Keys after the variant, a second known one among them, are read past, not decoded.
        // (The first key of a `Value`'s object is the first in key order, so it is first here too.)
        assert_eq!(tagged(r#"{"count": 3, "trace": {"a": [1, null]}, "text": 7}"#), Ok(Content::Count(3)));
        // The input after the object is where it should be.
        let list: Vec<Content> = serde_json::from_str(r#"[{"text": "a", "x": 1}, {"count": 2}, {"y": [{}]}]"#).unwrap();
        assert_eq!(list, [Content::Text("a".into()), Content::Count(2), Content::Unknown(serde_json::json!({"y": [{}]}))]);
    }

    #[test]
    fn unknown_keys_before_a_known_one_do_not_hide_it() {
        assert_eq!(tagged(r#"{"trace": 1, "count": 3, "more": true}"#), Ok(Content::Count(3)));
        assert_eq!(tagged(r#"{"a": 1, "b": [2], "text": "hi"}"#), Ok(Content::Text("hi".into())));
    }

    #[test]
    fn an_object_without_a_known_key_is_kept_whole() {
        let json = serde_json::json!({"poll": {"question": "?"}, "version": 2});
        assert_eq!(tagged(&json.to_string()), Ok(Content::Unknown(json)));
        assert_eq!(tagged("{}"), Ok(Content::Unknown(serde_json::json!({}))));
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let e = tagged(r#""text""#).unwrap_err();
        assert!(e.contains("expected a `Content` object"), "{e}");
        let e = tagged(r#"{"count": "three"}"#).unwrap_err();
        assert!(e.contains("invalid type: string \"three\", expected i64"), "{e}");
        // Skipped keys are still read, so JSON that is broken after the variant fails.
        assert!(serde_json::from_str::<Content>(r#"{"text": "hi", "x": }"#).is_err());
        assert!(serde_json::from_str::<Content>(r#"{"text": "hi", "x": 1"#).is_err());
    }

    #[test]
    fn tagged_variants_serialise_as_one_key_maps() {
        let mut out = Vec::new();
        serialize_tagged(&mut serde_json::Serializer::new(&mut out), "plain_text", &serde_json::json!({"text": "hi"})).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"plain_text":{"text":"hi"}}"#);
    }
}

/// Encodes a JSON request body.
pub fn json_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<crate::Body, InvalidRequest> {
    serde_json::to_vec(value)
        .map(crate::Body::Json)
        .map_err(|e| InvalidRequest::new("body", format!("cannot be encoded as JSON: {e}")))
}

/// Encodes an `application/x-www-form-urlencoded` request body.
pub fn form_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<crate::Body, InvalidRequest> {
    serde_urlencoded::to_string(value)
        .map(crate::Body::Form)
        .map_err(|e| InvalidRequest::new("body", format!("cannot be encoded as a form: {e}")))
}

#[cfg(test)]
mod body_tests {
    use super::*;

    #[test]
    fn bodies_encode_or_say_why_not() {
        let json = json_body(&serde_json::json!({"a": 1})).unwrap();
        assert!(matches!(json, crate::Body::Json(ref b) if b == br#"{"a":1}"#));
        let form = form_body(&[("to", "+1 555"), ("body", "hi&bye")]).unwrap();
        assert!(matches!(form, crate::Body::Form(ref f) if f == "to=%2B1+555&body=hi%26bye"));
        let nested = form_body(&serde_json::json!({"a": {"b": 1}})).unwrap_err();
        assert!(nested.to_string().contains("form"), "{nested}");
    }
}

/// Serde adapter for optional-and-nullable fields, `Option<Option<T>>`:
/// absent is `None` (with `#[serde(default)]`), `null` is `Some(None)`, a
/// value is `Some(Some(v))`; each serialises back the way it came.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }

    #[cfg(test)]
    mod tests {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Meta {
            #[serde(default, skip_serializing_if = "Option::is_none", with = "super")]
            next: Option<Option<String>>,
        }

        #[test]
        fn absent_null_and_value_each_round_trip() {
            for (json, value) in [("{}", None), (r#"{"next":null}"#, Some(None)), (r#"{"next":"c"}"#, Some(Some("c".to_owned())))] {
                let decoded: Meta = serde_json::from_str(json).unwrap();
                assert_eq!(decoded, Meta { next: value });
                assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
            }
        }
    }
}

pub use crate::multipart::multipart_body;
pub use crate::structs::{deserialize_struct, optional_field, present_field, required, required_field, DecodeStruct};

/// The JSON of an `anyOf` value from its members' JSON, in spec order: objects
/// merged (a key keeps the first member's value), else the first part; `null`
/// when there is none.
pub fn merge_any_of(parts: Vec<serde_json::Value>) -> serde_json::Value {
    if parts.len() > 1 && parts.iter().all(serde_json::Value::is_object) {
        let mut merged = serde_json::Map::new();
        for part in parts {
            let serde_json::Value::Object(fields) = part else { continue };
            for (key, value) in fields {
                merged.entry(key).or_insert(value);
            }
        }
        return serde_json::Value::Object(merged);
    }
    parts.into_iter().next().unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod any_of_tests {
    use serde_json::json;

    #[test]
    fn objects_merge_with_the_first_members_value_winning_and_the_rest_is_the_first() {
        let merged = super::merge_any_of(vec![json!({"a": 1, "b": 2}), json!({"b": 3, "c": 4})]);
        assert_eq!(merged, json!({"a": 1, "b": 2, "c": 4}));
        assert_eq!(super::merge_any_of(vec![json!(1), json!(1.0)]), json!(1));
        assert_eq!(super::merge_any_of(vec![json!({"a": 1})]), json!({"a": 1}));
        assert_eq!(super::merge_any_of(Vec::new()), json!(null));
    }
}
