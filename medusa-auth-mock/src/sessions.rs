//! Mocks of "one session per user": [`MockSessionFactory`] stands in for the client,
//! [`MockSession`] for each session it hands out.
//!
//! A handler that holds `Arc<dyn SessionFactory>` is tested by handing it a factory
//! whose sessions carry the expectations of the test: "the login of alice fails with
//! 401" is
//!
//! ```
//! use std::sync::Arc;
//! use medusa_auth_core::{Error, SessionFactory};
//! use medusa_auth_mock::{MockSession, MockSessionFactory};
//!
//! let mut alice = MockSession::new();
//! alice
//!     .store
//!     .expect_send_authenticate()
//!     .withf(|call| call.email() == "alice@example.com")
//!     .returning(|_| Err(Error::unauthorized()));
//! let medusa: Arc<dyn SessionFactory> = Arc::new(MockSessionFactory::handing_out([alice]));
//!
//! // What the handler under test does:
//! let session = medusa.session();
//! let login = futures::executor::block_on(async {
//!     session.store().authenticate("alice@example.com", "pw").await
//! });
//! assert!(login.unwrap_err().is_unauthorized());
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use medusa_auth_core::{
    AccessToken, AdminAuthApi, AuthSession, Credentials, ExposeSecret, InvalidInput, RouteApi,
    SecretString, SessionFactory, Side, StoreAuthApi,
};
use mockall::mock;

use crate::mocks::{MockAdminAuthApi, MockRouteApi, MockStoreAuthApi};

mock! {
    /// A mock of [`SessionFactory`], the client's part: `expect_session()` and
    /// `expect_session_with()` hand out sessions (usually [`MockSession`]s). For the
    /// common case, [`MockSessionFactory::handing_out`] hands out given sessions in
    /// order.
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
    ///
    /// `session_with` is not expected: add `expect_session_with()` for a handler that
    /// restores sessions.
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
            // times() refuses a call past the last session before this runs.
            let session = next.unwrap_or_else(|| panic!("MockSessionFactory: no session left"));
            Arc::new(session)
        });
        factory
    }
}

/// A stand-in for one [`Session`](medusa_auth_core::Session): mockall mocks of its
/// calls, and a credential store of its own.
///
/// Set expectations on [`admin`](Self::admin), [`store`](Self::store) and
/// [`routes`](Self::routes) as on [`MockAdminAuthApi`], [`MockStoreAuthApi`] and
/// [`MockRouteApi`]. The credentials are kept for real: what
/// [`set_credentials`](AuthSession::set_credentials) or
/// [`with_credentials`](Self::with_credentials) gives is what
/// [`session_cookie`](AuthSession::session_cookie) and
/// [`bearer`](AuthSession::bearer) answer, and [`clear`](AuthSession::clear) forgets
/// it (the mocked calls do not change it: a test that wants "after the login the
/// session holds a cookie" gives it with `with_credentials`).
pub struct MockSession {
    /// The admin calls' expectations.
    pub admin: MockAdminAuthApi,
    /// The store calls' expectations.
    pub store: MockStoreAuthApi,
    /// The expectations of requests to any other route.
    pub routes: MockRouteApi,
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    cookie: Option<SecretString>,
    admin_bearer: Option<AccessToken>,
    store_bearer: Option<AccessToken>,
    api_token: Option<SecretString>,
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
            .field("admin_bearer", &held.admin_bearer.is_some())
            .field("store_bearer", &held.store_bearer.is_some())
            .field("api_token", &held.api_token.is_some())
            .finish_non_exhaustive()
    }
}

impl MockSession {
    /// A session with no expectations and no credentials.
    pub fn new() -> Self {
        MockSession {
            admin: MockAdminAuthApi::new(),
            store: MockStoreAuthApi::new(),
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

    /// The API token it holds, if any.
    pub fn api_token(&self) -> Option<SecretString> {
        self.held().api_token.clone()
    }

    fn held(&self) -> MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether a real session would accept `value` in a header.
fn sendable(value: &SecretString, name: &str) -> Result<(), InvalidInput> {
    let bytes = value.expose_secret().as_bytes();
    if bytes
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
    fn admin(&self) -> &(dyn AdminAuthApi + 'static) {
        &self.admin
    }

    fn store(&self) -> &(dyn StoreAuthApi + 'static) {
        &self.store
    }

    fn routes(&self) -> &(dyn RouteApi + 'static) {
        &self.routes
    }

    fn session_cookie(&self) -> Option<SecretString> {
        self.held().cookie.clone()
    }

    fn bearer(&self, side: Side) -> Option<AccessToken> {
        let held = self.held();
        match side {
            Side::Admin => held.admin_bearer.clone(),
            Side::Store => held.store_bearer.clone(),
        }
    }

    fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput> {
        let mut held = self.held();
        match credentials {
            Credentials::SessionCookie(value) => {
                sendable(&value, "cookie")?;
                held.cookie = Some(value);
            }
            Credentials::ApiToken(token) => {
                sendable(&token, "x-medusa-access-token")?;
                held.api_token = Some(token);
            }
            Credentials::Bearer(token) => {
                if token.authorization().is_none() {
                    return Err(InvalidInput::InvalidHeaderValue {
                        name: "authorization".into(),
                    });
                }
                match token.side() {
                    Side::Admin => held.admin_bearer = Some(token),
                    Side::Store => held.store_bearer = Some(token),
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn clear(&self) {
        *self.held() = Held::default();
    }
}
