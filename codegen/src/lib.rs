//! The generator: an OpenAPI document in, the files of a Rust client crate out.
//!
//! The stages follow the data, each in its own module:
//! [`load`] → [`normalise`] → [`resolve`] (into [`model`]) → [`emit`] → [`format`].
//! Nothing here touches the file system: [`generate`] returns the crate's files
//! and the caller (xtask) decides where they go.

use std::collections::BTreeMap;

mod diagnostics;

pub use diagnostics::{Diagnostic, Diagnostics};

/// What to generate, and from what.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The spec's path as the user should see it in messages and headers, e.g. `specs/moveworks.yaml`.
    pub file_name: &'a str,
    /// The document's text, YAML or JSON.
    pub text: &'a str,
    /// The Cargo package name of the crate to emit, e.g. `moveworks-client`.
    pub crate_name: &'a str,
    /// Path of the runtime crate relative to the emitted crate's directory, e.g. `../../runtime`.
    pub runtime_path: &'a str,
    /// The command that regenerates the crate, named in every file's header.
    pub command: &'a str,
}

/// The files of one emitted crate: path relative to the crate root → contents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeneratedCrate {
    pub files: BTreeMap<String, String>,
}

/// Generates a client crate from one OpenAPI document.
pub fn generate(input: &Input<'_>) -> Result<GeneratedCrate, Diagnostics> {
    let _ = input;
    Err(Diagnostics::single(Diagnostic::new(input.file_name, "", "the generator is not wired yet", "")))
}
