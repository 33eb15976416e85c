//! Cursor pagination of the generated clients against a real HTTP server on
//! loopback: which cursor and limit go out on each request, when the walk
//! stops, that it is lazy, and how bad pages end it.

use std::time::Duration;

use client_tests::raw_server::{RecordedRequest, Reply, TestServer};
use moveworks_client::client_runtime::futures_util::{StreamExt, TryStreamExt};
use serde_json::{json, Value};

const CONV: &str = "conv_01";
const PATH: &str = "/conversations/conv_01/messages";

fn fast_policy() -> moveworks_client::RetryPolicy {
    moveworks_client::RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_retry_after: Duration::from_millis(50),
    }
}

fn moveworks(server: &TestServer) -> moveworks_client::Client {
    moveworks_client::Client::builder("tok", "assistant")
        .base_url(server.url())
        .timeout(Duration::from_secs(5))
        .retry_policy(fast_policy())
        .build()
        .unwrap()
}

fn agentmessage(server: &TestServer) -> agentmessage_client::Client {
    agentmessage_client::Client::builder("tok")
        .base_url(server.url())
        .timeout(Duration::from_secs(5))
        .retry_policy(fast_policy())
        .build()
        .unwrap()
}

/// A Moveworks message whose id is `id`.
fn mw_message(id: &str) -> Value {
    json!({
        "message_id": id,
        "conversation_id": CONV,
        "response_id": format!("resp_{id}"),
        "actor": "USER",
        "content": {"plain_text": {"text": format!("text of {id}")}},
        "citations": [],
        "created_at": "2024-05-01T10:00:00Z"
    })
}

fn mw_page(ids: &[&str], next: Option<&str>) -> Value {
    let messages: Vec<Value> = ids.iter().map(|id| mw_message(id)).collect();
    json!({"messages": messages, "metadata": {"next_cursor": next}})
}

/// An AgentMessage message whose id is `id`.
fn am_message(id: &str) -> Value {
    json!({
        "id": id,
        "direction": "inbound",
        "phone_number_id": "pn_1",
        "from_number": "+15554443333",
        "to_number": "+15551112222",
        "body": format!("body of {id}"),
        "media_urls": [],
        "channel": "sms",
        "segment_count": 1,
        "created_at": "2024-05-01T10:00:00Z",
        "redacted_at": null
    })
}

fn am_page(ids: &[&str], next: Option<&str>) -> Value {
    let data: Vec<Value> = ids.iter().map(|id| am_message(id)).collect();
    json!({"success": true, "data": data, "meta": {"total": 0, "limit": 2, "offset": 0, "next_cursor": next}})
}

/// A server answering by cursor: no cursor gets `pages[0]`, the cursor `c`
/// gets the page after the one whose next cursor was `c`. An unknown cursor
/// gets a 400.
async fn cursor_server(pages: Vec<(Option<&'static str>, Value)>) -> TestServer {
    TestServer::start(move |req: &RecordedRequest| {
        let cursor = req.query("cursor");
        match pages.iter().find(|(c, _)| c.map(str::to_owned) == cursor) {
            Some((_, page)) => Reply::json(200, page),
            None => Reply::json(400, &json!({"error": {"code": "INVALID_CURSOR", "message": "unknown cursor"}})),
        }
    })
    .await
}

fn cursors(server: &TestServer) -> Vec<Option<String>> {
    server.requests().iter().map(|r| r.query("cursor")).collect()
}

// Opaque cursors are often base64: `+`, `/` and `=` must survive the query string.
const C2: &str = "cD0y+/a=";
const C3: &str = "cD0z+/b==";

#[tokio::test]
async fn moveworks_items_walk_three_pages_in_order_and_stop_at_a_null_cursor() {
    let server = cursor_server(vec![
        (None, mw_page(&["m1", "m2"], Some(C2))),
        (Some(C2), mw_page(&["m3", "m4"], Some(C3))),
        (Some(C3), mw_page(&["m5"], None)),
    ])
    .await;
    let client = moveworks(&server);

    let items: Vec<moveworks_client::types::Message> =
        client.list_conversation_messages(CONV).limit(2).items().try_collect().await.unwrap();

    let ids: Vec<&str> = items.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids, ["m1", "m2", "m3", "m4", "m5"]);
    assert_eq!(items[2].content.text(), Some("text of m3"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "no request after the page whose next cursor is null");
    assert_eq!(cursors(&server), [None, Some(C2.to_owned()), Some(C3.to_owned())]);
    for r in &requests {
        assert_eq!(r.method, "GET");
        assert_eq!(r.path(), PATH);
        assert_eq!(r.query_all("limit"), ["2"], "limit on every request: {}", r.target);
        assert_eq!(r.header("authorization"), Some("Bearer tok"));
        assert_eq!(r.header("assistant-name"), Some("assistant"));
    }
}

#[tokio::test]
async fn moveworks_without_limit_sends_no_limit() {
    let server = cursor_server(vec![(None, mw_page(&["m1"], Some(C2))), (Some(C2), mw_page(&["m2"], None))]).await;
    let client = moveworks(&server);
    let items: Vec<_> = client.list_conversation_messages(CONV).items().try_collect().await.unwrap();
    assert_eq!(items.len(), 2);
    assert!(server.requests().iter().all(|r| r.query_all("limit").is_empty()));
}

#[tokio::test]
async fn moveworks_walk_starts_at_the_given_cursor() {
    let server = cursor_server(vec![(Some("start"), mw_page(&["m7"], Some(C2))), (Some(C2), mw_page(&["m8"], None))]).await;
    let client = moveworks(&server);
    let items: Vec<_> = client.list_conversation_messages(CONV).cursor("start").items().try_collect().await.unwrap();
    assert_eq!(items.iter().map(|m| m.message_id.as_str()).collect::<Vec<_>>(), ["m7", "m8"]);
    assert_eq!(cursors(&server), [Some("start".to_owned()), Some(C2.to_owned())]);
}

#[tokio::test]
async fn moveworks_absent_metadata_or_absent_next_cursor_ends_the_walk() {
    for last in [
        json!({"messages": [mw_message("m2")]}),
        json!({"messages": [mw_message("m2")], "metadata": {}}),
        json!({"messages": [mw_message("m2")], "metadata": {"next_cursor": ""}}),
    ] {
        let server = cursor_server(vec![(None, mw_page(&["m1"], Some(C2))), (Some(C2), last.clone())]).await;
        let client = moveworks(&server);
        let items: Vec<_> = client.list_conversation_messages(CONV).items().try_collect().await.unwrap();
        assert_eq!(items.len(), 2, "{last}");
        assert_eq!(server.request_count(), 2, "no request after {last}");
    }
}

#[tokio::test]
async fn agentmessage_items_walk_three_pages_in_order_and_stop_at_a_null_cursor() {
    let server = cursor_server(vec![
        (None, am_page(&["a1", "a2"], Some(C2))),
        (Some(C2), am_page(&["a3", "a4"], Some(C3))),
        (Some(C3), am_page(&["a5"], None)),
    ])
    .await;
    let client = agentmessage(&server);

    let items: Vec<agentmessage_client::types::Message> =
        client.list_conversation_messages("c1").limit(2).items().try_collect().await.unwrap();

    let ids: Vec<&str> = items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5"]);
    assert_eq!(items[4].body.as_deref(), Some("body of a5"));
    assert_eq!(server.request_count(), 3);
    assert_eq!(cursors(&server), [None, Some(C2.to_owned()), Some(C3.to_owned())]);
    for r in server.requests() {
        assert_eq!(r.path(), "/v1/conversations/c1/messages");
        assert_eq!(r.query_all("limit"), ["2"]);
    }
}

#[tokio::test]
async fn agentmessage_absent_next_cursor_ends_the_walk() {
    let last = json!({"success": true, "data": [am_message("a2")], "meta": {"total": 0, "limit": 50, "offset": 0}});
    let server = cursor_server(vec![(None, am_page(&["a1"], Some(C2))), (Some(C2), last)]).await;
    let client = agentmessage(&server);
    let items: Vec<_> = client.list_conversation_messages("c1").items().try_collect().await.unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn pages_yield_each_page_with_its_metadata() {
    let server = cursor_server(vec![
        (None, mw_page(&["m1", "m2"], Some(C2))),
        (Some(C2), mw_page(&["m3"], Some(C3))),
        (Some(C3), mw_page(&[], None)),
    ])
    .await;
    let client = moveworks(&server);
    let pages: Vec<moveworks_client::types::ListConversationMessagesResponse> =
        client.list_conversation_messages(CONV).limit(2).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
    let next: Vec<Option<&str>> =
        pages.iter().map(|p| p.metadata.as_ref().and_then(|m| m.next_cursor.as_ref()?.as_deref())).collect();
    assert_eq!(next, [Some(C2), Some(C3), None]);
    let sizes: Vec<usize> = pages.iter().map(|p| p.messages.len()).collect();
    assert_eq!(sizes, [2, 1, 0]);
    assert_eq!(server.request_count(), 3);

    // AgentMessage: the whole `meta` object comes with each page.
    let server = cursor_server(vec![(None, am_page(&["a1"], Some(C2))), (Some(C2), am_page(&["a2"], None))]).await;
    let client = agentmessage(&server);
    let pages: Vec<_> = client.list_conversation_messages("c1").pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].meta.next_cursor.as_deref(), Some(C2));
    assert_eq!(pages[0].meta.limit, 2);
    assert_eq!(pages[1].meta.next_cursor, None);
    assert!(pages.iter().all(|p| p.success));
}

#[tokio::test]
async fn a_page_is_fetched_only_when_the_stream_needs_it_and_never_after_a_drop() {
    let server = cursor_server(vec![
        (None, mw_page(&["m1", "m2"], Some(C2))),
        (Some(C2), mw_page(&["m3", "m4"], Some(C3))),
        (Some(C3), mw_page(&["m5"], None)),
    ])
    .await;
    let client = moveworks(&server);
    let mut items = Box::pin(client.list_conversation_messages(CONV).items());
    assert_eq!(server.request_count(), 0, "creating the stream sends nothing");

    assert_eq!(items.next().await.unwrap().unwrap().message_id, "m1");
    assert_eq!(items.next().await.unwrap().unwrap().message_id, "m2");
    assert_eq!(server.request_count(), 1, "the second item comes from the first page");
    assert_eq!(items.next().await.unwrap().unwrap().message_id, "m3");
    assert_eq!(server.request_count(), 2);

    drop(items);
    // Asserting an absence: give any stray task a chance to run.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.request_count(), 2, "a dropped stream fetches nothing more");
}

#[tokio::test]
async fn a_stream_dropped_after_the_first_item_makes_no_further_request() {
    let server = cursor_server(vec![(None, am_page(&["a1", "a2"], Some(C2))), (Some(C2), am_page(&["a3"], None))]).await;
    let client = agentmessage(&server);
    let mut items = Box::pin(client.list_conversation_messages("c1").items());
    assert_eq!(items.next().await.unwrap().unwrap().id, "a1");
    drop(items);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_server_repeating_its_cursor_ends_the_walk_with_a_pagination_error() {
    // The server hands out the same next cursor forever.
    let server = TestServer::start(|_| Reply::json(200, &mw_page(&["m"], Some("again")))).await;
    let client = moveworks(&server);
    let mut items = Box::pin(client.list_conversation_messages(CONV).items());

    assert_eq!(items.next().await.unwrap().unwrap().message_id, "m");
    let err = items.next().await.unwrap().unwrap_err();
    assert!(matches!(err, moveworks_client::Error::Pagination(_)), "{err:?}");
    assert!(err.to_string().contains("again"), "{err}");
    assert!(!err.is_retryable());
    assert!(items.next().await.is_none(), "the stream ends after the error");
    assert_eq!(server.request_count(), 2, "bounded: the repeat is noticed on the second page");
    assert_eq!(cursors(&server), [None, Some("again".to_owned())]);

    // Same with AgentMessage's pages().
    let server = TestServer::start(|_| Reply::json(200, &am_page(&["a"], Some("again")))).await;
    let client = agentmessage(&server);
    let out: Vec<_> = client.list_conversation_messages("c1").pages().collect().await;
    assert_eq!(out.len(), 2);
    assert!(out[0].is_ok());
    assert!(matches!(out[1], Err(agentmessage_client::Error::Pagination(_))), "{:?}", out[1]);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn the_start_cursor_coming_back_is_a_pagination_error() {
    let server = TestServer::start(|_| Reply::json(200, &mw_page(&["m"], Some("start")))).await;
    let client = moveworks(&server);
    let out: Vec<_> = client.list_conversation_messages(CONV).cursor("start").pages().collect().await;
    assert_eq!(out.len(), 1);
    assert!(matches!(out[0], Err(moveworks_client::Error::Pagination(_))), "{:?}", out[0]);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn unknown_enum_values_and_content_variants_on_page_two_do_not_fail_the_walk() {
    use moveworks_client::types::{ActorType, Content};

    let mut odd = mw_message("m3");
    odd["actor"] = json!("BOT");
    odd["content"] = json!({"html_text": {"html": "<b>hi</b>"}});
    let server = cursor_server(vec![
        (None, mw_page(&["m1", "m2"], Some(C2))),
        (Some(C2), json!({"messages": [odd, mw_message("m4")], "metadata": {"next_cursor": null}})),
    ])
    .await;
    let client = moveworks(&server);
    let items: Vec<_> = client.list_conversation_messages(CONV).items().try_collect().await.unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[2].actor, ActorType::Unknown("BOT".into()));
    assert_eq!(items[2].actor.as_str(), "BOT");
    assert_eq!(items[2].content, Content::Unknown(json!({"html_text": {"html": "<b>hi</b>"}})));
    assert_eq!(items[2].content.text(), None);
    assert_eq!(items[3].actor, ActorType::User);
    assert_eq!(items[3].content.text(), Some("text of m4"));

    // AgentMessage: new direction and status values.
    use agentmessage_client::types::{MessageDirection, MessageStatus};
    let mut odd = am_message("a2");
    odd["direction"] = json!("internal");
    odd["status"] = json!("queued");
    let page2 = json!({"success": true, "data": [odd], "meta": {"total": 0, "limit": 50, "offset": 0, "next_cursor": null}});
    let server = cursor_server(vec![(None, am_page(&["a1"], Some(C2))), (Some(C2), page2)]).await;
    let client = agentmessage(&server);
    let items: Vec<_> = client.list_conversation_messages("c1").items().try_collect().await.unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].direction, MessageDirection::Unknown("internal".into()));
    assert_eq!(items[1].status, Some(MessageStatus::Unknown("queued".into())));
}

#[tokio::test]
async fn a_message_missing_a_required_field_is_a_decode_error_naming_it() {
    let mut bad = mw_message("m3");
    bad.as_object_mut().unwrap().remove("created_at");
    let page = json!({"messages": [mw_message("m1"), mw_message("m2"), bad], "metadata": {"next_cursor": "more"}});
    let server = TestServer::always(Reply::json(200, &page)).await;
    let client = moveworks(&server);
    let mut items = Box::pin(client.list_conversation_messages(CONV).items());

    let err = items.next().await.unwrap().unwrap_err();
    let moveworks_client::Error::Decode(decode) = &err else { panic!("expected Decode, got {err:?}") };
    assert_eq!(decode.status, 200);
    assert_eq!(decode.path, "messages[2].created_at", "{decode:?}");
    assert!(decode.message.contains("created_at"), "{decode:?}");
    let text = err.to_string();
    assert!(text.contains("messages[2]") && text.contains("created_at"), "{text}");
    assert!(!err.is_retryable(), "a bad body does not get better by asking again");
    assert!(items.next().await.is_none(), "the walk ends at the error");
    assert_eq!(server.request_count(), 1, "a decode error is not retried");
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_a_decode_error_with_its_full_path() {
    let mut bad = am_message("a2");
    bad["created_at"] = json!("yesterday");
    let page = json!({"success": true, "data": [am_message("a1"), bad], "meta": {"total": 0, "limit": 50, "offset": 0, "next_cursor": null}});
    let server = TestServer::always(Reply::json(200, &page)).await;
    let client = agentmessage(&server);
    let err = client.list_conversation_messages("c1").send().await.unwrap_err();
    let agentmessage_client::Error::Decode(decode) = &err else { panic!("expected Decode, got {err:?}") };
    assert_eq!(decode.status, 200);
    assert_eq!(decode.path, "data[1].created_at", "{decode:?}");
    assert_eq!(err.status(), Some(moveworks_client::client_runtime::StatusCode::OK));
}

#[tokio::test]
async fn an_error_on_page_two_ends_the_walk_after_the_first_pages_items() {
    let server = TestServer::scripted([
        Reply::json(200, &mw_page(&["m1"], Some(C2))),
        Reply::json(400, &json!({"error": {"code": "INVALID_CURSOR", "message": "expired"}})),
    ])
    .await;
    let client = moveworks(&server);
    let out: Vec<_> = client.list_conversation_messages(CONV).items().collect().await;
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].as_ref().unwrap().message_id, "m1");
    let err = out[1].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(
        matches!(err.api_body(), Some(moveworks_client::ListConversationMessagesError::BadRequest(b)) if b.error.message == "expired"),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 2, "a 400 is not retried");
}
