//! [`Client`]: the core's client over a [`HyperTransport`], configured like the JS
//! client, and its [`ClientBuilder`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use medusa_auth_core::{
    ApiVersion, AuthSession, BaseUrl, Clock, ConfigError, Credentials, CustomHeaders, InvalidInput,
    RetryPolicy, SecretString, Session, SessionFactory, Sleep, V1, V2,
};

use crate::sleep::TokioSleep;
use crate::tls::Certificate;
use crate::transport::{HyperTransport, HyperTransportBuilder};

/// A Medusa client for tokio services: one connection pool (hyper, HTTP/1.1 and
/// HTTP/2 over rustls) and one configuration, shared by every session it makes.
/// Cheap to clone; keep one per backend, in your service's state.
///
/// It holds no user's credentials: make one [`Session`] per user with
/// [`session`](Client::session) (a login) or [`session_with`](Client::session_with)
/// (credentials kept from an earlier login). No session ever sees another's cookie
/// or tokens.
///
/// ```no_run
/// use medusa_auth_hyper::Client;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder().base_url("https://shop.example.com").build()?;
///
/// let alice = client.session();
/// let customer = alice.store().authenticate("alice@example.com", "her password").await?;
/// let me = alice.store().get_session().await?;
/// assert_eq!(me.id, customer.id);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: medusa_auth_core::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl Client {
    /// Starts configuring a client (base URL `http://localhost:9000`, no retries, the
    /// transport defaults).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A new session: one user's cookie and tokens (none yet), over the client's
    /// connection pool.
    pub fn session(&self) -> Session {
        self.inner.session()
    }

    /// A new session holding `credentials`: a session cookie, a JWT or an API token
    /// kept from an earlier session.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a cookie, token or JWT a header cannot carry.
    pub fn session_with(&self, credentials: Credentials) -> Result<Session, InvalidInput> {
        self.inner.session_with(credentials)
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        self.inner.base_url()
    }

    /// The core client underneath, for code written against `medusa-auth-core`.
    pub fn as_core(&self) -> &medusa_auth_core::Client {
        &self.inner
    }
}

impl From<Client> for medusa_auth_core::Client {
    fn from(client: Client) -> Self {
        client.inner
    }
}

/// A client over any transport as this crate's client type: what lets a service
/// that stores a `Client` be tested with `medusa-auth-mock`'s fake in memory
/// (`FakeMedusa::client().into()`), or run over a transport of its own.
impl From<medusa_auth_core::Client> for Client {
    fn from(inner: medusa_auth_core::Client) -> Self {
        Client { inner }
    }
}

impl SessionFactory for Client {
    fn session(&self) -> Arc<dyn AuthSession> {
        Arc::new(Client::session(self))
    }

    fn session_with(&self, credentials: Credentials) -> Result<Arc<dyn AuthSession>, InvalidInput> {
        Ok(Arc::new(Client::session_with(self, credentials)?))
    }
}

/// Configures a [`Client`] (v1) or a [`v2::Client`](crate::v2::Client); reads like
/// the JS clients' config (`baseUrl`, `maxRetries`, `apiKey`, `publishableApiKey`,
/// `customHeaders`) plus the transport's timeouts, size limit and TLS roots.
///
/// The API version is in the type: `ClientBuilder<V1>` (from [`Client::builder`])
/// offers v1's [`api_key`](ClientBuilder::<V1>::api_key) and builds a [`Client`];
/// `ClientBuilder<V2>` (from [`v2::Client::builder`](crate::v2::Client::builder))
/// offers v2's [`secret_api_key`](ClientBuilder::<V2>::secret_api_key) and
/// [`refresh_margin`](ClientBuilder::<V2>::refresh_margin) and builds a
/// [`v2::Client`](crate::v2::Client). Everything else is shared.
///
/// ```
/// use std::time::Duration;
/// use medusa_auth_hyper::Client;
/// let client = Client::builder()
///     .base_url("https://shop.example.com/medusa")
///     .max_retries(3)
///     .publishable_api_key("pk_01H")
///     .default_header("x-tenant", "eu")
///     .connect_timeout(Duration::from_secs(3))
///     .request_timeout(Duration::from_secs(15))
///     .max_response_bytes(1 << 20)
///     .user_agent("my-shop/1.0")
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://shop.example.com/medusa");
/// # Ok::<(), medusa_auth_hyper::ConfigError>(())
/// ```
pub struct ClientBuilder<V: ApiVersion = V1> {
    /// Everything but the transport: the core's own builder, its transport given at
    /// `build`.
    core: medusa_auth_core::ClientBuilder<V>,
    transport: TransportChoice,
}

/// The transport a builder will send through: one it makes from its settings, or one
/// it was given.
#[derive(Debug)]
enum TransportChoice {
    Build(HyperTransportBuilder),
    /// Boxed: a transport (a pool and its settings) is large beside its builder.
    Given(Box<HyperTransport>),
}

impl TransportChoice {
    /// The settings to build from: a given transport gives way to the defaults.
    fn into_settings(self) -> HyperTransportBuilder {
        match self {
            TransportChoice::Build(settings) => settings,
            TransportChoice::Given(_) => HyperTransportBuilder::default(),
        }
    }
}

impl Default for ClientBuilder<V1> {
    fn default() -> Self {
        ClientBuilder::over(medusa_auth_core::Client::configure())
    }
}

impl Default for ClientBuilder<V2> {
    fn default() -> Self {
        ClientBuilder::over(medusa_auth_core::v2::Client::configure())
    }
}

impl<V: ApiVersion> fmt::Debug for ClientBuilder<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("core", &self.core)
            .field("transport", &self.transport)
            .finish()
    }
}

impl<V: ApiVersion> ClientBuilder<V> {
    /// A builder over the core's, with tokio's sleep and the default transport.
    fn over(core: medusa_auth_core::ClientBuilder<V>) -> Self {
        ClientBuilder {
            core: core.sleep(TokioSleep),
            transport: TransportChoice::Build(HyperTransportBuilder::default()),
        }
    }

    /// Changes the transport settings (a transport given with
    /// [`with_transport`](Self::with_transport) gives way to them).
    fn with_settings(
        mut self,
        change: impl FnOnce(HyperTransportBuilder) -> HyperTransportBuilder,
    ) -> Self {
        self.transport = TransportChoice::Build(change(self.transport.into_settings()));
        self
    }

    /// The backend's URL (default `http://localhost:9000`); may carry a path prefix.
    ///
    /// Plain HTTP to a host that is not loopback works, but sends passwords, tokens
    /// and cookies in clear: `build` logs one `tracing` warning for it.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.core = self.core.base_url(base_url);
        self
    }

    /// Retries per call (default 0, as in the JS client), by the rules of
    /// [`RetryPolicy`]; keeps the rest of the policy.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.core = self.core.max_retries(max_retries);
        self
    }

    /// The whole retry policy (jitter, back-off cap, deadline).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.core = self.core.retry_policy(policy);
        self
    }

    /// The JS `publishableApiKey`: `x-publishable-api-key` on store routes (v2
    /// requires it on every one).
    pub fn publishable_api_key(mut self, key: impl Into<String>) -> Self {
        self.core = self.core.publishable_api_key(key);
        self
    }

    /// Adds a header to every request (per-call headers win over it); an invalid one
    /// makes `build` fail.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.core = self.core.default_header(name, value);
        self
    }

    /// Replaces the headers added to every request.
    pub fn default_headers(mut self, headers: CustomHeaders) -> Self {
        self.core = self.core.default_headers(headers);
        self
    }

    /// Replaces `User-Agent: medusa-auth/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.core = self.core.user_agent(user_agent);
        self
    }

    /// How to wait between retries (default [`TokioSleep`]).
    pub fn sleep(mut self, sleep: impl Sleep) -> Self {
        self.core = self.core.sleep(sleep);
        self
    }

    /// The clock for cookie expiry, `Retry-After` dates, JWT expiry and the retry
    /// deadline (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.core = self.core.clock(clock);
        self
    }

    /// The name of the session cookie (default `connect.sid`).
    pub fn session_cookie_name(mut self, name: impl Into<String>) -> Self {
        self.core = self.core.session_cookie_name(name);
        self
    }

    /// How long establishing a TCP connection may take (default 10 s).
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        self.with_settings(|settings| settings.connect_timeout(timeout))
    }

    /// How long one attempt may take in all, body included (default 30 s). Each retry
    /// gets its own; the retry policy's deadline bounds the whole call.
    pub fn request_timeout(self, timeout: Duration) -> Self {
        self.with_settings(|settings| settings.request_timeout(timeout))
    }

    /// The largest response body accepted, in bytes (default 8 MiB).
    pub fn max_response_bytes(self, limit: usize) -> Self {
        self.with_settings(|settings| settings.max_response_bytes(limit))
    }

    /// How long an idle pooled connection is kept (default 4 s, under Medusa's
    /// 5 s keep-alive); see [`HyperTransportBuilder::pool_idle_timeout`].
    pub fn pool_idle_timeout(self, timeout: Option<Duration>) -> Self {
        self.with_settings(|settings| settings.pool_idle_timeout(timeout))
    }

    /// Trusts `certificate` as a root in addition to the built-in ones.
    pub fn add_root_certificate(self, certificate: Certificate) -> Self {
        self.with_settings(|settings| settings.add_root_certificate(certificate))
    }

    /// Whether the built-in roots are trusted (default true); see
    /// [`HyperTransportBuilder::tls_built_in_root_certs`].
    pub fn tls_built_in_root_certs(self, enabled: bool) -> Self {
        self.with_settings(|settings| settings.tls_built_in_root_certs(enabled))
    }

    /// Replaces every transport setting (timeouts, size limit, pool, TLS) at once.
    pub fn transport(mut self, transport: HyperTransportBuilder) -> Self {
        self.transport = TransportChoice::Build(transport);
        self
    }

    /// Sends through `transport`, whose connection pool other clients may share (a
    /// backend per region on one pool, say). A transport setting given after it (a
    /// timeout, a root certificate …) makes the builder build its own transport again.
    ///
    /// ```
    /// use medusa_auth_hyper::{Client, HyperTransport};
    /// let pool = HyperTransport::new();
    /// let eu = Client::builder().base_url("https://eu.example.com").with_transport(pool.clone()).build()?;
    /// let us = Client::builder().base_url("https://us.example.com").with_transport(pool).build()?;
    /// # let _ = (eu, us);
    /// # Ok::<(), medusa_auth_hyper::ConfigError>(())
    /// ```
    pub fn with_transport(mut self, transport: HyperTransport) -> Self {
        self.transport = TransportChoice::Given(Box::new(transport));
        self
    }

    /// The transport the settings make, or the one given.
    fn into_parts(self) -> (medusa_auth_core::ClientBuilder<V>, HyperTransport) {
        let transport = match self.transport {
            TransportChoice::Build(settings) => settings.build(),
            TransportChoice::Given(transport) => *transport,
        };
        (self.core, transport)
    }
}

impl ClientBuilder<V1> {
    /// The JS `apiKey`: an admin API token sent as `x-medusa-access-token` where an
    /// admin route takes one (never on a login, never to a store route), for every
    /// session that holds no API token of its own.
    pub fn api_key(mut self, api_key: impl Into<SecretString>) -> Self {
        self.core = self.core.api_key(api_key);
        self
    }

    /// Checks the configuration and makes the client: one connection pool, shared by
    /// its clones and by every [`Session`] made from it.
    ///
    /// Needs no runtime and no network.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] for a base URL that is not `http(s)://host[:port][/prefix]`, a
    /// header, user agent or key a header cannot carry, or a retry policy out of
    /// range. It never quotes a key, a header value or the base URL.
    pub fn build(self) -> Result<Client, ConfigError> {
        let (core, transport) = self.into_parts();
        let inner = core.transport(transport).build()?;
        warn_if_cleartext(inner.base_url());
        Ok(Client { inner })
    }
}

impl ClientBuilder<V2> {
    /// The JS SDK's `apiKey`: a secret API key (`sk_…`), sent as
    /// `Authorization: Basic base64("sk_…:")` on admin routes only, by every session
    /// that holds no admin credentials of its own.
    pub fn secret_api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.core = self.core.secret_api_key(key);
        self
    }

    /// How long before its expiry a session's token is refreshed ahead of the call
    /// that would send it (default 5 minutes; `None`: never on its own).
    pub fn refresh_margin(mut self, margin: Option<Duration>) -> Self {
        self.core = self.core.refresh_margin(margin);
        self
    }

    /// Checks the configuration and makes the v2 client: one connection pool, shared
    /// by its clones and by every session made from it. Needs no runtime and no
    /// network.
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::<V1>::build`](ClientBuilder::build).
    pub fn build(self) -> Result<crate::v2::Client, ConfigError> {
        let (core, transport) = self.into_parts();
        let inner = core.transport(transport).build()?;
        warn_if_cleartext(inner.base_url());
        Ok(crate::v2::Client::from(inner))
    }
}

/// One warning per client whose credentials would cross the network in clear.
fn warn_if_cleartext(base_url: &BaseUrl) {
    if !base_url.is_https() && !base_url.is_loopback() {
        tracing::warn!(
            server = %base_url.authority(),
            "the Medusa base URL is plain HTTP to a host that is not loopback: passwords, \
             tokens and session cookies will travel in clear; use https"
        );
    }
}
