//! `cargo xtask <command>`: see `USAGE`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  gen                                   regenerate generated/ from specs/; print, for each
                                        crate whose public API differs from the spec at
                                        HEAD, what changed and whether it is breaking
  gen --check                           fail if generated/ differs from what specs/ generate
                                        (with the same report)
  gen --spec FILE --out DIR [--name CRATE] [--license SPDX] [--repository URL]
                                        generate a client crate from any OpenAPI spec (YAML or
                                        JSON) into DIR; the crate is named CRATE, or
                                        <spec stem>-client; its license is SPDX (else the
                                        spec's info.license, when it is an SPDX expression)
  corpus [--only TEXT]                  generate and `cargo clippy` a crate for every spec in
                                        ../shared/corpus (or those whose name contains TEXT);
                                        one line per spec
  corpus --dir PATH [--compile-sample N]
                                        the sweep: generate every spec under PATH (recursively),
                                        count generated, warned and refused-by-class, and
                                        `cargo clippy` N of the generated crates (default 30)
  help                                  show this text

`gen` and `corpus` print a spec's warnings (defects read one safe, obvious way) on stderr;
`--deny-warnings` makes them errors.";

enum Command {
    Gen,
    Check,
    GenTo {
        spec: PathBuf,
        out: PathBuf,
        name: Option<String>,
        license: Option<String>,
        repository: Option<String>,
    },
    Corpus {
        only: Option<String>,
    },
    Sweep {
        dir: PathBuf,
        sample: usize,
    },
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let before = args.len();
    args.retain(|a| a != "--deny-warnings");
    let deny = args.len() < before;
    let command = match parse(&args) {
        Ok(c) => c,
        Err(None) => return usage(None),
        Err(Some(msg)) => return usage(Some(&msg)),
    };
    let root = xtask::repo_root();
    if matches!(command, Command::Gen | Command::Check) {
        print_semver_report(&root);
    }
    let result = match command {
        Command::Gen => xtask::write_generated(&root, deny).map(|files| {
            let specs = xtask::spec_files(&root).map(|s| s.len()).unwrap_or(0);
            format!("generated {files} files from {specs} specs into generated/")
        }),
        Command::Check => {
            xtask::check_generated(&root, deny).map(|()| "generated/ is up to date".to_string())
        }
        Command::GenTo { spec, out, name, license, repository } => {
            let package = codegen::PackageMeta { license: license.as_deref(), repository: repository.as_deref() };
            xtask::generate_package_to(&spec, &out, name.as_deref(), package, deny)
                .map(|()| format!("generated {} into {}", spec.display(), out.display()))
        }
        Command::Corpus { only } => {
            let corpus = root.join("..").join("shared").join("corpus");
            xtask::corpus::run(&root, &corpus, only.as_deref(), deny).and_then(|rows| {
                let table = xtask::corpus::table(&rows);
                if rows.iter().all(|r| r.generated && r.compiled && r.warnings == 0) {
                    Ok(table)
                } else {
                    Err(format!("not every corpus spec generates and compiles cleanly:\n{table}"))
                }
            })
        }
        Command::Sweep { dir, sample } => xtask::corpus::sweep(&root, &dir, sample, deny),
    };
    match result {
        Ok(msg) => {
            let _ = writeln!(std::io::stdout(), "{msg}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            let _ = writeln!(std::io::stderr(), "error: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// `Err(None)`: show the usage (help, or no or an unknown command); `Err(Some(_))`: bad arguments.
fn parse(args: &[String]) -> Result<Command, Option<String>> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(None);
    };
    if cmd == "corpus" {
        let sample = |n: &str| n.parse::<usize>().map_err(|_| Some(format!("`--compile-sample` needs a number, not `{n}`")));
        return match rest {
            [] => Ok(Command::Corpus { only: None }),
            [flag, value] if flag == "--only" => Ok(Command::Corpus { only: Some(value.clone()) }),
            [flag, dir] if flag == "--dir" => Ok(Command::Sweep { dir: PathBuf::from(dir), sample: 30 }),
            [flag, dir, n_flag, n] | [n_flag, n, flag, dir] if flag == "--dir" && n_flag == "--compile-sample" => {
                Ok(Command::Sweep { dir: PathBuf::from(dir), sample: sample(n)? })
            }
            _ => Err(Some("usage: cargo xtask corpus [--only TEXT | --dir PATH [--compile-sample N]] [--deny-warnings]".into())),
        };
    }
    if cmd != "gen" {
        return match cmd.as_str() {
            "help" | "-h" | "--help" => Err(None),
            other => Err(Some(format!("unknown command `{other}`"))),
        };
    }

    let mut check = false;
    let (mut spec, mut out, mut name) = (None, None, None);
    let (mut license, mut repository) = (None, None);
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let slot = match flag {
            "--check" if inline.is_none() => {
                check = true;
                continue;
            }
            "--spec" => &mut spec,
            "--out" => &mut out,
            "--name" => &mut name,
            "--license" => &mut license,
            "--repository" => &mut repository,
            "-h" | "--help" => return Err(None),
            _ => return Err(Some(format!("unexpected argument `{arg}` for `gen`"))),
        };
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .ok_or_else(|| Some(format!("`{flag}` needs a value")))?,
        };
        if value.is_empty() {
            return Err(Some(format!("`{flag}` needs a non-empty value")));
        }
        if slot.replace(value).is_some() {
            return Err(Some(format!("`{flag}` given twice")));
        }
    }

    let package_flags = license.is_some() || repository.is_some();
    match (check, spec, out, name) {
        (false, None, None, None) if !package_flags => Ok(Command::Gen),
        (true, None, None, None) if !package_flags => Ok(Command::Check),
        (true, ..) => Err(Some(
            "`--check` cannot be combined with `--spec`, `--out`, `--name`, `--license` or `--repository`".into(),
        )),
        (false, Some(spec), Some(out), name) => Ok(Command::GenTo {
            spec: PathBuf::from(spec),
            out: PathBuf::from(out),
            name,
            license,
            repository,
        }),
        (false, Some(_), None, _) => Err(Some("`--spec` needs `--out DIR`".into())),
        (false, None, _, _) => Err(Some("`--out`, `--name`, `--license` and `--repository` need `--spec FILE`".into())),
    }
}

/// What changed in each crate's public API since `HEAD` (see `xtask::semver_report`).
fn print_semver_report(root: &std::path::Path) {
    match xtask::semver_report::report(root) {
        Ok(Some(report)) => {
            let _ = writeln!(std::io::stdout(), "{report}");
        }
        Ok(None) => {}
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "warning: no semver report: {e}");
        }
    }
}

fn usage(error: Option<&str>) -> ExitCode {
    let mut stderr = std::io::stderr();
    if let Some(e) = error {
        let _ = writeln!(stderr, "error: {e}\n");
    }
    let _ = writeln!(stderr, "{USAGE}");
    ExitCode::from(2)
}
