//! Mocks of v2's "one session per user": [`MockSessionFactory`] stands in for the
//! client, [`MockSession`] for each session it hands out.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use medusa_auth_core::v2::{
    AdminApi, AuthApi, AuthSession, Credentials, SessionFactory, StoreApi, Token,
};
use medusa_auth_core::{ExposeSecret, InvalidInput, RouteApi, SecretString};
use mockall::mock;

use crate::mocks::MockRouteApi;
use crate::v2::mocks::{MockAdminApi, MockAuthApi, MockStoreApi};

mock! {
    /// A mock of v2's [`SessionFactory`]: `expect_session()` and
    /// `expect_session_with()` hand out sessions (usually [`MockSession`]s);
    /// [`MockSessionFactory::handing_out`] hands out given sessions in order.
    pub SessionFactory {}

    impl SessionFactory for SessionFactory {
        fn session(&self) -> Arc<dyn AuthSession>;
        fn session_with(
            &self,
            credentials: Credentials,
        ) -> std::result::Result<Arc<dyn AuthSession>, InvalidInput>;
    }
}

impl MockSessionFactory {
    /// A factory whose `session()` hands out `sessions`, one per call in order, and
    /// fails the test (mockall's panic) when asked for more.
    pub fn handing_out(sessions: impl IntoIterator<Item = MockSession>) -> Self {
        let queue: VecDeque<MockSession> = sessions.into_iter().collect();
        let count = queue.len();
        let queue = Mutex::new(queue);
        let mut factory = MockSessionFactory::new();
        factory.expect_session().times(count).returning(move || {
            let next = queue
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .pop_front();
            let session = next.unwrap_or_else(|| panic!("MockSessionFactory: no session left"));
            Arc::new(session)
        });
        factory
    }
}

/// A stand-in for one v2 [`Session`](medusa_auth_core::v2::Session): mockall mocks
/// of its calls, and a credential store of its own.
///
/// Set expectations on [`auth`](Self::auth), [`store`](Self::store),
/// [`admin`](Self::admin) and [`routes`](Self::routes). The credentials are kept
/// for real: what [`set_credentials`](AuthSession::set_credentials) or
/// [`with_credentials`](Self::with_credentials) gives is what
/// [`session_cookie`](AuthSession::session_cookie) and
/// [`token`](AuthSession::token) answer, and [`clear`](AuthSession::clear) forgets
/// it (the mocked calls do not change it).
///
/// ```
/// use std::sync::Arc;
/// use medusa_auth_core::Error;
/// use medusa_auth_core::v2::{CUSTOMER, SessionFactory};
/// use medusa_auth_mock::v2::{MockSession, MockSessionFactory};
///
/// let mut alice = MockSession::new();
/// alice
///     .auth
///     .expect_send_login()
///     .withf(|call| call.actor() == CUSTOMER)
///     .returning(|_| Err(Error::unauthorized()));
/// let medusa: Arc<dyn SessionFactory> = Arc::new(MockSessionFactory::handing_out([alice]));
///
/// let session = medusa.session();
/// let login = futures::executor::block_on(async {
///     session.auth().login(CUSTOMER, "alice@example.com", "pw").await
/// });
/// assert!(login.unwrap_err().is_unauthorized());
/// ```
pub struct MockSession {
    /// The `/auth` calls' expectations.
    pub auth: MockAuthApi,
    /// The customer calls' expectations.
    pub store: MockStoreApi,
    /// The admin calls' expectations.
    pub admin: MockAdminApi,
    /// The expectations of requests to any other route.
    pub routes: MockRouteApi,
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    cookie: Option<SecretString>,
    token: Option<Token>,
    secret_api_key: Option<SecretString>,
}

impl Default for MockSession {
    fn default() -> Self {
        MockSession::new()
    }
}

impl fmt::Debug for MockSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = self.held();
        f.debug_struct("MockSession")
            .field("cookie", &held.cookie.is_some())
            .field("token", &held.token)
            .field("secret_api_key", &held.secret_api_key.is_some())
            .finish_non_exhaustive()
    }
}

impl MockSession {
    /// A session with no expectations and no credentials.
    pub fn new() -> Self {
        MockSession {
            auth: MockAuthApi::new(),
            store: MockStoreApi::new(),
            admin: MockAdminApi::new(),
            routes: MockRouteApi::new(),
            held: Mutex::default(),
        }
    }

    /// This session holding `credentials`.
    ///
    /// # Panics
    ///
    /// When a real session would refuse them (a value a header cannot carry): a
    /// mistake in the test.
    pub fn with_credentials(self, credentials: Credentials) -> Self {
        if let Err(error) = self.set_credentials(credentials) {
            panic!("MockSession::with_credentials: {error}");
        }
        self
    }

    /// The secret API key it holds, if any.
    pub fn secret_api_key(&self) -> Option<SecretString> {
        self.held().secret_api_key.clone()
    }

    fn held(&self) -> MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether a real session would accept `value` in a header.
fn sendable(value: &str, name: &str) -> Result<(), InvalidInput> {
    let bytes = value.as_bytes();
    if !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_graphic() || *b == b' ' || *b == b'\t')
    {
        Ok(())
    } else {
        Err(InvalidInput::InvalidHeaderValue {
            name: name.to_owned(),
        })
    }
}

impl AuthSession for MockSession {
    fn auth(&self) -> &(dyn AuthApi + 'static) {
        &self.auth
    }

    fn store(&self) -> &(dyn StoreApi + 'static) {
        &self.store
    }

    fn admin(&self) -> &(dyn AdminApi + 'static) {
        &self.admin
    }

    fn routes(&self) -> &(dyn RouteApi + 'static) {
        &self.routes
    }

    fn session_cookie(&self) -> Option<SecretString> {
        self.held().cookie.clone()
    }

    fn token(&self) -> Option<Token> {
        self.held().token.clone()
    }

    fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput> {
        let mut held = self.held();
        match credentials {
            Credentials::SessionCookie(value) => {
                sendable(value.expose_secret(), "cookie")?;
                held.cookie = Some(value);
            }
            Credentials::Token(token) => {
                sendable(token.expose_secret(), "authorization")?;
                held.token = Some(token);
            }
            Credentials::SecretApiKey(key) => {
                sendable(key.expose_secret(), "authorization")?;
                held.secret_api_key = Some(key);
            }
            _ => {}
        }
        Ok(())
    }

    fn clear(&self) {
        *self.held() = Held::default();
    }
}
