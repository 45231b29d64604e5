//! What each call sends: compared with the requests recorded in transcripts.md, and
//! the header rules (each call's route, credentials and retries), seen on the wire of a scripted transport
//! (and, for the rules a session cannot reach, on the request factory alone).

mod support;

use bytes::Bytes;
use medusa_auth_core::internal::{
    ACCESS_TOKEN, DEFAULT_USER_AGENT, Endpoint, IDEMPOTENCY_KEY, Outgoing, OutgoingCredentials,
    PUBLISHABLE_API_KEY, RequestFactory, login_body,
};
use medusa_auth_core::{
    AccessToken, BaseUrl, ConfigError, Credentials, CustomHeaders, Error, ExposeSecret,
    InvalidInput, SecretString, Side,
};
use medusa_auth_testdata::exchange;
use support::{PASSWORD, Scripted, call, cookie_of, every_credential, header, recorded_jwt, run};

fn none() -> CustomHeaders {
    CustomHeaders::new()
}

/// The email each call is made with in these tests.
fn email_for(endpoint: Endpoint) -> &'static str {
    match endpoint.side() {
        Side::Admin => "admin@example.com",
        Side::Store => "customer@example.com",
    }
}

/// The one request a fresh session of a client made by `configure` sends for
/// `endpoint` (answered with `answer`, whatever it is).
fn sent_by(
    configure: impl FnOnce(medusa_auth_core::ClientBuilder) -> medusa_auth_core::ClientBuilder,
    credentials: &[Credentials],
    endpoint: Endpoint,
    headers: CustomHeaders,
) -> http::Request<Bytes> {
    let transport = Scripted::new();
    transport.respond(500, &[], "no matter");
    let (builder, _) = support::builder(&transport);
    let client = configure(builder).build().unwrap();
    let session = client.session();
    for credential in credentials {
        session.set_credentials(credential.clone()).unwrap();
    }
    let _ = run(call(&session, endpoint, email_for(endpoint), headers));
    assert_eq!(transport.sent_count(), 1, "{endpoint}");
    transport.last()
}

#[test]
fn each_call_matches_the_recorded_request() {
    let cases = [
        (Endpoint::AdminCreateSession, 11),
        (Endpoint::AdminGetSession, 13),
        (Endpoint::AdminDeleteSession, 25),
        (Endpoint::AdminGetToken, 15),
        (Endpoint::StoreAuthenticate, 36),
        (Endpoint::StoreGetSession, 44),
        (Endpoint::StoreDeleteSession, 62),
        (Endpoint::StoreExists, 51),
        (Endpoint::StoreGetToken, 45),
    ];
    assert_eq!(cases.len(), Endpoint::ALL.len());
    for (endpoint, number) in cases {
        let transport = Scripted::new();
        transport.answer(number);
        let session = support::client(&transport).session();
        let _ = run(call(&session, endpoint, email_for(endpoint), none()));
        assert_eq!(transport.sent_count(), 1, "{endpoint}");
        let built = transport.last();
        let recorded = exchange(number).request().unwrap();
        assert_eq!(built.method(), recorded.method(), "{endpoint}");
        assert_eq!(built.uri().path(), recorded.uri().path(), "{endpoint}");
        assert_eq!(built.uri().authority().unwrap(), "127.0.0.1:9000");
        assert_eq!(built.uri().query(), None, "{endpoint}");
        // The same JSON bytes as curl sent.
        assert_eq!(built.body(), recorded.body(), "{endpoint}");
        assert_eq!(
            header(&built, "content-type"),
            header(&recorded, "content-type"),
            "{endpoint}"
        );
        assert_eq!(
            header(&built, "accept").as_deref(),
            Some("application/json")
        );
        assert_eq!(
            header(&built, "user-agent").as_deref(),
            Some(DEFAULT_USER_AGENT)
        );
        assert!(DEFAULT_USER_AGENT.starts_with("medusa-auth/0."));
        assert!(built.headers().get(IDEMPOTENCY_KEY).is_none());
        // A fresh session holds nothing to send.
        for credential in ["cookie", "authorization", "x-medusa-access-token"] {
            assert_eq!(header(&built, credential), None, "{endpoint}: {credential}");
        }
    }
}

#[test]
fn a_prefix_in_the_base_url_is_kept() {
    for endpoint in Endpoint::ALL {
        let transport = Scripted::new();
        let (builder, _) = support::builder(&transport);
        let client = builder
            .base_url("https://shop.example.com/medusa/")
            .build()
            .unwrap();
        let email = "a@b.io";
        let _ = run(call(&client.session(), endpoint, email, none()));
        let expected = format!(
            "https://shop.example.com/medusa{}",
            endpoint.path_template().replace("{email}", email)
        );
        assert_eq!(transport.last().uri().to_string(), expected, "{endpoint}");
    }
}

#[test]
fn exists_sends_the_email_as_one_encoded_segment() {
    for (email, path) in [
        ("a/b+c@x.io", "/store/auth/a%2Fb%2Bc@x.io"),
        ("plus+tag@example.com", "/store/auth/plus%2Btag@example.com"),
        (
            "slash/name@example.com",
            "/store/auth/slash%2Fname@example.com",
        ),
        ("what?#%@x.io", "/store/auth/what%3F%23%25@x.io"),
    ] {
        let transport = Scripted::new();
        transport.answer(51);
        let session = support::client(&transport).session();
        assert!(run(session.store().exists(email)).unwrap());
        let built = transport.last();
        assert_eq!(built.uri().path(), path);
        assert_eq!(built.uri().query(), None);
        // One segment after /store/auth.
        assert_eq!(built.uri().path().split('/').count(), 4);
    }
}

#[test]
fn admin_credentials_are_never_sent_to_store_routes() {
    let store_calls = Endpoint::ALL
        .into_iter()
        .filter(|e| e.side() == Side::Store);
    for endpoint in store_calls {
        let built = sent_by(
            |b| b.api_key("client_api_key"),
            &every_credential(),
            endpoint,
            none(),
        );
        assert!(built.headers().get(ACCESS_TOKEN).is_none(), "{endpoint}");
        // Only the store JWT, and only where a bearer goes (get_session).
        let store_bearer = format!("Bearer {}", recorded_jwt(Side::Store).expose_secret());
        assert_eq!(
            header(&built, "authorization"),
            endpoint.scope().bearer.then_some(store_bearer),
            "{endpoint}"
        );
    }
}

#[test]
fn a_session_never_sends_a_bearer_of_the_other_side() {
    // The JWT a request carries is the one the session holds for the route's side:
    // an admin JWT never reaches a store route, nor a store JWT an admin route.
    let transport = Scripted::new();
    let session = support::client(&transport).session();
    session
        .set_credentials(Credentials::Bearer(support::recorded_jwt(Side::Admin)))
        .unwrap();
    transport.respond(401, &[], "Unauthorized");
    run(session.store().get_session()).unwrap_err();
    assert_eq!(header(&transport.last(), "authorization"), None);
    let session = support::client(&transport).session();
    session
        .set_credentials(Credentials::Bearer(support::recorded_jwt(Side::Store)))
        .unwrap();
    transport.respond(401, &[], "Unauthorized");
    run(session.admin().get_session()).unwrap_err();
    assert_eq!(header(&transport.last(), "authorization"), None);
}

/// Builds the request of `endpoint` with the factory alone, as a session would.
fn build(
    factory: &RequestFactory,
    endpoint: Endpoint,
    email: &str,
    credentials: &OutgoingCredentials<'_>,
    custom: &CustomHeaders,
    idempotency_key: Option<&str>,
) -> Result<http::Request<Bytes>, Error> {
    let method = endpoint.method();
    let body = if endpoint.takes_password() {
        login_body(email, &SecretString::from(PASSWORD))?
    } else {
        Bytes::new()
    };
    let path = endpoint.path((endpoint == Endpoint::StoreExists).then_some(email));
    let outgoing = Outgoing {
        method: &method,
        path: &path,
        query: "",
        body: &body,
        content_type: None,
        scope: endpoint.scope(),
        custom,
    };
    factory.build(&outgoing, credentials, idempotency_key)
}

#[test]
fn an_api_token_on_a_store_call_is_refused() {
    for endpoint in [Endpoint::StoreGetSession, Endpoint::StoreExists] {
        let transport = Scripted::new();
        let session = support::client(&transport).session();
        let error = run(async {
            let store = session.store();
            match endpoint {
                Endpoint::StoreGetSession => store
                    .get_session()
                    .header("x-medusa-access-token", "real_medusa_admin_api_token")
                    .await
                    .map(|_| ()),
                _ => store
                    .exists("c@x.io")
                    .header("x-medusa-access-token", "real_medusa_admin_api_token")
                    .await
                    .map(|_| ()),
            }
        })
        .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidInput(InvalidInput::ApiTokenOnStoreRoute)
            ),
            "{error:?}"
        );
        assert!(!error.to_string().contains("real_medusa"));
        assert_eq!(transport.sent_count(), 0, "{endpoint}");
    }
    // A default header of that name is an admin credential too: left off store calls
    // by the factory.
    let custom = CustomHeaders::new()
        .with("x-medusa-access-token", "real_medusa_admin_api_token")
        .unwrap();
    let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap())
        .with_default_headers(custom);
    let none = OutgoingCredentials::default();
    let built = build(
        &factory,
        Endpoint::StoreGetSession,
        "",
        &none,
        &CustomHeaders::new(),
        None,
    )
    .unwrap();
    assert!(built.headers().get(ACCESS_TOKEN).is_none());
    let built = build(
        &factory,
        Endpoint::AdminGetSession,
        "",
        &none,
        &CustomHeaders::new(),
        None,
    )
    .unwrap();
    assert_eq!(built.headers()[ACCESS_TOKEN], "real_medusa_admin_api_token");
}

#[test]
fn a_credential_cannot_be_a_default_header() {
    // A client refuses one when built: a credential belongs to a session (or, for the
    // API token, to `api_key`). 0.1 took a default x-medusa-access-token and sent it to
    // admin routes.
    for name in ["x-medusa-access-token", "Authorization", "cookie"] {
        let transport = Scripted::new();
        let (builder, _) = support::builder(&transport);
        let error = builder
            .default_header(name, "real_medusa_admin_api_token")
            .build()
            .unwrap_err();
        assert!(
            matches!(
                &error,
                ConfigError::InvalidHeader(InvalidInput::CredentialHeader { name: refused })
                    if refused.eq_ignore_ascii_case(name)
            ),
            "{name}: {error:?}"
        );
        assert!(
            !format!("{error} {error:?}").contains("real_medusa"),
            "{error}"
        );
        let (builder, _) = support::builder(&transport);
        let error = builder
            .default_headers(CustomHeaders::new().with(name, "v").unwrap())
            .build()
            .unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::InvalidHeader(InvalidInput::CredentialHeader { .. })
            ),
            "{name}: {error:?}"
        );
    }
    // Other headers are fine, the publishable key's name among them.
    let transport = Scripted::new();
    let (builder, _) = support::builder(&transport);
    builder
        .default_header("x-tenant", "eu")
        .default_header("x-request-source", "bff")
        .build()
        .unwrap();
}

#[test]
fn the_api_key_goes_to_admin_get_session_only() {
    // 0.1 followed the JS client and sent it on every admin call but the login;
    // now a logout and a login (get_token among them) never carry it.
    let cases = [
        (Endpoint::AdminCreateSession, false),
        (Endpoint::AdminGetSession, true),
        (Endpoint::AdminDeleteSession, false),
        (Endpoint::AdminGetToken, false),
    ];
    for (endpoint, sent) in cases {
        let built = sent_by(|b| b.api_key("client_api_key"), &[], endpoint, none());
        let value = built.headers().get(ACCESS_TOKEN);
        assert_eq!(value.is_some(), sent, "{endpoint}");
        if let Some(value) = value {
            assert_eq!(value, "client_api_key");
            assert!(value.is_sensitive());
        }
    }
    // A session's own API token wins over the client's.
    let built = sent_by(
        |b| b.api_key("client_api_key"),
        &[Credentials::ApiToken("session_api_token".into())],
        Endpoint::AdminGetSession,
        none(),
    );
    assert_eq!(built.headers()[ACCESS_TOKEN], "session_api_token");
    assert!(built.headers()[ACCESS_TOKEN].is_sensitive());
}

#[test]
fn credentials_go_with_the_calls_of_their_side() {
    let cookie = Credentials::SessionCookie("s%3Aabc.def".into());
    let admin_jwt = Credentials::Bearer(AccessToken::new(Side::Admin, "eyJ.admin.jwt".into()));
    let held = [cookie, admin_jwt];
    let login = sent_by(|b| b, &held, Endpoint::AdminCreateSession, none());
    // The login carries the cookie (the server keeps its sid) but not the bearer.
    assert_eq!(
        header(&login, "cookie").as_deref(),
        Some("connect.sid=s%3Aabc.def")
    );
    assert!(login.headers().get("authorization").is_none());
    let get = sent_by(|b| b, &held, Endpoint::AdminGetSession, none());
    assert_eq!(
        header(&get, "authorization").as_deref(),
        Some("Bearer eyJ.admin.jwt")
    );
    assert!(get.headers()["authorization"].is_sensitive());
    assert!(get.headers()["cookie"].is_sensitive());
    // The admin JWT stays off the store side.
    let store = sent_by(|b| b, &held, Endpoint::StoreGetSession, none());
    assert!(store.headers().get("authorization").is_none());
    assert_eq!(
        header(&store, "cookie").as_deref(),
        Some("connect.sid=s%3Aabc.def")
    );
}

#[test]
fn publishable_key_on_store_routes_and_idempotency_key_on_retried_posts() {
    for endpoint in Endpoint::ALL {
        let built = sent_by(
            |b| b.publishable_api_key("pk_01H").max_retries(1),
            &[],
            endpoint,
            none(),
        );
        // 0.1 sent the key on every request, as the JS client does.
        let expected = endpoint.side() == Side::Store && !endpoint.is_logout();
        assert_eq!(
            built
                .headers()
                .get(PUBLISHABLE_API_KEY)
                .map(|v| v.to_str().unwrap()),
            expected.then_some("pk_01H"),
            "{endpoint}"
        );
        let is_post = endpoint.method() == http::Method::POST;
        assert_eq!(
            built.headers().get(IDEMPOTENCY_KEY).is_some(),
            is_post,
            "{endpoint}"
        );
    }
}

#[test]
fn per_call_headers_win() {
    let defaults = CustomHeaders::new()
        .with("x-tenant", "eu")
        .unwrap()
        .with("x-trace", "default")
        .unwrap();
    let custom = CustomHeaders::new()
        .with("x-trace", "per-call")
        .unwrap()
        .with("accept", "application/vnd.custom+json")
        .unwrap()
        .with("authorization", "Bearer caller-chosen")
        .unwrap();
    let configure = |b: medusa_auth_core::ClientBuilder| {
        b.default_headers(defaults.clone())
            .user_agent("my-service/2")
    };
    let admin_jwt = [Credentials::Bearer(AccessToken::new(
        Side::Admin,
        "eyJ.admin.jwt".into(),
    ))];
    let built = sent_by(configure, &admin_jwt, Endpoint::AdminGetSession, custom);
    assert_eq!(header(&built, "x-tenant").as_deref(), Some("eu"));
    assert_eq!(header(&built, "x-trace").as_deref(), Some("per-call"));
    assert_eq!(
        header(&built, "accept").as_deref(),
        Some("application/vnd.custom+json")
    );
    assert_eq!(
        header(&built, "authorization").as_deref(),
        Some("Bearer caller-chosen")
    );
    assert!(built.headers()["authorization"].is_sensitive());
    assert_eq!(
        header(&built, "user-agent").as_deref(),
        Some("my-service/2")
    );
    let custom = CustomHeaders::new()
        .with("user-agent", "per-call-agent/1")
        .unwrap();
    let built = sent_by(configure, &admin_jwt, Endpoint::AdminGetSession, custom);
    assert_eq!(
        header(&built, "user-agent").as_deref(),
        Some("per-call-agent/1")
    );
    assert_eq!(header(&built, "x-trace").as_deref(), Some("default"));
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    type Expected = fn(&InvalidInput) -> bool;
    let huge = "p".repeat(5000);
    let cases: [(Endpoint, &str, &str, Expected); 6] = [
        (Endpoint::AdminCreateSession, "not-an-email", "pw", |e| {
            matches!(e, InvalidInput::InvalidEmail { .. })
        }),
        (Endpoint::AdminGetToken, "a@x.io", "", |e| {
            *e == InvalidInput::EmptyPassword
        }),
        (Endpoint::StoreAuthenticate, "a@x.io", &huge, |e| {
            matches!(e, InvalidInput::PasswordTooLong { .. })
        }),
        (Endpoint::StoreGetToken, "", "pw", |e| {
            matches!(e, InvalidInput::InvalidEmail { .. })
        }),
        (
            Endpoint::StoreAuthenticate,
            "a@x.io\r\nX-Injected: 1",
            "pw",
            |e| matches!(e, InvalidInput::InvalidEmail { .. }),
        ),
        (Endpoint::StoreExists, "", "", |e| {
            matches!(e, InvalidInput::InvalidEmail { .. })
        }),
    ];
    for (endpoint, email, password, expected) in cases {
        let transport = Scripted::new();
        let session = support::client(&transport).session();
        let result = run(async {
            let (admin, store) = (session.admin(), session.store());
            match endpoint {
                Endpoint::AdminCreateSession => {
                    admin.create_session(email, password).await.map(|_| ())
                }
                Endpoint::AdminGetToken => admin.get_token(email, password).await.map(|_| ()),
                Endpoint::StoreAuthenticate => {
                    store.authenticate(email, password).await.map(|_| ())
                }
                Endpoint::StoreGetToken => store.get_token(email, password).await.map(|_| ()),
                _ => store.exists(email).await.map(|_| ()),
            }
        });
        match result {
            Err(Error::InvalidInput(input)) => {
                assert!(expected(&input), "{endpoint}: {input:?}");
                if password.len() > 3 {
                    assert!(!input.to_string().contains(password));
                }
            }
            other => panic!("{endpoint}: {other:?}"),
        }
        assert_eq!(transport.sent_count(), 0, "{endpoint}");
    }
    // The body builder refuses the same inputs by itself.
    assert!(login_body("not-an-email", &"pw".into()).is_err());
    assert!(login_body("a@x.io", &"".into()).is_err());
    assert_eq!(
        &login_body("a@x.io", &"pw".into()).unwrap()[..],
        br#"{"email":"a@x.io","password":"pw"}"#
    );
}

#[test]
fn the_session_cookie_goes_with_every_call_of_the_origin() {
    // The cookie is the one credential of every route (the logout's only one).
    for endpoint in Endpoint::ALL {
        let built = sent_by(
            |b| b,
            &[Credentials::SessionCookie(
                exchange(11).set_cookie_value().unwrap().into(),
            )],
            endpoint,
            none(),
        );
        assert_eq!(
            header(&built, "cookie").unwrap(),
            cookie_of(11),
            "{endpoint}"
        );
    }
}
