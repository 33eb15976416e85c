//! The crate's text files: `Cargo.toml` and `README.md` (also the crate's docs,
//! so its usage example is compiled as a doctest).

use std::fmt::Write;

use crate::model::{Api, Auth, Operation, ParamLocation, Ty};

/// Versions of the crates generated code uses directly.
const SERDE: &str = "1";
const SERDE_JSON: &str = "1";

pub fn cargo_toml(api: &Api, crate_name: &str, runtime_path: &str, header: &str) -> String {
    let description = toml_string(&format!("Typed async client for the {} API, generated from its OpenAPI spec.", api.title));
    let (features, transcript) = super::transcript::manifest_lines(api, runtime_path);
    let runtime_path = toml_string(runtime_path);
    format!(
        "# {header}\n\
         [package]\n\
         name = \"{crate_name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         rust-version = \"1.85\"\n\
         description = {description}\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         client-runtime = {{ path = {runtime_path} }}\n\
         serde = {{ version = \"{SERDE}\", features = [\"derive\"] }}\n\
         serde_json = \"{SERDE_JSON}\"\n\
         {transcript}{features}"
    )
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
        "A typed async Rust client for the **{}** API (version `{}`), generated from `{}`.\n",
        inline(&api.title),
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
         with exponential backoff and jitter, honouring `Retry-After`. Each request builder also takes `.timeout(..)` and `.max_retries(..)`.\n"
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
