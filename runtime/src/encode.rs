//! Turning parameter values into what goes on the wire, safely.

use std::fmt;

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

/// Checks an integer parameter against the bounds the spec gives it.
pub fn check_range<T: PartialOrd + fmt::Display + Copy>(
    parameter: &str,
    value: T,
    min: Option<T>,
    max: Option<T>,
) -> Result<(), InvalidRequest> {
    let below = min.is_some_and(|m| value < m);
    let above = max.is_some_and(|m| value > m);
    if !(below || above) {
        return Ok(());
    }
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => String::new(),
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
        assert!(check_range("limit", 1, Some(1), Some(100)).is_ok());
        assert!(check_range("limit", 100, Some(1), Some(100)).is_ok());
        let e = check_range("limit", 101, Some(1), Some(100)).unwrap_err();
        assert_eq!(e.to_string(), "parameter `limit` must be between 1 and 100, got 101");
        let e = check_range("limit", 0i64, Some(1), None).unwrap_err();
        assert_eq!(e.to_string(), "parameter `limit` must be at least 1, got 0");
        assert!(check_range("x", 2.5f64, None, Some(2.0)).is_err());
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
