//! The client and its session handles over an in-test transport that answers with
//! the recorded responses of transcripts.md: cookies, tokens, logout, isolation.

mod support;

use std::time::Duration;

use medusa_auth_core::{
    AccessToken, AdminAuthApi, Credentials, CustomHeaders, Error, ExposeSecret,
    MissingCookieReason, SecretString, Side, StoreAuthApi,
};
use medusa_auth_testdata::{exchange, production};
use support::{Scripted, header, run};
use support::{builder, client};

fn none() -> CustomHeaders {
    CustomHeaders::new()
}

fn password() -> SecretString {
    "supersecret".into()
}

fn cookie_of(number: u32) -> String {
    format!(
        "connect.sid={}",
        exchange(number).set_cookie_value().unwrap()
    )
}

#[test]
fn the_login_cookie_is_sent_back_byte_for_byte() {
    let transport = Scripted::new();
    transport.answer(11).answer(12);
    let client = client(&transport);
    run(async {
        let user = client
            .admin()
            .create_session("admin@example.com", &password(), &none())
            .await
            .unwrap();
        assert_eq!(user.email, "admin@example.com");
        client.admin().get_session(&none()).await.unwrap();
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
        client
            .default_session()
            .session_cookie()
            .unwrap()
            .expose_secret(),
        exchange(11).set_cookie_value().unwrap()
    );
}

#[test]
fn an_anonymous_set_cookie_is_kept_and_the_login_reuses_it() {
    // 401 with an anonymous cookie, then a login answered with the same sid (as in
    // exchanges 64/65), then the session is used.
    let transport = Scripted::new();
    transport.answer(64).answer(65).answer(67);
    let client = client(&transport);
    run(async {
        // exchange 64 answers a login; we use it as the first anonymous cookie holder.
        client
            .admin()
            .create_session("admin@example.com", &password(), &none())
            .await
            .unwrap();
        client
            .store()
            .authenticate("customer@example.com", &password(), &none())
            .await
            .unwrap();
        client.admin().get_session(&none()).await.unwrap();
    });
    let sent = transport.sent();
    assert_eq!(header(&sent[1], "cookie").unwrap(), cookie_of(64));
    assert_eq!(header(&sent[2], "cookie").unwrap(), cookie_of(65));
    assert_eq!(cookie_of(64), cookie_of(65), "the server kept the sid");

    let transport = Scripted::new();
    transport.answer(13).answer(44);
    let client = support::client(&transport);
    run(async {
        let error = client.admin().get_session(&none()).await.unwrap_err();
        assert!(error.is_unauthorized());
        client.store().get_session(&none()).await.unwrap_err();
    });
    // The anonymous cookie of the 401 went with the next request.
    assert_eq!(
        header(&transport.sent()[1], "cookie").unwrap(),
        cookie_of(13)
    );
}

#[test]
fn login_200_without_a_cookie_is_a_clear_error() {
    let transport = Scripted::new();
    transport.push(Ok(production("POST /admin/auth").response()));
    let client = client(&transport);
    let error = run(client
        .admin()
        .create_session("admin@example.com", &password(), &none()))
    .unwrap_err();
    assert!(
        matches!(
            error,
            Error::SessionCookieMissing {
                side: Side::Admin,
                reason: MissingCookieReason::NotSet
            }
        ),
        "{error:?}"
    );
    let shown = error.to_string();
    assert!(
        shown.contains("HTTPS") && shown.contains("bearer"),
        "{shown}"
    );
    assert!(!shown.contains("supersecret"));

    // A Secure cookie over plain HTTP to a host that is not loopback can never be sent.
    let transport = Scripted::new();
    transport.push(Ok(production("X-Forwarded-Proto").response()));
    let (builder, _) = builder(&transport);
    let client = builder.base_url("http://shop.example.com").build().unwrap();
    let error = run(client
        .admin()
        .create_session("admin@example.com", &password(), &none()))
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
    run(client
        .admin()
        .create_session("admin@example.com", &password(), &none()))
    .unwrap();
    run(client.admin().get_session(&none())).unwrap();
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
    let client = builder.build().unwrap();
    run(client
        .admin()
        .create_session("admin@example.com", &password(), &none()))
    .unwrap();
    // The cookie of exchange 11 expires at 23:08:29, ten hours after the recording.
    clock.advance(Duration::from_secs(10 * 3600));
    run(client.admin().get_session(&none())).unwrap_err();
    assert_eq!(header(&transport.last(), "cookie"), None);
}

#[test]
fn a_cookie_belongs_to_its_origin() {
    let transport = Scripted::new();
    transport.answer(11).answer(13);
    let (builder, _) = builder(&transport);
    let client = builder.build().unwrap();
    run(client
        .admin()
        .create_session("admin@example.com", &password(), &none()))
    .unwrap();
    let cookie = client.default_session().session_cookie().unwrap();
    // A client for another origin given the same transport never sees it.
    let (other, _) = support::builder(&transport);
    let other = other.base_url("http://127.0.0.1:9001").build().unwrap();
    run(other.admin().get_session(&none())).unwrap_err();
    assert_eq!(header(&transport.last(), "cookie"), None);
    assert!(!cookie.expose_secret().is_empty());
}

#[test]
fn delete_session_forgets_the_cookie_and_the_token() {
    let transport = Scripted::new();
    transport.answer(11).answer(15).answer(23).answer(13);
    let client = client(&transport);
    run(async {
        client
            .admin()
            .create_session("admin@example.com", &password(), &none())
            .await
            .unwrap();
        client
            .admin()
            .get_token("admin@example.com", &password(), &none())
            .await
            .unwrap();
        client.admin().delete_session(&none()).await.unwrap();
        client.admin().get_session(&none()).await.unwrap_err();
    });
    let sent = transport.sent();
    assert!(header(&sent[2], "cookie").is_some() && header(&sent[2], "authorization").is_some());
    // After the logout: neither the cookie nor the JWT.
    assert_eq!(header(&sent[3], "cookie"), None);
    assert_eq!(header(&sent[3], "authorization"), None);
    assert!(client.default_session().bearer(Side::Admin).is_none());
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
    let client = client(&transport);
    run(async {
        client
            .admin()
            .create_session("admin@example.com", &password(), &none())
            .await
            .unwrap();
        client
            .store()
            .authenticate("customer@example.com", &password(), &none())
            .await
            .unwrap();
        client.store().delete_session(&none()).await.unwrap();
        // exchange 66 re-sent the cookie: it is kept, and the admin is still in.
        client.admin().get_session(&none()).await.unwrap();
        assert!(
            client
                .store()
                .get_session(&none())
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
    let client = client(&transport);
    run(async {
        let token = client
            .admin()
            .get_token("admin@example.com", &password(), &none())
            .await
            .unwrap();
        assert_eq!(token.side(), Side::Admin);
        client.admin().get_session(&none()).await.unwrap();
        client.store().get_session(&none()).await.unwrap_err();
        client
            .store()
            .get_token("customer@example.com", &password(), &none())
            .await
            .unwrap();
        client.store().get_session(&none()).await.unwrap();
        client.admin().get_session(&none()).await.unwrap();
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
    assert_eq!(header(&sent[4], "authorization").unwrap(), store_bearer);
    assert_eq!(header(&sent[5], "authorization").unwrap(), admin_bearer);
}

#[test]
fn a_bearer_or_api_token_given_to_a_fresh_handle_works() {
    let transport = Scripted::new();
    transport.answer(15).answer(18).answer(20);
    let client = client(&transport);
    let token = run(client
        .admin()
        .get_token("admin@example.com", &password(), &none()))
    .unwrap();
    let bearer_handle = client.session_with(Credentials::Bearer(token)).unwrap();
    run(bearer_handle.admin().get_session(&none())).unwrap();
    assert_eq!(
        header(&transport.last(), "authorization"),
        header(&exchange(18).request().unwrap(), "authorization")
    );
    assert_eq!(
        header(&transport.last(), "cookie"),
        None,
        "a fresh handle has no cookie"
    );

    let api_handle = client
        .session_with(Credentials::ApiToken("real_medusa_admin_api_token".into()))
        .unwrap();
    run(api_handle.admin().get_session(&none())).unwrap();
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
    let handle = client
        .session_with(Credentials::ApiToken("handle_api_token".into()))
        .unwrap();
    run(handle.store().get_session(&none())).unwrap_err();
    run(handle.store().exists("customer@example.com", &none())).unwrap();
    for request in transport.sent() {
        assert!(request.headers().get("x-medusa-access-token").is_none());
    }
    // And a per-call API token on a store call never leaves.
    let custom = CustomHeaders::new()
        .with("x-medusa-access-token", "handle_api_token")
        .unwrap();
    let error = run(handle.store().get_session(&custom)).unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert_eq!(transport.sent_count(), 2);
}

#[test]
fn a_session_cookie_given_by_hand_is_sent() {
    let transport = Scripted::new();
    transport.answer(12);
    let client = client(&transport);
    let value = exchange(11).set_cookie_value().unwrap();
    let handle = client
        .session_with(Credentials::SessionCookie(value.clone().into()))
        .unwrap();
    run(handle.admin().get_session(&none())).unwrap();
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
}

#[test]
fn two_handles_on_one_client_never_see_each_others_credentials() {
    // Two customers logged in on two handles of one client (one transport).
    let transport = Scripted::new();
    let first = exchange(36).response();
    let second = exchange(41).response();
    transport
        .push(Ok(first))
        .push(Ok(second))
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
            .authenticate("customer@example.com", &password(), &none())
            .await
            .unwrap();
        bob.store()
            .authenticate("CUSTOMER@EXAMPLE.COM", &password(), &none())
            .await
            .unwrap();
        alice.store().get_session(&none()).await.unwrap();
        bob.store().get_session(&none()).await.unwrap();
        bob.store()
            .get_token("customer@example.com", &password(), &none())
            .await
            .unwrap();
        bob.store().get_session(&none()).await.unwrap();
        alice.store().delete_session(&none()).await.unwrap_err();
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
    // Clones of a handle are the same user; new handles are not.
    // Alice's failed logout forgot her session, not Bob's; clones of a handle are
    // the same user.
    assert!(alice.clone().session_cookie().is_none());
    assert!(bob.clone().session_cookie().is_some());
    assert!(client.session().session_cookie().is_none());
}

#[test]
fn an_expired_jwt_is_not_sent_and_the_error_says_so() {
    let transport = Scripted::new();
    transport.answer(15).answer(13);
    let (builder, clock) = builder(&transport);
    let client = builder.build().unwrap();
    run(client
        .admin()
        .get_token("admin@example.com", &password(), &none()))
    .unwrap();
    clock.advance(Duration::from_secs(25 * 3600));
    let error = run(client.admin().get_session(&none())).unwrap_err();
    assert!(
        matches!(
            error,
            Error::TokenExpired {
                side: Side::Admin,
                ..
            }
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
    let handle = client.session_with(Credentials::Bearer(admin)).unwrap();
    run(handle.store().get_session(&none())).unwrap_err();
    assert_eq!(header(&transport.last(), "authorization"), None);
}

#[test]
fn invalid_input_sends_nothing() {
    let transport = Scripted::new();
    let client = client(&transport);
    run(async {
        for result in [
            client
                .admin()
                .create_session("not-an-email", &password(), &none())
                .await
                .map(|_| ()),
            client
                .admin()
                .get_token("admin@example.com", &"".into(), &none())
                .await
                .map(|_| ()),
            client
                .store()
                .authenticate("a@x.io", &"x".repeat(100_000).into(), &none())
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
    transport.push(Err(medusa_auth_core::TransportError::other(
        "connection reset",
    )));
    transport.answer(13);
    let client = client(&transport);
    run(async {
        client
            .admin()
            .create_session("admin@example.com", &password(), &none())
            .await
            .unwrap();
        client
            .admin()
            .get_token("admin@example.com", &password(), &none())
            .await
            .unwrap();
        let error = client.admin().delete_session(&none()).await.unwrap_err();
        let Error::LogoutUnconfirmed {
            side: Side::Admin,
            cause,
        } = &error
        else {
            panic!("{error:?}");
        };
        assert!(matches!(**cause, Error::Transport(_)));
        assert!(error.to_string().contains("forgot"), "{error}");
        assert!(!error.is_unauthorized());
        client.admin().get_session(&none()).await.unwrap_err();
    });
    let last = transport.last();
    assert_eq!(header(&last, "cookie"), None);
    assert_eq!(header(&last, "authorization"), None);

    // An error answer (503, no retries) forgets too.
    let transport = Scripted::new();
    transport
        .answer(36)
        .respond(503, &[], "Service Unavailable")
        .answer(44);
    let client = support::client(&transport);
    run(async {
        client
            .store()
            .authenticate("customer@example.com", &password(), &none())
            .await
            .unwrap();
        let error = client.store().delete_session(&none()).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert!(error.is_retryable());
        client.store().get_session(&none()).await.unwrap_err();
    });
    assert_eq!(header(&transport.last(), "cookie"), None);
}

#[test]
fn a_logout_refused_with_401_is_still_classified_as_unauthorized() {
    let transport = Scripted::new();
    transport.answer(25);
    let client = client(&transport);
    let error = run(client.admin().delete_session(&none())).unwrap_err();
    assert!(matches!(error, Error::LogoutUnconfirmed { .. }));
    assert!(error.is_unauthorized());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.api_kind(), None);
}
