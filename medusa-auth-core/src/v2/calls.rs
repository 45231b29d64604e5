//! The v2 calls of a [`Session`]: each input turned into one exchange (two or three
//! for `sign_up`), and its answer into a token, a model or a typed error.

use std::borrow::Cow;

use async_trait::async_trait;
use bytes::Bytes;
use http::Method;

use crate::call::CallOptions;
use crate::cookies::SessionCookieChange;
use crate::credentials::{AccessToken, Side};
use crate::engine::{Exchange, Prepared, TracedPath};
use crate::error::{Error, InvalidInput, MissingCookieReason, Result};
use crate::v2::api::{AdminApi, AuthApi, StoreApi};
use crate::v2::inputs::{
    Callback, CreateCustomer, CustomerMe, ListProviders, Login, Logout, OpenSession, Refresh,
    Register, ResetPassword, SignUp, UpdatePassword, UserMe,
};
use crate::v2::models::{Customer, CustomerDetails, ProviderInfo, User};
use crate::v2::outcome::LoginOutcome;
use crate::v2::route_family::Family;
use crate::v2::session::Session;
use crate::v2::token::{CUSTOMER, Claims, EMAILPASS, Token};
use crate::v2::wire;

/// The longest actor type or provider id sent in a path.
const MAX_SEGMENT_LEN: usize = 64;

/// What an `/auth` call carries besides its body.
enum Carry {
    /// Nothing: a login, a registration, a reset request, the providers.
    Nothing,
    /// This token as `Authorization: Bearer`, and nothing else.
    Bearer(AccessToken),
    /// The cookie (and, for a refresh, the token when it is still valid).
    Cookie(Option<AccessToken>),
}

/// `value` when it is one path segment a route can be named by: letters, digits,
/// `-`, `_`, `.`, `~` (not `.` or `..`), at most 64 bytes.
fn segment<'a>(value: &'a str, reason: &'static str) -> Result<&'a str, InvalidInput> {
    let valid = !value.is_empty()
        && value.len() <= MAX_SEGMENT_LEN
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
    if valid {
        Ok(value)
    } else {
        Err(InvalidInput::InvalidPath { reason })
    }
}

const ACTOR: &str = "the actor type must be one path segment (letters, digits, '-', '_', '.', '~')";
const PROVIDER: &str =
    "the provider must be one path segment (letters, digits, '-', '_', '.', '~')";

/// `/auth/{actor}/{provider}{rest}`, both checked.
fn provider_path(actor: &str, provider: &str, rest: &str) -> Result<String, InvalidInput> {
    Ok(format!(
        "/auth/{}/{}{rest}",
        segment(actor, ACTOR)?,
        segment(provider, PROVIDER)?
    ))
}

/// A JSON body, or the error it fails with.
fn json_body(value: &impl serde::Serialize) -> Result<Bytes, InvalidInput> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|_| InvalidInput::UnserializableBody)
}

impl Session {
    /// One exchange of an `/auth` route, carrying `carry` only.
    #[allow(clippy::too_many_arguments)]
    async fn auth_exchange(
        &self,
        name: &'static str,
        method: Method,
        path: &str,
        query: &str,
        body: Bytes,
        options: &CallOptions,
        carry: Carry,
        logout: bool,
    ) -> Result<Exchange> {
        let (bearer, send_cookie) = match carry {
            Carry::Nothing => (None, false),
            Carry::Bearer(token) => (Some(token), false),
            Carry::Cookie(token) => (token, true),
        };
        let side = self.lock().side();
        let prepared = Prepared {
            name,
            method,
            path: Cow::Borrowed(path),
            path_template: TracedPath::Masked(path),
            query,
            body,
            content_type: None,
            scope: Family::Auth.scope(false),
            headers: &options.headers,
            bearer,
            send_cookie,
            logout: logout.then_some(side),
        };
        self.execute(&prepared).await?.checked()
    }

    /// A login's or a callback's answer: a completed login starts a new identity.
    fn logged_in(&self, outcome: LoginOutcome) -> LoginOutcome {
        if let LoginOutcome::Authenticated(token) = &outcome {
            let cookie_name = &self.shared().session_cookie_name;
            self.lock().start_identity(token.clone(), cookie_name);
        }
        outcome
    }

    /// `POST /auth/token/refresh` with the session's token (while it is valid) and
    /// its cookie; the session keeps the new token.
    pub(crate) async fn refresh_token(&self, options: &CallOptions) -> Result<Token> {
        let bearer = {
            let state = self.lock();
            let now = self.shared().clock.now();
            let has_cookie = state
                .jar
                .get(
                    self.shared().factory.base_url().origin(),
                    &self.shared().session_cookie_name,
                    now,
                )
                .is_some();
            // An expired token is left out when the cookie can refresh instead;
            // alone, it is left to the exchange, which answers `TokenExpired`.
            state
                .token
                .as_ref()
                .filter(|token| !(has_cookie && token.is_expired_at(now)))
                .map(|token| token.access_token().clone())
        };
        let exchange = self
            .auth_exchange(
                "auth.refresh",
                Method::POST,
                "/auth/token/refresh",
                "",
                Bytes::new(),
                options,
                Carry::Cookie(bearer),
                false,
            )
            .await?;
        let token = wire::read_token(&exchange.response)?;
        self.lock().token = Some(token.clone());
        Ok(token)
    }

    async fn create(&self, details: &CustomerDetails, options: &CallOptions) -> Result<Customer> {
        let body = json_body(details)?;
        let prepared = Prepared {
            name: "store.create_customer",
            method: Method::POST,
            path: Cow::Borrowed("/store/customers"),
            path_template: TracedPath::Template("/store/customers"),
            query: "",
            body,
            content_type: None,
            scope: Family::Store.scope(false),
            headers: &options.headers,
            bearer: None,
            send_cookie: true,
            logout: None,
        };
        let exchange = self.routed(prepared, Family::Store).await?;
        wire::read_customer(&exchange.response)
    }

    async fn me<T>(
        &self,
        name: &'static str,
        path: &'static str,
        family: Family,
        options: &CallOptions,
        read: fn(&http::Response<Bytes>) -> Result<T>,
    ) -> Result<T> {
        let prepared = Prepared {
            name,
            method: Method::GET,
            path: Cow::Borrowed(path),
            path_template: TracedPath::Template(path),
            query: "",
            body: Bytes::new(),
            content_type: None,
            scope: family.scope(false),
            headers: &options.headers,
            bearer: None,
            send_cookie: true,
            logout: None,
        };
        read(&self.routed(prepared, family).await?.response)
    }
}

#[async_trait]
impl AuthApi for Session {
    async fn send_login(&self, call: Login) -> Result<LoginOutcome> {
        let path = provider_path(call.actor(), call.provider(), "")?;
        let body = wire::login_body(call.payload())?;
        let exchange = self
            .auth_exchange(
                "auth.login",
                Method::POST,
                &path,
                "",
                body,
                call.options(),
                Carry::Nothing,
                false,
            )
            .await?;
        Ok(self.logged_in(wire::read_login(&exchange.response)?))
    }

    async fn send_register(&self, call: Register) -> Result<Token> {
        let path = provider_path(call.actor(), call.provider(), "/register")?;
        let body = wire::login_body(call.payload())?;
        let exchange = self
            .auth_exchange(
                "auth.register",
                Method::POST,
                &path,
                "",
                body,
                call.options(),
                Carry::Nothing,
                false,
            )
            .await?;
        let token = wire::read_token(&exchange.response)?;
        let cookie_name = &self.shared().session_cookie_name;
        self.lock().start_identity(token.clone(), cookie_name);
        Ok(token)
    }

    async fn send_callback(&self, call: Callback) -> Result<LoginOutcome> {
        let path = provider_path(call.actor(), call.provider(), "/callback")?;
        let query = call.query().strip_prefix('?').unwrap_or(call.query());
        if query.contains('#') {
            return Err(InvalidInput::InvalidPath {
                reason: "the callback query must not hold a fragment ('#')",
            }
            .into());
        }
        let exchange = self
            .auth_exchange(
                "auth.callback",
                Method::GET,
                &path,
                query,
                Bytes::new(),
                call.options(),
                Carry::Nothing,
                false,
            )
            .await?;
        Ok(self.logged_in(wire::read_login(&exchange.response)?))
    }

    async fn send_open_session(&self, call: OpenSession) -> Result<Claims> {
        let (bearer, side) = {
            let state = self.lock();
            let bearer = state.token.as_ref().map(|t| t.access_token().clone());
            (bearer, state.side())
        };
        let carry = bearer.map_or(Carry::Nothing, Carry::Bearer);
        let exchange = self
            .auth_exchange(
                "auth.open_session",
                Method::POST,
                "/auth/session",
                "",
                Bytes::new(),
                call.options(),
                carry,
                false,
            )
            .await?;
        let claims = wire::read_claims(&exchange.response)?;
        // Only a cookie this answer set is the new session's: one held before is not.
        let reason = match exchange.session_cookie {
            SessionCookieChange::Stored => {
                self.lock().cookie_actor = Some(claims.actor_type.clone());
                return Ok(claims);
            }
            SessionCookieChange::Untouched => MissingCookieReason::NotSet,
            SessionCookieChange::RefusedSecure => MissingCookieReason::SecureOverPlainHttp,
            SessionCookieChange::Removed => MissingCookieReason::AlreadyExpired,
        };
        Err(Error::SessionCookieMissing { side, reason })
    }

    async fn send_logout(&self, call: Logout) -> Result<()> {
        let side = self.lock().side();
        let result = match self
            .auth_exchange(
                "auth.logout",
                Method::DELETE,
                "/auth/session",
                "",
                Bytes::new(),
                call.options(),
                Carry::Cookie(None),
                true,
            )
            .await
        {
            Ok(exchange) => wire::read_done(&exchange.response),
            Err(error) => Err(error),
        };
        result.map_err(|cause| {
            let cookie_name = &self.shared().session_cookie_name;
            crate::engine::CredentialState::forget(&mut *self.lock(), side, cookie_name);
            Error::LogoutUnconfirmed {
                side,
                cause: Box::new(cause),
            }
        })
    }

    async fn send_refresh(&self, call: Refresh) -> Result<Token> {
        self.refresh_token(call.options()).await
    }

    async fn send_reset_password(&self, call: ResetPassword) -> Result<()> {
        let path = provider_path(call.actor(), call.provider(), "/reset-password")?;
        let body = json_body(&serde_json::json!({ "identifier": call.identifier() }))?;
        let exchange = self
            .auth_exchange(
                "auth.reset_password",
                Method::POST,
                &path,
                "",
                body,
                call.options(),
                Carry::Nothing,
                false,
            )
            .await?;
        wire::read_done(&exchange.response)
    }

    async fn send_update_password(&self, call: UpdatePassword) -> Result<()> {
        let path = provider_path(call.actor(), call.provider(), "/update")?;
        let body = wire::new_password_body(call.password())?;
        let reset_token = AccessToken::new(Side::Store, call.reset_token().clone());
        if reset_token.authorization().is_none() {
            return Err(InvalidInput::InvalidHeaderValue {
                name: http::header::AUTHORIZATION.as_str().to_owned(),
            }
            .into());
        }
        let exchange = self
            .auth_exchange(
                "auth.update_password",
                Method::POST,
                &path,
                "",
                body,
                call.options(),
                Carry::Bearer(reset_token),
                false,
            )
            .await?;
        wire::read_done(&exchange.response)
    }

    async fn send_providers(&self, call: ListProviders) -> Result<Vec<ProviderInfo>> {
        let path = format!("/auth/{}/providers", segment(call.actor(), ACTOR)?);
        let exchange = self
            .auth_exchange(
                "auth.providers",
                Method::GET,
                &path,
                "",
                Bytes::new(),
                call.options(),
                Carry::Nothing,
                false,
            )
            .await?;
        wire::read_providers(&exchange.response)
    }
}

#[async_trait]
impl StoreApi for Session {
    async fn send_me(&self, call: CustomerMe) -> Result<Customer> {
        self.me(
            "store.me",
            "/store/customers/me",
            Family::Store,
            call.options(),
            wire::read_customer,
        )
        .await
    }

    async fn send_create_customer(&self, call: CreateCustomer) -> Result<Customer> {
        self.create(call.details(), call.options()).await
    }

    async fn send_sign_up(&self, call: SignUp) -> Result<Customer> {
        let options = call.options();
        let register = Register::new(
            CUSTOMER,
            EMAILPASS,
            crate::v2::inputs::LoginPayload::EmailPassword {
                email: call.email().to_owned(),
                password: call.password().clone(),
            },
        )
        .with_options(options.clone());
        self.send_register(register).await?;
        let mut details = call.details().clone();
        details.email.get_or_insert_with(|| call.email().to_owned());
        let customer = self.create(&details, options).await?;
        self.refresh_token(options).await?;
        Ok(customer)
    }
}

#[async_trait]
impl AdminApi for Session {
    async fn send_me(&self, call: UserMe) -> Result<User> {
        self.me(
            "admin.me",
            "/admin/users/me",
            Family::Admin,
            call.options(),
            wire::read_user,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_one_plain_path_segment() {
        for good in ["user", "customer", "my-actor_2", "google.v2", "a~b"] {
            assert_eq!(segment(good, ACTOR), Ok(good));
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a?b",
            "a#b",
            "a b",
            "a%2F",
            "é",
            long.as_str(),
        ] {
            assert!(segment(bad, ACTOR).is_err(), "{bad:?}");
        }
        assert_eq!(
            provider_path("customer", "emailpass", "/register").unwrap(),
            "/auth/customer/emailpass/register"
        );
    }
}
