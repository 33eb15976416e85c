//! Client overhead against hand-written code: `cargo bench -p client-bench --bench client`.
//!
//! One loopback server (keep-alive, bodies precomputed in memory) serves a 100-message page per
//! vendor. In the same run, each group measures the generated client and the hand-written
//! baseline of `client_bench::handwritten` side by side:
//!
//! - `<vendor>_send`: one whole call, request to decoded page
//!   (`client.list_conversation_messages(id).limit(100).send()` against a plain reqwest GET,
//!   `.bytes()`, `serde_json::from_slice`);
//! - `<vendor>_decode`: the decode alone, bytes to page (the generated `types` against the
//!   hand-written structs).
//!
//! The target is a generated median within 1.05x of the hand-written one. Compare ratios within
//! one run: the absolute times depend on the machine and its load.
//!
//! Criterion measures one function after the other, so a load that changes between the two (another
//! process, CPU frequency) shows up in their ratio. After the criterion groups, the bench also
//! measures each pair interleaved (rounds of a few calls of one, then of the other, alternating
//! which goes first) and reports the median of the per-round ratios, which such drift does not
//! skew. Both are printed as a Markdown table and written to `target/bench/client.md`.
//!
//! This package does not depend on `codegen` (which turns on serde_json's `preserve_order`), so
//! `serde_json::Value` is the 32-byte `BTreeMap` form a user's crate has, not the 72-byte
//! `IndexMap`. Run it alone (`-p client-bench`): built together with `-p bench`, cargo unifies
//! the features and `preserve_order` is back.

use std::hint::black_box;
use std::time::{Duration, Instant};

use client_bench::handwritten;
use client_bench::server::{agentmessage_page, cursor_of, fixed_handler, moveworks_page, Server};
use criterion::{criterion_group, Criterion};

const CONVERSATION: &str = "conv_01JTBQH2FZ8K1RXC0WJ4Z9P3VM";
const TOKEN: &str = "bench-token";
const ASSISTANT: &str = "bench-assistant";

fn runtime() -> tokio::runtime::Runtime {
    // The client runs on one thread; the server has its own thread (see `client_bench::server`).
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime")
}

fn moveworks(c: &mut Criterion) {
    let body = moveworks_page(3, 100, Some(&cursor_of(4)));
    let server = Server::start(fixed_handler(body.clone())).expect("a server");
    let generated = moveworks_client::Client::builder(TOKEN, ASSISTANT).base_url(server.base_url()).build().expect("a client");
    let hand = handwritten::moveworks::Client::new(&server.base_url(), TOKEN, ASSISTANT);
    let rt = runtime();

    // Both sides read the same page the same way before anything is timed.
    let g = rt.block_on(generated.list_conversation_messages(CONVERSATION).limit(100).send()).expect("generated call");
    let h = rt.block_on(hand.list_messages(CONVERSATION, 100, None)).expect("hand-written call");
    assert_eq!(g.messages.len(), 100);
    assert_eq!(h.messages.len(), 100);
    for (g, h) in g.messages.iter().zip(&h.messages) {
        let h_text = match &h.content {
            handwritten::moveworks::Content::PlainText { text }
            | handwritten::moveworks::Content::CommonmarkText { text }
            | handwritten::moveworks::Content::MarkdownText { text } => text,
        };
        assert_eq!(g.content.text(), Some(h_text.as_str()));
        assert_eq!((&g.message_id, g.created_at, g.citations.len()), (&h.message_id, h.created_at, h.citations.len()));
    }
    assert_eq!(g.metadata.and_then(|m| m.next_cursor).flatten(), h.metadata.and_then(|m| m.next_cursor));

    let mut group = c.benchmark_group("moveworks_send");
    group.bench_function("generated", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(generated.list_conversation_messages(black_box(CONVERSATION)).limit(100).send().await.unwrap())
        })
    });
    group.bench_function("handwritten", |b| {
        b.to_async(&rt).iter(|| async { black_box(hand.list_messages(black_box(CONVERSATION), 100, None).await.unwrap()) })
    });
    group.finish();

    let mut group = c.benchmark_group("moveworks_decode");
    group.bench_function("generated", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<moveworks_client::types::ListConversationMessagesResponse>(black_box(&body)).unwrap())
        })
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| black_box(serde_json::from_slice::<handwritten::moveworks::Page>(black_box(&body)).unwrap()))
    });
    group.finish();
}

fn agentmessage(c: &mut Criterion) {
    let body = agentmessage_page(3, 100, Some(&cursor_of(4)));
    let server = Server::start(fixed_handler(body.clone())).expect("a server");
    let generated = agentmessage_client::Client::builder(TOKEN).base_url(server.base_url()).build().expect("a client");
    let hand = handwritten::agentmessage::Client::new(&server.base_url(), TOKEN);
    let rt = runtime();

    let g = rt.block_on(generated.list_conversation_messages(CONVERSATION).limit(100).send()).expect("generated call");
    let h = rt.block_on(hand.list_messages(CONVERSATION, 100, None)).expect("hand-written call");
    assert_eq!(g.data.len(), 100);
    assert_eq!(h.data.len(), 100);
    for (g, h) in g.data.iter().zip(&h.data) {
        assert_eq!((&g.id, &g.body, g.created_at, g.redacted_at), (&h.id, &h.body, h.created_at, h.redacted_at));
    }
    assert!(h.data.iter().any(|m| m.body.is_none()) && h.data.iter().any(|m| m.status.is_some()));
    assert_eq!(g.meta.next_cursor, h.meta.next_cursor);

    let mut group = c.benchmark_group("agentmessage_send");
    group.bench_function("generated", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(generated.list_conversation_messages(black_box(CONVERSATION)).limit(100).send().await.unwrap())
        })
    });
    group.bench_function("handwritten", |b| {
        b.to_async(&rt).iter(|| async { black_box(hand.list_messages(black_box(CONVERSATION), 100, None).await.unwrap()) })
    });
    group.finish();

    let mut group = c.benchmark_group("agentmessage_decode");
    group.bench_function("generated", |b| {
        b.iter(|| black_box(serde_json::from_slice::<agentmessage_client::types::ListMessagesResponse>(black_box(&body)).unwrap()))
    });
    group.bench_function("handwritten", |b| {
        b.iter(|| black_box(serde_json::from_slice::<handwritten::agentmessage::Page>(black_box(&body)).unwrap()))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = benches;
    config = config();
    targets = moveworks, agentmessage
}

/// Medians of an interleaved A/B measurement: per-call time of each, and the median of the
/// per-round ratios a/b.
struct Interleaved {
    a: f64,
    b: f64,
    ratio: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|x, y| x.total_cmp(y));
    v[v.len() / 2]
}

/// `rounds` rounds of `batch` calls of `a` and `batch` calls of `b`, alternating which goes first.
fn interleaved(rounds: usize, batch: usize, mut a: impl FnMut(usize), mut b: impl FnMut(usize)) -> Interleaved {
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let time = |f: &mut dyn FnMut(usize)| {
        let start = Instant::now();
        f(batch);
        start.elapsed().as_secs_f64() / batch as f64
    };
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = time(&mut a);
            (x, time(&mut b))
        } else {
            let y = time(&mut b);
            (time(&mut a), y)
        };
        ta.push(x);
        tb.push(y);
        ratios.push(x / y);
    }
    Interleaved { a: median(ta), b: median(tb), ratio: median(ratios) }
}

/// The interleaved measurements of the four pairs, in the order of the criterion groups.
fn interleaved_all() -> Vec<(&'static str, Interleaved)> {
    let rt = runtime();
    let mut out = Vec::new();

    let body = moveworks_page(3, 100, Some(&cursor_of(4)));
    let server = Server::start(fixed_handler(body.clone())).expect("a server");
    let generated = moveworks_client::Client::builder(TOKEN, ASSISTANT).base_url(server.base_url()).build().expect("a client");
    let hand = handwritten::moveworks::Client::new(&server.base_url(), TOKEN, ASSISTANT);
    let send_g = |n| {
        rt.block_on(async {
            for _ in 0..n {
                black_box(generated.list_conversation_messages(CONVERSATION).limit(100).send().await.unwrap());
            }
        })
    };
    let send_h = |n| {
        rt.block_on(async {
            for _ in 0..n {
                black_box(hand.list_messages(CONVERSATION, 100, None).await.unwrap());
            }
        })
    };
    out.push(("moveworks_send", interleaved(400, 5, send_g, send_h)));
    let decode_g = |n| {
        for _ in 0..n {
            black_box(serde_json::from_slice::<moveworks_client::types::ListConversationMessagesResponse>(black_box(&body)).unwrap());
        }
    };
    let decode_h = |n| {
        for _ in 0..n {
            black_box(serde_json::from_slice::<handwritten::moveworks::Page>(black_box(&body)).unwrap());
        }
    };
    out.push(("moveworks_decode", interleaved(400, 10, decode_g, decode_h)));

    let body = agentmessage_page(3, 100, Some(&cursor_of(4)));
    let server = Server::start(fixed_handler(body.clone())).expect("a server");
    let generated = agentmessage_client::Client::builder(TOKEN).base_url(server.base_url()).build().expect("a client");
    let hand = handwritten::agentmessage::Client::new(&server.base_url(), TOKEN);
    let send_g = |n| {
        rt.block_on(async {
            for _ in 0..n {
                black_box(generated.list_conversation_messages(CONVERSATION).limit(100).send().await.unwrap());
            }
        })
    };
    let send_h = |n| {
        rt.block_on(async {
            for _ in 0..n {
                black_box(hand.list_messages(CONVERSATION, 100, None).await.unwrap());
            }
        })
    };
    out.push(("agentmessage_send", interleaved(400, 5, send_g, send_h)));
    let decode_g = |n| {
        for _ in 0..n {
            black_box(serde_json::from_slice::<agentmessage_client::types::ListMessagesResponse>(black_box(&body)).unwrap());
        }
    };
    let decode_h = |n| {
        for _ in 0..n {
            black_box(serde_json::from_slice::<handwritten::agentmessage::Page>(black_box(&body)).unwrap());
        }
    };
    out.push(("agentmessage_decode", interleaved(400, 10, decode_g, decode_h)));
    out
}

/// The workspace root (this package is `bench/client`).
fn workspace() -> &'static std::path::Path {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().and_then(std::path::Path::parent).unwrap_or(manifest)
}

/// The median criterion measured for `group/function` in this run, in seconds.
fn criterion_median(group: &str, function: &str) -> Option<f64> {
    let path = workspace()
        .join("target/criterion")
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    Some(json["median"]["point_estimate"].as_f64()? / 1e9)
}

fn report(interleaved: &[(&str, Interleaved)]) -> String {
    let us = |s: f64| format!("{:.1} µs", s * 1e6);
    let verdict = |r: f64| if r <= 1.05 { "met" } else { "missed" };
    let mut out = String::from("## Client overhead against hand-written code (100-message pages, loopback, keep-alive)\n\n");
    out.push_str("Target: generated <= 1.05x hand-written.\n");
    out.push_str("Criterion: medians of consecutive runs. Interleaved: medians of 400 alternating rounds, and the median of the per-round ratios.\n");
    out.push_str("serde_json is built without `preserve_order` (this package does not depend on `codegen`), as in a user's build: `serde_json::Value`, held by generated `Unknown` variants, is 32 bytes.\n\n");
    out.push_str("| benchmark | criterion generated | criterion hand-written | ratio | interleaved generated | interleaved hand-written | ratio | target (interleaved) |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (group, i) in interleaved {
        let (g, h) = (criterion_median(group, "generated"), criterion_median(group, "handwritten"));
        let (cg, ch, cr) = match (g, h) {
            (Some(g), Some(h)) => (us(g), us(h), format!("{:.3}x", g / h)),
            _ => ("-".into(), "-".into(), "-".into()),
        };
        out.push_str(&format!(
            "| {group} | {cg} | {ch} | {cr} | {} | {} | {:.3}x | {} |\n",
            us(i.a),
            us(i.b),
            i.ratio,
            verdict(i.ratio)
        ));
    }
    out
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`) criterion only checks
    // that each benchmark runs, and so does this: no interleaved measurement.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let markdown = report(&interleaved_all());
    println!("\n{markdown}");
    let dir = workspace().join("target/bench");
    if std::fs::create_dir_all(&dir).is_ok() && std::fs::write(dir.join("client.md"), &markdown).is_ok() {
        println!("wrote {}", dir.join("client.md").display());
    }
}
