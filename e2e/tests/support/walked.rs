//! The quickstart's walk (admin and store, cookie, bearer JWT, API token and route
//! requests, and the failures on the way) over the hyper transport against the fake
//! on loopback, and everything it met, for the secret tests: what it printed, the
//! `Debug` and `Display` of its values and errors, and the secrets it handled.
//! The including test declares the walk as `mod walk` at its root.
#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use http::Method;
use medusa_auth_hyper::{Client, Credentials, Error, ExposeSecret, InvalidInput};
use medusa_auth_mock::{FakeMedusa, Fault, Seed};

use crate::walk::{Users, walk_to};

/// Bytes written from any thread, read back as text.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// What the walk left to look at.
pub struct Walked {
    /// The walk's printed report.
    pub output: String,
    /// The `Debug` and `Display` of the values and errors met.
    pub shown: String,
    /// Every secret handled: passwords, the API token, JWTs, the cookie value.
    pub secrets: Vec<String>,
}

/// The walk, then the failures, on a current-thread runtime of the calling thread.
pub fn walk_and_fail() -> Walked {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run())
}

async fn run() -> Walked {
    let seed = Seed::interop();
    let users = Users::from_seed(&seed);
    let api_token = users
        .admin_api_token
        .as_ref()
        .expect("the interop seed has an API token")
        .expose_secret()
        .to_owned();
    let mut secrets: Vec<String> = vec![
        users.admin_password.expose_secret().to_owned(),
        users.customer_password.expose_secret().to_owned(),
        api_token.clone(),
        // The walk's own mistake: a wrong password must not show either.
        "wrong-password".to_owned(),
    ];
    let mut output = Captured::default();
    let mut shown = String::new();

    let fake = FakeMedusa::from_seed(&seed);
    let server = fake.start_server().await.unwrap();
    let client = Client::builder().base_url(server.url()).build().unwrap();
    walk_to(&client, &users, &mut output).await.unwrap();

    // The failures, and what the successes return, with their Debug and Display.
    let session = client.session();
    let user = session
        .admin()
        .create_session(&users.admin_email, users.admin_password.clone())
        .await
        .unwrap();
    let token = session
        .admin()
        .get_token(&users.admin_email, users.admin_password.clone())
        .await
        .unwrap();
    let store_token = session
        .store()
        .get_token(&users.customer_email, users.customer_password.clone())
        .await
        .unwrap();
    secrets.push(token.expose_secret().to_owned());
    secrets.push(store_token.expose_secret().to_owned());
    secrets.push(session.session_cookie().unwrap().expose_secret().to_owned());
    let listed = session
        .get("/admin/users")
        .header("x-medusa-access-token", &api_token)
        .query("limit", "1")
        .await
        .unwrap();
    shown.push_str(&format!(
        "{user:?} {token:?} {store_token:?} {session:?} {client:?} {:?}",
        token.claims()
    ));
    // A route request as built, with a credential among its headers and a password
    // in its body.
    let request = session
        .post("/admin/users")
        .header("x-medusa-access-token", &api_token)
        .json(&serde_json::json!({ "password": users.admin_password.expose_secret() }));
    shown.push_str(&format!(" {request:?} {:?}", request.api_request()));
    // What the server answered to it (its users' `api_token` among the fields) is the
    // caller's business: only check it was listed, never print it.
    assert!(listed["users"].is_array());

    let wrong = session
        .admin()
        .create_session(&users.admin_email, "wrong-password")
        .await
        .unwrap_err();
    let invalid = session
        .store()
        .authenticate("not-an-email", users.customer_password.clone())
        .await
        .unwrap_err();
    // An API token forced onto a store route: refused before sending.
    let api_on_store = session
        .store()
        .get_session()
        .header("x-medusa-access-token", &api_token)
        .await
        .unwrap_err();
    assert!(
        matches!(
            api_on_store,
            Error::InvalidInput(InvalidInput::ApiTokenOnStoreRoute)
        ),
        "{api_on_store:?}"
    );
    let route_on_store = session
        .get("/store/customers/me")
        .header("x-medusa-access-token", &api_token)
        .await
        .unwrap_err();
    assert!(
        matches!(route_on_store, Error::InvalidInput(_)),
        "{route_on_store:?}"
    );
    // A token answer served as text (a proxy in the way): its body, JWT and all,
    // is what an excerpt would show.
    fake.fail_next(
        Method::POST,
        "/admin/auth/token",
        1,
        Fault::status(200).body(
            Some("text/plain"),
            format!(r#"{{"access_token":"{}"}}"#, token.expose_secret()),
        ),
    );
    let token_as_text = session
        .admin()
        .get_token(&users.admin_email, users.admin_password.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(token_as_text, Error::UnexpectedResponse { .. }),
        "{token_as_text:?}"
    );
    // The same through a route request.
    fake.fail_next(
        Method::GET,
        "/admin/users",
        1,
        Fault::status(502).body(
            Some("text/html"),
            format!("<p>upstream said {}</p>", token.expose_secret()),
        ),
    );
    let route_as_html = session.get("/admin/users").await.unwrap_err();
    assert!(
        matches!(route_as_html, Error::UnexpectedResponse { .. }),
        "{route_as_html:?}"
    );
    // A logout whose answer is lost: the session forgets, the error says so.
    fake.fail_next(Method::DELETE, "/admin/auth", 1, Fault::drop_connection());
    let lost_logout = session.admin().delete_session().await.unwrap_err();
    assert!(
        matches!(lost_logout, Error::LogoutUnconfirmed { .. }),
        "{lost_logout:?}"
    );
    let bad_cookie = client
        .session_with(Credentials::SessionCookie(
            format!("{}\r\n", secrets[0]).into(),
        ))
        .unwrap_err();
    for error in [
        &wrong,
        &invalid,
        &api_on_store,
        &route_on_store,
        &token_as_text,
        &route_as_html,
        &lost_logout,
    ] {
        shown.push_str(&format!(" {error} {error:?}"));
    }
    shown.push_str(&format!(" {bad_cookie} {bad_cookie:?}"));
    server.shutdown().await;

    Walked {
        output: output.text(),
        shown,
        secrets,
    }
}

/// Panics if `text` shows any of `secrets`, a JWT or a signed cookie value.
pub fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{what} shows a secret ({:.6}…)",
            secret
        );
    }
    // No JWT and no signed cookie value of any kind.
    assert!(!text.contains("eyJ"), "{what} shows a JWT");
    assert!(!text.contains("s%3A"), "{what} shows a session cookie");
}
