//! The walk every example makes through the whole auth API, whatever the transport:
//! one readable line per step, never a password, token or cookie value, and an
//! error at the first unexpected outcome.

use std::fmt::Display;
use std::io::Write;

use medusa_auth_core::{
    AdminAuthApi, Client, Credentials, CustomHeaders, Error, SecretString, Side, StoreAuthApi,
};

/// Who the walk logs in as.
pub struct Users {
    pub admin_email: String,
    pub admin_password: SecretString,
    pub admin_api_token: Option<SecretString>,
    pub customer_email: String,
    pub customer_password: SecretString,
}

impl Users {
    /// The admin (with its API token) and the first customer of a seed.
    #[allow(dead_code)]
    pub fn from_seed(seed: &medusa_auth_mock::Seed) -> Users {
        let customer = seed.customer().expect("the seed has a customer");
        Users {
            admin_email: seed.admin.email.clone(),
            admin_password: seed.admin.password.clone(),
            admin_api_token: seed.admin.api_token.clone(),
            customer_email: customer.email.clone(),
            customer_password: customer.password.clone(),
        }
    }

    /// The users of `MEDUSA_ADMIN_EMAIL`, `MEDUSA_ADMIN_PASSWORD`,
    /// `MEDUSA_ADMIN_API_TOKEN` (optional), `MEDUSA_CUSTOMER_EMAIL` and
    /// `MEDUSA_CUSTOMER_PASSWORD`.
    #[allow(dead_code)]
    pub fn from_env() -> Result<Users, String> {
        let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
        Ok(Users {
            admin_email: var("MEDUSA_ADMIN_EMAIL")?,
            admin_password: var("MEDUSA_ADMIN_PASSWORD")?.into(),
            admin_api_token: std::env::var("MEDUSA_ADMIN_API_TOKEN")
                .ok()
                .map(SecretString::from),
            customer_email: var("MEDUSA_CUSTOMER_EMAIL")?,
            customer_password: var("MEDUSA_CUSTOMER_PASSWORD")?.into(),
        })
    }
}

struct Steps<'a> {
    count: usize,
    out: &'a mut dyn Write,
}

impl Steps<'_> {
    fn line(&mut self, text: impl Display) {
        // The walk's output is a report; a closed stdout must not abort it.
        let _ = writeln!(self.out, "{text}");
    }

    fn ok(&mut self, what: &str, detail: impl Display) {
        self.count += 1;
        let count = self.count;
        self.line(format_args!("{count:>3}. {what:<50} {detail}"));
    }

    fn unauthorized<T>(&mut self, what: &str, result: Result<T, Error>) -> Result<(), String> {
        match result {
            Err(error) if error.is_unauthorized() => {
                self.ok(what, "unauthorized, as expected");
                Ok(())
            }
            Err(error) => Err(format!("{what}: expected unauthorized, got: {error}")),
            Ok(_) => Err(format!("{what}: expected unauthorized, but it succeeded")),
        }
    }
}

fn step<T>(what: &str, result: Result<T, Error>) -> Result<T, String> {
    result.map_err(|error| format!("{what}: {error}"))
}

fn handle(client: &Client, credentials: Credentials) -> Result<medusa_auth_core::Session, String> {
    client
        .session_with(credentials)
        .map_err(|error| error.to_string())
}

/// Walks every call: the admin side, then the store side, printing to stdout.
#[allow(dead_code)]
pub async fn walk(client: &Client, users: &Users) -> Result<(), String> {
    walk_to(client, users, &mut std::io::stdout()).await
}

/// Walks every call, writing one line per step to `out`.
pub async fn walk_to(client: &Client, users: &Users, out: &mut dyn Write) -> Result<(), String> {
    let none = CustomHeaders::new();
    let mut steps = Steps { count: 0, out };

    steps.line("admin");
    let admin = client.session();
    let user = step(
        "create_session",
        admin
            .admin()
            .create_session(&users.admin_email, &users.admin_password, &none)
            .await,
    )?;
    steps.ok(
        "create_session (the handle keeps the cookie)",
        format!("{} ({})", user.email, user.role),
    );
    let user = step("get_session", admin.admin().get_session(&none).await)?;
    steps.ok("get_session with the session cookie", &user.id);
    let token = step(
        "get_token",
        admin
            .admin()
            .get_token(&users.admin_email, &users.admin_password, &none)
            .await,
    )?;
    let lifetime = token
        .claims()
        .and_then(|claims| claims.exp?.checked_sub(claims.iat?))
        .map_or("unknown lifetime".to_owned(), |seconds| {
            format!("valid {} h", seconds / 3600)
        });
    steps.ok("get_token (an admin JWT)", lifetime);
    let bearer = handle(client, Credentials::Bearer(token))?;
    let user = step(
        "get_session (bearer)",
        bearer.admin().get_session(&none).await,
    )?;
    steps.ok("get_session with the JWT on a fresh handle", &user.id);
    if let Some(api_token) = &users.admin_api_token {
        let tool = handle(client, Credentials::ApiToken(api_token.clone()))?;
        let user = step(
            "get_session (API token)",
            tool.admin().get_session(&none).await,
        )?;
        steps.ok("get_session with the API token on another handle", &user.id);
    }
    step("delete_session", admin.admin().delete_session(&none).await)?;
    steps.ok("delete_session (the handle forgets cookie and JWT)", "OK");
    steps.unauthorized(
        "get_session after delete_session",
        admin.admin().get_session(&none).await,
    )?;

    steps.line("store");
    let shopper = client.session();
    if !step(
        "exists",
        shopper.store().exists(&users.customer_email, &none).await,
    )? {
        return Err(format!("exists: {} has no account", users.customer_email));
    }
    steps.ok("exists", format!("{} has an account", users.customer_email));
    let customer = step(
        "authenticate",
        shopper
            .store()
            .authenticate(&users.customer_email, &users.customer_password, &none)
            .await,
    )?;
    steps.ok(
        "authenticate (the handle keeps the cookie)",
        &customer.email,
    );
    let customer = step("get_session", shopper.store().get_session(&none).await)?;
    steps.ok("get_session with the session cookie", &customer.id);
    let token = step(
        "get_token",
        shopper
            .store()
            .get_token(&users.customer_email, &users.customer_password, &none)
            .await,
    )?;
    if token.side() != Side::Store {
        return Err("get_token: not a store token".into());
    }
    steps.ok("get_token (a store JWT)", "received");
    let bearer = handle(client, Credentials::Bearer(token))?;
    let customer = step(
        "get_session (bearer)",
        bearer.store().get_session(&none).await,
    )?;
    steps.ok("get_session with the JWT on a fresh handle", &customer.id);
    step(
        "delete_session",
        shopper.store().delete_session(&none).await,
    )?;
    steps.ok("delete_session", "OK");
    steps.unauthorized(
        "get_session after delete_session",
        shopper.store().get_session(&none).await,
    )?;
    let count = steps.count;
    steps.line(format_args!("all {count} steps as expected"));
    Ok(())
}
