//! Interop: the real Medusa server restarted under the client (its sessions live in
//! memory, so they are lost; JWTs survive). A file of its own, so the restart
//! never runs while other interop tests use the server. Skipped, with a message,
//! without `MEDUSA_BACKEND_URL` and `MEDUSA_INTEROP_CONTROL`.

#[path = "support/backend.rs"]
mod backend;

use std::process::Command;

use backend::{Backend, CUSTOMER_EMAIL, password};
use medusa_auth_hyper::{Credentials, Error};

#[tokio::test]
async fn sessions_are_lost_jwts_kept_and_a_new_login_works() {
    let Some(backend) = Backend::from_env("sessions_are_lost_jwts_kept") else {
        return;
    };
    let Some(control) = backend.control.clone() else {
        backend::skip(
            "sessions_are_lost_jwts_kept",
            "MEDUSA_INTEROP_CONTROL is not set",
        );
        return;
    };
    let client = backend.client();
    let shopper = client.session();
    shopper
        .store()
        .authenticate(CUSTOMER_EMAIL, password())
        .await
        .unwrap();
    let token = shopper
        .store()
        .get_token(CUSTOMER_EMAIL, password())
        .await
        .unwrap();
    let bearer = client.session_with(Credentials::Bearer(token)).unwrap();
    let cookie_only = client.session();
    cookie_only
        .set_credentials(Credentials::SessionCookie(
            shopper.session_cookie().unwrap(),
        ))
        .unwrap();
    cookie_only.store().get_session().await.unwrap();

    let status = tokio::task::spawn_blocking(move || Command::new(control).arg("restart").status())
        .await
        .unwrap()
        .expect("interop/medusa.sh restart runs");
    assert!(status.success(), "restart failed: {status}");

    let error = cookie_only.store().get_session().await.unwrap_err();
    assert!(
        matches!(error, Error::Unauthorized { .. }),
        "the session died with the server: {error:?}"
    );
    assert_eq!(
        bearer.store().get_session().await.unwrap().email,
        CUSTOMER_EMAIL,
        "the JWT survived"
    );
    cookie_only
        .store()
        .authenticate(CUSTOMER_EMAIL, password())
        .await
        .unwrap();
    assert_eq!(
        cookie_only.store().get_session().await.unwrap().email,
        CUSTOMER_EMAIL
    );
}
