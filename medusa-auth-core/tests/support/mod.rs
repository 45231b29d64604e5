//! An in-test transport that answers from a script and records what it was sent,
//! and a clock the tests move by hand.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Request, Response};
use medusa_auth_core::{Client, ClientBuilder, Clock, HttpTransport, Sleep, TransportError};

/// The time of the recording in transcripts.md: its cookies and JWTs are valid then.
pub fn recorded_at() -> SystemTime {
    httpdate::parse_http_date("Sun, 22 Nov 2026 13:08:30 GMT").unwrap()
}

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
    now: Arc<Mutex<SystemTime>>,
    pub slept: Arc<Mutex<Vec<Duration>>>,
}

impl ManualClock {
    pub fn at(now: SystemTime) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(now)),
            slept: Arc::default(),
        }
    }

    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap().clone()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
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

pub fn run<F: std::future::Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}
