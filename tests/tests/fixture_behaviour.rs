//! Behaviour tests of the schema-shape fixtures (`tests/fixtures/*.yaml`).
//!
//! `tests/snapshots.rs` checks what the generator writes for each fixture and
//! `tests/compile.rs` that it compiles; this file checks what the code *does*.
//! `tests/build.rs` generates every fixture into `OUT_DIR/fixtures/<stem>.rs`,
//! and each section below embeds the one it tests as a module (`api`) and
//! drives it the way a user would: JSON from a server decoded into the typed
//! value, and the typed value encoded back to the same JSON; for the operation
//! fixtures, the request a call puts on the wire (wiremock).
//!
//! One `mod` per fixture: discriminators, the other `oneOf`/`anyOf` forms,
//! open enums, optional/nullable, maps, numbers, recursion, `allOf`, OpenAPI
//! 3.1 spellings, then the operation fixtures' wire tests. A test that exposes
//! a generator or runtime bug is `#[ignore]`d with the bug; run those with
//! `-- --ignored`.

use std::fmt::Debug;
use std::time::Duration;

use client_runtime::{Error, InvalidRequest};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use wiremock::{MockServer, Request};

const TOKEN: &str = "sk-fixture-token";

/// Decodes `json` from its text (as a response body is decoded), encodes the
/// typed value back to text, and checks that this text is the same JSON:
/// nothing lost, nothing added, nothing changed. Returns the typed value.
#[track_caller]
fn round_trip<T: DeserializeOwned + Serialize>(json: Value) -> T {
    let typed: T = decode(&json).unwrap_or_else(|e| panic!("{json} does not decode: {e}"));
    assert_eq!(encode(&typed), json, "{json} does not re-encode as it came");
    typed
}

/// Decodes `json` from its text.
fn decode<T: DeserializeOwned>(json: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_str(&json.to_string())
}

/// The wire text `value` encodes to, read back as JSON.
#[track_caller]
fn encode<T: Serialize>(value: &T) -> Value {
    let text = serde_json::to_string(value).expect("the value encodes");
    serde_json::from_str(&text).expect("the encoding is JSON")
}

/// The message of the error decoding `json` as `T` gives.
#[track_caller]
fn decode_error<T: DeserializeOwned + Debug>(json: Value) -> String {
    match decode::<T>(&json) {
        Ok(value) => panic!("{json} decoded as {value:?}, expected an error"),
        Err(e) => e.to_string(),
    }
}

/// `object` with `key` removed.
fn without(object: &Value, key: &str) -> Value {
    let mut object = object.clone();
    object.as_object_mut().expect("an object").shift_remove(key);
    object
}

/// `object` with `key` set to `value`.
fn with(object: &Value, key: &str, value: Value) -> Value {
    with_all(object, json!({ key: value }))
}

/// `object` with each of the fields of `fields` set.
fn with_all(object: &Value, fields: Value) -> Value {
    let mut object = object.clone();
    let Value::Object(fields) = fields else { panic!("fields are an object") };
    object.as_object_mut().expect("an object").extend(fields);
    object
}

/// Every request `server` received.
async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

/// The one request `server` received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
    requests.remove(0)
}

/// The decoded query pairs of `request` named `name`, in order.
fn query_values(request: &Request, name: &str) -> Vec<String> {
    request.url.query_pairs().filter(|(k, _)| k == name).map(|(_, v)| v.into_owned()).collect()
}

/// Every value of header `name` of `request`, as text.
fn header_values<'r>(request: &'r Request, name: &str) -> Vec<&'r str> {
    request.headers.get_all(name).iter().map(|v| v.to_str().expect("a text header")).collect()
}

/// The one value of header `name` of `request`.
#[track_caller]
fn header_value<'r>(request: &'r Request, name: &str) -> &'r str {
    let values = header_values(request, name);
    assert_eq!(values.len(), 1, "expected one `{name}` header, got {values:?}");
    values[0]
}

/// The pairs of an `application/x-www-form-urlencoded` text, decoded.
fn form_pairs(text: &str) -> Vec<(String, String)> {
    let url = client_runtime::reqwest::Url::parse(&format!("http://form.invalid/?{text}")).expect("a form body");
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The parts of a `multipart/form-data` request body as (headers, contents),
/// split on the boundary its `Content-Type` names. Minimal (RFC 7578 without
/// preamble or epilogue), enough to see what a server would see.
#[track_caller]
fn multipart_parts(request: &Request) -> Vec<(String, Vec<u8>)> {
    let content_type = header_value(request, "content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart/form-data with a boundary: {content_type}"));
    assert!(!boundary.is_empty() && boundary.len() <= 70, "RFC 2046 boundary: {boundary:?}");
    let body = request.body.as_slice();
    let shown = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut sections = split_bytes(body, delimiter.as_bytes()).into_iter().peekable();
    assert_eq!(sections.next(), Some(&b""[..]), "the body starts with the first delimiter: {shown:?}");
    let mut parts = Vec::new();
    while let Some(section) = sections.next() {
        if sections.peek().is_none() {
            assert_eq!(section, b"--\r\n", "the body ends with the closing delimiter: {shown:?}");
            break;
        }
        let section = section.strip_prefix(b"\r\n").expect("CRLF after a delimiter");
        let section = section.strip_suffix(b"\r\n").expect("CRLF before the next delimiter");
        let end = split_bytes(section, b"\r\n\r\n")[0].len();
        let headers = std::str::from_utf8(&section[..end]).expect("a part's headers are text");
        parts.push((headers.to_owned(), section[end + 4..].to_vec()));
    }
    parts
}

/// `bytes` split at each occurrence of `separator`.
fn split_bytes<'b>(bytes: &'b [u8], separator: &[u8]) -> Vec<&'b [u8]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + separator.len() <= bytes.len() {
        if &bytes[i..i + separator.len()] == separator {
            pieces.push(&bytes[start..i]);
            i += separator.len();
            start = i;
        } else {
            i += 1;
        }
    }
    pieces.push(&bytes[start..]);
    pieces
}

/// The parameter refused before sending, or a panic if `result` is anything else.
#[track_caller]
fn refused<T: Debug, E: Debug>(result: Result<T, Error<E>>) -> InvalidRequest {
    match result {
        Err(Error::InvalidRequest(invalid)) => invalid,
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

/// A policy that retries quickly, so that retry tests stay fast.
fn fast_retries(max_retries: u32) -> client_runtime::RetryPolicy {
    client_runtime::RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_millis(10),
    }
}

// ---- shape_discriminator ------------------------------------------------------

mod shape_discriminator {
    use super::*;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/shape_discriminator.rs"));
    }
    use api::types::*;

    fn circle() -> Value {
        json!({"shape_type": "circle", "radius": 1.5})
    }
    fn square() -> Value {
        json!({"shape_type": "sq", "side": 2.0})
    }
    fn triangle() -> Value {
        json!({"shape_type": "tri-angle", "base": 3.0, "height": 4.5})
    }
    fn car() -> Value {
        json!({"vehicle_type": "Car", "doors": 4})
    }
    fn bike() -> Value {
        json!({"vehicle_type": "Bike", "gears": 21})
    }

    #[test]
    fn each_mapped_tag_decodes_into_its_variant_and_back() {
        // The mapping's values (`circle`, `sq`, `tri-angle`) are the tags, not the
        // schema names (`Circle`, `Square`, `Triangle`).
        let Shape::Circle(c) = round_trip::<Shape>(circle()) else { panic!("not a circle") };
        assert_eq!(c, Circle { shape_type: "circle".into(), radius: 1.5 });
        let Shape::Sq(s) = round_trip::<Shape>(square()) else { panic!("not a square") };
        assert_eq!(s, Square { shape_type: SquareShapeType::Sq, side: 2.0 });
        let Shape::TriAngle(t) = round_trip::<Shape>(triangle()) else { panic!("not a triangle") };
        assert_eq!((t.shape_type.as_str(), t.base, t.height), ("tri-angle", 3.0, 4.5));
    }

    #[test]
    fn a_variant_built_in_rust_encodes_with_its_tag() {
        let shape = Shape::Sq(Square { shape_type: SquareShapeType::Sq, side: 0.5 });
        assert_eq!(encode(&shape), json!({"shape_type": "sq", "side": 0.5}));
    }

    #[test]
    fn an_unknown_or_missing_tag_is_kept_whole_and_round_trips() {
        for json in [
            json!({"shape_type": "hexagon", "side": 1.0, "extra": {"nested": [1, 2, 3]}}),
            // A schema name is not a tag when the mapping names it otherwise.
            json!({"shape_type": "Square", "side": 1.0}),
            json!({"radius": 1.0}),
            json!({"shape_type": 7}),
        ] {
            let shape = round_trip::<Shape>(json.clone());
            assert_eq!(shape, Shape::Unknown(json));
            assert!(shape.is_unknown());
        }
    }

    #[test]
    fn a_known_tag_with_a_body_that_does_not_fit_is_an_error_naming_the_field() {
        // A server that says `circle` and sends no radius is wrong; the client
        // says so rather than hiding the shape in `Unknown`.
        let error = decode_error::<Shape>(json!({"shape_type": "circle"}));
        assert!(error.contains("radius"), "{error}");
        let error = decode_error::<Shape>(json!({"shape_type": "sq", "side": "wide"}));
        assert!(error.contains("invalid type"), "{error}");
    }

    #[test]
    fn without_a_mapping_the_schema_name_is_the_tag() {
        let Vehicle::Car(c) = round_trip::<Vehicle>(car()) else { panic!("not a car") };
        assert_eq!(c, Car { vehicle_type: "Car".into(), doors: 4 });
        let vehicle = round_trip::<Vehicle>(bike());
        assert_eq!(vehicle, Vehicle::Bike(Bike { vehicle_type: "Bike".into(), gears: Some(21) }));
        assert_eq!(vehicle.vehicle_type(), Some("Bike"));
        let unknown = round_trip::<Vehicle>(json!({"vehicle_type": "Truck", "axles": 3}));
        assert!(unknown.is_unknown());
        assert_eq!(unknown.vehicle_type(), None);
        // Tags are case-sensitive: `car` is not `Car`.
        assert!(round_trip::<Vehicle>(json!({"vehicle_type": "car", "doors": 4})).is_unknown());
    }

    #[test]
    fn an_element_is_whichever_nested_one_of_knows_the_value() {
        // The first member, `Shape`, has a catch-all that accepts any object: a
        // vehicle must still decode as a vehicle, not as `Shape::Unknown`.
        let element = round_trip::<Element>(car());
        assert_eq!(element, Element::Vehicle(Vehicle::Car(Car { vehicle_type: "Car".into(), doors: 4 })));
        assert!(matches!(round_trip::<Element>(bike()), Element::Vehicle(Vehicle::Bike(_))));
        assert!(matches!(round_trip::<Element>(circle()), Element::Shape(Shape::Circle(_))));
        assert!(matches!(round_trip::<Element>(triangle()), Element::Shape(Shape::TriAngle(_))));
        // Known to neither: the element's own catch-all, whole.
        for json in [json!({"vehicle_type": "Truck"}), json!({"shape_type": "hexagon"}), json!({"kind": "tree"}), json!("text")] {
            let element = round_trip::<Element>(json.clone());
            assert_eq!(element, Element::Unknown(json));
            assert!(element.is_unknown());
        }
    }

    #[test]
    fn arrays_of_one_of_decode_each_item_and_round_trip() {
        let drawing = round_trip::<Drawing>(json!({
            "shapes": [circle(), square(), triangle(), {"shape_type": "star", "points": 5}],
            "layers": [car(), bike(), {"vehicle_type": "Boat"}],
            "elements": [circle(), car(), {"kind": "tree"}],
        }));
        assert!(matches!(
            drawing.shapes.as_slice(),
            [Shape::Circle(_), Shape::Sq(_), Shape::TriAngle(_), Shape::Unknown(_)]
        ));
        let layers = drawing.layers.as_deref().expect("layers");
        assert!(matches!(layers, [DrawingLayersItem::Car(_), DrawingLayersItem::Bike(_), DrawingLayersItem::Unknown(_)]));
        assert_eq!(layers.iter().map(DrawingLayersItem::vehicle_type).collect::<Vec<_>>(), [Some("Car"), Some("Bike"), None]);
        let elements = drawing.elements.as_deref().expect("elements");
        assert!(matches!(elements, [Element::Shape(Shape::Circle(_)), Element::Vehicle(Vehicle::Car(_)), Element::Unknown(_)]));

        let garage = round_trip::<Garage>(json!({"vehicles": [bike(), car()]}));
        assert!(matches!(garage.vehicles.as_deref(), Some([Vehicle::Bike(_), Vehicle::Car(_)])));
        assert_eq!(round_trip::<Garage>(json!({})), Garage { vehicles: None });
    }
}

// ---- oneof_external -------------------------------------------------------------

mod oneof_external {
    use super::*;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/oneof_external.rs"));
    }
    use api::types::*;

    #[test]
    fn each_key_decodes_into_its_variant_and_back() {
        let content = round_trip::<Content>(json!({"plain_text": {"text": "hi"}}));
        assert_eq!(content, Content::PlainText(PlainText { text: "hi".into() }));
        let content = round_trip::<Content>(json!({"markdown_text": {"text": "**hi**", "flavor": "gfm"}}));
        assert_eq!(content, Content::MarkdownText(MarkdownText { text: "**hi**".into(), flavor: Some("gfm".into()) }));
        let content = round_trip::<Content>(json!({"html": {"text": "<b>hi</b>", "sanitized": true}}));
        assert_eq!(content, Content::Html(ContentHtml { text: "<b>hi</b>".into(), sanitized: true }));
    }

    #[test]
    fn text_reads_every_known_variant() {
        for (json, text) in [
            (json!({"plain_text": {"text": "a"}}), Some("a")),
            (json!({"markdown_text": {"text": "b"}}), Some("b")),
            (json!({"html": {"text": "c", "sanitized": false}}), Some("c")),
            (json!({"poll": {"text": "d", "options": ["x", "y"]}}), None),
        ] {
            assert_eq!(round_trip::<Content>(json).text(), text);
        }
    }

    #[test]
    fn an_unknown_key_is_kept_and_round_trips() {
        let json = json!({"poll": {"question": "?", "options": ["x", "y"]}});
        let content = round_trip::<Content>(json.clone());
        assert_eq!(content, Content::Unknown(json));
        assert!(content.is_unknown());
        // A value that is not an object under the new key too.
        assert!(round_trip::<Content>(json!({"emoji": ":wave:"})).is_unknown());
    }

    #[test]
    fn a_known_key_with_a_value_that_does_not_fit_is_an_error() {
        let error = decode_error::<Content>(json!({"html": {"text": "c"}}));
        assert!(error.contains("sanitized"), "{error}");
    }

    #[test]
    fn a_stray_key_after_the_variant_does_not_fail_decoding() {
        let content: Content = decode(&json!({"plain_text": {"text": "hi"}, "trace": 1})).unwrap();
        assert_eq!(content, Content::PlainText(PlainText { text: "hi".into() }));
    }

    #[test]
    fn a_stray_key_before_the_variant_does_not_hide_it() {
        let content: Content = decode(&json!({"trace": 1, "plain_text": {"text": "hi"}})).unwrap();
        assert_eq!(content, Content::PlainText(PlainText { text: "hi".into() }));
    }

    #[test]
    fn keys_after_the_variant_are_skipped_even_known_or_malformed_ones() {
        // A second known key, and one whose value fits no variant: read past, not decoded.
        let json = json!({"plain_text": {"text": "hi"}, "html": {"no": "text"}, "markdown_text": 3});
        assert_eq!(decode::<Content>(&json).unwrap(), Content::PlainText(PlainText { text: "hi".into() }));
        // The variant decodes in place, so what follows the object is read on as usual.
        let notes: Vec<Note> = decode(&json!([
            {"body": {"plain_text": {"text": "a"}, "trace": [1, {"x": null}]}, "attachment": {"url": "u"}},
            {"body": {"sticker": {"id": "s"}, "v": 2}},
        ]))
        .unwrap();
        assert_eq!(notes[0].body, Content::PlainText(PlainText { text: "a".into() }));
        assert_eq!(notes[0].attachment, Some(Attachment::Url("u".into())));
        assert_eq!(notes[1].body, Content::Unknown(json!({"sticker": {"id": "s"}, "v": 2})));
    }

    #[test]
    fn what_is_not_an_object_is_a_typed_error() {
        for json in [json!("plain_text"), json!(["plain_text"]), json!(null), json!(3)] {
            let error = decode_error::<Content>(json);
            assert!(error.contains("expected a `Content` object"), "{error}");
        }
        // Broken JSON after the variant still fails: the rest is read, not trusted.
        assert!(serde_json::from_str::<Content>(r#"{"plain_text": {"text": "hi"}, "x": }"#).is_err());
    }

    #[test]
    fn an_unknown_variant_with_several_keys_round_trips() {
        round_trip::<Content>(json!({"poll": {"question": "?"}, "version": 2}));
    }

    #[test]
    fn a_member_keyed_unknown_is_a_real_variant_and_the_catch_all_is_unknown2() {
        let attachment = round_trip::<Attachment>(json!({"url": "https://example.com/a.png"}));
        assert_eq!(attachment, Attachment::Url("https://example.com/a.png".into()));
        assert_eq!(round_trip::<Attachment>(json!({"file_id": 9007199254740993i64})), Attachment::FileId(9007199254740993));
        // The spec's own member `unknown`: known, so not `is_unknown`.
        let json = json!({"unknown": {"anything": [true, null]}});
        let attachment = round_trip::<Attachment>(json.clone());
        assert_eq!(attachment, Attachment::Unknown(json!({"anything": [true, null]})));
        assert!(!attachment.is_unknown());
        // A key nobody knew of: the catch-all.
        let json = json!({"video": {"id": "v1"}});
        let attachment = round_trip::<Attachment>(json.clone());
        assert_eq!(attachment, Attachment::Unknown2(json));
        assert!(attachment.is_unknown());
    }

    #[test]
    fn a_note_round_trips_with_and_without_its_attachment() {
        let note = round_trip::<Note>(json!({"body": {"plain_text": {"text": "see file"}}, "attachment": {"file_id": 3}}));
        assert_eq!(note.body.text(), Some("see file"));
        assert_eq!(note.attachment, Some(Attachment::FileId(3)));
        let note = round_trip::<Note>(json!({"body": {"sticker": {"id": "s"}}}));
        assert!(note.body.is_unknown());
        assert_eq!(note.attachment, None);
    }
}

// ---- oneof_untagged -------------------------------------------------------------

mod oneof_untagged {
    use super::*;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/oneof_untagged.rs"));
    }
    use api::types::*;

    #[test]
    fn each_member_decodes_into_its_variant_and_back() {
        assert_eq!(round_trip::<SettingValue>(json!("dark")), SettingValue::String("dark".into()));
        // A numeric string stays a string: JSON types decide, not the text.
        assert_eq!(round_trip::<SettingValue>(json!("42")), SettingValue::String("42".into()));
        assert_eq!(round_trip::<SettingValue>(json!(-42)), SettingValue::Integer(-42));
        assert_eq!(round_trip::<SettingValue>(json!(i64::MAX)), SettingValue::Integer(i64::MAX));
        let SettingValue::Structured(s) = round_trip::<SettingValue>(json!({"fields": {"a": "1", "b": "2"}})) else {
            panic!("not structured")
        };
        assert_eq!(s.fields.get("b").map(String::as_str), Some("2"));
        assert_eq!(
            round_trip::<SettingValue>(json!({"min": 0.5, "max": 2.5})),
            SettingValue::Variant3(SettingValueVariant3 { min: 0.5, max: 2.5 })
        );
    }

    #[test]
    fn a_value_no_member_accepts_is_kept_and_round_trips() {
        for json in [json!(true), json!(1.5), json!(["a"]), json!({"color": "red"}), json!({"fields": "not a map"}), json!(null)] {
            let value = round_trip::<SettingValue>(json.clone());
            assert_eq!(value, SettingValue::Unknown(json));
            assert!(value.is_unknown());
        }
    }

    #[test]
    fn an_array_is_not_taken_for_an_object_member() {
        for json in [json!([1, 2]), json!([{"a": "b"}])] {
            assert_eq!(round_trip::<SettingValue>(json.clone()), SettingValue::Unknown(json));
        }
    }

    #[test]
    fn a_setting_round_trips_each_kind_of_value() {
        for value in [json!("v"), json!(7), json!({"fields": {}}), json!({"min": -1.5, "max": 1.5}), json!(false)] {
            let setting = round_trip::<Setting>(json!({"key": "k", "value": value}));
            assert_eq!(setting.key, "k");
        }
    }
}

// ---- shape_anyof ----------------------------------------------------------------

mod shape_anyof {
    use super::*;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/shape_anyof.rs"));
    }
    use api::types::*;

    /// A `Reach` holding only `email`, `phone`, `variant2` as given.
    fn reach(email: Option<Email>, phone: Option<Phone>, variant2: Option<ReachVariant2>) -> Reach {
        Reach { email, phone, variant2, unknown: None }
    }

    #[test]
    fn each_member_decodes_into_its_field_and_back() {
        let email = Email { email: "a@b.c".into(), verified: Some(true) };
        assert_eq!(round_trip::<Reach>(json!({"email": "a@b.c", "verified": true})), reach(Some(email), None, None));
        assert_eq!(round_trip::<Reach>(json!({"number": "+33 1"})), reach(None, Some(Phone { number: "+33 1".into(), extension: None }), None));
        assert_eq!(
            round_trip::<Reach>(json!({"street": "1 rue", "city": "Paris"})),
            reach(None, None, Some(ReachVariant2 { street: "1 rue".into(), city: "Paris".into() }))
        );
        assert_eq!(round_trip::<ContactId>(json!(42)), ContactId::Integer(42));
        assert_eq!(round_trip::<ContactId>(json!("c-42")), ContactId::String("c-42".into()));
        assert_eq!(round_trip::<ContactTags>(json!("one")), ContactTags::String("one".into()));
        assert_eq!(round_trip::<ContactTags>(json!(["a", "b"])), ContactTags::Array(vec!["a".into(), "b".into()]));
        assert_eq!(round_trip::<ContactScore>(json!(0.75)), ContactScore::Number(0.75));
        assert_eq!(round_trip::<ContactScore>(json!(false)), ContactScore::Bool(false));
    }

    #[test]
    fn a_value_matching_several_members_keeps_each_and_re_encodes_merged() {
        // anyOf: a value may match several members; none is lost to the first.
        let both = json!({"email": "a@b.c", "number": "+1", "extension": "12"});
        let r = round_trip::<Reach>(both);
        assert_eq!(r.email, Some(Email { email: "a@b.c".into(), verified: None }));
        assert_eq!(r.phone, Some(Phone { number: "+1".into(), extension: Some("12".into()) }));
        assert_eq!((r.variant2, r.unknown), (None, None));
        let all = json!({"email": "e", "number": "n", "street": "s", "city": "c"});
        let r = round_trip::<Reach>(all);
        assert!(r.email.is_some() && r.phone.is_some() && r.variant2.is_some() && !r.is_unknown(), "{r:?}");
        // Built by hand, members merge into one object.
        let r = reach(Some(Email { email: "e".into(), verified: Some(false) }), Some(Phone { number: "n".into(), extension: None }), None);
        assert_eq!(encode(&r), json!({"email": "e", "verified": false, "number": "n"}));
    }

    #[test]
    fn a_value_no_member_accepts_is_kept_and_round_trips() {
        for json in [json!({"pigeon": "loft 3"}), json!("a@b.c"), json!(null)] {
            let r = round_trip::<Reach>(json.clone());
            assert_eq!(r, Reach { unknown: Some(json), ..Reach::default() });
            assert!(r.is_unknown());
        }
        assert_eq!(round_trip::<ContactId>(json!(1.5)), ContactId::Unknown(json!(1.5)));
        assert_eq!(round_trip::<ContactTags>(json!([1, 2])), ContactTags::Unknown(json!([1, 2])));
        assert_eq!(round_trip::<ContactScore>(json!("high")), ContactScore::Unknown(json!("high")));
    }

    #[test]
    fn an_array_is_not_taken_for_an_object_member() {
        let json = json!(["a@b.c"]);
        assert_eq!(round_trip::<Reach>(json.clone()), Reach { unknown: Some(json), ..Reach::default() });
    }

    #[test]
    fn a_contact_round_trips() {
        let contact = round_trip::<Contact>(json!({"id": "c1", "reach": {"number": "5"}, "tags": ["x"], "score": true}));
        assert_eq!(contact.id, ContactId::String("c1".into()));
        assert!(contact.reach.phone.is_some() && contact.reach.email.is_none());
        let contact = round_trip::<Contact>(json!({"id": 1, "reach": {"email": "e"}}));
        assert_eq!((contact.tags, contact.score), (None, None));
    }
}

// ---- open_enums -------------------------------------------------------------------

mod open_enums {
    use super::*;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/open_enums.rs"));
    }
    use api::types::*;

    /// `wire` decodes (as JSON and through `From<&str>`) into `variant`, and
    /// `variant` encodes, prints and `as_str`s back to `wire`.
    #[track_caller]
    fn check<T>(wire: &str, variant: T)
    where
        T: DeserializeOwned + Serialize + Debug + PartialEq + std::fmt::Display + for<'a> From<&'a str>,
    {
        assert_eq!(round_trip::<T>(json!(wire)), variant, "decoding {wire:?}");
        assert_eq!(T::from(wire), variant, "From<&str> of {wire:?}");
        assert_eq!(variant.to_string(), wire, "Display of {variant:?}");
    }

    #[test]
    fn every_wire_value_decodes_into_its_variant_and_encodes_back_identically() {
        check("queued", JobState::Queued);
        check("running", JobState::Running);
        // A value literally called `Unknown` is a known value, not the catch-all.
        check("Unknown", JobState::Unknown2);
        check("done", JobState::Done);
        assert!(!JobState::Unknown2.is_unknown());
        // Values equal after case conversion keep their own spelling both ways.
        check("add", Op::Add);
        check("Add", Op::Add2);
        check("ADD", Op::Add3);
        check("remove", Op::Remove);
        check("Self", Op::SelfValue);
        // Punctuation, signs, spaces, quotes and the empty string.
        check("+1", Vote::Plus1);
        check("-1", Vote::Minus1);
        check("a b", Vote::AB);
        check("", Vote::Empty);
        check("it's \"quoted\" `code`", Vote::ItSQuotedCode);
        check("1.5", Vote::V1_5);
        check("low", JobPriority::Low);
        check("high", JobPriority::High);
        assert_eq!(Vote::Plus1.as_str(), "+1");
    }

    #[test]
    fn a_new_value_lands_in_unknown_and_round_trips() {
        for wire in ["paused", "unknown", "UNKNOWN", "Queued", "queued ", "💤", "line\nbreak"] {
            let state = round_trip::<JobState>(json!(wire));
            assert_eq!(state, JobState::Unknown(wire.to_owned()));
            assert!(state.is_unknown());
            assert_eq!(state.as_str(), wire);
        }
        assert_eq!(round_trip::<Vote>(json!("+2")), Vote::Unknown("+2".into()));
        assert_eq!(round_trip::<Op>(json!("aDD")), Op::Unknown("aDD".into()));
    }

    #[test]
    fn a_value_that_is_not_a_string_is_an_error() {
        let error = decode_error::<JobState>(json!(3));
        assert!(error.contains("invalid type"), "{error}");
    }

    #[test]
    fn a_job_round_trips_absent_null_and_known_and_new_priorities() {
        let base = json!({"state": "running", "op": "ADD", "vote": ""});
        let job = round_trip::<Job>(base.clone());
        assert_eq!((job.state, job.op, job.vote, job.priority), (JobState::Running, Op::Add3, Some(Vote::Empty), None));
        assert_eq!(round_trip::<Job>(with(&base, "priority", Value::Null)).priority, Some(None));
        assert_eq!(round_trip::<Job>(with(&base, "priority", json!("high"))).priority, Some(Some(JobPriority::High)));
        assert_eq!(round_trip::<Job>(with(&base, "priority", json!("urgent"))).priority, Some(Some(JobPriority::Unknown("urgent".into()))));
        let list = round_trip::<JobList>(json!({"jobs": [base, {"state": "Unknown", "op": "Self"}]}));
        assert_eq!(list.jobs[1].state, JobState::Unknown2);
    }

    #[tokio::test]
    async fn enum_parameters_are_sent_as_their_wire_values() {
        let server = MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("GET"))
            .and(wiremock::matchers::path("/jobs"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"jobs": [{"state": "new", "op": "add"}]})))
            .mount(&server)
            .await;
        let client = api::Client::builder(TOKEN).base_url(server.uri()).max_retries(0).build().unwrap();
        let list = client.list_jobs().state(JobState::Unknown2).order(Op::Add3).send().await.unwrap();
        assert_eq!(list.jobs[0].state, JobState::Unknown("new".into()));
        let request = only_request(&server).await;
        assert_eq!(query_values(&request, "state"), ["Unknown"]);
        assert_eq!(query_values(&request, "order"), ["ADD"]);
    }
}

// ---- int_enums ----------------------------------------------------------------------

mod int_enums {
    use super::*;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/int_enums.rs"));
    }
    use api::types::*;

    /// `value` decodes (as JSON and through `From<i64>`) into `variant`, and
    /// `variant` encodes, prints and converts back to `value`.
    #[track_caller]
    fn check<T>(value: i64, variant: T)
    where
        T: DeserializeOwned + Serialize + Debug + PartialEq + Copy + std::fmt::Display + From<i64> + Into<i64>,
    {
        assert_eq!(round_trip::<T>(json!(value)), variant, "decoding {value}");
        assert_eq!(T::from(value), variant, "From<i64> of {value}");
        assert_eq!(variant.to_string(), value.to_string(), "Display of {variant:?}");
        assert_eq!(variant.into(), value, "Into<i64> of {variant:?}");
    }

    #[test]
    fn every_value_decodes_into_its_named_variant_and_encodes_back() {
        // Named by the spec's `x-enum-varnames` and `x-enumNames`.
        check(1, Priority::Low);
        check(2, Priority::Medium);
        check(3, Priority::High);
        check(10, Level::Debug);
        // A value the spec names `Unknown` is a known value, not the catch-all.
        check(20, Level::Unknown2);
        assert!(!Level::Unknown2.is_unknown());
        check(30, Level::Error);
        // Named from the value.
        check(-1, TaskSignal::Minus1);
        check(0, TaskSignal::V0);
        check(1, TaskSignal::V1);
        // A query parameter's enum is only ever sent: encoded, never decoded.
        assert_eq!(encode(&ListTasksBitRate::V32000), json!(32000));
        assert_eq!(ListTasksBitRate::from(32000), ListTasksBitRate::V32000);
        assert_eq!(ListTasksBitRate::V32000.to_string(), "32000");
        assert_eq!(Priority::High.value(), 3);
    }

    #[test]
    fn a_value_the_client_does_not_know_lands_in_unknown_and_round_trips() {
        for value in [0, 4, -1, i64::MAX, i64::MIN] {
            let priority = round_trip::<Priority>(json!(value));
            assert_eq!(priority, Priority::Unknown(value));
            assert!(priority.is_unknown());
            assert_eq!(priority.value(), value);
        }
        assert_eq!(round_trip::<TaskSignal>(json!(2)), TaskSignal::Unknown(2));
        // A caller-made `Unknown` of a known value still sends that value.
        assert_eq!(encode(&Priority::Unknown(2)), json!(2));
    }

    #[test]
    fn a_value_that_is_not_an_integer_is_an_error() {
        for json in [json!("1"), json!(1.5), json!(true), json!(u64::MAX)] {
            let error = decode_error::<Priority>(json.clone());
            assert!(error.contains("invalid"), "{json}: {error}");
        }
    }

    #[test]
    fn a_task_round_trips_absent_null_known_and_new_values() {
        let base = json!({"priority": 2, "level": 99});
        let task = round_trip::<Task>(base.clone());
        assert_eq!((task.priority, task.level, task.retries, task.signal), (Priority::Medium, Level::Unknown(99), None, None));
        assert_eq!(round_trip::<Task>(with(&base, "retries", Value::Null)).retries, Some(None));
        assert_eq!(round_trip::<Task>(with(&base, "retries", json!(3))).retries, Some(Some(TaskRetries::V3)));
        assert_eq!(round_trip::<Task>(with(&base, "retries", json!(5))).retries, Some(Some(TaskRetries::Unknown(5))));
        assert_eq!(round_trip::<Task>(with(&base, "signal", json!(-1))).signal, Some(TaskSignal::Minus1));
        let list = round_trip::<TaskList>(json!({"tasks": [base, {"priority": 7, "level": 30, "signal": 1}]}));
        assert_eq!(list.tasks[1].priority, Priority::Unknown(7));
    }

    #[tokio::test]
    async fn enum_parameters_are_sent_as_their_values() {
        use wiremock::matchers::{method, path};
        let server = MockServer::start().await;
        let page = json!({"tasks": [{"priority": 3, "level": 40}]});
        wiremock::Mock::given(method("GET"))
            .and(path("/tasks/20"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(page))
            .mount(&server)
            .await;
        wiremock::Mock::given(method("GET")).and(path("/tasks/-5")).respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"tasks": []}))).mount(&server).await;
        let client = api::Client::builder(TOKEN).base_url(server.uri()).max_retries(0).build().unwrap();
        let list = client.list_tasks(Level::Unknown2).priority(Priority::High).bit_rate(ListTasksBitRate::V64000).send().await.unwrap();
        assert_eq!((list.tasks[0].priority, list.tasks[0].level), (Priority::High, Level::Unknown(40)));
        client.list_tasks(Level::Unknown(-5)).priority(Priority::Unknown(9)).send().await.unwrap();
        let requests = received(&server).await;
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert_eq!(requests[0].url.path(), "/tasks/20");
        assert_eq!(query_values(&requests[0], "priority"), ["3"]);
        assert_eq!(query_values(&requests[0], "bit_rate"), ["64000"]);
        assert_eq!(requests[1].url.path(), "/tasks/-5");
        assert_eq!(query_values(&requests[1], "priority"), ["9"]);
        assert!(query_values(&requests[1], "bit_rate").is_empty());
    }
}

// ---- nullable_optional --------------------------------------------------------------

mod nullable_optional {
    use super::*;
    use client_runtime::chrono::{DateTime, NaiveDate, Utc};

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/nullable_optional.rs"));
    }
    use api::types::*;

    /// A record with only what is required.
    fn minimal() -> Value {
        json!({"id": "r1", "required_nullable": null, "created_at": "2024-05-01T12:30:00Z", "tags": []})
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap().and_utc()
    }

    #[test]
    fn the_minimal_record_round_trips() {
        let record = round_trip::<Record>(minimal());
        assert_eq!(record.id, "r1");
        assert_eq!(record.required_nullable, None);
        assert_eq!(record.created_at, at(2024, 5, 1, 12, 30, 0));
        assert!(record.tags.is_empty());
        assert_eq!((record.optional, record.optional_nullable, record.updated_at, record.parent), (None, None, None, None));
    }

    #[test]
    fn an_optional_field_is_absent_or_a_value() {
        assert_eq!(round_trip::<Record>(minimal()).optional, None);
        assert_eq!(round_trip::<Record>(with(&minimal(), "optional", json!("x"))).optional, Some("x".into()));
    }

    #[test]
    fn a_required_nullable_field_is_null_or_a_value_and_always_sent() {
        let record = round_trip::<Record>(minimal());
        assert_eq!(record.required_nullable, None);
        assert_eq!(encode(&record)["required_nullable"], Value::Null, "sent as null, not left out");
        let record = round_trip::<Record>(with(&minimal(), "required_nullable", json!("v")));
        assert_eq!(record.required_nullable, Some("v".into()));
    }

    /// The minimal record with `field` absent, `null`, and `value`, each
    /// checked to re-encode exactly as it came (absent stays absent).
    fn three_states(field: &str, value: Value) -> [Record; 3] {
        [minimal(), with(&minimal(), field, Value::Null), with(&minimal(), field, value)].map(round_trip)
    }

    #[test]
    fn an_optional_nullable_field_keeps_absent_null_and_value_apart() {
        // Absent is `None`, `null` is `Some(None)`, a value is `Some(Some(v))`.
        let [absent, null, set] = three_states("optional_nullable", json!(-7));
        assert_eq!([absent.optional_nullable, null.optional_nullable, set.optional_nullable], [None, Some(None), Some(Some(-7))]);
        let [absent, null, set] = three_states("updated_at", json!("2024-05-02T08:00:00Z"));
        assert_eq!([absent.updated_at, null.updated_at, set.updated_at], [None, Some(None), Some(Some(at(2024, 5, 2, 8, 0, 0)))]);
        let [absent, null, set] = three_states("scores", json!([0.5, 1.25]));
        assert_eq!([absent.scores, null.scores, set.scores], [None, Some(None), Some(Some(vec![0.5f32, 1.25]))]);
        // A nullable schema behind a $ref.
        let [absent, null, set] = three_states("parent", json!({"id": "p1"}));
        assert_eq!([absent.parent, null.parent, set.parent], [None, Some(None), Some(Some(ParentRef { id: "p1".into() }))]);
    }

    #[test]
    fn built_in_rust_the_three_states_encode_as_absent_null_and_value() {
        let mut record: Record = decode(&minimal()).unwrap();
        record.optional_nullable = None;
        assert!(!encode(&record).as_object().unwrap().contains_key("optional_nullable"));
        record.optional_nullable = Some(None);
        assert_eq!(encode(&record)["optional_nullable"], Value::Null);
        record.optional_nullable = Some(Some(3));
        assert_eq!(encode(&record)["optional_nullable"], json!(3));
    }

    #[test]
    fn a_missing_required_field_is_a_decode_error_naming_it() {
        for field in ["id", "created_at", "tags"] {
            let error = decode_error::<Record>(without(&minimal(), field));
            assert!(error.contains(&format!("missing field `{field}`")), "{field}: {error}");
        }
        // In a nested required field too.
        let error = decode_error::<Record>(with(&minimal(), "owners", json!({"ann": {"active": true}})));
        assert!(error.contains("missing field `name`"), "{error}");
    }

    #[test]
    fn a_null_in_a_field_that_is_not_nullable_is_a_decode_error() {
        for field in ["id", "created_at", "tags"] {
            let error = decode_error::<Record>(with(&minimal(), field, Value::Null));
            assert!(error.contains("invalid type: null"), "{field}: {error}");
        }
    }

    #[test]
    fn dates_times_maps_and_free_form_values_round_trip() {
        let record = round_trip::<Record>(json!({
            "id": "r2",
            "required_nullable": "rn",
            "created_at": "2024-02-29T23:59:59.250Z",
            "birthday": "1990-02-28",
            "tags": ["a", "b"],
            "labels": {"env": "prod", "": "empty key"},
            "counters": {"hits": 9007199254740993i64, "misses": -1},
            "owners": {"ann": {"name": "Ann", "active": false}},
            "metadata": {"nested": {"deep": [1, "two", null]}},
            "extra": {},
            "anything": "a string is fine",
        }));
        assert_eq!(record.birthday, NaiveDate::from_ymd_opt(1990, 2, 28));
        assert_eq!(record.created_at.timestamp_subsec_millis(), 250);
        assert_eq!(record.counters.as_ref().unwrap()["hits"], 9007199254740993);
        assert_eq!(record.owners.as_ref().unwrap()["ann"], Owner { name: "Ann".into(), active: Some(false) });
        assert_eq!(record.anything, Some(json!("a string is fine")));
    }

    #[test]
    fn a_timestamp_with_an_offset_is_the_same_instant_in_utc() {
        let record: Record = decode(&with(&minimal(), "created_at", json!("2024-05-01T14:30:00+02:00"))).unwrap();
        assert_eq!(record.created_at, at(2024, 5, 1, 12, 30, 0));
        // Re-encoding normalises the spelling, not the instant.
        assert_eq!(encode(&record)["created_at"], json!("2024-05-01T12:30:00Z"));
        let error = decode_error::<Record>(with(&minimal(), "created_at", json!("yesterday")));
        assert!(error.contains("input contains invalid characters"), "{error}");
    }

    #[tokio::test]
    async fn a_response_missing_a_required_field_is_an_error_whose_path_names_it() {
        let server = MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::path("/records/r1"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(without(&minimal(), "created_at")))
            .mount(&server)
            .await;
        let client = api::Client::builder(TOKEN).base_url(server.uri()).max_retries(0).build().unwrap();
        match client.get_record("r1").send().await {
            Err(Error::Decode(e)) => {
                assert_eq!(e.path, "created_at", "{e}");
                assert!(e.message.contains("missing field `created_at`"), "{e}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }
}

// ---- shape_maps ---------------------------------------------------------------------

mod shape_maps {
    use super::*;
    use std::collections::BTreeMap;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/shape_maps.rs"));
    }
    use api::types::*;

    #[test]
    fn properties_beside_additional_properties_keep_the_others_in_the_map() {
        let json = json!({"kind": "widget", "color": "red", "size": 3, "nested": {"a": [1, null]}});
        let extensible = round_trip::<Extensible>(json);
        assert_eq!(extensible.kind, "widget");
        assert_eq!(
            extensible.additional_properties,
            BTreeMap::from([("color".to_owned(), json!("red")), ("size".to_owned(), json!(3)), ("nested".to_owned(), json!({"a": [1, null]}))])
        );
        // The known property is not in the map as well.
        assert!(!extensible.additional_properties.contains_key("kind"));
        assert_eq!(round_trip::<Extensible>(json!({"kind": "bare"})).additional_properties, BTreeMap::new());
    }

    #[test]
    fn typed_additional_properties_are_typed_and_the_known_optional_ones_stay_fields() {
        let annotated = round_trip::<Annotated>(json!({"name": "n", "note": "known", "lang": "en", "tone": "dry"}));
        assert_eq!(annotated.note.as_deref(), Some("known"));
        assert_eq!(
            annotated.additional_properties,
            BTreeMap::from([("lang".to_owned(), "en".to_owned()), ("tone".to_owned(), "dry".to_owned())])
        );
        let annotated = round_trip::<Annotated>(json!({"name": "n"}));
        assert_eq!((annotated.note, annotated.additional_properties.len()), (None, 0));
    }

    #[test]
    fn additional_properties_built_in_rust_are_encoded_beside_the_fields() {
        let extensible = Extensible { kind: "k".into(), additional_properties: BTreeMap::from([("x".to_owned(), json!([true]))]) };
        assert_eq!(encode(&extensible), json!({"kind": "k", "x": [true]}));
    }

    #[test]
    fn additional_properties_false_is_the_struct_and_unknown_properties_are_ignored() {
        assert_eq!(round_trip::<Closed>(json!({"x": 1, "y": -2})), Closed { x: 1, y: Some(-2) });
        // Not refused: a server that adds a property does not break the client.
        let closed: Closed = decode(&json!({"x": 1, "z": 9})).unwrap();
        assert_eq!(closed, Closed { x: 1, y: None });
    }

    #[test]
    fn maps_and_free_form_objects_round_trip() {
        let record = round_trip::<Record>(json!({
            "id": "r",
            "labels": {"a": "1", "b": "2"},
            "anything": {"k": [1, {"deep": null}]},
            "free_form": {"x": "y"},
            "untyped": 42,
            "closed": {"x": 0},
            "owners": {"o1": {"name": "Ann"}},
            "groups": {"admins": ["ann", "bob"], "empty": []},
            "matrix": {"r1": {"c1": 0.5, "c2": -1.25}, "r2": {}},
            "extensible": {"kind": "k", "more": true},
            "annotated": {"name": "n", "lang": "en"},
        }));
        assert_eq!(record.labels["b"], "2");
        assert_eq!(record.groups.as_ref().unwrap()["admins"], ["ann", "bob"]);
        assert_eq!(record.matrix.as_ref().unwrap()["r1"]["c2"], -1.25);
        assert_eq!(record.untyped, Some(json!(42)));
        assert_eq!(record.extensible.unwrap().additional_properties["more"], json!(true));
        // A map value of the wrong type is an error naming the key's place.
        let error = decode_error::<Record>(json!({"id": "r", "labels": {"a": 1}}));
        assert!(error.contains("invalid type: integer"), "{error}");
    }

    #[tokio::test]
    async fn a_map_as_the_whole_response_body_decodes() {
        let server = MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::path("/inventory"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(json!({"sku-1": 3, "sku-2": 0, "sku-3": -1})))
            .mount(&server)
            .await;
        let client = api::Client::builder(TOKEN).base_url(server.uri()).max_retries(0).build().unwrap();
        let inventory = client.get_inventory().send().await.unwrap();
        assert_eq!(inventory, BTreeMap::from([("sku-1".to_owned(), 3), ("sku-2".to_owned(), 0), ("sku-3".to_owned(), -1)]));
    }
}

// ---- shape_numbers --------------------------------------------------------------------

mod shape_numbers {
    use super::*;
    use client_runtime::chrono::{NaiveDate, TimeZone, Utc};

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/shape_numbers.rs"));
    }
    use api::types::*;

    fn measurement() -> Value {
        json!({
            "id": "6f1c2e1a-0000-4000-8000-000000000001",
            "small": i32::MIN,
            "large": i64::MAX,
            "plain": i64::MIN,
            "single": 0.25,
            "double": 1e300,
            "number": -2.5,
            "counter": u64::MAX,
        })
    }

    #[test]
    fn every_integer_the_spec_allows_decodes_and_encodes_back() {
        let m = round_trip::<Measurement>(measurement());
        assert_eq!(m.counter, u64::MAX, "maximum: 18446744073709551615");
        assert_eq!((m.small, m.large, m.plain), (i32::MIN, i64::MAX, i64::MIN));
        assert_eq!(round_trip::<Measurement>(with(&measurement(), "counter", json!(0))).counter, 0);
    }

    #[test]
    fn an_integer_outside_its_type_is_an_error_naming_the_field() {
        for (field, value) in [("small", json!(2147483648i64)), ("counter", json!(-1)), ("large", json!(u64::MAX)), ("small", json!(1.5))] {
            let error = decode_error::<Measurement>(with(&measurement(), field, value.clone()));
            assert!(error.contains("invalid"), "{field} = {value}: {error}");
        }
    }

    #[test]
    fn floats_and_doubles_keep_their_values() {
        let m = round_trip::<Measurement>(with_all(&measurement(), json!({"single": 0.1, "tiny": -1e29})));
        assert_eq!(m.single, 0.1f32);
        assert_eq!((m.double, m.number, m.tiny), (1e300, -2.5, Some(-1e29)));
        // Integers are numbers too.
        let m: Measurement = decode(&with(&measurement(), "double", json!(3))).unwrap();
        assert_eq!(m.double, 3.0);
    }

    #[test]
    fn dates_date_times_and_formatted_strings_round_trip() {
        let m = round_trip::<Measurement>(with_all(
            &measurement(),
            json!({
                "priority": 2,
                "day": "2024-02-29",
                "at": "2024-02-29T23:59:59.123456Z",
                "payload": "raw bytes",
                "signature": "c2lnbmF0dXJl",
            }),
        ));
        assert_eq!(m.priority, Some(Priority::V2));
        assert_eq!(m.day, NaiveDate::from_ymd_opt(2024, 2, 29));
        let at = m.at.unwrap();
        assert_eq!(at.timestamp_subsec_micros(), 123456);
        assert_eq!(at.date_naive(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        let error = decode_error::<Measurement>(with(&measurement(), "day", json!("2023-02-29")));
        assert!(error.contains("input is out of range"), "{error}");
    }

    #[tokio::test]
    async fn numeric_and_date_parameters_are_sent_as_text_and_bounds_are_checked_first() {
        let server = MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::path("/measurements/m1"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(measurement()))
            .mount(&server)
            .await;
        let client = api::Client::builder(TOKEN).base_url(server.uri()).max_retries(0).build().unwrap();
        let since = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        let m = client
            .get_measurement("m1")
            .counter(u64::MAX)
            .offset(i64::MIN)
            .positive(99)
            .wide(i32::MAX)
            .since(since)
            .day(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(m.counter, u64::MAX);
        let request = only_request(&server).await;
        assert_eq!(query_values(&request, "counter"), ["18446744073709551615"]);
        assert_eq!(query_values(&request, "offset"), ["-9223372036854775808"]);
        assert_eq!(query_values(&request, "positive"), ["99"]);
        assert_eq!(query_values(&request, "since"), ["2024-01-02T03:04:05Z"]);
        assert_eq!(query_values(&request, "day"), ["2024-02-29"]);

        // Exclusive bounds: 0 < positive < 100, 0 < fraction <= 1; wide >= 0.
        assert_eq!(refused(client.get_measurement("m1").positive(0).send().await).parameter, "positive");
        assert_eq!(refused(client.get_measurement("m1").positive(100).send().await).parameter, "positive");
        assert_eq!(refused(client.get_measurement("m1").fraction(0.0).send().await).parameter, "fraction");
        assert_eq!(refused(client.get_measurement("m1").fraction(1.01).send().await).parameter, "fraction");
        assert_eq!(refused(client.get_measurement("m1").wide(-1).send().await).parameter, "wide");
        assert_eq!(refused(client.get_measurement("m1").threshold(f64::NAN).send().await).parameter, "threshold");
        assert_eq!(received(&server).await.len(), 1, "nothing refused was sent");
    }
}

// ---- shape_recursive ------------------------------------------------------------------

mod shape_recursive {
    use super::*;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/shape_recursive.rs"));
    }
    use api::types::*;

    #[test]
    fn a_three_level_tree_round_trips() {
        let root = round_trip::<Node>(json!({
            "id": "root",
            "children": [
                {"id": "a", "children": [{"id": "a1", "children": [], "parent": {"id": "a", "children": []}}]},
                {"id": "b", "children": []},
            ],
        }));
        assert_eq!(root.children.len(), 2);
        let grandchild = &root.children[0].children[0];
        assert_eq!(grandchild.id, "a1");
        assert_eq!(grandchild.parent.as_ref().map(|p| p.id.as_str()), Some("a"));
        assert_eq!(root.parent, None);
    }

    #[test]
    fn mutual_recursion_round_trips() {
        let a = round_trip::<A>(json!({"b": {"label": "top", "a": {"b": {"a": {"b": {"label": "deep"}}}}}}));
        assert_eq!(a.b.label.as_deref(), Some("top"));
        let deep = &a.b.a.as_ref().unwrap().b.a.as_ref().unwrap().b;
        assert_eq!((deep.label.as_deref(), deep.a.is_none()), (Some("deep"), true));
        let error = decode_error::<A>(json!({"b": {"a": {}}}));
        assert!(error.contains("missing field `b`"), "{error}");
    }

    #[test]
    fn a_one_of_whose_member_holds_it_round_trips() {
        let expr = round_trip::<Expr>(json!({
            "op": "+",
            "left": {"value": 1.5},
            "right": {"op": "-", "left": {"value": 2.5}, "right": {"value": 0.5}},
        }));
        let Expr::BinaryOp(add) = expr else { panic!("not an operation") };
        assert_eq!(add.op, BinaryOpOp::Value);
        assert_eq!(*add.left, Expr::Literal(Literal { value: 1.5 }));
        let Expr::BinaryOp(sub) = &*add.right else { panic!("not an operation") };
        assert_eq!(sub.op.as_str(), "-");
        // A new operator is the operator's `Unknown`, not the expression's.
        let Expr::BinaryOp(mul) = round_trip::<Expr>(json!({"op": "*", "left": {"value": 1.5}, "right": {"value": 0.5}})) else {
            panic!("not an operation")
        };
        assert_eq!(mul.op, BinaryOpOp::Unknown("*".into()));
        assert!(round_trip::<Expr>(json!({"call": "f"})).is_unknown());
    }

    #[test]
    fn a_one_of_containing_itself_round_trips() {
        let filter = round_trip::<Filter>(json!({"not": {"not": {"field": "a", "equals": "b"}}}));
        let Filter::Variant1(not) = filter else { panic!("not a negation") };
        let Filter::Variant1(not) = &*not.not else { panic!("not a negation") };
        assert_eq!(*not.not, Filter::Variant0(FilterVariant0 { field: "a".into(), equals: "b".into() }));
    }

    #[test]
    fn any_json_spelled_out_round_trips() {
        let json = json!({"s": "x", "n": -0.5, "b": true, "a": ["y", 2.5, [false]], "m": {"deep": {"deeper": []}}});
        let Json::Map(map) = round_trip::<Json>(json) else { panic!("not a map") };
        assert_eq!(map["s"], Json::String("x".into()));
        assert_eq!(map["a"], Json::Array(vec![Json::String("y".into()), Json::Number(2.5), Json::Array(vec![Json::Bool(false)])]));
        // An integer is a number.
        assert_eq!(decode::<Json>(&json!(3)).unwrap(), Json::Number(3.0));
        assert_eq!(round_trip::<Json>(Value::Null), Json::Unknown(Value::Null));
    }
}

// ---- shape_allof --------------------------------------------------------------------------

mod shape_allof {
    use super::*;
    use client_runtime::chrono::NaiveDate;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/shape_allof.rs"));
    }
    use api::types::*;

    fn pet() -> Value {
        json!({
            "id": "p1",                                   // Resource
            "created_at": "2024-01-01T00:00:00Z",         // Resource
            "name": "Tom",                                // Named, via NewPet
            "nickname": "T",                              // Named, via NewPet
            "species": "cat",                             // NewPet, required by Pet's inline member
            "birthday": "2020-06-01",                     // NewPet
            "owner": {"name": "Ann", "email": "a@x", "phone": "+1"}, // Pet's inline member
            "vaccinated": true,                           // Pet's inline member
        })
    }

    #[test]
    fn a_merged_object_decodes_with_fields_from_every_member() {
        let pet = round_trip::<Pet>(pet());
        assert_eq!(pet.id, "p1");
        assert!(pet.created_at.is_some());
        assert_eq!((pet.name.as_str(), pet.nickname.as_deref()), ("Tom", Some("T")));
        assert_eq!(pet.species, PetSpecies::Cat);
        assert_eq!(pet.birthday, NaiveDate::from_ymd_opt(2020, 6, 1));
        assert_eq!(pet.owner, Owner { name: "Ann".into(), nickname: None, email: Some("a@x".into()), phone: "+1".into() });
        assert_eq!(pet.vaccinated, Some(true));
        // Only what is required.
        let minimal = json!({"id": "p2", "name": "Rex", "species": "dog", "owner": {"name": "Bob", "phone": "2"}});
        assert_eq!(round_trip::<Pet>(minimal).species, PetSpecies::Dog);
    }

    #[test]
    fn a_missing_field_required_by_any_member_is_an_error_naming_it() {
        // `id` by Resource, `name` by Named (inside NewPet), `species` and `owner`
        // by Pet's inline member.
        for field in ["id", "name", "species", "owner"] {
            let error = decode_error::<Pet>(without(&pet(), field));
            assert!(error.contains(&format!("missing field `{field}`")), "{field}: {error}");
        }
        // `phone` by the allOf nested in Owner's allOf.
        let error = decode_error::<Pet>(with(&pet(), "owner", json!({"name": "Ann"})));
        assert!(error.contains("missing field `phone`"), "{error}");
    }

    #[test]
    fn an_annotated_ref_to_its_holder_decodes_nested_and_keeps_null_apart_from_absent() {
        let repo = round_trip::<Repo>(json!({
            "name": "fork",
            "parent": {"name": "upstream", "parent": {"name": "origin"}},
            "maintainer": null,
        }));
        let parent = repo.parent.as_deref().expect("parent");
        assert_eq!(parent.name, "upstream");
        assert_eq!(parent.parent.as_deref().map(|p| p.name.as_str()), Some("origin"));
        assert_eq!(repo.maintainer, Some(None));
        assert_eq!(round_trip::<Repo>(json!({"name": "solo"})).maintainer, None);
    }

    #[test]
    fn an_inline_all_of_copying_its_holder_is_a_recursive_type() {
        let folder = round_trip::<Folder>(json!({"title": "a", "sub": {"title": "b", "depth": 1, "sub": {"depth": 2}}}));
        let sub = folder.sub.expect("sub");
        assert_eq!((sub.title.as_deref(), sub.depth), (Some("b"), Some(1)));
        assert_eq!(sub.sub.and_then(|s| s.depth), Some(2));
    }

    #[test]
    fn the_members_alone_do_not_require_what_the_merge_adds() {
        // `species` is optional in NewPet; only Pet requires it.
        let new_pet = round_trip::<NewPet>(json!({"name": "Rex"}));
        assert_eq!(new_pet.species, None);
    }

    #[tokio::test]
    async fn an_inline_merged_request_body_is_sent_with_every_members_fields() {
        let server = MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .and(wiremock::matchers::path("/pets"))
            .respond_with(wiremock::ResponseTemplate::new(201).set_body_json(pet()))
            .mount(&server)
            .await;
        let client = api::Client::builder(TOKEN).base_url(server.uri()).max_retries(0).build().unwrap();
        let body = CreatePetBody {
            name: "Tom".into(),
            nickname: None,
            species: Some(CreatePetBodySpecies::Cat),
            birthday: NaiveDate::from_ymd_opt(2020, 6, 1),
            owner_id: "o1".into(),
        };
        let created = client.create_pet(body).send().await.unwrap();
        assert_eq!(created.id, "p1");
        let request = only_request(&server).await;
        assert_eq!(header_value(&request, "content-type"), "application/json");
        let sent: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(sent, json!({"name": "Tom", "species": "cat", "birthday": "2020-06-01", "owner_id": "o1"}));
    }
}

// ---- shape_31 -------------------------------------------------------------------------------

mod shape_31 {
    use super::*;

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/shape_31.rs"));
    }
    use api::types::*;

    fn event() -> Value {
        json!({"id": "evt_1", "kind": "event", "version": 2, "title": null, "payload": null})
    }

    #[test]
    fn type_with_null_required_is_null_or_a_value_and_always_sent() {
        let e = round_trip::<Event>(event());
        assert_eq!(e.title, None);
        assert_eq!(encode(&e)["title"], Value::Null);
        assert_eq!(round_trip::<Event>(with(&event(), "title", json!("Launch"))).title.as_deref(), Some("Launch"));
    }

    #[test]
    fn type_with_null_optional_keeps_absent_null_and_value_apart() {
        let absent = round_trip::<Event>(event());
        let null = round_trip::<Event>(with_all(&event(), json!({"note": null, "tags": null})));
        let set = round_trip::<Event>(with_all(&event(), json!({"note": "n", "tags": ["a", "b"]})));
        assert_eq!((absent.note, null.note, set.note), (None, Some(None), Some(Some("n".into()))));
        assert_eq!((absent.tags, null.tags, set.tags), (None, Some(None), Some(Some(vec!["a".into(), "b".into()]))));
    }

    #[test]
    fn one_of_a_ref_and_null_is_the_referenced_type_nullable() {
        assert_eq!(round_trip::<Event>(event()).payload, None);
        let e = round_trip::<Event>(with(&event(), "payload", json!({"data": "d"})));
        assert_eq!(e.payload, Some(Payload { data: "d".into() }));
        let error = decode_error::<Event>(with(&event(), "payload", json!({"other": 1})));
        assert!(error.contains("missing field `data`"), "{error}");
    }

    #[test]
    fn a_ref_with_siblings_is_the_referenced_type_and_nullable_when_said() {
        let e = round_trip::<Event>(with(&event(), "source", json!({"name": "cli"})));
        assert_eq!(e.source, Some(Source { name: "cli".into() }));
        let absent = round_trip::<Event>(event());
        let null = round_trip::<Event>(with(&event(), "previous", Value::Null));
        let set = round_trip::<Event>(with(&event(), "previous", json!({"name": "web"})));
        assert_eq!((absent.previous, null.previous, set.previous), (None, Some(None), Some(Some(Source { name: "web".into() }))));
    }

    #[test]
    fn const_is_its_type_and_an_untyped_const_is_any_json_value_unchecked() {
        let e = round_trip::<Event>(event());
        assert_eq!((e.kind, e.version), (json!("event"), EventVersion::V2));
        // A typed const is a one-value enum, open like every enum.
        assert_eq!(round_trip::<Event>(with(&event(), "version", json!(3))).version, EventVersion::Unknown(3));
        // As documented: the constant is not checked, so another value decodes as it is.
        assert_eq!(round_trip::<Event>(with(&event(), "kind", json!({"not": "the constant"}))).kind, json!({"not": "the constant"}));
        // A typed const has its type: a string is not an integer.
        let error = decode_error::<Event>(with(&event(), "version", json!("2")));
        assert!(error.contains("invalid type"), "{error}");
    }

    #[tokio::test]
    async fn numeric_exclusive_bounds_are_checked_as_the_inclusive_ones_next_to_them() {
        let server = MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::path("/events/e1"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(event()))
            .mount(&server)
            .await;
        let client = api::Client::builder(TOKEN).base_url(server.uri()).max_retries(0).build().unwrap();
        for limit in [0, 101, i32::MIN] {
            let invalid = refused(client.get_event("e1").limit(limit).send().await);
            assert_eq!(invalid.parameter, "limit");
            assert!(invalid.message.contains("between 1 and 100"), "{invalid}");
        }
        assert!(received(&server).await.is_empty(), "nothing refused was sent");
        for limit in [1, 100] {
            client.get_event("e1").limit(limit).send().await.unwrap();
        }
        let sent: Vec<Vec<String>> = received(&server).await.iter().map(|r| query_values(r, "limit")).collect();
        assert_eq!(sent, [["1"], ["100"]]);
    }
}

// ---- shape_operations (wire) ----------------------------------------------------------------

mod shape_operations {
    use super::*;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/shape_operations.rs"));
    }
    use api::types::*;
    use api::{Client, CreateWidgetError};
    use client_runtime::FilePart;

    fn client(server: &MockServer) -> Client {
        Client::builder(TOKEN).base_url(server.uri()).timeout(Duration::from_secs(5)).max_retries(0).build().expect("valid configuration")
    }

    async fn server_answering(method_name: &str, path_name: &str, response: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method(method_name)).and(path(path_name)).respond_with(response).mount(&server).await;
        server
    }

    #[tokio::test]
    async fn query_arrays_headers_and_cookies_go_where_the_spec_puts_them() {
        let server = server_answering("GET", "/widgets", ResponseTemplate::new(200).set_body_json(json!([{"id": "w1", "name": "W"}]))).await;
        let widgets = client(&server)
            .get_widgets("s3ss10n")
            .ids(vec![1, 2])
            .tags(vec!["a".to_owned(), "b".to_owned()])
            .x_request_id("req-1")
            .theme("dark")
            .send()
            .await
            .unwrap();
        assert_eq!(widgets, [Widget { id: Some("w1".into()), name: "W".into() }]);
        let request = only_request(&server).await;
        // `explode: true`: one pair per item.
        assert_eq!(query_values(&request, "ids"), ["1", "2"]);
        // `explode: false`: one pair, the items comma-separated.
        assert_eq!(query_values(&request, "tags"), ["a,b"]);
        assert_eq!(header_value(&request, "x-request-id"), "req-1");
        // Both cookies, in one `Cookie` header.
        assert_eq!(header_value(&request, "cookie"), "session=s3ss10n; theme=dark");
        assert_eq!(header_value(&request, "authorization"), format!("Bearer {TOKEN}"));
    }

    #[tokio::test]
    async fn parameters_left_unset_are_not_sent() {
        let server = server_answering("GET", "/widgets", ResponseTemplate::new(200).set_body_json(json!([]))).await;
        client(&server).get_widgets("s").send().await.unwrap();
        let request = only_request(&server).await;
        assert_eq!(request.url.query(), None);
        assert!(header_values(&request, "x-request-id").is_empty());
        assert_eq!(header_value(&request, "cookie"), "session=s");
    }

    #[tokio::test]
    async fn an_unexploded_array_keeps_commas_inside_items_apart_from_the_delimiters() {
        let server = server_answering("GET", "/widgets", ResponseTemplate::new(200).set_body_json(json!([]))).await;
        let client = client(&server);
        client.get_widgets("s").tags(vec!["a,b".to_owned(), "c".to_owned()]).send().await.unwrap();
        client.get_widgets("s").tags(vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]).send().await.unwrap();
        let requests = received(&server).await;
        let (two, three) = (requests[0].url.query().unwrap(), requests[1].url.query().unwrap());
        assert_ne!(two, three, "two tags and three tags are sent alike");
        assert_eq!(three, "tags=a,b,c");
        assert_eq!(two, "tags=a%2Cb,c");
    }

    #[tokio::test]
    async fn a_cookie_value_that_would_split_the_header_is_refused_before_sending() {
        let server = MockServer::start().await;
        let invalid = refused(client(&server).get_widgets("s; admin=1").send().await);
        assert_eq!(invalid.parameter, "session");
        let invalid = refused(client(&server).get_widgets("s").theme("dark\r\nX: y").send().await);
        assert_eq!(invalid.parameter, "theme");
        assert!(received(&server).await.is_empty());
    }

    #[tokio::test]
    async fn a_json_body_is_sent_and_a_vendor_json_response_decoded() {
        let response = ResponseTemplate::new(201).set_body_raw(r#"{"id":"w9","name":"New"}"#, "application/vnd.api+json");
        let server = server_answering("POST", "/widgets", response).await;
        let created = client(&server).create_widget(Widget { id: None, name: "New".into() }).send().await.unwrap();
        assert_eq!(created, Widget { id: Some("w9".into()), name: "New".into() });
        let request = only_request(&server).await;
        assert_eq!(header_value(&request, "content-type"), "application/json");
        assert_eq!(serde_json::from_slice::<Value>(&request.body).unwrap(), json!({"name": "New"}));
    }

    #[tokio::test]
    async fn error_bodies_are_typed_when_json_and_kept_as_text_otherwise() {
        let problem = ResponseTemplate::new(400).set_body_raw(r#"{"title":"Bad name","detail":"too long"}"#, "application/problem+json");
        let server = server_answering("POST", "/widgets", problem).await;
        match client(&server).create_widget(Widget { id: None, name: "x".repeat(10) }).send().await {
            Err(Error::Api(e)) => {
                assert_eq!(e.status.as_u16(), 400);
                assert_eq!(e.body, Some(CreateWidgetError::BadRequest(Problem { title: "Bad name".into(), detail: Some("too long".into()) })));
            }
            other => panic!("expected a typed 400, got {other:?}"),
        }
        let server = server_answering("POST", "/widgets", ResponseTemplate::new(409).set_body_raw("already exists", "text/plain")).await;
        match client(&server).create_widget(Widget { id: None, name: "x".into() }).send().await {
            Err(Error::Api(e)) => assert_eq!((e.status.as_u16(), e.body, e.raw.as_str()), (409, None, "already exists")),
            other => panic!("expected a 409, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_multipart_body_has_a_boundary_and_one_part_per_property() {
        let server = server_answering("POST", "/widgets/w1/image", ResponseTemplate::new(204)).await;
        let body = UploadImageBody {
            file: FilePart::new("w.gif", "GIF89a..."),
            thumbnail: None,
            pages: None,
            caption: Some("A \"quoted\" caption".into()),
        };
        client(&server).upload_image("w1", body).send().await.unwrap();
        let request = only_request(&server).await;
        let parts = multipart_parts(&request);
        assert_eq!(parts.len(), 2, "{parts:#?}");
        let part = |name: &str| {
            let disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
            parts.iter().find(|(headers, _)| headers.lines().any(|l| l.starts_with(&disposition))).unwrap_or_else(|| panic!("no part {name}: {parts:#?}"))
        };
        assert_eq!(part("caption").1, b"A \"quoted\" caption");
        assert!(part("caption").0.contains("Content-Type: text/plain; charset=utf-8"), "{parts:#?}");
        assert_eq!(part("file").1, b"GIF89a...");

        // An unset optional property is no part at all.
        let server = server_answering("POST", "/widgets/w1/image", ResponseTemplate::new(204)).await;
        let body = UploadImageBody { file: FilePart::new("f", "f"), thumbnail: None, pages: None, caption: None };
        client(&server).upload_image("w1", body).send().await.unwrap();
        let parts = multipart_parts(&only_request(&server).await);
        assert_eq!(parts.len(), 1, "{parts:#?}");
        assert!(parts[0].0.contains("name=\"file\""), "{parts:#?}");
    }

    #[tokio::test]
    async fn a_binary_multipart_property_is_sent_as_a_file_part() {
        let server = server_answering("POST", "/widgets/w1/image", ResponseTemplate::new(204)).await;
        // Not UTF-8, with a CRLF and dashes inside: sent byte for byte.
        let gif = vec![b'G', b'I', b'F', 0x00, 0xff, 0xfe, b'\r', b'\n', b'-', b'-', 0x80];
        let body = UploadImageBody {
            file: FilePart::new("cat \"the\"\r\nbest.gif", gif.clone()).content_type("image/gif"),
            thumbnail: Some(FilePart::new("small.png", vec![0x89, b'P', b'N', b'G'])),
            pages: Some(vec![FilePart::new("p1.bin", vec![1u8]), FilePart::new("p2.jpg", vec![2u8]).content_type("image/jpeg")]),
            caption: None,
        };
        client(&server).upload_image("w1", body).send().await.unwrap();
        let parts = multipart_parts(&only_request(&server).await);
        let headers = |i: usize| parts[i].0.lines().collect::<Vec<_>>();
        assert_eq!(parts.len(), 4, "{parts:#?}");
        // A filename, escaped as browsers do, and the content type the caller gave.
        assert_eq!(headers(0), ["Content-Disposition: form-data; name=\"file\"; filename=\"cat %22the%22%0D%0Abest.gif\"", "Content-Type: image/gif"]);
        assert_eq!(parts[0].1, gif);
        // None given: the one the spec's `encoding` names.
        assert_eq!(headers(1), ["Content-Disposition: form-data; name=\"thumbnail\"; filename=\"small.png\"", "Content-Type: image/png"]);
        assert_eq!(parts[1].1, [0x89, b'P', b'N', b'G']);
        // An array of files is one part per file under the same name; the spec's
        // `encoding` lists two types, so none is assumed.
        assert_eq!(headers(2), ["Content-Disposition: form-data; name=\"pages\"; filename=\"p1.bin\"", "Content-Type: application/octet-stream"]);
        assert_eq!(headers(3), ["Content-Disposition: form-data; name=\"pages\"; filename=\"p2.jpg\"", "Content-Type: image/jpeg"]);
        assert_eq!((parts[2].1.as_slice(), parts[3].1.as_slice()), (&[1u8][..], &[2u8][..]));
    }

    #[tokio::test]
    async fn a_file_content_type_that_would_split_the_header_is_refused_before_sending() {
        let server = MockServer::start().await;
        let file = FilePart::new("a.txt", "a").content_type("text/plain\r\nX-Injected: 1");
        let body = UploadImageBody { file, thumbnail: None, pages: None, caption: None };
        let invalid = refused(client(&server).upload_image("w1", body).send().await);
        assert_eq!(invalid.parameter, "body");
        assert!(received(&server).await.is_empty());
    }

    #[tokio::test]
    async fn a_form_body_is_sent_urlencoded() {
        let server = server_answering("POST", "/login", ResponseTemplate::new(204)).await;
        let body = LogInBody { username: "ann@example.com".into(), password: "p&ss= wörd+".into(), remember: Some(true) };
        client(&server).log_in(body).send().await.unwrap();
        let request = only_request(&server).await;
        assert_eq!(header_value(&request, "content-type"), "application/x-www-form-urlencoded");
        let text = String::from_utf8(request.body.clone()).unwrap();
        assert_eq!(
            form_pairs(&text),
            [("username".into(), "ann@example.com".into()), ("password".into(), "p&ss= wörd+".into()), ("remember".into(), "true".into())],
            "{text}"
        );
    }

    #[tokio::test]
    async fn an_octet_stream_body_is_sent_as_given_with_its_content_type() {
        let server = server_answering("PUT", "/widgets/w1/blob", ResponseTemplate::new(204)).await;
        let bytes = vec![0u8, 0x9f, 0x92, 0x96, 0xff, b'\r', b'\n'];
        client(&server).upload_blob("w1", bytes.clone()).send().await.unwrap();
        let request = only_request(&server).await;
        assert_eq!(header_value(&request, "content-type"), "application/octet-stream");
        assert_eq!(request.body, bytes);
    }

    #[tokio::test]
    async fn text_and_binary_responses_are_the_bodys_bytes() {
        let server = server_answering("GET", "/widgets/w1/blob", ResponseTemplate::new(200).set_body_raw(vec![0u8, 255, 1], "application/octet-stream")).await;
        assert_eq!(client(&server).download_blob("w1").send().await.unwrap(), [0u8, 255, 1]);
        let server = server_answering("GET", "/widgets/w1/label", ResponseTemplate::new(200).set_body_raw("Label ✓", "text/plain")).await;
        assert_eq!(client(&server).get_label("w1").send().await.unwrap(), "Label ✓".as_bytes());
    }

    #[tokio::test]
    async fn path_parameters_are_one_encoded_segment_and_operations_named_from_their_path_reach_it() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/widgets/a%2Fb%20c"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "slash"})))
            .mount(&server)
            .await;
        Mock::given(method("DELETE")).and(path("/widgets/w1")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        Mock::given(method("GET")).and(path("/things")).respond_with(ResponseTemplate::new(200).set_body_json(json!(["t"]))).mount(&server).await;
        Mock::given(method("GET")).and(path("/things/all")).respond_with(ResponseTemplate::new(200).set_body_json(json!(["t", "u"]))).mount(&server).await;
        let client = client(&server);
        assert_eq!(client.get_widgets_widget_id("a/b c").send().await.unwrap().name, "slash");
        client.delete_widgets_widget_id("w1").send().await.unwrap();
        assert_eq!(client.list_things().send().await.unwrap(), ["t"]);
        assert_eq!(client.list_things2().send().await.unwrap(), ["t", "u"]);
        assert_eq!(refused(client.get_widgets_widget_id("..").send().await).parameter, "widget_id");
        assert_eq!(received(&server).await.len(), 4);
    }
}

// ---- post_and_params (wire) -----------------------------------------------------------------

mod post_and_params {
    use super::*;
    use client_runtime::chrono::NaiveDate;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};

    #[allow(dead_code, unused_imports)]
    mod api {
        include!(concat!(env!("OUT_DIR"), "/fixtures/post_and_params.rs"));
    }
    use api::types::*;
    use api::{BuildError, Client};

    const TENANT: &str = "tenant-7";

    fn client(server: &MockServer) -> Client {
        Client::builder(TOKEN, TENANT).base_url(server.uri()).timeout(Duration::from_secs(5)).max_retries(0).build().expect("valid configuration")
    }

    fn task() -> Value {
        json!({"number": 42, "title": "Write tests", "due": "2024-06-30"})
    }

    async fn task_server() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(task())).mount(&server).await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(task())).mount(&server).await;
        server
    }

    #[tokio::test]
    async fn a_get_sends_typed_path_parameters_the_query_and_the_headers() {
        let server = task_server().await;
        let task = client(&server)
            .get_task(i64::MAX, 42, "needle & thread")
            .ids(vec![-1, 9007199254740993])
            .labels(vec!["x".to_owned(), "y z".to_owned()])
            .limit(500)
            .offset(0)
            .min_score(1.5)
            .ratio(-0.5)
            .x_trace_id("trace-1")
            .send()
            .await
            .unwrap();
        assert_eq!(task, Task { number: 42, title: "Write tests".into(), due: NaiveDate::from_ymd_opt(2024, 6, 30) });
        let request = only_request(&server).await;
        assert_eq!(request.url.path(), "/projects/9223372036854775807/tasks/42");
        assert_eq!(query_values(&request, "q"), ["needle & thread"]);
        assert_eq!(query_values(&request, "ids"), ["-1", "9007199254740993"]);
        assert_eq!(query_values(&request, "labels"), ["x", "y z"]);
        assert_eq!(query_values(&request, "limit"), ["500"]);
        assert_eq!(query_values(&request, "offset"), ["0"]);
        assert_eq!(query_values(&request, "min_score"), ["1.5"]);
        assert_eq!(query_values(&request, "ratio"), ["-0.5"]);
        assert_eq!(header_value(&request, "x-trace-id"), "trace-1");
        // The header every operation requires, given once to the builder.
        assert_eq!(header_value(&request, "x-tenant-id"), TENANT);
        assert_eq!(header_value(&request, "authorization"), format!("Bearer {TOKEN}"));
    }

    #[tokio::test]
    async fn a_negative_integer_path_parameter_without_bounds_is_sent() {
        let server = task_server().await;
        client(&server).get_task(-5, 1, "q").send().await.unwrap();
        assert_eq!(only_request(&server).await.url.path(), "/projects/-5/tasks/1");
    }

    #[tokio::test]
    async fn a_float_parameter_is_sent_as_written() {
        let server = task_server().await;
        client(&server).get_task(1, 1, "q").ratio(0.1).send().await.unwrap();
        assert_eq!(query_values(&only_request(&server).await, "ratio"), ["0.1"]);
    }

    #[tokio::test]
    async fn out_of_range_parameters_are_refused_before_anything_is_sent() {
        let server = task_server().await;
        let client = client(&server);
        let get = || client.get_task(1, 1, "q");
        let cases = [
            ("task_number", refused(client.get_task(1, 0, "q").send().await)),
            ("task_number", refused(client.get_task(1, i32::MIN, "q").send().await)),
            ("limit", refused(get().limit(0).send().await)),
            ("limit", refused(get().limit(501).send().await)),
            ("offset", refused(get().offset(-1).send().await)),
            ("offset", refused(get().offset(9007199254740992).send().await)),
            ("min_score", refused(get().min_score(-0.001).send().await)),
            ("min_score", refused(get().min_score(f64::NAN).send().await)),
            ("ratio", refused(get().ratio(0.51).send().await)),
        ];
        for (parameter, invalid) in &cases {
            assert_eq!(invalid.parameter, *parameter, "{invalid}");
        }
        assert!(cases[0].1.message.contains("at least 1"), "{}", cases[0].1);
        assert!(received(&server).await.is_empty(), "a refused request reached the server");
        // The bounds themselves are allowed.
        get().limit(1).offset(9007199254740991).min_score(0.0).ratio(0.5).send().await.unwrap();
        assert_eq!(received(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn a_post_sends_its_json_body_and_optional_header() {
        let server = task_server().await;
        let body = NewTask { title: "Write tests".into(), due: NaiveDate::from_ymd_opt(2024, 6, 30) };
        let created = client(&server).create_task(7, body).idempotency_key("key-1").send().await.unwrap();
        assert_eq!(created.number, 42);
        let request = only_request(&server).await;
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(request.url.path(), "/projects/7/tasks");
        assert_eq!(header_value(&request, "content-type"), "application/json");
        assert_eq!(header_value(&request, "idempotency-key"), "key-1");
        assert_eq!(header_value(&request, "x-tenant-id"), TENANT);
        assert_eq!(serde_json::from_slice::<Value>(&request.body).unwrap(), json!({"title": "Write tests", "due": "2024-06-30"}));
    }

    #[tokio::test]
    async fn a_post_is_sent_once_on_503_even_with_retries_while_a_get_is_retried() {
        let server = MockServer::start().await;
        Mock::given(path("/projects/7/tasks")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
        Mock::given(path("/projects/7/tasks/1")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
        let client = Client::builder(TOKEN, TENANT).base_url(server.uri()).retry_policy(fast_retries(2)).build().unwrap();
        let result = client.create_task(7, NewTask { title: "t".into(), due: None }).send().await;
        assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(503));
        assert_eq!(received(&server).await.len(), 1, "a POST was retried");
        // The same policy retries an idempotent GET: the POST was not sent once by accident.
        let result = client.get_task(7, 1, "q").send().await;
        assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(503));
        let methods: Vec<String> = received(&server).await.iter().map(|r| r.method.to_string()).collect();
        assert_eq!(methods, ["POST", "GET", "GET", "GET"]);
    }

    #[test]
    fn a_required_header_value_that_cannot_be_sent_is_refused_by_build() {
        match Client::builder(TOKEN, "tenant\r\nX-Evil: 1").build() {
            Err(BuildError::InvalidHeader { name, .. }) => assert_eq!(name, "X-Tenant-Id"),
            other => panic!("expected InvalidHeader, got {other:?}"),
        }
    }
}
