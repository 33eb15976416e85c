//! The `x-transcript` mapping, resolved: how a client's "list messages" operation becomes the
//! common message model of the `conversation-transcript` crate. Plain data; every path is made of
//! the model's field and variant identifiers, every leaf's type checked by resolve.

use super::Step;

/// How the client implements `Conversations`.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// The client method that lists a conversation's messages; its one required parameter is the conversation id.
    pub operation: String,
    /// The operation pages: walk its `.items()`. Otherwise one `send()` and [`Transcript::items`].
    pub paged: bool,
    /// Unpaged: the (required) fields from the success body to its array of messages; empty when the body is the array.
    pub items: Vec<Step>,
    /// The success body's type (unpaged).
    pub page_ty: super::Ty,
    /// The message type (a named struct).
    pub item_ty: String,
    /// The vendor lists newest first.
    pub newest_first: bool,
    /// Fields to the message id (a string).
    pub id: Vec<Step>,
    pub role: RoleMapping,
    pub text: Option<TextSource>,
    /// Fields to the creation time (a date-time).
    pub created_at: Option<Vec<Step>>,
    pub citations: Option<CitationMapping>,
    /// One text extractor per `oneOf` type a text path reaches, in first-reached order.
    pub one_ofs: Vec<OneOfText>,
}

/// Where a text comes from: a string field, or a `oneOf` whose variants hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum TextSource {
    Str(Vec<Step>),
    /// Fields to a `oneOf` of the named type (see [`Transcript::one_ofs`]).
    OneOf { steps: Vec<Step>, ty: String },
}

/// The role: fields to a string or string enum, and its wire values mapped to common roles.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleMapping {
    pub steps: Vec<Step>,
    /// Wire value → common role (`user`, `assistant`, `system`, `tool`, or another word);
    /// values not listed are parsed as common role names.
    pub map: Vec<(String, String)>,
}

/// Text from the variants of one `oneOf` type.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOfText {
    pub ty: String,
    /// Variant identifier → fields inside the variant to its text (a string); `None`: no text.
    pub variants: Vec<(String, Option<Vec<Step>>)>,
}

/// A message's citations: fields to an array, and where each part of a citation is.
#[derive(Debug, Clone, PartialEq)]
pub struct CitationMapping {
    pub steps: Vec<Step>,
    /// The citation type (a named struct).
    pub item_ty: String,
    /// Fields to an integer; `unsigned` when it is already a `u64`.
    pub offset: Option<(Vec<Step>, bool)>,
    pub url: Option<TextSource>,
    pub title: Option<TextSource>,
    pub text: Option<TextSource>,
}
