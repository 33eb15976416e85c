//! The model: everything emit needs, resolved and named, as plain data.
//!
//! `resolve` builds it from the spec; `emit` turns it into tokens. Nothing here
//! refers back to the spec: every `$ref` is resolved, every name is final and
//! a valid Rust identifier, every type is known.

mod transcript;
pub use transcript::*;

/// One API: the client's configuration, its types and its operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// `info.license.name`, when it reads as an SPDX expression (`MIT`, `Apache-2.0 OR MIT`).
    pub license: Option<String>,
    /// The first server's URL, or `None` when the spec gives none (the user must set one).
    pub default_base_url: Option<String>,
    pub auth: Auth,
    /// Headers every operation requires: mandatory client configuration.
    pub client_headers: Vec<ClientHeader>,
    /// Named types, in a stable order (component schemas first, then inline ones).
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// The enums of documented error bodies; operations documenting the same
    /// statuses with the same bodies share one.
    pub error_enums: Vec<ErrorEnum>,
    /// The `conversation-transcript` implementation the spec's `x-transcript` declares.
    pub transcript: Option<Transcript>,
    /// Types that requests reach and no response does: emitted without
    /// `Deserialize` (see `resolve::reachability`).
    pub request_only: std::collections::BTreeSet<String>,
}

/// An enum of error bodies by status, and the operations that return it.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorEnum {
    pub name: String,
    /// The client methods whose errors these are.
    pub operations: Vec<String>,
    pub variants: Vec<ErrorResponse>,
}

/// How requests authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    /// `Authorization: Bearer <token>`.
    Bearer { description: Option<String> },
}

/// A header every operation requires, asked for when the client is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHeader {
    /// The header's name on the wire.
    pub wire: String,
    /// The builder argument's name.
    pub ident: String,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Struct(Vec<Field>),
    /// A string enum that keeps values it does not know.
    StringEnum(Vec<EnumValue>),
    /// An integer enum that keeps values it does not know.
    IntEnum(Vec<IntEnumValue>),
    OneOf(OneOf),
    /// An `anyOf` that is not told apart by a key or a discriminator: a value
    /// may match several members, and keeps each it matches.
    AnyOf(AnyOf),
    /// A name for another type (`pub type Messages = Vec<Message>;`).
    Alias(Ty),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    pub wire: String,
    pub ident: String,
    pub ty: Ty,
    /// Absent from the JSON is allowed.
    pub required: bool,
    /// `null` is allowed.
    pub nullable: bool,
    /// Boxed to break a cycle of types.
    pub boxed: bool,
    /// The map of properties not named in the schema (`additionalProperties`
    /// beside `properties`), flattened into the object.
    pub flatten: bool,
    pub doc: Option<String>,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }

    /// Whether the Rust field is an `Option<Option<_>>`: it may be absent
    /// (outer `None`) or `null` (`Some(None)`), and the two mean different
    /// things to a server (in a PATCH, "leave as is" and "clear").
    pub fn is_double_option(&self) -> bool {
        !self.required && self.nullable
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnumValue {
    pub ident: String,
    pub wire: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IntEnumValue {
    pub ident: String,
    pub value: i64,
}

/// A struct with one optional field per `anyOf` member, each filled when the
/// value decodes as that member, serialised by merging them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnyOf {
    /// One per member, in spec order (`wire` unused; never required).
    pub members: Vec<Field>,
    /// The field holding the value when no member takes it (`unknown`).
    pub unknown: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OneOf {
    pub tagging: Tagging,
    pub variants: Vec<Variant>,
    /// The catch-all variant's name (`Unknown`, or another if a variant took it).
    pub unknown: String,
    /// Required string fields every variant holds, offered as accessors.
    pub common_str_fields: Vec<String>,
}

/// How the variants of a `oneOf` are told apart on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tagging {
    /// Each variant is an object with one distinct key: `{"plain_text": {...}}`.
    External,
    /// A discriminator property inside the object names the variant.
    Internal { property: String },
    /// By trying each variant in turn.
    Untagged,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    pub ident: String,
    /// The key (external) or discriminator value (internal); empty when untagged.
    pub wire: String,
    pub ty: Ty,
    /// Boxed to break a cycle of types, or because it is much larger than
    /// the enum's other variants.
    pub boxed: bool,
    pub doc: Option<String>,
}

/// A Rust type, as used in a field or signature.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    String,
    Bool,
    I32,
    I64,
    /// An integer whose bounds reach past `i64::MAX`.
    U64,
    F32,
    F64,
    DateTime,
    Date,
    /// Any JSON value.
    Json,
    /// Raw bytes (a non-JSON request body).
    Bytes,
    /// A file part of a multipart body (a `format: binary` property): `client_runtime::FilePart`.
    File,
    Vec(Box<Ty>),
    /// A JSON object with arbitrary keys.
    Map(Box<Ty>),
    /// A type of the `types` module.
    Named(String),
}

/// One operation: one method on the client, one request builder.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's `operationId`, or `METHOD /path` when it has none (named in `tracing` spans).
    pub operation_id: String,
    /// The client method (snake_case).
    pub ident: String,
    /// The request builder type.
    pub builder: String,
    /// The enum of documented error bodies (see `Api::error_enums`), `None` when none is documented.
    pub error_enum: Option<String>,
    pub method: Method,
    /// The path template as the spec gives it, for docs.
    pub path: String,
    pub path_parts: Vec<PathPart>,
    pub doc: Option<String>,
    pub params: Vec<Param>,
    /// How the parameter at `ParamLocation::Body`, if any, is encoded.
    pub body_encoding: Option<BodyEncoding>,
    pub success: Success,
    pub errors: Vec<ErrorResponse>,
    pub pagination: Option<Pagination>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// Index into `Operation::params`.
    Param(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    /// Sent in the `Cookie` header.
    Cookie,
    /// The request body (at most one per operation).
    Body,
}

/// How a request body goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: one part per top-level property; with, by
    /// property, the media type the spec's `encoding` gives a file part.
    Multipart { file_types: Vec<(String, String)> },
    /// Sent as given, with this content type.
    Bytes(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire: String,
    pub ident: String,
    pub location: ParamLocation,
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
    /// Bounds that the parameter's type can break (vacuous ones are dropped).
    pub minimum: Option<Limit>,
    pub maximum: Option<Limit>,
    /// The default the server applies, for docs (JSON text).
    pub default: Option<String>,
    /// For query arrays: one pair per item (`a=1&a=2`, the default) or one
    /// comma-separated pair (`a=1,2`, `explode: false`).
    pub explode: bool,
}

/// A numeric bound of a parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    pub value: Bound,
    /// The value itself is outside the range.
    pub exclusive: bool,
}

/// A bound's value, in the parameter's kind of number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Int(i64),
    Float(f64),
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    Json(Ty),
    Bytes,
    Empty,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    pub status: StatusMatch,
    /// The variant of the operation's error enum.
    pub variant: String,
    pub ty: Ty,
    /// Boxed because the body is large (see `resolve::box_large_variants`).
    pub boxed: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

/// How to walk an operation's pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The builder field holding the cursor (a query parameter's ident).
    pub cursor_param: String,
    /// Fields from the page to the next cursor.
    pub next_cursor: Vec<Step>,
    /// Fields from the page to its items.
    pub items: Vec<Step>,
    pub item_ty: Ty,
}

/// One field access on the way through a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub ident: String,
    pub optional: bool,
    /// `Option<Option<_>>`: optional and nullable.
    pub double: bool,
}
