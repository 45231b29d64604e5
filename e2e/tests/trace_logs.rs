//! The trace logs of the quickstart's whole walk (see `secrets_walk.rs`), with a
//! `tracing` subscriber at TRACE capturing everything (hyper's own events included),
//! hold no password, API token, JWT or cookie value.
//!
//! Alone in its test binary, and its subscriber the process-wide default: a test
//! thread without a subscriber could otherwise switch a callsite off for the whole
//! process (tokio-rs/tracing#3611) and the logs would miss events now and then. Add
//! no other test to this file.

#[path = "../../examples/common/walk.rs"]
mod walk;

#[path = "support/walked.rs"]
mod walked;

use walked::{Captured, assert_clean, walk_and_fail};

#[test]
fn trace_logs_of_a_whole_walk_hold_no_secret() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .expect("the only subscriber of this binary");

    let walked = walk_and_fail();
    let logs = logs.text();
    assert!(
        walked.output.contains("steps as expected"),
        "{}",
        walked.output
    );
    // The walk was logged: one span per call with its name, method, path and status,
    // the route requests among them.
    assert!(
        logs.contains("call=\"store.get_token\""),
        "the calls were logged"
    );
    assert!(
        logs.contains("call=\"request\""),
        "route requests were logged"
    );
    assert!(
        logs.contains("path=/admin/users"),
        "the route request's path was logged"
    );
    assert!(logs.contains("status=200"), "statuses were logged");
    assert!(
        logs.contains("hyper"),
        "hyper's own events were captured too"
    );
    assert_clean("logs", &logs, &walked.secrets);
}
