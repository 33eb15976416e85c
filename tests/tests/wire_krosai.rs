//! Wire tests of `krosai-client` against a real HTTP server on loopback (wiremock):
//! what goes on the wire (path encoding, headers), how the docs' example body decodes
//! (read from `specs/krosai.yaml` at test time, so the tests follow the spec), how the
//! documented error statuses (which have no documented body) surface, what is refused
//! before sending, and that values the client does not know yet survive a round trip.

use std::time::Duration;

use krosai_client::client_runtime::chrono::{DateTime, NaiveDate, Utc};
use krosai_client::client_runtime::StatusCode;
use krosai_client::types::{self, MessageRole};
use krosai_client::{ApiError, BuildError, Client, Error, NoErrorBody};
use serde_json::{json, Value};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "sk-secret-123";
/// An id holding a space, `/`, `..`, `?` and `#`: it must stay one path segment.
const TRICKY_ID: &str = "conv 1/../x?y#z";
const TRICKY_PATH: &str = "/v1/conversations/conv%201%2F..%2Fx%3Fy%23z/messages";
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/krosai.yaml");

/// The docs' example response, from the spec.
fn spec_example() -> Value {
    let text = std::fs::read_to_string(SPEC).expect("read the spec");
    let spec: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let pointer = "/paths/~1v1~1conversations~1{conversation_id}~1messages/get/responses/200/content/application~1json/examples/exampleResponse/value";
    spec.pointer(pointer).unwrap_or_else(|| panic!("no example at {pointer}")).clone()
}

/// A client of `server` that never retries, so each test sees exactly one attempt.
fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .expect("valid configuration")
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
    requests.remove(0)
}

/// A UTC instant built from its parts (not parsed, so it checks the decoder independently).
fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap().and_utc()
}

#[tokio::test]
async fn success_sends_an_encoded_path_and_token_and_decodes_the_docs_example() {
    let example = spec_example();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(TRICKY_PATH))
        .and(header("Authorization", "Bearer sk-secret-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;

    let messages =
        client(&server).get_conversation_messages(TRICKY_ID).send().await.unwrap_or_else(|e| panic!("{e}"));

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), TRICKY_PATH);
    assert_eq!(request.url.query(), None, "the operation has no query parameters");

    assert_eq!(messages.len(), 3);
    let conv = "conv-b2c3d4e5-f6g7-8901-bcde-fg2345678901";

    let m = &messages[0];
    assert_eq!(m.id, "msg-a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    assert_eq!(m.conversation_id, conv);
    assert_eq!(m.role, MessageRole::System);
    assert_eq!(m.content, "You are a helpful product support agent...");
    assert_eq!(m.created_at, at(2023, 7, 10, 15, 30, 0));

    let m = &messages[1];
    assert_eq!(m.id, "msg-b2c3d4e5-f6g7-8901-bcde-fg2345678901");
    assert_eq!(m.conversation_id, conv);
    assert_eq!(m.role, MessageRole::Assistant);
    assert_eq!(m.content, "Hello! How can I help you today?");
    assert_eq!(m.created_at, at(2023, 7, 10, 15, 30, 5));

    let m = &messages[2];
    assert_eq!(m.id, "msg-c3d4e5f6-g7h8-9012-cdef-gh3456789012");
    assert_eq!(m.conversation_id, conv);
    assert_eq!(m.role, MessageRole::User);
    assert_eq!(m.content, "I need help with product setup");
    assert_eq!(m.created_at, at(2023, 7, 10, 15, 30, 15));

    // Nothing is lost: the example re-encodes to itself.
    assert_eq!(serde_json::to_value(&messages).unwrap(), example);
    server.verify().await;
}

#[tokio::test]
async fn a_utf8_id_is_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/%C3%BCn%C3%AF/messages"))
        .and(header("Authorization", "Bearer sk-secret-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let messages = client(&server).get_conversation_messages("ünï").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(messages.is_empty());
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/v1/conversations/%C3%BCn%C3%AF/messages");
    server.verify().await;
}

// ---------------------------------------------------------------- errors
//
// The docs give 401, 403, 404 and 500 no body: whatever the server sends is kept
// as raw text and `body` is `None`.

/// Answers the next request with `status`, `body` and `headers`, and returns the
/// error the client made of it.
async fn error_for(status: u16, body: &str, content_type: &str, headers: &[(&str, &str)]) -> Error<NoErrorBody> {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status).set_body_raw(body.to_owned(), content_type);
    for (name, value) in headers {
        response = response.insert_header(*name, *value);
    }
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv_1/messages"))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).get_conversation_messages("conv_1").send().await.expect_err("an error status");
    server.verify().await;
    err
}

/// What every API error must satisfy.
fn check_api_error<'e>(
    err: &'e Error<NoErrorBody>,
    status: u16,
    raw: &str,
    retryable: bool,
    request_id: Option<&str>,
) -> &'e ApiError<NoErrorBody> {
    let status = StatusCode::from_u16(status).unwrap();
    assert_eq!(err.status(), Some(status));
    assert_eq!(err.is_retryable(), retryable, "{err}");
    assert_eq!(err.request_id(), request_id);
    assert!(err.api_body().is_none());
    let text = err.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "Display must be one line: {text:?}");
    assert!(text.contains(status.as_str()), "Display must name the status: {text}");
    let Error::Api(e) = err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(e.status, status);
    assert!(e.body.is_none());
    assert_eq!(e.raw, raw, "the raw body is kept as sent");
    assert_eq!(e.request_id.as_deref(), request_id);
    e
}

#[tokio::test]
async fn error_401_keeps_a_text_body() {
    let raw = "Unauthorized: invalid API key\n";
    let err = error_for(401, raw, "text/plain", &[]).await;
    check_api_error(&err, 401, raw, false, None);
    assert!(err.to_string().contains("invalid API key"), "{err}");
}

#[tokio::test]
async fn error_403_takes_the_request_id_from_a_request_id_header() {
    let raw = "{\n  \"detail\": \"Not authorized to access this conversation\"\n}";
    let err = error_for(403, raw, "application/json", &[("request-id", "req-403-xyz")]).await;
    check_api_error(&err, 403, raw, false, Some("req-403-xyz"));
}

#[tokio::test]
async fn error_404_takes_the_request_id_from_the_body() {
    let raw = "{\"error\": {\"message\": \"Conversation not found\", \"request_id\": \"req-404-body\"}}";
    let err = error_for(404, raw, "application/json", &[]).await;
    check_api_error(&err, 404, raw, false, Some("req-404-body"));
}

#[tokio::test]
async fn error_500_is_retryable() {
    let raw = "<html>\n<body>Internal Server Error</body>\n</html>\n";
    let err = error_for(500, raw, "text/html", &[("x-request-id", "req-500")]).await;
    let e = check_api_error(&err, 500, raw, true, Some("req-500"));
    assert_eq!(e.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/html"));
}

#[tokio::test]
async fn an_empty_error_body_is_kept_as_empty() {
    let err = error_for(404, "", "text/plain", &[]).await;
    check_api_error(&err, 404, "", false, None);
}

// ---------------------------------------------------------------- safety

#[test]
fn a_token_with_crlf_is_refused_at_build_without_echoing_it() {
    let err = Client::builder("sk-secret-123\r\nX-Evil: 1").build().expect_err("CR/LF in the token");
    let BuildError::InvalidHeader { name, .. } = &err else { panic!("expected InvalidHeader, got {err:?}") };
    assert!(name.eq_ignore_ascii_case("authorization"), "{name}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("sk-secret-123") && !shown.contains("X-Evil"), "{shown}");
    }
}

#[test]
fn debug_output_never_shows_the_token() {
    let builder = Client::builder(TOKEN).base_url("http://127.0.0.1:9");
    let shown = format!("{builder:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let client = builder.build().unwrap();
    let shown = format!("{client:?} {client:#?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let request = client.get_conversation_messages("conv_1");
    let shown = format!("{request:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn dot_dot_and_empty_ids_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = client(&server);
    for id in ["..", ".", ""] {
        let err = client.get_conversation_messages(id).send().await.expect_err("refused");
        let Error::InvalidRequest(e) = &err else { panic!("{id:?}: expected InvalidRequest, got {err:?}") };
        assert_eq!(e.parameter, "conversation_id", "{id:?}");
        assert!(!err.is_retryable());
        assert_eq!(err.status(), None);
    }
    server.verify().await;
}

#[tokio::test]
async fn send_with_response_exposes_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv_1/messages"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(spec_example()).insert_header("x-ratelimit-remaining", "17"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).get_conversation_messages("conv_1").send_with_response().await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()), Some("17"));
    assert_eq!(response.body.len(), 3);
    server.verify().await;
}

// ---------------------------------------------------------------- forward compatibility

#[tokio::test]
async fn unknown_roles_are_kept_and_round_trip() {
    let known = json!([
        {
            "id": "msg-1",
            "conversation_id": "conv-1",
            "role": "tool",
            "content": "{\"temperature\": 21}",
            "created_at": "2023-07-10T15:30:00.125Z"
        },
        {
            "id": "msg-2",
            "conversation_id": "conv-1",
            "role": "user",
            "content": "ok",
            "created_at": "2023-07-10T15:30:01Z"
        }
    ]);
    // The same body with fields this client has never heard of.
    let mut extended = known.clone();
    extended[0]["tool_call_id"] = json!("call_1");
    extended[1]["audio"] = json!({"url": "https://cdn.example.com/a.wav", "seconds": 2.5});

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv_1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&extended))
        .expect(1)
        .mount(&server)
        .await;
    let messages = client(&server).get_conversation_messages("conv_1").send().await.unwrap_or_else(|e| panic!("{e}"));
    server.verify().await;

    assert_eq!(messages[0].role, MessageRole::Unknown("tool".into()));
    assert_eq!(messages[0].role.as_str(), "tool");
    assert_eq!(messages[0].role.to_string(), "tool");
    assert_eq!(messages[1].role, MessageRole::User);

    // Unknown enum values go back out exactly as they came in.
    assert_eq!(serde_json::to_value(&messages).unwrap(), known);
    // And decoding the body without the extra fields gives the same value.
    let plain: Vec<types::Message> = serde_json::from_value(known).unwrap();
    assert_eq!(plain, messages);
}
