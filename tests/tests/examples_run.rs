//! The example programs (`examples/*_list_messages.rs`) run as a user runs
//! them, against a local mock server: every message printed as one JSON line,
//! in order, across pages; errors as one line on stderr and a failing exit.
//!
//! The examples are built once per test run with `cargo build --example ...`
//! (a no-op when `cargo test` has just built them; Cargo has released its
//! build lock by the time tests run) and their binaries are then run directly,
//! with a cleared environment so that nothing from the caller's (a `TOKEN`,
//! an `HTTP_PROXY`) leaks in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{json, Value};
use wiremock::matchers::{bearer_token, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const EXAMPLES: [&str; 5] = [
    "nairi_list_messages",
    "moveworks_list_messages",
    "krosai_list_messages",
    "agentmessage_list_messages",
    "transcript",
];

/// The path of a built example binary.
fn example(name: &str) -> &'static Path {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    BUILT
        .get_or_init(build_examples)
        .get(name)
        .unwrap_or_else(|| panic!("example {name} was not built"))
}

/// Builds the examples with the profile this test was built with and returns
/// their executables, as Cargo reports them.
fn build_examples() -> HashMap<String, PathBuf> {
    let mut cargo = Command::new(env!("CARGO"));
    cargo.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "build",
        "--quiet",
        "--message-format=json",
        "--offline",
        "-p",
        "client-tests",
    ]);
    for name in EXAMPLES {
        cargo.args(["--example", name]);
    }
    // This test runs from `<target>/<profile dir>/deps/`.
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name);
    if let Some(dir) = profile_dir
        .and_then(|d| d.to_str())
        .filter(|d| *d != "debug")
    {
        cargo.args(["--profile", dir]);
    }
    let output = cargo.output().expect("running cargo");
    assert!(
        output.status.success(),
        "building the examples failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut built = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        if let (Some(name), Some(executable)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) {
            built.insert(name.to_owned(), PathBuf::from(executable));
        }
    }
    built
}

/// Runs an example with exactly `vars` as its environment.
async fn run(name: &'static str, vars: &[(&str, &str)]) -> Output {
    run_with_args(name, &[], vars).await
}

/// Runs an example with `args` and exactly `vars` as its environment.
async fn run_with_args(name: &'static str, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        Command::new(example(name))
            .args(args)
            .env_clear()
            .envs(vars)
            .output()
            .unwrap_or_else(|e| panic!("running {name}: {e}"))
    })
    .await
    .expect("the example's runner thread")
}

fn stdout_json_lines(output: &Output) -> Vec<Value> {
    let stdout = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("stdout line {line:?} is not JSON: {e}"))
        })
        .collect()
}

/// Asserts the example succeeded, with nothing on stderr.
#[track_caller]
fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// Asserts the example failed, printing nothing on stdout and exactly one
/// line on stderr, which it returns.
#[track_caller]
fn assert_one_line_failure(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "expected a failing exit, got {:?}",
        output.status
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "",
        "nothing on stdout"
    );
    let stderr = String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8");
    let line = stderr
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("stderr ends with a newline: {stderr:?}"));
    assert!(
        !line.is_empty() && !line.contains('\n'),
        "stderr is one line: {stderr:?}"
    );
    line.to_owned()
}

// ---------------------------------------------------------------------------
// The vendors' wire shapes
// ---------------------------------------------------------------------------

struct Vendor {
    example: &'static str,
    /// The request path for conversation `conv_1`.
    path: &'static str,
    /// Required variables besides `TOKEN` and `CONVERSATION_ID`.
    extra: &'static [(&'static str, &'static str)],
}

const NAIRI: Vendor = Vendor {
    example: "nairi_list_messages",
    path: "/api/public/v1/conversations/conv_1/messages",
    extra: &[],
};
const MOVEWORKS: Vendor = Vendor {
    example: "moveworks_list_messages",
    path: "/conversations/conv_1/messages",
    extra: &[("ASSISTANT_NAME", "acme")],
};
const KROSAI: Vendor = Vendor {
    example: "krosai_list_messages",
    path: "/v1/conversations/conv_1/messages",
    extra: &[],
};
const AGENTMESSAGE: Vendor = Vendor {
    example: "agentmessage_list_messages",
    path: "/v1/conversations/conv_1/messages",
    extra: &[],
};

/// A 401 body as the vendor documents it; Nairi and KrosAI document none, but
/// a server still sends something.
fn unauthorized_body(vendor: &Vendor) -> Value {
    match vendor.example {
        "moveworks_list_messages" => {
            json!({"error": {"code": "UNAUTHORIZED", "message": "invalid token"}})
        }
        "agentmessage_list_messages" => json!({
            "success": false,
            "error": {"code": "UNAUTHORIZED", "message": "authentication failed", "request_id": "req_42"}
        }),
        _ => json!({"error": "unauthorized"}),
    }
}

/// The environment a user sets, for a server at `base_url`.
fn env_for<'a>(vendor: &'a Vendor, base_url: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut vars = vec![
        ("BASE_URL", base_url),
        ("TOKEN", "tok"),
        ("CONVERSATION_ID", "conv_1"),
    ];
    vars.extend_from_slice(vendor.extra);
    vars
}

fn moveworks_message(id: &str, actor: &str, text: &str, created_at: &str) -> Value {
    json!({
        "message_id": id,
        "conversation_id": "conv_1",
        "response_id": "resp_1",
        "actor": actor,
        "content": {"plain_text": {"text": text}},
        "citations": [],
        "created_at": created_at
    })
}

fn agentmessage_message(id: &str, body: Option<&str>, created_at: &str) -> Value {
    json!({
        "id": id,
        "direction": "inbound",
        "phone_number_id": "pn_1",
        "from_number": "+15554443333",
        "to_number": "+15551112222",
        "body": body,
        "media_urls": [],
        "channel": "sms",
        "segment_count": 1,
        "created_at": created_at,
        "redacted_at": null
    })
}

// ---------------------------------------------------------------------------
// Listing
// ---------------------------------------------------------------------------

#[tokio::test]
async fn moveworks_example_prints_every_message_of_every_page_in_order() {
    let server = MockServer::start().await;
    // Timestamps are spelled the way `DateTime<Utc>` re-encodes them, so each
    // printed line must equal the served message exactly.
    let page_1 = [
        moveworks_message("msg_4", "ASSISTANT", "Done.", "2026-05-01T09:00:04Z"),
        moveworks_message("msg_3", "USER", "Thanks", "2026-05-01T09:00:03Z"),
    ];
    let page_2 = [
        moveworks_message("msg_2", "ASSISTANT", "Hello", "2026-05-01T09:00:02Z"),
        moveworks_message("msg_1", "USER", "Hi", "2026-05-01T09:00:01Z"),
    ];
    Mock::given(method("GET"))
        .and(path(MOVEWORKS.path))
        .and(bearer_token("tok"))
        .and(header("Assistant-Name", "acme"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": page_1,
            "metadata": {"next_cursor": "cur_2"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(MOVEWORKS.path))
        .and(bearer_token("tok"))
        .and(header("Assistant-Name", "acme"))
        .and(query_param("cursor", "cur_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messages": page_2,
            "metadata": {"next_cursor": null}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let output = run(MOVEWORKS.example, &env_for(&MOVEWORKS, &server.uri())).await;
    assert_success(&output);
    let expected: Vec<Value> = page_1.into_iter().chain(page_2).collect();
    assert_eq!(stdout_json_lines(&output), expected);
}

#[tokio::test]
async fn agentmessage_example_prints_every_message_of_every_page_in_order() {
    let server = MockServer::start().await;
    let page_1 = [
        agentmessage_message("m1", Some("first"), "2026-04-28T11:00:00Z"),
        agentmessage_message("m2", None, "2026-04-28T11:00:01Z"),
    ];
    let page_2 = [agentmessage_message(
        "m3",
        Some("third"),
        "2026-04-28T11:00:02Z",
    )];
    let meta = |next: Value| json!({"total": 0, "limit": 50, "offset": 0, "next_cursor": next});
    Mock::given(method("GET"))
        .and(path(AGENTMESSAGE.path))
        .and(bearer_token("tok"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"success": true, "data": page_1, "meta": meta(json!("next/page"))}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(AGENTMESSAGE.path))
        .and(bearer_token("tok"))
        .and(query_param("cursor", "next/page"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"success": true, "data": page_2, "meta": meta(Value::Null)})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let output = run(AGENTMESSAGE.example, &env_for(&AGENTMESSAGE, &server.uri())).await;
    assert_success(&output);
    let expected: Vec<Value> = page_1.into_iter().chain(page_2).collect();
    assert_eq!(stdout_json_lines(&output), expected);
}

#[tokio::test]
async fn nairi_example_prints_each_message() {
    let server = MockServer::start().await;
    let messages = [
        json!({"id": "cmsg_1", "job_id": "conv_1", "content": "Do it", "role": "user", "status": "completed",
               "created_at": "2026-04-12T18:45:12Z", "updated_at": "2026-04-12T18:45:12Z"}),
        json!({"id": "cmsg_2", "job_id": "conv_1", "content": "{\"delta\":\"x\"}", "role": "progress",
               "status": "running", "created_at": "2026-04-12T18:45:13Z", "updated_at": "2026-04-12T18:45:14Z"}),
    ];
    Mock::given(method("GET"))
        .and(path(NAIRI.path))
        .and(bearer_token("tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"messages": messages})))
        .expect(1)
        .mount(&server)
        .await;

    let output = run(NAIRI.example, &env_for(&NAIRI, &server.uri())).await;
    assert_success(&output);
    assert_eq!(stdout_json_lines(&output), messages);
}

#[tokio::test]
async fn krosai_example_prints_each_message() {
    let server = MockServer::start().await;
    let messages = [
        json!({"id": "msg-1", "conversation_id": "conv_1", "role": "system", "content": "Be helpful",
               "created_at": "2023-07-10T15:30:00Z"}),
        json!({"id": "msg-2", "conversation_id": "conv_1", "role": "user", "content": "Line one\nline two",
               "created_at": "2023-07-10T15:30:15Z"}),
    ];
    Mock::given(method("GET"))
        .and(path(KROSAI.path))
        .and(bearer_token("tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(messages)))
        .expect(1)
        .mount(&server)
        .await;

    let output = run(KROSAI.example, &env_for(&KROSAI, &server.uri())).await;
    assert_success(&output);
    // A newline inside a message stays escaped: still one line per message.
    assert_eq!(stdout_json_lines(&output), messages);
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn examples_refuse_a_missing_token_naming_it() {
    for vendor in [&NAIRI, &MOVEWORKS, &KROSAI, &AGENTMESSAGE] {
        let server = MockServer::start().await;
        let base_url = server.uri();
        let vars: Vec<_> = env_for(vendor, &base_url)
            .into_iter()
            .filter(|(k, _)| *k != "TOKEN")
            .collect();
        let output = run(vendor.example, &vars).await;
        let line = assert_one_line_failure(&output);
        assert!(line.contains("TOKEN"), "{}: {line}", vendor.example);
        let requests = server.received_requests().await.expect("recording is on");
        assert!(
            requests.is_empty(),
            "{}: nothing is sent without a token",
            vendor.example
        );
    }
    // Moveworks also needs ASSISTANT_NAME.
    let vars: Vec<_> = env_for(&MOVEWORKS, "http://127.0.0.1:9")
        .into_iter()
        .filter(|(k, _)| *k != "ASSISTANT_NAME")
        .collect();
    let line = assert_one_line_failure(&run(MOVEWORKS.example, &vars).await);
    assert!(line.contains("ASSISTANT_NAME"), "{line}");
}

#[tokio::test]
async fn examples_report_a_401_in_one_line() {
    for vendor in [&NAIRI, &MOVEWORKS, &KROSAI, &AGENTMESSAGE] {
        let server = MockServer::start().await;
        let body = unauthorized_body(vendor);
        Mock::given(method("GET"))
            .and(path(vendor.path))
            .respond_with(
                ResponseTemplate::new(401)
                    .set_body_string(serde_json::to_string_pretty(&body).unwrap())
                    .insert_header("content-type", "application/json"),
            )
            .expect(1) // 401 is not retried
            .mount(&server)
            .await;
        let output = run(vendor.example, &env_for(vendor, &server.uri())).await;
        // The body is pretty-printed over several lines; the message is still one.
        let line = assert_one_line_failure(&output);
        assert!(line.contains("401"), "{}: {line}", vendor.example);
        if vendor.example == AGENTMESSAGE.example {
            assert!(line.contains("req_42"), "the request id is shown: {line}");
        }
        server.verify().await;
    }
}

// ---------------------------------------------------------------------------
// `transcript`: any vendor through `Conversations`, one format
// ---------------------------------------------------------------------------

#[tokio::test]
async fn transcript_prints_moveworks_pages_oldest_first_with_citations() {
    let server = MockServer::start().await;
    let message = |id: &str, actor: &str, content: Value, citations: Value, created: &str| {
        json!({"message_id": id, "conversation_id": "conv_123", "response_id": "r", "actor": actor,
               "content": content, "citations": citations, "created_at": created})
    };
    let first = json!({"messages": [
        message("m2", "ASSISTANT", json!({"commonmark_text": {"text": "Use **VPN**."}}),
                json!([{"location": {"offset": 4}, "url": "https://kb/vpn", "display": {"title": {"plain_text": {"text": "VPN guide"}}}}]),
                "2026-05-01T10:00:02Z")],
        "metadata": {"next_cursor": "p2"}});
    let second = json!({"messages": [
        message("m1", "USER", json!({"plain_text": {"text": "How do I connect?"}}), json!([]), "2026-05-01T10:00:01Z")],
        "metadata": {"next_cursor": null}});
    Mock::given(method("GET")).and(path("/conversations/conv_123/messages")).and(query_param("cursor", "p2"))
        .and(header("Assistant-Name", "acme")).and(bearer_token("tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(second)).with_priority(1).mount(&server).await;
    Mock::given(method("GET")).and(path("/conversations/conv_123/messages")).and(query_param_is_missing("cursor"))
        .and(header("Assistant-Name", "acme")).and(bearer_token("tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first)).mount(&server).await;
    let vars = [("TOKEN", "tok"), ("ASSISTANT_NAME", "acme"), ("BASE_URL", &server.uri())];
    let output = run_with_args("transcript", &["--vendor", "moveworks", "conv_123"], &vars).await;
    assert_success(&output);
    assert_eq!(
        stdout_json_lines(&output),
        [
            json!({"id": "m1", "role": "user", "created_at": "2026-05-01T10:00:01+00:00", "text": "How do I connect?", "citations": []}),
            json!({"id": "m2", "role": "assistant", "created_at": "2026-05-01T10:00:02+00:00", "text": "Use **VPN**.",
                   "citations": [{"offset": 4, "url": "https://kb/vpn", "title": "VPN guide", "text": null}]}),
        ]
    );
}

#[tokio::test]
async fn transcript_prints_every_vendor_in_the_same_format() {
    let cases: [(&str, &str, Value); 3] = [
        ("nairi", "/api/public/v1/conversations/c1/messages",
         json!({"messages": [{"id": "n1", "job_id": "c1", "content": "hi", "role": "user", "status": "completed",
                              "created_at": "2026-04-12T18:45:12.000Z", "updated_at": "2026-04-12T18:45:12.000Z"}]})),
        ("krosai", "/v1/conversations/c1/messages",
         json!([{"id": "k1", "conversation_id": "c1", "role": "user", "content": "hi", "created_at": "2026-04-12T18:45:12Z"}])),
        ("agentmessage", "/v1/conversations/c1/messages",
         json!({"success": true, "data": [{"id": "a1", "direction": "inbound", "phone_number_id": "p", "from_number": "+1",
                "to_number": "+2", "body": null, "media_urls": [], "channel": "sms", "segment_count": 1,
                "created_at": "2026-04-12T18:45:12Z", "redacted_at": "2026-04-13T00:00:00Z"}],
                "meta": {"total": 1, "limit": 50, "offset": 0, "next_cursor": null}})),
    ];
    for (vendor, route, body) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path(route)).and(bearer_token("tok"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
        let uri = server.uri();
        let vars = [("TOKEN", "tok"), ("BASE_URL", uri.as_str()), ("CONVERSATION_ID", "c1")];
        let output = run_with_args("transcript", &["--vendor", vendor], &vars).await;
        assert_success(&output);
        let lines = stdout_json_lines(&output);
        assert_eq!(lines.len(), 1, "{vendor}");
        assert_eq!(lines[0]["role"], "user", "{vendor}");
        assert_eq!(lines[0]["created_at"], "2026-04-12T18:45:12+00:00", "{vendor}");
        // AgentMessage's retention-redacted body is a message without text, not an error.
        let text = if vendor == "agentmessage" { Value::Null } else { json!("hi") };
        assert_eq!(lines[0]["text"], text, "{vendor}");
    }
}

#[tokio::test]
async fn transcript_refuses_an_unknown_vendor_and_reports_api_errors_in_one_line() {
    let output = run_with_args("transcript", &["--vendor", "acme", "c1"], &[("TOKEN", "tok")]).await;
    assert!(assert_one_line_failure(&output).contains("unknown vendor \"acme\""));
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "no"}))).mount(&server).await;
    let uri = server.uri();
    let output = run_with_args("transcript", &["--vendor", "krosai", "c1"], &[("TOKEN", "tok"), ("BASE_URL", &uri)]).await;
    assert!(assert_one_line_failure(&output).contains("401"));
}
