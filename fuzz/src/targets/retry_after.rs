//! A `Retry-After` value at some moment: honoured only when 0 < delay ≤ 300 s, and
//! `RetryPolicy::decide` waits exactly that or stops.

use std::time::{Duration, SystemTime};

use http::{HeaderValue, StatusCode};
use medusa_auth_core::internal::{
    AttemptOutcome, MAX_RETRY_AFTER, RetryDecision, StopReason, retry_after_delay,
};
use medusa_auth_core::{RetryPolicy, Timestamp};

use super::{moment, take_u32};

pub(crate) fn run(data: &[u8]) {
    let (offset, value) = take_u32(data);
    let now = moment(offset);
    let Ok(header) = HeaderValue::from_bytes(value) else {
        return;
    };
    let delay = retry_after_delay(&header, now);
    if let Some(delay) = delay {
        assert!(
            !delay.is_zero() && delay <= MAX_RETRY_AFTER,
            "{delay:?} out of range"
        );
        check_against_the_rule(&header, now, delay);
    }

    // Without a deadline the policy waits exactly what Retry-After asks, or stops.
    let unbounded = RetryPolicy::new(3).with_deadline(None);
    let decide = |policy: &RetryPolicy, code: u16| {
        let outcome = AttemptOutcome::Response {
            status: StatusCode::from_u16(code).expect("a status"),
            retry_after: Some(&header),
        };
        policy.decide(outcome, 0, Duration::ZERO, now, 0.5)
    };
    match (decide(&unbounded, 503), delay) {
        (RetryDecision::RetryAfter(waited), Some(delay)) => assert_eq!(waited, delay),
        (RetryDecision::Stop(StopReason::RetryAfterRefused), None) => {}
        (decision, delay) => panic!("503 with {delay:?} decided {decision:?}"),
    }
    // With a deadline, a wait that would pass it stops the call instead.
    let deadline = Duration::from_secs(60);
    let bounded = RetryPolicy::new(3).with_deadline(Some(deadline));
    match (decide(&bounded, 503), delay) {
        (RetryDecision::RetryAfter(waited), Some(delay)) => {
            assert!(waited == delay && delay <= deadline)
        }
        (RetryDecision::Stop(StopReason::DeadlineExceeded), Some(delay)) => {
            assert!(delay > deadline)
        }
        (RetryDecision::Stop(StopReason::RetryAfterRefused), None) => {}
        (decision, delay) => panic!("503 with {delay:?} and a deadline decided {decision:?}"),
    }
    // Retry-After never makes a status retryable that is not.
    for code in [400, 401, 429, 500] {
        assert!(matches!(
            decide(&unbounded, code),
            RetryDecision::Stop(StopReason::NotRetryable)
        ));
    }
}

/// An honoured value is either a whole number of seconds or an HTTP-date that far
/// after `now`.
fn check_against_the_rule(header: &HeaderValue, now: Timestamp, delay: Duration) {
    let text = header.to_str().expect("an honoured value is text").trim();
    if text.bytes().all(|b| b.is_ascii_digit()) {
        assert_eq!(text.parse::<u64>().ok(), Some(delay.as_secs()), "{text:?}");
        assert_eq!(delay.subsec_nanos(), 0);
    } else {
        // Worked out on `SystemTime`, as httpdate gives it, not on the core's `Timestamp`.
        let date = httpdate::parse_http_date(text).expect("an honoured date parses");
        assert_eq!(
            date.duration_since(SystemTime::try_from(now).expect("a SystemTime"))
                .ok(),
            Some(delay),
            "{text:?}"
        );
    }
}
