//! Schemas to types: `$ref`s, primitive types, structs, maps, `allOf`, and `$ref`-only cycles.

use super::*;

impl<'a> Resolver<'a> {
    pub(super) fn define_components(&mut self) {
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
    pub(super) fn external_ref(&mut self, reference: &str, pointer: &str) {
        let file = reference.split('#').next().unwrap_or(reference);
        self.error(
            pointer,
            format!("`$ref: {reference}` points into another file (`{file}`); the generator reads one self-contained document"),
            "bundle the spec into one file first (e.g. `redocly bundle` or `swagger-cli bundle`), or move what it points to into this document's `components`",
        );
    }

    /// The component schema a `$ref` names, with its key.
    pub(super) fn schema_target(&self, reference: &str) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let key = reference.strip_prefix("#/components/schemas/")?;
        let (key, schema) = self.components()?.schemas.get_key_value(&unescape(key))?;
        Some((key.as_str(), schema))
    }

    pub(super) fn reference_ty(&mut self, reference: &str, pointer: &str) -> Ty {
        if let Some(ty) = self.nested_reference_ty(reference) {
            return ty;
        }
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

    /// Follows `$ref`s to the schema itself (bounded, so a cycle of refs ends),
    /// into a component schema or a schema nested in one.
    pub(super) fn deref(&self, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.deref_reference(reference, 0),
        }
    }

    pub(super) fn deref_boxed(&self, schema: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.deref_reference(reference, 0),
        }
    }

    fn deref_reference(&self, reference: &str, depth: usize) -> Option<&'a Schema> {
        if depth > 32 {
            return None;
        }
        let target = match self.schema_target(reference) {
            Some((_, target)) => target,
            None => return self.nested_target(reference, depth),
        };
        match target {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.deref_reference(reference, depth + 1),
        }
    }

    /// The schema a `$ref` names inside a component schema
    /// (`#/components/schemas/Envelope/properties/page`, `…/items`,
    /// `…/additionalProperties`, `…/allOf/0`): a JSON pointer like any other,
    /// though most tools only write refs to whole components.
    fn nested_target(&self, reference: &str, depth: usize) -> Option<&'a Schema> {
        let rest = reference.strip_prefix("#/components/schemas/")?;
        let segments: Vec<String> = rest.split('/').map(unescape).collect();
        let (key, path) = segments.split_first()?;
        if path.is_empty() {
            return None;
        }
        let component = match self.components()?.schemas.get(key)? {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { reference } => self.deref_reference(reference, depth + 1)?,
        };
        let follow = |schema: &'a ReferenceOr<Schema>| match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.deref_reference(reference, depth + 1),
        };
        let follow_boxed = |schema: &'a ReferenceOr<Box<Schema>>| match schema {
            ReferenceOr::Item(s) => Some(&**s),
            ReferenceOr::Reference { reference } => self.deref_reference(reference, depth + 1),
        };
        let mut schema = component;
        let mut path = path.iter();
        while let Some(segment) = path.next() {
            schema = match (segment.as_str(), &schema.schema_kind) {
                ("properties", SchemaKind::Type(Type::Object(o))) => follow_boxed(o.properties.get(path.next()?)?)?,
                ("properties", SchemaKind::Any(a)) => follow_boxed(a.properties.get(path.next()?)?)?,
                ("items", SchemaKind::Type(Type::Array(a))) => follow_boxed(a.items.as_ref()?)?,
                ("items", SchemaKind::Any(a)) => follow_boxed(a.items.as_ref()?)?,
                ("additionalProperties", SchemaKind::Type(Type::Object(o))) => match o.additional_properties.as_ref()? {
                    AdditionalProperties::Schema(s) => follow(s)?,
                    AdditionalProperties::Any(_) => return None,
                },
                ("allOf", SchemaKind::AllOf { all_of: list })
                | ("oneOf", SchemaKind::OneOf { one_of: list })
                | ("anyOf", SchemaKind::AnyOf { any_of: list }) => follow(list.get(path.next()?.parse::<usize>().ok()?)?)?,
                _ => return None,
            };
        }
        Some(schema)
    }

    /// The type of a `$ref` to a schema nested in a component (see
    /// [`Self::nested_target`]): the schema's own type, named from where it is
    /// (`EnvelopePage`) unless it has one already, one however many refs name it.
    fn nested_reference_ty(&mut self, reference: &str) -> Option<Ty> {
        if let Some(ty) = self.nested_refs.get(reference) {
            return Some(ty.clone());
        }
        let schema = self.nested_target(reference, 0)?;
        let address: *const Schema = schema;
        if let Some(name) = self.inline_types.get(&address).or_else(|| self.expanding.get(&address)) {
            let ty = Ty::Named(name.clone());
            self.nested_refs.insert(reference.to_owned(), ty.clone());
            return Some(ty);
        }
        let rest = reference.strip_prefix("#/components/schemas/")?;
        let ctx: String = rest
            .split('/')
            .map(unescape)
            .filter(|s| !matches!(s.as_str(), "properties" | "additionalProperties" | "allOf" | "oneOf" | "anyOf"))
            .map(|s| if s == "items" { "Item".to_owned() } else { type_name(&s) })
            .collect();
        if !self.nested_resolving.insert(reference.to_owned()) {
            // `owner: {allOf: [$ref: …/owner]}`: found again while finding its own type.
            self.error(
                reference.trim_start_matches('#'),
                format!("`$ref: {reference}` reaches the schema it is in with nothing in between, so it describes no value"),
                "give the schema a real definition (an object, a type), or point the `$ref` elsewhere",
            );
            return Some(Ty::Json);
        }
        let ty = self.schema_ty(schema, &ctx, reference.trim_start_matches('#'));
        self.nested_resolving.remove(reference);
        self.nested_refs.insert(reference.to_owned(), ty.clone());
        Some(ty)
    }

    pub(super) fn is_nullable(&self, schema: &'a ReferenceOr<Box<Schema>>) -> bool {
        self.deref_boxed(schema).is_some_and(|s| {
            s.schema_data.nullable
                || matches!(&s.schema_kind, SchemaKind::AllOf { all_of } if all_of.iter().any(|m| annotation(m).is_some_and(|d| d.nullable)))
        })
    }

    pub(super) fn boxed_ty(&mut self, schema: &ReferenceOr<Box<Schema>>, ctx: &str, pointer: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_ty(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_ty(schema, ctx, pointer),
        }
    }

    pub(super) fn ty(&mut self, schema: &ReferenceOr<Schema>, ctx: &str, pointer: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_ty(reference, pointer),
            ReferenceOr::Item(schema) => self.schema_ty(schema, ctx, pointer),
        }
    }

    /// The type of an inline schema; composite schemas become a new named type `ctx`.
    pub(super) fn schema_ty(&mut self, schema: &Schema, ctx: &str, pointer: &str) -> Ty {
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
        let address: *const Schema = schema;
        if let Some(name) = self.expanding.get(&address) {
            return Ty::Named(name.clone());
        }
        // Inside a copy (an `allOf` copying its members' properties), an inline
        // `allOf` that would copy again, or anything inside such a copy of a copy,
        // that already has a type is that type, under this name too. Expanding it
        // again would give an equal type (merged later), and copies nested in
        // copies multiply: time exponential in how many nest. Other schemas copied
        // one level deep (the common `allOf` of a `$ref` and more properties) are
        // still expanded, so that the merge names their types as ever.
        let copies = matches!(&schema.schema_kind, SchemaKind::AllOf { all_of } if sole_member(all_of).is_none());
        if self.copying > 1 || (self.copying == 1 && copies) {
            if let Some(first) = self.inline_types.get(&address).cloned() {
                let name = self.type_names.claim(type_name(ctx));
                self.push_type(TypeDef { name: name.clone(), doc: schema.schema_data.description.clone(), kind: TypeKind::Alias(Ty::Named(first)) });
                return Ty::Named(name);
            }
        }
        self.depth += 1;
        let name = self.type_names.claim(type_name(ctx));
        self.expanding.insert(address, name.clone());
        let kind = self.kind_of(&name, schema, pointer);
        self.expanding.remove(&address);
        self.inline_types.entry(address).or_insert_with(|| name.clone());
        self.depth -= 1;
        self.push_type(TypeDef { name: name.clone(), doc: schema.schema_data.description.clone(), kind });
        Ty::Named(name)
    }

    /// The type of a schema that needs no type of its own, `None` for one that does.
    pub(super) fn primitive_ty(&mut self, schema: &Schema, ctx: &str, pointer: &str) -> Option<Ty> {
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().all(Option::is_none) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
                _ => Ty::String,
            },
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.iter().all(Option::is_none) => match &i.format {
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
            SchemaKind::AllOf { all_of } if sole_member(all_of).is_some() => {
                let i = sole_member(all_of).unwrap_or_default();
                self.ty(&all_of[i], ctx, &format!("{pointer}/allOf/{i}"))
            }
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

    pub(super) fn map_ty(&mut self, additional: Option<&AdditionalProperties>, ctx: &str, pointer: &str) -> Ty {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.ty(schema, &format!("{ctx}Value"), &format!("{pointer}/additionalProperties"));
                Ty::Map(Box::new(value))
            }
            _ => Ty::Json,
        }
    }

    /// The definition of the named type `name` for `schema`.
    pub(super) fn kind_of(&mut self, name: &str, schema: &Schema, pointer: &str) -> TypeKind {
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
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.iter().any(Option::is_some) => {
                self.int_enum(name, &i.enumeration, &schema.schema_data.extensions, pointer)
            }
            SchemaKind::OneOf { one_of } => self.one_of(name, one_of, schema, &format!("{pointer}/oneOf")),
            SchemaKind::AnyOf { any_of } => match self.one_of(name, any_of, schema, &format!("{pointer}/anyOf")) {
                TypeKind::OneOf(o) if o.tagging == Tagging::Untagged && !self.disjoint_kinds(any_of) => one_of::any_of(o),
                kind => kind,
            },
            SchemaKind::AllOf { all_of } if sole_member(all_of).is_none() => self.all_of(name, all_of, pointer),
            _ => match self.primitive_ty(schema, name, pointer) {
                Some(ty) => TypeKind::Alias(ty),
                None => TypeKind::Alias(Ty::Json),
            },
        }
    }

    /// An integer enum: one variant per value (repeats dropped), named from the
    /// `x-enum-varnames` (or `x-enumNames`) the spec gives, else from the value.
    pub(super) fn int_enum(
        &mut self,
        name: &str,
        enumeration: &[Option<i64>],
        extensions: &indexmap::IndexMap<String, serde_json::Value>,
        pointer: &str,
    ) -> TypeKind {
        let given = self.enum_names(enumeration, extensions, pointer);
        let mut names = UniqueNames::with_reserved(&["Unknown"]);
        let mut seen = std::collections::BTreeSet::new();
        let values = enumeration
            .iter()
            .enumerate()
            .filter_map(|(i, value)| Some((given.as_ref().map(|g| g[i].as_str()), (*value)?)))
            .filter(|(_, value)| seen.insert(*value))
            .map(|(given, value)| {
                let wanted = one_of::without_suffix(one_of::without_prefix(int_variant_name(value, given), name), name);
                IntEnumValue { ident: names.claim(wanted), value }
            })
            .collect();
        TypeKind::IntEnum(values)
    }

    /// The variant names an enum's `x-enum-varnames` or `x-enumNames` gives, one
    /// per entry of `enum` (`null` included or not), or `None` without them.
    fn enum_names(
        &mut self,
        enumeration: &[Option<i64>],
        extensions: &indexmap::IndexMap<String, serde_json::Value>,
        pointer: &str,
    ) -> Option<Vec<String>> {
        let (key, names) = ["x-enum-varnames", "x-enumNames"].iter().find_map(|k| Some((*k, extensions.get(*k)?)))?;
        let names: Option<Vec<String>> = names.as_array().and_then(|a| a.iter().map(|n| n.as_str().map(str::to_owned)).collect());
        let values = enumeration.iter().filter(|v| v.is_some()).count();
        match names {
            Some(names) if names.len() == enumeration.len() => Some(names),
            // One name per value, with the `null` of a nullable enum left out.
            Some(names) if names.len() == values => {
                let mut names = names.into_iter();
                Some(enumeration.iter().map(|v| if v.is_some() { names.next().unwrap_or_default() } else { String::new() }).collect())
            }
            found => {
                let what = match found {
                    Some(names) => format!("has {} names for the {values} values of `enum`", names.len()),
                    None => "is not a list of strings".to_owned(),
                };
                self.error(
                    &format!("{pointer}/{key}"),
                    format!("`{key}` {what}"),
                    format!("give `{key}` one name per value of `enum`, in the same order, or remove it"),
                );
                None
            }
        }
    }

    pub(super) fn fields<'p>(
        &mut self,
        owner: &str,
        properties: impl IntoIterator<Item = (&'p String, &'p ReferenceOr<Box<Schema>>)>,
        required: &[String],
        pointer: &str,
    ) -> Vec<Field> {
        let mut names = UniqueNames::new();
        properties
            .into_iter()
            .map(|(wire, schema)| {
                let pointer = format!("{pointer}/properties/{}", token(wire));
                let ty = self.boxed_ty(schema, &format!("{owner}{}", type_name(wire)), &pointer);
                let doc = self.deref_boxed(schema).and_then(|s| s.schema_data.description.clone().or_else(|| annotation_doc(s)));
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
    pub(super) fn additional_field(&mut self, fields: &mut Vec<Field>, additional: Option<&AdditionalProperties>, owner: &str, pointer: &str) {
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
    pub(super) fn all_of(&mut self, name: &str, parts: &[ReferenceOr<Schema>], pointer: &str) -> TypeKind {
        let mut properties: indexmap::IndexMap<&String, &ReferenceOr<Box<Schema>>> = indexmap::IndexMap::new();
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
        self.copying += 1;
        let fields = self.fields(name, properties, &required, pointer);
        self.copying -= 1;
        TypeKind::Struct(fields)
    }

    pub(super) fn collect_properties(
        &self,
        schema: &'a Schema,
        properties: &mut indexmap::IndexMap<&'a String, &'a ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                properties.extend(&o.properties);
                required.extend(o.required.iter().cloned());
            }
            SchemaKind::Any(a) => {
                properties.extend(&a.properties);
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


    /// Schemas that are only `$ref`s to each other (`A: {$ref: B}`, `B: {$ref: A}`)
    /// describe no value at all; as Rust they would be `type A = B; type B = A;`.
    pub(super) fn check_alias_cycles(&mut self) {
        let target = |t: &TypeDef| match &t.kind {
            TypeKind::Alias(Ty::Named(n)) => Some(n.clone()),
            _ => None,
        };
        let key_of: HashMap<String, String> = self.components.iter().map(|(k, v)| (v.clone(), k.clone())).collect();
        // Each type is an alias of at most one other: a functional graph, whose
        // cycles one walk per type finds in linear time (each type is walked once).
        let next: Vec<Option<usize>> =
            self.types.iter().map(|t| target(t).and_then(|n| self.index.get(&n).copied())).collect();
        // 0: not walked yet, 1: on the current walk, 2: walked.
        let mut state = vec![0u8; self.types.len()];
        let mut cycles: Vec<Vec<usize>> = Vec::new();
        for start in 0..self.types.len() {
            let mut walk = Vec::new();
            let mut current = Some(start);
            while let Some(i) = current {
                match state[i] {
                    0 => {
                        state[i] = 1;
                        walk.push(i);
                        current = next[i];
                    }
                    1 => {
                        // Back on this walk: from `i` to the walk's end is a cycle.
                        let from = walk.iter().position(|&w| w == i).unwrap_or(0);
                        let mut cycle = walk[from..].to_vec();
                        // Named from its member that comes first, as a reader meets them.
                        let first = cycle.iter().enumerate().min_by_key(|(_, &t)| t).map_or(0, |(p, _)| p);
                        cycle.rotate_left(first);
                        cycles.push(cycle);
                        break;
                    }
                    _ => break,
                }
            }
            for i in walk {
                state[i] = 2;
            }
        }
        cycles.sort_by_key(|cycle| cycle[0]);
        let cycles: Vec<Vec<String>> =
            cycles.into_iter().map(|cycle| cycle.into_iter().map(|i| self.types[i].name.clone()).collect()).collect();
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
}

/// An `allOf` member that only annotates (`{description: …}`, `{nullable: true}`):
/// no type, no properties, no constraint. Its schema data, for one that is.
fn annotation(member: &ReferenceOr<Schema>) -> Option<&SchemaData> {
    match member {
        ReferenceOr::Item(Schema { schema_data, schema_kind: SchemaKind::Any(any) }) if *any == AnySchema::default() => Some(schema_data),
        _ => None,
    }
}

/// The one member of an `allOf` that says what the value is, when the others
/// only annotate it: `allOf: [$ref: Repo, {description: The parent}]`, the
/// usual way to document a `$ref`, is the `$ref` (with the description as the
/// field's doc), not a copy of `Repo`.
fn sole_member(all_of: &[ReferenceOr<Schema>]) -> Option<usize> {
    let mut substantive = (0..all_of.len()).filter(|&i| annotation(&all_of[i]).is_none());
    match (substantive.next(), substantive.next()) {
        (Some(i), None) => Some(i),
        _ => None,
    }
}

/// The description an annotating `allOf` member gives the schema.
fn annotation_doc(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.iter().filter_map(annotation).find_map(|d| d.description.clone()),
        _ => None,
    }
}
