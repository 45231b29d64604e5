//! No password, token, cookie value or `api_token` in any `Debug` or `Display` of a
//! type or error met on the way, nor in the client's logs.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use medusa_auth_core::cookies::CookieJar;
use medusa_auth_core::response::{read_access_token, read_user};
use medusa_auth_core::{
    AccessToken, AdminAuthApi, BaseUrl, Client, Credentials, CustomHeaders, Error, RequestFactory,
    SecretString, Side, StoreAuthApi,
};
use medusa_auth_testdata::exchange;
use support::{Scripted, run};

const PASSWORD: &str = "supersecret";
const API_TOKEN: &str = "real_medusa_admin_api_token";

/// Every secret of the recorded run: passwords, the API token, JWTs and cookie values.
fn secrets() -> Vec<String> {
    let mut secrets = vec![
        PASSWORD.to_owned(),
        API_TOKEN.to_owned(),
        "client-api-key-value".to_owned(),
    ];
    for number in [15, 45] {
        let body = exchange(number).response().into_body();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        secrets.push(json["access_token"].as_str().unwrap().to_owned());
    }
    for number in [11, 13, 36, 64] {
        let value = exchange(number).set_cookie_value().unwrap();
        // The sid and the signature, each on its own.
        let (sid, signature) = value.trim_start_matches("s%3A").split_once('.').unwrap();
        secrets.extend([value.clone(), sid.to_owned(), signature.to_owned()]);
    }
    secrets
}

fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(
            !text.contains(&secret),
            "{what} shows a secret ({secret:.6}…): {text}"
        );
    }
}

fn walk(client: &Client, transport: &Scripted) {
    let none = CustomHeaders::new();
    let password = SecretString::from(PASSWORD);
    transport
        .answer(11)
        .answer(12)
        .answer(15)
        .answer(18)
        .answer(23)
        .answer(24);
    transport
        .answer(36)
        .answer(45)
        .answer(48)
        .answer(60)
        .answer(2)
        .answer(7);
    run(async {
        client
            .admin()
            .create_session("admin@example.com", &password, &none)
            .await
            .unwrap();
        client.admin().get_session(&none).await.unwrap();
        client
            .admin()
            .get_token("admin@example.com", &password, &none)
            .await
            .unwrap();
        client.admin().get_session(&none).await.unwrap();
        client.admin().delete_session(&none).await.unwrap();
        client.admin().get_session(&none).await.unwrap_err();
        client
            .store()
            .authenticate("customer@example.com", &password, &none)
            .await
            .unwrap();
        client
            .store()
            .get_token("customer@example.com", &password, &none)
            .await
            .unwrap();
        client.store().get_session(&none).await.unwrap();
        client.store().delete_session(&none).await.unwrap();
        client
            .admin()
            .create_session("admin@example.com", &"wrong".into(), &none)
            .await
            .unwrap_err();
        client
            .admin()
            .create_session("admin@example.com", &password, &none)
            .await
            .unwrap_err();
    });
}

#[test]
fn debug_and_display_of_every_secret_bearing_type() {
    let transport = Scripted::new();
    let (builder, _) = support::builder(&transport);
    let builder = builder.api_key("client-api-key-value");
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    let handle = client
        .session_with(Credentials::ApiToken(API_TOKEN.into()))
        .unwrap();
    transport.answer(11).answer(15).answer(45);
    run(async {
        let none = CustomHeaders::new();
        let password = SecretString::from(PASSWORD);
        let user = handle
            .admin()
            .create_session("admin@example.com", &password, &none)
            .await
            .unwrap();
        assert_clean("User", &format!("{user:?}"));
        assert_clean("User as JSON", &serde_json::to_string(&user).unwrap());
        let token = handle
            .admin()
            .get_token("admin@example.com", &password, &none)
            .await
            .unwrap();
        assert_clean("AccessToken", &format!("{token:?}"));
        assert_clean(
            "Credentials::Bearer",
            &format!("{:?}", Credentials::Bearer(token.clone())),
        );
        assert_clean("TokenClaims", &format!("{:?}", token.claims()));
        handle
            .store()
            .get_token("customer@example.com", &password, &none)
            .await
            .unwrap();
    });
    assert_clean("Session", &format!("{handle:?}"));
    assert_clean("AdminAuth", &format!("{:?}", handle.admin()));
    assert_clean("Client", &format!("{client:?}"));
    assert_clean("RequestFactory", &format!("{:?}", client.request_factory()));
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
        .unwrap();
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
    let client = support::client(&transport);
    errors.push(
        run(client.admin().create_session(
            "admin@example.com",
            &PASSWORD.into(),
            &CustomHeaders::new(),
        ))
        .unwrap_err(),
    );
    errors.push(Error::TokenExpired {
        side: Side::Store,
        expired_at: time::OffsetDateTime::UNIX_EPOCH,
    });

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

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn trace_logs_of_a_whole_walk_hold_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let transport = Scripted::new();
    let (builder, _) = support::builder(&transport);
    let client = builder.api_key("client-api-key-value").build().unwrap();
    tracing::subscriber::with_default(subscriber, || walk(&client, &transport));
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The walk was logged: one span per call with its name, method, path and status.
    assert!(logs.contains("call=\"admin.create_session\""), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("path=\"/store/auth/token\""), "{logs}");
    assert_clean("logs", &logs);
}
