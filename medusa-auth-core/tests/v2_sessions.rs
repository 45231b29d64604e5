//! v2 sessions against the recorded answers of a real Medusa 2.21.2: what each call
//! sends (only the credentials it needs), what the session keeps from each answer,
//! and the typed errors the answers stand for.

mod support;

use std::sync::Arc;
use std::time::Duration;

use http::{Method, Request};
use medusa_auth_core::v2::{
    self, CUSTOMER, Credentials, CustomerDetails, EMAILPASS, LoginOutcome, Token, USER,
};
use medusa_auth_core::{Error, ExposeSecret, MissingCookieReason, Timestamp};
use support::{ManualClock, Scripted, header, run};

/// The time of exchange 54 of the v2 recording: its tokens and cookies are valid then.
fn recorded_at() -> Timestamp {
    "2026-12-01T14:01:33Z".parse().unwrap()
}

const PUBLISHABLE_KEY: &str = "pk_recorded";

fn client(transport: &Scripted) -> (v2::Client, ManualClock) {
    let clock = ManualClock::at(recorded_at());
    let client = v2::Client::builder(transport.clone())
        .base_url("http://127.0.0.1:9010")
        .publishable_api_key(PUBLISHABLE_KEY)
        .clock(clock.clone())
        .build()
        .unwrap();
    (client, clock)
}

/// Queues the recorded answer of v2 exchange `number`.
fn answer(transport: &Scripted, number: u32) {
    transport.push(Ok(medusa_auth_testdata::v2::exchange(number).response()));
}

fn has(request: &Request<bytes::Bytes>, name: &str) -> bool {
    request.headers().contains_key(name)
}

fn bearer(request: &Request<bytes::Bytes>) -> Option<String> {
    header(request, "authorization").filter(|v| v.starts_with("Bearer "))
}

fn body_json(request: &Request<bytes::Bytes>) -> serde_json::Value {
    serde_json::from_slice(request.body()).unwrap()
}

/// The token of the recorded answer `{"token"}` of v2 exchange `number`.
fn token_of(number: u32) -> Token {
    let response = medusa_auth_testdata::v2::exchange(number).response();
    let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    Token::new(body["token"].as_str().unwrap().to_owned().into())
}

#[test]
fn a_login_carries_nothing_but_the_body_and_the_token_goes_to_its_actors_routes() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let admin = client.session();
    answer(&transport, 2);
    let outcome = run(admin.auth().login(USER, "admin@example.com", "supersecret")).unwrap();
    let token = outcome.token().expect("a token").clone();
    assert_eq!(token.actor_type(), Some(USER));
    let login = transport.last();
    assert_eq!(login.method(), Method::POST);
    assert_eq!(login.uri().path(), "/auth/user/emailpass");
    assert!(!has(&login, "authorization") && !has(&login, "cookie"));
    assert!(!has(&login, "x-publishable-api-key"));
    assert_eq!(
        body_json(&login),
        serde_json::json!({"email": "admin@example.com", "password": "supersecret"})
    );
    assert_eq!(
        admin.token().unwrap().expose_secret(),
        token.expose_secret()
    );

    answer(&transport, 25);
    let me = run(admin.admin().me()).unwrap();
    assert_eq!(me.email, "admin@example.com");
    let sent = transport.last();
    assert_eq!(sent.uri().path(), "/admin/users/me");
    assert_eq!(
        bearer(&sent).unwrap(),
        format!("Bearer {}", token.expose_secret())
    );
    assert!(!has(&sent, "x-publishable-api-key"));

    // The user token stays off /store: the server answers as to nobody.
    answer(&transport, 32);
    let refused = run(admin.store().me());
    assert!(
        matches!(refused, Err(Error::Unauthorized { .. })),
        "{refused:?}"
    );
    let sent = transport.last();
    assert!(!has(&sent, "authorization"));
    assert_eq!(
        header(&sent, "x-publishable-api-key").as_deref(),
        Some(PUBLISHABLE_KEY)
    );
}

#[test]
fn a_customer_token_goes_to_store_routes_with_the_key_and_never_to_admin() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let shopper = client.session();
    answer(&transport, 13);
    run(shopper
        .auth()
        .login(CUSTOMER, "customer@example.com", "supersecret"))
    .unwrap();
    answer(&transport, 30);
    let me = run(shopper.store().me()).unwrap();
    assert_eq!(me.email, "customer@example.com");
    let sent = transport.last();
    assert!(bearer(&sent).is_some() && has(&sent, "x-publishable-api-key"));
    answer(&transport, 26);
    assert!(run(shopper.admin().me()).is_err());
    assert!(!has(&transport.last(), "authorization"));
}

#[test]
fn open_session_sends_the_token_alone_and_the_cookie_goes_to_its_actors_routes() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let admin = client.session();
    answer(&transport, 2);
    run(admin.auth().login(USER, "admin@example.com", "supersecret")).unwrap();
    answer(&transport, 54);
    let claims = run(admin.auth().open_session()).unwrap();
    assert_eq!(claims.actor_type, USER);
    let sent = transport.last();
    assert_eq!(sent.uri().path(), "/auth/session");
    assert!(bearer(&sent).is_some() && !has(&sent, "cookie"));
    let cookie = admin.session_cookie().expect("the cookie is kept");
    assert!(cookie.expose_secret().starts_with("s%3Akl4Z7wc"));

    answer(&transport, 55);
    run(admin.admin().me()).unwrap();
    assert!(has(&transport.last(), "cookie"));
    // A user's cookie session is not sent to /store.
    answer(&transport, 32);
    let _ = run(admin.store().me());
    assert!(!has(&transport.last(), "cookie"));
    // Nor to another actor's routes; /auth routes get it.
    answer(&transport, 79);
    run(admin.auth().refresh()).unwrap();
    let refresh = transport.last();
    assert!(has(&refresh, "cookie") && bearer(&refresh).is_some());

    // A cookie given back, of no known actor, goes everywhere a browser would send it.
    let restored = client
        .session_with(Credentials::SessionCookie(cookie))
        .unwrap();
    answer(&transport, 63);
    run(restored.store().me()).unwrap();
    assert!(has(&transport.last(), "cookie"));
}

#[test]
fn open_session_without_a_cookie_back_is_a_typed_error() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let admin = client.session();
    answer(&transport, 2);
    run(admin.auth().login(USER, "admin@example.com", "supersecret")).unwrap();
    // Production over plain HTTP: 200 and no Set-Cookie (exchange 150).
    transport.push(Ok(medusa_auth_testdata::v2::exchange(150).response()));
    let result = run(admin.auth().open_session());
    assert!(
        matches!(
            result,
            Err(Error::SessionCookieMissing {
                reason: MissingCookieReason::NotSet,
                ..
            })
        ),
        "{result:?}"
    );
    // A cookie held from before is not the new session's either.
    admin
        .set_credentials(Credentials::SessionCookie("s%3Aold.sig".into()))
        .unwrap();
    transport.push(Ok(medusa_auth_testdata::v2::exchange(150).response()));
    assert!(matches!(
        run(admin.auth().open_session()),
        Err(Error::SessionCookieMissing { .. })
    ));
    // Without a token, the server's 401 (exchange 58).
    let nobody = client.session();
    answer(&transport, 58);
    assert!(matches!(
        run(nobody.auth().open_session()),
        Err(Error::Unauthorized { .. })
    ));
    assert!(!has(&transport.last(), "authorization"));
}

#[test]
fn logout_sends_the_cookie_alone_and_forgets_everything_even_when_it_fails() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let admin = client.session();
    answer(&transport, 2);
    run(admin.auth().login(USER, "admin@example.com", "supersecret")).unwrap();
    answer(&transport, 54);
    run(admin.auth().open_session()).unwrap();
    answer(&transport, 71);
    run(admin.auth().logout()).unwrap();
    let sent = transport.last();
    assert_eq!(sent.method(), Method::DELETE);
    assert!(has(&sent, "cookie") && !has(&sent, "authorization"));
    assert!(admin.token().is_none() && admin.session_cookie().is_none());

    let again = client.session();
    answer(&transport, 2);
    run(again.auth().login(USER, "admin@example.com", "supersecret")).unwrap();
    answer(&transport, 54);
    run(again.auth().open_session()).unwrap();
    transport.respond(503, &[], "");
    match run(again.auth().logout()) {
        Err(Error::LogoutUnconfirmed { side, cause, .. }) => {
            assert_eq!(side, medusa_auth_core::Side::Admin);
            assert_eq!(cause.status().map(|s| s.as_u16()), Some(503));
        }
        other => panic!("{other:?}"),
    }
    assert!(again.token().is_none() && again.session_cookie().is_none());
}

#[test]
fn registration_then_creation_then_refresh() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let newcomer = client.session();
    answer(&transport, 34);
    let registration =
        run(newcomer
            .auth()
            .register(CUSTOMER, "new.customer@example.com", "supersecret"))
        .unwrap();
    assert!(registration.is_actor_less());
    assert_eq!(
        transport.last().uri().path(),
        "/auth/customer/emailpass/register"
    );

    // The actor-less token refused by /me is named as such (exchange 35).
    answer(&transport, 35);
    let refused = run(newcomer.store().me());
    assert!(
        matches!(&refused, Err(Error::ActorMissing { actor_type, .. }) if actor_type == CUSTOMER),
        "{refused:?}"
    );

    answer(&transport, 39);
    let details = CustomerDetails::new("new.customer@example.com").named("New", "Customer");
    let customer = run(newcomer.store().create_customer(details)).unwrap();
    let create = transport.last();
    assert_eq!(create.uri().path(), "/store/customers");
    assert_eq!(
        bearer(&create).unwrap(),
        format!("Bearer {}", registration.expose_secret())
    );
    assert!(has(&create, "x-publishable-api-key"));
    let body = body_json(&create);
    assert!(body.get("password").is_none());
    assert_eq!(body["email"], "new.customer@example.com");

    answer(&transport, 42);
    let refreshed = run(newcomer.auth().refresh()).unwrap();
    assert_eq!(refreshed.actor_id(), Some(customer.id.as_str()));
    assert_eq!(
        newcomer.token().unwrap().actor_id(),
        Some(customer.id.as_str())
    );

    // A second creation is 422 with its code (exchange 40).
    answer(&transport, 40);
    let duplicate = run(newcomer
        .store()
        .create_customer(CustomerDetails::new("new.customer@example.com")));
    assert!(
        matches!(&duplicate, Err(Error::Api(api)) if api.status == 422 && api.code.as_deref() == Some("invalid_request_error")),
        "{duplicate:?}"
    );
}

#[test]
fn sign_up_is_the_three_steps() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    for number in [34, 39, 42] {
        answer(&transport, number);
    }
    let newcomer = client.session();
    let customer = run(newcomer.store().sign_up(
        "new.customer@example.com",
        "supersecret",
        CustomerDetails::default().named("New", "Customer"),
    ))
    .unwrap();
    let paths: Vec<String> = transport
        .sent()
        .iter()
        .map(|r| r.uri().path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/auth/customer/emailpass/register",
            "/store/customers",
            "/auth/token/refresh"
        ]
    );
    assert_eq!(
        body_json(&transport.sent()[1])["email"],
        "new.customer@example.com"
    );
    assert_eq!(
        newcomer.token().unwrap().actor_id(),
        Some(customer.id.as_str())
    );

    // A taken e-mail stops at the registration (exchange 45).
    answer(&transport, 45);
    let taken = run(client.session().store().sign_up(
        "customer@example.com",
        "supersecret",
        CustomerDetails::default(),
    ));
    assert!(
        matches!(&taken, Err(Error::Api(api)) if api.status == 401 && api.message == "Identity with email already exists"),
        "{taken:?}"
    );
    assert_eq!(transport.remaining(), 0);
}

#[test]
fn a_password_reset_request_and_update() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let session = client.session();
    answer(&transport, 89);
    run(session
        .auth()
        .reset_password(CUSTOMER, EMAILPASS, "customer@example.com"))
    .unwrap();
    let sent = transport.last();
    assert_eq!(sent.uri().path(), "/auth/customer/emailpass/reset-password");
    assert_eq!(
        body_json(&sent),
        serde_json::json!({"identifier": "customer@example.com"})
    );
    assert!(!has(&sent, "authorization"));

    answer(&transport, 97);
    run(session
        .auth()
        .update_password(CUSTOMER, EMAILPASS, "the.reset.token", "new password"))
    .unwrap();
    let sent = transport.last();
    assert_eq!(sent.uri().path(), "/auth/customer/emailpass/update");
    assert_eq!(
        header(&sent, "authorization").as_deref(),
        Some("Bearer the.reset.token")
    );
    assert!(!has(&sent, "cookie"));
    assert_eq!(
        body_json(&sent),
        serde_json::json!({"password": "new password"})
    );
    assert!(session.token().is_none(), "a reset token is not kept");

    answer(&transport, 98);
    let reused =
        run(session
            .auth()
            .update_password(CUSTOMER, EMAILPASS, "the.reset.token", "again"));
    assert!(
        matches!(&reused, Err(Error::Api(api)) if api.status == 401 && api.message == "Invalid token"),
        "{reused:?}"
    );
}

#[test]
fn providers_and_the_oauth_callback() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let session = client.session();
    answer(&transport, 23);
    let providers = run(session.auth().providers(CUSTOMER)).unwrap();
    assert_eq!(providers[0].id, EMAILPASS);
    assert_eq!(transport.last().uri().path(), "/auth/customer/providers");

    transport.respond(
        401,
        &[("content-type", "application/json; charset=utf-8")],
        r#"{"type":"unauthorized","message":"Unable to retrieve the auth provider with id: google"}"#,
    );
    let result = run(session
        .auth()
        .callback(CUSTOMER, "google", "?code=x&state=y"));
    assert!(matches!(result, Err(Error::Api(_))), "{result:?}");
    let sent = transport.last();
    assert_eq!(sent.method(), Method::GET);
    assert_eq!(
        sent.uri().path_and_query().unwrap().as_str(),
        "/auth/customer/google/callback?code=x&state=y"
    );

    // A callback that logs in keeps its token; a redirect or a challenge does not.
    answer(&transport, 13);
    let outcome = run(session.auth().callback(CUSTOMER, "google", "code=x")).unwrap();
    assert!(matches!(outcome, LoginOutcome::Authenticated(_)));
    assert!(session.token().is_some());
    let other = client.session();
    transport.json(r#"{"location":"https://accounts.google.com/o/oauth2/v2/auth?state=1"}"#);
    let outcome = run(other.auth().login_with(
        CUSTOMER,
        "google",
        &serde_json::json!({"callback_url": "https://shop.example.com/cb"}),
    ))
    .unwrap();
    assert!(matches!(outcome, LoginOutcome::Redirect { .. }));
    assert!(other.token().is_none());
    assert_eq!(
        body_json(&transport.last()),
        serde_json::json!({"callback_url": "https://shop.example.com/cb"})
    );
}

#[test]
fn a_secret_key_goes_as_basic_to_admin_routes_only() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let machine = client
        .session_with(Credentials::SecretApiKey("sk_abc".into()))
        .unwrap();
    answer(&transport, 112);
    let _: serde_json::Value = run(machine.get("/admin/users").query("limit", "1")).unwrap();
    assert_eq!(
        header(&transport.last(), "authorization").as_deref(),
        Some("Basic c2tfYWJjOg==")
    );
    answer(&transport, 120);
    let _ = run(machine.store().me());
    assert!(!has(&transport.last(), "authorization"));
    answer(&transport, 82);
    let _ = run(machine.auth().refresh());
    assert!(!has(&transport.last(), "authorization"));

    // A client-wide key: sent for a session holding no user credentials, not for
    // one logged in as a user.
    let clock = ManualClock::at(recorded_at());
    let keyed = v2::Client::builder(transport.clone())
        .secret_api_key("sk_abc")
        .clock(clock)
        .build()
        .unwrap();
    answer(&transport, 112);
    let _: serde_json::Value = run(keyed.session().get("/admin/users")).unwrap();
    assert!(
        header(&transport.last(), "authorization")
            .unwrap()
            .starts_with("Basic ")
    );
    let admin = keyed.session();
    answer(&transport, 2);
    run(admin.auth().login(USER, "admin@example.com", "supersecret")).unwrap();
    answer(&transport, 54);
    run(admin.auth().open_session()).unwrap();
    answer(&transport, 55);
    run(admin.admin().me()).unwrap();
    let sent = transport.last();
    assert!(bearer(&sent).is_some(), "the user, not the key");
    // With the cookie session alone, the key stays home too.
    let by_cookie = keyed
        .session_with(Credentials::SessionCookie(admin.session_cookie().unwrap()))
        .unwrap();
    answer(&transport, 55);
    run(by_cookie.admin().me()).unwrap();
    let sent = transport.last();
    assert!(!has(&sent, "authorization") && has(&sent, "cookie"));
}

#[test]
fn a_custom_actors_token_goes_to_other_routes_only() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let vendor = client.session();
    answer(&transport, 21);
    let outcome = run(vendor
        .auth()
        .login("nosuchactor", "admin@example.com", "supersecret"))
    .unwrap();
    assert_eq!(outcome.token().unwrap().actor_type(), Some("nosuchactor"));
    transport.json("{}");
    let _: serde_json::Value = run(vendor.get("/vendors/me")).unwrap();
    assert!(bearer(&transport.last()).is_some());
    for path in ["/admin/users/me", "/store/customers/me", "/auth/session"] {
        transport.json("{}");
        let _: Result<serde_json::Value, _> = run(vendor.get(path));
        assert!(!has(&transport.last(), "authorization"), "{path}");
    }
}

/// `token` with its `exp` moved to `exp` (the signature is not checked here).
fn with_exp(token: &Token, exp: i64) -> Token {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.expose_secret().split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
    claims["exp"] = exp.into();
    let payload = engine.encode(claims.to_string());
    Token::new(format!("{}.{payload}.{}", parts[0], parts[2]).into())
}

#[test]
fn a_token_near_its_expiry_is_refreshed_first_and_an_expired_one_is_not_sent() {
    let transport = Scripted::new();
    let (client, clock) = client(&transport);
    let now = recorded_at().as_second();
    let admin_token = token_of(2);

    // 4 minutes left, under the 5-minute default margin: refreshed with itself first.
    let session = client
        .session_with(Credentials::Token(with_exp(&admin_token, now + 240)))
        .unwrap();
    answer(&transport, 79);
    answer(&transport, 25);
    run(session.admin().me()).unwrap();
    let sent = transport.sent();
    assert_eq!(sent[0].uri().path(), "/auth/token/refresh");
    assert_eq!(sent[1].uri().path(), "/admin/users/me");
    let fresh = session.token().unwrap();
    assert_eq!(fresh.expose_secret(), token_of(79).expose_secret());
    assert_eq!(
        bearer(&sent[1]).unwrap(),
        format!("Bearer {}", fresh.expose_secret())
    );

    // Plenty left: no refresh.
    let calm = client
        .session_with(Credentials::Token(with_exp(&admin_token, now + 3_600)))
        .unwrap();
    let before = transport.sent_count();
    answer(&transport, 25);
    run(calm.admin().me()).unwrap();
    assert_eq!(transport.sent_count(), before + 1);

    // Expired and alone: not sent, nothing refreshed, the error says why.
    clock.advance(Duration::from_secs(7_200));
    let expired = client
        .session_with(Credentials::Token(with_exp(&admin_token, now + 60)))
        .unwrap();
    let before = transport.sent_count();
    answer(&transport, 26);
    let result = run(expired.admin().me());
    assert!(
        matches!(result, Err(Error::TokenExpired { .. })),
        "{result:?}"
    );
    assert_eq!(transport.sent_count(), before + 1);
    assert!(!has(&transport.last(), "authorization"));

    // With the margin off, a token near its end is sent as it is.
    let no_margin = v2::Client::builder(transport.clone())
        .clock(ManualClock::at(recorded_at()))
        .refresh_margin(None)
        .build()
        .unwrap();
    let session = no_margin
        .session_with(Credentials::Token(with_exp(&admin_token, now + 60)))
        .unwrap();
    let before = transport.sent_count();
    answer(&transport, 25);
    run(session.admin().me()).unwrap();
    assert_eq!(transport.sent_count(), before + 1);
}

#[test]
fn a_new_login_starts_a_new_identity() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let session = client.session();
    answer(&transport, 2);
    run(session
        .auth()
        .login(USER, "admin@example.com", "supersecret"))
    .unwrap();
    answer(&transport, 54);
    run(session.auth().open_session()).unwrap();
    assert!(session.session_cookie().is_some());
    // Another identity logs in on the same session: the old cookie session goes, as
    // the server would prefer it to the new token.
    answer(&transport, 13);
    run(session
        .auth()
        .login(CUSTOMER, "customer@example.com", "supersecret"))
    .unwrap();
    assert!(session.session_cookie().is_none());
    assert_eq!(session.token().unwrap().actor_type(), Some(CUSTOMER));
    // A failed login changes nothing.
    answer(&transport, 14);
    assert!(
        run(session
            .auth()
            .login(CUSTOMER, "customer@example.com", "wrong"))
        .is_err()
    );
    assert_eq!(session.token().unwrap().actor_type(), Some(CUSTOMER));
    session.clear();
    assert!(session.token().is_none() && session.session_cookie().is_none());
}

#[test]
fn credentials_a_header_cannot_carry_are_refused_and_debug_hides_them() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let session = client.session();
    assert!(
        session
            .set_credentials(Credentials::Token(Token::new("a\nb".into())))
            .is_err()
    );
    assert!(
        session
            .set_credentials(Credentials::Token(Token::new("".into())))
            .is_err()
    );
    assert!(
        session
            .set_credentials(Credentials::SecretApiKey("".into()))
            .is_err()
    );
    assert!(
        session
            .set_credentials(Credentials::SessionCookie("a\r\nb".into()))
            .is_err()
    );
    let token = token_of(2);
    session
        .set_credentials(Credentials::Token(token.clone()))
        .unwrap();
    session
        .set_credentials(Credentials::SecretApiKey("sk_hidden".into()))
        .unwrap();
    let shown = format!("{session:?}");
    assert!(!shown.contains(token.expose_secret()) && !shown.contains("sk_hidden"));
    assert!(shown.contains("secret_api_key: true"), "{shown}");
    assert!(shown.contains(r#"actor_type: Some("user")"#), "{shown}");
    assert_eq!(transport.sent_count(), 0);
}

#[test]
fn per_call_headers_reach_every_request_of_the_call() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let session = client.session();
    answer(&transport, 23);
    run(session.auth().providers(CUSTOMER).header("x-trace", "p")).unwrap();
    assert_eq!(header(&transport.last(), "x-trace").as_deref(), Some("p"));

    let registered = client
        .session_with(Credentials::Token(token_of(34)))
        .unwrap();
    answer(&transport, 39);
    run(registered
        .store()
        .create_customer(CustomerDetails::default().named("New", "Customer"))
        .header("x-trace", "c"))
    .unwrap();
    assert_eq!(header(&transport.last(), "x-trace").as_deref(), Some("c"));

    for number in [34, 39, 42] {
        answer(&transport, number);
    }
    let before = transport.sent_count();
    run(client
        .session()
        .store()
        .sign_up(
            "new.customer@example.com",
            "supersecret",
            CustomerDetails::default().named("New", "Customer"),
        )
        .header("x-trace", "s"))
    .unwrap();
    let sent = transport.sent();
    assert_eq!(sent.len(), before + 3);
    for request in &sent[before..] {
        assert_eq!(
            header(request, "x-trace").as_deref(),
            Some("s"),
            "{}",
            request.uri()
        );
    }
    // The details given are the ones created.
    let created = body_json(&sent[before + 1]);
    assert_eq!(created["first_name"], "New");
    assert_eq!(created["last_name"], "Customer");
}

#[test]
fn the_refresh_margin_is_five_minutes_unless_set_and_exactly_at_it_is_not_due() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    assert_eq!(client.refresh_margin(), Some(Duration::from_secs(300)));
    let set = v2::Client::builder(transport.clone())
        .refresh_margin(Some(Duration::from_secs(42)))
        .build()
        .unwrap();
    assert_eq!(set.refresh_margin(), Some(Duration::from_secs(42)));
    let off = v2::Client::builder(transport.clone())
        .refresh_margin(None)
        .build()
        .unwrap();
    assert_eq!(off.refresh_margin(), None);

    // Exactly the margin left: not yet due, sent as it is.
    let now = recorded_at().as_second();
    let session = client
        .session_with(Credentials::Token(with_exp(&token_of(2), now + 300)))
        .unwrap();
    answer(&transport, 25);
    run(session.admin().me()).unwrap();
    assert_eq!(transport.sent_count(), 1);
    assert_eq!(transport.last().uri().path(), "/admin/users/me");
}

#[test]
fn a_client_wide_secret_key_goes_by_the_actor_of_the_token_held() {
    let transport = Scripted::new();
    let keyed = v2::Client::builder(transport.clone())
        .secret_api_key("sk_abc")
        .clock(ManualClock::at(recorded_at()))
        .build()
        .unwrap();
    // A user's token alone, no cookie session: the user acts, the key stays home.
    let admin = keyed.session_with(Credentials::Token(token_of(2))).unwrap();
    answer(&transport, 25);
    run(admin.admin().me()).unwrap();
    assert!(bearer(&transport.last()).is_some(), "the user, not the key");
    // A customer's token does not act on /admin: the key does.
    let customer = keyed
        .session_with(Credentials::Token(token_of(13)))
        .unwrap();
    answer(&transport, 112);
    let _: serde_json::Value = run(customer.get("/admin/users")).unwrap();
    assert_eq!(
        header(&transport.last(), "authorization").as_deref(),
        Some("Basic c2tfYWJjOg==")
    );
}

#[test]
fn a_login_with_a_password_longer_than_its_email_is_sent_whole() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    answer(&transport, 2);
    let password = "a passphrase much longer than the e-mail";
    run(client.session().auth().login(USER, "a@b.co", password)).unwrap();
    assert_eq!(
        body_json(&transport.last()),
        serde_json::json!({"email": "a@b.co", "password": password})
    );
}

#[test]
fn debug_shows_what_identifies_and_never_a_secret() {
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let shown = format!("{client:?}");
    assert!(shown.starts_with("v2::Client {"), "{shown}");
    assert!(shown.contains("refresh_margin: Some(300s)"), "{shown}");

    let token = token_of(2);
    assert_eq!(
        format!("{:?}", Credentials::SessionCookie("s%3Asecret".into())),
        "SessionCookie([REDACTED])"
    );
    assert_eq!(
        format!("{:?}", Credentials::SecretApiKey("sk_secret".into())),
        "SecretApiKey([REDACTED])"
    );
    let shown = format!("{:?}", Credentials::Token(token.clone()));
    assert!(
        shown.starts_with("Token(") && !shown.contains(token.expose_secret()),
        "{shown}"
    );

    let session = client.session();
    let login = session
        .auth()
        .login(USER, "admin@example.com", "pw-not-shown");
    let shown = format!("{login:?}");
    assert!(
        shown.contains("admin@example.com") && shown.contains("[REDACTED]"),
        "{shown}"
    );
    assert!(!shown.contains("pw-not-shown"), "{shown}");
    let sign_up = session.store().sign_up(
        "new@example.com",
        "pw-not-shown",
        CustomerDetails::default().named("New", "Customer"),
    );
    let shown = format!("{sign_up:?}");
    assert!(
        shown.contains("new@example.com") && shown.contains("New"),
        "{shown}"
    );
    assert!(!shown.contains("pw-not-shown"), "{shown}");
}

#[test]
fn a_session_behind_the_factory_trait_keeps_and_forgets_its_credentials() {
    use v2::{AuthSession, SessionFactory};
    let transport = Scripted::new();
    let (client, _) = client(&transport);
    let factory: &dyn SessionFactory = &client;
    let session: Arc<dyn AuthSession> = factory.session();
    assert!(session.token().is_none() && session.session_cookie().is_none());
    answer(&transport, 2);
    run(session
        .auth()
        .login(USER, "admin@example.com", "supersecret"))
    .unwrap();
    let token = session.token().expect("the login's token");
    assert_eq!(token.expose_secret(), token_of(2).expose_secret());
    answer(&transport, 54);
    run(session.auth().open_session()).unwrap();
    let cookie = session.session_cookie().expect("the session cookie");
    assert!(cookie.expose_secret().starts_with("s%3Akl4Z7wc"));

    let other = token_of(13);
    session
        .set_credentials(Credentials::Token(other.clone()))
        .unwrap();
    assert_eq!(
        session.token().unwrap().expose_secret(),
        other.expose_secret()
    );
    assert!(
        session
            .set_credentials(Credentials::Token(Token::new("".into())))
            .is_err()
    );
    session.clear();
    assert!(session.token().is_none() && session.session_cookie().is_none());
}

#[test]
fn claims_and_token_copies_tell_the_truth() {
    let registered = token_of(34);
    let claims = registered.claims().expect("a JWT");
    assert!(claims.is_actor_less());
    let admin = token_of(2);
    assert!(!admin.claims().unwrap().is_actor_less());
    assert_eq!(admin.secret().expose_secret(), admin.expose_secret());
}
