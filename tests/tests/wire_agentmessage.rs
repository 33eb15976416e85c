//! Wire tests of `agentmessage-client` against a real HTTP server on loopback (wiremock):
//! what goes on the wire (path encoding, query, headers), how the docs' example bodies
//! decode (read from `specs/agentmessage.yaml` at test time, so the tests follow the
//! spec), what is refused before sending, and that values the client does not know
//! yet survive a decode/encode round trip.

use std::collections::BTreeMap;
use std::time::Duration;

use agentmessage_client::client_runtime::chrono::{DateTime, NaiveDate, Utc};
use agentmessage_client::client_runtime::StatusCode;
use agentmessage_client::types::{self, ErrorCode, MessageDirection, MessageStatus};
use agentmessage_client::{ApiError, BuildError, Client, Error, ListConversationMessagesError};
use serde_json::{json, Value};
use wiremock::matchers::{any, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "sk-secret-123";
/// An id holding a space, `/`, `..`, `?` and `#`: it must stay one path segment.
const TRICKY_ID: &str = "conv 1/../x?y#z";
const TRICKY_PATH: &str = "/v1/conversations/conv%201%2F..%2Fx%3Fy%23z/messages";
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/agentmessage.yaml");

/// The docs' example `name` of the response with `status`, from the spec.
fn spec_example(status: &str, name: &str) -> Value {
    let text = std::fs::read_to_string(SPEC).expect("read the spec");
    let spec: Value = serde_yaml::from_str(&text).expect("the spec is YAML");
    let pointer = format!(
        "/paths/~1v1~1conversations~1{{id}}~1messages/get/responses/{status}/content/application~1json/examples/{name}/value"
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

fn query_pairs(request: &wiremock::Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// A UTC instant built from its parts (not parsed, so it checks the decoder independently).
fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap().and_utc()
}

#[tokio::test]
async fn success_sends_an_encoded_path_query_and_token_and_decodes_the_docs_example() {
    let example = spec_example("200", "success");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(TRICKY_PATH))
        .and(query_param("limit", "200"))
        .and(query_param("cursor", "c/1 2&x=y"))
        .and(header("Authorization", "Bearer sk-secret-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server)
        .list_conversation_messages(TRICKY_ID)
        .limit(200)
        .cursor("c/1 2&x=y")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), TRICKY_PATH);
    assert_eq!(
        query_pairs(&request),
        [("cursor".to_owned(), "c/1 2&x=y".to_owned()), ("limit".to_owned(), "200".to_owned())]
    );

    assert!(page.success);
    assert_eq!(page.meta.total, 0);
    assert_eq!(page.meta.limit, 50);
    assert_eq!(page.meta.offset, 0);
    assert_eq!(page.meta.next_cursor, None);
    assert_eq!(page.data.len(), 3);

    let m = &page.data[0];
    assert_eq!(m.id, "5a1b2c3d-4e5f-6789-abcd-ef0123456789");
    assert_eq!(m.direction, MessageDirection::Inbound);
    assert_eq!(m.phone_number_id, "7c1f0a2d-9e8b-4c3a-9d2e-1f0a2b3c4d5e");
    assert_eq!(m.from_number, "+15554443333");
    assert_eq!(m.to_number, "+15551112222");
    assert_eq!(m.body.as_deref(), Some("Cancel my appointment please"));
    assert!(m.media_urls.is_empty());
    assert_eq!(m.channel, "sms");
    assert_eq!(m.segment_count, 1);
    assert_eq!(m.status, None, "absent on inbound messages in the example");
    assert_eq!(m.created_at, at(2026, 4, 28, 12, 0, 1));
    assert_eq!(m.redacted_at, None);

    let m = &page.data[1];
    assert_eq!(m.id, "8f3a2b1c-1c2d-4e5f-9a8b-0c1d2e3f4a5b");
    assert_eq!(m.direction, MessageDirection::Outbound);
    assert_eq!(m.from_number, "+15551112222");
    assert_eq!(m.to_number, "+15554443333");
    assert_eq!(m.body.as_deref(), Some("Confirmed for Tuesday at 10am."));
    assert_eq!(m.status, Some(MessageStatus::Delivered));
    assert_eq!(m.created_at, at(2026, 4, 28, 11, 0, 0));
    assert_eq!(m.redacted_at, None);

    // Past retention: body null, media_urls [], redacted_at set.
    let m = &page.data[2];
    assert_eq!(m.id, "0190a1b2-c3d4-e5f6-a7b8-c9d0e1f2a3b9");
    assert_eq!(m.direction, MessageDirection::Outbound);
    assert_eq!(m.body, None);
    assert!(m.media_urls.is_empty());
    assert_eq!(m.status, Some(MessageStatus::Delivered));
    assert_eq!(m.created_at, at(2026, 1, 10, 8, 0, 0));
    assert_eq!(m.redacted_at, Some(at(2026, 4, 10, 3, 11, 42)));

    // Nothing is lost: the example re-encodes to itself (nulls stay null, absent stays absent).
    assert_eq!(serde_json::to_value(&page).unwrap(), example);
    server.verify().await;
}

#[tokio::test]
async fn a_utf8_id_is_percent_encoded_and_absent_options_send_no_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/%C3%BCn%C3%AF/messages"))
        .and(header("Authorization", "Bearer sk-secret-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true,
            "data": [],
            "meta": {"total": 0, "limit": 50, "offset": 0, "next_cursor": "next-1"}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).list_conversation_messages("ünï").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(page.data.is_empty());
    assert_eq!(page.meta.next_cursor.as_deref(), Some("next-1"));

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/v1/conversations/%C3%BCn%C3%AF/messages");
    assert_eq!(request.url.query(), None, "no optional parameter was set");
    server.verify().await;
}

#[tokio::test]
async fn limit_bounds_are_inclusive() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv_1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "data": [], "meta": {"total": 0, "limit": 1, "offset": 0, "next_cursor": null}
        })))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    for limit in [1, 200] {
        client.list_conversation_messages("conv_1").limit(limit).send().await.unwrap_or_else(|e| panic!("{e}"));
    }
    let sent: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(sent, ["limit=1", "limit=200"]);
    server.verify().await;
}

// ---------------------------------------------------------------- errors

/// Answers the next request with `status` and a pretty-printed (multi-line) `body`,
/// and returns the error the client made of it.
async fn error_for(status: u16, body: &Value) -> Error<ListConversationMessagesError> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv_1/messages"))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_raw(serde_json::to_string_pretty(body).unwrap(), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).list_conversation_messages("conv_1").send().await.expect_err("an error status");
    server.verify().await;
    err
}

/// What every API error must satisfy; returns the `ApiError` for the body checks.
fn check_api_error<'e>(
    err: &'e Error<ListConversationMessagesError>,
    status: u16,
    body: &Value,
    request_id: Option<&str>,
) -> &'e ApiError<ListConversationMessagesError> {
    let status = StatusCode::from_u16(status).unwrap();
    assert_eq!(err.status(), Some(status));
    assert!(!err.is_retryable(), "a 4xx is not worth retrying: {err}");
    assert_eq!(err.request_id(), request_id);
    let text = err.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "Display must be one line: {text:?}");
    assert!(text.contains(status.as_str()), "Display must name the status: {text}");
    if let Some(id) = request_id {
        assert!(text.contains(id), "Display must name the request id: {text}");
    }
    let Error::Api(e) = err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(e.status, status);
    assert_eq!(e.raw, serde_json::to_string_pretty(body).unwrap(), "the raw body is kept as sent");
    assert_eq!(e.request_id.as_deref(), request_id);
    e
}

/// The envelope every documented error uses.
fn check_envelope(
    body: &types::ErrorResponse,
    code: ErrorCode,
    message: &str,
    details: Option<BTreeMap<String, String>>,
) {
    assert!(!body.success);
    assert_eq!(body.error.code, code);
    assert_eq!(body.error.message, message);
    assert_eq!(body.error.request_id, "01JTBQH2FZ8K1RXC0WJ4Z9P3VM");
    assert_eq!(body.error.details, details);
}

#[tokio::test]
async fn error_400_validation_failed_with_details() {
    let body = spec_example("400", "validationFailed");
    let err = error_for(400, &body).await;
    let e = check_api_error(&err, 400, &body, Some("01JTBQH2FZ8K1RXC0WJ4Z9P3VM"));
    let Some(ListConversationMessagesError::BadRequest(b)) = &e.body else {
        panic!("expected BadRequest, got {:?}", e.body)
    };
    let details = BTreeMap::from([
        ("to".to_owned(), "must be E.164".to_owned()),
        ("body".to_owned(), "must be 1..1600 chars".to_owned()),
    ]);
    check_envelope(b, ErrorCode::ValidationFailed, "validation failed", Some(details));
}

#[tokio::test]
async fn error_400_invalid_input_named_by_the_docs_text() {
    // The docs' text (not an example) says a malformed id answers 400 INVALID_INPUT.
    let body = json!({
        "success": false,
        "error": {"code": "INVALID_INPUT", "message": "malformed id", "request_id": "01JTBQH2FZ8K1RXC0WJ4Z9P3VM"}
    });
    let err = error_for(400, &body).await;
    let e = check_api_error(&err, 400, &body, Some("01JTBQH2FZ8K1RXC0WJ4Z9P3VM"));
    let Some(ListConversationMessagesError::BadRequest(b)) = &e.body else {
        panic!("expected BadRequest, got {:?}", e.body)
    };
    check_envelope(b, ErrorCode::InvalidInput, "malformed id", None);
}

#[tokio::test]
async fn error_401_unauthorized() {
    let body = spec_example("401", "unauthorized");
    let err = error_for(401, &body).await;
    let e = check_api_error(&err, 401, &body, Some("01JTBQH2FZ8K1RXC0WJ4Z9P3VM"));
    let Some(ListConversationMessagesError::Unauthorized(b)) = &e.body else {
        panic!("expected Unauthorized, got {:?}", e.body)
    };
    check_envelope(b, ErrorCode::Unauthorized, "authentication failed", None);
}

#[tokio::test]
async fn error_403_forbidden() {
    let body = spec_example("403", "forbidden");
    let err = error_for(403, &body).await;
    let e = check_api_error(&err, 403, &body, Some("01JTBQH2FZ8K1RXC0WJ4Z9P3VM"));
    let Some(ListConversationMessagesError::Forbidden(b)) = &e.body else {
        panic!("expected Forbidden, got {:?}", e.body)
    };
    check_envelope(b, ErrorCode::Forbidden, "missing required scope", None);
}

#[tokio::test]
async fn error_404_not_found() {
    let body = spec_example("404", "notFound");
    let err = error_for(404, &body).await;
    let e = check_api_error(&err, 404, &body, Some("01JTBQH2FZ8K1RXC0WJ4Z9P3VM"));
    let Some(ListConversationMessagesError::NotFound(b)) = &e.body else {
        panic!("expected NotFound, got {:?}", e.body)
    };
    check_envelope(b, ErrorCode::NotFound, "not found", None);
}

#[tokio::test]
async fn an_undocumented_status_keeps_the_raw_body_and_request_id() {
    // The docs' sixth body has no status; 422 is documented nowhere, so there is no typed body,
    // but the envelope's request id is still found.
    let body = spec_example("400", "validationFailed");
    let err = error_for(422, &body).await;
    let e = check_api_error(&err, 422, &body, Some("01JTBQH2FZ8K1RXC0WJ4Z9P3VM"));
    assert!(e.body.is_none(), "{:?}", e.body);
    assert!(err.api_body().is_none());
}

#[tokio::test]
async fn an_error_code_the_client_does_not_know_is_kept() {
    let body = json!({
        "success": false,
        "error": {"code": "SCOPE_REVOKED", "message": "key revoked", "request_id": "01JTBQH2FZ8K1RXC0WJ4Z9P3VN"}
    });
    let err = error_for(403, &body).await;
    let e = check_api_error(&err, 403, &body, Some("01JTBQH2FZ8K1RXC0WJ4Z9P3VN"));
    let Some(ListConversationMessagesError::Forbidden(b)) = &e.body else {
        panic!("expected Forbidden, got {:?}", e.body)
    };
    assert_eq!(b.error.code, ErrorCode::Unknown("SCOPE_REVOKED".into()));
    assert_eq!(b.error.code.to_string(), "SCOPE_REVOKED");
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
    let request = client.list_conversation_messages("conv_1");
    let shown = format!("{request:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn dot_dot_and_empty_ids_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = client(&server);
    for id in ["..", ".", ""] {
        let err = client.list_conversation_messages(id).send().await.expect_err("refused");
        let Error::InvalidRequest(e) = &err else { panic!("{id:?}: expected InvalidRequest, got {err:?}") };
        assert_eq!(e.parameter, "id", "{id:?}");
        assert!(!err.is_retryable());
        assert_eq!(err.status(), None);
    }
    server.verify().await;
}

#[tokio::test]
async fn out_of_range_limits_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = client(&server);
    for limit in [0, 201, -5] {
        let err = client.list_conversation_messages("conv_1").limit(limit).send().await.expect_err("refused");
        let Error::InvalidRequest(e) = &err else { panic!("limit {limit}: expected InvalidRequest, got {err:?}") };
        assert_eq!(e.parameter, "limit");
        assert!(e.message.contains("between 1 and 200"), "{}", e.message);
        let text = err.to_string();
        assert!(text.contains("limit") && text.contains("between 1 and 200"), "{text}");
    }
    server.verify().await;
}

#[tokio::test]
async fn send_with_response_exposes_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv_1/messages"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(spec_example("200", "success"))
                .insert_header("x-ratelimit-remaining", "17"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).list_conversation_messages("conv_1").send_with_response().await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()), Some("17"));
    assert_eq!(response.body.data.len(), 3);
    server.verify().await;
}

// ---------------------------------------------------------------- forward compatibility

#[tokio::test]
async fn unknown_directions_and_statuses_are_kept_and_round_trip() {
    let known = json!({
        "success": true,
        "data": [{
            "id": "5a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "direction": "sideways",
            "phone_number_id": "7c1f0a2d-9e8b-4c3a-9d2e-1f0a2b3c4d5e",
            "from_number": "+15554443333",
            "to_number": "+15551112222",
            "body": "hi",
            "media_urls": ["https://cdn.example.com/a.png"],
            "channel": "rcs",
            "segment_count": 2,
            "status": "queued",
            "created_at": "2026-04-28T12:00:01Z",
            "redacted_at": null
        }],
        "meta": {"total": 1, "limit": 50, "offset": 0, "next_cursor": "c2"}
    });
    // The same body with fields this client has never heard of.
    let mut extended = known.clone();
    extended["links"] = json!({"self": "/v1/conversations/x/messages"});
    extended["meta"]["has_more"] = json!(true);
    extended["data"][0]["carrier"] = json!({"name": "Acme Mobile"});

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv_1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&extended))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).list_conversation_messages("conv_1").send().await.unwrap_or_else(|e| panic!("{e}"));
    server.verify().await;

    let m = &page.data[0];
    assert_eq!(m.direction, MessageDirection::Unknown("sideways".into()));
    assert_eq!(m.direction.as_str(), "sideways");
    assert_eq!(m.status, Some(MessageStatus::Unknown("queued".into())));
    assert_eq!(m.channel, "rcs");
    assert_eq!(m.media_urls, ["https://cdn.example.com/a.png"]);

    // Unknown enum values go back out exactly as they came in.
    assert_eq!(serde_json::to_value(&page).unwrap(), known);
    // And decoding the body without the extra fields gives the same value.
    let plain: types::ListMessagesResponse = serde_json::from_value(known).unwrap();
    assert_eq!(plain, page);
}
