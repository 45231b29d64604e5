//! The v2 seam of a service that makes one session per user: [`SessionFactory`] and
//! [`AuthSession`], object-safe, so a handler can hold `Arc<dyn SessionFactory>`
//! and its tests can hand it a mock.

use std::sync::Arc;

use http::Method;
use secrecy::SecretString;

use crate::error::InvalidInput;
use crate::route::{RequestBuilder, RouteApi};
use crate::v2::api::{AdminApi, AuthApi, StoreApi};
use crate::v2::credentials::Credentials;
use crate::v2::session::Session;
use crate::v2::token::Token;

/// Makes v2 sessions, new or restored from credentials: implemented by
/// [`v2::Client`](super::Client), mocked by `medusa-auth-mock`.
///
/// ```
/// use std::sync::Arc;
/// use medusa_auth_core::v2::{AuthSession, CUSTOMER, Credentials, SessionFactory, Token};
/// use medusa_auth_core::{Error, SecretString};
///
/// /// Logs a shopper in; answers the token to keep in the browser session.
/// async fn log_in(
///     medusa: &dyn SessionFactory,
///     email: &str,
///     password: SecretString,
/// ) -> Result<Option<Token>, Error> {
///     let session = medusa.session();
///     session.auth().login(CUSTOMER, email, password).await?;
///     Ok(session.token())
/// }
///
/// /// Who the browser's token belongs to.
/// async fn who_is_it(medusa: &dyn SessionFactory, token: Token) -> Result<String, Error> {
///     let session: Arc<dyn AuthSession> = medusa.session_with(Credentials::Token(token))?;
///     Ok(session.store().me().await?.email)
/// }
/// # let _ = (log_in, who_is_it);
/// ```
pub trait SessionFactory: Send + Sync {
    /// A new session: no token, no cookie.
    fn session(&self) -> Arc<dyn AuthSession>;

    /// A new session holding `credentials`.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a cookie, token or key a header cannot carry.
    fn session_with(&self, credentials: Credentials) -> Result<Arc<dyn AuthSession>, InvalidInput>;
}

/// One user's v2 session, as a trait object: implemented by [`Session`], mocked by
/// `medusa-auth-mock`.
pub trait AuthSession: Send + Sync {
    /// The `/auth` calls of this session.
    fn auth(&self) -> &(dyn AuthApi + 'static);

    /// The customer's own routes.
    fn store(&self) -> &(dyn StoreApi + 'static);

    /// The admin's own route.
    fn admin(&self) -> &(dyn AdminApi + 'static);

    /// Requests to any Medusa route with this session's credentials; call them
    /// through [`request`](#method.request) and its shortcuts.
    fn routes(&self) -> &(dyn RouteApi + 'static);

    /// The session cookie's value, to keep elsewhere.
    fn session_cookie(&self) -> Option<SecretString>;

    /// The token the session holds, if any.
    fn token(&self) -> Option<Token>;

    /// Gives the session a credential (replacing one of the same kind).
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a cookie, token or key a header cannot carry.
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
    fn auth(&self) -> &(dyn AuthApi + 'static) {
        Session::auth(self)
    }

    fn store(&self) -> &(dyn StoreApi + 'static) {
        Session::store(self)
    }

    fn admin(&self) -> &(dyn AdminApi + 'static) {
        Session::admin(self)
    }

    fn routes(&self) -> &(dyn RouteApi + 'static) {
        self
    }

    fn session_cookie(&self) -> Option<SecretString> {
        Session::session_cookie(self)
    }

    fn token(&self) -> Option<Token> {
        Session::token(self)
    }

    fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput> {
        Session::set_credentials(self, credentials)
    }

    fn clear(&self) {
        Session::clear(self)
    }
}
