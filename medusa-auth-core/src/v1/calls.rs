//! The v1 auth calls of a [`Session`]: each input turned into one exchange, and its
//! answer into a model, a token, or a typed error.

use async_trait::async_trait;
use bytes::Bytes;
use http::Response;
use secrecy::SecretString;

use crate::call::CallOptions;
use crate::cookies::SessionCookieChange;
use crate::credentials::AccessToken;
use crate::engine::{Exchange, Prepared, TracedPath};
use crate::error::{Error, MissingCookieReason, Result};
use crate::session::Session;
use crate::v1::api::{AdminAuthApi, StoreAuthApi};
use crate::v1::endpoint::Endpoint;
use crate::v1::inputs::{
    AdminCreateSession, AdminDeleteSession, AdminGetSession, AdminGetToken, StoreAuthenticate,
    StoreDeleteSession, StoreExists, StoreGetSession, StoreGetToken,
};
use crate::v1::models::{Customer, User};
use crate::v1::wire;
use crate::validation;

/// What an endpoint's call sends: the login's email and password, or the email
/// `exists` looks up.
enum Input<'a> {
    None,
    Login(&'a str, &'a SecretString),
    Lookup(&'a str),
}

impl Session {
    /// One call of `endpoint`: checks the input, sends it, and hands back the answer
    /// (a 401 caused by an expired JWT becomes [`Error::TokenExpired`]).
    async fn v1_exchange(
        &self,
        endpoint: Endpoint,
        input: Input<'_>,
        options: &CallOptions,
    ) -> Result<Exchange> {
        let (body, email) = match input {
            Input::Login(email, password) => (wire::login_body(email, password)?, None),
            Input::Lookup(email) => {
                validation::validate_lookup_email(email)?;
                (Bytes::new(), Some(email))
            }
            Input::None => (Bytes::new(), None),
        };
        let prepared = Prepared {
            name: endpoint.name(),
            method: endpoint.method(),
            path: endpoint.path(email),
            path_template: TracedPath::Template(endpoint.path_template()),
            query: "",
            body,
            content_type: None,
            scope: endpoint.scope(),
            headers: &options.headers,
            bearer: None,
            send_cookie: true,
            logout: endpoint.is_logout().then(|| endpoint.side()),
        };
        self.execute(&prepared).await?.checked()
    }

    /// A call whose answer is read by `read`.
    async fn v1_call<T>(
        &self,
        endpoint: Endpoint,
        input: Input<'_>,
        options: &CallOptions,
        read: fn(&Response<Bytes>) -> Result<T>,
    ) -> Result<T> {
        read(&self.v1_exchange(endpoint, input, options).await?.response)
    }

    /// A password login: its answer must leave a session cookie this client can send
    /// back, or the session would silently not exist.
    async fn v1_login<T>(
        &self,
        endpoint: Endpoint,
        email: &str,
        password: &SecretString,
        options: &CallOptions,
        read: fn(&Response<Bytes>) -> Result<T>,
    ) -> Result<T> {
        let exchange = self
            .v1_exchange(endpoint, Input::Login(email, password), options)
            .await?;
        let value = read(&exchange.response)?;
        let reason = match exchange.session_cookie {
            SessionCookieChange::Stored => return Ok(value),
            SessionCookieChange::Untouched if self.session_cookie().is_some() => return Ok(value),
            SessionCookieChange::Untouched => MissingCookieReason::NotSet,
            SessionCookieChange::RefusedSecure => MissingCookieReason::SecureOverPlainHttp,
            SessionCookieChange::Removed => MissingCookieReason::AlreadyExpired,
        };
        Err(Error::SessionCookieMissing {
            side: endpoint.side(),
            reason,
        })
    }

    /// `delete_session` of either side. The handle forgets its cookie and this side's
    /// JWT even when the server's answer is lost or an error: a failed logout must not
    /// leave a usable session behind in the handle.
    async fn v1_logout(&self, endpoint: Endpoint, options: &CallOptions) -> Result<()> {
        let side = endpoint.side();
        self.v1_call(endpoint, Input::None, options, wire::read_ok)
            .await
            .map_err(|cause| {
                let mut state = self.lock();
                state.jar.remove(&self.shared().session_cookie_name);
                *state.bearer_slot(side) = None;
                Error::LogoutUnconfirmed {
                    side,
                    cause: Box::new(cause),
                }
            })
    }

    /// `get_token` of either side: the handle keeps the JWT for that side.
    async fn v1_get_token(
        &self,
        endpoint: Endpoint,
        email: &str,
        password: &SecretString,
        options: &CallOptions,
    ) -> Result<AccessToken> {
        let side = endpoint.side();
        let exchange = self
            .v1_exchange(endpoint, Input::Login(email, password), options)
            .await?;
        let token = wire::read_access_token(&exchange.response, side)?;
        *self.lock().bearer_slot(side) = Some(token.clone());
        Ok(token)
    }
}

#[async_trait]
impl AdminAuthApi for Session {
    async fn send_create_session(&self, call: AdminCreateSession) -> Result<User> {
        let endpoint = Endpoint::AdminCreateSession;
        self.v1_login(
            endpoint,
            call.email(),
            call.password(),
            call.options(),
            wire::read_user,
        )
        .await
    }

    async fn send_get_session(&self, call: AdminGetSession) -> Result<User> {
        let endpoint = Endpoint::AdminGetSession;
        self.v1_call(endpoint, Input::None, call.options(), wire::read_user)
            .await
    }

    async fn send_delete_session(&self, call: AdminDeleteSession) -> Result<()> {
        self.v1_logout(Endpoint::AdminDeleteSession, call.options())
            .await
    }

    async fn send_get_token(&self, call: AdminGetToken) -> Result<AccessToken> {
        let endpoint = Endpoint::AdminGetToken;
        self.v1_get_token(endpoint, call.email(), call.password(), call.options())
            .await
    }
}

#[async_trait]
impl StoreAuthApi for Session {
    async fn send_authenticate(&self, call: StoreAuthenticate) -> Result<Customer> {
        let endpoint = Endpoint::StoreAuthenticate;
        self.v1_login(
            endpoint,
            call.email(),
            call.password(),
            call.options(),
            wire::read_customer,
        )
        .await
    }

    async fn send_get_session(&self, call: StoreGetSession) -> Result<Customer> {
        let endpoint = Endpoint::StoreGetSession;
        self.v1_call(endpoint, Input::None, call.options(), wire::read_customer)
            .await
    }

    async fn send_delete_session(&self, call: StoreDeleteSession) -> Result<()> {
        self.v1_logout(Endpoint::StoreDeleteSession, call.options())
            .await
    }

    async fn send_exists(&self, call: StoreExists) -> Result<bool> {
        let endpoint = Endpoint::StoreExists;
        let input = Input::Lookup(call.email());
        self.v1_call(endpoint, input, call.options(), wire::read_exists)
            .await
    }

    async fn send_get_token(&self, call: StoreGetToken) -> Result<AccessToken> {
        let endpoint = Endpoint::StoreGetToken;
        self.v1_get_token(endpoint, call.email(), call.password(), call.options())
            .await
    }
}
