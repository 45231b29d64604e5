//! A clock tests move by hand, for cookie, session and JWT expiry.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use medusa_auth_core::{Clock, Timestamp};

/// A [`Clock`] that only moves when told. Clones share the same time, so one can go
/// to the fake and one to the client.
///
/// ```
/// use std::time::Duration;
/// use medusa_auth_mock::ManualClock;
/// use medusa_auth_core::Clock;
/// let clock = ManualClock::at_http_date("Sun, 22 Nov 2026 13:08:29 GMT");
/// let start = clock.now();
/// clock.advance(Duration::from_secs(24 * 3600));
/// assert_eq!(clock.now().duration_since(start).as_secs(), 86_400);
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Timestamp>>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: Timestamp) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// A clock showing an HTTP-date (`Sun, 22 Nov 2026 13:08:29 GMT`); the Unix epoch
    /// when the text is not one.
    pub fn at_http_date(date: &str) -> Self {
        let at = httpdate::parse_http_date(date)
            .ok()
            .and_then(|at| Timestamp::try_from(at).ok());
        ManualClock::new(at.unwrap_or(Timestamp::UNIX_EPOCH))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.lock();
        *now = now.checked_add(by).unwrap_or(*now);
    }

    /// Sets the time.
    pub fn set(&self, to: Timestamp) {
        *self.lock() = to;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Timestamp> {
        self.now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for ManualClock {
    /// The time the transcripts were recorded at (Sun, 22 Nov 2026 13:08:29 GMT).
    fn default() -> Self {
        ManualClock::at_http_date("Sun, 22 Nov 2026 13:08:29 GMT")
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.lock()
    }
}
