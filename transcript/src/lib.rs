//! One conversation API over several vendors.
//!
//! A generated client whose spec declares `x-transcript` on its "list messages" operation
//! implements [`Conversations`] behind its `transcript` cargo feature:
//! the messages of a conversation as [`Message`]s (id, [`Role`], text, time, citations),
//! every page walked, whatever the vendor calls its fields.
//! What the common model has no field for stays in the vendor's own message, [`Message::raw`]
//! (the messages of one page share one allocation for theirs: [`PageMessages`]).
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
use std::cell::UnsafeCell;
use std::fmt;
use std::mem::ManuallyDrop;
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
    raw: Option<Raw>,
}

impl Message {
    /// A message with no text, time or citations yet; `raw` is the vendor's message (kept in an
    /// allocation of its own; the messages of a page share one, see [`PageMessages`]).
    pub fn new(id: impl Into<String>, role: Role, raw: impl Any + fmt::Debug + Send + Sync) -> Self {
        let mut message = Message::without_raw(id, role);
        message.raw = Some(Raw { page: Arc::new(One(raw)), index: 0 });
        message
    }

    /// A message with no text, time or citations, and no vendor message: [`Message::raw`] is
    /// `None`. What the mapping of [`PageMessages`] returns; the page then attaches the vendor
    /// message.
    #[inline]
    pub fn without_raw(id: impl Into<String>, role: Role) -> Self {
        Message { id: id.into(), role, text: None, created_at: None, citations: Vec::new(), raw: None }
    }

    /// The vendor's own message, for the fields the common model has no place for
    /// (`Some` when `T` is that vendor's message type).
    ///
    /// The fields the common model took (id, text, citations) were moved out of it and are
    /// left empty there; everything else is as the vendor sent it.
    pub fn raw<T: Any>(&self) -> Option<&T> {
        self.raw.as_ref()?.message().as_any().downcast_ref()
    }

    /// The vendor's message, whatever its type (for `Debug` output, say); `None` for a message
    /// made [without one](Message::without_raw).
    pub fn raw_debug(&self) -> Option<&dyn fmt::Debug> {
        Some(self.raw.as_ref()?.message())
    }
}

/// A message's vendor message: the one at `index` of `page`, shared by clones of the [`Message`].
#[derive(Clone)]
struct Raw {
    page: Arc<dyn RawMessages>,
    index: usize,
}

impl Raw {
    fn message(&self) -> &dyn RawMessage {
        self.page.message(self.index)
    }
}

impl fmt::Debug for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.message(), f)
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

/// Vendor messages of one type, whatever the type.
trait RawMessages: Send + Sync {
    /// The message at `index`, the index of a [`Raw`] (only those are ever asked for).
    fn message(&self, index: usize) -> &dyn RawMessage;
}

/// The vendor message of [`Message::new`].
struct One<T>(T);

impl<T: Any + fmt::Debug + Send + Sync> RawMessages for One<T> {
    fn message(&self, _: usize) -> &dyn RawMessage {
        &self.0
    }
}

/// The common messages of one page of vendor messages, each mapped when it is asked for, all
/// sharing one allocation for their [`Message::raw`].
///
/// `map` moves what the common model takes out of a vendor message (through `&mut`, e.g. with
/// `std::mem::take`) into a [`Message::without_raw`]; the iterator then makes what is left of
/// that vendor message the message's `raw` (replacing any the mapping gave). The page's vendor
/// messages stay where they were decoded, in the `Vec`'s own buffer: nothing is copied, and the
/// only allocation is the page's shared count, so a message kept keeps its page's vendor
/// messages alive (they are dropped with the last message of the page, or with the iterator
/// when none was taken).
///
/// ```
/// use conversation_transcript::{Message, PageMessages, Role};
///
/// #[derive(Debug, Default)]
/// struct VendorMessage { id: String, channel: String }
///
/// let page = vec![VendorMessage { id: "m1".into(), channel: "sms".into() }, VendorMessage { id: "m2".into(), channel: "chat".into() }];
/// let messages: Vec<Message> =
///     PageMessages::new(page, |m: &mut VendorMessage| Message::without_raw(std::mem::take(&mut m.id), Role::User)).collect();
/// assert_eq!(messages[1].id, "m2");
/// assert_eq!(messages[1].raw::<VendorMessage>().map(|m| m.channel.as_str()), Some("chat"));
/// assert_eq!(messages[1].raw::<VendorMessage>().map(|m| m.id.as_str()), Some(""), "the id was moved out");
/// ```
pub struct PageMessages<T, F> {
    page: Arc<Page<T>>,
    next: usize,
    map: F,
}

impl<T: Any + fmt::Debug + Send + Sync, F: FnMut(&mut T) -> Message> PageMessages<T, F> {
    pub fn new(messages: Vec<T>, map: F) -> Self {
        PageMessages { page: Arc::new(Page::new(messages)), next: 0, map }
    }
}

impl<T: Any + fmt::Debug + Send + Sync, F: FnMut(&mut T) -> Message> Iterator for PageMessages<T, F> {
    type Item = Message;

    #[inline]
    fn next(&mut self) -> Option<Message> {
        let index = self.next;
        let cell = self.page.cells.get(index)?;
        // SAFETY: no `Raw` for `index` exists yet (they are made only below, after the mapping
        // and after `next` moves past `index`), and this iterator, the only code that writes to
        // the page, is borrowed mutably here: this is the only reference to the cell's value.
        let vendor = unsafe { &mut *cell.get() };
        let mut message = (self.map)(vendor);
        self.next = index + 1;
        message.raw = Some(Raw { page: self.page.clone(), index });
        Some(message)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.page.cells.len() - self.next;
        (left, Some(left))
    }
}

impl<T: Any + fmt::Debug + Send + Sync, F: FnMut(&mut T) -> Message> ExactSizeIterator for PageMessages<T, F> {}

impl<T: Any + fmt::Debug + Send + Sync, F: FnMut(&mut T) -> Message> std::iter::FusedIterator for PageMessages<T, F> {}

impl<T, F> fmt::Debug for PageMessages<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageMessages").field("len", &self.page.cells.len()).field("next", &self.next).finish_non_exhaustive()
    }
}

/// The vendor messages of a [`PageMessages`], in the buffer they were decoded into.
///
/// Each is written (mapped) once, by the iterator, before any [`Raw`] for it exists; after that
/// it is only read, through the `Raw`s of its messages.
struct Page<T> {
    cells: Vec<UnsafeCell<T>>,
}

impl<T> Page<T> {
    fn new(messages: Vec<T>) -> Self {
        let mut messages = ManuallyDrop::new(messages);
        let (ptr, len, capacity) = (messages.as_mut_ptr(), messages.len(), messages.capacity());
        // SAFETY: `UnsafeCell<T>` is `repr(transparent)` over `T` (the same size and alignment),
        // so the buffer, allocated by a `Vec<T>` with this length and capacity, is a valid
        // `Vec<UnsafeCell<T>>` buffer; the `Vec<T>` is not used or dropped after this.
        let cells = unsafe { Vec::from_raw_parts(ptr.cast::<UnsafeCell<T>>(), len, capacity) };
        Page { cells }
    }
}

// SAFETY: a `Page` is shared by its iterator and the `Raw`s of its messages. The iterator writes
// only to cells no `Raw` points at (see `PageMessages::next`), and a `Raw` reads only its own
// cell, written before the `Raw` was made: no cell is read and written at once. A `Raw` reaching
// another thread does so with its `Message`, after that write; `T: Send + Sync` lets the
// vendor messages be read from and dropped on any thread.
unsafe impl<T: Send + Sync> Sync for Page<T> {}
// SAFETY: as for `Sync`; the `Page` owns its `T`s.
unsafe impl<T: Send + Sync> Send for Page<T> {}

impl<T: Any + fmt::Debug + Send + Sync> RawMessages for Page<T> {
    fn message(&self, index: usize) -> &dyn RawMessage {
        // SAFETY: `index` is that of a `Raw`, made after its cell's one write (see
        // `PageMessages::next`); nothing writes to it any more.
        unsafe { &*self.cells[index].get() }
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

    #[derive(Debug, Default)]
    struct PagedMessage {
        id: String,
        channel: String,
    }

    fn page_of(channels: &[&str]) -> Vec<PagedMessage> {
        channels.iter().enumerate().map(|(i, c)| PagedMessage { id: format!("m{i}"), channel: (*c).to_owned() }).collect()
    }

    fn take_id(m: &mut PagedMessage) -> Message {
        Message::without_raw(std::mem::take(&mut m.id), Role::User)
    }

    #[test]
    fn each_message_of_a_page_has_its_own_vendor_message() {
        let messages: Vec<Message> = PageMessages::new(page_of(&["sms", "email", "chat"]), take_id).collect();
        let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["m0", "m1", "m2"]);
        let channels: Vec<&str> = messages.iter().map(|m| m.raw::<PagedMessage>().expect("the vendor message").channel.as_str()).collect();
        assert_eq!(channels, ["sms", "email", "chat"]);
        assert!(messages.iter().all(|m| m.raw::<PagedMessage>().is_some_and(|raw| raw.id.is_empty())), "the mapped id was moved out");
        assert_eq!(messages[2].raw::<String>(), None);
        let debug = format!("{:?}", messages[1]);
        assert!(debug.contains("channel: \"email\"") && !debug.contains("sms"), "a message shows its own vendor message only: {debug}");
        // The page lives as long as one of its messages does, on any thread.
        let last = messages.into_iter().nth(2).expect("three messages");
        let on_another_thread = std::thread::spawn(move || last.clone().raw::<PagedMessage>().map(|m| m.channel.clone())).join().unwrap();
        assert_eq!(on_another_thread.as_deref(), Some("chat"));
    }

    #[test]
    fn a_page_maps_each_message_when_it_is_asked_for_and_drops_the_page_with_its_last_message() {
        let dropped = Arc::new(());
        #[derive(Debug)]
        struct Counted(#[allow(dead_code)] Arc<()>);
        let mapped = std::cell::Cell::new(0);
        let page = vec![Counted(dropped.clone()), Counted(dropped.clone()), Counted(dropped.clone())];
        let mut messages = PageMessages::new(page, |_: &mut Counted| {
            mapped.set(mapped.get() + 1);
            Message::new("x", Role::Tool, "a raw the page replaces")
        });
        assert_eq!((messages.len(), mapped.get()), (3, 0), "nothing is mapped before it is asked for");
        let first = messages.next().expect("a first message");
        assert_eq!((messages.len(), mapped.get()), (2, 1));
        assert!(first.raw::<Counted>().is_some() && first.raw::<&str>().is_none(), "the page's vendor message replaces the mapping's raw");
        drop(messages);
        assert_eq!(Arc::strong_count(&dropped), 4, "the first message keeps its page");
        drop(first);
        assert_eq!(Arc::strong_count(&dropped), 1, "the page went with its last message");
        assert_eq!(PageMessages::new(Vec::new(), take_id).next().map(|m| m.id), None);
    }

    #[test]
    fn a_message_without_raw_has_none() {
        let message = Message::without_raw("a", Role::User);
        assert_eq!(message.raw::<VendorMessage>(), None);
        assert!(message.raw_debug().is_none());
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
