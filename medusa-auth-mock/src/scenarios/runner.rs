//! Plays scenarios against a backend through a core client and reports each
//! failure by scenario name.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header;
use medusa_auth_core::internal::{DEFAULT_BASE_URL, excerpt};
use medusa_auth_core::{
    AccessToken, Client, Clock, ConfigError, Credentials, CustomHeaders, Customer, Error,
    ExposeSecret, HttpTransport, SecretString, Session, Side, User,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{
    Action, BodyShape, CookieExpect, Expect, Password, RawRequest, Scenario, Step, TokenValue, Who,
};
use crate::fake::FakeMedusa;
use crate::seed::Seed;

/// What `exists` keeps raw in its path segment (as the core does).
const EMAIL_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

/// The password sent as the wrong one.
const WRONG_PASSWORD: &str = "wrong-password";

/// A backend to run scenarios against: a transport and the base URL to reach it
/// at. Each scenario gets a fresh core [`Client`] over that transport.
#[derive(Clone)]
pub struct Target {
    name: String,
    base_url: String,
    transport: Arc<dyn HttpTransport>,
    clock: Option<Arc<dyn Clock>>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Target {
    /// A backend at `base_url` reached through `transport` (a real Medusa through
    /// medusa-auth-hyper's transport, the loopback fake, …), named `name` in reports.
    pub fn new(
        name: impl Into<String>,
        base_url: impl Into<String>,
        transport: Arc<dyn HttpTransport>,
    ) -> Self {
        Target {
            name: name.into(),
            base_url: base_url.into(),
            transport,
            clock: None,
        }
    }

    /// The fake in memory, at `http://localhost:9000`, the clients on its clock.
    pub fn memory(fake: &FakeMedusa) -> Self {
        Target::new(
            "in-memory fake",
            DEFAULT_BASE_URL,
            Arc::new(fake.transport()),
        )
        .with_clock(fake.clock())
    }

    /// The clock the clients read (default: the system clock).
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The name reports use.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A fresh client for this backend.
    pub fn client(&self) -> Result<Client, ConfigError> {
        let mut builder = Client::builder_shared(self.transport.clone()).base_url(&self.base_url);
        if let Some(clock) = &self.clock {
            builder = builder.clock(clock.clone());
        }
        builder.build()
    }
}

/// A scenario that did not go as expected.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Failure {
    /// The scenario's name.
    pub scenario: &'static str,
    /// The step that failed (from 1).
    pub step: usize,
    /// What was expected and what came. Never holds a password, token or cookie.
    pub message: String,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Report {
    /// The target's name.
    pub target: String,
    /// The scenarios that passed.
    pub passed: Vec<&'static str>,
    /// The scenarios skipped, and why (the seed lacks someone they need).
    pub skipped: Vec<(&'static str, String)>,
    /// The scenarios that failed.
    pub failures: Vec<Failure>,
}

impl Report {
    /// Whether no scenario failed.
    pub fn is_success(&self) -> bool {
        self.failures.is_empty()
    }

    /// Panics, listing every failure by scenario name, unless all passed or were skipped.
    pub fn assert_success(&self) {
        assert!(self.is_success(), "{self}");
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scenarios against {}: {} passed, {} skipped, {} failed",
            self.target,
            self.passed.len(),
            self.skipped.len(),
            self.failures.len()
        )?;
        for failure in &self.failures {
            writeln!(
                f,
                "  FAILED {:?} (step {}): {}",
                failure.scenario, failure.step, failure.message
            )?;
        }
        for (name, why) in &self.skipped {
            writeln!(f, "  skipped {name:?}: {why}")?;
        }
        Ok(())
    }
}

/// Runs `scenarios` one after the other against `target`, whose backend was seeded
/// with `seed`.
pub async fn run(target: &Target, seed: &Seed, scenarios: &[Scenario]) -> Report {
    let mut report = Report {
        target: target.name.clone(),
        ..Report::default()
    };
    for scenario in scenarios {
        if let Some(why) = missing(seed, scenario) {
            report.skipped.push((scenario.name, why));
            continue;
        }
        match run_one(target, seed, scenario).await {
            Ok(()) => report.passed.push(scenario.name),
            Err((step, message)) => report.failures.push(Failure {
                scenario: scenario.name,
                step,
                message,
            }),
        }
    }
    report
}

/// What the seed lacks for `scenario`, if anything.
fn missing(seed: &Seed, scenario: &Scenario) -> Option<String> {
    let mut needs_customer = false;
    let mut needs_token = false;
    for step in &scenario.steps {
        let who = match &step.action {
            Action::AdminCreateSession(who, _)
            | Action::AdminGetToken(who, _)
            | Action::StoreAuthenticate(who, _)
            | Action::StoreExists(who)
            | Action::StoreGetToken(who, _) => Some(*who),
            Action::UseApiToken(TokenValue::SeedApiToken)
            | Action::UseBearer(TokenValue::SeedApiToken, _) => {
                needs_token = true;
                None
            }
            Action::Raw(raw) => {
                let texts = std::iter::once(raw.path)
                    .chain(raw.body)
                    .chain(raw.headers.iter().map(|(_, v)| *v));
                for text in texts {
                    needs_customer |= text.contains("{customer.");
                    needs_token |= text.contains("{admin.api_token}");
                }
                None
            }
            _ => None,
        };
        if let Some(who) = who {
            if let Err(why) = email(seed, who) {
                return Some(why);
            }
        }
    }
    if needs_customer && seed.customer().is_none() {
        return Some("the seed has no customer".into());
    }
    if needs_token && seed.admin.api_token.is_none() {
        return Some("the seed's admin has no API token".into());
    }
    None
}

fn email(seed: &Seed, who: Who) -> Result<String, String> {
    let customer = || seed.customer().ok_or("the seed has no customer");
    Ok(match who {
        Who::Admin => seed.admin.email.clone(),
        Who::AdminUpperCase => seed.admin.email.to_uppercase(),
        Who::Customer => customer()?.email.clone(),
        Who::CustomerUpperCase => customer()?.email.to_uppercase(),
        Who::SecondCustomer => seed
            .second_customer()
            .ok_or("the seed has no second customer")?
            .email
            .clone(),
        Who::CustomerWithPlus => seed
            .customer_with('+')
            .ok_or("the seed has no customer whose email has a '+'")?
            .email
            .clone(),
        Who::CustomerWithSlash => seed
            .customer_with('/')
            .ok_or("the seed has no customer whose email has a '/'")?
            .email
            .clone(),
        Who::Guest => seed
            .guest()
            .ok_or("the seed has no guest customer")?
            .to_owned(),
        Who::Nobody => "nobody@example.com".to_owned(),
        Who::NotAnEmail => "not-an-email".to_owned(),
    })
}

fn password(seed: &Seed, who: Who, which: Password) -> SecretString {
    if which == Password::Wrong {
        return WRONG_PASSWORD.into();
    }
    let customer_password = |c: Option<&crate::seed::SeedCustomer>| {
        c.map(|c| c.password.clone())
            .unwrap_or_else(|| seed.admin.password.clone())
    };
    match who {
        Who::Customer | Who::CustomerUpperCase => customer_password(seed.customer()),
        Who::SecondCustomer => customer_password(seed.second_customer()),
        Who::CustomerWithPlus => customer_password(seed.customer_with('+')),
        Who::CustomerWithSlash => customer_password(seed.customer_with('/')),
        // Guests have no password; the others are not users. Send a plausible one.
        _ => seed.admin.password.clone(),
    }
}

/// What a call gave, for comparison with what was expected.
enum Observed {
    User(User),
    Customer(Customer),
    Done,
    Token(AccessToken),
    Exists(bool),
    Failed(Error),
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Observed::User(user) => write!(f, "Ok(user {})", user.email),
            Observed::Customer(customer) => write!(f, "Ok(customer {})", customer.email),
            Observed::Done => f.write_str("Ok(())"),
            Observed::Token(token) => write!(f, "Ok({} token)", token.side()),
            Observed::Exists(exists) => write!(f, "Ok(exists: {exists})"),
            Observed::Failed(error) => write!(f, "Err({error})"),
        }
    }
}

fn observed<T>(result: Result<T, Error>, ok: impl FnOnce(T) -> Observed) -> Observed {
    match result {
        Ok(value) => ok(value),
        Err(error) => Observed::Failed(error),
    }
}

struct Run<'a> {
    target: &'a Target,
    seed: &'a Seed,
    client: Client,
    sessions: Vec<Session>,
    remembered: Vec<Option<String>>,
}

impl Run<'_> {
    fn session(&mut self, index: usize) -> Session {
        while self.sessions.len() <= index {
            self.sessions.push(self.client.session());
            self.remembered.push(None);
        }
        self.sessions[index].clone()
    }

    fn cookie(&mut self, index: usize) -> Option<String> {
        self.session(index)
            .session_cookie()
            .map(|c| c.expose_secret().to_owned())
    }
}

async fn run_one(target: &Target, seed: &Seed, scenario: &Scenario) -> Result<(), (usize, String)> {
    let client = target
        .client()
        .map_err(|error| (0, format!("could not make a client: {error}")))?;
    let mut run = Run {
        target,
        seed,
        client,
        sessions: Vec::new(),
        remembered: Vec::new(),
    };
    for (index, step) in scenario.steps.iter().enumerate() {
        run_step(&mut run, step).await.map_err(|message| {
            (
                index + 1,
                format!("{:?} → expected {:?}: {message}", step.action, step.expect),
            )
        })?;
    }
    Ok(())
}

async fn run_step(run: &mut Run<'_>, step: &Step) -> Result<(), String> {
    let session = run.session(step.session);
    let mut headers = CustomHeaders::new();
    for (name, value) in &step.headers {
        headers = headers
            .with(name, value)
            .map_err(|error| format!("invalid custom header: {error}"))?;
    }
    let seed = run.seed;
    let login = |who: Who, which: Password| -> Result<(String, SecretString), String> {
        Ok((email(seed, who)?, password(seed, who, which)))
    };
    let (admin, store) = (session.admin(), session.store());
    let observed = match &step.action {
        Action::AdminCreateSession(who, which) => {
            let (email, password) = login(*who, *which)?;
            observed(
                admin.create_session(email, password).headers(headers).await,
                Observed::User,
            )
        }
        Action::AdminGetSession => {
            observed(admin.get_session().headers(headers).await, Observed::User)
        }
        Action::AdminDeleteSession => {
            observed(admin.delete_session().headers(headers).await, |()| {
                Observed::Done
            })
        }
        Action::AdminGetToken(who, which) => {
            let (email, password) = login(*who, *which)?;
            observed(
                admin.get_token(email, password).headers(headers).await,
                Observed::Token,
            )
        }
        Action::StoreAuthenticate(who, which) => {
            let (email, password) = login(*who, *which)?;
            observed(
                store.authenticate(email, password).headers(headers).await,
                Observed::Customer,
            )
        }
        Action::StoreGetSession => observed(
            store.get_session().headers(headers).await,
            Observed::Customer,
        ),
        Action::StoreDeleteSession => {
            observed(store.delete_session().headers(headers).await, |()| {
                Observed::Done
            })
        }
        Action::StoreExists(who) => {
            let email = email(seed, *who)?;
            observed(store.exists(email).headers(headers).await, Observed::Exists)
        }
        Action::StoreGetToken(who, which) => {
            let (email, password) = login(*who, *which)?;
            observed(
                store.get_token(email, password).headers(headers).await,
                Observed::Token,
            )
        }
        Action::UseApiToken(value) => {
            let token = token_value(seed, *value)?;
            return applied(
                session.set_credentials(Credentials::ApiToken(token)),
                &step.expect,
            );
        }
        Action::UseBearer(value, side) => {
            let token = token_value(seed, *value)?;
            let credentials = Credentials::Bearer(AccessToken::new(*side, token));
            return applied(session.set_credentials(credentials), &step.expect);
        }
        Action::UseBearerOf {
            from,
            side,
            as_side,
        } => {
            let token = run
                .session(*from)
                .bearer(*side)
                .ok_or_else(|| format!("session {from} holds no {side} token"))?;
            let credentials = Credentials::Bearer(AccessToken::new(*as_side, token.secret()));
            return applied(session.set_credentials(credentials), &step.expect);
        }
        Action::UseCookieOf(from) => {
            let cookie = run
                .session(*from)
                .session_cookie()
                .ok_or_else(|| format!("session {from} holds no session cookie"))?;
            return applied(
                session.set_credentials(Credentials::SessionCookie(cookie)),
                &step.expect,
            );
        }
        Action::RememberCookie => {
            let cookie = run.cookie(step.session);
            run.remembered[step.session] = cookie;
            return applied(Ok::<(), String>(()), &step.expect);
        }
        Action::CheckCookie => {
            let now = run.cookie(step.session);
            let remembered = &run.remembered[step.session];
            let ok = match step.expect {
                Expect::SameCookie => now.is_some() && now == *remembered,
                Expect::OtherCookie => now.is_some() && now != *remembered,
                Expect::HasCookie => now.is_some(),
                Expect::NoCookie => now.is_none(),
                _ => return Err("CheckCookie takes a cookie expectation".into()),
            };
            let held = match (&now, remembered) {
                (None, _) => "no cookie",
                (Some(_), Some(_)) if now == *remembered => "the remembered cookie",
                (Some(_), _) => "another cookie",
            };
            return if ok {
                Ok(())
            } else {
                Err(format!("the session holds {held}"))
            };
        }
        Action::Raw(raw) => return raw_step(run, step.session, raw, &step.expect).await,
    };
    compare(seed, &step.expect, &observed).map_err(|why| format!("got {observed}: {why}"))
}

fn token_value(seed: &Seed, value: TokenValue) -> Result<SecretString, String> {
    match value {
        TokenValue::SeedApiToken => seed
            .admin
            .api_token
            .clone()
            .ok_or_else(|| "the seed's admin has no API token".to_owned()),
        TokenValue::Literal(text) => Ok(text.into()),
    }
}

fn applied<E: fmt::Display>(result: Result<(), E>, expect: &Expect) -> Result<(), String> {
    match (result, expect) {
        (Ok(()), Expect::Applied) => Ok(()),
        (Err(_), Expect::InvalidInput) => Ok(()),
        (Ok(()), other) => Err(format!("applied, but {other:?} was expected")),
        (Err(error), _) => Err(format!("refused: {error}")),
    }
}

fn compare(seed: &Seed, expect: &Expect, observed: &Observed) -> Result<(), String> {
    let same_email = |who: Who, email: &str| -> Result<(), String> {
        let wanted = self::email(seed, who)?.to_lowercase();
        if email == wanted {
            Ok(())
        } else {
            Err(format!("the email is not {wanted}"))
        }
    };
    match (expect, observed) {
        (Expect::User(who), Observed::User(user)) => same_email(*who, &user.email),
        (Expect::Customer(who), Observed::Customer(customer)) => same_email(*who, &customer.email),
        (Expect::Done, Observed::Done) => Ok(()),
        (Expect::Token(side), Observed::Token(token)) => check_token(*side, token),
        (Expect::Exists(wanted), Observed::Exists(got)) if wanted == got => Ok(()),
        (Expect::Unauthorized, Observed::Failed(error)) if error.is_unauthorized() => Ok(()),
        (Expect::InvalidInput, Observed::Failed(Error::InvalidInput(_))) => Ok(()),
        (Expect::SessionCookieMissing, Observed::Failed(Error::SessionCookieMissing { .. })) => {
            Ok(())
        }
        _ => Err("not what was expected".into()),
    }
}

/// The claims Medusa puts in a token of `side`: the id, the domain, and a 24 h
/// (admin) or 30-day (store) lifetime.
fn check_token(side: Side, token: &AccessToken) -> Result<(), String> {
    if token.side() != side {
        return Err(format!("the token is filed for {}", token.side()));
    }
    let claims = token.claims().ok_or("the token is not a JWT")?;
    let (id, prefix, lifetime) = match side {
        Side::Admin => (claims.user_id.as_deref(), "usr_", 24 * 3600),
        Side::Store => (claims.customer_id.as_deref(), "cus_", 30 * 24 * 3600),
    };
    if !id.is_some_and(|id| id.starts_with(prefix)) {
        return Err(format!("its id claim does not start with {prefix}"));
    }
    if claims.domain.as_deref() != Some(side.as_str()) {
        return Err(format!("its domain claim is not {side}"));
    }
    match (claims.iat, claims.exp) {
        (Some(iat), Some(exp)) if exp.as_second() - iat.as_second() == lifetime => Ok(()),
        _ => Err(format!("it does not live {lifetime} s")),
    }
}

/// `{admin.email}` … replaced; in a body, by JSON strings.
fn expand(template: &str, seed: &Seed, json: bool, path: bool) -> String {
    let customer = seed.customer();
    let values: [(&str, Option<String>); 5] = [
        ("{admin.email}", Some(seed.admin.email.clone())),
        (
            "{admin.password}",
            Some(seed.admin.password.expose_secret().to_owned()),
        ),
        (
            "{admin.api_token}",
            seed.admin
                .api_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
        ),
        ("{customer.email}", customer.map(|c| c.email.clone())),
        (
            "{customer.password}",
            customer.map(|c| c.password.expose_secret().to_owned()),
        ),
    ];
    let mut out = template.to_owned();
    for (placeholder, value) in values {
        if !out.contains(placeholder) {
            continue;
        }
        let value = value.unwrap_or_default();
        let value = if json {
            serde_json::Value::String(value).to_string()
        } else if path {
            utf8_percent_encode(&value, EMAIL_SEGMENT).to_string()
        } else {
            value
        };
        out = out.replace(placeholder, &value);
    }
    out
}

async fn raw_step(
    run: &mut Run<'_>,
    session: usize,
    raw: &RawRequest,
    expect: &Expect,
) -> Result<(), String> {
    let Expect::Response {
        status,
        body,
        cookie,
    } = expect
    else {
        return Err("a raw request takes an Expect::Response".into());
    };
    let seed = run.seed;
    let path = expand(raw.path, seed, false, true);
    let uri = run
        .client
        .base_url()
        .uri_for(&path)
        .map_err(|_| "the path does not make a URI".to_owned())?;
    let mut request = http::Request::builder()
        .method(raw.method.clone())
        .uri(uri)
        .header(header::ACCEPT, "application/json");
    let has_content_type = raw
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    if raw.body.is_some() && !has_content_type {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    for (name, value) in &raw.headers {
        request = request.header(*name, expand(value, seed, false, false));
    }
    let sent_cookie = if raw.with_cookie {
        run.cookie(session)
    } else {
        None
    };
    if let Some(value) = &sent_cookie {
        request = request.header(header::COOKIE, format!("connect.sid={value}"));
    }
    if let Some(side) = raw.with_bearer {
        let token = run
            .session(session)
            .bearer(side)
            .ok_or_else(|| format!("session {session} holds no {side} token"))?;
        let mut value = token
            .authorization()
            .cloned()
            .ok_or("the token cannot be sent in a header")?;
        value.set_sensitive(true);
        request = request.header(header::AUTHORIZATION, value);
    }
    let body_bytes = raw
        .body
        .map(|b| Bytes::from(expand(b, seed, true, false)))
        .unwrap_or_default();
    let request = request
        .body(body_bytes)
        .map_err(|_| "the request could not be built".to_owned())?;
    let response = run
        .target
        .transport
        .send(request)
        .await
        .map_err(|error| format!("no response: {error}"))?;
    let describe = || {
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none");
        let excerpt = if response.status().is_success() {
            // A success body may hold an API token: show its keys only.
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(response.body())
                .map(|m| format!("keys {:?}", m.keys().collect::<Vec<_>>()))
                .unwrap_or_else(|_| format!("{} bytes", response.body().len()))
        } else {
            excerpt(response.body())
        };
        format!(
            "got HTTP {} ({content_type}): {excerpt}",
            response.status().as_u16()
        )
    };
    if response.status().as_u16() != *status {
        return Err(describe());
    }
    check_body(&response, body).map_err(|why| format!("{why}; {}", describe()))?;
    check_cookie(&response, *cookie, sent_cookie.as_deref())
}

fn check_body(response: &http::Response<Bytes>, shape: &BodyShape) -> Result<(), String> {
    let json = || {
        serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(response.body())
            .map_err(|_| "the body is not a JSON object".to_owned())
    };
    match shape {
        BodyShape::Text(text) => (response.body() == text.as_bytes())
            .then_some(())
            .ok_or_else(|| format!("the body is not {text:?}")),
        BodyShape::InvalidData(message) => {
            let body = json()?;
            let ok = body.get("type").and_then(|v| v.as_str()) == Some("invalid_data")
                && body.get("message").and_then(|v| v.as_str()) == Some(message)
                && !body.contains_key("code");
            ok.then_some(())
                .ok_or_else(|| format!("the body is not invalid_data {message:?}"))
        }
        BodyShape::ApiError {
            kind,
            code,
            message,
        } => {
            let body = json()?;
            let ok = body.get("type").and_then(|v| v.as_str()) == Some(kind)
                && body.get("code").and_then(|v| v.as_str()) == *code
                && body.get("message").and_then(|v| v.as_str()) == Some(message);
            ok.then_some(())
                .ok_or_else(|| format!("the body is not the {kind} error"))
        }
        BodyShape::JsonKeys(keys) => {
            let body = json()?;
            let mut got: Vec<&str> = body.keys().map(String::as_str).collect();
            let mut wanted = keys.to_vec();
            got.sort_unstable();
            wanted.sort_unstable();
            (got == wanted)
                .then_some(())
                .ok_or_else(|| format!("the keys are not {keys:?}"))
        }
        BodyShape::Html(needle) => {
            let html = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("text/html"));
            let text = String::from_utf8_lossy(response.body());
            (html && text.contains(needle))
                .then_some(())
                .ok_or_else(|| format!("not an HTML page with {needle:?}"))
        }
    }
}

fn check_cookie(
    response: &http::Response<Bytes>,
    expect: CookieExpect,
    sent: Option<&str>,
) -> Result<(), String> {
    let session_cookies: Vec<&str> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with("connect.sid="))
        .collect();
    let one = || match session_cookies.as_slice() {
        [one] => Ok(*one),
        [] => Err("no Set-Cookie for connect.sid".to_owned()),
        _ => Err("several Set-Cookie for connect.sid".to_owned()),
    };
    let value_of = |header: &str| {
        header
            .split(';')
            .next()
            .and_then(|pair| pair.strip_prefix("connect.sid="))
            .map(str::to_owned)
    };
    let attributes_ok = |header: &str, secure: bool| {
        let attributes: Vec<&str> = header.split(';').skip(1).map(str::trim).collect();
        let has = |name: &str| attributes.iter().any(|a| a.eq_ignore_ascii_case(name));
        let expires = attributes
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("expires="));
        has("Path=/")
            && has("HttpOnly")
            && expires
            && has("Secure") == secure
            && has("SameSite=None") == secure
    };
    match expect {
        CookieExpect::Any => Ok(()),
        CookieExpect::None => session_cookies
            .is_empty()
            .then_some(())
            .ok_or_else(|| "a Set-Cookie was sent".to_owned()),
        CookieExpect::Fresh | CookieExpect::FreshSecure => {
            let header = one()?;
            let secure = expect == CookieExpect::FreshSecure;
            if !attributes_ok(header, secure) {
                return Err("the Set-Cookie attributes are not Medusa's".into());
            }
            let value = value_of(header).unwrap_or_default();
            if !value.starts_with("s%3A") || Some(value.as_str()) == sent {
                return Err("the Set-Cookie does not carry a new signed session id".into());
            }
            Ok(())
        }
        CookieExpect::Resent => {
            let header = one()?;
            let sent = sent.ok_or("no cookie was sent")?;
            (value_of(header).as_deref() == Some(sent) && attributes_ok(header, false))
                .then_some(())
                .ok_or_else(|| "the Set-Cookie is not the cookie sent".to_owned())
        }
    }
}
