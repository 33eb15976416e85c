//! `cargo xtask corpus`: generate a crate for every public spec in
//! `../shared/corpus/` and check each with clippy (rustc's warnings and
//! clippy's default lints), one line per spec.
//!
//! The crates go to `target/corpus/<name>`, members of a throwaway workspace
//! there that shares one target directory, so the dependencies are compiled
//! once. Nothing under the repository's own tree changes.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One spec's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusRow {
    pub spec: String,
    pub size_bytes: u64,
    pub generated: bool,
    pub compiled: bool,
    pub warnings: usize,
    pub lines: usize,
    pub gen_seconds: f64,
    pub check_seconds: f64,
    /// The first lines of what went wrong, if anything did.
    pub problem: Option<String>,
}

/// The specs of the corpus directory, sorted by file name.
pub fn corpus_specs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut specs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    specs.sort();
    Ok(specs)
}

/// Generates and checks every spec; `only` keeps the specs whose file name contains it.
pub fn run(root: &Path, corpus: &Path, only: Option<&str>) -> Result<Vec<CorpusRow>, String> {
    let work = root.join("target").join("corpus");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let specs: Vec<PathBuf> = corpus_specs(corpus)?
        .into_iter()
        .filter(|p| only.is_none_or(|o| p.file_name().is_some_and(|n| n.to_string_lossy().contains(o))))
        .collect();

    let mut rows = Vec::new();
    let mut members = Vec::new();
    for spec in &specs {
        let file = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = spec.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = crate::paths::crate_name_for_stem(&stem)?;
        let out = work.join(&stem);
        let size_bytes = fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
        let started = Instant::now();
        let result = crate::generate_to(spec, &out, Some(&name));
        let gen_seconds = started.elapsed().as_secs_f64();
        let lines = count_lines(&out.join("src"));
        if result.is_ok() {
            members.push(stem.clone());
        }
        rows.push(CorpusRow {
            spec: file,
            size_bytes,
            generated: result.is_ok(),
            compiled: false,
            warnings: 0,
            lines: if result.is_ok() { lines } else { 0 },
            gen_seconds,
            check_seconds: 0.0,
            problem: result.err().map(|e| first_lines(&e, 6)),
        });
    }

    write_workspace(root, &work, &members)?;
    // Build the shared dependencies once, so each crate's time is its own.
    cargo_check(&work, "client-runtime")?;
    for row in rows.iter_mut().filter(|r| r.generated) {
        let stem = row.spec.rsplit_once('.').map(|(s, _)| s).unwrap_or(&row.spec).to_owned();
        let package = crate::paths::crate_name_for_stem(&stem)?;
        let started = Instant::now();
        let output = cargo_check(&work, &package)?;
        row.check_seconds = started.elapsed().as_secs_f64();
        row.compiled = output.success;
        row.warnings = output.warnings;
        if !output.success {
            row.problem = Some(first_lines(&output.errors, 12));
        }
    }
    Ok(rows)
}

fn write_workspace(root: &Path, work: &Path, members: &[String]) -> Result<(), String> {
    let list: Vec<String> = members.iter().map(|m| format!("    {m:?},")).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n", list.join("\n"));
    fs::write(work.join("Cargo.toml"), manifest).map_err(|e| format!("cannot write the corpus workspace: {e}"))?;
    // The repository's lock file pins the same dependency versions as CI uses.
    fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    Ok(())
}

struct CheckOutput {
    success: bool,
    warnings: usize,
    errors: String,
}

fn cargo_check(work: &Path, package: &str) -> Result<CheckOutput, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["clippy", "--quiet", "--message-format", "short", "-p", package])
        .current_dir(work)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings = stderr.lines().filter(|l| l.contains(": warning: ")).count();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    Ok(CheckOutput { success: output.status.success(), warnings, errors: errors.join("\n") })
}

fn count_lines(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| fs::read_to_string(e.path()).ok())
        .map(|t| t.lines().count())
        .sum()
}

fn first_lines(text: &str, n: usize) -> String {
    text.lines().take(n).collect::<Vec<_>>().join("\n")
}

/// The table, as Markdown.
pub fn table(rows: &[CorpusRow]) -> String {
    let mut out = String::from(
        "| spec | size | generated | compiled | warnings | lines | generate (s) | clippy (s) |\n|---|---:|---|---|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let yes = |b: bool| if b { "yes" } else { "no" };
        let _ = writeln!(
            out,
            "| {} | {} KB | {} | {} | {} | {} | {:.2} | {:.1} |",
            r.spec,
            r.size_bytes / 1024,
            yes(r.generated),
            yes(r.compiled),
            r.warnings,
            r.lines,
            r.gen_seconds,
            r.check_seconds
        );
    }
    let ok = rows.iter().filter(|r| r.generated && r.compiled && r.warnings == 0).count();
    let _ = writeln!(out, "\n{ok}/{} specs generate and compile with zero warnings (rustc and clippy).", rows.len());
    for r in rows.iter().filter(|r| r.problem.is_some()) {
        let _ = writeln!(out, "\n{}:\n{}", r.spec, r.problem.as_deref().unwrap_or_default());
    }
    out
}
