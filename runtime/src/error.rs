//! The one error type of every generated crate, and what it carries.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// Everything that can go wrong calling an operation.
///
/// `E` is the operation's documented error bodies (a generated enum with one
/// variant per status the spec documents a body for).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// A parameter was refused before anything was sent (out of range, an
    /// invalid header value, a path segment that would change the path).
    InvalidRequest(InvalidRequest),
    /// The request did not complete: connection refused, TLS failure, reset,
    /// connection closed mid-body.
    Transport(reqwest::Error),
    /// No complete response arrived within the timeout.
    Timeout(Duration),
    /// A response arrived but its body is not what the spec says.
    Decode(DecodeError),
    /// The server answered with a non-success status. (Boxed: errors are the
    /// cold path, and this keeps every `Result` of a call small.)
    Api(Box<ApiError<E>>),
    /// A paginated listing could not go on.
    Pagination(PaginationError),
}

impl<E> Error<E> {
    /// The HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => crate::client::is_transient(e),
            Error::Timeout(_) => true,
            Error::Api(e) => crate::retry::is_retryable_status(e.status),
            Error::InvalidRequest(_) | Error::Decode(_) | Error::Pagination(_) => false,
        }
    }

    /// The server's id for the failed request, from the body or a header, when it gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The documented error body, when the server sent one.
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Error::Api(e) => e.body.as_ref(),
            _ => None,
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(e) => write!(f, "request not sent: {e}"),
            Error::Transport(e) => {
                if e.is_decode() {
                    // reqwest's words ("error decoding response body") would suggest bad JSON.
                    write!(f, "transport error: reading the response body failed")?;
                } else {
                    write!(f, "transport error: {e}")?;
                }
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    write!(f, ": {s}")?;
                    source = s.source();
                }
                Ok(())
            }
            Error::Timeout(d) => write!(f, "request timed out after {:.1?}", d),
            Error::Decode(e) => write!(f, "{e}"),
            Error::Api(e) => write!(f, "{e}"),
            Error::Pagination(e) => write!(f, "pagination stopped: {}", e.message),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// A parameter refused before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest {
    /// The parameter's name as the spec gives it.
    pub parameter: String,
    /// Why it was refused.
    pub message: String,
}

impl InvalidRequest {
    pub fn new(parameter: impl Into<String>, message: impl Into<String>) -> Self {
        InvalidRequest { parameter: parameter.into(), message: message.into() }
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "parameter `{}` {}", self.parameter, self.message)
    }
}

impl std::error::Error for InvalidRequest {}

/// A body that does not match the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The response's status.
    pub status: StatusCode,
    /// Where in the body decoding failed, as a serde path (`messages[3].content`); empty at the top.
    pub path: String,
    /// What serde said.
    pub message: String,
    /// The start of the body, for a human to recognise it (at most 200 characters, one line).
    pub excerpt: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode the {} response body", self.status.as_u16())?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}; body starts: {}", self.message, self.excerpt)
    }
}

impl std::error::Error for DecodeError {}

/// A non-success response.
pub struct ApiError<E> {
    /// The response's status.
    pub status: StatusCode,
    /// The body decoded as the spec documents it for this status; `None` when
    /// the spec documents no body for it, or the body did not match.
    pub body: Option<E>,
    /// The body as text (lossy UTF-8), always kept.
    pub raw: String,
    /// The request id the server gave, in the body (`request_id`, `requestId`)
    /// or a header (`x-request-id`, `request-id`).
    pub request_id: Option<String>,
    /// The response's headers.
    pub headers: HeaderMap,
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("body", &self.body)
            .field("raw", &self.raw)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {}", self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if !self.raw.is_empty() {
            write!(f, ": {}", excerpt(self.raw.as_bytes()))?;
        }
        Ok(())
    }
}

/// Why a page stream ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaginationError {
    pub message: String,
}

/// Decodes the error bodies an operation documents, one per status.
///
/// Generated for each operation; `decode` returns `None` for a status the spec
/// documents no body for.
pub trait ErrorBody: Sized {
    fn decode(status: StatusCode, body: &[u8]) -> Option<Result<Self, serde_json::Error>>;
}

/// The error body of an operation whose spec documents none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoErrorBody {}

impl ErrorBody for NoErrorBody {
    fn decode(_: StatusCode, _: &[u8]) -> Option<Result<Self, serde_json::Error>> {
        None
    }
}

/// A client that could not be built from its configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute http(s) URL.
    InvalidBaseUrl { url: String, reason: String },
    /// A configured header's value cannot be sent (CR, LF or another control character).
    /// The value itself is not repeated, since it may be a secret.
    InvalidHeader { name: String, reason: String },
    /// The HTTP client could not be created.
    Http(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL {url:?}: {reason}"),
            BuildError::InvalidHeader { name, reason } => write!(f, "invalid value for header `{name}`: {reason}"),
            BuildError::Http(reason) => write!(f, "could not create the HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// The first 200 characters of a body, on one line.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(MAX)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// Finds a request id in a JSON error body: a `request_id`/`requestId` string at the
/// top level or inside one of its objects (`{"error": {"request_id": …}}`).
pub(crate) fn request_id_in_body(body: &[u8]) -> Option<String> {
    fn key_is_request_id(k: &str) -> bool {
        matches!(k, "request_id" | "requestId" | "request-id" | "requestID")
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let top = value.as_object()?;
    let direct = top.iter().find(|(k, _)| key_is_request_id(k)).and_then(|(_, v)| v.as_str());
    let nested = || {
        top.values()
            .filter_map(|v| v.as_object())
            .flat_map(|o| o.iter())
            .find(|(k, _)| key_is_request_id(k))
            .and_then(|(_, v)| v.as_str())
    };
    direct.or_else(nested).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_one_bounded_line() {
        assert_eq!(excerpt(b"<html>\n<body>"), "<html> <body>");
        let long = "x".repeat(500);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), 201);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
    }

    #[test]
    fn request_id_found_at_top_or_one_level_down() {
        assert_eq!(request_id_in_body(br#"{"request_id":"a"}"#).as_deref(), Some("a"));
        assert_eq!(request_id_in_body(br#"{"error":{"code":"X","request_id":"b"}}"#).as_deref(), Some("b"));
        assert_eq!(request_id_in_body(br#"{"requestId":"c"}"#).as_deref(), Some("c"));
        assert_eq!(request_id_in_body(br#"{"error":{"code":"X"}}"#), None);
        assert_eq!(request_id_in_body(b"not json"), None);
        assert_eq!(request_id_in_body(br#"["request_id"]"#), None);
    }

    #[test]
    fn display_is_one_line() {
        let e: Error<NoErrorBody> = Error::Api(Box::new(ApiError {
            status: StatusCode::NOT_FOUND,
            body: None,
            raw: "{\n \"error\": \"nope\"\n}".into(),
            request_id: Some("r1".into()),
            headers: HeaderMap::new(),
        }));
        let text = e.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(text.contains("404") && text.contains("r1") && text.contains("nope"), "{text}");
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
        assert!(!e.is_retryable());
        assert_eq!(e.request_id(), Some("r1"));
    }
}
