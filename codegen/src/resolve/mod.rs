//! Resolve: from a parsed spec to the [`model`](crate::model).
//!
//! Every `$ref` is followed, every inline schema gets a name from its context,
//! every name is claimed once through [`UniqueNames`], and every problem is
//! collected into [`Diagnostics`] rather than stopping at the first.

use std::collections::{BTreeMap, HashMap};

use openapiv3::{
    AdditionalProperties, AnySchema, Components, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr,
    Response, Schema, SchemaData, SchemaKind, SecurityScheme, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::naming::{field_name, int_variant_name, type_name, variant_name, UniqueNames};

/// A property's schema, as `openapiv3` holds it.
type BoxedSchema = ReferenceOr<Box<Schema>>;

/// How deep inline schemas may nest before the spec is refused.
const MAX_DEPTH: usize = 64;

/// Names the generated crate root uses itself.
const ROOT_RESERVED: &[&str] = &["Client", "ClientBuilder", "Error", "Response", "Result", "RequestOptions", "RetryBudget", "RetryCosts", "RetryPolicy"];

/// Builder methods and fields every request builder has besides its parameters.
const BUILDER_RESERVED: &[&str] = &[
    "client", "options", "send", "send_with_response", "pages", "items", "timeout", "max_retries", "request", "new",
];

/// Client methods besides the operations.
const CLIENT_RESERVED: &[&str] = &["builder", "new", "http", "http_client", "from"];

/// Query parameters that carry a page cursor, when no `x-pagination` says otherwise.
const CURSOR_PARAMS: &[&str] = &["cursor", "page_token", "pageToken", "next_token", "nextToken"];

/// Response fields that carry the next page's cursor, when no `x-pagination` says otherwise.
const NEXT_CURSOR_FIELDS: &[&str] = &["next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token", "nextToken"];

mod cycles;
mod dedup;
mod errors;
mod headers;
mod multipart;
mod one_of;
mod operations;
mod pagination;
mod reachability;
mod schemas;
mod security;
mod transcript;

use cycles::{box_large_variants, mark_boxes};
use dedup::dedup;
use errors::error_enums;
use one_of::fill_common_fields;

/// The model and the warnings, or every problem found (warnings too) when one is an error.
pub fn resolve(spec: &OpenAPI, file: &str) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut r = Resolver::new(spec, file);
    r.define_components();
    let (auth, auth_header) = r.auth();
    let (mut operations, mut root_names) = r.operations(auth_header.as_deref());
    let client_headers = r.hoist_client_headers(&mut operations);
    r.resolve_pagination(&mut operations);
    let transcript = r.resolve_transcript(&operations);
    r.check_alias_cycles();
    let warnings = r.diags.clone().into_warnings()?;
    let mut types = r.types;
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let mut operations: Vec<Operation> = operations.into_iter().map(|(op, _)| op).collect();
    dedup(&mut types, &mut operations, &r.components.values().cloned().collect());
    mark_boxes(&mut types);
    box_large_variants(&mut types, &mut operations);
    fill_common_fields(&mut types);
    let error_enums = error_enums(&mut operations, &mut root_names);
    let request_only = reachability::request_only(&types, &operations);
    let api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        license: spec.info.license.as_ref().map(|l| l.name.trim().to_owned()).filter(|l| is_spdx_expression(l)),
        default_base_url: default_base_url(spec),
        auth,
        client_headers,
        types,
        operations,
        error_enums,
        transcript,
        request_only,
    };
    Ok((api, warnings))
}

/// Whether `text` reads as an SPDX license expression: ids (`MIT`, `Apache-2.0`,
/// `LicenseRef-x`) joined by `AND`, `OR` or `WITH`, as Cargo's `license` wants.
/// A prose name (`Apache 2.0`, `Proprietary license`) does not.
fn is_spdx_expression(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().map(|w| w.trim_matches(['(', ')'])).collect();
    let id = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'));
    !words.is_empty()
        && words.iter().enumerate().all(|(i, w)| if i % 2 == 0 { id(w) && !matches!(*w, "AND" | "OR" | "WITH") } else { matches!(*w, "AND" | "OR" | "WITH") })
        && words.len() % 2 == 1
}

fn default_base_url(spec: &OpenAPI) -> Option<String> {
    let server = spec.servers.first()?;
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    (url.starts_with("https://") || url.starts_with("http://")).then(|| url.trim_end_matches('/').to_owned())
}

/// Escapes one JSON pointer token.
fn token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

struct Resolver<'a> {
    spec: &'a OpenAPI,
    file: &'a str,
    diags: Diagnostics,
    type_names: UniqueNames,
    /// Component schema key → type name.
    components: HashMap<String, String>,
    types: Vec<TypeDef>,
    /// Type name → index into `types`.
    index: HashMap<String, usize>,
    /// The type of an inline schema in a `components/responses` entry, by
    /// `$ref`: one type however many operations refer to the response.
    response_bodies: HashMap<String, Ty>,
    /// Inline schemas whose type is being built, by address in the spec, with
    /// the name it gets: an `allOf` copies its members' properties, so an
    /// inline schema can reach itself (`parent: {allOf: [$ref: Repo]}` inside
    /// `Repo`); that is a recursive type, not an endless expansion.
    expanding: HashMap<*const Schema, String>,
    /// The type of a `$ref` into a component schema's insides, by `$ref`.
    nested_refs: HashMap<String, Ty>,
    /// The `$ref`s into a component's insides whose type is being found: one met
    /// again before its type is known reaches itself with no type in between.
    nested_resolving: std::collections::HashSet<String>,
    /// The type each inline schema got first, by address in the spec, so that a
    /// `$ref` to it names that type.
    inline_types: HashMap<*const Schema, String>,
    /// How many `allOf`s are copying their members' properties around the schema
    /// now being read. Inside a copy of a copy, an inline schema that already has
    /// a type is not expanded again (see `schema_ty`).
    copying: usize,
    depth: usize,
}

impl<'a> Resolver<'a> {
    fn new(spec: &'a OpenAPI, file: &'a str) -> Self {
        Resolver {
            spec,
            file,
            diags: Diagnostics::default(),
            type_names: UniqueNames::new(),
            components: HashMap::new(),
            types: Vec::new(),
            index: HashMap::new(),
            response_bodies: HashMap::new(),
            expanding: HashMap::new(),
            nested_refs: HashMap::new(),
            nested_resolving: std::collections::HashSet::new(),
            inline_types: HashMap::new(),
            copying: 0,
            depth: 0,
        }
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(Diagnostic::new(self.file, pointer, message, help));
    }

    /// A defect with one safe reading: `message` says what was assumed, `help` what to fix.
    fn warning(&mut self, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        self.diags.push(Diagnostic::warning(self.file, pointer, message, help));
    }

    fn components(&self) -> Option<&'a Components> {
        self.spec.components.as_ref()
    }

    fn push_type(&mut self, def: TypeDef) {
        self.index.insert(def.name.clone(), self.types.len());
        self.types.push(def);
    }
}

fn join_doc(parts: &[Option<&str>]) -> Option<String> {
    let text: Vec<&str> = parts.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    (!text.is_empty()).then(|| text.join("\n\n"))
}

/// Undoes JSON pointer escaping (and percent-escaping, which `$ref`s may use).
fn unescape(s: &str) -> String {
    let s = s.replace("~1", "/").replace("~0", "~");
    if !s.contains('%') {
        return s;
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_unescape() {
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        assert_eq!(unescape("My%20Schema"), "My Schema");
        assert_eq!(unescape("100%"), "100%");
    }

    #[test]
    fn only_spdx_expressions_become_a_crate_license() {
        for yes in ["MIT", "Apache-2.0", "MIT OR Apache-2.0", "(MIT OR Apache-2.0) AND BSD-3-Clause", "GPL-2.0+", "Apache-2.0 WITH LLVM-exception", "LicenseRef-Acme"] {
            assert!(is_spdx_expression(yes), "{yes}");
        }
        for no in ["", "Apache 2.0", "Proprietary license", "MIT OR", "OR MIT", "MIT AND OR BSD", "Creative Commons: BY"] {
            assert!(!is_spdx_expression(no), "{no}");
        }
    }
}
