//! The retry budget: one token bucket per client, shared by all its clones, so
//! that a struggling server is not hit by the retries of every task at once.

use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

/// What each step costs or earns in a [`RetryBudget`], in tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryCosts {
    /// Withdrawn for a retry after a retryable status (408, 429, 5xx). Default 5.
    pub retry: u32,
    /// Withdrawn for a retry after a timeout or a connection error, which cost
    /// the server (or the network) more than an answer did. Default 10.
    pub timeout_retry: u32,
    /// Deposited by a successful (2xx) response to a first attempt, up to the
    /// capacity. Default 1. (A retry that succeeds gives back its own cost instead.)
    pub success_deposit: u32,
}

impl Default for RetryCosts {
    fn default() -> Self {
        RetryCosts { retry: 5, timeout_retry: 10, success_deposit: 1 }
    }
}

/// A global retry budget: a token bucket that every retry of a client draws on.
///
/// The bucket starts full, at its capacity (default 500 tokens). Before a retry
/// the client withdraws its cost ([`RetryCosts::retry`], 5; after a timeout or a
/// connection error [`RetryCosts::timeout_retry`], 10). A successful (2xx)
/// response deposits tokens, never beyond the capacity: a first attempt's
/// [`RetryCosts::success_deposit`] (1), a retry's own cost back (the retry
/// worked, so it did the server no harm). When the bucket holds less than a
/// retry costs, the retry is not made and the error the attempt got is returned
/// at once, as if the retries were used up. This is the AWS SDKs' standard
/// retry quota (500 tokens, 5 a retry, 10 a timeout retry, 1 a success, retry
/// costs refunded on success).
///
/// So only retries that fail again drain the bucket. With the defaults a client
/// can lose 100 of them (50 after timeouts) before it has to earn more; after
/// that it pays for at most one such retry per 5 first-attempt successes, and a
/// server that is down gets each call's first attempt only, not three.
///
/// A client builds its own budget unless given one
/// ([`ClientBuilder::retry_budget`](crate::ClientBuilder::retry_budget)).
/// Cloning a budget, or a client, shares its bucket: clients given clones of one
/// budget retry out of one bucket. [`RetryBudget::disabled`] retries by the
/// [`RetryPolicy`](crate::RetryPolicy) alone.
#[derive(Clone)]
pub struct RetryBudget {
    bucket: Option<Arc<Bucket>>,
}

struct Bucket {
    capacity: u32,
    costs: RetryCosts,
    tokens: AtomicU32,
    refused: AtomicU64,
}

/// Which cost a retry withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryCause {
    /// A retryable status: the server answered.
    Status,
    /// A timeout or a connection error.
    Transport,
}

/// A retry the budget did not pay for: what it would have cost, and what was left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) cost: u32,
    pub(crate) available: u32,
}

impl RetryBudget {
    /// The default capacity, which is also where a new bucket starts.
    pub const DEFAULT_CAPACITY: u32 = 500;

    /// A full bucket of `capacity` tokens, with the default [`RetryCosts`].
    pub fn new(capacity: u32) -> Self {
        Self::with_costs(capacity, RetryCosts::default())
    }

    /// A full bucket of `capacity` tokens with these costs.
    pub fn with_costs(capacity: u32, costs: RetryCosts) -> Self {
        let bucket = Bucket { capacity, costs, tokens: AtomicU32::new(capacity), refused: AtomicU64::new(0) };
        RetryBudget { bucket: Some(Arc::new(bucket)) }
    }

    /// No budget: every retry the [`RetryPolicy`](crate::RetryPolicy) allows is made.
    pub fn disabled() -> Self {
        RetryBudget { bucket: None }
    }

    /// Whether retries draw on a bucket (`false` for [`RetryBudget::disabled`]).
    pub fn is_enabled(&self) -> bool {
        self.bucket.is_some()
    }

    /// The tokens in the bucket now; `None` when disabled.
    pub fn available(&self) -> Option<u32> {
        self.bucket.as_ref().map(|b| b.tokens.load(Ordering::Acquire))
    }

    /// The most tokens the bucket holds; `None` when disabled.
    pub fn capacity(&self) -> Option<u32> {
        self.bucket.as_ref().map(|b| b.capacity)
    }

    /// The costs; `None` when disabled.
    pub fn costs(&self) -> Option<RetryCosts> {
        self.bucket.as_ref().map(|b| b.costs)
    }

    /// How many retries this bucket has refused since it was made.
    pub fn refused(&self) -> u64 {
        self.bucket.as_ref().map_or(0, |b| b.refused.load(Ordering::Relaxed))
    }

    /// Pays for one retry, returning its cost, or says why not (and counts the refusal).
    pub(crate) fn withdraw(&self, cause: RetryCause) -> Result<u32, Refusal> {
        let Some(bucket) = &self.bucket else { return Ok(0) };
        let cost = match cause {
            RetryCause::Status => bucket.costs.retry,
            RetryCause::Transport => bucket.costs.timeout_retry,
        };
        match bucket.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost)) {
            Ok(_) => Ok(cost),
            Err(available) => {
                bucket.refused.fetch_add(1, Ordering::Relaxed);
                Err(Refusal { cost, available })
            }
        }
    }

    /// A successful response: `retry_cost` is what the retry that got it was
    /// paid (`None` for a first attempt), refunded; a first attempt deposits
    /// the success deposit. Never beyond the capacity.
    pub(crate) fn succeeded(&self, retry_cost: Option<u32>) {
        let Some(bucket) = &self.bucket else { return };
        let capacity = bucket.capacity;
        let earned = retry_cost.unwrap_or(bucket.costs.success_deposit);
        // `None` (bucket full) leaves it alone without a write: the common case under no failure.
        let _ = bucket.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
            (t < capacity).then(|| t.saturating_add(earned).min(capacity))
        });
    }
}

impl Default for RetryBudget {
    /// [`RetryBudget::new`]`(`[`RetryBudget::DEFAULT_CAPACITY`]`)`: 500 tokens, the default costs.
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.bucket {
            None => f.write_str("RetryBudget::disabled()"),
            Some(b) => f
                .debug_struct("RetryBudget")
                .field("capacity", &b.capacity)
                .field("available", &b.tokens.load(Ordering::Acquire))
                .field("costs", &b.costs)
                .field("refused", &b.refused.load(Ordering::Relaxed))
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_aws_quota() {
        let b = RetryBudget::default();
        assert_eq!(b.capacity(), Some(500));
        assert_eq!(b.available(), Some(500), "a new bucket is full");
        assert_eq!(b.costs(), Some(RetryCosts { retry: 5, timeout_retry: 10, success_deposit: 1 }));
        assert!(b.is_enabled());
    }

    #[test]
    fn retries_withdraw_their_cost_until_the_bucket_is_short() {
        let b = RetryBudget::with_costs(23, RetryCosts { retry: 5, timeout_retry: 10, success_deposit: 1 });
        assert_eq!(b.withdraw(RetryCause::Status), Ok(5));
        assert_eq!(b.available(), Some(18));
        assert_eq!(b.withdraw(RetryCause::Transport), Ok(10));
        assert_eq!(b.available(), Some(8));
        assert_eq!(b.withdraw(RetryCause::Transport), Err(Refusal { cost: 10, available: 8 }), "a timeout retry costs more");
        assert_eq!(b.available(), Some(8), "a refusal takes nothing");
        assert_eq!(b.withdraw(RetryCause::Status), Ok(5), "a cheaper retry still fits");
        assert_eq!(b.withdraw(RetryCause::Status), Err(Refusal { cost: 5, available: 3 }));
        assert_eq!(b.refused(), 2);
    }

    #[test]
    fn first_attempt_successes_refill_up_to_the_capacity_and_retries_resume() {
        let b = RetryBudget::with_costs(10, RetryCosts { retry: 5, timeout_retry: 10, success_deposit: 2 });
        b.succeeded(None);
        assert_eq!(b.available(), Some(10), "never beyond the capacity");
        assert_eq!(b.withdraw(RetryCause::Transport), Ok(10));
        assert!(b.withdraw(RetryCause::Status).is_err(), "empty");
        b.succeeded(None);
        b.succeeded(None);
        assert_eq!(b.available(), Some(4));
        assert!(b.withdraw(RetryCause::Status).is_err(), "4 < 5");
        b.succeeded(None);
        assert_eq!(b.withdraw(RetryCause::Status), Ok(5), "resumed after successes");
        assert_eq!(b.available(), Some(1));
        for _ in 0..100 {
            b.succeeded(None);
        }
        assert_eq!(b.available(), Some(10));
    }

    #[test]
    fn a_retry_that_succeeds_is_refunded_so_only_retries_that_fail_again_drain() {
        let b = RetryBudget::new(20);
        let cost = b.withdraw(RetryCause::Transport).unwrap();
        b.succeeded(Some(cost));
        assert_eq!(b.available(), Some(20), "refunded, capped at the capacity");
        // Two retries, the first failed again: its 5 stay spent, the second's 10 come back.
        let first = b.withdraw(RetryCause::Status).unwrap();
        let second = b.withdraw(RetryCause::Transport).unwrap();
        assert_eq!((first, second, b.available()), (5, 10, Some(5)));
        b.succeeded(Some(second));
        assert_eq!(b.available(), Some(15));
    }

    #[test]
    fn clones_share_one_bucket() {
        let a = RetryBudget::new(10);
        let b = a.clone();
        assert_eq!(b.withdraw(RetryCause::Status), Ok(5));
        assert_eq!(a.available(), Some(5));
        assert!(a.withdraw(RetryCause::Transport).is_err());
        assert_eq!(b.refused(), 1);
        let other = RetryBudget::new(10);
        assert_eq!(other.available(), Some(10), "a new budget is its own bucket");
    }

    #[test]
    fn a_disabled_budget_pays_for_everything() {
        let b = RetryBudget::disabled();
        for _ in 0..1000 {
            assert_eq!(b.withdraw(RetryCause::Transport), Ok(0));
        }
        b.succeeded(None);
        assert_eq!((b.available(), b.capacity(), b.refused(), b.is_enabled()), (None, None, 0, false));
        assert_eq!(format!("{b:?}"), "RetryBudget::disabled()");
    }

    #[test]
    fn a_zero_capacity_refuses_every_retry_and_a_zero_cost_none() {
        let none = RetryBudget::new(0);
        assert!(none.withdraw(RetryCause::Status).is_err());
        let free = RetryBudget::with_costs(0, RetryCosts { retry: 0, timeout_retry: 0, success_deposit: 0 });
        assert_eq!(free.withdraw(RetryCause::Transport), Ok(0));
    }

    #[test]
    fn concurrent_withdrawals_never_overdraw() {
        // 8 threads race for 100 tokens at 5 a retry: exactly 20 retries are paid for.
        let b = RetryBudget::new(100);
        let paid: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| (0..50).filter(|_| b.withdraw(RetryCause::Status).is_ok()).count()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(paid, 20);
        assert_eq!(b.available(), Some(0));
        assert_eq!(b.refused(), 8 * 50 - 20);
    }
}
