//! The nine calls, and requests to any route, over real sockets: a loopback server
//! answers with the responses recorded from a real Medusa 1.20.11 (testdata), chosen
//! by route and credentials the way that server chose them.

mod support;

use std::collections::BTreeMap;

use http::{Method, StatusCode};
use medusa_auth_hyper::{
    ApiErrorKind, Client, CustomHeaders, Error, ExposeSecret as _, MissingCookieReason, Side,
};
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
    Client::builder()
        .base_url(url)
        .clock(RecordedClock)
        .build()
        .expect("a valid configuration")
}

/// The credentials a request carried, in words: `cookie=admin bearer=store api_token=yes pk=no`.
fn credentials(seen: &Seen) -> String {
    let cookie = if has_cookie(seen, &sid_of(11)) {
        "admin"
    } else if has_cookie(seen, &sid_of(36)) {
        "store"
    } else if seen.header("cookie").is_some() {
        "other"
    } else {
        "no"
    };
    let bearer = if has_bearer(seen, &token_of(15)) {
        "admin"
    } else if has_bearer(seen, &token_of(45)) {
        "store"
    } else if seen.header("authorization").is_some() {
        "other"
    } else {
        "no"
    };
    let yes_no = |name: &str| {
        if seen.header(name).is_some() {
            "yes"
        } else {
            "no"
        }
    };
    format!(
        "{} {} cookie={cookie} bearer={bearer} api_token={} pk={}",
        seen.method,
        seen.target,
        yes_no("x-medusa-access-token"),
        yes_no("x-publishable-api-key"),
    )
}

#[tokio::test]
async fn the_admin_calls_succeed_over_one_keep_alive_connection() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let session = client.session();
    let admin = session.admin();

    let user = admin
        .create_session("admin@example.com", "supersecret")
        .await
        .expect("create_session");
    assert_eq!(user.email, "admin@example.com");
    assert_eq!(
        session
            .session_cookie()
            .map(|c| c.expose_secret().to_owned()),
        Some(ADMIN_SID.to_owned())
    );

    let user = admin.get_session().await.expect("get_session");
    assert_eq!(user.id, "usr_01M81NYF8GCR082N4CSFR4GDPE");

    let token = admin
        .get_token("admin@example.com", "supersecret")
        .await
        .expect("get_token");
    assert_eq!(token.side(), Side::Admin);
    assert!(session.bearer(Side::Admin).is_some(), "the token is kept");

    admin.delete_session().await.expect("delete_session");
    // Logged out: the cookie and the admin JWT are forgotten, so the server says 401.
    assert!(session.session_cookie().is_none());
    assert!(session.bearer(Side::Admin).is_none());
    let after = admin.get_session().await.unwrap_err();
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
    // The logout carries the cookie only (0.1 also sent the admin JWT it held).
    assert_eq!(seen[3].header("authorization"), None);
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
        .get_token("admin@example.com", "supersecret")
        .await
        .expect("admin get_token");
    let user = admin.admin().get_session().await.expect("bearer session");
    assert_eq!(user.email, "admin@example.com");

    let customer = client.session();
    customer
        .store()
        .get_token("customer@example.com", "supersecret")
        .await
        .expect("store get_token");
    let found = customer
        .store()
        .get_session()
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
async fn every_call_carries_only_the_credentials_its_route_takes() {
    let server = Server::start(medusa).await;
    let client = Client::builder()
        .base_url(server.url())
        .api_key("sk_admin_api_token")
        .publishable_api_key("pk_01H")
        .clock(RecordedClock)
        .build()
        .expect("a valid configuration");
    let session = client.session();
    let (admin, store) = (session.admin(), session.store());

    admin
        .create_session("admin@example.com", "supersecret")
        .await
        .expect("admin login");
    admin
        .get_token("admin@example.com", "supersecret")
        .await
        .expect("admin token");
    admin.get_session().await.expect("admin session");
    // Logins again while holding the cookie and the JWT: they take neither token.
    admin
        .create_session("admin@example.com", "supersecret")
        .await
        .expect("admin login again");
    admin
        .get_token("admin@example.com", "supersecret")
        .await
        .expect("admin token again");
    admin.delete_session().await.expect("admin logout");

    store
        .authenticate("customer@example.com", "supersecret")
        .await
        .expect("store login");
    store
        .get_token("customer@example.com", "supersecret")
        .await
        .expect("store token");
    store.get_session().await.expect("store session");
    store
        .authenticate("customer@example.com", "supersecret")
        .await
        .expect("store login again");
    assert!(store.exists("customer@example.com").await.expect("exists"));
    store.delete_session().await.expect("store logout");

    let seen: Vec<String> = server.seen().iter().map(credentials).collect();
    assert_eq!(
        seen,
        [
            "POST /admin/auth cookie=no bearer=no api_token=no pk=no",
            "POST /admin/auth/token cookie=admin bearer=no api_token=no pk=no",
            "GET /admin/auth cookie=admin bearer=admin api_token=yes pk=no",
            "POST /admin/auth cookie=admin bearer=no api_token=no pk=no",
            "POST /admin/auth/token cookie=admin bearer=no api_token=no pk=no",
            // The logout: the cookie and nothing else (0.1 sent the JWT, the API
            // token and the publishable key too).
            "DELETE /admin/auth cookie=admin bearer=no api_token=no pk=no",
            // The publishable key goes to store routes only (0.1 sent it everywhere).
            "POST /store/auth cookie=no bearer=no api_token=no pk=yes",
            "POST /store/auth/token cookie=store bearer=no api_token=no pk=yes",
            "GET /store/auth cookie=store bearer=store api_token=no pk=yes",
            "POST /store/auth cookie=store bearer=no api_token=no pk=yes",
            "GET /store/auth/customer@example.com cookie=store bearer=no api_token=no pk=yes",
            "DELETE /store/auth cookie=store bearer=no api_token=no pk=no",
        ]
    );
}

#[tokio::test]
async fn the_admin_calls_fail_as_the_server_says() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let session = client.session();
    let admin = session.admin();

    let wrong = admin
        .create_session("admin@example.com", "wrong")
        .await
        .unwrap_err();
    assert!(matches!(wrong, Error::Unauthorized { .. }), "{wrong:?}");
    assert_eq!(wrong.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(admin.get_session().await.unwrap_err().is_unauthorized());
    // A refused logout still forgets the session, and says so with the server's answer.
    let logout = admin.delete_session().await.unwrap_err();
    assert!(
        matches!(&logout, Error::LogoutUnconfirmed { side: Side::Admin, cause, .. } if cause.is_unauthorized()),
        "{logout:?}"
    );
    assert_eq!(logout.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(
        admin
            .get_token("admin@example.com", "wrong")
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    assert_eq!(server.count(), 4);

    // Refused before sending: the server sees nothing more.
    let invalid = admin
        .create_session("not-an-email", "supersecret")
        .await
        .unwrap_err();
    assert!(matches!(invalid, Error::InvalidInput(_)), "{invalid:?}");
    let empty = admin.get_token("admin@example.com", "").await.unwrap_err();
    assert!(matches!(empty, Error::InvalidInput(_)), "{empty:?}");
    let bad_header = admin
        .get_session()
        .header("x-request-id", "line\r\nbreak")
        .await
        .unwrap_err();
    assert!(
        matches!(bad_header, Error::InvalidInput(_)),
        "{bad_header:?}"
    );
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn a_production_login_over_plain_http_is_a_clear_error() {
    // A production Medusa answers 200 but sets no cookie over plain HTTP.
    let server = Server::scripted(vec![production("POST /admin/auth")]).await;
    let error = client(&server.url())
        .session()
        .admin()
        .create_session("admin@example.com", "supersecret")
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
}

#[tokio::test]
async fn the_store_calls_succeed() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let session = client.session();
    let store = session.store();

    let customer = store
        .authenticate("customer@example.com", "supersecret")
        .await
        .expect("authenticate");
    assert_eq!(customer.id, "cus_01M81NYNCJGNWN6E6R2G73SZ4M");
    let again = store.get_session().await.expect("get_session");
    assert_eq!(again.email, "customer@example.com");
    assert!(store.exists("customer@example.com").await.expect("exists"));
    assert!(!store.exists("nobody@example.com").await.expect("exists"));
    // One path segment, percent-encoded: not the other route the raw '/' would hit.
    assert!(
        !store
            .exists("slash/name+x@example.com")
            .await
            .expect("exists")
    );
    let token = store
        .get_token("customer@example.com", "supersecret")
        .await
        .expect("get_token");
    assert_eq!(token.side(), Side::Store);
    store.delete_session().await.expect("delete_session");
    assert!(
        session.bearer(Side::Store).is_none(),
        "the JWT is forgotten"
    );

    let seen = server.seen();
    assert!(has_cookie(&seen[1], &sid_of(36)));
    assert_eq!(seen[4].target, "/store/auth/slash%2Fname%2Bx@example.com");
    assert_eq!(seen[6].method, Method::DELETE);
    // The logout carries the cookie, not the store JWT the session held.
    assert!(has_cookie(&seen[6], &sid_of(36)));
    assert_eq!(seen[6].header("authorization"), None);
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn the_store_calls_fail_as_the_server_says() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let session = client.session();
    let store = session.store();

    assert!(
        store
            .authenticate("customer@example.com", "wrong")
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    assert!(store.get_session().await.unwrap_err().is_unauthorized());
    assert!(
        store
            .get_token("customer@example.com", "wrong")
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    // delete_session answers 200 OK even when not logged in.
    store.delete_session().await.expect("always OK");
    assert_eq!(server.count(), 4);

    let invalid = store.exists("").await.unwrap_err();
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
    let session = client.session();
    let login = || {
        session
            .admin()
            .create_session("admin@example.com", "supersecret")
    };

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
    let error = session.store().delete_session().await.unwrap_err();
    assert!(
        matches!(&error, Error::LogoutUnconfirmed { side: Side::Store, cause, .. }
            if cause.api_kind() == Some(&ApiErrorKind::UnknownError)),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    let error = session
        .store()
        .exists("customer@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse { status, .. } if *status == StatusCode::NOT_FOUND),
        "{error:?}"
    );
    let error = session
        .store()
        .exists("customer@example.com")
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
        .authenticate("customer@example.com", "supersecret")
        .await
        .expect("alice logs in");
    assert!(
        bob.store()
            .get_session()
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    alice
        .store()
        .get_session()
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
async fn a_session_made_from_kept_credentials_is_logged_in() {
    let server = Server::start(medusa).await;
    let client = client(&server.url());
    let first = client.session();
    first
        .store()
        .authenticate("customer@example.com", "supersecret")
        .await
        .expect("login");
    let kept = first.session_cookie().expect("a cookie");

    let later = client
        .session_with(medusa_auth_hyper::Credentials::SessionCookie(kept))
        .expect("a valid cookie");
    let customer = later.store().get_session().await.expect("logged in");
    assert_eq!(customer.email, "customer@example.com");
    assert!(has_cookie(&server.seen()[1], &sid_of(36)));
}

#[tokio::test]
async fn the_configured_headers_reach_the_server() {
    let server = Server::start(medusa).await;
    let client = Client::builder()
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
    let session = client.session();

    session
        .admin()
        .create_session("admin@example.com", "supersecret")
        .headers(custom.clone())
        .await
        .expect("login");
    session
        .admin()
        .get_session()
        .headers(custom)
        .await
        .expect("session");
    session
        .store()
        .exists("customer@example.com")
        .await
        .expect("exists");
    session
        .store()
        .get_session()
        .header("x-request-id", "one-call")
        .await
        .expect_err("the admin cookie does not log a customer in");

    let seen = server.seen();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0].target, "/medusa/admin/auth", "the prefix is kept");
    for request in &seen {
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(request.header("user-agent"), Some("shop/1.0"));
        assert_eq!(request.header("x-tenant"), Some("eu"));
        assert!(
            request
                .header("host")
                .is_some_and(|h| h.starts_with("127.0.0.1:"))
        );
    }
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(seen[0].header("x-request-id"), Some("per-call"));
    assert_eq!(seen[1].header("x-request-id"), Some("per-call"));
    assert_eq!(seen[2].header("x-request-id"), Some("default"));
    assert_eq!(seen[3].header("x-request-id"), Some("one-call"));
    // The publishable key goes to store routes only (0.1 sent it to /admin as well).
    assert_eq!(seen[0].header("x-publishable-api-key"), None);
    assert_eq!(seen[1].header("x-publishable-api-key"), None);
    assert_eq!(seen[2].header("x-publishable-api-key"), Some("pk_01H"));
    assert_eq!(seen[3].header("x-publishable-api-key"), Some("pk_01H"));
    // The API key goes on admin calls, but not on the login and never to /store.
    assert_eq!(seen[0].header("x-medusa-access-token"), None);
    assert_eq!(
        seen[1].header("x-medusa-access-token"),
        Some("sk_admin_api_token")
    );
    assert_eq!(seen[2].header("x-medusa-access-token"), None);
    assert_eq!(seen[3].header("x-medusa-access-token"), None);
    // Retries are off: no Idempotency-Key.
    assert_eq!(seen[0].header("idempotency-key"), None);
}

/// Answers any route as a Medusa shop would, echoing what it needs to: the JSON body
/// of a POST comes back in the answer. As [`medusa`], only a login sets a cookie.
fn shop(seen: &Seen, _: usize) -> http::Response<bytes::Bytes> {
    let mut response = shop_route(seen);
    if seen.target != "/store/auth" {
        response.headers_mut().remove("set-cookie");
    }
    response
}

fn shop_route(seen: &Seen) -> http::Response<bytes::Bytes> {
    let json = [("content-type", "application/json; charset=utf-8")];
    let path = seen.target.split('?').next().unwrap_or_default();
    match (&seen.method, path) {
        (&Method::POST, "/store/auth") => fixture(36),
        (&Method::POST, "/store/auth/token") => fixture(45),
        (&Method::GET, "/store/customers/me/orders") => {
            respond(200, &json, r#"{"count":2,"offset":0,"limit":10}"#)
        }
        (&Method::POST, "/store/carts") => {
            let body = String::from_utf8_lossy(&seen.body);
            respond(
                200,
                &json,
                &format!(r#"{{"cart":{{"id":"cart_01","sent":{body}}}}}"#),
            )
        }
        (&Method::GET, "/admin/users") => respond(200, &json, r#"{"users":[],"count":0}"#),
        (&Method::GET, "/health") => respond(200, &[("content-type", "text/plain")], ""),
        (&Method::DELETE, "/store/carts/cart_01/line-items/item_01") => {
            respond(200, &json, r#"{"deleted":true}"#)
        }
        (&Method::GET, "/admin/orders") => fixture(13),
        _ => fixture(57),
    }
}

#[tokio::test]
async fn any_route_is_reached_with_the_credentials_of_the_session() {
    let server = Server::start(shop).await;
    let client = Client::builder()
        .base_url(server.url())
        .api_key("sk_admin_api_token")
        .publishable_api_key("pk_01H")
        .clock(RecordedClock)
        .build()
        .expect("a valid configuration");
    let alice = client.session();
    alice
        .store()
        .authenticate("customer@example.com", "supersecret")
        .await
        .expect("login");
    alice
        .store()
        .get_token("customer@example.com", "supersecret")
        .await
        .expect("token");

    // 2: a JSON answer as a value.
    let orders = alice
        .get("/store/customers/me/orders")
        .query("limit", "10")
        .query("fields", "id,total")
        .await
        .expect("orders");
    assert_eq!(orders["count"], 2, "{orders}");
    assert_eq!(orders["limit"], 10, "{orders}");
    // 3: the same answer as the caller's type.
    let page = alice
        .get("/store/customers/me/orders")
        .decode::<BTreeMap<String, u64>>()
        .await
        .expect("orders");
    assert_eq!(page.get("count"), Some(&2));
    // 4: a JSON body.
    let cart = alice
        .post("/store/carts")
        .json(&BTreeMap::from([("region_id", "reg_01")]))
        .header("x-request-id", "7f2c")
        .await
        .expect("a cart");
    assert_eq!(cart["cart"]["id"], "cart_01", "{cart}");
    assert_eq!(cart["cart"]["sent"]["region_id"], "reg_01", "{cart}");
    // 5: a DELETE.
    let deleted = alice
        .delete("/store/carts/cart_01/line-items/item_01")
        .await
        .expect("deleted");
    assert_eq!(deleted["deleted"], true);
    // 6: an admin route, 7: a route of neither side (its empty body reads as null).
    let users = alice.get("/admin/users").await.expect("users");
    assert_eq!(users["count"], 0);
    let health = alice.get("/health").await.expect("healthy");
    assert!(health.is_null(), "{health}");
    // 8: an error answer is the typed error it stands for; 9: a 2xx of another shape
    // is a decode error.
    let missing = alice.get("/store/nothing-here").await.unwrap_err();
    assert!(
        matches!(&missing, Error::UnexpectedResponse { status, .. } if *status == StatusCode::NOT_FOUND),
        "{missing:?}"
    );
    let wrong_shape = alice
        .get("/store/customers/me/orders")
        .decode::<Vec<String>>()
        .await
        .unwrap_err();
    assert!(matches!(wrong_shape, Error::Decode(_)), "{wrong_shape:?}");
    let unauthorized = alice.get("/admin/orders").await.unwrap_err();
    assert!(unauthorized.is_unauthorized(), "{unauthorized:?}");

    let seen = server.seen();
    assert_eq!(seen.len(), 11);
    assert_eq!(
        seen[2].target,
        "/store/customers/me/orders?limit=10&fields=id%2Ctotal"
    );
    assert_eq!(seen[2].header("accept"), Some("application/json"));
    assert_eq!(seen[4].header("content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8_lossy(&seen[4].body),
        r#"{"region_id":"reg_01"}"#
    );
    assert_eq!(seen[4].header("x-request-id"), Some("7f2c"));
    let wire: Vec<String> = seen[2..].iter().map(credentials).collect();
    assert_eq!(
        wire,
        [
            // Store routes: the cookie, the store JWT and the publishable key.
            "GET /store/customers/me/orders?limit=10&fields=id%2Ctotal cookie=store bearer=store api_token=no pk=yes",
            "GET /store/customers/me/orders cookie=store bearer=store api_token=no pk=yes",
            "POST /store/carts cookie=store bearer=store api_token=no pk=yes",
            "DELETE /store/carts/cart_01/line-items/item_01 cookie=store bearer=store api_token=no pk=yes",
            // Admin routes: the cookie and the API token (this session holds no admin JWT).
            "GET /admin/users cookie=store bearer=no api_token=yes pk=no",
            // Any other route: the cookie only.
            "GET /health cookie=store bearer=no api_token=no pk=no",
            "GET /store/nothing-here cookie=store bearer=store api_token=no pk=yes",
            "GET /store/customers/me/orders cookie=store bearer=store api_token=no pk=yes",
            "GET /admin/orders cookie=store bearer=no api_token=yes pk=no",
        ]
    );
    assert_eq!(server.connections(), 1, "the client's one pool");
}

#[tokio::test]
async fn a_path_that_would_not_mean_what_it_says_is_never_sent() {
    let server = Server::start(shop).await;
    let session = client(&server.url()).session();
    for bad in [
        "/store/../admin/users",
        "//evil.example/admin",
        "store/carts",
        "/store/carts?x=1",
    ] {
        let error = session.get(bad).await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{bad}: {error:?}");
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_redirect_is_returned_not_followed() {
    let server = Server::scripted(vec![
        respond(302, &[("location", "/elsewhere")], ""),
        fixture(12),
    ])
    .await;
    let error = client(&server.url())
        .session()
        .admin()
        .get_session()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::FOUND), "{error:?}");
    assert_eq!(server.count(), 1);
}
