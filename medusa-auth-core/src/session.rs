//! A v1 session: one user's cookie and tokens, sent through the exchange of
//! `engine.rs`.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{Method, Response};
use secrecy::SecretString;

use crate::client::Shared;
use crate::cookies::CookieJar;
use crate::credentials::{AccessToken, ApiCredential, Credentials, Side};
use crate::engine::{self, CredentialState, Exchange, Prepared, TracedPath};
use crate::error::{InvalidInput, Result};
use crate::headers::ACCESS_TOKEN;
use crate::request::{Scope, bearer_value};
use crate::route::{RequestBuilder, RouteApi};
use crate::v1::{AdminAuthApi, StoreAuthApi};

#[derive(Default)]
pub(crate) struct SessionState {
    pub(crate) jar: CookieJar,
    admin_bearer: Option<AccessToken>,
    store_bearer: Option<AccessToken>,
    api_token: Option<ApiCredential>,
}

impl CredentialState for SessionState {
    fn jar(&self) -> &CookieJar {
        &self.jar
    }

    fn jar_mut(&mut self) -> &mut CookieJar {
        &mut self.jar
    }

    fn bearer_for(&self, scope: &Scope) -> Option<&AccessToken> {
        scope
            .side
            .filter(|_| scope.bearer)
            .and_then(|side| self.bearer(side))
    }

    fn api_credential(&self) -> Option<&ApiCredential> {
        self.api_token.as_ref()
    }

    fn forget(&mut self, side: Side, cookie_name: &str) {
        self.jar.remove(cookie_name);
        *self.bearer_slot(side) = None;
    }
}

impl SessionState {
    pub(crate) fn bearer_slot(&mut self, side: Side) -> &mut Option<AccessToken> {
        match side {
            Side::Admin => &mut self.admin_bearer,
            Side::Store => &mut self.store_bearer,
        }
    }

    fn bearer(&self, side: Side) -> Option<&AccessToken> {
        match side {
            Side::Admin => self.admin_bearer.as_ref(),
            Side::Store => self.store_bearer.as_ref(),
        }
    }
}

struct SessionInner {
    shared: Arc<Shared>,
    state: Mutex<SessionState>,
}

/// One user's session: a cookie jar, an admin and a store JWT, an API token; made by
/// [`Client::session`](crate::Client::session).
///
/// Its calls: [`admin`](Session::admin) (the v1 admin auth calls),
/// [`store`](Session::store) (the v1 store auth calls), and
/// [`request`](Session::request) for any other Medusa route, each sent with this
/// session's credentials only.
///
/// Clones share the same state (as two tabs of one browser); make another session
/// for another user. `Debug` shows which credentials are held, never their values.
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Session")
            .field("cookies", &state.jar)
            .field("admin_bearer", &state.admin_bearer.is_some())
            .field("store_bearer", &state.store_bearer.is_some())
            .field("api_token", &state.api_token.is_some())
            .finish()
    }
}

impl Session {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                shared,
                state: Mutex::default(),
            }),
        }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, SessionState> {
        engine::lock(&self.inner.state)
    }

    /// Sends `prepared` with this session's credentials.
    pub(crate) async fn execute(&self, prepared: &Prepared<'_>) -> Result<Exchange> {
        engine::execute(self.shared(), &self.inner.state, prepared).await
    }

    /// The v1 admin auth calls of this session (`medusa.admin.auth` in the JS
    /// client): `create_session`, `get_session`, `delete_session`, `get_token`.
    pub fn admin(&self) -> &(dyn AdminAuthApi + 'static) {
        self
    }

    /// The v1 store auth calls of this session (`medusa.auth` in the JS client):
    /// `authenticate`, `get_session`, `delete_session`, `exists`, `get_token`.
    pub fn store(&self) -> &(dyn StoreAuthApi + 'static) {
        self
    }

    /// A request to any Medusa route with this session's credentials (the JS
    /// clients' `client.request`): see [`RequestBuilder`].
    ///
    /// Which credentials go is decided by the route: on `/admin…` the cookie, the
    /// admin JWT and the API token; on `/store…` the cookie, the store JWT and the
    /// publishable key; on any other route the cookie only.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder<'_> {
        RequestBuilder::new(self, method, path)
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

    /// Gives the session a credential (replacing one of the same kind and side).
    ///
    /// # Errors
    ///
    /// A cookie, API token or JWT holding characters a header cannot carry is
    /// refused here ([`InvalidInput`]), not at the next call.
    pub fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput> {
        let shared = self.shared();
        let mut state = self.lock();
        match credentials {
            Credentials::SessionCookie(value) => state.jar.insert(
                shared.factory.base_url().origin(),
                &shared.session_cookie_name,
                value,
            )?,
            Credentials::ApiToken(token) => {
                state.api_token = Some(ApiCredential::new(ACCESS_TOKEN, &token)?);
            }
            Credentials::Bearer(token) => {
                bearer_value(&token)?;
                let side = token.side();
                *state.bearer_slot(side) = Some(token);
            }
        }
        Ok(())
    }

    /// The session cookie's value, to keep elsewhere (e.g. in a browser session) and
    /// give back later with [`Credentials::SessionCookie`].
    pub fn session_cookie(&self) -> Option<SecretString> {
        let shared = self.shared();
        let now = shared.clock.now();
        self.lock().jar.get(
            shared.factory.base_url().origin(),
            &shared.session_cookie_name,
            now,
        )
    }

    /// The JWT held for `side`, if any.
    pub fn bearer(&self, side: Side) -> Option<AccessToken> {
        self.lock().bearer(side).cloned()
    }

    /// Forgets every credential and cookie.
    pub fn clear(&self) {
        *self.lock() = SessionState::default();
    }
}

#[async_trait::async_trait]
impl RouteApi for Session {
    async fn send_request(&self, request: crate::route::ApiRequest) -> Result<Response<Bytes>> {
        let prepared = Prepared {
            name: "request",
            method: request.method().clone(),
            path: Cow::Borrowed(request.path()),
            path_template: TracedPath::Masked(request.path()),
            query: request.query(),
            body: request.body().clone(),
            content_type: request.content_type().cloned(),
            scope: Scope::for_path(request.path()),
            headers: request.headers(),
            bearer: None,
            send_cookie: true,
            logout: None,
        };
        Ok(self.execute(&prepared).await?.checked()?.response)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn debug_says_which_credentials_are_held() {
        use crate::{Client, Credentials, HttpTransport, TransportError};
        use bytes::Bytes;
        use http::Response;
        struct Nowhere;
        #[async_trait::async_trait]
        impl HttpTransport for Nowhere {
            async fn send(
                &self,
                _: http::Request<Bytes>,
            ) -> Result<Response<Bytes>, TransportError> {
                Err(TransportError::connect("nowhere"))
            }
        }
        let client = Client::builder(Nowhere).build().unwrap();
        let session = client.session();
        session
            .set_credentials(Credentials::SessionCookie("s%3Asecret.sig".into()))
            .unwrap();
        session
            .set_credentials(Credentials::ApiToken("sk_secret".into()))
            .unwrap();
        assert_eq!(
            format!("{session:?}"),
            r#"Session { cookies: {"connect.sid"}, admin_bearer: false, store_bearer: false, api_token: true }"#
        );
    }
}
