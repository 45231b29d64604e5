//! A scripted server under a real `Client`: two auth calls on one session, then
//! requests to other routes while the script has answers left, each attempt
//! answered by the next response of the script (a lost connection when the script
//! runs out). Every outcome is typed and fits the last answer, attempts are bounded
//! by the retry policy, a credential is only ever sent after the server gave it and
//! only where its route takes it, a logout always forgets, per-call headers go with
//! every attempt, and no secret shows in an error, a request's or a session's
//! `Debug`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use http::{Method, Request, Response, StatusCode};
use medusa_auth_core::internal::{ACCESS_TOKEN, IDEMPOTENCY_KEY, PUBLISHABLE_API_KEY};
use medusa_auth_core::{
    Client, Clock, CustomHeaders, Customer, Error, ExposeSecret, HttpTransport, RequestBuilder,
    SecretString, Session, Side, Sleep, Timestamp, TransportError,
};

use super::moment;
use crate::input::parse_response;
use crate::rfc6265;

/// Separates the responses of a script.
pub(crate) const SEPARATOR: &[u8] = b"\n~~~\n";

const PASSWORD: &str = "fuzz-password-5d1c4e";
const API_TOKEN: &str = "fuzz-api-token-93b7a2";
const PUBLISHABLE_KEY: &str = "pk_fuzz_01";
/// The per-call header (selector bit 7), and the value each call gives it.
const CALL_HEADER: &str = "x-fuzz-call";

/// The calls a script can start with.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FirstCall {
    AdminCreateSession,
    AdminGetSession,
    AdminDeleteSession,
    AdminGetToken,
    StoreAuthenticate,
    StoreGetSession,
    StoreDeleteSession,
    StoreExists,
    StoreGetToken,
}

impl FirstCall {
    pub(crate) const ALL: [FirstCall; 9] = [
        FirstCall::AdminCreateSession,
        FirstCall::AdminGetSession,
        FirstCall::AdminDeleteSession,
        FirstCall::AdminGetToken,
        FirstCall::StoreAuthenticate,
        FirstCall::StoreGetSession,
        FirstCall::StoreDeleteSession,
        FirstCall::StoreExists,
        FirstCall::StoreGetToken,
    ];

    fn side(self) -> Side {
        match self {
            FirstCall::AdminCreateSession
            | FirstCall::AdminGetSession
            | FirstCall::AdminDeleteSession
            | FirstCall::AdminGetToken => Side::Admin,
            _ => Side::Store,
        }
    }

    fn is_logout(self) -> bool {
        matches!(
            self,
            FirstCall::AdminDeleteSession | FirstCall::StoreDeleteSession
        )
    }
}

/// The requests to other routes made after the two auth calls, in this order, while
/// the script has answers left: one of each route family (admin, store, neither),
/// with a query, a JSON body holding the password, a typed decode.
#[derive(Debug, Clone, Copy)]
enum RouteCall {
    /// `GET /admin/users?q=…&limit=10`, read as `serde_json::Value`.
    AdminUsers,
    /// `POST /store/customers` with a JSON body (email and password), decoded as
    /// `{"customer": Customer}`.
    StoreRegister,
    /// `DELETE /store/carts/cart_01/line-items/item_01`.
    StoreDeleteLineItem,
    /// `GET /health`: no route family, so the cookie only.
    Health,
}

impl RouteCall {
    const ALL: [RouteCall; 4] = [
        RouteCall::AdminUsers,
        RouteCall::StoreRegister,
        RouteCall::StoreDeleteLineItem,
        RouteCall::Health,
    ];
}

/// One call the target makes.
#[derive(Debug, Clone, Copy)]
enum Call {
    Auth(FirstCall),
    Route(RouteCall),
}

/// The first byte of a script: which call comes first (low nibble), with retries
/// (bit 4), with an API token (bit 5), whether the second call is a
/// `delete_session` (bit 6) rather than a `get_session`, of the first call's side,
/// and whether every call carries a per-call header (bit 7).
pub(crate) fn selector(
    first: FirstCall,
    retries: bool,
    api_token: bool,
    then_logout: bool,
    call_header: bool,
) -> u8 {
    let index = FirstCall::ALL
        .iter()
        .position(|c| std::mem::discriminant(c) == std::mem::discriminant(&first))
        .expect("a call") as u8;
    index
        | u8::from(retries) << 4
        | u8::from(api_token) << 5
        | u8::from(then_logout) << 6
        | u8::from(call_header) << 7
}

pub(crate) fn run(data: &[u8]) {
    drive(data);
}

/// Runs the calls of a script, checking each; answers what each call came to.
fn drive(data: &[u8]) -> Vec<(Call, Outcome)> {
    let mut made = Vec::new();
    let [selector, script @ ..] = data else {
        return made;
    };
    let first = FirstCall::ALL[usize::from(selector & 0x0f) % FirstCall::ALL.len()];
    let max_retries = if selector & 0x10 != 0 { 2 } else { 0 };
    let with_api_token = selector & 0x20 != 0;
    let then_logout = selector & 0x40 != 0;
    let call_header = selector & 0x80 != 0;

    let server = Arc::new(ScriptedServer::new(script, with_api_token, max_retries > 0));
    let mut builder = Client::builder(Arc::clone(&server))
        .base_url("http://127.0.0.1:9000")
        .publishable_api_key(PUBLISHABLE_KEY)
        .max_retries(max_retries)
        .sleep(NoWait)
        .clock(FixedClock);
    if with_api_token {
        builder = builder.api_key(API_TOKEN);
    }
    let client = builder.build().expect("a valid configuration");
    let session = client.session();

    let second = match (first.side(), then_logout) {
        (Side::Admin, false) => FirstCall::AdminGetSession,
        (Side::Admin, true) => FirstCall::AdminDeleteSession,
        (Side::Store, false) => FirstCall::StoreGetSession,
        (Side::Store, true) => FirstCall::StoreDeleteSession,
    };
    let calls = [first, second]
        .map(Call::Auth)
        .into_iter()
        .chain(RouteCall::ALL.map(Call::Route));
    for (number, call) in calls.enumerate() {
        if matches!(call, Call::Route(_)) && !server.has_answers() {
            break;
        }
        let header = call_header.then(|| format!("call-{number}"));
        server.expect_header(header.clone());
        // Calls take their header with `.header` and `.headers` in turn.
        let header = header.as_deref().map(|value| (value, number % 2 == 1));
        let outcome = futures::executor::block_on(make(&session, call, header));
        check_call(&server, &session, call, &outcome, max_retries, data);
        made.push((call, outcome));
    }
    made
}

/// What a call returned, reduced to what the checks need.
type Outcome = Result<(), Error>;

/// `{"customer": …}`, as a route that makes a customer answers.
#[derive(serde::Deserialize)]
struct CustomerEnvelope {
    customer: Customer,
}

/// A call with, maybe, a per-call header (and whether to give it as a whole
/// `CustomHeaders`).
async fn make(session: &Session, call: Call, header: Option<(&str, bool)>) -> Outcome {
    match call {
        Call::Auth(call) => auth_call(session, call, header).await,
        Call::Route(call) => route_call(session, call, header).await,
    }
}

/// One auth call, its per-call header given with `.header` or `.headers`.
async fn auth_call(session: &Session, call: FirstCall, header: Option<(&str, bool)>) -> Outcome {
    // A macro, not a closure: each call has its own builder type.
    macro_rules! with_header {
        ($builder:expr) => {{
            let builder = $builder;
            match header {
                Some((value, false)) => builder.header(CALL_HEADER, value),
                Some((value, true)) => builder.headers(
                    CustomHeaders::new()
                        .with(CALL_HEADER, value)
                        .expect("a valid header"),
                ),
                None => builder,
            }
        }};
    }
    let (admin, store) = (session.admin(), session.store());
    match call {
        FirstCall::AdminCreateSession => {
            with_header!(admin.create_session("admin@example.com", PASSWORD))
                .await
                .map(|user| drop(format!("{user:?}")))
        }
        FirstCall::AdminGetSession => with_header!(admin.get_session()).await.map(drop),
        FirstCall::AdminDeleteSession => with_header!(admin.delete_session()).await,
        FirstCall::AdminGetToken => {
            // Given as an owned `SecretString`, the other logins as `&str`.
            with_header!(admin.get_token("admin@example.com", SecretString::from(PASSWORD)))
                .await
                .map(drop)
        }
        FirstCall::StoreAuthenticate => {
            with_header!(store.authenticate("customer@example.com", PASSWORD))
                .await
                .map(|customer| drop(format!("{customer:?}")))
        }
        FirstCall::StoreGetSession => with_header!(store.get_session()).await.map(drop),
        FirstCall::StoreDeleteSession => with_header!(store.delete_session()).await,
        FirstCall::StoreExists => with_header!(store.exists("customer@example.com"))
            .await
            .map(drop),
        FirstCall::StoreGetToken => {
            with_header!(store.get_token("customer@example.com", PASSWORD.to_owned()))
                .await
                .map(drop)
        }
    }
}

/// One request to another route. Before it is sent, its `Debug` must show neither
/// the password in its body nor any other secret.
async fn route_call<'s>(
    session: &'s Session,
    call: RouteCall,
    header: Option<(&str, bool)>,
) -> Outcome {
    let with_header = |builder: RequestBuilder<'s>| match header {
        Some((value, false)) => builder.header(CALL_HEADER, value),
        Some((value, true)) => builder.headers(
            CustomHeaders::new()
                .with(CALL_HEADER, value)
                .expect("a valid header"),
        ),
        None => builder,
    };
    let no_secret_in = |shown: String| {
        for secret in [PASSWORD, API_TOKEN] {
            assert!(
                !shown.contains(secret),
                "{call:?}: a secret in a request's Debug"
            );
        }
    };
    match call {
        RouteCall::AdminUsers => {
            let request = with_header(session.get("/admin/users"))
                .query("q", "ann & bob=1")
                .query("limit", "10");
            no_secret_in(format!("{request:?}"));
            request.await.map(|value| drop(value.to_string()))
        }
        RouteCall::StoreRegister => {
            let body = serde_json::json!({
                "email": "new@example.com",
                "password": PASSWORD,
            });
            let request = with_header(session.post("/store/customers"))
                .json(&body)
                .decode::<CustomerEnvelope>();
            no_secret_in(format!("{request:?}"));
            request
                .await
                .map(|envelope| drop(format!("{:?}", envelope.customer)))
        }
        RouteCall::StoreDeleteLineItem => {
            let request = with_header(session.delete("/store/carts/cart_01/line-items/item_01"));
            no_secret_in(format!("{request:?}"));
            request.await.map(drop)
        }
        RouteCall::Health => {
            let request = with_header(session.get("/health")).decode::<Option<bool>>();
            no_secret_in(format!("{request:?}"));
            request.await.map(drop)
        }
    }
}

fn check_call(
    server: &ScriptedServer,
    session: &Session,
    call: Call,
    outcome: &Outcome,
    max_retries: u32,
    input: &[u8],
) {
    let (attempts, last) = server.take_attempts();
    assert!(
        (1..=max_retries as usize + 1).contains(&attempts),
        "{call:?}: {attempts} attempts with {max_retries} retries"
    );
    let mut credentials_sent = server.credentials_sent.lock().expect("not poisoned");
    for sent in credentials_sent.drain(..) {
        match sent {
            Sent::Cookie(value) => assert!(
                server.given(&value),
                "{call:?} sent a Cookie the server never set"
            ),
            Sent::Bearer(token) => assert!(
                server.given(&token),
                "{call:?} sent a bearer the server never gave"
            ),
        }
    }
    drop(credentials_sent);

    if let Err(error) = outcome {
        let kind_ok = match (call, error) {
            (Call::Auth(call), Error::LogoutUnconfirmed { cause, .. }) => {
                call.is_logout() && !matches!(**cause, Error::LogoutUnconfirmed { .. })
            }
            (_, Error::InvalidInput(_)) => false,
            (Call::Route(_), Error::LogoutUnconfirmed { .. })
            | (Call::Route(_), Error::SessionCookieMissing { .. }) => false,
            _ => true,
        };
        assert!(kind_ok, "{call:?} failed with {error:?}");
        fits_the_last_answer(call, error, last);
    } else {
        assert!(
            last.is_some_and(|status| status.is_success()),
            "{call:?} succeeded on {last:?}"
        );
    }
    if let Call::Auth(call) = call {
        if call.is_logout() {
            let side = call.side();
            assert!(
                session.bearer(side).is_none(),
                "{call:?} kept the {side:?} JWT"
            );
            if outcome.is_err() {
                assert!(
                    session.session_cookie().is_none(),
                    "a failed {call:?} kept the cookie"
                );
            }
        }
    }

    // Secrets the caller gave never show, unless the server itself echoed them.
    let shown = match outcome {
        Ok(()) => String::new(),
        Err(error) => format!("{error} {error:?}"),
    };
    let handle = format!("{session:?}");
    for secret in [PASSWORD, API_TOKEN] {
        if !contains(input, secret.as_bytes()) {
            assert!(
                !shown.contains(secret),
                "{call:?}: a caller's secret in an error"
            );
        }
        assert!(
            !handle.contains(secret),
            "a caller's secret in the session's Debug"
        );
    }
    // Nor do the credentials the server gave, in the session's Debug. It shows the
    // names of the cookies held, which the server chose: a name may contain a value
    // of another cookie (see fuzz/regressions), so the names are taken out first.
    let mut names = server.cookie_names();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    let mut handle = handle;
    for name in &names {
        handle = handle.replace(&format!("{name:?}"), "");
    }
    let held = [
        session
            .session_cookie()
            .map(|c| c.expose_secret().to_owned()),
        session
            .bearer(Side::Admin)
            .map(|t| t.expose_secret().to_owned()),
        session
            .bearer(Side::Store)
            .map(|t| t.expose_secret().to_owned()),
    ];
    for value in held.into_iter().flatten() {
        if value.len() >= 16 {
            assert!(
                !handle.contains(&value),
                "a credential in the session's Debug"
            );
        }
    }
}

/// An error stands for the last answer: its status, or no answer at all.
fn fits_the_last_answer(call: Call, error: &Error, last: Option<StatusCode>) {
    let fits = match (error, last) {
        (Error::LogoutUnconfirmed { cause, .. }, _) => {
            return fits_the_last_answer(call, cause, last);
        }
        (Error::Transport(_), None) => true,
        (Error::Unauthorized { .. } | Error::TokenExpired { .. }, Some(status)) => status == 401,
        (Error::Api(api), Some(status)) => api.status == status && !status.is_success(),
        (Error::UnexpectedResponse { status: got, .. }, Some(status)) => *got == status,
        (Error::Decode(decode), Some(status)) => decode.status == status && status.is_success(),
        (Error::SessionCookieMissing { .. }, Some(status)) => status.is_success(),
        _ => false,
    };
    assert!(
        fits,
        "{call:?} failed with {error:?} after the answer {last:?}"
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

enum Sent {
    Cookie(String),
    Bearer(String),
}

/// The credentials a request may carry besides the cookie, by its method and path:
/// the table of `Endpoint::scope` for the auth routes, `Scope::for_path` for the
/// others (none of the route calls above is an auth route).
struct Allowed {
    family: Option<Side>,
    bearer: bool,
    api_token: bool,
    publishable_key: bool,
}

fn allowed(method: &Method, path: &str) -> Allowed {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    let family = if under("/admin") {
        Some(Side::Admin)
    } else if under("/store") {
        Some(Side::Store)
    } else {
        None
    };
    let auth = matches!(path, "/admin/auth" | "/store/auth")
        || path.starts_with("/admin/auth/")
        || path.starts_with("/store/auth/");
    let get_session = *method == Method::GET && matches!(path, "/admin/auth" | "/store/auth");
    let logout = *method == Method::DELETE && matches!(path, "/admin/auth" | "/store/auth");
    let other_route = family.is_some() && !auth;
    Allowed {
        family,
        bearer: get_session || other_route,
        api_token: family == Some(Side::Admin) && (get_session || other_route),
        publishable_key: family == Some(Side::Store) && !logout,
    }
}

/// Answers each request with the next response of the script.
struct ScriptedServer {
    answers: Mutex<VecDeque<Response<Bytes>>>,
    with_api_token: bool,
    with_retries: bool,
    /// The attempts of the current call, and its last answer's status (`None`: no
    /// answer).
    attempts: Mutex<(usize, Option<StatusCode>)>,
    /// The `Idempotency-Key` of the current call's first attempt.
    idempotency_key: Mutex<Option<Option<String>>>,
    /// The value of [`CALL_HEADER`] every attempt of the current call must carry.
    expected_header: Mutex<Option<String>>,
    credentials_sent: Mutex<Vec<Sent>>,
    /// Every Set-Cookie value and body the server has sent so far, and every
    /// string in a JSON body.
    given: Mutex<Vec<u8>>,
    /// What each answer to a `get_token` gave, body and strings, with its side.
    tokens_given: Mutex<Vec<(Side, Vec<u8>)>>,
    /// The name of every cookie the server has set so far.
    cookie_names: Mutex<Vec<String>>,
}

impl ScriptedServer {
    fn new(script: &[u8], with_api_token: bool, with_retries: bool) -> Self {
        let mut answers = VecDeque::new();
        let mut rest = script;
        loop {
            let (part, after) = match rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
                Some(at) => (&rest[..at], Some(&rest[at + SEPARATOR.len()..])),
                None => (rest, None),
            };
            answers.push_back(parse_response(part));
            match after {
                Some(after) => rest = after,
                None => break,
            }
        }
        ScriptedServer {
            answers: Mutex::new(answers),
            with_api_token,
            with_retries,
            attempts: Mutex::new((0, None)),
            idempotency_key: Mutex::new(None),
            expected_header: Mutex::new(None),
            credentials_sent: Mutex::new(Vec::new()),
            given: Mutex::new(Vec::new()),
            tokens_given: Mutex::new(Vec::new()),
            cookie_names: Mutex::new(Vec::new()),
        }
    }

    fn has_answers(&self) -> bool {
        !self.answers.lock().expect("not poisoned").is_empty()
    }

    /// Starts a call whose attempts must carry `header` as [`CALL_HEADER`].
    fn expect_header(&self, header: Option<String>) {
        *self.expected_header.lock().expect("not poisoned") = header;
        *self.idempotency_key.lock().expect("not poisoned") = None;
    }

    fn cookie_names(&self) -> Vec<String> {
        self.cookie_names.lock().expect("not poisoned").clone()
    }

    /// The attempts of the call just made, and its last answer's status.
    fn take_attempts(&self) -> (usize, Option<StatusCode>) {
        std::mem::take(&mut *self.attempts.lock().expect("not poisoned"))
    }

    /// Whether `value` appears in what the server gave so far.
    fn given(&self, value: &str) -> bool {
        contains(&self.given.lock().expect("not poisoned"), value.as_bytes())
    }

    /// Checks what one attempt carries, by its route: the per-call header, the
    /// credentials its route takes and no other, one idempotency key per call.
    fn check_request(&self, request: &Request<Bytes>) {
        let (method, path) = (request.method(), request.uri().path());
        let headers = request.headers();
        let route = format!("{method} {path}");
        let allowed = allowed(method, path);

        let expected = self.expected_header.lock().expect("not poisoned").clone();
        let carried = headers
            .get(CALL_HEADER)
            .map(|v| v.to_str().expect("text").to_owned());
        assert_eq!(carried, expected, "{route}: the per-call header");

        if let Some(authorization) = headers.get(AUTHORIZATION) {
            assert!(allowed.bearer, "{route} carried a bearer");
            assert!(
                authorization.is_sensitive(),
                "Authorization not marked sensitive"
            );
            let text = authorization
                .to_str()
                .expect("an Authorization header is text");
            let token = text.strip_prefix("Bearer ").expect("a bearer");
            let side = allowed
                .family
                .expect("a bearer only goes to a route family");
            assert!(
                self.tokens_given
                    .lock()
                    .expect("not poisoned")
                    .iter()
                    .any(|(given_side, given)| *given_side == side
                        && contains(given, token.as_bytes())),
                "{route} carried a bearer no {side:?} get_token was given"
            );
            self.credentials_sent
                .lock()
                .expect("not poisoned")
                .push(Sent::Bearer(token.to_owned()));
        }
        match headers.get(ACCESS_TOKEN) {
            Some(token) => {
                assert!(allowed.api_token, "{route} carried the API token");
                assert!(token.is_sensitive(), "the API token not marked sensitive");
                assert_eq!(token, API_TOKEN, "{route}: another API token");
            }
            None => assert!(
                !(allowed.api_token && self.with_api_token),
                "{route} did not carry the API token"
            ),
        }
        let publishable_key = headers.get(PUBLISHABLE_API_KEY);
        assert_eq!(
            publishable_key.is_some(),
            allowed.publishable_key,
            "{route}: the publishable key"
        );
        if let Some(key) = publishable_key {
            assert_eq!(key, PUBLISHABLE_KEY, "{route}: another publishable key");
        }

        let key = headers
            .get(IDEMPOTENCY_KEY)
            .map(|v| v.to_str().expect("text").to_owned());
        assert_eq!(
            key.is_some(),
            self.with_retries && *method == Method::POST,
            "{route}: an Idempotency-Key only on a POST that may be retried"
        );
        let mut first = self.idempotency_key.lock().expect("not poisoned");
        match &*first {
            None => *first = Some(key),
            Some(earlier) => assert_eq!(*earlier, key, "{route}: a retry with another key"),
        }
        drop(first);

        let mut sent = self.credentials_sent.lock().expect("not poisoned");
        for cookie in headers.get_all(COOKIE) {
            assert!(
                cookie.is_sensitive(),
                "a Cookie header not marked sensitive"
            );
            let text = cookie.to_str().expect("a Cookie header is text");
            for pair in text.split("; ") {
                let value = pair.split_once('=').map_or(pair, |(_, v)| v);
                sent.push(Sent::Cookie(value.to_owned()));
            }
        }
    }

    /// Keeps what `response`, the answer to `method path`, gives the client.
    fn record_given(&self, method: &Method, path: &str, response: &Response<Bytes>) {
        let mut given = self.given.lock().expect("not poisoned");
        let mut names = self.cookie_names.lock().expect("not poisoned");
        for value in response.headers().get_all(SET_COOKIE) {
            given.extend_from_slice(value.as_bytes());
            given.push(b'\n');
            if let Some(line) = value.to_str().ok().and_then(rfc6265::parse) {
                names.push(line.name);
            }
        }
        // The body, and every string in it with its JSON escapes undone: the token
        // as the client may read it (serde reads `{"access_token": "…"}` and also
        // `["…"]`, a struct as a sequence).
        let mut body = response.body().to_vec();
        body.push(b'\n');
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(response.body()) {
            json_strings(&json, &mut body);
        }
        given.extend_from_slice(&body);
        let side = match path {
            "/admin/auth/token" => Some(Side::Admin),
            "/store/auth/token" => Some(Side::Store),
            _ => None,
        };
        if let (Some(side), true) = (side, *method == Method::POST) {
            self.tokens_given
                .lock()
                .expect("not poisoned")
                .push((side, body));
        }
    }
}

/// Appends every string of `json` (keys and values, at any depth), one a line.
fn json_strings(json: &serde_json::Value, out: &mut Vec<u8>) {
    match json {
        serde_json::Value::String(text) => {
            out.extend_from_slice(text.as_bytes());
            out.push(b'\n');
        }
        serde_json::Value::Array(items) => {
            for item in items {
                json_strings(item, out);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                out.extend_from_slice(key.as_bytes());
                out.push(b'\n');
                json_strings(value, out);
            }
        }
        _ => {}
    }
}

#[async_trait]
impl HttpTransport for ScriptedServer {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        assert_eq!(
            request.uri().authority().map(|a| a.as_str()),
            Some("127.0.0.1:9000"),
            "a request left the base URL's origin"
        );
        self.check_request(&request);
        let answer = self.answers.lock().expect("not poisoned").pop_front();
        let mut attempts = self.attempts.lock().expect("not poisoned");
        attempts.0 += 1;
        attempts.1 = answer.as_ref().map(Response::status);
        drop(attempts);
        match answer {
            Some(response) => {
                self.record_given(request.method(), request.uri().path(), &response);
                Ok(response)
            }
            None => Err(TransportError::connect("the script has no more answers")),
        }
    }
}

/// Retries happen at once; the delays asked for are checked instead.
struct NoWait;

#[async_trait]
impl Sleep for NoWait {
    async fn sleep(&self, duration: Duration) {
        // The longest wait: a 300 s Retry-After, or the 30 s back-off cap plus jitter.
        assert!(
            duration <= Duration::from_secs(300),
            "asked to wait {duration:?}"
        );
    }
}

/// The transcripts' date, for ever.
struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        moment(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeds::{route_answers, route_errors};

    /// A script: `selector`, then `answers` separated.
    fn script(selector: u8, answers: &[Vec<u8>]) -> Vec<u8> {
        let mut data = vec![selector];
        data.extend(answers.join(SEPARATOR));
        data
    }

    /// A store session with a customer: `get_session` twice, each answered with the
    /// recorded customer, then `routes`.
    fn after_two_store_calls(selector: u8, routes: Vec<Vec<u8>>) -> Vec<(Call, Outcome)> {
        let customer = route_answers().swap_remove(1);
        let mut answers = vec![customer.clone(), customer];
        answers.extend(routes);
        drive(&script(selector, &answers))
    }

    #[test]
    fn route_requests_read_the_answers_they_get() {
        let selector = selector(FirstCall::StoreGetSession, false, true, false, true);
        let made = after_two_store_calls(selector, route_answers());
        assert_eq!(made.len(), 2 + RouteCall::ALL.len());
        for (call, outcome) in &made {
            assert!(outcome.is_ok(), "{call:?}: {outcome:?}");
        }
    }

    #[test]
    fn route_requests_fail_with_the_error_each_answer_stands_for() {
        let selector = selector(FirstCall::StoreGetSession, true, false, false, false);
        let made = after_two_store_calls(selector, route_errors());
        let routes: Vec<_> = made[2..].iter().map(|(_, outcome)| outcome).collect();
        assert!(
            matches!(routes[0], Err(Error::Unauthorized { .. })),
            "{routes:?}"
        );
        // The 409 is retried; the 400 after it is the answer.
        assert!(
            matches!(routes[1], Err(Error::Api(api)) if api.status == 400),
            "{routes:?}"
        );
        assert!(
            matches!(routes[2], Err(Error::UnexpectedResponse { status, .. }) if *status == 404),
            "{routes:?}"
        );
        // The 503 is retried; an HTML page is no JSON answer, 200 or not.
        assert!(
            matches!(routes[3], Err(Error::UnexpectedResponse { status, .. }) if *status == 200),
            "{routes:?}"
        );
    }

    #[test]
    fn no_route_request_without_answers_left() {
        let selector = selector(FirstCall::StoreGetSession, false, false, false, false);
        assert_eq!(after_two_store_calls(selector, Vec::new()).len(), 2);
    }

    #[test]
    fn the_credentials_of_each_route() {
        let of = |method: Method, path: &str| {
            let a = allowed(&method, path);
            (a.family, a.bearer, a.api_token, a.publishable_key)
        };
        let (admin, store) = (Some(Side::Admin), Some(Side::Store));
        // The logins carry no token; the store ones the publishable key.
        assert_eq!(
            of(Method::POST, "/admin/auth"),
            (admin, false, false, false)
        );
        assert_eq!(
            of(Method::POST, "/admin/auth/token"),
            (admin, false, false, false)
        );
        assert_eq!(of(Method::POST, "/store/auth"), (store, false, false, true));
        assert_eq!(
            of(Method::POST, "/store/auth/token"),
            (store, false, false, true)
        );
        // Who am I: the side's bearer; the API token on admin, the key on store.
        assert_eq!(of(Method::GET, "/admin/auth"), (admin, true, true, false));
        assert_eq!(of(Method::GET, "/store/auth"), (store, true, false, true));
        // A logout: the cookie only.
        assert_eq!(
            of(Method::DELETE, "/admin/auth"),
            (admin, false, false, false)
        );
        assert_eq!(
            of(Method::DELETE, "/store/auth"),
            (store, false, false, false)
        );
        // exists: the publishable key, no bearer.
        assert_eq!(
            of(Method::GET, "/store/auth/a@b.io"),
            (store, false, false, true)
        );
        // Other routes, by family.
        assert_eq!(of(Method::GET, "/admin/users"), (admin, true, true, false));
        assert_eq!(
            of(Method::POST, "/store/customers"),
            (store, true, false, true)
        );
        assert_eq!(of(Method::GET, "/health"), (None, false, false, false));
        assert_eq!(of(Method::GET, "/stores"), (None, false, false, false));
    }

    fn request(method: Method, path: &str) -> Request<Bytes> {
        let mut request = Request::new(Bytes::new());
        *request.method_mut() = method;
        *request.uri_mut() = format!("http://127.0.0.1:9000{path}")
            .parse()
            .expect("a URI");
        request
    }

    #[test]
    #[should_panic(expected = "the per-call header")]
    fn a_call_without_its_header_is_caught() {
        let server = ScriptedServer::new(b"", false, false);
        server.expect_header(Some("call-0".into()));
        server.check_request(&request(Method::GET, "/health"));
    }

    #[test]
    #[should_panic(expected = "carried a bearer")]
    fn a_bearer_on_a_logout_is_caught() {
        let server = ScriptedServer::new(b"", false, false);
        let mut logout = request(Method::DELETE, "/admin/auth");
        logout.headers_mut().insert(
            AUTHORIZATION,
            http::HeaderValue::from_static("Bearer a.b.c"),
        );
        server.check_request(&logout);
    }

    #[test]
    #[should_panic(expected = "the publishable key")]
    fn a_publishable_key_on_an_admin_route_is_caught() {
        let server = ScriptedServer::new(b"", false, false);
        let mut get_session = request(Method::GET, "/admin/auth");
        get_session.headers_mut().insert(
            PUBLISHABLE_API_KEY,
            http::HeaderValue::from_static(PUBLISHABLE_KEY),
        );
        server.check_request(&get_session);
    }
}
