//! Load: `cargo run --release -p bench --bin load_bench -- [--rounds N] [--tasks N] [--pages N]`.
//!
//! One Moveworks client shared by 200 concurrent tasks (`--tasks`), each walking a conversation
//! of 5 pages of 20 messages (`--pages`) with `.items()`, against the load server of
//! `client_tests::load` (in this process, on loopback), which answers 429 (`Retry-After: 0`),
//! 503, resets connections, delays responses and holds a few past the client's timeout, all
//! drawn from a seeded RNG. The scenario and its checks are `client_tests::load`'s, the same as
//! the small version in `cargo test -p client-tests --test load`:
//!
//! - **bad weather** (about one request in five fails), `--rounds` rounds (default 5) through one
//!   client with the default retry budget: every item delivered once and in order, no task stuck,
//!   requests within what the policy and the budget allow; per round the counts, walk latency
//!   p50/p99, the heap's peak during the round and what is live after it (counting allocator,
//!   process-wide: client and server), and the RSS. Memory is flat when what is live after each
//!   round does not grow from round 1 on;
//! - **a storm** (seven requests in ten fail), one round with the default budget and one with
//!   the budget disabled, to show what the budget spares the server and what it costs the walks.
//!
//! Prints a Markdown report and writes it to `target/bench/load.md`; exits non-zero if a check
//! fails or memory grows.

use std::time::Duration;

use bench::alloc::{current, peak, reset_peak};
use client_tests::load::{run_round, summary, LoadServer, Round, Scenario};
use moveworks_client::RetryBudget;

#[global_allocator]
static ALLOC: bench::alloc::Counting = bench::alloc::Counting;

/// Growth of what is live after a round, from round 1 to the last, that still counts as flat:
/// well under one round's peak (megabytes), above allocator-level noise (a few buffers).
const FLAT: usize = 64 * 1024;

struct Args {
    rounds: u64,
    tasks: usize,
    pages: usize,
}

fn parse_args() -> Args {
    let mut args = Args { rounds: 5, tasks: 200, pages: 5 };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = || it.next().and_then(|n| n.parse::<usize>().ok()).unwrap_or_else(|| panic!("{arg} needs a number"));
        match arg.as_str() {
            "--rounds" => args.rounds = number() as u64,
            "--tasks" => args.tasks = number(),
            "--pages" => args.pages = number(),
            other => panic!("unknown argument {other:?} (--rounds N, --tasks N, --pages N)"),
        }
    }
    assert!(args.rounds >= 2, "--rounds must be at least 2 to say whether memory is flat");
    args
}

/// One round's figures, with the memory measured around it.
struct Measured {
    name: String,
    round: Round,
    heap_peak: usize,
    heap_live: usize,
    rss: Option<usize>,
}

/// The resident set size, from `/proc/self/status` (Linux); `None` elsewhere.
fn rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

async fn measured(name: String, scenario: &Scenario, server: &LoadServer, client: &moveworks_client::Client, round: u64) -> Measured {
    reset_peak();
    let r = run_round(scenario, server, client, round).await;
    let heap_peak = peak();
    // Let the connections still open (responses held past the timeout) finish before measuring.
    tokio::time::sleep(scenario.request_timeout + Duration::from_millis(500)).await;
    eprintln!("{name}: {}", summary(&r));
    Measured { name, round: r, heap_peak, heap_live: current(), rss: rss() }
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

fn row(m: &Measured) -> String {
    let r = &m.round;
    let s = &r.server;
    let tokens = match r.tokens {
        (Some(a), Some(b)) => format!("{a} → {b}"),
        _ => "off".to_owned(),
    };
    format!(
        "| {} | {}/{}/{} | {} | {} / {} | {} | {} / {} / {} / {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        m.name,
        r.complete,
        r.failed,
        r.stuck,
        r.items,
        s.requests,
        r.planned,
        r.retries,
        s.rate_limited,
        s.unavailable,
        s.reset,
        s.too_slow,
        s.served_late,
        r.refused,
        tokens,
        ms(r.latency(0.5)),
        ms(r.latency(0.99)),
        ms(r.wall),
        kib(m.heap_peak),
        kib(m.heap_live),
        m.rss.map_or_else(|| "n/a".to_owned(), |b| format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))),
    )
}

fn main() {
    let args = parse_args();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a tokio runtime");
    let report = rt.block_on(async {
        let mut rows = Vec::new();

        // Bad weather, one client for every round.
        let weather = Scenario::weather(args.tasks, args.pages);
        let server = LoadServer::start(&weather).await;
        let client = weather.client(&server, RetryBudget::default());
        for round in 0..args.rounds {
            rows.push(measured(format!("weather {}", round + 1), &weather, &server, &client, round).await);
        }
        drop((client, server));

        // A storm, with the default budget and without one.
        let storm = Scenario::storm(args.tasks, args.pages);
        let server = LoadServer::start(&storm).await;
        let with = storm.client(&server, RetryBudget::default());
        rows.push(measured("storm, budget".to_owned(), &storm, &server, &with, 0).await);
        let without = storm.client(&server, RetryBudget::disabled());
        rows.push(measured("storm, no budget".to_owned(), &storm, &server, &without, 0).await);
        (weather, rows)
    });
    let (weather, rows) = report;

    let weather_rows = &rows[..args.rounds as usize];
    let first = weather_rows[0].heap_live;
    let last = weather_rows[weather_rows.len() - 1].heap_live;
    let most = weather_rows.iter().map(|m| m.heap_live).max().unwrap_or(0);
    let change = last as i64 - first as i64;
    let flat = most.saturating_sub(first) <= FLAT;
    let problems: Vec<String> =
        rows.iter().filter_map(|m| m.round.check().err().map(|e| format!("{}: {e}", m.name))).collect();

    let mut md = String::new();
    md.push_str(&format!(
        "{} tasks share one client; each walks {} pages of {} messages ({} items); policy: {} retries, backoff {:?}..{:?}; \
         request timeout {:?}; budget: default (500 tokens, 5 a retry, 10 after a timeout or reset, refunded on success, 1 per first-attempt success).\n\n",
        weather.tasks,
        weather.pages,
        weather.items_per_page,
        weather.items_per_walk(),
        weather.policy.max_retries,
        weather.policy.initial_backoff,
        weather.policy.max_backoff,
        weather.request_timeout,
    ));
    md.push_str(
        "| round | walks complete/failed/stuck | items | requests / planned | retries | 429 / 503 / reset / too slow | served late | refused | tokens | walk p50 ms | walk p99 ms | wall ms | heap peak | heap live after | RSS |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for m in &rows {
        md.push_str(&row(m));
        md.push('\n');
    }
    md.push_str(&format!(
        "\nHeap live after each weather round: {}; round 1 to round {}: {change:+} B; the highest is {} above round 1: **{}** (flat: at most {} above round 1).\n",
        weather_rows.iter().map(|m| kib(m.heap_live)).collect::<Vec<_>>().join(", "),
        weather_rows.len(),
        kib(most.saturating_sub(first)),
        if flat { "flat" } else { "grows" },
        kib(FLAT),
    ));
    md.push_str(&format!(
        "Checks (every item once and in order, no task stuck, retries within policy and budget): {}.\n",
        if problems.is_empty() { "all rounds pass".to_owned() } else { format!("{} rounds fail", problems.len()) }
    ));
    println!("{md}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    std::fs::write(dir.join("load.md"), &md).expect("target/bench/load.md");
    eprintln!("wrote {}", dir.join("load.md").display());
    for p in &problems {
        eprintln!("{p}");
    }
    if !problems.is_empty() || !flat {
        std::process::exit(1);
    }
}
