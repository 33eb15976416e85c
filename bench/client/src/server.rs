//! A small HTTP/1.1 server on loopback for the client benchmarks, and the page bodies it serves.
//!
//! The server keeps connections alive (reqwest pools them, so a fair comparison needs keep-alive
//! on both sides), sets `TCP_NODELAY`, and answers every request from a [`Handler`]: a
//! precomputed body for the criterion benches, a body built on request for the streaming bench.
//! It runs on its own thread with its own single-threaded tokio runtime, so the client under test
//! never shares a runtime with it. It understands just enough HTTP for a client's GET: a request
//! line, headers, an optional `Content-Length` body (skipped), and `Connection: close`.
//!
//! Page bodies are deterministic functions of the page number, so every run serves the same bytes.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the handler sees of a request.
#[derive(Debug)]
pub struct RequestHead<'a> {
    pub method: &'a str,
    /// The path, without the query.
    pub path: &'a str,
    /// The query string, without the `?` (empty if none).
    pub query: &'a str,
    pub headers: Vec<(&'a str, &'a str)>,
}

impl RequestHead<'_> {
    /// The first value of the query parameter `name`, as sent (not percent-decoded).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then_some(v)
        })
    }

    /// The first value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }
}

/// A response body: shared and precomputed, or built for this request.
#[derive(Debug, Clone)]
pub enum Body {
    Shared(Arc<[u8]>),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        match self {
            Body::Shared(b) => b,
            Body::Owned(b) => b,
        }
    }
}

/// A response: status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Body,
}

impl Reply {
    pub fn ok(body: Body) -> Reply {
        Reply { status: 200, body }
    }
}

pub type Handler = Arc<dyn Fn(&RequestHead<'_>) -> Reply + Send + Sync>;

/// A running server. It lives until the process exits (benchmarks are short-lived processes).
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
}

impl Server {
    /// Binds `127.0.0.1:0` and serves `handler` on a new thread.
    pub fn start(handler: Handler) -> io::Result<Server> {
        Self::start_on("127.0.0.1:0", handler)
    }

    /// Binds `addr` and serves `handler` on a new thread.
    pub fn start_on(addr: &str, handler: Handler) -> io::Result<Server> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        std::thread::Builder::new().name("bench-server".into()).spawn(move || {
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("a tokio listener");
                loop {
                    let Ok((stream, _)) = listener.accept().await else { continue };
                    let handler = handler.clone();
                    tokio::spawn(async move {
                        let _ = serve_connection(stream, handler).await;
                    });
                }
            })
        })?;
        Ok(Server { addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn serve_connection(mut stream: TcpStream, handler: Handler) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut head = Vec::with_capacity(256);
    loop {
        // Read until the end of the request head.
        let end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let text = std::str::from_utf8(&buf[..end]).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let (request, content_length, close) = parse_head(text)?;
        let reply = handler(&request);
        drop(request);
        // Skip a request body, if any.
        let mut rest = content_length;
        let buffered = (buf.len() - end).min(rest);
        buf.drain(..end + buffered);
        rest -= buffered;
        while rest > 0 {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk[..rest.min(4096)]).await?;
            if n == 0 {
                return Ok(());
            }
            rest -= n;
        }
        let body = reply.body.as_ref();
        head.clear();
        use std::io::Write;
        write!(
            head,
            "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}\r\n",
            reply.status,
            reason(reply.status),
            body.len(),
            if close { "connection: close\r\n" } else { "" },
        )?;
        stream.write_all(&head).await?;
        stream.write_all(body).await?;
        if close {
            return Ok(());
        }
    }
}

fn parse_head(text: &str) -> io::Result<(RequestHead<'_>, usize, bool)> {
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "malformed request head");
    let mut lines = text.split("\r\n");
    let mut parts = lines.next().ok_or_else(bad)?.split(' ');
    let method = parts.next().ok_or_else(bad)?;
    let target = parts.next().ok_or_else(bad)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(&str, &str)> =
        lines.filter(|l| !l.is_empty()).filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim(), v.trim())).collect();
    let head = RequestHead { method, path, query, headers };
    let content_length = head.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let close = head.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
    Ok((head, content_length, close))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Status",
    }
}

// ---------------------------------------------------------------------------------------------
// Page bodies.

/// The opaque cursor of page `page`: the page number, then padding to the length of a real
/// opaque cursor (base64 of a small JSON object is typically 40-60 characters).
pub fn cursor_of(page: usize) -> String {
    format!("{page:08}.eyJzb3J0IjoiY3JlYXRlZF9hdCIsImRpciI6ImRlc2MifQ")
}

/// The page number a [`cursor_of`] cursor stands for.
pub fn page_of(cursor: &str) -> Option<usize> {
    cursor.get(..8)?.parse().ok()
}

/// A small deterministic PRNG (xorshift64*), so that page `n` is the same on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const ULID_CHARS: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn ulid(rng: &mut Rng) -> String {
    (0..26).map(|_| ULID_CHARS[rng.below(32) as usize] as char).collect()
}

fn uuid(rng: &mut Rng) -> String {
    let a = rng.next();
    let b = rng.next();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

const USER_TEXTS: &[&str] = &[
    "How do I reset my VPN password?",
    "My laptop won't connect to the office Wi-Fi since this morning, can you help?",
    "What's the PTO policy for new hires in the Berlin office?",
    "Please open a ticket: the printer on floor 3 says \"paper jam\" but there is no paper in it.",
    "Can I expense a monitor for working from home?",
    "Who approves access to the finance dashboard?",
    "I need Adobe Acrobat Pro installed — my manager already approved it.",
    "Is the all-hands moved to Thursday?",
];

const ASSISTANT_TEXTS: &[&str] = &[
    "You can reset your VPN password from the **Self-Service Portal**:\n\n1. Open https://portal.example.com\n2. Choose *Reset password*\n3. Follow the prompts sent to your phone.\n\nThe new password works within 5 minutes.",
    "I found 3 articles that may help with Wi-Fi issues:\n\n- Forget the network and reconnect\n- Check that your certificate hasn't expired\n- Restart the `netd` service\n\nIf none of these work, I can open a ticket for the IT team.",
    "New hires accrue 1.67 days of PTO per month during their first year. Unused days roll over up to a cap of 10 days. See the *Employee Handbook*, section 4.2, for details.",
    "I've created ticket **INC-48213** for the printer on floor 3. The facilities team usually responds within 2 business hours.",
    "Yes: home-office equipment up to €300 per year is reimbursable. Submit the receipt in Expensify under the category \"Home Office\".",
    "Access to the finance dashboard is approved by the dashboard owner, Jane Doe (Finance Ops). I've sent her a request on your behalf — you'll get an email when it's approved.",
    "Adobe Acrobat Pro has been queued for installation on `LT-20931`. It will install at your next restart.",
    "The all-hands is still on **Wednesday at 16:00 CET**. The calendar invite was updated yesterday with a new Zoom link.",
];

const CITATION_TITLES: &[&str] = &[
    "KB0012: Resetting your VPN password",
    "Wi-Fi troubleshooting guide",
    "Employee Handbook — Time off",
    "INC-48213",
    "Expense policy 2025",
    "Finance dashboard access",
];

/// Writes `s` as a JSON string (quoted and escaped).
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("a string writes to a Vec");
}

/// Writes a Moveworks content object: `{"<kind>":{"text":"..."}}`.
fn push_content(out: &mut Vec<u8>, kind: u64, text: &str) {
    out.extend_from_slice(match kind {
        0 => br#"{"plain_text":{"text":"#.as_slice(),
        1 => br#"{"commonmark_text":{"text":"#.as_slice(),
        _ => br#"{"markdown_text":{"text":"#.as_slice(),
    });
    push_json_str(out, text);
    out.extend_from_slice(b"}}");
}

/// An RFC 3339 UTC timestamp, `seconds_before` 2025-06-01T12:00:00Z, with milliseconds or not.
fn timestamp(seconds_before: i64, millis: Option<u64>) -> String {
    const START: i64 = 1_748_779_200;
    let nanos = millis.unwrap_or(0) as u32 * 1_000_000;
    let t = chrono::DateTime::from_timestamp(START - seconds_before, nanos).expect("a valid time");
    let format = if millis.is_some() { chrono::SecondsFormat::Millis } else { chrono::SecondsFormat::Secs };
    t.to_rfc3339_opts(format, true)
}

/// Writes one Moveworks message: newest first, an answer then its question; mixed content kinds;
/// citations (url and display each optional) on about half of the answers.
fn push_moveworks_message(out: &mut Vec<u8>, page: usize, index: usize, conversation_id: &str) {
    use std::io::Write;
    let n = page * 1000 + index;
    let mut rng = Rng::new(n as u64 + 1);
    let assistant = index % 2 == 0;
    write!(out, r#"{{"message_id":"msg_{}","conversation_id":"#, ulid(&mut rng)).unwrap();
    push_json_str(out, conversation_id);
    write!(out, r#","response_id":"resp_{}","actor":"{}","content":"#, ulid(&mut rng), if assistant { "ASSISTANT" } else { "USER" })
        .unwrap();
    if assistant {
        let text = ASSISTANT_TEXTS[rng.below(ASSISTANT_TEXTS.len() as u64) as usize];
        // Mostly commonmark, some raw markdown, a few plain.
        let kind = match rng.below(10) {
            0 => 0,
            1..=6 => 1,
            _ => 2,
        };
        push_content(out, kind, text);
    } else {
        push_content(out, 0, USER_TEXTS[rng.below(USER_TEXTS.len() as u64) as usize]);
    }
    out.extend_from_slice(br#","citations":["#);
    if assistant && rng.below(2) == 0 {
        for i in 0..1 + rng.below(3) {
            if i > 0 {
                out.push(b',');
            }
            let title = CITATION_TITLES[rng.below(CITATION_TITLES.len() as u64) as usize];
            write!(out, r#"{{"location":{{"offset":{}}}"#, rng.below(200)).unwrap();
            if rng.below(4) != 0 {
                write!(out, r#","url":"https://help.example.com/kb/{}""#, 10_000 + rng.below(90_000)).unwrap();
            }
            if rng.below(3) != 0 {
                out.extend_from_slice(br#","display":{"title":"#);
                push_content(out, 0, title);
                out.extend_from_slice(br#","body":"#);
                push_content(out, 1, "A short summary of the cited article, as the assistant shows it under the title.");
                out.push(b'}');
            }
            out.push(b'}');
        }
    }
    write!(out, r#"],"created_at":"{}"}}"#, timestamp(n as i64 * 37, Some(rng.below(1000)))).unwrap();
}

fn push_next_cursor(out: &mut Vec<u8>, next: Option<&str>) {
    match next {
        Some(c) => push_json_str(out, c),
        None => out.extend_from_slice(b"null"),
    }
}

/// A Moveworks `ListConversationMessagesResponse` page: `count` messages, newest first, with
/// `metadata.next_cursor` set to `next` (null when `None`).
pub fn moveworks_page(page: usize, count: usize, next: Option<&str>) -> Vec<u8> {
    let conversation_id = "conv_01JTBQH2FZ8K1RXC0WJ4Z9P3VM";
    let mut out = Vec::with_capacity(count * 600);
    out.extend_from_slice(br#"{"messages":["#);
    for i in 0..count {
        if i > 0 {
            out.push(b',');
        }
        push_moveworks_message(&mut out, page, i, conversation_id);
    }
    out.extend_from_slice(br#"],"metadata":{"next_cursor":"#);
    push_next_cursor(&mut out, next);
    out.extend_from_slice(b"}}");
    out
}

/// Writes one AgentMessage message: inbound or outbound (`status` on outbound only); about one in
/// ten past retention (null body, no media, `redacted_at` set); a few with a media URL.
fn push_agentmessage_message(out: &mut Vec<u8>, page: usize, index: usize) {
    use std::io::Write;
    let n = page * 1000 + index;
    let mut rng = Rng::new(n as u64 + 7);
    let inbound = rng.below(2) == 0;
    let (ours, theirs) = ("+15551112222".to_owned(), format!("+1555{:07}", rng.below(10_000_000)));
    let (from, to) = if inbound { (theirs, ours) } else { (ours, theirs) };
    let redacted = rng.below(10) == 0;
    write!(
        out,
        r#"{{"id":"{}","direction":"{}","phone_number_id":"7c1f0a2d-9e8b-4c3a-9d2e-1f0a2b3c4d5e","from_number":"{from}","to_number":"{to}","body":"#,
        uuid(&mut rng),
        if inbound { "inbound" } else { "outbound" },
    )
    .unwrap();
    if redacted {
        out.extend_from_slice(b"null");
    } else {
        let texts = if inbound { USER_TEXTS } else { ASSISTANT_TEXTS };
        push_json_str(out, texts[rng.below(texts.len() as u64) as usize]);
    }
    out.extend_from_slice(br#","media_urls":["#);
    if !redacted && rng.below(20) == 0 {
        write!(out, r#""https://media.example.com/mms/{}.jpg""#, uuid(&mut rng)).unwrap();
    }
    write!(out, r#"],"channel":"sms","segment_count":{}"#, 1 + rng.below(3)).unwrap();
    if !inbound {
        out.extend_from_slice(br#","status":"delivered""#);
    }
    write!(out, r#","created_at":"{}","redacted_at":"#, timestamp(n as i64 * 53 + 86_400 * 30, None)).unwrap();
    if redacted {
        write!(out, r#""{}"}}"#, timestamp(n as i64 * 53, None)).unwrap();
    } else {
        out.extend_from_slice(b"null}");
    }
}

/// An AgentMessage `ListMessagesResponse` page: the `{success, data, meta}` envelope with `count`
/// messages and `meta.next_cursor` set to `next` (null when `None`).
pub fn agentmessage_page(page: usize, count: usize, next: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(count * 450);
    out.extend_from_slice(br#"{"success":true,"data":["#);
    for i in 0..count {
        if i > 0 {
            out.push(b',');
        }
        push_agentmessage_message(&mut out, page, i);
    }
    write!(out, r#"],"meta":{{"total":0,"limit":{count},"offset":{},"next_cursor":"#, page * count).unwrap();
    push_next_cursor(&mut out, next);
    out.extend_from_slice(b"}}");
    out
}

/// A handler serving `pages` pages of `per_page` messages, each built on request from the
/// `cursor` query parameter ([`cursor_of`]; none is page 0). Nothing is kept between requests.
pub fn paging_handler(vendor: Vendor, pages: usize, per_page: usize) -> Handler {
    Arc::new(move |request| {
        let page = match request.query_param("cursor") {
            None => 0,
            Some(c) => match page_of(c) {
                Some(p) if p < pages => p,
                _ => return Reply { status: 400, body: Body::Owned(br#"{"error":{"code":"INVALID_CURSOR","message":"bad cursor"}}"#.to_vec()) },
            },
        };
        let next = (page + 1 < pages).then(|| cursor_of(page + 1));
        let body = match vendor {
            Vendor::Moveworks => moveworks_page(page, per_page, next.as_deref()),
            Vendor::AgentMessage => agentmessage_page(page, per_page, next.as_deref()),
        };
        Reply::ok(Body::Owned(body))
    })
}

/// A handler answering every request with the same precomputed body.
pub fn fixed_handler(body: Vec<u8>) -> Handler {
    let body: Arc<[u8]> = body.into();
    Arc::new(move |_| Reply::ok(Body::Shared(body.clone())))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    Moveworks,
    AgentMessage,
}
