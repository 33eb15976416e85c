//! The load scenario: one client shared by many concurrent tasks, each walking a
//! paged conversation against a local server that answers some requests with
//! 429 or 503, resets some connections, delays others and lets a few outlast the
//! client's timeout.
//!
//! Used by the small version in `cargo test` (`tests/tests/load.rs`) and by the
//! bench binary `bench/src/bin/load_bench.rs` (BENCHMARKS.md §6), so that both
//! run and check the same thing.
//!
//! **Faults are deterministic.** The fate of a request is drawn from an RNG
//! seeded by (seed, round, conversation, page, attempt), where the attempt is
//! the server's count of requests for that page so far, so it does not depend
//! on how the tasks interleave. From attempt [`Faults::max_per_page`] on, a page
//! is always served, so with `max_per_page <= max_retries` a walk can only fail
//! because the retry budget refused a retry.
//!
//! **What [`Round::problems`] checks:**
//! - no task is stuck: every walk ends within [`Scenario::deadline`];
//! - every walk delivered each item at most once and in order: what it got is a
//!   prefix of the conversation, and all of it when the walk did not fail;
//! - a walk fails only with a retryable error, and only where the budget refused
//!   a retry (the budget's refusal count equals the walks that failed so);
//! - the retries the server saw are within the policy (`max_retries` a call) and
//!   within the budget: their costs add up to no more than the tokens at the
//!   start of the round plus what the successes paid back (a first attempt's
//!   deposit, a successful retry's refund), so the requests made
//!   are at most the pages fetched plus what the budget could pay for;
//! - with [`Scenario::expect_complete`], every walk completed.
//!
//! The server keeps one small outcome per request (a byte) in a table per page,
//! cleared (capacity kept) between rounds, so a long run holds no more than a
//! round's worth.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moveworks_client::client_runtime::futures_util::StreamExt;
use moveworks_client::{Client, RetryBudget, RetryPolicy};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::raw_server::{answer, read_request, Reply, READ_TIMEOUT};

/// How often the server misbehaves, per request (each a probability in 0..=1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// 429 with `Retry-After: 0`.
    pub rate_limited: f64,
    /// 503 without `Retry-After` (the client backs off).
    pub unavailable: f64,
    /// The connection is reset once the request is read (a RST, no response).
    pub reset: f64,
    /// The response is held back past the client's timeout.
    pub too_slow: f64,
    /// A response that is served is first delayed by up to `max_delay` (not a fault).
    pub delayed: f64,
    /// The longest such delay (well under the client's timeout).
    pub max_delay: Duration,
    /// From this attempt on (0-based) a page is always served.
    pub max_per_page: u32,
}

impl Faults {
    /// Bad weather: about one request in five fails, one in five is delayed up to 50 ms.
    pub fn weather() -> Self {
        Faults {
            rate_limited: 0.08,
            unavailable: 0.08,
            reset: 0.04,
            too_slow: 0.01,
            delayed: 0.2,
            max_delay: Duration::from_millis(50),
            max_per_page: 3,
        }
    }

    /// A storm: seven requests in ten fail.
    pub fn storm() -> Self {
        Faults {
            rate_limited: 0.25,
            unavailable: 0.35,
            reset: 0.10,
            too_slow: 0.0,
            delayed: 0.2,
            max_delay: Duration::from_millis(20),
            max_per_page: 3,
        }
    }
}

/// One load run's shape: how many walks, how long, against which faults.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Concurrent tasks, each walking its own conversation, all through one client.
    pub tasks: usize,
    /// Pages per conversation.
    pub pages: usize,
    pub items_per_page: usize,
    pub faults: Faults,
    pub seed: u64,
    /// The client's policy; keep `faults.max_per_page <= max_retries`.
    pub policy: RetryPolicy,
    /// The client's per-request timeout; a too-slow response is held this plus 300 ms.
    pub request_timeout: Duration,
    /// The longest any walk may take before it counts as stuck.
    pub deadline: Duration,
    /// Whether every walk must complete (the budget is expected to hold).
    pub expect_complete: bool,
}

impl Scenario {
    /// `tasks` walks of `pages` pages of 20 messages, in [`Faults::weather`].
    pub fn weather(tasks: usize, pages: usize) -> Self {
        Scenario {
            tasks,
            pages,
            items_per_page: 20,
            faults: Faults::weather(),
            seed: 0x10ad,
            policy: RetryPolicy {
                max_retries: 3,
                initial_backoff: Duration::from_millis(20),
                max_backoff: Duration::from_millis(200),
                max_retry_after: Duration::from_secs(1),
            },
            request_timeout: Duration::from_secs(2),
            deadline: Duration::from_secs(60),
            expect_complete: true,
        }
    }

    /// The same walks in a [`Faults::storm`], where the budget is expected to run dry.
    pub fn storm(tasks: usize, pages: usize) -> Self {
        Scenario { faults: Faults::storm(), expect_complete: false, ..Self::weather(tasks, pages) }
    }

    /// The items a full walk delivers.
    pub fn items_per_walk(&self) -> usize {
        self.pages * self.items_per_page
    }

    /// The one client all tasks share.
    pub fn client(&self, server: &LoadServer, budget: RetryBudget) -> Client {
        Client::builder("load-token", "load-assistant")
            .base_url(server.url())
            .timeout(self.request_timeout)
            .retry_policy(self.policy.clone())
            .retry_budget(budget)
            .build()
            .expect("a valid configuration")
    }
}

/// The conversation task `task` walks.
pub fn conversation_id(task: usize) -> String {
    format!("conv-{task}")
}

/// The `n`-th message (0-based, over all pages) of task `task`'s conversation.
pub fn message_id(task: usize, n: usize) -> String {
    format!("conv-{task}-m{n:05}")
}

/// What the server did with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 200 with the page.
    Served,
    /// 200 with the page, after a delay shorter than the client's timeout.
    ServedLate,
    /// 429, `Retry-After: 0`.
    RateLimited,
    /// 503.
    Unavailable,
    /// Connection reset, no response.
    Reset,
    /// Held back past the client's timeout (then a 200 nobody reads).
    TooSlow,
}

impl Outcome {
    fn served(self) -> bool {
        matches!(self, Outcome::Served | Outcome::ServedLate)
    }
}

/// Totals of what the server did, over a round.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerStats {
    pub requests: u64,
    pub served: u64,
    pub served_late: u64,
    pub rate_limited: u64,
    pub unavailable: u64,
    pub reset: u64,
    pub too_slow: u64,
    /// Requests for no page of the scenario (a wrong path, cursor or conversation): a bug.
    pub unplaced: u64,
}

impl ServerStats {
    /// Requests that failed on purpose (429, 503, resets, too slow).
    pub fn faults(&self) -> u64 {
        self.rate_limited + self.unavailable + self.reset + self.too_slow
    }
}

struct State {
    scenario: Scenario,
    round: AtomicU64,
    /// Per conversation and page (`task * pages + page`), the outcome of each attempt in order.
    log: Mutex<Vec<Vec<Outcome>>>,
    unplaced: AtomicU64,
}

/// The paged-conversation server of a [`Scenario`], on `127.0.0.1`; stops when dropped.
///
/// Serves `GET /conversations/conv-N/messages?cursor=pK&limit=L` as Moveworks
/// does: page K of conversation N, `metadata.next_cursor` the next page's
/// cursor or `null` on the last. One request per connection (`Connection:
/// close`), as the tests' raw server.
pub struct LoadServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Drop for LoadServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LoadServer {
    pub async fn start(scenario: &Scenario) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let log = (0..scenario.tasks * scenario.pages).map(|_| Vec::with_capacity(4)).collect();
        let state = Arc::new(State { scenario: scenario.clone(), round: AtomicU64::new(0), log: Mutex::new(log), unplaced: AtomicU64::new(0) });
        let task = tokio::spawn(accept_loop(listener, state.clone()));
        LoadServer { addr, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Starts round `round`: forgets the last round's log (keeping its memory) and
    /// draws a new fault pattern.
    pub fn reset(&self, round: u64) {
        self.state.round.store(round, Ordering::Relaxed);
        self.state.unplaced.store(0, Ordering::Relaxed);
        for page in self.state.log.lock().unwrap().iter_mut() {
            page.clear();
        }
    }

    /// The outcomes of every attempt at `task`'s page `page`, in order.
    pub fn attempts(&self, task: usize, page: usize) -> Vec<Outcome> {
        self.state.log.lock().unwrap()[task * self.state.scenario.pages + page].clone()
    }

    pub fn stats(&self) -> ServerStats {
        let log = self.state.log.lock().unwrap();
        let mut s = ServerStats { unplaced: self.state.unplaced.load(Ordering::Relaxed), ..ServerStats::default() };
        for outcome in log.iter().flatten() {
            s.requests += 1;
            match outcome {
                Outcome::Served => s.served += 1,
                Outcome::ServedLate => s.served_late += 1,
                Outcome::RateLimited => s.rate_limited += 1,
                Outcome::Unavailable => s.unavailable += 1,
                Outcome::Reset => s.reset += 1,
                Outcome::TooSlow => s.too_slow += 1,
            }
        }
        s.requests += s.unplaced;
        s
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        while connections.try_join_next().is_some() {}
        connections.spawn(serve(stream, state.clone()));
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let Ok(Some(request)) = tokio::time::timeout(READ_TIMEOUT, read_request(&mut stream)).await else { return };
    let reply = match place(&state, &request.target) {
        Some((task, page)) => {
            let attempt = {
                let mut log = state.log.lock().unwrap();
                let attempts = &mut log[task * state.scenario.pages + page];
                let attempt = attempts.len();
                let outcome = decide(&state, task, page, attempt);
                attempts.push(outcome.0);
                outcome
            };
            reply(&state.scenario, task, page, attempt)
        }
        None => {
            state.unplaced.fetch_add(1, Ordering::Relaxed);
            Reply::text(404, "text/plain", "no such page")
        }
    };
    answer(stream, &reply).await;
}

/// The conversation (task) and page a request target names, if any.
fn place(state: &State, target: &str) -> Option<(usize, usize)> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let task: usize = path.strip_prefix("/conversations/conv-")?.strip_suffix("/messages")?.parse().ok()?;
    let mut page = 0;
    for pair in query.split('&') {
        if let Some(cursor) = pair.strip_prefix("cursor=") {
            page = cursor.strip_prefix('p')?.parse().ok()?;
        }
    }
    (task < state.scenario.tasks && page < state.scenario.pages).then_some((task, page))
}

/// splitmix64: one step of a seeded, well-mixed sequence.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The outcome of this attempt at this page, and how long a served page is delayed.
fn decide(state: &State, task: usize, page: usize, attempt: usize) -> (Outcome, Duration) {
    let f = &state.scenario.faults;
    let round = state.round.load(Ordering::Relaxed);
    let key = [round, task as u64, page as u64, attempt as u64].iter().fold(state.scenario.seed, |h, x| mix(h ^ x));
    let mut rng = fastrand::Rng::with_seed(key);
    if attempt < f.max_per_page as usize {
        let x = rng.f64();
        let mut edge = 0.0;
        for (rate, outcome) in
            [(f.rate_limited, Outcome::RateLimited), (f.unavailable, Outcome::Unavailable), (f.reset, Outcome::Reset), (f.too_slow, Outcome::TooSlow)]
        {
            edge += rate;
            if x < edge {
                return (outcome, Duration::ZERO);
            }
        }
    }
    if rng.f64() < f.delayed {
        let most = u64::try_from(f.max_delay.as_millis()).unwrap_or(u64::MAX).max(1);
        return (Outcome::ServedLate, Duration::from_millis(rng.u64(1..=most)));
    }
    (Outcome::Served, Duration::ZERO)
}

fn reply(scenario: &Scenario, task: usize, page: usize, (outcome, delay): (Outcome, Duration)) -> Reply {
    let error = |status, code| Reply::raw_json(status, &format!(r#"{{"error":{{"code":"{code}","message":"load test"}}}}"#));
    match outcome {
        Outcome::RateLimited => error(429, "RATE_LIMIT_EXCEEDED").header("Retry-After", "0"),
        Outcome::Unavailable => error(503, "UNAVAILABLE"),
        Outcome::Reset => Reply::new(200).reset(),
        Outcome::TooSlow => page_reply(scenario, task, page).delay(scenario.request_timeout + Duration::from_millis(300)),
        Outcome::Served | Outcome::ServedLate => page_reply(scenario, task, page).delay(delay),
    }
}

fn page_reply(scenario: &Scenario, task: usize, page: usize) -> Reply {
    let conversation = conversation_id(task);
    let mut body = String::with_capacity(64 + scenario.items_per_page * 256);
    body.push_str(r#"{"messages":["#);
    for i in 0..scenario.items_per_page {
        let n = page * scenario.items_per_page + i;
        if i > 0 {
            body.push(',');
        }
        let _ = write!(
            body,
            r#"{{"message_id":"{}","conversation_id":"{conversation}","response_id":"r{n}","actor":"{}","content":{{"plain_text":{{"text":"message {n} of {conversation}"}}}},"citations":[],"created_at":"2025-06-02T10:15:30Z"}}"#,
            message_id(task, n),
            if n % 2 == 0 { "USER" } else { "ASSISTANT" },
        );
    }
    body.push_str(r#"],"metadata":{"next_cursor":"#);
    if page + 1 < scenario.pages {
        let _ = write!(body, r#""p{}"}}}}"#, page + 1);
    } else {
        body.push_str("null}}");
    }
    Reply::raw_json(200, &body)
}

/// One task's walk, as it ended.
#[derive(Debug, Clone)]
pub struct Walk {
    pub task: usize,
    /// The ids of the messages delivered, in the order delivered.
    pub ids: Vec<String>,
    /// The error that ended the walk early: (retryable, text).
    pub error: Option<(bool, String)>,
    pub elapsed: Duration,
}

async fn walk(client: Client, task: usize, limit: usize) -> Walk {
    let started = Instant::now();
    let mut ids = Vec::with_capacity(limit);
    let mut error = None;
    let request = client.list_conversation_messages(conversation_id(task)).limit(i64::try_from(limit).unwrap_or(i64::MAX));
    let mut items = pin!(request.items());
    while let Some(item) = items.next().await {
        match item {
            Ok(message) => ids.push(message.message_id),
            Err(e) => {
                error = Some((e.is_retryable(), e.to_string()));
                break;
            }
        }
    }
    Walk { task, ids, error, elapsed: started.elapsed() }
}

/// What one round did, and whatever it did wrong.
#[derive(Debug, Clone)]
pub struct Round {
    pub tasks: usize,
    pub complete: usize,
    /// Walks that ended on a retryable error (the budget refused a retry).
    pub failed: usize,
    /// Tasks that did not end within the deadline.
    pub stuck: usize,
    pub items: usize,
    /// Each finished walk's duration, sorted.
    pub latencies: Vec<Duration>,
    pub wall: Duration,
    pub server: ServerStats,
    /// Pages the walks would fetch with no fault at all.
    pub planned: u64,
    /// Calls the walks made (pages requested, retries not counted).
    pub calls: u64,
    /// Requests beyond the calls: the retries made.
    pub retries: u64,
    /// The budget's cost of those retries, in tokens.
    pub retry_cost: u64,
    /// The most retries the policy allows for these calls.
    pub policy_allows: u64,
    /// The most tokens the budget could have paid out (start + deposits + refunds); `None` if disabled.
    pub budget_could_pay: Option<u64>,
    /// Tokens in the bucket before and after the round.
    pub tokens: (Option<u32>, Option<u32>),
    /// Retries the budget refused during the round.
    pub refused: u64,
    /// Every violated expectation, one line each; empty when the round is right.
    pub problems: Vec<String>,
}

impl Round {
    /// The `q`-quantile (0..=1) of the walk latencies.
    pub fn latency(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        self.latencies[i.min(self.latencies.len() - 1)]
    }

    /// The checks of the module docs: `Err` lists the problems.
    pub fn check(&self) -> Result<(), String> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{} problems:\n{}", self.problems.len(), self.problems.join("\n")))
        }
    }
}

/// Runs one round: `scenario.tasks` walks at once through clones of `client`
/// against `server` (reset to `round` first), then checks them against the
/// server's log and the client's budget.
pub async fn run_round(scenario: &Scenario, server: &LoadServer, client: &Client, round: u64) -> Round {
    server.reset(round);
    let budget = client.http_client().retry_budget();
    let (tokens_before, refused_before) = (budget.available(), budget.refused());
    let started = Instant::now();
    let mut set = JoinSet::new();
    for task in 0..scenario.tasks {
        let client = client.clone();
        let limit = scenario.items_per_page;
        let deadline = scenario.deadline;
        set.spawn(async move { (task, tokio::time::timeout(deadline, walk(client, task, limit)).await.ok()) });
    }
    let mut walks: Vec<Option<Walk>> = vec![None; scenario.tasks];
    while let Some(joined) = set.join_next().await {
        let (task, walk) = joined.expect("a walk task panicked");
        walks[task] = walk;
    }
    let wall = started.elapsed();
    account(scenario, server, &walks, wall, (tokens_before, budget.available()), budget, budget.refused() - refused_before)
}

fn account(
    scenario: &Scenario,
    server: &LoadServer,
    walks: &[Option<Walk>],
    wall: Duration,
    tokens: (Option<u32>, Option<u32>),
    budget: &RetryBudget,
    refused: u64,
) -> Round {
    let mut problems = Vec::new();
    let stats = server.stats();
    let full = scenario.items_per_walk();
    let (mut complete, mut failed, mut stuck, mut items) = (0, 0, 0, 0);
    let (mut calls, mut retry_cost, mut earned, mut failed_by_refusal) = (0u64, 0u64, 0u64, 0u64);
    let mut latencies = Vec::with_capacity(walks.len());
    let costs = budget.costs().unwrap_or_default();
    let max_retries = scenario.policy.max_retries as usize;
    for (task, walk) in walks.iter().enumerate() {
        let Some(walk) = walk else {
            stuck += 1;
            problems.push(format!("task {task}: stuck (no end within {:?})", scenario.deadline));
            continue;
        };
        latencies.push(walk.elapsed);
        items += walk.ids.len();
        if let Some(k) = walk.ids.iter().enumerate().position(|(k, id)| k >= full || *id != message_id(task, k)) {
            problems.push(format!("task {task}: item {k} is {:?}, expected {:?} (a repeat, a gap or out of order)", walk.ids[k], message_id(task, k)));
        }
        match &walk.error {
            None if walk.ids.len() == full => complete += 1,
            None => problems.push(format!("task {task}: ended without error after {} of {full} items", walk.ids.len())),
            Some((true, _)) => failed += 1,
            Some((false, e)) => problems.push(format!("task {task}: failed with a non-retryable error: {e}")),
        }
        // The server's side of this walk: per page, every attempt but the last was retried.
        for page in 0..scenario.pages {
            let attempts = server.attempts(task, page);
            let Some(last) = attempts.last() else { break };
            calls += 1;
            let cost = |outcome: &Outcome| {
                u64::from(match outcome {
                    Outcome::RateLimited | Outcome::Unavailable => costs.retry,
                    // A reset, a timeout, or a page the client gave up waiting for.
                    _ => costs.timeout_retry,
                })
            };
            let retried = &attempts[..attempts.len() - 1];
            retry_cost += retried.iter().map(cost).sum::<u64>();
            // What a served page paid back: a first attempt's deposit, or its last retry's cost.
            if last.served() {
                earned += retried.last().map_or(u64::from(costs.success_deposit), cost);
            }
            if attempts.len() > max_retries + 1 {
                problems.push(format!("task {task} page {page}: {} attempts, the policy allows {}", attempts.len(), max_retries + 1));
            }
            if !last.served() && walk.error.is_some() && attempts.len() <= max_retries {
                failed_by_refusal += 1;
            }
            if !last.served() && walk.error.is_none() {
                problems.push(format!("task {task} page {page}: the last attempt failed ({last:?}) yet the walk went on"));
            }
        }
    }
    latencies.sort();
    let planned = (scenario.tasks * scenario.pages) as u64;
    let retries = (stats.requests - stats.unplaced).saturating_sub(calls);
    let policy_allows = calls * u64::from(scenario.policy.max_retries);
    let budget_could_pay = tokens.0.map(|t| u64::from(t) + earned);
    if stats.unplaced > 0 {
        problems.push(format!("{} requests for no page of the scenario", stats.unplaced));
    }
    if retries > policy_allows {
        problems.push(format!("{retries} retries, the policy allows {policy_allows}"));
    }
    if let Some(could) = budget_could_pay {
        if retry_cost > could {
            problems.push(format!("retries cost {retry_cost} tokens, the budget could pay {could}"));
        }
        let cheapest = u64::from(costs.retry.min(costs.timeout_retry));
        if let Some(most) = could.checked_div(cheapest) {
            if retries > most {
                problems.push(format!("{retries} retries, the budget could pay for {most}"));
            }
        }
    }
    if refused != failed_by_refusal {
        problems.push(format!("the budget refused {refused} retries; {failed_by_refusal} walks ended on a refused retry"));
    }
    if u64::try_from(failed).unwrap_or(u64::MAX) != failed_by_refusal {
        problems.push(format!("{failed} walks failed, {failed_by_refusal} of them on a refused retry"));
    }
    if scenario.expect_complete && complete != scenario.tasks {
        problems.push(format!("{complete} of {} walks completed", scenario.tasks));
    }
    Round {
        tasks: scenario.tasks,
        complete,
        failed,
        stuck,
        items,
        latencies,
        wall,
        server: stats,
        planned,
        calls,
        retries,
        retry_cost,
        policy_allows,
        budget_could_pay,
        tokens,
        refused,
        problems,
    }
}

/// One line about a round, for test output and the bench.
pub fn summary(round: &Round) -> String {
    let s = &round.server;
    format!(
        "{} walks: {} complete, {} failed, {} stuck; {} items; {} requests for {} pages planned ({} calls, {} retries costing {} tokens; \
         policy allows {}, budget could pay {:?}); faults: {} x 429, {} x 503, {} resets, {} too slow, {} served late; \
         refused {}; tokens {:?} -> {:?}; walk p50 {:?}, p99 {:?}, wall {:?}",
        round.tasks,
        round.complete,
        round.failed,
        round.stuck,
        round.items,
        s.requests,
        round.planned,
        round.calls,
        round.retries,
        round.retry_cost,
        round.policy_allows,
        round.budget_could_pay,
        s.rate_limited,
        s.unavailable,
        s.reset,
        s.too_slow,
        s.served_late,
        round.refused,
        round.tokens.0,
        round.tokens.1,
        round.latency(0.5),
        round.latency(0.99),
        round.wall,
    )
}
