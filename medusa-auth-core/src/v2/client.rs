//! The v2 client over any transport: the core's shared configuration, and the
//! sessions it makes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::base_url::BaseUrl;
use crate::client::{ClientBuilder, Shared};
use crate::error::InvalidInput;
use crate::transport::HttpTransport;
use crate::v2::credentials::Credentials;
use crate::v2::session::Session;
use crate::v2::session_factory::{AuthSession, SessionFactory};
use crate::version::V2;

/// A Medusa v2 client over any [`HttpTransport`]: its configuration and one
/// transport, shared by every session it makes. Cheap to clone.
///
/// It holds no user's credentials (but for a client-wide
/// [`secret_api_key`](ClientBuilder::secret_api_key)): it makes one [`Session`] per
/// user, and each session owns its token and cookie, which no other session sees.
///
/// ```
/// # use medusa_auth_core::{HttpTransport, TransportError};
/// # struct MyTransport;
/// # #[async_trait::async_trait]
/// # impl HttpTransport for MyTransport {
/// #     async fn send(&self, _: http::Request<bytes::Bytes>) -> Result<http::Response<bytes::Bytes>, TransportError> {
/// #         Err(TransportError::connect("not in a doctest"))
/// #     }
/// # }
/// use std::time::Duration;
/// use medusa_auth_core::v2;
///
/// let client = v2::Client::builder(MyTransport)
///     .base_url("https://shop.example.com")
///     .publishable_api_key("pk_01")
///     .secret_api_key("sk_01")
///     .refresh_margin(Some(Duration::from_secs(600)))
///     .build()?;
/// assert!(!format!("{client:?}").contains("sk_01"));
/// # Ok::<(), medusa_auth_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    refresh_margin: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("v2::Client")
            .field("base_url", self.shared.factory.base_url())
            .field("retry", &self.shared.retry)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn new(shared: Arc<Shared>, refresh_margin: Option<Duration>) -> Self {
        Client {
            shared,
            refresh_margin,
        }
    }

    /// Starts configuring a v2 client that sends through `transport`.
    pub fn builder(transport: impl HttpTransport) -> ClientBuilder<V2> {
        ClientBuilder::new(Some(Arc::new(transport)))
    }

    /// Starts configuring a v2 client over a transport shared with other clients.
    pub fn builder_shared(transport: Arc<dyn HttpTransport>) -> ClientBuilder<V2> {
        ClientBuilder::new(Some(transport))
    }

    /// Starts configuring a v2 client whose transport is given later with
    /// [`ClientBuilder::transport`] (what a transport crate's own builder wraps).
    pub fn configure() -> ClientBuilder<V2> {
        ClientBuilder::new(None)
    }

    /// A new session: one user's token and cookie (none yet), over the client's
    /// transport.
    pub fn session(&self) -> Session {
        Session::new(self.shared.clone(), self.refresh_margin)
    }

    /// A new session holding `credentials`: a session cookie, a token or a secret key
    /// kept from an earlier session.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a cookie, token or key a header cannot carry.
    pub fn session_with(&self, credentials: Credentials) -> Result<Session, InvalidInput> {
        let session = self.session();
        session.set_credentials(credentials)?;
        Ok(session)
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        self.shared.factory.base_url()
    }

    /// How long before its expiry a session's token is refreshed.
    pub fn refresh_margin(&self) -> Option<Duration> {
        self.refresh_margin
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
