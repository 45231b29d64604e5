//! Interop against a real Medusa v1 server (`interop/medusa.sh start`, then
//! `eval "$(interop/medusa.sh env)"`): the behaviours the SDK rests on (credentials, cookies, sessions per user), each
//! checked on the real thing. Skipped, with a message, when `MEDUSA_BACKEND_URL`
//! is not set. The scenario table of the mock crate runs against the same server in
//! `interop_scenarios.rs`; a server restart is in `interop_restart.rs`.
//!
//! The route requests (`session.get(path)` …) are checked here too, against the real
//! server and, always, against the fake over loopback with the same assertions: the
//! fake must answer `GET /admin/users` and `GET /store/customers/me` as the real v1
//! server does. (Which credentials go on which route cannot be seen from the server
//! side; the core's request tests check that on the wire.)

#[path = "support/backend.rs"]
mod backend;

use backend::{ADMIN_EMAIL, Backend, CUSTOMER_EMAIL, GUEST_EMAIL, admin_api_token, password};
use medusa_auth_hyper::{
    Client, Credentials, CustomHeaders, Error, ExposeSecret, MissingCookieReason, Side,
};
use medusa_auth_mock::{FakeMedusa, Seed};

#[tokio::test]
async fn a_jwt_stays_valid_after_delete_session() {
    let Some(backend) = Backend::from_env("a_jwt_stays_valid_after_delete_session") else {
        return;
    };
    let client = backend.client();
    let admin = client.session();
    admin
        .admin()
        .create_session(ADMIN_EMAIL, password())
        .await
        .unwrap();
    let token = admin
        .admin()
        .get_token(ADMIN_EMAIL, password())
        .await
        .unwrap();
    admin.admin().delete_session().await.unwrap();
    // The logout forgot the cookie and the admin JWT the session held.
    assert!(admin.bearer(Side::Admin).is_none());
    assert!(
        admin
            .admin()
            .get_session()
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    // JWTs are stateless: the logout did not revoke it.
    let bearer = client.session_with(Credentials::Bearer(token)).unwrap();
    assert_eq!(
        bearer.admin().get_session().await.unwrap().email,
        ADMIN_EMAIL
    );
}

#[tokio::test]
async fn exists_with_plus_slash_and_upper_case() {
    let Some(backend) = Backend::from_env("exists_with_plus_slash_and_upper_case") else {
        return;
    };
    let session = backend.client().session();
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
            session.store().exists(email).await.unwrap(),
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
        .create_session(ADMIN_EMAIL, password())
        .await
        .unwrap();
    let cookie = session.session_cookie().unwrap();
    session
        .store()
        .authenticate(CUSTOMER_EMAIL, password())
        .await
        .unwrap();
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        cookie.expose_secret(),
        "one cookie, same sid"
    );
    session.store().delete_session().await.unwrap();
    assert_eq!(
        session.admin().get_session().await.unwrap().email,
        ADMIN_EMAIL
    );
    assert!(
        session
            .store()
            .get_session()
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
    let minter = client.session();
    let admin_token = minter
        .admin()
        .get_token(ADMIN_EMAIL, password())
        .await
        .unwrap();
    let store_token = minter
        .store()
        .get_token(CUSTOMER_EMAIL, password())
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
    // A session holds a JWT for its own side: an admin JWT is not sent to the store.
    let admin_bearer = client
        .session_with(Credentials::Bearer(admin_token.clone()))
        .unwrap();
    assert!(
        admin_bearer
            .store()
            .get_session()
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    // Forced onto the other side through per-call headers, the server refuses them.
    let admin_on_store = format!("Bearer {}", admin_token.expose_secret());
    assert!(
        client
            .session()
            .store()
            .get_session()
            .header("authorization", &admin_on_store)
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
            .get_session()
            .headers(store_on_admin)
            .await
            .unwrap_err()
            .is_unauthorized()
    );

    // The API token: accepted on admin routes, not as a bearer, never sent to /store.
    let api_token = admin_api_token();
    let tool = client
        .session_with(Credentials::ApiToken(api_token.clone().into()))
        .unwrap();
    assert_eq!(tool.admin().get_session().await.unwrap().email, ADMIN_EMAIL);
    assert!(
        client
            .session()
            .admin()
            .get_session()
            .header("authorization", &format!("Bearer {api_token}"))
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    assert!(
        tool.store()
            .get_session()
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    let user = tool.admin().get_session().await.unwrap();
    assert_eq!(user.api_token.unwrap().expose_secret(), api_token);
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
    let client = Client::builder().base_url(url).build().unwrap();
    let session = client.session();
    let error = session
        .admin()
        .create_session(ADMIN_EMAIL, password())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::SessionCookieMissing {
                side: Side::Admin,
                reason: MissingCookieReason::NotSet,
                ..
            }
        ),
        "{error:?}"
    );
    let error = session
        .store()
        .authenticate(CUSTOMER_EMAIL, password())
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
    session
        .store()
        .get_token(CUSTOMER_EMAIL, password())
        .await
        .unwrap();
    assert_eq!(
        session.store().get_session().await.unwrap().email,
        CUSTOMER_EMAIL
    );
}

// ---------------------------------------------------------------------------------
// Route requests: any Medusa route with a session's credentials.
// ---------------------------------------------------------------------------------

/// (a) An admin route with an API token: `GET /admin/users?limit=1` lists the admin,
/// and a query parameter the route does not know is the server's 400.
async fn admin_users_with_an_api_token(client: &Client, api_token: &str) {
    let tool = client
        .session_with(Credentials::ApiToken(api_token.into()))
        .unwrap();
    let page = tool.get("/admin/users").query("limit", "1").await.unwrap();
    let users = page["users"].as_array().expect("a `users` array");
    assert!(
        users.iter().any(|user| user["email"] == ADMIN_EMAIL),
        "{ADMIN_EMAIL} not among {users:?}"
    );
    assert_eq!(page["limit"], 1, "{page}");
    assert!(users.len() <= 1, "limit 1 gave {} users", users.len());

    // The same route, read into a type of the caller's.
    #[derive(serde::Deserialize)]
    struct Page {
        users: Vec<Listed>,
        count: u64,
        offset: u64,
        limit: u64,
    }
    #[derive(serde::Deserialize)]
    struct Listed {
        email: String,
    }
    let page = tool
        .get("/admin/users")
        .query("limit", "1")
        .decode::<Page>()
        .await
        .unwrap();
    assert_eq!((page.limit, page.offset), (1, 0));
    assert!(page.count >= 1);
    assert_eq!(page.users.len(), 1);
    assert!(page.users.iter().all(|user| !user.email.is_empty()));

    // A parameter the route does not take: the server's 400, typed.
    let error = tool
        .get("/admin/users")
        .query("bogus", "1")
        .await
        .unwrap_err();
    match &error {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 400, "{error:?}");
            assert!(
                api.message.contains("property bogus should not exist"),
                "{error:?}"
            );
        }
        other => panic!("expected the 400 of an unknown parameter, got {other:?}"),
    }
}

/// (b) A store route with a customer's cookie: `GET /store/customers/me`.
async fn store_me_with_a_cookie(client: &Client) {
    let shopper = client.session();
    let customer = shopper
        .store()
        .authenticate(CUSTOMER_EMAIL, password())
        .await
        .unwrap();
    let me = shopper.get("/store/customers/me").await.unwrap();
    assert_eq!(me["customer"]["email"], CUSTOMER_EMAIL, "{me}");
    assert_eq!(me["customer"]["id"], customer.id.as_str(), "{me}");
}

/// (c) The same store route with no credentials: 401, typed.
async fn store_me_without_credentials(client: &Client) {
    let error = client
        .session()
        .get("/store/customers/me")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
    // An admin API token is not a store credential either.
    let tool = client
        .session_with(Credentials::ApiToken(admin_api_token().into()))
        .unwrap();
    let error = tool.get("/store/customers/me").await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized { .. }), "{error:?}");
}

#[tokio::test]
async fn an_admin_route_with_an_api_token() {
    let Some(backend) = Backend::from_env("an_admin_route_with_an_api_token") else {
        return;
    };
    admin_users_with_an_api_token(&backend.client(), &admin_api_token()).await;
}

#[tokio::test]
async fn a_store_route_with_a_customer_cookie() {
    let Some(backend) = Backend::from_env("a_store_route_with_a_customer_cookie") else {
        return;
    };
    store_me_with_a_cookie(&backend.client()).await;
}

#[tokio::test]
async fn a_store_route_without_credentials_is_unauthorized() {
    let Some(backend) = Backend::from_env("a_store_route_without_credentials") else {
        return;
    };
    store_me_without_credentials(&backend.client()).await;
}

/// The same three checks against the fake over loopback, seeded as the real server:
/// they always run, so the fake and the real server are held to one set of answers.
#[tokio::test]
async fn the_fake_answers_the_route_requests_as_the_real_server() {
    let seed = Seed::interop();
    let fake = FakeMedusa::from_seed(&seed);
    let server = fake.start_server().await.unwrap();
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let api_token = seed.admin.api_token.clone().expect("the seed's API token");
    admin_users_with_an_api_token(&client, api_token.expose_secret()).await;
    store_me_with_a_cookie(&client).await;
    store_me_without_credentials(&client).await;
    server.shutdown().await;
}
