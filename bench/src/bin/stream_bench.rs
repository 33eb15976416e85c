//! Streaming at scale: `cargo run --release -p bench --bin stream_bench`.
//!
//! Walks the item stream (`.items()`) over 100,000 messages (1,000 pages of 100) from a loopback
//! server, and measures
//!
//! - the heap the stream needs beyond the process baseline (the peak after a warm-up page, and the
//!   bytes live every 100 pages), against one page's footprint (one `send()` of the same page);
//! - throughput in messages per second (and a hand-written loop over the same pages, for scale).
//!
//! The server runs in a child process (this binary, `stream_bench serve <vendor>`) that builds
//! each page when asked for it, so the counting allocator sees the client's memory only. Prints a
//! Markdown table and writes it to `target/bench/stream.md`.
//! Target: the peak stays within 2x one page's footprint, and the live bytes do not grow.
//!
//! Then the same walk through `conversation_transcript::Conversations::messages` (the common
//! message model) against the client's own `.items()`, over the same pages, interleaved
//! [`ROUNDS`] times (ABBA order): the median of the per-round ratios of the client thread's CPU
//! time (target <= 1.05; CPU time, because wall time on a loaded machine also counts the server
//! process and the other jobs), and the trait stream's peak and growth (the same flat memory).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use bench::alloc::{current, peak, reset_peak};
use bench::handwritten;
use bench::server::{agentmessage_page, cursor_of, moveworks_page, paging_handler, Server, Vendor};
use futures_util::StreamExt;

#[global_allocator]
static ALLOC: bench::alloc::Counting = bench::alloc::Counting;

/// Pages walked by default (`--pages N` changes it).
const PAGES: usize = 1000;
const PER_PAGE: usize = 100;
const CONVERSATION: &str = "conv_01JTBQH2FZ8K1RXC0WJ4Z9P3VM";
const TOKEN: &str = "bench-token";
const ASSISTANT: &str = "bench-assistant";
/// Interleaved rounds of `.items()` against the trait.
const ROUNDS: usize = 8;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        let vendor = parse_vendor(args.get(2).map(String::as_str).unwrap_or("moveworks"));
        serve(vendor, args.get(3).and_then(|n| n.parse().ok()).unwrap_or(PAGES));
    }
    let pages = match args.iter().position(|a| a == "--pages") {
        Some(i) => args.get(i + 1).and_then(|n| n.parse().ok()).expect("--pages N"),
        None => PAGES,
    };
    assert!(pages >= 10, "--pages must be at least 10");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let mut reports = Vec::new();
    for vendor in [Vendor::Moveworks, Vendor::AgentMessage] {
        let server = ChildServer::spawn(vendor, pages);
        reports.push(rt.block_on(measure(vendor, &server.base_url, pages)));
    }
    let markdown = render(&reports, pages);
    println!("{markdown}");
    // `--pages` runs are explorations: only the default run writes the report.
    if pages == PAGES {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").join("target/bench");
        std::fs::create_dir_all(&dir).expect("target/bench");
        std::fs::write(dir.join("stream.md"), &markdown).expect("target/bench/stream.md");
        eprintln!("wrote {}", dir.join("stream.md").display());
    }
    let missed: Vec<&str> = reports.iter().filter(|r| !(r.peak_met() && r.flat())).map(|r| r.vendor).collect();
    if !missed.is_empty() {
        eprintln!("target missed for: {}", missed.join(", "));
    }
}

fn parse_vendor(name: &str) -> Vendor {
    match name {
        "moveworks" => Vendor::Moveworks,
        "agentmessage" => Vendor::AgentMessage,
        other => panic!("unknown vendor {other:?}"),
    }
}

/// The child process: serves `pages` pages built on request, prints its base URL, then waits.
fn serve(vendor: Vendor, pages: usize) -> ! {
    let server = Server::start(paging_handler(vendor, pages, PER_PAGE)).expect("a server");
    println!("{}", server.base_url());
    // Exit when the parent closes our stdin (or dies).
    let _ = std::io::stdin().read_line(&mut String::new());
    std::process::exit(0);
}

/// The server child process; killed when dropped.
struct ChildServer {
    child: Child,
    base_url: String,
}

impl ChildServer {
    fn spawn(vendor: Vendor, pages: usize) -> ChildServer {
        let name = match vendor {
            Vendor::Moveworks => "moveworks",
            Vendor::AgentMessage => "agentmessage",
        };
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .args(["serve", name, &pages.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout")).read_line(&mut line).expect("its base URL");
        ChildServer { child, base_url: line.trim().to_owned() }
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Report {
    vendor: &'static str,
    pages: usize,
    /// Bytes of one page's JSON body.
    page_body: usize,
    /// `serde_json::from_slice` of one page: the peak, and what the decoded page holds.
    decode_peak: usize,
    decoded_retained: usize,
    /// One `send()` of one page: the peak beyond what was live before it.
    send_peak: usize,
    /// The stream: peak beyond the baseline after the warm-up page.
    stream_peak: usize,
    /// At the first item of some pages: (page, live bytes beyond the stream's baseline, what that
    /// page's decoded messages hold on their own).
    samples: Vec<(usize, isize, usize)>,
    items: usize,
    stream_rate: f64,
    handwritten_rate: f64,
    /// Time the server takes to build one page body (it builds each on request).
    server_page_micros: f64,
    /// `.items()` against `Conversations::messages`.
    via_trait: TraitReport,
}

/// The trait path against the client's own `.items()`, over the same pages.
struct TraitReport {
    /// Per round: the trait walk's CPU time / the `.items()` walk's CPU time (this thread's).
    ratios: Vec<f64>,
    items_rate: f64,
    trait_rate: f64,
    /// The trait stream's peak, and its growth beyond the page (as [`Report::growth`]).
    peak: usize,
    growth: isize,
}

impl TraitReport {
    fn median(&self) -> f64 {
        let mut r = self.ratios.clone();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    }
}

/// Walks `items()` and `via_trait()` [`ROUNDS`] times each, alternating; `held` gives what page
/// `p`'s decoded messages hold (to take out of the trait walk's live samples).
async fn compare<S, T, U, V>(
    items: impl Fn() -> S,
    via_trait: impl Fn() -> U,
    touch_item: impl Fn(&T) -> usize + Copy,
    touch_message: impl Fn(&V) -> usize + Copy,
    pages: usize,
    held: impl Fn(usize) -> usize,
) -> TraitReport
where
    S: futures_util::Stream<Item = Result<T, String>>,
    U: futures_util::Stream<Item = Result<V, String>>,
{
    let (mut ratios, mut items_rates, mut trait_rates) = (Vec::new(), Vec::new(), Vec::new());
    let (mut peak, mut growth) = (0, 0);
    for round in 0..ROUNDS {
        // ABBA: every other round the trait goes first, so neither profits from going second.
        let trait_first = round % 2 == 1;
        let mut trait_walk = None;
        if trait_first {
            trait_walk = Some(timed_cpu(walk(via_trait(), pages, touch_message)).await);
        }
        let ((n_items, _, _, items_rate), items_cpu) = timed_cpu(walk(items(), pages, touch_item)).await;
        if !trait_first {
            trait_walk = Some(timed_cpu(walk(via_trait(), pages, touch_message)).await);
        }
        let ((n_trait, trait_peak, samples, trait_rate), trait_cpu) = trait_walk.expect("walked");
        assert_eq!((n_items, n_trait), (pages * PER_PAGE, pages * PER_PAGE), "both walks see every message");
        ratios.push(trait_cpu / items_cpu);
        items_rates.push(items_rate);
        trait_rates.push(trait_rate);
        if round == 0 {
            peak = trait_peak;
            let beyond: Vec<isize> = samples.iter().map(|&(p, live)| live - held(p) as isize).collect();
            growth = beyond.last().copied().unwrap_or(0) - beyond.first().copied().unwrap_or(0);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    TraitReport { ratios, items_rate: mean(&items_rates), trait_rate: mean(&trait_rates), peak, growth }
}

impl Report {
    fn ratio(&self) -> f64 {
        self.stream_peak as f64 / self.send_peak as f64
    }
    /// Live bytes beyond the baseline and beyond the page being handed out, at each sample.
    fn beyond_page(&self) -> impl Iterator<Item = (usize, isize)> + '_ {
        self.samples.iter().map(|&(page, live, held)| (page, live - held as isize))
    }
    /// Growth of [`Self::beyond_page`] from the first sample to the last.
    fn growth(&self) -> isize {
        let v: Vec<isize> = self.beyond_page().map(|s| s.1).collect();
        v.last().copied().unwrap_or(0) - v.first().copied().unwrap_or(0)
    }
    fn peak_met(&self) -> bool {
        self.ratio() <= 2.0 && self.items == self.pages * PER_PAGE
    }
    /// Flat: what is live beyond the page being handed out grows by less than 1% of one page's
    /// footprint over the whole walk.
    fn flat(&self) -> bool {
        (self.growth() as f64) < self.send_peak as f64 / 100.0
    }
}

async fn measure(vendor: Vendor, base_url: &str, pages: usize) -> Report {
    match vendor {
        Vendor::Moveworks => measure_moveworks(base_url, pages).await,
        Vendor::AgentMessage => measure_agentmessage(base_url, pages).await,
    }
}

/// The pages at whose first item live bytes are sampled: 1, then every tenth of the walk, then
/// the last page.
fn sampled(page: usize, pages: usize) -> bool {
    let every = (pages / 10).max(1);
    page == 1 || (page > 0 && page % every == 0) || page == pages - 1
}

/// The stream walk: counts items, samples live bytes, and takes the peak from after page 0.
/// Returns (items, peak beyond the baseline, samples (page, live bytes), items per second).
async fn walk<S, T>(items: S, pages: usize, touch: impl Fn(&T) -> usize) -> (usize, usize, Vec<(usize, isize)>, f64)
where
    S: futures_util::Stream<Item = Result<T, String>>,
{
    let baseline = current();
    let start = Instant::now();
    let mut items = std::pin::pin!(items);
    let mut count = 0usize;
    let mut checksum = 0usize;
    let mut at_reset = 0usize;
    let mut samples = Vec::new();
    while let Some(item) = items.next().await {
        let item = item.expect("a streamed item");
        checksum = checksum.wrapping_add(touch(&item));
        if count % PER_PAGE == 0 && sampled(count / PER_PAGE, pages) {
            samples.push((count / PER_PAGE, current() as isize - baseline as isize));
        }
        drop(item);
        count += 1;
        if count == PER_PAGE {
            // The warm-up page is done: the peak is counted from here on.
            at_reset = current();
            reset_peak();
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    std::hint::black_box(checksum);
    let stream_peak = (at_reset + peak()).saturating_sub(baseline);
    (count, stream_peak, samples, count as f64 / elapsed)
}

/// The output of `f` and the CPU seconds this thread spent on it (the runtime is single-threaded,
/// so that is all of the client's work).
async fn timed_cpu<T>(f: impl std::future::Future<Output = T>) -> (T, f64) {
    let before = thread_cpu();
    let out = f.await;
    (out, thread_cpu() - before)
}

fn thread_cpu() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is always available on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// Bytes `f` leaves live (what a decoded value holds), measured on this thread's allocations.
fn retained<T>(f: impl FnOnce() -> T) -> usize {
    let before = current();
    let value = f();
    let held = current() - before;
    drop(value);
    held
}

/// The largest peak of 10 `send()`s of page 0, each beyond what was live before it (the stream's
/// peak is a maximum over its pages too; one send's peak varies with how the body's bytes arrive).
async fn max_send_peak<T, E: std::fmt::Debug, F: std::future::Future<Output = Result<T, E>>>(send: impl Fn() -> F) -> usize {
    let mut max = 0;
    for _ in 0..10 {
        reset_peak();
        let page = send().await.expect("page 0");
        max = max.max(peak());
        drop(page);
    }
    max
}

fn server_page_micros(build: impl Fn(usize) -> Vec<u8>) -> f64 {
    let start = Instant::now();
    for page in 0..50 {
        std::hint::black_box(build(page));
    }
    start.elapsed().as_secs_f64() * 1e6 / 50.0
}

async fn measure_moveworks(base_url: &str, pages: usize) -> Report {
    use moveworks_client::types::ListConversationMessagesResponse as Page;
    let client = moveworks_client::Client::builder(TOKEN, ASSISTANT).base_url(base_url).build().expect("a client");
    let request = || client.list_conversation_messages(CONVERSATION).limit(PER_PAGE as i64);
    // Warm up: a connection in the pool, buffers at their working size.
    let warm = request().send().await.expect("page 0");
    assert_eq!(warm.messages.len(), PER_PAGE);
    drop(warm);

    // One page's footprint.
    let body = moveworks_page(0, PER_PAGE, Some(&cursor_of(1)));
    reset_peak();
    let decoded_retained = retained(|| serde_json::from_slice::<Page>(&body).expect("a page"));
    let decode_peak = peak();
    let send_peak = max_send_peak(|| request().send()).await;

    let items = request().items().map(|r| r.map_err(|e| e.to_string()));
    let (items, stream_peak, samples, stream_rate) = walk(items, pages, |m| m.message_id.len() + m.citations.len()).await;
    let samples = samples
        .into_iter()
        .map(|(page, live)| {
            let body = moveworks_page(page, PER_PAGE, Some(&cursor_of(page + 1)));
            (page, live, retained(|| serde_json::from_slice::<Page>(&body).expect("a page").messages))
        })
        .collect();

    let via_trait = compare(
        || client.list_conversation_messages(CONVERSATION).items().map(|r| r.map_err(|e| e.to_string())),
        || conversation_transcript::Conversations::messages(&client, CONVERSATION).map(|r| r.map_err(|e| e.to_string())),
        |m| m.message_id.len() + m.citations.len(),
        |m| m.id.len() + m.citations.len(),
        pages,
        |page| {
            let body = moveworks_page(page, PER_PAGE, Some(&cursor_of(page + 1)));
            retained(|| serde_json::from_slice::<Page>(&body).expect("a page").messages)
        },
    )
    .await;

    let hand = handwritten::moveworks::Client::new(base_url, TOKEN, ASSISTANT);
    let start = Instant::now();
    let (mut cursor, mut n) = (None::<String>, 0usize);
    loop {
        let page = hand.list_messages(CONVERSATION, PER_PAGE as u32, cursor.as_deref()).await.expect("a page");
        n += page.messages.len();
        match page.metadata.and_then(|m| m.next_cursor) {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(n, pages * PER_PAGE);
    let handwritten_rate = n as f64 / start.elapsed().as_secs_f64();

    Report {
        vendor: "Moveworks",
        pages,
        page_body: body.len(),
        decode_peak,
        decoded_retained,
        send_peak,
        stream_peak,
        samples,
        items,
        stream_rate,
        handwritten_rate,
        server_page_micros: server_page_micros(|p| moveworks_page(p, PER_PAGE, Some(&cursor_of(p + 1)))),
        via_trait,
    }
}

async fn measure_agentmessage(base_url: &str, pages: usize) -> Report {
    use agentmessage_client::types::ListMessagesResponse as Page;
    let client = agentmessage_client::Client::builder(TOKEN).base_url(base_url).build().expect("a client");
    let request = || client.list_conversation_messages(CONVERSATION).limit(PER_PAGE as i64);
    let warm = request().send().await.expect("page 0");
    assert_eq!(warm.data.len(), PER_PAGE);
    drop(warm);

    let body = agentmessage_page(0, PER_PAGE, Some(&cursor_of(1)));
    reset_peak();
    let decoded_retained = retained(|| serde_json::from_slice::<Page>(&body).expect("a page"));
    let decode_peak = peak();
    let send_peak = max_send_peak(|| request().send()).await;

    let items = request().items().map(|r| r.map_err(|e| e.to_string()));
    let (items, stream_peak, samples, stream_rate) = walk(items, pages, |m| m.id.len() + m.media_urls.len()).await;
    let samples = samples
        .into_iter()
        .map(|(page, live)| {
            let body = agentmessage_page(page, PER_PAGE, Some(&cursor_of(page + 1)));
            (page, live, retained(|| serde_json::from_slice::<Page>(&body).expect("a page").data))
        })
        .collect();

    let via_trait = compare(
        || client.list_conversation_messages(CONVERSATION).items().map(|r| r.map_err(|e| e.to_string())),
        || conversation_transcript::Conversations::messages(&client, CONVERSATION).map(|r| r.map_err(|e| e.to_string())),
        |m| m.id.len() + m.media_urls.len(),
        |m| m.id.len() + m.text.as_ref().map_or(0, String::len),
        pages,
        |page| {
            let body = agentmessage_page(page, PER_PAGE, Some(&cursor_of(page + 1)));
            retained(|| serde_json::from_slice::<Page>(&body).expect("a page").data)
        },
    )
    .await;

    let hand = handwritten::agentmessage::Client::new(base_url, TOKEN);
    let start = Instant::now();
    let (mut cursor, mut n) = (None::<String>, 0usize);
    loop {
        let page = hand.list_messages(CONVERSATION, PER_PAGE as u32, cursor.as_deref()).await.expect("a page");
        n += page.data.len();
        match page.meta.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(n, pages * PER_PAGE);
    let handwritten_rate = n as f64 / start.elapsed().as_secs_f64();

    Report {
        vendor: "AgentMessage",
        pages,
        page_body: body.len(),
        decode_peak,
        decoded_retained,
        send_peak,
        stream_peak,
        samples,
        items,
        stream_rate,
        handwritten_rate,
        server_page_micros: server_page_micros(|p| agentmessage_page(p, PER_PAGE, Some(&cursor_of(p + 1)))),
        via_trait,
    }
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn render(reports: &[Report], pages: usize) -> String {
    let mut out = String::new();
    out.push_str(&format!("## Streaming at scale: `.items()` over {} messages ({pages} pages of {PER_PAGE})\n\n", pages * PER_PAGE));
    out.push_str("Heap counted by a counting global allocator (requested bytes, client process only: the server is a child process that builds each page on request).\n");
    out.push_str("One page's footprint is the peak of one `send()` of a 100-message page beyond what was live before it (response buffers, body bytes and the decoded page), the largest of 10 sends.\n");
    out.push_str("The stream's peak is taken after its first (warm-up) page, beyond what was live before the stream started.\n");
    out.push_str("Target: stream peak <= 2x one page's footprint, and flat: what is live beyond the page being handed out grows by less than 1% of one page's footprint over the walk.\n\n");
    out.push_str("| vendor | page body | decode peak | decoded page | one `send()` peak | stream peak | peak / page | growth beyond the page, first to last sample | items | generated msg/s | hand-written msg/s | server µs/page | peak <= 2x | flat |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for r in reports {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {:.2}x | {} B ({:.0} B/page) | {} | {:.0} | {:.0} | {:.0} | {} | {} |\n",
            r.vendor,
            kib(r.page_body),
            kib(r.decode_peak),
            kib(r.decoded_retained),
            kib(r.send_peak),
            kib(r.stream_peak),
            r.ratio(),
            r.growth(),
            r.growth() as f64 / (r.samples.last().map(|s| s.0).unwrap_or(1) - r.samples.first().map(|s| s.0).unwrap_or(0)).max(1) as f64,
            r.items,
            r.stream_rate,
            r.handwritten_rate,
            r.server_page_micros,
            if r.peak_met() { "met" } else { "missed" },
            if r.flat() { "met" } else { "missed" },
        ));
    }
    out.push_str(&format!(
        "\n### The trait path: `Conversations::messages` against `.items()`, the same {} messages, {ROUNDS} interleaved rounds\n\n",
        pages * PER_PAGE
    ));
    out.push_str("Each round walks `.items()` then `Conversations::messages` (the common model: fields moved out of the vendor message, the rest kept as `raw`); the ratio is the trait walk's CPU time over the `.items()` walk's (the client's thread; rounds in ABBA order). Target: median <= 1.05x, at the same flat memory.\n\n");
    out.push_str("| vendor | CPU ratio per round | median ratio | `.items()` msg/s (wall) | trait msg/s (wall) | `.items()` peak | trait peak | trait growth beyond the page | <= 1.05x |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for r in reports {
        let t = &r.via_trait;
        let per_round: Vec<String> = t.ratios.iter().map(|x| format!("{x:.3}")).collect();
        out.push_str(&format!(
            "| {} | {} | {:.3}x | {:.0} | {:.0} | {} | {} | {} B | {} |\n",
            r.vendor,
            per_round.join(", "),
            t.median(),
            t.items_rate,
            t.trait_rate,
            kib(r.stream_peak),
            kib(t.peak),
            t.growth,
            if t.median() <= 1.05 { "met" } else { "missed" },
        ));
    }
    out.push_str("\nLive bytes beyond the stream's baseline at the first item of a page (the whole decoded page is held then), ");
    out.push_str("and what is left once that page's own decoded messages are taken out (measured by decoding the same page again):\n\n");
    out.push_str("| page |");
    for r in reports {
        out.push_str(&format!(" {0} live | {0} page | {0} beyond the page |", r.vendor));
    }
    out.push_str("\n|---:|");
    for _ in reports {
        out.push_str("---:|---:|---:|");
    }
    out.push('\n');
    let rows = reports.iter().map(|r| r.samples.len()).max().unwrap_or(0);
    for i in 0..rows {
        let page = reports.iter().find_map(|r| r.samples.get(i)).map(|s| s.0).unwrap_or(0);
        out.push_str(&format!("| {page} |"));
        for r in reports {
            match r.samples.get(i) {
                Some(&(_, live, held)) => out.push_str(&format!(" {live} | {held} | {} |", live - held as isize)),
                None => out.push_str(" | | |"),
            }
        }
        out.push('\n');
    }
    out
}
