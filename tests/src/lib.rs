//! Helpers shared by the tests and the example programs.
//!
//! The tests themselves are in `tests/` (snapshots, compile tests, seed
//! examples, wire tests); the example programs in `examples/`.
