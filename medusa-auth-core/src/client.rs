//! The client over any transport: its configuration, shared by every session it
//! makes.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::base_url::{BaseUrl, DEFAULT_BASE_URL};
use crate::cookies::SESSION_COOKIE_NAME;
use crate::credentials::{ApiCredential, Credentials};
use crate::error::{ConfigError, InvalidInput};
use crate::headers::CustomHeaders;
use crate::request::RequestFactory;
use crate::retry::RetryPolicy;
use crate::session::Session;
use crate::session_factory::{AuthSession, SessionFactory};
use crate::transport::{Clock, HttpTransport, Sleep, SystemClock};
use crate::version::{ApiVersion, V1, V2};

/// Configures a [`Client`] (v1) or a [`v2::Client`](crate::v2::Client); reads like
/// the JS clients' config. The version is in the type: `ClientBuilder<V1>` (the
/// default) offers v1's [`api_key`](Self::api_key) and builds a [`Client`];
/// `ClientBuilder<V2>` offers v2's
/// [`secret_api_key`](ClientBuilder::<V2>::secret_api_key) and builds a
/// [`v2::Client`](crate::v2::Client). Everything else is shared.
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
pub struct ClientBuilder<V: ApiVersion = V1> {
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
    /// v2: how long before its expiry a session's token is refreshed.
    refresh_margin: Option<Duration>,
    version: PhantomData<V>,
}

impl<V: ApiVersion> fmt::Debug for ClientBuilder<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("retry", &self.retry)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("default_headers", &self.default_headers)
            .finish_non_exhaustive()
    }
}

/// How long before its `exp` a v2 session refreshes its token, by default.
pub(crate) const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

impl<V: ApiVersion> ClientBuilder<V> {
    pub(crate) fn new(transport: Option<Arc<dyn HttpTransport>>) -> Self {
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
            refresh_margin: Some(DEFAULT_REFRESH_MARGIN),
            version: PhantomData,
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

    /// The JS `publishableApiKey`: `x-publishable-api-key` on store routes (v2
    /// requires it on every one).
    pub fn publishable_api_key(mut self, key: impl Into<String>) -> Self {
        self.publishable_api_key = Some(key.into());
        self
    }

    /// Adds a header to every request; an invalid one, or one that carries a
    /// credential (`Authorization`, `Cookie`, `x-medusa-access-token`: give those to
    /// a session, or the API key to the builder), makes `build` fail.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        if let Err(error) = self.default_headers.insert(name, value) {
            self.header_error.get_or_insert(error);
        }
        self
    }

    /// Replaces the headers added to every request (checked as
    /// [`default_header`](Self::default_header) does).
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

    /// Checks the configuration and makes what every session of the client shares,
    /// with `api_credential` for admin routes.
    fn build_shared(
        self,
        api_credential: Option<ApiCredential>,
    ) -> Result<Arc<Shared>, ConfigError> {
        if let Some(error) = self.header_error {
            return Err(error.into());
        }
        if let Some((name, _)) = self
            .default_headers
            .iter()
            .find(|(name, _)| crate::headers::is_credential(name))
        {
            return Err(InvalidInput::CredentialHeader {
                name: name.as_str().to_owned(),
            }
            .into());
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
        if let Some(credential) = api_credential {
            factory = factory.with_api_credential(credential);
        }
        if let Some(key) = &self.publishable_api_key {
            factory = factory.with_publishable_api_key(key)?;
        }
        if http::HeaderName::from_bytes(self.session_cookie_name.as_bytes()).is_err() {
            return Err(InvalidInput::invalid_header_name(&self.session_cookie_name).into());
        }
        let transport = self.transport.ok_or(ConfigError::MissingTransport)?;
        let target = factory.base_url().authority().to_owned();
        Ok(Arc::new(Shared {
            transport,
            factory,
            target,
            retry: self.retry,
            sleep: self.sleep,
            clock: self.clock,
            session_cookie_name: self.session_cookie_name,
        }))
    }
}

impl ClientBuilder<V1> {
    /// The JS `apiKey`: an admin API token sent as `x-medusa-access-token` where an
    /// admin route takes one (never on a login, never to a store route), for every
    /// session of the client that holds no API token of its own.
    pub fn api_key(mut self, api_key: impl Into<SecretString>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Checks the configuration and makes the client.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] for a base URL that is not `http(s)://host[:port][/prefix]`, a
    /// header, user agent or key a header cannot carry, a credential among the default
    /// headers, a retry policy out of range,
    /// retries without a [`Sleep`], or no transport. The error never quotes a key, a
    /// header value or the base URL.
    pub fn build(mut self) -> Result<Client, ConfigError> {
        let api_key = self
            .api_key
            .take()
            .map(|key| ApiCredential::new(crate::headers::ACCESS_TOKEN, &key))
            .transpose()?;
        Ok(Client {
            shared: self.build_shared(api_key)?,
        })
    }
}

impl ClientBuilder<V2> {
    /// The JS SDK's `apiKey`: a secret API key (`sk_…`), sent as
    /// `Authorization: Basic base64("sk_…:")` on admin routes only, by every session
    /// of the client that holds no admin credentials of its own (a session logged in
    /// as a user acts as that user, not as the key).
    pub fn secret_api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// How long before its expiry a session's token is refreshed
    /// (`POST /auth/token/refresh`) ahead of the call that would send it; default
    /// 5 minutes, `None` never refreshes on its own.
    pub fn refresh_margin(mut self, margin: Option<Duration>) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Checks the configuration and makes the v2 client.
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::<V1>::build`](ClientBuilder::build): [`ConfigError`] for a
    /// base URL, header, user agent or key that cannot be sent, a retry policy out of
    /// range, retries without a [`Sleep`], or no transport.
    pub fn build(mut self) -> Result<crate::v2::Client, ConfigError> {
        let secret_key = self
            .api_key
            .take()
            .map(|key| crate::v2::secret_key_credential(&key))
            .transpose()?;
        let refresh_margin = self.refresh_margin;
        Ok(crate::v2::Client::new(
            self.build_shared(secret_key)?,
            refresh_margin,
        ))
    }
}

/// What every session of a client shares.
pub(crate) struct Shared {
    pub(crate) transport: Arc<dyn HttpTransport>,
    pub(crate) factory: RequestFactory,
    /// `host:port` of the base URL, named in transport errors.
    pub(crate) target: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleep: Option<Arc<dyn Sleep>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) session_cookie_name: String,
}

/// A Medusa client over any [`HttpTransport`]: its configuration and one transport
/// (one connection pool), shared by every session it makes. Cheap to clone.
///
/// A client holds no credentials of its own (but for a client-wide
/// [`api_key`](ClientBuilder::api_key)): it makes one [`Session`] per user with
/// [`Client::session`], and each session owns its cookie and tokens, which no other
/// session sees. A program acting for one user makes one session and keeps it.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
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
    pub fn builder(transport: impl HttpTransport) -> ClientBuilder<V1> {
        ClientBuilder::new(Some(Arc::new(transport)))
    }

    /// Starts configuring a client over a transport shared with other clients.
    pub fn builder_shared(transport: Arc<dyn HttpTransport>) -> ClientBuilder<V1> {
        ClientBuilder::new(Some(transport))
    }

    /// Starts configuring a client whose transport is given later with
    /// [`ClientBuilder::transport`] (what a transport crate's own builder wraps).
    pub fn configure() -> ClientBuilder<V1> {
        ClientBuilder::new(None)
    }

    /// A new session: one user's cookie and tokens (none yet), over the client's
    /// transport.
    pub fn session(&self) -> Session {
        Session::new(self.shared.clone())
    }

    /// A new session holding `credentials`: a session cookie, a JWT or an API token
    /// kept from an earlier session.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a cookie, token or JWT a header cannot carry.
    pub fn session_with(&self, credentials: Credentials) -> Result<Session, InvalidInput> {
        let session = self.session();
        session.set_credentials(credentials)?;
        Ok(session)
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        self.shared.factory.base_url()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::TransportError;

    struct Nowhere;

    #[async_trait::async_trait]
    impl HttpTransport for Nowhere {
        async fn send(
            &self,
            _: http::Request<bytes::Bytes>,
        ) -> Result<http::Response<bytes::Bytes>, TransportError> {
            Err(TransportError::connect("nowhere"))
        }
    }

    #[test]
    fn debug_shows_the_configuration_and_no_key() {
        let builder = Client::builder(Nowhere)
            .api_key("sk_very_secret")
            .default_header("x-tenant", "eu");
        let shown = format!("{builder:?}");
        assert!(
            shown.starts_with("ClientBuilder { retry: RetryPolicy"),
            "{shown}"
        );
        assert!(shown.contains(r#"api_key: Some("[REDACTED]")"#), "{shown}");
        assert!(
            shown.contains(r#"default_headers: {"x-tenant"}"#),
            "{shown}"
        );
        assert!(!shown.contains("very_secret"), "{shown}");
        let client = builder.base_url("http://127.0.0.1:9000").build().unwrap();
        let shown = format!("{client:?}");
        assert!(
            shown.starts_with(
                r#"Client { base_url: BaseUrl("http://127.0.0.1:9000"), retry: RetryPolicy"#
            ),
            "{shown}"
        );
        assert!(!shown.contains("very_secret"), "{shown}");
    }
}
