//! The `client` module: `Client`, one method and one request builder per
//! operation, and the enums of documented error bodies.
//!
//! Everything that does not depend on the spec is a call into the runtime, so
//! each operation costs a struct, a few setters and one `execute` call.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::text::{self, Src};
use super::{doc_attrs, ident, ty_tokens};
use crate::format::Piece;
use crate::model::{Api, Auth, BodyEncoding, Bound, ErrorEnum, Limit, Operation, Pagination, Param, ParamLocation, PathPart, StatusMatch, Step, Success, Ty};

/// The `client` module's items, a piece at a time (see `types_items`), `depth` modules deep.
pub fn client_items(api: &Api, depth: usize) -> impl Iterator<Item = Piece> + '_ {
    std::iter::once_with(move || client_struct(api, depth))
        .chain(api.operations.iter().map(move |op| operation(op, depth)))
        .flatten()
        .chain(api.error_enums.iter().map(move |e| Piece::Tokens { tokens: error_enum(e), depth }))
}

fn client_struct(api: &Api, depth: usize) -> Vec<Piece> {
    let title = Literal::string(&format!(" A client of the {}.", super::api_name(&api.title)));
    let base_url = text::string(api.default_base_url.as_deref().unwrap_or(""));
    let base_url_doc = match &api.default_base_url {
        Some(_) => "The server the spec names first; [`ClientBuilder::base_url`] picks another.",
        None => "The spec names no absolute server URL: set one with [`ClientBuilder::base_url`].",
    };

    let mut args = Vec::new();
    let mut arg_docs = Vec::new();
    let mut setup = Vec::new();
    if let Auth::Bearer { .. } = api.auth {
        args.push(quote!(token: impl ::std::convert::Into<::std::string::String>));
        arg_docs.push(" - `token`: sent as `Authorization: Bearer <token>`; never printed.".to_owned());
        setup.push(quote!(.bearer_token(token)));
    }
    for header in &api.client_headers {
        let arg = ident(&header.ident);
        let wire = Literal::string(&header.wire);
        args.push(quote!(#arg: impl ::std::convert::Into<::std::string::String>));
        let what = header.doc.as_deref().map(|d| super::sanitize_doc(d).replace('\n', " ")).unwrap_or_default();
        arg_docs.push(format!(" - `{}`: the `{}` header of every request. {what}", super::unraw(&header.ident), header.wire));
        setup.push(quote!(.header(#wire, #arg)));
    }
    let builder_doc = if arg_docs.is_empty() {
        quote!(#[doc = " Starts configuring a client."])
    } else {
        let arg_docs = arg_docs.iter().map(|d| {
            let d = Literal::string(d);
            quote!(#[doc = #d])
        });
        quote! {
            /// Starts configuring a client with what every request needs:
            ///
            #(#arg_docs)*
            ///
            /// Values are checked by [`ClientBuilder::build`]: a header value with
            /// CR, LF or another control character is refused there, never sent.
        }
    };

    let mut src = Src::new(depth);
    src.tokens(
        0,
        quote! {
            #[doc = #title]
            ///
            /// Cheap to clone: clones share one connection pool.
            #[derive(Debug, Clone)]
            pub struct Client {
                http: ::client_runtime::HttpClient,
            }

            /// Configures a [`Client`]: base URL, timeout, retries, HTTP client.
            pub type ClientBuilder = ::client_runtime::ClientBuilder<Client>;

            impl ::std::convert::From<::client_runtime::HttpClient> for Client {
                fn from(http: ::client_runtime::HttpClient) -> Self {
                    Client { http }
                }
            }

            const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
        },
    );
    src.line(0, &["impl Client {"]);
    src.doc_line(1, base_url_doc);
    src.line(1, &["pub const DEFAULT_BASE_URL: &'static str = ", &base_url, ";"]);
    src.tokens(
        1,
        quote! {
            #builder_doc
            pub fn builder(#(#args),*) -> ClientBuilder {
                ClientBuilder::new(Self::DEFAULT_BASE_URL, USER_AGENT) #(#setup)*
            }
        },
    );
    src.doc_line(1, "The configured HTTP client underneath, for requests the spec does not describe.");
    src.line(1, &["pub fn http_client(&self) -> &::client_runtime::HttpClient {"]);
    src.line(2, &["&self.http"]);
    src.line(1, &["}"]);
    for op in &api.operations {
        src.part(1, |src| client_method(src, op));
    }
    src.line(0, &["}"]);
    src.finish()
}

/// Required parameters are arguments, optional ones builder setters.
fn client_method(src: &mut Src, op: &Operation) {
    let method = text::ident(&op.ident);
    let builder = text::ident(&op.builder);
    if src.doc(0, op.doc.as_deref()) {
        src.doc_line(0, "");
    }
    src.doc_line(0, &format!("`{} {}`", op.method.as_str(), op.path));
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    // Required parameters stay positional however many there are, so that
    // leaving one out is a compile error (ARCHITECTURE.md, "Required parameters are arguments").
    if required.len() + 1 > 7 {
        src.line(0, &["#[allow(clippy::too_many_arguments)]"]);
    }
    let args: Vec<String> = std::iter::once("&self".to_owned())
        .chain(required.iter().map(|p| format!("{}: {}", text::ident(&p.ident), arg_ty(&p.ty))))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    src.signature(0, &format!("pub fn {method}("), &args, &format!("{builder}<'_>"));
    src.line(1, &[builder, " {"]);
    src.line(2, &["client: self,"]);
    for p in &op.params {
        let name = text::ident(&p.ident);
        if p.required && takes_exact(&p.ty) {
            src.line(2, &[name, ","]);
        } else if p.required {
            src.line(2, &[name, ": ", name, ".into(),"]);
        } else {
            src.line(2, &[name, ": ::std::option::Option::None,"]);
        }
    }
    src.line(2, &["options: ::std::default::Default::default(),"]);
    src.line(1, &["}"]);
    src.line(0, &["}"]);
}

/// Strings are taken as `impl Into<String>`; numbers and booleans as
/// themselves (so `limit(true)` does not compile); other types as `impl Into<T>`.
fn arg_ty(ty: &Ty) -> String {
    match ty {
        Ty::String => "impl ::std::convert::Into<::std::string::String>".to_owned(),
        ty if takes_exact(ty) => text::ty(ty, true),
        other => format!("impl ::std::convert::Into<{}>", text::ty(other, true)),
    }
}

/// Numbers and booleans, which `Display` writes as the wire wants them
/// (an `f32` of 0.1 is `0.1`, not the `0.10000000149011612` of its f64).
fn is_scalar(ty: &Ty) -> bool {
    matches!(ty, Ty::Bool | Ty::I32 | Ty::I64 | Ty::U64 | Ty::F32 | Ty::F64)
}

/// The wire text of a parameter value (`value` is a reference).
fn text_of(ty: &Ty, value: &str) -> String {
    if is_scalar(ty) {
        format!("::std::string::ToString::to_string({value})")
    } else {
        format!("::client_runtime::encode::to_text({value})")
    }
}

/// Whether an argument of this type is taken as itself rather than `impl Into<_>`.
fn takes_exact(ty: &Ty) -> bool {
    is_scalar(ty)
}

fn operation(op: &Operation, depth: usize) -> Vec<Piece> {
    let builder = text::ident(&op.builder);
    let (ok_ty, send) = match &op.success {
        Success::Json(ty) => (text::ty(ty, true), "send_json"),
        Success::Bytes => ("::std::vec::Vec<u8>".to_owned(), "send_bytes"),
        Success::Empty => ("()".to_owned(), "send_empty"),
    };
    let err_ty = match &op.error_enum {
        Some(name) => text::ident(name),
        None => "::client_runtime::NoErrorBody",
    };
    let mut src = Src::new(depth);
    src.doc_line(0, &format!("A [`Client::{}`] request: set optional parameters, then `.send().await`.", super::unraw(&op.ident)));
    src.line(0, &["#[derive(Debug, Clone)]"]);
    src.line(0, &["#[must_use = \"a request does nothing until it is sent\"]"]);
    src.line(0, &["pub struct ", builder, "<'a> {"]);
    src.line(1, &["client: &'a Client,"]);
    for p in &op.params {
        let ty = text::ty(&p.ty, true);
        let ty = if p.required { ty } else { format!("::std::option::Option<{ty}>") };
        src.ty_line(1, &format!("{}: ", text::ident(&p.ident)), &ty, ",", 1);
    }
    src.line(1, &["options: ::client_runtime::RequestOptions,"]);
    src.line(0, &["}"]);
    src.part(0, |src| {
        src.line(0, &["impl<'a> ", builder, "<'a> {"]);
        for p in op.params.iter().filter(|p| !p.required) {
            src.part(1, |src| setter(src, p));
        }
        src.doc_line(1, "Replaces the client's timeout for this request.");
        src.line(1, &["pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {"]);
        src.line(2, &["self.options.timeout = ::std::option::Option::Some(timeout);"]);
        src.line(2, &["self"]);
        src.line(1, &["}"]);
        src.doc_line(1, "Replaces the client's retry count for this request (0: no retry).");
        src.line(1, &["pub fn max_retries(mut self, retries: u32) -> Self {"]);
        src.line(2, &["self.options.max_retries = ::std::option::Option::Some(retries);"]);
        src.line(2, &["self"]);
        src.line(1, &["}"]);
        src.part(1, |src| request_fn(src, op));
        src.part(1, |src| {
            src.doc_line(0, "Sends the request and returns the decoded body.");
            let ret = format!("impl ::std::future::Future<Output = ::std::result::Result<{ok_ty}, super::Error<{err_ty}>>> + 'a");
            src.signature(0, "pub fn send(", &["self"], &ret);
            src.line(1, &["::client_runtime::futures_util::FutureExt::map("]);
            src.line(2, &["self.send_with_response(),"]);
            src.line(2, &["::client_runtime::body_of,"]);
            src.line(1, &[")"]);
            src.line(0, &["}"]);
        });
        src.part(1, |src| {
            src.doc_line(0, "Sends the request and returns the body with the status and headers.");
            let ret = format!(
                "impl ::std::future::Future<Output = ::std::result::Result<::client_runtime::Response<{ok_ty}>, super::Error<{err_ty}>>> + 'a"
            );
            src.signature(0, "pub fn send_with_response(", &["self"], &ret);
            src.line(1, &["let request = self.request();"]);
            src.line(1, &["let client = self.client;"]);
            src.line(1, &["client.http.", send, "(request)"]);
            src.line(0, &["}"]);
        });
        if let Some(p) = &op.pagination {
            src.tokens(1, pagination(p, &super::type_tokens(&ok_ty), &super::type_tokens(err_ty)));
        }
        src.line(0, &["}"]);
    });
    src.finish()
}

fn setter(src: &mut Src, p: &Param) {
    let name = text::ident(&p.ident);
    let default = p.default.as_ref().map(|d| format!("The server's default: `{}`.", d.replace('`', "'")));
    let parts: Vec<String> = [p.doc.clone(), range_text(p), default].into_iter().flatten().collect();
    src.doc(0, Some(parts.join("\n\n")).filter(|d| !d.is_empty()).as_deref());
    let value = format!("value: {}", arg_ty(&p.ty));
    src.signature(0, &format!("pub fn {name}("), &["mut self", &value], "Self");
    let value = if takes_exact(&p.ty) { "value" } else { "value.into()" };
    src.line(1, &["self.", name, " = ::std::option::Option::Some(", value, ");"]);
    src.line(1, &["self"]);
    src.line(0, &["}"]);
}

fn range_text(p: &Param) -> Option<String> {
    let show = |l: &Limit| match l.value {
        Bound::Int(n) => n.to_string(),
        Bound::Float(f) => f.to_string(),
    };
    let lower = p.minimum.as_ref().map(|l| if l.exclusive { format!("greater than {}", show(l)) } else { format!("at least {}", show(l)) });
    let upper = p.maximum.as_ref().map(|l| if l.exclusive { format!("less than {}", show(l)) } else { format!("at most {}", show(l)) });
    let inclusive = |l: &Option<Limit>| l.as_ref().is_some_and(|l| !l.exclusive);
    let text = match (lower, upper) {
        (Some(_), Some(_)) if inclusive(&p.minimum) && inclusive(&p.maximum) => {
            format!("between {} and {}", p.minimum.as_ref().map(show).unwrap_or_default(), p.maximum.as_ref().map(show).unwrap_or_default())
        }
        (Some(lo), Some(hi)) => format!("{lo} and {hi}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => return None,
    };
    Some(format!("Must be {text} (checked before sending)."))
}

/// Builds the runtime's `Request`: path, query, headers, bounds checks.
fn request_fn(src: &mut Src, op: &Operation) {
    src.signature(0, "fn request(", &["&self"], "::std::result::Result<::client_runtime::Request, ::client_runtime::InvalidRequest>");
    let path = if op.path_parts.is_empty() { "let path" } else { "let mut path" };
    src.line(1, &[path, " = ::std::string::String::new();"]);
    for part in &op.path_parts {
        match part {
            PathPart::Literal(text) => match text.chars().collect::<Vec<_>>()[..] {
                [c] => src.line(1, &["path.push(", &Literal::character(c).to_string(), ");"]),
                _ => src.line(1, &["path.push_str(", &text::string(text), ");"]),
            },
            PathPart::Param(i) => {
                let p = &op.params[*i];
                let name = text::ident(&p.ident);
                range_check(src, 1, p, &format!("self.{name}"));
                let value = match p.ty {
                    Ty::String => format!("&self.{name}"),
                    _ => format!("&{}", text_of(&p.ty, &format!("&self.{name}"))),
                };
                let wire = text::string(&p.wire);
                let segment = format!("&::client_runtime::encode::path_segment({wire}, {value})?");
                if src.fits_at(1, "path.push_str(".len() + segment.len() + 2) {
                    src.line(1, &["path.push_str(", &segment, ");"]);
                } else {
                    src.line(1, &["path.push_str("]);
                    src.last_arg(2, "&::client_runtime::encode::path_segment(", &[&wire, &value], ")?");
                    src.line(1, &[");"]);
                }
            }
        }
    }
    src.list(1, "let mut request = ::client_runtime::Request::new(", &[&format!("::client_runtime::Method::{}", op.method.as_str()), "path"], ");");
    let operation = [format!("id: {}", text::string(&op.operation_id)), format!("path: {}", text::string(&op.path))];
    src.struct_literal(1, "let operation = &", "::client_runtime::Operation", &operation, ";");
    src.line(1, &["request.operation = ::std::option::Option::Some(operation);"]);
    for p in op.params.iter().filter(|p| p.location != ParamLocation::Path) {
        let name = text::ident(&p.ident);
        if p.required {
            src.line(1, &["{"]);
            src.line(2, &["let value = &self.", name, ";"]);
        } else {
            src.line(1, &["if let ::std::option::Option::Some(value) = &self.", name, " {"]);
        }
        range_check(src, 2, p, "*value");
        param_push(src, op, p);
        src.line(1, &["}"]);
    }
    src.line(1, &["request.options = self.options.clone();"]);
    src.line(1, &["::std::result::Result::Ok(request)"]);
    src.line(0, &["}"]);
}

/// Puts a parameter's `value` (a reference) where it goes in `request`.
fn param_push(src: &mut Src, op: &Operation, p: &Param) {
    let wire = text::string(&p.wire);
    let body = "request.body = ::std::option::Option::Some(";
    match (p.location, &op.body_encoding) {
        (ParamLocation::Query, _) if !p.explode && matches!(p.ty, Ty::Vec(_)) => {
            src.list(2, "::client_runtime::encode::push_query_list(", &["&mut request.query_lists", &wire, "value"], ");");
        }
        (ParamLocation::Query, _) if is_scalar(&p.ty) => push_pair(src, "&mut request.query", &wire, &text_of(&p.ty, "value")),
        (ParamLocation::Query, _) => src.list(2, "::client_runtime::encode::push_query(", &["&mut request.query", &wire, "value"], ");"),
        (ParamLocation::Cookie, _) => push_pair(src, "&mut request.cookies", &wire, &text_of(&p.ty, "value")),
        (ParamLocation::Body, Some(BodyEncoding::Json)) => src.list(2, body, &["::client_runtime::encode::json_body(value)?"], ");"),
        (ParamLocation::Body, Some(BodyEncoding::Form)) => src.list(2, body, &["::client_runtime::encode::form_body(value)?"], ");"),
        (ParamLocation::Body, Some(BodyEncoding::Multipart { file_types })) => {
            let file_types: Vec<String> = file_types.iter().map(|(part, ty)| format!("({}, {})", text::string(part), text::string(ty))).collect();
            let encode = format!("::client_runtime::encode::multipart_body(value, &[{}])?", file_types.join(", "));
            src.list(2, body, &[&encode], ");");
        }
        (ParamLocation::Body, _) => {
            let content_type = match &op.body_encoding {
                Some(BodyEncoding::Bytes(ct)) => ct.as_str(),
                _ => "application/octet-stream",
            };
            let fields = [format!("content_type: {}.into()", text::string(content_type)), "data: value.clone()".to_owned()];
            src.struct_literal(2, body, "::client_runtime::Body::Bytes", &fields, ");");
        }
        _ => push_pair(src, "&mut request.headers", &wire, &text_of(&p.ty, "value")),
    }
}

/// `Vec::push(list, (wire, text))`.
fn push_pair(src: &mut Src, list: &str, wire: &str, text: &str) {
    src.list(2, "::std::vec::Vec::push(", &[list, &format!("({wire}, {text})")], ");");
}

/// `check_range(name, value, lower, upper)?` with `std::ops::Bound`s in the
/// parameter's own number type; nothing when the parameter has no bounds.
fn range_check(src: &mut Src, level: usize, p: &Param, value: &str) {
    if p.minimum.is_none() && p.maximum.is_none() {
        return;
    }
    let literal = |v: Bound| -> Option<Literal> {
        match (v, &p.ty) {
            (Bound::Int(n), Ty::I32) => i32::try_from(n).ok().map(Literal::i32_suffixed),
            (Bound::Int(n), Ty::I64) => Some(Literal::i64_suffixed(n)),
            (Bound::Float(f), Ty::F64) => Some(Literal::f64_suffixed(f)),
            (Bound::Float(f), Ty::F32) => Some(Literal::f32_suffixed(f as f32)),
            _ => None,
        }
    };
    let bound = |limit: &Option<Limit>| -> String {
        match limit.and_then(|l| literal(l.value).map(|lit| (lit, l.exclusive))) {
            Some((lit, false)) => format!("::std::ops::Bound::Included({lit})"),
            Some((lit, true)) => format!("::std::ops::Bound::Excluded({lit})"),
            None => "::std::ops::Bound::Unbounded".to_owned(),
        }
    };
    let (min, max) = (bound(&p.minimum), bound(&p.maximum));
    src.list(level, "::client_runtime::encode::check_range(", &[&text::string(&p.wire), value, &min, &max], ")?;");
}

/// `pages()` and `items()` for an operation that pages by cursor.
fn pagination(p: &Pagination, page_ty: &TokenStream, err_ty: &TokenStream) -> TokenStream {
    let cursor = ident(&p.cursor_param);
    let item_ty = ty_tokens(&p.item_ty, true);

    // page.a.as_ref()?.b.as_deref()
    let mut next = quote!(page);
    let last = p.next_cursor.len().saturating_sub(1);
    for (i, step) in p.next_cursor.iter().enumerate() {
        let f = ident(&step.ident);
        next = match (i == last, step.double, step.optional) {
            (false, true, _) => quote!(#next.#f.as_ref()?.as_ref()?),
            (false, false, true) => quote!(#next.#f.as_ref()?),
            (false, false, false) => quote!(#next.#f),
            (true, true, _) => quote!(#next.#f.as_ref()?.as_deref()),
            (true, false, true) => quote!(#next.#f.as_deref()),
            (true, false, false) => quote!(::std::option::Option::Some(#next.#f.as_str())),
        };
    }

    let items_body = page_items(&p.items);
    quote! {
        /// Every page from this request's cursor on, fetched one at a time as the
        /// stream is polled. Stops after the page whose next cursor is null or
        /// absent; a server repeating a cursor ends it with `Error::Pagination`.
        pub fn pages(self) -> impl ::client_runtime::Stream<Item = ::std::result::Result<#page_ty, super::Error<#err_ty>>> + 'a {
            fn next_cursor(page: &#page_ty) -> ::std::option::Option<&str> {
                #next
            }
            let first = self.#cursor.clone();
            ::client_runtime::paginate::pages(
                first,
                move |cursor| {
                    let mut request = self.clone();
                    request.#cursor = cursor;
                    request.send()
                },
                next_cursor,
            )
        }

        /// Every item of every page, in order, holding one page at a time.
        pub fn items(self) -> impl ::client_runtime::Stream<Item = ::std::result::Result<#item_ty, super::Error<#err_ty>>> + 'a {
            fn items(page: #page_ty) -> ::std::vec::Vec<#item_ty> {
                #items_body
            }
            ::client_runtime::paginate::items(self.pages(), items)
        }
    }
}

/// An enum of error bodies by status, and how to decode them.
fn error_enum(e: &ErrorEnum) -> TokenStream {
    let name = ident(&e.name);
    let users: Vec<String> = e.operations.iter().take(3).map(|op| format!("[`Client::{}`]", super::unraw(op))).collect();
    let users = match e.operations.len() {
        1..=3 => users.join(", "),
        n => format!("{} and {} more operations", users.join(", "), n - 3),
    };
    let doc = Literal::string(&format!(" The error bodies documented for {users}, by status."));
    let variants = e.variants.iter().map(|e| {
        let variant = ident(&e.variant);
        let mut ty = ty_tokens(&e.ty, true);
        if e.boxed {
            ty = quote!(::std::boxed::Box<#ty>);
        }
        let status = Literal::string(&format!(" Status {}.", status_text(e.status)));
        let doc = doc_attrs(e.doc.as_deref());
        quote! { #[doc = #status] #doc #variant(#ty), }
    });
    let arms = e.variants.iter().map(|e| {
        let variant = ident(&e.variant);
        let pattern = match e.status {
            StatusMatch::Code(c) => {
                let c = Literal::u16_unsuffixed(c);
                quote!(#c)
            }
            StatusMatch::Range(n) => {
                let (lo, hi) = (Literal::u16_unsuffixed(n * 100), Literal::u16_unsuffixed(n * 100 + 99));
                quote!(#lo..=#hi)
            }
            StatusMatch::Default => quote!(_),
        };
        let wrap = if e.boxed { quote!(|b| Self::#variant(::std::boxed::Box::new(b))) } else { quote!(Self::#variant) };
        quote! { #pattern => ::std::option::Option::Some(::serde_json::from_slice(body).map(#wrap)), }
    });
    let fallback = (!e.variants.iter().any(|e| e.status == StatusMatch::Default)).then(|| quote!(_ => ::std::option::Option::None,));
    let decode = match e.variants.as_slice() {
        // Only a default: every status decodes the same way.
        [only] if only.status == StatusMatch::Default => {
            let variant = ident(&only.variant);
            let wrap = if only.boxed { quote!(|b| Self::#variant(::std::boxed::Box::new(b))) } else { quote!(Self::#variant) };
            quote! {
                let _ = status;
                ::std::option::Option::Some(::serde_json::from_slice(body).map(#wrap))
            }
        }
        _ => quote! {
            match status.as_u16() {
                #(#arms)*
                #fallback
            }
        },
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        impl ::client_runtime::ErrorBody for #name {
            fn decode(status: ::client_runtime::StatusCode, body: &[u8]) -> ::std::option::Option<::std::result::Result<Self, ::serde_json::Error>> {
                #decode
            }
        }
    }
}

fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(n) => format!("{n}XX"),
        StatusMatch::Default => "default (any other)".into(),
    }
}

/// The body of a function from `page` to its items, walking `steps` from the page:
/// `page.items`, `page.items.unwrap_or_default()`, or through optional objects
/// `(move || page.a?.items)().unwrap_or_default()`: `?` only where a step is not
/// the last, so no `Some(x?)` (clippy's needless_question_mark); `page` itself
/// when there are no steps. The client's `items()` and the transcript's pages share it.
pub(super) fn page_items(steps: &[Step]) -> TokenStream {
    let mut items = quote!(page);
    let mut early_return = false;
    let mut last_optional = false;
    for (i, step) in steps.iter().enumerate() {
        let f = ident(&step.ident);
        let last = i + 1 == steps.len();
        items = match (last, step.double, step.optional) {
            (false, true, _) => quote!(#items.#f??),
            (false, false, true) => quote!(#items.#f?),
            (_, false, false) => quote!(#items.#f),
            (true, true, _) => quote!(#items.#f.flatten()),
            (true, false, true) => quote!(#items.#f),
        };
        early_return |= !last && (step.double || step.optional);
        last_optional = last && (step.double || step.optional);
    }
    match (early_return, last_optional) {
        (true, true) => quote!((move || #items)().unwrap_or_default()),
        (true, false) => quote!((move || ::std::option::Option::Some(#items))().unwrap_or_default()),
        (false, true) => quote!(#items.unwrap_or_default()),
        (false, false) => items,
    }
}
