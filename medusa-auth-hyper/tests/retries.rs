//! The retry rules over real sockets, attempts counted by the server:
//! retried on no response, 409 and 501–599; never on 500, 429 or another 4xx; one
//! `Idempotency-Key` for every attempt of a POST; `Retry-After` honoured.

mod support;

use std::time::{Duration, Instant};

use http::StatusCode;
use medusa_auth_hyper::{Client, Error, RetryPolicy, Side, TransportErrorKind};
use support::{Misbehaviour, RawServer, RecordedClock, Server, fixture, respond};

/// Retries with the computed back-off capped at 20 ms, so the tests are fast; a
/// `Retry-After` is not capped by it.
fn retrying_client(url: &str, max_retries: u32) -> Client {
    Client::builder()
        .base_url(url)
        .retry_policy(
            RetryPolicy::new(max_retries)
                .with_jitter(0.0)
                .with_max_backoff(Duration::from_millis(20)),
        )
        .request_timeout(Duration::from_millis(500))
        .clock(RecordedClock)
        .build()
        .expect("a valid configuration")
}

fn unavailable(retry_after: Option<&str>) -> http::Response<bytes::Bytes> {
    match retry_after {
        Some(value) => respond(503, &[("retry-after", value)], "Service Unavailable"),
        None => respond(503, &[], "Service Unavailable"),
    }
}

fn is_uuid_v4(value: &str) -> bool {
    let bytes = value.as_bytes();
    value.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-')
        && bytes[14] == b'4'
        && value
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

#[tokio::test]
async fn a_post_is_retried_on_503_with_one_idempotency_key() {
    let server = Server::scripted(vec![unavailable(None), unavailable(None), fixture(15)]).await;
    let session = retrying_client(&server.url(), 3).session();

    let token = session
        .admin()
        .get_token("admin@example.com", "supersecret")
        .await
        .expect("the third attempt succeeds");
    assert_eq!(token.side(), Side::Admin);

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let keys: Vec<&str> = seen
        .iter()
        .map(|s| s.header("idempotency-key").expect("an Idempotency-Key"))
        .collect();
    assert!(is_uuid_v4(keys[0]), "{}", keys[0]);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert!(seen.iter().all(|s| s.body == seen[0].body));

    // The next call is another call: another key.
    session
        .admin()
        .get_token("admin@example.com", "supersecret")
        .await
        .expect("the script's last answer repeats");
    let next = server.seen()[3]
        .header("idempotency-key")
        .map(str::to_owned)
        .expect("an Idempotency-Key");
    assert_ne!(next, keys[0]);
}

#[tokio::test]
async fn a_409_is_retried() {
    let conflict = respond(
        409,
        &[("content-type", "application/json")],
        r#"{"code":"invalid_state_error","type":"conflict","message":"busy"}"#,
    );
    let server = Server::scripted(vec![conflict, fixture(36)]).await;
    let session = retrying_client(&server.url(), 2).session();
    session
        .store()
        .authenticate("customer@example.com", "supersecret")
        .await
        .expect("the retry succeeds");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_get_is_retried_without_an_idempotency_key() {
    let server = Server::scripted(vec![respond(502, &[], "Bad Gateway"), fixture(51)]).await;
    let session = retrying_client(&server.url(), 1).session();
    assert!(
        session
            .store()
            .exists("customer@example.com")
            .await
            .expect("the retry succeeds")
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.header("idempotency-key").is_none()));
}

#[tokio::test]
async fn neither_500_nor_429_nor_another_4xx_is_retried() {
    for status in [500u16, 429, 400, 401, 404, 422] {
        let server = Server::scripted(vec![
            respond(status, &[("retry-after", "1")], "no"),
            fixture(15),
        ])
        .await;
        let error = retrying_client(&server.url(), 3)
            .session()
            .admin()
            .get_token("admin@example.com", "supersecret")
            .await
            .unwrap_err();
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(status),
            "{error:?}"
        );
        assert_eq!(server.count(), 1, "{status} must not be retried");
    }
}

#[tokio::test]
async fn retries_stop_after_max_retries() {
    let server = Server::scripted(vec![respond(504, &[], "Gateway Timeout")]).await;
    let error = retrying_client(&server.url(), 2)
        .session()
        .store()
        .get_session()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::GATEWAY_TIMEOUT));
    assert!(error.is_retryable());
    assert_eq!(server.count(), 3, "one attempt and two retries");
}

#[tokio::test]
async fn no_retry_by_default() {
    let server = Server::scripted(vec![unavailable(None), fixture(12)]).await;
    let client = Client::builder()
        .base_url(server.url())
        .build()
        .expect("a valid configuration");
    let error = client.session().admin().get_session().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.count(), 1);
    assert_eq!(server.seen()[0].header("idempotency-key"), None);
}

#[tokio::test]
async fn retry_after_replaces_the_back_off() {
    let server = Server::scripted(vec![unavailable(Some("1")), fixture(12)]).await;
    let session = retrying_client(&server.url(), 1).session();
    let started = Instant::now();
    session
        .admin()
        .get_session()
        .await
        .expect("the retry succeeds");
    let waited = started.elapsed();
    assert_eq!(server.count(), 2);
    // The back-off is capped at 20 ms; only Retry-After makes it wait a second (the
    // upper bound only catches a hang).
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert!(waited < Duration::from_secs(10), "{waited:?}");
}

#[tokio::test]
async fn a_retry_after_out_of_range_stops_retrying() {
    for value in ["301", "0", "soon"] {
        let server = Server::scripted(vec![unavailable(Some(value)), fixture(12)]).await;
        let error = retrying_client(&server.url(), 3)
            .session()
            .admin()
            .get_session()
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(server.count(), 1, "Retry-After: {value}");
    }
}

#[tokio::test]
async fn a_post_whose_connection_dropped_is_retried_with_the_same_key() {
    let ok = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
        fixture(15).body().len(),
        String::from_utf8_lossy(fixture(15).body())
    );
    let server = RawServer::start(vec![
        Misbehaviour::Close,
        Misbehaviour::WriteThenClose(ok.into_bytes()),
    ])
    .await;
    retrying_client(&server.url(), 2)
        .session()
        .admin()
        .get_token("admin@example.com", "supersecret")
        .await
        .expect("the retry succeeds");
    let heads = server.heads();
    assert_eq!(heads.len(), 2);
    let key = |head: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix("idempotency-key: ").map(str::to_owned))
            .expect("an Idempotency-Key")
    };
    assert_eq!(key(&heads[0]), key(&heads[1]));
}

#[tokio::test]
async fn a_request_timeout_is_retried() {
    let ok = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
        fixture(51).body().len(),
        String::from_utf8_lossy(fixture(51).body())
    );
    let server = RawServer::start(vec![
        Misbehaviour::Silent,
        Misbehaviour::WriteThenClose(ok.into_bytes()),
    ])
    .await;
    let started = Instant::now();
    let exists = retrying_client(&server.url(), 1)
        .session()
        .store()
        .exists("customer@example.com")
        .await
        .expect("the retry succeeds");
    assert!(exists);
    assert_eq!(server.heads().len(), 2);
    // The silent server holds the first connection for 10 s: the request timeout
    // (500 ms) cut it short.
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let addr = support::closed_port().await;
    let started = Instant::now();
    let error = retrying_client(&format!("http://{addr}"), 2)
        .session()
        .store()
        .get_session()
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert_eq!(transport.target(), Some(addr.to_string().as_str()));
    // Two back-offs of 20 ms were waited: the retries happened.
    assert!(started.elapsed() >= Duration::from_millis(40));
}
