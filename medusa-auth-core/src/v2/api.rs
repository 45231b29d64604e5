//! The v2 API traits — the `/auth` routes, the customer's and the admin's own — with
//! the calls written on them, as in v1: implement the `send_*` methods (or let
//! `mockall` do it); call the methods on `dyn AuthApi`, `dyn StoreApi`, `dyn AdminApi`,
//! which a [`Session`](super::Session) hands out.

use async_trait::async_trait;
use secrecy::SecretString;
use serde::Serialize;

use crate::call::CallBuilder;
use crate::error::{InvalidInput, Result};
use crate::v2::inputs::{
    Callback, CreateCustomer, CustomerMe, ListProviders, Login, LoginPayload, Logout, OpenSession,
    Refresh, Register, ResetPassword, SignUp, UpdatePassword, UserMe,
};
use crate::v2::models::{Customer, CustomerDetails, ProviderInfo, User};
use crate::v2::outcome::LoginOutcome;
use crate::v2::token::{Claims, EMAILPASS, Token};

/// `body` as a JSON payload, or the error it fails with.
fn json_payload(body: &impl Serialize) -> (LoginPayload, Option<InvalidInput>) {
    match serde_json::to_value(body) {
        Ok(value) => (LoginPayload::Json(value), None),
        Err(_) => (
            LoginPayload::Json(serde_json::Value::Null),
            Some(InvalidInput::UnserializableBody),
        ),
    }
}

/// The v2 `/auth` routes (the JS SDK's `sdk.auth`), for any actor type and provider.
#[async_trait]
pub trait AuthApi: Send + Sync {
    /// Sends [`login`](#method.login) and [`login_with`](#method.login_with).
    async fn send_login(&self, call: Login) -> Result<LoginOutcome>;
    /// Sends [`register`](#method.register) and [`register_with`](#method.register_with).
    async fn send_register(&self, call: Register) -> Result<Token>;
    /// Sends [`callback`](#method.callback).
    async fn send_callback(&self, call: Callback) -> Result<LoginOutcome>;
    /// Sends [`open_session`](#method.open_session).
    async fn send_open_session(&self, call: OpenSession) -> Result<Claims>;
    /// Sends [`logout`](#method.logout).
    async fn send_logout(&self, call: Logout) -> Result<()>;
    /// Sends [`refresh`](#method.refresh).
    async fn send_refresh(&self, call: Refresh) -> Result<Token>;
    /// Sends [`reset_password`](#method.reset_password).
    async fn send_reset_password(&self, call: ResetPassword) -> Result<()>;
    /// Sends [`update_password`](#method.update_password).
    async fn send_update_password(&self, call: UpdatePassword) -> Result<()>;
    /// Sends [`providers`](#method.providers).
    async fn send_providers(&self, call: ListProviders) -> Result<Vec<ProviderInfo>>;
}

impl<'s> dyn AuthApi + 's {
    /// `POST /auth/{actor}/emailpass`: logs in with an e-mail and a password; the
    /// session keeps the token.
    ///
    /// Carries the e-mail and password only: no token, no cookie.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for an actor type that is
    /// not one path segment or an empty password (nothing is sent);
    /// [`Error::Api`](crate::Error::Api) with status 401 for a wrong e-mail or
    /// password (`Invalid email or password`, its `type` kept), 400 for a provider the
    /// actor may not use; and the errors every call can have.
    pub fn login(
        &self,
        actor: impl Into<String>,
        email: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> CallBuilder<'_, Login> {
        let payload = LoginPayload::EmailPassword {
            email: email.into(),
            password: password.into(),
        };
        CallBuilder::new(self, Login::new(actor, EMAILPASS, payload))
    }

    /// `POST /auth/{actor}/{provider}` with `body` (`{"callback_url": …}` for an OAuth
    /// provider): a token, a redirect `location`, or a challenge.
    ///
    /// # Errors
    ///
    /// As [`login`](#method.login); [`Error::InvalidInput`](crate::Error::InvalidInput)
    /// for a body that does not serialize.
    pub fn login_with(
        &self,
        actor: impl Into<String>,
        provider: impl Into<String>,
        body: &impl Serialize,
    ) -> CallBuilder<'_, Login> {
        let (payload, error) = json_payload(body);
        let call = CallBuilder::new(self, Login::new(actor, provider, payload));
        match error {
            Some(error) => call.failing(error),
            None => call,
        }
    }

    /// `POST /auth/{actor}/emailpass/register`: a new identity, and an actor-less
    /// token the session keeps (create the actor with it, then refresh). See
    /// [`sign_up`](super::StoreApi#method.sign_up) for the whole
    /// customer sign-up.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with status 401 `Identity with email already
    /// exists` for a taken e-mail; as [`login`](#method.login) otherwise.
    pub fn register(
        &self,
        actor: impl Into<String>,
        email: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> CallBuilder<'_, Register> {
        let payload = LoginPayload::EmailPassword {
            email: email.into(),
            password: password.into(),
        };
        CallBuilder::new(self, Register::new(actor, EMAILPASS, payload))
    }

    /// `POST /auth/{actor}/{provider}/register` with `body`.
    ///
    /// # Errors
    ///
    /// As [`register`](#method.register).
    pub fn register_with(
        &self,
        actor: impl Into<String>,
        provider: impl Into<String>,
        body: &impl Serialize,
    ) -> CallBuilder<'_, Register> {
        let (payload, error) = json_payload(body);
        let call = CallBuilder::new(self, Register::new(actor, provider, payload));
        match error {
            Some(error) => call.failing(error),
            None => call,
        }
    }

    /// `GET /auth/{actor}/{provider}/callback?{query}`: completes an OAuth login with
    /// the whole query of the provider's redirect (still encoded, without `?`).
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with status 401 when the provider refuses
    /// the code or the state (`No state provided, or session expired`).
    pub fn callback(
        &self,
        actor: impl Into<String>,
        provider: impl Into<String>,
        query: impl Into<String>,
    ) -> CallBuilder<'_, Callback> {
        CallBuilder::new(self, Callback::new(actor, provider, query))
    }

    /// `POST /auth/session`: trades the session's token for a cookie session, which
    /// the session keeps; answers the token's claims.
    ///
    /// Carries the token only (no cookie).
    ///
    /// # Errors
    ///
    /// [`Error::Unauthorized`](crate::Error::Unauthorized) without a token;
    /// [`Error::SessionCookieMissing`](crate::Error::SessionCookieMissing) when the
    /// server answers 200 without a cookie this client can send back (a production
    /// Medusa over plain HTTP).
    pub fn open_session(&self) -> CallBuilder<'_, OpenSession> {
        CallBuilder::new(self, OpenSession::new())
    }

    /// `DELETE /auth/session`: ends the cookie session; the session forgets its cookie
    /// and its token, even when the answer is lost. (The token itself stays valid on
    /// the server until it expires: nothing revokes a v2 JWT.)
    ///
    /// Carries the cookie only.
    ///
    /// # Errors
    ///
    /// [`Error::LogoutUnconfirmed`](crate::Error::LogoutUnconfirmed), with the cause,
    /// when the server's answer is lost or an error (a session without a cookie gets
    /// a 401 there).
    pub fn logout(&self) -> CallBuilder<'_, Logout> {
        CallBuilder::new(self, Logout::new())
    }

    /// `POST /auth/token/refresh`: a new token, for the session's token or, without
    /// one, its cookie session; the session keeps it. After a registration it is the
    /// token that carries the new actor.
    ///
    /// # Errors
    ///
    /// [`Error::Unauthorized`](crate::Error::Unauthorized) when the session holds
    /// neither or the server refuses them.
    pub fn refresh(&self) -> CallBuilder<'_, Refresh> {
        CallBuilder::new(self, Refresh::new())
    }

    /// `POST /auth/{actor}/{provider}/reset-password`: asks for a password reset of
    /// `identifier` (the e-mail, for `emailpass`). The server answers 201 whether or
    /// not the identity exists, and sends the reset token out of band.
    ///
    /// Carries no credential.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with status 400 for an empty identifier.
    pub fn reset_password(
        &self,
        actor: impl Into<String>,
        provider: impl Into<String>,
        identifier: impl Into<String>,
    ) -> CallBuilder<'_, ResetPassword> {
        CallBuilder::new(self, ResetPassword::new(actor, provider, identifier))
    }

    /// `POST /auth/{actor}/{provider}/update`: sets a new password with the reset
    /// token (valid 15 minutes, used once, superseded by a newer request).
    ///
    /// Carries the reset token as `Authorization: Bearer`, and nothing else.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with status 401 `Invalid token` for a used,
    /// superseded, expired or foreign token.
    pub fn update_password(
        &self,
        actor: impl Into<String>,
        provider: impl Into<String>,
        reset_token: impl Into<SecretString>,
        password: impl Into<SecretString>,
    ) -> CallBuilder<'_, UpdatePassword> {
        CallBuilder::new(
            self,
            UpdatePassword::new(actor, provider, reset_token, password),
        )
    }

    /// `GET /auth/{actor}/providers`: the providers `actor` may log in with.
    ///
    /// # Errors
    ///
    /// The errors every call can have.
    pub fn providers(&self, actor: impl Into<String>) -> CallBuilder<'_, ListProviders> {
        CallBuilder::new(self, ListProviders::new(actor))
    }
}

/// The customer's own routes a v2 auth flow uses (`sdk.store.customer`).
#[async_trait]
pub trait StoreApi: Send + Sync {
    /// Sends [`me`](#method.me).
    async fn send_me(&self, call: CustomerMe) -> Result<Customer>;
    /// Sends [`create_customer`](#method.create_customer).
    async fn send_create_customer(&self, call: CreateCustomer) -> Result<Customer>;
    /// Sends [`sign_up`](#method.sign_up).
    async fn send_sign_up(&self, call: SignUp) -> Result<Customer>;
}

impl<'s> dyn StoreApi + 's {
    /// `GET /store/customers/me`: the customer the session is logged in as.
    ///
    /// Carries the customer token (or the cookie) and the publishable key.
    ///
    /// # Errors
    ///
    /// [`Error::Unauthorized`](crate::Error::Unauthorized) for an actor-less or
    /// another actor's token; [`Error::TokenExpired`](crate::Error::TokenExpired) for
    /// an expired one; [`Error::Api`](crate::Error::Api) with status 400
    /// `not_allowed` without a valid publishable key.
    pub fn me(&self) -> CallBuilder<'_, CustomerMe> {
        CallBuilder::new(self, CustomerMe::new())
    }

    /// `POST /store/customers`: creates the customer of the session's registration
    /// token (never with a password); refresh afterwards for a token that carries it.
    ///
    /// Carries the registration token and the publishable key.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with status 422 `duplicate_error` when the
    /// customer exists, 400 for details the server refuses.
    pub fn create_customer(&self, details: CustomerDetails) -> CallBuilder<'_, CreateCustomer> {
        CallBuilder::new(self, CreateCustomer::new(details))
    }

    /// A new customer account in one call, the three steps v2 takes: registers
    /// `email` with `password` (`POST /auth/customer/emailpass/register`), creates
    /// the customer with the registration token (`POST /store/customers`, `details`
    /// without a password; their e-mail, when unset, is `email`), then refreshes the
    /// token (`POST /auth/token/refresh`) so that the session is logged in as the new
    /// customer.
    ///
    /// # Errors
    ///
    /// Those of the step that failed: [`Error::Api`](crate::Error::Api) with status
    /// 401 `Identity with email already exists` for a taken e-mail; 422
    /// `duplicate_error` for a customer that exists. After a failed creation the
    /// session keeps the registration token, so
    /// [`create_customer`](#method.create_customer) can be tried again.
    pub fn sign_up(
        &self,
        email: impl Into<String>,
        password: impl Into<SecretString>,
        details: CustomerDetails,
    ) -> CallBuilder<'_, SignUp> {
        CallBuilder::new(self, SignUp::new(email, password, details))
    }
}

/// The admin's own route (`sdk.admin.user.me`).
#[async_trait]
pub trait AdminApi: Send + Sync {
    /// Sends [`me`](#method.me).
    async fn send_me(&self, call: UserMe) -> Result<User>;
}

impl<'s> dyn AdminApi + 's {
    /// `GET /admin/users/me`: the admin the session is logged in as.
    ///
    /// Carries the user token (or the cookie); a session of a secret key carries the
    /// key, which the server answers with 404 (the key is its own actor).
    ///
    /// # Errors
    ///
    /// [`Error::Unauthorized`](crate::Error::Unauthorized) without a user's
    /// credentials; [`Error::TokenExpired`](crate::Error::TokenExpired) for an expired
    /// token.
    pub fn me(&self) -> CallBuilder<'_, UserMe> {
        CallBuilder::new(self, UserMe::new())
    }
}
