//! Sessions over an in-test transport that answers with the recorded responses of
//! transcripts.md: cookies, tokens, logout, isolation, the least-privilege wire
//! rules, per-call headers, and the trait objects a service holds.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use medusa_auth_core::internal::Endpoint;
use medusa_auth_core::{
    AccessToken, AdminAuthApi, AuthSession, Credentials, CustomHeaders, Error, ExposeSecret,
    InvalidInput, MissingCookieReason, SessionFactory, Side, StoreAuthApi, TransportError,
    TransportErrorKind,
};
use medusa_auth_testdata::{exchange, production};
use support::{
    PASSWORD, Scripted, builder, call, client, cookie_of, header, loaded, recorded_jwt, run,
};

fn none() -> CustomHeaders {
    CustomHeaders::new()
}

/// The credential headers a request carries, by name: the rules below are about
/// which of them go where.
const CREDENTIAL_HEADERS: [&str; 4] = [
    "cookie",
    "authorization",
    "x-medusa-access-token",
    "x-publishable-api-key",
];

fn credentials_sent(request: &http::Request<Bytes>) -> Vec<&'static str> {
    CREDENTIAL_HEADERS
        .into_iter()
        .filter(|name| request.headers().contains_key(*name))
        .collect()
}

#[test]
fn the_login_cookie_is_sent_back_byte_for_byte() {
    let transport = Scripted::new();
    transport.answer(11).answer(12);
    let session = client(&transport).session();
    run(async {
        let user = session
            .admin()
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap();
        assert_eq!(user.email, "admin@example.com");
        session.admin().get_session().await.unwrap();
    });
    let sent = transport.sent();
    assert_eq!(header(&sent[0], "cookie"), None);
    assert_eq!(header(&sent[1], "cookie").unwrap(), cookie_of(11));
    // exactly what curl sent in exchange 12
    assert_eq!(
        header(&sent[1], "cookie"),
        header(&exchange(12).request().unwrap(), "cookie")
    );
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        exchange(11).set_cookie_value().unwrap()
    );
}

#[test]
fn an_anonymous_set_cookie_is_kept_and_the_login_reuses_it() {
    // A login, then another login answered with the same sid (as in exchanges
    // 64/65), then the session is used.
    let transport = Scripted::new();
    transport.answer(64).answer(65).answer(67);
    let session = client(&transport).session();
    run(async {
        session
            .admin()
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap();
        session
            .store()
            .authenticate("customer@example.com", PASSWORD)
            .await
            .unwrap();
        session.admin().get_session().await.unwrap();
    });
    let sent = transport.sent();
    assert_eq!(header(&sent[1], "cookie").unwrap(), cookie_of(64));
    assert_eq!(header(&sent[2], "cookie").unwrap(), cookie_of(65));
    assert_eq!(cookie_of(64), cookie_of(65), "the server kept the sid");

    // 401 with an anonymous cookie: kept, and sent with the next request.
    let transport = Scripted::new();
    transport.answer(13).answer(44);
    let session = client(&transport).session();
    run(async {
        let error = session.admin().get_session().await.unwrap_err();
        assert!(error.is_unauthorized());
        session.store().get_session().await.unwrap_err();
    });
    assert_eq!(
        header(&transport.sent()[1], "cookie").unwrap(),
        cookie_of(13)
    );
}

#[test]
fn login_200_without_a_cookie_is_a_clear_error() {
    let transport = Scripted::new();
    transport.push(Ok(production("POST /admin/auth").response()));
    let session = client(&transport).session();
    let error = run(session
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap_err();
    assert!(
        matches!(
            error,
            Error::SessionCookieMissing {
                side: Side::Admin,
                reason: MissingCookieReason::NotSet,
                ..
            }
        ),
        "{error:?}"
    );
    let shown = error.to_string();
    assert!(
        shown.contains("HTTPS") && shown.contains("bearer"),
        "{shown}"
    );
    assert!(!shown.contains(PASSWORD));

    // A Secure cookie over plain HTTP to a host that is not loopback can never be sent.
    let transport = Scripted::new();
    transport.push(Ok(production("X-Forwarded-Proto").response()));
    let (builder, _) = builder(&transport);
    let client = builder.base_url("http://shop.example.com").build().unwrap();
    let error = run(client
        .session()
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap_err();
    assert!(
        matches!(
            error,
            Error::SessionCookieMissing {
                reason: MissingCookieReason::SecureOverPlainHttp,
                ..
            }
        ),
        "{error:?}"
    );

    // Over HTTPS the same answer is a working session.
    let transport = Scripted::new();
    transport
        .push(Ok(production("X-Forwarded-Proto").response()))
        .answer(12);
    let (builder, _) = support::builder(&transport);
    let client = builder
        .base_url("https://shop.example.com")
        .build()
        .unwrap();
    let session = client.session();
    run(session
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap();
    run(session.admin().get_session()).unwrap();
    assert!(
        header(&transport.last(), "cookie")
            .unwrap()
            .starts_with("connect.sid=s%3AnIZzltDnvRqdVhXnZPm4TFAd7YhzKWLd.")
    );
}

#[test]
fn an_expired_cookie_is_not_sent() {
    let transport = Scripted::new();
    transport.answer(11).answer(13);
    let (builder, clock) = builder(&transport);
    let session = builder.build().unwrap().session();
    run(session
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap();
    // The cookie of exchange 11 expires at 23:08:29, ten hours after the recording.
    clock.advance(Duration::from_secs(10 * 3600));
    run(session.admin().get_session()).unwrap_err();
    assert_eq!(header(&transport.last(), "cookie"), None);
    assert!(session.session_cookie().is_none());
}

#[test]
fn a_cookie_belongs_to_its_origin() {
    let transport = Scripted::new();
    transport.answer(11).answer(13);
    let session = client(&transport).session();
    run(session
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap();
    let cookie = session.session_cookie().unwrap();
    // A client for another origin given the same transport never sees it.
    let (other, _) = support::builder(&transport);
    let other = other.base_url("http://127.0.0.1:9001").build().unwrap();
    run(other.session().admin().get_session()).unwrap_err();
    assert_eq!(header(&transport.last(), "cookie"), None);
    assert!(!cookie.expose_secret().is_empty());
}

#[test]
fn delete_session_forgets_the_cookie_and_the_token() {
    let transport = Scripted::new();
    transport.answer(11).answer(15).answer(23).answer(13);
    let session = client(&transport).session();
    run(async {
        session
            .admin()
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap();
        session
            .admin()
            .get_token("admin@example.com", PASSWORD)
            .await
            .unwrap();
        assert!(session.bearer(Side::Admin).is_some());
        session.admin().delete_session().await.unwrap();
        session.admin().get_session().await.unwrap_err();
    });
    let sent = transport.sent();
    // The logout carries the cookie only; 0.1 sent the JWT with it too.
    assert!(
        header(&sent[2], "cookie")
            .unwrap()
            .starts_with("connect.sid=s%3A")
    );
    assert_eq!(header(&sent[2], "authorization"), None);
    // After the logout: neither the cookie nor the JWT.
    assert_eq!(header(&sent[3], "cookie"), None);
    assert_eq!(header(&sent[3], "authorization"), None);
    assert!(session.bearer(Side::Admin).is_none());
}

#[test]
fn store_logout_keeps_an_admin_login_in_the_same_cookie() {
    let transport = Scripted::new();
    transport
        .answer(64)
        .answer(65)
        .answer(66)
        .answer(67)
        .answer(68);
    let session = client(&transport).session();
    run(async {
        session
            .admin()
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap();
        session
            .store()
            .authenticate("customer@example.com", PASSWORD)
            .await
            .unwrap();
        session.store().delete_session().await.unwrap();
        // exchange 66 re-sent the cookie: it is kept, and the admin is still in.
        session.admin().get_session().await.unwrap();
        assert!(
            session
                .store()
                .get_session()
                .await
                .unwrap_err()
                .is_unauthorized()
        );
    });
    let sent = transport.sent();
    assert_eq!(header(&sent[3], "cookie").unwrap(), cookie_of(64));
    assert_eq!(header(&sent[4], "cookie").unwrap(), cookie_of(64));
}

#[test]
fn get_token_is_used_as_a_bearer_on_its_own_side_only() {
    let transport = Scripted::new();
    transport
        .answer(15)
        .answer(18)
        .answer(44)
        .answer(45)
        .answer(48)
        .answer(18);
    let session = client(&transport).session();
    run(async {
        let token = session
            .admin()
            .get_token("admin@example.com", PASSWORD)
            .await
            .unwrap();
        assert_eq!(token.side(), Side::Admin);
        session.admin().get_session().await.unwrap();
        session.store().get_session().await.unwrap_err();
        session
            .store()
            .get_token("customer@example.com", PASSWORD)
            .await
            .unwrap();
        session.store().get_session().await.unwrap();
        session.admin().get_session().await.unwrap();
    });
    let sent = transport.sent();
    let admin_bearer = header(&exchange(18).request().unwrap(), "authorization").unwrap();
    let store_bearer = header(&exchange(48).request().unwrap(), "authorization").unwrap();
    assert_eq!(header(&sent[0], "authorization"), None);
    assert_eq!(header(&sent[1], "authorization").unwrap(), admin_bearer);
    assert_eq!(
        header(&sent[2], "authorization"),
        None,
        "the admin JWT never goes to /store"
    );
    assert_eq!(
        header(&sent[3], "authorization"),
        None,
        "a login never carries a JWT"
    );
    assert_eq!(header(&sent[4], "authorization").unwrap(), store_bearer);
    assert_eq!(header(&sent[5], "authorization").unwrap(), admin_bearer);
}

#[test]
fn a_bearer_or_api_token_given_to_a_fresh_session_works() {
    let transport = Scripted::new();
    transport.answer(15).answer(18).answer(20);
    let client = client(&transport);
    let token = run(client
        .session()
        .admin()
        .get_token("admin@example.com", PASSWORD))
    .unwrap();
    let with_bearer = client.session_with(Credentials::Bearer(token)).unwrap();
    run(with_bearer.admin().get_session()).unwrap();
    assert_eq!(
        header(&transport.last(), "authorization"),
        header(&exchange(18).request().unwrap(), "authorization")
    );
    assert_eq!(
        header(&transport.last(), "cookie"),
        None,
        "a fresh session has no cookie"
    );

    let with_api_token = client
        .session_with(Credentials::ApiToken("real_medusa_admin_api_token".into()))
        .unwrap();
    run(with_api_token.admin().get_session()).unwrap();
    assert_eq!(
        header(&transport.last(), "x-medusa-access-token").unwrap(),
        "real_medusa_admin_api_token"
    );
    assert_eq!(header(&transport.last(), "authorization"), None);
}

#[test]
fn an_api_token_is_never_sent_to_the_store() {
    let transport = Scripted::new();
    transport.answer(44).answer(51);
    let (builder, _) = builder(&transport);
    let client = builder.api_key("client_api_key").build().unwrap();
    let session = client
        .session_with(Credentials::ApiToken("session_api_token".into()))
        .unwrap();
    run(session.store().get_session()).unwrap_err();
    run(session.store().exists("customer@example.com")).unwrap();
    for request in transport.sent() {
        assert!(request.headers().get("x-medusa-access-token").is_none());
    }
    // And a per-call API token on a store call never leaves.
    let error = run(session
        .store()
        .get_session()
        .header("x-medusa-access-token", "session_api_token"))
    .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidInput(InvalidInput::ApiTokenOnStoreRoute)
        ),
        "{error:?}"
    );
    assert_eq!(transport.sent_count(), 2);
}

#[test]
fn a_session_cookie_given_by_hand_is_sent() {
    let transport = Scripted::new();
    transport.answer(12);
    let client = client(&transport);
    let value = exchange(11).set_cookie_value().unwrap();
    let session = client
        .session_with(Credentials::SessionCookie(value.clone().into()))
        .unwrap();
    run(session.admin().get_session()).unwrap();
    assert_eq!(
        header(&transport.last(), "cookie").unwrap(),
        format!("connect.sid={value}")
    );
    assert!(
        client
            .session_with(Credentials::SessionCookie("bad\r\nvalue".into()))
            .is_err()
    );
    // A JWT or API token a header cannot carry is refused when given, not at the
    // next call.
    for refused in [
        Credentials::Bearer(AccessToken::new(Side::Store, "eyJ.bad\nvalue.x".into())),
        Credentials::ApiToken("token\u{7f}".into()),
        Credentials::ApiToken("jeton-\u{e9}".into()),
    ] {
        let error = client.session_with(refused).unwrap_err();
        assert!(!error.to_string().contains("bad"), "{error}");
    }
    assert_eq!(transport.sent_count(), 1);
}

#[test]
fn two_sessions_of_one_client_never_see_each_others_credentials() {
    // Two customers logged in on two sessions of one client (one transport).
    let transport = Scripted::new();
    transport
        .answer(36)
        .answer(41)
        .answer(43)
        .answer(43)
        .answer_without_cookie(45)
        .answer(48)
        .answer(44);
    let client = client(&transport);
    let alice = client.session();
    let bob = client.session();
    run(async {
        alice
            .store()
            .authenticate("customer@example.com", PASSWORD)
            .await
            .unwrap();
        bob.store()
            .authenticate("CUSTOMER@EXAMPLE.COM", PASSWORD)
            .await
            .unwrap();
        alice.store().get_session().await.unwrap();
        bob.store().get_session().await.unwrap();
        bob.store()
            .get_token("customer@example.com", PASSWORD)
            .await
            .unwrap();
        bob.store().get_session().await.unwrap();
        alice.store().delete_session().await.unwrap_err();
    });
    let sent = transport.sent();
    let (alice_cookie, bob_cookie) = (cookie_of(36), cookie_of(41));
    assert_ne!(alice_cookie, bob_cookie);
    assert_eq!(header(&sent[2], "cookie").unwrap(), alice_cookie);
    assert_eq!(header(&sent[3], "cookie").unwrap(), bob_cookie);
    assert_eq!(header(&sent[5], "cookie").unwrap(), bob_cookie);
    assert!(header(&sent[5], "authorization").is_some());
    // Bob's JWT never reached Alice's requests.
    assert_eq!(header(&sent[6], "cookie").unwrap(), alice_cookie);
    assert_eq!(header(&sent[6], "authorization"), None);
    assert!(alice.bearer(Side::Store).is_none());
    assert!(bob.bearer(Side::Store).is_some());
    // Alice's failed logout forgot her session, not Bob's; clones of a session are
    // the same user, a new session is nobody.
    assert!(alice.clone().session_cookie().is_none());
    assert!(bob.clone().session_cookie().is_some());
    assert!(client.session().session_cookie().is_none());
}

#[test]
fn an_expired_jwt_is_not_sent_and_the_error_says_so() {
    let transport = Scripted::new();
    transport.answer(15).answer(13);
    let (builder, clock) = builder(&transport);
    let session = builder.build().unwrap().session();
    let token = run(session.admin().get_token("admin@example.com", PASSWORD)).unwrap();
    clock.advance(Duration::from_secs(25 * 3600));
    let error = run(session.admin().get_session()).unwrap_err();
    assert!(
        matches!(
            error,
            Error::TokenExpired {
                side: Side::Admin,
                expired_at,
                ..
            } if Some(expired_at) == token.expires_at()
        ),
        "{error:?}"
    );
    assert!(error.is_unauthorized());
    assert_eq!(header(&transport.last(), "authorization"), None);
}

#[test]
fn a_bearer_of_the_other_side_cannot_be_misplaced() {
    let transport = Scripted::new();
    transport.answer(44);
    let client = client(&transport);
    let admin = AccessToken::new(Side::Admin, "eyJ.admin.jwt".into());
    let session = client.session_with(Credentials::Bearer(admin)).unwrap();
    run(session.store().get_session()).unwrap_err();
    assert_eq!(header(&transport.last(), "authorization"), None);
}

#[test]
fn invalid_input_sends_nothing() {
    let transport = Scripted::new();
    let session = client(&transport).session();
    run(async {
        for result in [
            session
                .admin()
                .create_session("not-an-email", PASSWORD)
                .await
                .map(|_| ()),
            session
                .admin()
                .get_token("admin@example.com", "")
                .await
                .map(|_| ()),
            session
                .store()
                .authenticate("a@x.io", "x".repeat(100_000))
                .await
                .map(|_| ()),
        ] {
            assert!(matches!(result, Err(Error::InvalidInput(_))), "{result:?}");
        }
    });
    assert_eq!(transport.sent_count(), 0);
}

#[test]
fn a_lost_logout_answer_still_forgets_the_session() {
    let transport = Scripted::new();
    transport.answer(11).answer(15);
    transport.push(Err(TransportError::other("connection reset")));
    transport.answer(13);
    let session = client(&transport).session();
    run(async {
        session
            .admin()
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap();
        session
            .admin()
            .get_token("admin@example.com", PASSWORD)
            .await
            .unwrap();
        let error = session.admin().delete_session().await.unwrap_err();
        let Error::LogoutUnconfirmed {
            side: Side::Admin,
            cause,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert!(matches!(**cause, Error::Transport(_)));
        assert!(error.to_string().contains("forgot"), "{error}");
        assert!(!error.is_unauthorized());
        session.admin().get_session().await.unwrap_err();
    });
    let last = transport.last();
    assert_eq!(header(&last, "cookie"), None);
    assert_eq!(header(&last, "authorization"), None);
    assert!(session.bearer(Side::Admin).is_none());

    // An error answer (503, no retries) forgets too.
    let transport = Scripted::new();
    transport
        .answer(36)
        .respond(503, &[], "Service Unavailable")
        .answer(44);
    let session = support::client(&transport).session();
    run(async {
        session
            .store()
            .authenticate("customer@example.com", PASSWORD)
            .await
            .unwrap();
        let error = session.store().delete_session().await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert!(error.is_retryable());
        session.store().get_session().await.unwrap_err();
    });
    assert_eq!(header(&transport.last(), "cookie"), None);
}

#[test]
fn a_logout_refused_with_401_is_still_classified_as_unauthorized() {
    let transport = Scripted::new();
    transport.answer(25);
    let session = client(&transport).session();
    let error = run(session.admin().delete_session()).unwrap_err();
    assert!(matches!(error, Error::LogoutUnconfirmed { .. }));
    assert!(error.is_unauthorized());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.api_kind(), None);
}

// The least-privilege rules of the wire: each call carries the credentials it needs
// and no other, whatever the session holds.

#[test]
fn a_logout_sends_the_cookie_and_nothing_else() {
    for (endpoint, answer) in [
        (Endpoint::AdminDeleteSession, 23),
        (Endpoint::StoreDeleteSession, 60),
    ] {
        let transport = Scripted::new();
        transport.answer(answer);
        let session = loaded(&transport);
        run(call(&session, endpoint, "", none())).unwrap();
        let sent = transport.last();
        assert_eq!(credentials_sent(&sent), ["cookie"], "{endpoint}");
        assert_eq!(header(&sent, "cookie").unwrap(), cookie_of(11));
        // The other side's JWT is still held; this side's is forgotten.
        let other = match endpoint.side() {
            Side::Admin => Side::Store,
            Side::Store => Side::Admin,
        };
        assert!(session.bearer(endpoint.side()).is_none(), "{endpoint}");
        assert!(session.bearer(other).is_some(), "{endpoint}");
    }
}

#[test]
fn the_logins_never_carry_a_bearer_or_an_api_token() {
    for (endpoint, answer) in [
        (Endpoint::AdminCreateSession, 11),
        (Endpoint::AdminGetToken, 15),
        (Endpoint::StoreAuthenticate, 36),
        (Endpoint::StoreGetToken, 45),
    ] {
        let transport = Scripted::new();
        transport.answer(answer);
        let session = loaded(&transport);
        let email = match endpoint.side() {
            Side::Admin => "admin@example.com",
            Side::Store => "customer@example.com",
        };
        run(call(&session, endpoint, email, none())).unwrap();
        let sent = transport.last();
        // The cookie goes (the server keeps its sid); the publishable key goes to
        // the store logins.
        let expected: &[&str] = match endpoint.side() {
            Side::Admin => &["cookie"],
            Side::Store => &["cookie", "x-publishable-api-key"],
        };
        assert_eq!(credentials_sent(&sent), expected, "{endpoint}");
    }
}

#[test]
fn the_publishable_key_goes_to_store_routes_and_never_to_admin_routes() {
    let expected = [
        (Endpoint::AdminCreateSession, false),
        (Endpoint::AdminGetSession, false),
        (Endpoint::AdminDeleteSession, false),
        (Endpoint::AdminGetToken, false),
        (Endpoint::StoreAuthenticate, true),
        (Endpoint::StoreGetSession, true),
        (Endpoint::StoreDeleteSession, false),
        (Endpoint::StoreExists, true),
        (Endpoint::StoreGetToken, true),
    ];
    for (endpoint, carries_key) in expected {
        let transport = Scripted::new();
        let session = loaded(&transport);
        let _ = run(call(&session, endpoint, "a@x.io", none()));
        assert_eq!(
            header(&transport.last(), "x-publishable-api-key"),
            carries_key.then(|| "pk_01H".to_owned()),
            "{endpoint}"
        );
    }
    // The routes of any other request follow the same rule.
    for (path, carries_key) in [
        ("/store/products", true),
        ("/store", true),
        ("/admin/products", false),
        ("/health", false),
        ("/stores", false),
    ] {
        let transport = Scripted::new();
        let session = loaded(&transport);
        let _ = run(session.get(path));
        assert_eq!(
            header(&transport.last(), "x-publishable-api-key").is_some(),
            carries_key,
            "{path}"
        );
    }
}

#[test]
fn who_am_i_and_exists_carry_what_they_need() {
    let cases: [(Endpoint, &[&str]); 3] = [
        (
            Endpoint::AdminGetSession,
            &["cookie", "authorization", "x-medusa-access-token"],
        ),
        (
            Endpoint::StoreGetSession,
            &["cookie", "authorization", "x-publishable-api-key"],
        ),
        // exists: the cookie and the publishable key, no bearer.
        (Endpoint::StoreExists, &["cookie", "x-publishable-api-key"]),
    ];
    for (endpoint, expected) in cases {
        let transport = Scripted::new();
        let session = loaded(&transport);
        let _ = run(call(&session, endpoint, "customer@example.com", none()));
        let sent = transport.last();
        assert_eq!(credentials_sent(&sent), expected, "{endpoint}");
        if let Some(bearer) = header(&sent, "authorization") {
            let own = recorded_jwt(endpoint.side());
            assert_eq!(bearer, format!("Bearer {}", own.expose_secret()));
        }
        if let Some(token) = header(&sent, "x-medusa-access-token") {
            assert_eq!(token, "session_api_token");
        }
    }
}

// Per-call headers, on the call before `.await`.

#[test]
fn per_call_headers_reach_the_wire_and_win_over_defaults() {
    let transport = Scripted::new();
    transport.answer(12).answer(51).answer(12);
    let (builder, _) = builder(&transport);
    let client = builder
        .default_header("x-tenant", "eu")
        .default_header("x-trace", "default")
        .user_agent("my-service/2")
        .build()
        .unwrap();
    let session = client
        .session_with(Credentials::SessionCookie(
            exchange(11).set_cookie_value().unwrap().into(),
        ))
        .unwrap();
    run(async {
        session
            .admin()
            .get_session()
            .header("x-request-id", "7f2c")
            .header("x-trace", "per-call")
            .header("user-agent", "per-call-agent/1")
            .await
            .unwrap();
        let many = CustomHeaders::new()
            .with("x-trace", "from-headers")
            .unwrap()
            .with("accept", "application/vnd.custom+json")
            .unwrap();
        session
            .store()
            .exists("customer@example.com")
            .header("x-trace", "replaced")
            .headers(many)
            .header("x-request-id", "last")
            .await
            .unwrap();
        // The next call has none of them.
        session.admin().get_session().await.unwrap();
    });
    let sent = transport.sent();
    assert_eq!(header(&sent[0], "x-request-id").as_deref(), Some("7f2c"));
    assert_eq!(header(&sent[0], "x-trace").as_deref(), Some("per-call"));
    assert_eq!(header(&sent[0], "x-tenant").as_deref(), Some("eu"));
    assert_eq!(
        header(&sent[0], "user-agent").as_deref(),
        Some("per-call-agent/1")
    );
    assert_eq!(header(&sent[0], "cookie").unwrap(), cookie_of(11));
    // Later ones replace earlier ones of the same name.
    assert_eq!(header(&sent[1], "x-trace").as_deref(), Some("from-headers"));
    assert_eq!(header(&sent[1], "x-request-id").as_deref(), Some("last"));
    assert_eq!(
        header(&sent[1], "accept").as_deref(),
        Some("application/vnd.custom+json")
    );
    assert_eq!(header(&sent[2], "x-request-id"), None);
    assert_eq!(header(&sent[2], "x-trace").as_deref(), Some("default"));
    assert_eq!(
        header(&sent[2], "user-agent").as_deref(),
        Some("my-service/2")
    );
}

#[test]
fn a_per_call_header_wins_over_the_credentials_the_sdk_sets() {
    let transport = Scripted::new();
    transport.answer(12);
    let session = loaded(&transport);
    run(session
        .admin()
        .get_session()
        .header("authorization", "Bearer caller-chosen"))
    .unwrap();
    let sent = transport.last();
    assert_eq!(
        header(&sent, "authorization").as_deref(),
        Some("Bearer caller-chosen")
    );
    assert!(sent.headers()["authorization"].is_sensitive());
}

#[test]
fn a_bad_header_fails_the_call_when_awaited_and_nothing_is_sent() {
    let transport = Scripted::new();
    transport.answer(12);
    let session = client(&transport).session();
    type Expected = fn(&InvalidInput) -> bool;
    let cases: [(&str, &str, Expected); 5] = [
        ("x-bad", "line\r\nSet-Cookie: x", |e| {
            matches!(e, InvalidInput::InvalidHeaderValue { .. })
        }),
        ("x-bad", "caf\u{e9}", |e| {
            matches!(e, InvalidInput::InvalidHeaderValue { .. })
        }),
        ("bad name", "v", |e| {
            matches!(e, InvalidInput::InvalidHeaderName { .. })
        }),
        ("host", "evil.example", |e| {
            matches!(e, InvalidInput::ReservedHeader { .. })
        }),
        ("content-length", "0", |e| {
            matches!(e, InvalidInput::ReservedHeader { .. })
        }),
    ];
    for (name, value, expected) in cases {
        // Made, not awaited: nothing happens.
        let pending = session
            .store()
            .authenticate("customer@example.com", PASSWORD)
            .header(name, value)
            // A good header after a bad one does not hide it.
            .header("x-request-id", "1")
            .headers(CustomHeaders::new().with("x-more", "2").unwrap());
        assert_eq!(transport.sent_count(), 0);
        match run(pending) {
            Err(Error::InvalidInput(input)) => {
                assert!(expected(&input), "{name}: {input:?}");
                assert!(!input.to_string().contains("Set-Cookie"), "{input}");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(transport.sent_count(), 0, "{name}");
    }
    // The same session then works.
    run(session.admin().get_session()).unwrap();
    assert_eq!(transport.sent_count(), 1);
}

#[test]
fn a_call_builder_shows_its_input_and_hides_the_password() {
    let transport = Scripted::new();
    let session = client(&transport).session();
    let pending = session
        .store()
        .authenticate("customer@example.com", PASSWORD)
        .header("x-request-id", "7f2c");
    assert_eq!(pending.input().email(), "customer@example.com");
    assert_eq!(pending.input().password().expose_secret(), PASSWORD);
    assert_eq!(pending.input().options().headers.len(), 1);
    let shown = format!("{pending:?}");
    assert!(shown.contains("customer@example.com"), "{shown}");
    assert!(shown.contains("x-request-id"), "{shown}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    drop(pending);
    assert_eq!(transport.sent_count(), 0, "a builder dropped sends nothing");
}

// The trait objects a service holds.

#[test]
fn an_arc_dyn_store_auth_api_makes_the_same_calls() {
    let transport = Scripted::new();
    transport.answer(36).answer(43).answer(51).answer(60);
    let session = client(&transport).session();
    let store: Arc<dyn StoreAuthApi> = Arc::new(session.clone());
    run(async {
        let customer = store
            .authenticate("customer@example.com", PASSWORD)
            .header("x-request-id", "1")
            .await
            .unwrap();
        assert_eq!(customer.email, "customer@example.com");
        store.get_session().await.unwrap();
        assert!(store.exists("customer@example.com").await.unwrap());
        store.delete_session().await.unwrap();
    });
    let sent = transport.sent();
    let routes: Vec<String> = sent
        .iter()
        .map(|r| format!("{} {}", r.method(), r.uri().path()))
        .collect();
    assert_eq!(
        routes,
        [
            "POST /store/auth",
            "GET /store/auth",
            "GET /store/auth/customer@example.com",
            "DELETE /store/auth",
        ]
    );
    assert_eq!(header(&sent[0], "x-request-id").as_deref(), Some("1"));
    assert_eq!(header(&sent[1], "cookie").unwrap(), cookie_of(36));
    // It is the session: the logout forgot the session's cookie.
    assert!(session.session_cookie().is_none());

    let transport = Scripted::new();
    transport.answer(11).answer(12).answer(15);
    let session = client(&transport).session();
    let admin: Arc<dyn AdminAuthApi> = Arc::new(session.clone());
    run(async {
        admin
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap();
        admin.get_session().await.unwrap();
        admin
            .get_token("admin@example.com", PASSWORD)
            .await
            .unwrap();
    });
    assert_eq!(
        header(&transport.sent()[1], "cookie").unwrap(),
        cookie_of(11)
    );
    assert!(session.bearer(Side::Admin).is_some());
}

#[test]
fn a_client_is_a_session_factory() {
    let transport = Scripted::new();
    transport
        .answer(36)
        .answer(43)
        .json(r#"{"customer":{"id":"cus_1"}}"#);
    let factory: Arc<dyn SessionFactory> = {
        let (builder, _) = builder(&transport);
        Arc::new(builder.publishable_api_key("pk_01H").build().unwrap())
    };
    let alice: Arc<dyn AuthSession> = factory.session();
    let cookie = run(async {
        alice
            .store()
            .authenticate("customer@example.com", PASSWORD)
            .await
            .unwrap();
        alice.session_cookie().unwrap()
    });
    // Another session of the factory is nobody.
    assert!(factory.session().session_cookie().is_none());
    // One restored from the cookie is Alice again, for the v1 calls and any route.
    let restored = factory
        .session_with(Credentials::SessionCookie(cookie))
        .unwrap();
    run(async {
        restored.store().get_session().await.unwrap();
        let me: serde_json::Value = restored.get("/store/customers/me").await.unwrap();
        assert_eq!(me["customer"]["id"], "cus_1");
    });
    let sent = transport.sent();
    assert_eq!(header(&sent[1], "cookie").unwrap(), cookie_of(36));
    assert_eq!(header(&sent[2], "cookie").unwrap(), cookie_of(36));
    assert_eq!(sent[2].uri().path(), "/store/customers/me");
    assert_eq!(
        header(&sent[2], "x-publishable-api-key").as_deref(),
        Some("pk_01H")
    );
    assert!(
        factory
            .session_with(Credentials::SessionCookie("bad\r\nvalue".into()))
            .is_err()
    );
    restored.clear();
    assert!(restored.session_cookie().is_none());
    assert!(alice.session_cookie().is_some(), "sessions share nothing");
}

#[test]
fn a_transport_error_names_the_server_and_the_cause() {
    let refused =
        || TransportError::connect(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
    let transport = Scripted::new();
    transport.push(Err(refused()));
    let session = client(&transport).session();
    let error = run(session
        .store()
        .authenticate("customer@example.com", PASSWORD))
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "could not connect to 127.0.0.1:9000: connection refused"
    );
    let Error::Transport(cause) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(cause.target(), Some("127.0.0.1:9000"));
    assert_eq!(cause.kind(), TransportErrorKind::Connect);
    assert!(std::error::Error::source(cause).is_some());

    // The default port of the scheme is named; a transport that named the server
    // itself is believed.
    let transport = Scripted::new();
    transport
        .push(Err(TransportError::timed_out(true)))
        .push(Err(refused().with_target("10.0.0.7:9000")));
    let (builder, _) = builder(&transport);
    let session = builder
        .base_url("https://shop.example.com/medusa")
        .build()
        .unwrap()
        .session();
    let error = run(session.admin().get_session()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "timed out waiting for shop.example.com:443"
    );
    let error = run(session.admin().get_session()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "could not connect to 10.0.0.7:9000: connection refused"
    );

    // A cause that quotes a credential is masked; the password of the call is never
    // in it.
    let jwt = recorded_jwt(Side::Admin).expose_secret().to_owned();
    let transport = Scripted::new();
    transport.push(Err(TransportError::other(format!(
        "proxy said: Authorization: Bearer {jwt} rejected"
    ))));
    let session = client(&transport).session();
    let error = run(session
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("127.0.0.1:9000"), "{shown}");
    assert!(!error.to_string().contains(&jwt), "{error}");
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[test]
fn a_session_as_a_trait_object_keeps_and_gives_its_credentials() {
    let transport = Scripted::new();
    let session: std::sync::Arc<dyn medusa_auth_core::AuthSession> =
        std::sync::Arc::new(support::client(&transport).session());
    assert!(session.bearer(Side::Admin).is_none());
    session
        .set_credentials(Credentials::Bearer(support::recorded_jwt(Side::Admin)))
        .unwrap();
    assert!(session.bearer(Side::Admin).is_some());
    assert!(session.bearer(Side::Store).is_none());
    assert!(
        session
            .set_credentials(Credentials::SessionCookie("a\r\nb".into()))
            .is_err()
    );
    session
        .set_credentials(Credentials::SessionCookie("s%3Akept.sig".into()))
        .unwrap();
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        "s%3Akept.sig"
    );
    session.clear();
    assert!(session.bearer(Side::Admin).is_none() && session.session_cookie().is_none());
}

#[test]
fn a_login_that_sets_no_cookie_keeps_the_one_the_session_holds() {
    // A second login over a session whose cookie the server already knows: the
    // server may not set it again, and the session it holds is the one logged in.
    let transport = Scripted::new();
    transport.answer_without_cookie(11);
    let session = client(&transport).session();
    session
        .set_credentials(Credentials::SessionCookie("s%3Aheld.sig".into()))
        .unwrap();
    let user = run(session
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap();
    assert_eq!(user.email, "admin@example.com");
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        "s%3Aheld.sig"
    );
}
