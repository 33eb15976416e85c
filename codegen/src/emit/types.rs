//! The `types` module: one Rust type per named type of the model.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::text::{self, Src};
use super::{doc_attrs, ident, ty_tokens, unraw};
use crate::format::Piece;
use crate::model::{AnyOf, EnumValue, Field, IntEnumValue, OneOf, Tagging, Ty, TypeDef, TypeKind};

/// The `types` module's items, one type (with its impls) at a time, so a large
/// spec is formatted piece by piece instead of as one syntax tree, `depth`
/// modules deep (0 for `src/types.rs`), its inner doc first.
/// The types in `request_only` get no `Deserialize` (see `Api::request_only`).
pub fn types_items<'a>(types: &'a [TypeDef], request_only: &'a BTreeSet<String>, depth: usize) -> impl Iterator<Item = Piece> + 'a {
    let kinds: HashMap<&str, &TypeKind> = types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    let mut inner = Src::new(depth);
    inner.line(0, &["//! The types of the API's requests and responses."]);
    inner.finish().into_iter().chain(types.iter().flat_map(move |t| type_def(t, &kinds, !request_only.contains(&t.name), depth)))
}

fn type_def(def: &TypeDef, kinds: &HashMap<&str, &TypeKind>, decode: bool, depth: usize) -> Vec<Piece> {
    let mut src = Src::new(depth);
    src.doc(0, def.doc.as_deref());
    let name = text::ident(&def.name);
    match &def.kind {
        // A map of the other properties is flattened in, which the runtime's helpers do not
        // do: such a struct keeps serde's derives and their field attributes.
        TypeKind::Struct(fields) if fields.iter().any(|f| f.flatten) => return tokens(derived_struct(def, fields, decode), depth),
        TypeKind::Struct(fields) => {
            struct_def(&mut src, name, fields);
            src.part(0, |src| encode_struct(src, name, fields));
            if decode {
                src.part(0, |src| decode_struct(src, name, fields));
            }
        }
        TypeKind::StringEnum(values) => string_enum(&mut src, name, values, decode),
        TypeKind::IntEnum(values) => int_enum(&mut src, name, values, decode),
        TypeKind::Alias(ty) => src.ty_line(0, &format!("pub type {name} = "), &text::ty(ty, false), ";", 1),
        TypeKind::OneOf(one_of) => return tokens(one_of_def(&doc_attrs(def.doc.as_deref()), &ident(&def.name), one_of, kinds, decode), depth),
        TypeKind::AnyOf(any_of) => return tokens(any_of_def(&doc_attrs(def.doc.as_deref()), &ident(&def.name), any_of, kinds, decode), depth),
    }
    src.finish()
}

fn tokens(tokens: TokenStream, depth: usize) -> Vec<Piece> {
    vec![Piece::Tokens { tokens, depth }]
}

/// The Rust type of a struct field: its type, boxed, in one `Option` or two.
fn field_ty(f: &Field) -> String {
    let mut ty = text::ty(&f.ty, false);
    if f.boxed {
        ty = format!("::std::boxed::Box<{ty}>");
    }
    if f.is_option() {
        ty = format!("::std::option::Option<{ty}>");
    }
    if f.is_double_option() {
        ty = format!("::std::option::Option<{ty}>");
    }
    ty
}

fn struct_def(src: &mut Src, name: &str, fields: &[Field]) {
    src.line(0, &["#[derive(Debug, Clone, PartialEq)]"]);
    if fields.is_empty() {
        src.line(0, &["pub struct ", name, " {}"]);
        return;
    }
    src.line(0, &["pub struct ", name, " {"]);
    for f in fields {
        src.doc(1, f.doc.as_deref());
        src.ty_line(1, &format!("pub {}: ", text::ident(&f.ident)), &field_ty(f), ",", 1);
    }
    src.line(0, &["}"]);
}

/// A struct with serde's derives, for the shapes the runtime's helpers do not cover.
fn derived_struct(def: &TypeDef, fields: &[Field], decode: bool) -> TokenStream {
    let doc = doc_attrs(def.doc.as_deref());
    let name = ident(&def.name);
    let fields = fields.iter().map(|f| {
        let doc = doc_attrs(f.doc.as_deref());
        let field = ident(&f.ident);
        let ty = super::type_tokens(&field_ty(f));
        let rename = (unraw(&f.ident) != f.wire).then(|| {
            let wire = Literal::string(&f.wire);
            quote!(#[serde(rename = #wire)])
        });
        if f.flatten {
            return quote! { #doc #[serde(flatten)] pub #field: #ty, };
        }
        let optional = match (f.required, f.nullable) {
            (true, _) => None,
            (false, false) => Some(quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")])),
            (false, true) => Some(quote! {
                #[serde(
                    default,
                    skip_serializing_if = "::std::option::Option::is_none",
                    with = "::client_runtime::encode::double_option"
                )]
            }),
        };
        quote! { #doc #rename #optional pub #field: #ty, }
    });
    let deserialize = decode.then(|| quote!(, ::serde::Deserialize));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize #deserialize)]
        pub struct #name { #(#fields)* }
    }
}

/// `Serialize` written out, as serde's derive would write it with the field
/// attributes above (an optional field skipped when absent; for a double option,
/// a present `null` written as `null`), in a third of the derive's lines. The
/// length given to `serialize_struct` is the number of fields written, which
/// formats that prefix a map with its length rely on: the required fields' count,
/// plus one for each optional field that is there, a statement (a line) each.
fn encode_struct(src: &mut Src, name: &str, fields: &[Field]) {
    src.impl_head("impl ::serde::Serialize", name);
    src.signature(1, "fn serialize<S: ::serde::Serializer>(", &["&self", "serializer: S"], "::std::result::Result<S::Ok, S::Error>");
    let required = fields.iter().filter(|f| f.required).count().to_string();
    let mut len = required.as_str();
    if fields.iter().any(|f| !f.required) {
        src.line(2, &["let mut len = ", &required, ";"]);
        for f in fields.iter().filter(|f| !f.required) {
            src.line(2, &["len += usize::from(self.", text::ident(&f.ident), ".is_some());"]);
        }
        len = "len";
    }
    let state = if fields.is_empty() { "let state = ::serde::Serializer::serialize_struct(" } else { "let mut state = ::serde::Serializer::serialize_struct(" };
    src.list(2, state, &["serializer", &text::string(name), len], ")?;");
    for f in fields {
        let write = if f.required {
            "::client_runtime::encode::required_field("
        } else if f.is_double_option() {
            "::client_runtime::encode::present_field("
        } else {
            "::client_runtime::encode::optional_field("
        };
        src.list(2, write, &["&mut state", &text::string(&f.wire), &format!("&self.{}", text::ident(&f.ident))], ")?;");
    }
    src.line(2, &["::serde::ser::SerializeStruct::end(state)"]);
    src.line(1, &["}"]);
    src.line(0, &["}"]);
}

/// `Deserialize` through the runtime's `deserialize_struct`: the struct says
/// only its wire names, how each value decodes into its slot, and how the slots
/// make the struct; the key loop and the checks are the runtime's, written once,
/// instead of about 300 lines of serde derive per struct.
///
/// A slot is the field's own `Option` where the field is one (absent stays
/// `None`; for a double option, a present `null` is `Some(None)`), and an
/// `Option` around the field's type where the field is required.
fn decode_struct(src: &mut Src, name: &str, fields: &[Field]) {
    src.impl_head("impl ::client_runtime::encode::DecodeStruct", name);
    src.line(1, &["const NAME: &'static str = ", &text::string(name), ";"]);
    let wires: Vec<String> = fields.iter().map(|f| text::string(&f.wire)).collect();
    tuple_or_list(src, "const FIELDS: &'static [&'static str] = &[", &wires, "];", false);
    let slots: Vec<String> = fields
        .iter()
        .map(|f| if f.is_option() { field_ty(f) } else { format!("::std::option::Option<{}>", field_ty(f)) })
        .collect();
    src.tuple_ty(1, "type Partial = (", &slots, ");");
    let empties = vec!["::std::option::Option::None".to_owned(); fields.len()];
    tuple_or_list(src, "const EMPTY: Self::Partial = (", &empties, ");", true);
    let store = |i: usize, f: &Field| {
        if f.is_option() && !f.is_double_option() {
            format!("partial.{i} = map.next_value()?")
        } else {
            format!("partial.{i} = ::std::option::Option::Some(map.next_value()?)")
        }
    };
    let field_fn = "fn field<'de, A: ::serde::de::MapAccess<'de>>(";
    let field_ret = "::std::result::Result<(), A::Error>";
    match fields {
        [] => src.signature(1, field_fn, &["_: &mut Self::Partial", "_: usize", "_: &mut A"], field_ret),
        [only] => {
            src.line(1, &["#[inline]"]);
            src.signature(1, field_fn, &["partial: &mut Self::Partial", "_: usize", "map: &mut A"], field_ret);
            src.line(2, &[&store(0, only), ";"]);
        }
        [rest @ .., last] => {
            src.line(1, &["#[inline]"]);
            src.signature(1, field_fn, &["partial: &mut Self::Partial", "index: usize", "map: &mut A"], field_ret);
            src.line(2, &["match index {"]);
            for (i, f) in rest.iter().enumerate() {
                src.line(3, &[&i.to_string(), " => ", &store(i, f), ","]);
            }
            src.line(3, &["_ => ", &store(rest.len(), last), ","]);
            src.line(2, &["}"]);
        }
    }
    src.line(2, &["::std::result::Result::Ok(())"]);
    src.line(1, &["}"]);
    src.line(1, &["#[inline(always)]"]);
    let partial = if fields.is_empty() { "_: Self::Partial" } else { "partial: Self::Partial" };
    src.signature(1, "fn finish<E: ::serde::de::Error>(", &[partial], "::std::result::Result<Self, E>");
    let assembled: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let field = text::ident(&f.ident);
            if f.is_option() {
                format!("{field}: partial.{i}")
            } else {
                format!("{field}: ::client_runtime::encode::required(partial.{i}, {})?", text::string(&f.wire))
            }
        })
        .collect();
    src.struct_literal(2, "::std::result::Result::Ok(", "Self", &assembled, ")");
    src.line(1, &["}"]);
    src.line(0, &["}"]);
    src.impl_head("impl<'de> ::serde::Deserialize<'de>", name);
    src.signature(1, "fn deserialize<D: ::serde::Deserializer<'de>>(", &["deserializer: D"], "::std::result::Result<Self, D::Error>");
    src.line(2, &["::client_runtime::encode::deserialize_struct(deserializer)"]);
    src.line(1, &["}"]);
    src.line(0, &["}"]);
}

/// A tuple (`tuple`: a one-element one keeps its comma) or a slice of `items`, at the item's first level.
fn tuple_or_list(src: &mut Src, head: &str, items: &[String], tail: &str, tuple: bool) {
    match items {
        [only] if tuple => src.one_tuple(1, head, only, tail),
        _ => src.list(1, head, &items.iter().map(String::as_str).collect::<Vec<_>>(), tail),
    }
}

fn string_enum(src: &mut Src, name: &str, values: &[EnumValue], decode: bool) {
    src.line(0, &["#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]"]);
    src.line(0, &["pub enum ", name, " {"]);
    for v in values {
        let shown = super::sanitize_doc(&v.wire).replace('`', "'").replace('\n', " ");
        if shown.is_empty() {
            src.doc_line(1, "The empty string.");
        } else {
            src.doc_line(1, &format!("`{shown}`"));
        }
        src.whole_line(1, &[text::ident(&v.ident), ","]);
    }
    src.doc_line(1, "A value this client does not know yet, kept as sent.");
    src.line(1, &["Unknown(::std::string::String),"]);
    src.line(0, &["}"]);
    let wires: Vec<String> = values.iter().map(|v| text::string(&v.wire)).collect();
    src.part(0, |src| {
        src.whole_line(0, &["impl ", name, " {"]);
        src.doc_line(1, "The value as it goes on the wire.");
        src.line(1, &["pub fn as_str(&self) -> &str {"]);
        src.line(2, &["match self {"]);
        for (v, wire) in values.iter().zip(&wires) {
            src.arm(3, &format!("Self::{}", text::ident(&v.ident)), wire);
        }
        src.line(3, &["Self::Unknown(value) => value,"]);
        src.line(2, &["}"]);
        src.line(1, &["}"]);
        is_unknown(src);
        src.line(0, &["}"]);
    });
    src.part(0, |src| {
        src.impl_head("impl ::std::convert::From<&str>", name);
        src.line(1, &["fn from(value: &str) -> Self {"]);
        src.line(2, &["match value {"]);
        for (v, wire) in values.iter().zip(&wires) {
            src.arm(3, wire, &format!("Self::{}", text::ident(&v.ident)));
        }
        src.line(3, &["other => Self::Unknown(other.to_owned()),"]);
        src.line(2, &["}"]);
        src.line(1, &["}"]);
        src.line(0, &["}"]);
    });
    src.part(0, |src| display(src, name, "f.write_str(self.as_str())"));
    src.part(0, |src| serialize_as(src, name, "serializer.serialize_str(self.as_str())"));
    if decode {
        src.part(0, |src| {
            deserialize_as(src, name);
            src.line(2, &["::client_runtime::encode::deserialize_str_enum("]);
            src.line(3, &["deserializer,"]);
            src.line(3, &["|value| Self::from(value),"]);
            src.line(2, &[")"]);
            src.line(1, &["}"]);
            src.line(0, &["}"]);
        });
    }
}

fn int_enum(src: &mut Src, name: &str, values: &[IntEnumValue], decode: bool) {
    src.line(0, &["#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]"]);
    src.line(0, &["pub enum ", name, " {"]);
    for v in values {
        src.doc_line(1, &format!("`{}`", v.value));
        src.whole_line(1, &[text::ident(&v.ident), ","]);
    }
    src.doc_line(1, "A value this client does not know yet, kept as sent.");
    src.line(1, &["Unknown(i64),"]);
    src.line(0, &["}"]);
    let numbers: Vec<String> = values.iter().map(|v| Literal::i64_unsuffixed(v.value).to_string()).collect();
    src.part(0, |src| {
        src.whole_line(0, &["impl ", name, " {"]);
        src.doc_line(1, "The value as it goes on the wire.");
        src.line(1, &["pub fn value(&self) -> i64 {"]);
        src.line(2, &["match self {"]);
        for (v, number) in values.iter().zip(&numbers) {
            src.arm(3, &format!("Self::{}", text::ident(&v.ident)), number);
        }
        src.line(3, &["Self::Unknown(value) => *value,"]);
        src.line(2, &["}"]);
        src.line(1, &["}"]);
        is_unknown(src);
        src.line(0, &["}"]);
    });
    src.part(0, |src| {
        src.impl_head("impl ::std::convert::From<i64>", name);
        src.line(1, &["fn from(value: i64) -> Self {"]);
        src.line(2, &["match value {"]);
        for (v, number) in values.iter().zip(&numbers) {
            src.arm(3, number, &format!("Self::{}", text::ident(&v.ident)));
        }
        src.line(3, &["other => Self::Unknown(other),"]);
        src.line(2, &["}"]);
        src.line(1, &["}"]);
        src.line(0, &["}"]);
    });
    src.part(0, |src| {
        src.line(0, &["impl ::std::convert::From<", name, "> for i64 {"]);
        src.line(1, &["fn from(value: ", name, ") -> Self {"]);
        src.line(2, &["value.value()"]);
        src.line(1, &["}"]);
        src.line(0, &["}"]);
    });
    src.part(0, |src| display(src, name, "::std::fmt::Display::fmt(&self.value(), f)"));
    src.part(0, |src| serialize_as(src, name, "serializer.serialize_i64(self.value())"));
    if decode {
        src.part(0, |src| {
            deserialize_as(src, name);
            src.line(2, &["<i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)"]);
            src.line(1, &["}"]);
            src.line(0, &["}"]);
        });
    }
}

/// An open enum's `is_unknown`.
fn is_unknown(src: &mut Src) {
    src.doc_line(1, "Whether this is a value this client does not know.");
    src.line(1, &["pub fn is_unknown(&self) -> bool {"]);
    src.line(2, &["matches!(self, Self::Unknown(_))"]);
    src.line(1, &["}"]);
}

/// `impl Display for name` with `body`.
fn display(src: &mut Src, name: &str, body: &str) {
    src.impl_head("impl ::std::fmt::Display", name);
    src.line(1, &["fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {"]);
    src.line(2, &[body]);
    src.line(1, &["}"]);
    src.line(0, &["}"]);
}

/// `impl Serialize for name` with `body`.
fn serialize_as(src: &mut Src, name: &str, body: &str) {
    src.impl_head("impl ::serde::Serialize", name);
    src.signature(1, "fn serialize<S: ::serde::Serializer>(", &["&self", "serializer: S"], "::std::result::Result<S::Ok, S::Error>");
    src.line(2, &[body]);
    src.line(1, &["}"]);
    src.line(0, &["}"]);
}

/// The head of `impl Deserialize for name`, up to its body.
fn deserialize_as(src: &mut Src, name: &str) {
    src.impl_head("impl<'de> ::serde::Deserialize<'de>", name);
    src.signature(1, "fn deserialize<D: ::serde::Deserializer<'de>>(", &["deserializer: D"], "::std::result::Result<Self, D::Error>");
}

fn one_of_def(doc: &TokenStream, name: &proc_macro2::Ident, one_of: &OneOf, kinds: &HashMap<&str, &TypeKind>, decode: bool) -> TokenStream {
    let unknown = ident(&one_of.unknown);
    let variants = one_of.variants.iter().map(|v| {
        let doc = doc_attrs(v.doc.as_deref());
        let variant = ident(&v.ident);
        let mut ty = ty_tokens(&v.ty, false);
        if v.boxed {
            ty = quote!(::std::boxed::Box<#ty>);
        }
        quote! { #doc #variant(#ty), }
    });
    let untagged = matches!(one_of.tagging, Tagging::Untagged);
    let derive = if untagged {
        quote! {
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
            #[serde(untagged)]
        }
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    let (serialize, deserialize) = match &one_of.tagging {
        Tagging::External => external_impls(name, one_of),
        Tagging::Internal { property } => internal_impls(name, one_of, property),
        Tagging::Untagged => (TokenStream::new(), untagged_impl(name, one_of, kinds)),
    };
    let deserialize = decode.then_some(deserialize);
    let accessors = accessors(name, one_of);
    quote! {
        #doc
        #derive
        pub enum #name {
            #(#variants)*
            /// A variant this client does not know yet, kept as sent.
            #unknown(::serde_json::Value),
        }
        #serialize
        #deserialize
        #accessors
    }
}

/// `{"key": value}` objects: serialise through the runtime, deserialise by key
/// without buffering. Returns the `Serialize` and the `Deserialize` impl.
fn external_impls(name: &proc_macro2::Ident, one_of: &OneOf) -> (TokenStream, TokenStream) {
    let unknown = ident(&one_of.unknown);
    let keys = one_of.variants.iter().map(|v| Literal::string(&v.wire));
    let ser_arms = one_of.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let key = Literal::string(&v.wire);
        quote! { Self::#variant(value) => ::client_runtime::encode::serialize_tagged(serializer, #key, value), }
    });
    let decode = |v: &crate::model::Variant| {
        let variant = ident(&v.ident);
        if v.boxed {
            quote!(map.next_value().map(|v| Self::#variant(::std::boxed::Box::new(v))))
        } else {
            quote!(map.next_value().map(Self::#variant))
        }
    };
    // The last variant takes the `_` arm: the runtime only passes indices of `KEYS`.
    let (index, known) = match one_of.variants.split_last() {
        Some((last, [])) => (quote!(_), decode(last)),
        Some((last, rest)) => {
            let arms = rest.iter().enumerate().map(|(i, v)| {
                let i = Literal::usize_unsuffixed(i);
                let decode = decode(v);
                quote!(#i => #decode,)
            });
            let last = decode(last);
            (quote!(index), quote!(match index { #(#arms)* _ => #last, }))
        }
        // No keys, so never called.
        None => (quote!(_), quote!(map.next_value().map(Self::#unknown))),
    };
    let expecting = Literal::string(&format!("a `{name}` object"));
    let serialize = quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    Self::#unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }
    };
    // The decoding itself is the runtime's (`deserialize_tagged`): the first known key decides,
    // wherever it stands; an object with none is kept whole as the catch-all.
    let deserialize = quote! {
        impl ::client_runtime::encode::ExternallyTagged for #name {
            const EXPECTING: &'static str = #expecting;
            const KEYS: &'static [&'static str] = &[#(#keys),*];
            #[inline]
            fn known<'de, A: ::serde::de::MapAccess<'de>>(#index: usize, map: &mut A) -> ::std::result::Result<Self, A::Error> {
                #known
            }
            fn unknown(object: ::serde_json::Value) -> Self {
                Self::#unknown(object)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::client_runtime::encode::deserialize_tagged(deserializer)
            }
        }
    };
    (serialize, deserialize)
}

/// Untagged: each member is tried in order, and the first that takes the value
/// wins, with two guards serde's derived `untagged` lacks: a member is only
/// tried on the JSON kind it describes (serde's structs also take arrays), and a
/// member with a catch-all (an open enum, a discriminated union) only counts
/// when it knows the value.
fn untagged_impl(name: &proc_macro2::Ident, one_of: &OneOf, kinds: &HashMap<&str, &TypeKind>) -> TokenStream {
    let unknown = ident(&one_of.unknown);
    let attempts = one_of.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let wrap = if v.boxed { quote!(::std::boxed::Box::new(v)) } else { quote!(v) };
        member_attempt(&v.ty, kinds, quote!(return ::std::result::Result::Ok(Self::#variant(#wrap));))
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#attempts)*
                ::std::result::Result::Ok(Self::#unknown(value))
            }
        }
    }
}

/// Decodes `value` as a member of type `ty` and runs `accept` with it as `v`,
/// with two guards serde's derived `untagged` lacks: a member is only tried on
/// the JSON kind it describes (serde's structs also take arrays), and a member
/// with a catch-all (an open enum, a union) only counts when it knows the value.
fn member_attempt(ty: &Ty, kinds: &HashMap<&str, &TypeKind>, accept: TokenStream) -> TokenStream {
    let rust_ty = ty_tokens(ty, false);
    let named = match ty {
        Ty::Named(n) => kinds.get(n.as_str()).copied(),
        _ => None,
    };
    let accept = match named {
        Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_) | TypeKind::OneOf(_) | TypeKind::AnyOf(_)) => quote!(if !v.is_unknown() { #accept }),
        _ => accept,
    };
    let attempt = quote! {
        if let ::std::result::Result::Ok(v) = <#rust_ty as ::serde::Deserialize>::deserialize(&value) {
            #accept
        }
    };
    let guard = match (ty, named) {
        (_, Some(TypeKind::Struct(_))) | (Ty::Map(_), _) => Some(quote!(value.is_object())),
        (Ty::Vec(_), _) => Some(quote!(value.is_array())),
        (Ty::String | Ty::DateTime | Ty::Date, _) => Some(quote!(value.is_string())),
        (Ty::Bool, _) => Some(quote!(value.is_boolean())),
        (Ty::I32 | Ty::I64 | Ty::U64 | Ty::F32 | Ty::F64, _) => Some(quote!(value.is_number())),
        _ => None,
    };
    match guard {
        Some(guard) => quote!(if #guard { #attempt }),
        None => attempt,
    }
}

/// An `anyOf` as a struct: every member the value decodes as is kept (tried as
/// untagged members are, see [`member_attempt`]); encoding merges the members'
/// objects (the first member's value of a key wins), or, when they are not
/// objects, writes the first. A value no member takes is kept whole.
fn any_of_def(doc: &TokenStream, name: &proc_macro2::Ident, any_of: &AnyOf, kinds: &HashMap<&str, &TypeKind>, decode: bool) -> TokenStream {
    let unknown = ident(&any_of.unknown);
    let fields = any_of.members.iter().map(|f| {
        let doc = doc_attrs(f.doc.as_deref());
        let field = ident(&f.ident);
        let mut ty = ty_tokens(&f.ty, false);
        if f.boxed {
            ty = quote!(::std::boxed::Box<#ty>);
        }
        quote! { #doc pub #field: ::std::option::Option<#ty>, }
    });
    let attempts = any_of.members.iter().map(|f| {
        let field = ident(&f.ident);
        let wrap = if f.boxed { quote!(::std::boxed::Box::new(v)) } else { quote!(v) };
        member_attempt(&f.ty, kinds, quote! { out.#field = ::std::option::Option::Some(#wrap); matched = true; })
    });
    let parts = any_of.members.iter().map(|f| {
        let field = ident(&f.ident);
        quote! {
            if let ::std::option::Option::Some(member) = &self.#field {
                parts.push(::serde_json::to_value(member).map_err(::serde::ser::Error::custom)?);
            }
        }
    });
    let deserialize = decode.then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                    let mut out = Self::default();
                    let mut matched = false;
                    #(#attempts)*
                    if !matched {
                        out.#unknown = ::std::option::Option::Some(value);
                    }
                    ::std::result::Result::Ok(out)
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
            /// The value as it came, when no member takes it.
            pub #unknown: ::std::option::Option<::serde_json::Value>,
        }

        impl #name {
            /// Whether no member this client knows takes the value.
            pub fn is_unknown(&self) -> bool {
                self.#unknown.is_some()
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let mut parts = ::std::vec::Vec::new();
                #(#parts)*
                if let ::std::option::Option::Some(value) = &self.#unknown {
                    parts.push(value.clone());
                }
                ::serde::Serialize::serialize(&::client_runtime::encode::merge_any_of(parts), serializer)
            }
        }

        #deserialize
    }
}

/// A discriminator property names the variant; the variants carry it themselves.
/// Returns the `Serialize` and the `Deserialize` impl.
fn internal_impls(name: &proc_macro2::Ident, one_of: &OneOf, property: &str) -> (TokenStream, TokenStream) {
    let unknown = ident(&one_of.unknown);
    let property = Literal::string(property);
    let ser_arms = one_of.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        quote! { Self::#variant(value) => ::serde::Serialize::serialize(value, serializer), }
    });
    let de_arms = one_of.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = Literal::string(&v.wire);
        let wrap = if v.boxed { quote!(|v| Self::#variant(::std::boxed::Box::new(v))) } else { quote!(Self::#variant) };
        quote! { ::std::option::Option::Some(#wire) => ::serde_json::from_value(value).map(#wrap), }
    });
    let serialize = quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    Self::#unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }
    };
    let deserialize = quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let decoded = match value.get(#property).and_then(::serde_json::Value::as_str) {
                    #(#de_arms)*
                    _ => return Ok(Self::#unknown(value)),
                };
                decoded.map_err(::serde::de::Error::custom)
            }
        }
    };
    (serialize, deserialize)
}

/// `fn text(&self) -> Option<&str>` for each string field every variant holds.
fn accessors(name: &proc_macro2::Ident, one_of: &OneOf) -> TokenStream {
    let unknown = ident(&one_of.unknown);
    let methods = one_of.common_str_fields.iter().map(|field| {
        let method = ident(field);
        let doc = Literal::string(&format!(
            " The `{}` every known variant holds; `None` for a variant this client does not know.",
            unraw(field)
        ));
        let arms = one_of.variants.iter().map(|v| {
            let variant = ident(&v.ident);
            quote! { Self::#variant(value) => ::std::option::Option::Some(&value.#method), }
        });
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#arms)*
                    Self::#unknown(_) => ::std::option::Option::None,
                }
            }
        }
    });
    quote! {
        impl #name {
            /// Whether this is a variant this client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::#unknown(_))
            }

            #(#methods)*
        }
    }
}
