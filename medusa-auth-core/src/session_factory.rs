//! The seam of a service that makes one session per user: [`SessionFactory`] (what a
//! client is) and [`AuthSession`] (what a session is), both object-safe, so a
//! handler can hold `Arc<dyn SessionFactory>` and its tests can hand it a mock.

use std::sync::Arc;

use http::Method;
use secrecy::SecretString;

use crate::credentials::{AccessToken, Credentials, Side};
use crate::error::InvalidInput;
use crate::route::{RequestBuilder, RouteApi};
use crate::session::Session;
use crate::v1::{AdminAuthApi, StoreAuthApi};

/// Makes sessions, new or restored from credentials: implemented by
/// [`Client`](crate::Client), mocked by `medusa-auth-mock`'s `MockSessionFactory`.
///
/// A service that logs users in keeps an `Arc<dyn SessionFactory>`, makes a session
/// per login, and restores one per request from the credentials it kept:
///
/// ```
/// use std::sync::Arc;
/// use medusa_auth_core::{AuthSession, Credentials, Error, SecretString, SessionFactory};
///
/// /// Logs a shopper in; answers the session cookie to keep in the browser session.
/// async fn log_in(
///     medusa: &dyn SessionFactory,
///     email: &str,
///     password: SecretString,
/// ) -> Result<Option<SecretString>, Error> {
///     let session = medusa.session();
///     session.store().authenticate(email, password).await?;
///     Ok(session.session_cookie())
/// }
///
/// /// Who the browser's session belongs to.
/// async fn who_is_it(medusa: &dyn SessionFactory, cookie: SecretString) -> Result<String, Error> {
///     let session: Arc<dyn AuthSession> = medusa.session_with(Credentials::SessionCookie(cookie))?;
///     Ok(session.store().get_session().await?.email)
/// }
/// # let _ = (log_in, who_is_it);
/// ```
pub trait SessionFactory: Send + Sync {
    /// A new session: no cookie, no tokens.
    fn session(&self) -> Arc<dyn AuthSession>;

    /// A new session holding `credentials` (a session cookie, a JWT, an API token
    /// kept from an earlier session).
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a cookie, token or JWT a header cannot carry.
    fn session_with(&self, credentials: Credentials) -> Result<Arc<dyn AuthSession>, InvalidInput>;
}

/// One user's session, as a trait object: implemented by [`Session`], mocked by
/// `medusa-auth-mock`'s `MockSession`.
///
/// Its calls are written as on a [`Session`]: `session.store().authenticate(email,
/// password).await`, `session.get("/store/customers/me").await`.
pub trait AuthSession: Send + Sync {
    /// The v1 admin auth calls of this session.
    fn admin(&self) -> &(dyn AdminAuthApi + 'static);

    /// The v1 store auth calls of this session.
    fn store(&self) -> &(dyn StoreAuthApi + 'static);

    /// Requests to any Medusa route with this session's credentials; call them
    /// through [`request`](#method.request) and its shortcuts.
    fn routes(&self) -> &(dyn RouteApi + 'static);

    /// The session cookie's value, to keep elsewhere.
    fn session_cookie(&self) -> Option<SecretString>;

    /// The JWT held for `side`, if any.
    fn bearer(&self, side: Side) -> Option<AccessToken>;

    /// Gives the session a credential (replacing one of the same kind and side).
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a cookie, token or JWT a header cannot carry.
    fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput>;

    /// Forgets every credential and cookie.
    fn clear(&self);
}

impl<'s> dyn AuthSession + 's {
    /// A request to any Medusa route with this session's credentials; see
    /// [`Session::request`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder<'_> {
        self.routes().request(method, path)
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
}

impl AuthSession for Session {
    fn admin(&self) -> &(dyn AdminAuthApi + 'static) {
        Session::admin(self)
    }

    fn store(&self) -> &(dyn StoreAuthApi + 'static) {
        Session::store(self)
    }

    fn routes(&self) -> &(dyn RouteApi + 'static) {
        self
    }

    fn session_cookie(&self) -> Option<SecretString> {
        Session::session_cookie(self)
    }

    fn bearer(&self, side: Side) -> Option<AccessToken> {
        Session::bearer(self, side)
    }

    fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput> {
        Session::set_credentials(self, credentials)
    }

    fn clear(&self) {
        Session::clear(self)
    }
}
