//! The mockall mocks, used as a downstream test would: the service under test holds
//! `Arc<dyn AdminAuthApi>` / `Arc<dyn StoreAuthApi>`, or a core `Client` over a
//! mocked transport.

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use medusa_auth_mock::core::{
    AccessToken, AdminAuthApi, ApiError, ApiErrorKind, Client, CustomHeaders, Customer, Error,
    ExposeSecret, SecretString, Side, StoreAuthApi, TransportError, User,
};
use medusa_auth_mock::{
    MockAdminAuthApi, MockHttpTransport, MockStoreAuthApi, Sequence, predicate,
};

fn at() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-22 13:08:22.896 UTC)
}

/// A piece of downstream code: logs a customer in and says hello.
async fn greet(
    store: &dyn StoreAuthApi,
    email: &str,
    password: &SecretString,
) -> Result<String, Error> {
    let customer = store
        .authenticate(email, password, &CustomHeaders::new())
        .await?;
    Ok(format!("hello {}", customer.first_name.unwrap_or_default()))
}

/// Another: an admin dashboard that needs a session, and logs out afterwards.
async fn admin_email(admin: &dyn AdminAuthApi) -> Result<String, Error> {
    let headers = CustomHeaders::new().with("x-request-id", "req-1").unwrap();
    let user = admin.get_session(&headers).await?;
    admin.delete_session(&headers).await?;
    Ok(user.email)
}

#[tokio::test]
async fn expectations_on_the_secret_password_through_expose_secret() {
    let mut store = MockStoreAuthApi::new();
    store
        .expect_authenticate()
        .withf(|email, password, headers| {
            email == "customer@example.com"
                && password.expose_secret() == "supersecret"
                && headers.is_empty()
        })
        .times(1)
        .returning(|email, _, _| {
            let mut customer = Customer::new("cus_1", email, at());
            customer.first_name = Some("Test".into());
            Ok(customer)
        });
    let greeting = greet(&store, "customer@example.com", &"supersecret".into())
        .await
        .unwrap();
    assert_eq!(greeting, "hello Test");
}

#[tokio::test]
async fn predicates_on_each_argument() {
    let mut store = MockStoreAuthApi::new();
    store
        .expect_exists()
        .with(predicate::eq("known@example.com"), predicate::always())
        .times(1)
        .returning(|_, _| Ok(true));
    store
        .expect_exists()
        .with(
            predicate::str::ends_with("@example.org"),
            predicate::always(),
        )
        .times(2)
        .returning(|_, _| Ok(false));
    store
        .expect_authenticate()
        .with(
            predicate::always(),
            predicate::function(|password: &SecretString| password.expose_secret().len() >= 8),
            predicate::function(|headers: &CustomHeaders| headers.len() == 1),
        )
        .returning(|email, _, _| Ok(Customer::new("cus_2", email, at())));
    let none = CustomHeaders::new();
    assert!(store.exists("known@example.com", &none).await.unwrap());
    assert!(!store.exists("a@example.org", &none).await.unwrap());
    assert!(!store.exists("b@example.org", &none).await.unwrap());
    let one = CustomHeaders::new().with("x-tenant", "eu").unwrap();
    let customer = store
        .authenticate("x@example.com", &"long enough".into(), &one)
        .await
        .unwrap();
    assert_eq!(customer.id, "cus_2");
}

#[tokio::test]
async fn a_sequence_fixes_the_order_of_calls() {
    let mut admin = MockAdminAuthApi::new();
    let mut sequence = Sequence::new();
    admin
        .expect_get_session()
        .withf(|headers| headers.contains(&http::HeaderName::from_static("x-request-id")))
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(User::new("usr_1", "admin@example.com", at())));
    admin
        .expect_delete_session()
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
        .expect_get_session()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(User::new("usr_1", "admin@example.com", at())));
    admin
        .expect_delete_session()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(()));
    let none = CustomHeaders::new();
    let _ = futures::executor::block_on(admin.delete_session(&none));
}

#[tokio::test]
async fn returned_errors_reach_the_caller_typed() {
    let mut store = MockStoreAuthApi::new();
    store.expect_authenticate().times(1).returning(|_, _, _| {
        Err(Error::Unauthorized {
            status: StatusCode::UNAUTHORIZED,
            message: None,
        })
    });
    store.expect_get_token().times(1).returning(|_, _, _| {
        Err(ApiError::new(StatusCode::CONFLICT, ApiErrorKind::Conflict, "retry me").into())
    });
    let error = greet(&store, "customer@example.com", &"wrong".into())
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    let error = store
        .get_token("customer@example.com", &"x".into(), &CustomHeaders::new())
        .await
        .unwrap_err();
    assert_eq!(error.api_kind(), Some(&ApiErrorKind::Conflict));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn tokens_can_be_returned_by_a_mock() {
    let mut admin = MockAdminAuthApi::new();
    admin
        .expect_get_token()
        .with(
            predicate::eq("admin@example.com"),
            predicate::always(),
            predicate::always(),
        )
        .returning(|_, _, _| Ok(AccessToken::new(Side::Admin, "eyJ.fake.jwt".into())));
    let token = admin
        .get_token("admin@example.com", &"pw".into(), &CustomHeaders::new())
        .await
        .unwrap();
    assert_eq!(token.side(), Side::Admin);
    assert!(token.secret_eq("eyJ.fake.jwt"));
}

#[test]
#[should_panic]
fn an_unmet_times_fails_the_test() {
    let mut store = MockStoreAuthApi::new();
    store.expect_delete_session().times(1).returning(|_| Ok(()));
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
        .store()
        .get_token(
            "customer@example.com",
            &"supersecret".into(),
            &CustomHeaders::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error}");
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
            .store()
            .exists("plus+tag@example.com", &CustomHeaders::new())
            .await
            .unwrap()
    );
}
