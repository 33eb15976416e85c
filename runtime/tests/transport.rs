//! The runtime's transport against a real HTTP/1.1 server on loopback: which
//! methods are retried, per-request overrides, and what goes on the wire.
//!
//! The server is a few lines of raw tokio (this crate's dev-dependencies have
//! no mock server): it answers scripted replies in arrival order, one request
//! per connection (`Connection: close`), records each request before
//! answering, and is aborted when dropped.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_runtime::{Body, ClientBuilder, Error, HttpClient, Method, NoErrorBody, Request, RequestOptions, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

// ---- a minimal scripted server --------------------------------------------

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    body: &'static str,
    delay: Duration,
}

fn reply(status: u16, body: &'static str) -> Reply {
    Reply { status, body, delay: Duration::ZERO }
}

struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort(); // drops the JoinSet, aborting every connection
    }
}

impl Server {
    /// Answers the n-th request with `script[n]`, and any request past the script
    /// with the script's last reply.
    async fn start(script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            let serve = async {
                loop {
                    let Ok((stream, _)) = listener.accept().await else { continue };
                    while connections.try_join_next().is_some() {}
                    connections.spawn(serve_one(stream, log.clone(), script.clone()));
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(30), serve).await;
        });
        Server { addr, seen, task }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

async fn serve_one(mut stream: TcpStream, log: Arc<Mutex<Vec<Seen>>>, script: Vec<Reply>) {
    let Ok(Some(seen)) = tokio::time::timeout(Duration::from_secs(5), read_request(&mut stream)).await else { return };
    let index = {
        let mut log = log.lock().unwrap();
        log.push(seen);
        log.len() - 1
    };
    let reply = script[index.min(script.len() - 1)].clone();
    tokio::time::sleep(reply.delay).await;
    let response = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        reply.status,
        reply.body.len(),
        reply.body
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned())).collect();
    let length: usize = headers.iter().find(|(k, _)| k == "content-length").map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut body = buf[end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen { method, target, headers, body })
}

// ---- helpers -----------------------------------------------------------------

fn fast(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_retry_after: Duration::from_millis(50),
    }
}

fn client(server: &Server, max_retries: u32) -> HttpClient {
    ClientBuilder::<HttpClient>::new(&server.url(), "test-agent")
        .timeout(Duration::from_secs(5))
        .retry_policy(fast(max_retries))
        .build()
        .unwrap()
}

async fn call(client: &HttpClient, req: &Request) -> Result<serde_json::Value, Error<NoErrorBody>> {
    client.execute::<serde_json::Value, NoErrorBody>(req).await.map(|r| r.body)
}

// ---- which methods are retried -------------------------------------------

#[tokio::test]
async fn a_post_answered_503_is_not_retried_but_a_get_is() {
    let server = Server::start(vec![reply(503, "{}")]).await;
    let client = client(&server, 2);

    let mut post = Request::new(Method::POST, "/x".into());
    post.body = Some(Body::Json(br#"{"a":1}"#.to_vec()));
    let err = call(&client, &post).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 1, "a POST may not be idempotent: never sent twice");

    let err = call(&client, &Request::new(Method::GET, "/x".into())).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 1 + 3, "a GET is retried max_retries times");

    let methods: Vec<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["POST", "GET", "GET", "GET"]);
}

#[tokio::test]
async fn put_and_delete_are_retried_patch_is_not() {
    for (method, expected) in [(Method::PUT, 3), (Method::DELETE, 3), (Method::HEAD, 3), (Method::PATCH, 1)] {
        let server = Server::start(vec![reply(503, "")]).await;
        let client = client(&server, 2);
        let err = call(&client, &Request::new(method.clone(), "/x".into())).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{method}");
        assert_eq!(server.count(), expected, "{method}");
        assert!(server.requests().iter().all(|r| r.method == method.as_str()));
    }
}

#[tokio::test]
async fn a_post_that_times_out_is_not_retried() {
    let server = Server::start(vec![Reply { delay: Duration::from_secs(2), ..reply(200, "{}") }]).await;
    let client = client(&server, 2);
    let mut post = Request::new(Method::POST, "/x".into());
    post.options.timeout = Some(Duration::from_millis(200));
    let err = call(&client, &post).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_retried_get_that_recovers_succeeds() {
    let server = Server::start(vec![reply(503, ""), reply(502, ""), reply(200, r#"{"ok":true}"#)]).await;
    let client = client(&server, 2);
    let body = call(&client, &Request::new(Method::GET, "/x".into())).await.unwrap();
    assert_eq!(body, serde_json::json!({"ok": true}));
    assert_eq!(server.count(), 3);
}

// ---- per-request options -----------------------------------------------------

#[tokio::test]
async fn a_per_request_timeout_overrides_the_clients_both_ways() {
    let slow = Reply { delay: Duration::from_millis(600), ..reply(200, "{}") };
    let server = Server::start(vec![slow]).await;

    // Shorter than the client's 5 s: times out.
    let client5s = client(&server, 0);
    let mut req = Request::new(Method::GET, "/x".into());
    req.options = RequestOptions { timeout: Some(Duration::from_millis(200)), max_retries: None };
    let err = call(&client5s, &req).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)), "{err:?}");

    // Longer than the client's 200 ms: succeeds.
    let client200ms = ClientBuilder::<HttpClient>::new(&server.url(), "test-agent")
        .timeout(Duration::from_millis(200))
        .retry_policy(fast(0))
        .build()
        .unwrap();
    let err = call(&client200ms, &Request::new(Method::GET, "/x".into())).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)), "{err:?}");
    req.options.timeout = Some(Duration::from_secs(3));
    call(&client200ms, &req).await.unwrap();
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn per_request_max_retries_overrides_the_clients_both_ways() {
    let server = Server::start(vec![reply(503, "")]).await;
    let mut req = Request::new(Method::GET, "/x".into());

    let never = client(&server, 0);
    req.options = RequestOptions { timeout: None, max_retries: Some(2) };
    call(&never, &req).await.unwrap_err();
    assert_eq!(server.count(), 3, "the request's 2 retries replace the client's 0");

    let twice = client(&server, 2);
    req.options = RequestOptions { timeout: None, max_retries: Some(0) };
    call(&twice, &req).await.unwrap_err();
    assert_eq!(server.count(), 3 + 1, "the request's 0 replaces the client's 2");

    req.options = RequestOptions::default();
    call(&twice, &req).await.unwrap_err();
    assert_eq!(server.count(), 4 + 3, "no override: the client's 2");
}

// ---- what goes on the wire -------------------------------------------------

#[tokio::test]
async fn the_bearer_token_is_sent_and_never_printed() {
    const TOKEN: &str = "tok-SECRET-4242";
    const KEY: &str = "hdr-SECRET-7777";
    let server = Server::start(vec![reply(200, "{}")]).await;
    let builder = ClientBuilder::<HttpClient>::new(&server.url(), "test-agent")
        .bearer_token(TOKEN)
        .header("X-Api-Key", KEY)
        .retry_policy(fast(0));
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();

    call(&client, &Request::new(Method::GET, "/x".into())).await.unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(seen.header("x-api-key"), Some(KEY));
    assert_eq!(seen.header("user-agent"), Some("test-agent"));

    for debug in [builder_debug, format!("{client:?}"), format!("{client:#?}")] {
        assert!(!debug.contains(TOKEN) && !debug.contains("SECRET"), "{debug}");
    }

    // The short token of the docs' example is sent verbatim too.
    let client = ClientBuilder::<HttpClient>::new(&server.url(), "test-agent").bearer_token("t").build().unwrap();
    call(&client, &Request::new(Method::GET, "/x".into())).await.unwrap();
    assert_eq!(server.requests()[1].header("authorization"), Some("Bearer t"));
}

#[tokio::test]
async fn method_path_query_headers_and_json_body_arrive_as_given() {
    let server = Server::start(vec![reply(200, r#"{"id":1}"#)]).await;
    let client = client(&server, 0);
    let mut req = Request::new(Method::POST, "/v1/things/a%2Fb".into());
    req.query = vec![("q", "a b&c=d".into()), ("ids", "1".into()), ("ids", "2".into())];
    req.headers = vec![("X-Trace", "t-1".into())];
    req.body = Some(Body::Json(br#"{"name":"x"}"#.to_vec()));
    let body = call(&client, &req).await.unwrap();
    assert_eq!(body, serde_json::json!({"id": 1}));

    let seen = &server.requests()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/v1/things/a%2Fb?q=a+b%26c%3Dd&ids=1&ids=2");
    assert_eq!(seen.header("x-trace"), Some("t-1"));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.body, br#"{"name":"x"}"#);
}

#[tokio::test]
async fn a_header_value_with_a_newline_is_refused_before_sending() {
    let server = Server::start(vec![reply(200, "{}")]).await;
    let client = client(&server, 2);
    let mut req = Request::new(Method::GET, "/x".into());
    req.headers = vec![("X-Trace", "a\r\nX-Injected: 1".into())];
    let err = call(&client, &req).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(e) if e.parameter == "X-Trace"), "{err:?}");
    assert!(!err.is_retryable());
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn execute_empty_and_bytes_ignore_or_keep_a_non_json_body() {
    let server = Server::start(vec![reply(200, "not json")]).await;
    let client = client(&server, 0);
    let req = Request::new(Method::GET, "/x".into());
    let bytes = client.execute_bytes::<NoErrorBody>(&req).await.unwrap();
    assert_eq!(bytes.body, b"not json");
    client.execute_empty::<NoErrorBody>(&req).await.unwrap();
    let err = call(&client, &req).await.unwrap_err();
    assert!(matches!(&err, Error::Decode(d) if d.excerpt == "not json"), "{err:?}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn cookie_parameters_share_one_cookie_header_and_cannot_inject() {
    let server = Server::start(vec![reply(200, "{}")]).await;
    let client = client(&server, 0);
    let mut req = Request::new(Method::GET, "/x".into());
    req.cookies = vec![("session", "abc".into()), ("theme", "dark".into())];
    call(&client, &req).await.unwrap();
    assert_eq!(server.requests()[0].header("cookie"), Some("session=abc; theme=dark"));

    let mut req = Request::new(Method::GET, "/x".into());
    req.cookies = vec![("session", "abc; admin=1".into())];
    let err = call(&client, &req).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(e) if e.parameter == "session"), "{err:?}");
    assert_eq!(server.requests().len(), 1, "a refused request is never sent");
}
