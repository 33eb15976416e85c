//! Configuration, and sending one request with its timeout and retries.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::{excerpt, request_id_in_body, ApiError, BuildError, DecodeError, Error, ErrorBody, InvalidRequest};
use crate::budget::{RetryBudget, RetryCause};
use crate::retry::{is_idempotent, is_retryable_status, retry_after, RetryPolicy};

/// The default timeout of a whole request, from connecting to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Builds a generated crate's client `C`.
///
/// A generated crate's `Client::builder(..)` takes the values its spec makes
/// mandatory (the bearer token, headers every operation requires) and returns
/// this builder, on which everything else is optional. Values are checked by
/// [`build`](Self::build), so a bad header value is refused before any request.
pub struct ClientBuilder<C> {
    base_url: String,
    token: Option<String>,
    headers: Vec<(&'static str, String)>,
    timeout: Duration,
    retry: RetryPolicy,
    budget: Option<RetryBudget>,
    http: Option<reqwest::Client>,
    user_agent: String,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("headers", &RedactedHeaders(&self.headers))
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("retry_budget", &self.budget)
            .finish_non_exhaustive()
    }
}

struct RedactedHeaders<'a>(&'a [(&'static str, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().map(|(k, _)| (k, "<redacted>"))).finish()
    }
}

impl<C: From<HttpClient>> ClientBuilder<C> {
    /// A builder for a client of the API at `default_base_url` (the spec's first server).
    pub fn new(default_base_url: &str, user_agent: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_owned(),
            token: None,
            headers: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            budget: None,
            http: None,
            user_agent: user_agent.to_owned(),
            client: PhantomData,
        }
    }

    /// Sends `Authorization: Bearer <token>` with every request. The token is
    /// never printed: `Debug` output shows it as `<redacted>`.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sends this header with every request.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Talks to another server than the spec's default, e.g. a staging host or a
    /// local mock. `https://` is the norm; `http://` is accepted for local use.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The timeout of each request, from connecting to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many times a failed idempotent request is retried (default 2; 0 disables).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The whole retry policy: count, backoff and `Retry-After` cap.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The retry budget all clones of the client draw on (see [`RetryBudget`]).
    ///
    /// Default: a new [`RetryBudget::default()`] for each client built (500
    /// tokens, 5 a retry, 10 a retry after a timeout or connection error, 1
    /// back per first-attempt success, a retry's cost back when it succeeds). Give clones of one budget to several clients to make
    /// them share it; [`RetryBudget::disabled()`] retries by the policy alone.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Uses this `reqwest` client (for proxies, custom TLS roots, connection pools).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = parse_base_url(&self.base_url)?;
        let mut headers = HeaderMap::new();
        if let Some(token) = &self.token {
            if token.is_empty() {
                return Err(BuildError::InvalidHeader { name: "Authorization".into(), reason: "the bearer token is empty".into() });
            }
            let mut value = header_value(AUTHORIZATION.as_str(), &format!("Bearer {token}"))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| BuildError::InvalidHeader { name: (*name).to_owned(), reason: e.to_string() })?;
            let mut value = header_value(name, value)?;
            value.set_sensitive(true);
            headers.append(header, value);
        }
        // Our own reqwest client carries the headers itself; a user's gets them per request.
        let (http, headers_per_request) = match self.http {
            Some(http) => (http, true),
            None => {
                let http = reqwest::Client::builder()
                    .user_agent(self.user_agent)
                    .default_headers(headers.clone())
                    .build()
                    .map_err(|e| BuildError::Http(e.to_string()))?;
                (http, false)
            }
        };
        Ok(C::from(HttpClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                headers,
                headers_per_request,
                timeout: self.timeout,
                retry: self.retry,
                budget: self.budget.unwrap_or_default(),
            }),
        }))
    }
}

fn parse_base_url(raw: &str) -> Result<String, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl { url: raw.to_owned(), reason: reason.to_owned() };
    let url = Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("the scheme must be https (or http for local servers)"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL has no query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, BuildError> {
    HeaderValue::from_str(value).map_err(|_| BuildError::InvalidHeader {
        name: name.to_owned(),
        reason: "the value contains a character not allowed in a header (CR, LF or another control character)".into(),
    })
}

/// A configured connection to one API, cheap to clone (it is an `Arc`).
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// The configured headers (token, required headers), sensitive-marked.
    headers: HeaderMap,
    /// Whether `http` lacks `headers` as defaults (it was the user's).
    headers_per_request: bool,
    timeout: Duration,
    retry: RetryPolicy,
    /// Shared by every clone of this client (it is inside the `Arc`).
    budget: RetryBudget,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // HeaderMap's Debug prints sensitive values as `Sensitive`; names only is clearer.
        let names: Vec<&str> = self.inner.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("HttpClient")
            .field("base_url", &self.inner.base_url)
            .field("headers", &names)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("retry_budget", &self.inner.budget)
            .finish_non_exhaustive()
    }
}

/// What a generated operation tells the runtime about itself, for `tracing`:
/// its id and its path template, both from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId` (or `METHOD /path` when it has none).
    pub id: &'static str,
    /// The path template, parameters unfilled: `/conversations/{id}/messages`.
    pub path: &'static str,
}

/// One request of an operation, as generated code describes it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// The operation this request belongs to; `None` for a hand-built request.
    pub operation: Option<&'static Operation>,
    /// The path with its parameters already encoded (see [`crate::encode::path_segment`]).
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// Query arrays sent unexploded: `name=a,b`, each item escaped and the
    /// commas between them kept literal (RFC 6570), so `a,b` and `a`,`b` differ.
    pub query_lists: Vec<(&'static str, Vec<String>)>,
    pub headers: Vec<(&'static str, String)>,
    /// Cookie parameters, sent together in one `Cookie` header.
    pub cookies: Vec<(&'static str, String)>,
    pub body: Option<Body>,
    pub options: RequestOptions,
}

impl Request {
    pub fn new(method: Method, path: String) -> Self {
        Request {
            method,
            operation: None,
            path,
            query: Vec::new(),
            query_lists: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            options: RequestOptions::default(),
        }
    }

    /// Names the operation this request belongs to (what generated code does).
    pub fn for_operation(mut self, operation: &'static Operation) -> Self {
        self.operation = Some(operation);
        self
    }
}

/// A request body, already encoded.
#[derive(Debug, Clone)]
pub enum Body {
    Json(Vec<u8>),
    Form(String),
    Bytes { content_type: String, data: Vec<u8> },
}

/// Per-request overrides of the client's configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Replaces the client's timeout for this request.
    pub timeout: Option<Duration>,
    /// Replaces the client's retry count for this request.
    pub max_retries: Option<u32>,
}

/// A successful response: the decoded body, with the status and headers for
/// users who need them.
#[derive(Debug, Clone)]
pub struct Response<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: T,
}

impl<T> Response<T> {
    pub fn into_body(self) -> T {
        self.body
    }
}

/// The body of a successful call: what `send` maps `send_with_response` through.
pub fn body_of<T, E>(result: Result<Response<T>, Error<E>>) -> Result<T, Error<E>> {
    result.map(Response::into_body)
}

/// What one attempt produced: a complete response, or why there was none.
pub(crate) struct Raw {
    pub(crate) status: StatusCode,
    headers: HeaderMap,
    body: bytes::Bytes,
}

pub(crate) enum Failure {
    Invalid(InvalidRequest),
    Transport(reqwest::Error),
    Timeout(Duration),
}

impl<E> From<Failure> for Error<E> {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Invalid(e) => Error::InvalidRequest(e),
            Failure::Transport(e) => Error::Transport(e),
            Failure::Timeout(d) => Error::Timeout(d),
        }
    }
}

impl HttpClient {
    /// The retry budget this client and its clones draw on: its tokens now and
    /// the retries it refused.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.budget
    }

    /// Sends `request` (with retries) and decodes a JSON success body as `T`.
    pub async fn execute<T: DeserializeOwned, E: ErrorBody>(&self, request: &Request) -> Result<Response<T>, Error<E>> {
        let raw = self.send(request).await.map_err(Error::from)?;
        if !raw.status.is_success() {
            return Err(api_error(raw));
        }
        let body = decode_json(raw.status, &raw.body).map_err(Error::Decode)?;
        Ok(Response { status: raw.status, headers: raw.headers, body })
    }

    /// Sends `request` (with retries) and returns a success body as bytes.
    pub async fn execute_bytes<E: ErrorBody>(&self, request: &Request) -> Result<Response<Vec<u8>>, Error<E>> {
        let raw = self.send(request).await.map_err(Error::from)?;
        if !raw.status.is_success() {
            return Err(api_error(raw));
        }
        Ok(Response { status: raw.status, headers: raw.headers, body: raw.body.to_vec() })
    }

    /// Sends `request` (with retries) and ignores a success body.
    pub async fn execute_empty<E: ErrorBody>(&self, request: &Request) -> Result<Response<()>, Error<E>> {
        let raw = self.send(request).await.map_err(Error::from)?;
        if !raw.status.is_success() {
            return Err(api_error(raw));
        }
        Ok(Response { status: raw.status, headers: raw.headers, body: () })
    }

    /// [`execute`](Self::execute) for a request that building may have refused:
    /// what a generated operation's `send_with_response` returns, so that an
    /// operation adds no async state machine of its own.
    pub async fn send_json<T: DeserializeOwned, E: ErrorBody>(&self, request: Result<Request, InvalidRequest>) -> Result<Response<T>, Error<E>> {
        self.execute(&request.map_err(Error::InvalidRequest)?).await
    }

    /// [`execute_bytes`](Self::execute_bytes) for a request that building may have refused.
    pub async fn send_bytes<E: ErrorBody>(&self, request: Result<Request, InvalidRequest>) -> Result<Response<Vec<u8>>, Error<E>> {
        self.execute_bytes(&request.map_err(Error::InvalidRequest)?).await
    }

    /// [`execute_empty`](Self::execute_empty) for a request that building may have refused.
    pub async fn send_empty<E: ErrorBody>(&self, request: Result<Request, InvalidRequest>) -> Result<Response<()>, Error<E>> {
        self.execute_empty(&request.map_err(Error::InvalidRequest)?).await
    }

    /// The retry loop. Not generic, so it is compiled once, not per operation.
    ///
    /// A retry needs three things: an idempotent method, a retry left in the
    /// policy, and the budget's tokens for it; without any of them the last
    /// outcome is returned as it is. A 2xx response pays into the budget: a
    /// first attempt's deposit, or the cost of the retry that got it back.
    async fn send(&self, request: &Request) -> Result<Raw, Failure> {
        let inner = &*self.inner;
        let max_retries = request.options.max_retries.unwrap_or(inner.retry.max_retries);
        let retry_allowed = is_idempotent(&request.method);
        let call = crate::trace::Call::start(request);
        let mut retries = 0;
        let mut last_cost = None;
        loop {
            let attempt = call.attempt(retries);
            let outcome = attempt.run(self.send_once(request)).await;
            let (cause, wait) = match &outcome {
                Ok(raw) if is_retryable_status(raw.status) => (RetryCause::Status, retry_after(&raw.headers)),
                Err(Failure::Timeout(_)) => (RetryCause::Transport, None),
                Err(Failure::Transport(e)) if is_transient(e) => (RetryCause::Transport, None),
                Ok(raw) => {
                    if raw.status.is_success() {
                        inner.budget.succeeded(last_cost);
                    }
                    return outcome;
                }
                Err(_) => return outcome,
            };
            if !retry_allowed || retries >= max_retries {
                return outcome;
            }
            match inner.budget.withdraw(cause) {
                Ok(cost) => last_cost = Some(cost),
                Err(refusal) => {
                    attempt.refused(&outcome, refusal.cost, refusal.available);
                    return outcome;
                }
            }
            let delay = inner.retry.delay(retries, wait);
            attempt.retrying(&outcome, delay);
            tokio::time::sleep(delay).await;
            retries += 1;
        }
    }

    async fn send_once(&self, request: &Request) -> Result<Raw, Failure> {
        let inner = &*self.inner;
        let timeout = request.options.timeout.unwrap_or(inner.timeout);
        let url = self.url(request)?;
        let mut builder = inner.http.request(request.method.clone(), url).timeout(timeout);
        if inner.headers_per_request {
            builder = builder.headers(inner.headers.clone());
        }
        for (name, value) in &request.headers {
            let value = HeaderValue::from_str(value).map_err(|_| {
                Failure::Invalid(InvalidRequest::new(*name, "contains a character not allowed in a header (CR, LF or another control character)"))
            })?;
            builder = builder.header(*name, value);
        }
        if !request.cookies.is_empty() {
            let mut cookie = String::new();
            for (name, value) in &request.cookies {
                if value.contains([';', '\r', '\n']) {
                    return Err(Failure::Invalid(InvalidRequest::new(*name, "contains `;` or a line break, which a cookie cannot carry")));
                }
                if !cookie.is_empty() {
                    cookie.push_str("; ");
                }
                cookie.push_str(name);
                cookie.push('=');
                cookie.push_str(value);
            }
            let value = HeaderValue::from_str(&cookie)
                .map_err(|_| Failure::Invalid(InvalidRequest::new("Cookie", "contains a character not allowed in a header")))?;
            builder = builder.header(reqwest::header::COOKIE, value);
        }
        builder = match &request.body {
            None => builder,
            Some(Body::Json(bytes)) => builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes.clone()),
            Some(Body::Form(text)) => builder.header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(text.clone()),
            Some(Body::Bytes { content_type, data }) => builder.header(reqwest::header::CONTENT_TYPE, content_type.as_str()).body(data.clone()),
        };
        let transport = |e: reqwest::Error| if e.is_timeout() { Failure::Timeout(timeout) } else { Failure::Transport(e) };
        let mut response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(transport)?;
        Ok(Raw { status, headers, body })
    }

    fn url(&self, request: &Request) -> Result<Url, Failure> {
        let joined = format!("{}{}", self.inner.base_url, request.path);
        let mut url = Url::parse(&joined)
            .map_err(|e| Failure::Invalid(InvalidRequest::new("path", format!("does not form a valid URL: {e}"))))?;
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &request.query {
                pairs.append_pair(name, value);
            }
        }
        if !request.query_lists.is_empty() {
            let mut query = url.query().unwrap_or_default().to_owned();
            for (name, items) in &request.query_lists {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(&crate::encode::query_component(name));
                query.push('=');
                let items: Vec<String> = items.iter().map(|item| crate::encode::query_component(item)).collect();
                query.push_str(&items.join(","));
            }
            url.set_query(Some(&query));
        }
        Ok(url)
    }
}

/// Whether a transport error may pass on a second try: a refused or reset
/// connection, or a body cut off mid-way. (reqwest reports a failed body read
/// as a decode error; this runtime decodes JSON itself, so on this path
/// `is_decode` only ever means the bytes did not all arrive.)
pub(crate) fn is_transient(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_request() || e.is_body() || e.is_decode()
}

/// Decodes a JSON body; on failure, decodes again to say where it failed.
fn decode_json<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, DecodeError> {
    // The fast path pays nothing for error reporting; the slow one runs only on failure.
    serde_json::from_slice(body).map_err(|first| {
        let mut de = serde_json::Deserializer::from_slice(body);
        let (mut path, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(e) => (e.path().to_string(), e.into_inner().to_string()),
            Ok(_) => (String::new(), first.to_string()),
        };
        // serde reports a missing field at its parent: name the field in the path too.
        if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
            path = if path.is_empty() || path == "." { field.to_owned() } else { format!("{path}.{field}") };
        }
        DecodeError { status, path, message, excerpt: excerpt(body) }
    })
}

fn api_error<E: ErrorBody>(raw: Raw) -> Error<E> {
    let body = match E::decode(raw.status, &raw.body) {
        Some(Ok(body)) => Some(body),
        Some(Err(_)) | None => None,
    };
    let request_id = ["x-request-id", "request-id"]
        .iter()
        .find_map(|h| raw.headers.get(*h).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .or_else(|| request_id_in_body(&raw.body));
    Error::Api(Box::new(ApiError {
        status: raw.status,
        body,
        raw: String::from_utf8_lossy(&raw.body).into_owned(),
        request_id,
        headers: raw.headers,
    }))
}
