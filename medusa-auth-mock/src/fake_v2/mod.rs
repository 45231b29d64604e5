//! The stateful fake Medusa v2: auth identities (`emailpass`), users, customers,
//! publishable and secret API keys, HS256 JWTs with the real claims, cookie sessions
//! opened by `POST /auth/session`, password-reset tokens; answering the v2 auth
//! routes as a real Medusa 2.21.2 does (see `testdata/fixtures/v2/transcripts.md`).

mod admin;
mod answer;
mod auth;
mod auth_routes;
mod body;
mod etag;
mod faults;
mod fields;
mod handler;
mod json;
mod jwt;
mod records;
mod reset;
mod routes;
mod seed;
mod sessions;
mod shared;
mod store;
mod transport;
mod validate;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{Method, Request, Response};
use medusa_auth_core::{Clock, ExposeSecret, SecretString, Sleep, SystemClock};

pub use seed::{SeedV2, SeedV2User};
pub use transport::MemoryTransportV2;

use crate::fake::{ConnectionDropped, Fault, Route};
use crate::seed::SeedCustomer;
use faults::{Faults, Outcome};
use jwt::JwtKeys;
use records::{ApiKeyRecord, AuthIdentity, CustomerRecord, KeyKind, SalesChannel, UserRecord};
use reset::ResetTokens;
use sessions::Sessions;
use shared::ids::{new_id, system_now, timestamp};
use shared::password::PasswordHash;
use shared::session::CookieSecret;

/// The `jwtSecret` of the recorded server, the fake's default.
pub const RECORDED_JWT_SECRET: &str = "real-medusa-v2-jwt-secret";

/// At most this many users, customers, identities or API keys are kept; a request
/// that would make more answers 500.
const MAX_RECORDS: usize = 100_000;

/// The configuration a fake is built with (a restart may switch `production`).
#[derive(Clone)]
pub(crate) struct Config {
    clock: Arc<dyn Clock>,
    production: bool,
    cookie_secret: CookieSecret,
    jwt: JwtKeys,
    auth_cors: Vec<String>,
    store_cors: Vec<String>,
    admin_cors: Vec<String>,
}

/// The database, the sessions, the fault rules and counters.
#[derive(Debug, Default, Clone)]
pub(crate) struct State {
    users: Vec<UserRecord>,
    customers: Vec<CustomerRecord>,
    identities: Vec<AuthIdentity>,
    api_keys: Vec<ApiKeyRecord>,
    sales_channels: Vec<SalesChannel>,
    resets: ResetTokens,
    sessions: Sessions,
    faults: Faults,
    /// The seeded keys and channel.
    publishable_key_id: String,
    secret_key_id: String,
    sales_channel_id: String,
}

impl State {
    /// Whether one more record would pass [`MAX_RECORDS`].
    fn is_full(&self) -> bool {
        [
            self.users.len(),
            self.customers.len(),
            self.identities.len(),
            self.api_keys.len(),
        ]
        .into_iter()
        .any(|n| n >= MAX_RECORDS)
    }

    /// The identity of `email`, made (actor-less) when there is none.
    fn identity_for(&mut self, email: &str, password: &str, now: std::time::SystemTime) -> usize {
        if let Some(index) = self.identities.iter().position(|i| i.email == email) {
            return index;
        }
        self.identities.push(AuthIdentity {
            id: new_id("authid", now),
            email: email.to_owned(),
            password: PasswordHash::new(password),
            app_metadata: json::Js::empty_object(),
        });
        self.identities.len() - 1
    }

    fn add_user(&mut self, seed: &SeedV2User, now: std::time::SystemTime) -> String {
        let at = timestamp(now);
        let user = UserRecord {
            id: new_id("user", now),
            email: seed.email.clone(),
            first_name: seed.first_name.clone(),
            last_name: seed.last_name.clone(),
            created_at: at,
            updated_at: at,
        };
        let id = user.id.clone();
        let index = self.identity_for(&seed.email, seed.password.expose_secret(), now);
        self.identities[index].link("user", &id);
        self.users.push(user);
        id
    }

    fn add_customer(&mut self, seed: &SeedCustomer, now: std::time::SystemTime) -> String {
        let at = timestamp(now);
        let customer = CustomerRecord {
            id: new_id("cus", now),
            email: seed.email.clone(),
            company_name: None,
            first_name: seed.first_name.clone(),
            last_name: seed.last_name.clone(),
            phone: None,
            metadata: json::Js::Null,
            has_account: true,
            created_at: at,
            updated_at: at,
        };
        let id = customer.id.clone();
        let index = self.identity_for(&seed.email, seed.password.expose_secret(), now);
        self.identities[index].link("customer", &id);
        self.customers.push(customer);
        id
    }
}

/// A new key's token: `pk_`/`sk_` and 32 random bytes in hex.
fn new_key_token(kind: KeyKind) -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    match kind {
        KeyKind::Publishable => format!("pk_{hex}"),
        KeyKind::Secret => format!("sk_{hex}"),
    }
}

struct Inner {
    config: Config,
    state: Mutex<State>,
}

/// A fake Medusa v2 backend for tests, answering the v2 auth routes (and the few
/// admin and store routes around them) as a real Medusa 2.21.2 does: `emailpass`
/// login and registration for any actor type, actor-less tokens, cookie sessions,
/// token refresh, password reset, secret and publishable API keys.
///
/// Cheap to clone: clones share the same state. Reach it in memory with
/// [`FakeMedusaV2::handle`] or [`FakeMedusaV2::transport`], or over loopback HTTP
/// with `FakeMedusaV2::start_server` (feature `server`); both go through
/// [`FakeMedusaV2::serve`].
///
/// ```
/// use bytes::Bytes;
/// use medusa_auth_mock::{FakeMedusaV2, SeedV2};
///
/// let fake = FakeMedusaV2::from_seed(&SeedV2::interop());
/// let login = http::Request::post("/auth/customer/emailpass")
///     .header("content-type", "application/json")
///     .body(Bytes::from(r#"{"email":"customer@example.com","password":"supersecret"}"#))?;
/// let answer = fake.handle(login);
/// assert_eq!(answer.status(), 200);
/// let body: serde_json::Value = serde_json::from_slice(answer.body())?;
/// let token = body["token"].as_str().unwrap();
///
/// let me = http::Request::get("/store/customers/me")
///     .header("authorization", format!("Bearer {token}"))
///     .header("x-publishable-api-key", fake.publishable_key())
///     .body(Bytes::new())?;
/// let answer = fake.handle(me);
/// assert_eq!(answer.status(), 200);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FakeMedusaV2 {
    inner: Arc<Inner>,
}

impl fmt::Debug for FakeMedusaV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("FakeMedusaV2")
            .field("production", &self.inner.config.production)
            .field("users", &state.users.len())
            .field("customers", &state.customers.len())
            .field("identities", &state.identities.len())
            .field("api_keys", &state.api_keys.len())
            .field("sessions", &state.sessions.len())
            .field("pending_faults", &state.faults.pending())
            .finish()
    }
}

impl Default for FakeMedusaV2 {
    /// A development-mode fake with nobody in it (its keys and sales channel made).
    fn default() -> Self {
        FakeMedusaV2::builder().build()
    }
}

impl FakeMedusaV2 {
    /// Starts seeding a fake.
    pub fn builder() -> FakeMedusaV2Builder {
        FakeMedusaV2Builder::default()
    }

    /// A development-mode fake seeded with `seed`, on the system clock.
    pub fn from_seed(seed: &SeedV2) -> Self {
        FakeMedusaV2::builder().seed(seed).build()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every update completes under the lock without panicking paths, so a
        // poisoned lock still holds consistent data.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The request handler: answers `request` as Medusa v2 would. No fault rule
    /// applies and nothing is counted: that is [`FakeMedusaV2::serve`]. Never
    /// panics, whatever the request.
    ///
    /// The URI may be absolute (`http://host/auth/session`) or origin-form
    /// (`/auth/session`); an `https` URI counts as a TLS connection for
    /// production-mode cookies, as does `X-Forwarded-Proto: https`.
    pub fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        let mut state = self.state();
        handler::handle(&self.inner.config, &mut state, request)
    }

    /// Counts `request`, applies the first fault rule of its route if there is one
    /// (answering with it, waiting with `sleep` first, or dropping the connection),
    /// and otherwise answers with [`FakeMedusaV2::handle`]. The in-memory transport
    /// and the loopback server both call this.
    pub async fn serve(
        &self,
        request: Request<Bytes>,
        sleep: &dyn Sleep,
    ) -> Result<Response<Bytes>, ConnectionDropped> {
        let route = Route::new(request.method().clone(), request.uri().path());
        let fault = self.state().faults.admit(route.clone());
        if let Some(fault) = fault {
            if let Outcome::Answer(answer) =
                faults::apply(fault, &route, self.clock(), sleep).await?
            {
                return Ok(answer);
            }
        }
        Ok(self.handle(request))
    }

    /// An in-memory transport to this fake (no sockets).
    pub fn transport(&self) -> MemoryTransportV2 {
        MemoryTransportV2::new(self)
    }

    /// The clock the fake reads (JWT `iat`/`exp`, cookie and session expiry, dates).
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.inner.config.clock.clone()
    }

    /// Whether the fake runs as `NODE_ENV=production` (a `Secure; SameSite=Lax`
    /// cookie, and none at all over plain HTTP).
    pub fn is_production(&self) -> bool {
        self.inner.config.production
    }

    /// The server restarted, optionally in the other mode: a new fake over a copy of
    /// this one's database (users, customers, identities, keys, reset tokens) and
    /// its secrets, with no cookie session (they live in memory, as on a server
    /// without Redis), no fault rule and zeroed counters. JWTs stay valid.
    pub fn restarted(&self, production: bool) -> FakeMedusaV2 {
        let mut state = self.state().clone();
        state.sessions = Sessions::default();
        state.faults = Faults::default();
        let mut config = self.inner.config.clone();
        config.production = production;
        FakeMedusaV2 {
            inner: Arc::new(Inner {
                config,
                state: Mutex::new(state),
            }),
        }
    }

    /// The seeded publishable key (`pk_…`), for `x-publishable-api-key`.
    pub fn publishable_key(&self) -> String {
        let state = self.state();
        state
            .api_keys
            .iter()
            .find(|k| k.id == state.publishable_key_id)
            .map(|k| k.token.expose_secret().to_owned())
            .unwrap_or_default()
    }

    /// The id (`apk_…`) of the seeded publishable key.
    pub fn publishable_key_id(&self) -> String {
        self.state().publishable_key_id.clone()
    }

    /// The seeded secret API key (`sk_…`), for `Authorization: Basic`.
    pub fn secret_key(&self) -> SecretString {
        let state = self.state();
        state
            .api_keys
            .iter()
            .find(|k| k.id == state.secret_key_id)
            .map(|k| k.token.clone())
            .unwrap_or_else(|| SecretString::from(""))
    }

    /// The id (`apk_…`) of the seeded secret key: the actor of its requests.
    pub fn secret_key_id(&self) -> String {
        self.state().secret_key_id.clone()
    }

    /// The id (`sc_…`) of the sales channel the publishable key is linked to.
    pub fn sales_channel_id(&self) -> String {
        self.state().sales_channel_id.clone()
    }

    /// The id (`user_…`) of the admin user with this e-mail (exact).
    pub fn admin_id(&self, email: &str) -> Option<String> {
        self.state()
            .users
            .iter()
            .find(|u| u.email == email)
            .map(|u| u.id.clone())
    }

    /// The id (`cus_…`) of the customer with an account and this e-mail (exact).
    pub fn customer_id(&self, email: &str) -> Option<String> {
        self.state()
            .customers
            .iter()
            .find(|c| c.has_account && c.email == email)
            .map(|c| c.id.clone())
    }

    /// The id (`authid_…`) of the auth identity of this e-mail (exact).
    pub fn auth_identity_id(&self, email: &str) -> Option<String> {
        self.state()
            .identities
            .iter()
            .find(|i| i.email == email)
            .map(|i| i.id.clone())
    }

    /// Adds an admin user (as `medusa user` makes one); returns its id. An identity
    /// of that e-mail is linked to it, or made with this password.
    pub fn add_admin(&self, email: &str, password: &str) -> String {
        let now = system_now(&*self.inner.config.clock);
        self.state()
            .add_user(&SeedV2User::new(email, password), now)
    }

    /// Adds a customer with an account; returns its id. An identity of that e-mail
    /// is linked to it, or made with this password.
    pub fn add_customer(&self, email: &str, password: &str) -> String {
        let now = system_now(&*self.inner.config.clock);
        self.state()
            .add_customer(&SeedCustomer::new(email, password), now)
    }

    /// Every password-reset token issued for `email`, oldest first: what the
    /// `auth.password_reset` events carried (a real server e-mails none; a
    /// notification subscriber would). Older ones are void once a newer one exists.
    pub fn reset_tokens(&self, email: &str) -> Vec<String> {
        self.state().resets.tokens(email)
    }

    /// The last password-reset token issued for `email`.
    pub fn last_reset_token(&self, email: &str) -> Option<String> {
        self.reset_tokens(email).pop()
    }

    /// The `metadata` and actor type of the last reset request for `email`, as the
    /// event carried them (`{"entity_id", "actor_type", "token", "metadata"}` minus
    /// the token): `(actor_type, metadata as JSON text)`.
    pub fn last_reset_event(&self, email: &str) -> Option<(String, String)> {
        self.state()
            .resets
            .events()
            .filter(|e| e.entity_id == email)
            .last()
            .map(|e| (e.actor_type.clone(), e.metadata.to_json()))
    }

    /// Signs `claims` (the text of a JSON object, its keys kept in order) with the
    /// fake's JWT secret, as the real server with that secret would (HS256): for
    /// tests of expired, forged or unusual tokens. `None` when `claims` is not a
    /// JSON object.
    pub fn sign_claims(&self, claims: &str) -> Option<String> {
        let payload = json::parse(claims).ok().filter(json::Js::is_record)?;
        Some(self.inner.config.jwt.sign(&payload))
    }

    /// How many server-side sessions exist (only `POST /auth/session` makes one).
    pub fn session_count(&self) -> usize {
        self.state().sessions.len()
    }

    /// The next `times` requests to `method` `path` (the path as sent, without the
    /// query) get `fault` instead of their normal answer, as with the v1 fake.
    pub fn fail_next(&self, method: Method, path: &str, times: usize, fault: Fault) {
        self.state()
            .faults
            .add(Route::new(method, path), times, fault);
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.state().faults.clear_rules();
    }

    /// How many faulty answers the rules still hold.
    pub fn pending_faults(&self) -> usize {
        self.state().faults.pending()
    }

    /// How many requests to `method` `path` went through [`FakeMedusaV2::serve`]
    /// (faulted ones included).
    pub fn received(&self, method: Method, path: &str) -> usize {
        self.state().faults.received(&Route::new(method, path))
    }

    /// How many requests went through [`FakeMedusaV2::serve`] in all.
    pub fn received_total(&self) -> usize {
        self.state().faults.total()
    }

    /// Zeroes the counters.
    pub fn reset_counters(&self) {
        self.state().faults.reset_counters();
    }
}

/// Seeds and configures a [`FakeMedusaV2`].
///
/// ```
/// use medusa_auth_mock::{FakeMedusaV2, ManualClock, SeedV2};
///
/// let clock = ManualClock::at_http_date("Tue, 01 Dec 2026 14:01:22 GMT");
/// let fake = FakeMedusaV2::builder()
///     .seed(&SeedV2::transcript())
///     .customer_named("second@example.com", "supersecret", "Second", "Customer")
///     .clock(clock)
///     .production(false)
///     .build();
/// assert!(fake.admin_id("admin@example.com").is_some());
/// assert!(fake.publishable_key().starts_with("pk_"));
/// ```
#[derive(Default)]
pub struct FakeMedusaV2Builder {
    admins: Vec<SeedV2User>,
    customers: Vec<SeedCustomer>,
    sales_channel: Option<String>,
    publishable_key: Option<String>,
    secret_key: Option<SecretString>,
    clock: Option<Arc<dyn Clock>>,
    production: bool,
    cookie_secret: Option<SecretString>,
    jwt_secret: Option<SecretString>,
    auth_cors: Option<Vec<String>>,
    store_cors: Option<Vec<String>>,
    admin_cors: Option<Vec<String>>,
}

impl fmt::Debug for FakeMedusaV2Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeMedusaV2Builder")
            .field(
                "admins",
                &self.admins.iter().map(|a| &a.email).collect::<Vec<_>>(),
            )
            .field(
                "customers",
                &self.customers.iter().map(|c| &c.email).collect::<Vec<_>>(),
            )
            .field("production", &self.production)
            .finish_non_exhaustive()
    }
}

fn origins<I: IntoIterator<Item = S>, S: Into<String>>(list: I) -> Vec<String> {
    list.into_iter().map(Into::into).collect()
}

impl FakeMedusaV2Builder {
    /// Adds an admin user (its e-mail kept as given: v2 identities are
    /// case-sensitive).
    pub fn admin(mut self, email: &str, password: &str) -> Self {
        self.admins.push(SeedV2User::new(email, password));
        self
    }

    /// Adds a customer with an account.
    pub fn customer(mut self, email: &str, password: &str) -> Self {
        self.customers.push(SeedCustomer::new(email, password));
        self
    }

    /// Adds a customer with an account and a name.
    pub fn customer_named(
        mut self,
        email: &str,
        password: &str,
        first_name: &str,
        last_name: &str,
    ) -> Self {
        self.customers
            .push(SeedCustomer::new(email, password).named(first_name, last_name));
        self
    }

    /// Adds everyone and everything of `seed` (its keys when it names them).
    pub fn seed(mut self, seed: &SeedV2) -> Self {
        self.admins.push(seed.admin.clone());
        self.customers.extend(seed.customers.iter().cloned());
        self.sales_channel = Some(seed.sales_channel.clone());
        if let Some(key) = &seed.publishable_key {
            self.publishable_key = Some(key.clone());
        }
        if let Some(key) = &seed.secret_key {
            self.secret_key = Some(key.clone());
        }
        self
    }

    /// The publishable key to seed (default: a made one).
    pub fn publishable_key(mut self, token: &str) -> Self {
        self.publishable_key = Some(token.to_owned());
        self
    }

    /// The secret API key to seed (default: a made one).
    pub fn secret_key(mut self, token: &str) -> Self {
        self.secret_key = Some(token.into());
        self
    }

    /// The clock the fake reads (default: the system clock). Hand the same one to
    /// a client to test expiry.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Production mode (`NODE_ENV=production`): the cookie is `Secure;
    /// SameSite=Lax` and no `Set-Cookie` at all is sent over plain HTTP, unless the
    /// request says `X-Forwarded-Proto: https` (or, in memory, its URI is `https`).
    pub fn production(mut self, production: bool) -> Self {
        self.production = production;
        self
    }

    /// The `cookieSecret` the session cookie is signed with (default: random).
    pub fn cookie_secret(mut self, secret: &str) -> Self {
        self.cookie_secret = Some(secret.into());
        self
    }

    /// The `jwtSecret` the JWTs are signed with (default: the recorded server's,
    /// [`RECORDED_JWT_SECRET`]).
    pub fn jwt_secret(mut self, secret: &str) -> Self {
        self.jwt_secret = Some(secret.into());
        self
    }

    /// The origins `/auth` allows (`authCors`; default `http://localhost:7001` and
    /// `http://localhost:8000`, as recorded).
    pub fn auth_cors<I: IntoIterator<Item = S>, S: Into<String>>(mut self, list: I) -> Self {
        self.auth_cors = Some(origins(list));
        self
    }

    /// The origins `/store` allows (`storeCors`; default `http://localhost:8000`).
    pub fn store_cors<I: IntoIterator<Item = S>, S: Into<String>>(mut self, list: I) -> Self {
        self.store_cors = Some(origins(list));
        self
    }

    /// The origins `/admin` allows (`adminCors`; default `http://localhost:7001`).
    pub fn admin_cors<I: IntoIterator<Item = S>, S: Into<String>>(mut self, list: I) -> Self {
        self.admin_cors = Some(origins(list));
        self
    }

    /// Builds the fake.
    pub fn build(self) -> FakeMedusaV2 {
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let now = system_now(&*clock);
        let at = timestamp(now);
        let mut state = State::default();
        for admin in &self.admins {
            state.add_user(admin, now);
        }
        for customer in &self.customers {
            state.add_customer(customer, now);
        }
        let channel = SalesChannel {
            id: new_id("sc", now),
            name: self
                .sales_channel
                .unwrap_or_else(|| "medusa-auth interop".to_owned()),
        };
        let created_by = state
            .users
            .first()
            .map(|u| u.id.clone())
            .unwrap_or_default();
        let key =
            |kind: KeyKind, token: SecretString, title: &str, channels: Vec<String>| ApiKeyRecord {
                id: new_id("apk", now),
                token,
                title: title.to_owned(),
                kind,
                created_by: created_by.clone(),
                revoked_by: None,
                revoked_at: None,
                created_at: at,
                updated_at: at,
                sales_channels: channels,
            };
        let publishable = key(
            KeyKind::Publishable,
            self.publishable_key
                .unwrap_or_else(|| new_key_token(KeyKind::Publishable))
                .into(),
            "medusa-auth interop storefront",
            vec![channel.id.clone()],
        );
        let secret = key(
            KeyKind::Secret,
            self.secret_key
                .unwrap_or_else(|| new_key_token(KeyKind::Secret).into()),
            "medusa-auth interop secret",
            Vec::new(),
        );
        state.publishable_key_id = publishable.id.clone();
        state.secret_key_id = secret.id.clone();
        state.sales_channel_id = channel.id.clone();
        state.api_keys = vec![publishable, secret];
        state.sales_channels = vec![channel];
        let random_secret = || {
            let mut bytes = [0u8; 32];
            rand::fill(&mut bytes);
            bytes.to_vec()
        };
        let cookie_secret = self
            .cookie_secret
            .map(|s| s.expose_secret().as_bytes().to_vec())
            .unwrap_or_else(random_secret);
        let jwt_secret = self
            .jwt_secret
            .map(|s| s.expose_secret().as_bytes().to_vec())
            .unwrap_or_else(|| RECORDED_JWT_SECRET.as_bytes().to_vec());
        let config = Config {
            clock,
            production: self.production,
            cookie_secret: CookieSecret::new(&cookie_secret),
            jwt: JwtKeys::new(&jwt_secret),
            auth_cors: self
                .auth_cors
                .unwrap_or_else(|| origins(["http://localhost:7001", "http://localhost:8000"])),
            store_cors: self
                .store_cors
                .unwrap_or_else(|| origins(["http://localhost:8000"])),
            admin_cors: self
                .admin_cors
                .unwrap_or_else(|| origins(["http://localhost:7001"])),
        };
        FakeMedusaV2 {
            inner: Arc::new(Inner {
                config,
                state: Mutex::new(state),
            }),
        }
    }
}
