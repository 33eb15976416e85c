//! The generator: an OpenAPI document in, the files of a Rust client crate out.
//!
//! The stages follow the data, each in its own module and each taking only
//! the previous stage's output:
//!
//! [`load`] (text → JSON value) → [`normalise`] (Swagger 2.0 and 3.1 → 3.0 forms) →
//! [`load::to_openapi`] (typed document) → [`resolve`] (→ [`model`]) →
//! [`emit`] (→ tokens and text) → [`format`] (prettyplease, headers).
//!
//! Nothing here touches the file system: [`generate`] returns the crate's files
//! and the caller (xtask) decides where they go.

use std::collections::BTreeMap;

mod diagnostics;
pub mod emit;
pub mod format;
pub mod load;
pub mod model;
mod naming;
pub mod normalise;
pub mod resolve;
pub mod surface;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use emit::PackageMeta;
pub use surface::api_surface;

/// What to generate, and from what.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The spec's path as the user should see it in messages and headers, e.g. `specs/acme.yaml`.
    pub file_name: &'a str,
    /// The document's text, YAML or JSON.
    pub text: &'a str,
    /// The Cargo package name of the crate to emit, e.g. `acme-client`.
    pub crate_name: &'a str,
    /// Path of the runtime crate relative to the emitted crate's directory, e.g. `../../runtime`.
    pub runtime_path: &'a str,
    /// The command that regenerates the crate, named in every file's header.
    pub command: &'a str,
    /// `Cargo.toml` metadata the spec does not hold (license, repository).
    pub package: PackageMeta<'a>,
}

/// One emitted crate, and what the generator assumed to emit it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeneratedCrate {
    /// Path relative to the crate root → contents.
    pub files: BTreeMap<String, String>,
    /// Defects of the spec that had one safe, obvious reading, which was taken
    /// (every one a [`Severity::Warning`]). Show them to the user; a strict
    /// gate treats them as errors ([`Diagnostics::denied`]).
    pub warnings: Diagnostics,
}

/// Reads and resolves a spec into the model, without emitting anything.
/// The spec's warnings are dropped: use [`generate`] to see them.
pub fn model(file_name: &str, text: &str) -> Result<model::Api, Diagnostics> {
    with_stack(|| read(file_name, text).map(|(api, _)| api))
}

/// The model and the warnings, or every problem (warnings too) when one is an error.
/// All point into the document the user wrote, in the order a reader meets them.
///
/// The document's JSON value is dropped once the typed document is made, so it and the
/// typed document and the model are never all alive at once (most of generation's peak
/// memory); the few specs with diagnostics after that point read it again to order them.
fn read(file_name: &str, text: &str) -> Result<(model::Api, Diagnostics), Diagnostics> {
    let mut doc = load::parse_text(file_name, text)?;
    load::check_version(file_name, &doc)?;
    let normalised = normalise::normalise(file_name, &mut doc)?;
    let mut problems = normalised.warnings.clone();
    let later = |d: Diagnostics, doc: &serde_json::Value| normalised.to_original(d.in_document_order(doc));
    let (spec, warnings) = match load::to_openapi(file_name, &mut doc) {
        Ok(parsed) => parsed,
        Err(d) => {
            problems.extend(later(d, &doc));
            return Err(problems);
        }
    };
    drop(doc);
    let (api, resolved) = match resolve::resolve(&spec, file_name) {
        Ok((api, d)) => (Some(api), d),
        Err(d) => (None, d),
    };
    drop(spec);
    if !warnings.is_empty() || !resolved.is_empty() {
        // The same document again, as normalise made it: this read succeeded before.
        let mut doc = load::parse_text(file_name, text)?;
        normalise::normalise(file_name, &mut doc)?;
        problems.extend(later(warnings, &doc));
        problems.extend(later(resolved, &doc));
    }
    match api {
        Some(api) if !problems.has_errors() => Ok((api, problems)),
        _ => Err(problems),
    }
}

/// `read`, for the entry points that return one text and no warnings: a warning is an error there.
fn read_strict(file_name: &str, text: &str) -> Result<model::Api, Diagnostics> {
    match read(file_name, text)? {
        (api, warnings) if warnings.is_empty() => Ok(api),
        (_, warnings) => Err(warnings.denied()),
    }
}

/// Runs `f` on a thread with a stack large enough for the deepest document the
/// parsers accept (they stop at 128 levels): `openapiv3`'s typed parse, and
/// syn and prettyplease on the emitted types, recurse with large frames, which
/// a default 2 MiB thread (a test, a worker pool) cannot hold in a debug build.
fn with_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    const STACK: usize = 256 << 20;
    let slot = std::sync::Mutex::new(Some(f));
    let take = || slot.lock().map_or(None, |mut job| job.take());
    let ran = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("codegen".into())
            .stack_size(STACK)
            .spawn_scoped(scope, || take().map(|job| job()));
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: the job is still in the slot, run it here.
            Err(_) => None,
        }
    });
    ran.or_else(|| take().map(|job| job()))
        .expect("the job ran on the worker thread, or is still in the slot")
}

/// Generates a client crate from one OpenAPI document.
pub fn generate(input: &Input<'_>) -> Result<GeneratedCrate, Diagnostics> {
    with_stack(|| generate_files(input))
}

fn generate_files(input: &Input<'_>) -> Result<GeneratedCrate, Diagnostics> {
    let (api, warnings) = read(input.file_name, input.text)?;
    let header = format!("@generated by `{}` from {}. Do not edit by hand.", input.command, input.file_name);
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_owned(), format::text_file(&emit::cargo_toml(&api, input.crate_name, input.runtime_path, input.package, &header)));
    files.insert("README.md".to_owned(), format::text_file(&emit::readme(&api, input.crate_name, input.file_name, &header)));
    files.insert("src/lib.rs".to_owned(), format::rust_file(input.file_name, &header, emit::lib_rs(&api))?);
    if let Some(items) = emit::transcript_items(&api) {
        files.insert("src/transcript.rs".to_owned(), format::rust_file(input.file_name, &header, items)?);
    }
    let types = format::rust_file_pieces(input.file_name, &header, emit::types_items(&api.types, &api.request_only, 0))?;
    files.insert("src/types.rs".to_owned(), types);
    let client = format::rust_file_pieces(input.file_name, &header, emit::client_items(&api, 0))?;
    files.insert("src/client.rs".to_owned(), client);
    Ok(GeneratedCrate { files, warnings })
}

/// The crate [`generate`] would emit, as the body of a module that another
/// crate can embed (`mod api { include!(...); }`), e.g. from a build script.
/// It needs the same dependencies as the crate: `client-runtime`, `serde`, `serde_json`.
/// Embedded as `pub mod` in a library every item is API; in a binary (a test, say)
/// the unused ones warn, so put `#[allow(dead_code, unused_imports)]` on the module.
/// Its `User-Agent` names the embedding crate (`env!("CARGO_PKG_NAME")`).
/// A warning is an error here (there is no crate to carry it): a spec with
/// warnings is generated with [`generate`].
pub fn generate_module(file_name: &str, text: &str, command: &str) -> Result<String, Diagnostics> {
    with_stack(|| {
        let api = read_strict(file_name, text)?;
        let header = format!("@generated by `{command}` from {file_name}. Do not edit by hand.");
        format::rust_file_pieces(file_name, &header, emit::module(&api))
    })
}

/// The crate [`generate`] would emit, as one compilable Rust file (a binary
/// with an empty `main`), for snapshot tests that also build what they check.
/// A warning is an error here, as in [`generate_module`].
pub fn generate_single_file(file_name: &str, text: &str, command: &str) -> Result<String, Diagnostics> {
    with_stack(|| {
        let api = read_strict(file_name, text)?;
        let header = format!("@generated by `{command}` from {file_name}. Do not edit by hand.");
        format::rust_file_pieces(file_name, &header, emit::single_file(&api))
    })
}
