//! The program a Medusa user writes first: a client, a session, log in, who am I, a
//! token, a call to another route, log out.
//!
//! `cargo run --example quickstart`
//!
//! With no environment it starts an embedded fake Medusa (from `medusa-auth-mock`)
//! on 127.0.0.1 and talks to it. With `MEDUSA_BACKEND_URL` set it talks to that
//! server instead, as `MEDUSA_CUSTOMER_EMAIL` / `MEDUSA_CUSTOMER_PASSWORD` and
//! `MEDUSA_ADMIN_EMAIL` / `MEDUSA_ADMIN_PASSWORD`. It never prints a password, token or
//! cookie, and exits non-zero on any unexpected outcome. `cargo run --example walk`
//! goes through every call and every credential.

use std::process::ExitCode;

use medusa_auth_hyper::{Client, SecretString};

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

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let backend = Backend::from_env_or_fake().await?;

    // One client per backend: its configuration and connection pool. It holds no
    // user's credentials; keep it (it is cheap to clone) in your service's state.
    let client = Client::builder().base_url(&backend.url).build()?;

    // One session per user: its own cookie and tokens, which no other session sees.
    let shopper = client.session();
    let customer = shopper
        .store()
        .authenticate(&backend.customer_email, backend.customer_password.clone())
        .await?;
    println!("logged in as {}", customer.email);

    // Who am I? The session sends back the cookie the login left.
    let me = shopper.store().get_session().await?;
    println!("the session belongs to {} ({})", me.email, me.id);

    // A JWT for the same customer, for a job that runs without the cookie; the
    // session keeps it and sends it on later store calls.
    let token = shopper
        .store()
        .get_token(&backend.customer_email, backend.customer_password.clone())
        .await?;
    match token.expires_at() {
        Some(at) => println!("a store JWT, valid until {at}"),
        None => println!("a store JWT"),
    }

    // Any other Medusa route, with this session's own credentials.
    let profile: serde_json::Value = shopper.get("/store/customers/me").await?;
    println!(
        "GET /store/customers/me answers for {}",
        profile["customer"]["email"].as_str().unwrap_or("nobody")
    );

    // An admin, in a session of their own: an admin route with the admin's JWT.
    let admin = client.session();
    admin
        .admin()
        .get_token(&backend.admin_email, backend.admin_password.clone())
        .await?;
    let users: serde_json::Value = admin.get("/admin/users").query("limit", "1").await?;
    println!(
        "GET /admin/users?limit=1 answers {} of {} users",
        users["users"].as_array().map_or(0, Vec::len),
        users["count"]
    );

    // Log out: the server forgets the cookie's session, and so does this session
    // (it also forgets the store JWT).
    shopper.store().delete_session().await?;
    match shopper.store().get_session().await {
        Err(error) if error.is_unauthorized() => {
            println!("after logout: unauthorized, as expected")
        }
        Err(error) => return Err(error.into()),
        Ok(_) => return Err("still logged in after logout".into()),
    }

    backend.stop().await;
    Ok(())
}

/// Where Medusa is, and who to log in as.
struct Backend {
    url: String,
    customer_email: String,
    customer_password: SecretString,
    admin_email: String,
    admin_password: SecretString,
    fake: Option<medusa_auth_mock::FakeServer>,
}

impl Backend {
    /// The server of `MEDUSA_BACKEND_URL` and the users of the environment, or an
    /// embedded fake Medusa seeded with an admin and a customer.
    async fn from_env_or_fake() -> Result<Backend, Box<dyn std::error::Error>> {
        if let Ok(url) = std::env::var("MEDUSA_BACKEND_URL") {
            let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
            println!("talking to the Medusa backend at {url}");
            return Ok(Backend {
                url,
                customer_email: var("MEDUSA_CUSTOMER_EMAIL")?,
                customer_password: var("MEDUSA_CUSTOMER_PASSWORD")?.into(),
                admin_email: var("MEDUSA_ADMIN_EMAIL")?,
                admin_password: var("MEDUSA_ADMIN_PASSWORD")?.into(),
                fake: None,
            });
        }
        let seed = medusa_auth_mock::Seed::interop();
        let server = medusa_auth_mock::FakeMedusa::from_seed(&seed)
            .start_server()
            .await?;
        println!(
            "started a fake Medusa at {} (set MEDUSA_BACKEND_URL to use a real one)",
            server.url()
        );
        let customer = seed.customer().ok_or("the seed has no customer")?;
        Ok(Backend {
            url: server.url().to_owned(),
            customer_email: customer.email.clone(),
            customer_password: customer.password.clone(),
            admin_email: seed.admin.email.clone(),
            admin_password: seed.admin.password.clone(),
            fake: Some(server),
        })
    }

    async fn stop(self) {
        if let Some(server) = self.fake {
            server.shutdown().await;
        }
    }
}
