//! Format: tokens to source text with prettyplease, behind the header.

use proc_macro2::TokenStream;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Formats one Rust file. A parse failure here is a generator bug, reported
/// as a diagnostic rather than a panic.
pub fn rust_file(file: &str, header: &str, tokens: TokenStream) -> Result<String, Diagnostics> {
    let parsed = syn::parse2::<syn::File>(tokens).map_err(|e| {
        Diagnostics::single(Diagnostic::new(
            file,
            "",
            format!("internal error: the generated code does not parse: {e}"),
            "please report this with the spec that caused it",
        ))
    })?;
    let body = prettyplease::unparse(&parsed);
    Ok(format!("// {header}\n\n{}\n", body.trim_end()))
}

/// Ends text with exactly one newline.
pub fn text_file(text: &str) -> String {
    format!("{}\n", text.trim_end())
}
