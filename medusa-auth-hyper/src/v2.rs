//! Medusa v2 over hyper: [`Client`] and its [`ClientBuilder`], with everything a
//! caller names (sessions, calls, tokens, models) re-exported from
//! `medusa_auth_core::v2`.
//!
//! ```no_run
//! use medusa_auth_hyper::v2::{self, CUSTOMER};
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = v2::Client::builder()
//!     .base_url("https://shop.example.com")
//!     .publishable_api_key("pk_01")
//!     .build()?;
//! let alice = client.session();
//! alice.auth().login(CUSTOMER, "alice@example.com", "her password").await?;
//! let me = alice.store().me().await?;
//! println!("logged in as {}", me.email);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::Arc;

use medusa_auth_core::{BaseUrl, InvalidInput, V2};

pub use medusa_auth_core::v2::{
    AdminApi, AuthApi, AuthSession, CUSTOMER, Callback, Claims, CreateCustomer, Credentials,
    Customer, CustomerDetails, CustomerMe, EMAILPASS, ListProviders, Login, LoginOutcome,
    LoginPayload, Logout, OpenSession, ProviderInfo, Refresh, Register, ResetPassword, Session,
    SessionFactory, SignUp, StoreApi, Token, USER, UpdatePassword, User, UserMe,
};

/// The v2 client's builder: [`ClientBuilder<V2>`](crate::ClientBuilder).
pub type ClientBuilder = crate::ClientBuilder<V2>;

/// A Medusa v2 client for tokio services: one connection pool (hyper, HTTP/1.1 and
/// HTTP/2 over rustls) and one configuration, shared by every session it makes.
/// Cheap to clone; keep one per backend, in your service's state.
///
/// It holds no user's credentials: make one [`Session`] per user with
/// [`session`](Client::session) (a login) or [`session_with`](Client::session_with)
/// (a token or cookie kept from an earlier login).
#[derive(Clone)]
pub struct Client {
    inner: medusa_auth_core::v2::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl Client {
    /// Starts configuring a v2 client (base URL `http://localhost:9000`, no retries,
    /// refresh 5 minutes before a token expires, the transport defaults).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A new session: one user's token and cookie (none yet), over the client's
    /// connection pool.
    pub fn session(&self) -> Session {
        self.inner.session()
    }

    /// A new session holding `credentials`: a session cookie, a token or a secret
    /// key kept from an earlier session.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a cookie, token or key a header cannot carry.
    pub fn session_with(&self, credentials: Credentials) -> Result<Session, InvalidInput> {
        self.inner.session_with(credentials)
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        self.inner.base_url()
    }

    /// The core client underneath, for code written against `medusa-auth-core`.
    pub fn as_core(&self) -> &medusa_auth_core::v2::Client {
        &self.inner
    }
}

impl From<Client> for medusa_auth_core::v2::Client {
    fn from(client: Client) -> Self {
        client.inner
    }
}

/// A v2 client over any transport as this crate's client type: what lets a service
/// that stores a `v2::Client` be tested with `medusa-auth-mock`'s fake v2 in memory.
impl From<medusa_auth_core::v2::Client> for Client {
    fn from(inner: medusa_auth_core::v2::Client) -> Self {
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
