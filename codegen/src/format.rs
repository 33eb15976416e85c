//! Format: tokens to source text with prettyplease, behind the header.

use proc_macro2::TokenStream;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Formats one Rust file. A parse failure here is a generator bug, reported
/// as a diagnostic rather than a panic.
pub fn rust_file(file: &str, header: &str, tokens: TokenStream) -> Result<String, Diagnostics> {
    let body = prettyplease::unparse(&parse(file, tokens)?);
    Ok(format!("// {header}\n\n{}\n", body.trim_end()))
}

/// Formats one Rust file piece by piece: its inner attributes, then each
/// piece of items as it is emitted. Only one piece's syntax tree is alive at a
/// time, so memory follows the largest item, not the whole file.
pub fn rust_file_pieces(
    file: &str,
    header: &str,
    inner_attrs: TokenStream,
    pieces: impl Iterator<Item = TokenStream>,
) -> Result<String, Diagnostics> {
    let mut out = format!("// {header}\n\n");
    out.push_str(&prettyplease::unparse(&parse(file, inner_attrs)?));
    for piece in pieces {
        out.push_str(&prettyplease::unparse(&parse(file, piece)?));
    }
    Ok(format!("{}\n", out.trim_end()))
}

fn parse(file: &str, tokens: TokenStream) -> Result<syn::File, Diagnostics> {
    syn::parse2::<syn::File>(tokens).map_err(|e| {
        Diagnostics::single(Diagnostic::new(
            file,
            "",
            format!("internal error: the generated code does not parse: {e}"),
            "please report this with the spec that caused it",
        ))
    })
}

/// Ends text with exactly one newline.
pub fn text_file(text: &str) -> String {
    format!("{}\n", text.trim_end())
}
