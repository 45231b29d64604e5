//! A v2 session: one user's token, cookie session and secret key, sent through the
//! same exchange as v1's.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Response, StatusCode};
use secrecy::SecretString;

use crate::client::Shared;
use crate::cookies::CookieJar;
use crate::credentials::{AccessToken, ApiCredential, Side};
use crate::engine::{self, CredentialState, Exchange, Prepared, TracedPath};
use crate::error::{Error, InvalidInput, Result};
use crate::request::Scope;
use crate::route::{ApiRequest, RequestBuilder, RouteApi};
use crate::v2::api::{AdminApi, AuthApi, StoreApi};
use crate::v2::credentials::{Credentials, secret_key_credential};
use crate::v2::route_family::Family;
use crate::v2::token::Token;

#[derive(Default)]
pub(crate) struct State {
    pub(crate) jar: CookieJar,
    /// The token of the last login, registration or refresh.
    pub(crate) token: Option<Token>,
    /// The actor type of the cookie session, when this session opened it (a cookie
    /// given with [`Credentials::SessionCookie`] is of no known actor).
    pub(crate) cookie_actor: Option<String>,
    secret_key: Option<ApiCredential>,
}

impl State {
    /// Whether a request to `family` takes the session's cookie: `/auth` always; a
    /// cookie session this session opened goes to its actor's routes only.
    pub(crate) fn cookie_goes_to(&self, family: Family) -> bool {
        match (&self.cookie_actor, family) {
            (_, Family::Auth) | (None, _) => true,
            (Some(actor), family) => Family::of_actor(actor) == family,
        }
    }

    /// Whether the session acts as a user on `/admin` (a user token, or a cookie
    /// session that could be one): then the secret key stays home.
    fn holds_admin_identity(
        &self,
        origin: &crate::base_url::Origin,
        cookie_name: &str,
        now: jiff::Timestamp,
    ) -> bool {
        let user_token = self.token.as_ref().is_some_and(|token| {
            Family::of_actor(token.actor_type().unwrap_or("")) == Family::Admin
        });
        let admin_cookie =
            self.cookie_goes_to(Family::Admin) && self.jar.get(origin, cookie_name, now).is_some();
        user_token || admin_cookie
    }

    /// The session's token, when a request to `family` carries it.
    pub(crate) fn token_for(&self, family: Family) -> Option<&Token> {
        let token = self.token.as_ref()?;
        let actor = token.actor_type().unwrap_or("");
        (family != Family::Auth && Family::of_actor(actor) == family).then_some(token)
    }

    /// The side a token or cookie of this session is reported under in errors.
    pub(crate) fn side(&self) -> Side {
        let actor = self
            .token
            .as_ref()
            .and_then(Token::actor_type)
            .or(self.cookie_actor.as_deref());
        match actor.map(Family::of_actor) {
            Some(Family::Admin) => Side::Admin,
            _ => Side::Store,
        }
    }

    /// A new identity (a login, a registration): its token replaces the old one,
    /// and any cookie session goes, as it may be another identity's (the server
    /// prefers a cookie to a token).
    pub(crate) fn start_identity(&mut self, token: Token, cookie_name: &str) {
        self.jar.remove(cookie_name);
        self.cookie_actor = None;
        self.token = Some(token);
    }
}

impl CredentialState for State {
    fn jar(&self) -> &CookieJar {
        &self.jar
    }

    fn jar_mut(&mut self) -> &mut CookieJar {
        &mut self.jar
    }

    fn bearer_for(&self, scope: &Scope) -> Option<&AccessToken> {
        if !scope.bearer {
            return None;
        }
        self.token_for(Family::of_scope(scope))
            .map(Token::access_token)
    }

    fn api_credential(&self) -> Option<&ApiCredential> {
        self.secret_key.as_ref()
    }

    fn forget(&mut self, _side: Side, cookie_name: &str) {
        self.jar.remove(cookie_name);
        self.cookie_actor = None;
        self.token = None;
    }
}

pub(crate) struct SessionInner {
    pub(crate) shared: Arc<Shared>,
    pub(crate) refresh_margin: Option<Duration>,
    pub(crate) state: Mutex<State>,
}

/// One user's v2 session: a token, a cookie session, a secret key; made by
/// [`v2::Client::session`](crate::v2::Client::session).
///
/// Its calls: [`auth`](Session::auth) (login, registration, the cookie session,
/// refresh, password reset, OAuth), [`store`](Session::store) (the customer's own
/// routes and sign-up), [`admin`](Session::admin) (the admin's own), and
/// [`request`](Session::request) for any other Medusa route, each sent with this
/// session's credentials only, and only where they belong: a `user` token to
/// `/admin`, a `customer` token to `/store`, another actor's to other routes, a
/// secret key to `/admin` (when the session is not logged in as a user).
///
/// The token is refreshed on its own a margin before it expires
/// ([`refresh_margin`](crate::ClientBuilder::refresh_margin)), ahead of the call
/// that would send it.
///
/// Clones share the same state; make another session for another user. `Debug`
/// shows which credentials are held, never their values.
#[derive(Clone)]
pub struct Session {
    pub(crate) inner: Arc<SessionInner>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Session")
            .field("cookies", &state.jar)
            .field("token", &state.token)
            .field("secret_api_key", &state.secret_key.is_some())
            .finish()
    }
}

impl Session {
    pub(crate) fn new(shared: Arc<Shared>, refresh_margin: Option<Duration>) -> Self {
        Session {
            inner: Arc::new(SessionInner {
                shared,
                refresh_margin,
                state: Mutex::default(),
            }),
        }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        engine::lock(&self.inner.state)
    }

    /// Sends `prepared` with this session's credentials.
    pub(crate) async fn execute(&self, prepared: &Prepared<'_>) -> Result<Exchange> {
        engine::execute(self.shared(), &self.inner.state, prepared).await
    }

    /// The scope and cookie of a request to `family`, by what the session holds now.
    pub(crate) fn route_credentials(&self, family: Family) -> (Scope, bool) {
        let shared = self.shared();
        let state = self.lock();
        let machine_key = family == Family::Admin
            && !state.holds_admin_identity(
                shared.factory.base_url().origin(),
                &shared.session_cookie_name,
                shared.clock.now(),
            );
        (family.scope(machine_key), state.cookie_goes_to(family))
    }

    /// The `/auth` calls of this session (`sdk.auth` in the JS SDK): `login`,
    /// `register`, `callback`, `open_session`, `logout`, `refresh`,
    /// `reset_password`, `update_password`, `providers`.
    pub fn auth(&self) -> &(dyn AuthApi + 'static) {
        self
    }

    /// The customer's own routes (`sdk.store.customer`): `me`, `create_customer`,
    /// and `sign_up` (registration, creation and refresh in one call).
    pub fn store(&self) -> &(dyn StoreApi + 'static) {
        self
    }

    /// The admin's own route (`sdk.admin.user.me`): `me`.
    pub fn admin(&self) -> &(dyn AdminApi + 'static) {
        self
    }

    /// A request to any Medusa route with this session's credentials (the JS SDK's
    /// `client.fetch`): see [`RequestBuilder`].
    ///
    /// Which credentials go is decided by the route: on `/admin…` a `user` token
    /// (or the secret key, for a session not logged in as a user); on `/store…` a
    /// `customer` token and the publishable key; on `/auth…` nothing but the
    /// cookie; on any other route a custom actor's token. The cookie session goes
    /// to the routes of its actor.
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

    /// Gives the session a credential (replacing one of the same kind).
    ///
    /// # Errors
    ///
    /// A cookie, token or key holding what a header cannot carry is refused here
    /// ([`InvalidInput`]), not at the next call.
    pub fn set_credentials(&self, credentials: Credentials) -> Result<(), InvalidInput> {
        let shared = self.shared();
        let mut state = self.lock();
        match credentials {
            Credentials::SessionCookie(value) => {
                state.jar.insert(
                    shared.factory.base_url().origin(),
                    &shared.session_cookie_name,
                    value,
                )?;
                state.cookie_actor = None;
            }
            Credentials::Token(token) => {
                if !token.is_sendable() {
                    return Err(InvalidInput::InvalidHeaderValue {
                        name: http::header::AUTHORIZATION.as_str().to_owned(),
                    });
                }
                state.token = Some(token);
            }
            Credentials::SecretApiKey(key) => {
                state.secret_key = Some(secret_key_credential(&key)?);
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

    /// The token the session holds (its claims say whose), if any.
    pub fn token(&self) -> Option<Token> {
        self.lock().token.clone()
    }

    /// Forgets every credential and cookie.
    pub fn clear(&self) {
        *self.lock() = State::default();
    }

    /// Refreshes the session's token ahead of a request to `family` that would send
    /// it, when it expires within the margin (or has expired and the session has a
    /// cookie session to refresh with). A refresh that fails leaves the token as it
    /// was: the request then says what is wrong.
    pub(crate) async fn refresh_if_due(&self, family: Family) {
        let Some(margin) = self.inner.refresh_margin else {
            return;
        };
        let shared = self.shared();
        let now = shared.clock.now();
        let margin = jiff::SignedDuration::try_from(margin).unwrap_or(jiff::SignedDuration::MAX);
        let due = {
            let state = self.lock();
            state.token_for(family).is_some_and(|token| {
                let expiring = token
                    .expires_at()
                    .is_some_and(|exp| exp.duration_since(now) < margin);
                // An expired token cannot refresh itself; a cookie session can.
                let refreshable = !token.is_expired_at(now)
                    || state
                        .jar
                        .get(
                            shared.factory.base_url().origin(),
                            &shared.session_cookie_name,
                            now,
                        )
                        .is_some();
                expiring && refreshable
            })
        };
        if due {
            if let Err(error) = self.refresh_token(&crate::CallOptions::new()).await {
                tracing::debug!(error = %error, "refreshing the token ahead of its expiry failed");
            }
        }
    }

    /// An exchange of a route of `family`, its token refreshed first when due; a
    /// 401 to an actor-less token is [`Error::ActorMissing`].
    pub(crate) async fn routed(
        &self,
        mut prepared: Prepared<'_>,
        family: Family,
    ) -> Result<Exchange> {
        self.refresh_if_due(family).await;
        let (scope, send_cookie) = self.route_credentials(family);
        prepared.scope = scope;
        prepared.send_cookie = send_cookie;
        let actor_less = self
            .lock()
            .token_for(family)
            .filter(|token| token.is_actor_less())
            .and_then(|token| token.actor_type().map(str::to_owned));
        let exchange = self.execute(&prepared).await?.checked()?;
        match actor_less {
            Some(actor_type) if exchange.response.status() == StatusCode::UNAUTHORIZED => {
                Err(Error::ActorMissing { actor_type })
            }
            _ => Ok(exchange),
        }
    }
}

#[async_trait::async_trait]
impl RouteApi for Session {
    async fn send_request(&self, request: ApiRequest) -> Result<Response<Bytes>> {
        let family = Family::of_path(request.path());
        let prepared = Prepared {
            name: "request",
            method: request.method().clone(),
            path: Cow::Borrowed(request.path()),
            path_template: TracedPath::Masked(request.path()),
            query: request.query(),
            body: request.body().clone(),
            content_type: request.content_type().cloned(),
            scope: family.scope(false),
            headers: request.headers(),
            bearer: None,
            send_cookie: true,
            logout: None,
        };
        Ok(self.routed(prepared, family).await?.response)
    }
}
