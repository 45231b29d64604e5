//! The mockall mocks, used as a downstream test would: the service under test holds
//! `Arc<dyn AdminAuthApi>` / `Arc<dyn StoreAuthApi>`, an `Arc<dyn SessionFactory>`
//! handing out one session per user, or a core `Client` over a mocked transport.

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use medusa_auth_core::{
    AccessToken, AdminAuthApi, AdminGetToken, ApiErrorKind, AuthSession, Client, Credentials,
    Customer, Error, ExposeSecret, InvalidInput, SecretString, SessionFactory, Side, StoreAuthApi,
    StoreAuthenticate, StoreExists, Timestamp, TransportError, User,
};
use medusa_auth_mock::{
    MockAdminAuthApi, MockHttpTransport, MockSession, MockSessionFactory, MockStoreAuthApi,
    Sequence, predicate,
};

fn at() -> Timestamp {
    "2026-11-22T13:08:22.896Z".parse().unwrap()
}

/// A piece of downstream code: logs a customer in and says hello.
///
/// The trait object is `+ 'static` (what a session or an `Arc<dyn StoreAuthApi>`
/// hands out): the call methods are written on `dyn StoreAuthApi + 'static`.
async fn greet(
    store: &(dyn StoreAuthApi + 'static),
    email: &str,
    password: SecretString,
) -> Result<String, Error> {
    let customer = store.authenticate(email, password).await?;
    Ok(format!("hello {}", customer.first_name.unwrap_or_default()))
}

/// Another: an admin dashboard that needs a session, and logs out afterwards.
async fn admin_email(admin: &(dyn AdminAuthApi + 'static)) -> Result<String, Error> {
    let user = admin.get_session().header("x-request-id", "req-1").await?;
    admin
        .delete_session()
        .header("x-request-id", "req-1")
        .await?;
    Ok(user.email)
}

/// A handler of a web service: logs a shopper in on a session of their own and
/// answers the cookie to keep in the browser session.
async fn log_in(
    medusa: &dyn SessionFactory,
    email: &str,
    password: &str,
) -> Result<(String, Option<SecretString>), Error> {
    let session = medusa.session();
    let customer = session.store().authenticate(email, password).await?;
    Ok((customer.email, session.session_cookie()))
}

#[tokio::test]
async fn expectations_on_the_secret_password_through_expose_secret() {
    let mut store = MockStoreAuthApi::new();
    store
        .expect_send_authenticate()
        .withf(|call| {
            call.email() == "customer@example.com"
                && call.password().expose_secret() == "supersecret"
                && call.options().headers.is_empty()
        })
        .times(1)
        .returning(|call| {
            let mut customer = Customer::new("cus_1", call.email(), at());
            customer.first_name = Some("Test".into());
            Ok(customer)
        });
    let greeting = greet(&store, "customer@example.com", "supersecret".into())
        .await
        .unwrap();
    assert_eq!(greeting, "hello Test");
}

#[tokio::test]
async fn predicates_on_the_input() {
    let mut store = MockStoreAuthApi::new();
    store
        .expect_send_exists()
        .with(predicate::function(|call: &StoreExists| {
            call.email() == "known@example.com"
        }))
        .times(1)
        .returning(|_| Ok(true));
    store
        .expect_send_exists()
        .withf(|call| call.email().ends_with("@example.org"))
        .times(2)
        .returning(|_| Ok(false));
    store
        .expect_send_authenticate()
        .with(predicate::function(|call: &StoreAuthenticate| {
            call.password().expose_secret().len() >= 8 && call.options().headers.len() == 1
        }))
        .returning(|call| Ok(Customer::new("cus_2", call.email(), at())));
    let store: &dyn StoreAuthApi = &store;
    assert!(store.exists("known@example.com").await.unwrap());
    assert!(!store.exists("a@example.org").await.unwrap());
    assert!(!store.exists("b@example.org").await.unwrap());
    let customer = store
        .authenticate("x@example.com", "long enough")
        .header("x-tenant", "eu")
        .await
        .unwrap();
    assert_eq!(customer.id, "cus_2");
}

#[tokio::test]
async fn a_sequence_fixes_the_order_of_calls() {
    let mut admin = MockAdminAuthApi::new();
    let mut sequence = Sequence::new();
    let request_id = http::HeaderName::from_static("x-request-id");
    admin
        .expect_send_get_session()
        .withf(move |call| call.options().headers.contains(&request_id))
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(User::new("usr_1", "admin@example.com", at())));
    admin
        .expect_send_delete_session()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(()));
    // Held as the services hold it.
    let admin: Arc<dyn AdminAuthApi> = Arc::new(admin);
    assert_eq!(
        admin_email(admin.as_ref()).await.unwrap(),
        "admin@example.com"
    );
}

#[test]
#[should_panic]
fn a_call_out_of_sequence_panics() {
    let mut admin = MockAdminAuthApi::new();
    let mut sequence = Sequence::new();
    admin
        .expect_send_get_session()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(User::new("usr_1", "admin@example.com", at())));
    admin
        .expect_send_delete_session()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(()));
    let admin: &dyn AdminAuthApi = &admin;
    let _ = futures::executor::block_on(async { admin.delete_session().await });
}

#[tokio::test]
async fn returned_errors_reach_the_caller_typed() {
    let mut store = MockStoreAuthApi::new();
    store
        .expect_send_authenticate()
        .times(1)
        .returning(|_| Err(Error::unauthorized()));
    store.expect_send_get_token().times(1).returning(|_| {
        Err(Error::api(
            StatusCode::CONFLICT,
            ApiErrorKind::Conflict,
            "retry me",
        ))
    });
    let error = greet(&store, "customer@example.com", "wrong".into())
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    assert!(matches!(error, Error::Unauthorized { .. }), "{error}");
    let store: &dyn StoreAuthApi = &store;
    let error = store
        .get_token("customer@example.com", "x")
        .await
        .unwrap_err();
    assert_eq!(error.api_kind(), Some(&ApiErrorKind::Conflict));
    assert_eq!(error.status(), Some(StatusCode::CONFLICT));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn tokens_can_be_returned_by_a_mock() {
    let mut admin = MockAdminAuthApi::new();
    admin
        .expect_send_get_token()
        .with(predicate::function(|call: &AdminGetToken| {
            call.email() == "admin@example.com"
        }))
        .returning(|_| Ok(AccessToken::new(Side::Admin, "eyJ.fake.jwt".into())));
    let admin: &dyn AdminAuthApi = &admin;
    let token = admin.get_token("admin@example.com", "pw").await.unwrap();
    assert_eq!(token.side(), Side::Admin);
    assert!(token.secret_eq("eyJ.fake.jwt"));
}

#[test]
#[should_panic]
fn an_unmet_times_fails_the_test() {
    let mut store = MockStoreAuthApi::new();
    store
        .expect_send_delete_session()
        .times(1)
        .returning(|_| Ok(()));
    drop(store);
}

/// The transport mock under a real core client: every SDK step runs, the wire is
/// scripted, and the requests the client builds can be checked.
#[tokio::test]
async fn a_mocked_transport_sees_the_requests_of_a_real_client() {
    let mut transport = MockHttpTransport::new();
    let mut sequence = Sequence::new();
    transport
        .expect_send()
        .withf(|request| {
            request.method() == http::Method::POST
                && request.uri() == "http://127.0.0.1:9000/store/auth/token"
                && request.body().as_ref()
                    == br#"{"email":"customer@example.com","password":"supersecret"}"#
        })
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Err(TransportError::connect("refused")));
    let client = Client::builder(transport)
        .base_url("http://127.0.0.1:9000")
        .build()
        .unwrap();
    let error = client
        .session()
        .store()
        .get_token("customer@example.com", "supersecret")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error}");
    // The error names the server it could not reach.
    let Error::Transport(transport) = &error else {
        unreachable!()
    };
    assert_eq!(transport.target(), Some("127.0.0.1:9000"));
}

#[tokio::test]
async fn a_mocked_transport_answers_and_the_client_reads() {
    let mut transport = MockHttpTransport::new();
    transport
        .expect_send()
        .withf(|request| request.uri().path() == "/store/auth/plus%2Btag@example.com")
        .times(1)
        .returning(|_| {
            Ok(http::Response::builder()
                .header("content-type", "application/json; charset=utf-8")
                .body(Bytes::from_static(br#"{"exists":true}"#))
                .unwrap())
        });
    let client = Client::builder(transport).build().unwrap();
    assert!(
        client
            .session()
            .store()
            .exists("plus+tag@example.com")
            .await
            .unwrap()
    );
}

/// Least privilege on the wire, seen through the transport mock: the publishable key
/// goes to store routes only, and a logout carries the cookie and nothing else.
#[tokio::test]
async fn a_mocked_transport_shows_which_credentials_each_call_carries() {
    let mut transport = MockHttpTransport::new();
    let mut sequence = Sequence::new();
    let ok = |body: &'static str| {
        move |_: http::Request<Bytes>| {
            Ok(http::Response::builder()
                .header("content-type", "application/json; charset=utf-8")
                .body(Bytes::from_static(body.as_bytes()))
                .unwrap())
        }
    };
    let has = |request: &http::Request<Bytes>, name: &str| request.headers().contains_key(name);
    let is = |request: &http::Request<Bytes>, name: &str, value: &str| {
        request.headers().get(name).is_some_and(|v| v == value)
    };
    transport
        .expect_send()
        .withf(move |request| {
            request.uri().path() == "/store/auth/customer@example.com"
                && is(request, "x-publishable-api-key", "pk_01")
        })
        .times(1)
        .in_sequence(&mut sequence)
        .returning(ok(r#"{"exists":true}"#));
    transport
        .expect_send()
        .withf(move |request| {
            request.method() == http::Method::GET
                && request.uri().path() == "/admin/auth"
                && !has(request, "x-publishable-api-key")
                && is(request, "authorization", "Bearer eyJ.admin.jwt")
        })
        .times(1)
        .in_sequence(&mut sequence)
        .returning(ok(
            r#"{"user":{"id":"usr_1","email":"admin@example.com","role":"admin","created_at":"2026-11-22T13:08:22.896Z","updated_at":"2026-11-22T13:08:22.896Z"}}"#,
        ));
    transport
        .expect_send()
        .withf(move |request| {
            request.method() == http::Method::DELETE
                && request.uri().path() == "/admin/auth"
                && !has(request, "x-publishable-api-key")
                && !has(request, "authorization")
                && !has(request, "x-medusa-access-token")
                && is(request, "cookie", "connect.sid=s%3Akept")
        })
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| {
            Ok(http::Response::builder()
                .header("content-type", "text/plain; charset=utf-8")
                .body(Bytes::from_static(b"OK"))
                .unwrap())
        });
    let client = Client::builder(transport)
        .publishable_api_key("pk_01")
        .api_key("sk_client_wide")
        .build()
        .unwrap();
    let session = client.session();
    assert!(
        session
            .store()
            .exists("customer@example.com")
            .await
            .unwrap()
    );
    session
        .set_credentials(Credentials::Bearer(AccessToken::new(
            Side::Admin,
            "eyJ.admin.jwt".into(),
        )))
        .unwrap();
    session
        .set_credentials(Credentials::SessionCookie("s%3Akept".into()))
        .unwrap();
    let user = session.admin().get_session().await.unwrap();
    assert_eq!(user.email, "admin@example.com");
    session.admin().delete_session().await.unwrap();
    // The logout forgot the cookie and the admin JWT.
    assert!(session.session_cookie().is_none());
    assert!(session.bearer(Side::Admin).is_none());
}

// ------------------------------------------------------ one session per user

#[tokio::test]
async fn a_mock_session_answers_its_calls_from_its_expectations() {
    let mut alice = MockSession::new();
    alice
        .store
        .expect_send_authenticate()
        .withf(|call| {
            call.email() == "alice@example.com" && call.password().expose_secret() == "her pw"
        })
        .times(1)
        .returning(|_| Err(Error::unauthorized()));
    alice
        .admin
        .expect_send_get_session()
        .times(1)
        .returning(|_| Ok(User::new("usr_1", "alice@example.com", at())));
    alice
        .routes
        .expect_send_request()
        .withf(|request| {
            request.method() == http::Method::GET
                && request.path() == "/store/customers/me"
                && request.query() == "expand=orders"
        })
        .times(1)
        .returning(|_| {
            Ok(http::Response::builder()
                .header("content-type", "application/json")
                .body(Bytes::from_static(br#"{"customer":{"id":"cus_1"}}"#))
                .unwrap())
        });
    let session: Arc<dyn AuthSession> = Arc::new(alice);
    let login = session
        .store()
        .authenticate("alice@example.com", "her pw")
        .await;
    assert!(matches!(login, Err(Error::Unauthorized { .. })));
    assert_eq!(
        session.admin().get_session().await.unwrap().email,
        "alice@example.com"
    );
    let me = session
        .get("/store/customers/me")
        .query("expand", "orders")
        .await
        .unwrap();
    assert_eq!(me["customer"]["id"], "cus_1");
}

#[test]
fn a_mock_session_keeps_its_credentials_for_real() {
    let session = MockSession::new();
    assert!(session.session_cookie().is_none());
    assert!(session.bearer(Side::Admin).is_none());
    session
        .set_credentials(Credentials::SessionCookie("s%3Aalice".into()))
        .unwrap();
    session
        .set_credentials(Credentials::Bearer(AccessToken::new(
            Side::Store,
            "eyJ.store.jwt".into(),
        )))
        .unwrap();
    session
        .set_credentials(Credentials::ApiToken("sk_alice".into()))
        .unwrap();
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        "s%3Aalice"
    );
    assert!(
        session
            .bearer(Side::Store)
            .unwrap()
            .secret_eq("eyJ.store.jwt")
    );
    assert!(session.bearer(Side::Admin).is_none(), "filed by side");
    assert_eq!(session.api_token().unwrap().expose_secret(), "sk_alice");
    // A credential of the same kind replaces the one held.
    session
        .set_credentials(Credentials::SessionCookie("s%3Aagain".into()))
        .unwrap();
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        "s%3Aagain"
    );
    // What a real session would refuse is refused here too, and changes nothing.
    let refused = session.set_credentials(Credentials::SessionCookie("line\r\nbreak".into()));
    assert!(matches!(
        refused,
        Err(InvalidInput::InvalidHeaderValue { .. })
    ));
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        "s%3Aagain"
    );
    // Debug says what is held, never the values.
    let shown = format!("{session:?}");
    assert!(shown.contains("cookie: true"), "{shown}");
    assert!(
        !shown.contains("again") && !shown.contains("jwt") && !shown.contains("sk_alice"),
        "{shown}"
    );
    // clear() forgets everything.
    session.clear();
    assert!(session.session_cookie().is_none());
    assert!(session.bearer(Side::Store).is_none());
    assert!(session.api_token().is_none());
}

#[test]
fn with_credentials_gives_a_mock_session_what_a_login_would_leave() {
    let session = MockSession::new()
        .with_credentials(Credentials::SessionCookie("s%3Akept".into()))
        .with_credentials(Credentials::Bearer(AccessToken::new(
            Side::Admin,
            "eyJ.admin.jwt".into(),
        )));
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        "s%3Akept"
    );
    assert_eq!(session.bearer(Side::Admin).unwrap().side(), Side::Admin);
}

#[test]
#[should_panic(expected = "MockSession::with_credentials")]
fn with_credentials_panics_on_what_a_real_session_would_refuse() {
    let _ = MockSession::new().with_credentials(Credentials::ApiToken("bad\ntoken".into()));
}

#[tokio::test]
async fn a_factory_hands_out_its_sessions_in_order() {
    let mut alice =
        MockSession::new().with_credentials(Credentials::SessionCookie("s%3Aalice".into()));
    alice
        .store
        .expect_send_authenticate()
        .withf(|call| call.email() == "alice@example.com")
        .times(1)
        .returning(|call| Ok(Customer::new("cus_alice", call.email(), at())));
    let mut bob = MockSession::new();
    bob.store
        .expect_send_authenticate()
        .withf(|call| call.email() == "bob@example.com")
        .times(1)
        .returning(|_| Err(Error::unauthorized()));
    let medusa: Arc<dyn SessionFactory> = Arc::new(MockSessionFactory::handing_out([alice, bob]));

    let (email, cookie) = log_in(medusa.as_ref(), "alice@example.com", "pw")
        .await
        .unwrap();
    assert_eq!(email, "alice@example.com");
    assert_eq!(cookie.unwrap().expose_secret(), "s%3Aalice");
    let bob = log_in(medusa.as_ref(), "bob@example.com", "pw").await;
    assert!(bob.unwrap_err().is_unauthorized());
}

#[test]
#[should_panic(expected = "MockSessionFactory::session")]
fn a_factory_asked_for_one_session_too_many_fails_the_test() {
    let factory = MockSessionFactory::handing_out([MockSession::new()]);
    let _first = factory.session();
    let _second = factory.session();
}

#[test]
fn a_factory_restores_sessions_when_told_to() {
    let mut factory = MockSessionFactory::handing_out([]);
    factory
        .expect_session_with()
        .withf(|credentials| matches!(credentials, Credentials::SessionCookie(_)))
        .times(1)
        .returning(|credentials| {
            let session = MockSession::new();
            session.set_credentials(credentials)?;
            Ok(Arc::new(session) as Arc<dyn AuthSession>)
        });
    let restored = factory
        .session_with(Credentials::SessionCookie("s%3Akept".into()))
        .unwrap();
    assert_eq!(
        restored.session_cookie().unwrap().expose_secret(),
        "s%3Akept"
    );
}
