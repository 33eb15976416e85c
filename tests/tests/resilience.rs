//! How the generated clients behave when the server or the network does not:
//! rate limits, transient statuses, slow responses, broken connections and
//! bodies that are not what the spec says. Against real servers on loopback
//! (the raw scripted server, or wiremock where it is simpler).

use std::time::{Duration, Instant};

use chrono::Timelike;

use client_tests::raw_server::{closed_port, Reply, TestServer};
use moveworks_client::client_runtime::StatusCode;
use moveworks_client::{Error, ListConversationMessagesError, RetryBudget, RetryCosts};
use serde_json::{json, Value};

const CONV: &str = "conv_01";

fn policy(max_retries: u32) -> moveworks_client::RetryPolicy {
    moveworks_client::RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(3),
    }
}

fn moveworks_at(url: &str, max_retries: u32) -> moveworks_client::Client {
    moveworks_client::Client::builder("tok", "assistant")
        .base_url(url)
        .timeout(Duration::from_secs(5))
        .retry_policy(policy(max_retries))
        .build()
        .unwrap()
}

fn moveworks(server: &TestServer, max_retries: u32) -> moveworks_client::Client {
    moveworks_at(&server.url(), max_retries)
}

fn mw_page() -> Value {
    json!({
        "messages": [{
            "message_id": "m1",
            "conversation_id": CONV,
            "response_id": "r1",
            "actor": "ASSISTANT",
            "content": {"plain_text": {"text": "hello"}},
            "citations": [],
            "created_at": "2024-05-01T10:00:00Z"
        }],
        "metadata": {"next_cursor": null}
    })
}

fn ok() -> Reply {
    Reply::json(200, &mw_page())
}

fn rate_limited() -> Reply {
    Reply::json(429, &json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "slow down"}}))
}

/// The time between the arrivals of requests `a` and `b` at `server`.
fn gap(server: &TestServer, a: usize, b: usize) -> Duration {
    let r = server.requests();
    r[b].received_at - r[a].received_at
}

// ---- Retry-After ---------------------------------------------------------

#[tokio::test]
async fn a_429_with_retry_after_seconds_is_retried_after_that_wait() {
    let server = TestServer::scripted([rate_limited().header("Retry-After", "1"), ok()]).await;
    let client = moveworks(&server, 2);
    let page = client.list_conversation_messages(CONV).send().await.unwrap();
    assert_eq!(page.messages[0].message_id, "m1");
    assert_eq!(server.request_count(), 2);
    let waited = gap(&server, 0, 1);
    assert!(waited >= Duration::from_secs(1), "Retry-After: 1 honoured (not the 10 ms backoff): {waited:?}");
    assert!(waited < Duration::from_millis(2500), "{waited:?}");
}

#[tokio::test]
async fn a_429_with_retry_after_as_an_http_date_is_retried_at_that_date() {
    // An HTTP date has whole seconds: pick the next whole second at least 500 ms away,
    // so the wait it asks for is between 0.5 s and 1.5 s.
    let server = TestServer::start(|req| {
        if req.index > 0 {
            return ok();
        }
        let now = chrono::Utc::now();
        let mut when = now.with_nanosecond(0).unwrap() + chrono::Duration::seconds(1);
        if when - now < chrono::Duration::milliseconds(500) {
            when += chrono::Duration::seconds(1);
        }
        rate_limited().header("Retry-After", &when.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    })
    .await;
    let client = moveworks(&server, 2);
    client.list_conversation_messages(CONV).send().await.unwrap();
    assert_eq!(server.request_count(), 2);
    let waited = gap(&server, 0, 1);
    assert!(waited >= Duration::from_millis(400), "the date was honoured (not the 10 ms backoff): {waited:?}");
    assert!(waited < Duration::from_millis(2500), "{waited:?}");
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_waits_only_the_cap() {
    let server = TestServer::scripted([rate_limited().header("Retry-After", "3600"), ok()]).await;
    let client = moveworks_client::Client::builder("tok", "assistant")
        .base_url(server.url())
        .retry_policy(moveworks_client::RetryPolicy { max_retry_after: Duration::from_millis(50), ..policy(2) })
        .build()
        .unwrap();
    let started = Instant::now();
    client.list_conversation_messages(CONV).send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_429_that_outlasts_the_retries_is_an_api_error_with_its_documented_body() {
    let server = TestServer::always(rate_limited().header("Retry-After", "0").header("x-request-id", "req-429")).await;
    let client = moveworks(&server, 1);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert_eq!(server.request_count(), 2);
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(err.is_retryable());
    assert_eq!(err.request_id(), Some("req-429"));
    let Some(ListConversationMessagesError::TooManyRequests(body)) = err.api_body() else { panic!("{err:?}") };
    assert_eq!(body.error.message, "slow down");
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.headers.get("retry-after").unwrap(), "0");
}

// ---- transient statuses and retry counts ------------------------------

#[tokio::test]
async fn a_503_three_times_with_two_retries_is_an_api_error_after_three_requests() {
    let server = TestServer::scripted(vec![Reply::text(503, "text/plain", "busy"); 3]).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("expected Api, got {err:?}") };
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.raw, "busy");
    assert!(api.body.is_none(), "the spec documents no 503 body");
    assert!(err.to_string().contains("503"), "{err}");
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_503_counted_by_wiremock() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations/conv_01/messages"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let client = moveworks_at(&server.uri(), 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    server.verify().await;
}

#[tokio::test]
async fn max_retries_zero_on_the_request_sends_once() {
    let server = TestServer::always(Reply::new(503)).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).max_retries(0).send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn max_retries_zero_on_the_client_sends_once_and_a_request_may_raise_it() {
    let server = TestServer::always(Reply::new(503)).await;
    let client = moveworks_client::Client::builder("tok", "assistant")
        .base_url(server.url())
        .retry_policy(policy(5))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.request_count(), 1);

    client.list_conversation_messages(CONV).max_retries(2).send().await.unwrap_err();
    assert_eq!(server.request_count(), 1 + 3);
}

#[tokio::test]
async fn a_500_then_200_succeeds_after_two_requests() {
    let server = TestServer::scripted([
        Reply::json(500, &json!({"error": {"code": "INTERNAL_ERROR", "message": "oops"}})),
        ok(),
    ])
    .await;
    let client = moveworks(&server, 2);
    let resp = client.list_conversation_messages(CONV).send_with_response().await.unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(resp.body.messages.len(), 1);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn each_transient_status_is_retried() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = TestServer::scripted([Reply::new(status), ok()]).await;
        let client = moveworks(&server, 1);
        client.list_conversation_messages(CONV).send().await.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(server.request_count(), 2, "{status}");
    }
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let server = TestServer::always(Reply::json(400, &json!({"error": {"code": "INVALID_CURSOR", "message": "bad"}}))).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).cursor("x").send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert!(!err.is_retryable());
    assert!(matches!(err.api_body(), Some(ListConversationMessagesError::BadRequest(_))), "{err:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn other_client_errors_and_501_are_not_retried() {
    for status in [401, 403, 404, 501] {
        let server = TestServer::always(Reply::text(status, "text/plain", "no")).await;
        let client = moveworks(&server, 2);
        let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.request_count(), 1, "{status}");
    }
}

#[tokio::test]
async fn an_undecodable_documented_error_body_still_gives_the_api_error() {
    // 404 is documented with a JSON body; a proxy's HTML page instead must not hide the status.
    let server = TestServer::always(Reply::text(404, "text/html", "<html>Not Found</html>")).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.body.is_none());
    assert_eq!(api.raw, "<html>Not Found</html>");
}

// ---- timeouts ------------------------------------------------------------

fn slow() -> Reply {
    ok().delay(Duration::from_secs(2))
}

#[tokio::test]
async fn a_response_slower_than_the_client_timeout_is_a_timeout_without_retries() {
    let server = TestServer::always(slow()).await;
    let client = moveworks_client::Client::builder("tok", "assistant")
        .base_url(server.url())
        .retry_policy(policy(0))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)), "{err:?}");
    assert!(err.is_retryable());
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_timed_out_request_is_retried_and_still_times_out() {
    let server = TestServer::always(slow()).await;
    let client = moveworks_client::Client::builder("tok", "assistant")
        .base_url(server.url())
        .retry_policy(policy(1))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_per_request_timeout_overrides_the_clients() {
    use wiremock::{matchers::method, Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(mw_page()).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let client = moveworks_at(&server.uri(), 2); // client timeout: 5 s
    let started = Instant::now();
    let err = client
        .list_conversation_messages(CONV)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_body_that_stalls_after_the_headers_is_a_timeout() {
    // The timeout covers the whole body, not only the wait for the headers.
    let body = mw_page().to_string();
    let server = TestServer::always(ok().stall_after(body.len() / 2, Duration::from_secs(2))).await;
    let client = moveworks(&server, 0);
    let started = Instant::now();
    let err = client.list_conversation_messages(CONV).timeout(Duration::from_millis(300)).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    assert_eq!(server.request_count(), 1);
}

// ---- broken connections and bodies --------------------------------------

#[tokio::test]
async fn a_connection_closed_mid_body_is_a_transport_error() {
    let body = mw_page().to_string();
    let server = TestServer::always(ok().close_after(body.len() / 2)).await;
    let client = moveworks(&server, 0);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_retried() {
    let body = mw_page().to_string();
    let server = TestServer::always(ok().close_after(body.len() / 2)).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable(), "a GET cut off mid-body may succeed if tried again: {err}");
    assert_eq!(server.request_count(), 1 + 2);
}

#[tokio::test]
async fn a_connection_closed_before_any_response_is_retried_then_a_transport_error() {
    let server = TestServer::always(Reply::new(200).hang_up()).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable(), "{err}");
    assert_eq!(server.request_count(), 1 + 2);

    // ... and a server that recovers is reached on the retry.
    let server = TestServer::scripted([Reply::new(200).hang_up(), ok()]).await;
    let client = moveworks(&server, 2);
    client.list_conversation_messages(CONV).send().await.unwrap();
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_reset_connection_is_retried_then_a_transport_error() {
    let server = TestServer::always(Reply::new(200).reset()).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable(), "{err}");
    assert_eq!(server.request_count(), 1 + 2);

    let server = TestServer::scripted([Reply::new(200).reset(), ok()]).await;
    moveworks(&server, 2).list_conversation_messages(CONV).send().await.unwrap();
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_truncated_json_body_with_a_correct_length_is_a_decode_error() {
    let text = mw_page().to_string();
    let server = TestServer::always(Reply::raw_json(200, &text[..text.len() / 2])).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("expected Decode, got {err:?}") };
    assert_eq!(decode.status, StatusCode::OK);
    assert!(decode.message.contains("EOF"), "{decode:?}");
    assert!(text.starts_with(&decode.excerpt), "{decode:?}");
    assert!(!err.is_retryable());
    assert_eq!(server.request_count(), 1, "a bad body is not retried");
}

#[tokio::test]
async fn an_html_page_instead_of_json_is_a_decode_error_showing_it() {
    let server = TestServer::always(Reply::text(200, "text/html", "<html><body>Gateway</body></html>")).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("expected Decode, got {err:?}") };
    assert_eq!(decode.status, StatusCode::OK);
    assert!(decode.excerpt.contains("<html>"), "{decode:?}");
    let shown = err.to_string();
    assert!(shown.contains("<html><body>Gateway</body></html>"), "{shown}");
    assert!(shown.contains("200"), "{shown}");
    assert!(!shown.contains('\n'), "{shown}");
    assert_eq!(err.status(), Some(StatusCode::OK));
}

#[tokio::test]
async fn an_empty_200_body_is_a_decode_error() {
    let server = TestServer::always(Reply::new(200)).await;
    let client = moveworks(&server, 2);
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert!(matches!(&err, Error::Decode(d) if d.status == StatusCode::OK && d.excerpt.is_empty()), "{err:?}");
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    let port = closed_port().await;
    let client = moveworks_at(&format!("http://127.0.0.1:{port}"), 2);
    let started = Instant::now();
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("expected Transport, got {err:?}") };
    assert!(e.is_connect(), "{e:?}");
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(err.to_string().starts_with("transport error"), "{err}");
}

// ---- the retry budget ----------------------------------------------------

fn budgeted(server: &TestServer, max_retries: u32, budget: RetryBudget) -> moveworks_client::Client {
    moveworks_client::Client::builder("tok", "assistant")
        .base_url(server.url())
        .timeout(Duration::from_secs(5))
        .retry_policy(policy(max_retries))
        .retry_budget(budget)
        .build()
        .unwrap()
}

fn busy() -> Reply {
    Reply::text(503, "text/plain", "busy")
}

#[tokio::test]
async fn retries_stop_when_the_budget_is_empty_and_resume_after_successes() {
    // 10 tokens, 5 a retry, 5 back per first-attempt success; the policy alone would allow 5 retries a call.
    let server = TestServer::scripted([
        busy(), busy(), busy(), // call 1: two retries paid for, the third refused
        busy(),                 // call 2: refused at once
        ok(),                   // call 3: a success pays 5 back
        busy(), ok(),           // call 4: one retry again, and it succeeds
    ])
    .await;
    let costs = RetryCosts { retry: 5, timeout_retry: 10, success_deposit: 5 };
    let client = budgeted(&server, 5, RetryBudget::with_costs(10, costs));
    let budget = client.http_client().retry_budget().clone();

    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE), "the last attempt's error: {err:?}");
    assert_eq!(server.request_count(), 3, "1 attempt + the 2 retries 10 tokens pay for, not 1 + 5");
    assert_eq!((budget.available(), budget.refused()), (Some(0), 1));

    // A clone of the client draws on the same, empty, bucket.
    let clone = client.clone();
    let err = clone.list_conversation_messages(CONV).send().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.request_count(), 4, "no retry at all");
    assert_eq!(budget.refused(), 2);

    clone.list_conversation_messages(CONV).send().await.unwrap();
    assert_eq!(budget.available(), Some(5), "a success deposits");

    let page = client.list_conversation_messages(CONV).send().await.unwrap();
    assert_eq!(page.messages[0].message_id, "m1", "retried again once the bucket held a retry's cost");
    assert_eq!(server.request_count(), 7);
    assert_eq!((budget.available(), budget.refused()), (Some(5), 2), "5 paid for the retry, refunded when it succeeded");
}

#[tokio::test]
async fn a_retry_after_a_connection_error_costs_more() {
    // 15 tokens: a retry after a hang-up takes 10, so a second one does not fit, a status retry (5) does.
    let server = TestServer::scripted([Reply::new(200).hang_up(), Reply::new(200).hang_up(), busy(), ok()]).await;
    let client = budgeted(&server, 5, RetryBudget::new(15));
    let budget = client.http_client().retry_budget();
    let err = client.list_conversation_messages(CONV).send().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.request_count(), 2);
    assert_eq!((budget.available(), budget.refused()), (Some(5), 1));
    client.list_conversation_messages(CONV).send().await.unwrap();
    assert_eq!(server.request_count(), 4, "the 503 was retried with the last 5 tokens");
    assert_eq!(budget.available(), Some(5), "and the retry that succeeded was refunded");
}

#[tokio::test]
async fn concurrent_callers_share_the_budget_so_a_down_server_gets_few_retries() {
    // 20 callers against a server that is down, 2 retries each by the policy: 60 requests
    // without a budget; a budget of 50 tokens pays for 10 retries among all of them.
    let server = TestServer::always(busy()).await;
    let client = budgeted(&server, 2, RetryBudget::new(50));
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_conversation_messages(CONV).send().await })
    });
    for call in calls.collect::<Vec<_>>() {
        let err = call.await.unwrap().unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    }
    assert_eq!(server.request_count(), 20 + 10);
    let budget = client.http_client().retry_budget();
    assert_eq!(budget.available(), Some(0));
    // A caller ends on a refusal unless it got both its retries paid for (at most 5 did).
    assert!((15..=20).contains(&budget.refused()), "{budget:?}");

    // The same against a disabled budget: every retry the policy allows.
    let server = TestServer::always(busy()).await;
    let client = budgeted(&server, 2, RetryBudget::disabled());
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_conversation_messages(CONV).send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap_err();
    }
    assert_eq!(server.request_count(), 20 * 3);
}

#[tokio::test]
async fn a_budget_is_per_client_unless_shared() {
    let server = TestServer::always(busy()).await;
    let a = moveworks(&server, 2);
    let b = moveworks(&server, 2);
    assert_eq!(a.http_client().retry_budget().available(), Some(RetryBudget::DEFAULT_CAPACITY), "on by default, full");
    a.list_conversation_messages(CONV).send().await.unwrap_err();
    assert_eq!(a.http_client().retry_budget().available(), Some(490));
    assert_eq!(b.http_client().retry_budget().available(), Some(500), "another client, another bucket");

    let shared = RetryBudget::new(5);
    let c = budgeted(&server, 2, shared.clone());
    let d = budgeted(&server, 2, shared.clone());
    c.list_conversation_messages(CONV).send().await.unwrap_err();
    let before = server.request_count();
    d.list_conversation_messages(CONV).send().await.unwrap_err();
    assert_eq!(server.request_count() - before, 1, "c spent the shared bucket");
    assert_eq!(shared.refused(), 2);
}

// ---- the other clients ---------------------------------------------------

#[tokio::test]
async fn krosai_bare_array_works_against_the_raw_server() {
    let body = json!([
        {"id": "msg-1", "conversation_id": "conv-1", "role": "system", "content": "You are helpful", "created_at": "2023-07-10T15:30:00Z"},
        {"id": "msg-2", "conversation_id": "conv-1", "role": "narrator", "content": "Hello", "created_at": "2023-07-10T15:30:05Z"}
    ]);
    let server = TestServer::scripted([Reply::new(502), Reply::json(200, &body)]).await;
    let client = krosai_client::Client::builder("k-tok")
        .base_url(server.url())
        .retry_policy(policy(1))
        .build()
        .unwrap();
    let messages = client.get_conversation_messages("conv-1").send().await.unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].role, krosai_client::types::MessageRole::System);
    assert_eq!(messages[1].role.as_str(), "narrator");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path(), "/v1/conversations/conv-1/messages");
    assert_eq!(requests[1].header("authorization"), Some("Bearer k-tok"));
}

#[tokio::test]
async fn agentmessage_error_body_and_request_id_come_through() {
    let body = json!({"success": false, "error": {"code": "NOT_FOUND", "message": "not found", "request_id": "01JTBQH2"}});
    let server = TestServer::always(Reply::json(404, &body)).await;
    let client = agentmessage_client::Client::builder("tok")
        .base_url(server.url())
        .retry_policy(policy(2))
        .build()
        .unwrap();
    let err = client.list_conversation_messages("c1").send().await.unwrap_err();
    assert_eq!(err.request_id(), Some("01JTBQH2"));
    assert!(
        matches!(err.api_body(), Some(agentmessage_client::ListConversationMessagesError::NotFound(b)) if b.error.message == "not found"),
        "{err:?}"
    );
    assert!(err.to_string().contains("01JTBQH2"), "{err}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn nairi_gateway_errors_are_retried_then_reported_with_the_raw_body() {
    let server = TestServer::always(Reply::text(502, "text/html", "<html>Bad Gateway</html>")).await;
    let client = nairi_client::Client::builder("n-tok")
        .base_url(server.url())
        .retry_policy(policy(2))
        .build()
        .unwrap();
    let err = client.list_messages("job_1").send().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status, StatusCode::BAD_GATEWAY);
    assert_eq!(api.raw, "<html>Bad Gateway</html>");
    assert_eq!(server.request_count(), 3);
}
