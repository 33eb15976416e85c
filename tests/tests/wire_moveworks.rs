//! Wire tests of `moveworks-client` against a real HTTP server on loopback (wiremock):
//! what goes on the wire (path encoding, query, headers), how a success body and each
//! documented error body decode, what is refused before sending, and that values the
//! client does not know yet survive a decode/encode round trip.
//!
//! The vendor's document has no examples, so the bodies here are written by hand
//! from its schemas.

use std::time::Duration;

use moveworks_client::client_runtime::chrono::{DateTime, NaiveDate, Utc};
use moveworks_client::client_runtime::StatusCode;
use moveworks_client::types::{self, ActorType, Content};
use moveworks_client::{ApiError, BuildError, Client, Error, ListConversationMessagesError};
use serde_json::{json, Value};
use wiremock::matchers::{any, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "sk-secret-123";
const ASSISTANT: &str = "acme-assistant";
/// An id holding a space, `/`, `..`, `?` and `#`: it must stay one path segment.
const TRICKY_ID: &str = "conv 1/../x?y#z";
const TRICKY_PATH: &str = "/conversations/conv%201%2F..%2Fx%3Fy%23z/messages";

/// A client of `server` that never retries, so each test sees exactly one attempt.
fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN, ASSISTANT)
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
fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_milli_opt(h, mi, s, ms).unwrap().and_utc()
}

/// A realistic page: newest first, all three content kinds, a citation with and one
/// without its optional fields.
fn page_body() -> Value {
    json!({
        "messages": [
            {
                "message_id": "msg_03",
                "conversation_id": "conv_01J",
                "response_id": "resp_02",
                "actor": "ASSISTANT",
                "content": {"commonmark_text": {"text": "Reset it in **Okta** [1]."}},
                "citations": [
                    {
                        "location": {"offset": 24},
                        "url": "https://kb.example.com/okta-reset",
                        "display": {
                            "title": {"plain_text": {"text": "Okta password reset"}},
                            "body": {"markdown_text": {"text": "Open *Settings*, then **Reset**."}}
                        }
                    },
                    {"location": {"offset": 0}}
                ],
                "created_at": "2025-06-02T10:15:30.250Z"
            },
            {
                "message_id": "msg_02",
                "conversation_id": "conv_01J",
                "response_id": "resp_02",
                "actor": "ASSISTANT",
                "content": {"markdown_text": {"text": "Looking that up…"}},
                "citations": [],
                "created_at": "2025-06-02T10:15:29Z"
            },
            {
                "message_id": "msg_01",
                "conversation_id": "conv_01J",
                "response_id": "resp_01",
                "actor": "USER",
                "content": {"plain_text": {"text": "How do I reset my password?"}},
                "citations": [],
                "created_at": "2025-06-02T10:15:00+02:00"
            }
        ],
        "metadata": {"next_cursor": "cur_2"}
    })
}

#[tokio::test]
async fn success_sends_an_encoded_path_query_and_headers_and_decodes_the_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(TRICKY_PATH))
        .and(query_param("limit", "50"))
        .and(query_param("cursor", "c/1 2&x=y"))
        .and(header("Authorization", "Bearer sk-secret-123"))
        .and(header("Assistant-Name", ASSISTANT))
        .respond_with(ResponseTemplate::new(200).set_body_json(page_body()))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server)
        .list_conversation_messages(TRICKY_ID)
        .limit(50)
        .cursor("c/1 2&x=y")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), TRICKY_PATH);
    assert_eq!(
        query_pairs(&request),
        [("cursor".to_owned(), "c/1 2&x=y".to_owned()), ("limit".to_owned(), "50".to_owned())]
    );

    assert_eq!(page.metadata.as_ref().and_then(|m| m.next_cursor.clone().flatten()).as_deref(), Some("cur_2"));
    assert_eq!(page.messages.len(), 3);

    let m = &page.messages[0];
    assert_eq!(m.message_id, "msg_03");
    assert_eq!(m.conversation_id, "conv_01J");
    assert_eq!(m.response_id, "resp_02");
    assert_eq!(m.actor, ActorType::Assistant);
    assert!(matches!(&m.content, Content::CommonmarkText(c) if c.text == "Reset it in **Okta** [1]."));
    assert_eq!(m.content.text(), Some("Reset it in **Okta** [1]."));
    assert_eq!(m.created_at, at(2025, 6, 2, 10, 15, 30, 250));
    assert_eq!(m.citations.len(), 2);
    let c = &m.citations[0];
    assert_eq!(c.location.offset, 24);
    assert_eq!(c.url.as_deref(), Some("https://kb.example.com/okta-reset"));
    let display = c.display.as_ref().expect("display");
    assert!(matches!(&display.title, Some(Content::PlainText(t)) if t.text == "Okta password reset"));
    assert!(matches!(&display.body, Some(Content::MarkdownText(t)) if t.text == "Open *Settings*, then **Reset**."));
    let bare = &m.citations[1];
    assert_eq!(bare.location.offset, 0);
    assert_eq!(bare.url, None);
    assert_eq!(bare.display, None);

    let m = &page.messages[1];
    assert_eq!(m.message_id, "msg_02");
    assert_eq!(m.actor, ActorType::Assistant);
    assert!(matches!(&m.content, Content::MarkdownText(_)));
    assert_eq!(m.content.text(), Some("Looking that up…"));
    assert!(m.citations.is_empty());
    assert_eq!(m.created_at, at(2025, 6, 2, 10, 15, 29, 0));

    let m = &page.messages[2];
    assert_eq!(m.message_id, "msg_01");
    assert_eq!(m.response_id, "resp_01");
    assert_eq!(m.actor, ActorType::User);
    assert!(matches!(&m.content, Content::PlainText(_)));
    assert_eq!(m.content.text(), Some("How do I reset my password?"));
    // An offset is normalised to UTC.
    assert_eq!(m.created_at, at(2025, 6, 2, 8, 15, 0, 0));

    server.verify().await;
}

#[tokio::test]
async fn a_utf8_id_is_percent_encoded_and_absent_options_send_no_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations/%C3%BCn%C3%AF/messages"))
        .and(header("Authorization", "Bearer sk-secret-123"))
        .and(header("Assistant-Name", ASSISTANT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"messages": []})))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).list_conversation_messages("ünï").send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(page.messages.is_empty());
    assert_eq!(page.metadata, None);

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/conversations/%C3%BCn%C3%AF/messages");
    assert_eq!(request.url.query(), None, "no optional parameter was set");
    server.verify().await;
}

#[tokio::test]
async fn limit_bounds_are_inclusive() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations/conv_1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"messages": []})))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    for limit in [1, 100] {
        client.list_conversation_messages("conv_1").limit(limit).send().await.unwrap_or_else(|e| panic!("{e}"));
    }
    let sent: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(sent, ["limit=1", "limit=100"]);
    server.verify().await;
}

// ---------------------------------------------------------------- errors

/// Answers the next request with `status`, a pretty-printed (multi-line) `body` and
/// `headers`, and returns the error the client made of it.
async fn error_for(status: u16, body: &Value, headers: &[(&str, &str)]) -> Error<ListConversationMessagesError> {
    let server = MockServer::start().await;
    let mut response =
        ResponseTemplate::new(status).set_body_raw(serde_json::to_string_pretty(body).unwrap(), "application/json");
    for (name, value) in headers {
        response = response.insert_header(*name, *value);
    }
    Mock::given(method("GET"))
        .and(path("/conversations/conv_1/messages"))
        .respond_with(response)
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
    retryable: bool,
    request_id: Option<&str>,
) -> &'e ApiError<ListConversationMessagesError> {
    let status = StatusCode::from_u16(status).unwrap();
    assert_eq!(err.status(), Some(status));
    assert_eq!(err.is_retryable(), retryable, "{err}");
    assert_eq!(err.request_id(), request_id);
    let text = err.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "Display must be one line: {text:?}");
    assert!(text.contains(status.as_str()), "Display must name the status: {text}");
    let Error::Api(e) = err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(e.status, status);
    assert_eq!(e.raw, serde_json::to_string_pretty(body).unwrap(), "the raw body is kept as sent");
    assert_eq!(e.request_id.as_deref(), request_id);
    assert!(err.api_body().is_some(), "a documented body decodes: {err:?}");
    e
}

#[tokio::test]
async fn error_400_invalid_cursor() {
    let body = json!({"error": {"code": "INVALID_CURSOR", "message": "The cursor is malformed or expired."}});
    let err = error_for(400, &body, &[]).await;
    let e = check_api_error(&err, 400, &body, false, None);
    match &e.body {
        Some(ListConversationMessagesError::BadRequest(b)) => {
            assert_eq!(b.error.code, types::InvalidCursorErrorResponseErrorCode::InvalidCursor);
            assert_eq!(b.error.message, "The cursor is malformed or expired.");
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn error_401_unauthorized() {
    let body = json!({"error": {"code": "UNAUTHORIZED", "message": "Invalid or expired token."}});
    let err = error_for(401, &body, &[]).await;
    let e = check_api_error(&err, 401, &body, false, None);
    match &e.body {
        Some(ListConversationMessagesError::Unauthorized(b)) => {
            assert_eq!(b.error.code, types::UnauthorizedErrorResponseErrorCode::Unauthorized);
            assert_eq!(b.error.message, "Invalid or expired token.");
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
}

#[tokio::test]
async fn error_404_not_found_with_a_request_id_header() {
    let body = json!({"error": {"code": "NOT_FOUND", "message": "Conversation conv_1 not found."}});
    let err = error_for(404, &body, &[("x-request-id", "req-404-abc")]).await;
    let e = check_api_error(&err, 404, &body, false, Some("req-404-abc"));
    assert!(err.to_string().contains("req-404-abc"), "{err}");
    match &e.body {
        Some(ListConversationMessagesError::NotFound(b)) => {
            assert_eq!(b.error.code, types::NotFoundErrorResponseErrorCode::NotFound);
            assert_eq!(b.error.message, "Conversation conv_1 not found.");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn error_429_rate_limited_is_retryable() {
    let body = json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Too many requests."}});
    let err = error_for(429, &body, &[("retry-after", "30"), ("x-request-id", "req-429")]).await;
    let e = check_api_error(&err, 429, &body, true, Some("req-429"));
    assert_eq!(e.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("30"));
    match &e.body {
        Some(ListConversationMessagesError::TooManyRequests(b)) => {
            assert_eq!(b.error.code, types::RateLimitExceededErrorResponseErrorCode::RateLimitExceeded);
            assert_eq!(b.error.message, "Too many requests.");
        }
        other => panic!("expected TooManyRequests, got {other:?}"),
    }
}

#[tokio::test]
async fn error_500_internal_is_retryable() {
    let body = json!({"error": {"code": "INTERNAL_ERROR", "message": "Something went wrong."}});
    let err = error_for(500, &body, &[]).await;
    let e = check_api_error(&err, 500, &body, true, None);
    match &e.body {
        Some(ListConversationMessagesError::InternalServerError(b)) => {
            assert_eq!(b.error.code, types::InternalErrorResponseErrorCode::InternalError);
            assert_eq!(b.error.message, "Something went wrong.");
        }
        other => panic!("expected InternalServerError, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_code_the_client_does_not_know_is_kept() {
    let body = json!({"error": {"code": "CURSOR_FROM_OTHER_CONVERSATION", "message": "Wrong conversation."}});
    let err = error_for(400, &body, &[]).await;
    let e = check_api_error(&err, 400, &body, false, None);
    match &e.body {
        Some(ListConversationMessagesError::BadRequest(b)) => {
            assert_eq!(
                b.error.code,
                types::InvalidCursorErrorResponseErrorCode::Unknown("CURSOR_FROM_OTHER_CONVERSATION".into())
            );
            assert_eq!(b.error.code.as_str(), "CURSOR_FROM_OTHER_CONVERSATION");
        }
        other => panic!("expected BadRequest, got {other:?}"),
    }
}

// ---------------------------------------------------------------- safety

#[test]
fn a_token_with_crlf_is_refused_at_build_without_echoing_it() {
    let err = Client::builder("sk-secret-123\r\nX-Evil: 1", ASSISTANT).build().expect_err("CR/LF in the token");
    let BuildError::InvalidHeader { name, .. } = &err else { panic!("expected InvalidHeader, got {err:?}") };
    assert!(name.eq_ignore_ascii_case("authorization"), "{name}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("sk-secret-123") && !shown.contains("X-Evil"), "{shown}");
    }
}

#[test]
fn an_assistant_name_with_lf_is_refused_at_build_without_echoing_it() {
    let err = Client::builder(TOKEN, "acme\nX-Evil: 1").build().expect_err("LF in Assistant-Name");
    let BuildError::InvalidHeader { name, .. } = &err else { panic!("expected InvalidHeader, got {err:?}") };
    assert!(name.eq_ignore_ascii_case("assistant-name"), "{name}");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("X-Evil"), "{shown}");
    }
}

#[test]
fn debug_output_never_shows_the_token() {
    let builder = Client::builder(TOKEN, ASSISTANT).base_url("http://127.0.0.1:9");
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
        assert_eq!(e.parameter, "conversation_id", "{id:?}");
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
    for limit in [0, 101, -1] {
        let err = client.list_conversation_messages("conv_1").limit(limit).send().await.expect_err("refused");
        let Error::InvalidRequest(e) = &err else { panic!("limit {limit}: expected InvalidRequest, got {err:?}") };
        assert_eq!(e.parameter, "limit");
        assert!(e.message.contains("between 1 and 100"), "{}", e.message);
        let text = err.to_string();
        assert!(text.contains("limit") && text.contains("between 1 and 100"), "{text}");
    }
    server.verify().await;
}

#[tokio::test]
async fn send_with_response_exposes_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations/conv_1/messages"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page_body()).insert_header("x-ratelimit-remaining", "17"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).list_conversation_messages("conv_1").send_with_response().await.unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()), Some("17"));
    assert_eq!(response.body.messages.len(), 3);
    server.verify().await;
}

// ---------------------------------------------------------------- forward compatibility

#[tokio::test]
async fn unknown_actors_and_content_kinds_are_kept_and_round_trip() {
    // Timestamps in chrono's own form, so that the re-encoded JSON is comparable.
    let known = json!({
        "messages": [
            {
                "message_id": "msg_9",
                "conversation_id": "conv_1",
                "response_id": "resp_9",
                "actor": "BOT",
                "content": {"html_text": {"text": "<b>x</b>", "sanitised": true}},
                "citations": [{
                    "location": {"offset": 3},
                    "display": {"title": {"rich_card": {"blocks": [1, 2]}}}
                }],
                "created_at": "2025-06-02T10:15:30.250Z"
            }
        ],
        "metadata": {"next_cursor": "cur_9"}
    });
    // The same body with fields this client has never heard of.
    let mut extended = known.clone();
    extended["request_trace"] = json!({"span": "abc"});
    extended["metadata"]["total_estimate"] = json!(42);
    extended["messages"][0]["reactions"] = json!([{"emoji": "+1"}]);
    extended["messages"][0]["citations"][0]["score"] = json!(0.9);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations/conv_1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&extended))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).list_conversation_messages("conv_1").send().await.unwrap_or_else(|e| panic!("{e}"));
    server.verify().await;

    let m = &page.messages[0];
    assert_eq!(m.actor, ActorType::Unknown("BOT".into()));
    assert_eq!(m.actor.as_str(), "BOT");
    assert_eq!(m.actor.to_string(), "BOT");
    assert_eq!(m.content, Content::Unknown(json!({"html_text": {"text": "<b>x</b>", "sanitised": true}})));
    assert_eq!(m.content.text(), None);
    let title = m.citations[0].display.as_ref().and_then(|d| d.title.as_ref());
    assert_eq!(title, Some(&Content::Unknown(json!({"rich_card": {"blocks": [1, 2]}}))));

    // Unknown enum values and content kinds go back out exactly as they came in.
    assert_eq!(serde_json::to_value(&page).unwrap(), known);
    // And decoding the body without the extra fields gives the same value.
    let plain: types::ListConversationMessagesResponse = serde_json::from_value(known).unwrap();
    assert_eq!(plain, page);
}
