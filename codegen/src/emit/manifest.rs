//! The crate's text files: `Cargo.toml` and `README.md` (also the crate's docs,
//! so its usage example is compiled as a doctest).

use std::fmt::Write;

use crate::model::{Api, Auth, Operation, ParamLocation, Ty};

/// Versions of the crates generated code uses directly.
const SERDE: &str = "1";
const SERDE_JSON: &str = "1";
/// The runtime's version requirement: with its path, so the crate builds in
/// this repository and resolves from a registry once the runtime is published there.
const RUNTIME: &str = "0.1";

/// Package metadata the spec does not hold, from the command line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PackageMeta<'a> {
    /// The crate's license (an SPDX expression); replaces the spec's `info.license`.
    pub license: Option<&'a str>,
    /// The crate's source repository URL.
    pub repository: Option<&'a str>,
}

pub fn cargo_toml(api: &Api, crate_name: &str, runtime_path: &str, package: PackageMeta<'_>, header: &str) -> String {
    let mut description = format!("Typed async client for the {}, generated from its OpenAPI spec.", super::api_name(&api.title));
    if let Some(first) = api.description.as_deref().and_then(first_sentence) {
        description.push(' ');
        description.push_str(&first);
    }
    let mut optional = String::new();
    if let Some(license) = package.license.or(api.license.as_deref()) {
        let _ = writeln!(optional, "license = {}", toml_string(license));
    }
    if let Some(repository) = package.repository {
        let _ = writeln!(optional, "repository = {}", toml_string(repository));
    }
    let description = toml_string(&description);
    let version = crate_version(&api.version);
    let (transcript_feature, transcript) = super::transcript::manifest_lines(api, runtime_path);
    let runtime_path = toml_string(runtime_path);
    format!(
        "# {header}\n\
         [package]\n\
         name = \"{crate_name}\"\n\
         version = \"{version}\"\n\
         edition = \"2021\"\n\
         rust-version = \"1.85\"\n\
         description = {description}\n\
         {optional}\
         readme = \"README.md\"\n\
         keywords = [\"api\", \"client\", \"openapi\", \"async\"]\n\
         categories = [\"api-bindings\", \"web-programming::http-client\"]\n\
         \n\
         [package.metadata.docs.rs]\n\
         all-features = true\n\
         \n\
         [features]\n\
         default = [\"tracing\"]\n\
         # A `tracing` span per call and events for retries and pages (see the README).\n\
         tracing = [\"client-runtime/tracing\"]\n\
         {transcript_feature}\
         \n\
         [dependencies]\n\
         client-runtime = {{ version = \"{RUNTIME}\", path = {runtime_path}, default-features = false }}\n\
         serde = {{ version = \"{SERDE}\", features = [\"derive\"] }}\n\
         serde_json = \"{SERDE_JSON}\"\n\
         {transcript}"
    )
}

/// The first sentence of a description's first paragraph, on one line of plain
/// text, for the one-line `description` of the manifest; `None` when it is long.
fn first_sentence(text: &str) -> Option<String> {
    let paragraph = text.trim().split("\n\n").next().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    let end = paragraph.find(". ").map_or(paragraph.len(), |i| i + 1);
    let sentence = paragraph[..end].trim();
    (!sentence.is_empty() && sentence.chars().count() <= 200).then(|| sentence.to_owned())
}

/// The crate version for a spec's `info.version`, always valid semver:
///
/// 1. a valid semver version (a leading `v` dropped) is used as it is: `1.2.3-rc.1`;
/// 2. a date `YYYY-MM-DD` becomes `YYYY.M.D`: `2024-05-01` → `2024.5.1`;
/// 3. otherwise the leading numbers (after a `v`), padded to three, are the
///    version and the rest, reduced to letters, digits and `-` in dot-separated
///    identifiers, its pre-release: `v1` → `1.0.0`, `2.1` → `2.1.0`,
///    `v1beta1` → `1.0.0-beta1`, `1.0 (preview)` → `1.0.0-preview`;
/// 4. a version without a leading number is `0.1.0`: `latest` → `0.1.0`.
pub fn crate_version(version: &str) -> String {
    let text = version.trim();
    let text = text.strip_prefix(['v', 'V']).filter(|t| t.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(text);
    if semver::Version::parse(text).is_ok() {
        return text.to_owned();
    }
    let date: Vec<&str> = text.split('-').collect();
    if let [y, m, d] = date[..] {
        if [(y, 4), (m, 2), (d, 2)].iter().all(|(part, len)| part.len() == *len && part.chars().all(|c| c.is_ascii_digit())) {
            return format!("{}.{}.{}", number(y), number(m), number(d));
        }
    }
    let core_len = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (core, rest) = text.split_at(core_len);
    let mut numbers: Vec<&str> = core.split('.').filter(|n| !n.is_empty()).collect();
    if numbers.is_empty() {
        return "0.1.0".to_owned();
    }
    let extra: Vec<&str> = numbers.split_off(numbers.len().min(3));
    numbers.resize(3, "0");
    let mut pre: Vec<String> = extra.iter().map(|n| number(n)).collect();
    let cleaned: String = rest.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' }).collect();
    for identifier in cleaned.split('.') {
        let identifier = identifier.trim_matches('-');
        if identifier.is_empty() {
            continue;
        }
        pre.push(if identifier.chars().all(|c| c.is_ascii_digit()) { number(identifier) } else { identifier.to_owned() });
    }
    let mut out = numbers.iter().map(|n| number(n)).collect::<Vec<_>>().join(".");
    if !pre.is_empty() {
        out.push('-');
        out.push_str(&pre.join("."));
    }
    if semver::Version::parse(&out).is_ok() {
        out
    } else {
        "0.1.0".to_owned()
    }
}

/// Digits without leading zeros (semver forbids them); too many digits saturate.
fn number(digits: &str) -> String {
    digits.parse::<u64>().map_or_else(|_| u64::MAX.to_string(), |n| n.to_string())
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
pub(super) fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn readme(api: &Api, crate_name: &str, spec_file: &str, header: &str) -> String {
    let krate = crate_name.replace('-', "_");
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {header} -->\n");
    let _ = writeln!(out, "# {crate_name}\n");
    let _ = writeln!(
        out,
        "A typed async Rust client for the **{}** (version `{}`), generated from `{}`.\n",
        inline(&super::api_name(&api.title)),
        inline(&api.version).replace('`', "'"),
        spec_file
    );
    if let Some(description) = &api.description {
        let _ = writeln!(out, "{}\n", super::sanitize_doc(description));
    }

    let builder_args = builder_args(api);
    let _ = writeln!(out, "## Usage\n");
    let example_op = api.operations.iter().find(|op| example_args(op).is_some());
    let _ = writeln!(out, "```rust,no_run");
    let _ = writeln!(out, "use {krate}::Client;\n");
    let _ = writeln!(out, "async fn example() -> Result<(), Box<dyn std::error::Error>> {{");
    let _ = writeln!(out, "    let client = Client::builder({builder_args}).build()?;");
    if let Some(op) = example_op {
        let args = example_args(op).unwrap_or_default();
        let _ = writeln!(out, "    let body = client.{}({args}).send().await?;", op.ident);
        let _ = writeln!(out, "    println!(\"{{body:?}}\");");
    }
    let _ = writeln!(out, "    Ok(())\n}}\n```\n");

    if let Some(op) = api.operations.iter().find(|op| op.pagination.is_some() && example_args(op).is_some()) {
        let args = example_args(op).unwrap_or_default();
        let _ = writeln!(out, "### Every item of every page\n");
        let _ = writeln!(
            out,
            "`{}` pages by cursor: `.items()` streams every item, fetching the next page only when the stream is polled past the current one \
             (`.pages()` gives whole pages, with their metadata).\n",
            op.ident
        );
        let _ = writeln!(out, "```rust,no_run");
        let _ = writeln!(out, "use {krate}::client_runtime::futures_util::TryStreamExt;\n");
        let _ = writeln!(out, "async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{");
        let _ = writeln!(out, "    let mut items = std::pin::pin!(client.{}({args}).items());", op.ident);
        let _ = writeln!(out, "    while let Some(item) = items.try_next().await? {{");
        let _ = writeln!(out, "        println!(\"{{item:?}}\");");
        let _ = writeln!(out, "    }}\n    Ok(())\n}}\n```\n");
    }

    if let Some(op) = example_op {
        let args = example_args(op).unwrap_or_default();
        let _ = writeln!(out, "### Errors\n");
        let _ = writeln!(
            out,
            "Every call returns `Result<_, {krate}::Error<E>>`, where `E` holds the error bodies the spec documents for that operation.\n"
        );
        let _ = writeln!(out, "```rust,no_run");
        let _ = writeln!(out, "use {krate}::Error;\n");
        let _ = writeln!(out, "async fn example(client: &{krate}::Client) {{");
        let _ = writeln!(out, "    match client.{}({args}).send().await {{", op.ident);
        let _ = writeln!(out, "        Ok(body) => println!(\"{{body:?}}\"),");
        let _ = writeln!(out, "        Err(Error::Api(e)) => eprintln!(\"status {{}}, request id {{:?}}, body {{:?}}\", e.status, e.request_id, e.body),");
        let _ = writeln!(out, "        Err(Error::Timeout(after)) => eprintln!(\"timed out after {{after:?}}\"),");
        let _ = writeln!(out, "        Err(e) => eprintln!(\"{{e}} (retryable: {{}})\", e.is_retryable()),");
        let _ = writeln!(out, "    }}\n}}\n```\n");
    }

    out.push_str(&super::transcript::readme_section(api));
    let _ = writeln!(out, "### Configuration\n");
    let _ = writeln!(out, "```rust,no_run");
    let _ = writeln!(out, "use std::time::Duration;\n");
    let _ = writeln!(out, "fn example() -> Result<{krate}::Client, {krate}::BuildError> {{");
    let _ = writeln!(out, "    {krate}::Client::builder({builder_args})");
    let _ = writeln!(out, "        .base_url(\"http://localhost:8080\")");
    let _ = writeln!(out, "        .timeout(Duration::from_secs(10))");
    let _ = writeln!(out, "        .max_retries(5)");
    let _ = writeln!(out, "        .build()\n}}\n```\n");
    let _ = writeln!(
        out,
        "Idempotent requests are retried (default 2 times) on connection errors, timeouts and statuses 408, 429, 500, 502, 503 and 504, \
         with exponential backoff and jitter, honouring `Retry-After`. Each request builder also takes `.timeout(..)` and `.max_retries(..)`. \
         All retries of a client and its clones draw on one retry budget, a token bucket (`RetryBudget`: 500 tokens, 5 a retry, 10 after a timeout or connection error, refunded when the retry succeeds, 1 back per first-attempt success): \
         when it is empty the error is returned without a retry, so a struggling server is not hit by every task's retries at once. \
         `.retry_budget(RetryBudget::new(..))` sizes it, `.retry_budget(RetryBudget::disabled())` turns it off.\n"
    );

    let _ = writeln!(out, "### Tracing\n");
    let _ = writeln!(
        out,
        "With the `tracing` feature (on by default), every call is a `request` span of the \
         [`tracing`](https://docs.rs/tracing) crate, with the fields `operation` (the spec's operation id), `method`, `path_template` (never the filled path), `status` and `attempts`; \
         each try is an `attempt` span inside it (`attempt`, `status` or `error`, `duration_ms`, `retry_reason`), a retry is a `retrying` event, a retry the budget refuses a `retry refused` event, and each page of a cursor walk a `page` event. \
         No header value (the token included), query or body is ever recorded. \
         `default-features = false` leaves `tracing` out.\n"
    );

    let _ = writeln!(out, "## Operations\n");
    let _ = writeln!(out, "| Method | Request | Summary |\n|---|---|---|");
    for op in &api.operations {
        let summary = op.doc.as_deref().and_then(|d| d.lines().next()).map(inline).unwrap_or_default();
        let _ = writeln!(out, "| `{}` | `{} {}` | {} |", op.ident, op.method.as_str(), inline(&op.path).replace('`', "'"), summary.replace('|', "\\|"));
    }
    out
}

fn builder_args(api: &Api) -> String {
    let mut args = Vec::new();
    if let Auth::Bearer { .. } = api.auth {
        args.push("\"TOKEN\"".to_owned());
    }
    for h in &api.client_headers {
        args.push(format!("\"{}\"", placeholder(&h.ident)));
    }
    args.join(", ")
}

/// Example arguments for an operation's required parameters, when all are simple.
fn example_args(op: &Operation) -> Option<String> {
    let args: Option<Vec<String>> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| match (&p.ty, p.location) {
            (Ty::String, _) => Some(format!("\"{}\"", placeholder(&p.ident))),
            (Ty::I32 | Ty::I64 | Ty::U64, _) => Some("1".into()),
            (Ty::F32 | Ty::F64, _) => Some("1.0".into()),
            (Ty::Bool, _) => Some("true".into()),
            (_, ParamLocation::Body) => None,
            _ => None,
        })
        .collect();
    args.map(|a| a.join(", "))
}

/// `conversation_id` → `CONVERSATION_ID`: made from an identifier, so safe in a string literal.
fn placeholder(ident: &str) -> String {
    ident.trim_start_matches("r#").to_ascii_uppercase()
}

/// Spec text on one line of Markdown.
fn inline(s: &str) -> String {
    super::sanitize_doc(s).replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_map_to_semver_crate_versions() {
        let cases = [
            ("1.0.0", "1.0.0"),
            ("v1.2.3", "1.2.3"),
            ("3.0.0-rc.1", "3.0.0-rc.1"),
            ("1.0.0+build.5", "1.0.0+build.5"),
            ("v1", "1.0.0"),
            ("2.1", "2.1.0"),
            ("01.02", "1.2.0"),
            ("v1beta1", "1.0.0-beta1"),
            ("v2.0-preview", "2.0.0-preview"),
            ("1.0 (preview)", "1.0.0-preview"),
            ("1.2.3.4", "1.2.3-4"),
            ("2024-05-01", "2024.5.1"),
            ("2024-05-01-preview", "2024.0.0-05-01-preview"),
            ("latest", "0.1.0"),
            ("", "0.1.0"),
            ("v", "0.1.0"),
            ("99999999999999999999999", "18446744073709551615.0.0"),
        ];
        for (api, want) in cases {
            assert_eq!(crate_version(api), want, "{api:?}");
        }
    }

    #[test]
    fn every_version_string_maps_to_valid_semver() {
        for api in ["1..2", "1.0.0-", "1.0.0-01", "v1_beta", "1/2/3", "1.0.0 beta 2", "é1", "1.é", "0.0.0-..", "1-2-3", "\u{202e}1"] {
            let version = crate_version(api);
            assert!(semver::Version::parse(&version).is_ok(), "{api:?} -> {version:?}");
        }
    }

    #[test]
    fn the_runtime_requirement_matches_the_runtime() {
        let manifest = include_str!("../../../runtime/Cargo.toml");
        let version = manifest.lines().find_map(|l| l.strip_prefix("version = \"")).and_then(|v| v.strip_suffix('"'));
        let version = semver::Version::parse(version.expect("runtime/Cargo.toml has a version")).unwrap();
        assert!(semver::VersionReq::parse(RUNTIME).unwrap().matches(&version), "runtime {version} is not {RUNTIME}");
    }
}
