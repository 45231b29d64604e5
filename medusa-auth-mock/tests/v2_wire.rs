//! What each v2 call puts on the wire, seen by a transport that records every
//! request on its way to the fake v2: which credentials go where (least privilege),
//! what a failed logout leaves behind, retries and redaction.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response};
use medusa_auth_core::v2::{self, CUSTOMER, Credentials, CustomerDetails, EMAILPASS, USER};
use medusa_auth_core::{Error, ExposeSecret, HttpTransport, TransportError};
use medusa_auth_mock::{FakeMedusaV2, Fault, InstantSleep, SeedV2};

/// One request as it went out: method, path and headers.
#[derive(Clone, Debug)]
struct Sent {
    method: Method,
    path: String,
    headers: HeaderMap,
}

impl Sent {
    fn has(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    fn authorization(&self) -> Option<&str> {
        self.headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
    }
}

/// A transport that records each request, then hands it to the fake.
#[derive(Clone)]
struct Recording {
    fake: FakeMedusaV2,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl Recording {
    fn take(&self) -> Vec<Sent> {
        std::mem::take(&mut *self.sent.lock().unwrap())
    }
}

#[async_trait]
impl HttpTransport for Recording {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        self.sent.lock().unwrap().push(Sent {
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
            headers: request.headers().clone(),
        });
        self.fake.transport().send(request).await
    }
}

fn setup() -> (FakeMedusaV2, Recording, v2::Client) {
    let fake = FakeMedusaV2::from_seed(&SeedV2::interop());
    let recording = Recording {
        fake: fake.clone(),
        sent: Arc::default(),
    };
    let client = v2::Client::builder(recording.clone())
        .publishable_api_key(fake.publishable_key())
        .clock(fake.clock())
        .build()
        .expect("a valid configuration");
    (fake, recording, client)
}

const PASSWORD: &str = "supersecret";

#[tokio::test]
async fn each_call_carries_only_what_it_needs() {
    let (_fake, wire, client) = setup();
    let admin = client.session();

    admin
        .auth()
        .login(USER, "admin@example.com", PASSWORD)
        .await
        .unwrap();
    let [login] = wire.take().try_into().unwrap();
    assert_eq!(
        (login.method.as_str(), login.path.as_str()),
        ("POST", "/auth/user/emailpass")
    );
    assert!(!login.has("authorization") && !login.has("cookie"));
    assert!(
        !login.has("x-publishable-api-key"),
        "the key is for /store only"
    );

    admin.auth().open_session().await.unwrap();
    let [open] = wire.take().try_into().unwrap();
    assert!(open.authorization().unwrap().starts_with("Bearer eyJ"));
    assert!(!open.has("cookie"), "the exchange carries the token only");

    admin.admin().me().await.unwrap();
    let [me] = wire.take().try_into().unwrap();
    assert!(me.has("cookie") && me.authorization().unwrap().starts_with("Bearer "));
    assert!(!me.has("x-publishable-api-key"));

    // The admin's token and cookie session are a user's: neither goes to /store.
    let refused = admin.store().me().await;
    assert!(
        matches!(refused, Err(Error::Unauthorized { .. })),
        "{refused:?}"
    );
    let [store] = wire.take().try_into().unwrap();
    assert!(!store.has("authorization") && !store.has("cookie"));
    assert!(store.has("x-publishable-api-key"));

    admin.auth().refresh().await.unwrap();
    let [refresh] = wire.take().try_into().unwrap();
    assert!(refresh.has("cookie") && refresh.has("authorization"));

    admin.auth().logout().await.unwrap();
    let [logout] = wire.take().try_into().unwrap();
    assert_eq!(logout.method, Method::DELETE);
    assert!(logout.has("cookie") && !logout.has("authorization"));
    assert!(admin.token().is_none() && admin.session_cookie().is_none());

    let shopper = client.session();
    shopper
        .auth()
        .reset_password(CUSTOMER, EMAILPASS, "customer@example.com")
        .await
        .unwrap();
    let [reset] = wire.take().try_into().unwrap();
    assert!(!reset.has("authorization") && !reset.has("cookie"));
    let token = reset_token_of(&wire, "customer@example.com");
    shopper
        .auth()
        .update_password(CUSTOMER, EMAILPASS, token, "a new password")
        .await
        .unwrap();
    let [update] = wire.take().try_into().unwrap();
    assert!(update.authorization().unwrap().starts_with("Bearer eyJ"));
    assert!(!update.has("cookie"));
    assert!(shopper.token().is_none(), "a reset token is never kept");

    shopper
        .auth()
        .login(CUSTOMER, "customer@example.com", "a new password")
        .await
        .unwrap();
    shopper.store().me().await.unwrap();
    let [_, me] = wire.take().try_into().unwrap();
    assert!(me.has("x-publishable-api-key") && me.authorization().is_some());
    let refused = shopper.admin().me().await;
    assert!(
        matches!(refused, Err(Error::Unauthorized { .. })),
        "{refused:?}"
    );
    let [admin_route] = wire.take().try_into().unwrap();
    assert!(
        !admin_route.has("authorization"),
        "a customer token never goes to /admin"
    );
}

fn reset_token_of(wire: &Recording, email: &str) -> medusa_auth_core::SecretString {
    wire.fake
        .last_reset_token(email)
        .expect("a reset token")
        .into()
}

#[tokio::test]
async fn a_secret_key_goes_to_admin_routes_only_and_gives_way_to_a_user() {
    let (fake, wire, _) = setup();
    let client = v2::Client::builder(wire.clone())
        .publishable_api_key(fake.publishable_key())
        .secret_api_key(fake.secret_key())
        .build()
        .unwrap();
    let machine = client.session();
    let users: serde_json::Value = machine.get("/admin/users").await.unwrap();
    assert!(users["users"].is_array());
    let [listed] = wire.take().try_into().unwrap();
    assert!(listed.authorization().unwrap().starts_with("Basic "));

    let refused = machine.store().me().await;
    assert!(refused.is_err());
    let [store] = wire.take().try_into().unwrap();
    assert!(!store.has("authorization"), "the key never goes to /store");
    machine
        .auth()
        .login(CUSTOMER, "customer@example.com", PASSWORD)
        .await
        .unwrap();
    let [login] = wire.take().try_into().unwrap();
    assert!(!login.has("authorization"), "nor to /auth");

    // A session logged in as a user, with a cookie session, acts as the user.
    let admin = client.session();
    admin
        .auth()
        .login(USER, "admin@example.com", PASSWORD)
        .await
        .unwrap();
    admin.auth().open_session().await.unwrap();
    wire.take();
    admin.admin().me().await.unwrap();
    let [me] = wire.take().try_into().unwrap();
    assert!(me.authorization().unwrap().starts_with("Bearer "));
}

#[tokio::test]
async fn a_failed_logout_forgets_the_session_all_the_same() {
    let (fake, _wire, client) = setup();
    let shopper = client.session();
    shopper
        .auth()
        .login(CUSTOMER, "customer@example.com", PASSWORD)
        .await
        .unwrap();
    shopper.auth().open_session().await.unwrap();
    fake.fail_next(Method::DELETE, "/auth/session", 1, Fault::status(503));
    let result = shopper.auth().logout().await;
    match result {
        Err(Error::LogoutUnconfirmed { cause, .. }) => {
            assert_eq!(cause.status().map(|s| s.as_u16()), Some(503))
        }
        other => panic!("{other:?}"),
    }
    assert!(shopper.token().is_none() && shopper.session_cookie().is_none());
}

#[tokio::test]
async fn retries_resend_a_v2_call_with_the_same_idempotency_key() {
    let (fake, wire, _) = setup();
    let client = v2::Client::builder(wire.clone())
        .publishable_api_key(fake.publishable_key())
        .max_retries(2)
        .sleep(InstantSleep::new())
        .build()
        .unwrap();
    fake.fail_next(
        Method::POST,
        "/auth/customer/emailpass",
        1,
        Fault::status(503),
    );
    let shopper = client.session();
    shopper
        .auth()
        .login(CUSTOMER, "customer@example.com", PASSWORD)
        .await
        .expect("the retry logs in");
    let [first, second] = wire.take().try_into().unwrap();
    assert_eq!(
        first.headers.get("idempotency-key"),
        second.headers.get("idempotency-key")
    );
    assert!(first.has("idempotency-key"));
}

#[tokio::test]
async fn sign_up_is_three_exchanges_and_ends_logged_in() {
    let (_fake, wire, client) = setup();
    let newcomer = client.session();
    let customer = newcomer
        .store()
        .sign_up(
            "new@example.com",
            "a password",
            CustomerDetails::default().named("New", "Person"),
        )
        .await
        .unwrap();
    assert_eq!(
        customer.email, "new@example.com",
        "the e-mail defaults to the registration's"
    );
    let sent = wire.take();
    let paths: Vec<&str> = sent.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/auth/customer/emailpass/register",
            "/store/customers",
            "/auth/token/refresh"
        ]
    );
    assert!(sent[1].authorization().unwrap().starts_with("Bearer "));
    let token = newcomer.token().unwrap();
    assert_eq!(token.actor_id(), Some(customer.id.as_str()));
    // A second sign-up of the same e-mail stops at the registration.
    let again = client
        .session()
        .store()
        .sign_up("new@example.com", "a password", CustomerDetails::default())
        .await;
    assert!(
        matches!(&again, Err(Error::Api(api)) if api.status == 401),
        "{again:?}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let (_fake, wire, client) = setup();
    let session = client.session();
    for (actor, provider) in [
        ("us/er", EMAILPASS),
        ("", EMAILPASS),
        (USER, "../x"),
        (USER, "a b"),
    ] {
        let result = session
            .auth()
            .login_with(actor, provider, &serde_json::json!({}))
            .await;
        assert!(
            matches!(result, Err(Error::InvalidInput(_))),
            "{actor:?} {provider:?}"
        );
    }
    let result = session.auth().login(USER, "admin@example.com", "").await;
    assert!(matches!(result, Err(Error::InvalidInput(_))));
    let result = session
        .auth()
        .callback(CUSTOMER, "google", "code=1#frag")
        .await;
    assert!(matches!(result, Err(Error::InvalidInput(_))));
    let result = session
        .auth()
        .update_password(CUSTOMER, EMAILPASS, "bad\r\ntoken", "pw")
        .await;
    assert!(matches!(result, Err(Error::InvalidInput(_))));
    assert!(
        session
            .set_credentials(Credentials::SecretApiKey("sk_\n".into()))
            .is_err()
    );
    assert!(wire.take().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn nothing_secret_in_debug_or_errors() {
    let (fake, _wire, client) = setup();
    let session = client.session();
    session
        .auth()
        .login(USER, "admin@example.com", PASSWORD)
        .await
        .unwrap();
    session.auth().open_session().await.unwrap();
    session
        .set_credentials(Credentials::SecretApiKey(fake.secret_key()))
        .unwrap();
    let token = session.token().unwrap();
    let cookie = session.session_cookie().unwrap();
    let shown = format!("{session:?} {client:?} {token:?}");
    for secret in [
        token.expose_secret(),
        cookie.expose_secret(),
        fake.secret_key().expose_secret(),
        PASSWORD,
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let wrong = client
        .session()
        .auth()
        .login(USER, "admin@example.com", "wrong-password")
        .await
        .unwrap_err();
    assert!(!format!("{wrong} {wrong:?}").contains("wrong-password"));
}

/// The token's claims, as JSON.
fn claims_of(token: &medusa_auth_core::v2::Token) -> serde_json::Value {
    use base64::Engine as _;
    let payload = token.expose_secret().split('.').nth(1).unwrap().to_owned();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry_by_token_or_by_cookie_and_not_when_hopeless() {
    // The instant of the recorded exchanges.
    let clock = medusa_auth_mock::ManualClock::new(
        medusa_auth_core::Timestamp::from_second(1_796_133_392).unwrap(),
    );
    let fake = FakeMedusaV2::builder()
        .seed(&SeedV2::interop())
        .clock(clock.clone())
        .build();
    let wire = Recording {
        fake: fake.clone(),
        sent: Arc::default(),
    };
    let client = v2::Client::builder(wire.clone())
        .publishable_api_key(fake.publishable_key())
        .clock(clock.clone())
        .refresh_margin(Some(std::time::Duration::from_secs(120)))
        .build()
        .unwrap();
    let shopper = client.session();
    shopper
        .auth()
        .login(CUSTOMER, "customer@example.com", PASSWORD)
        .await
        .unwrap();
    shopper.auth().open_session().await.unwrap();
    let token = shopper.token().unwrap();
    let now = medusa_auth_core::Clock::now(&clock).as_second();

    // A token 60 s from its expiry is refreshed with itself before the call.
    let mut claims = claims_of(&token);
    claims["exp"] = (now + 60).into();
    let short = fake.sign_claims(&claims.to_string()).unwrap();
    shopper
        .set_credentials(Credentials::Token(v2::Token::new(short.into())))
        .unwrap();
    wire.take();
    shopper.store().me().await.unwrap();
    let [refresh, me] = wire.take().try_into().unwrap();
    assert_eq!(refresh.path, "/auth/token/refresh");
    assert!(refresh.authorization().is_some() && refresh.has("cookie"));
    assert_eq!(me.path, "/store/customers/me");
    let renewed = shopper.token().unwrap().expires_at().unwrap().as_second();
    assert!(renewed > now + 3600, "{renewed}");

    // An expired token with a live cookie session: the cookie refreshes it.
    claims["exp"] = (now + 30).into();
    let short = fake.sign_claims(&claims.to_string()).unwrap();
    shopper
        .set_credentials(Credentials::Token(v2::Token::new(short.into())))
        .unwrap();
    clock.advance(std::time::Duration::from_secs(60));
    wire.take();
    shopper.store().me().await.unwrap();
    let [refresh, _me] = wire.take().try_into().unwrap();
    assert!(refresh.has("cookie") && !refresh.has("authorization"));

    // An expired token alone cannot be refreshed: no refresh is sent, the call says why.
    let alone = client
        .session_with(Credentials::Token(v2::Token::new(
            fake.sign_claims(&claims.to_string()).unwrap().into(),
        )))
        .unwrap();
    wire.take();
    let result = alone.store().me().await;
    assert!(
        matches!(result, Err(Error::TokenExpired { .. })),
        "{result:?}"
    );
    let [me] = wire.take().try_into().unwrap();
    assert!(!me.has("authorization"), "an expired token is not sent");
}
