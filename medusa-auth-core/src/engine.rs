//! The exchange every call of a session goes through: credentials chosen for each
//! attempt by the session's state and the route, retries by the client's policy,
//! cookies kept from every answer, one trace span per call.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::{HeaderValue, Method, Response, StatusCode};
use jiff::Timestamp;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::client::Shared;
use crate::cookies::{CookieJar, SessionCookieChange};
use crate::credentials::{AccessToken, ApiCredential, Side};
use crate::error::{Error, Result};
use crate::headers::CustomHeaders;
use crate::request::{Outgoing, OutgoingCredentials, Scope};
use crate::retry::{AttemptOutcome, RetryDecision, StopReason};

/// What a session holds, as the exchange reads and updates it: its cookies, the JWT
/// it sends to a route, its machine credential for admin routes.
pub(crate) trait CredentialState: Send {
    /// The cookies.
    fn jar(&self) -> &CookieJar;

    /// The cookies, to keep what an answer sets.
    fn jar_mut(&mut self) -> &mut CookieJar;

    /// The JWT a request of `scope` carries, if any.
    fn bearer_for(&self, scope: &Scope) -> Option<&AccessToken>;

    /// The credential admin routes that take one get (v1's API token, v2's secret
    /// key), when the session holds one; the client's otherwise.
    fn api_credential(&self) -> Option<&ApiCredential>;

    /// What a confirmed logout of `side` ends: the session cookie and the JWT it
    /// logged out.
    fn forget(&mut self, side: Side, cookie_name: &str);
}

/// The state behind `mutex`. A panic elsewhere while holding the lock cannot leave
/// the state half-written (every update is a single assignment), so a poisoned lock
/// is still usable.
pub(crate) fn lock<S>(mutex: &Mutex<S>) -> MutexGuard<'_, S> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One request as the session sends it: everything but the credentials, which are
/// added to each attempt from the session's state.
pub(crate) struct Prepared<'a> {
    /// The call's name in traces (`store.authenticate`, `request`).
    pub(crate) name: &'static str,
    pub(crate) method: Method,
    pub(crate) path: Cow<'a, str>,
    /// The path as traced (`/store/auth/{email}`: no email in a trace).
    pub(crate) path_template: TracedPath<'a>,
    pub(crate) query: &'a str,
    pub(crate) body: Bytes,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) scope: Scope,
    pub(crate) headers: &'a CustomHeaders,
    /// A JWT this request carries instead of the one the session would choose by
    /// the route (v2's session exchange and password update).
    pub(crate) bearer: Option<AccessToken>,
    /// Whether the session's cookies go with it (all but v2's session exchange).
    pub(crate) send_cookie: bool,
    /// A logout of this side: on success the session forgets what the logout ends
    /// before it reads the answer's cookies.
    pub(crate) logout: Option<Side>,
}

/// A path as a trace shows it: a call's template as it is; a caller's path with every
/// segment that is not a plain word (letters, `-`, `_`) shown as `*`, so that no id,
/// email or token in a path reaches a log.
#[derive(Clone, Copy)]
pub(crate) enum TracedPath<'a> {
    Template(&'a str),
    Masked(&'a str),
}

impl fmt::Display for TracedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TracedPath::Template(template) => f.write_str(template),
            TracedPath::Masked(path) => {
                for (index, segment) in path.split('/').enumerate() {
                    if index > 0 {
                        f.write_str("/")?;
                    }
                    let word = segment.len() <= 40
                        && segment
                            .bytes()
                            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_');
                    f.write_str(if word { segment } else { "*" })?;
                }
                Ok(())
            }
        }
    }
}

/// What one exchange left behind.
pub(crate) struct Exchange {
    pub(crate) response: Response<Bytes>,
    pub(crate) session_cookie: SessionCookieChange,
    /// A bearer that was not sent because it had expired.
    expired_bearer: Option<AccessToken>,
}

impl Exchange {
    /// The response, unless it is a 401 caused by a bearer that was not sent because
    /// it had expired: that is [`Error::TokenExpired`].
    pub(crate) fn checked(self) -> Result<Self> {
        match (&self.expired_bearer, self.response.status()) {
            (Some(token), StatusCode::UNAUTHORIZED) => Err(Error::TokenExpired {
                side: token.side(),
                expired_at: token.expires_at().unwrap_or(Timestamp::UNIX_EPOCH),
            }),
            _ => Ok(self),
        }
    }
}

/// Sends `prepared` with the credentials `state` offers for each attempt, retrying by
/// the client's policy; keeps the cookies the answers set.
pub(crate) async fn execute<S: CredentialState>(
    shared: &Shared,
    state: &Mutex<S>,
    prepared: &Prepared<'_>,
) -> Result<Exchange> {
    let span = tracing::debug_span!(
        "medusa_auth",
        call = prepared.name,
        method = prepared.method.as_str(),
        path = %prepared.path_template,
        status = Empty,
        attempts = Empty,
        elapsed_ms = Empty,
    );
    let recorded = span.clone();
    async move {
        let clock = &shared.clock;
        let started = clock.now();
        let result = attempts(shared, state, prepared, started).await;
        // Reading the clock again is only worth it for a span someone records.
        if !recorded.is_disabled() {
            let elapsed = clock.now().duration_since(started);
            recorded.record("elapsed_ms", elapsed.as_millis().max(0) as u64);
            match &result {
                Ok((exchange, attempts)) => {
                    recorded.record("status", exchange.response.status().as_u16());
                    recorded.record("attempts", attempts);
                }
                Err((_, attempts)) => {
                    recorded.record("attempts", attempts);
                }
            }
        }
        if let Err((error, _)) = &result {
            tracing::debug!(error = %error, "call failed");
        }
        result
            .map(|(exchange, _)| exchange)
            .map_err(|(error, _)| error)
    }
    .instrument(span)
    .await
}

async fn attempts<S: CredentialState>(
    shared: &Shared,
    state: &Mutex<S>,
    prepared: &Prepared<'_>,
    started: Timestamp,
) -> Result<(Exchange, u32), (Error, u32)> {
    let base_url = shared.factory.base_url();
    let origin = base_url.origin();
    let request_path = base_url.request_path(&prepared.path);
    let idempotency_key = (shared.retry.max_retries() > 0 && prepared.method == Method::POST)
        .then(|| uuid::Uuid::new_v4().to_string());
    let outgoing = Outgoing {
        method: &prepared.method,
        path: &prepared.path,
        query: prepared.query,
        body: &prepared.body,
        content_type: prepared.content_type.as_ref(),
        scope: prepared.scope,
        custom: prepared.headers,
    };
    let mut retries = 0u32;
    loop {
        let attempt = retries + 1;
        let now = if retries == 0 {
            started
        } else {
            shared.clock.now()
        };
        let (http_request, expired_bearer) = {
            let state = lock(state);
            let chosen = match &prepared.bearer {
                Some(given) => Some(given),
                None => state.bearer_for(&prepared.scope),
            };
            let (bearer, expired) = match chosen {
                Some(token) if token.is_expired_at(now) => (None, Some(token.clone())),
                other => (other, None),
            };
            let cookie = if prepared.send_cookie {
                state.jar().header_for(origin, &request_path, now)
            } else {
                None
            };
            let credentials = OutgoingCredentials {
                cookie,
                bearer,
                api_credential: state.api_credential(),
            };
            let built = shared
                .factory
                .build(&outgoing, &credentials, idempotency_key.as_deref());
            (built.map_err(|error| (error, 0))?, expired)
        };
        tracing::trace!(attempt, "sending");
        // Through the trait object itself: `Arc<dyn HttpTransport>` is a transport
        // too, and its impl would box a second future around this one.
        let result = shared.transport.as_ref().send(http_request).await;
        let now = shared.clock.now();
        let elapsed = || {
            now.duration_since(started)
                .try_into()
                .unwrap_or(std::time::Duration::ZERO)
        };
        let decision = match &result {
            Ok(response) => {
                let mut state = lock(state);
                if let (Some(side), true) = (prepared.logout, response.status().is_success()) {
                    state.forget(side, &shared.session_cookie_name);
                }
                let change = state.jar_mut().store_from_response(
                    origin,
                    &request_path,
                    response.headers(),
                    &shared.session_cookie_name,
                    now,
                );
                drop(state);
                let status = response.status();
                // A success is final: no policy, Retry-After or elapsed time to
                // look at (the common case, kept cheap).
                let decision = if status.is_success() {
                    RetryDecision::Stop(StopReason::NotRetryable)
                } else {
                    let outcome = AttemptOutcome::Response {
                        status,
                        retry_after: response.headers().get(RETRY_AFTER),
                    };
                    shared
                        .retry
                        .decide(outcome, retries, elapsed(), now, fastrand::f64())
                };
                (decision, Some(change))
            }
            Err(error) => {
                tracing::debug!(attempt, error = %error, "no response");
                let outcome = AttemptOutcome::NoResponse(error);
                (
                    shared
                        .retry
                        .decide(outcome, retries, elapsed(), now, fastrand::f64()),
                    None,
                )
            }
        };
        match (decision, &shared.sleep) {
            ((RetryDecision::RetryAfter(delay), _), Some(sleep)) => {
                tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                sleep.sleep(delay).await;
                retries += 1;
            }
            ((_, change), _) => {
                return match result {
                    Ok(response) => Ok((
                        Exchange {
                            response,
                            session_cookie: change.unwrap_or(SessionCookieChange::Untouched),
                            expired_bearer,
                        },
                        attempt,
                    )),
                    Err(error) => Err((
                        Error::Transport(error.with_target_if_unset(&shared.target)),
                        attempt,
                    )),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TracedPath;

    #[test]
    fn a_traced_path_shows_words_only() {
        for (path, traced) in [
            ("/store/customers/me", "/store/customers/me"),
            ("/admin/users/usr_01H8Z", "/admin/users/*"),
            ("/store/auth/alice@example.com", "/store/auth/*"),
            (
                "/store/carts/cart_1/line-items",
                "/store/carts/*/line-items",
            ),
            ("/admin/users", "/admin/users"),
        ] {
            assert_eq!(TracedPath::Masked(path).to_string(), traced);
        }
        assert_eq!(
            TracedPath::Template("/store/auth/{email}").to_string(),
            "/store/auth/{email}"
        );
    }
}
