//! Wire tests of `nairi-client` against a real HTTP server on loopback (wiremock):
//! what goes on the wire (path encoding, headers), how the docs' example bodies decode
//! (read from `specs/nairi.yaml` at test time, so the tests follow the spec), how error
//! statuses surface (the docs document none), what is refused before sending, and that
//! values the client does not know yet survive a decode/encode round trip.

use std::time::Duration;

use nairi_client::client_runtime::chrono::{DateTime, NaiveDate, Utc};
use nairi_client::client_runtime::StatusCode;
use nairi_client::types::{self, MessageRole, MessageStatus};
use nairi_client::{ApiError, BuildError, Client, Error, NoErrorBody};
use serde_json::{json, Value};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "sk-secret-123";
/// An id holding a space, `/`, `..`, `?` and `#`: it must stay one path segment.
const TRICKY_ID: &str = "conv 1/../x?y#z";
const TRICKY_PATH: &str = "/api/public/v1/conversations/conv%201%2F..%2Fx%3Fy%23z/messages";
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/nairi.yaml");

/// The docs' example `name` of the 200 response, from the spec.
fn spec_example(name: &str) -> Value {
    let text = std::fs::read_to_string(SPEC).expect("read the spec");
    let spec: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let pointer = format!(
        "/paths/~1api~1public~1v1~1conversations~1{{job_id}}~1messages/get/responses/200/content/application~1json/examples/{name}/value"
    );
    spec.pointer(&pointer).unwrap_or_else(|| panic!("no example at {pointer}")).clone()
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
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(TRICKY_PATH))
        .and(header("Authorization", "Bearer sk-secret-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(spec_example("response")))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).list_messages(TRICKY_ID).send().await.unwrap_or_else(|e| panic!("{e}"));

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), TRICKY_PATH);
    assert_eq!(request.url.query(), None, "the operation has no query parameters");

    assert_eq!(page.messages.len(), 2);
    let m = &page.messages[0];
    assert_eq!(m.id, "cmsg_01KRK1V475HBTME8QJQMAPWK16");
    assert_eq!(m.job_id, "job_01KRK1V46BXS73CSNK2VR35NPJ");
    assert_eq!(m.content, "Your task description");
    assert_eq!(m.role, MessageRole::User);
    assert_eq!(m.status, MessageStatus::Completed);
    assert_eq!(m.created_at, at(2026, 4, 12, 18, 45, 12));
    assert_eq!(m.updated_at, at(2026, 4, 12, 18, 45, 12));

    let m = &page.messages[1];
    assert_eq!(m.id, "cmsg_01KRK1WBPN3GSE0VWYTH4ZPN3R");
    assert_eq!(m.job_id, "job_01KRK1V46BXS73CSNK2VR35NPJ");
    assert_eq!(m.content, "Task completed successfully.");
    assert_eq!(m.role, MessageRole::Assistant);
    assert_eq!(m.status, MessageStatus::Completed);
    assert_eq!(m.created_at, at(2026, 4, 12, 18, 47, 3));
    assert_eq!(m.updated_at, at(2026, 4, 12, 18, 47, 3));
    server.verify().await;
}

#[tokio::test]
async fn a_utf8_id_is_percent_encoded_and_the_system_error_example_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/public/v1/conversations/%C3%BCn%C3%AF/messages"))
        .and(header("Authorization", "Bearer sk-secret-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(spec_example("responseWithSystemErrorMessage")))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).list_messages("ünï").send().await.unwrap_or_else(|e| panic!("{e}"));
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/api/public/v1/conversations/%C3%BCn%C3%AF/messages");

    assert_eq!(page.messages.len(), 2);
    let m = &page.messages[0];
    assert_eq!(m.role, MessageRole::User);
    assert_eq!(m.status, MessageStatus::Failed);
    assert_eq!(m.created_at, at(2026, 4, 12, 18, 45, 12));
    assert_eq!(m.updated_at, at(2026, 4, 12, 18, 45, 30));
    let m = &page.messages[1];
    assert_eq!(m.id, "cmsg_01KRK1XDKE3MSPRTNDXCXTQK8K");
    assert_eq!(m.role, MessageRole::System);
    assert_eq!(m.status, MessageStatus::Completed);
    assert_eq!(m.content, "nairid encountered error: unexpected error occurred");
    server.verify().await;
}

#[tokio::test]
async fn progress_messages_keep_their_json_envelope_as_text() {
    let envelope = r#"{"type":"text_delta","delta":"Hel"}"#;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/public/v1/conversations/job_1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"messages": [{
            "id": "cmsg_1", "job_id": "job_1", "content": envelope, "role": "progress",
            "status": "completed", "created_at": "2026-04-12T18:45:12Z", "updated_at": "2026-04-12T18:45:12Z"
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).list_messages("job_1").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.messages[0].role, MessageRole::Progress);
    assert_eq!(page.messages[0].content, envelope);
    server.verify().await;
}

// ---------------------------------------------------------------- errors
//
// The docs document no error response at all, so every error keeps its body as raw
// text with `body: None`.

/// Answers the next request with `status`, `body` and `headers`, and returns the
/// error the client made of it.
async fn error_for(status: u16, body: &str, content_type: &str, headers: &[(&str, &str)]) -> Error<NoErrorBody> {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status).set_body_raw(body.to_owned(), content_type);
    for (name, value) in headers {
        response = response.insert_header(*name, *value);
    }
    Mock::given(method("GET"))
        .and(path("/api/public/v1/conversations/job_1/messages"))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).list_messages("job_1").send().await.expect_err("an error status");
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
    if let Some(id) = request_id {
        assert!(text.contains(id), "Display must name the request id: {text}");
    }
    let Error::Api(e) = err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(e.status, status);
    assert!(e.body.is_none());
    assert_eq!(e.raw, raw, "the raw body is kept as sent");
    assert_eq!(e.request_id.as_deref(), request_id);
    e
}

#[tokio::test]
async fn error_404_with_a_text_body() {
    let raw = "404 page not found\n";
    let err = error_for(404, raw, "text/plain; charset=utf-8", &[]).await;
    check_api_error(&err, 404, raw, false, None);
    assert!(err.to_string().contains("404 page not found"), "{err}");
}

#[tokio::test]
async fn error_500_with_a_json_body_and_a_request_id_header() {
    let raw = "{\n  \"error\": {\n    \"message\": \"internal error\"\n  }\n}";
    let err = error_for(500, raw, "application/json", &[("x-request-id", "req_01KRK1Z")]).await;
    let e = check_api_error(&err, 500, raw, true, Some("req_01KRK1Z"));
    assert_eq!(e.headers.get("x-request-id").and_then(|v| v.to_str().ok()), Some("req_01KRK1Z"));
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
    let request = client.list_messages("job_1");
    let shown = format!("{request:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn dot_dot_and_empty_ids_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = client(&server);
    for id in ["..", ".", ""] {
        let err = client.list_messages(id).send().await.expect_err("refused");
        let Error::InvalidRequest(e) = &err else { panic!("{id:?}: expected InvalidRequest, got {err:?}") };
        assert_eq!(e.parameter, "job_id", "{id:?}");
        assert!(!err.is_retryable());
        assert_eq!(err.status(), None);
    }
    server.verify().await;
}

#[tokio::test]
async fn send_with_response_exposes_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/public/v1/conversations/job_1/messages"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(spec_example("response"))
                .insert_header("x-ratelimit-remaining", "17"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).list_messages("job_1").send_with_response().await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()), Some("17"));
    assert_eq!(response.body.messages.len(), 2);
    server.verify().await;
}

// ---------------------------------------------------------------- forward compatibility

#[tokio::test]
async fn unknown_roles_and_statuses_are_kept_and_round_trip() {
    // Timestamps in chrono's own form (the docs' `.000Z` re-encodes as `Z`), so that the
    // re-encoded JSON is comparable.
    let known = json!({"messages": [{
        "id": "cmsg_9",
        "job_id": "job_1",
        "content": "calling a tool",
        "role": "tool",
        "status": "streaming",
        "created_at": "2026-04-12T18:45:12.500Z",
        "updated_at": "2026-04-12T18:45:13Z"
    }]});
    // The same body with fields this client has never heard of.
    let mut extended = known.clone();
    extended["has_more"] = json!(false);
    extended["messages"][0]["attachments"] = json!([{"name": "a.txt"}]);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/public/v1/conversations/job_1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&extended))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).list_messages("job_1").send().await.unwrap_or_else(|e| panic!("{e}"));
    server.verify().await;

    let m = &page.messages[0];
    assert_eq!(m.role, MessageRole::Unknown("tool".into()));
    assert_eq!(m.role.as_str(), "tool");
    assert_eq!(m.status, MessageStatus::Unknown("streaming".into()));
    assert_eq!(m.status.to_string(), "streaming");

    // Unknown enum values go back out exactly as they came in.
    assert_eq!(serde_json::to_value(&page).unwrap(), known);
    // And decoding the body without the extra fields gives the same value.
    let plain: types::ListMessagesResponse = serde_json::from_value(known).unwrap();
    assert_eq!(plain, page);
}
