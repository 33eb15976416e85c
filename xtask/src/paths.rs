//! Path arithmetic and naming: nothing here writes to disk.

use std::fs;
use std::path::{Component, Path, PathBuf};

/// `path` with `/` separators, as shown in messages, headers and `Cargo.toml`.
pub(crate) fn slash(path: &Path) -> String {
    let s = path.to_string_lossy();
    // `\\?\C:\x` is what `canonicalize` returns on Windows; Cargo and people want `C:/x`.
    let s = s.strip_prefix(r"\\?\").unwrap_or(&s);
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.to_string()
    }
}

/// Turns a generator-relative file path (`src/lib.rs`) into a `PathBuf`, refusing anything
/// that could escape the crate directory.
pub(crate) fn crate_relative_path(rel: &str) -> Result<PathBuf, String> {
    let mut out = PathBuf::new();
    for part in rel.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains(['\\', ':']) {
            return Err(format!(
                "the generator produced an invalid file path `{rel}`"
            ));
        }
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        return Err("the generator produced an empty file path".to_string());
    }
    Ok(out)
}

/// True when every component of `rel` is a plain name (no root, `.`, `..` or prefix), so that
/// `dir.join(rel)` stays inside `dir`.
pub(crate) fn is_plain_relative(rel: &Path) -> bool {
    !rel.as_os_str().is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Lowercase ASCII alphanumerics, every other run of characters becoming a single `-`,
/// no leading or trailing `-`: `My API_v2` → `my-api-v2`.
pub(crate) fn sanitise_stem(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Checks a Cargo package name: ASCII letters, digits, `-` and `_`, not starting with a digit.
pub(crate) fn check_crate_name(name: &str) -> Result<(), String> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid crate name (use ASCII letters, digits, `-` and `_`, starting with a letter)"
        ))
    }
}

/// The crate name derived from a spec's file stem: `<sanitised stem>-client`.
pub(crate) fn crate_name_for_stem(stem: &str) -> Result<String, String> {
    let name = format!("{}-client", sanitise_stem(stem));
    check_crate_name(&name)
        .map_err(|e| format!("cannot derive a crate name from `{stem}`: {e}"))?;
    Ok(name)
}

/// `path` made absolute (against the current directory) with symlinks, `.` and `..` resolved.
/// The path need not exist: its longest existing ancestor is canonicalised and the rest is
/// appended lexically.
pub(crate) fn absolute_path(path: &Path) -> Result<PathBuf, String> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("cannot determine the current directory: {e}"))?
            .join(path)
    };
    let components: Vec<Component<'_>> = abs.components().collect();
    for i in (1..=components.len()).rev() {
        let prefix: PathBuf = components[..i].iter().collect();
        if let Ok(mut resolved) = fs::canonicalize(&prefix) {
            for c in &components[i..] {
                match c {
                    Component::ParentDir => {
                        resolved.pop();
                    }
                    Component::Normal(name) => resolved.push(name),
                    Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
                }
            }
            return Ok(resolved);
        }
    }
    Err(format!("cannot resolve the path {}", path.display()))
}

/// The path that leads from directory `from` to `to`, both absolute and normalised,
/// e.g. `/r/generated/foo` → `/r/runtime` gives `../../runtime`. `None` when they share no
/// root (different drives on Windows).
pub(crate) fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    Some(out)
}

/// How a crate emitted into `out` should name the runtime crate in its `Cargo.toml`: relative
/// when `out` is inside the repository (so the repository can move), absolute otherwise.
/// All three paths are absolute and normalised.
pub(crate) fn runtime_path_for(out: &Path, repo_root: &Path, runtime: &Path) -> String {
    if out.starts_with(repo_root) {
        if let Some(rel) = relative_path(out, runtime) {
            return slash(&rel);
        }
    }
    slash(runtime)
}

/// Quotes `s` for the header's command line when a shell would split or expand it.
pub(crate) fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@+=,%~".contains(c) || !c.is_ascii());
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> PathBuf {
        // Any absolute path works; the temp dir is absolute on every platform.
        std::env::temp_dir().join("repo")
    }

    #[test]
    fn relative_path_from_generated_crate_to_runtime() {
        let root = base();
        let rel =
            relative_path(&root.join("generated").join("foo"), &root.join("runtime")).unwrap();
        assert_eq!(slash(&rel), "../../runtime");
    }

    #[test]
    fn relative_path_at_other_depths() {
        let root = base();
        let runtime = root.join("runtime");
        assert_eq!(
            slash(&relative_path(&root.join("out"), &runtime).unwrap()),
            "../runtime"
        );
        assert_eq!(
            slash(&relative_path(&root.join("a").join("b").join("c"), &runtime).unwrap()),
            "../../../runtime"
        );
        assert_eq!(slash(&relative_path(&root, &runtime).unwrap()), "runtime");
        assert_eq!(slash(&relative_path(&runtime, &runtime).unwrap()), ".");
        assert_eq!(
            slash(&relative_path(&runtime.join("x"), &runtime).unwrap()),
            ".."
        );
    }

    #[test]
    fn runtime_path_is_relative_inside_the_repo_and_absolute_outside() {
        let root = base();
        let runtime = root.join("runtime");
        assert_eq!(
            runtime_path_for(&root.join("generated").join("foo"), &root, &runtime),
            "../../runtime"
        );
        assert_eq!(
            runtime_path_for(&root.join("scratch").join("x").join("y"), &root, &runtime),
            "../../../runtime"
        );
        let outside = std::env::temp_dir().join("elsewhere").join("crate");
        assert_eq!(runtime_path_for(&outside, &root, &runtime), slash(&runtime));
        // A sibling whose name merely starts with the repo's name is outside it.
        let sibling = std::env::temp_dir().join("repo-other").join("crate");
        assert_eq!(runtime_path_for(&sibling, &root, &runtime), slash(&runtime));
    }

    #[test]
    fn absolute_path_resolves_missing_tails_lexically() {
        let tmp = fs::canonicalize(std::env::temp_dir()).unwrap();
        let p = tmp
            .join("xtask-no-such-dir")
            .join("a")
            .join("..")
            .join("b")
            .join(".");
        assert_eq!(
            absolute_path(&p).unwrap(),
            tmp.join("xtask-no-such-dir").join("b")
        );
    }

    #[test]
    fn stems_are_sanitised_into_crate_names() {
        assert_eq!(sanitise_stem("moveworks"), "moveworks");
        assert_eq!(sanitise_stem("My API_v2"), "my-api-v2");
        assert_eq!(sanitise_stem("--a..b--"), "a-b");
        assert_eq!(sanitise_stem("ünï"), "n");
        assert_eq!(
            crate_name_for_stem("Pet Store").unwrap(),
            "pet-store-client"
        );
        assert!(crate_name_for_stem("3scale").is_err());
        assert!(crate_name_for_stem("...").is_err());
        assert!(check_crate_name("my_crate-2").is_ok());
        assert!(check_crate_name("").is_err());
        assert!(check_crate_name("a b").is_err());
    }

    #[test]
    fn generator_paths_cannot_escape() {
        assert_eq!(
            crate_relative_path("src/lib.rs").unwrap(),
            Path::new("src").join("lib.rs")
        );
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "src/../../x",
            "src//x",
            "./x",
            "c:x",
            "a\\b",
        ] {
            assert!(crate_relative_path(bad).is_err(), "{bad:?} accepted");
        }
        assert!(is_plain_relative(Path::new("a/b")));
        assert!(!is_plain_relative(Path::new("../a")));
        assert!(!is_plain_relative(&std::env::temp_dir()));
        assert!(!is_plain_relative(Path::new("")));
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("specs/a.yaml"), "specs/a.yaml");
        assert_eq!(shell_word("my specs/a.yaml"), "'my specs/a.yaml'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
