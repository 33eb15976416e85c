//! The four clients through one trait, `conversation_transcript::Conversations`, against a local
//! server: each vendor's seed example pages give the expected common messages (role mapped,
//! text out of Moveworks' content variants with its citations kept, a retention-redacted
//! AgentMessage body as a message without text), paged vendors walk every page, errors keep their
//! status, and what the common model has no field for is still in the vendor's message.

use std::path::Path;
use std::time::Duration;

use conversation_transcript::{Citation, Conversations, DynConversations, Message, Order, Role};
use moveworks_client::client_runtime::futures_util::TryStreamExt;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What a message says in the common model, for comparing.
type Common = (String, Role, Option<String>, Option<String>);

fn common(m: &Message) -> Common {
    (m.id.clone(), m.role.clone(), m.text.clone(), m.created_at.map(|t| t.to_rfc3339()))
}

fn expected(id: &str, role: Role, text: Option<&str>, created: &str) -> Common {
    (id.to_owned(), role, text.map(str::to_owned), Some(created.to_owned()))
}

/// The 200 example `name` of the spec `file`, as the docs give it.
fn seed_example(file: &str, name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs").join(file);
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).expect("the spec")).expect("YAML");
    let paths = spec["paths"].as_object().expect("paths");
    let op = paths.values().next().expect("one path");
    op["get"]["responses"]["200"]["content"]["application/json"]["examples"][name]["value"].clone()
}

async fn serve(route: &str, pages: &[(Option<&str>, Value)]) -> MockServer {
    let server = MockServer::start().await;
    for (cursor, body) in pages {
        let mock = Mock::given(method("GET")).and(path(route));
        let mock = match cursor {
            Some(c) => mock.and(query_param("cursor", *c)).respond_with(ResponseTemplate::new(200).set_body_json(body)).with_priority(1),
            None => mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).with_priority(5),
        };
        mock.mount(&server).await;
    }
    server
}

async fn collect<C: Conversations + ?Sized>(client: &C, id: &str) -> Vec<Message> {
    client.messages(id).try_collect().await.expect("every page")
}

#[tokio::test]
async fn nairi_seed_examples_through_the_trait() {
    let server = serve("/api/public/v1/conversations/job_1/messages", &[(None, seed_example("nairi.yaml", "responseWithSystemErrorMessage"))]).await;
    let client = nairi_client::Client::builder("t").base_url(server.uri()).build().unwrap();
    let messages = collect(&client, "job_1").await;
    assert_eq!(
        messages.iter().map(common).collect::<Vec<_>>(),
        [
            expected("cmsg_01KRK1V475HBTME8QJQMAPWK16", Role::User, Some("Your task description"), "2026-04-12T18:45:12+00:00"),
            expected(
                "cmsg_01KRK1XDKE3MSPRTNDXCXTQK8K",
                Role::System,
                Some("nairid encountered error: unexpected error occurred"),
                "2026-04-12T18:45:30+00:00"
            ),
        ]
    );
    assert_eq!(client.order(), Order::OldestFirst);
    // What the common model has no field for (status, updated_at) is in the vendor's message.
    let raw = messages[0].raw::<nairi_client::types::Message>().expect("Nairi's message");
    assert_eq!(raw.status, nairi_client::types::MessageStatus::Failed);
    assert_eq!(raw.job_id, "job_01KRK1V46BXS73CSNK2VR35NPJ");
}

#[tokio::test]
async fn nairi_progress_role_is_kept_as_other() {
    let mut body = seed_example("nairi.yaml", "response");
    body["messages"][1]["role"] = json!("progress");
    let server = serve("/api/public/v1/conversations/job_1/messages", &[(None, body)]).await;
    let client = nairi_client::Client::builder("t").base_url(server.uri()).build().unwrap();
    let roles: Vec<Role> = collect(&client, "job_1").await.into_iter().map(|m| m.role).collect();
    assert_eq!(roles, [Role::User, Role::Other("progress".into())]);
}

#[tokio::test]
async fn krosai_seed_example_through_the_trait() {
    let id = "conv-b2c3d4e5-f6g7-8901-bcde-fg2345678901";
    let server = serve(&format!("/v1/conversations/{id}/messages"), &[(None, seed_example("krosai.yaml", "exampleResponse"))]).await;
    let client = krosai_client::Client::builder("t").base_url(server.uri()).build().unwrap();
    let messages = collect(&client, id).await;
    assert_eq!(
        messages.iter().map(common).collect::<Vec<_>>(),
        [
            expected("msg-a1b2c3d4-e5f6-7890-abcd-ef1234567890", Role::System, Some("You are a helpful product support agent..."), "2023-07-10T15:30:00+00:00"),
            expected("msg-b2c3d4e5-f6g7-8901-bcde-fg2345678901", Role::Assistant, Some("Hello! How can I help you today?"), "2023-07-10T15:30:05+00:00"),
            expected("msg-c3d4e5f6-g7h8-9012-cdef-gh3456789012", Role::User, Some("I need help with product setup"), "2023-07-10T15:30:15+00:00"),
        ]
    );
}

/// The docs' page split in two by a cursor: the walk crosses it, and the redacted message
/// (body null) is a message without text.
#[tokio::test]
async fn agentmessage_seed_example_walks_every_page_and_keeps_redacted_messages() {
    let seed = seed_example("agentmessage.yaml", "success");
    let mut first = seed.clone();
    first["data"] = json!(seed["data"].as_array().unwrap()[..2]);
    first["meta"]["next_cursor"] = json!("c2");
    let mut second = seed.clone();
    second["data"] = json!(seed["data"].as_array().unwrap()[2..]);
    let server = serve("/v1/conversations/conv_9/messages", &[(None, first), (Some("c2"), second)]).await;
    let client = agentmessage_client::Client::builder("t").base_url(server.uri()).build().unwrap();
    let messages = collect(&client, "conv_9").await;
    assert_eq!(
        messages.iter().map(common).collect::<Vec<_>>(),
        [
            expected("5a1b2c3d-4e5f-6789-abcd-ef0123456789", Role::User, Some("Cancel my appointment please"), "2026-04-28T12:00:01+00:00"),
            expected("8f3a2b1c-1c2d-4e5f-9a8b-0c1d2e3f4a5b", Role::Assistant, Some("Confirmed for Tuesday at 10am."), "2026-04-28T11:00:00+00:00"),
            expected("0190a1b2-c3d4-e5f6-a7b8-c9d0e1f2a3b9", Role::Assistant, None, "2026-01-10T08:00:00+00:00"),
        ]
    );
    let requests = server.received_requests().await.unwrap();
    let cursors: Vec<Option<String>> =
        requests.iter().map(|r| r.url.query_pairs().find(|(k, _)| k == "cursor").map(|(_, v)| v.into_owned())).collect();
    assert_eq!(cursors, [None, Some("c2".to_owned())], "one request per page, the second with the cursor");
    let raw = messages[2].raw::<agentmessage_client::types::Message>().expect("AgentMessage's message");
    assert!(raw.redacted_at.is_some(), "the redaction time is kept in the vendor's message");
}

fn moveworks_message(id: &str, actor: &str, content: Value, citations: Value, created: &str) -> Value {
    json!({"message_id": id, "conversation_id": "conv_123", "response_id": "resp_1", "actor": actor,
           "content": content, "citations": citations, "created_at": created})
}

/// The vendor has no examples: two pages written from its schemas, newest first, all three
/// content kinds and an unknown one, citations with and without their optional fields.
#[tokio::test]
async fn moveworks_pages_map_every_content_kind_to_text_and_keep_citations() {
    let first = json!({
        "messages": [
            moveworks_message("m4", "ASSISTANT", json!({"commonmark_text": {"text": "See **the policy**."}}), json!([
                {"location": {"offset": 4}, "url": "https://kb.example/policy",
                 "display": {"title": {"plain_text": {"text": "Leave policy"}}, "body": {"markdown_text": {"text": "Up to *20* days."}}}},
                {"location": {"offset": 19}}
            ]), "2026-05-01T10:00:04Z"),
            moveworks_message("m3", "USER", json!({"plain_text": {"text": "How many days off?"}}), json!([]), "2026-05-01T10:00:03Z"),
        ],
        "metadata": {"next_cursor": "p2"}
    });
    let second = json!({
        "messages": [
            moveworks_message("m2", "ASSISTANT", json!({"markdown_text": {"text": "Hi, *how* can I help?"}}), json!([]), "2026-05-01T10:00:02Z"),
            moveworks_message("m1", "BOT", json!({"image": {"url": "https://x"}}), json!([]), "2026-05-01T10:00:01Z"),
        ],
        "metadata": {"next_cursor": null}
    });
    let server = serve("/conversations/conv_123/messages", &[(None, first), (Some("p2"), second)]).await;
    let client = moveworks_client::Client::builder("t", "assistant").base_url(server.uri()).build().unwrap();
    assert_eq!(client.order(), Order::NewestFirst);
    let messages = collect(&client, "conv_123").await;
    assert_eq!(
        messages.iter().map(common).collect::<Vec<_>>(),
        [
            expected("m4", Role::Assistant, Some("See **the policy**."), "2026-05-01T10:00:04+00:00"),
            expected("m3", Role::User, Some("How many days off?"), "2026-05-01T10:00:03+00:00"),
            expected("m2", Role::Assistant, Some("Hi, *how* can I help?"), "2026-05-01T10:00:02+00:00"),
            expected("m1", Role::Other("BOT".into()), None, "2026-05-01T10:00:01+00:00"),
        ]
    );
    let mut cited = Citation::new();
    cited.offset = Some(4);
    cited.url = Some("https://kb.example/policy".into());
    cited.title = Some("Leave policy".into());
    cited.text = Some("Up to *20* days.".into());
    let mut bare = Citation::new();
    bare.offset = Some(19);
    assert_eq!(messages[0].citations, [cited, bare]);
    assert!(messages[1].citations.is_empty());
    let raw = messages[0].raw::<moveworks_client::types::Message>().expect("Moveworks' message");
    assert_eq!(raw.response_id, "resp_1", "fields the common model has no place for are kept");
    assert!(messages[3].raw::<moveworks_client::types::Message>().unwrap().content.is_unknown());
}

/// The messages of a page share one allocation for their vendor messages: each message's `raw`
/// is still its own vendor message (the one at its index of its page), on every page, and a
/// message kept after the stream is gone still has it.
#[tokio::test]
async fn each_message_keeps_its_own_vendor_message_of_its_page() {
    let message = |i: usize| {
        let mut m = moveworks_message(&format!("m{i}"), "USER", json!({"plain_text": {"text": format!("text {i}")}}), json!([]), "2026-05-01T10:00:00Z");
        m["response_id"] = json!(format!("resp_{i}"));
        m
    };
    let first = json!({"messages": (0..3).map(message).collect::<Vec<_>>(), "metadata": {"next_cursor": "p2"}});
    let second = json!({"messages": (3..5).map(message).collect::<Vec<_>>(), "metadata": {"next_cursor": null}});
    let server = serve("/conversations/conv_123/messages", &[(None, first), (Some("p2"), second)]).await;
    let client = moveworks_client::Client::builder("t", "assistant").base_url(server.uri()).build().unwrap();
    let messages = collect(&client, "conv_123").await;
    let pairs: Vec<(&str, &str)> = messages
        .iter()
        .map(|m| (m.id.as_str(), m.raw::<moveworks_client::types::Message>().expect("Moveworks' message").response_id.as_str()))
        .collect();
    assert_eq!(pairs, [("m0", "resp_0"), ("m1", "resp_1"), ("m2", "resp_2"), ("m3", "resp_3"), ("m4", "resp_4")]);
    let raw = messages[4].raw::<moveworks_client::types::Message>().unwrap();
    assert!(raw.message_id.is_empty(), "the id was moved out of the vendor message, not copied");
    // One message kept alone keeps its page's vendor messages, and finds its own among them.
    let kept = messages.into_iter().nth(1).expect("five messages");
    assert_eq!(kept.raw::<moveworks_client::types::Message>().map(|m| m.response_id.as_str()), Some("resp_1"));
    assert_eq!(kept.text.as_deref(), Some("text 1"));
}

/// A vendor chosen at run time, through `dyn DynConversations`: the same messages.
#[tokio::test]
async fn a_vendor_chosen_at_run_time_gives_the_same_messages() {
    let server = serve("/v1/conversations/c/messages", &[(None, seed_example("krosai.yaml", "exampleResponse"))]).await;
    let krosai = krosai_client::Client::builder("t").base_url(server.uri()).build().unwrap();
    let direct: Vec<Common> = collect(&krosai, "c").await.iter().map(common).collect();
    let chosen: Box<dyn DynConversations> = Box::new(krosai);
    let through_dyn: Vec<Common> = collect(&*chosen, "c").await.iter().map(common).collect();
    assert_eq!(direct, through_dyn);
    assert_eq!(direct.len(), 3);
}

/// A failed page ends the stream with an error that keeps the vendor's status and request id.
#[tokio::test]
async fn an_error_page_keeps_status_request_id_and_the_vendor_error() {
    let server = MockServer::start().await;
    let body = json!({"success": false, "error": {"code": "NOT_FOUND", "message": "not found", "request_id": "req_42"}});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404).set_body_json(body)).mount(&server).await;
    let client = agentmessage_client::Client::builder("t").base_url(server.uri()).timeout(Duration::from_secs(5)).build().unwrap();
    let error = client.messages("nope").try_collect::<Vec<Message>>().await.expect_err("a 404");
    assert_eq!((error.status(), error.request_id(), error.is_retryable()), (Some(404), Some("req_42"), false));
    let vendor = error
        .vendor_error::<agentmessage_client::Error<agentmessage_client::ListConversationMessagesError>>()
        .expect("the vendor's own error");
    assert!(vendor.api_body().is_some(), "the documented error body is decoded");
}
