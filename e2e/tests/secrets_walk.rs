//! The quickstart's walk (admin and store, cookie, bearer JWT, API token and route
//! requests, and the failures on the way), over the hyper transport against the fake
//! on loopback: no password, API token, JWT or cookie value appears in the walk's
//! printed output, or in the `Debug` and `Display` of what it met. The same walk's
//! trace logs are checked in `trace_logs.rs`, a test binary of its own.

#[path = "../../examples/common/walk.rs"]
mod walk;

#[path = "support/walked.rs"]
mod walked;

use walked::{assert_clean, walk_and_fail};

#[test]
fn the_walk_leaks_no_secret_in_its_output_or_errors() {
    let walked = walk_and_fail();
    assert!(
        walked.output.contains("all 18 steps as expected"),
        "{}",
        walked.output
    );
    assert_clean("output", &walked.output, &walked.secrets);
    assert_clean("Debug/Display", &walked.shown, &walked.secrets);
}
