//! The `types` module: one Rust type per named type of the model.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc_attrs, ident, ty_tokens, unraw};
use crate::model::{AnyOf, EnumValue, Field, IntEnumValue, OneOf, Tagging, Ty, TypeDef, TypeKind};

pub fn types_module(types: &[TypeDef], request_only: &BTreeSet<String>) -> TokenStream {
    let inner = types_inner_attrs();
    let items = types_items(types, request_only);
    quote! {
        #inner
        #(#items)*
    }
}

/// The `types` module's own attributes.
pub fn types_inner_attrs() -> TokenStream {
    quote!(#![doc = " The types of the API's requests and responses."])
}

/// The `types` module's items, one type (with its impls) at a time, so a large
/// spec is formatted piece by piece instead of as one syntax tree.
/// The types in `request_only` get no `Deserialize` (see `Api::request_only`).
pub fn types_items<'a>(types: &'a [TypeDef], request_only: &'a BTreeSet<String>) -> impl Iterator<Item = TokenStream> + 'a {
    let kinds: HashMap<&str, &TypeKind> = types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    types.iter().map(move |t| type_def(t, &kinds, !request_only.contains(&t.name)))
}

fn type_def(def: &TypeDef, kinds: &HashMap<&str, &TypeKind>, decode: bool) -> TokenStream {
    let doc = doc_attrs(def.doc.as_deref());
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(fields) => struct_def(&doc, &name, fields, decode),
        TypeKind::StringEnum(values) => string_enum(&doc, &name, values, decode),
        TypeKind::IntEnum(values) => int_enum(&doc, &name, values, decode),
        TypeKind::OneOf(one_of) => one_of_def(&doc, &name, one_of, kinds, decode),
        TypeKind::AnyOf(any_of) => any_of_def(&doc, &name, any_of, kinds, decode),
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(ty, false);
            quote! { #doc pub type #name = #ty; }
        }
    }
}

/// The Rust type of a struct field: its type, boxed, in one `Option` or two.
fn field_ty(f: &Field) -> TokenStream {
    let mut ty = ty_tokens(&f.ty, false);
    if f.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if f.is_option() {
        ty = quote!(::std::option::Option<#ty>);
    }
    if f.is_double_option() {
        ty = quote!(::std::option::Option<#ty>);
    }
    ty
}

fn struct_def(doc: &TokenStream, name: &proc_macro2::Ident, fields: &[Field], decode: bool) -> TokenStream {
    // A map of the other properties is flattened in, which the runtime's helpers do not do:
    // such a struct keeps serde's derives and their field attributes.
    if fields.iter().any(|f| f.flatten) {
        return derived_struct(doc, name, fields, decode);
    }
    let decode_impls = decode.then(|| decode_struct(name, fields));
    let encode_impl = encode_struct(name, fields);
    let fields = fields.iter().map(|f| {
        let doc = doc_attrs(f.doc.as_deref());
        let field = ident(&f.ident);
        let ty = field_ty(f);
        quote! { #doc pub #field: #ty, }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name { #(#fields)* }
        #encode_impl
        #decode_impls
    }
}

/// A struct with serde's derives, for the shapes the runtime's helpers do not cover.
fn derived_struct(doc: &TokenStream, name: &proc_macro2::Ident, fields: &[Field], decode: bool) -> TokenStream {
    let fields = fields.iter().map(|f| {
        let doc = doc_attrs(f.doc.as_deref());
        let field = ident(&f.ident);
        let ty = field_ty(f);
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
/// formats that prefix a map with its length rely on.
fn encode_struct(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let name_text = Literal::string(&name.to_string());
    // The required fields' count, plus one for each optional field that is there: one
    // statement a field, so that each is a line of its own, whatever the field's name.
    let required = Literal::usize_unsuffixed(fields.iter().filter(|f| f.required).count());
    let optional: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !f.required)
        .map(|f| {
            let field = ident(&f.ident);
            quote!(len += usize::from(self.#field.is_some());)
        })
        .collect();
    let len = if optional.is_empty() {
        quote!(#required)
    } else {
        quote!(len)
    };
    let count = (!optional.is_empty()).then(|| quote!(let mut len = #required; #(#optional)*));
    let writes = fields.iter().map(|f| {
        let field = ident(&f.ident);
        let wire = Literal::string(&f.wire);
        if f.required {
            quote!(::client_runtime::encode::required_field(&mut state, #wire, &self.#field)?;)
        } else if f.is_double_option() {
            quote!(::client_runtime::encode::present_field(&mut state, #wire, &self.#field)?;)
        } else {
            quote!(::client_runtime::encode::optional_field(&mut state, #wire, &self.#field)?;)
        }
    });
    let state = if fields.is_empty() { quote!(state) } else { quote!(mut state) };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #count
                let #state = ::serde::Serializer::serialize_struct(serializer, #name_text, #len)?;
                #(#writes)*
                ::serde::ser::SerializeStruct::end(state)
            }
        }
    }
}

/// `Deserialize` through the runtime's `deserialize_struct`: the struct says
/// only its wire names, how each value decodes into its slot, and how the slots
/// make the struct; the key loop and the checks are the runtime's, written once,
/// instead of about 300 lines of serde derive per struct.
///
/// A slot is the field's own `Option` where the field is one (absent stays
/// `None`; for a double option, a present `null` is `Some(None)`), and an
/// `Option` around the field's type where the field is required.
fn decode_struct(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let name_text = Literal::string(&name.to_string());
    let wires = fields.iter().map(|f| Literal::string(&f.wire));
    let slots = fields.iter().map(|f| {
        let ty = field_ty(f);
        if f.is_option() {
            ty
        } else {
            quote!(::std::option::Option<#ty>)
        }
    });
    let empties = fields.iter().map(|_| quote!(::std::option::Option::None));
    let store = |(i, f): (usize, &Field)| {
        let slot = syn::Index::from(i);
        if f.is_option() && !f.is_double_option() {
            quote!(partial.#slot = map.next_value()?)
        } else {
            quote!(partial.#slot = ::std::option::Option::Some(map.next_value()?))
        }
    };
    let field_fn = match fields {
        [] => quote! {
            fn field<'de, A: ::serde::de::MapAccess<'de>>(_: &mut Self::Partial, _: usize, _: &mut A) -> ::std::result::Result<(), A::Error> {
                ::std::result::Result::Ok(())
            }
        },
        [only] => {
            let store = store((0, only));
            quote! {
                #[inline]
                fn field<'de, A: ::serde::de::MapAccess<'de>>(partial: &mut Self::Partial, _: usize, map: &mut A) -> ::std::result::Result<(), A::Error> {
                    #store;
                    ::std::result::Result::Ok(())
                }
            }
        }
        [rest @ .., last] => {
            let arms = rest.iter().enumerate().map(|(i, f)| {
                let index = Literal::usize_unsuffixed(i);
                let store = store((i, f));
                quote!(#index => #store,)
            });
            let last = store((rest.len(), last));
            quote! {
                #[inline]
                fn field<'de, A: ::serde::de::MapAccess<'de>>(partial: &mut Self::Partial, index: usize, map: &mut A) -> ::std::result::Result<(), A::Error> {
                    match index {
                        #(#arms)*
                        _ => #last,
                    }
                    ::std::result::Result::Ok(())
                }
            }
        }
    };
    let assembled = fields.iter().enumerate().map(|(i, f)| {
        let field = ident(&f.ident);
        let slot = syn::Index::from(i);
        if f.is_option() {
            quote!(#field: partial.#slot,)
        } else {
            let wire = Literal::string(&f.wire);
            quote!(#field: ::client_runtime::encode::required(partial.#slot, #wire)?,)
        }
    });
    let partial = if fields.is_empty() { quote!(_) } else { quote!(partial) };
    quote! {
        impl ::client_runtime::encode::DecodeStruct for #name {
            const NAME: &'static str = #name_text;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];
            type Partial = (#(#slots,)*);

            const EMPTY: Self::Partial = (#(#empties,)*);
            #field_fn
            #[inline(always)]
            fn finish<E: ::serde::de::Error>(#partial: Self::Partial) -> ::std::result::Result<Self, E> {
                ::std::result::Result::Ok(Self { #(#assembled)* })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::client_runtime::encode::deserialize_struct(deserializer)
            }
        }
    }
}

fn string_enum(doc: &TokenStream, name: &proc_macro2::Ident, values: &[EnumValue], decode: bool) -> TokenStream {
    let variants = values.iter().map(|v| {
        let variant = ident(&v.ident);
        let shown = super::sanitize_doc(&v.wire).replace('`', "'").replace('\n', " ");
        let doc = Literal::string(&if shown.is_empty() { " The empty string.".to_owned() } else { format!(" `{shown}`") });
        quote! { #[doc = #doc] #variant, }
    });
    let to_wire = values.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = Literal::string(&v.wire);
        quote! { Self::#variant => #wire, }
    });
    let from_wire = values.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = Literal::string(&v.wire);
        quote! { #wire => Self::#variant, }
    });
    let deserialize = decode.then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    ::client_runtime::encode::deserialize_str_enum(deserializer, |value| Self::from(value))
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know yet, kept as sent.
            Unknown(::std::string::String),
        }

        impl #name {
            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(value) => value,
                }
            }

            /// Whether this is a value this client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #deserialize
    }
}

fn int_enum(doc: &TokenStream, name: &proc_macro2::Ident, values: &[IntEnumValue], decode: bool) -> TokenStream {
    let variants = values.iter().map(|v| {
        let variant = ident(&v.ident);
        let doc = Literal::string(&format!(" `{}`", v.value));
        quote! { #[doc = #doc] #variant, }
    });
    let to_value = values.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = Literal::i64_unsuffixed(v.value);
        quote! { Self::#variant => #value, }
    });
    let from_value = values.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = Literal::i64_unsuffixed(v.value);
        quote! { #value => Self::#variant, }
    });
    let deserialize = decode.then(|| {
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know yet, kept as sent.
            Unknown(i64),
        }

        impl #name {
            /// The value as it goes on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_value)*
                    Self::Unknown(value) => *value,
                }
            }

            /// Whether this is a value this client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_value)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl ::std::convert::From<#name> for i64 {
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        #deserialize
    }
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
