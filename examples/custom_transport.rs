//! Bring your own HTTP stack: the SDK's transport trait implemented on `reqwest`,
//! a core `Client::builder(transport)` over it, and the same walk as
//! `cargo run --example walk`. Every SDK behaviour (cookies, credentials per route,
//! retries, typed errors) comes with the core; the transport only sends.
//!
//! `cargo run -p medusa-auth-e2e --example custom_transport` (against the fake on
//! loopback, or the server of `MEDUSA_BACKEND_URL` with the users of the walk's
//! variables)

#[path = "common/walk.rs"]
mod walk;

use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use medusa_auth_core::{Client, HttpTransport, TransportError};
use medusa_auth_hyper::TokioSleep;
use medusa_auth_mock::{FakeMedusa, Seed};
use walk::{Users, walk};

/// The largest body this transport reads.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// `HttpTransport` on a `reqwest::Client`.
struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    fn new() -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            // The SDK decides about redirects (it reports them): never follow one here.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(ReqwestTransport { client })
    }
}

fn transport_error(error: reqwest::Error) -> TransportError {
    if error.is_connect() {
        TransportError::connect(error)
    } else if error.is_timeout() {
        TransportError::timed_out(true).with_source(error)
    } else {
        TransportError::other(error)
    }
}

#[async_trait::async_trait]
impl HttpTransport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let (parts, body) = request.into_parts();
        let response = self
            .client
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(transport_error)?;
        if response
            .content_length()
            .is_some_and(|length| length > MAX_BODY as u64)
        {
            return Err(TransportError::body_too_large(MAX_BODY));
        }
        let mut builder = http::Response::builder().status(response.status());
        if let Some(headers) = builder.headers_mut() {
            *headers = response.headers().clone();
        }
        let body = response.bytes().await.map_err(transport_error)?;
        if body.len() > MAX_BODY {
            return Err(TransportError::body_too_large(MAX_BODY));
        }
        builder.body(body).map_err(TransportError::other)
    }
}

async fn run() -> Result<(), String> {
    let transport = ReqwestTransport::new().map_err(|e| e.to_string())?;
    let client = |url: &str| {
        Client::builder(ReqwestTransport {
            client: transport.client.clone(),
        })
        .base_url(url)
        .max_retries(2)
        .sleep(TokioSleep)
        .build()
        .map_err(|e| e.to_string())
    };
    if let Ok(url) = std::env::var("MEDUSA_BACKEND_URL") {
        println!("reqwest -> {url}");
        return walk(&client(&url)?, &Users::from_env()?).await;
    }
    let seed = Seed::interop();
    let fake = FakeMedusa::from_seed(&seed);
    let server = fake
        .start_server()
        .await
        .map_err(|e| format!("starting the fake: {e}"))?;
    println!("reqwest -> the fake Medusa at {}", server.url());
    let result = walk(&client(server.url())?, &Users::from_seed(&seed)).await;
    server.shutdown().await;
    result
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("unexpected outcome: {message}");
            ExitCode::FAILURE
        }
    }
}
