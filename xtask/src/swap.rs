//! Replacing a directory's contents all at once: write a sibling temp dir, then swap it in.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::paths::{is_plain_relative, slash};

/// Makes `target` hold exactly `files` (path relative to `target` → contents, written byte for
/// byte). When `files` is an error, or anything fails before the swap completes, `target` is left
/// as it was (and is not created if it did not exist); the temp dir is always removed.
///
/// The new tree is written into `.<name>.tmp-<pid>` next to `target`; then `target` is renamed to
/// `.<name>.old-<pid>`, the temp dir renamed to `target`, and the old dir removed.
pub(crate) fn write_tree_swapped(
    target: &Path,
    files: Result<BTreeMap<PathBuf, String>, String>,
) -> Result<usize, String> {
    let files = files?;
    if let Some(bad) = files.keys().find(|p| !is_plain_relative(p)) {
        return Err(format!(
            "refusing to write {}: not a plain relative path",
            bad.display()
        ));
    }
    let name = target
        .file_name()
        .ok_or_else(|| {
            format!(
                "cannot write into {}: it has no directory name",
                target.display()
            )
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));

    let exists = match fs::metadata(target) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            return Err(format!(
                "{} exists and is not a directory",
                target.display()
            ))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(format!("cannot inspect {}: {e}", target.display())),
    };
    if exists && old.exists() {
        // Possibly the only copy of an earlier tree from an interrupted run: never delete it.
        return Err(format!(
            "{} is left over from an interrupted run; inspect it and remove it, then retry",
            old.display()
        ));
    }

    let created_parents = create_dir_all_tracked(&parent)?;
    let cleanup = |remove_parents: bool| {
        let _ = fs::remove_dir_all(&tmp);
        if remove_parents {
            for dir in created_parents.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
        }
    };

    if tmp.exists() {
        // Left by an earlier run with the same pid; it only ever holds a copy we can rebuild.
        if let Err(e) = fs::remove_dir_all(&tmp) {
            return Err(format!(
                "cannot remove the stale temp dir {}: {e}",
                tmp.display()
            ));
        }
    }
    if let Err(e) = write_tree(&tmp, &files) {
        cleanup(true);
        return Err(e);
    }

    if exists {
        if let Err(e) = fs::rename(target, &old) {
            cleanup(true);
            return Err(format!(
                "cannot move {} aside: {e}; it was left unchanged",
                target.display()
            ));
        }
        if let Err(e) = fs::rename(&tmp, target) {
            let restored = fs::rename(&old, target);
            cleanup(false);
            return Err(match restored {
                Ok(()) => format!(
                    "cannot move {} into place: {e}; {} was left unchanged",
                    tmp.display(),
                    target.display()
                ),
                Err(r) => format!(
                    "cannot move {} into place: {e}; restoring the previous contents also failed ({r}): they are in {}",
                    tmp.display(),
                    old.display()
                ),
            });
        }
        if let Err(e) = fs::remove_dir_all(&old) {
            eprintln!("warning: {} was updated but its previous contents could not be removed from {}: {e}",
                slash(target), slash(&old));
        }
    } else if let Err(e) = fs::rename(&tmp, target) {
        cleanup(true);
        return Err(format!(
            "cannot move {} to {}: {e}",
            tmp.display(),
            target.display()
        ));
    }
    Ok(files.len())
}

/// Writes `files` under `dir` (created), making parent directories as needed.
fn write_tree(dir: &Path, files: &BTreeMap<PathBuf, String>) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (rel, contents) in files {
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).map_err(|e| format!("cannot create {}: {e}", p.display()))?;
        }
        fs::write(&path, contents.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// `fs::create_dir_all`, returning the directories it created (outermost first) so that a failed
/// run can remove them again.
fn create_dir_all_tracked(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        cur = d.parent();
    }
    missing.reverse();
    for d in &missing {
        if let Err(e) = fs::create_dir(d) {
            if e.kind() != io::ErrorKind::AlreadyExists {
                return Err(format!("cannot create {}: {e}", d.display()));
            }
        }
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{read_all, TempDir};

    fn files(entries: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
        entries
            .iter()
            .map(|(p, c)| (crate::paths::crate_relative_path(p).unwrap(), c.to_string()))
            .collect()
    }

    fn write(dir: &Path, rel: &str, contents: &str) {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    fn dir_names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn swap_replaces_the_directory_contents_entirely() {
        let tmp = TempDir::new();
        let target = tmp.path().join("generated");
        write(&target, "stale/src/lib.rs", "old crate");
        write(&target, "foo/src/lib.rs", "old foo");
        write(&target, "foo/README.md", "gone");

        let new = files(&[
            ("foo/src/lib.rs", "// new foo\r\nkept CRLF as given\n"),
            ("foo/Cargo.toml", "[package]\nname = \"foo-client\"\n"),
            ("bar/src/deep/mod.rs", "no trailing newline"),
        ]);
        let n = write_tree_swapped(&target, Ok(new.clone())).unwrap();
        assert_eq!(n, 3);
        let on_disk = crate::check::read_tree(&target).unwrap();
        let expected: BTreeMap<PathBuf, Vec<u8>> =
            new.into_iter().map(|(p, c)| (p, c.into_bytes())).collect();
        assert_eq!(
            on_disk, expected,
            "stale files must disappear, new ones appear byte for byte"
        );
        // No temp or old dir is left next to the target.
        assert_eq!(dir_names(tmp.path()), ["generated"]);
    }

    #[test]
    fn failed_generation_changes_nothing_on_disk() {
        let tmp = TempDir::new();
        let target = tmp.path().join("generated");
        write(&target, "foo/src/lib.rs", "old foo");
        write(&target, "notes.txt", "hand-made");
        let before = read_all(tmp.path());

        let err =
            write_tree_swapped(&target, Err("specs/foo.yaml: broken".to_string())).unwrap_err();
        assert!(err.contains("specs/foo.yaml: broken"), "{err}");
        assert_eq!(read_all(tmp.path()), before);
        assert_eq!(dir_names(tmp.path()), ["generated"]);
    }

    #[test]
    fn failed_generation_does_not_create_a_missing_target() {
        let tmp = TempDir::new();
        let target = tmp.path().join("new").join("crate");
        let err = write_tree_swapped(&target, Err("nope".to_string())).unwrap_err();
        assert_eq!(err, "nope");
        assert!(dir_names(tmp.path()).is_empty());

        write_tree_swapped(&target, Ok(files(&[("src/lib.rs", "x")]))).unwrap();
        assert_eq!(
            fs::read_to_string(target.join("src").join("lib.rs")).unwrap(),
            "x"
        );
        assert_eq!(dir_names(&tmp.path().join("new")), ["crate"]);
    }

    #[test]
    fn a_write_failing_midway_restores_everything() {
        let tmp = TempDir::new();
        let target = tmp.path().join("generated");
        write(&target, "foo/src/lib.rs", "old foo");
        let before = read_all(tmp.path());

        // `a` is written as a file, so creating the directory `a/` for `a/b` fails.
        let err = write_tree_swapped(
            &target,
            Ok(files(&[("a", "file"), ("a/b", "under a file")])),
        )
        .unwrap_err();
        assert!(err.contains("cannot"), "{err}");
        assert_eq!(read_all(tmp.path()), before);
        assert_eq!(dir_names(tmp.path()), ["generated"]);

        // The same for a target that did not exist, including parents created for it.
        let fresh = tmp.path().join("x").join("y");
        write_tree_swapped(&fresh, Ok(files(&[("a", "file"), ("a/b", "under a file")])))
            .unwrap_err();
        assert_eq!(dir_names(tmp.path()), ["generated"]);
    }

    #[test]
    fn refuses_paths_that_escape_and_non_directory_targets() {
        let tmp = TempDir::new();
        let target = tmp.path().join("generated");
        let mut bad = BTreeMap::new();
        bad.insert(PathBuf::from("..").join("evil"), String::new());
        assert!(write_tree_swapped(&target, Ok(bad)).is_err());
        assert!(dir_names(tmp.path()).is_empty());

        fs::write(&target, "a file").unwrap();
        assert!(write_tree_swapped(&target, Ok(files(&[("x", "y")]))).is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "a file");
    }

    #[test]
    fn a_leftover_old_dir_is_never_deleted() {
        let tmp = TempDir::new();
        let target = tmp.path().join("generated");
        write(&target, "a", "current");
        let old = tmp
            .path()
            .join(format!(".generated.old-{}", std::process::id()));
        write(&old, "b", "precious");
        let before = read_all(tmp.path());
        assert!(write_tree_swapped(&target, Ok(files(&[("c", "new")]))).is_err());
        assert_eq!(read_all(tmp.path()), before);
    }
}
