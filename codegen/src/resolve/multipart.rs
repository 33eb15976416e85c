//! Multipart bodies: `format: binary` properties become file parts.

use super::*;

impl<'a> Resolver<'a> {
    /// Turns the `format: binary` properties of the multipart body `ty` (for
    /// `schema`) into file parts: the struct's field becomes a
    /// `client_runtime::FilePart` (an array of them for an array of binaries).
    /// Returns, for those properties, the media type the `encoding` of `media`
    /// gives them, where it names exactly one (no list, no wildcard).
    ///
    /// Only here: elsewhere (a JSON body, a response) `format: binary` has no
    /// meaning JSON can carry, and the property stays a `String`.
    pub(super) fn file_parts(&mut self, ty: &Ty, schema: &'a ReferenceOr<Schema>, media: &MediaType) -> Vec<(String, String)> {
        let Ty::Named(name) = ty else { return Vec::new() };
        let Some(body) = self.deref(schema) else { return Vec::new() };
        let mut properties = indexmap::IndexMap::new();
        self.collect_properties(body, &mut properties, &mut Vec::new(), 0);
        let files: Vec<(String, Ty)> = properties
            .iter()
            .filter_map(|(wire, property)| {
                let property = self.deref_boxed(property)?;
                let ty = match &property.schema_kind {
                    SchemaKind::Type(Type::Array(a)) if a.items.as_ref().and_then(|i| self.deref_boxed(i)).is_some_and(is_binary) => {
                        Ty::Vec(Box::new(Ty::File))
                    }
                    _ if is_binary(property) => Ty::File,
                    _ => return None,
                };
                Some(((*wire).clone(), ty))
            })
            .collect();
        let Some(&i) = self.index.get(name) else { return Vec::new() };
        let TypeKind::Struct(fields) = &mut self.types[i].kind else { return Vec::new() };
        let mut file_types = Vec::new();
        for (wire, ty) in files {
            let Some(field) = fields.iter_mut().find(|f| f.wire == wire) else { continue };
            field.ty = ty;
            let content_type = media.encoding.get(&wire).and_then(|e| e.content_type.as_deref()).map(str::trim);
            if let Some(content_type) = content_type.filter(|c| !c.is_empty() && !c.contains([',', '*'])) {
                file_types.push((wire, content_type.to_owned()));
            }
        }
        file_types
    }
}

fn is_binary(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
}
