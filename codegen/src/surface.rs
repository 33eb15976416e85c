//! The public API of a generated crate, as plain data, and what changed between two
//! of them in semver terms: what `cargo xtask gen` reports when a spec edit changes a
//! crate users depend on.
//!
//! Computed from the model, never from the emitted text, so formatting and docs are not
//! changes and every change is named by what a user writes: a type, a field, a variant,
//! a method, a parameter.
//!
//! Whether an addition breaks users depends on how they use the item. Generated structs
//! and enums are not `#[non_exhaustive]`, so:
//! - a field added to a struct users *build* (reachable from a request parameter or body)
//!   breaks their struct literals; added to a struct they only *read* (reachable only from
//!   responses), it is additive, on the assumption that response types are read, not built;
//! - a variant added to an enum users *receive* breaks their exhaustive `match`es; added to
//!   an enum they only send, it is additive;
//! - a required parameter changes the method's signature; an optional one is a new setter;
//! - anything removed, or whose type changed, breaks.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::model::{Api, Auth, Success, Ty, TypeDef, TypeKind};

/// Every public item of a generated crate, by a key naming it as a user does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiSurface {
    pub items: BTreeMap<String, Item>,
}

/// One public item: what kind it is, its signature (types as Rust spells them) and how users meet it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: ItemKind,
    pub signature: String,
    pub usage: Usage,
    /// The key of the type or method this is a member of: a member of an added or removed
    /// owner is not a change of its own.
    pub owner: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    Type,
    Field,
    Variant,
    Method,
    /// A required parameter: an argument of the method.
    Argument,
    /// An optional parameter: a setter of the request builder.
    Setter,
    /// A value `Client::builder` requires (the token, a required header).
    ClientArgument,
}

/// How users meet a type (or a member of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// Only in responses: users read it.
    Read,
    /// Only in requests: users build it.
    Built,
    /// In both, or in neither (an unused component schema, which users may do either with).
    Both,
    /// Not a type member (a method, an argument).
    Call,
}

/// One difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub what: String,
    pub breaking: bool,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.what, if self.breaking { "breaking" } else { "additive" })
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ItemKind::Type => "type",
            ItemKind::Field => "field",
            ItemKind::Variant => "variant",
            ItemKind::Method => "method",
            ItemKind::Argument => "required argument",
            ItemKind::Setter => "optional setter",
            ItemKind::ClientArgument => "Client::builder argument",
        })
    }
}

/// The public API of the crate emitted from `api`.
pub fn api_surface(api: &Api) -> ApiSurface {
    let built = reachable(api, api.operations.iter().flat_map(|op| op.params.iter().map(|p| &p.ty)));
    let read = reachable(
        api,
        api.operations
            .iter()
            .filter_map(|op| match &op.success {
                Success::Json(ty) => Some(ty),
                _ => None,
            })
            .chain(api.error_enums.iter().flat_map(|e| e.variants.iter().map(|v| &v.ty))),
    );
    let mut items = BTreeMap::new();
    let mut add = |key: String, kind: ItemKind, signature: String, usage: Usage, owner: Option<&str>| {
        items.insert(key, Item { kind, signature, usage, owner: owner.map(str::to_owned) });
    };

    if let Auth::Bearer { .. } = api.auth {
        add("Client::builder(token)".into(), ItemKind::ClientArgument, "impl Into<String>".into(), Usage::Call, None);
    }
    for header in &api.client_headers {
        add(format!("Client::builder({})", header.ident), ItemKind::ClientArgument, "impl Into<String>".into(), Usage::Call, None);
    }
    for t in &api.types {
        let usage = match (built.contains(t.name.as_str()), read.contains(t.name.as_str())) {
            (true, false) => Usage::Built,
            (false, true) => Usage::Read,
            _ => Usage::Both,
        };
        add(t.name.clone(), ItemKind::Type, type_kind(t), usage, None);
        let owner = Some(t.name.as_str());
        match &t.kind {
            TypeKind::Struct(fields) => {
                for f in fields {
                    let mut ty = ty_text(&f.ty);
                    if f.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    if f.is_double_option() {
                        ty = format!("Option<Option<{ty}>>");
                    } else if f.is_option() {
                        ty = format!("Option<{ty}>");
                    }
                    add(format!("{}.{}", t.name, f.ident), ItemKind::Field, ty, usage, owner);
                }
            }
            TypeKind::StringEnum(values) => {
                for v in values {
                    add(format!("{}::{}", t.name, v.ident), ItemKind::Variant, format!("{:?}", v.wire), usage, owner);
                }
            }
            TypeKind::OneOf(one_of) => {
                for v in &one_of.variants {
                    add(format!("{}::{}", t.name, v.ident), ItemKind::Variant, ty_text(&v.ty), usage, owner);
                }
            }
            TypeKind::IntEnum(values) => {
                for v in values {
                    add(format!("{}::{}", t.name, v.ident), ItemKind::Variant, v.value.to_string(), usage, owner);
                }
            }
            TypeKind::AnyOf(any_of) => {
                for f in &any_of.members {
                    add(format!("{}.{}", t.name, f.ident), ItemKind::Field, format!("Option<{}>", ty_text(&f.ty)), usage, owner);
                }
            }
            TypeKind::Alias(_) => {}
        }
    }
    for e in &api.error_enums {
        add(e.name.clone(), ItemKind::Type, "error enum".into(), Usage::Read, None);
        for v in &e.variants {
            add(format!("{}::{}", e.name, v.variant), ItemKind::Variant, ty_text(&v.ty), Usage::Read, Some(&e.name));
        }
    }
    for op in &api.operations {
        let ok = match &op.success {
            Success::Json(ty) => ty_text(ty),
            Success::Bytes => "Vec<u8>".into(),
            Success::Empty => "()".into(),
        };
        let err = op.error_enum.as_deref().unwrap_or("NoErrorBody");
        let method = format!("Client::{}()", op.ident);
        add(method.clone(), ItemKind::Method, format!("Result<{ok}, Error<{err}>>"), Usage::Call, None);
        let owner = Some(method.as_str());
        if let Some(p) = &op.pagination {
            add(format!("{method}.items()"), ItemKind::Method, format!("Stream<Item = {}>", ty_text(&p.item_ty)), Usage::Call, owner);
        }
        for p in &op.params {
            let kind = if p.required { ItemKind::Argument } else { ItemKind::Setter };
            add(format!("Client::{}({})", op.ident, p.ident), kind, ty_text(&p.ty), Usage::Call, owner);
        }
    }
    ApiSurface { items }
}

/// What changed from `before` to `after`, in key order.
pub fn diff(before: &ApiSurface, after: &ApiSurface) -> Vec<Change> {
    let mut changes = Vec::new();
    // A member of an owner that is itself added or removed is part of that change.
    let owner_in = |item: &Item, surface: &ApiSurface| item.owner.as_ref().is_none_or(|o| surface.items.contains_key(o));
    for (key, old) in &before.items {
        match after.items.get(key) {
            None if !owner_in(old, after) => {}
            None => changes.push(Change { what: format!("removed {} `{key}`", old.kind), breaking: true }),
            Some(new) if new.kind != old.kind => changes.push(Change {
                what: format!("`{key}` changed from a {} to a {}", old.kind, new.kind),
                breaking: true,
            }),
            Some(new) if new.signature != old.signature => changes.push(Change {
                what: format!("changed {} `{key}`: `{}` → `{}`", old.kind, old.signature, new.signature),
                breaking: true,
            }),
            Some(_) => {}
        }
    }
    for (key, new) in &after.items {
        if before.items.contains_key(key) || !owner_in(new, before) {
            continue;
        }
        let breaking = match new.kind {
            ItemKind::Type | ItemKind::Method | ItemKind::Setter => false,
            ItemKind::Argument | ItemKind::ClientArgument => true,
            ItemKind::Field => matches!(new.usage, Usage::Built | Usage::Both),
            ItemKind::Variant => matches!(new.usage, Usage::Read | Usage::Both),
        };
        let what = match new.kind {
            ItemKind::Field if breaking => format!("added field `{key}`: `{}` to a struct users build", new.signature),
            ItemKind::Variant if breaking => format!("added variant `{key}` to an enum users match on"),
            ItemKind::Type | ItemKind::Method => format!("added {} `{key}`", new.kind),
            _ => format!("added {} `{key}`: `{}`", new.kind, new.signature),
        };
        changes.push(Change { what, breaking });
    }
    changes
}

fn type_kind(t: &TypeDef) -> String {
    match &t.kind {
        TypeKind::Struct(_) => "struct".into(),
        TypeKind::StringEnum(_) => "enum".into(),
        TypeKind::IntEnum(_) => "enum (integer)".into(),
        TypeKind::OneOf(_) => "enum (oneOf)".into(),
        TypeKind::AnyOf(_) => "struct (anyOf)".into(),
        TypeKind::Alias(ty) => format!("type = {}", ty_text(ty)),
    }
}

/// A type as a user writes it.
fn ty_text(ty: &Ty) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "bool".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::U64 => "u64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::DateTime => "DateTime<Utc>".into(),
        Ty::Date => "NaiveDate".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::Bytes => "Vec<u8>".into(),
        Ty::File => "FilePart".into(),
        Ty::Vec(inner) => format!("Vec<{}>", ty_text(inner)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", ty_text(inner)),
        Ty::Named(name) => name.clone(),
    }
}

/// The named types reachable from `roots`, through fields, variants and aliases.
fn reachable<'a>(api: &'a Api, roots: impl Iterator<Item = &'a Ty>) -> BTreeSet<&'a str> {
    let by_name: BTreeMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Ty> = roots.collect();
    while let Some(ty) = stack.pop() {
        match ty {
            Ty::Vec(inner) | Ty::Map(inner) => stack.push(inner),
            Ty::Named(name) => {
                let Some(t) = by_name.get(name.as_str()) else { continue };
                if !seen.insert(t.name.as_str()) {
                    continue;
                }
                match &t.kind {
                    TypeKind::Struct(fields) => stack.extend(fields.iter().map(|f| &f.ty)),
                    TypeKind::OneOf(one_of) => stack.extend(one_of.variants.iter().map(|v| &v.ty)),
                    TypeKind::AnyOf(any_of) => stack.extend(any_of.members.iter().map(|f| &f.ty)),
                    TypeKind::Alias(ty) => stack.push(ty),
                    TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
                }
            }
            _ => {}
        }
    }
    seen
}
