//! No password, token, cookie value or `api_token` in any `Debug` or `Display` of a
//! type or error met on the way, nor in the client's logs.

mod support;

use medusa_auth_core::internal::{CookieJar, RequestFactory, read_access_token, read_user};
use medusa_auth_core::{
    AccessToken, BaseUrl, Client, Credentials, CustomHeaders, Error, ExposeSecret, SecretString,
    Side, StoreAuthenticate, Timestamp,
};
use medusa_auth_testdata::exchange;
use support::secrets::{API_TOKEN, assert_clean};
use support::{PASSWORD, Scripted, run};

#[test]
fn debug_and_display_of_every_secret_bearing_type() {
    let transport = Scripted::new();
    let (builder, _) = support::builder(&transport);
    let builder = builder.api_key("client-api-key-value");
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    let session = client
        .session_with(Credentials::ApiToken(API_TOKEN.into()))
        .unwrap();
    transport.answer(11).answer(15).answer(45);
    run(async {
        let user = session
            .admin()
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap();
        assert_clean("User", &format!("{user:?}"));
        assert_clean("User as JSON", &serde_json::to_string(&user).unwrap());
        let token = session
            .admin()
            .get_token("admin@example.com", PASSWORD)
            .await
            .unwrap();
        assert_clean("AccessToken", &format!("{token:?}"));
        assert_clean(
            "Credentials::Bearer",
            &format!("{:?}", Credentials::Bearer(token.clone())),
        );
        assert_clean("TokenClaims", &format!("{:?}", token.claims()));
        session
            .store()
            .get_token("customer@example.com", PASSWORD)
            .await
            .unwrap();
    });
    assert_clean("Session", &format!("{session:?}"));
    assert_clean("Client", &format!("{client:?}"));
    // A call before it is awaited, its input, and a request to any route.
    let pending = session
        .admin()
        .create_session("admin@example.com", PASSWORD)
        .header("authorization", &format!("Bearer {API_TOKEN}"));
    assert_clean("CallBuilder", &format!("{pending:?}"));
    assert_clean("AdminCreateSession", &format!("{:?}", pending.input()));
    assert_clean(
        "StoreAuthenticate",
        &format!(
            "{:?}",
            StoreAuthenticate::new("customer@example.com", PASSWORD)
        ),
    );
    let request = session
        .post("/admin/users")
        .json(&serde_json::json!({ "password": PASSWORD }))
        .header("x-medusa-access-token", API_TOKEN);
    assert_clean("RequestBuilder", &format!("{request:?}"));
    assert_clean(
        "ApiRequest",
        &format!("{:?}", request.api_request().unwrap()),
    );
    drop((pending, request));
    assert_eq!(transport.sent_count(), 3);
    assert_clean(
        "Credentials::ApiToken",
        &format!("{:?}", Credentials::ApiToken(API_TOKEN.into())),
    );
    assert_clean(
        "Credentials::SessionCookie",
        &format!(
            "{:?}",
            Credentials::SessionCookie(exchange(11).set_cookie_value().unwrap().into())
        ),
    );
    let headers = CustomHeaders::new()
        .with("authorization", &format!("Bearer {API_TOKEN}"))
        .unwrap()
        .with("x-api-key", PASSWORD)
        .unwrap();
    assert_clean("CustomHeaders", &format!("{headers:?}"));

    let origin = BaseUrl::parse("http://127.0.0.1:9000")
        .unwrap()
        .origin()
        .clone();
    let mut jar = CookieJar::new();
    jar.insert(
        &origin,
        "connect.sid",
        exchange(11).set_cookie_value().unwrap().into(),
    )
    .unwrap();
    assert_clean("CookieJar", &format!("{jar:?}"));
    // The header the jar makes is marked sensitive, so http's Debug hides it.
    let cookie = jar
        .header_for(&origin, "/admin/auth", support::recorded_at())
        .unwrap();
    assert_clean("Cookie header", &format!("{cookie:?}"));

    let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap())
        .with_api_key(&API_TOKEN.into())
        .unwrap()
        .with_default_headers(headers);
    assert_clean("RequestFactory with api_key", &format!("{factory:?}"));
}

#[test]
fn errors_never_show_a_secret() {
    let mut errors: Vec<Error> = Vec::new();
    // A token body of the wrong shape: serde would quote the value.
    for body in [
        format!(r#"{{"access_token":["{API_TOKEN}"]}}"#),
        format!(r#"{{"access_token":{{"{PASSWORD}":1}}}}"#),
    ] {
        let response = http::Response::builder()
            .header("content-type", "application/json")
            .body(body.into())
            .unwrap();
        errors.push(read_access_token(&response, Side::Admin).unwrap_err());
    }
    let body = format!(
        r#"{{"user":{{"id":"usr_1","email":"a@b.io","api_token":12,"role":["{API_TOKEN}"]}}}}"#
    );
    let response = http::Response::builder()
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap();
    errors.push(read_user(&response).unwrap_err());
    errors.push(
        CustomHeaders::new()
            .with("x-a", &format!("{PASSWORD}\r\n"))
            .unwrap_err()
            .into(),
    );
    errors.push(Error::Transport(medusa_auth_core::TransportError::connect(
        "connection refused",
    )));
    let config = Client::builder(Scripted::new())
        .base_url(format!("https://admin:{PASSWORD}@shop.example.com"))
        .build()
        .unwrap_err();
    assert_clean("ConfigError", &format!("{config} {config:?}"));
    let config = Client::builder(Scripted::new())
        .api_key(format!("{PASSWORD}\n"))
        .build()
        .unwrap_err();
    assert_clean("ConfigError", &format!("{config} {config:?}"));

    let transport = Scripted::new();
    transport.push(Ok(
        medusa_auth_testdata::production("POST /admin/auth").response()
    ));
    let session = support::client(&transport).session();
    errors.push(
        run(session
            .admin()
            .create_session("admin@example.com", PASSWORD))
        .unwrap_err(),
    );
    // A logout that failed for want of an answer.
    errors.push(Error::logout_unconfirmed(
        Side::Admin,
        Error::Transport(medusa_auth_core::TransportError::timed_out(true)),
    ));
    errors.push(Error::token_expired(Side::Store, Timestamp::UNIX_EPOCH));
    errors.push(Error::unauthorized());

    for error in errors {
        let mut shown = format!("{error} {error:?}");
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            shown.push_str(&format!(" {cause} {cause:?}"));
            source = cause.source();
        }
        assert_clean("Error", &shown);
    }
    let _ = AccessToken::new(Side::Admin, SecretString::from(API_TOKEN));
}

#[test]
fn a_transport_cause_quoting_a_credential_is_masked_in_display() {
    // The transport's own message is its business (its `source()` is handed on as
    // it is); what the client shows of it, with the server's name, is masked.
    let jwt = read_access_token(&exchange(15).response(), Side::Admin)
        .unwrap()
        .expose_secret()
        .to_owned();
    let transport = Scripted::new();
    transport.push(Err(medusa_auth_core::TransportError::other(format!(
        "upstream refused Authorization: Bearer {jwt}"
    ))));
    let session = support::client(&transport).session();
    let error = run(session.admin().delete_session()).unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("forgot"), "{shown}");
    let Error::LogoutUnconfirmed { cause, .. } = &error else {
        panic!("{error:?}")
    };
    let cause = cause.to_string();
    assert!(
        cause.starts_with("transport failed talking to 127.0.0.1:9000: upstream refused"),
        "{cause}"
    );
    assert_clean("transport error", &format!("{shown} {cause}"));
}
