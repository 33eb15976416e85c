//! `src/transcript.rs`: the client's `conversation_transcript::Conversations`, from the model's
//! [`Transcript`](crate::model::Transcript), compiled only with the crate's `transcript` feature.
//!
//! Each mapped value is read by a small function over `&mut` the vendor's message that moves it
//! out (`std::mem::take`), so nothing is copied; `conversation_transcript::PageMessages` maps a
//! page's messages one by one as the stream is polled, and keeps what is left of them, in place
//! and with one allocation per page, as each common message's `raw`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{ident, ty_tokens};
use crate::model::{Api, CitationMapping, OneOfText, RoleMapping, Step, TextSource};

/// The package the `transcript` feature depends on, and its path beside the runtime crate.
pub const PACKAGE: &str = "conversation-transcript";
/// The version requirement on it: with its path, so the crate resolves from a registry once it is published there.
pub const VERSION: &str = "0.1";

/// `[features]` and the optional dependency, for `Cargo.toml` (empty without `x-transcript`).
pub fn manifest_lines(api: &Api, runtime_path: &str) -> (String, String) {
    if api.transcript.is_none() {
        return (String::new(), String::new());
    }
    let path = match runtime_path.rsplit_once('/') {
        Some((parent, _)) => format!("{parent}/transcript"),
        None => "transcript".to_owned(),
    };
    let features = format!("# `Client` implements `conversation_transcript::Conversations`.\ntranscript = [\"dep:{PACKAGE}\"]\n");
    let dependency = format!("{PACKAGE} = {{ version = \"{VERSION}\", path = {}, optional = true }}\n", super::manifest::toml_string(&path));
    (features, dependency)
}

/// The README's section on the feature (empty without `x-transcript`).
pub fn readme_section(api: &Api) -> String {
    let Some(t) = &api.transcript else { return String::new() };
    format!(
        "### One API over several vendors\n\n\
         With the `transcript` feature, `Client` implements `conversation_transcript::Conversations`: \
         `client.messages(conversation_id)` streams the messages of `{}` as common messages (id, role, text, time, citations), \
         every page walked, {} first; the rest of each vendor message is kept (`Message::raw`).\n\n",
        t.operation,
        if t.newest_first { "newest" } else { "oldest" }
    )
}

/// The `#[cfg(feature = "transcript")] mod transcript;` line of `lib.rs`.
pub fn lib_item(api: &Api) -> TokenStream {
    if api.transcript.is_none() {
        return TokenStream::new();
    }
    quote! {
        /// `conversation_transcript::Conversations` for [`Client`], from the spec's `x-transcript`.
        #[cfg(feature = "transcript")]
        mod transcript;
    }
}

/// The items of `src/transcript.rs`, when the spec declares `x-transcript`.
pub fn transcript_items(api: &Api) -> Option<TokenStream> {
    let t = api.transcript.as_ref()?;
    let tr = quote!(::conversation_transcript);
    let op = ident(&t.operation);
    let item = ty_tokens(&crate::model::Ty::Named(t.item_ty.clone()), true);
    let page_ty = ty_tokens(&t.page_ty, true);
    // The pages, and the steps from a page to its messages.
    let pagination = api.operations.iter().find(|o| o.ident == t.operation).and_then(|o| o.pagination.as_ref());
    let (pages, items) = match pagination {
        Some(p) if t.paged => (quote!(self.#op(conversation_id).pages()), super::client::page_items(&p.items)),
        _ => (
            quote!(::client_runtime::futures_util::stream::once(self.#op(conversation_id).send())),
            super::client::page_items(&t.items),
        ),
    };
    let order = if t.newest_first { quote!(NewestFirst) } else { quote!(OldestFirst) };
    let id = getter(&quote!(id), &item, &t.id, &quote!(::std::string::String), &take());
    let role = role_getter(&item, &t.role);
    let mut fns = vec![id, role];
    // Each value is moved out of `m` into the common message.
    let mut sets = Vec::new();
    if let Some(text) = &t.text {
        fns.push(text_getter(&quote!(text), &item, text));
        sets.push(quote!(message.text = text(m);));
    }
    if let Some(steps) = &t.created_at {
        let ty = quote!(::client_runtime::chrono::DateTime<::client_runtime::chrono::Utc>);
        fns.push(getter(&quote!(created_at), &item, steps, &ty, &quote!(::std::option::Option::Some(*v))));
        sets.push(quote!(message.created_at = created_at(m);));
    }
    if let Some(c) = &t.citations {
        fns.push(citation_fns(&item, c));
        sets.push(quote!(message.citations = citations(m).unwrap_or_default();));
    }
    fns.extend(t.one_ofs.iter().map(one_of_fn));
    let build = if sets.is_empty() {
        quote!(#tr::Message::without_raw(id, role))
    } else {
        quote! {
            let mut message = #tr::Message::without_raw(id, role);
            #(#sets)*
            message
        }
    };
    let message_result = quote!(::std::result::Result<#tr::Message, #tr::Error>);
    Some(quote! {
        impl #tr::Conversations for super::Client {
            fn messages<'a>(
                &'a self,
                conversation_id: &'a str,
            ) -> impl #tr::Stream<Item = #message_result> + ::std::marker::Send + 'a {
                ::client_runtime::futures_util::TryStreamExt::try_flatten(::client_runtime::futures_util::StreamExt::map(#pages, page))
            }
            fn order(&self) -> #tr::Order {
                #tr::Order::#order
            }
        }

        /// One page as the stream of its common messages (each mapped when polled for), or the error.
        fn page<E: ::std::fmt::Debug + ::std::marker::Send + ::std::marker::Sync + 'static>(
            page: ::std::result::Result<#page_ty, ::client_runtime::Error<E>>,
        ) -> ::std::result::Result<
            ::client_runtime::futures_util::stream::Iter<impl ::std::iter::Iterator<Item = #message_result> + ::std::marker::Send>,
            #tr::Error,
        > {
            match page {
                ::std::result::Result::Ok(page) => {
                    let messages = #tr::PageMessages::new(page_items(page), message);
                    ::std::result::Result::Ok(::client_runtime::futures_util::stream::iter(::std::iter::Iterator::map(messages, ::std::result::Result::Ok)))
                }
                ::std::result::Result::Err(e) => ::std::result::Result::Err(error(e)),
            }
        }

        fn page_items(page: #page_ty) -> ::std::vec::Vec<#item> {
            #items
        }

        /// The vendor's error, with its status, request id and retryability lifted out.
        fn error<E: ::std::fmt::Debug + ::std::marker::Send + ::std::marker::Sync + 'static>(e: ::client_runtime::Error<E>) -> #tr::Error {
            let status = e.status().map(|s| s.as_u16());
            let request_id = e.request_id().map(::std::borrow::ToOwned::to_owned);
            let retryable = e.is_retryable();
            #tr::Error::new(e).with_status(status).with_request_id(request_id).with_retryable(retryable)
        }

        /// The common message, its fields moved out of the vendor's; the page then keeps what
        /// is left of the vendor's message as its `raw`.
        fn message(m: &mut #item) -> #tr::Message {
            let id = id(m).unwrap_or_default();
            let role = role(m).unwrap_or_else(|| #tr::Role::Other(::std::string::String::new()));
            #build
        }

        #(#fns)*
    })
}

fn take() -> TokenStream {
    quote!(::std::option::Option::Some(::std::mem::take(v)))
}

/// `let v = &mut m.a; let v = v.as_mut()?; ...`: from `root` through `steps`, `v` ends at the field.
fn walk(root: TokenStream, steps: &[Step]) -> TokenStream {
    let mut out = TokenStream::new();
    let mut from = root;
    for step in steps {
        let field = ident(&step.ident);
        out.extend(quote!(let v = &mut #from.#field;));
        if step.optional {
            out.extend(quote!(let v = v.as_mut()?;));
        }
        if step.double {
            out.extend(quote!(let v = v.as_mut()?;));
        }
        from = quote!(v);
    }
    if steps.is_empty() {
        out.extend(quote!(let v = #from;));
    }
    out
}

/// `fn name(m: &mut Item) -> Option<Out> { walk; leaf }`.
fn getter(name: &TokenStream, item: &TokenStream, steps: &[Step], out: &TokenStream, leaf: &TokenStream) -> TokenStream {
    let walk = walk(quote!(m), steps);
    quote! {
        fn #name(m: &mut #item) -> ::std::option::Option<#out> {
            #walk
            #leaf
        }
    }
}

fn role_getter(item: &TokenStream, role: &RoleMapping) -> TokenStream {
    let arms = role.map.iter().map(|(wire, common)| {
        let wire = Literal::string(wire);
        let common = common_role(common);
        quote!(#wire => #common,)
    });
    let leaf = if role.map.is_empty() {
        quote!(::std::option::Option::Some(::conversation_transcript::Role::parse(v.as_str())))
    } else {
        quote! {
            ::std::option::Option::Some(match v.as_str() {
                #(#arms)*
                other => ::conversation_transcript::Role::parse(other),
            })
        }
    };
    getter(&quote!(role), item, &role.steps, &quote!(::conversation_transcript::Role), &leaf)
}

fn common_role(name: &str) -> TokenStream {
    match name {
        "user" => quote!(::conversation_transcript::Role::User),
        "assistant" => quote!(::conversation_transcript::Role::Assistant),
        "system" => quote!(::conversation_transcript::Role::System),
        "tool" => quote!(::conversation_transcript::Role::Tool),
        other => {
            let other = Literal::string(other);
            quote!(::conversation_transcript::Role::Other(::std::string::String::from(#other)))
        }
    }
}

fn text_getter(name: &TokenStream, item: &TokenStream, source: &TextSource) -> TokenStream {
    let string = quote!(::std::string::String);
    match source {
        TextSource::Str(steps) => getter(name, item, steps, &string, &take()),
        TextSource::OneOf { steps, ty } => {
            let f = one_of_fn_name(ty);
            getter(name, item, steps, &string, &quote!(#f(v)))
        }
    }
}

fn one_of_fn_name(ty: &str) -> proc_macro2::Ident {
    format_ident!("text_of_{}", heck::ToSnakeCase::to_snake_case(ty))
}

/// `fn text_of_content(v: &mut Content) -> Option<String>`: the text of whichever variant it is.
fn one_of_fn(one_of: &OneOfText) -> TokenStream {
    let name = one_of_fn_name(&one_of.ty);
    let ty = ty_tokens(&crate::model::Ty::Named(one_of.ty.clone()), true);
    let arms = one_of.variants.iter().filter_map(|(variant, steps)| {
        let variant = ident(variant);
        let steps = steps.as_ref()?;
        let walk = walk(quote!(v), steps);
        let take = take();
        Some(quote!(#ty::#variant(v) => { #walk #take }))
    });
    quote! {
        fn #name(v: &mut #ty) -> ::std::option::Option<::std::string::String> {
            match v {
                #(#arms)*
                _ => ::std::option::Option::None,
            }
        }
    }
}

fn citation_fns(item: &TokenStream, c: &CitationMapping) -> TokenStream {
    let tr = quote!(::conversation_transcript);
    let citation_ty = ty_tokens(&crate::model::Ty::Named(c.item_ty.clone()), true);
    let list = getter(
        &quote!(citations),
        item,
        &c.steps,
        &quote!(::std::vec::Vec<#tr::Citation>),
        &quote!(::std::option::Option::Some(v.iter_mut().map(citation).collect())),
    );
    let mut fns = vec![list];
    let mut sets = Vec::new();
    if let Some((steps, unsigned)) = &c.offset {
        let leaf = if *unsigned { quote!(::std::option::Option::Some(*v)) } else { quote!(u64::try_from(*v).ok()) };
        fns.push(getter(&quote!(citation_offset), &citation_ty, steps, &quote!(u64), &leaf));
        sets.push(quote!(citation.offset = citation_offset(c);));
    }
    for (part, source) in [("url", &c.url), ("title", &c.title), ("text", &c.text)] {
        let Some(source) = source else { continue };
        let f = format_ident!("citation_{part}");
        let field = format_ident!("{part}");
        fns.push(text_getter(&quote!(#f), &citation_ty, source));
        sets.push(quote!(citation.#field = #f(c);));
    }
    quote! {
        fn citation(c: &mut #citation_ty) -> #tr::Citation {
            let mut citation = #tr::Citation::new();
            #(#sets)*
            citation
        }
        #(#fns)*
    }
}
