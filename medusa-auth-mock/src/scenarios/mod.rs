//! One table of named scenarios, each a list of steps with the outcome expected,
//! covering every call, the credential rules and every error the auth routes produce
//! the auth routes can produce; and a runner that plays them through a core
//! [`Client`](medusa_auth_core::Client) against any backend: the in-memory fake, the
//! loopback fake, or a real Medusa seeded with the same [`Seed`](crate::Seed).
//!
//! The scenarios rely only on the seeded users and leave no trace on the server
//! but sessions, so they can run again and again against a real one.
//!
//! ```
//! use medusa_auth_mock::{FakeMedusa, Seed, scenarios};
//!
//! let seed = Seed::interop();
//! let fake = FakeMedusa::from_seed(&seed);
//! let target = scenarios::Target::memory(&fake);
//! let report = futures::executor::block_on(scenarios::run(&target, &seed, &scenarios::all()));
//! report.assert_success();
//! assert!(report.passed.len() >= 40);
//! ```
//!
//! The scenarios that need a user the seed lacks (a guest, a second customer, an
//! API token, an email with `+` or `/`) are skipped, and the report says so.
//!
//! Not in the table, because no seeded backend produces them through the auth
//! routes: 409 `conflict`, 500 errors, 404 `not_found` JSON and the 400 `Bad
//! Request` of a deleted admin. The fake makes them with fault rules
//! ([`Fault::status`](crate::Fault::status)) and
//! [`FakeMedusa::remove_admin`](crate::FakeMedusa::remove_admin) /
//! [`remove_customer`](crate::FakeMedusa::remove_customer); its own tests cover them.

mod runner;
mod table;

use http::Method;
use medusa_auth_core::Side;

pub use runner::{Failure, Report, Target, run};
pub use table::{all, production};

/// One named scenario: steps run in order on fresh session handles of one client.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Scenario {
    /// What it shows, as a sentence (unique in its table).
    pub name: &'static str,
    /// What it covers (`call: admin.create_session`, `error: 401 wrong password` …).
    pub covers: &'static [&'static str],
    /// The steps.
    pub steps: Vec<Step>,
}

impl Scenario {
    /// A scenario of your own, to run with [`run`] beside (or instead of) the tables.
    pub fn new(name: &'static str, covers: &'static [&'static str], steps: Vec<Step>) -> Self {
        Scenario {
            name,
            covers,
            steps,
        }
    }
}

/// One step: an action on session handle `session` (0, 1 …, made on first use),
/// and what must come of it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Step {
    /// Which session handle acts.
    pub session: usize,
    /// What it does.
    pub action: Action,
    /// Per-call custom headers (for the SDK calls).
    pub headers: Vec<(&'static str, &'static str)>,
    /// What must come of it.
    pub expect: Expect,
}

impl Step {
    /// A step without custom headers.
    pub fn new(session: usize, action: Action, expect: Expect) -> Self {
        Step {
            session,
            action,
            headers: Vec::new(),
            expect,
        }
    }

    /// Adds a per-call custom header.
    pub fn with_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// A seeded user, looked up in the [`Seed`](crate::Seed) when the scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Who {
    /// The seed's admin.
    Admin,
    /// The admin's email in upper case.
    AdminUpperCase,
    /// The seed's first customer.
    Customer,
    /// The first customer's email in upper case.
    CustomerUpperCase,
    /// The seed's second customer.
    SecondCustomer,
    /// A customer whose email has a `+`.
    CustomerWithPlus,
    /// A customer whose email has a `/`.
    CustomerWithSlash,
    /// The seed's first guest (a customer without an account).
    Guest,
    /// An email nobody has (`nobody@example.com`).
    Nobody,
    /// Not an email at all (`not-an-email`).
    NotAnEmail,
}

/// Which password a login sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Password {
    /// The user's own.
    Right,
    /// Another one.
    Wrong,
}

/// A token value to hand a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenValue {
    /// The seed admin's API token.
    SeedApiToken,
    /// A fixed value.
    Literal(&'static str),
}

/// What a step does.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Action {
    /// `admin.create_session(email, password)`.
    AdminCreateSession(Who, Password),
    /// `admin.get_session()`.
    AdminGetSession,
    /// `admin.delete_session()`.
    AdminDeleteSession,
    /// `admin.get_token(email, password)`.
    AdminGetToken(Who, Password),
    /// `store.authenticate(email, password)`.
    StoreAuthenticate(Who, Password),
    /// `store.get_session()`.
    StoreGetSession,
    /// `store.delete_session()`.
    StoreDeleteSession,
    /// `store.exists(email)`.
    StoreExists(Who),
    /// `store.get_token(email, password)`.
    StoreGetToken(Who, Password),
    /// Gives the session an API token (`Credentials::ApiToken`).
    UseApiToken(TokenValue),
    /// Gives the session a bearer token, declared for `side` (`Credentials::Bearer`).
    UseBearer(TokenValue, Side),
    /// Gives the session the JWT that session `from` holds for `side`, declared for
    /// `as_side` (to send a token to the other side's routes).
    UseBearerOf {
        /// The session holding the token.
        from: usize,
        /// The side it was issued for.
        side: Side,
        /// The side the receiving session files it under.
        as_side: Side,
    },
    /// Gives the session the session cookie that session `from` holds.
    UseCookieOf(usize),
    /// Remembers the session's cookie value, for a later [`Action::CheckCookie`].
    RememberCookie,
    /// Compares the session's cookie with the remembered one
    /// ([`Expect::SameCookie`], [`Expect::OtherCookie`], [`Expect::NoCookie`],
    /// [`Expect::HasCookie`]).
    CheckCookie,
    /// Sends a request built by hand through the same transport.
    Raw(RawRequest),
}

/// A request built by hand. In the path and header values, `{admin.email}`,
/// `{admin.password}`, `{admin.api_token}`, `{customer.email}` and
/// `{customer.password}` are replaced by the seed's values; in the body they are
/// replaced by JSON strings (quotes included).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawRequest {
    /// The method.
    pub method: Method,
    /// The path under the base URL.
    pub path: &'static str,
    /// Headers (`Accept: application/json` is always sent; `Content-Type:
    /// application/json` with a body unless given here).
    pub headers: Vec<(&'static str, &'static str)>,
    /// The body, if any.
    pub body: Option<&'static str>,
    /// Whether to send the session's cookie.
    pub with_cookie: bool,
    /// The side whose JWT, held by the session, to send as `Authorization: Bearer`
    /// (what the SDK itself never sends on some routes, such as a logout).
    pub with_bearer: Option<Side>,
}

impl RawRequest {
    /// `method path`, no body, no cookie.
    pub fn new(method: Method, path: &'static str) -> Self {
        RawRequest {
            method,
            path,
            headers: Vec::new(),
            body: None,
            with_cookie: false,
            with_bearer: None,
        }
    }

    /// A JSON body.
    pub fn body(mut self, body: &'static str) -> Self {
        self.body = Some(body);
        self
    }

    /// A header.
    pub fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sends the session's cookie.
    pub fn with_cookie(mut self) -> Self {
        self.with_cookie = true;
        self
    }

    /// Sends the JWT the session holds for `side` as `Authorization: Bearer`.
    pub fn with_bearer(mut self, side: Side) -> Self {
        self.with_bearer = Some(side);
        self
    }
}

/// What must come of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expect {
    /// Done (for the actions that only set things up).
    Applied,
    /// `Ok(User)` with this user's email (lower-case).
    User(Who),
    /// `Ok(Customer)` with this customer's email (lower-case).
    Customer(Who),
    /// `Ok(())` from a `delete_session`.
    Done,
    /// `Ok(AccessToken)` whose claims are those Medusa gives a token of `side`
    /// (the id, the domain, a 24 h or 30-day lifetime).
    Token(Side),
    /// `Ok(bool)` from `exists`.
    Exists(bool),
    /// An error that `is_unauthorized()` (a 401).
    Unauthorized,
    /// `Error::InvalidInput`: refused before anything was sent.
    InvalidInput,
    /// `Error::SessionCookieMissing`: the login left no usable cookie.
    SessionCookieMissing,
    /// [`Action::CheckCookie`]: the session holds the remembered cookie.
    SameCookie,
    /// [`Action::CheckCookie`]: the session holds a cookie, not the remembered one.
    OtherCookie,
    /// [`Action::CheckCookie`]: the session holds a cookie.
    HasCookie,
    /// [`Action::CheckCookie`]: the session holds no cookie.
    NoCookie,
    /// [`Action::Raw`]: this status, body and cookie behaviour.
    Response {
        /// The status.
        status: u16,
        /// The body's shape.
        body: BodyShape,
        /// The `Set-Cookie` behaviour.
        cookie: CookieExpect,
    },
}

/// The shape of a raw answer's body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyShape {
    /// Exactly this text.
    Text(&'static str),
    /// `{"type":"invalid_data","message":<this>}` and no `code`.
    InvalidData(&'static str),
    /// A Medusa JSON error with this `type`, `code` and `message`.
    ApiError {
        /// `type`.
        kind: &'static str,
        /// `code`, if any.
        code: Option<&'static str>,
        /// `message`.
        message: &'static str,
    },
    /// A JSON object with exactly these top-level keys.
    JsonKeys(&'static [&'static str]),
    /// An HTML page (`text/html`) containing this text.
    Html(&'static str),
}

/// What a raw answer does with the session cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieExpect {
    /// Not checked.
    Any,
    /// A `Set-Cookie: connect.sid=…; Path=/; Expires=…; HttpOnly` with a value other
    /// than the one sent (a new session).
    Fresh,
    /// As [`CookieExpect::Fresh`], and `Secure; SameSite=None` (production over HTTPS).
    FreshSecure,
    /// The very value that was sent, set again.
    Resent,
    /// No `Set-Cookie` at all.
    None,
}
