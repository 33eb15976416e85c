//! Compile cost of the emitted code (issue "Benchmarks", item 3).
//!
//! ```text
//! cargo run --release -p bench --bin compile_bench [-- OPTIONS]
//!
//!   --only TEXT   only the crates whose name contains TEXT
//!   --runs N      timed builds per crate (default 3)
//! ```
//!
//! Every crate under `generated/` (copied as it is, only its path dependencies made absolute) and a
//! crate generated from every spec in `../shared/corpus/` go into a throwaway workspace at
//! `target/bench/corpus` with the repository's `Cargo.lock`, so every crate resolves the same
//! dependency versions and shares one target directory. Everything is built once (debug, the
//! default `cargo build`); then, per run and per crate, `cargo clean -p <crate>` and
//! `cargo build -p <crate>` timed: the crate alone, its dependencies already built. Cargo runs
//! `--offline`: nothing is downloaded. Result: `target/bench/compile.md` (also printed).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Crates with fewer operations are listed but left out of the target line.
const TINY_OPS: usize = 5;
/// Target, ops per second of `cargo build`.
const TARGET_OPS_PER_S: f64 = 22.0;

struct Args {
    only: Option<String>,
    runs: usize,
}

fn parse_args() -> Args {
    let mut args = Args { only: None, runs: 3 };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--only" => args.only = Some(it.next().expect("--only needs a value")),
            "--runs" => args.runs = it.next().and_then(|n| n.parse().ok()).expect("--runs needs a number"),
            other => {
                eprintln!("unknown argument `{other}`; see the top of bench/src/bin/compile_bench.rs");
                std::process::exit(2);
            }
        }
    }
    args
}

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `My API_v2` → `my-api-v2` (as xtask names corpus crates).
fn sanitise(stem: &str) -> String {
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

struct Krate {
    /// Directory under the workspace, and what the table shows.
    dir: String,
    package: String,
    spec: String,
    ops: usize,
    lines: usize,
    /// Why it was not built, if it was not.
    problem: Option<String>,
    times: Vec<f64>,
    warnings: usize,
}

/// Writes `contents` unless the file already holds exactly that (keeps mtimes of unchanged files).
fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, contents)
}

fn count_lines(src: &Path) -> usize {
    let Ok(entries) = fs::read_dir(src) else { return 0 };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .filter_map(|e| fs::read_to_string(e.path()).ok())
        .map(|t| t.lines().count())
        .sum()
}

fn ops_in(spec: &Path) -> usize {
    let text = fs::read_to_string(spec).unwrap_or_default();
    codegen::model(&spec.to_string_lossy(), &text).map(|a| a.operations.len()).unwrap_or(0)
}

fn spec_paths(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|es| es.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")));
    v.sort();
    v
}

/// Copies `generated/<name>` into the workspace, pointing its path dependencies at the real ones.
fn copy_generated(root: &Path, work: &Path, name: &str) -> Result<String, String> {
    let from = root.join("generated").join(name);
    let to = work.join(format!("generated-{name}"));
    let manifest = fs::read_to_string(from.join("Cargo.toml")).map_err(|e| e.to_string())?;
    if !manifest.contains("path = \"../../runtime\"") {
        return Err("generated Cargo.toml does not name ../../runtime".into());
    }
    // Every path dependency (the runtime, and the optional `conversation-transcript`) made absolute.
    let fixed = manifest.replace("path = \"../../", &format!("path = \"{}/", root.to_string_lossy()));
    write_if_changed(&to.join("Cargo.toml"), &fixed).map_err(|e| e.to_string())?;
    for rel in ["README.md"] {
        if let Ok(t) = fs::read_to_string(from.join(rel)) {
            write_if_changed(&to.join(rel), &t).map_err(|e| e.to_string())?;
        }
    }
    for entry in fs::read_dir(from.join("src")).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let text = fs::read_to_string(entry.path()).map_err(|e| e.to_string())?;
        write_if_changed(&to.join("src").join(entry.file_name()), &text).map_err(|e| e.to_string())?;
    }
    let package = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = \"").and_then(|r| r.strip_suffix('"')))
        .ok_or("no package name")?
        .to_string();
    Ok(package)
}

/// Generates a corpus spec into the workspace.
fn generate_corpus(root: &Path, work: &Path, spec: &Path, dir: &str, package: &str) -> Result<(), String> {
    let text = fs::read_to_string(spec).map_err(|e| e.to_string())?;
    let shown = format!("corpus/{}", spec.file_name().unwrap().to_string_lossy());
    let runtime = root.join("runtime");
    let generated = codegen::generate(&codegen::Input {
        file_name: &shown,
        text: &text,
        crate_name: package,
        runtime_path: &runtime.to_string_lossy(),
        command: "compile_bench",
        package: codegen::PackageMeta::default(),
    })
    .map_err(|d| d.to_string().lines().next().unwrap_or_default().to_string())?;
    let out = work.join(dir);
    for (rel, contents) in &generated.files {
        write_if_changed(&out.join(rel), contents).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn cargo(work: &Path, args: &[&str]) -> Result<(bool, String), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .args(["--offline"])
        .current_dir(work)
        // Keep this workspace's build out of any CARGO_TARGET_DIR the caller set.
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok((out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned()))
}

fn build(work: &Path, package: &str) -> Result<(bool, String), String> {
    cargo(work, &["build", "--message-format", "short", "-p", package])
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn errors_of(stderr: &str) -> String {
    stderr.lines().filter(|l| l.contains("error")).take(4).collect::<Vec<_>>().join(" / ")
}

fn main() {
    let args = parse_args();
    let root = root();
    let work = root.join("target").join("bench").join("corpus");
    fs::create_dir_all(&work).expect("create target/bench/corpus");
    let keep = |name: &str| args.only.as_deref().is_none_or(|o| name.contains(o));

    // The crates.
    let mut crates: Vec<Krate> = Vec::new();
    for spec in spec_paths(&root.join("specs")) {
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        if !keep(&format!("generated-{stem}")) || !root.join("generated").join(&stem).is_dir() {
            continue;
        }
        let dir = format!("generated-{stem}");
        let (package, problem) = match copy_generated(&root, &work, &stem) {
            Ok(p) => (p, None),
            Err(e) => (String::new(), Some(e)),
        };
        crates.push(Krate {
            lines: count_lines(&work.join(&dir).join("src")),
            ops: ops_in(&spec),
            dir,
            package,
            spec: format!("specs/{}", spec.file_name().unwrap().to_string_lossy()),
            problem,
            times: Vec::new(),
            warnings: 0,
        });
    }
    for spec in spec_paths(&root.join("..").join("shared").join("corpus")) {
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = sanitise(&stem);
        if !keep(&dir) {
            continue;
        }
        let package = format!("{dir}-client");
        eprintln!("generating {dir}");
        let problem = generate_corpus(&root, &work, &spec, &dir, &package).err();
        crates.push(Krate {
            lines: count_lines(&work.join(&dir).join("src")),
            ops: ops_in(&spec),
            dir,
            package,
            spec: format!("corpus/{}", spec.file_name().unwrap().to_string_lossy()),
            problem,
            times: Vec::new(),
            warnings: 0,
        });
    }

    // The workspace: every crate that generated (others from earlier runs are left out).
    let members: Vec<String> =
        crates.iter().filter(|k| k.problem.is_none()).map(|k| format!("    {:?},", k.dir)).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n", members.join("\n"));
    write_if_changed(&work.join("Cargo.toml"), &manifest).expect("write the workspace manifest");
    fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).expect("copy Cargo.lock");

    // Build everything once: the dependencies, and each crate (so a failure is known up front).
    for k in crates.iter_mut().filter(|k| k.problem.is_none()) {
        eprintln!("first build: {}", k.package);
        match build(&work, &k.package) {
            Ok((true, _)) => {}
            Ok((false, stderr)) => k.problem = Some(format!("does not build: {}", errors_of(&stderr))),
            Err(e) => k.problem = Some(e),
        }
    }

    // The timed builds, interleaved across crates so that noise spreads evenly.
    for run in 0..args.runs {
        for k in crates.iter_mut().filter(|k| k.problem.is_none()) {
            eprint!("run {}/{}: {} … ", run + 1, args.runs, k.package);
            if let Err(e) = cargo(&work, &["clean", "-p", &k.package]).and_then(|(ok, s)| if ok { Ok(()) } else { Err(s) }) {
                k.problem = Some(format!("cargo clean failed: {}", errors_of(&e)));
                eprintln!("clean failed");
                continue;
            }
            let started = Instant::now();
            let result = build(&work, &k.package);
            let secs = started.elapsed().as_secs_f64();
            match result {
                Ok((true, stderr)) => {
                    k.times.push(secs);
                    k.warnings = stderr.lines().filter(|l| l.contains(": warning: ") || l.starts_with("warning: ")).count();
                    eprintln!("{secs:.2} s");
                }
                Ok((false, stderr)) => {
                    k.problem = Some(format!("does not build: {}", errors_of(&stderr)));
                    eprintln!("failed");
                }
                Err(e) => k.problem = Some(e),
            }
        }
    }

    let table = table(&crates, args.runs, args.only.as_deref());
    println!("{table}");
    let path = root.join("target").join("bench").join("compile.md");
    match fs::write(&path, &table) {
        Ok(()) => eprintln!("wrote {}", path.display()),
        Err(e) => eprintln!("warning: cannot write {}: {e}", path.display()),
    }
}

fn table(crates: &[Krate], runs: usize, only: Option<&str>) -> String {
    let mut out = String::new();
    let note = only.map(|o| format!(" (subset: `--only {o}`)")).unwrap_or_default();
    let _ = writeln!(out, "# Compile cost of the emitted code\n");
    let _ = writeln!(
        out,
        "`cargo run --release -p bench --bin compile_bench`{note}. Each crate in a workspace at \
         `target/bench/corpus` with the repository's Cargo.lock; dependencies built first; then {runs} times \
         `cargo clean -p <crate>` + `cargo build -p <crate>` (debug, `--message-format short`), timed; the median. \
         Reference: progenitor emits 32,729 lines for a 317-operation spec (103 lines/op), built in 28.3 s \
         (~11 ops/s). Target: ≥ {TARGET_OPS_PER_S} ops/s on the corpus specs with ≥ {TINY_OPS} operations.\n"
    );
    let _ = writeln!(out, "| crate | spec | ops | lines | lines/op | builds (s) | median (s) | ops/s | warnings |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---|---:|---:|---:|");
    for k in crates {
        let lines_per_op = if k.ops > 0 { format!("{:.0}", k.lines as f64 / k.ops as f64) } else { "–".into() };
        if let Some(p) = &k.problem {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | failed: {} | – | – | – |",
                k.package,
                k.spec,
                k.ops,
                k.lines,
                lines_per_op,
                p.replace('|', "\\|")
            );
            continue;
        }
        let m = median(&k.times);
        let times: Vec<String> = k.times.iter().map(|t| format!("{t:.2}")).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {:.2} | {:.1}{} | {} |",
            k.package,
            k.spec,
            k.ops,
            k.lines,
            lines_per_op,
            times.join(", "),
            m,
            k.ops as f64 / m,
            if k.ops < TINY_OPS { " (tiny)" } else { "" },
            k.warnings
        );
    }

    let counted: Vec<&Krate> = crates
        .iter()
        .filter(|k| k.spec.starts_with("corpus/") && k.ops >= TINY_OPS && k.problem.is_none() && !k.times.is_empty())
        .collect();
    let _ = writeln!(out, "\n## Target (≥ {TARGET_OPS_PER_S} ops/s, corpus specs with ≥ {TINY_OPS} operations)\n");
    if counted.is_empty() {
        let _ = writeln!(out, "No corpus crate with ≥ {TINY_OPS} operations was built in this run.");
    } else {
        let total_ops: usize = counted.iter().map(|k| k.ops).sum();
        let total_s: f64 = counted.iter().map(|k| median(&k.times)).sum();
        let slow: Vec<String> = counted
            .iter()
            .filter(|k| k.ops as f64 / median(&k.times) < TARGET_OPS_PER_S)
            .map(|k| format!("{} ({:.1} ops/s)", k.package, k.ops as f64 / median(&k.times)))
            .collect();
        let worst = counted
            .iter()
            .min_by(|a, b| (a.ops as f64 / median(&a.times)).total_cmp(&(b.ops as f64 / median(&b.times))))
            .unwrap();
        let _ = writeln!(
            out,
            "- every spec: {} (slowest {}: {:.1} ops/s){}",
            if slow.is_empty() { "met" } else { "MISSED" },
            worst.package,
            worst.ops as f64 / median(&worst.times),
            if slow.is_empty() { String::new() } else { format!("; below: {}", slow.join(", ")) }
        );
        let _ = writeln!(
            out,
            "- all together: {total_ops} operations in {total_s:.1} s = {:.1} ops/s — {}",
            total_ops as f64 / total_s,
            if total_ops as f64 / total_s >= TARGET_OPS_PER_S { "met" } else { "MISSED" }
        );
    }
    let failed: Vec<String> = crates.iter().filter_map(|k| k.problem.as_ref().map(|p| format!("{}: {p}", k.package))).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nNot built:\n");
        for f in failed {
            let _ = writeln!(out, "- {f}");
        }
    }
    out
}
