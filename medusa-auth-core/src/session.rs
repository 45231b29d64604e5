//! A session: one user's cookie and tokens, and the exchange every call of it goes
//! through (credentials chosen by route, retries, cookies stored, errors typed).

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::{HeaderValue, Method, Response, StatusCode};
use jiff::Timestamp;
use secrecy::SecretString;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::client::Shared;
use crate::cookies::{CookieJar, SessionCookieChange};
use crate::credentials::{AccessToken, Credentials, Side};
use crate::error::{Error, InvalidInput, Result};
use crate::headers::{ACCESS_TOKEN, CustomHeaders};
use crate::request::{Outgoing, OutgoingCredentials, Scope, bearer_value, sensitive_value};
use crate::retry::{AttemptOutcome, RetryDecision, StopReason};
use crate::route::{RequestBuilder, RouteApi};
use crate::v1::{AdminAuthApi, StoreAuthApi};

#[derive(Default)]
pub(crate) struct SessionState {
    pub(crate) jar: CookieJar,
    admin_bearer: Option<AccessToken>,
    store_bearer: Option<AccessToken>,
    api_token: Option<SecretString>,
}

impl SessionState {
    pub(crate) fn bearer_slot(&mut self, side: Side) -> &mut Option<AccessToken> {
        match side {
            Side::Admin => &mut self.admin_bearer,
            Side::Store => &mut self.store_bearer,
        }
    }

    fn bearer(&self, side: Side) -> Option<&AccessToken> {
        match side {
            Side::Admin => self.admin_bearer.as_ref(),
            Side::Store => self.store_bearer.as_ref(),
        }
    }
}

struct SessionInner {
    shared: Arc<Shared>,
    state: Mutex<SessionState>,
}

/// One user's session: a cookie jar, an admin and a store JWT, an API token; made by
/// [`Client::session`](crate::Client::session).
///
/// Its calls: [`admin`](Session::admin) (the v1 admin auth calls),
/// [`store`](Session::store) (the v1 store auth calls), and
/// [`request`](Session::request) for any other Medusa route, each sent with this
/// session's credentials only.
///
/// Clones share the same state (as two tabs of one browser); make another session
/// for another user. `Debug` shows which credentials are held, never their values.
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Session")
            .field("cookies", &state.jar)
            .field("admin_bearer", &state.admin_bearer.is_some())
            .field("store_bearer", &state.store_bearer.is_some())
            .field("api_token", &state.api_token.is_some())
            .finish()
    }
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
    /// A logout of this side: on success the handle forgets its cookie and this
    /// side's JWT before it reads the answer's cookies.
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

impl Session {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                shared,
                state: Mutex::default(),
            }),
        }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, SessionState> {
        // A panic elsewhere while holding the lock cannot leave the state half-written
        // (every update is a single assignment), so a poisoned lock is still usable.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The v1 admin auth calls of this session (`medusa.admin.auth` in the JS
    /// client): `create_session`, `get_session`, `delete_session`, `get_token`.
    pub fn admin(&self) -> &(dyn AdminAuthApi + 'static) {
        self
    }

    /// The v1 store auth calls of this session (`medusa.auth` in the JS client):
    /// `authenticate`, `get_session`, `delete_session`, `exists`, `get_token`.
    pub fn store(&self) -> &(dyn StoreAuthApi + 'static) {
        self
    }

    /// A request to any Medusa route with this session's credentials (the JS
    /// clients' `client.request`): see [`RequestBuilder`].
    ///
    /// Which credentials go is decided by the route: on `/admin…` the cookie, the
    /// admin JWT and the API token; on `/store…` the cookie, the store JWT and the
    /// publishable key; on any other route the cookie only.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder<'_> {
        RequestBuilder::new(self, method, path)
    }

    /// A `GET` of any Medusa route; see [`Session::request`].
    pub fn get(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::GET, path)
    }

    /// A `POST` to any Medusa route; see [`Session::request`].
    pub fn post(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::POST, path)
    }

    /// A `DELETE` of any Medusa route; see [`Session::request`].
    pub fn delete(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::DELETE, path)
    }

    /// Gives the session a credential (replacing one of the same kind and side).
    ///
    /// # Errors
    ///
    /// A cookie, API token or JWT holding characters a header cannot carry is
    /// refused here ([`InvalidInput`]), not at the next call.
    pub fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput> {
        let shared = self.shared();
        let mut state = self.lock();
        match credentials {
            Credentials::SessionCookie(value) => state.jar.insert(
                shared.factory.base_url().origin(),
                &shared.session_cookie_name,
                value,
            )?,
            Credentials::ApiToken(token) => {
                sensitive_value(ACCESS_TOKEN.as_str(), &token)?;
                state.api_token = Some(token);
            }
            Credentials::Bearer(token) => {
                bearer_value(&token)?;
                let side = token.side();
                *state.bearer_slot(side) = Some(token);
            }
        }
        Ok(())
    }

    /// The session cookie's value, to keep elsewhere (e.g. in a browser session) and
    /// give back later with [`Credentials::SessionCookie`].
    pub fn session_cookie(&self) -> Option<SecretString> {
        let shared = self.shared();
        let now = shared.clock.now();
        self.lock().jar.get(
            shared.factory.base_url().origin(),
            &shared.session_cookie_name,
            now,
        )
    }

    /// The JWT held for `side`, if any.
    pub fn bearer(&self, side: Side) -> Option<AccessToken> {
        self.lock().bearer(side).cloned()
    }

    /// Forgets every credential and cookie.
    pub fn clear(&self) {
        *self.lock() = SessionState::default();
    }

    /// Sends `prepared`, retrying by the client's policy; keeps the cookies the
    /// answers set.
    pub(crate) async fn execute(&self, prepared: &Prepared<'_>) -> Result<Exchange> {
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
            let clock = &self.shared().clock;
            let started = clock.now();
            let result = self.attempts(prepared, started).await;
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

    async fn attempts(
        &self,
        prepared: &Prepared<'_>,
        started: Timestamp,
    ) -> Result<(Exchange, u32), (Error, u32)> {
        let shared = self.shared();
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
                let state = self.lock();
                let side_bearer = prepared
                    .scope
                    .side
                    .filter(|_| prepared.scope.bearer)
                    .and_then(|side| state.bearer(side));
                let (bearer, expired) = match side_bearer {
                    Some(token) if token.is_expired_at(now) => (None, Some(token.clone())),
                    other => (other, None),
                };
                let credentials = OutgoingCredentials {
                    cookie: state.jar.header_for(origin, &request_path, now),
                    bearer,
                    api_token: state.api_token.as_ref(),
                };
                let built =
                    shared
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
                    let mut state = self.lock();
                    if let (Some(side), true) = (prepared.logout, response.status().is_success()) {
                        state.jar.remove(&shared.session_cookie_name);
                        *state.bearer_slot(side) = None;
                    }
                    let change = state.jar.store_from_response(
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
}

#[async_trait::async_trait]
impl RouteApi for Session {
    async fn send_request(&self, request: crate::route::ApiRequest) -> Result<Response<Bytes>> {
        let prepared = Prepared {
            name: "request",
            method: request.method().clone(),
            path: Cow::Borrowed(request.path()),
            path_template: TracedPath::Masked(request.path()),
            query: request.query(),
            body: request.body().clone(),
            content_type: request.content_type().cloned(),
            scope: Scope::for_path(request.path()),
            headers: request.headers(),
            logout: None,
        };
        Ok(self.execute(&prepared).await?.checked()?.response)
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

    #[test]
    fn debug_says_which_credentials_are_held() {
        use crate::{Client, Credentials, HttpTransport, TransportError};
        use bytes::Bytes;
        use http::Response;
        struct Nowhere;
        #[async_trait::async_trait]
        impl HttpTransport for Nowhere {
            async fn send(
                &self,
                _: http::Request<Bytes>,
            ) -> Result<Response<Bytes>, TransportError> {
                Err(TransportError::connect("nowhere"))
            }
        }
        let client = Client::builder(Nowhere).build().unwrap();
        let session = client.session();
        session
            .set_credentials(Credentials::SessionCookie("s%3Asecret.sig".into()))
            .unwrap();
        session
            .set_credentials(Credentials::ApiToken("sk_secret".into()))
            .unwrap();
        assert_eq!(
            format!("{session:?}"),
            r#"Session { cookies: {"connect.sid"}, admin_bearer: false, store_bearer: false, api_token: true }"#
        );
    }
}
