//! The client over any transport, and the session handles that each own one user's
//! credentials and cookie.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::{Response, StatusCode};
use secrecy::SecretString;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::api::{AdminAuthApi, StoreAuthApi};
use crate::base_url::{BaseUrl, DEFAULT_BASE_URL};
use crate::calls::AuthRequest;
use crate::cookies::{CookieJar, SESSION_COOKIE_NAME, SessionCookieChange};
use crate::credentials::{AccessToken, Credentials, Side};
use crate::error::{ConfigError, Error, InvalidInput, MissingCookieReason, Result};
use crate::headers::{ACCESS_TOKEN, CustomHeaders};
use crate::models::{Customer, User};
use crate::request::{OutgoingCredentials, RequestFactory, bearer_value, sensitive_value};
use crate::response;
use crate::retry::{AttemptOutcome, RetryDecision, RetryPolicy, StopReason};
use crate::transport::{Clock, HttpTransport, Sleep, SystemClock};

/// Configures a [`Client`]; reads like the JS client's config.
///
/// ```
/// # use medusa_auth_core::{Client, HttpTransport, TransportError};
/// # struct MyTransport;
/// # #[async_trait::async_trait]
/// # impl HttpTransport for MyTransport {
/// #     async fn send(&self, _: http::Request<bytes::Bytes>) -> Result<http::Response<bytes::Bytes>, TransportError> {
/// #         Err(TransportError::connect("not in a doctest"))
/// #     }
/// # }
/// let client = Client::builder(MyTransport)
///     .base_url("https://shop.example.com/medusa")
///     .publishable_api_key("pk_01")
///     .default_header("x-tenant", "eu")
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://shop.example.com/medusa");
/// # Ok::<(), medusa_auth_core::ConfigError>(())
/// ```
pub struct ClientBuilder {
    transport: Option<Arc<dyn HttpTransport>>,
    base_url: String,
    retry: RetryPolicy,
    api_key: Option<SecretString>,
    publishable_api_key: Option<String>,
    default_headers: CustomHeaders,
    header_error: Option<InvalidInput>,
    user_agent: Option<String>,
    sleep: Option<Arc<dyn Sleep>>,
    clock: Arc<dyn Clock>,
    session_cookie_name: String,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("retry", &self.retry)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("default_headers", &self.default_headers)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    fn new(transport: Option<Arc<dyn HttpTransport>>) -> Self {
        ClientBuilder {
            transport,
            base_url: DEFAULT_BASE_URL.to_owned(),
            retry: RetryPolicy::default(),
            api_key: None,
            publishable_api_key: None,
            default_headers: CustomHeaders::new(),
            header_error: None,
            user_agent: None,
            sleep: None,
            clock: Arc::new(SystemClock),
            session_cookie_name: SESSION_COOKIE_NAME.to_owned(),
        }
    }

    /// The transport to send through (replacing any given before); a builder from
    /// [`Client::configure`] needs one before `build`.
    pub fn transport(mut self, transport: impl HttpTransport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The backend's URL (default `http://localhost:9000`); may carry a path prefix.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Retries per call (default 0, as in the JS client); keeps the rest of the policy.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry = self.retry.with_max_retries(max_retries);
        self
    }

    /// The whole retry policy (jitter, cap, deadline).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The JS `apiKey`: an admin API token sent as `x-medusa-access-token` on admin
    /// calls (never on the login, never on store calls).
    pub fn api_key(mut self, api_key: impl Into<SecretString>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The JS `publishableApiKey`: `x-publishable-api-key` on every request.
    pub fn publishable_api_key(mut self, key: impl Into<String>) -> Self {
        self.publishable_api_key = Some(key.into());
        self
    }

    /// Adds a header to every request; an invalid one makes `build` fail.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        if let Err(error) = self.default_headers.insert(name, value) {
            self.header_error.get_or_insert(error);
        }
        self
    }

    /// Replaces the headers added to every request.
    pub fn default_headers(mut self, headers: CustomHeaders) -> Self {
        self.default_headers = headers;
        self
    }

    /// Replaces `User-Agent: medusa-auth/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How to wait between retries (required when `max_retries > 0`).
    pub fn sleep(mut self, sleep: impl Sleep) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// The clock for cookie expiry, `Retry-After` dates, JWT expiry and deadlines
    /// (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The name of the session cookie (default `connect.sid`).
    pub fn session_cookie_name(mut self, name: impl Into<String>) -> Self {
        self.session_cookie_name = name.into();
        self
    }

    /// Checks the configuration and makes the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        if let Some(error) = self.header_error {
            return Err(error.into());
        }
        self.retry.validate()?;
        if self.retry.max_retries() > 0 && self.sleep.is_none() {
            return Err(ConfigError::RetriesWithoutSleep);
        }
        let mut factory = RequestFactory::new(BaseUrl::parse(&self.base_url)?)
            .with_default_headers(self.default_headers);
        if let Some(user_agent) = &self.user_agent {
            factory = factory.with_user_agent(user_agent)?;
        }
        if let Some(api_key) = &self.api_key {
            factory = factory.with_api_key(api_key)?;
        }
        if let Some(key) = &self.publishable_api_key {
            factory = factory.with_publishable_api_key(key)?;
        }
        if http::HeaderName::from_bytes(self.session_cookie_name.as_bytes()).is_err() {
            return Err(InvalidInput::invalid_header_name(&self.session_cookie_name).into());
        }
        let transport = self.transport.ok_or(ConfigError::MissingTransport)?;
        let shared = Arc::new(Shared {
            transport,
            factory,
            retry: self.retry,
            sleep: self.sleep,
            clock: self.clock,
            session_cookie_name: self.session_cookie_name,
        });
        Ok(Client {
            default_session: Session::new(shared.clone()),
            shared,
        })
    }
}

struct Shared {
    transport: Arc<dyn HttpTransport>,
    factory: RequestFactory,
    retry: RetryPolicy,
    sleep: Option<Arc<dyn Sleep>>,
    clock: Arc<dyn Clock>,
    session_cookie_name: String,
}

/// A Medusa client over any [`HttpTransport`]: cheap to clone, one transport (one
/// connection pool) for all its sessions.
///
/// Its own calls ([`Client::admin`], [`Client::store`]) use its default session,
/// which its clones share, like the JS client. A service acting for many users makes
/// one [`Session`] per user with [`Client::session`]: each owns its cookie and
/// tokens, and none sees another's.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    default_session: Session,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", self.shared.factory.base_url())
            .field("retry", &self.shared.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client that sends through `transport`.
    pub fn builder(transport: impl HttpTransport) -> ClientBuilder {
        ClientBuilder::new(Some(Arc::new(transport)))
    }

    /// Starts configuring a client over a transport shared with other clients.
    pub fn builder_shared(transport: Arc<dyn HttpTransport>) -> ClientBuilder {
        ClientBuilder::new(Some(transport))
    }

    /// Starts configuring a client whose transport is given later with
    /// [`ClientBuilder::transport`] (what a transport crate's own builder wraps).
    pub fn configure() -> ClientBuilder {
        ClientBuilder::new(None)
    }

    /// A new session handle: no cookie, no tokens, the same transport.
    pub fn session(&self) -> Session {
        Session::new(self.shared.clone())
    }

    /// A new session handle holding `credentials`.
    pub fn session_with(&self, credentials: Credentials) -> Result<Session, InvalidInput> {
        let session = self.session();
        session.set_credentials(credentials)?;
        Ok(session)
    }

    /// The session the client's own calls use.
    pub fn default_session(&self) -> &Session {
        &self.default_session
    }

    /// The admin calls, on the default session.
    pub fn admin(&self) -> AdminAuth {
        self.default_session.admin()
    }

    /// The store calls, on the default session.
    pub fn store(&self) -> StoreAuth {
        self.default_session.store()
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        self.shared.factory.base_url()
    }

    /// The request factory (for building requests by hand).
    pub fn request_factory(&self) -> &RequestFactory {
        &self.shared.factory
    }
}

#[derive(Default)]
struct SessionState {
    jar: CookieJar,
    admin_bearer: Option<AccessToken>,
    store_bearer: Option<AccessToken>,
    api_token: Option<SecretString>,
}

impl SessionState {
    fn bearer_slot(&mut self, side: Side) -> &mut Option<AccessToken> {
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

/// One user's session: a cookie jar, an admin and a store JWT, an API token.
///
/// Clones share the same state (as two tabs of one browser); use
/// [`Client::session`] for an independent one. `Debug` shows which credentials are
/// held, never their values.
#[derive(Clone)]
pub struct Session {
    shared: Arc<Shared>,
    state: Arc<Mutex<SessionState>>,
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

/// What one call's exchange left behind.
struct Exchange {
    response: Response<Bytes>,
    session_cookie: SessionCookieChange,
    /// A bearer that was not sent because it had expired.
    expired_bearer: Option<AccessToken>,
}

impl Session {
    fn new(shared: Arc<Shared>) -> Self {
        Session {
            shared,
            state: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, SessionState> {
        // A panic elsewhere while holding the lock cannot leave the state half-written
        // (every update is a single assignment), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The admin calls of this session.
    pub fn admin(&self) -> AdminAuth {
        AdminAuth {
            session: self.clone(),
        }
    }

    /// The store calls of this session.
    pub fn store(&self) -> StoreAuth {
        StoreAuth {
            session: self.clone(),
        }
    }

    /// Gives the session a credential (replacing one of the same kind and side).
    ///
    /// A cookie, API token or JWT holding characters a header cannot carry is
    /// refused here, not at the next call.
    pub fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput> {
        let mut state = self.lock();
        match credentials {
            Credentials::SessionCookie(value) => state.jar.insert(
                self.shared.factory.base_url().origin(),
                &self.shared.session_cookie_name,
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
        let now = self.shared.clock.now();
        self.lock().jar.get(
            self.shared.factory.base_url().origin(),
            &self.shared.session_cookie_name,
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

    async fn execute(&self, request: AuthRequest<'_>, custom: &CustomHeaders) -> Result<Exchange> {
        let call = request.call();
        let span = tracing::debug_span!(
            "medusa_auth",
            call = call.name(),
            method = call.method().as_str(),
            path = call.path_template(),
            status = Empty,
            attempts = Empty,
            elapsed_ms = Empty,
        );
        let recorded = span.clone();
        async move {
            let started = self.shared.clock.now();
            let result = self.attempts(request, custom, started).await;
            // Reading the clock again is only worth it for a span someone records.
            if !recorded.is_disabled() {
                let elapsed = self
                    .shared
                    .clock
                    .now()
                    .duration_since(started)
                    .unwrap_or_default();
                recorded.record("elapsed_ms", elapsed.as_millis() as u64);
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
        request: AuthRequest<'_>,
        custom: &CustomHeaders,
        started: SystemTime,
    ) -> Result<(Exchange, u32), (Error, u32)> {
        let shared = &*self.shared;
        let call = request.call();
        let side = call.side();
        let base_url = shared.factory.base_url();
        let origin = base_url.origin();
        let path = request.path();
        let request_path = base_url.request_path(&path);
        let idempotency_key = (shared.retry.max_retries() > 0 && call.takes_idempotency_key())
            .then(|| uuid::Uuid::new_v4().to_string());
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
                let (bearer, expired) = match state.bearer(side) {
                    Some(token) if token.is_expired_at(now) => (None, Some(token.clone())),
                    other => (other, None),
                };
                let credentials = OutgoingCredentials {
                    cookie: state.jar.header_for(origin, &request_path, now),
                    bearer,
                    api_token: state.api_token.as_ref(),
                };
                let built = shared.factory.build(
                    &request,
                    &credentials,
                    custom,
                    idempotency_key.as_deref(),
                );
                (built.map_err(|error| (error, 0))?, expired)
            };
            tracing::trace!(attempt, "sending");
            // Through the trait object itself: `Arc<dyn HttpTransport>` is a transport
            // too, and its impl would box a second future around this one.
            let result = shared.transport.as_ref().send(http_request).await;
            let now = shared.clock.now();
            let elapsed = || now.duration_since(started).unwrap_or_default();
            let decision = match &result {
                Ok(response) => {
                    let mut state = self.lock();
                    if call.is_logout() && response.status().is_success() {
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
                        Err(error) => Err((Error::Transport(error), attempt)),
                    };
                }
            }
        }
    }

    /// One call: the exchange, then its reading. A 401 caused by a bearer that was
    /// not sent because it had expired becomes `TokenExpired`.
    async fn call<T>(
        &self,
        request: AuthRequest<'_>,
        headers: &CustomHeaders,
        read: fn(&Response<Bytes>) -> Result<T>,
    ) -> Result<T> {
        let exchange = self.execute(request, headers).await?;
        if let (Some(token), StatusCode::UNAUTHORIZED) =
            (&exchange.expired_bearer, exchange.response.status())
        {
            return Err(Error::TokenExpired {
                side: token.side(),
                expired_at: token
                    .expires_at()
                    .map_or(time::OffsetDateTime::UNIX_EPOCH, time::OffsetDateTime::from),
            });
        }
        read(&exchange.response)
    }

    /// A password login: its answer must leave a session cookie this client can send
    /// back (SPEC §2), or the session would silently not exist.
    async fn login<T>(
        &self,
        request: AuthRequest<'_>,
        headers: &CustomHeaders,
        read: fn(&Response<Bytes>) -> Result<T>,
    ) -> Result<T> {
        let side = request.call().side();
        let exchange = self.execute(request, headers).await?;
        let value = read(&exchange.response)?;
        let reason = match exchange.session_cookie {
            SessionCookieChange::Stored => return Ok(value),
            SessionCookieChange::Untouched if self.session_cookie().is_some() => return Ok(value),
            SessionCookieChange::Untouched => MissingCookieReason::NotSet,
            SessionCookieChange::RefusedSecure => MissingCookieReason::SecureOverPlainHttp,
            SessionCookieChange::Removed => MissingCookieReason::AlreadyExpired,
        };
        Err(Error::SessionCookieMissing { side, reason })
    }

    /// `delete_session` of either side. The handle forgets its cookie and this side's
    /// JWT even when the server's answer is lost or an error: a failed logout must not
    /// leave a usable session behind in the handle.
    async fn logout(&self, request: AuthRequest<'_>, headers: &CustomHeaders) -> Result<()> {
        let side = request.call().side();
        self.call(request, headers, response::read_ok)
            .await
            .map_err(|cause| {
                let mut state = self.lock();
                state.jar.remove(&self.shared.session_cookie_name);
                *state.bearer_slot(side) = None;
                Error::LogoutUnconfirmed {
                    side,
                    cause: Box::new(cause),
                }
            })
    }

    /// `get_token` of either side: the handle keeps the JWT for that side.
    async fn get_token(
        &self,
        request: AuthRequest<'_>,
        headers: &CustomHeaders,
    ) -> Result<AccessToken> {
        let side = request.call().side();
        let exchange = self.execute(request, headers).await?;
        let token = response::read_access_token(&exchange.response, side)?;
        *self.lock().bearer_slot(side) = Some(token.clone());
        Ok(token)
    }
}

/// The admin calls of one [`Session`] (`medusa.admin.auth`).
#[derive(Clone, Debug)]
pub struct AdminAuth {
    session: Session,
}

/// The store calls of one [`Session`] (`medusa.auth`).
#[derive(Clone, Debug)]
pub struct StoreAuth {
    session: Session,
}

impl AdminAuth {
    /// The session these calls use.
    pub fn session(&self) -> &Session {
        &self.session
    }
}

impl StoreAuth {
    /// The session these calls use.
    pub fn session(&self) -> &Session {
        &self.session
    }
}

#[async_trait]
impl AdminAuthApi for AdminAuth {
    async fn create_session(
        &self,
        email: &str,
        password: &SecretString,
        headers: &CustomHeaders,
    ) -> Result<User> {
        let request = AuthRequest::AdminCreateSession { email, password };
        self.session
            .login(request, headers, response::read_user)
            .await
    }

    async fn get_session(&self, headers: &CustomHeaders) -> Result<User> {
        let request = AuthRequest::AdminGetSession;
        self.session
            .call(request, headers, response::read_user)
            .await
    }

    async fn delete_session(&self, headers: &CustomHeaders) -> Result<()> {
        self.session
            .logout(AuthRequest::AdminDeleteSession, headers)
            .await
    }

    async fn get_token(
        &self,
        email: &str,
        password: &SecretString,
        headers: &CustomHeaders,
    ) -> Result<AccessToken> {
        let request = AuthRequest::AdminGetToken { email, password };
        self.session.get_token(request, headers).await
    }
}

#[async_trait]
impl StoreAuthApi for StoreAuth {
    async fn authenticate(
        &self,
        email: &str,
        password: &SecretString,
        headers: &CustomHeaders,
    ) -> Result<Customer> {
        let request = AuthRequest::StoreAuthenticate { email, password };
        self.session
            .login(request, headers, response::read_customer)
            .await
    }

    async fn get_session(&self, headers: &CustomHeaders) -> Result<Customer> {
        let request = AuthRequest::StoreGetSession;
        self.session
            .call(request, headers, response::read_customer)
            .await
    }

    async fn delete_session(&self, headers: &CustomHeaders) -> Result<()> {
        self.session
            .logout(AuthRequest::StoreDeleteSession, headers)
            .await
    }

    async fn exists(&self, email: &str, headers: &CustomHeaders) -> Result<bool> {
        let request = AuthRequest::StoreExists { email };
        self.session
            .call(request, headers, response::read_exists)
            .await
    }

    async fn get_token(
        &self,
        email: &str,
        password: &SecretString,
        headers: &CustomHeaders,
    ) -> Result<AccessToken> {
        let request = AuthRequest::StoreGetToken { email, password };
        self.session.get_token(request, headers).await
    }
}
