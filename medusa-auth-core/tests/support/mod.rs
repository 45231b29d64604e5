//! An in-test transport that answers from a script and records what it was sent,
//! a clock the tests move by hand, and one way to make any of the nine v1 calls.
#![allow(dead_code)]

pub mod secrets;

use std::collections::VecDeque;
use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use medusa_auth_core::internal::Endpoint;
use medusa_auth_core::{
    AccessToken, Client, ClientBuilder, Clock, Credentials, CustomHeaders, Error, HttpTransport,
    Session, Side, Sleep, Timestamp, TransportError,
};

/// The time of the recording in transcripts.md: its cookies and JWTs are valid then.
pub fn recorded_at() -> Timestamp {
    "2026-11-22T13:08:30Z".parse().unwrap()
}

/// The password of every account of the recording.
pub const PASSWORD: &str = "supersecret";

pub type Answer = Result<Response<Bytes>, TransportError>;

#[derive(Clone, Default)]
pub struct Scripted {
    answers: Arc<Mutex<VecDeque<Answer>>>,
    sent: Arc<Mutex<Vec<Request<Bytes>>>>,
}

impl Scripted {
    pub fn new() -> Self {
        Scripted::default()
    }

    /// Queues the recorded response of exchange `number`.
    pub fn answer(&self, number: u32) -> &Self {
        self.push(Ok(medusa_auth_testdata::exchange(number).response()))
    }

    /// Queues the recorded response of exchange `number` without its `Set-Cookie`:
    /// what the server sends to a request that carried a valid session cookie.
    pub fn answer_without_cookie(&self, number: u32) -> &Self {
        let mut response = medusa_auth_testdata::exchange(number).response();
        response.headers_mut().remove(http::header::SET_COOKIE);
        self.push(Ok(response))
    }

    pub fn push(&self, answer: Answer) -> &Self {
        self.answers.lock().unwrap().push_back(answer);
        self
    }

    pub fn respond(&self, status: u16, headers: &[(&str, &str)], body: &str) -> &Self {
        let mut builder = Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        self.push(Ok(builder
            .body(Bytes::copy_from_slice(body.as_bytes()))
            .unwrap()))
    }

    /// Queues a 200 with a JSON body.
    pub fn json(&self, body: &str) -> &Self {
        self.respond(
            200,
            &[("content-type", "application/json; charset=utf-8")],
            body,
        )
    }

    pub fn sent(&self) -> Vec<Request<Bytes>> {
        self.sent.lock().unwrap().clone()
    }

    pub fn sent_count(&self) -> usize {
        self.sent.lock().unwrap().len()
    }

    pub fn last(&self) -> Request<Bytes> {
        self.sent
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a request was sent")
    }

    pub fn remaining(&self) -> usize {
        self.answers.lock().unwrap().len()
    }
}

#[async_trait::async_trait]
impl HttpTransport for Scripted {
    async fn send(&self, request: Request<Bytes>) -> Answer {
        self.sent.lock().unwrap().push(request);
        self.answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Err(TransportError::connect("the script is exhausted")))
    }
}

/// A clock that stands still until moved; sleeping on it moves it.
#[derive(Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Timestamp>>,
    pub slept: Arc<Mutex<Vec<Duration>>>,
}

impl ManualClock {
    pub fn at(now: Timestamp) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(now)),
            slept: Arc::default(),
        }
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap();
        *now += by;
    }

    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap()
    }
}

#[async_trait::async_trait]
impl Sleep for ManualClock {
    async fn sleep(&self, duration: Duration) {
        self.slept.lock().unwrap().push(duration);
        self.advance(duration);
    }
}

/// A builder over `transport` at 127.0.0.1:9000 with the clock at the recording's time.
pub fn builder(transport: &Scripted) -> (ClientBuilder, ManualClock) {
    let clock = ManualClock::at(recorded_at());
    let builder = Client::builder(transport.clone())
        .base_url("http://127.0.0.1:9000")
        .clock(clock.clone())
        .sleep(clock.clone());
    (builder, clock)
}

pub fn client(transport: &Scripted) -> Client {
    builder(transport).0.build().unwrap()
}

pub fn header(request: &Request<Bytes>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// Runs a future, or a call builder, to completion on this thread.
pub fn run<F: IntoFuture>(future: F) -> F::Output {
    futures::executor::block_on(future.into_future())
}

/// The `connect.sid=…` pair exchange `number` set.
pub fn cookie_of(number: u32) -> String {
    format!(
        "connect.sid={}",
        medusa_auth_testdata::exchange(number)
            .set_cookie_value()
            .unwrap()
    )
}

/// The JWT `get_token` answered in exchange 15 (admin) or 45 (store), valid at
/// [`recorded_at`].
pub fn recorded_jwt(side: Side) -> AccessToken {
    let number = match side {
        Side::Admin => 15,
        Side::Store => 45,
    };
    medusa_auth_core::internal::read_access_token(
        &medusa_auth_testdata::exchange(number).response(),
        side,
    )
    .unwrap()
}

/// Every credential a session can hold, at once: the cookie of exchange 11, both
/// JWTs and an API token of its own.
pub fn every_credential() -> Vec<Credentials> {
    vec![
        Credentials::SessionCookie(
            medusa_auth_testdata::exchange(11)
                .set_cookie_value()
                .unwrap()
                .into(),
        ),
        Credentials::Bearer(recorded_jwt(Side::Admin)),
        Credentials::Bearer(recorded_jwt(Side::Store)),
        Credentials::ApiToken("session_api_token".into()),
    ]
}

/// A session of a client with an API key (`client_api_key`) and a publishable key
/// (`pk_01H`), holding [`every_credential`].
pub fn loaded(transport: &Scripted) -> Session {
    let client = builder(transport)
        .0
        .api_key("client_api_key")
        .publishable_api_key("pk_01H")
        .build()
        .unwrap();
    let session = client.session();
    for credential in every_credential() {
        session.set_credentials(credential).unwrap();
    }
    session
}

/// Makes the call of `endpoint` on `session` (`email` for the logins and `exists`,
/// with [`PASSWORD`]), with `headers` added to it; the answer is dropped.
pub async fn call(
    session: &Session,
    endpoint: Endpoint,
    email: &str,
    headers: CustomHeaders,
) -> Result<(), Error> {
    let (admin, store) = (session.admin(), session.store());
    match endpoint {
        Endpoint::AdminCreateSession => admin
            .create_session(email, PASSWORD)
            .headers(headers)
            .await
            .map(|_| ()),
        Endpoint::AdminGetSession => admin.get_session().headers(headers).await.map(|_| ()),
        Endpoint::AdminDeleteSession => admin.delete_session().headers(headers).await,
        Endpoint::AdminGetToken => admin
            .get_token(email, PASSWORD)
            .headers(headers)
            .await
            .map(|_| ()),
        Endpoint::StoreAuthenticate => store
            .authenticate(email, PASSWORD)
            .headers(headers)
            .await
            .map(|_| ()),
        Endpoint::StoreGetSession => store.get_session().headers(headers).await.map(|_| ()),
        Endpoint::StoreDeleteSession => store.delete_session().headers(headers).await,
        Endpoint::StoreExists => store.exists(email).headers(headers).await.map(|_| ()),
        Endpoint::StoreGetToken => store
            .get_token(email, PASSWORD)
            .headers(headers)
            .await
            .map(|_| ()),
    }
}
