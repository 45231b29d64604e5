//! A scripted server under a real `Client`: two calls on one session handle, each
//! attempt answered by the next response of the script (a lost connection when the
//! script runs out). Every outcome is typed, attempts are bounded by the retry
//! policy, a credential is only ever sent after the server gave it, a logout always
//! forgets, and no secret shows in an error or a handle's `Debug`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use http::{Request, Response};
use medusa_auth_core::{
    AdminAuthApi, Client, Clock, CustomHeaders, Error, ExposeSecret, HttpTransport, SecretString,
    Session, Side, Sleep, StoreAuthApi, TransportError,
};

use super::moment;
use crate::input::parse_response;

/// Separates the responses of a script.
pub(crate) const SEPARATOR: &[u8] = b"\n~~~\n";

const PASSWORD: &str = "fuzz-password-5d1c4e";
const API_TOKEN: &str = "fuzz-api-token-93b7a2";

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
}

/// The first byte of a script: which call comes first (low nibble), with retries
/// (bit 4), with an API token (bit 5), and whether the second call is a
/// `delete_session` (bit 6) rather than a `get_session`, of the first call's side.
pub(crate) fn selector(first: FirstCall, retries: bool, api_token: bool, then_logout: bool) -> u8 {
    let index = FirstCall::ALL
        .iter()
        .position(|c| std::mem::discriminant(c) == std::mem::discriminant(&first))
        .expect("a call") as u8;
    index | u8::from(retries) << 4 | u8::from(api_token) << 5 | u8::from(then_logout) << 6
}

pub(crate) fn run(data: &[u8]) {
    let [selector, script @ ..] = data else {
        return;
    };
    let first = FirstCall::ALL[usize::from(selector & 0x0f) % FirstCall::ALL.len()];
    let max_retries = if selector & 0x10 != 0 { 2 } else { 0 };
    let with_api_token = selector & 0x20 != 0;
    let then_logout = selector & 0x40 != 0;

    let server = Arc::new(ScriptedServer::new(script));
    let mut builder = Client::builder(Arc::clone(&server))
        .base_url("http://127.0.0.1:9000")
        .max_retries(max_retries)
        .sleep(NoWait)
        .clock(FixedClock);
    if with_api_token {
        builder = builder.api_key(SecretString::from(API_TOKEN));
    }
    let client = builder.build().expect("a valid configuration");
    let session = client.session();

    let first_result = futures::executor::block_on(call(&session, first));
    check_call(&server, &session, first, &first_result, max_retries, data);
    let second = match (first.side(), then_logout) {
        (Side::Admin, false) => FirstCall::AdminGetSession,
        (Side::Admin, true) => FirstCall::AdminDeleteSession,
        (Side::Store, false) => FirstCall::StoreGetSession,
        (Side::Store, true) => FirstCall::StoreDeleteSession,
    };
    let second_result = futures::executor::block_on(call(&session, second));
    check_call(&server, &session, second, &second_result, max_retries, data);
}

/// What a call returned, reduced to what the checks need.
type Outcome = Result<(), Error>;

async fn call(session: &Session, call: FirstCall) -> Outcome {
    let headers = CustomHeaders::new();
    let password = SecretString::from(PASSWORD);
    let (admin, store) = (session.admin(), session.store());
    match call {
        FirstCall::AdminCreateSession => admin
            .create_session("admin@example.com", &password, &headers)
            .await
            .map(drop),
        FirstCall::AdminGetSession => admin.get_session(&headers).await.map(drop),
        FirstCall::AdminDeleteSession => admin.delete_session(&headers).await,
        FirstCall::AdminGetToken => admin
            .get_token("admin@example.com", &password, &headers)
            .await
            .map(drop),
        FirstCall::StoreAuthenticate => store
            .authenticate("customer@example.com", &password, &headers)
            .await
            .map(drop),
        FirstCall::StoreGetSession => store.get_session(&headers).await.map(drop),
        FirstCall::StoreDeleteSession => store.delete_session(&headers).await,
        FirstCall::StoreExists => store
            .exists("customer@example.com", &headers)
            .await
            .map(drop),
        FirstCall::StoreGetToken => store
            .get_token("customer@example.com", &password, &headers)
            .await
            .map(drop),
    }
}

fn check_call(
    server: &ScriptedServer,
    session: &Session,
    call: FirstCall,
    outcome: &Outcome,
    max_retries: u32,
    input: &[u8],
) {
    let attempts = server.take_attempts();
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
        let kind_ok = match error {
            Error::LogoutUnconfirmed { cause, .. } => {
                matches!(
                    call,
                    FirstCall::AdminDeleteSession | FirstCall::StoreDeleteSession
                ) && !matches!(**cause, Error::LogoutUnconfirmed { .. })
            }
            Error::InvalidInput(_) => false,
            _ => true,
        };
        assert!(kind_ok, "{call:?} failed with {error:?}");
    }
    if matches!(
        call,
        FirstCall::AdminDeleteSession | FirstCall::StoreDeleteSession
    ) {
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
            "a caller's secret in the handle's Debug"
        );
    }
    // Nor do the credentials the server gave, in the handle's Debug. It shows the
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
                "a credential in the handle's Debug"
            );
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

enum Sent {
    Cookie(String),
    Bearer(String),
}

/// Answers each request with the next response of the script.
struct ScriptedServer {
    answers: Mutex<VecDeque<Response<Bytes>>>,
    attempts: Mutex<usize>,
    credentials_sent: Mutex<Vec<Sent>>,
    /// Every Set-Cookie value and `access_token` the server has sent so far.
    given: Mutex<Vec<u8>>,
    /// The name of every cookie the server has set so far.
    cookie_names: Mutex<Vec<String>>,
}

impl ScriptedServer {
    fn new(script: &[u8]) -> Self {
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
            attempts: Mutex::new(0),
            credentials_sent: Mutex::new(Vec::new()),
            given: Mutex::new(Vec::new()),
            cookie_names: Mutex::new(Vec::new()),
        }
    }

    fn cookie_names(&self) -> Vec<String> {
        self.cookie_names.lock().expect("not poisoned").clone()
    }

    fn take_attempts(&self) -> usize {
        std::mem::take(&mut *self.attempts.lock().expect("not poisoned"))
    }

    /// Whether `value` appears in what the server gave so far.
    fn given(&self, value: &str) -> bool {
        contains(&self.given.lock().expect("not poisoned"), value.as_bytes())
    }
}

#[async_trait]
impl HttpTransport for ScriptedServer {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        *self.attempts.lock().expect("not poisoned") += 1;
        assert_eq!(
            request.uri().authority().map(|a| a.as_str()),
            Some("127.0.0.1:9000"),
            "a request left the base URL's origin"
        );
        {
            let mut sent = self.credentials_sent.lock().expect("not poisoned");
            for cookie in request.headers().get_all(COOKIE) {
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
            if let Some(authorization) = request.headers().get(AUTHORIZATION) {
                assert!(
                    authorization.is_sensitive(),
                    "Authorization not marked sensitive"
                );
                let text = authorization
                    .to_str()
                    .expect("an Authorization header is text");
                let token = text.strip_prefix("Bearer ").expect("a bearer");
                sent.push(Sent::Bearer(token.to_owned()));
            }
        }
        let answer = self.answers.lock().expect("not poisoned").pop_front();
        match answer {
            Some(response) => {
                let mut given = self.given.lock().expect("not poisoned");
                let mut names = self.cookie_names.lock().expect("not poisoned");
                for value in response.headers().get_all(SET_COOKIE) {
                    given.extend_from_slice(value.as_bytes());
                    given.push(b'\n');
                    let line = String::from_utf8_lossy(value.as_bytes());
                    if let Ok(cookie) = cookie::Cookie::parse(line.as_ref()) {
                        names.push(cookie.name().to_owned());
                    }
                }
                given.extend_from_slice(response.body());
                given.push(b'\n');
                // The token as the client reads it, JSON escapes undone.
                if let Ok(serde_json::Value::Object(body)) =
                    serde_json::from_slice::<serde_json::Value>(response.body())
                {
                    if let Some(serde_json::Value::String(token)) = body.get("access_token") {
                        given.extend_from_slice(token.as_bytes());
                        given.push(b'\n');
                    }
                }
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
    fn now(&self) -> SystemTime {
        moment(0)
    }
}
