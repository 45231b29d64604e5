//! The walk every example makes through the whole auth API, whatever the transport:
//! every call, every credential (session cookie, bearer JWT, API token), per-call
//! headers, requests to other routes with a session's credentials, and the failures
//! expected on the way. One readable line per step, never a password, token or
//! cookie value, and an error at the first unexpected outcome.
//!
//! It runs on anything that makes sessions (`&dyn SessionFactory`): the hyper
//! `Client`, a core `Client` over your own transport, the fake's in-memory client.

use std::fmt::Display;
use std::io::Write;

use medusa_auth_hyper::{AuthSession, Credentials, Error, SecretString, SessionFactory, Side};

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
                .filter(|token| !token.is_empty())
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
        self.line(format_args!("{count:>3}. {what:<58} {detail}"));
    }

    /// A step that must fail with `expected` (as `is_expected` tells).
    fn fails<T>(
        &mut self,
        what: &str,
        result: Result<T, Error>,
        expected: &str,
        is_expected: impl FnOnce(&Error) -> bool,
    ) -> Result<(), String> {
        match result {
            Err(error) if is_expected(&error) => {
                self.ok(what, format_args!("{expected}, as expected"));
                Ok(())
            }
            Err(error) => Err(format!("{what}: expected {expected}, got: {error}")),
            Ok(_) => Err(format!("{what}: expected {expected}, but it succeeded")),
        }
    }

    fn unauthorized<T>(&mut self, what: &str, result: Result<T, Error>) -> Result<(), String> {
        self.fails(what, result, "unauthorized", Error::is_unauthorized)
    }
}

fn step<T>(what: &str, result: Result<T, Error>) -> Result<T, String> {
    result.map_err(|error| format!("{what}: {error}"))
}

fn session_with(
    medusa: &dyn SessionFactory,
    credentials: Credentials,
) -> Result<std::sync::Arc<dyn AuthSession>, String> {
    medusa
        .session_with(credentials)
        .map_err(|error| error.to_string())
}

/// A string field of a JSON answer.
fn field<'a>(value: &'a serde_json::Value, pointer: &str) -> Result<&'a str, String> {
    value
        .pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("the answer has no {pointer}"))
}

/// Walks every call: the admin side, then the store side, printing to stdout.
#[allow(dead_code)]
pub async fn walk(medusa: &dyn SessionFactory, users: &Users) -> Result<(), String> {
    walk_to(medusa, users, &mut std::io::stdout()).await
}

/// Walks every call, writing one line per step to `out`.
pub async fn walk_to(
    medusa: &dyn SessionFactory,
    users: &Users,
    out: &mut dyn Write,
) -> Result<(), String> {
    let mut steps = Steps { count: 0, out };
    admin(medusa, users, &mut steps).await?;
    store(medusa, users, &mut steps).await?;
    let count = steps.count;
    steps.line(format_args!("all {count} steps as expected"));
    Ok(())
}

async fn admin(
    medusa: &dyn SessionFactory,
    users: &Users,
    steps: &mut Steps<'_>,
) -> Result<(), String> {
    steps.line("admin");
    let admin = medusa.session();
    let user = step(
        "create_session",
        admin
            .admin()
            .create_session(&users.admin_email, users.admin_password.clone())
            .header("x-request-id", "walk-admin-login")
            .await,
    )?;
    steps.ok(
        "create_session, with an x-request-id of its own",
        format_args!("{} ({})", user.email, user.role),
    );
    let user = step("get_session", admin.admin().get_session().await)?;
    steps.ok("get_session with the session cookie", &user.id);
    let token = step(
        "get_token",
        admin
            .admin()
            .get_token(&users.admin_email, users.admin_password.clone())
            .await,
    )?;
    if token.side() != Side::Admin {
        return Err("get_token: not an admin token".into());
    }
    let lifetime = token
        .claims()
        .and_then(|claims| Some(claims.exp?.duration_since(claims.iat?)))
        .map_or("unknown lifetime".to_owned(), |valid| {
            format!("valid {} h", valid.as_secs() / 3600)
        });
    steps.ok("get_token (an admin JWT)", lifetime);
    let bearer = session_with(medusa, Credentials::Bearer(token))?;
    let user = step("get_session (bearer)", bearer.admin().get_session().await)?;
    steps.ok("get_session with the JWT on a fresh session", &user.id);
    if let Some(api_token) = &users.admin_api_token {
        let tool = session_with(medusa, Credentials::ApiToken(api_token.clone()))?;
        let user = step("get_session (API token)", tool.admin().get_session().await)?;
        steps.ok(
            "get_session with the API token on another session",
            &user.id,
        );
        let page = step(
            "GET /admin/users",
            tool.get("/admin/users").query("limit", "1").await,
        )?;
        let listed = page
            .get("users")
            .and_then(serde_json::Value::as_array)
            .ok_or("GET /admin/users: the answer has no users")?;
        if listed.len() != 1 {
            return Err(format!(
                "GET /admin/users?limit=1: {} users on the page",
                listed.len()
            ));
        }
        let total = page.get("count").and_then(serde_json::Value::as_u64);
        steps.ok(
            "GET /admin/users?limit=1 with the API token",
            format_args!(
                "1 of {} users",
                total.map_or("?".to_owned(), |n| n.to_string())
            ),
        );
    }
    steps.fails(
        "get_session with a header that cannot be sent",
        admin
            .admin()
            .get_session()
            .header("x-request-id", "line\r\nbreak")
            .await,
        "refused before sending",
        |error| matches!(error, Error::InvalidInput(_)),
    )?;
    step("delete_session", admin.admin().delete_session().await)?;
    steps.ok("delete_session (the session forgets cookie and JWT)", "OK");
    steps.unauthorized(
        "get_session after delete_session",
        admin.admin().get_session().await,
    )
}

async fn store(
    medusa: &dyn SessionFactory,
    users: &Users,
    steps: &mut Steps<'_>,
) -> Result<(), String> {
    steps.line("store");
    let shopper = medusa.session();
    if !step(
        "exists",
        shopper.store().exists(&users.customer_email).await,
    )? {
        return Err(format!("exists: {} has no account", users.customer_email));
    }
    steps.ok(
        "exists",
        format_args!("{} has an account", users.customer_email),
    );
    let customer = step(
        "authenticate",
        shopper
            .store()
            .authenticate(&users.customer_email, users.customer_password.clone())
            .header("x-request-id", "walk-store-login")
            .await,
    )?;
    steps.ok(
        "authenticate, with an x-request-id of its own",
        &customer.email,
    );
    let me = step("get_session", shopper.store().get_session().await)?;
    if me.id != customer.id {
        return Err(format!("get_session: {} is not {}", me.id, customer.id));
    }
    steps.ok("get_session with the session cookie", &me.id);
    let profile = step(
        "GET /store/customers/me",
        shopper.get("/store/customers/me").await,
    )?;
    let id = field(&profile, "/customer/id")?;
    if id != customer.id {
        return Err(format!(
            "GET /store/customers/me: {id} is not {}",
            customer.id
        ));
    }
    steps.ok("GET /store/customers/me with the session cookie", id);
    // Kept to check, after the logout, that the server forgot it too.
    let cookie = shopper
        .session_cookie()
        .ok_or("authenticate: the session holds no cookie")?;
    let token = step(
        "get_token",
        shopper
            .store()
            .get_token(&users.customer_email, users.customer_password.clone())
            .await,
    )?;
    if token.side() != Side::Store {
        return Err("get_token: not a store token".into());
    }
    steps.ok("get_token (a store JWT)", "received");
    let bearer = session_with(medusa, Credentials::Bearer(token))?;
    let me = step("get_session (bearer)", bearer.store().get_session().await)?;
    steps.ok("get_session with the JWT on a fresh session", &me.id);
    step("delete_session", shopper.store().delete_session().await)?;
    steps.ok("delete_session (the session forgets cookie and JWT)", "OK");
    steps.unauthorized(
        "get_session after delete_session",
        shopper.store().get_session().await,
    )?;
    let revoked = session_with(medusa, Credentials::SessionCookie(cookie))?;
    steps.unauthorized(
        "GET /store/customers/me with the pre-logout cookie",
        revoked.get("/store/customers/me").await,
    )
}
