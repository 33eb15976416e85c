//! `tracing` spans and events of every call (cargo feature `tracing`).
//!
//! One `request` span per call, with the operation's id, the method and the
//! path *template* (`/conversations/{id}/messages`, never the filled path, which
//! carries ids); one `attempt` span per try inside it, with the status (or the
//! kind of failure), the duration and, when it is retried, why; a `retrying`
//! event before each wait, a `retry refused` event (at `WARN`) when the retry
//! budget has too few tokens for a retry the policy allows, and a `page` event
//! per page of a cursor walk.
//!
//! What is never recorded: header values (the bearer token and every configured
//! header, which a spec may mark as a secret), the filled path, the query, bodies
//! and transport error messages (reqwest's name the full URL).
//!
//! Without the feature the same API compiles to nothing.

use std::future::Future;
use std::time::Duration;

use crate::client::{Failure, Raw, Request};

#[cfg(feature = "tracing")]
mod imp {
    use super::*;
    use std::time::Instant;
    use tracing::field::Empty;
    use tracing::{Instrument, Span};

    /// Why an outcome is retried, or what it was: a short, fixed text.
    fn failure_kind(failure: &Failure) -> &'static str {
        match failure {
            Failure::Invalid(_) => "invalid request",
            Failure::Transport(_) => "transport error",
            Failure::Timeout(_) => "timeout",
        }
    }

    /// Why an outcome would be retried: `status 503`, `timeout`, `transport error`.
    fn retry_reason(outcome: &Result<Raw, Failure>) -> String {
        match outcome {
            Ok(raw) => format!("status {}", raw.status.as_u16()),
            Err(failure) => failure_kind(failure).to_owned(),
        }
    }

    /// The span of one call, across its attempts and the waits between them.
    pub(crate) struct Call {
        span: Span,
    }

    impl Call {
        pub(crate) fn start(request: &Request) -> Call {
            let (operation, template) = request.operation.map_or(("", ""), |op| (op.id, op.path));
            let span = tracing::info_span!(
                target: "client_runtime",
                "request",
                operation,
                method = request.method.as_str(),
                path_template = template,
                status = Empty,
                attempts = Empty,
            );
            Call { span }
        }

        /// The span of attempt number `retries + 1`.
        pub(crate) fn attempt(&self, retries: u32) -> Attempt {
            let span = tracing::info_span!(
                target: "client_runtime",
                parent: &self.span,
                "attempt",
                attempt = retries + 1,
                status = Empty,
                error = Empty,
                duration_ms = Empty,
                retry_reason = Empty,
            );
            self.span.record("attempts", retries + 1);
            Attempt { span, call: self.span.clone() }
        }
    }

    pub(crate) struct Attempt {
        span: Span,
        call: Span,
    }

    impl Attempt {
        /// Runs one try inside the attempt span and records what it produced and how long it took.
        pub(crate) async fn run(&self, send: impl Future<Output = Result<Raw, Failure>>) -> Result<Raw, Failure> {
            let started = Instant::now();
            let outcome = send.instrument(self.span.clone()).await;
            let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            self.span.record("duration_ms", millis);
            match &outcome {
                Ok(raw) => {
                    self.span.record("status", raw.status.as_u16());
                    self.call.record("status", raw.status.as_u16());
                }
                Err(failure) => {
                    self.span.record("error", failure_kind(failure));
                }
            }
            outcome
        }

        /// Records that this attempt's outcome is retried after `delay`.
        pub(crate) fn retrying(&self, outcome: &Result<Raw, Failure>, delay: Duration) {
            let reason = retry_reason(outcome);
            self.span.record("retry_reason", reason.as_str());
            let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            tracing::info!(target: "client_runtime", parent: &self.call, reason = reason.as_str(), delay_ms, "retrying");
        }

        /// Records that this attempt's outcome would have been retried, but the
        /// retry budget held `available` tokens and the retry cost `cost`.
        pub(crate) fn refused(&self, outcome: &Result<Raw, Failure>, cost: u32, available: u32) {
            let reason = retry_reason(outcome);
            tracing::warn!(target: "client_runtime", parent: &self.call, reason = reason.as_str(), cost, available, "retry refused");
        }
    }

    /// A page of a cursor walk arrived: its number (from 1) and whether another follows.
    pub(crate) fn page(page: u64, has_next: bool) {
        tracing::debug!(target: "client_runtime", page, has_next, "page");
    }
}

#[cfg(not(feature = "tracing"))]
mod imp {
    use super::*;

    pub(crate) struct Call;

    impl Call {
        #[inline(always)]
        pub(crate) fn start(_: &Request) -> Call {
            Call
        }

        #[inline(always)]
        pub(crate) fn attempt(&self, _: u32) -> Attempt {
            Attempt
        }
    }

    pub(crate) struct Attempt;

    impl Attempt {
        #[inline(always)]
        pub(crate) async fn run(&self, send: impl Future<Output = Result<Raw, Failure>>) -> Result<Raw, Failure> {
            send.await
        }

        #[inline(always)]
        pub(crate) fn retrying(&self, _: &Result<Raw, Failure>, _: Duration) {}

        #[inline(always)]
        pub(crate) fn refused(&self, _: &Result<Raw, Failure>, _: u32, _: u32) {}
    }

    #[inline(always)]
    pub(crate) fn page(_: u64, _: bool) {}
}

pub(crate) use imp::{page, Call};
