//! The two API traits: what services hold (`Arc<dyn AdminAuthApi>`) and what the
//! mock crate mocks.

use async_trait::async_trait;
use secrecy::SecretString;

use crate::credentials::AccessToken;
use crate::error::Result;
use crate::headers::CustomHeaders;
use crate::models::{Customer, User};

/// The admin auth calls (`medusa.admin.auth` in the JS client).
///
/// Each method takes per-call headers, which win over the client's.
#[async_trait]
pub trait AdminAuthApi: Send + Sync {
    /// `POST /admin/auth`: logs the admin in; the session cookie is kept by the handle.
    ///
    /// Fails with [`Error::SessionCookieMissing`](crate::Error::SessionCookieMissing)
    /// when the server answers 200 but leaves no cookie this client can send back.
    async fn create_session(
        &self,
        email: &str,
        password: &SecretString,
        headers: &CustomHeaders,
    ) -> Result<User>;

    /// `GET /admin/auth`: the admin the handle is logged in as (cookie, bearer JWT or
    /// API token).
    async fn get_session(&self, headers: &CustomHeaders) -> Result<User>;

    /// `DELETE /admin/auth`: logs out; the handle forgets its cookie and admin JWT,
    /// even when the call fails ([`Error::LogoutUnconfirmed`](crate::Error::LogoutUnconfirmed)).
    async fn delete_session(&self, headers: &CustomHeaders) -> Result<()>;

    /// `POST /admin/auth/token`: an admin JWT (24 h). The handle keeps it and sends it
    /// as `Authorization: Bearer` on later admin calls.
    async fn get_token(
        &self,
        email: &str,
        password: &SecretString,
        headers: &CustomHeaders,
    ) -> Result<AccessToken>;
}

/// The store auth calls (`medusa.auth` in the JS client).
///
/// Each method takes per-call headers, which win over the client's.
#[async_trait]
pub trait StoreAuthApi: Send + Sync {
    /// `POST /store/auth`: logs the customer in; the session cookie is kept by the handle.
    ///
    /// Fails with [`Error::SessionCookieMissing`](crate::Error::SessionCookieMissing)
    /// when the server answers 200 but leaves no cookie this client can send back.
    async fn authenticate(
        &self,
        email: &str,
        password: &SecretString,
        headers: &CustomHeaders,
    ) -> Result<Customer>;

    /// `GET /store/auth`: the customer the handle is logged in as (cookie or bearer JWT).
    async fn get_session(&self, headers: &CustomHeaders) -> Result<Customer>;

    /// `DELETE /store/auth`: logs the customer out (an admin login in the same cookie
    /// stays); the handle forgets its store JWT, and its cookie unless the server
    /// re-sends it. When the call fails, the handle forgets both all the same
    /// ([`Error::LogoutUnconfirmed`](crate::Error::LogoutUnconfirmed)).
    async fn delete_session(&self, headers: &CustomHeaders) -> Result<()>;

    /// `GET /store/auth/{email}`: whether a customer with that email has an account.
    async fn exists(&self, email: &str, headers: &CustomHeaders) -> Result<bool>;

    /// `POST /store/auth/token`: a store JWT (30 days). The handle keeps it and sends
    /// it as `Authorization: Bearer` on later store calls.
    async fn get_token(
        &self,
        email: &str,
        password: &SecretString,
        headers: &CustomHeaders,
    ) -> Result<AccessToken>;
}
