//! The first program against Medusa v2: an admin and a customer, each in a session of
//! their own, through every step of v2's auth, one line a step.
//!
//! `cargo run --example quickstart_v2`
//!
//! With no environment it starts an embedded fake Medusa v2 (from
//! `medusa-auth-mock`) on 127.0.0.1 and talks to it. With `MEDUSA_BACKEND_URL` set it
//! talks to that Medusa 2.x server instead, with `MEDUSA_PUBLISHABLE_KEY`,
//! `MEDUSA_ADMIN_EMAIL` / `MEDUSA_ADMIN_PASSWORD`, `MEDUSA_CUSTOMER_EMAIL` /
//! `MEDUSA_CUSTOMER_PASSWORD` and, if set, `MEDUSA_SECRET_API_KEY`. It registers one
//! new customer with an e-mail it makes up. It never prints a password, token, cookie
//! or key, and exits non-zero unless every step went as expected.

use std::process::ExitCode;

use medusa_auth_hyper::v2::{self, CUSTOMER, Credentials, CustomerDetails, EMAILPASS, USER};
use medusa_auth_hyper::{Error, SecretString};

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

type Failure = Box<dyn std::error::Error>;

async fn run() -> Result<(), Failure> {
    let backend = Backend::from_env_or_fake().await?;

    // One client per backend: its configuration and connection pool, the
    // publishable key every /store route needs. It holds no user's credentials.
    let client = v2::Client::builder()
        .base_url(&backend.url)
        .publishable_api_key(&backend.publishable_key)
        .build()?;

    admin_walk(&client, &backend).await?;
    store_walk(&client, &backend).await?;

    backend.stop().await;
    println!("all steps went as expected");
    Ok(())
}

async fn admin_walk(client: &v2::Client, backend: &Backend) -> Result<(), Failure> {
    // One session per user: its own token and cookie, which no other session sees.
    let admin = client.session();
    let outcome = admin
        .auth()
        .login(USER, &backend.admin_email, backend.admin_password.clone())
        .await?;
    let token = outcome.token().ok_or("the admin login answered no token")?;
    println!(
        "admin: logged in, a user token valid until {}",
        token
            .expires_at()
            .map_or("(no expiry)".to_owned(), |t| t.to_string())
    );

    let me = admin.admin().me().await?;
    println!("admin: who am I, with the token: {}", me.email);

    let claims = admin.auth().open_session().await?;
    println!(
        "admin: traded the token for a cookie session of a {}",
        claims.actor_type
    );

    // The cookie alone, as a server keeps it in its own browser session.
    let cookie = admin
        .session_cookie()
        .ok_or("no cookie after open_session")?;
    let by_cookie = client.session_with(Credentials::SessionCookie(cookie.clone()))?;
    let me = by_cookie.admin().me().await?;
    println!("admin: who am I, with the cookie alone: {}", me.email);

    let fresh = admin.auth().refresh().await?;
    println!(
        "admin: refreshed, a new token valid until {}",
        fresh
            .expires_at()
            .map_or("(no expiry)".to_owned(), |t| t.to_string())
    );

    admin.auth().logout().await?;
    println!("admin: logged out (the session forgot its cookie and token)");

    let old = client.session_with(Credentials::SessionCookie(cookie))?;
    match old.admin().me().await {
        Err(error) if error.is_unauthorized() => {
            println!("admin: who am I, with the old cookie: unauthorized, as expected")
        }
        Err(error) => return Err(error.into()),
        Ok(_) => return Err("the old cookie still works after logout".into()),
    }

    match &backend.secret_api_key {
        Some(key) => {
            let machine = client.session_with(Credentials::SecretApiKey(key.clone()))?;
            let users: serde_json::Value = machine.get("/admin/users").query("limit", "1").await?;
            println!(
                "admin: GET /admin/users?limit=1 with the secret key answers {} of {} users",
                users["users"].as_array().map_or(0, Vec::len),
                users["count"]
            );
        }
        None => println!("admin: no MEDUSA_SECRET_API_KEY, no secret-key request"),
    }
    Ok(())
}

async fn store_walk(client: &v2::Client, backend: &Backend) -> Result<(), Failure> {
    let shopper = client.session();
    shopper
        .auth()
        .login(
            CUSTOMER,
            &backend.customer_email,
            backend.customer_password.clone(),
        )
        .await?;
    println!("store: logged in as a customer");

    let me = shopper.store().me().await?;
    println!(
        "store: who am I, with the token and the publishable key: {}",
        me.email
    );

    // A new customer, in the three steps v2 takes (or all at once with
    // `store().sign_up`): register, create the customer with the registration
    // token, refresh so that the token carries the new customer.
    let email = format!(
        "quickstart-{}-{}@example.com",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_millis())
    );
    let newcomer = client.session();
    let registration = newcomer
        .auth()
        .register(CUSTOMER, &email, "a password of their own")
        .await?;
    println!(
        "store: registered {email}, an actor-less token: {}",
        registration.is_actor_less()
    );
    let customer = newcomer
        .store()
        .create_customer(CustomerDetails::new(&email).named("New", "Customer"))
        .await?;
    println!("store: created the customer {}", customer.id);
    let refreshed = newcomer.auth().refresh().await?;
    println!(
        "store: refreshed, the token now carries {}",
        refreshed.actor_id().unwrap_or("no actor")
    );
    let me = newcomer.store().me().await?;
    println!("store: who am I, with the refreshed token: {}", me.email);

    newcomer
        .auth()
        .reset_password(CUSTOMER, EMAILPASS, &email)
        .await?;
    println!("store: asked for a password reset (the token goes out by e-mail)");

    match client
        .session()
        .auth()
        .login(CUSTOMER, &backend.customer_email, "not the password")
        .await
    {
        Err(Error::Api(api)) if api.status == 401 => {
            println!("store: a wrong password: 401 {}, as expected", api.message)
        }
        Err(error) => return Err(error.into()),
        Ok(_) => return Err("a wrong password logged in".into()),
    }
    Ok(())
}

/// Where Medusa v2 is, its keys, and who to log in as.
struct Backend {
    url: String,
    publishable_key: String,
    secret_api_key: Option<SecretString>,
    admin_email: String,
    admin_password: SecretString,
    customer_email: String,
    customer_password: SecretString,
    fake: Option<medusa_auth_mock::FakeServer>,
}

impl Backend {
    /// The server of `MEDUSA_BACKEND_URL` and the users and keys of the
    /// environment, or an embedded fake Medusa v2 seeded with an admin, a customer
    /// and both keys.
    async fn from_env_or_fake() -> Result<Backend, Failure> {
        if let Ok(url) = std::env::var("MEDUSA_BACKEND_URL") {
            let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
            println!("talking to the Medusa v2 backend at {url}");
            return Ok(Backend {
                url,
                publishable_key: var("MEDUSA_PUBLISHABLE_KEY")?,
                secret_api_key: std::env::var("MEDUSA_SECRET_API_KEY")
                    .ok()
                    .filter(|key| !key.is_empty())
                    .map(SecretString::from),
                admin_email: var("MEDUSA_ADMIN_EMAIL")?,
                admin_password: var("MEDUSA_ADMIN_PASSWORD")?.into(),
                customer_email: var("MEDUSA_CUSTOMER_EMAIL")?,
                customer_password: var("MEDUSA_CUSTOMER_PASSWORD")?.into(),
                fake: None,
            });
        }
        let seed = medusa_auth_mock::SeedV2::interop();
        let fake = medusa_auth_mock::FakeMedusaV2::from_seed(&seed);
        let server = fake.start_server().await?;
        println!(
            "started a fake Medusa v2 at {} (set MEDUSA_BACKEND_URL to use a real one)",
            server.url()
        );
        let customer = seed.customer().ok_or("the seed has no customer")?;
        Ok(Backend {
            url: server.url().to_owned(),
            publishable_key: fake.publishable_key(),
            secret_api_key: Some(fake.secret_key()),
            admin_email: seed.admin.email.clone(),
            admin_password: seed.admin.password.clone(),
            customer_email: customer.email.clone(),
            customer_password: customer.password.clone(),
            fake: Some(server),
        })
    }

    async fn stop(self) {
        if let Some(server) = self.fake {
            server.shutdown().await;
        }
    }
}
