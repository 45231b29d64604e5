//! Building each call's request: compared with the requests recorded in
//! transcripts.md, and the header rules of SPEC §1, §2 and §5.

use medusa_auth_core::headers::{ACCESS_TOKEN, IDEMPOTENCY_KEY, PUBLISHABLE_API_KEY};
use medusa_auth_core::{
    AccessToken, AuthRequest, BaseUrl, Call, CustomHeaders, DEFAULT_USER_AGENT, Error,
    InvalidInput, OutgoingCredentials, RequestFactory, SecretString, Side,
};
use medusa_auth_testdata::exchange;

fn factory() -> RequestFactory {
    RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap())
}

fn header(request: &http::Request<bytes::Bytes>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[test]
fn each_call_matches_the_recorded_request() {
    let password = SecretString::from("supersecret");
    let cases: [(AuthRequest<'_>, u32); 9] = [
        (
            AuthRequest::AdminCreateSession {
                email: "admin@example.com",
                password: &password,
            },
            11,
        ),
        (AuthRequest::AdminGetSession, 13),
        (AuthRequest::AdminDeleteSession, 25),
        (
            AuthRequest::AdminGetToken {
                email: "admin@example.com",
                password: &password,
            },
            15,
        ),
        (
            AuthRequest::StoreAuthenticate {
                email: "customer@example.com",
                password: &password,
            },
            36,
        ),
        (AuthRequest::StoreGetSession, 44),
        (AuthRequest::StoreDeleteSession, 62),
        (
            AuthRequest::StoreExists {
                email: "customer@example.com",
            },
            51,
        ),
        (
            AuthRequest::StoreGetToken {
                email: "customer@example.com",
                password: &password,
            },
            45,
        ),
    ];
    for (request, number) in cases {
        let built = factory()
            .build(
                &request,
                &OutgoingCredentials::default(),
                &CustomHeaders::new(),
                None,
            )
            .unwrap();
        let recorded = exchange(number).request().unwrap();
        assert_eq!(built.method(), recorded.method(), "{}", request.call());
        assert_eq!(
            built.uri().path(),
            recorded.uri().path(),
            "{}",
            request.call()
        );
        assert_eq!(built.uri().authority().unwrap(), "127.0.0.1:9000");
        // The same JSON bytes as curl sent.
        assert_eq!(built.body(), recorded.body(), "{}", request.call());
        assert_eq!(
            header(&built, "content-type"),
            header(&recorded, "content-type"),
            "{}",
            request.call()
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
    }
}

#[test]
fn a_prefix_in_the_base_url_is_kept() {
    let factory = RequestFactory::new(BaseUrl::parse("https://shop.example.com/medusa/").unwrap());
    for call in Call::ALL {
        let email = "a@b.io";
        let password = SecretString::from("pw");
        let request = match call {
            Call::AdminCreateSession => AuthRequest::AdminCreateSession {
                email,
                password: &password,
            },
            Call::AdminGetSession => AuthRequest::AdminGetSession,
            Call::AdminDeleteSession => AuthRequest::AdminDeleteSession,
            Call::AdminGetToken => AuthRequest::AdminGetToken {
                email,
                password: &password,
            },
            Call::StoreAuthenticate => AuthRequest::StoreAuthenticate {
                email,
                password: &password,
            },
            Call::StoreGetSession => AuthRequest::StoreGetSession,
            Call::StoreDeleteSession => AuthRequest::StoreDeleteSession,
            Call::StoreExists => AuthRequest::StoreExists { email },
            Call::StoreGetToken => AuthRequest::StoreGetToken {
                email,
                password: &password,
            },
        };
        let built = factory
            .build(
                &request,
                &OutgoingCredentials::default(),
                &CustomHeaders::new(),
                None,
            )
            .unwrap();
        let expected = format!(
            "https://shop.example.com/medusa{}",
            call.path_template().replace("{email}", email)
        );
        assert_eq!(built.uri().to_string(), expected);
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
        let built = factory()
            .build(
                &AuthRequest::StoreExists { email },
                &OutgoingCredentials::default(),
                &CustomHeaders::new(),
                None,
            )
            .unwrap();
        assert_eq!(built.uri().path(), path);
        assert_eq!(built.uri().query(), None);
        // One segment after /store/auth.
        assert_eq!(built.uri().path().split('/').count(), 4);
    }
}

#[test]
fn admin_credentials_are_never_sent_to_store_routes() {
    let factory = factory().with_api_key(&"client_api_key".into()).unwrap();
    let api_token = SecretString::from("session_api_token");
    let admin_jwt = AccessToken::new(Side::Admin, "eyJ.admin.jwt".into());
    let password = SecretString::from("pw");
    let store_calls = [
        AuthRequest::StoreAuthenticate {
            email: "c@x.io",
            password: &password,
        },
        AuthRequest::StoreGetSession,
        AuthRequest::StoreDeleteSession,
        AuthRequest::StoreExists { email: "c@x.io" },
        AuthRequest::StoreGetToken {
            email: "c@x.io",
            password: &password,
        },
    ];
    for request in store_calls {
        let credentials = OutgoingCredentials {
            cookie: None,
            bearer: None,
            api_token: Some(&api_token),
        };
        let built = factory
            .build(&request, &credentials, &CustomHeaders::new(), None)
            .unwrap();
        assert!(
            built.headers().get(ACCESS_TOKEN).is_none(),
            "{}",
            request.call()
        );
        assert!(
            built.headers().get("authorization").is_none(),
            "{}",
            request.call()
        );
        // An admin JWT offered to a store call is refused outright.
        let credentials = OutgoingCredentials {
            cookie: None,
            bearer: Some(&admin_jwt),
            api_token: None,
        };
        let error = factory
            .build(&request, &credentials, &CustomHeaders::new(), None)
            .unwrap_err();
        assert!(matches!(
            error,
            Error::InvalidInput(InvalidInput::BearerForOtherSide {
                token_side: Side::Admin,
                call_side: Side::Store
            })
        ));
    }
}

#[test]
fn an_api_token_on_a_store_call_is_refused() {
    let custom = CustomHeaders::new()
        .with("x-medusa-access-token", "real_medusa_admin_api_token")
        .unwrap();
    for request in [
        AuthRequest::StoreGetSession,
        AuthRequest::StoreExists { email: "c@x.io" },
    ] {
        let error = factory()
            .build(&request, &OutgoingCredentials::default(), &custom, None)
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidInput(InvalidInput::ApiTokenOnStoreRoute)
            ),
            "{error:?}"
        );
        assert!(!error.to_string().contains("real_medusa"));
    }
    // A default header of that name is an admin credential too: left off store calls.
    let factory = factory().with_default_headers(custom.clone());
    let built = factory
        .build(
            &AuthRequest::StoreGetSession,
            &OutgoingCredentials::default(),
            &CustomHeaders::new(),
            None,
        )
        .unwrap();
    assert!(built.headers().get(ACCESS_TOKEN).is_none());
    let built = factory
        .build(
            &AuthRequest::AdminGetSession,
            &OutgoingCredentials::default(),
            &CustomHeaders::new(),
            None,
        )
        .unwrap();
    assert!(built.headers().get(ACCESS_TOKEN).is_some());
}

#[test]
fn the_api_key_rule_of_the_js_client() {
    let factory = factory().with_api_key(&"client_api_key".into()).unwrap();
    let password = SecretString::from("pw");
    let cases = [
        (
            AuthRequest::AdminCreateSession {
                email: "a@x.io",
                password: &password,
            },
            false,
        ),
        (AuthRequest::AdminGetSession, true),
        (AuthRequest::AdminDeleteSession, true),
        (
            AuthRequest::AdminGetToken {
                email: "a@x.io",
                password: &password,
            },
            true,
        ),
    ];
    for (request, sent) in cases {
        let built = factory
            .build(
                &request,
                &OutgoingCredentials::default(),
                &CustomHeaders::new(),
                None,
            )
            .unwrap();
        let value = built.headers().get(ACCESS_TOKEN);
        assert_eq!(value.is_some(), sent, "{}", request.call());
        if let Some(value) = value {
            assert_eq!(value, "client_api_key");
            assert!(value.is_sensitive());
        }
    }
    // A session's own API token wins over the client's.
    let own = SecretString::from("session_api_token");
    let credentials = OutgoingCredentials {
        cookie: None,
        bearer: None,
        api_token: Some(&own),
    };
    let built = factory
        .build(
            &AuthRequest::AdminGetSession,
            &credentials,
            &CustomHeaders::new(),
            None,
        )
        .unwrap();
    assert_eq!(built.headers()[ACCESS_TOKEN], "session_api_token");
}

#[test]
fn credentials_go_with_the_calls_of_their_side() {
    let admin_jwt = AccessToken::new(Side::Admin, "eyJ.admin.jwt".into());
    let cookie = http::HeaderValue::from_static("connect.sid=s%3Aabc.def");
    let credentials = OutgoingCredentials {
        cookie: Some(cookie),
        bearer: Some(&admin_jwt),
        api_token: None,
    };
    let password = SecretString::from("pw");
    let login = factory()
        .build(
            &AuthRequest::AdminCreateSession {
                email: "a@x.io",
                password: &password,
            },
            &credentials,
            &CustomHeaders::new(),
            None,
        )
        .unwrap();
    // The login carries the cookie (the server keeps its sid) but not the bearer.
    assert_eq!(
        header(&login, "cookie").as_deref(),
        Some("connect.sid=s%3Aabc.def")
    );
    assert!(login.headers().get("authorization").is_none());
    let get = factory()
        .build(
            &AuthRequest::AdminGetSession,
            &credentials,
            &CustomHeaders::new(),
            None,
        )
        .unwrap();
    assert_eq!(
        header(&get, "authorization").as_deref(),
        Some("Bearer eyJ.admin.jwt")
    );
    assert!(get.headers()["authorization"].is_sensitive());
    assert!(get.headers()["cookie"].is_sensitive());
}

#[test]
fn publishable_key_on_every_request_and_idempotency_key_on_posts() {
    let factory = factory().with_publishable_api_key("pk_01H").unwrap();
    let password = SecretString::from("pw");
    let requests = [
        AuthRequest::AdminCreateSession {
            email: "a@x.io",
            password: &password,
        },
        AuthRequest::AdminGetSession,
        AuthRequest::StoreDeleteSession,
        AuthRequest::StoreExists { email: "a@x.io" },
        AuthRequest::StoreGetToken {
            email: "a@x.io",
            password: &password,
        },
    ];
    for request in requests {
        let built = factory
            .build(
                &request,
                &OutgoingCredentials::default(),
                &CustomHeaders::new(),
                Some("3f1c9e0a-2b8d-4c55-9a51-8f0e6b1d2c3a"),
            )
            .unwrap();
        assert_eq!(built.headers()[PUBLISHABLE_API_KEY], "pk_01H");
        let is_post = request.call().method() == http::Method::POST;
        assert_eq!(
            built.headers().get(IDEMPOTENCY_KEY).is_some(),
            is_post,
            "{}",
            request.call()
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
    let factory = factory()
        .with_default_headers(defaults)
        .with_user_agent("my-service/2")
        .unwrap();
    let custom = CustomHeaders::new()
        .with("x-trace", "per-call")
        .unwrap()
        .with("accept", "application/vnd.custom+json")
        .unwrap()
        .with("authorization", "Bearer caller-chosen")
        .unwrap();
    let admin_jwt = AccessToken::new(Side::Admin, "eyJ.admin.jwt".into());
    let credentials = OutgoingCredentials {
        cookie: None,
        bearer: Some(&admin_jwt),
        api_token: None,
    };
    let built = factory
        .build(&AuthRequest::AdminGetSession, &credentials, &custom, None)
        .unwrap();
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
    assert_eq!(
        header(&built, "user-agent").as_deref(),
        Some("my-service/2")
    );
    let custom = CustomHeaders::new()
        .with("user-agent", "per-call-agent/1")
        .unwrap();
    let built = factory
        .build(&AuthRequest::AdminGetSession, &credentials, &custom, None)
        .unwrap();
    assert_eq!(
        header(&built, "user-agent").as_deref(),
        Some("per-call-agent/1")
    );
}

#[test]
fn bad_input_is_refused_before_anything_is_built() {
    let empty = SecretString::from("");
    let good = SecretString::from("pw");
    let huge = SecretString::from("p".repeat(5000));
    type Expected = fn(&InvalidInput) -> bool;
    let cases: [(AuthRequest<'_>, Expected); 6] = [
        (
            AuthRequest::AdminCreateSession {
                email: "not-an-email",
                password: &good,
            },
            |e| matches!(e, InvalidInput::InvalidEmail { .. }),
        ),
        (
            AuthRequest::AdminGetToken {
                email: "a@x.io",
                password: &empty,
            },
            |e| *e == InvalidInput::EmptyPassword,
        ),
        (
            AuthRequest::StoreAuthenticate {
                email: "a@x.io",
                password: &huge,
            },
            |e| matches!(e, InvalidInput::PasswordTooLong { .. }),
        ),
        (
            AuthRequest::StoreGetToken {
                email: "",
                password: &good,
            },
            |e| matches!(e, InvalidInput::InvalidEmail { .. }),
        ),
        (
            AuthRequest::StoreAuthenticate {
                email: "a@x.io\r\nX-Injected: 1",
                password: &good,
            },
            |e| matches!(e, InvalidInput::InvalidEmail { .. }),
        ),
        (AuthRequest::StoreExists { email: "" }, |e| {
            matches!(e, InvalidInput::InvalidEmail { .. })
        }),
    ];
    for (request, expected) in cases {
        match factory().build(
            &request,
            &OutgoingCredentials::default(),
            &CustomHeaders::new(),
            None,
        ) {
            Err(Error::InvalidInput(input)) => {
                assert!(expected(&input), "{}: {input:?}", request.call())
            }
            other => panic!("{}: {other:?}", request.call()),
        }
    }
}
