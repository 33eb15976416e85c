//! Shared pieces of the benchmarks: see BENCHMARKS.md for what each measures and how to run it.

pub mod alloc;
pub mod synth;
pub use client_bench::{handwritten, server};
