//! Reachability: which types requests reach and which responses reach.
//!
//! A type only requests reach is never decoded by the client, so it is emitted
//! without `Deserialize` (whose derive is the larger half of a type's compile
//! cost). Every other type keeps both directions: a type a response reaches is
//! decoded, and re-encoding a response as it came is a documented feature (the
//! example programs print messages as JSON, the seed tests re-encode every
//! documented response); a type nothing reaches (a webhook payload, say) is
//! the user's to decode or encode.

use std::collections::BTreeSet;

use super::*;

/// The types that requests reach and nothing decoded does, sorted by name.
/// Decoded are the types responses reach and, since the user may decode
/// those, the types no request reaches, with everything they hold.
pub(super) fn request_only(types: &[TypeDef], operations: &[Operation]) -> BTreeSet<String> {
    let index: HashMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let requests = reached(&index, operations.iter().flat_map(|op| op.params.iter().map(|p| &p.ty)));
    let unreached: Vec<Ty> = types.iter().filter(|t| !requests.contains(t.name.as_str())).map(|t| Ty::Named(t.name.clone())).collect();
    let responses = operations.iter().flat_map(|op| {
        let success = match &op.success {
            Success::Json(ty) => Some(ty),
            Success::Bytes | Success::Empty => None,
        };
        success.into_iter().chain(op.errors.iter().map(|e| &e.ty))
    });
    let decoded = reached(&index, responses.chain(&unreached));
    requests.difference(&decoded).map(|name| (*name).to_owned()).collect()
}

/// Every named type reachable from `roots`, through fields, variants, aliases,
/// items and map values (iteratively: a deep graph must not overflow the stack).
fn reached<'t>(index: &HashMap<&str, &'t TypeDef>, roots: impl Iterator<Item = &'t Ty>) -> BTreeSet<&'t str> {
    let mut seen = BTreeSet::new();
    let mut work: Vec<&Ty> = roots.collect();
    while let Some(ty) = work.pop() {
        match ty {
            Ty::Vec(inner) | Ty::Map(inner) => work.push(inner),
            Ty::Named(name) => {
                let Some(def) = index.get(name.as_str()) else { continue };
                if !seen.insert(def.name.as_str()) {
                    continue;
                }
                match &def.kind {
                    TypeKind::Struct(fields) => work.extend(fields.iter().map(|f| &f.ty)),
                    TypeKind::OneOf(o) => work.extend(o.variants.iter().map(|v| &v.ty)),
                    TypeKind::AnyOf(a) => work.extend(a.members.iter().map(|m| &m.ty)),
                    TypeKind::Alias(ty) => work.push(ty),
                    TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
                }
            }
            _ => {}
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, fields: &[(&str, Ty)]) -> TypeDef {
        let fields = fields
            .iter()
            .map(|(n, ty)| Field { wire: (*n).into(), ident: (*n).into(), ty: ty.clone(), required: true, nullable: false, boxed: false, flatten: false, doc: None })
            .collect();
        TypeDef { name: name.into(), doc: None, kind: TypeKind::Struct(fields) }
    }

    fn op(body: &str, success: &str) -> Operation {
        Operation {
            ident: "op".into(),
            operation_id: "op".into(),
            builder: "OpRequest".into(),
            error_enum: None,
            method: Method::Post,
            path: "/".into(),
            path_parts: Vec::new(),
            doc: None,
            params: vec![Param {
                wire: String::new(),
                ident: "body".into(),
                location: ParamLocation::Body,
                ty: Ty::Named(body.into()),
                required: true,
                doc: None,
                minimum: None,
                maximum: None,
                default: None,
                explode: true,
            }],
            body_encoding: Some(BodyEncoding::Json),
            success: Success::Json(Ty::Named(success.into())),
            errors: Vec::new(),
            pagination: None,
        }
    }

    #[test]
    fn only_what_nothing_decodes_loses_deserialize() {
        let named = |n: &str| Ty::Named(n.into());
        let types = vec![
            def("New", &[("tags", Ty::Vec(Box::new(named("Tag")))), ("owner", named("Owner"))]),
            def("Tag", &[]),
            def("Owner", &[]),
            def("Created", &[("owner", named("Owner"))]),
            // Reached by no operation, so a user may decode it; what it holds decodes too.
            def("Webhook", &[("tag", named("Tag"))]),
            def("Patch", &[("note", named("Note"))]),
            def("Note", &[]),
        ];
        let ops = vec![op("New", "Created"), op("Patch", "Created")];
        let only: Vec<String> = request_only(&types, &ops).into_iter().collect();
        assert_eq!(only, ["New", "Note", "Patch"]);
    }
}
