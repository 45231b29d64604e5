//! Fault rules (the next N answers to a route are a status, a delay or a dropped
//! connection) and counters of what the fake received, for tests of retry paths.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};

/// What the fake does instead of answering normally.
///
/// ```
/// use std::time::Duration;
/// use medusa_auth_mock::Fault;
/// let busy = Fault::status(503).retry_after("2");
/// let slow = Fault::delay(Duration::from_millis(50));
/// let gone = Fault::drop_connection();
/// # let _ = (busy, slow, gone);
/// ```
#[derive(Clone)]
pub struct Fault {
    pub(crate) kind: FaultKind,
}

#[derive(Clone)]
pub(crate) enum FaultKind {
    /// Answer with this status, `Retry-After` and body.
    Status {
        status: StatusCode,
        retry_after: Option<HeaderValue>,
        content_type: Option<HeaderValue>,
        body: Bytes,
    },
    /// Wait, then answer normally.
    Delay(Duration),
    /// Close the connection without answering (in memory: a `TransportError`).
    Drop,
}

impl fmt::Debug for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FaultKind::Status {
                status,
                retry_after,
                ..
            } => f
                .debug_struct("Fault::Status")
                .field("status", &status.as_u16())
                .field("retry_after", retry_after)
                .finish_non_exhaustive(),
            FaultKind::Delay(delay) => f.debug_tuple("Fault::Delay").field(delay).finish(),
            FaultKind::Drop => f.write_str("Fault::Drop"),
        }
    }
}

impl Fault {
    /// Answer with `status` (an invalid code becomes 500). The body is the one the
    /// real stack would send: Medusa's JSON error for 409 and 500, the reason phrase
    /// as text otherwise.
    pub fn status(status: u16) -> Fault {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (content_type, body): (&'static str, Bytes) = match status.as_u16() {
            409 => (
                "application/json; charset=utf-8",
                Bytes::from_static(
                    br#"{"code":"invalid_state_error","type":"conflict","message":"The request conflicted with another request. You may retry the request with the provided Idempotency-Key."}"#,
                ),
            ),
            500 => (
                "application/json; charset=utf-8",
                Bytes::from_static(
                    br#"{"code":"unknown_error","type":"unknown_error","message":"An unknown error occurred."}"#,
                ),
            ),
            _ => (
                "text/plain; charset=utf-8",
                Bytes::from(status.canonical_reason().unwrap_or("Error").to_owned()),
            ),
        };
        Fault {
            kind: FaultKind::Status {
                status,
                retry_after: None,
                content_type: Some(HeaderValue::from_static(content_type)),
                body,
            },
        }
    }

    /// Adds `Retry-After: value` (seconds or an HTTP-date) to a status fault; an
    /// invalid header value is ignored. No effect on other faults.
    pub fn retry_after(mut self, value: &str) -> Fault {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = HeaderValue::from_str(value).ok();
        }
        self
    }

    /// Replaces the body of a status fault (`content_type` `None`: no
    /// `Content-Type`). No effect on other faults.
    pub fn body(mut self, content_type: Option<&str>, body: impl Into<Bytes>) -> Fault {
        if let FaultKind::Status {
            content_type: slot,
            body: body_slot,
            ..
        } = &mut self.kind
        {
            *slot = content_type.and_then(|ct| HeaderValue::from_str(ct).ok());
            *body_slot = body.into();
        }
        self
    }

    /// Wait `delay`, then answer normally.
    pub fn delay(delay: Duration) -> Fault {
        Fault {
            kind: FaultKind::Delay(delay),
        }
    }

    /// Drop the connection without answering: in memory the transport returns a
    /// [`TransportError`](medusa_auth_core::TransportError) (kind `Other`, may have
    /// reached the server); over HTTP the server closes the connection.
    pub fn drop_connection() -> Fault {
        Fault {
            kind: FaultKind::Drop,
        }
    }
}

/// A method and a path, as the fake receives them (the path percent-encoded as
/// sent, without the query).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path.
    pub path: String,
}

impl Route {
    /// `method` on `path`.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Route {
            method,
            path: path.into(),
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

#[derive(Debug)]
struct Rule {
    route: Route,
    remaining: usize,
    fault: Fault,
}

/// One `Idempotency-Key` the fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// Where it was sent.
    pub route: Route,
    /// Its value.
    pub key: String,
}

/// The fault rules and counters.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: VecDeque<Rule>,
    received: HashMap<Route, usize>,
    total: usize,
    idempotency_keys: Vec<IdempotencyKey>,
}

/// At most this many idempotency keys are remembered (the oldest are forgotten).
const MAX_KEYS: usize = 10_000;

impl Faults {
    pub(crate) fn add(&mut self, route: Route, times: usize, fault: Fault) {
        if times > 0 {
            self.rules.push_back(Rule {
                route,
                remaining: times,
                fault,
            });
        }
    }

    pub(crate) fn clear_rules(&mut self) {
        self.rules.clear();
    }

    /// Counts a request and takes the fault it gets, if any (rules of a route apply
    /// in the order they were added).
    pub(crate) fn admit(&mut self, route: Route, idempotency_key: Option<String>) -> Option<Fault> {
        self.total += 1;
        if let Some(key) = idempotency_key {
            if self.idempotency_keys.len() >= MAX_KEYS {
                self.idempotency_keys.remove(0);
            }
            self.idempotency_keys.push(IdempotencyKey {
                route: route.clone(),
                key,
            });
        }
        let index = self.rules.iter().position(|rule| rule.route == route);
        *self.received.entry(route).or_insert(0) += 1;
        let index = index?;
        let rule = &mut self.rules[index];
        rule.remaining -= 1;
        let fault = rule.fault.clone();
        if rule.remaining == 0 {
            self.rules.remove(index);
        }
        Some(fault)
    }

    pub(crate) fn received(&self, route: &Route) -> usize {
        self.received.get(route).copied().unwrap_or(0)
    }

    pub(crate) fn total(&self) -> usize {
        self.total
    }

    pub(crate) fn idempotency_keys(&self) -> Vec<IdempotencyKey> {
        self.idempotency_keys.clone()
    }

    pub(crate) fn pending(&self) -> usize {
        self.rules.iter().map(|rule| rule.remaining).sum()
    }

    pub(crate) fn reset_counters(&mut self) {
        self.received.clear();
        self.total = 0;
        self.idempotency_keys.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_in_order_then_run_out() {
        let mut faults = Faults::default();
        let route = Route::new(Method::GET, "/admin/auth");
        faults.add(route.clone(), 2, Fault::status(503).retry_after("1"));
        faults.add(route.clone(), 1, Fault::drop_connection());
        faults.add(route.clone(), 0, Fault::status(500));
        let kinds: Vec<String> = (0..4)
            .map(|_| format!("{:?}", faults.admit(route.clone(), None)))
            .collect();
        assert!(
            kinds[0].contains("503") && kinds[1].contains("503"),
            "{kinds:?}"
        );
        assert_eq!(kinds[2], "Some(Fault::Drop)");
        assert_eq!(kinds[3], "None");
        assert_eq!(faults.received(&route), 4);
        assert_eq!(faults.received(&Route::new(Method::POST, "/admin/auth")), 0);
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn records_idempotency_keys() {
        let mut faults = Faults::default();
        let route = Route::new(Method::POST, "/admin/auth/token");
        faults.admit(route.clone(), Some("k1".into()));
        faults.admit(route.clone(), Some("k1".into()));
        let keys = faults.idempotency_keys();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            keys[0],
            IdempotencyKey {
                route,
                key: "k1".into()
            }
        );
        faults.reset_counters();
        assert_eq!(faults.total(), 0);
        assert!(faults.idempotency_keys().is_empty());
    }
}
