//! Emit: the model to tokens (Rust) and text (README, Cargo.toml).
//!
//! Every spec string reaches the output as a string literal (`Literal::string`,
//! which escapes it) or as an identifier that [`naming`](crate::naming) made;
//! none is ever parsed as code.

mod client;
mod manifest;
mod text;
mod transcript;
mod types;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::format::Piece;
use crate::model::{Api, Ty};

pub use client::client_items;
pub use manifest::{cargo_toml, crate_version, readme, PackageMeta};
pub use transcript::transcript_items;
pub use types::types_items;

/// The crate root: docs from the README, the modules, the re-exports.
pub fn lib_rs(api: &Api) -> TokenStream {
    let items = root_items();
    let transcript = transcript::lib_item(api);
    quote! {
        #![doc = include_str!("../README.md")]

        pub mod types;
        mod client;
        #transcript

        #items
    }
}

/// The crate's items with the `types` and `client` modules inline: a module
/// body that can be embedded anywhere (every path in it is relative or absolute).
pub fn module(api: &Api) -> impl Iterator<Item = Piece> + '_ {
    let open = |head: &str| Piece::Formatted(format!("{head} {{\n"));
    let close = || Piece::Formatted("}\n".to_owned());
    std::iter::once(Piece::tokens(root_items()))
        .chain(std::iter::once(open("pub mod types")))
        .chain(types_items(&api.types, &api.request_only, 1))
        .chain([close(), open("mod client")])
        .chain(client_items(api, 1))
        .chain(std::iter::once(close()))
}

/// The whole crate as one file, for snapshot tests: [`module`] plus a `main`,
/// so it builds as a binary, warnings denied.
pub fn single_file(api: &Api) -> impl Iterator<Item = Piece> + '_ {
    std::iter::once(Piece::tokens(quote!(#![deny(warnings)])))
        .chain(module(api))
        .chain(std::iter::once(Piece::tokens(quote!(fn main() {}))))
}

fn root_items() -> TokenStream {
    quote! {
        pub use client::*;
        pub use ::client_runtime::{ApiError, BuildError, DecodeError, InvalidRequest, NoErrorBody, PaginationError, Response, RetryBudget, RetryCosts, RetryPolicy};
        /// The runtime this crate is built on, for its `reqwest`, `futures_util` and `chrono`.
        pub use ::client_runtime;

        /// The error of every call. `E` holds the error bodies the operation
        /// documents, one variant per status; `Error::Api` carries them.
        pub type Error<E = ::client_runtime::NoErrorBody> = ::client_runtime::Error<E>;
    }
}

/// An identifier the naming module produced (`r#type` included).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The identifier as serde sees it (`r#type` is `type`).
pub(crate) fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// The Rust type for `ty`; `qualified` prefixes named types with `super::types::`
/// (from the `client` module; `super`, not `crate`, so the emitted modules can be
/// embedded in another crate, see `codegen::generate_module`).
pub(crate) fn ty_tokens(ty: &Ty, qualified: bool) -> TokenStream {
    type_tokens(&text::ty(ty, qualified))
}

/// Tokens of a type [`text::ty`] wrote (paths, generics and identifiers only).
pub(crate) fn type_tokens(ty: &str) -> TokenStream {
    ty.parse().expect("a type made of naming.rs identifiers and fixed paths is Rust")
}

/// `#[doc = "..."]` lines for a spec description, made safe for rustdoc.
pub(crate) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else { return TokenStream::new() };
    let text = sanitize_doc(text);
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        let lit = Literal::string(&line);
        quote!(#[doc = #lit])
    });
    quote!(#(#lines)*)
}

/// The API as prose names it: the spec's title, with " API" after it unless the title
/// already says so (`Notion API`, `Acme API (Conversations API)`, `conversations-api`).
pub(crate) fn api_name(title: &str) -> String {
    let names_itself = title.split(|c: char| !c.is_alphanumeric()).any(|w| w.eq_ignore_ascii_case("api"));
    if names_itself {
        title.to_owned()
    } else {
        format!("{title} API")
    }
}

/// Makes spec prose safe as rustdoc Markdown:
///
/// - code fences become ```` ```text ````, and indentation is capped at three spaces, so no
///   code block in a description is ever compiled as a doctest;
/// - bidirectional-override and other control characters are dropped (rustc
///   refuses the former in comments, and they can make text read other than it is);
/// - outside code spans, `[`, `]` and `<` are escaped and bare URLs become `<url>`
///   autolinks (see [`escape_prose`]), so spec prose triggers no rustdoc lint;
/// - trailing blank lines go.
pub(crate) fn sanitize_doc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    // The content column of the list item being continued, if any.
    let mut item_column: Option<usize> = None;
    for line in text.lines() {
        // Tabs count as four columns, as in Markdown.
        let indent: usize = line.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum();
        let line: String = line.chars().filter(|c| !is_hidden_char(*c)).collect();
        let line = line.trim();
        if line.starts_with("```") || line.starts_with("~~~") {
            out.push_str(if in_fence { "```" } else { "```text" });
            in_fence = !in_fence;
            item_column = None;
        } else if line.is_empty() {
            item_column = None;
        } else if in_fence {
            out.push_str(line);
        } else {
            // Never the four spaces that make an (indented, compiled) code
            // block; a list item's continuation lines up with its content.
            let indent = match (list_marker_len(line), item_column) {
                (Some(marker), _) => {
                    let indent = indent.min(3);
                    item_column = Some(indent + marker);
                    indent
                }
                (None, Some(column)) => column,
                (None, None) => indent.min(3),
            };
            out.push_str(&" ".repeat(indent));
            out.push_str(&escape_prose(line));
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_owned()
}

/// One line of spec prose as Markdown rustdoc accepts under `-D warnings`, read the same:
/// `[x]` would be an intra-doc link (`broken_intra_doc_links`) and `<x>` an HTML tag
/// (`invalid_html_tags`, and spec HTML has no business in the docs), so `[`, `]` and
/// `<` are backslash-escaped, except in an inline link `[text](url)`; a bare
/// `http(s)://` URL (`bare_urls`) becomes an autolink. Code spans are left as they are.
fn escape_prose(line: &str) -> String {
    // Most prose has nothing to escape, link or keep apart: it stays as it is.
    if !line.contains(['[', ']', '<', '`']) && !line.contains("http") {
        return line.to_owned();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut code_run = 0; // the backtick run that opened the current code span
    let mut in_link = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            if code_run == 0 {
                let closes = (i + run..chars.len()).any(|j| {
                    chars[j] == '`' && chars[j..].iter().take_while(|&&c| c == '`').count() == run && (j == 0 || chars[j - 1] != '`')
                });
                if closes {
                    code_run = run;
                }
            } else if run == code_run {
                code_run = 0;
            }
            out.extend(&chars[i..i + run]);
            i += run;
            continue;
        }
        if code_run > 0 {
            out.push(c);
            i += 1;
            continue;
        }
        let rest = &chars[i..];
        if starts_with(rest, "<http://") || starts_with(rest, "<https://") {
            if let Some(end) = chars[i..].iter().position(|&c| c == '>') {
                // Already an autolink.
                out.extend(&chars[i..=i + end]);
                i += end + 1;
                continue;
            }
        }
        if starts_with(rest, "http://") || starts_with(rest, "https://") {
            let after_link_open = out.ends_with("](");
            let len = url_len(&chars[i..]);
            let url: String = chars[i..i + len].iter().collect();
            if after_link_open {
                out.push_str(&url);
            } else {
                out.push('<');
                out.push_str(&url);
                out.push('>');
            }
            i += len;
            continue;
        }
        match c {
            '[' if !in_link && inline_link_end(&chars[i..]).is_some() => {
                in_link = true;
                out.push('[');
            }
            ']' if in_link && chars.get(i + 1) == Some(&'(') => {
                in_link = false;
                out.push(']');
            }
            '[' | ']' | '<' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether `chars` starts with `prefix`.
fn starts_with(chars: &[char], prefix: &str) -> bool {
    let mut chars = chars.iter();
    prefix.chars().all(|p| chars.next() == Some(&p))
}

/// The length of the URL at the start of `chars`: up to whitespace, `<`, `>` or a
/// backtick, less trailing punctuation (and a `)` it does not open).
fn url_len(chars: &[char]) -> usize {
    let mut len = chars.iter().take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '`' | '"')).count();
    loop {
        let opens = chars[..len].iter().filter(|&&c| c == '(').count();
        let closes = chars[..len].iter().filter(|&&c| c == ')').count();
        match chars[..len].last() {
            Some('.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '_' | ']') => len -= 1,
            Some(')') if closes > opens => len -= 1,
            _ => return len,
        }
    }
}

/// For `[text](url)` at the start of `chars`, where it ends. Only a web or mail URL
/// counts: rustdoc reads any other target (`ref:block`, `Foo`) as an intra-doc link.
fn inline_link_end(chars: &[char]) -> Option<usize> {
    let close = chars.iter().position(|&c| c == ']')?;
    if chars[1..close].contains(&'[') || chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let target: String = chars[close + 2..].iter().take(8).collect();
    if !["http://", "https://", "mailto:"].iter().any(|scheme| target.starts_with(scheme)) {
        return None;
    }
    let end = chars[close..].iter().position(|&c| c == ')')?;
    Some(close + end + 1)
}

/// The width of a list marker and its space (`- `, `* `, `+ `, `12. `, `3) `), if `line` starts with one.
fn list_marker_len(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().get(digits) {
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        _ => return None,
    };
    (line.as_bytes().get(marker) == Some(&b' ')).then_some(marker + 1)
}

fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_api_is_named_once() {
        assert_eq!(api_name("Notion API"), "Notion API");
        assert_eq!(api_name("Acme API (Conversations API)"), "Acme API (Conversations API)");
        assert_eq!(api_name("conversations-api"), "conversations-api");
        assert_eq!(api_name("Spotify Web"), "Spotify Web API");
        assert_eq!(api_name("Rapid"), "Rapid API", "a word that starts with api is not the word");
        assert_eq!(api_name("Apiary"), "Apiary API");
    }

    use super::*;

    #[test]
    fn docs_cannot_become_doctests_or_hide_text() {
        let text = "Intro\n```\nfn main() { evil() }\n```\n    indented();\nend \u{202e}reversed\r";
        assert_eq!(sanitize_doc(text), "Intro\n```text\nfn main() { evil() }\n```\n   indented();\nend reversed");
        // List items' lazy continuations line up with the item's content.
        assert_eq!(sanitize_doc("- item\ncontinued\n      over\n\n\t\ttabbed"), "- item\n  continued\n  over\n\n   tabbed");
        assert_eq!(sanitize_doc("10. ten\nmore\n* star"), "10. ten\n    more\n* star");
        assert_eq!(sanitize_doc("```rust\nx\n"), "```text\nx\n```");
    }

    #[test]
    fn prose_triggers_no_rustdoc_lint_and_reads_the_same() {
        let cases = [
            ("See https://example.com/a_(b).", "See <https://example.com/a_(b)>."),
            ("(docs: https://example.com/x), more", "(docs: <https://example.com/x>), more"),
            ("A [link](https://example.com) here", "A [link](https://example.com) here"),
            ("Already <https://example.com>", "Already <https://example.com>"),
            ("Set [dependencies] or [Foo::bar]", "Set \\[dependencies\\] or \\[Foo::bar\\]"),
            ("A <b>tag</b> and a<c", "A \\<b>tag\\</b> and a\\<c"),
            ("Code `[x] <y> https://z` stays", "Code `[x] <y> https://z` stays"),
            ("Unclosed ` tick [x]", "Unclosed ` tick \\[x\\]"),
            ("[a] then [b](https://b.example)", "\\[a\\] then [b](https://b.example)"),
            ("[block objects](ref:block) and [x](Foo)", "\\[block objects\\](ref:block) and \\[x\\](Foo)"),
        ];
        for (text, want) in cases {
            assert_eq!(sanitize_doc(text), want, "{text}");
        }
        // Fenced blocks are left alone.
        assert_eq!(sanitize_doc("```\n[x] <y>\n```"), "```text\n[x] <y>\n```");
    }

    #[test]
    fn doc_text_is_a_literal_never_code() {
        let tokens = doc_attrs(Some("*/ \"#] } fn x() {}"));
        assert_eq!(tokens.to_string(), r##"# [doc = " */ \"#\\] } fn x() {}"]"##);
    }
}
