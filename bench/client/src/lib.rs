//! The client-overhead benchmark's pieces (BENCHMARKS.md §4): the hand-written baseline and the
//! loopback server. A package of its own, without `codegen` among its dependencies, so that
//! `cargo bench -p client-bench` builds serde_json without `preserve_order`, as a user's crate
//! that depends on a generated client alone has it. `bench` re-exports both for `stream_bench`.

pub mod handwritten;
pub mod server;
