//! Interop v2: a restart of the real development server (its sessions live in
//! memory) loses every cookie session and keeps every JWT valid. A binary of its own,
//! so that no other interop test runs while the server restarts. Skipped without
//! `MEDUSA_V2_BACKEND_URL` and `MEDUSA_V2_INTEROP_CONTROL`.

#[path = "support/backend.rs"]
mod backend;
#[path = "support/backend_v2.rs"]
mod backend_v2;

use std::process::Command;

use backend_v2::BackendV2;
use medusa_auth_hyper::Error;
use medusa_auth_hyper::v2::{self, CUSTOMER, Credentials, USER};

/// A restart of the development server (its sessions live in memory): the cookie
/// session is gone, the JWT still works, and a new cookie session can be opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_loses_cookie_sessions_and_keeps_jwts() {
    let Some(backend) = BackendV2::from_env("a_restart_loses_cookie_sessions") else {
        return;
    };
    let Some(control) = backend.control.clone() else {
        backend::skip(
            "a_restart_loses_cookie_sessions",
            "MEDUSA_V2_INTEROP_CONTROL is not set",
        );
        return;
    };
    let client = v2::Client::builder()
        .base_url(&backend.url)
        .publishable_api_key(&backend.keys.publishable_key)
        .build()
        .expect("a valid configuration");
    let admin = client.session();
    let (email, password) = &backend.keys.admin;
    admin
        .auth()
        .login(USER, email, password.clone())
        .await
        .expect("admin login");
    admin.auth().open_session().await.expect("a cookie session");
    let cookie = admin.session_cookie().expect("a cookie");
    let token = admin.token().expect("a token");
    let shopper = client.session();
    let (email, password) = &backend.keys.customer;
    shopper
        .auth()
        .login(CUSTOMER, email, password.clone())
        .await
        .expect("customer login");
    let customer_token = shopper.token().expect("a token");

    let status = tokio::task::spawn_blocking(move || Command::new(control).arg("restart").status())
        .await
        .expect("the restart ran")
        .expect("the control script started");
    assert!(status.success(), "interop-v2/medusa.sh restart failed");

    let by_cookie = client
        .session_with(Credentials::SessionCookie(cookie))
        .expect("a cookie a header can carry");
    let lost = by_cookie.admin().me().await;
    assert!(
        matches!(lost, Err(Error::Unauthorized { .. })),
        "the cookie outlived the restart: {lost:?}"
    );
    let by_token = client
        .session_with(Credentials::Token(token))
        .expect("a token a header can carry");
    let me = by_token
        .admin()
        .me()
        .await
        .expect("the admin token still works");
    assert_eq!(&me.email, &backend.keys.admin.0);
    by_token
        .auth()
        .open_session()
        .await
        .expect("a new cookie session");
    let by_new_cookie = client
        .session_with(Credentials::SessionCookie(
            by_token.session_cookie().expect("a new cookie"),
        ))
        .expect("a cookie a header can carry");
    by_new_cookie
        .admin()
        .me()
        .await
        .expect("the new cookie works");
    let customer = client
        .session_with(Credentials::Token(customer_token))
        .expect("a token a header can carry");
    let me = customer
        .store()
        .me()
        .await
        .expect("the customer token still works");
    assert_eq!(&me.email, &backend.keys.customer.0);
}
