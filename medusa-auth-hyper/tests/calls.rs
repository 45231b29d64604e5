//! The nine calls over real sockets: a loopback server answers with the responses
//! recorded from a real Medusa 1.20.11 (testdata), chosen by route and credentials
//! the way that server chose them.

mod support;

use http::{Method, StatusCode};
use medusa_auth_core::{ApiErrorKind, Client, MissingCookieReason, Side};
use medusa_auth_hyper::{AdminAuthApi as _, CustomHeaders, Error, MedusaClient, StoreAuthApi as _};
use support::{RecordedClock, Seen, Server, fixture, production, respond};

const ADMIN_SID: &str =
    "s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw";

fn sid_of(number: u32) -> String {
    medusa_auth_testdata::exchange(number)
        .set_cookie_value()
        .expect("a Set-Cookie")
}

fn token_of(number: u32) -> String {
    let body = fixture(number).into_body();
    let text = String::from_utf8_lossy(&body).into_owned();
    text.split('"').nth(3).expect("an access_token").to_owned()
}

fn has_cookie(seen: &Seen, sid: &str) -> bool {
    seen.header("cookie")
        .is_some_and(|cookie| cookie.contains(&format!("connect.sid={sid}")))
}

fn has_bearer(seen: &Seen, token: &str) -> bool {
    seen.header("authorization") == Some(format!("Bearer {token}").as_str())
}

fn good_password(seen: &Seen) -> bool {
    String::from_utf8_lossy(&seen.body).contains(r#""password":"supersecret""#)
}

/// Answers as the recorded server did, by route and credentials. A request that
/// carries a session cookie gets no fresh anonymous `Set-Cookie` (the recordings
/// were made without one), except the login, which re-sends the session's.
fn medusa(seen: &Seen, index: usize) -> http::Response<bytes::Bytes> {
    let mut response = route(seen, index);
    let is_login = seen.method == Method::POST && !seen.target.ends_with("/token");
    if seen.header("cookie").is_some() && !is_login {
        response.headers_mut().remove("set-cookie");
    }
    response
}

fn route(seen: &Seen, _: usize) -> http::Response<bytes::Bytes> {
    let admin_sid = sid_of(11);
    let store_sid = sid_of(36);
    let path = seen.target.trim_start_matches("/medusa");
    match (&seen.method, path) {
        (&Method::POST, "/admin/auth") if good_password(seen) => fixture(11),
        (&Method::POST, "/admin/auth") => fixture(2),
        (&Method::GET, "/admin/auth")
            if has_cookie(seen, &admin_sid) || has_bearer(seen, &token_of(15)) =>
        {
            fixture(12)
        }
        (&Method::GET, "/admin/auth") => fixture(13),
        (&Method::DELETE, "/admin/auth") if has_cookie(seen, &admin_sid) => fixture(23),
        (&Method::DELETE, "/admin/auth") => fixture(25),
        (&Method::POST, "/admin/auth/token") if good_password(seen) => fixture(15),
        (&Method::POST, "/admin/auth/token") => fixture(16),
        (&Method::POST, "/store/auth") if good_password(seen) => fixture(36),
        (&Method::POST, "/store/auth") => fixture(37),
        (&Method::GET, "/store/auth")
            if has_cookie(seen, &store_sid) || has_bearer(seen, &token_of(45)) =>
        {
            fixture(43)
        }
        (&Method::GET, "/store/auth") => fixture(44),
        (&Method::DELETE, "/store/auth") => fixture(60),
        (&Method::POST, "/store/auth/token") if good_password(seen) => fixture(45),
        (&Method::POST, "/store/auth/token") => fixture(46),
        (&Method::GET, "/store/auth/customer@example.com") => fixture(51),
        (&Method::GET, path) if path.starts_with("/store/auth/") && !path[12..].contains('/') => {
            fixture(53)
        }
        _ => fixture(57),
    }
}

fn client(url: &str) -> Client {
    MedusaClient::builder()
        .base_url(url)
        .clock(RecordedClock)
        .build()
        .expect("a valid configuration")
}

fn none() -> CustomHeaders {
    CustomHeaders::new()
}

#[tokio::test]
async fn the_admin_calls_succeed_over_one_keep_alive_connection() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let admin = client.admin();

    let user = admin
        .create_session("admin@example.com", &"supersecret".into(), &none())
        .await
        .expect("create_session");
    assert_eq!(user.email, "admin@example.com");
    assert_eq!(
        client.default_session().session_cookie().map(|c| {
            use medusa_auth_core::ExposeSecret as _;
            c.expose_secret().to_owned()
        }),
        Some(ADMIN_SID.to_owned())
    );

    let user = admin.get_session(&none()).await.expect("get_session");
    assert_eq!(user.id, "usr_01M81NYF8GCR082N4CSFR4GDPE");

    let token = admin
        .get_token("admin@example.com", &"supersecret".into(), &none())
        .await
        .expect("get_token");
    assert_eq!(token.side(), Side::Admin);

    admin.delete_session(&none()).await.expect("delete_session");
    // Logged out: the cookie and the admin JWT are forgotten, so the server says 401.
    let after = admin.get_session(&none()).await.unwrap_err();
    assert!(after.is_unauthorized(), "{after:?}");

    let seen = server.seen();
    assert_eq!(seen.len(), 5);
    let wire: Vec<(String, &str)> = seen
        .iter()
        .map(|s| (s.method.to_string(), s.target.as_str()))
        .collect();
    assert_eq!(
        wire,
        [
            ("POST".into(), "/admin/auth"),
            ("GET".into(), "/admin/auth"),
            ("POST".into(), "/admin/auth/token"),
            ("DELETE".into(), "/admin/auth"),
            ("GET".into(), "/admin/auth"),
        ]
    );
    assert_eq!(
        String::from_utf8_lossy(&seen[0].body),
        r#"{"email":"admin@example.com","password":"supersecret"}"#
    );
    assert!(has_cookie(&seen[1], ADMIN_SID));
    assert!(has_cookie(&seen[3], ADMIN_SID));
    assert!(!has_cookie(&seen[4], ADMIN_SID));
    assert_eq!(seen[4].header("authorization"), None);
    assert_eq!(server.connections(), 1, "one pooled keep-alive connection");
}

#[tokio::test]
async fn a_bearer_from_get_token_is_sent_on_its_own_side() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());

    let admin = client.session();
    admin
        .admin()
        .get_token("admin@example.com", &"supersecret".into(), &none())
        .await
        .expect("admin get_token");
    let user = admin
        .admin()
        .get_session(&none())
        .await
        .expect("bearer session");
    assert_eq!(user.email, "admin@example.com");

    let customer = client.session();
    customer
        .store()
        .get_token("customer@example.com", &"supersecret".into(), &none())
        .await
        .expect("store get_token");
    let found = customer
        .store()
        .get_session(&none())
        .await
        .expect("bearer session");
    assert_eq!(found.email, "customer@example.com");

    let seen = server.seen();
    assert!(has_bearer(&seen[1], &token_of(15)));
    assert!(has_bearer(&seen[3], &token_of(45)));
    // Each session sent only its own side's token.
    assert!(!has_bearer(&seen[3], &token_of(15)));
}

#[tokio::test]
async fn the_admin_calls_fail_as_the_server_says() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let admin = client.admin();

    let wrong = admin
        .create_session("admin@example.com", &"wrong".into(), &none())
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, Error::Unauthorized { status, .. } if status == StatusCode::UNAUTHORIZED),
        "{wrong:?}"
    );
    assert!(
        admin
            .get_session(&none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    // A refused logout still forgets the session, and says so with the server's answer.
    let logout = admin.delete_session(&none()).await.unwrap_err();
    assert!(
        matches!(&logout, Error::LogoutUnconfirmed { side: Side::Admin, cause } if cause.is_unauthorized()),
        "{logout:?}"
    );
    assert_eq!(logout.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(
        admin
            .get_token("admin@example.com", &"wrong".into(), &none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    assert_eq!(server.count(), 4);

    // Refused before sending: the server sees nothing more.
    let invalid = admin
        .create_session("not-an-email", &"supersecret".into(), &none())
        .await
        .unwrap_err();
    assert!(matches!(invalid, Error::InvalidInput(_)), "{invalid:?}");
    let empty = admin
        .get_token("admin@example.com", &"".into(), &none())
        .await
        .unwrap_err();
    assert!(matches!(empty, Error::InvalidInput(_)), "{empty:?}");
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn a_production_login_over_plain_http_is_a_clear_error() {
    // A production Medusa answers 200 but sets no cookie over plain HTTP.
    let server = Server::scripted(vec![production("POST /admin/auth")]).await;
    let error = client(&server.url())
        .admin()
        .create_session("admin@example.com", &"supersecret".into(), &none())
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
}

#[tokio::test]
async fn the_store_calls_succeed() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let store = client.store();

    let customer = store
        .authenticate("customer@example.com", &"supersecret".into(), &none())
        .await
        .expect("authenticate");
    assert_eq!(customer.id, "cus_01M81NYNCJGNWN6E6R2G73SZ4M");
    let again = store.get_session(&none()).await.expect("get_session");
    assert_eq!(again.email, "customer@example.com");
    assert!(
        store
            .exists("customer@example.com", &none())
            .await
            .expect("exists")
    );
    assert!(
        !store
            .exists("nobody@example.com", &none())
            .await
            .expect("exists")
    );
    // One path segment, percent-encoded: not the other route the raw '/' would hit.
    assert!(
        !store
            .exists("slash/name+x@example.com", &none())
            .await
            .expect("exists")
    );
    let token = store
        .get_token("customer@example.com", &"supersecret".into(), &none())
        .await
        .expect("get_token");
    assert_eq!(token.side(), Side::Store);
    store.delete_session(&none()).await.expect("delete_session");

    let seen = server.seen();
    assert!(has_cookie(&seen[1], &sid_of(36)));
    assert_eq!(seen[4].target, "/store/auth/slash%2Fname%2Bx@example.com");
    assert_eq!(seen[6].method, Method::DELETE);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn the_store_calls_fail_as_the_server_says() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let store = client.store();

    assert!(
        store
            .authenticate("customer@example.com", &"wrong".into(), &none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    assert!(
        store
            .get_session(&none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    assert!(
        store
            .get_token("customer@example.com", &"wrong".into(), &none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    // delete_session answers 200 OK even when not logged in.
    store.delete_session(&none()).await.expect("always OK");
    assert_eq!(server.count(), 4);

    let invalid = store.exists("", &none()).await.unwrap_err();
    assert!(matches!(invalid, Error::InvalidInput(_)), "{invalid:?}");
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn error_bodies_of_every_shape_become_typed_errors() {
    let server = Server::scripted(vec![
        fixture(5),  // 400 invalid_data JSON
        fixture(7),  // 400 HTML page
        fixture(32), // 422 duplicate_error JSON
        respond(
            500,
            &[("content-type", "application/json")],
            r#"{"code":"unknown_error","type":"unknown_error","message":"An unknown error occurred."}"#,
        ),
        fixture(57), // 404 HTML
        respond(200, &[("content-type", "application/json")], r#"{"exists":"yes"}"#),
    ])
    .await;
    let client = client(&server.url());
    let admin = client.admin();
    let password = "supersecret".into();
    let headers = none();
    let login = || admin.create_session("admin@example.com", &password, &headers);

    let error = login().await.unwrap_err();
    assert_eq!(
        error.api_kind(),
        Some(&ApiErrorKind::InvalidData),
        "{error:?}"
    );
    let error = login().await.unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse { status, excerpt, .. }
            if *status == StatusCode::BAD_REQUEST && excerpt.starts_with("SyntaxError")),
        "{error:?}"
    );
    let error = login().await.unwrap_err();
    assert_eq!(error.api_kind(), Some(&ApiErrorKind::DuplicateError));
    let error = client.store().delete_session(&none()).await.unwrap_err();
    assert!(
        matches!(&error, Error::LogoutUnconfirmed { side: Side::Store, cause }
            if cause.api_kind() == Some(&ApiErrorKind::UnknownError)),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    let error = client
        .store()
        .exists("customer@example.com", &none())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse { status, .. } if *status == StatusCode::NOT_FOUND),
        "{error:?}"
    );
    let error = client
        .store()
        .exists("customer@example.com", &none())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
}

#[tokio::test]
async fn sessions_on_one_pool_never_see_each_others_credentials() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let alice = client.session();
    let bob = client.session();

    alice
        .store()
        .authenticate("customer@example.com", &"supersecret".into(), &none())
        .await
        .expect("alice logs in");
    assert!(
        bob.store()
            .get_session(&none())
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    alice
        .store()
        .get_session(&none())
        .await
        .expect("alice is logged in");

    let seen = server.seen();
    assert!(
        !has_cookie(&seen[1], &sid_of(36)),
        "bob sent alice's cookie"
    );
    assert!(has_cookie(&seen[2], &sid_of(36)));
    assert_eq!(server.connections(), 1, "one pool for both");
}

#[tokio::test]
async fn the_configured_headers_reach_the_server() {
    let server = Server::start(medusa).await;
    let client = MedusaClient::builder()
        .base_url(format!("{}/medusa/", server.url()))
        .api_key("sk_admin_api_token")
        .publishable_api_key("pk_01H")
        .default_header("x-tenant", "eu")
        .default_header("x-request-id", "default")
        .user_agent("shop/1.0")
        .clock(RecordedClock)
        .build()
        .expect("a valid configuration");
    let custom = CustomHeaders::new()
        .with("x-request-id", "per-call")
        .expect("valid");

    client
        .admin()
        .create_session("admin@example.com", &"supersecret".into(), &custom)
        .await
        .expect("login");
    client.admin().get_session(&custom).await.expect("session");
    client
        .store()
        .exists("customer@example.com", &none())
        .await
        .expect("exists");

    let seen = server.seen();
    assert_eq!(seen[0].target, "/medusa/admin/auth", "the prefix is kept");
    for request in &seen {
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(request.header("user-agent"), Some("shop/1.0"));
        assert_eq!(request.header("x-publishable-api-key"), Some("pk_01H"));
        assert_eq!(request.header("x-tenant"), Some("eu"));
        assert!(
            request
                .header("host")
                .is_some_and(|h| h.starts_with("127.0.0.1:"))
        );
    }
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(seen[0].header("x-request-id"), Some("per-call"));
    assert_eq!(seen[2].header("x-request-id"), Some("default"));
    // The API key goes on admin calls, but not on the login and never to /store.
    assert_eq!(seen[0].header("x-medusa-access-token"), None);
    assert_eq!(
        seen[1].header("x-medusa-access-token"),
        Some("sk_admin_api_token")
    );
    assert_eq!(seen[2].header("x-medusa-access-token"), None);
    // Retries are off: no Idempotency-Key.
    assert_eq!(seen[0].header("idempotency-key"), None);
}

#[tokio::test]
async fn a_redirect_is_returned_not_followed() {
    let server = Server::scripted(vec![
        respond(302, &[("location", "/elsewhere")], ""),
        fixture(12),
    ])
    .await;
    let error = client(&server.url())
        .admin()
        .get_session(&none())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::FOUND), "{error:?}");
    assert_eq!(server.count(), 1);
}
