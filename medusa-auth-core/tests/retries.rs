//! The retry rules (the JS client's, plus jitter, a cap and a deadline), driven through the client with a manual clock.

mod support;

use std::time::Duration;

use medusa_auth_core::{
    Client, ConfigError, Error, RetryPolicy, Session, TransportError, TransportErrorKind,
};
use support::{ManualClock, PASSWORD, Scripted, header, recorded_at, run};

/// A session of a client with `max_retries` retries and no jitter, so delays are
/// exact.
fn retrying(transport: &Scripted, max_retries: u32) -> (Session, ManualClock) {
    let (builder, clock) = support::builder(transport);
    let client = builder
        .retry_policy(RetryPolicy::new(max_retries).with_jitter(0.0))
        .build()
        .unwrap();
    (client.session(), clock)
}

fn unavailable(transport: &Scripted, retry_after: Option<&str>) {
    let mut headers = vec![("content-type", "text/plain")];
    if let Some(value) = retry_after {
        headers.push(("retry-after", value));
    }
    transport.respond(503, &headers, "Service Unavailable");
}

#[test]
fn no_retries_by_default_and_no_idempotency_key() {
    let transport = Scripted::new();
    unavailable(&transport, None);
    let session = support::client(&transport).session();
    let error = run(session
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_eq!(transport.sent_count(), 1);
    assert_eq!(header(&transport.last(), "idempotency-key"), None);
}

#[test]
fn back_off_then_success_with_one_idempotency_key() {
    let transport = Scripted::new();
    unavailable(&transport, None);
    transport.respond(502, &[], "Bad Gateway");
    transport.answer(11);
    let (session, clock) = retrying(&transport, 3);
    run(session
        .admin()
        .create_session("admin@example.com", PASSWORD))
    .unwrap();
    assert_eq!(transport.sent_count(), 3);
    assert_eq!(
        clock.slept(),
        [Duration::from_millis(500), Duration::from_millis(1500)]
    );
    let keys: Vec<String> = transport
        .sent()
        .iter()
        .map(|r| header(r, "idempotency-key").unwrap())
        .collect();
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[1], keys[2]);
    let key = uuid::Uuid::parse_str(&keys[0]).unwrap();
    assert_eq!(key.get_version_num(), 4);

    // The next call gets a key of its own.
    transport.answer(15);
    run(session.admin().get_token("admin@example.com", PASSWORD)).unwrap();
    assert_ne!(
        header(&transport.last(), "idempotency-key").unwrap(),
        keys[0]
    );
    // GET and DELETE carry none.
    transport.answer(12);
    run(session.admin().get_session()).unwrap();
    assert_eq!(header(&transport.last(), "idempotency-key"), None);
}

#[test]
fn gives_up_after_max_retries_with_the_last_answer() {
    let transport = Scripted::new();
    for _ in 0..4 {
        unavailable(&transport, None);
    }
    let (session, clock) = retrying(&transport, 2);
    let error = run(session.store().get_session()).unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 503);
    assert_eq!(transport.sent_count(), 3);
    assert_eq!(
        clock.slept(),
        [Duration::from_millis(500), Duration::from_millis(1500)]
    );
}

#[test]
fn retry_after_in_seconds_and_as_a_date() {
    let transport = Scripted::new();
    unavailable(&transport, Some("2"));
    let date =
        httpdate::fmt_http_date((recorded_at() + Duration::from_secs(9)).try_into().unwrap());
    unavailable(&transport, Some(&date));
    transport.answer(44);
    let (session, clock) = retrying(&transport, 3);
    run(session.store().get_session()).unwrap_err();
    // 2 s as asked; then the date, 9 s after the clock's time less the 2 s slept.
    assert_eq!(
        clock.slept(),
        [Duration::from_secs(2), Duration::from_secs(7)]
    );
    assert_eq!(transport.sent_count(), 3);
}

#[test]
fn a_retry_after_out_of_range_stops_retrying() {
    for value in [
        "0",
        "-3",
        "301",
        "3600",
        "later",
        "Thu, 01 Jan 1970 00:00:00 GMT",
    ] {
        let transport = Scripted::new();
        unavailable(&transport, Some(value));
        transport.answer(44);
        let (session, clock) = retrying(&transport, 3);
        let error = run(session.store().get_session()).unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), 503, "{value}");
        assert_eq!(transport.sent_count(), 1, "{value}");
        assert!(clock.slept().is_empty());
    }
}

#[test]
fn only_409_and_501_to_599_are_retried() {
    for (status, retried) in [
        (409, true),
        (501, true),
        (504, true),
        (599, true),
        (500, false),
        (429, false),
        (400, false),
        (404, false),
        (401, false),
    ] {
        let transport = Scripted::new();
        transport.respond(
            status,
            &[("content-type", "application/json")],
            r#"{"type":"conflict","message":"m"}"#,
        );
        transport.answer(51);
        let (session, _) = retrying(&transport, 1);
        let result = run(session.store().exists("customer@example.com"));
        assert_eq!(result.is_ok(), retried, "{status}: {result:?}");
        assert_eq!(
            transport.sent_count(),
            if retried { 2 } else { 1 },
            "{status}"
        );
    }
}

#[test]
fn no_response_is_retried_and_then_typed() {
    let transport = Scripted::new();
    transport.push(Err(TransportError::connect("connection refused")));
    transport.push(Err(TransportError::timed_out(true)));
    transport.answer(51);
    let (session, _) = retrying(&transport, 2);
    assert!(run(session.store().exists("customer@example.com")).unwrap());
    assert_eq!(transport.sent_count(), 3);

    let transport = Scripted::new();
    for _ in 0..3 {
        transport.push(Err(TransportError::connect("connection refused")));
    }
    let (session, _) = retrying(&transport, 2);
    let error = run(session.store().exists("customer@example.com")).unwrap_err();
    let Error::Transport(cause) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(cause.kind(), TransportErrorKind::Connect);
    assert!(!cause.may_have_reached_server());
    assert!(error.is_retryable());
    assert_eq!(
        std::error::Error::source(cause).unwrap().to_string(),
        "connection refused"
    );
    assert_eq!(transport.sent_count(), 3);
}

#[test]
fn an_oversize_body_is_not_retried() {
    let transport = Scripted::new();
    transport.push(Err(TransportError::body_too_large(8 << 20)));
    transport.answer(51);
    let (session, _) = retrying(&transport, 3);
    let error = run(session.store().exists("customer@example.com")).unwrap_err();
    assert!(matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge));
    assert!(!error.is_retryable());
    assert_eq!(transport.sent_count(), 1);
}

#[test]
fn the_deadline_bounds_the_whole_call() {
    let transport = Scripted::new();
    for _ in 0..10 {
        unavailable(&transport, None);
    }
    let (builder, clock) = support::builder(&transport);
    let session = builder
        .retry_policy(
            RetryPolicy::new(10)
                .with_jitter(0.0)
                .with_deadline(Some(Duration::from_secs(6))),
        )
        .build()
        .unwrap()
        .session();
    run(session.store().get_session()).unwrap_err();
    // 0.5 + 1.5 + 3.5 = 5.5 s fit in 6 s; the next wait (7.5 s) would not.
    assert_eq!(transport.sent_count(), 4);
    assert_eq!(
        clock.slept().iter().sum::<Duration>(),
        Duration::from_millis(5500)
    );
}

#[test]
fn jitter_spreads_the_delay_within_its_band() {
    let transport = Scripted::new();
    for _ in 0..5 {
        unavailable(&transport, None);
    }
    let (builder, clock) = support::builder(&transport);
    let session = builder.max_retries(4).build().unwrap().session();
    run(session.store().get_session()).unwrap_err();
    let expected = [500u64, 1500, 3500, 7500];
    for (slept, base) in clock.slept().iter().zip(expected) {
        let ms = slept.as_millis() as u64;
        assert!(
            ms >= base * 9 / 10 && ms <= base * 11 / 10,
            "{ms} ms vs {base} ms"
        );
    }
    assert_eq!(clock.slept().len(), 4);
}

#[test]
fn retries_need_a_sleep() {
    let transport = Scripted::new();
    let error = Client::builder(transport)
        .max_retries(1)
        .build()
        .unwrap_err();
    assert_eq!(error, ConfigError::RetriesWithoutSleep);
}

#[test]
fn a_builder_from_configure_needs_its_transport() {
    assert_eq!(
        Client::configure().build().unwrap_err(),
        ConfigError::MissingTransport
    );
    let transport = Scripted::new();
    transport.answer(51);
    let session = Client::configure()
        .base_url("http://127.0.0.1:9000")
        .transport(transport.clone())
        .build()
        .unwrap()
        .session();
    assert!(run(session.store().exists("customer@example.com")).unwrap());
    assert_eq!(transport.sent_count(), 1);
}

#[test]
fn a_route_request_is_retried_like_a_call() {
    let transport = Scripted::new();
    unavailable(&transport, None);
    transport.respond(
        409,
        &[("content-type", "application/json")],
        r#"{"type":"conflict","message":"m"}"#,
    );
    transport.respond(
        200,
        &[("content-type", "application/json")],
        r#"{"cart":{"id":"cart_1"}}"#,
    );
    let (session, clock) = retrying(&transport, 3);
    let cart = run(session
        .post("/store/carts")
        .json(&serde_json::json!({"region_id": "reg_1"})))
    .unwrap();
    assert_eq!(cart["cart"]["id"], "cart_1");
    assert_eq!(
        clock.slept(),
        [Duration::from_millis(500), Duration::from_millis(1500)]
    );
    // Every attempt is the same request, with one idempotency key.
    let sent = transport.sent();
    assert_eq!(sent.len(), 3);
    let key = header(&sent[0], "idempotency-key").unwrap();
    for attempt in &sent {
        assert_eq!(
            header(attempt, "idempotency-key").as_deref(),
            Some(key.as_str())
        );
        assert_eq!(attempt.body(), sent[0].body());
        assert_eq!(attempt.uri(), sent[0].uri());
    }
    // A GET carries none, and gives up after its retries with the last answer.
    for _ in 0..2 {
        unavailable(&transport, None);
    }
    let (session, _) = retrying(&transport, 1);
    let error = run(session.get("/store/products")).unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(header(&transport.last(), "idempotency-key"), None);
    assert_eq!(transport.sent_count(), 5);
}

#[test]
fn each_attempt_reads_the_clock_so_a_jwt_that_expired_during_the_wait_is_not_sent() {
    let transport = Scripted::new();
    let (builder, clock) = support::builder(&transport);
    let client = builder
        .retry_policy(RetryPolicy::new(1).with_jitter(0.0))
        .build()
        .unwrap();
    let session = client.session();
    let token = support::recorded_jwt(medusa_auth_core::Side::Store);
    let exp = token.expires_at().unwrap();
    session
        .set_credentials(medusa_auth_core::Credentials::Bearer(token))
        .unwrap();
    // 0.4 s before the JWT expires; the first retry waits 0.5 s.
    clock.advance(
        Duration::try_from(exp.duration_since(recorded_at())).unwrap() - Duration::from_millis(400),
    );
    unavailable(&transport, None);
    transport.respond(401, &[], "Unauthorized");
    let error = run(session.store().get_session()).unwrap_err();
    assert!(matches!(error, Error::TokenExpired { .. }), "{error:?}");
    let sent = transport.sent();
    assert_eq!(sent.len(), 2);
    assert!(
        header(&sent[0], "authorization").is_some(),
        "still valid on the first attempt"
    );
    assert_eq!(
        header(&sent[1], "authorization"),
        None,
        "expired on the retry"
    );
}
