//! The cross-crate tests of medusa-auth (in `tests/`: the interop suite against a real
//! Medusa, the fault matrix, the soak, many users at once, secrets) and the examples
//! that bring heavier stacks (axum, reqwest, the bench harness), kept out of the root
//! package so that `cargo run --example quickstart` builds only what it needs.
//!
//! Run an example of this package with `cargo run -p medusa-auth-e2e --example NAME`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The snippets of the workspace's README, compiled (and the ones that need no
/// server, run) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
