//! One conversation API over several vendors.
//!
//! A generated client whose spec declares `x-transcript` on its "list messages" operation
//! implements [`Conversations`] behind its `transcript` cargo feature:
//! the messages of a conversation as [`Message`]s (id, [`Role`], text, time, citations),
//! every page walked, whatever the vendor calls its fields.
//! What the common model has no field for stays in the vendor's own message, [`Message::raw`].
//!
//! ```
//! use conversation_transcript::{Conversations, Message};
//! use futures_util::TryStreamExt;
//!
//! /// Works with any vendor's client.
//! async fn transcript(client: &impl Conversations, id: &str) -> Result<Vec<Message>, conversation_transcript::Error> {
//!     client.messages(id).try_collect().await
//! }
//! ```
//!
//! [`Conversations`] returns `impl Stream`, so it costs nothing over the vendor's own stream but
//! is not object safe; [`DynConversations`] is its object-safe twin (every `Conversations` is one),
//! for choosing a vendor at run time: `Box<dyn DynConversations>`.
//!
//! This crate knows no vendor and no generator: it is the contract, and generated crates depend
//! on it (optionally), never the other way round.

use std::any::Any;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;

pub use chrono;
pub use futures_core::Stream;

use chrono::{DateTime, Utc};

/// Who wrote a message.
///
/// Open: a role the common model does not name is kept as [`Role::Other`] with the vendor's word.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    User,
    Assistant,
    System,
    Tool,
    /// A role the common model does not name (Nairi's `progress`, say), as the vendor sent it.
    Other(String),
}

impl Role {
    /// `user`, `assistant`, `system` and `tool` (exactly, lowercase) are the named roles;
    /// anything else is [`Role::Other`].
    pub fn parse(value: &str) -> Role {
        match value {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            "system" => Role::System,
            "tool" => Role::Tool,
            other => Role::Other(other.to_owned()),
        }
    }

    /// The role's name: `user`, `assistant`, `system`, `tool`, or the vendor's word.
    pub fn as_str(&self) -> &str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::System => "system",
            Role::Tool => "tool",
            Role::Other(other) => other,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A source a message cites (Moveworks' entity citations), with what the vendor gives of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Citation {
    /// Character position in the message's text where the citation belongs.
    pub offset: Option<u64>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// The cited passage or the source's description.
    pub text: Option<String>,
}

impl Citation {
    pub fn new() -> Self {
        Citation::default()
    }
}

/// One message of a conversation, in the common model.
///
/// Generated code fills it by moving the mapped fields out of the vendor's message (nothing is
/// copied), and keeps the rest of that message in [`Message::raw`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Message {
    /// The vendor's id of the message.
    pub id: String,
    pub role: Role,
    /// The message's text; `None` when there is none (a body removed by a retention policy,
    /// a content kind without text, or one this client does not know).
    pub text: Option<String>,
    /// When the message was created, when the vendor says.
    pub created_at: Option<DateTime<Utc>>,
    /// What the message cites, in the vendor's order (empty when the vendor has no citations).
    pub citations: Vec<Citation>,
    raw: Raw,
}

impl Message {
    /// A message with no text, time or citations yet; `raw` is the vendor's message.
    pub fn new(id: impl Into<String>, role: Role, raw: impl Any + fmt::Debug + Send + Sync) -> Self {
        Message { id: id.into(), role, text: None, created_at: None, citations: Vec::new(), raw: Raw(Arc::new(raw)) }
    }

    /// The vendor's own message, for the fields the common model has no place for
    /// (`Some` when `T` is that vendor's message type).
    ///
    /// The fields the common model took (id, text, citations) were moved out of it and are
    /// left empty there; everything else is as the vendor sent it.
    pub fn raw<T: Any>(&self) -> Option<&T> {
        (*self.raw.0).as_any().downcast_ref()
    }

    /// The vendor's message, whatever its type (for `Debug` output, say).
    pub fn raw_debug(&self) -> &dyn fmt::Debug {
        &*self.raw.0
    }
}

/// The vendor's message, shared by clones of the [`Message`].
#[derive(Clone)]
struct Raw(Arc<dyn RawMessage>);

impl fmt::Debug for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

trait RawMessage: Any + fmt::Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any + fmt::Debug + Send + Sync> RawMessage for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The order in which a vendor lists a conversation's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

/// A call through [`Conversations`] failed: the vendor client's error, with what every vendor's
/// error can say (status, request id, whether to retry) lifted out.
pub struct Error {
    status: Option<u16>,
    request_id: Option<String>,
    retryable: bool,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl Error {
    /// Wraps a vendor client's error (which [`Error::vendor_error`] gives back).
    pub fn new(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error { status: None, request_id: None, retryable: false, source: Box::new(source) }
    }

    pub fn with_status(mut self, status: Option<u16>) -> Self {
        self.status = status;
        self
    }

    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// The HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The server's id for the failed request, when it gave one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// The vendor client's own error (`Some` when `T` is its type), with everything it carries.
    pub fn vendor_error<T: std::error::Error + 'static>(&self) -> Option<&T> {
        self.source.downcast_ref()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("retryable", &self.retryable)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.source, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// A client that can list the messages of a conversation in the common model.
///
/// Generated clients implement it behind their `transcript` feature, from their spec's
/// `x-transcript` extension.
pub trait Conversations {
    /// Every message of the conversation, in [`Conversations::order`], every page walked:
    /// the next page is fetched only when the stream is polled past the current one.
    /// An error ends the stream.
    fn messages<'a>(&'a self, conversation_id: &'a str) -> impl Stream<Item = Result<Message, Error>> + Send + 'a;

    /// The order in which [`Conversations::messages`] yields messages (the vendor's).
    fn order(&self) -> Order;
}

/// The boxed stream of [`DynConversations::messages_boxed`].
pub type MessageStream<'a> = Pin<Box<dyn Stream<Item = Result<Message, Error>> + Send + 'a>>;

/// The object-safe form of [`Conversations`], for a vendor chosen at run time
/// (`Box<dyn DynConversations>`); every `Conversations` is one, and `dyn DynConversations` is a
/// `Conversations` again. It costs one allocation per stream and a dynamic call per message.
pub trait DynConversations: Send + Sync {
    fn messages_boxed<'a>(&'a self, conversation_id: &'a str) -> MessageStream<'a>;
    fn message_order(&self) -> Order;
}

impl<T: Conversations + Send + Sync> DynConversations for T {
    fn messages_boxed<'a>(&'a self, conversation_id: &'a str) -> MessageStream<'a> {
        Box::pin(self.messages(conversation_id))
    }

    fn message_order(&self) -> Order {
        self.order()
    }
}

impl Conversations for dyn DynConversations + '_ {
    fn messages<'a>(&'a self, conversation_id: &'a str) -> impl Stream<Item = Result<Message, Error>> + Send + 'a {
        self.messages_boxed(conversation_id)
    }

    fn order(&self) -> Order {
        self.message_order()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::{stream, StreamExt, TryStreamExt};

    #[derive(Debug, PartialEq)]
    struct VendorMessage {
        channel: &'static str,
    }

    struct Fake(Vec<Result<&'static str, &'static str>>);

    #[derive(Debug)]
    struct FakeError(&'static str);
    impl fmt::Display for FakeError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for FakeError {}

    impl Conversations for Fake {
        fn messages<'a>(&'a self, _: &'a str) -> impl Stream<Item = Result<Message, Error>> + Send + 'a {
            stream::iter(self.0.iter().map(|r| match r {
                Ok(id) => Ok(Message::new(*id, Role::User, VendorMessage { channel: "sms" })),
                Err(e) => Err(Error::new(FakeError(e)).with_status(Some(503)).with_retryable(true)),
            }))
        }
        fn order(&self) -> Order {
            Order::NewestFirst
        }
    }

    #[test]
    fn roles_parse_the_common_names_and_keep_the_rest() {
        assert_eq!(Role::parse("assistant"), Role::Assistant);
        assert_eq!(Role::parse("tool"), Role::Tool);
        assert_eq!(Role::parse("progress"), Role::Other("progress".into()));
        assert_eq!(Role::parse("USER"), Role::Other("USER".into()));
        assert_eq!(Role::Other("progress".into()).to_string(), "progress");
    }

    #[test]
    fn raw_gives_back_the_vendor_message_by_its_type_only() {
        let message = Message::new("m1", Role::User, VendorMessage { channel: "sms" });
        assert_eq!(message.raw::<VendorMessage>(), Some(&VendorMessage { channel: "sms" }));
        assert_eq!(message.raw::<String>(), None);
        assert!(format!("{message:?}").contains("channel: \"sms\""));
        assert_eq!(message.clone().raw::<VendorMessage>().map(|m| m.channel), Some("sms"));
    }

    #[tokio::test]
    async fn a_dyn_client_streams_the_same_messages_and_errors() {
        let fake = Fake(vec![Ok("a"), Ok("b"), Err("unavailable")]);
        let clients: Vec<Box<dyn DynConversations>> = vec![Box::new(fake)];
        let client = &*clients[0];
        assert_eq!(client.order(), Order::NewestFirst);
        let results: Vec<Result<Message, Error>> = client.messages("c").collect().await;
        let ids: Vec<&str> = results.iter().filter_map(|r| r.as_ref().ok()).map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        let error = results[2].as_ref().unwrap_err();
        assert_eq!((error.status(), error.is_retryable(), error.to_string()), (Some(503), true, "unavailable".to_owned()));
        assert_eq!(error.vendor_error::<FakeError>().map(|e| e.0), Some("unavailable"));
        let collected: Result<Vec<Message>, Error> = client.messages("c").try_collect().await;
        assert!(collected.is_err(), "an error ends try_collect");
    }
}
