//! The fake in memory, driven through a real core client (and, for what a client
//! never sends, through hand-built requests): expiry on a manual clock, fault rules
//! and retries, deleted users, customers made through `POST /store/customers`,
//! CORS, and no secret in any `Debug`.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use medusa_auth_core::{
    ApiErrorKind, Credentials, Error, ExposeSecret, HttpTransport, RetryPolicy, Side, Sleep,
    TransportErrorKind,
};
use medusa_auth_mock::{
    FakeMedusa, Fault, InstantSleep, ManualClock, MemoryTransport, Seed, ThreadSleep,
};

const ADMIN: &str = "admin@example.com";
const CUSTOMER: &str = "customer@example.com";

fn fake_on(clock: &ManualClock) -> FakeMedusa {
    FakeMedusa::builder()
        .seed(&Seed::interop())
        .clock(clock.clone())
        .build()
}

fn request(method: Method, path: &str) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(format!("http://localhost:9000{path}"))
}

fn body_text(response: &http::Response<Bytes>) -> String {
    String::from_utf8_lossy(response.body()).into_owned()
}

fn set_cookie(response: &http::Response<Bytes>) -> Option<String> {
    response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn jwts_expire_on_the_fakes_clock() {
    let clock = ManualClock::default();
    let fake = fake_on(&clock);
    let client = fake.client();
    let admin = client.session();
    admin.admin().get_token(ADMIN, "supersecret").await.unwrap();
    let store = client.session();
    store
        .store()
        .get_token(CUSTOMER, "supersecret")
        .await
        .unwrap();
    let admin_jwt = admin
        .bearer(Side::Admin)
        .unwrap()
        .secret()
        .expose_secret()
        .to_owned();

    clock.advance(Duration::from_secs(24 * 3600 - 1));
    assert_eq!(admin.admin().get_session().await.unwrap().email, ADMIN);
    clock.advance(Duration::from_secs(1));
    // The client no longer sends it, and says why.
    let error = admin.admin().get_session().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::TokenExpired {
                side: Side::Admin,
                ..
            }
        ),
        "{error}"
    );
    // The server refuses it too when it is sent anyway.
    let refused = fake.handle(
        request(Method::GET, "/admin/auth")
            .header("authorization", format!("Bearer {admin_jwt}"))
            .body(Bytes::new())
            .unwrap(),
    );
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    // The store token lives 30 days.
    assert_eq!(store.store().get_session().await.unwrap().email, CUSTOMER);
    clock.advance(Duration::from_secs(29 * 24 * 3600));
    assert!(store.store().get_session().await.is_err());
}

#[tokio::test]
async fn sessions_live_ten_hours_after_their_last_use_on_the_server() {
    let clock = ManualClock::default();
    let fake = fake_on(&clock);
    let client = fake.client();
    let session = client.session();
    session
        .admin()
        .create_session(ADMIN, "supersecret")
        .await
        .unwrap();
    let cookie = session.session_cookie().unwrap().expose_secret().to_owned();
    let get = |cookie: &str| {
        fake.handle(
            request(Method::GET, "/admin/auth")
                .header("cookie", format!("connect.sid={cookie}"))
                .body(Bytes::new())
                .unwrap(),
        )
    };
    clock.advance(Duration::from_secs(9 * 3600));
    let answer = get(&cookie);
    assert_eq!(answer.status(), 200);
    assert_eq!(
        set_cookie(&answer),
        None,
        "an unmodified session sends no cookie"
    );
    // Each use keeps the session alive on the server for 10 h more.
    clock.advance(Duration::from_secs(9 * 3600));
    assert_eq!(get(&cookie).status(), 200);
    clock.advance(Duration::from_secs(10 * 3600));
    let expired = get(&cookie);
    assert_eq!(expired.status(), 401);
    let fresh = set_cookie(&expired).expect("a new anonymous cookie");
    assert!(!fresh.contains(&cookie));
    // The client's own copy expired at the Expires it was given (login + 10 h).
    assert!(session.session_cookie().is_none());
}

#[tokio::test]
async fn retries_see_each_fault_and_the_same_idempotency_key() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let sleep = InstantSleep::new();
    let client = fake
        .client_builder()
        .retry_policy(RetryPolicy::new(3).with_jitter(0.0))
        .sleep(sleep.clone())
        .build()
        .unwrap();
    let session = client.session();
    fake.fail_next(Method::POST, "/admin/auth/token", 1, Fault::status(503));
    fake.fail_next(
        Method::POST,
        "/admin/auth/token",
        1,
        Fault::drop_connection(),
    );
    fake.fail_next(
        Method::POST,
        "/admin/auth/token",
        1,
        Fault::status(502).retry_after("2"),
    );
    let token = session
        .admin()
        .get_token(ADMIN, "supersecret")
        .await
        .unwrap();
    assert_eq!(token.side(), Side::Admin);
    assert_eq!(fake.received(Method::POST, "/admin/auth/token"), 4);
    assert_eq!(fake.pending_faults(), 0);
    // The core's back-off (0.5 s, 1.5 s), then Retry-After.
    assert_eq!(
        sleep.waits(),
        vec![
            Duration::from_millis(500),
            Duration::from_millis(1500),
            Duration::from_secs(2)
        ]
    );
    let keys = fake.idempotency_keys();
    assert_eq!(keys.len(), 4);
    assert!(
        keys.iter()
            .all(|k| k.key == keys[0].key && k.route.path == "/admin/auth/token")
    );
    assert_eq!(keys[0].key.len(), 36, "a UUID");

    // Another call, another key.
    fake.reset_counters();
    session
        .admin()
        .get_token(ADMIN, "supersecret")
        .await
        .unwrap();
    assert_ne!(fake.idempotency_keys()[0].key, keys[0].key);
    assert_eq!(fake.received_total(), 1);
}

#[tokio::test]
async fn what_is_not_retried_is_answered_at_once() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let sleep = InstantSleep::new();
    let client = fake
        .client_builder()
        .max_retries(2)
        .sleep(sleep.clone())
        .build()
        .unwrap();
    let session = client.session();
    fake.fail_next(
        Method::GET,
        "/store/auth/customer@example.com",
        1,
        Fault::status(500),
    );
    let error = session.store().exists(CUSTOMER).await.unwrap_err();
    assert_eq!(error.api_kind(), Some(&ApiErrorKind::UnknownError));
    fake.fail_next(
        Method::GET,
        "/store/auth/customer@example.com",
        1,
        Fault::status(503).retry_after("0"),
    );
    let error = session.store().exists(CUSTOMER).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    fake.fail_next(
        Method::GET,
        "/store/auth/customer@example.com",
        1,
        Fault::status(409),
    );
    assert!(session.store().exists(CUSTOMER).await.unwrap());
    assert_eq!(
        fake.received(Method::GET, "/store/auth/customer@example.com"),
        4
    );
    assert_eq!(sleep.waits().len(), 1, "only the 409 was retried");
}

#[tokio::test]
async fn faults_without_retries_come_out_typed() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let client = fake.client();
    let session = client.session();
    fake.fail_next(Method::GET, "/admin/auth", 1, Fault::drop_connection());
    let error = session.admin().get_session().await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error}")
    };
    assert_eq!(transport.kind(), TransportErrorKind::Other);
    assert!(transport.may_have_reached_server());

    fake.fail_next(Method::GET, "/admin/auth", 1, Fault::status(409));
    let error = session.admin().get_session().await.unwrap_err();
    assert_eq!(error.api_kind(), Some(&ApiErrorKind::Conflict));
    assert!(error.is_retryable());

    fake.fail_next(
        Method::GET,
        "/admin/auth",
        1,
        Fault::status(429).retry_after("5").body(
            Some("application/json"),
            r#"{"type":"not_allowed","message":"slow down"}"#,
        ),
    );
    let error = session.admin().get_session().await.unwrap_err();
    assert_eq!(error.api_kind(), Some(&ApiErrorKind::NotAllowed));
    assert!(!error.is_retryable());

    // Rules of other routes do not fire; cleared rules never fire.
    fake.fail_next(Method::POST, "/admin/auth", 5, Fault::status(503));
    fake.clear_faults();
    assert!(
        session
            .admin()
            .create_session(ADMIN, "supersecret")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_delay_fault_waits_on_the_transports_sleep() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    fake.fail_next(
        Method::GET,
        "/health",
        1,
        Fault::delay(Duration::from_millis(300)),
    );
    let transport = MemoryTransport::new(&fake);
    let get_health = || request(Method::GET, "/health").body(Bytes::new()).unwrap();
    let started = std::time::Instant::now();
    let slow = tokio::time::timeout(Duration::from_millis(50), transport.send(get_health())).await;
    assert!(
        slow.is_err(),
        "the delayed answer did not come within 50 ms"
    );
    assert!(started.elapsed() < Duration::from_millis(250));
    // The next one is on time; with an instant sleep a delay costs nothing.
    assert_eq!(transport.send(get_health()).await.unwrap().status(), 200);
    fake.fail_next(
        Method::GET,
        "/health",
        1,
        Fault::delay(Duration::from_secs(60)),
    );
    let sleep = InstantSleep::new();
    let instant = MemoryTransport::new(&fake).with_sleep(sleep.clone());
    assert_eq!(instant.send(get_health()).await.unwrap().status(), 200);
    assert_eq!(sleep.waits(), vec![Duration::from_secs(60)]);
    // ThreadSleep needs no runtime.
    futures::executor::block_on(Sleep::sleep(&ThreadSleep, Duration::from_millis(5)));
}

#[tokio::test]
async fn a_deleted_admin_gets_bad_request_and_a_deleted_customer_not_found() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let client = fake.client();
    let admin = client.session();
    admin
        .admin()
        .create_session(ADMIN, "supersecret")
        .await
        .unwrap();
    let bearer = client.session();
    bearer
        .admin()
        .get_token(ADMIN, "supersecret")
        .await
        .unwrap();
    assert!(fake.remove_admin("ADMIN@example.com"));
    assert!(!fake.remove_admin(ADMIN));
    for session in [&admin, &bearer] {
        let error = session.admin().get_session().await.unwrap_err();
        // Medusa answers 400 with the text `Bad Request`.
        let Error::UnexpectedResponse {
            status, excerpt, ..
        } = &error
        else {
            panic!("{error}")
        };
        assert_eq!((status.as_u16(), excerpt.as_str()), (400, "Bad Request"));
    }
    let error = client
        .session()
        .admin()
        .create_session(ADMIN, "supersecret")
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(fake.admin_id(ADMIN), None);

    let customer = client.session();
    customer
        .store()
        .authenticate(CUSTOMER, "supersecret")
        .await
        .unwrap();
    assert!(fake.remove_customer(CUSTOMER));
    let error = customer.store().get_session().await.unwrap_err();
    assert_eq!(error.api_kind(), Some(&ApiErrorKind::NotFound));
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert!(!client.session().store().exists(CUSTOMER).await.unwrap());
}

#[tokio::test]
async fn users_added_later_can_log_in() {
    let fake = FakeMedusa::default();
    let client = fake.client();
    let session = client.session();
    assert!(
        session
            .admin()
            .create_session("late@example.com", "pw")
            .await
            .is_err()
    );
    let id = fake.add_admin("Late@Example.com", "pw");
    let user = session
        .admin()
        .create_session("late@example.com", "pw")
        .await
        .unwrap();
    assert_eq!(
        (user.id.as_str(), user.email.as_str()),
        (id.as_str(), "late@example.com")
    );
    let id = fake.add_customer("shopper@example.com", "pw");
    let customer = session
        .store()
        .authenticate("SHOPPER@example.com", "pw")
        .await
        .unwrap();
    assert_eq!(customer.id, id);
    assert_eq!(fake.customer_id("shopper@example.com"), Some(id));
}

#[tokio::test]
async fn customers_made_through_the_store_route() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let post = |body: &str, cookie: Option<&str>| {
        let mut builder =
            request(Method::POST, "/store/customers").header("content-type", "application/json");
        if let Some(cookie) = cookie {
            builder = builder.header("cookie", cookie);
        }
        fake.handle(builder.body(Bytes::from(body.to_owned())).unwrap())
    };
    // A guest becomes a customer with an account; the session logs it in.
    let created = post(
        r#"{"email":"Guest@Example.com","password":"pw","first_name":"G","last_name":"Uest"}"#,
        None,
    );
    assert_eq!(created.status(), 200, "{}", body_text(&created));
    let json: serde_json::Value = serde_json::from_slice(created.body()).unwrap();
    assert_eq!(json["customer"]["email"], "guest@example.com");
    assert_eq!(json["customer"]["has_account"], true);
    let cookie = set_cookie(&created).unwrap();
    let cookie = cookie.split(';').next().unwrap();
    let me = fake.handle(
        request(Method::GET, "/store/auth")
            .header("cookie", cookie)
            .body(Bytes::new())
            .unwrap(),
    );
    assert_eq!(me.status(), 200);
    // Twice: a duplicate.
    let again = post(r#"{"email":"guest@example.com","password":"pw"}"#, None);
    assert_eq!(again.status(), 422);
    assert!(body_text(&again).contains("already has an account"));
    // Without a password: a guest, once.
    let guest = post(r#"{"email":"walk-in@example.com","password":""}"#, None);
    assert_eq!(guest.status(), 200);
    assert!(body_text(&guest).contains(r#""has_account":false"#));
    let again = post(r#"{"email":"walk-in@example.com","password":""}"#, None);
    assert_eq!(again.status(), 422);
    assert!(body_text(&again).contains("Guest customer with email already exists"));
    let invalid = post(
        r#"{"email":"x@example.com","password":"p","admin":true}"#,
        None,
    );
    assert_eq!(invalid.status(), 400);
    assert!(body_text(&invalid).contains("property admin should not exist"));
}

#[tokio::test]
async fn cors_and_head_as_express_answers_them() {
    let fake = FakeMedusa::builder()
        .seed(&Seed::interop())
        .store_cors(["http://shop.test"])
        .build();
    let allowed = fake.handle(
        request(Method::GET, "/store/auth/customer@example.com")
            .header("origin", "http://shop.test")
            .body(Bytes::new())
            .unwrap(),
    );
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://shop.test"
    );
    assert_eq!(
        allowed.headers()["access-control-allow-credentials"],
        "true"
    );
    let other = fake.handle(
        request(Method::GET, "/admin/auth")
            .header("origin", "http://shop.test")
            .body(Bytes::new())
            .unwrap(),
    );
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let head = fake.handle(
        request(Method::HEAD, "/store/auth/customer@example.com")
            .body(Bytes::new())
            .unwrap(),
    );
    assert_eq!(head.status(), 200);
    assert!(head.body().is_empty());
    assert_eq!(head.headers()["content-length"], "15");
}

#[tokio::test]
async fn the_set_cookie_header_is_marked_sensitive() {
    let fake = FakeMedusa::default();
    let answer = fake.handle(request(Method::GET, "/health").body(Bytes::new()).unwrap());
    assert!(answer.headers()["set-cookie"].is_sensitive());
    assert!(format!("{:?}", answer.headers()).contains("Sensitive"));
}

#[tokio::test]
async fn a_session_cookie_given_by_hand_works_and_handles_stay_apart() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let client = fake.client();
    // Many customers logging in at once on one client: each handle sees its own.
    let emails = [
        "customer@example.com",
        "second@example.com",
        "plus+tag@example.com",
        "slash/name@example.com",
    ];
    let sessions: Vec<_> = emails.iter().map(|_| client.session()).collect();
    let logins =
        sessions
            .iter()
            .zip(emails)
            .map(|(session, email)| async move {
                session.store().authenticate(email, "supersecret").await
            });
    for (result, email) in futures::future::join_all(logins)
        .await
        .into_iter()
        .zip(emails)
    {
        assert_eq!(result.unwrap().email, email);
    }
    for (session, email) in sessions.iter().zip(emails) {
        assert_eq!(session.store().get_session().await.unwrap().email, email);
    }
    // A cookie kept elsewhere and handed back.
    let kept = sessions[1].session_cookie().unwrap();
    let restored = client
        .session_with(Credentials::SessionCookie(kept))
        .unwrap();
    assert_eq!(
        restored.store().get_session().await.unwrap().email,
        "second@example.com"
    );
}

#[test]
fn debug_output_shows_no_secret() {
    let fake = FakeMedusa::builder()
        .admin("admin@example.com", "hunter2-password")
        .api_token("sk-live-token")
        .cookie_secret("cookie-secret-value")
        .jwt_secret("jwt-secret-value")
        .customer("c@example.com", "customer-password")
        .build();
    let builder = FakeMedusa::builder()
        .admin("admin@example.com", "hunter2-password")
        .api_token("sk-live-token");
    let seed = Seed::interop();
    let session = fake.client().session();
    futures::executor::block_on(async {
        session
            .admin()
            .create_session("admin@example.com", "hunter2-password")
            .await
    })
    .unwrap();
    #[allow(unused_mut)]
    let mut shown = format!(
        "{fake:?} {builder:?} {seed:?} {:?} {:?} {session:?}",
        fake.transport(),
        Fault::status(503).retry_after("1"),
    );
    #[cfg(feature = "scenarios")]
    shown.push_str(&format!(
        " {:?} {:?}",
        medusa_auth_mock::scenarios::all(),
        medusa_auth_mock::scenarios::production()
    ));
    for secret in [
        "hunter2",
        "sk-live",
        "cookie-secret",
        "jwt-secret",
        "customer-password",
        "supersecret",
        "real_medusa_admin_api_token",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let cookie = session.session_cookie().expect("a session cookie");
    let cookie = cookie.expose_secret();
    let sid = cookie.trim_start_matches("s%3A").split('.').next().unwrap();
    assert!(!shown.contains(sid), "the session id in {shown}");
}
