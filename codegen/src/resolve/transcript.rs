//! `x-transcript`: how an operation's items become the common messages of the
//! `conversation-transcript` crate. Every pointer is checked against the item schema here, so
//! emit only ever sees fields and variants that exist.
//!
//! ```yaml
//! x-transcript:
//!   id: /message_id              # a string
//!   role: /actor                 # a string or string enum
//!   role-map: {USER: user}       # wire value -> user | assistant | system | tool | another word
//!   text: /content               # a string, or a oneOf whose variants are in text-variants
//!   text-variants: {plain_text: /text, image: null}
//!   created-at: /created_at      # a date-time
//!   order: newest-first          # or oldest-first (the default)
//!   items: /messages             # unpaged operations only: the array in the body ("" = the body)
//!   citations: {items: /citations, offset: /location/offset, url: /url, title: /display/title, text: /display/body}
//! ```

use super::*;

const KEYS: &[&str] = &["id", "role", "role-map", "text", "text-variants", "created-at", "order", "items", "citations"];
const CITATION_KEYS: &[&str] = &["items", "offset", "url", "title", "text"];
const EXAMPLE: &str = "e.g. `x-transcript: {id: /id, role: /role, text: /content, created-at: /created_at}`";

/// One `x-transcript` being read: where it is, and what it says.
struct Ext<'e> {
    pointer: String,
    value: &'e serde_json::Value,
}

impl Ext<'_> {
    fn str(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(|v| v.as_str())
    }

    fn at(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, token(key))
    }
}

impl<'a> Resolver<'a> {
    pub(super) fn resolve_transcript(&mut self, operations: &[(Operation, Option<serde_json::Value>)]) -> Option<Transcript> {
        let mut found = Vec::new();
        for (path, item) in self.spec.paths.iter() {
            let ReferenceOr::Item(item) = item else { continue };
            for (method, op) in item.iter() {
                if let Some(value) = op.extensions.get("x-transcript") {
                    found.push((format!("/paths/{}/{method}/x-transcript", token(path)), path.clone(), method.to_owned(), value));
                }
            }
        }
        let mut transcript = None;
        for (i, (pointer, path, method, value)) in found.into_iter().enumerate() {
            if i > 0 {
                self.error(&pointer, "a second operation declares `x-transcript`", "a client implements `Conversations` once: keep `x-transcript` on one operation");
                continue;
            }
            let op = operations.iter().map(|(op, _)| op).find(|op| op.path == path && op.method.as_str().eq_ignore_ascii_case(&method));
            let Some(op) = op else { continue };
            transcript = self.transcript(op, &Ext { pointer, value });
        }
        transcript
    }

    fn transcript(&mut self, op: &Operation, ext: &Ext<'_>) -> Option<Transcript> {
        let Some(map) = ext.value.as_object() else {
            self.error(&ext.pointer, "`x-transcript` must be a mapping", EXAMPLE);
            return None;
        };
        for key in map.keys().filter(|k| !KEYS.contains(&k.as_str())) {
            self.error(&ext.at(key), format!("`{key}` is not a key of `x-transcript`"), format!("the keys are {}", KEYS.join(", ")));
        }
        let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
        let conversation_id = matches!(required[..], [p] if p.location == ParamLocation::Path && p.ty == Ty::String);
        if !conversation_id {
            self.error(
                &ext.pointer,
                "the operation of `x-transcript` must have exactly one required parameter, the conversation id (a string path parameter)",
                "put `x-transcript` on the operation that lists one conversation's messages",
            );
            return None;
        }
        let (paged, items, page_ty, item) = self.transcript_items(op, ext)?;
        let Ty::Named(item_ty) = self.unalias(&item) else {
            self.error(&ext.pointer, "the listed items are not objects", "`x-transcript` maps the fields of a message object");
            return None;
        };
        let newest_first = match ext.str("order") {
            None | Some("oldest-first") => false,
            Some("newest-first") => true,
            Some(other) => {
                self.error(&ext.at("order"), format!("`order: {other}` is neither `oldest-first` nor `newest-first`"), "say in which order the operation lists messages");
                false
            }
        };
        let item = Ty::Named(item_ty.clone());
        let mut one_ofs = Vec::new();
        let id = self.required_pointer(ext, "id", &item, Leaf::String);
        let role = self.role(ext, &item);
        let text = match ext.str("text") {
            Some(pointer) => self.text_source(ext, &ext.at("text"), &item, pointer, &mut one_ofs),
            None => None,
        };
        let created_at = match ext.str("created-at") {
            Some(pointer) => self.leaf(&ext.at("created-at"), &item, pointer, Leaf::DateTime).map(|(steps, _)| steps),
            None => None,
        };
        let citations = self.citations(ext, &item, &mut one_ofs);
        self.check_variant_keys(ext, &one_ofs);
        Some(Transcript {
            operation: op.ident.clone(),
            paged,
            items,
            page_ty,
            item_ty,
            newest_first,
            id: id?,
            role: role?,
            text,
            created_at,
            citations,
            one_ofs,
        })
    }

    /// Whether the operation pages, the steps to its items when it does not, the page type, the item type.
    fn transcript_items(&mut self, op: &Operation, ext: &Ext<'_>) -> Option<(bool, Vec<Step>, Ty, Ty)> {
        let Success::Json(page) = &op.success else {
            self.error(&ext.pointer, "the operation of `x-transcript` has no JSON success body", "document the 200 response's schema");
            return None;
        };
        if let Some(pagination) = &op.pagination {
            if ext.value.get("items").is_some() {
                self.error(&ext.at("items"), "`items` is for operations that do not page", "remove it: the items are those of the operation's pagination");
            }
            return Some((true, Vec::new(), page.clone(), pagination.item_ty.clone()));
        }
        let pointer = ext.str("items").unwrap_or("");
        match self.walk_checked(page, pointer) {
            Ok((steps, Ty::Vec(item))) if steps.iter().all(|s| !s.optional) => Some((false, steps, page.clone(), *item)),
            Ok(_) => {
                let message = if pointer.is_empty() {
                    "the success body is not an array, and `items` does not say where the messages are".to_owned()
                } else {
                    format!("`items: {pointer}` does not lead through required fields to an array")
                };
                self.error(&ext.at("items"), message, "give `items` as a JSON pointer into the success body, e.g. `/messages`");
                None
            }
            Err(e) => {
                self.error(&ext.at("items"), e, "give `items` as a JSON pointer into the success body, e.g. `/messages`");
                None
            }
        }
    }

    fn required_pointer(&mut self, ext: &Ext<'_>, key: &str, item: &Ty, leaf: Leaf) -> Option<Vec<Step>> {
        let Some(pointer) = ext.str(key) else {
            self.error(&ext.at(key), format!("`x-transcript` needs `{key}`, a JSON pointer into the message"), EXAMPLE);
            return None;
        };
        self.leaf(&ext.at(key), item, pointer, leaf).map(|(steps, _)| steps)
    }

    fn role(&mut self, ext: &Ext<'_>, item: &Ty) -> Option<RoleMapping> {
        let steps = self.required_pointer(ext, "role", item, Leaf::Role)?;
        let (_, end) = self.walk_checked(item, ext.str("role")?).ok()?;
        let values: Option<Vec<String>> = match &end {
            Ty::Named(name) => match self.index.get(name).map(|&i| &self.types[i].kind) {
                Some(TypeKind::StringEnum(values)) => Some(values.iter().map(|v| v.wire.clone()).collect()),
                _ => None,
            },
            _ => None,
        };
        let mut map = Vec::new();
        match ext.value.get("role-map") {
            None => {}
            Some(serde_json::Value::Object(entries)) => {
                for (wire, role) in entries {
                    let at = format!("{}/{}", ext.at("role-map"), token(wire));
                    let Some(role) = role.as_str() else {
                        self.error(&at, format!("the role for `{wire}` is not a string"), "map each wire value to user, assistant, system, tool or another word");
                        continue;
                    };
                    if let Some(values) = values.as_ref().filter(|v| !v.contains(wire)) {
                        self.error(&at, format!("`{wire}` is not a value of the role field's enum"), format!("its values are {}", values.join(", ")));
                        continue;
                    }
                    map.push((wire.clone(), role.to_owned()));
                }
            }
            Some(_) => self.error(&ext.at("role-map"), "`role-map` must be a mapping", "e.g. `role-map: {inbound: user, outbound: assistant}`"),
        }
        Some(RoleMapping { steps, map })
    }

    fn text_source(&mut self, ext: &Ext<'_>, at: &str, start: &Ty, pointer: &str, one_ofs: &mut Vec<OneOfText>) -> Option<TextSource> {
        let (steps, end) = self.leaf(at, start, pointer, Leaf::Text)?;
        let Ty::Named(name) = &end else { return Some(TextSource::Str(steps)) };
        let Some(TypeKind::OneOf(one_of)) = self.index.get(name).map(|&i| &self.types[i].kind) else { return Some(TextSource::Str(steps)) };
        if !one_ofs.iter().any(|o| &o.ty == name) {
            let one_of = one_of.clone();
            let text = self.one_of_text(ext, at, name, &one_of)?;
            one_ofs.push(text);
        }
        Some(TextSource::OneOf { steps, ty: name.clone() })
    }

    /// The text of each variant of a `oneOf`, from `text-variants`.
    fn one_of_text(&mut self, ext: &Ext<'_>, at: &str, name: &str, one_of: &OneOf) -> Option<OneOfText> {
        let listed = ext.value.get("text-variants").and_then(|v| v.as_object());
        let tags: Vec<&str> = one_of.variants.iter().map(|v| v.wire.as_str()).collect();
        if matches!(one_of.tagging, Tagging::Untagged) {
            self.error(at, format!("`{name}` is a oneOf without tags, so `text-variants` cannot name its variants"), "point `text` at a string, or give the oneOf one distinct key per variant or a discriminator");
            return None;
        }
        let Some(listed) = listed else {
            self.error(at, format!("this leads to the oneOf `{name}`, and `x-transcript` has no `text-variants`"), format!("add `text-variants` with a JSON pointer to the text in each variant ({}), or null for none", tags.join(", ")));
            return None;
        };
        let mut variants = Vec::new();
        let mut ok = true;
        for variant in &one_of.variants {
            let vat = format!("{}/{}", ext.at("text-variants"), token(&variant.wire));
            match listed.get(&variant.wire) {
                None => {
                    self.error(&ext.at("text-variants"), format!("the variant `{}` of `{name}` is not listed", variant.wire), "list every variant, with null for one that holds no text");
                    ok = false;
                }
                Some(serde_json::Value::Null) => variants.push((variant.ident.clone(), None)),
                Some(serde_json::Value::String(pointer)) => match self.leaf(&vat, &variant.ty, pointer, Leaf::String) {
                    Some((steps, _)) => variants.push((variant.ident.clone(), Some(steps))),
                    None => ok = false,
                },
                Some(_) => {
                    self.error(&vat, "a variant's text must be a JSON pointer or null", "e.g. `plain_text: /text`");
                    ok = false;
                }
            }
        }
        ok.then(|| OneOfText { ty: name.to_owned(), variants })
    }

    /// Every `text-variants` key names a variant of some oneOf a text path reaches.
    fn check_variant_keys(&mut self, ext: &Ext<'_>, one_ofs: &[OneOfText]) {
        let Some(listed) = ext.value.get("text-variants").and_then(|v| v.as_object()) else { return };
        let tags: Vec<String> = one_ofs
            .iter()
            .filter_map(|o| self.index.get(&o.ty))
            .filter_map(|&i| match &self.types[i].kind {
                TypeKind::OneOf(one_of) => Some(one_of.variants.iter().map(|v| v.wire.clone())),
                _ => None,
            })
            .flatten()
            .collect();
        let unknown: Vec<String> = listed.keys().filter(|k| !tags.contains(k)).cloned().collect();
        for key in unknown {
            let help = if tags.is_empty() { "no text path leads to a oneOf: remove `text-variants`".to_owned() } else { format!("the variants are {}", tags.join(", ")) };
            self.error(&format!("{}/{}", ext.at("text-variants"), token(&key)), format!("`{key}` is no variant of a oneOf that a text path reaches"), help);
        }
    }

    fn citations(&mut self, ext: &Ext<'_>, item: &Ty, one_ofs: &mut Vec<OneOfText>) -> Option<CitationMapping> {
        let value = ext.value.get("citations")?;
        let at = ext.at("citations");
        let Some(map) = value.as_object() else {
            self.error(&at, "`citations` must be a mapping", "e.g. `citations: {items: /citations, url: /url, title: /title}`");
            return None;
        };
        for key in map.keys().filter(|k| !CITATION_KEYS.contains(&k.as_str())) {
            self.error(&format!("{at}/{}", token(key)), format!("`{key}` is not a key of `citations`"), format!("the keys are {}", CITATION_KEYS.join(", ")));
        }
        let get = |key: &str| map.get(key).and_then(|v| v.as_str());
        let Some(items) = get("items") else {
            self.error(&format!("{at}/items"), "`citations` needs `items`, a JSON pointer to the message's array of citations", "e.g. `items: /citations`");
            return None;
        };
        let (steps, end) = self.leaf(&format!("{at}/items"), item, items, Leaf::Array)?;
        let Ty::Vec(inner) = end else { return None };
        let Ty::Named(item_ty) = self.unalias(&inner) else {
            self.error(&format!("{at}/items"), "the citations are not objects", "point `items` at an array of citation objects");
            return None;
        };
        let citation = Ty::Named(item_ty.clone());
        let offset = match get("offset") {
            Some(p) => self.leaf(&format!("{at}/offset"), &citation, p, Leaf::Integer).map(|(s, end)| (s, end == Ty::U64)),
            None => None,
        };
        let mut text = |r: &mut Self, key: &str| get(key).and_then(|p| r.text_source(ext, &format!("{at}/{key}"), &citation, p, one_ofs));
        let url = text(self, "url");
        let title = text(self, "title");
        let body = text(self, "text");
        Some(CitationMapping { steps, item_ty, offset, url, title, text: body })
    }

    /// Checks that `pointer` leads from `start` to a field of the kind `leaf` wants.
    fn leaf(&mut self, at: &str, start: &Ty, pointer: &str, leaf: Leaf) -> Option<(Vec<Step>, Ty)> {
        let (steps, end) = match self.walk_checked(start, pointer) {
            Ok(found) => found,
            Err(e) => {
                self.error(at, e, "point at a field of the schema, as a JSON pointer of property names (e.g. `/content/text`)");
                return None;
            }
        };
        let kind = match &end {
            Ty::Named(n) => self.index.get(n).map(|&i| &self.types[i].kind),
            _ => None,
        };
        let fits = match leaf {
            Leaf::String => end == Ty::String,
            Leaf::Text => end == Ty::String || matches!(kind, Some(TypeKind::OneOf(_))),
            Leaf::Role => end == Ty::String || matches!(kind, Some(TypeKind::StringEnum(_))),
            Leaf::DateTime => end == Ty::DateTime,
            Leaf::Integer => matches!(end, Ty::I32 | Ty::I64 | Ty::U64),
            Leaf::Array => matches!(end, Ty::Vec(_)),
        };
        if !fits {
            self.error(at, format!("`{pointer}` leads to a field that is not {}", leaf.what()), format!("point at {}", leaf.what()));
            return None;
        }
        Some((steps, end))
    }

    /// [`Resolver::walk`], saying which step does not exist. `""` is `start` itself.
    fn walk_checked(&self, start: &Ty, pointer: &str) -> Result<(Vec<Step>, Ty), String> {
        let mut ty = self.unalias(start);
        let mut steps = Vec::new();
        if pointer.is_empty() {
            return Ok((steps, ty));
        }
        let Some(rest) = pointer.strip_prefix('/') else {
            return Err(format!("`{pointer}` is not a JSON pointer (it must start with `/`)"));
        };
        let mut so_far = String::new();
        for part in rest.split('/') {
            let name = unescape(part);
            let fields = match &ty {
                Ty::Named(n) => match self.index.get(n).map(|&i| &self.types[i].kind) {
                    Some(TypeKind::Struct(fields)) => Some((n.clone(), fields)),
                    _ => None,
                },
                _ => None,
            };
            let Some((type_name, fields)) = fields else {
                return Err(format!("`{pointer}`: `{}` is not an object with properties, so it has no `{name}`", if so_far.is_empty() { "the schema" } else { &so_far }));
            };
            let Some(field) = fields.iter().find(|f| f.wire == name) else {
                let known: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
                return Err(format!("`{pointer}`: `{type_name}` has no property `{name}` (it has {})", known.join(", ")));
            };
            steps.push(Step { ident: field.ident.clone(), optional: field.is_option(), double: field.is_double_option() });
            so_far.push('/');
            so_far.push_str(part);
            ty = self.unalias(&field.ty);
        }
        Ok((steps, ty))
    }
}

#[derive(Clone, Copy)]
enum Leaf {
    String,
    Text,
    Role,
    DateTime,
    Integer,
    Array,
}

impl Leaf {
    fn what(self) -> &'static str {
        match self {
            Leaf::String => "a string",
            Leaf::Text => "a string or a oneOf listed in `text-variants`",
            Leaf::Role => "a string or a string enum",
            Leaf::DateTime => "a `format: date-time` string",
            Leaf::Integer => "an integer",
            Leaf::Array => "an array",
        }
    }
}
