//! The two v1 API traits: what a service holds (`Arc<dyn StoreAuthApi>`) and what
//! the mock crate mocks, with the calls written on them.
//!
//! Each trait has one `send_*` method per call, taking the call's input struct:
//! implement those (or let `mockall` do it). Callers use the methods on
//! `dyn AdminAuthApi` / `dyn StoreAuthApi` instead, which read like the JS client
//! (`store.authenticate(email, password).await`) and need no import: a
//! [`Session`](crate::Session) hands out exactly these trait objects, so a holder of
//! `Arc<dyn StoreAuthApi>` and a holder of a session write the same calls.

use async_trait::async_trait;
use secrecy::SecretString;

use crate::call::CallBuilder;
use crate::credentials::AccessToken;
use crate::error::Result;
use crate::v1::inputs::{
    AdminCreateSession, AdminDeleteSession, AdminGetSession, AdminGetToken, StoreAuthenticate,
    StoreDeleteSession, StoreExists, StoreGetSession, StoreGetToken,
};
use crate::v1::models::{Customer, User};

/// The v1 admin auth calls (`medusa.admin.auth` in the JS client).
///
/// Call them through the methods below ([`create_session`](#method.create_session) …),
/// on `&dyn AdminAuthApi`; implement the `send_*` methods.
#[async_trait]
pub trait AdminAuthApi: Send + Sync {
    /// Sends [`create_session`](#method.create_session).
    async fn send_create_session(&self, call: AdminCreateSession) -> Result<User>;

    /// Sends [`get_session`](#method.get_session).
    async fn send_get_session(&self, call: AdminGetSession) -> Result<User>;

    /// Sends [`delete_session`](#method.delete_session).
    async fn send_delete_session(&self, call: AdminDeleteSession) -> Result<()>;

    /// Sends [`get_token`](#method.get_token).
    async fn send_get_token(&self, call: AdminGetToken) -> Result<AccessToken>;
}

impl<'s> dyn AdminAuthApi + 's {
    /// `POST /admin/auth`: logs the admin in; the session keeps the cookie.
    ///
    /// Carries the email and password (and the session cookie, if any): never a JWT
    /// or an API token.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for an email that is not
    /// one or an empty password (nothing is sent); [`Error::Unauthorized`](crate::Error::Unauthorized)
    /// for a wrong email or password; [`Error::SessionCookieMissing`](crate::Error::SessionCookieMissing)
    /// when the server answers 200 but leaves no cookie this client can send back (a
    /// production Medusa over plain HTTP); and the errors every call can have.
    pub fn create_session(
        &self,
        email: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> CallBuilder<'_, AdminCreateSession> {
        CallBuilder::new(self, AdminCreateSession::new(email, password))
    }

    /// `GET /admin/auth`: the admin the session is logged in as.
    ///
    /// Carries the session cookie, the admin JWT and the API token, when held.
    ///
    /// # Errors
    ///
    /// [`Error::Unauthorized`](crate::Error::Unauthorized) when no credential is held
    /// or the server refuses them; [`Error::TokenExpired`](crate::Error::TokenExpired)
    /// when the admin JWT had expired (so it was not sent); and the errors every call
    /// can have.
    pub fn get_session(&self) -> CallBuilder<'_, AdminGetSession> {
        CallBuilder::new(self, AdminGetSession::new())
    }

    /// `DELETE /admin/auth`: logs out; the session forgets its cookie and admin JWT,
    /// even when the call fails.
    ///
    /// Carries the session cookie and nothing else.
    ///
    /// # Errors
    ///
    /// [`Error::LogoutUnconfirmed`](crate::Error::LogoutUnconfirmed), with the cause,
    /// when the server's answer is lost or an error: the server may still hold the
    /// session, but this session has forgotten it.
    pub fn delete_session(&self) -> CallBuilder<'_, AdminDeleteSession> {
        CallBuilder::new(self, AdminDeleteSession::new())
    }

    /// `POST /admin/auth/token`: an admin JWT (valid 24 h). The session keeps it and
    /// sends it as `Authorization: Bearer` on later admin calls that take one.
    ///
    /// Carries the email and password: never a JWT or an API token.
    ///
    /// # Errors
    ///
    /// As [`create_session`](#method.create_session), but for the cookie; and
    /// [`Error::Decode`](crate::Error::Decode) for a token that could not be sent back.
    pub fn get_token(
        &self,
        email: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> CallBuilder<'_, AdminGetToken> {
        CallBuilder::new(self, AdminGetToken::new(email, password))
    }
}

/// The v1 store auth calls (`medusa.auth` in the JS client).
///
/// Call them through the methods below ([`authenticate`](#method.authenticate) …),
/// on `&dyn StoreAuthApi`; implement the `send_*` methods.
#[async_trait]
pub trait StoreAuthApi: Send + Sync {
    /// Sends [`authenticate`](#method.authenticate).
    async fn send_authenticate(&self, call: StoreAuthenticate) -> Result<Customer>;

    /// Sends [`get_session`](#method.get_session).
    async fn send_get_session(&self, call: StoreGetSession) -> Result<Customer>;

    /// Sends [`delete_session`](#method.delete_session).
    async fn send_delete_session(&self, call: StoreDeleteSession) -> Result<()>;

    /// Sends [`exists`](#method.exists).
    async fn send_exists(&self, call: StoreExists) -> Result<bool>;

    /// Sends [`get_token`](#method.get_token).
    async fn send_get_token(&self, call: StoreGetToken) -> Result<AccessToken>;
}

impl<'s> dyn StoreAuthApi + 's {
    /// `POST /store/auth`: logs the customer in; the session keeps the cookie.
    ///
    /// Carries the email and password, the publishable key (and the session cookie,
    /// if any): never a JWT.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for an email that is not
    /// one or an empty password (nothing is sent); [`Error::Unauthorized`](crate::Error::Unauthorized)
    /// for a wrong email or password, or a customer without an account;
    /// [`Error::SessionCookieMissing`](crate::Error::SessionCookieMissing) when the
    /// server answers 200 but leaves no cookie this client can send back (a
    /// production Medusa over plain HTTP); and the errors every call can have.
    pub fn authenticate(
        &self,
        email: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> CallBuilder<'_, StoreAuthenticate> {
        CallBuilder::new(self, StoreAuthenticate::new(email, password))
    }

    /// `GET /store/auth`: the customer the session is logged in as.
    ///
    /// Carries the session cookie, the store JWT when held, and the publishable key.
    ///
    /// # Errors
    ///
    /// [`Error::Unauthorized`](crate::Error::Unauthorized) when no credential is held
    /// or the server refuses them; [`Error::TokenExpired`](crate::Error::TokenExpired)
    /// when the store JWT had expired (so it was not sent); and the errors every call
    /// can have.
    pub fn get_session(&self) -> CallBuilder<'_, StoreGetSession> {
        CallBuilder::new(self, StoreGetSession::new())
    }

    /// `DELETE /store/auth`: logs the customer out (an admin login in the same
    /// cookie stays on the server); the session forgets its store JWT, and its cookie
    /// unless the server sets it again. When the call fails, it forgets both all the
    /// same.
    ///
    /// Carries the session cookie and nothing else.
    ///
    /// # Errors
    ///
    /// [`Error::LogoutUnconfirmed`](crate::Error::LogoutUnconfirmed), with the cause,
    /// when the server's answer is lost or an error.
    pub fn delete_session(&self) -> CallBuilder<'_, StoreDeleteSession> {
        CallBuilder::new(self, StoreDeleteSession::new())
    }

    /// `GET /store/auth/{email}`: whether a customer with that email has an account.
    /// The email is percent-encoded as one path segment.
    ///
    /// Carries the session cookie, if any, and the publishable key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for an empty or oversize
    /// email (nothing is sent), and the errors every call can have.
    pub fn exists(&self, email: impl Into<String>) -> CallBuilder<'_, StoreExists> {
        CallBuilder::new(self, StoreExists::new(email))
    }

    /// `POST /store/auth/token`: a store JWT (valid 30 days). The session keeps it
    /// and sends it as `Authorization: Bearer` on later store calls that take one.
    ///
    /// Carries the email and password and the publishable key: never a JWT.
    ///
    /// # Errors
    ///
    /// As [`authenticate`](#method.authenticate), but for the cookie; and
    /// [`Error::Decode`](crate::Error::Decode) for a token that could not be sent back.
    pub fn get_token(
        &self,
        email: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> CallBuilder<'_, StoreGetToken> {
        CallBuilder::new(self, StoreGetToken::new(email, password))
    }
}
