//! The load scenario, small (BENCHMARKS.md §6 has the full one, `load_bench`):
//! one client shared by 50 tasks walking 3 pages each against a server that
//! answers some requests with 429 or 503, resets connections and delays others.
//! The checks are `client_tests::load`'s: every item once and in order, no task
//! stuck, retries within the policy and the retry budget.

use std::time::Duration;

use client_tests::load::{run_round, summary, LoadServer, Scenario};
use moveworks_client::{RetryBudget, RetryCosts};

/// No walk of the small scenario may take longer: it counts as stuck.
const DEADLINE: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_walks_in_bad_weather_each_deliver_every_item_once_in_order() {
    let scenario = Scenario { deadline: DEADLINE, ..Scenario::weather(50, 3) };
    let server = LoadServer::start(&scenario).await;
    let client = scenario.client(&server, RetryBudget::default());
    for round in 0..2 {
        let r = run_round(&scenario, &server, &client, round).await;
        eprintln!("round {round}: {}", summary(&r));
        r.check().unwrap();
        assert_eq!(r.complete, 50);
        assert_eq!(r.items, 50 * scenario.items_per_walk());
        assert!(r.server.faults() > 0 && r.retries > 0, "the server misbehaved and the client retried: {r:?}");
        assert_eq!(r.server.requests, r.planned + r.retries, "every request is a page or a retry of one");
        assert_eq!(r.refused, 0, "the default budget holds in bad weather");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_storm_the_budget_runs_dry_and_walks_fail_cleanly_without_it_they_all_complete() {
    let scenario = Scenario { deadline: DEADLINE, ..Scenario::storm(50, 3) };
    let server = LoadServer::start(&scenario).await;

    // 100 tokens for 50 walks in a storm: retries stop, some walks end on the server's error.
    let costs = RetryCosts::default();
    let budgeted = scenario.client(&server, RetryBudget::with_costs(100, costs));
    let with = run_round(&scenario, &server, &budgeted, 0).await;
    eprintln!("with a budget: {}", summary(&with));
    with.check().unwrap();
    assert!(with.refused > 0 && with.failed > 0, "{with:?}");
    assert!(with.complete + with.failed == 50 && with.stuck == 0);

    // The same storm without a budget: every retry the policy allows, every walk completes.
    let unbudgeted = scenario.client(&server, RetryBudget::disabled());
    let without = run_round(&scenario, &server, &unbudgeted, 0).await;
    eprintln!("without: {}", summary(&without));
    without.check().unwrap();
    assert_eq!((without.complete, without.refused), (50, 0));
    assert!(with.retries < without.retries, "the budget spared the server retries: {} < {}", with.retries, without.retries);
}
