//! The whole auth API over the hyper client, one line per step: every call, every
//! credential, per-call headers, other routes with a session's credentials, and the
//! failures expected on the way.
//!
//! `cargo run --example walk`
//!
//! With no environment it starts the fake Medusa of `medusa-auth-mock` on
//! 127.0.0.1, seeded with an admin (with an API token) and a customer, and walks
//! every call against it. With `MEDUSA_BACKEND_URL` set it talks to that server
//! instead, as `MEDUSA_ADMIN_EMAIL` / `MEDUSA_ADMIN_PASSWORD` (and
//! `MEDUSA_ADMIN_API_TOKEN`, optional) and `MEDUSA_CUSTOMER_EMAIL` /
//! `MEDUSA_CUSTOMER_PASSWORD`. It never prints a password, token or cookie value,
//! and exits non-zero on any unexpected outcome.

#[path = "common/walk.rs"]
mod walk;

use std::process::ExitCode;

use medusa_auth_hyper::Client;
use medusa_auth_mock::{FakeMedusa, Seed};
use walk::{Users, walk};

async fn run() -> Result<(), String> {
    if let Ok(url) = std::env::var("MEDUSA_BACKEND_URL") {
        println!("talking to the Medusa backend at {url}");
        let users = Users::from_env()?;
        let client = Client::builder()
            .base_url(url)
            .build()
            .map_err(|e| e.to_string())?;
        return walk(&client, &users).await;
    }
    let seed = Seed::interop();
    let fake = FakeMedusa::from_seed(&seed);
    let server = fake
        .start_server()
        .await
        .map_err(|e| format!("starting the fake: {e}"))?;
    println!(
        "started the fake Medusa at {} (set MEDUSA_BACKEND_URL to use a real one)",
        server.url()
    );
    let client = Client::builder()
        .base_url(server.url())
        .build()
        .map_err(|e| e.to_string())?;
    let result = walk(&client, &Users::from_seed(&seed)).await;
    server.shutdown().await;
    result
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("unexpected outcome: {message}");
            ExitCode::FAILURE
        }
    }
}
