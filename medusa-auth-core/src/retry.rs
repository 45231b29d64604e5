//! The retry rules, as pure decisions.
//!
//! Kept from the JS client: with `max_retries > 0`, a call is tried again when no
//! response came (connection error, timeout), on 409 and on 501–599; never on 500,
//! 429 or another 4xx. Retry *n* waits `(2^n − 1) / 2` s (0.5, 1.5, 3.5 …). A
//! `Retry-After` of 0 < value ≤ 300 s, in seconds or as an HTTP-date, replaces that
//! delay; any other value stops retrying. Added here: jitter on the computed delay,
//! a cap on it, and an overall deadline for the call.

use std::time::Duration;

use jiff::Timestamp;

use http::{HeaderValue, StatusCode};

use crate::error::ConfigError;
use crate::transport::TransportError;

/// The longest `Retry-After` honoured; a longer one stops retrying.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// Whether a response with this status may be retried: 409 and 501–599.
pub fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::CONFLICT || (501..=599).contains(&status.as_u16())
}

/// The delay a `Retry-After` value asks for, if it is one this client honours
/// (0 < delay ≤ 300 s). `None` means: do not retry.
///
/// ```
/// use std::time::Duration;
/// use http::HeaderValue;
/// use medusa_auth_core::internal::retry_after_delay;
/// let now: medusa_auth_core::Timestamp = "2026-11-22T13:08:29Z".parse()?;
/// assert_eq!(retry_after_delay(&HeaderValue::from_static("2"), now), Some(Duration::from_secs(2)));
/// let date = HeaderValue::from_static("Sun, 22 Nov 2026 13:08:39 GMT");
/// assert_eq!(retry_after_delay(&date, now), Some(Duration::from_secs(10)));
/// assert_eq!(retry_after_delay(&HeaderValue::from_static("0"), now), None);
/// assert_eq!(retry_after_delay(&HeaderValue::from_static("301"), now), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn retry_after_delay(value: &HeaderValue, now: Timestamp) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    // delay-seconds is 1*DIGIT, leading zeros included; too many digits to be a u64
    // overflow its parse, and are refused.
    let delay = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        Duration::from_secs(text.parse::<u64>().ok()?)
    } else {
        let at = Timestamp::try_from(httpdate::parse_http_date(text).ok()?).ok()?;
        Duration::try_from(at.duration_since(now)).ok()?
    };
    (!delay.is_zero() && delay <= MAX_RETRY_AFTER).then_some(delay)
}

/// What one attempt produced, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub enum AttemptOutcome<'a> {
    /// A response with this status and `Retry-After` header.
    Response {
        /// The status.
        status: StatusCode,
        /// The `Retry-After` header, if any.
        retry_after: Option<&'a HeaderValue>,
    },
    /// No response.
    NoResponse(&'a TransportError),
}

/// Whether to try again, and after how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Return this attempt's outcome.
    Stop(StopReason),
}

/// Why the client stops retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The outcome is not one that is retried (success, 500, 429, other 4xx …).
    NotRetryable,
    /// `max_retries` retries were made.
    RetriesExhausted,
    /// A `Retry-After` outside 0 < value ≤ 300 s (or unreadable).
    RetryAfterRefused,
    /// The next attempt would start after the call's deadline.
    DeadlineExceeded,
}

/// How a client retries.
///
/// ```
/// use std::time::Duration;
/// use medusa_auth_core::RetryPolicy;
/// let policy = RetryPolicy::new(3).with_jitter(0.0);
/// assert_eq!(policy.backoff(1), Duration::from_millis(500));
/// assert_eq!(policy.backoff(2), Duration::from_millis(1500));
/// assert_eq!(policy.backoff(3), Duration::from_millis(3500));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    jitter: f64,
    max_backoff: Duration,
    deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new(0)
    }
}

impl RetryPolicy {
    /// Up to `max_retries` retries (0: none, the JS default), ±10 % jitter, back-off
    /// capped at 30 s, and a 120 s deadline for the whole call.
    pub fn new(max_retries: u32) -> Self {
        RetryPolicy {
            max_retries,
            jitter: 0.2,
            max_backoff: Duration::from_secs(30),
            deadline: Some(Duration::from_secs(120)),
        }
    }

    /// Sets the most retries per call.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The spread of the jitter: the computed delay is scaled by a random factor in
    /// `1 ± jitter/2`. 0 turns it off. Must be within 0 ..= 1.
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = jitter;
        self
    }

    /// The longest computed back-off before jitter, which spreads it by ±jitter/2
    /// (`Retry-After` is bounded by 300 s instead).
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// The longest a call may take, retries and waits included; `None` for no limit.
    /// No retry starts whose wait would end past it.
    pub fn with_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(0.0..=1.0).contains(&self.jitter) {
            return Err(ConfigError::InvalidRetryPolicy(
                "jitter must be within 0 ..= 1",
            ));
        }
        Ok(())
    }

    /// The most retries.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The deadline of a call.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The delay before retry `retry` (1, 2, 3 …), without jitter: `(2^n − 1) / 2` s,
    /// capped.
    pub fn backoff(&self, retry: u32) -> Duration {
        let n = retry.clamp(1, 32);
        let half_seconds = (1u64 << n) - 1;
        Duration::from_millis(half_seconds * 500).min(self.max_backoff)
    }

    /// Decides what follows an attempt.
    ///
    /// `retries_done` counts the retries already made (0 after the first attempt),
    /// `elapsed` is the time since the call started, `random` a number in `0..1`
    /// for the jitter.
    pub fn decide(
        &self,
        outcome: AttemptOutcome<'_>,
        retries_done: u32,
        elapsed: Duration,
        now: Timestamp,
        random: f64,
    ) -> RetryDecision {
        let (retryable, retry_after) = match outcome {
            AttemptOutcome::Response {
                status,
                retry_after,
            } => (is_retryable_status(status), retry_after),
            AttemptOutcome::NoResponse(error) => (error.is_retryable(), None),
        };
        if !retryable {
            return RetryDecision::Stop(StopReason::NotRetryable);
        }
        if retries_done >= self.max_retries {
            return RetryDecision::Stop(StopReason::RetriesExhausted);
        }
        let delay = match retry_after {
            Some(value) => match retry_after_delay(value, now) {
                Some(delay) => delay,
                None => return RetryDecision::Stop(StopReason::RetryAfterRefused),
            },
            None => self.jittered(self.backoff(retries_done + 1), random),
        };
        if self
            .deadline
            .is_some_and(|deadline| elapsed.saturating_add(delay) > deadline)
        {
            return RetryDecision::Stop(StopReason::DeadlineExceeded);
        }
        RetryDecision::RetryAfter(delay)
    }

    fn jittered(&self, delay: Duration, random: f64) -> Duration {
        let random = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let factor = 1.0 + self.jitter * (random - 0.5);
        // Cap first, then spread: clients retrying at the cap must not all pick it.
        delay.min(self.max_backoff).mul_f64(factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-22T13:08:29Z".parse().unwrap()
    }

    fn status(code: u16) -> AttemptOutcome<'static> {
        AttemptOutcome::Response {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: None,
        }
    }

    #[test]
    fn retries_exactly_the_statuses_of_the_js_client() {
        let retried: Vec<u16> = (100..=599)
            .filter(|code| is_retryable_status(StatusCode::from_u16(*code).unwrap()))
            .collect();
        let mut expected = vec![409];
        expected.extend(501..=599);
        assert_eq!(retried, expected);
    }

    #[test]
    fn decides() {
        let policy = RetryPolicy::new(2).with_jitter(0.0);
        let zero = Duration::ZERO;
        assert_eq!(
            policy.decide(status(503), 0, zero, now(), 0.5),
            RetryDecision::RetryAfter(Duration::from_millis(500))
        );
        assert_eq!(
            policy.decide(status(409), 1, zero, now(), 0.5),
            RetryDecision::RetryAfter(Duration::from_millis(1500))
        );
        assert_eq!(
            policy.decide(status(503), 2, zero, now(), 0.5),
            RetryDecision::Stop(StopReason::RetriesExhausted)
        );
        for code in [200, 400, 401, 404, 429, 500] {
            assert_eq!(
                policy.decide(status(code), 0, zero, now(), 0.5),
                RetryDecision::Stop(StopReason::NotRetryable),
                "{code}"
            );
        }
        let refused = TransportError::connect("refused");
        assert!(matches!(
            policy.decide(AttemptOutcome::NoResponse(&refused), 0, zero, now(), 0.5),
            RetryDecision::RetryAfter(_)
        ));
        let too_big = TransportError::body_too_large(10);
        assert_eq!(
            policy.decide(AttemptOutcome::NoResponse(&too_big), 0, zero, now(), 0.5),
            RetryDecision::Stop(StopReason::NotRetryable)
        );
    }

    #[test]
    fn no_retries_by_default() {
        assert_eq!(
            RetryPolicy::default().decide(status(503), 0, Duration::ZERO, now(), 0.5),
            RetryDecision::Stop(StopReason::RetriesExhausted)
        );
    }

    #[test]
    fn retry_after_replaces_the_delay_or_stops() {
        let policy = RetryPolicy::new(3).with_deadline(None);
        let decide = |value: &'static str| {
            let header = HeaderValue::from_static(value);
            policy.decide(
                AttemptOutcome::Response {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    retry_after: Some(&header),
                },
                0,
                Duration::ZERO,
                now(),
                0.9,
            )
        };
        assert_eq!(
            decide("7"),
            RetryDecision::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            decide("300"),
            RetryDecision::RetryAfter(Duration::from_secs(300))
        );
        assert_eq!(
            decide("Sun, 22 Nov 2026 13:08:31 GMT"),
            RetryDecision::RetryAfter(Duration::from_secs(2))
        );
        for refused in [
            "0",
            "-1",
            "301",
            "99999999999999999999999",
            "soon",
            "",
            "1.5",
            "Sun, 22 Nov 2026 13:08:29 GMT",
            "Sat, 21 Nov 2026 13:08:29 GMT",
        ] {
            assert_eq!(
                decide(refused),
                RetryDecision::Stop(StopReason::RetryAfterRefused),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn jitter_stays_within_its_band_and_the_cap() {
        let policy = RetryPolicy::new(10)
            .with_jitter(0.2)
            .with_max_backoff(Duration::from_secs(4));
        for (random, retries, low, high) in [
            (0.0, 0, 450, 450),
            (1.0, 0, 550, 550),
            (0.5, 0, 500, 500),
            (f64::NAN, 0, 500, 500),
            (1.0, 5, 4400, 4400),
            (0.0, 5, 3600, 3600),
        ] {
            let RetryDecision::RetryAfter(delay) =
                policy.decide(status(502), retries, Duration::ZERO, now(), random)
            else {
                panic!("should retry");
            };
            let ms = delay.as_millis();
            assert!((low..=high).contains(&ms), "random {random}: {ms} ms");
        }
        assert!(RetryPolicy::new(1).with_jitter(1.5).validate().is_err());
    }

    #[test]
    fn a_huge_elapsed_time_does_not_overflow() {
        let policy = RetryPolicy::new(1);
        assert_eq!(
            policy.decide(status(503), 0, Duration::MAX, now(), 0.5),
            RetryDecision::Stop(StopReason::DeadlineExceeded)
        );
    }

    #[test]
    fn backoff_does_not_overflow() {
        let policy = RetryPolicy::new(u32::MAX).with_max_backoff(Duration::MAX);
        assert_eq!(
            policy.backoff(u32::MAX),
            Duration::from_millis(((1u64 << 32) - 1) * 500)
        );
    }

    #[test]
    fn the_deadline_stops_a_retry_that_would_end_after_it() {
        let policy = RetryPolicy::new(5)
            .with_jitter(0.0)
            .with_deadline(Some(Duration::from_secs(2)));
        assert_eq!(
            policy.decide(status(503), 0, Duration::from_millis(1400), now(), 0.5),
            RetryDecision::RetryAfter(Duration::from_millis(500))
        );
        assert_eq!(
            policy.decide(status(503), 0, Duration::from_millis(1600), now(), 0.5),
            RetryDecision::Stop(StopReason::DeadlineExceeded)
        );
    }

    #[test]
    fn the_deadline_is_the_one_set() {
        assert_eq!(
            RetryPolicy::new(1).deadline(),
            Some(Duration::from_secs(120))
        );
        assert_eq!(RetryPolicy::new(1).with_deadline(None).deadline(), None);
        let policy = RetryPolicy::new(5)
            .with_jitter(0.0)
            .with_deadline(Some(Duration::from_secs(2)));
        // A retry whose wait ends exactly at the deadline still starts.
        assert_eq!(
            policy.decide(status(503), 0, Duration::from_millis(1500), now(), 0.5),
            RetryDecision::RetryAfter(Duration::from_millis(500))
        );
    }

    #[test]
    fn a_retry_after_in_seconds_is_read_by_its_value_whatever_its_leading_zeros() {
        // RFC 9110 delay-seconds is 1*DIGIT: 21 digits worth 7 ask for 7 s.
        let value = HeaderValue::from_static("000000000000000000007");
        assert_eq!(
            retry_after_delay(&value, now()),
            Some(Duration::from_secs(7))
        );
        // More digits than a u64 holds: refused, not wrapped.
        let value = HeaderValue::from_static("18446744073709551616");
        assert_eq!(retry_after_delay(&value, now()), None);
    }
}
