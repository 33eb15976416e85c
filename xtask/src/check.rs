//! Comparing the expected tree with the one on disk.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::paths::slash;

/// Diff lines shown per stale file before the rest is cut.
const MAX_DIFF_LINES: usize = 40;

/// Every file under `dir`, recursively: path relative to `dir` → bytes. A missing `dir` is empty.
/// `target` directories where Cargo would put them (`dir/target`, `dir/<crate>/target`) are
/// skipped; nothing else is.
pub(crate) fn read_tree(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(format!("{} is not a directory", dir.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    }
    walk(dir, &PathBuf::new(), &mut out)?;
    Ok(out)
}

fn walk(dir: &Path, rel: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let path = entry.path();
        let rel = rel.join(entry.file_name());
        let meta =
            fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.is_dir() {
            if entry.file_name() == "target" && rel.components().count() <= 2 {
                continue;
            }
            walk(&path, &rel, out)?;
        } else {
            let bytes =
                fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            out.insert(rel, bytes);
        }
    }
    Ok(())
}

/// `Ok` when `actual` (under `generated/`) holds exactly `expected`, byte for byte; otherwise a
/// summary of every stale, missing and unexpected file.
pub(crate) fn compare(
    expected: &BTreeMap<PathBuf, String>,
    actual: &BTreeMap<PathBuf, Vec<u8>>,
) -> Result<(), String> {
    let mut stale = Vec::new();
    let mut missing = Vec::new();
    for (path, want) in expected {
        match actual.get(path) {
            None => missing.push(path),
            Some(have) if have.as_slice() != want.as_bytes() => stale.push((path, want, have)),
            Some(_) => {}
        }
    }
    let unexpected: Vec<&PathBuf> = actual
        .keys()
        .filter(|p| !expected.contains_key(*p))
        .collect();
    if stale.is_empty() && missing.is_empty() && unexpected.is_empty() {
        return Ok(());
    }

    let mut msg = format!(
        "generated/ does not match specs/ ({} stale, {} missing, {} unexpected):\n",
        stale.len(),
        missing.len(),
        unexpected.len()
    );
    for (path, want, have) in stale {
        let shown = format!("generated/{}", slash(path));
        let _ = writeln!(msg, "\nstale: {shown}");
        let have = String::from_utf8_lossy(have);
        if have.replace("\r\n", "\n") == *want {
            let _ = writeln!(
                msg,
                "  differs only in line endings (the generator writes LF)"
            );
            continue;
        }
        let diff = TextDiff::from_lines(&*have, want.as_str())
            .unified_diff()
            .context_radius(2)
            .header(
                &format!("{shown} (on disk)"),
                &format!("{shown} (expected)"),
            )
            .to_string();
        let lines: Vec<&str> = diff.lines().collect();
        for line in lines.iter().take(MAX_DIFF_LINES) {
            let _ = writeln!(msg, "  {line}");
        }
        if lines.len() > MAX_DIFF_LINES {
            let _ = writeln!(
                msg,
                "  ... ({} more diff lines cut)",
                lines.len() - MAX_DIFF_LINES
            );
        }
    }
    if !missing.is_empty() {
        msg.push('\n');
        for path in missing {
            let _ = writeln!(msg, "missing: generated/{}", slash(path));
        }
    }
    if !unexpected.is_empty() {
        msg.push('\n');
        for path in unexpected {
            let _ = writeln!(
                msg,
                "unexpected: generated/{} (the generator does not produce it)",
                slash(path)
            );
        }
    }
    msg.push_str("\ngenerated/ is stale: run `cargo xtask gen` and commit the result");
    Err(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::TempDir;

    fn p(s: &str) -> PathBuf {
        crate::paths::crate_relative_path(s).unwrap()
    }

    #[test]
    fn identical_trees_pass() {
        let expected: BTreeMap<_, _> = [(p("a/src/lib.rs"), "x\n".to_string())].into();
        let actual: BTreeMap<_, _> = [(p("a/src/lib.rs"), b"x\n".to_vec())].into();
        assert_eq!(compare(&expected, &actual), Ok(()));
        assert_eq!(compare(&BTreeMap::new(), &BTreeMap::new()), Ok(()));
    }

    #[test]
    fn reports_stale_missing_and_unexpected_files() {
        let long_old: String = (0..200).map(|i| format!("old {i}\n")).collect();
        let long_new: String = (0..200).map(|i| format!("new {i}\n")).collect();
        let expected: BTreeMap<_, _> = [
            (p("a/src/lib.rs"), "one\ntwo\nthree\n".to_string()),
            (p("a/src/big.rs"), long_new),
            (p("a/Cargo.toml"), "[package]\n".to_string()),
            (p("a/src/crlf.rs"), "x\ny\n".to_string()),
        ]
        .into();
        let actual: BTreeMap<_, _> = [
            (p("a/src/lib.rs"), b"one\n2\nthree\n".to_vec()),
            (p("a/src/big.rs"), long_old.into_bytes()),
            (p("a/src/crlf.rs"), b"x\r\ny\r\n".to_vec()),
            (p("old/src/lib.rs"), b"gone".to_vec()),
        ]
        .into();
        let err = compare(&expected, &actual).unwrap_err();
        assert!(err.contains("stale: generated/a/src/lib.rs"), "{err}");
        assert!(err.contains("-2\n") && err.contains("+two\n"), "{err}");
        assert!(err.contains("stale: generated/a/src/big.rs"), "{err}");
        assert!(err.contains("more diff lines cut"), "{err}");
        assert!(
            err.contains("stale: generated/a/src/crlf.rs\n  differs only in line endings"),
            "{err}"
        );
        assert!(err.contains("missing: generated/a/Cargo.toml"), "{err}");
        assert!(
            err.contains("unexpected: generated/old/src/lib.rs"),
            "{err}"
        );
        assert!(err.ends_with("generated/ is stale: run `cargo xtask gen` and commit the result"));
        // The cap keeps the message short even for a file that changed completely.
        assert!(err.lines().count() < 80, "{err}");
    }

    #[test]
    fn read_tree_skips_cargo_target_dirs_only() {
        let tmp = TempDir::new();
        let g = tmp.path().join("generated");
        for (rel, body) in [
            ("a/src/lib.rs", "lib"),
            ("a/target/debug/x", "build output"),
            ("target/y", "build output"),
            ("a/src/target/z.rs", "a real source file"),
            (".hidden", "counted"),
        ] {
            let path = g.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, body).unwrap();
        }
        let tree = read_tree(&g).unwrap();
        let keys: Vec<String> = tree.keys().map(|k| slash(k)).collect();
        assert_eq!(keys, [".hidden", "a/src/lib.rs", "a/src/target/z.rs"]);
        assert!(read_tree(&tmp.path().join("missing")).unwrap().is_empty());
    }
}
