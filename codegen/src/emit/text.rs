//! Rust source written straight in the layout prettyplease gives it.
//!
//! The most regular items of a crate (a struct and its serde impls, an open
//! enum and its impls) are most of its lines. Emitting them as tokens meant
//! syn parsing every one back before prettyplease printed it, and that was
//! most of generation's time. They are written here as text instead, in
//! prettyplease's own layout for code that fits its margin: an item is one
//! line per statement, field or arm; a call is on one line when that line
//! fits, otherwise one argument a line; a tuple or slice the same.
//!
//! What is not decided here is not guessed: an item with a line past the
//! margin (a very long name, a long literal) leaves as
//! [`Piece::Source`](crate::format::Piece::Source), and prettyplease lays it
//! out. `tests/tests/layout.rs` checks every emitted file, over every spec
//! the tests and the corpus hold and names of every length up to past the
//! margin, against prettyplease's layout of the same code.
//!
//! Spec strings reach the text as they reach tokens: a string as the text of
//! `proc_macro2::Literal::string` (escaped), a name only if it is an
//! identifier, and prose only in a `///` comment after `sanitize_doc`.

use proc_macro2::Literal;

use crate::format::Piece;
use crate::model::Ty;

/// prettyplease's line width.
const MARGIN: usize = 89;
/// prettyplease's indentation step.
const INDENT: usize = 4;

/// Source text of one item, written line by line at `depth` levels of module
/// nesting, and whether every line fitted the margin; with the pieces of its
/// parts that did not (see [`Src::part`]) or that are tokens, in order.
pub(crate) struct Src {
    out: String,
    depth: usize,
    fits: bool,
    done: Vec<Piece>,
}

impl Src {
    pub(crate) fn new(depth: usize) -> Src {
        Src { out: String::with_capacity(4096), depth, fits: true, done: Vec::new() }
    }

    /// A part of the item written by `write`, `nested` levels in (0: an item beside
    /// this one, such as an impl after its struct; 1: a member of an impl): if one
    /// of its lines does not fit, only the part goes to prettyplease.
    pub(crate) fn part(&mut self, nested: usize, write: impl FnOnce(&mut Src)) {
        let mut part = Src::new(self.depth + nested);
        write(&mut part);
        if part.fits && part.done.is_empty() {
            self.out.push_str(&part.out);
        } else {
            self.flush();
            self.done.extend(part.finish());
        }
    }

    /// A part of the item given as tokens, `nested` levels in, for prettyplease to lay out.
    pub(crate) fn tokens(&mut self, nested: usize, tokens: proc_macro2::TokenStream) {
        self.flush();
        self.done.push(Piece::Tokens { tokens, depth: self.depth + nested });
    }

    fn flush(&mut self) {
        if !self.out.is_empty() {
            self.done.push(Piece::Formatted(std::mem::take(&mut self.out)));
        }
    }

    /// Whether a line `len` bytes long, `level` steps into the item, fits the margin.
    pub(crate) fn fits_at(&self, level: usize, len: usize) -> bool {
        (self.depth + level) * INDENT + len <= MARGIN
    }

    /// One line, `level` steps into the item, made of `parts`.
    pub(crate) fn line(&mut self, level: usize, parts: &[&str]) {
        let indent = (self.depth + level) * INDENT;
        let len: usize = parts.iter().map(|p| p.len()).sum();
        self.fits &= indent + len <= MARGIN;
        self.out.extend(std::iter::repeat_n(' ', indent));
        for part in parts {
            self.out.push_str(part);
        }
        self.out.push('\n');
    }

    /// A line prettyplease has no place to break (an identifier, a path with no
    /// generic arguments, after a prefix with none either): it stays whole,
    /// however long, so it does not count against the margin.
    pub(crate) fn whole_line(&mut self, level: usize, parts: &[&str]) {
        let fits = self.fits;
        self.line(level, parts);
        self.fits = fits;
    }

    /// A `///` line for each line of a spec description, as prettyplease
    /// prints `#[doc = " line"]` (trailing spaces trimmed). A comment is never
    /// broken, so it does not count against the margin.
    /// Returns whether it wrote a line.
    pub(crate) fn doc(&mut self, level: usize, text: Option<&str>) -> bool {
        let Some(text) = text else { return false };
        let text = super::sanitize_doc(text);
        for line in text.lines() {
            self.doc_line(level, line);
        }
        !text.is_empty()
    }

    /// A `///` line of text the generator wrote, or spec text already made safe.
    /// Text with a line break is written as the `#[doc]` attribute it is and
    /// left to prettyplease (which prints it so).
    pub(crate) fn doc_line(&mut self, level: usize, line: &str) {
        if line.contains('\n') {
            let value = string(&format!(" {line}"));
            self.fits = false;
            self.line(level, &["#[doc = ", &value, "]"]);
            return;
        }
        self.out.extend(std::iter::repeat_n(' ', (self.depth + level) * INDENT));
        let line = line.trim_end_matches(' ');
        self.out.push_str(if line.is_empty() { "///" } else { "/// " });
        self.out.push_str(line);
        self.out.push('\n');
    }

    /// A function's signature and the `{` of its body: `head` (`pub fn name(`),
    /// the arguments, `)`, ` -> ret` unless `ret` is empty. On one line when it
    /// fits; otherwise one argument a line, and `) -> ret {` after them, each
    /// laid out as [`Src::ty_line`] (prettyplease breaks a signature so).
    pub(crate) fn signature(&mut self, level: usize, head: &str, args: &[&str], ret: &str) {
        let arrow = if ret.is_empty() { "" } else { " -> " };
        let flat = head.len() + args.iter().map(|a| a.len()).sum::<usize>() + 2 * args.len().saturating_sub(1) + 1 + arrow.len() + ret.len() + 2;
        if self.fits_at(level, flat) {
            self.line(level, &[head, &args.join(", "), ")", arrow, ret, " {"]);
            return;
        }
        self.line(level, &[head]);
        for (i, arg) in args.iter().enumerate() {
            self.ty_line(level + 1, "", arg, ",", usize::from(i + 1 < args.len()));
        }
        if ret.is_empty() {
            self.line(level, &[") {"]);
        } else {
            self.ty_line(level, ") -> ", ret, " {", 2);
        }
    }

    /// `head` `items` `tail`, with `items` separated by `, ` on one line when
    /// it fits; otherwise `head` ends its line and each item is a line of its
    /// own, one step in, with a comma after it, before `tail` (prettyplease's
    /// consistent break of call arguments, tuples and slices). `head` ends with
    /// the opening delimiter and `tail` starts with the closing one.
    /// A `(x,)` tuple is written with `one_tuple`.
    pub(crate) fn list(&mut self, level: usize, head: &str, items: &[&str], tail: &str) {
        let flat = head.len() + items.iter().map(|i| i.len()).sum::<usize>() + 2 * items.len().saturating_sub(1) + tail.len();
        if self.fits_at(level, flat) {
            self.out.extend(std::iter::repeat_n(' ', (self.depth + level) * INDENT));
            self.out.push_str(head);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.out.push_str(item);
            }
            self.out.push_str(tail);
            self.out.push('\n');
        } else {
            self.broken(level, head, items, tail);
        }
    }

    /// The last (or only) argument of a broken list, `head items close` and
    /// its comma: laid out as [`Src::list`] lays out `head items close`, for
    /// that comma is one prettyplease writes only when the list breaks, and
    /// does not measure.
    pub(crate) fn last_arg(&mut self, level: usize, head: &str, items: &[&str], close: &str) {
        let flat = head.len() + items.iter().map(|i| i.len()).sum::<usize>() + 2 * items.len().saturating_sub(1) + close.len();
        if self.fits_at(level, flat) {
            self.out.extend(std::iter::repeat_n(' ', (self.depth + level) * INDENT));
            self.out.push_str(head);
            self.out.push_str(&items.join(", "));
            self.out.push_str(close);
            self.out.push_str(",\n");
        } else {
            self.broken(level, head, items, &format!("{close},"));
        }
    }

    /// `head`, then each item on a line of its own with a comma, then `tail`.
    fn broken(&mut self, level: usize, head: &str, items: &[&str], tail: &str) {
        self.line(level, &[head]);
        for item in items {
            self.line(level + 1, &[item, ","]);
        }
        self.line(level, &[tail]);
    }

    /// A one-element tuple: `(item,)` on one line, or broken as [`Src::list`] breaks.
    pub(crate) fn one_tuple(&mut self, level: usize, head: &str, item: &str, tail: &str) {
        if self.fits_at(level, head.len() + item.len() + 1 + tail.len()) {
            self.line(level, &[head, item, ",", tail]);
        } else {
            self.broken(level, head, &[item], tail);
        }
    }

    /// A type after `prefix`, followed by `after` (of which `counted` bytes are
    /// text prettyplease measures with the type: a `,` it writes only when the
    /// line breaks is not). A type that does not fit breaks as prettyplease
    /// breaks generic arguments: `Path<` ends the line, each argument is laid
    /// out the same way a step in, and `>` with `after` closes it.
    pub(crate) fn ty_line(&mut self, level: usize, prefix: &str, ty: &str, after: &str, counted: usize) {
        match generic_args(ty) {
            Some((path, args, tail)) if !self.fits_at(level, prefix.len() + ty.len() + counted) => {
                self.line(level, &[prefix, path, "<"]);
                for (i, arg) in args.iter().enumerate() {
                    let last = i + 1 == args.len();
                    self.ty_line(level + 1, "", arg, ",", usize::from(!last));
                }
                self.line(level, &[">", tail, after]);
            }
            Some(_) => self.line(level, &[prefix, ty, after]),
            None => self.whole_line(level, &[prefix, ty, after]),
        }
    }

    /// A tuple type after `head` (which ends with `(`), then `tail`: on one
    /// line if it fits, else one element a line (each laid out as [`Src::ty_line`]).
    pub(crate) fn tuple_ty(&mut self, level: usize, head: &str, elems: &[String], tail: &str) {
        let single = elems.len() == 1;
        let flat = head.len() + elems.iter().map(|e| e.len()).sum::<usize>() + 2 * elems.len().saturating_sub(1) + usize::from(single) + tail.len();
        if self.fits_at(level, flat) {
            self.out.extend(std::iter::repeat_n(' ', (self.depth + level) * INDENT));
            self.out.push_str(head);
            self.out.push_str(&elems.join(", "));
            if single {
                self.out.push(',');
            }
            self.out.push_str(tail);
            self.out.push('\n');
            return;
        }
        self.line(level, &[head]);
        for (i, elem) in elems.iter().enumerate() {
            // A one-element tuple's comma is always written, and measured; a last one's is not.
            let counted = single || i + 1 < elems.len();
            self.ty_line(level + 1, "", elem, ",", usize::from(counted));
        }
        self.line(level, &[tail]);
    }

    /// `before path { fields }tail`, a struct literal as prettyplease writes
    /// one: on one line only when it is narrow (prettyplease breaks a struct
    /// literal wider than 34 columns) and the line fits, else one field a line.
    pub(crate) fn struct_literal(&mut self, level: usize, before: &str, path: &str, fields: &[String], tail: &str) {
        if fields.is_empty() {
            self.line(level, &[before, path, " {}", tail]);
            return;
        }
        // prettyplease's width of a struct literal: its path, ` { `, the fields, and a space.
        let width = path.len() + 4 + fields.iter().map(|f| f.len()).sum::<usize>() + 2 * (fields.len() - 1);
        let joined = fields.join(", ");
        if width <= 34 && self.fits_at(level, before.len() + path.len() + 3 + joined.len() + 2 + tail.len()) {
            self.line(level, &[before, path, " { ", &joined, " }", tail]);
            return;
        }
        self.line(level, &[before, path, " {"]);
        for f in fields {
            self.line(level + 1, &[f, ","]);
        }
        self.line(level, &["}", tail]);
    }

    /// `head for name {`, the first line of a trait impl: on one line if it
    /// fits, else broken before `for`, as prettyplease breaks it.
    pub(crate) fn impl_head(&mut self, head: &str, name: &str) {
        if self.fits_at(0, head.len() + " for ".len() + name.len() + " {".len()) {
            self.line(0, &[head, " for ", name, " {"]);
        } else {
            self.line(0, &[head]);
            self.line(0, &["for ", name, " {"]);
        }
    }

    /// A `match` arm whose body is an expression: `pat => body,` when that
    /// fits (the comma not measured), else the body in braces on a line of its own.
    pub(crate) fn arm(&mut self, level: usize, pat: &str, body: &str) {
        if self.fits_at(level, pat.len() + 4 + body.len()) {
            self.out.extend(std::iter::repeat_n(' ', (self.depth + level) * INDENT));
            for part in [pat, " => ", body, ","] {
                self.out.push_str(part);
            }
            self.out.push('\n');
        } else {
            self.line(level, &[pat, " => {"]);
            self.line(level + 1, &[body]);
            self.line(level, &["}"]);
        }
    }

    /// The item as pieces of its file: written, or for prettyplease to lay out
    /// if one of its own lines did not fit (then with its parts, as source).
    pub(crate) fn finish(mut self) -> Vec<Piece> {
        if self.fits {
            self.flush();
            return self.done;
        }
        let mut text = String::new();
        for piece in self.done.drain(..) {
            match piece {
                Piece::Formatted(part) | Piece::Source { text: part, .. } => text.push_str(&part),
                Piece::Tokens { tokens, .. } => {
                    text.push_str(&tokens.to_string());
                    text.push('\n');
                }
            }
        }
        text.push_str(&self.out);
        vec![Piece::Source { text, depth: self.depth }]
    }
}

/// A generic type's path, its arguments and what follows them (`Path<A, B> + 'a`),
/// as [`ty`] and emit write them: the first `<` opens the arguments.
fn generic_args(ty: &str) -> Option<(&str, Vec<&str>, &str)> {
    let open = ty.find('<')?;
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, open + 1);
    for (i, c) in ty.char_indices().filter(|&(i, _)| i > open) {
        match c {
            '<' => depth += 1,
            '>' if depth == 0 => {
                args.push(ty[start..i].trim_start());
                return Some((&ty[..open], args, &ty[i + 1..]));
            }
            '>' => depth -= 1,
            ',' if depth == 0 => {
                args.push(ty[start..i].trim_start());
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

/// A name from [`naming`](crate::naming) as it goes into source: checked to
/// be an identifier (ASCII, as naming makes them; `r#` for a raw one), so no
/// string becomes code this way, as `proc_macro2::Ident::new` checks it for tokens.
pub(crate) fn ident(name: &str) -> &str {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    let mut chars = bare.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && bare != "_";
    assert!(valid, "`{name}` is not an identifier naming.rs makes");
    name
}

/// A string literal, escaped, as `Literal::string` prints it in tokens.
pub(crate) fn string(s: &str) -> String {
    Literal::string(s).to_string()
}

/// The Rust type for `ty` as prettyplease prints its tokens; `qualified`
/// prefixes named types with `super::types::` (see [`super::ty_tokens`]).
pub(crate) fn ty(ty: &Ty, qualified: bool) -> String {
    let mut out = String::new();
    push_ty(&mut out, ty, qualified);
    out
}

fn push_ty(out: &mut String, ty: &Ty, qualified: bool) {
    match ty {
        Ty::String => out.push_str("::std::string::String"),
        Ty::Bool => out.push_str("bool"),
        Ty::I32 => out.push_str("i32"),
        Ty::I64 => out.push_str("i64"),
        Ty::U64 => out.push_str("u64"),
        Ty::F32 => out.push_str("f32"),
        Ty::F64 => out.push_str("f64"),
        Ty::DateTime => out.push_str("::client_runtime::chrono::DateTime<::client_runtime::chrono::Utc>"),
        Ty::Date => out.push_str("::client_runtime::chrono::NaiveDate"),
        Ty::Json => out.push_str("::serde_json::Value"),
        Ty::Bytes => out.push_str("::std::vec::Vec<u8>"),
        Ty::File => out.push_str("::client_runtime::FilePart"),
        Ty::Vec(inner) => {
            out.push_str("::std::vec::Vec<");
            push_ty(out, inner, qualified);
            out.push('>');
        }
        Ty::Map(inner) => {
            out.push_str("::std::collections::BTreeMap<::std::string::String, ");
            push_ty(out, inner, qualified);
            out.push('>');
        }
        Ty::Named(name) => {
            if qualified {
                out.push_str("super::types::");
            }
            out.push_str(ident(name));
        }
    }
}
