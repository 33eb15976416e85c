//! Helpers shared by the tests and the example programs.
//!
//! The tests themselves are in `tests/` (snapshots, compile tests, seed
//! examples, wire tests); the example programs in `examples/`.
//!
//! [`raw_server`] is a scripted HTTP/1.1 server on loopback for the tests
//! that need a server to misbehave in ways a mock framework does not offer
//! (closing mid-body, stalling, lying about `Content-Length`); [`load`] is the
//! load scenario (many tasks walking pages through one client against a
//! faulty server) shared by `tests/load.rs` and the load bench.

pub mod load;

/// Runs one `#[ignore]`d test of the calling test binary in a child process with `env` set,
/// and fails unless it passed: for tests that must run on a thread of their own stack size
/// (a stack overflow aborts the whole process, so it has to be a child's).
pub fn run_ignored_test_in_child(test: &str, env: &str) {
    let output = std::process::Command::new(std::env::current_exe().expect("the test's executable"))
        .args(["--exact", test, "--include-ignored", "--nocapture", "--test-threads", "1"])
        .env(env, "1")
        .output()
        .expect("running the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the child failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}

pub mod raw_server {
    //! A small, scripted HTTP/1.1 server on `127.0.0.1` for behaviour tests.
    //!
    //! ```no_run
    //! # async fn f() {
    //! use client_tests::raw_server::{Reply, TestServer};
    //! use std::time::Duration;
    //!
    //! // The first request gets a 503, the second a 200; a third would get a 418.
    //! let server = TestServer::scripted([
    //!     Reply::json(503, &serde_json::json!({"error": "busy"})),
    //!     Reply::json(200, &serde_json::json!([])).delay(Duration::from_millis(10)),
    //! ])
    //! .await;
    //! // ... point a client at `server.url()`, then:
    //! assert_eq!(server.request_count(), 2);
    //! assert_eq!(server.requests()[1].path(), "/v1/things");
    //! # }
    //! ```
    //!
    //! Properties the tests rely on:
    //!
    //! - **One request per connection.** Every response carries
    //!   `Connection: close` and the server closes the connection after it, so
    //!   each request the client makes is one connection and one entry in the
    //!   log: request counts are exact.
    //! - **A request is recorded before it is answered** (before any delay), so
    //!   by the time a client has its response, or has given up waiting, the
    //!   request is in [`TestServer::requests`].
    //! - **Everything is bounded in time.** Dropping the [`TestServer`] aborts
    //!   its accept loop and every connection it is serving (delays and stalls
    //!   included); even if it is never dropped, the server stops after
    //!   [`MAX_LIFETIME`], and a connection that does not send a complete
    //!   request within [`READ_TIMEOUT`] is closed unanswered and unrecorded.
    //!
    //! Limits: request bodies are read by `Content-Length` only (no chunked
    //! request bodies), and the request head is capped at 64 KiB.

    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::task::{JoinHandle, JoinSet};

    /// The longest a server runs, even if its [`TestServer`] is leaked.
    pub const MAX_LIFETIME: Duration = Duration::from_secs(60);
    /// The longest the server waits for a connection to send a complete request.
    pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
    const MAX_HEAD: usize = 64 * 1024;

    /// One request as the server received it.
    #[derive(Debug, Clone)]
    pub struct RecordedRequest {
        /// 0-based arrival order (the order in which requests were fully read).
        pub index: usize,
        /// The method, as sent (`GET`).
        pub method: String,
        /// The request target: path and query, still percent-encoded (`/a/b?x=1`).
        pub target: String,
        /// The headers in the order sent; names lower-cased.
        pub headers: Vec<(String, String)>,
        /// The body (per `Content-Length`; empty without one).
        pub body: Vec<u8>,
        /// When the request had been read completely.
        pub received_at: Instant,
    }

    impl RecordedRequest {
        /// The path part of the target, still percent-encoded.
        pub fn path(&self) -> &str {
            self.target.split_once('?').map_or(&self.target, |(p, _)| p)
        }

        /// The raw query string (after `?`), if there is one.
        pub fn raw_query(&self) -> Option<&str> {
            self.target.split_once('?').map(|(_, q)| q)
        }

        /// The query's pairs in order, decoded as `application/x-www-form-urlencoded`
        /// (`+` is a space, `%XX` a byte).
        pub fn query_pairs(&self) -> Vec<(String, String)> {
            let Some(query) = self.raw_query() else { return Vec::new() };
            query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (form_decode(k), form_decode(v))
                })
                .collect()
        }

        /// Every decoded value of query parameter `name`, in order.
        pub fn query_all(&self, name: &str) -> Vec<String> {
            self.query_pairs().into_iter().filter(|(k, _)| k == name).map(|(_, v)| v).collect()
        }

        /// The decoded value of query parameter `name`; `None` if absent.
        ///
        /// # Panics
        /// If the parameter was sent more than once (a test expecting one value
        /// should not silently read the first of several).
        pub fn query(&self, name: &str) -> Option<String> {
            let mut all = self.query_all(name);
            assert!(all.len() <= 1, "query parameter {name:?} sent {} times in {:?}", all.len(), self.target);
            all.pop()
        }

        /// The value of header `name` (case-insensitive); the first if repeated.
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
        }
    }

    fn form_decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// What goes wrong with a response, if anything.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Fault {
        /// The whole body is sent.
        None,
        /// Only the first `n` bytes are sent, then the connection is closed.
        CloseAfter(usize),
        /// Only the first `n` bytes are sent, then nothing for the given time, then the connection is closed.
        StallAfter(usize, Duration),
        /// Nothing at all is sent: the connection is closed after reading the request.
        HangUp,
        /// Nothing at all is sent: the connection is reset (`SO_LINGER` 0, so the close sends a RST).
        Reset,
    }

    /// One scripted response, and how to misbehave while sending it.
    ///
    /// `Content-Length` (the full body's length, unless set with
    /// [`header`](Self::header)) and `Connection: close` are always sent.
    #[derive(Debug, Clone)]
    pub struct Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        delay: Duration,
        fault: Fault,
    }

    impl Reply {
        /// A response with this status and an empty body.
        pub fn new(status: u16) -> Self {
            Reply { status, headers: Vec::new(), body: Vec::new(), delay: Duration::ZERO, fault: Fault::None }
        }

        /// A JSON response with `value` as its body.
        pub fn json(status: u16, value: &serde_json::Value) -> Self {
            Self::raw_json(status, &value.to_string())
        }

        /// A response declared `application/json` whose body is `text` verbatim
        /// (for bodies that are not valid JSON, e.g. truncated, with a correct
        /// `Content-Length`).
        pub fn raw_json(status: u16, text: &str) -> Self {
            Self::text(status, "application/json", text)
        }

        /// A response with this content type and body.
        pub fn text(status: u16, content_type: &str, body: &str) -> Self {
            Reply::new(status).header("Content-Type", content_type).body(body.as_bytes().to_vec())
        }

        /// Replaces the body.
        pub fn body(mut self, body: Vec<u8>) -> Self {
            self.body = body;
            self
        }

        /// Adds a header (e.g. `Retry-After`, `x-request-id`).
        pub fn header(mut self, name: &str, value: &str) -> Self {
            self.headers.push((name.to_owned(), value.to_owned()));
            self
        }

        /// Waits this long after reading the request before sending anything.
        pub fn delay(mut self, delay: Duration) -> Self {
            self.delay = delay;
            self
        }

        /// Sends the head (with the full body's `Content-Length`) and the first
        /// `n` bytes of the body, then closes the connection.
        pub fn close_after(mut self, n: usize) -> Self {
            self.fault = Fault::CloseAfter(n);
            self
        }

        /// Sends the head (with the full body's `Content-Length`) and the first
        /// `n` bytes of the body, then sends nothing for `stall`, then closes.
        pub fn stall_after(mut self, n: usize, stall: Duration) -> Self {
            self.fault = Fault::StallAfter(n, stall);
            self
        }

        /// Sends nothing at all: closes the connection once the request is read
        /// (after any [`delay`](Self::delay)), as a crashing server or a proxy dropping
        /// the connection would.
        pub fn hang_up(mut self) -> Self {
            self.fault = Fault::HangUp;
            self
        }

        /// Sends nothing at all: resets the connection once the request is read
        /// (after any [`delay`](Self::delay)): the close sends a TCP RST, not a FIN,
        /// as a server that crashed or a load balancer cutting connections does.
        pub fn reset(mut self) -> Self {
            self.fault = Fault::Reset;
            self
        }

        fn head(&self) -> Vec<u8> {
            let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
            let has = |name: &str| self.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
            if !has("content-length") {
                head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
            }
            head.push_str("Connection: close\r\n");
            for (k, v) in &self.headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            head.into_bytes()
        }
    }

    fn reason(status: u16) -> &'static str {
        match status {
            200 => "OK",
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            408 => "Request Timeout",
            418 => "I'm a teapot",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            _ => "Whatever",
        }
    }

    type Responder = dyn Fn(&RecordedRequest) -> Reply + Send + Sync;

    /// A running server; stops when dropped.
    pub struct TestServer {
        addr: SocketAddr,
        log: Arc<Mutex<Vec<RecordedRequest>>>,
        task: JoinHandle<()>,
    }

    impl std::fmt::Debug for TestServer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("TestServer").field("addr", &self.addr).field("requests", &self.request_count()).finish()
        }
    }

    impl TestServer {
        /// Starts a server answering every request with `respond(&request)`.
        ///
        /// `request.index` is the request's arrival order, so a closure can
        /// script by position as well as by path, query or headers.
        pub async fn start(respond: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
            let addr = listener.local_addr().expect("local addr");
            let log = Arc::new(Mutex::new(Vec::new()));
            let respond: Arc<Responder> = Arc::new(respond);
            let task = tokio::spawn(accept_loop(listener, log.clone(), respond));
            TestServer { addr, log, task }
        }

        /// Starts a server answering the n-th request (0-based) with `replies[n]`.
        ///
        /// A request beyond the script is answered `418` with the body
        /// `unscripted request #n`: not a status any client retries, so an
        /// unexpected extra request shows up as a failure, not as a success.
        pub async fn scripted(replies: impl IntoIterator<Item = Reply>) -> Self {
            let replies: Vec<Reply> = replies.into_iter().collect();
            Self::start(move |req| {
                replies
                    .get(req.index)
                    .cloned()
                    .unwrap_or_else(|| Reply::text(418, "text/plain", &format!("unscripted request #{}", req.index)))
            })
            .await
        }

        /// Starts a server answering every request with the same reply.
        pub async fn always(reply: Reply) -> Self {
            Self::start(move |_| reply.clone()).await
        }

        /// The base URL: `http://127.0.0.1:PORT`.
        pub fn url(&self) -> String {
            format!("http://{}", self.addr)
        }

        /// The address the server listens on.
        pub fn addr(&self) -> SocketAddr {
            self.addr
        }

        /// Every request received so far, in arrival order.
        pub fn requests(&self) -> Vec<RecordedRequest> {
            self.log.lock().unwrap().clone()
        }

        /// How many requests were received so far.
        pub fn request_count(&self) -> usize {
            self.log.lock().unwrap().len()
        }
    }

    impl Drop for TestServer {
        fn drop(&mut self) {
            // Aborting the accept loop drops its JoinSet, which aborts every connection task.
            self.task.abort();
        }
    }

    async fn accept_loop(listener: TcpListener, log: Arc<Mutex<Vec<RecordedRequest>>>, respond: Arc<Responder>) {
        let mut connections = JoinSet::new();
        let serve = async {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                while connections.try_join_next().is_some() {}
                connections.spawn(serve_one(stream, log.clone(), respond.clone()));
            }
        };
        let _ = tokio::time::timeout(MAX_LIFETIME, serve).await;
        connections.abort_all();
    }

    async fn serve_one(mut stream: TcpStream, log: Arc<Mutex<Vec<RecordedRequest>>>, respond: Arc<Responder>) {
        let Ok(Some(mut request)) = tokio::time::timeout(READ_TIMEOUT, read_request(&mut stream)).await else {
            return;
        };
        {
            let mut log = log.lock().unwrap();
            request.index = log.len();
            log.push(request.clone());
        }
        let reply = respond(&request);
        answer(stream, &reply).await;
    }

    /// Sends `reply` after its delay, with its fault, and closes the connection.
    pub(crate) async fn answer(mut stream: TcpStream, reply: &Reply) {
        tokio::time::sleep(reply.delay).await;
        if reply.fault == Fault::Reset {
            // Dropped with a zero linger: the kernel answers the close with a RST.
            let _ = stream.set_zero_linger();
            return;
        }
        let _ = write_reply(&mut stream, reply).await;
        let _ = stream.shutdown().await;
    }

    async fn write_reply(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<()> {
        if matches!(reply.fault, Fault::HangUp | Fault::Reset) {
            return Ok(());
        }
        stream.write_all(&reply.head()).await?;
        match reply.fault {
            Fault::None => stream.write_all(&reply.body).await?,
            Fault::HangUp | Fault::Reset => {}
            Fault::CloseAfter(n) => stream.write_all(&reply.body[..n.min(reply.body.len())]).await?,
            Fault::StallAfter(n, stall) => {
                stream.write_all(&reply.body[..n.min(reply.body.len())]).await?;
                stream.flush().await?;
                tokio::time::sleep(stall).await;
            }
        }
        stream.flush().await
    }

    /// Reads one request; `None` if the connection closed or sent something that is not HTTP/1.1.
    pub(crate) async fn read_request(stream: &mut TcpStream) -> Option<RecordedRequest> {
        let mut buf = Vec::with_capacity(1024);
        let head_end = loop {
            if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos;
            }
            if buf.len() > MAX_HEAD {
                return None;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = std::str::from_utf8(&buf[..head_end]).ok()?;
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next()?.split(' ');
        let method = request_line.next()?.to_owned();
        let target = request_line.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map_or(Some(0), |(_, v)| v.parse().ok())?;
        let mut body = buf[head_end + 4..].to_vec();
        while body.len() < length {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        body.truncate(length);
        Some(RecordedRequest { index: 0, method, target, headers, body, received_at: Instant::now() })
    }

    /// A loopback port that nothing listens on: bound, then released.
    ///
    /// Connecting to it is refused (unless another process grabs the port in
    /// between, which the OS makes unlikely by not reusing a port at once).
    pub async fn closed_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        drop(listener);
        port
    }

    #[cfg(test)]
    mod tests {
        use super::form_decode;

        #[test]
        fn form_decoding() {
            assert_eq!(form_decode("a+b%2Fc%3D%3d"), "a b/c==");
            assert_eq!(form_decode("100%"), "100%");
            assert_eq!(form_decode("%zz%4"), "%zz%4");
        }
    }
}
