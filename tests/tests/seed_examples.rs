//! The vendors' own example responses decode into the generated types and
//! encode back to the same JSON.
//!
//! The source of truth is the vendor docs in `shared/seeds/` (next to the
//! repository): their JSON example blocks are extracted here at test time, so
//! the docs, not a copy of them, are what the types are held to. The examples
//! embedded in `specs/*.yaml` are checked to be exactly those blocks, so spec
//! and docs cannot drift apart.
//!
//! Also: values a server may add later (an unknown enum value, an unknown
//! `oneOf` key) decode into the `Unknown` variants, round-trip, and do not fail
//! the other messages of a page.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Reading the docs and the specs
// ---------------------------------------------------------------------------

const SEEDS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/seeds");
const SPECS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs");

const NAIRI_DOC: &str = "000_ccb3df3aae29ffc9.txt";
const MOVEWORKS_DOC: &str = "001_b14e0e800db266f5.txt";
const MOVEWORKS_VENDOR_SPEC: &str = "001_moveworks_openapi_3.1.yaml";
const KROSAI_DOC: &str = "002_b17b1cbaadc67bc6.txt";
const AGENTMESSAGE_DOC: &str = "003_79b94d6f268c9046.txt";

fn seed(file: &str) -> String {
    let path = Path::new(SEEDS_DIR).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// A JSON value found in a document, and the byte offset where it starts.
#[derive(Debug)]
struct Block {
    offset: usize,
    value: Value,
}

/// Every top-level JSON object or array in `text`, in order.
///
/// Scans left to right; at each `{` or `[` it asks serde_json for one value
/// starting there. A value that parses is taken whole and the scan resumes
/// after it (so its inner objects are not reported again); anything else
/// (code, prose, `{job_id}`) is passed over one character at a time.
///
/// Only non-empty objects and non-empty arrays of objects are reported, the
/// shapes an example response has: the docs also hold `[]` in prose
/// ("media_urls as []") and subscripts in code snippets (Ruby's
/// `req["Authorization"]`) that parse as JSON but are no example.
fn json_blocks(text: &str) -> Vec<Block> {
    let bytes = text.as_bytes();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' || bytes[i] == b'[' {
            // `{` and `[` are ASCII, so `i` is a char boundary.
            let mut values = serde_json::Deserializer::from_str(&text[i..]).into_iter::<Value>();
            if let Some(Ok(value)) = values.next() {
                let end = i + values.byte_offset();
                let example_shaped = match &value {
                    Value::Object(map) => !map.is_empty(),
                    Value::Array(items) => !items.is_empty() && items.iter().all(Value::is_object),
                    _ => unreachable!("a value starting with {{ or [ is an object or array"),
                };
                if example_shaped {
                    blocks.push(Block { offset: i, value });
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    blocks
}

/// The last markdown `## ` heading before `offset`.
fn heading_before(text: &str, offset: usize) -> &str {
    text[..offset]
        .lines()
        .rev()
        .find(|line| line.starts_with("## "))
        .unwrap_or("")
}

/// The last non-blank line before `offset`, trimmed.
fn line_before(text: &str, offset: usize) -> &str {
    text[..offset]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

fn spec(file: &str) -> Value {
    let path = Path::new(SPECS_DIR).join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The example responses a spec embeds, keyed by `(status, example name)`:
/// `paths.*.*.responses.<status>.content.application/json.examples.<name>.value`.
fn spec_examples(spec: &Value) -> BTreeMap<(String, String), Value> {
    let mut found = BTreeMap::new();
    let paths = spec["paths"].as_object().expect("spec has paths");
    for operations in paths.values() {
        for operation in operations.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                let examples = &response["content"]["application/json"]["examples"];
                for (name, example) in examples.as_object().into_iter().flatten() {
                    let value = example
                        .get("value")
                        .unwrap_or_else(|| panic!("example {status}/{name} has no value"));
                    found.insert((status.clone(), name.clone()), value.clone());
                }
            }
        }
    }
    found
}

fn key(status: &str, name: &str) -> (String, String) {
    (status.to_owned(), name.to_owned())
}

// ---------------------------------------------------------------------------
// Comparing JSON, and the round trip
// ---------------------------------------------------------------------------

/// Where `actual` differs from `expected`, as a path like `$.data[2].body`
/// with both values; `None` when they are equal.
///
/// Equal means identical JSON (same keys, same values, `null` distinct from an
/// absent key, `1` distinct from `1.0`), with one allowance: two strings that
/// both parse as RFC 3339 timestamps are equal when they denote the same
/// instant, since the generated types hold timestamps as `DateTime<Utc>` and
/// re-encode `2026-04-12T18:45:12.000Z` as `2026-04-12T18:45:12Z`.
fn json_difference(expected: &Value, actual: &Value) -> Option<String> {
    fn walk(path: &mut String, expected: &Value, actual: &Value) -> Option<String> {
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                for (k, ev) in e {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    let diff = match a.get(k) {
                        Some(av) => walk(path, ev, av),
                        None => Some(format!("{path}: expected {ev}, key is absent")),
                    };
                    path.truncate(len);
                    if diff.is_some() {
                        return diff;
                    }
                }
                a.iter()
                    .find(|(k, _)| !e.contains_key(*k))
                    .map(|(k, av)| format!("{path}.{k}: expected no key, found {av}"))
            }
            (Value::Array(e), Value::Array(a)) => {
                if e.len() != a.len() {
                    return Some(format!(
                        "{path}: expected {} items, found {}",
                        e.len(),
                        a.len()
                    ));
                }
                e.iter().zip(a).enumerate().find_map(|(i, (ev, av))| {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    let diff = walk(path, ev, av);
                    path.truncate(len);
                    diff
                })
            }
            (Value::String(e), Value::String(a)) if e == a => None,
            (Value::String(e), Value::String(a)) => match (
                DateTime::parse_from_rfc3339(e),
                DateTime::parse_from_rfc3339(a),
            ) {
                (Ok(et), Ok(at)) if et == at => None,
                _ => Some(format!("{path}: expected {expected}, found {actual}")),
            },
            _ if expected == actual => None,
            _ => Some(format!("{path}: expected {expected}, found {actual}")),
        }
    }
    walk(&mut String::from("$"), expected, actual)
}

/// Decodes `original` (from its JSON text, as the client does) into `T`,
/// re-encodes it, and asserts the result equals `original` per
/// [`json_difference`]. Returns the decoded value for further checks.
#[track_caller]
fn round_trip<T: DeserializeOwned + Serialize>(what: &str, original: &Value) -> T {
    let text = original.to_string();
    let decoded: T = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{what}: does not decode into {}: {e}\n{text}",
            std::any::type_name::<T>()
        )
    });
    let encoded =
        serde_json::to_value(&decoded).unwrap_or_else(|e| panic!("{what}: does not encode: {e}"));
    if let Some(diff) = json_difference(original, &encoded) {
        panic!(
            "{what}: the round trip through {} changed the JSON at {diff}",
            std::any::type_name::<T>()
        );
    }
    decoded
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("a valid date")
}

#[test]
fn json_difference_equates_only_same_instants_and_identical_values() {
    // Same instant, different spelling.
    assert_eq!(
        json_difference(
            &json!("2026-04-12T18:45:12.000Z"),
            &json!("2026-04-12T18:45:12Z")
        ),
        None
    );
    assert_eq!(
        json_difference(
            &json!({"t": "2026-04-12T20:45:12+02:00"}),
            &json!({"t": "2026-04-12T18:45:12Z"})
        ),
        None
    );
    // Different instants.
    let diff = json_difference(
        &json!({"t": "2026-04-12T18:45:12.000Z"}),
        &json!({"t": "2026-04-12T18:45:13Z"}),
    );
    assert!(
        diff.as_deref().is_some_and(|d| d.starts_with("$.t:")),
        "{diff:?}"
    );
    assert!(json_difference(
        &json!("2026-04-12T18:45:12.001Z"),
        &json!("2026-04-12T18:45:12Z")
    )
    .is_some());
    // Plain strings must be identical.
    assert!(json_difference(&json!("abc"), &json!("abd")).is_some());
    assert!(json_difference(&json!("abc"), &json!("abc")).is_none());
    // A timestamp and a non-timestamp are different.
    assert!(json_difference(&json!("2026-04-12T18:45:12Z"), &json!("datetime")).is_some());
    // null vs missing, either way round.
    let diff = json_difference(&json!({"next_cursor": null}), &json!({}));
    assert!(
        diff.as_deref()
            .is_some_and(|d| d.starts_with("$.next_cursor:")),
        "{diff:?}"
    );
    assert!(json_difference(&json!({}), &json!({"next_cursor": null})).is_some());
    // Everything else exactly.
    assert!(json_difference(&json!(1), &json!(1.0)).is_some());
    assert!(json_difference(&json!([1, 2]), &json!([2, 1])).is_some());
    assert!(json_difference(&json!([1]), &json!([1, 1])).is_some());
    assert!(json_difference(&json!({"a": [{"b": null}]}), &json!({"a": [{"b": false}]})).is_some());
    assert_eq!(
        json_difference(
            &json!({"a": [{"b": null}], "c": 1}),
            &json!({"c": 1, "a": [{"b": null}]})
        ),
        None
    );
}

#[test]
fn json_blocks_finds_top_level_values_only() {
    let text = r#"prose {job_id} and media_urls as [] then
```json
{"a": {"b": [1, 2]}, "c": "}"}
```
code { headers: { x: 1 } } map[string]any req["Authorization"] [{"d": null}] trailing {"#;
    let blocks = json_blocks(text);
    let values: Vec<&Value> = blocks.iter().map(|b| &b.value).collect();
    assert_eq!(
        values,
        [
            &json!({"a": {"b": [1, 2]}, "c": "}"}),
            &json!([{"d": null}])
        ]
    );
    assert!(text[blocks[0].offset..].starts_with(r#"{"a""#));
}

// ---------------------------------------------------------------------------
// Nairi
// ---------------------------------------------------------------------------

#[test]
fn nairi_doc_examples_round_trip() {
    use nairi_client::types::{ListMessagesResponse, MessageRole, MessageStatus};

    let doc = seed(NAIRI_DOC);
    let blocks = json_blocks(&doc);
    // The doc's code tabs (bash, TypeScript, Ruby, Python, Go) hold no JSON
    // value; its only JSON is the two blocks under the "## Response" headings.
    let headings: Vec<&str> = blocks
        .iter()
        .map(|b| heading_before(&doc, b.offset))
        .collect();
    assert_eq!(
        headings,
        [
            "## Response [#response]",
            "## Response with a system error message [#response-with-a-system-error-message]",
        ]
    );

    let ok: ListMessagesResponse = round_trip("Nairi: Response", &blocks[0].value);
    let failed: ListMessagesResponse = round_trip(
        "Nairi: Response with a system error message",
        &blocks[1].value,
    );

    let roles = |page: &ListMessagesResponse| {
        page.messages
            .iter()
            .map(|m| m.role.clone())
            .collect::<Vec<_>>()
    };
    let statuses = |page: &ListMessagesResponse| {
        page.messages
            .iter()
            .map(|m| m.status.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(roles(&ok), [MessageRole::User, MessageRole::Assistant]);
    assert_eq!(
        statuses(&ok),
        [MessageStatus::Completed, MessageStatus::Completed]
    );
    assert_eq!(roles(&failed), [MessageRole::User, MessageRole::System]);
    assert_eq!(
        statuses(&failed),
        [MessageStatus::Failed, MessageStatus::Completed]
    );
    assert_eq!(ok.messages[0].id, "cmsg_01KRK1V475HBTME8QJQMAPWK16");
    assert_eq!(ok.messages[0].job_id, "job_01KRK1V46BXS73CSNK2VR35NPJ");
    assert_eq!(ok.messages[1].content, "Task completed successfully.");
    assert_eq!(ok.messages[1].created_at, utc(2026, 4, 12, 18, 47, 3));
    assert_eq!(failed.messages[0].created_at, utc(2026, 4, 12, 18, 45, 12));
    assert_eq!(failed.messages[0].updated_at, utc(2026, 4, 12, 18, 45, 30));
    assert_eq!(
        failed.messages[1].content,
        "nairid encountered error: unexpected error occurred"
    );
}

#[test]
fn nairi_spec_examples_are_the_doc_blocks() {
    let doc = seed(NAIRI_DOC);
    let blocks = json_blocks(&doc);
    let expected = BTreeMap::from([
        (key("200", "response"), blocks[0].value.clone()),
        (
            key("200", "responseWithSystemErrorMessage"),
            blocks[1].value.clone(),
        ),
    ]);
    assert_eq!(spec_examples(&spec("nairi.yaml")), expected);
}

// ---------------------------------------------------------------------------
// Moveworks
// ---------------------------------------------------------------------------

/// Finds every `example`/`examples` key in a YAML/JSON tree.
fn example_keys(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{path}/{k}");
                if k == "example" || k == "examples" {
                    found.push(p.clone());
                }
                example_keys(v, &p, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                example_keys(v, &format!("{path}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn moveworks_docs_have_no_example_responses() {
    // The Moveworks page is the vendor's OpenAPI document and SDK snippets: it
    // has no example response. The only JSON value in it is the Python
    // snippet's request headers.
    let doc = seed(MOVEWORKS_DOC);
    let values: Vec<Value> = json_blocks(&doc).into_iter().map(|b| b.value).collect();
    assert_eq!(
        values,
        [json!({"Assistant-Name": "acmecorp-conversations-rest-api", "Authorization": "Bearer "})]
    );
    // Neither the vendor's OpenAPI document nor our spec has examples.
    let vendor_text = seed(MOVEWORKS_VENDOR_SPEC);
    let vendor: Value =
        serde_yaml::from_str(&vendor_text).expect("the vendor's OpenAPI document parses");
    let mut found = Vec::new();
    example_keys(&vendor, "", &mut found);
    assert_eq!(found, Vec::<String>::new());
    assert_eq!(spec_examples(&spec("moveworks.yaml")), BTreeMap::new());
}

/// A page written by hand from the vendor's schema, since the docs have no
/// example: all three content kinds, a citation with every field (display
/// title and body), and the last page's `metadata.next_cursor: null`.
fn moveworks_hand_written_page() -> Value {
    json!({
        "messages": [
            {
                "message_id": "msg_03",
                "conversation_id": "conv_01ARZ3NDEKTSV4RRFFQ69G5FAV",
                "response_id": "resp_02",
                "actor": "ASSISTANT",
                "content": {"commonmark_text": {"text": "See **the VPN guide**."}},
                "citations": [
                    {
                        "location": {"offset": 21},
                        "url": "https://kb.example.com/articles/vpn",
                        "display": {
                            "title": {"plain_text": {"text": "VPN guide"}},
                            "body": {"markdown_text": {"text": "How to *connect* to the VPN"}}
                        }
                    },
                    {"location": {"offset": 0}}
                ],
                "created_at": "2026-05-01T09:00:02.250Z"
            },
            {
                "message_id": "msg_02",
                "conversation_id": "conv_01ARZ3NDEKTSV4RRFFQ69G5FAV",
                "response_id": "resp_01",
                "actor": "ASSISTANT",
                "content": {"markdown_text": {"text": "# Hello"}},
                "citations": [],
                "created_at": "2026-05-01T09:00:01+00:00"
            },
            {
                "message_id": "msg_01",
                "conversation_id": "conv_01ARZ3NDEKTSV4RRFFQ69G5FAV",
                "response_id": "resp_01",
                "actor": "USER",
                "content": {"plain_text": {"text": "How do I connect to the VPN?"}},
                "citations": [],
                "created_at": "2026-05-01T09:00:00Z"
            }
        ],
        "metadata": {"next_cursor": null}
    })
}

#[test]
fn moveworks_hand_written_page_decodes() {
    use moveworks_client::types::{
        ActorType, CommonmarkTextContent, Content, ListConversationMessagesResponse,
        MarkdownTextContent, PlainTextContent,
    };

    let original = moveworks_hand_written_page();
    let page: ListConversationMessagesResponse =
        serde_json::from_value(original.clone()).expect("the hand-written page decodes");

    let actors: Vec<&ActorType> = page.messages.iter().map(|m| &m.actor).collect();
    assert_eq!(
        actors,
        [
            &ActorType::Assistant,
            &ActorType::Assistant,
            &ActorType::User
        ]
    );
    assert_eq!(
        page.messages[0].content,
        Content::CommonmarkText(CommonmarkTextContent {
            text: "See **the VPN guide**.".into()
        })
    );
    assert_eq!(
        page.messages[1].content,
        Content::MarkdownText(MarkdownTextContent {
            text: "# Hello".into()
        })
    );
    assert_eq!(
        page.messages[2].content,
        Content::PlainText(PlainTextContent {
            text: "How do I connect to the VPN?".into()
        })
    );
    assert_eq!(
        page.messages[2].content.text(),
        Some("How do I connect to the VPN?")
    );

    let citation = &page.messages[0].citations[0];
    assert_eq!(citation.location.offset, 21);
    assert_eq!(
        citation.url.as_deref(),
        Some("https://kb.example.com/articles/vpn")
    );
    let display = citation.display.as_ref().expect("display");
    assert_eq!(
        display.title.as_ref().and_then(Content::text),
        Some("VPN guide")
    );
    assert!(matches!(display.title, Some(Content::PlainText(_))));
    assert_eq!(
        display.body,
        Some(Content::MarkdownText(MarkdownTextContent {
            text: "How to *connect* to the VPN".into()
        }))
    );
    let bare = &page.messages[0].citations[1];
    assert_eq!(
        (bare.location.offset, &bare.url, &bare.display),
        (0, &None, &None)
    );

    assert_eq!(
        page.messages[0].created_at,
        utc(2026, 5, 1, 9, 0, 2) + chrono::Duration::milliseconds(250)
    );
    assert_eq!(page.messages[1].created_at, utc(2026, 5, 1, 9, 0, 1));
    // Present and null: `Some(None)` (absent would be `None`).
    assert_eq!(page.metadata.as_ref().map(|m| m.next_cursor.clone()), Some(Some(None)));

    // Every message re-encodes exactly (the page's `metadata` is the subject
    // of the next test).
    let encoded = serde_json::to_value(&page.messages).expect("encodes");
    assert_eq!(json_difference(&original["messages"], &encoded), None);
}

#[test]
fn moveworks_hand_written_page_round_trips() {
    round_trip::<moveworks_client::types::ListConversationMessagesResponse>(
        "Moveworks: hand-written page",
        &moveworks_hand_written_page(),
    );
}

// ---------------------------------------------------------------------------
// KrosAI
// ---------------------------------------------------------------------------

#[test]
fn krosai_doc_example_round_trips() {
    use krosai_client::types::{Message, MessageRole};

    let doc = seed(KROSAI_DOC);
    let blocks = json_blocks(&doc);
    assert_eq!(
        blocks.len(),
        2,
        "the KrosAI doc has a Response Format block and an Example Response block"
    );

    // Skipped on purpose: "Response Format" is a sketch of the shape whose
    // values are type names ("string", "datetime"), not an example response.
    // `"created_at": "datetime"` is no timestamp, so it cannot decode; with a
    // real timestamp in its place the sketch does decode, so the placeholder
    // is the only thing skipped.
    let format = &blocks[0];
    assert_eq!(line_before(&doc, format.offset), "Response Format");
    assert_eq!(format.value[0]["created_at"], "datetime");
    assert!(serde_json::from_value::<Vec<Message>>(format.value.clone()).is_err());
    let mut filled_in = format.value.clone();
    filled_in[0]["created_at"] = json!("2023-07-10T15:30:00Z");
    let sketch: Vec<Message> = round_trip("KrosAI: Response Format, filled in", &filled_in);
    assert_eq!(sketch[0].role, MessageRole::Unknown("string".into()));

    let example = &blocks[1];
    assert_eq!(line_before(&doc, example.offset), "Example Response");
    let messages: Vec<Message> = round_trip("KrosAI: Example Response", &example.value);
    let roles: Vec<&MessageRole> = messages.iter().map(|m| &m.role).collect();
    assert_eq!(
        roles,
        [
            &MessageRole::System,
            &MessageRole::Assistant,
            &MessageRole::User
        ]
    );
    assert_eq!(messages[0].id, "msg-a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    assert!(messages
        .iter()
        .all(|m| m.conversation_id == "conv-b2c3d4e5-f6g7-8901-bcde-fg2345678901"));
    assert_eq!(messages[2].content, "I need help with product setup");
    let times: Vec<DateTime<Utc>> = messages.iter().map(|m| m.created_at).collect();
    assert_eq!(
        times,
        [
            utc(2023, 7, 10, 15, 30, 0),
            utc(2023, 7, 10, 15, 30, 5),
            utc(2023, 7, 10, 15, 30, 15)
        ]
    );
}

#[test]
fn krosai_spec_example_is_the_doc_block() {
    let doc = seed(KROSAI_DOC);
    let blocks = json_blocks(&doc);
    let expected = BTreeMap::from([(key("200", "exampleResponse"), blocks[1].value.clone())]);
    assert_eq!(spec_examples(&spec("krosai.yaml")), expected);
}

// ---------------------------------------------------------------------------
// AgentMessage
// ---------------------------------------------------------------------------

/// The AgentMessage doc's six response bodies: the 200 envelope, then error
/// envelopes. The doc does not label their statuses; the spec files them as
/// 400, 401, 403 and 404. The sixth repeats the first error
/// (VALIDATION_FAILED) verbatim and the spec does not carry it again.
fn agentmessage_blocks() -> Vec<Value> {
    let doc = seed(AGENTMESSAGE_DOC);
    let blocks: Vec<Value> = json_blocks(&doc).into_iter().map(|b| b.value).collect();
    assert_eq!(
        blocks.len(),
        6,
        "the AgentMessage doc has six response bodies"
    );
    assert_eq!(
        blocks[5], blocks[1],
        "the sixth body repeats the first error"
    );
    blocks
}

#[test]
fn agentmessage_doc_examples_round_trip() {
    use agentmessage_client::types::{
        ErrorCode, ErrorResponse, ListMessagesResponse, MessageDirection, MessageStatus,
    };

    let blocks = agentmessage_blocks();

    let page: ListMessagesResponse = round_trip("AgentMessage: 200", &blocks[0]);
    assert!(page.success);
    let directions: Vec<&MessageDirection> = page.data.iter().map(|m| &m.direction).collect();
    assert_eq!(
        directions,
        [
            &MessageDirection::Inbound,
            &MessageDirection::Outbound,
            &MessageDirection::Outbound
        ]
    );
    let statuses: Vec<Option<&MessageStatus>> =
        page.data.iter().map(|m| m.status.as_ref()).collect();
    assert_eq!(
        statuses,
        [
            None,
            Some(&MessageStatus::Delivered),
            Some(&MessageStatus::Delivered)
        ]
    );
    assert_eq!(
        page.data[0].body.as_deref(),
        Some("Cancel my appointment please")
    );
    assert_eq!(page.data[0].redacted_at, None);
    assert_eq!(page.data[0].created_at, utc(2026, 4, 28, 12, 0, 1));
    // The third message has passed retention: body null, media_urls [].
    let redacted = &page.data[2];
    assert_eq!(redacted.body, None);
    assert_eq!(redacted.redacted_at, Some(utc(2026, 4, 10, 3, 11, 42)));
    assert!(redacted.media_urls.is_empty());
    assert_eq!(redacted.segment_count, 1);
    assert_eq!(redacted.channel, "sms");
    assert_eq!(
        (page.meta.total, page.meta.limit, page.meta.offset),
        (0, 50, 0)
    );
    assert_eq!(page.meta.next_cursor, None);

    let mut codes = Vec::new();
    for (i, block) in blocks[1..].iter().enumerate() {
        let error: ErrorResponse =
            round_trip(&format!("AgentMessage: error body {}", i + 1), block);
        assert!(!error.success);
        assert_eq!(error.error.request_id, "01JTBQH2FZ8K1RXC0WJ4Z9P3VM");
        codes.push(error.error.code);
    }
    use ErrorCode::*;
    assert_eq!(
        codes,
        [
            ValidationFailed,
            Unauthorized,
            Forbidden,
            NotFound,
            ValidationFailed
        ]
    );

    let validation: ErrorResponse = serde_json::from_value(blocks[1].clone()).unwrap();
    let details = validation
        .error
        .details
        .expect("VALIDATION_FAILED has details");
    assert_eq!(details.get("to").map(String::as_str), Some("must be E.164"));
    assert_eq!(
        details.get("body").map(String::as_str),
        Some("must be 1..1600 chars")
    );
    let unauthorized: ErrorResponse = serde_json::from_value(blocks[2].clone()).unwrap();
    assert_eq!(unauthorized.error.details, None);
    assert_eq!(unauthorized.error.message, "authentication failed");
}

#[test]
fn agentmessage_spec_examples_are_the_doc_blocks() {
    let blocks = agentmessage_blocks();
    let expected = BTreeMap::from([
        (key("200", "success"), blocks[0].clone()),
        (key("400", "validationFailed"), blocks[1].clone()),
        (key("401", "unauthorized"), blocks[2].clone()),
        (key("403", "forbidden"), blocks[3].clone()),
        (key("404", "notFound"), blocks[4].clone()),
    ]);
    assert_eq!(spec_examples(&spec("agentmessage.yaml")), expected);
}

// ---------------------------------------------------------------------------
// Forward compatibility: values the server may add later
// ---------------------------------------------------------------------------

#[test]
fn unknown_enum_values_decode_into_unknown_and_round_trip() {
    let role: nairi_client::types::MessageRole = round_trip("Nairi role", &json!("tool"));
    assert_eq!(
        role,
        nairi_client::types::MessageRole::Unknown("tool".into())
    );
    assert_eq!(role.as_str(), "tool");

    let role: krosai_client::types::MessageRole = round_trip("KrosAI role", &json!("tool"));
    assert_eq!(
        role,
        krosai_client::types::MessageRole::Unknown("tool".into())
    );

    let direction: agentmessage_client::types::MessageDirection =
        round_trip("direction", &json!("sideways"));
    assert_eq!(
        direction,
        agentmessage_client::types::MessageDirection::Unknown("sideways".into())
    );

    let actor: moveworks_client::types::ActorType = round_trip("actor", &json!("BOT"));
    assert_eq!(
        actor,
        moveworks_client::types::ActorType::Unknown("BOT".into())
    );
    // Case matters: the wire value is `USER`, so `user` is another value.
    let actor: moveworks_client::types::ActorType = round_trip("actor", &json!("user"));
    assert_eq!(
        actor,
        moveworks_client::types::ActorType::Unknown("user".into())
    );

    let error: agentmessage_client::types::ErrorResponse = round_trip(
        "AgentMessage error",
        &json!({"success": false, "error": {"code": "TEAPOT", "message": "short and stout", "request_id": "r1"}}),
    );
    assert_eq!(
        error.error.code,
        agentmessage_client::types::ErrorCode::Unknown("TEAPOT".into())
    );

    let error: moveworks_client::types::UnauthorizedErrorResponse = round_trip(
        "Moveworks 401",
        &json!({"error": {"code": "TEAPOT", "message": "no"}}),
    );
    assert_eq!(
        error.error.code,
        moveworks_client::types::UnauthorizedErrorResponseErrorCode::Unknown("TEAPOT".into())
    );
}

#[test]
fn unknown_one_of_key_decodes_into_unknown_and_round_trips() {
    use moveworks_client::types::Content;

    let content: Content = round_trip("content", &json!({"html_text": {"text": "x"}}));
    assert_eq!(
        content,
        Content::Unknown(json!({"html_text": {"text": "x"}}))
    );
    assert_eq!(content.text(), None);
    // Whatever the unknown variant holds is kept, not only `{text}`.
    let content: Content = round_trip(
        "content",
        &json!({"card": {"title": "t", "buttons": [1, null]}}),
    );
    assert!(matches!(content, Content::Unknown(_)));
}

/// A Nairi page whose middle message has a role this client does not know.
#[test]
fn nairi_unknown_role_does_not_fail_the_page() {
    use nairi_client::types::{ListMessagesResponse, MessageRole};

    let mut page = json_blocks(&seed(NAIRI_DOC)).remove(0).value;
    let mut tool = page["messages"][1].clone();
    tool["role"] = json!("tool");
    tool["status"] = json!("streaming");
    page["messages"].as_array_mut().unwrap().insert(1, tool);

    let decoded: ListMessagesResponse = round_trip("Nairi page with a tool message", &page);
    let roles: Vec<&MessageRole> = decoded.messages.iter().map(|m| &m.role).collect();
    assert_eq!(
        roles,
        [
            &MessageRole::User,
            &MessageRole::Unknown("tool".into()),
            &MessageRole::Assistant
        ]
    );
    assert_eq!(
        decoded.messages[1].status,
        nairi_client::types::MessageStatus::Unknown("streaming".into())
    );
}

#[test]
fn krosai_unknown_role_does_not_fail_the_page() {
    use krosai_client::types::{Message, MessageRole};

    let mut messages = json_blocks(&seed(KROSAI_DOC)).remove(1).value;
    messages[0]["role"] = json!("tool");
    let decoded: Vec<Message> = round_trip("KrosAI page with a tool message", &messages);
    let roles: Vec<&MessageRole> = decoded.iter().map(|m| &m.role).collect();
    assert_eq!(
        roles,
        [
            &MessageRole::Unknown("tool".into()),
            &MessageRole::Assistant,
            &MessageRole::User
        ]
    );
}

#[test]
fn agentmessage_unknown_direction_does_not_fail_the_page() {
    use agentmessage_client::types::{ListMessagesResponse, MessageDirection, MessageStatus};

    let mut page = agentmessage_blocks().remove(0);
    page["data"][1]["direction"] = json!("sideways");
    page["data"][2]["status"] = json!("undelivered");
    let decoded: ListMessagesResponse =
        round_trip("AgentMessage page with a sideways message", &page);
    let directions: Vec<&MessageDirection> = decoded.data.iter().map(|m| &m.direction).collect();
    assert_eq!(
        directions,
        [
            &MessageDirection::Inbound,
            &MessageDirection::Unknown("sideways".into()),
            &MessageDirection::Outbound
        ]
    );
    assert_eq!(
        decoded.data[2].status,
        Some(MessageStatus::Unknown("undelivered".into()))
    );
    assert_eq!(decoded.data[2].body, None);
}

#[test]
fn moveworks_unknown_actor_and_content_do_not_fail_the_page() {
    use moveworks_client::types::{ActorType, Content, ListConversationMessagesResponse};

    let mut page = moveworks_hand_written_page();
    page["metadata"] = json!({"next_cursor": "cur_2"});
    page["messages"][1]["actor"] = json!("BOT");
    page["messages"][1]["content"] = json!({"html_text": {"text": "x"}});
    page["messages"][0]["citations"][0]["display"]["title"] = json!({"rich_text": {"spans": []}});

    let decoded: ListConversationMessagesResponse =
        round_trip("Moveworks page with a bot message", &page);
    let actors: Vec<&ActorType> = decoded.messages.iter().map(|m| &m.actor).collect();
    assert_eq!(
        actors,
        [
            &ActorType::Assistant,
            &ActorType::Unknown("BOT".into()),
            &ActorType::User
        ]
    );
    assert_eq!(
        decoded.messages[1].content,
        Content::Unknown(json!({"html_text": {"text": "x"}}))
    );
    let display = decoded.messages[0].citations[0].display.as_ref().unwrap();
    assert!(matches!(display.title, Some(Content::Unknown(_))));
    assert_eq!(
        display.body.as_ref().and_then(Content::text),
        Some("How to *connect* to the VPN")
    );
    assert_eq!(
        decoded.messages[2].content.text(),
        Some("How do I connect to the VPN?")
    );
    assert_eq!(
        decoded.metadata.and_then(|m| m.next_cursor).flatten().as_deref(),
        Some("cur_2")
    );
}
