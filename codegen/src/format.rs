//! Format: tokens to source text with prettyplease, behind the header.

use proc_macro2::TokenStream;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// A piece of a Rust file as emit hands it over.
pub enum Piece {
    /// Items as tokens, for prettyplease to lay out, `depth` modules deep.
    Tokens { tokens: TokenStream, depth: usize },
    /// Source already in prettyplease's layout (see `emit/text.rs`), kept as it is.
    Formatted(String),
    /// Source written by emit with a line past the margin, for prettyplease to
    /// lay out, `depth` modules deep.
    Source { text: String, depth: usize },
}

impl Piece {
    /// Top-level items as tokens.
    pub fn tokens(tokens: TokenStream) -> Piece {
        Piece::Tokens { tokens, depth: 0 }
    }
}

/// Formats one Rust file. A parse failure here is a generator bug, reported
/// as a diagnostic rather than a panic.
pub fn rust_file(file: &str, header: &str, tokens: TokenStream) -> Result<String, Diagnostics> {
    rust_file_pieces(file, header, std::iter::once(Piece::tokens(tokens)))
}

/// Formats one Rust file piece by piece, each as it is emitted: only one
/// piece's syntax tree is alive at a time, so memory follows the largest item,
/// not the whole file, and a piece emit wrote in its final layout is not parsed at all.
pub fn rust_file_pieces(file: &str, header: &str, pieces: impl Iterator<Item = Piece>) -> Result<String, Diagnostics> {
    let mut out = format!("// {header}\n\n");
    for piece in pieces {
        match piece {
            Piece::Formatted(text) => out.push_str(&text),
            Piece::Tokens { tokens, depth } => nested(&mut out, depth, syn::parse2(wrapped(depth, tokens)), file)?,
            Piece::Source { text, depth } => {
                let source = (0..depth).map(|_| "mod m {").chain([text.as_str()]).chain((0..depth).map(|_| "}")).collect::<Vec<_>>().join("\n");
                nested(&mut out, depth, syn::parse_file(&source), file)?
            }
        }
    }
    let len = out.trim_end().len();
    out.truncate(len);
    out.push('\n');
    Ok(out)
}

/// Items `depth` modules deep, so prettyplease indents them (and breaks their lines) as it would in place.
fn wrapped(depth: usize, tokens: TokenStream) -> TokenStream {
    (0..depth).fold(tokens, |inner, _| quote::quote!(mod m { #inner }))
}

/// Appends prettyplease's layout of `parsed`, without the `depth` wrapping modules' own lines.
fn nested(out: &mut String, depth: usize, parsed: syn::Result<syn::File>, file: &str) -> Result<(), Diagnostics> {
    let parsed = parsed.map_err(|e| {
        Diagnostics::single(Diagnostic::new(
            file,
            "",
            format!("internal error: the generated code does not parse: {e}"),
            "please report this with the spec that caused it",
        ))
    })?;
    let text = prettyplease::unparse(&parsed);
    if depth == 0 {
        out.push_str(&text);
        // A file of inner attributes alone ends without one.
        if !text.is_empty() && !text.ends_with('\n') {
            out.push('\n');
        }
        return Ok(());
    }
    let lines: Vec<&str> = text.lines().collect();
    // Empty items make `mod m {}`, one line, and nothing of their own.
    for line in lines.get(depth..lines.len().saturating_sub(depth)).unwrap_or_default() {
        out.push_str(line);
        out.push('\n');
    }
    Ok(())
}

/// Ends text with exactly one newline.
pub fn text_file(text: &str) -> String {
    format!("{}\n", text.trim_end())
}
