//! The stateful fake Medusa: admin users, customers, sessions behind a signed
//! `connect.sid` cookie, API tokens and HS256 JWTs, answering the auth routes as a
//! real Medusa 1.20 does (see `testdata/fixtures/transcripts.md`).

mod answer;
mod body;
mod email;
mod faults;
mod handler;
mod ids;
mod jwt;
mod memo;
mod password;
mod records;
mod session;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{Method, Request, Response};
use medusa_auth_core::{
    Client, ClientBuilder, Clock, ExposeSecret, SecretString, Sleep, SystemClock, UserRole,
};

pub use faults::{Fault, IdempotencyKey, Route};

#[cfg(feature = "server")]
pub(crate) use handler::BodyTooLarge;

use crate::memory::MemoryTransport;
use crate::seed::Seed;
use answer::Answer;
use faults::{FaultKind, Faults};
use ids::{new_id, system_now, timestamp};
use jwt::JwtKeys;
use password::PasswordHash;
use records::{CustomerRecord, UserRecord};
use session::{CookieSecret, SessionStore};

/// The configuration a fake is built with; it does not change afterwards.
struct Config {
    clock: Arc<dyn Clock>,
    production: bool,
    cookie_secret: CookieSecret,
    jwt: JwtKeys,
    admin_cors: Vec<String>,
    store_cors: Vec<String>,
}

/// What changes: the database, the sessions, the fault rules and counters.
#[derive(Debug, Default)]
struct State {
    users: Vec<UserRecord>,
    customers: Vec<CustomerRecord>,
    sessions: SessionStore,
    faults: Faults,
}

struct Inner {
    config: Config,
    state: Mutex<State>,
}

/// A fake Medusa v1 backend for tests, answering the nine auth calls (and
/// `POST /store/customers`, `GET /health`) as the real server does.
///
/// Cheap to clone: clones share the same state. Reach it in memory with
/// [`FakeMedusa::transport`] or [`FakeMedusa::client`], or over loopback HTTP with
/// `FakeMedusa::start_server` (feature `server`); both go through
/// [`FakeMedusa::serve`], the one request handler.
///
/// ```
/// use medusa_auth_mock::FakeMedusa;
///
/// let fake = FakeMedusa::builder()
///     .admin("admin@example.com", "supersecret")
///     .api_token("sk_test")
///     .customer("customer@example.com", "supersecret")
///     .guest("guest@example.com")
///     .build();
/// let client = fake.client();
/// futures::executor::block_on(async {
///     let session = client.session();
///     let user = session.admin().create_session("ADMIN@example.com", "supersecret").await?;
///     assert_eq!(user.email, "admin@example.com");
///     assert!(session.store().exists("customer@example.com").await?);
///     assert!(!session.store().exists("guest@example.com").await?);
///     Ok::<(), medusa_auth_core::Error>(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FakeMedusa {
    inner: Arc<Inner>,
}

impl fmt::Debug for FakeMedusa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("FakeMedusa")
            .field("production", &self.inner.config.production)
            .field("users", &state.users.len())
            .field("customers", &state.customers.len())
            .field("sessions", &state.sessions.len())
            .field("pending_faults", &state.faults.pending())
            .finish()
    }
}

/// The fake dropped the connection (a [`Fault::drop_connection`] rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionDropped;

impl fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the fake Medusa dropped the connection (a fault rule)")
    }
}

impl std::error::Error for ConnectionDropped {}

impl Default for FakeMedusa {
    fn default() -> Self {
        FakeMedusa::builder().build()
    }
}

impl FakeMedusa {
    /// Starts seeding a fake.
    pub fn builder() -> FakeMedusaBuilder {
        FakeMedusaBuilder::default()
    }

    /// A development-mode fake seeded with `seed`, on the system clock.
    pub fn from_seed(seed: &Seed) -> Self {
        FakeMedusa::builder().seed(seed).build()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every update of the state completes under the lock without panicking
        // paths, so a poisoned lock still holds consistent data.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The request handler: answers `request` as Medusa would, updating sessions and
    /// customers. No fault rule applies and nothing is counted: that is
    /// [`FakeMedusa::serve`]. Never panics, whatever the request.
    ///
    /// The request URI may be absolute (`http://host/admin/auth`, as a core client
    /// builds it) or origin-form (`/admin/auth`, as a server receives it); an
    /// `https` URI counts as a TLS connection for production-mode cookies.
    pub fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        let mut state = self.state();
        handler::handle(&self.inner.config, &mut state, request)
    }

    /// Counts `request`, applies the first fault rule of its route if there is one
    /// (answering with it, waiting with `sleep` before answering, or dropping the
    /// connection), and otherwise answers with [`FakeMedusa::handle`]. Both the
    /// in-memory transport and the loopback server call this.
    pub async fn serve(
        &self,
        request: Request<Bytes>,
        sleep: &dyn Sleep,
    ) -> Result<Response<Bytes>, ConnectionDropped> {
        let route = Route::new(request.method().clone(), request.uri().path());
        let key = request
            .headers()
            .get(medusa_auth_core::internal::IDEMPOTENCY_KEY)
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .chars()
                    .take(200)
                    .collect()
            });
        let fault = self.state().faults.admit(route, key);
        match fault.map(|f| f.kind) {
            None => Ok(self.handle(request)),
            Some(FaultKind::Delay(delay)) => {
                sleep.sleep(delay).await;
                Ok(self.handle(request))
            }
            Some(FaultKind::Drop) => Err(ConnectionDropped),
            Some(FaultKind::Status {
                status,
                retry_after,
                content_type,
                body,
            }) => {
                let date = httpdate::fmt_http_date(system_now(&*self.inner.config.clock));
                let date = http::HeaderValue::from_str(&date).unwrap_or(
                    http::HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
                );
                let head = request.method() == Method::HEAD;
                Ok(Answer::fault(status, content_type, retry_after, body)
                    .into_response(None, date, head, false))
            }
        }
    }

    /// An in-memory transport to this fake (no sockets).
    pub fn transport(&self) -> MemoryTransport {
        MemoryTransport::new(self)
    }

    /// A core client builder over the in-memory transport, on the fake's clock,
    /// with the default base URL (`http://localhost:9000`).
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(self.transport()).clock(self.clock())
    }

    /// A core client over the in-memory transport (see [`FakeMedusa::client_builder`]).
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .expect("the default client configuration is valid")
    }

    /// The clock the fake reads (cookie and session expiry, JWT `iat`/`exp`, dates).
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.inner.config.clock.clone()
    }

    /// Whether the fake runs as `NODE_ENV=production` (Secure cookies, none over plain HTTP).
    pub fn is_production(&self) -> bool {
        self.inner.config.production
    }

    /// The next `times` requests to `method` `path` (the path as sent, without the
    /// query) get `fault` instead of their normal answer. Rules of one route apply
    /// in the order they were added.
    ///
    /// ```
    /// use http::Method;
    /// use medusa_auth_mock::{FakeMedusa, Fault};
    /// let fake = FakeMedusa::default();
    /// fake.fail_next(Method::GET, "/admin/auth", 2, Fault::status(503).retry_after("1"));
    /// assert_eq!(fake.pending_faults(), 2);
    /// ```
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

    /// How many requests to `method` `path` the fake received (faulted ones included).
    pub fn received(&self, method: Method, path: &str) -> usize {
        self.state().faults.received(&Route::new(method, path))
    }

    /// How many requests the fake received in all.
    pub fn received_total(&self) -> usize {
        self.state().faults.total()
    }

    /// Every `Idempotency-Key` received, in order, with its route.
    pub fn idempotency_keys(&self) -> Vec<IdempotencyKey> {
        self.state().faults.idempotency_keys()
    }

    /// Zeroes the counters and forgets the idempotency keys.
    pub fn reset_counters(&self) {
        self.state().faults.reset_counters();
    }

    /// How many server-side sessions exist (anonymous ones included).
    pub fn session_count(&self) -> usize {
        self.state().sessions.len()
    }

    /// The id of the live admin user with this email.
    pub fn admin_id(&self, email: &str) -> Option<String> {
        let email = email.to_lowercase();
        self.state()
            .users
            .iter()
            .find(|u| u.is_live() && u.email == email)
            .map(|u| u.id.clone())
    }

    /// The id of the live customer with an account and this email.
    pub fn customer_id(&self, email: &str) -> Option<String> {
        let email = email.to_lowercase();
        self.state()
            .customers
            .iter()
            .find(|c| c.is_registered() && c.email == email)
            .map(|c| c.id.clone())
    }

    /// Adds an admin user (role `member`, as `medusa user` makes them); returns its id.
    pub fn add_admin(&self, email: &str, password: &str) -> String {
        let user = user_record(
            &SeedAdminData {
                email: email.to_owned(),
                password: password.into(),
                api_token: None,
                role: UserRole::Member,
            },
            system_now(&*self.inner.config.clock),
        );
        let id = user.id.clone();
        self.state().users.push(user);
        id
    }

    /// Adds a customer with an account; returns its id.
    pub fn add_customer(&self, email: &str, password: &str) -> String {
        let customer = customer_record(
            email,
            Some(password),
            None,
            None,
            system_now(&*self.inner.config.clock),
        );
        let id = customer.id.clone();
        self.state().customers.push(customer);
        id
    }

    /// Soft-deletes the admin user with this email (its sessions and JWTs then get
    /// `400 Bad Request` from `GET /admin/auth`, as on the real server); whether
    /// there was one.
    pub fn remove_admin(&self, email: &str) -> bool {
        let email = email.to_lowercase();
        let now = timestamp(system_now(&*self.inner.config.clock));
        let mut state = self.state();
        match state
            .users
            .iter_mut()
            .find(|u| u.is_live() && u.email == email)
        {
            Some(user) => {
                user.deleted_at = Some(now);
                true
            }
            None => false,
        }
    }

    /// Soft-deletes every customer with this email (their sessions and JWTs then get
    /// `404 not_found` from `GET /store/auth`); whether there was one.
    pub fn remove_customer(&self, email: &str) -> bool {
        let email = email.to_lowercase();
        let now = timestamp(system_now(&*self.inner.config.clock));
        let mut state = self.state();
        let mut removed = false;
        for customer in state
            .customers
            .iter_mut()
            .filter(|c| c.is_live() && c.email == email)
        {
            customer.deleted_at = Some(now);
            removed = true;
        }
        removed
    }
}

/// What the builder keeps of an admin until it builds.
#[derive(Clone)]
struct SeedAdminData {
    email: String,
    password: SecretString,
    api_token: Option<SecretString>,
    role: UserRole,
}

#[derive(Clone)]
struct SeedCustomerData {
    email: String,
    /// `None`: a guest (no account).
    password: Option<SecretString>,
    first_name: Option<String>,
    last_name: Option<String>,
}

fn user_record(seed: &SeedAdminData, now: std::time::SystemTime) -> UserRecord {
    let at = timestamp(now);
    UserRecord {
        id: new_id("usr", now),
        email: seed.email.to_lowercase(),
        password: PasswordHash::new(seed.password.expose_secret()),
        role: seed.role.clone(),
        first_name: None,
        last_name: None,
        api_token: seed.api_token.clone(),
        metadata: None,
        created_at: at,
        updated_at: at,
        deleted_at: None,
    }
}

fn customer_record(
    email: &str,
    password: Option<&str>,
    first_name: Option<&str>,
    last_name: Option<&str>,
    now: std::time::SystemTime,
) -> CustomerRecord {
    let at = timestamp(now);
    CustomerRecord {
        id: new_id("cus", now),
        email: email.to_lowercase(),
        password: password.map(PasswordHash::new),
        first_name: first_name.map(str::to_owned),
        last_name: last_name.map(str::to_owned),
        phone: None,
        has_account: password.is_some(),
        created_at: at,
        updated_at: at,
        deleted_at: None,
    }
}

/// Seeds and configures a [`FakeMedusa`].
///
/// ```
/// use medusa_auth_mock::{FakeMedusa, ManualClock};
/// use medusa_auth_core::UserRole;
///
/// let clock = ManualClock::at_http_date("Sun, 22 Nov 2026 13:08:29 GMT");
/// let fake = FakeMedusa::builder()
///     .admin("admin@example.com", "supersecret")
///     .api_token("real_medusa_admin_api_token")
///     .role(UserRole::Admin)
///     .customer_named("customer@example.com", "supersecret", "Test", "Customer")
///     .guest("guest@example.com")
///     .clock(clock.clone())
///     .production(false)
///     .build();
/// assert!(fake.admin_id("admin@example.com").is_some());
/// ```
#[derive(Default)]
pub struct FakeMedusaBuilder {
    admins: Vec<SeedAdminData>,
    customers: Vec<SeedCustomerData>,
    clock: Option<Arc<dyn Clock>>,
    production: bool,
    cookie_secret: Option<SecretString>,
    jwt_secret: Option<SecretString>,
    admin_cors: Option<Vec<String>>,
    store_cors: Option<Vec<String>>,
}

impl fmt::Debug for FakeMedusaBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeMedusaBuilder")
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

impl FakeMedusaBuilder {
    /// Adds an admin user (role `member`, as `medusa user` makes them). The email is
    /// stored lower-cased; the password only as a salted hash.
    pub fn admin(mut self, email: &str, password: &str) -> Self {
        self.admins.push(SeedAdminData {
            email: email.to_owned(),
            password: password.into(),
            api_token: None,
            role: UserRole::Member,
        });
        self
    }

    /// Gives the admin added last an API token (`x-medusa-access-token`).
    ///
    /// # Panics
    /// When no admin was added before.
    pub fn api_token(mut self, token: &str) -> Self {
        let admin = self
            .admins
            .last_mut()
            .expect("api_token() applies to the last admin: call admin(email, password) first");
        admin.api_token = Some(token.into());
        self
    }

    /// Sets the role of the admin added last.
    ///
    /// # Panics
    /// When no admin was added before.
    pub fn role(mut self, role: UserRole) -> Self {
        let admin = self
            .admins
            .last_mut()
            .expect("role() applies to the last admin: call admin(email, password) first");
        admin.role = role;
        self
    }

    /// Adds a customer with an account.
    pub fn customer(self, email: &str, password: &str) -> Self {
        self.add_customer(email, Some(password), None, None)
    }

    /// Adds a customer with an account and a name.
    pub fn customer_named(
        self,
        email: &str,
        password: &str,
        first_name: &str,
        last_name: &str,
    ) -> Self {
        self.add_customer(email, Some(password), Some(first_name), Some(last_name))
    }

    /// Adds a guest customer: one without an account (made by a guest checkout).
    /// Its logins fail and `exists` says `false`.
    pub fn guest(self, email: &str) -> Self {
        self.add_customer(email, None, None, None)
    }

    fn add_customer(
        mut self,
        email: &str,
        password: Option<&str>,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> Self {
        self.customers.push(SeedCustomerData {
            email: email.to_owned(),
            password: password.map(SecretString::from),
            first_name: first_name.map(str::to_owned),
            last_name: last_name.map(str::to_owned),
        });
        self
    }

    /// Adds everyone of `seed`: its admin (with API token and role), its customers
    /// and its guests.
    pub fn seed(mut self, seed: &Seed) -> Self {
        self.admins.push(SeedAdminData {
            email: seed.admin.email.clone(),
            password: seed.admin.password.clone(),
            api_token: seed.admin.api_token.clone(),
            role: seed.admin.role.clone(),
        });
        for customer in &seed.customers {
            self.customers.push(SeedCustomerData {
                email: customer.email.clone(),
                password: Some(customer.password.clone()),
                first_name: customer.first_name.clone(),
                last_name: customer.last_name.clone(),
            });
        }
        for guest in &seed.guests {
            self = self.guest(guest);
        }
        self
    }

    /// The clock the fake reads (default: the system clock). Hand the same one to
    /// the client to test expiry (`FakeMedusa::client` does).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Production mode (`NODE_ENV=production`): the cookie is `Secure; SameSite=None`
    /// and no `Set-Cookie` at all is sent over plain HTTP, unless the request says
    /// `X-Forwarded-Proto: https` (or, in memory, its URI is `https`).
    pub fn production(mut self, production: bool) -> Self {
        self.production = production;
        self
    }

    /// The `cookie_secret` the session cookie is signed with (default: random).
    pub fn cookie_secret(mut self, secret: &str) -> Self {
        self.cookie_secret = Some(secret.into());
        self
    }

    /// The `jwt_secret` the JWTs are signed with (default: random).
    pub fn jwt_secret(mut self, secret: &str) -> Self {
        self.jwt_secret = Some(secret.into());
        self
    }

    /// The origins `/admin` allows (`admin_cors`; default `http://localhost:7000`
    /// and `http://localhost:7001`).
    pub fn admin_cors<I: IntoIterator<Item = S>, S: Into<String>>(mut self, origins: I) -> Self {
        self.admin_cors = Some(origins.into_iter().map(Into::into).collect());
        self
    }

    /// The origins `/store` allows (`store_cors`; default `http://localhost:8000`).
    pub fn store_cors<I: IntoIterator<Item = S>, S: Into<String>>(mut self, origins: I) -> Self {
        self.store_cors = Some(origins.into_iter().map(Into::into).collect());
        self
    }

    /// Builds the fake.
    pub fn build(self) -> FakeMedusa {
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let now = system_now(&*clock);
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
            .unwrap_or_else(random_secret);
        let state = State {
            users: self.admins.iter().map(|a| user_record(a, now)).collect(),
            customers: self
                .customers
                .iter()
                .map(|c| {
                    customer_record(
                        &c.email,
                        c.password.as_ref().map(|p| p.expose_secret()),
                        c.first_name.as_deref(),
                        c.last_name.as_deref(),
                        now,
                    )
                })
                .collect(),
            ..State::default()
        };
        let config = Config {
            clock,
            production: self.production,
            cookie_secret: CookieSecret::new(&cookie_secret),
            jwt: JwtKeys::new(&jwt_secret),
            admin_cors: self.admin_cors.unwrap_or_else(|| {
                vec![
                    "http://localhost:7000".into(),
                    "http://localhost:7001".into(),
                ]
            }),
            store_cors: self
                .store_cors
                .unwrap_or_else(|| vec!["http://localhost:8000".into()]),
        };
        FakeMedusa {
            inner: Arc::new(Inner {
                config,
                state: Mutex::new(state),
            }),
        }
    }
}
