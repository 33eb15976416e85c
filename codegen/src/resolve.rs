//! Resolve: from a parsed spec to the [`model`](crate::model).
//!
//! Every `$ref` is followed, every inline schema gets a name from its context,
//! every name is claimed once through [`UniqueNames`], and every problem is
//! collected into [`Diagnostics`] rather than stopping at the first.

use std::collections::{BTreeMap, HashMap};

use openapiv3::{
    AdditionalProperties, Components, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr,
    Response, Schema, SchemaKind, SecurityScheme, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::naming::{field_name, type_name, variant_name, UniqueNames};

/// A property's schema, as `openapiv3` holds it.
type BoxedSchema = ReferenceOr<Box<Schema>>;

/// How deep inline schemas may nest before the spec is refused.
const MAX_DEPTH: usize = 64;

/// Names the generated crate root uses itself.
const ROOT_RESERVED: &[&str] = &["Client", "ClientBuilder", "Error", "Response", "Result", "RequestOptions", "RetryPolicy"];

/// Builder methods and fields every request builder has besides its parameters.
const BUILDER_RESERVED: &[&str] = &[
    "client", "options", "send", "send_with_response", "pages", "items", "timeout", "max_retries", "request", "new",
];

/// Client methods besides the operations.
const CLIENT_RESERVED: &[&str] = &["builder", "new", "http", "http_client", "from"];

/// Query parameters that carry a page cursor, when no `x-pagination` says otherwise.
const CURSOR_PARAMS: &[&str] = &["cursor", "page_token", "pageToken", "next_token", "nextToken"];

/// Response fields that carry the next page's cursor, when no `x-pagination` says otherwise.
const NEXT_CURSOR_FIELDS: &[&str] = &["next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token", "nextToken"];

pub fn resolve(spec: &OpenAPI, file: &str) -> Result<Api, Diagnostics> {
    let mut r = Resolver::new(spec, file);
    r.define_components();
    let (auth, auth_header) = r.auth();
    let (mut operations, mut root_names) = r.operations(auth_header.as_deref());
    let client_headers = r.hoist_client_headers(&mut operations);
    r.resolve_pagination(&mut operations);
    r.check_alias_cycles();
    r.diags.clone().into_result()?;
    let mut types = r.types;
    types.sort_by(|a, b| a.name.cmp(&b.name));
    mark_boxes(&mut types);
    let mut operations: Vec<Operation> = operations.into_iter().map(|(op, _)| op).collect();
    box_large_variants(&mut types, &mut operations);
    fill_common_fields(&mut types);
    let error_enums = error_enums(&mut operations, &mut root_names);
    Ok(Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        default_base_url: default_base_url(spec),
        auth,
        client_headers,
        types,
        operations,
        error_enums,
    })
}

fn default_base_url(spec: &OpenAPI) -> Option<String> {
    let server = spec.servers.first()?;
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    (url.starts_with("https://") || url.starts_with("http://")).then(|| url.trim_end_matches('/').to_owned())
}

/// Escapes one JSON pointer token.
fn token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

struct Resolver<'a> {
    spec: &'a OpenAPI,
    file: &'a str,
    diags: Diagnostics,
    type_names: UniqueNames,
    /// Component schema key → type name.
    components: HashMap<String, String>,
    types: Vec<TypeDef>,
    /// Type name → index into `types`.
    index: HashMap<String, usize>,
    /// The type of an inline schema in a `components/responses` entry, by
    /// `$ref`: one type however many operations refer to the response.
    response_bodies: HashMap<String, Ty>,
    depth: usize,
}

impl<'a> Resolver<'a> {
    fn new(spec: &'a OpenAPI, file: &'a str) -> Self {
        Resolver {
            spec,
            file,
            diags: Diagnostics::default(),
            type_names: UniqueNames::new(),
            components: HashMap::new(),
            types: Vec::new(),
            index: HashMap::new(),
            response_bodies: HashMap::new(),
            depth: 0,
        }
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(Diagnostic::new(self.file, pointer, message, help));
    }

    fn components(&self) -> Option<&'a Components> {
        self.spec.components.as_ref()
    }

    fn push_type(&mut self, def: TypeDef) {
        self.index.insert(def.name.clone(), self.types.len());
        self.types.push(def);
    }

    // ---- schemas -------------------------------------------------------

    fn define_components(&mut self) {
        let Some(components) = self.components() else { return };
        for key in components.schemas.keys() {
            let name = self.type_names.claim(type_name(key));
            self.components.insert(key.clone(), name);
        }
        for (key, schema) in &components.schemas {
            let name = self.components[key].clone();
            let pointer = format!("/components/schemas/{}", token(key));
            let (doc, kind) = match schema {
                ReferenceOr::Reference { reference } => (None, TypeKind::Alias(self.reference_ty(reference, &pointer))),
                ReferenceOr::Item(schema) => (schema.schema_data.description.clone(), self.kind_of(&name, schema, &pointer)),
            };
            self.push_type(TypeDef { name, doc, kind });
        }
    }

    /// Reports a `$ref` into another file: codegen reads one document.
    fn external_ref(&mut self, reference: &str, pointer: &str) {
        let file = reference.split('#').next().unwrap_or(reference);
        self.error(
            pointer,
            format!("`$ref: {reference}` points into another file (`{file}`); the generator reads one self-contained document"),
            "bundle the spec into one file first (e.g. `redocly bundle` or `swagger-cli bundle`), or move what it points to into this document's `components`",
        );
    }

    /// The component schema a `$ref` names, with its key.
    fn schema_target(&self, reference: &str) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let key = reference.strip_prefix("#/components/schemas/")?;
        let (key, schema) = self.components()?.schemas.get_key_value(&unescape(key))?;
        Some((key.as_str(), schema))
    }

    fn reference_ty(&mut self, reference: &str, pointer: &str) -> Ty {
        match self.schema_target(reference) {
            Some((key, _)) => Ty::Named(self.components[key].clone()),
            None if !reference.starts_with('#') => {
                self.external_ref(reference, pointer);
                Ty::Json
            }
            None => {
                self.error(
                    pointer,
                    format!("`$ref: {reference}` points to no schema"),
                    "point it at an entry of `components/schemas` (`#/components/schemas/Name`)",
                );
                Ty::Json
            }
        }
    }

    /// Follows `$ref`s to the schema itself (bounded, so a cycle of refs ends).
    fn deref(&self, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        let mut current = schema;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => current = self.schema_target(reference)?.1,
            }
        }
        None
    }

    fn deref_boxed(&self, schema: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.deref(self.schema_target(reference)?.1),
        }
    }

    fn is_nullable(&self, schema: &'a ReferenceOr<Box<Schema>>) -> bool {
        self.deref_boxed(schema).is_some_and(|s| s.schema_data.nullable)
    }

    fn boxed_ty(&mut self, schema: &ReferenceOr<Box<Schema>>, ctx: &str, pointer: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_ty(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_ty(schema, ctx, pointer),
        }
    }

    fn ty(&mut self, schema: &ReferenceOr<Schema>, ctx: &str, pointer: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_ty(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_ty(schema, ctx, pointer),
        }
    }

    /// The type of an inline schema; composite schemas become a new named type `ctx`.
    fn schema_ty(&mut self, schema: &Schema, ctx: &str, pointer: &str) -> Ty {
        if let Some(ty) = self.primitive_ty(schema, ctx, pointer) {
            return ty;
        }
        if self.depth >= MAX_DEPTH {
            self.error(
                pointer,
                format!("schemas are nested more than {MAX_DEPTH} levels deep here"),
                "move the inner schemas to `components/schemas` and refer to them with `$ref`",
            );
            return Ty::Json;
        }
        self.depth += 1;
        let name = self.type_names.claim(type_name(ctx));
        let kind = self.kind_of(&name, schema, pointer);
        self.depth -= 1;
        self.push_type(TypeDef { name: name.clone(), doc: schema.schema_data.description.clone(), kind });
        Ty::Named(name)
    }

    /// The type of a schema that needs no type of its own, `None` for one that does.
    fn primitive_ty(&mut self, schema: &Schema, ctx: &str, pointer: &str) -> Option<Ty> {
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().all(Option::is_none) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
                _ => Ty::String,
            },
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Ty::I32,
                _ => Ty::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => Ty::F32,
                _ => Ty::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    Some(items) => self.boxed_ty(items, &format!("{ctx}Item"), &format!("{pointer}/items")),
                    None => Ty::Json,
                };
                Ty::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => self.map_ty(o.additional_properties.as_ref(), ctx, pointer),
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => self.ty(&all_of[0], ctx, &format!("{pointer}/allOf/0")),
            SchemaKind::Any(a) if a.properties.is_empty() && a.one_of.is_empty() && a.any_of.is_empty() && a.all_of.is_empty() => {
                match a.typ.as_deref() {
                    Some("string") => Ty::String,
                    // `openapiv3` reads integer bounds as i64; a schema whose bounds do
                    // not fit lands here. Past i64::MAX but not below 0 is a u64.
                    Some("integer") if a.maximum.is_some_and(|m| m > i64::MAX as f64) && a.minimum.is_some_and(|m| m >= 0.0) => Ty::U64,
                    Some("integer") => Ty::I64,
                    Some("number") => Ty::F64,
                    Some("boolean") => Ty::Bool,
                    Some("array") => {
                        let item = match &a.items {
                            Some(items) => self.boxed_ty(items, &format!("{ctx}Item"), &format!("{pointer}/items")),
                            None => Ty::Json,
                        };
                        Ty::Vec(Box::new(item))
                    }
                    _ => self.map_ty(a.additional_properties.as_ref(), ctx, pointer),
                }
            }
            SchemaKind::Not { .. } => Ty::Json,
            _ => return None,
        };
        Some(ty)
    }

    fn map_ty(&mut self, additional: Option<&AdditionalProperties>, ctx: &str, pointer: &str) -> Ty {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.ty(schema, &format!("{ctx}Value"), &format!("{pointer}/additionalProperties"));
                Ty::Map(Box::new(value))
            }
            _ => Ty::Json,
        }
    }

    /// The definition of the named type `name` for `schema`.
    fn kind_of(&mut self, name: &str, schema: &Schema, pointer: &str) -> TypeKind {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                let mut fields = self.fields(name, &o.properties, &o.required, pointer);
                self.additional_field(&mut fields, o.additional_properties.as_ref(), name, pointer);
                TypeKind::Struct(fields)
            }
            SchemaKind::Any(a) if !a.properties.is_empty() => {
                let mut fields = self.fields(name, &a.properties, &a.required, pointer);
                self.additional_field(&mut fields, a.additional_properties.as_ref(), name, pointer);
                TypeKind::Struct(fields)
            }
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                let mut names = UniqueNames::with_reserved(&["Unknown"]);
                let values = s
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|wire| EnumValue { ident: names.claim(variant_name(wire)), wire: wire.clone() })
                    .collect();
                TypeKind::StringEnum(values)
            }
            SchemaKind::OneOf { one_of } => self.one_of(name, one_of, schema, &format!("{pointer}/oneOf")),
            SchemaKind::AnyOf { any_of } => self.one_of(name, any_of, schema, &format!("{pointer}/anyOf")),
            SchemaKind::AllOf { all_of } if all_of.len() > 1 => self.all_of(name, all_of, pointer),
            _ => match self.primitive_ty(schema, name, pointer) {
                Some(ty) => TypeKind::Alias(ty),
                None => TypeKind::Alias(Ty::Json),
            },
        }
    }

    fn fields(
        &mut self,
        owner: &str,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        pointer: &str,
    ) -> Vec<Field> {
        let mut names = UniqueNames::new();
        properties
            .iter()
            .map(|(wire, schema)| {
                let pointer = format!("{pointer}/properties/{}", token(wire));
                let ty = self.boxed_ty(schema, &format!("{owner}{}", type_name(wire)), &pointer);
                let doc = self.deref_boxed(schema).and_then(|s| s.schema_data.description.clone());
                Field {
                    ident: names.claim(field_name(wire)),
                    wire: wire.clone(),
                    ty,
                    required: required.contains(wire),
                    nullable: self.is_nullable(schema),
                    boxed: false,
                    flatten: false,
                    doc,
                }
            })
            .collect()
    }

    /// `additionalProperties` beside `properties`: a flattened map of the rest,
    /// so properties the schema does not name survive a decode and re-encode.
    fn additional_field(&mut self, fields: &mut Vec<Field>, additional: Option<&AdditionalProperties>, owner: &str, pointer: &str) {
        let value = match additional {
            Some(AdditionalProperties::Any(true)) => Ty::Json,
            Some(AdditionalProperties::Schema(schema)) => {
                self.ty(schema, &format!("{owner}Value"), &format!("{pointer}/additionalProperties"))
            }
            Some(AdditionalProperties::Any(false)) | None => return,
        };
        let mut names = UniqueNames::new();
        for f in fields.iter() {
            names.claim(f.ident.clone());
        }
        fields.push(Field {
            wire: String::new(),
            ident: names.claim("additional_properties".into()),
            ty: Ty::Map(Box::new(value)),
            required: true,
            nullable: false,
            boxed: false,
            flatten: true,
            doc: Some("Properties the schema does not name.".into()),
        });
    }

    /// `allOf` of several schemas: one struct with the properties of all.
    fn all_of(&mut self, name: &str, parts: &[ReferenceOr<Schema>], pointer: &str) -> TypeKind {
        let mut properties = indexmap::IndexMap::new();
        let mut required = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let Some(schema) = self.deref(part) else {
                let member = format!("{pointer}/allOf/{i}");
                match part {
                    // Reports the reference as any other (external, or to nothing).
                    ReferenceOr::Reference { reference } => {
                        self.reference_ty(reference, &member);
                    }
                    ReferenceOr::Item(_) => self.error(&member, "this `allOf` member is not a schema", "make it a schema or a `$ref`"),
                }
                continue;
            };
            self.collect_properties(schema, &mut properties, &mut required, 0);
        }
        if properties.is_empty() {
            return TypeKind::Alias(Ty::Json);
        }
        TypeKind::Struct(self.fields(name, &properties, &required, pointer))
    }

    fn collect_properties(
        &self,
        schema: &'a Schema,
        properties: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                properties.extend(o.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                required.extend(o.required.iter().cloned());
            }
            SchemaKind::Any(a) => {
                properties.extend(a.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                required.extend(a.required.iter().cloned());
            }
            SchemaKind::AllOf { all_of } => {
                for part in all_of {
                    if let Some(s) = self.deref(part) {
                        self.collect_properties(s, properties, required, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    fn one_of(&mut self, name: &str, members: &[ReferenceOr<Schema>], schema: &Schema, pointer: &str) -> TypeKind {
        let mut idents = UniqueNames::new();
        let ref_name = |m: &ReferenceOr<Schema>| match m {
            ReferenceOr::Reference { reference } => reference.rsplit('/').next().map(unescape),
            ReferenceOr::Item(_) => None,
        };

        // A discriminator over `$ref` members: internally tagged.
        if let Some(disc) = &schema.schema_data.discriminator {
            if members.iter().all(|m| matches!(m, ReferenceOr::Reference { .. })) {
                let mut variants = Vec::new();
                for (i, member) in members.iter().enumerate() {
                    let ReferenceOr::Reference { reference } = member else { continue };
                    let key = ref_name(member).unwrap_or_default();
                    let wire = disc
                        .mapping
                        .iter()
                        .find(|(_, target)| *target == reference || target.rsplit('/').next() == Some(key.as_str()))
                        .map(|(value, _)| value.clone())
                        .unwrap_or_else(|| key.clone());
                    let ty = self.reference_ty(reference, &format!("{pointer}/{i}"));
                    variants.push(Variant { ident: idents.claim(without_prefix(variant_name(&wire), name)), wire, ty, boxed: false, doc: None });
                }
                let unknown = idents.claim("Unknown".into());
                return TypeKind::OneOf(OneOf {
                    tagging: Tagging::Internal { property: disc.property_name.clone() },
                    variants,
                    unknown,
                    common_str_fields: Vec::new(),
                });
            }
        }

        // Every member an object with one distinct required key: externally tagged.
        let single_keys: Option<Vec<(&String, &BoxedSchema)>> = members
            .iter()
            .map(|m| {
                let s = self.deref(m)?;
                let SchemaKind::Type(Type::Object(o)) = &s.schema_kind else { return None };
                let (key, prop) = o.properties.first()?;
                (o.properties.len() == 1 && o.required.len() == 1 && &o.required[0] == key).then_some((key, prop))
            })
            .collect();
        if let Some(keys) = single_keys {
            let mut distinct: Vec<&String> = keys.iter().map(|(k, _)| *k).collect();
            distinct.sort();
            distinct.dedup();
            if distinct.len() == keys.len() && !keys.is_empty() {
                let variants = keys
                    .into_iter()
                    .enumerate()
                    .map(|(i, (key, prop))| {
                        let ty = self.boxed_ty(prop, &format!("{name}{}", type_name(key)), &format!("{pointer}/{i}/properties/{}", token(key)));
                        let doc = self.deref_boxed(prop).and_then(|s| s.schema_data.description.clone());
                        Variant { ident: idents.claim(without_prefix(variant_name(key), name)), wire: key.clone(), ty, boxed: false, doc }
                    })
                    .collect();
                let unknown = idents.claim("Unknown".into());
                return TypeKind::OneOf(OneOf { tagging: Tagging::External, variants, unknown, common_str_fields: Vec::new() });
            }
        }

        // Otherwise: try each in turn.
        let variants = members
            .iter()
            .enumerate()
            .map(|(i, member)| {
                let ty = self.ty(member, &format!("{name}Variant{i}"), &format!("{pointer}/{i}"));
                let wanted = match (ref_name(member), &ty) {
                    (Some(r), _) => variant_name(&r),
                    (None, Ty::Named(n)) => n.clone(),
                    (None, ty) => primitive_variant_name(ty, i),
                };
                Variant { ident: idents.claim(without_prefix(wanted, name)), wire: String::new(), ty, boxed: false, doc: None }
            })
            .collect();
        let unknown = idents.claim("Unknown".into());
        TypeKind::OneOf(OneOf { tagging: Tagging::Untagged, variants, unknown, common_str_fields: Vec::new() })
    }

    /// Schemas that are only `$ref`s to each other (`A: {$ref: B}`, `B: {$ref: A}`)
    /// describe no value at all; as Rust they would be `type A = B; type B = A;`.
    fn check_alias_cycles(&mut self) {
        let target = |t: &TypeDef| match &t.kind {
            TypeKind::Alias(Ty::Named(n)) => Some(n.clone()),
            _ => None,
        };
        let key_of: HashMap<String, String> = self.components.iter().map(|(k, v)| (v.clone(), k.clone())).collect();
        let mut reported: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut cycles = Vec::new();
        for start in &self.types {
            let mut chain = vec![start.name.clone()];
            let mut current = target(start);
            while let Some(next) = current {
                if next == start.name {
                    if chain.iter().all(|n| !reported.contains(n)) {
                        reported.extend(chain.iter().cloned());
                        cycles.push(chain.clone());
                    }
                    break;
                }
                if chain.contains(&next) || chain.len() > self.types.len() {
                    break;
                }
                current = self.index.get(&next).and_then(|&i| target(&self.types[i]));
                chain.push(next);
            }
        }
        for chain in cycles {
            let keys: Vec<String> = chain.iter().map(|n| key_of.get(n).unwrap_or(n).clone()).collect();
            let pointer = format!("/components/schemas/{}", token(&keys[0]));
            let path = keys.iter().chain(keys.first()).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" → ");
            let message = if keys.len() == 1 {
                format!("the schema `{}` is only a reference to itself, so it describes no value", keys[0])
            } else {
                format!("the schemas {path} refer to each other with nothing in between, so they describe no value")
            };
            self.error(
                &pointer,
                message,
                "give one of them a real definition (an object, a type), or remove the cycle",
            );
        }
    }

    // ---- security ------------------------------------------------------

    /// The client's authentication, and the header it occupies (so that a
    /// parameter declaring the same header is not asked for again).
    fn auth(&mut self) -> (Auth, Option<String>) {
        let Some(components) = self.components() else { return (Auth::None, None) };
        let used: Vec<&String> = self
            .spec
            .security
            .iter()
            .flatten()
            .chain(self.spec.paths.iter().flat_map(|(_, p)| p.as_item()).flat_map(|p| p.iter()).flat_map(|(_, op)| op.security.iter().flatten()))
            .flat_map(|req| req.keys())
            .collect();
        for (name, scheme) in &components.security_schemes {
            let ReferenceOr::Item(scheme) = scheme else { continue };
            if !used.is_empty() && !used.contains(&name) {
                continue;
            }
            match scheme {
                SecurityScheme::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    return (Auth::Bearer { description: description.clone() }, Some("authorization".into()));
                }
                SecurityScheme::OAuth2 { description, .. } | SecurityScheme::OpenIDConnect { description, .. } => {
                    return (Auth::Bearer { description: description.clone() }, Some("authorization".into()));
                }
                _ => {}
            }
        }
        // A scheme no requirement uses still says how the API authenticates.
        for scheme in components.security_schemes.values() {
            if let ReferenceOr::Item(SecurityScheme::HTTP { scheme, description, .. }) = scheme {
                if scheme.eq_ignore_ascii_case("bearer") {
                    return (Auth::Bearer { description: description.clone() }, Some("authorization".into()));
                }
            }
        }
        (Auth::None, None)
    }

    // ---- operations ----------------------------------------------------

    /// The operations, with the names the crate root has handed out so far.
    fn operations(&mut self, auth_header: Option<&str>) -> (Vec<(Operation, Option<serde_json::Value>)>, UniqueNames) {
        let mut root_names = UniqueNames::with_reserved(ROOT_RESERVED);
        let mut method_names = UniqueNames::with_reserved(CLIENT_RESERVED);
        // Types are claimed first, so an operation's types never take a schema's name.
        let mut out = Vec::new();
        for (path, item) in self.spec.paths.iter() {
            let pointer = format!("/paths/{}", token(path));
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.error(&pointer, "a path item `$ref` is not supported", "write the path item inline");
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let pointer = format!("{pointer}/{method}");
                let ident = method_names.claim(field_name(&op.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"))));
                let base = type_name(ident.trim_start_matches("r#"));
                let builder = root_names.claim(format!("{base}Request"));
                let op = self.operation(OperationCtx { path, method, item, op, ident, base, builder, pointer: &pointer }, auth_header);
                out.push(op);
            }
        }
        (out, root_names)
    }

    fn operation(&mut self, ctx: OperationCtx<'_, 'a>, auth_header: Option<&str>) -> (Operation, Option<serde_json::Value>) {
        let OperationCtx { path, method, item, op, ident, base, builder, pointer } = ctx;
        let method = match method {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            _ => Method::Trace,
        };

        // Operation parameters override path-item ones of the same name and place.
        let mut params: Vec<(&'a Parameter, String)> = Vec::new();
        let sources = item.parameters.iter().map(|p| (p, "parameters")).chain(op.parameters.iter().map(|p| (p, "op")));
        for (i, (param, _)) in sources.enumerate() {
            let p_pointer = format!("{pointer}/parameters/{i}");
            let Some(param) = self.parameter(param, &p_pointer) else { continue };
            let data = param.parameter_data_ref();
            params.retain(|(q, _)| !(q.parameter_data_ref().name == data.name && std::mem::discriminant(*q) == std::mem::discriminant(param)));
            params.push((param, p_pointer));
        }

        let mut names = UniqueNames::with_reserved(BUILDER_RESERVED);
        let mut model_params = Vec::new();
        for (param, p_pointer) in params {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => {
                    if !is_header_name(&data.name) {
                        self.error(
                            &p_pointer,
                            format!("`{}` is not a valid HTTP header name", data.name),
                            "a header name is letters, digits and `!#$%&'*+-.^_`|~`, without spaces or quotes",
                        );
                        continue;
                    }
                    let lower = data.name.to_ascii_lowercase();
                    if Some(lower.as_str()) == auth_header || matches!(lower.as_str(), "content-type" | "accept" | "content-length") {
                        continue;
                    }
                    ParamLocation::Header
                }
                Parameter::Cookie { .. } => ParamLocation::Cookie,
            };
            let (ty, minimum, maximum, default) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let ty = self.ty(schema, &format!("{base}{}", type_name(&data.name)), &format!("{p_pointer}/schema"));
                    let (min, max, default) = self.bounds(schema, &ty);
                    (ty, min, max, default)
                }
                ParameterSchemaOrContent::Content(_) => (Ty::String, None, None, None),
            };
            let explode = data.explode.unwrap_or(true);
            model_params.push(Param {
                ident: names.claim(field_name(&data.name)),
                wire: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: data.description.clone(),
                minimum,
                maximum,
                default,
                explode,
            });
        }

        let mut body_encoding = None;
        if let Some((param, encoding)) = self.request_body(op, &base, pointer, &mut names) {
            model_params.push(param);
            body_encoding = Some(encoding);
        }
        let path_parts = self.path_parts(path, &model_params, pointer);
        let success = self.success(op, &base, pointer);
        let errors = self.errors(op, &base, pointer);
        // Named once all operations are known: operations with the same errors share an enum.
        let error_enum = None;
        let doc = join_doc(&[op.summary.as_deref(), op.description.as_deref()]);
        let operation = Operation {
            ident,
            builder,
            error_enum,
            method,
            path: path.to_owned(),
            path_parts,
            doc,
            params: model_params,
            body_encoding,
            success,
            errors,
            pagination: None,
        };
        (operation, op.extensions.get("x-pagination").cloned())
    }

    /// The request body as a parameter: JSON (typed) first, then a form, then bytes.
    fn request_body(
        &mut self,
        op: &'a openapiv3::Operation,
        base: &str,
        pointer: &str,
        names: &mut UniqueNames,
    ) -> Option<(Param, BodyEncoding)> {
        let b_pointer = format!("{pointer}/requestBody");
        let body = match op.request_body.as_ref()? {
            ReferenceOr::Item(b) => b,
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|key| self.components()?.request_bodies.get(&unescape(key)))
                    .and_then(|b| b.as_item());
                match found {
                    Some(b) => b,
                    None if !reference.starts_with('#') => {
                        self.external_ref(reference, &b_pointer);
                        return None;
                    }
                    None => {
                        self.error(&b_pointer, format!("`$ref: {reference}` points to no request body"), "point it at an entry of `components/requestBodies`");
                        return None;
                    }
                }
            }
        };
        let essence = |m: &str| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let pick = |want: &dyn Fn(&str) -> bool| body.content.iter().find(|(m, _)| want(&essence(m)));
        let (media_type, media, encoding) = if let Some((m, media)) = pick(&|e| e == "application/json" || e.ends_with("+json")) {
            (m, media, BodyEncoding::Json)
        } else if let Some((m, media)) = pick(&|e| e == "application/x-www-form-urlencoded") {
            (m, media, BodyEncoding::Form)
        } else if let Some((m, media)) = pick(&|e| e == "multipart/form-data") {
            (m, media, BodyEncoding::Multipart)
        } else {
            let (m, media) = body.content.first()?;
            (m, media, BodyEncoding::Bytes(essence(m)))
        };
        let ty = match (&encoding, &media.schema) {
            (BodyEncoding::Bytes(_), _) => Ty::Bytes,
            (_, Some(schema)) => self.ty(schema, &format!("{base}Body"), &format!("{b_pointer}/content/{}/schema", token(media_type))),
            (_, None) => Ty::Json,
        };
        let param = Param {
            ident: names.claim("body".into()),
            wire: "body".into(),
            location: ParamLocation::Body,
            ty,
            required: body.required,
            doc: body.description.clone().or_else(|| Some(format!("The request body (`{media_type}`)."))),
            minimum: None,
            maximum: None,
            default: None,
            explode: true,
        };
        Some((param, encoding))
    }

    fn parameter(&mut self, param: &'a ReferenceOr<Parameter>, pointer: &str) -> Option<&'a Parameter> {
        match param {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/parameters/")
                    .and_then(|key| self.components()?.parameters.get(&unescape(key)))
                    .and_then(|p| p.as_item());
                if found.is_none() && !reference.starts_with('#') {
                    self.external_ref(reference, pointer);
                } else if found.is_none() {
                    self.error(pointer, format!("`$ref: {reference}` points to no parameter"), "point it at an entry of `components/parameters`");
                }
                found
            }
        }
    }

    /// A parameter's bounds, as its Rust type `ty` can check them: integer
    /// bounds become inclusive, and bounds the type cannot break are dropped.
    fn bounds(&self, schema: &'a ReferenceOr<Schema>, ty: &Ty) -> (Option<Limit>, Option<Limit>, Option<String>) {
        let Some(s) = self.deref(schema) else { return (None, None, None) };
        let default = s.schema_data.default.as_ref().map(|d| d.to_string());
        let (min, max, exclusive_min, exclusive_max) = match &s.schema_kind {
            SchemaKind::Type(Type::Integer(i)) => {
                (i.minimum.map(|m| m as f64), i.maximum.map(|m| m as f64), i.exclusive_minimum, i.exclusive_maximum)
            }
            SchemaKind::Type(Type::Number(n)) => (n.minimum, n.maximum, n.exclusive_minimum, n.exclusive_maximum),
            SchemaKind::Any(a) => {
                (a.minimum, a.maximum, a.exclusive_minimum.unwrap_or(false), a.exclusive_maximum.unwrap_or(false))
            }
            _ => return (None, None, default),
        };
        let limit = |bound: Option<f64>, exclusive: bool, is_min: bool| -> Option<Limit> {
            let v = bound.filter(|v| v.is_finite())?;
            let (lo, hi) = match ty {
                Ty::I32 => (i32::MIN as f64, i32::MAX as f64),
                Ty::I64 => (i64::MIN as f64, i64::MAX as f64),
                Ty::F32 => (f32::MIN as f64, f32::MAX as f64),
                Ty::F64 => (f64::MIN, f64::MAX),
                _ => return None,
            };
            match ty {
                Ty::I32 | Ty::I64 => {
                    // An exclusive integer bound is the next integer, inclusive.
                    let v = match (exclusive, is_min) {
                        (false, true) => v.ceil(),
                        (false, false) => v.floor(),
                        (true, true) => v.floor() + 1.0,
                        (true, false) => v.ceil() - 1.0,
                    };
                    let vacuous = if is_min { v <= lo } else { v >= hi };
                    let impossible = if is_min { v > hi } else { v < lo };
                    (!vacuous && !impossible).then_some(Limit { value: Bound::Int(v as i64), exclusive: false })
                }
                _ => (v >= lo && v <= hi).then_some(Limit { value: Bound::Float(v), exclusive }),
            }
        };
        (limit(min, exclusive_min, true), limit(max, exclusive_max, false), default)
    }

    fn path_parts(&mut self, path: &str, params: &[Param], pointer: &str) -> Vec<PathPart> {
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            match params.iter().position(|p| p.location == ParamLocation::Path && p.wire == name) {
                Some(i) => parts.push(PathPart::Param(i)),
                None => self.error(
                    pointer,
                    format!("the path has `{{{name}}}` but the operation declares no path parameter `{name}`"),
                    "add it to `parameters` with `in: path` and `required: true`",
                ),
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        parts
    }

    fn response(&mut self, response: &'a ReferenceOr<Response>, pointer: &str) -> Option<&'a Response> {
        match response {
            ReferenceOr::Item(r) => Some(r),
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|key| self.components()?.responses.get(&unescape(key)))
                    .and_then(|r| r.as_item());
                if found.is_none() && !reference.starts_with('#') {
                    self.external_ref(reference, pointer);
                } else if found.is_none() {
                    self.error(pointer, format!("`$ref: {reference}` points to no response"), "point it at an entry of `components/responses`");
                }
                found
            }
        }
    }

    /// The type of a response's JSON schema, `ctx` naming it when inline; a
    /// response shared through `components/responses` gets one type, named
    /// after the component, not one per operation that refers to it.
    fn response_body_ty(&mut self, response: &ReferenceOr<Response>, schema: &ReferenceOr<Schema>, media_type: &str, ctx: &str, pointer: &str) -> Ty {
        let (ReferenceOr::Reference { reference }, ReferenceOr::Item(_)) = (response, schema) else {
            return self.ty(schema, ctx, pointer);
        };
        let Some(key) = reference.strip_prefix("#/components/responses/") else { return self.ty(schema, ctx, pointer) };
        if let Some(ty) = self.response_bodies.get(reference) {
            return ty.clone();
        }
        let key = unescape(key);
        let name = type_name(&key);
        let ctx = if name.ends_with("Response") || name.ends_with("Body") { name } else { format!("{name}Body") };
        let pointer = format!("/components/responses/{}/content/{}/schema", token(&key), token(media_type));
        let ty = self.ty(schema, &ctx, &pointer);
        self.response_bodies.insert(reference.clone(), ty.clone());
        ty
    }

    fn success(&mut self, op: &'a openapiv3::Operation, base: &str, pointer: &str) -> Success {
        let found = op.responses.responses.iter().find(|(status, _)| match status {
            StatusCode::Code(c) => (200..300).contains(c),
            StatusCode::Range(r) => *r == 2,
        });
        let Some((status, response_ref)) = found else { return Success::Bytes };
        let r_pointer = format!("{pointer}/responses/{status}");
        let Some(response) = self.response(response_ref, &r_pointer) else { return Success::Bytes };
        match json_media(response) {
            Some((media_type, media)) => match &media.schema {
                Some(schema) => {
                    let s_pointer = format!("{r_pointer}/content/{}/schema", token(media_type));
                    Success::Json(self.response_body_ty(response_ref, schema, media_type, &format!("{base}Response"), &s_pointer))
                }
                None => Success::Json(Ty::Json),
            },
            None if response.content.is_empty() => Success::Empty,
            None => Success::Bytes,
        }
    }

    fn errors(&mut self, op: &'a openapiv3::Operation, base: &str, pointer: &str) -> Vec<ErrorResponse> {
        let mut names = UniqueNames::new();
        let mut errors = Vec::new();
        let statuses = op
            .responses
            .responses
            .iter()
            .filter_map(|(status, r)| match status {
                StatusCode::Code(c) if !(200..300).contains(c) => Some((StatusMatch::Code(*c), r)),
                StatusCode::Range(n) if *n != 2 => Some((StatusMatch::Range(*n), r)),
                _ => None,
            })
            .chain(op.responses.default.iter().map(|r| (StatusMatch::Default, r)));
        for (status, response_ref) in statuses {
            let key = match status {
                StatusMatch::Code(c) => c.to_string(),
                StatusMatch::Range(n) => format!("{n}XX"),
                StatusMatch::Default => "default".into(),
            };
            let r_pointer = format!("{pointer}/responses/{key}");
            let Some(response) = self.response(response_ref, &r_pointer) else { continue };
            let Some((media_type, media)) = json_media(response) else { continue };
            let variant = names.claim(status_variant(status));
            let ty = match &media.schema {
                Some(schema) => {
                    let s_pointer = format!("{r_pointer}/content/{}/schema", token(media_type));
                    self.response_body_ty(response_ref, schema, media_type, &format!("{base}{variant}Body"), &s_pointer)
                }
                None => Ty::Json,
            };
            errors.push(ErrorResponse { status, variant, ty, boxed: false, doc: Some(response.description.clone()).filter(|d| !d.is_empty()) });
        }
        // Exact codes first, then ranges, then the default, as a `match` needs.
        errors.sort_by_key(|e| e.status);
        errors
    }

    /// Headers every operation requires become client configuration.
    fn hoist_client_headers(&mut self, operations: &mut [(Operation, Option<serde_json::Value>)]) -> Vec<ClientHeader> {
        let Some((first, _)) = operations.first() else { return Vec::new() };
        let candidates: Vec<Param> = first
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Header && p.required)
            .cloned()
            .collect();
        let mut names = UniqueNames::with_reserved(&["token", "base_url"]);
        let mut hoisted = Vec::new();
        for candidate in candidates {
            let everywhere = operations.iter().all(|(op, _)| {
                op.params.iter().any(|p| p.location == ParamLocation::Header && p.required && p.wire.eq_ignore_ascii_case(&candidate.wire))
            });
            if !everywhere {
                continue;
            }
            for (op, _) in operations.iter_mut() {
                op.params.retain(|p| !(p.location == ParamLocation::Header && p.wire.eq_ignore_ascii_case(&candidate.wire)));
            }
            hoisted.push(ClientHeader { ident: names.claim(candidate.ident.trim_start_matches("r#").to_owned()), wire: candidate.wire, doc: candidate.doc });
        }
        // Removing parameters shifted the indices path parts refer to.
        for (op, _) in operations.iter_mut() {
            reindex_path_parts(op);
        }
        hoisted
    }

    // ---- pagination ----------------------------------------------------

    fn resolve_pagination(&mut self, operations: &mut [(Operation, Option<serde_json::Value>)]) {
        for (op, extension) in operations.iter_mut() {
            op.pagination = match extension {
                Some(ext) => self.declared_pagination(op, ext),
                None => self.implicit_pagination(op),
            };
        }
    }

    fn declared_pagination(&mut self, op: &Operation, ext: &serde_json::Value) -> Option<Pagination> {
        let pointer = format!("/paths/{}/{}/x-pagination", token(&op.path), op.method.as_str().to_ascii_lowercase());
        let get = |key: &str| ext.get(key).and_then(|v| v.as_str());
        let (Some(cursor), Some(next), Some(items)) = (get("cursor-param"), get("next-cursor"), get("items")) else {
            self.error(
                &pointer,
                "`x-pagination` needs `cursor-param`, `next-cursor` and `items`",
                "e.g. `x-pagination: {cursor-param: cursor, next-cursor: /meta/next_cursor, items: /data}`",
            );
            return None;
        };
        let Some(cursor_param) = op.params.iter().find(|p| p.location == ParamLocation::Query && p.wire == cursor) else {
            self.error(&pointer, format!("`cursor-param: {cursor}` names no query parameter of the operation"), "name the query parameter that takes the cursor");
            return None;
        };
        let Success::Json(page) = &op.success else {
            self.error(&pointer, "a paginated operation needs a JSON success response", "document the page's schema");
            return None;
        };
        let next_cursor = self.walk(page, next);
        let items_steps = self.walk(page, items);
        match (next_cursor, items_steps) {
            (Some((next_cursor, Ty::String)), Some((items, Ty::Vec(item)))) => Some(Pagination {
                cursor_param: cursor_param.ident.clone(),
                next_cursor,
                items,
                item_ty: *item,
            }),
            (n, i) => {
                let which = if !matches!(n, Some((_, Ty::String))) {
                    format!("`next-cursor: {next}` does not lead to a string field of the response")
                } else {
                    format!("`items: {items}` does not lead to an array field of the response")
                };
                self.error(&pointer, which, "use JSON pointers into the success body, e.g. `/meta/next_cursor`");
                let _ = i;
                None
            }
        }
    }

    /// Follows a JSON pointer through struct fields: the steps and the type at the end.
    fn walk(&self, start: &Ty, pointer: &str) -> Option<(Vec<Step>, Ty)> {
        let mut ty = start.clone();
        let mut steps = Vec::new();
        for part in pointer.strip_prefix('/')?.split('/') {
            let part = unescape(part);
            let Ty::Named(name) = self.unalias(&ty) else { return None };
            let TypeKind::Struct(fields) = &self.types[*self.index.get(&name)?].kind else { return None };
            let field = fields.iter().find(|f| f.wire == part)?;
            steps.push(Step { ident: field.ident.clone(), optional: field.is_option(), double: field.is_double_option() });
            ty = field.ty.clone();
        }
        Some((steps, self.unalias(&ty)))
    }

    fn unalias(&self, ty: &Ty) -> Ty {
        let mut ty = ty.clone();
        for _ in 0..16 {
            match &ty {
                Ty::Named(n) => match self.index.get(n).map(|&i| &self.types[i].kind) {
                    Some(TypeKind::Alias(inner)) => ty = inner.clone(),
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// The common shape without an extension: an optional `cursor` query
    /// parameter, a `next_cursor` field at the top of the page or one level
    /// down, and exactly one array field at the top.
    fn implicit_pagination(&self, op: &Operation) -> Option<Pagination> {
        let cursor = op.params.iter().find(|p| p.location == ParamLocation::Query && !p.required && CURSOR_PARAMS.contains(&p.wire.as_str()))?;
        let Success::Json(page) = &op.success else { return None };
        let Ty::Named(name) = self.unalias(page) else { return None };
        let TypeKind::Struct(fields) = &self.types[*self.index.get(&name)?].kind else { return None };
        let top = |f: &Field| NEXT_CURSOR_FIELDS.contains(&f.wire.as_str()).then(|| format!("/{}", f.wire));
        let nested = |f: &Field| {
            let Ty::Named(inner) = self.unalias(&f.ty) else { return None };
            let TypeKind::Struct(inner_fields) = &self.types[*self.index.get(&inner)?].kind else { return None };
            inner_fields.iter().find(|g| NEXT_CURSOR_FIELDS.contains(&g.wire.as_str())).map(|g| format!("/{}/{}", f.wire, g.wire))
        };
        let next_pointer = fields.iter().find_map(top).or_else(|| fields.iter().find_map(nested))?;
        let arrays: Vec<&Field> = fields.iter().filter(|f| matches!(self.unalias(&f.ty), Ty::Vec(_))).collect();
        let [items_field] = arrays[..] else { return None };
        let (next_cursor, Ty::String) = self.walk(page, &next_pointer)? else { return None };
        let (items, Ty::Vec(item)) = self.walk(page, &format!("/{}", items_field.wire))? else { return None };
        Some(Pagination { cursor_param: cursor.ident.clone(), next_cursor, items, item_ty: *item })
    }
}

struct OperationCtx<'o, 'a> {
    path: &'a str,
    method: &'o str,
    item: &'a PathItem,
    op: &'a openapiv3::Operation,
    ident: String,
    base: String,
    builder: String,
    pointer: &'o str,
}

/// After parameters were removed, points path parts at the right ones again.
fn reindex_path_parts(op: &mut Operation) {
    let mut parts = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..close];
        if let Some(i) = op.params.iter().position(|p| p.location == ParamLocation::Path && p.wire == name) {
            parts.push(PathPart::Param(i));
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    op.path_parts = parts;
}

/// Whether `name` is an RFC 9110 token, as a header name must be.
fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The JSON media type of a response (`application/json`, `*+json`), if any.
fn json_media(response: &Response) -> Option<(&String, &MediaType)> {
    response.content.iter().find(|(media_type, _)| {
        let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    })
}

fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match code {
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            402 => "PaymentRequired".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            406 => "NotAcceptable".into(),
            408 => "RequestTimeout".into(),
            409 => "Conflict".into(),
            410 => "Gone".into(),
            412 => "PreconditionFailed".into(),
            413 => "PayloadTooLarge".into(),
            415 => "UnsupportedMediaType".into(),
            422 => "UnprocessableEntity".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            502 => "BadGateway".into(),
            503 => "ServiceUnavailable".into(),
            504 => "GatewayTimeout".into(),
            other => format!("Status{other}"),
        },
        StatusMatch::Range(n) => format!("Status{n}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

/// `FilterVariant0` in enum `Filter` is `Filter::Variant0`: a variant named
/// after its enum says it twice (and trips `clippy::enum_variant_names`).
fn without_prefix(variant: String, enum_name: &str) -> String {
    match variant.strip_prefix(enum_name) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_owned(),
        _ => variant,
    }
}

fn primitive_variant_name(ty: &Ty, i: usize) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "Bool".into(),
        Ty::I32 | Ty::I64 | Ty::U64 => "Integer".into(),
        Ty::F32 | Ty::F64 => "Number".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Date => "Date".into(),
        Ty::Vec(_) => "Array".into(),
        Ty::Map(_) => "Map".into(),
        Ty::Json | Ty::Bytes | Ty::Named(_) => format!("Variant{i}"),
    }
}

fn join_doc(parts: &[Option<&str>]) -> Option<String> {
    let text: Vec<&str> = parts.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    (!text.is_empty()).then(|| text.join("\n\n"))
}

/// Undoes JSON pointer escaping (and percent-escaping, which `$ref`s may use).
fn unescape(s: &str) -> String {
    let s = s.replace("~1", "/").replace("~0", "~");
    if !s.contains('%') {
        return s;
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or(s)
}

/// Boxes the fields and variants that close a cycle of types, so every type has a size.
///
/// Types that contain each other directly (not through a `Vec` or a map) form
/// strongly connected components; an edge inside one is boxed. Linear in the
/// number of types and edges.
fn mark_boxes(types: &mut [TypeDef]) {
    let index: HashMap<&str, usize> = types.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let direct = |ty: &Ty| match ty {
        Ty::Named(n) => index.get(n.as_str()).copied(),
        _ => None,
    };
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(fields) => fields.iter().filter_map(|f| direct(&f.ty)).collect(),
            TypeKind::OneOf(o) => o.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
            TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
            TypeKind::StringEnum(_) => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let in_cycle = |from: usize, ty: &Ty| direct(ty).is_some_and(|to| component[to] == component[from]);
    let marks: Vec<(usize, Vec<bool>)> = types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let marks = match &t.kind {
                TypeKind::Struct(fields) => fields.iter().map(|f| in_cycle(i, &f.ty)).collect(),
                TypeKind::OneOf(o) => o.variants.iter().map(|v| in_cycle(i, &v.ty)).collect(),
                _ => Vec::new(),
            };
            (i, marks)
        })
        .collect();
    for (i, marks) in marks {
        match &mut types[i].kind {
            TypeKind::Struct(fields) => fields.iter_mut().zip(marks).for_each(|(f, m)| f.boxed = m),
            TypeKind::OneOf(o) => o.variants.iter_mut().zip(marks).for_each(|(v, m)| v.boxed = m),
            _ => {}
        }
    }
}

/// Tarjan's algorithm, iteratively (a deep type graph must not overflow the stack).
/// Returns each node's component id.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[v] == UNSEEN {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*edge) {
                *edge += 1;
                if index[w] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// One enum per distinct set of documented errors (same statuses, same body
/// types), named after its operation when it has one (`GetTaskError`), after
/// its body type when shared (`ErrorResponseByStatus`): a spec that documents
/// the same errors on 200 operations gets one enum, not 200.
fn error_enums(operations: &mut [Operation], root_names: &mut UniqueNames) -> Vec<ErrorEnum> {
    // (statuses with their body types, the operations documenting exactly those)
    type Key = Vec<(StatusMatch, Ty)>;
    let mut groups: Vec<(Key, Vec<usize>)> = Vec::new();
    let mut by_key: BTreeMap<Key, usize> = BTreeMap::new();
    for (i, op) in operations.iter().enumerate() {
        if op.errors.is_empty() {
            continue;
        }
        let key: Key = op.errors.iter().map(|e| (e.status, e.ty.clone())).collect();
        match by_key.get(&key) {
            Some(&g) => groups[g].1.push(i),
            None => {
                by_key.insert(key.clone(), groups.len());
                groups.push((key, vec![i]));
            }
        }
    }
    let mut enums = Vec::with_capacity(groups.len());
    for (key, members) in groups {
        let first = &operations[members[0]];
        let wanted = match (members.len(), &key[..]) {
            (1, _) => format!("{}Error", type_name(first.ident.trim_start_matches("r#"))),
            (_, [(_, Ty::Named(body)), rest @ ..]) if rest.iter().all(|(_, ty)| *ty == Ty::Named(body.clone())) => {
                format!("{body}ByStatus")
            }
            _ => "ErrorBodies".to_owned(),
        };
        let name = root_names.claim(wanted);
        // A variant's doc (the response's description) is kept where all agree.
        let mut variants = first.errors.clone();
        for (v, variant) in variants.iter_mut().enumerate() {
            if members.iter().any(|&m| operations[m].errors[v].doc != variant.doc) {
                variant.doc = None;
            }
        }
        for &m in &members {
            operations[m].error_enum = Some(name.clone());
        }
        let idents = members.iter().map(|&m| operations[m].ident.clone()).collect();
        enums.push(ErrorEnum { name, operations: idents, variants });
    }
    enums
}

/// Enum variants whose payload is estimated above this many bytes are boxed,
/// so that one large variant does not make every value of the enum large.
const LARGE_VARIANT: usize = 128;

/// Boxes the large variants of `oneOf` enums and of operations' error enums.
fn box_large_variants(types: &mut [TypeDef], operations: &mut [Operation]) {
    let sizes = Sizes::new(types);
    let marks: Vec<(usize, Vec<bool>)> = types
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match &t.kind {
            TypeKind::OneOf(o) => Some((i, o.variants.iter().map(|v| !v.boxed && sizes.of(&v.ty) > LARGE_VARIANT).collect())),
            _ => None,
        })
        .collect();
    for op in operations.iter_mut() {
        for e in &mut op.errors {
            e.boxed = sizes.of(&e.ty) > LARGE_VARIANT;
        }
    }
    for (i, marks) in marks {
        if let TypeKind::OneOf(o) = &mut types[i].kind {
            for (v, large) in o.variants.iter_mut().zip(marks) {
                v.boxed |= large;
            }
        }
    }
}

/// Estimated in-memory sizes of named types (x86-64 layouts of the emitted types).
struct Sizes {
    named: HashMap<String, usize>,
}

impl Sizes {
    fn new(types: &[TypeDef]) -> Self {
        let index: HashMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut named = HashMap::new();
        // Iterate to a fixed point instead of recursing: cycles are boxed already,
        // and a type not yet sized counts as a pointer.
        for _ in 0..8 {
            let mut changed = false;
            for t in types {
                let size = Self::def_size(t, &named, &index);
                if named.insert(t.name.clone(), size) != Some(size) {
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Sizes { named }
    }

    fn def_size(t: &TypeDef, named: &HashMap<String, usize>, index: &HashMap<&str, &TypeDef>) -> usize {
        let of = |ty: &Ty| Self::ty_size(ty, named);
        match &t.kind {
            TypeKind::Struct(fields) => fields
                .iter()
                .map(|f| {
                    let inner = if f.boxed { 8 } else { of(&f.ty) };
                    match (f.is_double_option(), f.is_option()) {
                        (true, _) => inner + 16,
                        (false, true) => inner + 8,
                        (false, false) => inner,
                    }
                })
                .sum(),
            TypeKind::StringEnum(_) => 24,
            TypeKind::OneOf(o) => o.variants.iter().map(|v| if v.boxed { 8 } else { of(&v.ty) }).max().unwrap_or(0).max(32) + 8,
            TypeKind::Alias(ty) => {
                let _ = index;
                of(ty)
            }
        }
    }

    fn ty_size(ty: &Ty, named: &HashMap<String, usize>) -> usize {
        match ty {
            Ty::Bool => 1,
            Ty::I32 | Ty::F32 | Ty::Date => 4,
            Ty::I64 | Ty::U64 | Ty::F64 => 8,
            Ty::DateTime => 12,
            Ty::String | Ty::Vec(_) | Ty::Map(_) | Ty::Bytes => 24,
            Ty::Json => 32,
            Ty::Named(n) => named.get(n).copied().unwrap_or(8),
        }
    }

    fn of(&self, ty: &Ty) -> usize {
        Self::ty_size(ty, &self.named)
    }
}

/// For each `oneOf`, the required string fields all its variants share (`text`).
fn fill_common_fields(types: &mut [TypeDef]) {
    let index: BTreeMap<String, usize> = types.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    let str_fields = |ty: &Ty| -> Option<Vec<String>> {
        let Ty::Named(n) = ty else { return None };
        let TypeKind::Struct(fields) = &types[*index.get(n)?].kind else { return None };
        Some(fields.iter().filter(|f| f.ty == Ty::String && !f.is_option()).map(|f| f.ident.clone()).collect())
    };
    let updates: Vec<(usize, Vec<String>)> = types
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let TypeKind::OneOf(o) = &t.kind else { return None };
            let mut sets = o.variants.iter().map(|v| str_fields(&v.ty));
            let mut common = sets.next()??;
            for set in sets {
                let set = set?;
                common.retain(|f| set.contains(f));
            }
            // An accessor must not clash with the enum's own methods.
            common.retain(|f| !matches!(f.as_str(), "clone" | "fmt" | "serialize" | "deserialize" | "eq"));
            (!common.is_empty()).then_some((i, common))
        })
        .collect();
    for (i, common) in updates {
        if let TypeKind::OneOf(o) = &mut types[i].kind {
            o.common_str_fields = common;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_without_recursion() {
        // 0 → 1 → 0, 2 → 2, 3 → 0
        let comps = strongly_connected(&[vec![1], vec![0], vec![2], vec![0]]);
        assert_eq!(comps[0], comps[1]);
        assert_ne!(comps[0], comps[2]);
        assert_ne!(comps[3], comps[0]);
        let long: Vec<Vec<usize>> = (0..100_000).map(|i| if i + 1 < 100_000 { vec![i + 1] } else { vec![0] }).collect();
        let comps = strongly_connected(&long);
        assert!(comps.iter().all(|&c| c == comps[0]));
    }

    #[test]
    fn pointers_unescape() {
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        assert_eq!(unescape("My%20Schema"), "My Schema");
        assert_eq!(unescape("100%"), "100%");
    }
}
