//! Walks the admin and store auth calls over a transport of your own: here one that
//! replays the answers a real Medusa 1.20.11 server gave (testdata/fixtures).
//!
//! `cargo run -p medusa-auth-e2e --example replay`
//!
//! It shows the SDK's own behaviour on real answers: the session cookie kept and
//! sent back byte for byte, the JWT from `get_token` used as a bearer on the same
//! side only, the logout carrying the cookie and nothing else, typed errors for
//! 401s and invalid bodies, and the email of `exists` encoded as one path segment.
//! No secret is printed.

use std::collections::VecDeque;
use std::process::ExitCode;
use std::sync::Mutex;

use bytes::Bytes;
use medusa_auth_core::{
    Client, Clock, Error, HttpTransport, SecretString, Timestamp, TransportError,
};
use medusa_auth_testdata::exchange;
use percent_encoding::percent_decode_str;

/// Answers each request with the next recorded response, and checks that the
/// request is the one that was recorded (method and path).
struct Replay {
    script: Mutex<VecDeque<u32>>,
}

#[async_trait::async_trait]
impl HttpTransport for Replay {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let number = self
            .script
            .lock()
            .expect("script lock")
            .pop_front()
            .ok_or_else(|| TransportError::connect("the replay script is exhausted"))?;
        let recorded = exchange(number);
        let expected = recorded.request().expect("a recorded request");
        // The recording encoded '@' as %40 where the SDK leaves it raw: compare decoded.
        let decoded = |path: &str| percent_decode_str(path).decode_utf8_lossy().into_owned();
        if expected.method() != request.method()
            || decoded(expected.uri().path()) != decoded(request.uri().path())
        {
            return Err(TransportError::other(format!(
                "exchange {number} recorded {} {}, the SDK sent {} {}",
                expected.method(),
                expected.uri().path(),
                request.method(),
                request.uri().path()
            )));
        }
        println!(
            "  -> {} {} (cookie: {}, bearer: {})",
            request.method(),
            request.uri().path(),
            request.headers().contains_key("cookie"),
            request.headers().contains_key("authorization")
        );
        Ok(recorded.response())
    }
}

/// The time of the recording.
struct RecordedAt;

impl Clock for RecordedAt {
    fn now(&self) -> Timestamp {
        "2026-11-22T13:08:30Z".parse().expect("a date")
    }
}

async fn walk() -> Result<(), Error> {
    // The exchanges of the transcript, in the order this walk makes its calls.
    let script = [
        11, 12, 15, 18, 23, 24, 36, 43, 45, 48, 60, 61, 54, 56, 53, 2, 4,
    ];
    let client = Client::builder(Replay {
        script: Mutex::new(script.into()),
    })
    .base_url("http://127.0.0.1:9000")
    // The recorded cookies and JWTs carry the expiry of their day: replay at that time.
    .clock(RecordedAt)
    .build()
    .expect("a valid configuration");
    let password = SecretString::from("supersecret");

    println!("admin, on one session:");
    let admin = client.session();
    let user = admin
        .admin()
        .create_session("admin@example.com", password.clone())
        .await?;
    println!(
        "create_session: logged in as {} ({})",
        user.email, user.role
    );
    let user = admin.admin().get_session().await?;
    println!("get_session with the cookie: {}", user.id);
    let token = admin
        .admin()
        .get_token("admin@example.com", password.clone())
        .await?;
    println!(
        "get_token: a JWT of the {} side, expires at {}",
        token.side(),
        token
            .expires_at()
            .map_or("(no expiry)".to_owned(), |at| at.to_string())
    );
    let user = admin.admin().get_session().await?;
    println!("get_session with cookie and bearer: {}", user.id);
    admin.admin().delete_session().await?;
    println!("delete_session (the cookie only): the session forgot its cookie and admin JWT");
    match admin.admin().get_session().await {
        Err(error) if error.is_unauthorized() => println!("get_session now: {error}"),
        other => panic!("expected unauthorized, got {other:?}"),
    }

    println!("store, on another session:");
    let shopper = client.session();
    let customer = shopper
        .store()
        .authenticate("customer@example.com", password.clone())
        .await?;
    println!("authenticate: {} {}", customer.id, customer.email);
    let customer = shopper.store().get_session().await?;
    println!("get_session: {}", customer.id);
    let token = shopper
        .store()
        .get_token("customer@example.com", password.clone())
        .await?;
    println!("get_token: a JWT of the {} side", token.side());
    let customer = shopper.store().get_session().await?;
    println!("get_session with the bearer: {}", customer.id);
    shopper.store().delete_session().await?;
    println!("delete_session (the cookie only): done");
    let error = shopper.store().get_session().await.unwrap_err();
    println!("get_session now: {error}");

    println!("exists, the email encoded as one path segment, on a fresh session:");
    let visitor = client.session();
    for email in [
        "plus+tag@example.com",
        "slash/name@example.com",
        "nobody@example.com",
    ] {
        let exists = visitor.store().exists(email).await?;
        println!("exists({email}) = {exists}");
    }

    println!("errors are typed:");
    let stranger = client.session();
    let error = stranger
        .admin()
        .create_session("admin@example.com", "wrong")
        .await
        .unwrap_err();
    println!("wrong password: {error}");
    let error = stranger
        .admin()
        .create_session("admin@example.com", "x")
        .await
        .unwrap_err();
    println!("(the next recorded answer is a 400 for a missing password) {error}");
    let error = stranger
        .admin()
        .create_session("not-an-email", password)
        .await
        .unwrap_err();
    println!("refused before sending: {error}");
    Ok(())
}

fn main() -> ExitCode {
    match futures::executor::block_on(walk()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("unexpected error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
