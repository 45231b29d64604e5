//! The fake Medusa v2's rules, one behaviour at a time: reset tokens (single use,
//! superseded, burned by a failed update, 15 minutes, bound to their actor type),
//! actor-less tokens and the refresh that adds the actor, the publishable key
//! checked before authentication, sessions made only by `POST /auth/session`,
//! production mode without a cookie over plain HTTP, secret keys, JWT lifetimes,
//! faults, restarts, and what the js-sdk appendix of the transcript shows.

#[cfg(feature = "server")]
#[path = "support/http_client.rs"]
mod http_client;

use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::{Method, Request, Response};
use medusa_auth_core::{ExposeSecret, HttpTransport};
use medusa_auth_mock::{
    FakeMedusaV2, Fault, InstantSleep, ManualClock, RECORDED_JWT_SECRET, SeedV2,
};
use serde_json::{Value, json};

const UNAUTHORIZED: &str = r#"{"message":"Unauthorized"}"#;
const INVALID_TOKEN: &str = r#"{"type":"unauthorized","message":"Invalid token"}"#;
const KEY_REQUIRED: &str = r#"{"type":"not_allowed","message":"Publishable API key required in the request header: x-publishable-api-key. You can manage your keys in settings in the dashboard."}"#;
const KEY_INVALID: &str = r#"{"type":"not_allowed","message":"A valid publishable key is required to proceed with the request"}"#;

fn clock() -> ManualClock {
    ManualClock::at_http_date("Tue, 01 Dec 2026 14:01:22 GMT")
}

fn fake_on(clock: &ManualClock) -> FakeMedusaV2 {
    FakeMedusaV2::builder()
        .seed(&SeedV2::interop())
        .clock(clock.clone())
        .build()
}

/// One request: `headers` as (name, value), a JSON body when given.
fn send(
    fake: &FakeMedusaV2,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Response<Bytes> {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body = match body {
        Some(body) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(body.to_string())
        }
        None => Bytes::new(),
    };
    fake.handle(builder.body(body).unwrap())
}

fn text(response: &Response<Bytes>) -> String {
    String::from_utf8_lossy(response.body()).into_owned()
}

fn json_of(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body()).unwrap_or(Value::Null)
}

/// The claims of a JWT (not checked).
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn login(fake: &FakeMedusaV2, actor: &str, email: &str, password: &str) -> String {
    let answer = send(
        fake,
        Method::POST,
        &format!("/auth/{actor}/emailpass"),
        &[],
        Some(json!({"email": email, "password": password})),
    );
    assert_eq!(answer.status(), 200, "{}", text(&answer));
    json_of(&answer)["token"].as_str().unwrap().to_owned()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn reset(fake: &FakeMedusaV2, actor: &str, identifier: &str) -> Response<Bytes> {
    send(
        fake,
        Method::POST,
        &format!("/auth/{actor}/emailpass/reset-password"),
        &[],
        Some(json!({ "identifier": identifier })),
    )
}

fn update(fake: &FakeMedusaV2, actor: &str, token: &str, body: Value) -> Response<Bytes> {
    send(
        fake,
        Method::POST,
        &format!("/auth/{actor}/emailpass/update"),
        &[("authorization", &bearer(token))],
        Some(body),
    )
}

fn cookie_of(response: &Response<Bytes>) -> Option<String> {
    response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap().to_owned())
}

#[test]
fn reset_tokens_are_single_use_superseded_burned_and_short_lived() {
    let clock = clock();
    let fake = fake_on(&clock);
    let email = "customer@example.com";
    // Always 201 text/plain, known or not; only a known identity gets a token.
    let answer = reset(&fake, "customer", email);
    assert_eq!(answer.status(), 201);
    assert_eq!(
        answer.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(text(&answer), "Created");
    assert_eq!(reset(&fake, "customer", "nobody@example.com").status(), 201);
    assert!(fake.reset_tokens("nobody@example.com").is_empty());
    let first = fake.last_reset_token(email).unwrap();
    let c = claims(&first);
    assert_eq!(c["purpose"], "reset");
    assert_eq!(c["entity_id"], email);
    assert_eq!(c["actor_type"], "customer");
    assert_eq!(c["provider"], "emailpass");
    assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 900);
    assert_eq!(c["jti"].as_str().unwrap().len(), 36);

    // Another actor type's route refuses it without using it up.
    let answer = update(&fake, "user", &first, json!({"password": "x"}));
    assert_eq!(
        (answer.status().as_u16(), text(&answer)),
        (401, INVALID_TOKEN.into())
    );
    // Used once, then void.
    let answer = update(
        &fake,
        "customer",
        &first,
        json!({"password": "newpassword"}),
    );
    assert_eq!(text(&answer), r#"{"success":true}"#);
    assert_eq!(
        text(&update(
            &fake,
            "customer",
            &first,
            json!({"password": "again"})
        )),
        INVALID_TOKEN
    );
    login(&fake, "customer", email, "newpassword");
    let old = send(
        &fake,
        Method::POST,
        "/auth/customer/emailpass",
        &[],
        Some(json!({"email": email, "password": "supersecret"})),
    );
    assert_eq!(
        text(&old),
        r#"{"type":"unauthorized","message":"Invalid email or password"}"#
    );

    // A newer token supersedes the older ones.
    reset(&fake, "customer", email);
    let older = fake.last_reset_token(email).unwrap();
    reset(&fake, "customer", email);
    let newer = fake.last_reset_token(email).unwrap();
    assert_eq!(fake.reset_tokens(email).len(), 3);
    assert_eq!(
        text(&update(&fake, "customer", &older, json!({"password": "p"}))),
        INVALID_TOKEN
    );
    // A failed update (no password) burns the token.
    let answer = update(&fake, "customer", &newer, json!({}));
    assert_eq!(
        (answer.status().as_u16(), text(&answer)),
        (
            401,
            r#"{"type":"unauthorized","message":"Unauthorized"}"#.into()
        )
    );
    assert_eq!(
        text(&update(&fake, "customer", &newer, json!({"password": "p"}))),
        INVALID_TOKEN
    );

    // 15 minutes: still good a second before, void at the end.
    reset(&fake, "customer", email);
    let token = fake.last_reset_token(email).unwrap();
    clock.advance(Duration::from_secs(899));
    assert_eq!(
        update(&fake, "customer", &token, json!({"password": "p1"})).status(),
        200
    );
    reset(&fake, "customer", email);
    let token = fake.last_reset_token(email).unwrap();
    clock.advance(Duration::from_secs(900));
    assert_eq!(
        text(&update(
            &fake,
            "customer",
            &token,
            json!({"password": "p2"})
        )),
        INVALID_TOKEN
    );

    // Only the Bearer header carries it; a login JWT is no reset token.
    reset(&fake, "customer", email);
    let token = fake.last_reset_token(email).unwrap();
    let answer = send(
        &fake,
        Method::POST,
        &format!("/auth/customer/emailpass/update?token={token}"),
        &[],
        Some(json!({"password": "p3", "token": token})),
    );
    assert_eq!(text(&answer), INVALID_TOKEN);
    let session_token = login(&fake, "customer", email, "p1");
    assert_eq!(
        text(&update(
            &fake,
            "customer",
            &session_token,
            json!({"password": "p"})
        )),
        INVALID_TOKEN
    );
    assert_eq!(
        update(&fake, "customer", &token, json!({"password": "p3"})).status(),
        200
    );

    // The metadata travels with the event; the user actor gets tokens too.
    send(
        &fake,
        Method::POST,
        "/auth/user/emailpass/reset-password",
        &[],
        Some(json!({"identifier": "admin@example.com", "metadata": {"redirect": "/account"}})),
    );
    assert_eq!(
        fake.last_reset_event("admin@example.com"),
        Some(("user".into(), r#"{"redirect":"/account"}"#.into()))
    );
    // A missing or non-string identifier is refused.
    let answer = send(
        &fake,
        Method::POST,
        "/auth/customer/emailpass/reset-password",
        &[],
        Some(json!({})),
    );
    assert_eq!(
        text(&answer),
        r#"{"type":"invalid_data","message":"Invalid request: Field 'identifier' is required"}"#
    );
}

#[test]
fn actor_less_tokens_and_the_refresh_that_adds_the_actor() {
    let fake = fake_on(&clock());
    let pk = fake.publishable_key();
    let register = |email: &str, password: &str| {
        send(
            &fake,
            Method::POST,
            "/auth/customer/emailpass/register",
            &[],
            Some(json!({"email": email, "password": password})),
        )
    };
    let answer = register("new@example.com", "pw");
    let token = json_of(&answer)["token"].as_str().unwrap().to_owned();
    let c = claims(&token);
    assert_eq!(c["actor_id"], "");
    assert_eq!(c["app_metadata"], json!({}));
    assert_eq!(
        c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(),
        86_400
    );
    let with_token = [
        ("authorization", bearer(&token)),
        ("x-publishable-api-key", pk.clone()),
    ];
    let headers: Vec<(&str, &str)> = with_token.iter().map(|(n, v)| (*n, v.as_str())).collect();
    assert_eq!(
        text(&send(
            &fake,
            Method::GET,
            "/store/customers/me",
            &headers,
            None
        )),
        UNAUTHORIZED
    );
    // The same e-mail registers again with its password while it has no actor.
    assert_eq!(register("new@example.com", "pw").status(), 200);
    assert_eq!(
        text(&register("new@example.com", "other")),
        r#"{"type":"unauthorized","message":"Identity with email already exists"}"#
    );
    // The customer: no password in the body, then 422 the second time.
    let create = |body: Value| {
        send(
            &fake,
            Method::POST,
            "/store/customers",
            &headers,
            Some(body),
        )
    };
    assert_eq!(
        text(&create(
            json!({"email": "new@example.com", "password": "pw"})
        )),
        r#"{"type":"invalid_data","message":"Invalid request: Unrecognized fields: 'password'"}"#
    );
    let answer = create(json!({"email": "new@example.com", "first_name": "New"}));
    assert_eq!(answer.status(), 200, "{}", text(&answer));
    let customer = json_of(&answer)["customer"].clone();
    assert_eq!(customer["has_account"], true);
    assert_eq!(customer["first_name"], "New");
    let answer = create(json!({"email": "new@example.com"}));
    assert_eq!(
        text(&answer),
        r#"{"code":"invalid_request_error","type":"duplicate_error","message":"Customer with this email already has an account"}"#
    );
    assert_eq!(
        text(&register("new@example.com", "pw")),
        r#"{"type":"unauthorized","message":"Identity with email already exists"}"#
    );
    // The registration token stays actor-less; a refresh carries the customer.
    assert_eq!(
        text(&send(
            &fake,
            Method::GET,
            "/store/customers/me",
            &headers,
            None
        )),
        UNAUTHORIZED
    );
    let answer = send(
        &fake,
        Method::POST,
        "/auth/token/refresh",
        &headers[..1],
        None,
    );
    let refreshed = json_of(&answer)["token"].as_str().unwrap().to_owned();
    let c = claims(&refreshed);
    assert_eq!(c["actor_id"], customer["id"]);
    assert_eq!(c["app_metadata"], json!({"customer_id": customer["id"]}));
    let me = send(
        &fake,
        Method::GET,
        "/store/customers/me",
        &[
            ("authorization", &bearer(&refreshed)),
            ("x-publishable-api-key", &pk),
        ],
        None,
    );
    assert_eq!(json_of(&me)["customer"]["email"], "new@example.com");
    // Logged in as a customer, creating one is refused.
    let answer = send(
        &fake,
        Method::POST,
        "/store/customers",
        &[
            ("authorization", &bearer(&refreshed)),
            ("x-publishable-api-key", &pk),
        ],
        Some(json!({"email": "new@example.com"})),
    );
    assert_eq!(
        text(&answer),
        r#"{"type":"invalid_data","message":"Request already authenticated as a customer."}"#
    );

    // The admin on the customer actor: actor-less, its user link kept; it may
    // become a customer too, and then carries both links.
    let token = login(&fake, "customer", "admin@example.com", "supersecret");
    let c = claims(&token);
    assert_eq!(c["actor_id"], "");
    assert_eq!(
        c["app_metadata"]["user_id"],
        fake.admin_id("admin@example.com").unwrap()
    );
    let answer = send(
        &fake,
        Method::POST,
        "/store/customers",
        &[
            ("authorization", &bearer(&token)),
            ("x-publishable-api-key", &pk),
        ],
        Some(json!({"email": "admin@example.com"})),
    );
    assert_eq!(answer.status(), 200);
    let token = login(&fake, "customer", "admin@example.com", "supersecret");
    let keys: Vec<String> = claims(&token)["app_metadata"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["customer_id", "user_id"]);
    assert_ne!(claims(&token)["actor_id"], "");
    // Any actor type logs in, actor-less.
    let token = login(&fake, "nosuchactor", "customer@example.com", "supersecret");
    assert_eq!(claims(&token)["actor_type"], "nosuchactor");
    assert_eq!(claims(&token)["actor_id"], "");
    // A user registration token opens a session but no admin route.
    let answer = send(
        &fake,
        Method::POST,
        "/auth/user/emailpass/register",
        &[],
        Some(json!({"email": "new.admin@example.com", "password": "pw"})),
    );
    let token = json_of(&answer)["token"].as_str().unwrap().to_owned();
    let admin = send(
        &fake,
        Method::GET,
        "/admin/users/me",
        &[("authorization", &bearer(&token))],
        None,
    );
    assert_eq!(text(&admin), UNAUTHORIZED);
    let session = send(
        &fake,
        Method::POST,
        "/auth/session",
        &[("authorization", &bearer(&token))],
        None,
    );
    assert_eq!(json_of(&session)["user"]["actor_id"], "");
    let cookie = cookie_of(&session).unwrap();
    // The cookie alone gets a bearer token back.
    let answer = send(
        &fake,
        Method::POST,
        "/auth/token/refresh",
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(
        claims(json_of(&answer)["token"].as_str().unwrap())["actor_type"],
        "user"
    );
}

#[test]
fn the_publishable_key_is_checked_before_authentication() {
    let fake = fake_on(&clock());
    let pk = fake.publishable_key();
    let customer = login(&fake, "customer", "customer@example.com", "supersecret");
    let me =
        |headers: &[(&str, &str)]| send(&fake, Method::GET, "/store/customers/me", headers, None);
    let auth = bearer(&customer);
    assert_eq!(text(&me(&[("authorization", &auth)])), KEY_REQUIRED);
    assert_eq!(
        text(&me(&[("authorization", "Bearer garbage")])),
        KEY_REQUIRED
    );
    assert_eq!(text(&me(&[])), KEY_REQUIRED);
    let sk = fake.secret_key();
    assert_eq!(
        text(&me(&[("x-publishable-api-key", sk.expose_secret())])),
        KEY_INVALID
    );
    assert_eq!(
        text(&me(&[("x-publishable-api-key", "pk_garbage")])),
        KEY_INVALID
    );
    assert_eq!(text(&me(&[("x-publishable-api-key", &pk)])), UNAUTHORIZED);
    assert_eq!(
        me(&[("x-publishable-api-key", &pk), ("authorization", &auth)]).status(),
        200
    );
    // Every /store path: an unknown one gets the 400 before its 404 (no CORS headers:
    // no route matched).
    let answer = send(&fake, Method::GET, "/store/nothing", &[], None);
    assert_eq!(text(&answer), KEY_REQUIRED);
    assert!(answer.headers().get("vary").is_none());
    let answer = send(
        &fake,
        Method::GET,
        "/store/nothing",
        &[("x-publishable-api-key", &pk)],
        None,
    );
    assert_eq!(answer.status(), 404);
    assert!(text(&answer).contains("<pre>Cannot GET /store/nothing</pre>"));
    // /auth ignores the key.
    let answer = send(
        &fake,
        Method::POST,
        "/auth/customer/emailpass",
        &[("x-publishable-api-key", "pk_garbage")],
        Some(json!({"email": "customer@example.com", "password": "supersecret"})),
    );
    assert_eq!(answer.status(), 200);
    // A revoked key is no key.
    let admin = login(&fake, "user", "admin@example.com", "supersecret");
    let answer = send(
        &fake,
        Method::POST,
        &format!("/admin/api-keys/{}/revoke", fake.publishable_key_id()),
        &[("authorization", &bearer(&admin))],
        Some(json!({})),
    );
    assert_eq!(answer.status(), 200, "{}", text(&answer));
    assert_eq!(
        text(&me(&[
            ("x-publishable-api-key", &pk),
            ("authorization", &auth)
        ])),
        KEY_INVALID
    );
}

#[test]
fn sessions_come_only_from_post_auth_session_and_live_ten_hours_from_last_use() {
    let clock = clock();
    let fake = fake_on(&clock);
    // Anonymous requests make no session and no cookie.
    for path in [
        "/health",
        "/auth/user/providers",
        "/admin/users/me",
        "/nothing",
    ] {
        let answer = send(&fake, Method::GET, path, &[], None);
        assert!(answer.headers().get("set-cookie").is_none(), "{path}");
    }
    let admin = login(&fake, "user", "admin@example.com", "supersecret");
    assert_eq!(fake.session_count(), 0);
    let answer = send(&fake, Method::POST, "/auth/session", &[], None);
    assert_eq!(text(&answer), UNAUTHORIZED);
    let answer = send(
        &fake,
        Method::POST,
        "/auth/session",
        &[("authorization", &bearer(&admin))],
        None,
    );
    assert_eq!(json_of(&answer)["user"], claims(&admin));
    let set_cookie = answer.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert_eq!(
        set_cookie.split_once(';').unwrap().1,
        " Path=/; Expires=Wed, 02 Dec 2026 00:01:22 GMT; HttpOnly"
    );
    let cookie = cookie_of(&answer).unwrap();
    assert!(cookie.starts_with("connect.sid=s%3A"));
    assert_eq!(fake.session_count(), 1);
    // The cookie alone is no credential for opening a session.
    let answer = send(
        &fake,
        Method::POST,
        "/auth/session",
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(text(&answer), UNAUTHORIZED);
    // The same claims again change nothing: no cookie; other claims: the same
    // session, its cookie sent again.
    let both = [
        ("cookie", cookie.as_str()),
        ("authorization", &bearer(&admin)),
    ];
    let answer = send(&fake, Method::POST, "/auth/session", &both, None);
    assert!(answer.headers().get("set-cookie").is_none());
    clock.advance(Duration::from_secs(1));
    let newer = login(&fake, "user", "admin@example.com", "supersecret");
    let answer = send(
        &fake,
        Method::POST,
        "/auth/session",
        &[("cookie", &cookie), ("authorization", &bearer(&newer))],
        None,
    );
    assert_eq!(cookie_of(&answer), Some(cookie.clone()));
    assert_eq!(fake.session_count(), 1);
    // The session is read before a garbage bearer; a customer route refuses it.
    let me = |cookie: &str| {
        send(
            &fake,
            Method::GET,
            "/admin/users/me",
            &[("cookie", cookie), ("authorization", "Bearer garbage")],
            None,
        )
    };
    assert_eq!(me(&cookie).status(), 200);
    // Used at 9 h, still there at 18 h; gone 10 h after its last use.
    clock.advance(Duration::from_secs(9 * 3600));
    assert_eq!(me(&cookie).status(), 200);
    clock.advance(Duration::from_secs(9 * 3600));
    assert_eq!(me(&cookie).status(), 200);
    clock.advance(Duration::from_secs(10 * 3600));
    assert_eq!(text(&me(&cookie)), UNAUTHORIZED);
    assert_eq!(fake.session_count(), 0);

    // Logout: the cookie only; a clearing cookie; the JWT lives on.
    let admin = login(&fake, "user", "admin@example.com", "supersecret");
    let answer = send(
        &fake,
        Method::POST,
        "/auth/session",
        &[("authorization", &bearer(&admin))],
        None,
    );
    let cookie = cookie_of(&answer).unwrap();
    let answer = send(
        &fake,
        Method::DELETE,
        "/auth/session",
        &[("authorization", &bearer(&admin))],
        None,
    );
    assert_eq!(text(&answer), UNAUTHORIZED);
    let answer = send(
        &fake,
        Method::DELETE,
        "/auth/session",
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(text(&answer), r#"{"success":true}"#);
    assert_eq!(
        answer.headers()["set-cookie"],
        "connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    );
    assert_eq!(
        send(
            &fake,
            Method::DELETE,
            "/auth/session",
            &[("cookie", &cookie)],
            None
        )
        .status(),
        401
    );
    let answer = send(
        &fake,
        Method::GET,
        "/admin/users/me",
        &[("authorization", &bearer(&admin))],
        None,
    );
    assert_eq!(answer.status(), 200);
    // A tampered or unsigned cookie is no session.
    let tampered = format!("{}x", &cookie[..cookie.len() - 1]);
    assert_eq!(me(&tampered).status(), 401);
}

#[test]
fn production_sets_no_cookie_over_plain_http() {
    let fake = FakeMedusaV2::builder()
        .seed(&SeedV2::interop())
        .clock(clock())
        .production(true)
        .build();
    assert!(fake.is_production());
    let admin = login(&fake, "user", "admin@example.com", "supersecret");
    let auth = bearer(&admin);
    let answer = send(
        &fake,
        Method::POST,
        "/auth/session",
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().get("set-cookie").is_none());
    // The session exists server-side all the same; its cookie never left.
    assert_eq!(fake.session_count(), 1);
    for headers in [
        vec![
            ("authorization", auth.as_str()),
            ("x-forwarded-proto", "https"),
        ],
        vec![
            ("authorization", auth.as_str()),
            ("x-forwarded-proto", "HTTPS, http"),
        ],
    ] {
        let answer = send(&fake, Method::POST, "/auth/session", &headers, None);
        let cookie = answer.headers()["set-cookie"].to_str().unwrap();
        assert!(
            cookie.ends_with("; HttpOnly; Secure; SameSite=Lax"),
            "{cookie}"
        );
    }
    let answer = fake.handle(
        Request::post("https://shop.example/auth/session")
            .header("authorization", &auth)
            .body(Bytes::new())
            .unwrap(),
    );
    let cookie = cookie_of(&answer).unwrap();
    // The cookie then works over plain HTTP, and logout clears it plainly.
    let me = send(
        &fake,
        Method::GET,
        "/admin/users/me",
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(me.status(), 200);
    let answer = send(
        &fake,
        Method::DELETE,
        "/auth/session",
        &[("cookie", &cookie)],
        None,
    );
    assert_eq!(
        answer.headers()["set-cookie"],
        "connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    );
    let answer = send(
        &fake,
        Method::POST,
        "/auth/session",
        &[
            ("authorization", &auth),
            ("x-forwarded-proto", "http, https"),
        ],
        None,
    );
    assert!(answer.headers().get("set-cookie").is_none());
}

#[test]
fn jwts_live_a_day_on_the_fake_clock_and_are_never_revoked() {
    let clock = clock();
    let fake = fake_on(&clock);
    let admin = login(&fake, "user", "admin@example.com", "supersecret");
    let me = |token: &str| {
        send(
            &fake,
            Method::GET,
            "/admin/users/me",
            &[("authorization", &format!("bearer {token}"))],
            None,
        )
    };
    assert_eq!(json_of(&me(&admin))["user"]["email"], "admin@example.com");
    // A refresh and a password change leave it valid.
    let answer = send(
        &fake,
        Method::POST,
        "/auth/token/refresh",
        &[("authorization", &bearer(&admin))],
        None,
    );
    assert_eq!(answer.status(), 200);
    reset(&fake, "user", "admin@example.com");
    let token = fake.last_reset_token("admin@example.com").unwrap();
    assert_eq!(
        update(&fake, "user", &token, json!({"password": "changed"})).status(),
        200
    );
    assert_eq!(me(&admin).status(), 200);
    clock.advance(Duration::from_secs(86_399));
    assert_eq!(me(&admin).status(), 200);
    clock.advance(Duration::from_secs(1));
    assert_eq!(text(&me(&admin)), UNAUTHORIZED);
    let answer = send(
        &fake,
        Method::POST,
        "/auth/token/refresh",
        &[("authorization", &bearer(&admin))],
        None,
    );
    assert_eq!(text(&answer), UNAUTHORIZED);
    // Signed by the fake's secret (the recorded one by default) or not at all.
    let c = claims(&admin);
    let forged = fake.sign_claims(&c.to_string()).unwrap();
    assert_eq!(text(&me(&forged)), UNAUTHORIZED);
    let mut fresh = c.clone();
    fresh["exp"] = json!(u64::MAX / 2);
    let signed = fake.sign_claims(&fresh.to_string()).unwrap();
    assert_eq!(me(&signed).status(), 200);
    let other = FakeMedusaV2::builder().jwt_secret("another").build();
    assert_eq!(
        text(&me(&other.sign_claims(&fresh.to_string()).unwrap())),
        UNAUTHORIZED
    );
    assert_eq!(RECORDED_JWT_SECRET, "real-medusa-v2-jwt-secret");
    // A token with MFA enabled and no challenge passed opens no admin route.
    fresh["mfa_enabled"] = json!(true);
    let mfa = fake.sign_claims(&fresh.to_string()).unwrap();
    assert_eq!(
        text(&me(&mfa)),
        r#"{"message":"MFA verification is required to complete this request"}"#
    );
    assert_eq!(fake.sign_claims("[1]"), None);
}

#[test]
fn secret_keys_are_admin_credentials_that_are_not_users() {
    let clock = clock();
    let fake = fake_on(&clock);
    let sk = fake.secret_key().expose_secret().to_owned();
    let encode = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    for credential in [encode(&format!("{sk}:")), encode(&sk), sk.clone()] {
        let answer = send(
            &fake,
            Method::GET,
            "/admin/users?limit=1",
            &[("authorization", &format!("Basic {credential}"))],
            None,
        );
        let body = json_of(&answer);
        assert_eq!(body["count"], 1);
        assert_eq!(
            (body["offset"].clone(), body["limit"].clone()),
            (json!(0), json!(1))
        );
        assert_eq!(body["users"][0]["email"], "admin@example.com");
    }
    let basic = format!("Basic {}", encode(&format!("{sk}:")));
    let answer = send(
        &fake,
        Method::GET,
        "/admin/users/me",
        &[("authorization", &basic)],
        None,
    );
    assert_eq!(
        json_of(&answer),
        json!({"type": "not_found", "message": format!("User with id: {} was not found", fake.secret_key_id())})
    );
    let answer = send(
        &fake,
        Method::GET,
        "/admin/users",
        &[("authorization", &bearer(&sk))],
        None,
    );
    assert_eq!(
        json_of(&answer)["message"],
        "A secret API key was passed as a Bearer token. Secret API keys must be sent using HTTP Basic authentication instead (Authorization: Basic <secret-api-key>)."
    );
    let pk = fake.publishable_key();
    let answer = send(
        &fake,
        Method::GET,
        "/store/customers/me",
        &[("authorization", &basic), ("x-publishable-api-key", &pk)],
        None,
    );
    assert_eq!(text(&answer), UNAUTHORIZED);
    let answer = send(
        &fake,
        Method::POST,
        "/auth/token/refresh",
        &[("authorization", &basic)],
        None,
    );
    assert_eq!(text(&answer), UNAUTHORIZED);
    // A key made through the API works until revoked; revoking twice is refused.
    let answer = send(
        &fake,
        Method::POST,
        "/admin/api-keys",
        &[("authorization", &basic)],
        Some(json!({"title": "temporary", "type": "secret"})),
    );
    let key = json_of(&answer)["api_key"].clone();
    assert_eq!(key["created_by"], fake.secret_key_id().as_str());
    let token = key["token"].as_str().unwrap().to_owned();
    assert_eq!(
        key["redacted"],
        format!("{}***{}", &token[..6], &token[token.len() - 3..])
    );
    let temporary = format!("Basic {}", encode(&format!("{token}:")));
    let users = |auth: &str| {
        send(
            &fake,
            Method::GET,
            "/admin/users",
            &[("authorization", auth)],
            None,
        )
    };
    assert_eq!(users(&temporary).status(), 200);
    let id = key["id"].as_str().unwrap();
    let answer = send(
        &fake,
        Method::GET,
        &format!("/admin/api-keys/{id}"),
        &[("authorization", &basic)],
        None,
    );
    assert_eq!(json_of(&answer)["api_key"]["token"], "");
    let revoke = || {
        send(
            &fake,
            Method::POST,
            &format!("/admin/api-keys/{id}/revoke"),
            &[("authorization", &basic)],
            Some(json!({})),
        )
    };
    assert_eq!(
        json_of(&revoke())["api_key"]["revoked_by"],
        fake.secret_key_id().as_str()
    );
    assert_eq!(text(&users(&temporary)), UNAUTHORIZED);
    // Revoked before now (`revoked_at < now`): revoking again is refused.
    clock.advance(Duration::from_secs(1));
    assert_eq!(
        text(&revoke()),
        r#"{"type":"invalid_data","message":"There are 1 secret keys that are already revoked."}"#
    );
    // The publishable key is listed with its sales channel.
    let answer = send(
        &fake,
        Method::GET,
        "/admin/api-keys?type=publishable",
        &[("authorization", &basic)],
        None,
    );
    let listed = json_of(&answer);
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["api_keys"][0]["token"], pk.as_str());
    assert_eq!(
        listed["api_keys"][0]["sales_channels"][0]["id"],
        fake.sales_channel_id().as_str()
    );
}

#[test]
fn routes_and_error_shapes_are_the_recorded_ones() {
    let fake = fake_on(&clock());
    let post = |path: &str, body: Value| send(&fake, Method::POST, path, &[], Some(body));
    let credentials = json!({"email": "admin@example.com", "password": "supersecret"});
    assert_eq!(
        text(&post("/auth/user/google", json!({}))),
        r#"{"type":"not_allowed","message":"The actor type user is not allowed to use the auth provider google"}"#
    );
    // Other actors may use any provider: the recorded server has only emailpass.
    let unable = r#"{"type":"unauthorized","message":"\nUnable to retrieve the auth provider with id: google\nPlease make sure that the provider is registered in the container and it is configured correctly in your project configuration file."}"#;
    assert_eq!(text(&post("/auth/customer/google", json!({}))), unable);
    let callback = send(
        &fake,
        Method::GET,
        "/auth/customer/google/callback?code=x&state=y",
        &[],
        None,
    );
    assert_eq!(text(&callback), unable);
    let callback = send(
        &fake,
        Method::GET,
        "/auth/customer/emailpass/callback",
        &[],
        None,
    );
    assert_eq!(
        text(&callback),
        r#"{"type":"unauthorized","message":"Callback authentication not implemented for provider emailpass"}"#
    );
    assert_eq!(
        text(&send(
            &fake,
            Method::GET,
            "/auth/customer/providers",
            &[],
            None
        )),
        r#"{"providers":[{"id":"emailpass","identifier":"emailpass","display_name":"Email/Password Authentication","flow":"credentials"}]}"#
    );
    // Malformed JSON: body-parser's message through Medusa's error handler.
    let answer = fake.handle(
        Request::post("/auth/user/emailpass")
            .header("content-type", "application/json")
            .body(Bytes::from_static(
                br#"{"email":"admin@example.com","password":}"#,
            ))
            .unwrap(),
    );
    assert_eq!(
        text(&answer),
        r#"{"message":"Unexpected token '}', ...\"password\":}\" is not valid JSON","type":"invalid_data"}"#
    );
    // Form bodies log in; a query string does not.
    let answer = fake.handle(
        Request::post("/auth/user/emailpass")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Bytes::from_static(
                b"email=admin%40example.com&password=supersecret",
            ))
            .unwrap(),
    );
    assert_eq!(answer.status(), 200);
    let answer = send(
        &fake,
        Method::GET,
        "/auth/user/emailpass?email=admin@example.com&password=supersecret",
        &[],
        None,
    );
    assert_eq!(
        text(&answer),
        r#"{"type":"unauthorized","message":"Password should be a string"}"#
    );
    // v1's routes: the admin guard answers first, then HTML 404s.
    assert_eq!(
        text(&post("/admin/auth", credentials.clone())),
        UNAUTHORIZED
    );
    let page = post("/store/auth", credentials);
    assert_eq!(page.status(), 400);
    for (method, path) in [
        (Method::GET, "/auth/session"),
        (Method::PUT, "/auth/session"),
        (Method::POST, "/auth/user"),
    ] {
        let answer = send(&fake, method.clone(), path, &[], None);
        assert_eq!(answer.status(), 404, "{method} {path}");
        assert_eq!(
            answer.headers()["content-security-policy"],
            "default-src 'none'"
        );
        assert!(text(&answer).contains(&format!("Cannot {method} {path}")));
    }
    // A percent-escape that does not decode in a route parameter: Medusa's 500.
    let answer = send(&fake, Method::POST, "/auth/%E0%A4%A/emailpass", &[], None);
    assert_eq!(
        text(&answer),
        r#"{"code":"unknown_error","type":"unknown_error","message":"An unknown error occurred."}"#
    );
    // Express answers OPTIONS without a preflight with the route's methods (in the
    // order the recorded server lists them).
    let answer = send(&fake, Method::OPTIONS, "/auth/user/emailpass", &[], None);
    assert_eq!(
        (answer.status().as_u16(), text(&answer)),
        (200, "POST,GET,HEAD".into())
    );
    assert_eq!(answer.headers()["allow"], "POST,GET,HEAD");
    // An ETag the client holds: 304 Not Modified.
    let providers = send(&fake, Method::GET, "/auth/user/providers", &[], None);
    let etag = providers.headers()["etag"].to_str().unwrap().to_owned();
    let again = send(
        &fake,
        Method::GET,
        "/auth/user/providers",
        &[("if-none-match", &etag)],
        None,
    );
    assert_eq!(again.status(), 304);
    assert!(again.body().is_empty());
    // HEAD: the headers of GET, no body.
    let head = send(&fake, Method::HEAD, "/auth/user/providers", &[], None);
    assert!(head.body().is_empty());
    assert_eq!(
        head.headers()["content-length"],
        providers.headers()["content-length"]
    );
}

#[test]
fn admin_lists_validate_their_query_and_page() {
    let fake = fake_on(&clock());
    fake.add_admin("second.admin@example.com", "pw");
    let admin = login(&fake, "user", "second.admin@example.com", "pw");
    let auth = bearer(&admin);
    let get = |path: &str| {
        json_of(&send(
            &fake,
            Method::GET,
            path,
            &[("authorization", &auth)],
            None,
        ))
    };
    assert_eq!(
        get("/admin/customers?limit=abc"),
        json!({"type": "invalid_data", "message": "Invalid request: Expected type: 'number' for field 'limit', got: 'abc'"})
    );
    assert_eq!(
        get("/admin/users?nope=1")["message"],
        "Invalid request: Unrecognized fields: 'nope'"
    );
    let page = get("/admin/users?limit=1&offset=1");
    assert_eq!(
        (page["count"].clone(), page["users"][0]["email"].clone()),
        (json!(2), json!("second.admin@example.com"))
    );
    assert_eq!(get("/admin/users?q=SECOND")["count"], 1);
    let customers = get("/admin/customers");
    assert_eq!(customers["count"], 2);
    let keys: Vec<&String> = customers["customers"][0]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert!(keys.iter().any(|k| *k == "created_by"));
    let me = get("/admin/users/me");
    assert_eq!(
        me["user"]["id"],
        fake.admin_id("second.admin@example.com").unwrap()
    );
    assert_eq!(
        get(&format!(
            "/admin/users/{}",
            fake.admin_id("admin@example.com").unwrap()
        ))["user"]["email"],
        "admin@example.com"
    );
    // An unknown admin route: 404 once authenticated, 401 before.
    assert_eq!(
        send(
            &fake,
            Method::GET,
            "/admin/nothing",
            &[("authorization", &auth)],
            None
        )
        .status(),
        404
    );
    assert_eq!(
        text(&send(&fake, Method::GET, "/admin/nothing", &[], None)),
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn faults_apply_as_with_the_v1_fake() {
    let fake = fake_on(&clock());
    let sleep = InstantSleep::new();
    let transport = fake.transport().with_sleep(sleep.clone());
    let request = || {
        Request::post("http://localhost:9000/auth/user/emailpass")
            .header("content-type", "application/json")
            .body(Bytes::from_static(
                br#"{"email":"admin@example.com","password":"supersecret"}"#,
            ))
            .unwrap()
    };
    fake.fail_next(
        Method::POST,
        "/auth/user/emailpass",
        1,
        Fault::status(503).retry_after("2"),
    );
    fake.fail_next(
        Method::POST,
        "/auth/user/emailpass",
        1,
        Fault::drop_connection(),
    );
    fake.fail_next(
        Method::POST,
        "/auth/user/emailpass",
        1,
        Fault::delay(Duration::from_millis(250)),
    );
    assert_eq!(fake.pending_faults(), 3);
    let busy = transport.send(request()).await.unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "2");
    assert!(transport.send(request()).await.is_err());
    let slow = transport.send(request()).await.unwrap();
    assert_eq!(slow.status(), 200);
    assert!(json_of(&slow)["token"].is_string());
    assert_eq!(sleep.waits(), [Duration::from_millis(250)]);
    assert_eq!(transport.send(request()).await.unwrap().status(), 200);
    assert_eq!(fake.received(Method::POST, "/auth/user/emailpass"), 4);
    assert_eq!(fake.received_total(), 4);
    assert_eq!(fake.pending_faults(), 0);
    fake.fail_next(Method::GET, "/health", 5, Fault::status(500));
    fake.clear_faults();
    fake.reset_counters();
    assert_eq!((fake.pending_faults(), fake.received_total()), (0, 0));
    // No session is left behind by a fault.
    assert_eq!(fake.session_count(), 0);
}

#[test]
fn a_restart_keeps_the_database_and_drops_the_sessions() {
    let fake = fake_on(&clock());
    let admin = login(&fake, "user", "admin@example.com", "supersecret");
    let answer = send(
        &fake,
        Method::POST,
        "/auth/session",
        &[("authorization", &bearer(&admin))],
        None,
    );
    let cookie = cookie_of(&answer).unwrap();
    reset(&fake, "customer", "customer@example.com");
    let token = fake.last_reset_token("customer@example.com").unwrap();
    let restarted = fake.restarted(false);
    assert_eq!(restarted.session_count(), 0);
    let me =
        |headers: &[(&str, &str)]| send(&restarted, Method::GET, "/admin/users/me", headers, None);
    assert_eq!(text(&me(&[("cookie", &cookie)])), UNAUTHORIZED);
    assert_eq!(me(&[("authorization", &bearer(&admin))]).status(), 200);
    assert_eq!(restarted.publishable_key(), fake.publishable_key());
    assert_eq!(
        update(&restarted, "customer", &token, json!({"password": "p"})).status(),
        200
    );
    // The old fake is a separate database from then on.
    assert_eq!(
        update(&fake, "customer", &token, json!({"password": "q"})).status(),
        200
    );
}

#[test]
fn debug_output_hides_secrets() {
    let fake = FakeMedusaV2::builder()
        .admin("admin@example.com", "hunter2-password")
        .publishable_key("pk_visible_is_fine")
        .secret_key("sk_must_not_show")
        .cookie_secret("cookie-secret-value")
        .build();
    reset(&fake, "user", "admin@example.com");
    let shown = format!("{fake:?} {:?} {:?}", fake.transport(), SeedV2::interop());
    for secret in [
        "hunter2",
        "sk_must_not_show",
        "cookie-secret-value",
        "supersecret",
        "eyJ",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let builder = format!(
        "{:?}",
        FakeMedusaV2::builder()
            .admin("a@b.co", "hunter2")
            .secret_key("sk_x")
    );
    assert!(
        !builder.contains("hunter2") && !builder.contains("sk_x"),
        "{builder}"
    );
}

/// What the js-sdk appendix of the transcript shows the server answering.
#[test]
fn the_js_sdk_requests_of_the_appendix_get_the_recorded_answers() {
    let fake = fake_on(&clock());
    let pk = fake.publishable_key();
    // The SDK sends `x-medusa-locale:` empty, `accept`, `content-type` and the key on
    // every request, `content-length: 0` on a refresh.
    let sdk = |method: Method, path: &str, extra: &[(&str, &str)], body: Option<&str>| {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("x-publishable-api-key", &pk)
            .header("x-medusa-locale", "");
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let body = body.unwrap_or_default().to_owned();
        builder = builder.header("content-length", body.len().to_string());
        fake.handle(builder.body(Bytes::from(body)).unwrap())
    };
    let login = sdk(
        Method::POST,
        "/auth/customer/emailpass",
        &[],
        Some(r#"{"email":"customer@example.com","password":"supersecret"}"#),
    );
    let token = json_of(&login)["token"].as_str().unwrap().to_owned();
    let auth = bearer(&token);
    let refresh = sdk(
        Method::POST,
        "/auth/token/refresh",
        &[("authorization", &auth)],
        None,
    );
    assert!(json_of(&refresh)["token"].is_string());
    let session = sdk(
        Method::POST,
        "/auth/session",
        &[("authorization", &auth)],
        None,
    );
    assert!(session.headers().get("set-cookie").is_some());
    // The SDK in Node keeps no cookie: logout without one is refused.
    assert_eq!(
        text(&sdk(Method::DELETE, "/auth/session", &[], None)),
        UNAUTHORIZED
    );
    let answer = sdk(
        Method::POST,
        "/auth/customer/emailpass/reset-password",
        &[("accept", "text/plain"), ("authorization", &auth)],
        Some(r#"{"identifier":"nobody@example.com"}"#),
    );
    assert_eq!(
        (answer.status().as_u16(), text(&answer)),
        (201, "Created".into())
    );
    let answer = sdk(
        Method::POST,
        "/auth/customer/emailpass/update",
        &[("authorization", "Bearer not-a-reset-token")],
        Some(r#"{"password":"x"}"#),
    );
    assert_eq!(text(&answer), INVALID_TOKEN);
    let answer = sdk(
        Method::GET,
        "/auth/customer/google/callback?code=x&state=y",
        &[("authorization", &auth)],
        None,
    );
    assert_eq!(
        json_of(&answer)["message"],
        "\nUnable to retrieve the auth provider with id: google\nPlease make sure that the provider is registered in the container and it is configured correctly in your project configuration file."
    );
    let answer = sdk(
        Method::POST,
        "/auth/user/google",
        &[("authorization", &auth)],
        Some("{}"),
    );
    assert_eq!(
        text(&answer),
        r#"{"type":"not_allowed","message":"The actor type user is not allowed to use the auth provider google"}"#
    );
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:", fake.secret_key().expose_secret()))
    );
    let answer = sdk(
        Method::GET,
        "/admin/users?limit=1",
        &[("authorization", &basic)],
        None,
    );
    assert_eq!(json_of(&answer)["users"][0]["email"], "admin@example.com");
}

#[cfg(feature = "server")]
#[tokio::test]
async fn over_http_the_fake_answers_the_same_and_refuses_huge_bodies() {
    let fake = fake_on(&clock());
    let server = fake.start_server().await.unwrap();
    let transport = http_client::HyperTestTransport::new();
    let url = |path: &str| format!("{}{path}", server.url());
    let login = Request::post(url("/auth/user/emailpass"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"email":"admin@example.com","password":"supersecret"}"#,
        ))
        .unwrap();
    let answer = transport.send(login).await.unwrap();
    let token = json_of(&answer)["token"].as_str().unwrap().to_owned();
    let session = Request::post(url("/auth/session"))
        .header("authorization", bearer(&token))
        .body(Bytes::new())
        .unwrap();
    let answer = transport.send(session).await.unwrap();
    let cookie = cookie_of(&answer).unwrap();
    let me = Request::get(url("/admin/users/me"))
        .header("cookie", cookie)
        .body(Bytes::new())
        .unwrap();
    assert_eq!(transport.send(me).await.unwrap().status(), 200);
    let huge = Request::post(url("/auth/user/emailpass"))
        .header("content-type", "application/json")
        .body(Bytes::from(vec![
            b' ';
            medusa_auth_mock::MAX_REQUEST_BODY + 1
        ]))
        .unwrap();
    let answer = transport.send(huge).await.unwrap();
    assert_eq!(
        (answer.status().as_u16(), text(&answer)),
        (
            413,
            r#"{"message":"request entity too large","type":"unknown_error"}"#.into()
        )
    );
    assert_eq!(fake.received_total(), 4);
    server.shutdown().await;
}
