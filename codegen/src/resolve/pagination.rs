//! Pagination: the `x-pagination` extension, or the common cursor shape recognised without it.

use super::*;

impl<'a> Resolver<'a> {
    pub(super) fn resolve_pagination(&mut self, operations: &mut [(Operation, Option<serde_json::Value>)]) {
        for (op, extension) in operations.iter_mut() {
            op.pagination = match extension {
                Some(ext) => self.declared_pagination(op, ext),
                None => self.implicit_pagination(op),
            };
        }
    }

    pub(super) fn declared_pagination(&mut self, op: &Operation, ext: &serde_json::Value) -> Option<Pagination> {
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
    pub(super) fn walk(&self, start: &Ty, pointer: &str) -> Option<(Vec<Step>, Ty)> {
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

    pub(super) fn unalias(&self, ty: &Ty) -> Ty {
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
    pub(super) fn implicit_pagination(&self, op: &Operation) -> Option<Pagination> {
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
