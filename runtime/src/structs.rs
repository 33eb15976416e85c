//! Decoding a generated struct from a JSON object, and the field writers its
//! written-out `Serialize` calls: written once here instead of expanded by
//! serde's derives into every struct of every crate.
//!
//! serde's derive emits, per struct, a field-name enum with its own visitor, a
//! visitor with both a map and a sequence path, and a duplicate and missing
//! check per field: about 300 lines per struct, which rustc type-checks and
//! borrow-checks on every clean build of a generated crate. A generated struct
//! instead says only what differs ([`DecodeStruct`]): its fields' wire names,
//! how to decode the value of each, and how to assemble itself. The loop over
//! the keys, the duplicate and missing checks and the skipping of unknown keys
//! are [`deserialize_struct`]'s.
//!
//! What a user sees is serde's: the same error texts (`missing field`,
//! `duplicate field`, `invalid type: ..., expected struct X`), unknown keys
//! ignored, `null` for an `Option` field decoded as `None`. One difference: a
//! derived struct also decodes from an array of its fields in order, which no
//! JSON API sends; these decode from an object only. Encoding writes what the
//! derive writes: the fields in order, an absent optional field skipped, and
//! `serialize_struct` told the number of fields actually written.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess};
use serde::ser::{Serialize, SerializeStruct};

/// A struct as generated code describes it to [`deserialize_struct`].
pub trait DecodeStruct: Sized {
    /// The struct's name, as serde's errors give it (`expected struct NAME`).
    const NAME: &'static str;
    /// The fields' wire names, in field order.
    const FIELDS: &'static [&'static str];
    /// The fields decoded so far: one slot per field, empty until its key comes.
    type Partial;
    /// Every slot empty.
    const EMPTY: Self::Partial;
    /// Decodes the next value of `map`, the value under `FIELDS[index]`, into its slot.
    fn field<'de, A: MapAccess<'de>>(partial: &mut Self::Partial, index: usize, map: &mut A) -> Result<(), A::Error>;
    /// The struct from its slots, or [`required`]'s error for a required field that never came.
    fn finish<E: de::Error>(partial: Self::Partial) -> Result<Self, E>;
}

/// Deserialises a [`DecodeStruct`] from a map: each known key's value is decoded
/// straight into its field, an unknown key's value is skipped without being
/// kept, a key seen twice is an error, as is a required field never seen.
pub fn deserialize_struct<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: de::Deserializer<'de>,
    T: DecodeStruct,
{
    deserializer.deserialize_struct(T::NAME, T::FIELDS, Visitor::<T>(PhantomData))
}

struct Visitor<T>(PhantomData<T>);

impl<'de, T: DecodeStruct> de::Visitor<'de> for Visitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut partial = T::EMPTY;
        let mut seen = Seen::new(T::FIELDS.len());
        while let Some(key) = map.next_key_seed(FieldSeed(T::FIELDS))? {
            match key {
                Some(index) => {
                    if !seen.insert(index) {
                        return Err(de::Error::duplicate_field(T::FIELDS[index]));
                    }
                    T::field(&mut partial, index, &mut map)?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        T::finish(partial)
    }
}

/// The value of a required field's slot, or serde's `missing field` error naming
/// its wire name.
#[inline]
pub fn required<T, E: de::Error>(slot: Option<T>, wire: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => Err(E::missing_field(wire)),
    }
}

/// Writes a required field of a struct being serialised (a free function so that
/// the generated call fits one line).
#[inline]
pub fn required_field<S: SerializeStruct, T: Serialize>(state: &mut S, wire: &'static str, value: &T) -> Result<(), S::Error> {
    state.serialize_field(wire, value)
}

/// Writes an optional field of a struct being serialised when it is there, and
/// skips it when it is `None`, as serde's derive does with
/// `skip_serializing_if = "Option::is_none"`.
#[inline]
pub fn optional_field<S: SerializeStruct, T: Serialize>(state: &mut S, wire: &'static str, value: &Option<T>) -> Result<(), S::Error> {
    if value.is_some() {
        state.serialize_field(wire, value)
    } else {
        state.skip_field(wire)
    }
}

/// Writes an optional-and-nullable field (`Option<Option<T>>`): skipped when
/// absent (`None`), `null` when present as `null` (`Some(None)`).
#[inline]
pub fn present_field<S: SerializeStruct, T: Serialize>(state: &mut S, wire: &'static str, value: &Option<Option<T>>) -> Result<(), S::Error> {
    match value {
        Some(inner) => state.serialize_field(wire, inner),
        None => state.skip_field(wire),
    }
}

/// The fields seen so far: a bit each, on the stack for up to 128 fields.
enum Seen {
    Small(u128),
    Large(Vec<bool>),
}

impl Seen {
    #[inline]
    fn new(fields: usize) -> Self {
        if fields <= 128 {
            Seen::Small(0)
        } else {
            Seen::Large(vec![false; fields])
        }
    }

    /// Marks `index` seen; false if it already was.
    #[inline]
    fn insert(&mut self, index: usize) -> bool {
        match self {
            Seen::Small(bits) => {
                let bit = 1u128 << index;
                let new = *bits & bit == 0;
                *bits |= bit;
                new
            }
            Seen::Large(seen) => !std::mem::replace(&mut seen[index], true),
        }
    }
}

/// Reads a map key as the index of the field it names, `None` for a key no field
/// has; neither allocates.
struct FieldSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl de::Visitor<'_> for FieldSeed {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|k| *k == v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|k| k.as_bytes() == v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct written the way the generator emits one: a required field, an
    /// optional one, a required-but-nullable one and an optional-and-nullable one
    /// (absent and `null` kept apart).
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Derived {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        count: Option<i64>,
        note: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::encode::double_option")]
        next: Option<Option<String>>,
        #[serde(rename = "type")]
        kind: Vec<u8>,
    }

    #[derive(Debug, PartialEq)]
    struct Generated {
        id: String,
        count: Option<i64>,
        note: Option<String>,
        next: Option<Option<String>>,
        kind: Vec<u8>,
    }

    impl DecodeStruct for Generated {
        const NAME: &'static str = "Derived";
        const FIELDS: &'static [&'static str] = &["id", "count", "note", "next", "type"];
        type Partial = (Option<String>, Option<i64>, Option<String>, Option<Option<String>>, Option<Vec<u8>>);
        const EMPTY: Self::Partial = (None, None, None, None, None);
        fn field<'de, A: MapAccess<'de>>(partial: &mut Self::Partial, index: usize, map: &mut A) -> Result<(), A::Error> {
            match index {
                0 => partial.0 = Some(map.next_value()?),
                1 => partial.1 = map.next_value()?,
                2 => partial.2 = map.next_value()?,
                3 => partial.3 = Some(map.next_value()?),
                _ => partial.4 = Some(map.next_value()?),
            }
            Ok(())
        }
        fn finish<E: de::Error>(partial: Self::Partial) -> Result<Self, E> {
            Ok(Generated {
                id: required(partial.0, "id")?,
                count: partial.1,
                note: partial.2,
                next: partial.3,
                kind: required(partial.4, "type")?,
            })
        }
    }

    impl<'de> serde::Deserialize<'de> for Generated {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_struct(deserializer)
        }
    }

    /// `Serialize` as the generator writes it for `Generated`.
    impl Serialize for Generated {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = 3 + usize::from(self.count.is_some()) + usize::from(self.next.is_some());
            let mut state = serializer.serialize_struct("Derived", len)?;
            required_field(&mut state, "id", &self.id)?;
            optional_field(&mut state, "count", &self.count)?;
            required_field(&mut state, "note", &self.note)?;
            present_field(&mut state, "next", &self.next)?;
            required_field(&mut state, "type", &self.kind)?;
            SerializeStruct::end(state)
        }
    }

    #[test]
    fn encodes_as_serde_derive_s_with_the_number_of_fields_written() {
        for json in [
            r#"{"id": "a", "type": []}"#,
            r#"{"id": "a", "type": [1], "count": 2, "note": "n", "next": null}"#,
            r#"{"id": "a", "type": [], "note": null, "next": "c"}"#,
        ] {
            let derived: Derived = serde_json::from_str(json).unwrap();
            let generated: Generated = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&generated).unwrap(), serde_json::to_string(&derived).unwrap(), "{json}");
            assert_eq!(serde_json::to_value(&generated).unwrap(), serde_json::to_value(&derived).unwrap(), "{json}");
        }
        // The length is what is written: a format that writes it first (here, a counter) sees it match.
        struct Count(usize, usize);
        impl SerializeStruct for &mut Count {
            type Ok = ();
            type Error = serde_json::Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, _: &T) -> Result<(), Self::Error> {
                self.1 += 1;
                Ok(())
            }
            fn end(self) -> Result<(), Self::Error> {
                assert_eq!(self.0, self.1, "serialize_struct was told {} fields, {} were written", self.0, self.1);
                Ok(())
            }
        }
        let value = Generated { id: "a".into(), count: None, note: None, next: Some(None), kind: vec![] };
        let mut count = Count(3 + usize::from(value.count.is_some()) + usize::from(value.next.is_some()), 0);
        let mut state = &mut count;
        required_field(&mut state, "id", &value.id).unwrap();
        optional_field(&mut state, "count", &value.count).unwrap();
        required_field(&mut state, "note", &value.note).unwrap();
        present_field(&mut state, "next", &value.next).unwrap();
        required_field(&mut state, "type", &value.kind).unwrap();
        SerializeStruct::end(state).unwrap();
    }

    /// Decodes `json` both ways, streamed and from a `Value`, and checks that the
    /// generated decoder agrees with serde's derive on the value or the error text.
    fn agrees(json: &str) -> Result<Generated, String> {
        let derived = serde_json::from_str::<Derived>(json).map_err(|e| e.to_string());
        let generated = serde_json::from_str::<Generated>(json).map_err(|e| e.to_string());
        match (&derived, &generated) {
            (Ok(d), Ok(g)) => {
                assert_eq!((&d.id, d.count, &d.note, &d.next, &d.kind), (&g.id, g.count, &g.note, &g.next, &g.kind), "{json}")
            }
            (Err(d), Err(g)) => assert_eq!(d, g, "{json}"),
            _ => panic!("{json}: derive {derived:?}, generated {generated:?}"),
        }
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(json) {
            let derived = serde_json::from_value::<Derived>(value.clone()).map_err(|e| e.to_string());
            let generated = serde_json::from_value::<Generated>(value).map_err(|e| e.to_string());
            assert_eq!(derived.is_ok(), generated.is_ok(), "{json}: {derived:?} / {generated:?}");
            if let (Err(d), Err(g)) = (&derived, &generated) {
                assert_eq!(d, g, "{json}");
            }
        }
        generated
    }

    #[test]
    fn fields_in_any_order_with_unknown_keys_skipped() {
        let g = agrees(r#"{"type": [1, 2], "extra": {"deep": [1, {"x": null}]}, "id": "a", "count": 3}"#).unwrap();
        assert_eq!(g, Generated { id: "a".into(), count: Some(3), note: None, next: None, kind: vec![1, 2] });
    }

    #[test]
    fn absent_and_null_stay_apart_where_the_type_keeps_them_apart() {
        let absent = agrees(r#"{"id": "a", "type": []}"#).unwrap();
        assert_eq!((absent.count, absent.note, absent.next), (None, None, None));
        let null = agrees(r#"{"id": "a", "type": [], "count": null, "note": null, "next": null}"#).unwrap();
        assert_eq!((null.count, null.note, null.next), (None, None, Some(None)));
        let set = agrees(r#"{"id": "a", "type": [], "next": "c"}"#).unwrap();
        assert_eq!(set.next, Some(Some("c".into())));
    }

    #[test]
    fn errors_read_as_serde_derive_s() {
        for json in [
            r#"{"count": 1, "type": []}"#,
            r#"{"id": "a"}"#,
            r#"{"id": "a", "id": "b", "type": []}"#,
            r#"{"id": 1, "type": []}"#,
            r#"{"id": "a", "type": [], "count": "x"}"#,
            r#""a string""#,
            "3",
            "null",
            r#"{"id": "a", "type": [], "#,
        ] {
            let error = agrees(json).unwrap_err();
            assert!(!error.is_empty());
        }
        assert_eq!(agrees(r#"{"type": []}"#).unwrap_err(), "missing field `id` at line 1 column 12");
        assert!(agrees(r#"{"id": "a", "id": "b", "type": []}"#).unwrap_err().starts_with("duplicate field `id`"));
    }

    #[test]
    fn an_array_is_not_a_struct() {
        // serde's derive takes `["a", ...]` as the fields in order; no JSON API sends that.
        assert!(serde_json::from_str::<Generated>(r#"["a", 1, null, null, []]"#).unwrap_err().to_string().contains("expected struct Derived"));
    }

    #[test]
    fn duplicates_are_found_past_128_fields() {
        let mut seen = Seen::new(200);
        assert!(matches!(seen, Seen::Large(_)));
        assert!(seen.insert(150) && seen.insert(0) && !seen.insert(150) && !seen.insert(0));
        let mut small = Seen::new(128);
        assert!(small.insert(127) && !small.insert(127) && small.insert(0));
    }
}
