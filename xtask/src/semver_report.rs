//! The semver report of `cargo xtask gen` (and `--check`): for each crate whose public API
//! differs between the spec committed at `HEAD` and the spec in the working tree, what
//! changed and whether it breaks users.
//!
//! Both sides are read into the model with today's generator and compared with
//! [`codegen::surface::diff`], so only spec edits are reported: a change of the generator
//! itself (a new naming rule, say) is not, since the old generator is not at hand.

use std::path::Path;
use std::process::Command;

use codegen::surface::{api_surface, diff, Change};

/// What changed in one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateReport {
    pub crate_name: String,
    pub old_version: String,
    pub new_version: String,
    pub changes: Vec<Change>,
}

impl CrateReport {
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    /// Whether the new crate version tells users what the changes mean: a breaking change
    /// needs a new major version (the minor one before 1.0), an additive one a newer version.
    pub fn version_says_so(&self) -> bool {
        let (Ok(old), Ok(new)) = (semver::Version::parse(&self.old_version), semver::Version::parse(&self.new_version)) else {
            return false;
        };
        let compatible = |v: &semver::Version| if v.major == 0 { (0, v.minor) } else { (v.major, 0) };
        if self.breaking() {
            compatible(&new) > compatible(&old)
        } else {
            new > old
        }
    }
}

/// The report comparing the spec texts `before` and `after` of `crate_name`;
/// `Ok(None)` when the public API is the same. `Err` names a side that does not read.
pub fn compare(crate_name: &str, file_name: &str, before: &str, after: &str) -> Result<Option<CrateReport>, String> {
    let old = codegen::model(file_name, before).map_err(|d| format!("{file_name} at HEAD does not generate:\n{d}"))?;
    let new = codegen::model(file_name, after).map_err(|d| d.to_string())?;
    let changes = diff(&api_surface(&old), &api_surface(&new));
    Ok((!changes.is_empty()).then(|| CrateReport {
        crate_name: crate_name.to_owned(),
        old_version: codegen::emit::crate_version(&old.version),
        new_version: codegen::emit::crate_version(&new.version),
        changes,
    }))
}

/// The text of one crate's report.
pub fn render(report: &CrateReport) -> String {
    let verdict = if report.breaking() { "breaking" } else { "additive" };
    let mut out = format!("{} {} → {}: {verdict}", report.crate_name, report.old_version, report.new_version);
    if !report.version_says_so() {
        let needs = if report.breaking() { "a new major version (minor before 1.0)" } else { "a newer version" };
        out.push_str(&format!("; publishing it needs {needs}: raise the spec's info.version"));
    }
    for change in &report.changes {
        out.push_str(&format!("\n  {} {change}", if change.breaking { "!" } else { "+" }));
    }
    out
}

/// The report for every spec in `root/specs/` against the same file at `HEAD`: one block
/// per changed crate, or `None` when no public API changed. A spec new since `HEAD` is
/// a new crate, not a change.
pub fn report(root: &Path) -> Result<Option<String>, String> {
    let mut blocks = Vec::new();
    for spec in crate::spec_files(root)? {
        let Some(file) = spec.file_name().and_then(|n| n.to_str()) else { continue };
        let Some(stem) = spec.file_stem().and_then(|n| n.to_str()) else { continue };
        let shown = format!("specs/{file}");
        let Some(before) = committed(root, &shown)? else { continue };
        let after = std::fs::read_to_string(&spec).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let crate_name = crate::paths::crate_name_for_stem(stem)?;
        match compare(&crate_name, &shown, &before, &after) {
            Ok(Some(r)) => blocks.push(render(&r)),
            Ok(None) => {}
            Err(e) => blocks.push(format!("{crate_name}: no semver report: {e}")),
        }
    }
    Ok((!blocks.is_empty()).then(|| format!("public API changes against HEAD:\n{}", blocks.join("\n"))))
}

/// The file at `HEAD`, `None` when it is not in `HEAD` (a new spec) or there is no git history.
fn committed(root: &Path, path: &str) -> Result<Option<String>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("HEAD:{path}")])
        .output()
        .map_err(|e| format!("cannot run git for the semver report: {e}"))?;
    Ok(output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
}
