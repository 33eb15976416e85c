//! Generation cost (issue "Benchmarks", items 1 and 2).
//!
//! ```text
//! cargo run --release -p bench --bin gen_bench [-- OPTIONS]
//!
//!   --only TEXT     only the specs (and synthetic sizes, named synth-N) whose name contains TEXT
//!   --runs N        iterations per measurement (default 5, 3 for specs of 1 MB or more)
//!   --no-process    skip timing `xtask gen` as a process
//!   --no-specs      skip the real specs (growth only)
//!   --no-growth     skip the synthetic growth series
//!   --sizes A,B,..  the synthetic sizes (default 10,100,1000,10000, filtered by --only)
//!   --derive-stats  only print, per spec, how many emitted types are reachable from requests
//!                   only, responses only, both or neither (which serde derives are needed)
//!   --pieces        only print, per spec, how many items of types.rs and client.rs emit wrote
//!                   in their final layout, wrote for prettyplease to lay out (a line past the
//!                   margin), or left as tokens, with their lines
//!   --profile       run only `codegen::generate` once per selected case (specs and synth-N),
//!                   for a profiler: `valgrind --tool=callgrind target/release/gen_bench
//!                   --profile --only asana`
//! ```
//!
//! Per spec (`specs/` and `../shared/corpus/`), measured side by side in each iteration:
//!
//! * (a) the floor: the text parsed straight into `openapiv3::OpenAPI` (serde_yaml or
//!   serde_json by extension); where that typed parse fails (OpenAPI 3.1 documents, which
//!   `openapiv3` does not read), the text parsed into a `serde_json::Value` instead, marked
//!   `Value` in the table;
//! * (b) `codegen::generate` in memory, text to files;
//! * (c) `target/release/xtask gen --spec F --out DIR` as a process (startup, read, generate,
//!   write). `xtask gen` over all of `specs/` is timed as `xtask gen --check`, which generates
//!   the same crates and compares instead of writing (so `generated/` is never touched).
//!
//! The peaks are heap bytes beyond what was live before the step (see `bench::alloc`).
//! Results: `target/bench/generation.md` and `target/bench/growth.md` (also printed).

use std::cell::Cell;
use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use bench::alloc;

#[global_allocator]
static ALLOC: alloc::Counting = alloc::Counting;

const MB: usize = 1 << 20;
const GROWTH_SIZES: [usize; 4] = [10, 100, 1000, 10000];

#[derive(Default)]
struct Args {
    only: Option<String>,
    runs: Option<usize>,
    no_process: bool,
    no_specs: bool,
    no_growth: bool,
    profile: bool,
    sizes: Option<Vec<usize>>,
    derive_stats: bool,
    pieces: bool,
}

fn parse_args() -> Args {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--only" => args.only = Some(it.next().expect("--only needs a value")),
            "--runs" => args.runs = Some(it.next().and_then(|n| n.parse().ok()).expect("--runs needs a number")),
            "--no-process" => args.no_process = true,
            "--no-specs" => args.no_specs = true,
            "--no-growth" => args.no_growth = true,
            "--profile" => args.profile = true,
            "--derive-stats" => args.derive_stats = true,
            "--pieces" => args.pieces = true,
            "--sizes" => {
                let v = it.next().expect("--sizes needs a list such as 100,1000");
                args.sizes = Some(v.split(',').map(|n| n.trim().parse().expect("--sizes: numbers")).collect());
            }
            other => {
                eprintln!("unknown argument `{other}`; see the top of bench/src/bin/gen_bench.rs");
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

struct Spec {
    /// `specs/x.yaml` or `corpus/x.json`.
    shown: String,
    path: PathBuf,
    text: String,
}

fn spec_files(root: &Path, only: Option<&str>) -> Vec<Spec> {
    let mut out = Vec::new();
    for (dir, label) in [(root.join("specs"), "specs"), (root.join("..").join("shared").join("corpus"), "corpus")] {
        let Ok(entries) = fs::read_dir(&dir) else {
            eprintln!("warning: cannot read {}", dir.display());
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
            .collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if only.is_some_and(|o| !name.contains(o)) {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            out.push(Spec { shown: format!("{label}/{name}"), path, text });
        }
    }
    out
}

fn median(v: &mut [f64]) -> f64 {
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

fn secs<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

fn human_bytes(b: usize) -> String {
    if b >= MB {
        format!("{:.2} MB", b as f64 / MB as f64)
    } else {
        format!("{:.1} KB", b as f64 / 1024.0)
    }
}

fn ms(s: f64) -> String {
    if s.is_nan() {
        "–".into()
    } else if s >= 10.0 {
        format!("{:.0}", s * 1e3)
    } else {
        format!("{:.1}", s * 1e3)
    }
}

// ---------------------------------------------------------------------------------------------
// (a) the floor

#[derive(Clone, Copy, PartialEq)]
enum Floor {
    Typed,
    Value,
}

fn is_json(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()) == Some("json")
}

fn floor_typed(json: bool, text: &str) -> Result<openapiv3::OpenAPI, String> {
    if json {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }
}

fn floor_value(json: bool, text: &str) -> serde_json::Value {
    if json {
        serde_json::from_str(text).expect("the spec parses as JSON")
    } else {
        serde_yaml::from_str(text).expect("the spec parses as YAML")
    }
}

fn run_floor(kind: Floor, json: bool, text: &str) {
    match kind {
        Floor::Typed => drop(black_box(floor_typed(json, text).expect("parsed before"))),
        Floor::Value => drop(black_box(floor_value(json, text))),
    }
}

// ---------------------------------------------------------------------------------------------
// (b) generation, whole and by stage

fn generate(file_name: &str, text: &str) -> Result<codegen::GeneratedCrate, codegen::Diagnostics> {
    codegen::generate(&codegen::Input {
        file_name,
        text,
        crate_name: "bench-client",
        runtime_path: "../runtime",
        command: "gen_bench",
        package: codegen::PackageMeta::default(),
    })
}

fn output_lines(g: &codegen::GeneratedCrate) -> usize {
    g.files.iter().filter(|(k, _)| k.ends_with(".rs")).map(|(_, v)| v.lines().count()).sum()
}

const STAGES: [&str; 6] = ["parse text", "version+normalise", "to OpenAPI", "resolve", "emit tokens", "format"];

/// Per stage: seconds, and the most heap live during it (bytes beyond what was live when the
/// generation started). The same work as `codegen::generate` (minus README/Cargo.toml), stage by
/// stage through codegen's public modules; it mirrors `codegen::generate`'s sequence as of
/// writing (update it when that changes).
fn stages(file_name: &str, text: &str) -> ([f64; 6], [usize; 6]) {
    use codegen::{emit, format, load, normalise, resolve};
    let mut t = [0.0; 6];
    let mut m = [0usize; 6];
    let base = alloc::current();
    // Runs one stage: its time, and its high-water mark relative to `base`.
    let mut stage = |i: usize, f: &mut dyn FnMut()| {
        let held = alloc::current().saturating_sub(base);
        alloc::reset_peak();
        let started = Instant::now();
        f();
        t[i] = started.elapsed().as_secs_f64();
        m[i] = held + alloc::peak();
    };
    let mut doc = None;
    stage(0, &mut || doc = Some(load::parse_text(file_name, text).expect("generates")));
    stage(1, &mut || {
        let d = doc.as_mut().unwrap();
        load::check_version(file_name, d).expect("generates");
        normalise::normalise(file_name, d).expect("generates");
    });
    let mut spec = None;
    stage(2, &mut || spec = Some(load::to_openapi(file_name, doc.as_mut().unwrap()).expect("generates").0));
    let mut api = None;
    // As `codegen::generate`: the JSON value goes before resolve (a spec with diagnostics
    // after this point reads it again to order them; the corpus specs have none).
    drop(doc);
    stage(3, &mut || api = Some(resolve::resolve(spec.as_ref().unwrap(), file_name).expect("generates").0));
    drop(spec);
    // As `codegen::generate`: lib.rs in one go; types.rs and client.rs piece by piece, each piece
    // formatted as soon as it is emitted. Emit time is the time spent inside the pieces' iterator;
    // format is the rest. Their memory is one figure (both columns hold it).
    let api = api.unwrap();
    let held = alloc::current().saturating_sub(base);
    alloc::reset_peak();
    let emit_time = Cell::new(0.0);
    let started = Instant::now();
    let lib = format::rust_file(file_name, "header", timed(&emit_time, || emit::lib_rs(&api))).expect("formats");
    let types = format::rust_file_pieces(
        file_name,
        "header",
        Timed { inner: emit::types_items(&api.types, &api.request_only, 0), spent: &emit_time },
    )
    .expect("formats");
    let client = format::rust_file_pieces(file_name, "header", Timed { inner: emit::client_items(&api, 0), spent: &emit_time })
        .expect("formats");
    let total = started.elapsed().as_secs_f64();
    t[4] = emit_time.get();
    t[5] = total - emit_time.get();
    m[4] = held + alloc::peak();
    m[5] = m[4];
    drop(black_box((lib, types, client)));
    (t, m)
}

/// Per spec, the items of `types.rs` and `client.rs` by how emit handed them to format, with
/// their lines once formatted.
fn piece_stats(specs: &[Spec]) -> String {
    use codegen::format::Piece;
    let mut out = String::from("| spec | written: items | lines | for prettyplease: items | lines | tokens: items | lines |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for spec in specs {
        let Ok(api) = codegen::model(&spec.shown, &spec.text) else { continue };
        let mut counts = [(0usize, 0usize); 3];
        let pieces = codegen::emit::types_items(&api.types, &api.request_only, 0).chain(codegen::emit::client_items(&api, 0));
        for piece in pieces {
            let kind = match &piece {
                Piece::Formatted(_) => 0,
                Piece::Source { .. } => 1,
                Piece::Tokens { .. } => 2,
            };
            let text = codegen::format::rust_file_pieces(&spec.shown, "", std::iter::once(piece)).expect("formats");
            counts[kind].0 += 1;
            counts[kind].1 += text.lines().count().saturating_sub(2);
        }
        let cells: Vec<String> = counts.iter().flat_map(|(n, l)| [n.to_string(), l.to_string()]).collect();
        let _ = writeln!(out, "| {} | {} |", spec.shown, cells.join(" | "));
    }
    out
}

/// Runs `f`, adding its time to `spent`.
fn timed<T>(spent: &Cell<f64>, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    spent.set(spent.get() + started.elapsed().as_secs_f64());
    out
}

/// An iterator that adds the time its `next` takes to `spent`.
struct Timed<'c, I> {
    inner: I,
    spent: &'c Cell<f64>,
}

impl<I: Iterator> Iterator for Timed<'_, I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        timed(self.spent, || self.inner.next())
    }
}

fn median_stages(all: &[[f64; 6]]) -> [f64; 6] {
    let mut out = [0.0; 6];
    for (i, o) in out.iter_mut().enumerate() {
        let mut col: Vec<f64> = all.iter().map(|s| s[i]).collect();
        *o = median(&mut col);
    }
    out
}

fn stage_cells(s: &[f64; 6]) -> String {
    let total: f64 = s.iter().sum();
    s.iter().map(|x| format!("{} ({:.0}%)", ms(*x), 100.0 * x / total)).collect::<Vec<_>>().join(" | ")
}

/// The memory columns: the stages, emit and format merged (they interleave).
const MEM_STAGES: [&str; 5] = ["parse text", "version+normalise", "to OpenAPI", "resolve", "emit+format"];

fn mem_cells(m: &[usize; 6], size: usize) -> String {
    m[..5].iter().map(|b| format!("{} ({:.1}×)", human_bytes(*b), *b as f64 / size as f64)).collect::<Vec<_>>().join(" | ")
}

// ---------------------------------------------------------------------------------------------
// (c) xtask as a process

fn build_xtask(root: &Path) -> Option<PathBuf> {
    eprintln!("building xtask (release)…");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "xtask"])
        .current_dir(root)
        .status();
    let exe = root.join("target").join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX));
    match status {
        Ok(s) if s.success() && exe.exists() => Some(exe),
        other => {
            eprintln!("warning: cannot build xtask ({other:?}); skipping the process timings");
            None
        }
    }
}

fn run_process(exe: &Path, root: &Path, args: &[&str]) -> Result<f64, String> {
    let t = Instant::now();
    let out = Command::new(exe).args(args).current_dir(root).output().map_err(|e| e.to_string())?;
    let s = t.elapsed().as_secs_f64();
    if out.status.success() {
        Ok(s)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).lines().take(3).collect::<Vec<_>>().join(" / "))
    }
}

// ---------------------------------------------------------------------------------------------

struct Row {
    shown: String,
    size: usize,
    floor_kind: Floor,
    a: f64,
    b: f64,
    c: Option<f64>,
    peak_a: usize,
    peak_b: usize,
    allocs_a: usize,
    allocs_b: usize,
    ops: usize,
    lines: usize,
    stages: [f64; 6],
    stage_mem: [usize; 6],
    runs: usize,
    error: Option<String>,
}

fn bench_spec(spec: &Spec, root: &Path, xtask: Option<&Path>, runs_override: Option<usize>) -> Row {
    let size = spec.text.len();
    let runs = runs_override.unwrap_or(if size >= MB { 3 } else { 5 });
    let json = is_json(&spec.path);
    let mut row = Row {
        shown: spec.shown.clone(),
        size,
        floor_kind: Floor::Typed,
        a: f64::NAN,
        b: f64::NAN,
        c: None,
        peak_a: 0,
        peak_b: 0,
        allocs_a: 0,
        allocs_b: 0,
        ops: 0,
        lines: 0,
        stages: [f64::NAN; 6],
        stage_mem: [0; 6],
        runs,
        error: None,
    };

    // Which floor, and the peaks (one untimed pass each; the peaks do not vary between runs).
    let before = alloc::allocations();
    let (typed, peak_typed) = alloc::measure(|| floor_typed(json, &spec.text).map(drop));
    row.allocs_a = alloc::allocations() - before;
    match typed {
        Ok(()) => row.peak_a = peak_typed,
        Err(e) => {
            eprintln!("  {}: typed parse fails ({}); the floor is a parse to serde_json::Value", spec.shown, first_line(&e));
            row.floor_kind = Floor::Value;
            let before = alloc::allocations();
            row.peak_a = alloc::measure(|| drop(floor_value(json, &spec.text))).1;
            row.allocs_a = alloc::allocations() - before;
        }
    }
    let before = alloc::allocations();
    let (generated, peak_b) = alloc::measure(|| generate(&spec.shown, &spec.text).map(|g| output_lines(&g)));
    row.allocs_b = alloc::allocations() - before;
    match generated {
        Ok(lines) => {
            row.lines = lines;
            row.peak_b = peak_b;
            row.ops = codegen::model(&spec.shown, &spec.text).map(|a| a.operations.len()).unwrap_or(0);
        }
        Err(d) => row.error = Some(first_line(&d.to_string())),
    }

    let stem = spec.path.file_stem().unwrap().to_string_lossy().into_owned();
    let out_dir = root.join("target").join("bench").join("tmp").join(&stem);
    let spec_arg = spec.path.to_string_lossy().into_owned();
    let out_arg = out_dir.to_string_lossy().into_owned();
    let mut a = Vec::new();
    let mut b = Vec::new();
    let mut c = Vec::new();
    let mut st = Vec::new();
    for i in 0..runs {
        eprint!("\r  {} run {}/{}   ", spec.shown, i + 1, runs);
        a.push(secs(|| run_floor(row.floor_kind, json, &spec.text)).1);
        if row.error.is_none() {
            b.push(secs(|| drop(black_box(generate(&spec.shown, &spec.text)))).1);
            let (t, m) = stages(&spec.shown, &spec.text);
            st.push(t);
            row.stage_mem = m;
        }
        if let Some(exe) = xtask {
            match run_process(exe, root, &["gen", "--spec", &spec_arg, "--out", &out_arg, "--name", "bench-client"]) {
                Ok(s) => c.push(s),
                Err(e) if row.error.is_none() => row.error = Some(format!("xtask: {e}")),
                Err(_) => {}
            }
        }
    }
    eprintln!();
    row.a = median(&mut a);
    row.b = median(&mut b);
    if !c.is_empty() {
        row.c = Some(median(&mut c));
    }
    if !st.is_empty() {
        row.stages = median_stages(&st);
    }
    row
}

fn first_line(s: &str) -> String {
    let l = s.lines().next().unwrap_or_default();
    if l.len() > 140 {
        format!("{}…", &l[..l.floor_char_boundary_compat(140)])
    } else {
        l.to_string()
    }
}

trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}
impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

fn generation_table(rows: &[Row], all_specs: Option<(f64, usize)>, note: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Generation cost\n");
    let _ = writeln!(
        out,
        "`cargo run --release -p bench --bin gen_bench`{note}. Medians of the runs shown; (a), (b) and (c) \
         measured side by side in each run. (a) the floor: the text parsed straight into \
         `openapiv3::OpenAPI` (`Value`: the typed parse fails, as for OpenAPI 3.1 documents, so the floor \
         is a parse into `serde_json::Value`); (b) `codegen::generate` in memory; (c) `xtask gen --spec F \
         --out DIR` as a process (release build). Peaks: heap bytes beyond what was live before the step; allocs: heap blocks allocated by the step.\n"
    );
    let _ = writeln!(
        out,
        "| spec | size | ops | lines out | runs | (a) floor ms | (b) generate ms | (c) xtask ms | b/a | peak (a) | peak(a)/size | peak (b) | peak(b)/size | allocs (a) | allocs (b) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let floor = match r.floor_kind {
            Floor::Typed => ms(r.a),
            Floor::Value => format!("{} (Value)", ms(r.a)),
        };
        if let Some(e) = &r.error {
            let _ = writeln!(
                out,
                "| {} | {} | – | – | {} | {} | error: {} | {} | – | {} | {:.1} | – | – | {} | – |",
                r.shown,
                human_bytes(r.size),
                r.runs,
                floor,
                e.replace('|', "\\|"),
                r.c.map(ms).unwrap_or("–".into()),
                human_bytes(r.peak_a),
                r.peak_a as f64 / r.size as f64,
                r.allocs_a
            );
            continue;
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {} | {:.1} | {} | {:.1} | {} | {} |",
            r.shown,
            human_bytes(r.size),
            r.ops,
            r.lines,
            r.runs,
            floor,
            ms(r.b),
            r.c.map(ms).unwrap_or("–".into()),
            r.b / r.a,
            human_bytes(r.peak_a),
            r.peak_a as f64 / r.size as f64,
            human_bytes(r.peak_b),
            r.peak_b as f64 / r.size as f64,
            r.allocs_a,
            r.allocs_b
        );
    }
    if let Some((s, n)) = all_specs {
        let _ = writeln!(
            out,
            "\n`xtask gen --check` over all {n} specs in `specs/` (generates every crate, compares instead of writing), as a process: {} ms (median).",
            ms(s)
        );
    }

    let _ = writeln!(out, "\n## Targets\n");
    let big: Vec<&Row> = rows.iter().filter(|r| r.size >= MB && r.error.is_none()).collect();
    if big.is_empty() {
        let _ = writeln!(out, "- b/a ≤ 3 for every spec ≥ 1 MB: no such spec in this run.");
    } else {
        for r in &big {
            let ratio = r.b / r.a;
            let _ = writeln!(
                out,
                "- b/a ≤ 3 for {} ({}): {:.2} — {}",
                r.shown,
                human_bytes(r.size),
                ratio,
                if ratio <= 3.0 { "met" } else { "MISSED" }
            );
        }
    }
    let ok: Vec<&Row> = rows.iter().filter(|r| r.error.is_none()).collect();
    let worst = ok.iter().max_by(|x, y| (x.peak_b as f64 / x.size as f64).total_cmp(&(y.peak_b as f64 / y.size as f64)));
    let over: Vec<String> = ok
        .iter()
        .filter(|r| r.peak_b > 10 * r.size)
        .map(|r| format!("{} ({:.1}×)", r.shown, r.peak_b as f64 / r.size as f64))
        .collect();
    if let Some(w) = worst {
        let _ = writeln!(
            out,
            "- peak(b) ≤ 10 × spec size: {} (worst {}: {:.1}×){}",
            if over.is_empty() { "met for every spec" } else { "MISSED" },
            w.shown,
            w.peak_b as f64 / w.size as f64,
            if over.is_empty() { String::new() } else { format!("; over: {}", over.join(", ")) }
        );
    }
    let failed: Vec<&str> = rows.iter().filter(|r| r.error.is_some()).map(|r| r.shown.as_str()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "- not generated: {}", failed.join(", "));
    }

    let _ = writeln!(out, "\n## Where (b)'s time goes, by stage (ms, share of the sum)\n");
    let _ = writeln!(out, "| spec | {} | sum |", STAGES.join(" | "));
    let _ = writeln!(out, "|---|{}---:|", "---:|".repeat(STAGES.len()));
    for r in rows.iter().filter(|r| r.error.is_none()) {
        let _ = writeln!(out, "| {} | {} | {} |", r.shown, stage_cells(&r.stages), ms(r.stages.iter().sum()));
    }
    let _ = writeln!(
        out,
        "\n## Heap high-water mark during each stage of (b) (beyond what was live when generation started; ×: of the spec size)\n"
    );
    let _ = writeln!(out, "| spec | {} |", MEM_STAGES.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(MEM_STAGES.len()));
    for r in rows.iter().filter(|r| r.error.is_none()) {
        let _ = writeln!(out, "| {} | {} |", r.shown, mem_cells(&r.stage_mem, r.size));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Growth

struct GrowthRow {
    n: usize,
    size: usize,
    lines: usize,
    time: f64,
    peak: usize,
    stages: [f64; 6],
    stage_mem: [usize; 6],
    runs: usize,
}

/// Least-squares slope of ln(y) against ln(x).
fn exponent(points: &[(f64, f64)]) -> f64 {
    let pts: Vec<(f64, f64)> = points.iter().map(|(x, y)| (x.ln(), y.ln())).collect();
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = pts.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = pts.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

fn bench_growth(n: usize, runs_override: Option<usize>) -> GrowthRow {
    let text = bench::synth::spec(n);
    let name = format!("synth-{n}.json");
    let runs = runs_override.unwrap_or(if n >= 10000 { 3 } else { 5 });
    let (lines, peak) = alloc::measure(|| output_lines(&generate(&name, &text).expect("the synthetic spec generates")));
    let mut t = Vec::new();
    let mut st = Vec::new();
    let mut stage_mem = [0; 6];
    for i in 0..runs {
        eprint!("\r  synth-{n} run {}/{}   ", i + 1, runs);
        t.push(secs(|| drop(black_box(generate(&name, &text)))).1);
        let (s, m) = stages(&name, &text);
        st.push(s);
        stage_mem = m;
    }
    eprintln!();
    GrowthRow { n, size: text.len(), lines, time: median(&mut t), peak, stages: median_stages(&st), stage_mem, runs }
}

fn growth_table(rows: &[GrowthRow], note: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Generation growth\n");
    let _ = writeln!(
        out,
        "`cargo run --release -p bench --bin gen_bench`{note}. Synthetic specs from `bench::synth` (N operations, \
         2.5 component schemas per operation, oneOfs, bounded query parameters, bodies, shared `Error` and \
         `Pagination` refs). Time: median of `codegen::generate` over the runs shown; peak: heap bytes beyond \
         the baseline during one generation.\n"
    );
    let _ = writeln!(out, "| N ops | spec size | lines out | runs | generate ms | µs/op | peak | peak/op |");
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.0} | {} | {} |",
            r.n,
            human_bytes(r.size),
            r.lines,
            r.runs,
            ms(r.time),
            r.time * 1e6 / r.n as f64,
            human_bytes(r.peak),
            human_bytes(r.peak / r.n)
        );
    }
    let fit = |f: &dyn Fn(&GrowthRow) -> f64, from: usize| -> Option<f64> {
        let pts: Vec<(f64, f64)> = rows.iter().filter(|r| r.n >= from).map(|r| (r.n as f64, f(r))).collect();
        (pts.len() >= 2).then(|| exponent(&pts))
    };
    let show = |e: Option<f64>| e.map(|e| format!("{e:.3}")).unwrap_or("–".into());
    let verdict = |e: Option<f64>| match e {
        Some(e) if e <= 1.1 => "met",
        Some(_) => "MISSED",
        None => "not measured",
    };
    let t100 = fit(&|r| r.time, 100);
    let m100 = fit(&|r| r.peak as f64, 100);
    let _ = writeln!(out, "\nGrowth exponents (least squares on ln y vs ln N):\n");
    let _ = writeln!(out, "| fit over | time | peak memory |");
    let _ = writeln!(out, "|---|---:|---:|");
    let _ = writeln!(out, "| N = 100..10000 | {} | {} |", show(t100), show(m100));
    let _ = writeln!(out, "| N = 10..10000 | {} | {} |", show(fit(&|r| r.time, 0)), show(fit(&|r| r.peak as f64, 0)));
    let _ = writeln!(out, "\nTargets (exponent ≤ 1.1 over 100..10000): time {}, memory {}.", verdict(t100), verdict(m100));

    let _ = writeln!(out, "\n## By stage (ms, share of the sum) and each stage's exponent over 100..10000\n");
    let _ = writeln!(out, "| N ops | {} |", STAGES.join(" | "));
    let _ = writeln!(out, "|---:|{}", "---:|".repeat(STAGES.len()));
    for r in rows {
        let _ = writeln!(out, "| {} | {} |", r.n, stage_cells(&r.stages));
    }
    let exps: Vec<String> = (0..STAGES.len()).map(|i| show(fit(&|r| r.stages[i], 100))).collect();
    let _ = writeln!(out, "| exponent | {} |", exps.join(" | "));
    let _ = writeln!(out, "\n## Heap high-water mark during each stage (beyond the start of generation; ×: of the spec size)\n");
    let _ = writeln!(out, "| N ops | {} |", MEM_STAGES.join(" | "));
    let _ = writeln!(out, "|---:|{}", "---:|".repeat(MEM_STAGES.len()));
    for r in rows {
        let _ = writeln!(out, "| {} | {} |", r.n, mem_cells(&r.stage_mem, r.size));
    }
    out
}

/// Per spec: the emitted types by what reaches them. A type only requests reach needs only
/// `Serialize`; one only responses reach needs only `Deserialize`; "neither" are the types no
/// operation reaches (emitted all the same; whatever they reach counts as "both").
fn derive_stats(specs: &[Spec]) -> String {
    use codegen::model::{Success, Ty, TypeKind};
    use std::collections::{BTreeMap, BTreeSet};
    fn walk<'a>(ty: &'a Ty, defs: &BTreeMap<&'a str, &'a TypeKind>, seen: &mut BTreeSet<&'a str>) {
        match ty {
            Ty::Vec(t) | Ty::Map(t) => walk(t, defs, seen),
            Ty::Named(n) if seen.insert(n.as_str()) => walk_def(n, defs, seen),
            _ => {}
        }
    }
    fn walk_def<'a>(name: &str, defs: &BTreeMap<&'a str, &'a TypeKind>, seen: &mut BTreeSet<&'a str>) {
        match defs.get(name) {
            Some(TypeKind::Struct(fields)) => fields.iter().for_each(|f| walk(&f.ty, defs, seen)),
            Some(TypeKind::OneOf(o)) => o.variants.iter().for_each(|v| walk(&v.ty, defs, seen)),
            Some(TypeKind::AnyOf(a)) => a.members.iter().for_each(|f| walk(&f.ty, defs, seen)),
            Some(TypeKind::Alias(t)) => walk(t, defs, seen),
            Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_)) | None => {}
        }
    }
    let mut out = String::from(
        "| spec | types | structs+oneOfs: request only / response only / both / neither | string enums: request only / response only / both / neither |\n|---|---:|---|---|\n",
    );
    for spec in specs {
        let Ok(api) = codegen::model(&spec.shown, &spec.text) else { continue };
        let defs: BTreeMap<&str, &TypeKind> = api.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
        let (mut req, mut resp) = (BTreeSet::new(), BTreeSet::new());
        for op in &api.operations {
            for p in &op.params {
                walk(&p.ty, &defs, &mut req);
            }
            if let Success::Json(t) = &op.success {
                walk(t, &defs, &mut resp);
            }
            for e in &op.errors {
                walk(&e.ty, &defs, &mut resp);
            }
        }
        // Types no operation reaches are emitted all the same, with both derives; so need both
        // all the types they reach.
        let unused: BTreeSet<&str> =
            defs.keys().copied().filter(|n| !req.contains(n) && !resp.contains(n)).collect();
        for n in &unused {
            let mut seen = BTreeSet::new();
            walk_def(n, &defs, &mut seen);
            for s in seen {
                if !unused.contains(s) {
                    req.insert(s);
                    resp.insert(s);
                }
            }
        }
        let mut counts = [[0usize; 4]; 2];
        for t in &api.types {
            let row = usize::from(matches!(t.kind, TypeKind::StringEnum(_)));
            let (q, r) = (req.contains(t.name.as_str()), resp.contains(t.name.as_str()));
            let col = match (q, r) {
                (true, false) => 0,
                (false, true) => 1,
                (true, true) => 2,
                (false, false) => 3,
            };
            counts[row][col] += 1;
            // `BENCH_DERIVE_LIST=1`: the names too, on stderr, for experiments.
            if std::env::var_os("BENCH_DERIVE_LIST").is_some() {
                eprintln!("{}\t{}\t{}", spec.shown, ["request-only", "response-only", "both", "neither"][col], t.name);
            }
        }
        let cell = |c: [usize; 4]| format!("{} / {} / {} / {}", c[0], c[1], c[2], c[3]);
        out.push_str(&format!("| {} | {} | {} | {} |\n", spec.shown, api.types.len(), cell(counts[0]), cell(counts[1])));
    }
    out
}

fn write_report(root: &Path, file: &str, text: &str) {
    let dir = root.join("target").join("bench");
    let _ = fs::create_dir_all(&dir);
    let path = dir.join(file);
    match fs::write(&path, text) {
        Ok(()) => eprintln!("wrote {}", path.display()),
        Err(e) => eprintln!("warning: cannot write {}: {e}", path.display()),
    }
}

fn main() {
    let args = parse_args();
    let root = root();
    let only = args.only.as_deref();
    let note = only.map(|o| format!(" (subset: `--only {o}`)")).unwrap_or_default();
    let growth_sizes: Vec<usize> =
        match &args.sizes {
            Some(sizes) => sizes.clone(),
            None => GROWTH_SIZES.into_iter().filter(|n| only.is_none_or(|o| format!("synth-{n}").contains(o))).collect(),
        };

    if args.derive_stats {
        println!("{}", derive_stats(&spec_files(&root, only)));
        return;
    }

    if args.pieces {
        println!("{}", piece_stats(&spec_files(&root, only)));
        return;
    }

    if args.profile {
        for spec in spec_files(&root, only) {
            let (r, s) = secs(|| generate(&spec.shown, &spec.text).map(|g| output_lines(&g)));
            eprintln!("{}: {:?} lines in {} ms", spec.shown, r.map_err(|d| first_line(&d.to_string())), ms(s));
        }
        for n in growth_sizes {
            let text = bench::synth::spec(n);
            let (r, s) = secs(|| generate("synth.json", &text).map(|g| output_lines(&g)));
            eprintln!("synth-{n}: {:?} lines in {} ms", r.map_err(|d| first_line(&d.to_string())), ms(s));
        }
        return;
    }

    if !args.no_specs {
        let specs = spec_files(&root, only);
        let xtask = if args.no_process || specs.is_empty() { None } else { build_xtask(&root) };
        let mut rows = Vec::new();
        for spec in &specs {
            rows.push(bench_spec(spec, &root, xtask.as_deref(), args.runs));
        }
        let mut all_specs = None;
        if let (Some(exe), None) = (&xtask, only) {
            eprintln!("  xtask gen --check over specs/");
            let mut t = Vec::new();
            for _ in 0..args.runs.unwrap_or(5) {
                match run_process(exe, &root, &["gen", "--check"]) {
                    Ok(s) => t.push(s),
                    Err(e) => eprintln!("warning: xtask gen --check failed: {e}"),
                }
            }
            let n = rows.iter().filter(|r| r.shown.starts_with("specs/")).count();
            if !t.is_empty() {
                all_specs = Some((median(&mut t), n));
            }
        }
        if !rows.is_empty() {
            let table = generation_table(&rows, all_specs, &note);
            println!("{table}");
            write_report(&root, "generation.md", &table);
        }
    }

    if !args.no_growth && !growth_sizes.is_empty() {
        let rows: Vec<GrowthRow> = growth_sizes.iter().map(|&n| bench_growth(n, args.runs)).collect();
        let table = growth_table(&rows, &note);
        println!("{table}");
        write_report(&root, "growth.md", &table);
    }
}
