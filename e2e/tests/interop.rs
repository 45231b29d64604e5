//! Interop against a real Medusa v1 server (`interop/medusa.sh start`, then
//! `eval "$(interop/medusa.sh env)"`): the behaviours SPEC §2 and §6 rest on, each
//! checked on the real thing. Skipped, with a message, when `MEDUSA_BACKEND_URL`
//! is not set. The scenario table of the mock crate runs against the same server in
//! `interop_scenarios.rs`; a server restart is in `interop_restart.rs`.

#[path = "support/backend.rs"]
mod backend;

use backend::{ADMIN_API_TOKEN, ADMIN_EMAIL, Backend, CUSTOMER_EMAIL, GUEST_EMAIL, password};
use medusa_auth_hyper::core::{Credentials, ExposeSecret, MissingCookieReason, Side};
use medusa_auth_hyper::{AdminAuthApi, CustomHeaders, Error, MedusaClient, StoreAuthApi};

fn none() -> CustomHeaders {
    CustomHeaders::new()
}

#[tokio::test]
async fn a_jwt_stays_valid_after_delete_session() {
    let Some(backend) = Backend::from_env("a_jwt_stays_valid_after_delete_session") else {
        return;
    };
    let client = backend.client();
    let admin = client.session();
    admin
        .admin()
        .create_session(ADMIN_EMAIL, &password(), &none())
        .await
        .unwrap();
    let token = admin
        .admin()
        .get_token(ADMIN_EMAIL, &password(), &none())
        .await
        .unwrap();
    admin.admin().delete_session(&none()).await.unwrap();
    assert!(
        admin
            .admin()
            .get_session(&none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    // JWTs are stateless: the logout did not revoke it.
    let bearer = client.session_with(Credentials::Bearer(token)).unwrap();
    assert_eq!(
        bearer.admin().get_session(&none()).await.unwrap().email,
        ADMIN_EMAIL
    );
}

#[tokio::test]
async fn exists_with_plus_slash_and_upper_case() {
    let Some(backend) = Backend::from_env("exists_with_plus_slash_and_upper_case") else {
        return;
    };
    let store = backend.client().store();
    for (email, expected) in [
        ("plus+tag@example.com", true),
        ("slash/name@example.com", true),
        ("CUSTOMER@EXAMPLE.COM", true),
        (CUSTOMER_EMAIL, true),
        ("nobody@example.com", false),
        (GUEST_EMAIL, false),
        ("not-an-email", false),
        ("q?x#y%z@example.com", false),
    ] {
        assert_eq!(
            store.exists(email, &none()).await.unwrap(),
            expected,
            "{email}"
        );
    }
}

#[tokio::test]
async fn admin_and_customer_in_one_cookie_and_store_logout_keeps_the_admin() {
    let Some(backend) = Backend::from_env("admin_and_customer_in_one_cookie") else {
        return;
    };
    let session = backend.client().session();
    session
        .admin()
        .create_session(ADMIN_EMAIL, &password(), &none())
        .await
        .unwrap();
    let cookie = session.session_cookie().unwrap();
    session
        .store()
        .authenticate(CUSTOMER_EMAIL, &password(), &none())
        .await
        .unwrap();
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        cookie.expose_secret(),
        "one cookie, same sid"
    );
    session.store().delete_session(&none()).await.unwrap();
    assert_eq!(
        session.admin().get_session(&none()).await.unwrap().email,
        ADMIN_EMAIL
    );
    assert!(
        session
            .store()
            .get_session(&none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
}

#[tokio::test]
async fn jwts_and_api_tokens_work_on_their_own_side_only() {
    let Some(backend) = Backend::from_env("jwts_and_api_tokens_work_on_their_own_side_only") else {
        return;
    };
    let client = backend.client();
    let admin_token = client
        .admin()
        .get_token(ADMIN_EMAIL, &password(), &none())
        .await
        .unwrap();
    let store_token = client
        .store()
        .get_token(CUSTOMER_EMAIL, &password(), &none())
        .await
        .unwrap();
    assert_eq!(
        admin_token.claims().unwrap().domain.as_deref(),
        Some("admin")
    );
    assert_eq!(
        store_token.claims().unwrap().domain.as_deref(),
        Some("store")
    );
    // Forced onto the other side through per-call headers, the server refuses them.
    let admin_on_store = CustomHeaders::new()
        .with(
            "authorization",
            &format!("Bearer {}", admin_token.expose_secret()),
        )
        .unwrap();
    assert!(
        client
            .session()
            .store()
            .get_session(&admin_on_store)
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    let store_on_admin = CustomHeaders::new()
        .with(
            "authorization",
            &format!("Bearer {}", store_token.expose_secret()),
        )
        .unwrap();
    assert!(
        client
            .session()
            .admin()
            .get_session(&store_on_admin)
            .await
            .unwrap_err()
            .is_unauthorized()
    );

    // The API token: accepted on admin routes, not as a bearer, never sent to /store.
    let tool = client
        .session_with(Credentials::ApiToken(ADMIN_API_TOKEN.into()))
        .unwrap();
    assert_eq!(
        tool.admin().get_session(&none()).await.unwrap().email,
        ADMIN_EMAIL
    );
    let as_bearer = CustomHeaders::new()
        .with("authorization", &format!("Bearer {ADMIN_API_TOKEN}"))
        .unwrap();
    assert!(
        client
            .session()
            .admin()
            .get_session(&as_bearer)
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    assert!(
        tool.store()
            .get_session(&none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    let user = tool.admin().get_session(&none()).await.unwrap();
    assert_eq!(user.api_token.unwrap().expose_secret(), ADMIN_API_TOKEN);
    assert_eq!(store_token.side(), Side::Store);
}

#[tokio::test]
async fn production_mode_over_plain_http_is_the_clear_no_cookie_error() {
    let Some(backend) = Backend::from_env("production_mode") else {
        return;
    };
    let Some(url) = backend.production_url else {
        backend::skip("production_mode", "MEDUSA_PRODUCTION_URL is not set");
        return;
    };
    let client = MedusaClient::builder().base_url(url).build().unwrap();
    let error = client
        .admin()
        .create_session(ADMIN_EMAIL, &password(), &none())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::SessionCookieMissing {
                side: Side::Admin,
                reason: MissingCookieReason::NotSet
            }
        ),
        "{error:?}"
    );
    let error = client
        .store()
        .authenticate(CUSTOMER_EMAIL, &password(), &none())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::SessionCookieMissing {
                side: Side::Store,
                ..
            }
        ),
        "{error:?}"
    );
    // The way out the error names: a bearer JWT.
    client
        .store()
        .get_token(CUSTOMER_EMAIL, &password(), &none())
        .await
        .unwrap();
    assert_eq!(
        client.store().get_session(&none()).await.unwrap().email,
        CUSTOMER_EMAIL
    );
}
