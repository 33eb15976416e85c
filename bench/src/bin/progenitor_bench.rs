//! Side by side with progenitor (BENCHMARKS.md §3): generation as a whole process, and the
//! compile cost of the generated crates, for specs both generators handle.
//!
//! ```text
//! cargo install cargo-progenitor --version 0.15.1
//! cargo run --release -p bench --bin progenitor_bench -- [--runs N] [--progenitor PATH] SPEC...
//! ```
//!
//! Without SPECs: `../shared/corpus/oai-uspto.yaml`, the corpus spec progenitor 0.15.1 generates
//! (the others make it panic or refuse them). Progenitor's own `sample_openapi/` specs
//! (`nexus.json`, `buildomat.json`, `keeper.json`, `propolis-server.json`) are public specs both
//! handle; pass their paths.
//!
//! Per spec: `target/release/xtask gen --spec F --out DIR` and `cargo-progenitor progenitor -i F
//! -o DIR -n NAME -v 0.1.0` as processes, interleaved, `--runs` times (default 5), the median.
//! Then both crates go into a throwaway workspace at `target/bench/progenitor` (progenitor's
//! dependencies are fetched once, the workspace's own lock file), everything is built once, and
//! `cargo clean -p <crate>` + `cargo build -p <crate>` (debug) is timed `--runs` times per crate,
//! interleaved, the median. Operations are counted from our model of the spec; both generators
//! emit one method per operation. Result: `target/bench/progenitor.md` (also printed).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Args {
    runs: usize,
    progenitor: PathBuf,
    specs: Vec<PathBuf>,
}

fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn parse_args(root: &Path) -> Args {
    let home = std::env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let mut args = Args {
        runs: 5,
        progenitor: home.map(|h| h.join("bin").join("cargo-progenitor")).unwrap_or_else(|| "cargo-progenitor".into()),
        specs: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => args.runs = it.next().and_then(|n| n.parse().ok()).expect("--runs needs a number"),
            "--progenitor" => args.progenitor = it.next().expect("--progenitor needs a path").into(),
            other if other.starts_with("--") => {
                eprintln!("unknown argument `{other}`; see the top of bench/src/bin/progenitor_bench.rs");
                std::process::exit(2);
            }
            spec => args.specs.push(spec.into()),
        }
    }
    if args.specs.is_empty() {
        args.specs.push(root.join("..").join("shared").join("corpus").join("oai-uspto.yaml"));
    }
    args
}

/// `nexus.json` → `nexus`; `oai-uspto.yaml` → `oai-uspto`.
fn stem(spec: &Path) -> String {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
    stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Runs a command, returning its wall time, or its stderr's last lines on failure.
fn timed(cmd: &mut Command) -> Result<f64, String> {
    let started = Instant::now();
    let out = cmd.output().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    if out.status.success() {
        Ok(secs)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).take(3).collect();
        Err(tail.join(" / "))
    }
}

fn cargo(work: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args).current_dir(work).env_remove("CARGO_TARGET_DIR");
    cmd
}

struct Side {
    package: String,
    dir: PathBuf,
    gen: Vec<f64>,
    builds: Vec<f64>,
    lines: usize,
    problem: Option<String>,
}

struct Row {
    spec: String,
    ops: usize,
    ours: Side,
    theirs: Side,
}

fn lines_under(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .map(|p| if p.is_dir() { lines_under(&p) } else if p.extension().is_some_and(|x| x == "rs") { fs::read_to_string(&p).map(|t| t.lines().count()).unwrap_or(0) } else { 0 })
        .sum()
}

fn main() {
    let root = root();
    let args = parse_args(&root);
    let work = root.join("target").join("bench").join("progenitor");
    fs::create_dir_all(&work).expect("create target/bench/progenitor");
    eprintln!("building xtask (release)…");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--quiet", "-p", "xtask"])
        .current_dir(&root)
        .status();
    assert!(status.is_ok_and(|s| s.success()), "cannot build xtask");
    let xtask = root.join("target").join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX));

    let mut rows = Vec::new();
    for spec in &args.specs {
        let name = stem(spec);
        let text = fs::read_to_string(spec).unwrap_or_else(|e| panic!("cannot read {}: {e}", spec.display()));
        let ops = codegen::model(&spec.to_string_lossy(), &text).map(|a| a.operations.len()).unwrap_or(0);
        let side = |package: String, dir: PathBuf| Side { package, dir, gen: Vec::new(), builds: Vec::new(), lines: 0, problem: None };
        let mut row = Row {
            spec: spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            ops,
            ours: side(format!("{name}-ours"), work.join(format!("ours-{name}"))),
            theirs: side(format!("{name}-progenitor"), work.join(format!("progenitor-{name}"))),
        };
        for run in 0..args.runs {
            eprintln!("{name}: generation {}/{}", run + 1, args.runs);
            let ours = timed(Command::new(&xtask).current_dir(&root).args(["gen", "--spec"]).arg(spec).arg("--out").arg(&row.ours.dir).args(["--name", &row.ours.package]));
            let theirs = timed(
                Command::new(&args.progenitor)
                    .args(["progenitor", "-i"])
                    .arg(spec)
                    .arg("-o")
                    .arg(&row.theirs.dir)
                    .args(["-n", &row.theirs.package, "-v", "0.1.0"]),
            );
            for (side, result) in [(&mut row.ours, ours), (&mut row.theirs, theirs)] {
                match result {
                    Ok(secs) => side.gen.push(secs),
                    Err(e) => side.problem = Some(format!("does not generate: {e}")),
                }
            }
        }
        row.ours.lines = lines_under(&row.ours.dir.join("src"));
        row.theirs.lines = lines_under(&row.theirs.dir.join("src"));
        rows.push(row);
    }

    // One workspace for both generators' crates; progenitor's crates choose their own
    // dependency versions (reqwest 0.13), so this workspace resolves its own lock file.
    let members: Vec<String> = rows
        .iter()
        .flat_map(|r| [&r.ours, &r.theirs])
        .filter(|s| s.problem.is_none())
        .filter_map(|s| s.dir.file_name().map(|n| format!("    {:?},", n.to_string_lossy())))
        .collect();
    fs::write(work.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n", members.join("\n"))).expect("write the workspace manifest");
    for side in rows.iter_mut().flat_map(|r| [&mut r.ours, &mut r.theirs]).filter(|s| s.problem.is_none()) {
        eprintln!("first build: {}", side.package);
        if let Err(e) = timed(&mut cargo(&work, &["build", "--message-format", "short", "-p", &side.package])) {
            side.problem = Some(format!("does not build: {e}"));
        }
    }
    for run in 0..args.runs {
        for side in rows.iter_mut().flat_map(|r| [&mut r.ours, &mut r.theirs]).filter(|s| s.problem.is_none()) {
            eprint!("build {}/{}: {} … ", run + 1, args.runs, side.package);
            let cleaned = timed(&mut cargo(&work, &["clean", "--offline", "-p", &side.package]));
            let built = cleaned.and_then(|_| timed(&mut cargo(&work, &["build", "--offline", "--message-format", "short", "-p", &side.package])));
            match built {
                Ok(secs) => {
                    eprintln!("{secs:.2} s");
                    side.builds.push(secs);
                }
                Err(e) => side.problem = Some(format!("does not build: {e}")),
            }
        }
    }

    let table = table(&rows, args.runs);
    println!("{table}");
    let path = root.join("target").join("bench").join("progenitor.md");
    match fs::write(&path, &table) {
        Ok(()) => eprintln!("wrote {}", path.display()),
        Err(e) => eprintln!("warning: cannot write {}: {e}", path.display()),
    }
}

fn table(rows: &[Row], runs: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Side by side with progenitor\n");
    let _ = writeln!(
        out,
        "`cargo run --release -p bench --bin progenitor_bench`. Generation: the whole process, median of {runs}. \
         Build: `cargo clean -p` + `cargo build -p` (debug, dependencies built), median of {runs}. \
         Targets: our generation ≤ 0.5× progenitor's, our build time per operation ≤ 0.5× progenitor's.\n"
    );
    let _ = writeln!(out, "| spec | ops | ours: lines | progenitor: lines | ours: gen s | progenitor: gen s | gen ratio | ours: build s | progenitor: build s | build/op ratio |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let cell = |s: &Side, v: &[f64]| match &s.problem {
            Some(p) => format!("failed: {}", p.replace('|', "\\|")),
            None => format!("{:.3}", median(v)),
        };
        let ratio = |a: &Side, b: &Side, av: &[f64], bv: &[f64]| {
            if a.problem.is_some() || b.problem.is_some() {
                "–".to_owned()
            } else {
                format!("{:.2}", median(av) / median(bv))
            }
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.spec,
            r.ops,
            r.ours.lines,
            r.theirs.lines,
            cell(&r.ours, &r.ours.gen),
            cell(&r.theirs, &r.theirs.gen),
            ratio(&r.ours, &r.theirs, &r.ours.gen, &r.theirs.gen),
            cell(&r.ours, &r.ours.builds),
            cell(&r.theirs, &r.theirs.builds),
            ratio(&r.ours, &r.theirs, &r.ours.builds, &r.theirs.builds),
        );
    }
    out
}
