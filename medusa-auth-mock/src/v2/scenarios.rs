//! The v2 scenario table: named scenarios, each a short walk through a
//! [`v2::Client`] with what must come of every step,
//! covering every v2 auth call, the credential rules and the errors the v2 routes
//! produce; and a runner that plays them against any backend: the fake in memory,
//! the fake over loopback, or a real Medusa 2.21 seeded as `interop-v2/medusa.sh`
//! seeds it.
//!
//! What a scenario needs of the backend beyond HTTP (the password-reset token a real
//! server would e-mail, and the JWT secret to sign expired or expiring tokens with)
//! comes from its [`Backend`]; the fake is one.
//!
//! ```
//! use medusa_auth_mock::v2::scenarios::{self, Target};
//! use medusa_auth_mock::{FakeMedusaV2, SeedV2};
//!
//! let seed = SeedV2::interop();
//! let fake = FakeMedusaV2::from_seed(&seed);
//! let target = Target::memory(&fake, &seed);
//! let report = futures::executor::block_on(scenarios::run(&target, &scenarios::all()));
//! report.assert_success();
//! assert_eq!(report.passed.len(), scenarios::all().len());
//! ```
//!
//! The scenarios leave sessions behind and register customers with e-mails made up
//! for the run (`v2-scenario-…@example.com`); they never change a seeded user.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use medusa_auth_core::internal::DEFAULT_BASE_URL;
use medusa_auth_core::v2::{
    self, CUSTOMER, Credentials, CustomerDetails, EMAILPASS, LoginOutcome, Session, Token, USER,
};
use medusa_auth_core::{
    ApiErrorKind, Clock, ConfigError, Error, ExposeSecret, HttpTransport, MissingCookieReason,
    SecretString, Sleep, SystemClock,
};

use crate::fake_v2::{FakeMedusaV2, SeedV2};
pub use crate::scenarios::{Failure, Report};

/// The password sent as the wrong one.
const WRONG_PASSWORD: &str = "wrong-password";
/// How long a backend may take to hand over a reset token.
const RESET_TOKEN_WAIT: Duration = Duration::from_secs(10);

/// What a scenario needs of a backend beyond its HTTP routes.
#[async_trait]
pub trait Backend: Send + Sync {
    /// The newest password-reset token issued for `email` (what a real server would
    /// e-mail), if any yet.
    async fn last_reset_token(&self, email: &str) -> Option<SecretString>;

    /// `claims` (a JSON object) signed as the backend signs its JWTs: for expired
    /// and expiring tokens. `None` when the backend cannot sign.
    fn sign_claims(&self, claims: &serde_json::Value) -> Option<String>;
}

#[async_trait]
impl Backend for FakeMedusaV2 {
    async fn last_reset_token(&self, email: &str) -> Option<SecretString> {
        self.last_reset_token(email).map(SecretString::from)
    }

    fn sign_claims(&self, claims: &serde_json::Value) -> Option<String> {
        FakeMedusaV2::sign_claims(self, &claims.to_string())
    }
}

/// Signs `claims` with `secret` in HS256, as a Medusa v2 server with that
/// `http.jwtSecret` does: for a [`Backend`] of a real server whose secret the test
/// knows.
pub fn sign_hs256(secret: &[u8], claims: &serde_json::Value) -> Option<String> {
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .ok()
}

/// Who the backend was seeded with, and its keys.
#[derive(Clone)]
pub struct Keys {
    /// The admin's e-mail and password.
    pub admin: (String, SecretString),
    /// A customer's e-mail and password.
    pub customer: (String, SecretString),
    /// The publishable key.
    pub publishable_key: String,
    /// The secret API key.
    pub secret_api_key: SecretString,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("admin", &self.admin.0)
            .field("customer", &self.customer.0)
            .finish_non_exhaustive()
    }
}

/// A v2 backend to run scenarios against: a transport, the base URL to reach it at,
/// who it was seeded with, and its [`Backend`].
#[derive(Clone)]
pub struct Target {
    name: String,
    base_url: String,
    transport: Arc<dyn HttpTransport>,
    clock: Arc<dyn Clock>,
    sleep: Arc<dyn Sleep>,
    keys: Keys,
    backend: Arc<dyn Backend>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// A backend at `base_url` reached through `transport`, named `name` in reports.
    pub fn new(
        name: impl Into<String>,
        base_url: impl Into<String>,
        transport: Arc<dyn HttpTransport>,
        keys: Keys,
        backend: Arc<dyn Backend>,
    ) -> Self {
        Target {
            name: name.into(),
            base_url: base_url.into(),
            transport,
            clock: Arc::new(SystemClock),
            sleep: Arc::new(crate::memory::ThreadSleep),
            keys,
            backend,
        }
    }

    /// The keys of `fake`, seeded with `seed`.
    pub fn fake_keys(fake: &FakeMedusaV2, seed: &SeedV2) -> Keys {
        let customer = seed
            .customer()
            .map(|c| (c.email.clone(), c.password.clone()))
            .unwrap_or_else(|| (String::new(), SecretString::from("")));
        Keys {
            admin: (seed.admin.email.clone(), seed.admin.password.clone()),
            customer,
            publishable_key: fake.publishable_key(),
            secret_api_key: fake.secret_key(),
        }
    }

    /// The fake in memory, at `http://localhost:9000`, the clients on its clock.
    pub fn memory(fake: &FakeMedusaV2, seed: &SeedV2) -> Self {
        Target::new(
            "in-memory fake v2",
            DEFAULT_BASE_URL,
            Arc::new(fake.transport()),
            Target::fake_keys(fake, seed),
            Arc::new(fake.clone()),
        )
        .with_clock(fake.clock())
    }

    /// The clock the clients read (default: the system clock).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How to wait while polling the backend for a reset token (default: a thread
    /// that sleeps, for any executor).
    pub fn with_sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = sleep;
        self
    }

    /// The name reports use.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A fresh client for this backend, with its publishable key.
    pub fn client(&self) -> Result<v2::Client, ConfigError> {
        self.builder()
            .publishable_api_key(&self.keys.publishable_key)
            .build()
    }

    fn builder(&self) -> v2::ClientBuilder {
        v2::Client::builder_shared(self.transport.clone())
            .base_url(&self.base_url)
            .clock(self.clock.clone())
    }
}

/// What a scenario's steps run with.
pub struct Ctx<'a> {
    target: &'a Target,
    client: v2::Client,
    checks: AtomicUsize,
}

impl Ctx<'_> {
    fn keys(&self) -> &Keys {
        &self.target.keys
    }

    fn session(&self) -> Session {
        self.client.session()
    }

    /// Counts one expectation met.
    fn pass(&self) {
        self.checks.fetch_add(1, Ordering::Relaxed);
    }

    /// A made-up e-mail, new on every call.
    fn new_email(&self) -> String {
        format!(
            "v2-scenario-{}-{:016x}@example.com",
            std::process::id(),
            rand::random::<u64>()
        )
    }

    async fn login_admin(&self, session: &Session) -> Result<Token, String> {
        let (email, password) = &self.keys().admin;
        token_of(
            session
                .auth()
                .login(USER, email, password.clone())
                .await
                .map_err(|e| format!("admin login failed: {e}"))?,
        )
    }

    async fn login_customer(&self, session: &Session) -> Result<Token, String> {
        let (email, password) = &self.keys().customer;
        token_of(
            session
                .auth()
                .login(CUSTOMER, email, password.clone())
                .await
                .map_err(|e| format!("customer login failed: {e}"))?,
        )
    }

    /// Polls the backend for a reset token of `email` other than `before`.
    async fn reset_token_after(
        &self,
        email: &str,
        before: Option<&SecretString>,
    ) -> Result<SecretString, String> {
        let started = std::time::Instant::now();
        loop {
            let latest = self.target.backend.last_reset_token(email).await;
            let fresh = match (&latest, before) {
                (Some(token), Some(old)) => token.expose_secret() != old.expose_secret(),
                (Some(_), None) => true,
                (None, _) => false,
            };
            if fresh {
                return latest.ok_or_else(|| "no token".to_owned());
            }
            if started.elapsed() > RESET_TOKEN_WAIT {
                return Err(format!(
                    "no new reset token for the made-up customer within {RESET_TOKEN_WAIT:?}"
                ));
            }
            self.target.sleep.sleep(Duration::from_millis(50)).await;
        }
    }

    /// A token with `claims` changed from a real token's, signed by the backend.
    fn resigned(
        &self,
        token: &Token,
        change: impl FnOnce(&mut serde_json::Value),
    ) -> Result<Token, String> {
        let payload = token
            .expose_secret()
            .split('.')
            .nth(1)
            .and_then(|p| {
                use base64::Engine as _;
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(p)
                    .ok()
            })
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .ok_or("the login token is not a readable JWT")?;
        let mut claims = payload;
        change(&mut claims);
        let signed = self
            .target
            .backend
            .sign_claims(&claims)
            .ok_or("the backend cannot sign tokens")?;
        Ok(Token::new(signed.into()))
    }

    fn now_seconds(&self) -> i64 {
        self.target.clock.now().as_second()
    }
}

fn token_of(outcome: LoginOutcome) -> Result<Token, String> {
    match outcome {
        LoginOutcome::Authenticated(token) => Ok(token),
        other => Err(format!("expected a token, got {other:?}")),
    }
}

/// `Ok` when `condition` holds, else the message.
fn ensure(ctx: &Ctx<'_>, condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition {
        ctx.pass();
        Ok(())
    } else {
        Err(message())
    }
}

/// Checks that `result` failed as `expected` says.
fn expect_error<T: fmt::Debug>(
    ctx: &Ctx<'_>,
    what: &str,
    result: Result<T, Error>,
    expected: impl FnOnce(&Error) -> bool,
) -> Result<(), String> {
    match result {
        Err(error) if expected(&error) => {
            ctx.pass();
            Ok(())
        }
        Err(error) => Err(format!("{what}: unexpected error: {error}")),
        Ok(value) => Err(format!("{what}: expected an error, got {value:?}")),
    }
}

fn api(error: &Error, status: u16, kind: &ApiErrorKind, message_part: &str) -> bool {
    match error {
        Error::Api(api) => {
            api.status.as_u16() == status && &api.kind == kind && api.message.contains(message_part)
        }
        _ => false,
    }
}

type Steps =
    for<'a> fn(&'a Ctx<'a>) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// One named scenario.
#[derive(Clone)]
#[non_exhaustive]
pub struct Scenario {
    /// What it shows, as a sentence (unique in its table).
    pub name: &'static str,
    /// What it covers (`call: auth.login`, `error: 401 wrong password` …).
    pub covers: &'static [&'static str],
    steps: Steps,
}

impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.name)
            .field("covers", &self.covers)
            .finish_non_exhaustive()
    }
}

macro_rules! scenario {
    ($name:expr, [$($cover:expr),* $(,)?], |$ctx:ident| $body:block) => {
        Scenario {
            name: $name,
            covers: &[$($cover),*],
            steps: |$ctx| Box::pin(async move { $body }),
        }
    };
}

/// Runs `scenarios` one after the other against `target`, each on a fresh client.
pub async fn run(target: &Target, scenarios: &[Scenario]) -> Report {
    let mut report = Report {
        target: target.name.clone(),
        ..Report::default()
    };
    for scenario in scenarios {
        let client = match target.client() {
            Ok(client) => client,
            Err(error) => {
                report.failures.push(Failure {
                    scenario: scenario.name,
                    step: 1,
                    message: format!("no client: {error}"),
                });
                continue;
            }
        };
        let ctx = Ctx {
            target,
            client,
            checks: AtomicUsize::new(0),
        };
        match (scenario.steps)(&ctx).await {
            Ok(()) => report.passed.push(scenario.name),
            Err(message) => report.failures.push(Failure {
                scenario: scenario.name,
                step: ctx.checks.load(Ordering::Relaxed) + 1,
                message,
            }),
        }
    }
    report
}

/// Every scenario of a development-mode backend (`NODE_ENV=development`).
pub fn all() -> Vec<Scenario> {
    vec![
        // ------------------------------------------------------------ logins
        scenario!(
            "an admin login answers a user token; who am I answers the admin",
            ["call: auth.login (user)", "call: admin.me"],
            |ctx| {
                let session = ctx.session();
                let token = ctx.login_admin(&session).await?;
                ensure(
                    ctx,
                    token.actor_type() == Some(USER) && token.actor_id().is_some(),
                    || format!("expected a user token with an actor, got {token:?}"),
                )?;
                let me = session
                    .admin()
                    .me()
                    .await
                    .map_err(|e| format!("admin me: {e}"))?;
                ensure(ctx, me.email == ctx.keys().admin.0, || {
                    "admin me: another user".into()
                })?;
                ensure(ctx, Some(me.id.as_str()) == token.actor_id(), || {
                    "admin me: the id is not the token's actor".into()
                })
            }
        ),
        scenario!(
            "a customer login answers a customer token; who am I answers the customer",
            [
                "call: auth.login (customer)",
                "call: store.me",
                "credential: publishable key"
            ],
            |ctx| {
                let session = ctx.session();
                let token = ctx.login_customer(&session).await?;
                ensure(ctx, token.actor_type() == Some(CUSTOMER), || {
                    format!("{token:?}")
                })?;
                let me = session
                    .store()
                    .me()
                    .await
                    .map_err(|e| format!("store me: {e}"))?;
                ensure(
                    ctx,
                    me.email == ctx.keys().customer.0 && me.has_account,
                    || "store me: another customer".into(),
                )
            }
        ),
        scenario!(
            "a wrong password is a typed 401 and leaves the session without a token",
            ["error: 401 Invalid email or password"],
            |ctx| {
                let session = ctx.session();
                let result = session
                    .auth()
                    .login(CUSTOMER, &ctx.keys().customer.0, WRONG_PASSWORD)
                    .await;
                expect_error(ctx, "login", result, |e| {
                    api(
                        e,
                        401,
                        &ApiErrorKind::Unauthorized,
                        "Invalid email or password",
                    ) && e.is_unauthorized()
                })?;
                ensure(ctx, session.token().is_none(), || "a token was kept".into())
            }
        ),
        scenario!(
            "an unknown e-mail answers as a wrong password does",
            ["error: 401 Invalid email or password (no user enumeration)"],
            |ctx| {
                let result = ctx
                    .session()
                    .auth()
                    .login(USER, "nobody-v2@example.com", WRONG_PASSWORD)
                    .await;
                expect_error(ctx, "login", result, |e| {
                    api(
                        e,
                        401,
                        &ApiErrorKind::Unauthorized,
                        "Invalid email or password",
                    )
                })
            }
        ),
        scenario!(
            "a login as an actor type nobody has answers an actor-less token",
            ["call: auth.login (custom actor)", "token: actor-less"],
            |ctx| {
                let session = ctx.session();
                let (email, password) = &ctx.keys().admin;
                let outcome = session
                    .auth()
                    .login("nosuchactor", email, password.clone())
                    .await
                    .map_err(|e| format!("login: {e}"))?;
                let token = token_of(outcome)?;
                ensure(
                    ctx,
                    token.actor_type() == Some("nosuchactor") && token.is_actor_less(),
                    || format!("{token:?}"),
                )
            }
        ),
        scenario!(
            "a provider the user actor may not use is a typed 400",
            ["call: auth.login_with", "error: 400 not_allowed provider"],
            |ctx| {
                let result = ctx
                    .session()
                    .auth()
                    .login_with(USER, "google", &serde_json::json!({}))
                    .await;
                expect_error(ctx, "login_with", result, |e| {
                    api(
                        e,
                        400,
                        &ApiErrorKind::NotAllowed,
                        "not allowed to use the auth provider google",
                    )
                })
            }
        ),
        scenario!(
            "an OAuth callback of a provider that is not configured is a typed 401",
            ["call: auth.callback"],
            |ctx| {
                let result = ctx
                    .session()
                    .auth()
                    .callback(CUSTOMER, "google", "code=x&state=y")
                    .await;
                expect_error(ctx, "callback", result, |e| {
                    api(
                        e,
                        401,
                        &ApiErrorKind::Unauthorized,
                        "Unable to retrieve the auth provider with id: google",
                    )
                })
            }
        ),
        scenario!(
            "the providers of the customer actor are emailpass",
            ["call: auth.providers"],
            |ctx| {
                let providers = ctx
                    .session()
                    .auth()
                    .providers(CUSTOMER)
                    .await
                    .map_err(|e| format!("providers: {e}"))?;
                ensure(ctx, providers.iter().any(|p| p.id == EMAILPASS), || {
                    format!("{providers:?}")
                })
            }
        ),
        // --------------------------------------------------- the cookie session
        scenario!(
            "open_session trades the token for a cookie that works alone",
            ["call: auth.open_session", "credential: session cookie"],
            |ctx| {
                let session = ctx.session();
                ctx.login_admin(&session).await?;
                let claims = session
                    .auth()
                    .open_session()
                    .await
                    .map_err(|e| format!("open_session: {e}"))?;
                ensure(ctx, claims.actor_type == USER, || format!("{claims:?}"))?;
                let cookie = session.session_cookie().ok_or("no cookie kept")?;
                let alone = ctx
                    .client
                    .session_with(Credentials::SessionCookie(cookie))
                    .map_err(|e| e.to_string())?;
                let me = alone
                    .admin()
                    .me()
                    .await
                    .map_err(|e| format!("me by cookie: {e}"))?;
                ensure(ctx, me.email == ctx.keys().admin.0, || {
                    "another user".into()
                })
            }
        ),
        scenario!(
            "open_session without a token is a 401",
            [
                "call: auth.open_session",
                "error: 401 Unauthorized without type"
            ],
            |ctx| {
                let result = ctx.session().auth().open_session().await;
                expect_error(ctx, "open_session", result, |e| {
                    matches!(e, Error::Unauthorized { .. })
                })
            }
        ),
        scenario!(
            "logout ends the cookie session and forgets cookie and token",
            ["call: auth.logout"],
            |ctx| {
                let session = ctx.session();
                ctx.login_customer(&session).await?;
                session
                    .auth()
                    .open_session()
                    .await
                    .map_err(|e| format!("open_session: {e}"))?;
                let cookie = session.session_cookie().ok_or("no cookie")?;
                session
                    .auth()
                    .logout()
                    .await
                    .map_err(|e| format!("logout: {e}"))?;
                ensure(
                    ctx,
                    session.token().is_none() && session.session_cookie().is_none(),
                    || "the session still holds credentials".into(),
                )?;
                let old = ctx
                    .client
                    .session_with(Credentials::SessionCookie(cookie))
                    .map_err(|e| e.to_string())?;
                let result = old.store().me().await;
                expect_error(ctx, "me with the old cookie", result, |e| {
                    matches!(e, Error::Unauthorized { .. })
                })
            }
        ),
        scenario!(
            "a logout without a cookie session is unconfirmed and forgets the token",
            ["call: auth.logout", "error: logout unconfirmed"],
            |ctx| {
                let session = ctx.session();
                ctx.login_customer(&session).await?;
                let result = session.auth().logout().await;
                expect_error(ctx, "logout", result, |e| {
                    matches!(e, Error::LogoutUnconfirmed { .. }) && e.is_unauthorized()
                })?;
                ensure(ctx, session.token().is_none(), || {
                    "the token was kept".into()
                })
            }
        ),
        scenario!(
            "the token stays valid after logout (nothing revokes a v2 JWT)",
            ["token: stateless"],
            |ctx| {
                let session = ctx.session();
                let token = ctx.login_customer(&session).await?;
                session
                    .auth()
                    .open_session()
                    .await
                    .map_err(|e| format!("open_session: {e}"))?;
                session
                    .auth()
                    .logout()
                    .await
                    .map_err(|e| format!("logout: {e}"))?;
                let again = ctx
                    .client
                    .session_with(Credentials::Token(token))
                    .map_err(|e| e.to_string())?;
                let me = again.store().me().await.map_err(|e| format!("me: {e}"))?;
                ensure(ctx, me.email == ctx.keys().customer.0, || {
                    "another customer".into()
                })
            }
        ),
        // ------------------------------------------------------------- refresh
        scenario!(
            "refresh answers a new token of the same actor, which the session keeps",
            ["call: auth.refresh (token)"],
            |ctx| {
                let session = ctx.session();
                let token = ctx.login_admin(&session).await?;
                let fresh = session
                    .auth()
                    .refresh()
                    .await
                    .map_err(|e| format!("refresh: {e}"))?;
                ensure(ctx, fresh.actor_id() == token.actor_id(), || {
                    format!("{fresh:?}")
                })?;
                let kept = session.token().ok_or("no token kept")?;
                ensure(ctx, kept.expose_secret() == fresh.expose_secret(), || {
                    "the session kept another token".into()
                })
            }
        ),
        scenario!(
            "refresh with the cookie session alone answers a token",
            ["call: auth.refresh (cookie)"],
            |ctx| {
                let session = ctx.session();
                ctx.login_customer(&session).await?;
                session
                    .auth()
                    .open_session()
                    .await
                    .map_err(|e| format!("open_session: {e}"))?;
                let cookie = session.session_cookie().ok_or("no cookie")?;
                let alone = ctx
                    .client
                    .session_with(Credentials::SessionCookie(cookie))
                    .map_err(|e| e.to_string())?;
                let token = alone
                    .auth()
                    .refresh()
                    .await
                    .map_err(|e| format!("refresh: {e}"))?;
                ensure(
                    ctx,
                    token.actor_type() == Some(CUSTOMER) && !token.is_actor_less(),
                    || format!("{token:?}"),
                )
            }
        ),
        scenario!(
            "refresh without credentials is a 401",
            ["call: auth.refresh", "error: 401 Unauthorized without type"],
            |ctx| {
                let result = ctx.session().auth().refresh().await;
                expect_error(ctx, "refresh", result, |e| {
                    matches!(e, Error::Unauthorized { .. })
                })
            }
        ),
        scenario!(
            "a token about to expire is refreshed ahead of the call that sends it",
            ["token: automatic refresh"],
            |ctx| {
                let session = ctx.session();
                let token = ctx.login_admin(&session).await?;
                let now = ctx.now_seconds();
                let expiring = ctx.resigned(&token, |claims| {
                    claims["iat"] = (now - 60).into();
                    claims["exp"] = (now + 60).into();
                })?;
                let restored = ctx
                    .client
                    .session_with(Credentials::Token(expiring.clone()))
                    .map_err(|e| e.to_string())?;
                restored
                    .admin()
                    .me()
                    .await
                    .map_err(|e| format!("me: {e}"))?;
                let kept = restored.token().ok_or("no token")?;
                let later = kept.expires_at().map(|t| t.as_second()).unwrap_or(0);
                ensure(ctx, later > now + 3600, || {
                    "the expiring token was not replaced by a refreshed one".into()
                })
            }
        ),
        scenario!(
            "an expired token is not sent, and the answer says it expired",
            ["token: expiry", "error: token expired"],
            |ctx| {
                let session = ctx.session();
                let token = ctx.login_customer(&session).await?;
                let now = ctx.now_seconds();
                let expired = ctx.resigned(&token, |claims| {
                    claims["iat"] = (now - 7200).into();
                    claims["exp"] = (now - 3600).into();
                })?;
                let restored = ctx
                    .client
                    .session_with(Credentials::Token(expired))
                    .map_err(|e| e.to_string())?;
                let result = restored.store().me().await;
                expect_error(ctx, "me", result, |e| {
                    matches!(e, Error::TokenExpired { .. })
                })
            }
        ),
        scenario!(
            "a token signed with another secret is refused",
            ["error: 401 forged token"],
            |ctx| {
                let session = ctx.session();
                let token = ctx.login_admin(&session).await?;
                let payload = token
                    .expose_secret()
                    .split('.')
                    .nth(1)
                    .unwrap_or("")
                    .to_owned();
                let forged = sign_hs256(b"not the server's secret", &{
                    use base64::Engine as _;
                    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(&payload)
                        .unwrap_or_default();
                    serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_default()
                })
                .ok_or("could not sign")?;
                let restored = ctx
                    .client
                    .session_with(Credentials::Token(Token::new(forged.into())))
                    .map_err(|e| e.to_string())?;
                let result = restored.admin().me().await;
                expect_error(ctx, "me", result, |e| {
                    matches!(e, Error::Unauthorized { .. })
                })
            }
        ),
        // --------------------------------------------------------- registration
        scenario!(
            "sign_up registers, creates the customer and refreshes: who am I is the new customer",
            [
                "call: store.sign_up",
                "call: auth.register",
                "call: store.create_customer",
                "call: auth.refresh"
            ],
            |ctx| {
                let email = ctx.new_email();
                let session = ctx.session();
                let customer = session
                    .store()
                    .sign_up(
                        &email,
                        "a new password",
                        CustomerDetails::new(&email).named("New", "Customer"),
                    )
                    .await
                    .map_err(|e| format!("sign_up: {e}"))?;
                ensure(ctx, customer.email == email && customer.has_account, || {
                    format!("{customer:?}")
                })?;
                let token = session.token().ok_or("no token")?;
                ensure(ctx, token.actor_id() == Some(customer.id.as_str()), || {
                    format!("{token:?}")
                })?;
                let me = session.store().me().await.map_err(|e| format!("me: {e}"))?;
                ensure(ctx, me.id == customer.id, || "another customer".into())?;
                let again = ctx.session();
                again
                    .auth()
                    .login(CUSTOMER, &email, "a new password")
                    .await
                    .map_err(|e| format!("login of the new customer: {e}"))?;
                ensure(ctx, true, String::new)
            }
        ),
        scenario!(
            "register answers an actor-less token, which who am I refuses as such",
            [
                "call: auth.register",
                "token: actor-less",
                "error: actor missing"
            ],
            |ctx| {
                let session = ctx.session();
                let token = session
                    .auth()
                    .register(CUSTOMER, ctx.new_email(), "a new password")
                    .await
                    .map_err(|e| format!("register: {e}"))?;
                ensure(
                    ctx,
                    token.is_actor_less() && token.actor_type() == Some(CUSTOMER),
                    || format!("{token:?}"),
                )?;
                let result = session.store().me().await;
                expect_error(ctx, "me", result, |e| {
                    matches!(e, Error::ActorMissing { .. })
                })
            }
        ),
        scenario!(
            "registering a taken e-mail is a typed 401",
            [
                "call: auth.register",
                "error: 401 Identity with email already exists"
            ],
            |ctx| {
                let result = ctx
                    .session()
                    .auth()
                    .register(CUSTOMER, &ctx.keys().customer.0, "another password")
                    .await;
                expect_error(ctx, "register", result, |e| {
                    api(
                        e,
                        401,
                        &ApiErrorKind::Unauthorized,
                        "Identity with email already exists",
                    )
                })
            }
        ),
        scenario!(
            "creating the customer twice is a 422 duplicate_error with its code",
            ["call: store.create_customer", "error: 422 duplicate_error"],
            |ctx| {
                let email = ctx.new_email();
                let session = ctx.session();
                session
                    .auth()
                    .register(CUSTOMER, &email, "a new password")
                    .await
                    .map_err(|e| format!("register: {e}"))?;
                session
                    .store()
                    .create_customer(CustomerDetails::new(&email))
                    .await
                    .map_err(|e| format!("create: {e}"))?;
                let result = session
                    .store()
                    .create_customer(CustomerDetails::new(&email))
                    .await;
                expect_error(ctx, "second create", result, |e| match e {
                    Error::Api(api) => {
                        api.status.as_u16() == 422
                            && api.kind == ApiErrorKind::DuplicateError
                            && api.code.as_deref() == Some("invalid_request_error")
                    }
                    _ => false,
                })
            }
        ),
        // ------------------------------------------------------- password reset
        scenario!(
            "a password reset end to end: the token sets a new password, once",
            ["call: auth.reset_password", "call: auth.update_password"],
            |ctx| {
                let email = ctx.new_email();
                let session = ctx.session();
                session
                    .store()
                    .sign_up(&email, "the old password", CustomerDetails::new(&email))
                    .await
                    .map_err(|e| format!("sign_up: {e}"))?;
                session
                    .auth()
                    .reset_password(CUSTOMER, EMAILPASS, &email)
                    .await
                    .map_err(|e| format!("reset_password: {e}"))?;
                let reset = ctx.reset_token_after(&email, None).await?;
                ctx.pass();
                session
                    .auth()
                    .update_password(CUSTOMER, EMAILPASS, reset.clone(), "the new password")
                    .await
                    .map_err(|e| format!("update_password: {e}"))?;
                ctx.session()
                    .auth()
                    .login(CUSTOMER, &email, "the new password")
                    .await
                    .map_err(|e| format!("login with the new password: {e}"))?;
                ctx.pass();
                let old = ctx
                    .session()
                    .auth()
                    .login(CUSTOMER, &email, "the old password")
                    .await;
                expect_error(ctx, "login with the old password", old, |e| {
                    api(
                        e,
                        401,
                        &ApiErrorKind::Unauthorized,
                        "Invalid email or password",
                    )
                })?;
                let reused = session
                    .auth()
                    .update_password(CUSTOMER, EMAILPASS, reset, "a third password")
                    .await;
                expect_error(ctx, "a second use of the token", reused, |e| {
                    api(e, 401, &ApiErrorKind::Unauthorized, "Invalid token")
                })
            }
        ),
        scenario!(
            "a newer reset token supersedes the older",
            [
                "call: auth.reset_password",
                "error: 401 Invalid token (superseded)"
            ],
            |ctx| {
                let email = ctx.new_email();
                let session = ctx.session();
                session
                    .store()
                    .sign_up(&email, "the old password", CustomerDetails::new(&email))
                    .await
                    .map_err(|e| format!("sign_up: {e}"))?;
                session
                    .auth()
                    .reset_password(CUSTOMER, EMAILPASS, &email)
                    .await
                    .map_err(|e| format!("first reset_password: {e}"))?;
                let first = ctx.reset_token_after(&email, None).await?;
                session
                    .auth()
                    .reset_password(CUSTOMER, EMAILPASS, &email)
                    .await
                    .map_err(|e| format!("second reset_password: {e}"))?;
                let second = ctx.reset_token_after(&email, Some(&first)).await?;
                ctx.pass();
                let stale = session
                    .auth()
                    .update_password(CUSTOMER, EMAILPASS, first, "password one")
                    .await;
                expect_error(ctx, "the superseded token", stale, |e| {
                    api(e, 401, &ApiErrorKind::Unauthorized, "Invalid token")
                })?;
                session
                    .auth()
                    .update_password(CUSTOMER, EMAILPASS, second, "password two")
                    .await
                    .map_err(|e| format!("the newer token: {e}"))?;
                ensure(ctx, true, String::new)
            }
        ),
        scenario!(
            "a reset request for nobody still answers 201",
            ["call: auth.reset_password (no user enumeration)"],
            |ctx| {
                ctx.session()
                    .auth()
                    .reset_password(CUSTOMER, EMAILPASS, "nobody-v2@example.com")
                    .await
                    .map_err(|e| format!("reset_password: {e}"))?;
                ensure(ctx, true, String::new)
            }
        ),
        scenario!(
            "a reset update with a token that is not one is a typed 401",
            ["call: auth.update_password", "error: 401 Invalid token"],
            |ctx| {
                let result = ctx
                    .session()
                    .auth()
                    .update_password(CUSTOMER, EMAILPASS, "not-a-reset-token", "x")
                    .await;
                expect_error(ctx, "update_password", result, |e| {
                    api(e, 401, &ApiErrorKind::Unauthorized, "Invalid token")
                })
            }
        ),
        scenario!(
            "a reset request without an identifier is a typed 400 invalid_data",
            ["error: 400 invalid_data"],
            |ctx| {
                let result: Result<serde_json::Value, Error> = ctx
                    .session()
                    .post("/auth/customer/emailpass/reset-password")
                    .json(&serde_json::json!({}))
                    .await;
                expect_error(
                    ctx,
                    "reset-password {}",
                    result,
                    |e| matches!(e, Error::Api(api) if api.status.as_u16() == 400 && api.kind == ApiErrorKind::InvalidData),
                )
            }
        ),
        // ---------------------------------------------------- credential rules
        scenario!(
            "a store route without the publishable key is a typed 400, before auth",
            [
                "credential: publishable key required",
                "error: 400 not_allowed"
            ],
            |ctx| {
                let client = ctx.target.builder().build().map_err(|e| e.to_string())?;
                let session = client.session();
                ctx.login_customer(&session).await?;
                let result = session.store().me().await;
                expect_error(ctx, "me without the key", result, |e| {
                    api(
                        e,
                        400,
                        &ApiErrorKind::NotAllowed,
                        "Publishable API key required",
                    )
                })
            }
        ),
        scenario!(
            "an admin's token never goes to /store",
            ["credential: a user token stays off /store"],
            |ctx| {
                let session = ctx.session();
                ctx.login_admin(&session).await?;
                let result = session.store().me().await;
                expect_error(ctx, "store me as an admin", result, |e| {
                    matches!(e, Error::Unauthorized { .. })
                })
            }
        ),
        scenario!(
            "a customer's token never goes to /admin",
            ["credential: a customer token stays off /admin"],
            |ctx| {
                let session = ctx.session();
                ctx.login_customer(&session).await?;
                let result = session.admin().me().await;
                expect_error(ctx, "admin me as a customer", result, |e| {
                    matches!(e, Error::Unauthorized { .. })
                })
            }
        ),
        scenario!(
            "a secret key authenticates admin routes as itself",
            [
                "credential: secret API key (Basic)",
                "error: 404 not_found JSON"
            ],
            |ctx| {
                let key = ctx
                    .client
                    .session_with(Credentials::SecretApiKey(ctx.keys().secret_api_key.clone()))
                    .map_err(|e| e.to_string())?;
                let users: serde_json::Value = key
                    .get("/admin/users")
                    .query("limit", "1")
                    .await
                    .map_err(|e| format!("GET /admin/users: {e}"))?;
                ensure(ctx, users["users"].is_array(), || "no users listed".into())?;
                let me = key.admin().me().await;
                expect_error(ctx, "admin me with a key", me, |e| {
                    api(e, 404, &ApiErrorKind::NotFound, "was not found")
                })
            }
        ),
        scenario!(
            "a secret key never goes to /store",
            ["credential: a secret key stays off /store"],
            |ctx| {
                let key = ctx
                    .client
                    .session_with(Credentials::SecretApiKey(ctx.keys().secret_api_key.clone()))
                    .map_err(|e| e.to_string())?;
                let result = key.store().me().await;
                expect_error(ctx, "store me with a key", result, |e| {
                    matches!(e, Error::Unauthorized { .. })
                })
            }
        ),
        scenario!(
            "a client-wide secret key gives way to a session's own admin login",
            ["credential: secret API key (client-wide)"],
            |ctx| {
                let client = ctx
                    .target
                    .builder()
                    .publishable_api_key(&ctx.keys().publishable_key)
                    .secret_api_key(ctx.keys().secret_api_key.clone())
                    .build()
                    .map_err(|e| e.to_string())?;
                let machine = client.session();
                let listed: serde_json::Value = machine
                    .get("/admin/users")
                    .await
                    .map_err(|e| format!("GET /admin/users with the client's key: {e}"))?;
                ensure(ctx, listed["users"].is_array(), || "no users listed".into())?;
                let admin = client.session();
                ctx.login_admin(&admin).await?;
                admin
                    .auth()
                    .open_session()
                    .await
                    .map_err(|e| format!("open_session: {e}"))?;
                let me = admin.admin().me().await.map_err(|e| format!("me: {e}"))?;
                ensure(ctx, me.email == ctx.keys().admin.0, || {
                    "the key answered, not the user".into()
                })
            }
        ),
        scenario!(
            "sessions never share credentials",
            ["credential: per session"],
            |ctx| {
                let admin = ctx.session();
                let shopper = ctx.session();
                ctx.login_admin(&admin).await?;
                ctx.login_customer(&shopper).await?;
                let user = admin
                    .admin()
                    .me()
                    .await
                    .map_err(|e| format!("admin me: {e}"))?;
                let customer = shopper
                    .store()
                    .me()
                    .await
                    .map_err(|e| format!("store me: {e}"))?;
                ensure(
                    ctx,
                    user.email == ctx.keys().admin.0 && customer.email == ctx.keys().customer.0,
                    || "a session answered as another".into(),
                )?;
                let nobody = ctx.session().store().me().await;
                expect_error(ctx, "a third session", nobody, |e| {
                    matches!(e, Error::Unauthorized { .. })
                })
            }
        ),
        scenario!(
            "an unknown route is an HTML 404",
            ["error: 404 HTML"],
            |ctx| {
                let result: Result<serde_json::Value, Error> =
                    ctx.session().get("/nosuch-v2-route").await;
                expect_error(ctx, "GET /nosuch-v2-route", result, |e| {
                    matches!(e, Error::UnexpectedResponse { status, content_type: Some(ct), .. }
                        if status.as_u16() == 404 && ct.starts_with("text/html"))
                })
            }
        ),
    ]
}

/// The scenarios of a production backend (`NODE_ENV=production`) reached over plain
/// HTTP: tokens work, cookie sessions cannot.
pub fn production() -> Vec<Scenario> {
    vec![
        scenario!(
            "production over plain HTTP: tokens work",
            ["call: auth.login", "call: admin.me", "call: store.me"],
            |ctx| {
                let admin = ctx.session();
                ctx.login_admin(&admin).await?;
                admin
                    .admin()
                    .me()
                    .await
                    .map_err(|e| format!("admin me: {e}"))?;
                let shopper = ctx.session();
                ctx.login_customer(&shopper).await?;
                shopper
                    .store()
                    .me()
                    .await
                    .map_err(|e| format!("store me: {e}"))?;
                ensure(ctx, true, String::new)
            }
        ),
        scenario!(
            "production over plain HTTP: open_session answers 200 without a cookie, a typed error",
            [
                "call: auth.open_session",
                "error: session cookie missing (production)"
            ],
            |ctx| {
                let session = ctx.session();
                ctx.login_admin(&session).await?;
                let result = session.auth().open_session().await;
                expect_error(ctx, "open_session", result, |e| {
                    matches!(
                        e,
                        Error::SessionCookieMissing {
                            reason: MissingCookieReason::NotSet,
                            ..
                        }
                    )
                })?;
                ensure(
                    ctx,
                    session.session_cookie().is_none() && session.token().is_some(),
                    || "the session lost its token or kept a cookie".into(),
                )
            }
        ),
    ]
}
