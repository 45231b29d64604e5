//! The fuzz targets of `medusa-auth-core`, as plain functions.
//!
//! Each [`Target`] takes arbitrary bytes, turns them into what a server (or a proxy
//! in front of it) could answer, hands that to the core, and checks that the outcome
//! is a typed result that keeps the SDK's promises: no panic, errors of the expected
//! kind, no cookie sent to an origin that did not set it, no `Secure` cookie over
//! plain HTTP to a remote host, no expired cookie, no credential sent to a route
//! that does not take it, no retry delay out of range, no secret in a `Debug` or
//! `Display`, and a bounded amount of memory
//! ([`run_within_budget`]). A broken promise panics: a crash for libFuzzer, a failure
//! for the replay test.
//!
//! The same functions run three ways:
//! - `fuzz/run.sh SECONDS [TARGET…]`: coverage-guided with libFuzzer (`cargo fuzz`,
//!   on the stable toolchain with `--sanitizer none`), starting from [`Target::seeds`]
//!   (built from transcripts.md) and the corpus earlier runs grew in `fuzz/corpus/`
//!   (ignored by git);
//! - `cargo test -p medusa-auth-fuzz`: every seed, every crash reproducer of
//!   `fuzz/regressions/`, and every file of `fuzz/corpus/` when there is one, replayed;
//! - from a test of your own: `Target::Responses.run(bytes)`.

mod budget;
mod input;
mod rfc6265;
mod seeds;
mod targets;

pub use budget::{
    BudgetAllocator, allocation_budget, budget_allocator, run_within_budget, with_allocation_limit,
};
pub use input::{parse_response, render_response};

/// A fuzz target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A response (status, headers, body) read by every response reader of
    /// `medusa_auth_core::internal`.
    Responses,
    /// `Set-Cookie` lines stored in a jar for one origin, then asked for by that
    /// origin, by others, now and far in the future.
    SetCookie,
    /// A `Retry-After` value at some time, through `retry_after_delay` and
    /// `RetryPolicy::decide`.
    RetryAfter,
    /// A sequence of responses served to a real `Client`: two auth calls on one
    /// session, then requests to other routes (`session.get(path)` …) while answers
    /// are left, with retries, an API token and a per-call header on or off.
    ClientCalls,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 4] = [
        Target::Responses,
        Target::SetCookie,
        Target::RetryAfter,
        Target::ClientCalls,
    ];

    /// The target's name: its libFuzzer binary and its corpus folder.
    pub fn name(self) -> &'static str {
        match self {
            Target::Responses => "responses",
            Target::SetCookie => "set_cookie",
            Target::RetryAfter => "retry_after",
            Target::ClientCalls => "client_calls",
        }
    }

    /// The target named `name`.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Runs the target on `data`; panics when a promise is broken.
    pub fn run(self, data: &[u8]) {
        match self {
            Target::Responses => targets::responses::run(data),
            Target::SetCookie => targets::set_cookie::run(data),
            Target::RetryAfter => targets::retry_after::run(data),
            Target::ClientCalls => targets::client_calls::run(data),
        }
    }

    /// Inputs built from the recorded exchanges of transcripts.md (and a few
    /// hand-made edge cases), to start fuzzing from.
    pub fn seeds(self) -> Vec<Vec<u8>> {
        match self {
            Target::Responses => seeds::responses(),
            Target::SetCookie => seeds::set_cookie(),
            Target::RetryAfter => seeds::retry_after(),
            Target::ClientCalls => seeds::client_calls(),
        }
    }
}
