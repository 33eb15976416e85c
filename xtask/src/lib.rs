//! Repository tasks behind `cargo xtask`.
//!
//! * [`expected_generated`] is the one place that decides which crate each spec in `specs/`
//!   becomes and where under `generated/` it goes.
//! * [`check_generated`] compares that with the files on disk (used by `cargo xtask gen --check`
//!   and by the tests crate).
//! * [`write_generated`] and [`generate_to`] write crates, always into a temp dir first and then
//!   swapped in, so a failed run leaves the destination exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

mod check;
pub mod corpus;
mod paths;
pub mod semver_report;
mod swap;

use paths::{shell_word, slash};

/// The command that regenerates `generated/`, named in every generated file's header.
pub const GEN_COMMAND: &str = "cargo xtask gen";

/// Where each crate under `generated/` finds the runtime crate, relative to the crate's own dir.
const GENERATED_RUNTIME_PATH: &str = "../../runtime";

/// The license of the crates under `generated/`: this repository's (the workspace's `license`,
/// which a test keeps equal), since the vendors' specs state none for their APIs.
pub const GENERATED_LICENSE: &str = "MIT OR Apache-2.0";

/// The workspace root: the parent of this crate's directory.
pub fn repo_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The specs under `root/specs/` that `generated/` is built from: every non-hidden `*.yaml`,
/// `*.yml` and `*.json` file, sorted by file name.
pub fn spec_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("specs");
    let entries = fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut specs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_spec = !name.starts_with('.')
            && matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            );
        if is_spec && fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false) {
            specs.push(path);
        }
    }
    specs.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(specs)
}

/// Everything `generated/` should contain: `<stem>/<file>` (relative to `generated/`) →
/// contents, for every spec in `specs/`. Every spec is tried; the error lists the problems of
/// all the specs that failed.
///
/// A spec's warnings are printed on stderr, or with `deny_warnings` fail it like errors.
pub fn expected_generated(root: &Path, deny_warnings: bool) -> Result<BTreeMap<PathBuf, String>, String> {
    let specs = spec_files(root)?;
    let mut files = BTreeMap::new();
    let mut problems: Vec<String> = Vec::new();
    let mut failed = 0usize;
    // Crate dir → the spec that claimed it, to catch `a.yaml` next to `a.json`.
    let mut owners: BTreeMap<String, String> = BTreeMap::new();

    for spec in &specs {
        let Some(file) = spec.file_name().and_then(|n| n.to_str()) else {
            failed += 1;
            problems.push(format!(
                "error: {}: the file name is not valid UTF-8",
                spec.display()
            ));
            continue;
        };
        let shown = format!("specs/{file}");
        let stem = spec
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file)
            .to_string();
        if let Some(first) = owners.insert(stem.clone(), shown.clone()) {
            failed += 1;
            problems.push(format!(
                "error: {shown}: {first} already generates into generated/{stem}/; rename one of them"
            ));
            continue;
        }
        match generate_one(spec, &shown, &stem, deny_warnings) {
            Ok(crate_files) => files.extend(crate_files),
            Err(e) => {
                failed += 1;
                problems.push(e);
            }
        }
    }

    if problems.is_empty() {
        Ok(files)
    } else {
        Err(format!(
            "{failed} of {} specs failed to generate:\n{}",
            specs.len(),
            problems.join("\n")
        ))
    }
}

/// The files of the crate for one spec in `specs/`, keyed by path relative to `generated/`.
fn generate_one(spec: &Path, shown: &str, stem: &str, deny_warnings: bool) -> Result<BTreeMap<PathBuf, String>, String> {
    let crate_name =
        paths::crate_name_for_stem(stem).map_err(|e| format!("error: {shown}: {e}"))?;
    let text = fs::read_to_string(spec).map_err(|e| format!("error: cannot read {shown}: {e}"))?;
    let generated = codegen::generate(&codegen::Input {
        file_name: shown,
        text: &text,
        crate_name: &crate_name,
        runtime_path: GENERATED_RUNTIME_PATH,
        command: GEN_COMMAND,
        package: codegen::PackageMeta { license: Some(GENERATED_LICENSE), repository: None },
    })
    .map_err(|d| d.to_string())?;
    report_warnings(&generated.warnings, deny_warnings)?;
    let dir = Path::new(stem);
    generated
        .files
        .into_iter()
        .map(|(rel, contents)| {
            let rel =
                paths::crate_relative_path(&rel).map_err(|e| format!("error: {shown}: {e}"))?;
            Ok((dir.join(rel), contents))
        })
        .collect()
}

/// `Ok` when `root/generated/` holds exactly what the specs generate (byte for byte, every
/// file, ignoring only Cargo `target` dirs); otherwise a summary of every stale file (with a
/// short diff), missing file and unexpected file.
pub fn check_generated(root: &Path, deny_warnings: bool) -> Result<(), String> {
    let expected = expected_generated(root, deny_warnings)?;
    let actual = check::read_tree(&root.join("generated"))?;
    check::compare(&expected, &actual)
}

/// Regenerates `root/generated/` from `root/specs/`, returning how many files were written.
/// When any spec fails, returns the error without touching `generated/`.
pub fn write_generated(root: &Path, deny_warnings: bool) -> Result<usize, String> {
    swap::write_tree_swapped(&root.join("generated"), expected_generated(root, deny_warnings))
}

/// A spec's warnings: printed on stderr, or, with `deny_warnings`, the error that stops the run.
pub fn report_warnings(warnings: &codegen::Diagnostics, deny_warnings: bool) -> Result<(), String> {
    if warnings.is_empty() {
        Ok(())
    } else if deny_warnings {
        Err(format!("{}\n(`--deny-warnings` makes every warning an error)", warnings.clone().denied()))
    } else {
        eprintln!("{warnings}");
        Ok(())
    }
}

/// Generates a client crate from any spec (YAML or JSON) into `out`, replacing what is there.
/// The crate is named `name`, or `<sanitised spec stem>-client`. A failed run leaves `out`
/// exactly as it was (and does not create it).
///
/// `out` may be a new or empty directory, or a crate this command generated before; anything
/// else (a non-empty directory without a generated crate, the repository itself, a directory
/// holding the spec or the runtime) is refused rather than replaced.
///
/// The spec's warnings are printed on stderr, or with `deny_warnings` fail the run like errors.
pub fn generate_to(spec: &Path, out: &Path, name: Option<&str>, deny_warnings: bool) -> Result<(), String> {
    generate_package_to(spec, out, name, codegen::PackageMeta::default(), deny_warnings)
}

/// [`generate_to`], with the crate's `license` (replacing the spec's) and `repository`.
pub fn generate_package_to(
    spec: &Path,
    out: &Path,
    name: Option<&str>,
    package: codegen::PackageMeta<'_>,
    deny_warnings: bool,
) -> Result<(), String> {
    let shown_spec = slash(spec);
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read {shown_spec}: {e}"))?;
    let crate_name = match name {
        Some(n) => {
            paths::check_crate_name(n)?;
            n.to_string()
        }
        None => {
            let stem = spec
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            paths::crate_name_for_stem(&stem).map_err(|e| format!("{e}; pass --name"))?
        }
    };

    let root = fs::canonicalize(repo_root()).map_err(|e| {
        format!(
            "cannot find the repository at {}: {e}",
            repo_root().display()
        )
    })?;
    let runtime_dir = root.join("runtime");
    let runtime = fs::canonicalize(&runtime_dir).map_err(|e| {
        format!(
            "cannot find the runtime crate at {}: {e}",
            runtime_dir.display()
        )
    })?;
    let out_abs = paths::absolute_path(out)?;
    let spec_abs = paths::absolute_path(spec)?;
    check_out_dir(
        out,
        &out_abs,
        &[
            (&root, "the repository"),
            (&runtime, "the runtime crate"),
            (&spec_abs, "the spec"),
        ],
    )?;

    let runtime_path = paths::runtime_path_for(&out_abs, &root, &runtime);
    let mut command = format!(
        "{GEN_COMMAND} --spec {} --out {}",
        shell_word(&shown_spec),
        shell_word(&slash(out))
    );
    if let Some(n) = name {
        command.push_str(&format!(" --name {}", shell_word(n)));
    }
    for (flag, value) in [("--license", package.license), ("--repository", package.repository)] {
        if let Some(value) = value {
            command.push_str(&format!(" {flag} {}", shell_word(value)));
        }
    }

    let generated = codegen::generate(&codegen::Input {
        file_name: &shown_spec,
        text: &text,
        crate_name: &crate_name,
        runtime_path: &runtime_path,
        command: &command,
        package,
    });
    let files = match generated {
        Ok(g) => report_warnings(&g.warnings, deny_warnings)
            .map_err(|e| format!("{shown_spec} could not be generated:\n{e}"))
            .and_then(|()| g
            .files
            .into_iter()
            .map(|(rel, contents)| Ok((paths::crate_relative_path(&rel)?, contents)))
            .collect::<Result<BTreeMap<PathBuf, String>, String>>()),
        Err(d) => Err(format!("{shown_spec} could not be generated:\n{d}")),
    };
    swap::write_tree_swapped(&out_abs, files).map(|_| ())
}

/// Refuses an `--out` whose replacement would destroy something that is not a generated crate.
fn check_out_dir(out: &Path, out_abs: &Path, protected: &[(&Path, &str)]) -> Result<(), String> {
    let shown = slash(out);
    for (path, what) in protected {
        if path.starts_with(out_abs) {
            return Err(format!("refusing to replace {shown}: it contains {what}"));
        }
    }
    let mut entries = match fs::read_dir(out_abs) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let generated_before = ["Cargo.toml", "src/lib.rs"].iter().any(|f| {
        fs::read_to_string(out_abs.join(f))
            .map(|s| s.contains(GEN_COMMAND))
            .unwrap_or(false)
    });
    if generated_before {
        Ok(())
    } else {
        Err(format!(
            "refusing to replace {shown}: it is not empty and does not hold a crate generated by \
             `{GEN_COMMAND}`; pass a new or empty directory"
        ))
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    pub(crate) struct TempDir(PathBuf);

    impl TempDir {
        pub(crate) fn new() -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let dir = std::env::temp_dir().join(format!("xtask-test-{}-{n}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).expect("create temp dir");
            TempDir(dir)
        }

        pub(crate) fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// Every file (`Some(bytes)`) and directory (`None`) under `dir`, recursively.
    pub(crate) fn read_all(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        fn walk(dir: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
            for entry in fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let rel = rel.join(entry.file_name());
                if entry.file_type().unwrap().is_dir() {
                    out.insert(rel.clone(), None);
                    walk(&entry.path(), &rel, out);
                } else {
                    out.insert(rel, Some(fs::read(entry.path()).unwrap()));
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, Path::new(""), &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::TempDir;

    #[test]
    fn spec_files_are_the_yaml_yml_and_json_files_sorted_by_name() {
        let tmp = TempDir::new();
        let specs = tmp.path().join("specs");
        fs::create_dir_all(specs.join("dir.yaml")).unwrap();
        for f in [
            "b.yaml",
            "a.json",
            "c.yml",
            "notes.md",
            ".hidden.yaml",
            "d.YAML",
        ] {
            fs::write(specs.join(f), "").unwrap();
        }
        let names: Vec<String> = spec_files(tmp.path())
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.json", "b.yaml", "c.yml"]);
    }

    #[test]
    fn specs_sharing_a_stem_are_rejected_and_no_specs_means_nothing() {
        let tmp = TempDir::new();
        fs::create_dir_all(tmp.path().join("specs")).unwrap();
        assert_eq!(expected_generated(tmp.path(), false), Ok(BTreeMap::new()));
        fs::write(tmp.path().join("specs").join("a.json"), "{}").unwrap();
        fs::write(tmp.path().join("specs").join("a.yaml"), "{}").unwrap();
        let err = expected_generated(tmp.path(), false).unwrap_err();
        assert!(err.contains("2 of 2 specs failed"), "{err}");
        assert!(
            err.contains("specs/a.yaml: specs/a.json already generates into generated/a/"),
            "{err}"
        );
    }

    #[test]
    fn generated_crates_carry_the_workspace_license() {
        let manifest = fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
        let want = format!("license = \"{GENERATED_LICENSE}\"");
        assert!(manifest.lines().any(|l| l.trim() == want), "the workspace's license is not {GENERATED_LICENSE}");
    }

    #[test]
    fn out_dir_guard() {
        let tmp = TempDir::new();
        let root = tmp.path().join("repo");
        let spec = root.join("specs").join("a.yaml");
        fs::create_dir_all(spec.parent().unwrap()).unwrap();
        fs::write(&spec, "").unwrap();
        let protected: [(&Path, &str); 2] = [(&root, "the repository"), (&spec, "the spec")];

        assert!(check_out_dir(&root, &root, &protected).is_err());
        assert!(check_out_dir(tmp.path(), tmp.path(), &protected).is_err());
        assert!(check_out_dir(&root.join("specs"), &root.join("specs"), &protected).is_err());
        let fresh = root.join("out").join("a");
        assert!(check_out_dir(&fresh, &fresh, &protected).is_ok());
        fs::create_dir_all(&fresh).unwrap();
        assert!(check_out_dir(&fresh, &fresh, &protected).is_ok());
        fs::write(fresh.join("notes.txt"), "mine").unwrap();
        assert!(check_out_dir(&fresh, &fresh, &protected).is_err());
        fs::create_dir_all(fresh.join("src")).unwrap();
        fs::write(
            fresh.join("src").join("lib.rs"),
            "// @generated by `cargo xtask gen --spec a`",
        )
        .unwrap();
        assert!(check_out_dir(&fresh, &fresh, &protected).is_ok());
    }

    #[test]
    fn generate_to_reports_an_unreadable_spec_and_creates_nothing() {
        let tmp = TempDir::new();
        let out = tmp.path().join("out");
        let err = generate_to(&tmp.path().join("missing.yaml"), &out, None, false).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
        assert!(!out.exists());
        fs::write(tmp.path().join("x.yaml"), "openapi: 3.0.0").unwrap();
        assert!(generate_to(&tmp.path().join("x.yaml"), &out, Some("bad name"), false).is_err());
        assert!(!out.exists());
    }
}
