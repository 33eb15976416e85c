//! `oneOf` classification (externally tagged, discriminated, untagged), variant names, and the string fields all variants share.

use super::*;

impl<'a> Resolver<'a> {
    pub(super) fn one_of(&mut self, name: &str, members: &[ReferenceOr<Schema>], schema: &Schema, pointer: &str) -> TypeKind {
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

}

impl<'a> Resolver<'a> {
    /// Whether each member describes a JSON kind (string, number, boolean,
    /// array, object) no other member does, so that no value matches two and
    /// the first match is the only one.
    pub(super) fn disjoint_kinds(&self, members: &'a [ReferenceOr<Schema>]) -> bool {
        let mut kinds = Vec::new();
        for member in members {
            let kind = match self.deref(member).map(|s| &s.schema_kind) {
                Some(SchemaKind::Type(Type::String(_))) => "string",
                Some(SchemaKind::Type(Type::Integer(_) | Type::Number(_))) => "number",
                Some(SchemaKind::Type(Type::Boolean(_))) => "boolean",
                Some(SchemaKind::Type(Type::Array(_))) => "array",
                Some(SchemaKind::Type(Type::Object(_))) => "object",
                _ => return false,
            };
            if kinds.contains(&kind) {
                return false;
            }
            kinds.push(kind);
        }
        true
    }
}

/// An untagged `anyOf` as a struct of its members: each variant becomes an
/// optional field named after it (`Email` → `email`), and the catch-all a field
/// of its own, `unknown` (a member named so is `unknown2`).
pub(super) fn any_of(one_of: OneOf) -> TypeKind {
    let mut names = UniqueNames::with_reserved(&["unknown"]);
    let members = one_of
        .variants
        .into_iter()
        .map(|v| Field {
            wire: String::new(),
            ident: names.claim(field_name(&v.ident)),
            ty: v.ty,
            required: false,
            nullable: false,
            boxed: v.boxed,
            flatten: false,
            doc: v.doc,
        })
        .collect();
    TypeKind::AnyOf(AnyOf { members, unknown: "unknown".into() })
}

/// `FilterVariant0` in enum `Filter` is `Filter::Variant0`: a variant named
/// after its enum says it twice (and trips `clippy::enum_variant_names`).
pub(super) fn without_prefix(variant: String, enum_name: &str) -> String {
    match variant.strip_prefix(enum_name) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_owned(),
        _ => variant,
    }
}

/// `LowPriority` in enum `Priority` is `Priority::Low`, for the same reason.
pub(super) fn without_suffix(variant: String, enum_name: &str) -> String {
    match variant.strip_suffix(enum_name) {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => variant,
    }
}

pub(super) fn primitive_variant_name(ty: &Ty, i: usize) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "Bool".into(),
        Ty::I32 | Ty::I64 | Ty::U64 => "Integer".into(),
        Ty::F32 | Ty::F64 => "Number".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Date => "Date".into(),
        Ty::Vec(_) => "Array".into(),
        Ty::Map(_) => "Map".into(),
        Ty::File => "File".into(),
        Ty::Json | Ty::Bytes | Ty::Named(_) => format!("Variant{i}"),
    }
}

/// For each `oneOf`, the required string fields all its variants share (`text`).
pub(super) fn fill_common_fields(types: &mut [TypeDef]) {
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
