//! The `tracing` spans and events of the generated clients (the runtime's
//! `tracing` feature, on by default), seen by a capturing subscriber: what a
//! user's tracing setup receives, and that no secret is among it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_tests::raw_server::{Reply, TestServer};
use moveworks_client::client_runtime::futures_util::TryStreamExt;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

const TOKEN: &str = "tok-SECRET-0042";
const ASSISTANT: &str = "assistant-SECRET-77";
const CONV: &str = "conv_PRIVATE_01";

/// A span or an event as the subscriber saw it: its name (an event's message),
/// its parent span's name, and every field, recorded at creation or later.
#[derive(Debug, Clone, Default)]
struct Seen {
    name: String,
    parent: Option<String>,
    fields: Vec<(String, String)>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl Visit for Seen {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.fields.push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.fields.push((field.name().to_owned(), value.to_owned()));
    }
}

#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<(u64, Seen)>>>,
    events: Arc<Mutex<Vec<Seen>>>,
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let parent = ctx.span(id).and_then(|s| s.parent()).map(|p| p.name().to_owned());
        let mut seen = Seen { name: attrs.metadata().name().to_owned(), parent, fields: Vec::new() };
        attrs.record(&mut seen);
        self.spans.lock().unwrap().push((id.into_u64(), seen));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.spans.lock().unwrap();
        if let Some((_, seen)) = spans.iter_mut().rev().find(|(i, _)| *i == id.into_u64()) {
            values.record(seen);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let parent = ctx.event_span(event).map(|s| s.name().to_owned());
        let mut seen = Seen { name: String::new(), parent, fields: Vec::new() };
        event.record(&mut seen);
        seen.name = seen.field("message").unwrap_or_default().to_owned();
        self.events.lock().unwrap().push(seen);
    }
}

impl Capture {
    fn spans(&self, name: &str) -> Vec<Seen> {
        self.spans.lock().unwrap().iter().filter(|(_, s)| s.name == name).map(|(_, s)| s.clone()).collect()
    }

    fn events(&self, name: &str) -> Vec<Seen> {
        self.events.lock().unwrap().iter().filter(|s| s.name == name).cloned().collect()
    }

    /// Every field the subscriber was given, ours and the HTTP stack's (hyper's
    /// events arrive inside the attempt spans).
    fn all_text(&self) -> String {
        let spans = self.spans.lock().unwrap();
        let events = self.events.lock().unwrap();
        let all = spans.iter().map(|(_, s)| s).chain(events.iter());
        all.flat_map(|s| s.fields.iter().map(|(k, v)| format!("{k}={v}"))).collect::<Vec<_>>().join("\n")
    }
}

fn message(id: &str) -> serde_json::Value {
    json!({
        "message_id": id, "conversation_id": CONV, "response_id": "r", "actor": "USER",
        "content": {"plain_text": {"text": "hi"}}, "citations": [], "created_at": "2024-05-01T10:00:00Z"
    })
}

fn client(server: &TestServer, timeout: Duration) -> moveworks_client::Client {
    moveworks_client::Client::builder(TOKEN, ASSISTANT)
        .base_url(server.url())
        .timeout(timeout)
        .retry_policy(moveworks_client::RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
            max_retry_after: Duration::from_millis(10),
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_paged_walk_with_a_retry_gives_one_span_per_call_with_its_attempts() {
    let server = TestServer::scripted([
        Reply::json(503, &json!({"error": {"code": "UNAVAILABLE", "message": "busy"}})),
        Reply::json(200, &json!({"messages": [message("m1")], "metadata": {"next_cursor": "c2"}})),
        Reply::json(200, &json!({"messages": [message("m2")], "metadata": {"next_cursor": null}})),
    ])
    .await;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));

    let items: Vec<_> = client(&server, Duration::from_secs(5)).list_conversation_messages(CONV).items().try_collect().await.unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(server.request_count(), 3);

    // One span per call: the operation id, the method, the path template (not the filled path).
    let calls = capture.spans("request");
    assert_eq!(calls.len(), 2, "one per page: {calls:#?}");
    for call in &calls {
        assert_eq!(call.field("operation"), Some("list-conversation-messages"));
        assert_eq!(call.field("method"), Some("GET"));
        assert_eq!(call.field("path_template"), Some("/conversations/{conversation_id}/messages"));
        assert_eq!(call.field("status"), Some("200"));
    }
    assert_eq!(calls[0].field("attempts"), Some("2"));
    assert_eq!(calls[1].field("attempts"), Some("1"));

    // One span per attempt, inside its call: status, duration, and why it was retried.
    let attempts = capture.spans("attempt");
    assert_eq!(attempts.len(), 3, "{attempts:#?}");
    assert!(attempts.iter().all(|a| a.parent.as_deref() == Some("request")));
    let fields = |a: &Seen| (a.field("attempt").map(str::to_owned), a.field("status").map(str::to_owned), a.field("retry_reason").map(str::to_owned));
    assert_eq!(fields(&attempts[0]), (Some("1".into()), Some("503".into()), Some("status 503".into())));
    assert_eq!(fields(&attempts[1]), (Some("2".into()), Some("200".into()), None));
    assert_eq!(fields(&attempts[2]), (Some("1".into()), Some("200".into()), None));
    for a in &attempts {
        let ms: u64 = a.field("duration_ms").expect("every attempt has a duration").parse().unwrap();
        assert!(ms < 5_000, "{ms} ms");
    }

    // An event per retry, in the call's span, and one per page.
    let retries = capture.events("retrying");
    assert_eq!(retries.len(), 1, "{retries:#?}");
    assert_eq!(retries[0].parent.as_deref(), Some("request"));
    assert_eq!(retries[0].field("reason"), Some("status 503"));
    assert!(retries[0].field("delay_ms").is_some());
    let page_events = capture.events("page");
    let pages: Vec<_> = page_events.iter().map(|p| (p.field("page"), p.field("has_next"))).collect();
    assert_eq!(pages, [(Some("1"), Some("true")), (Some("2"), Some("false"))]);

    // Never the token, a configured header's value, or a path parameter.
    let text = capture.all_text();
    for secret in [TOKEN, ASSISTANT, CONV, "Bearer"] {
        assert!(!text.contains(secret), "{secret} was recorded:\n{text}");
    }
}

#[tokio::test]
async fn timeouts_are_recorded_as_the_attempts_error_and_retry_reason() {
    let slow = Reply::json(200, &json!({"messages": [], "metadata": {}})).delay(Duration::from_millis(500));
    let server = TestServer::always(slow).await;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));

    let err = client(&server, Duration::from_millis(50)).list_conversation_messages(CONV).max_retries(1).send().await.unwrap_err();
    assert!(matches!(err, moveworks_client::Error::Timeout(_)), "{err:?}");

    let attempts = capture.spans("attempt");
    assert_eq!(attempts.len(), 2, "{attempts:#?}");
    assert_eq!(attempts[0].field("error"), Some("timeout"));
    assert_eq!(attempts[0].field("retry_reason"), Some("timeout"));
    assert_eq!(attempts[1].field("error"), Some("timeout"));
    assert_eq!(attempts[1].field("retry_reason"), None, "the last attempt is not retried");
    let call = &capture.spans("request")[0];
    assert_eq!(call.field("status"), None, "no response, no status");
    let text = capture.all_text();
    assert!(!text.contains(TOKEN) && !text.contains(CONV), "{text}");
}

#[tokio::test]
async fn a_retry_the_budget_refuses_is_a_retry_refused_event_in_the_call_span() {
    let server = TestServer::always(Reply::json(503, &json!({"error": {"code": "UNAVAILABLE", "message": "busy"}}))).await;
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));

    // 7 tokens: the first retry (5) is paid for, the second is not.
    let client = moveworks_client::Client::builder(TOKEN, ASSISTANT)
        .base_url(server.url())
        .retry_policy(moveworks_client::RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
            max_retry_after: Duration::from_millis(10),
        })
        .retry_budget(moveworks_client::RetryBudget::new(7))
        .build()
        .unwrap();
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert_eq!(err.status(), Some(moveworks_client::client_runtime::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.request_count(), 2);

    assert_eq!(capture.events("retrying").len(), 1, "the paid retry");
    let refused = capture.events("retry refused");
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_eq!(refused[0].parent.as_deref(), Some("request"));
    assert_eq!(refused[0].field("reason"), Some("status 503"));
    assert_eq!(refused[0].field("cost"), Some("5"));
    assert_eq!(refused[0].field("available"), Some("2"));
    let attempts = capture.spans("attempt");
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[1].field("retry_reason"), None, "the refused attempt was not retried");
    assert_eq!(capture.spans("request")[0].field("attempts"), Some("2"));
}
