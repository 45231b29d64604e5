//! `HyperTransport` against servers that fail: every failure is a typed
//! `TransportError` of the right kind, with its cause kept as source, within the
//! configured time.

mod support;

use std::error::Error as _;
use std::time::{Duration, Instant};

use medusa_auth_hyper::{
    Client, Error, HttpTransport as _, HyperTransport, TransportCause, TransportError,
    TransportErrorKind,
};
use support::{Misbehaviour, RawServer, Server, chain, closed_port, get, respond};

fn transport(request_timeout: Duration) -> HyperTransport {
    HyperTransport::builder()
        .connect_timeout(Duration::from_millis(500))
        .request_timeout(request_timeout)
        .max_response_bytes(1024)
        .build()
}

async fn send(
    transport: &HyperTransport,
    url: &str,
) -> Result<http::Response<bytes::Bytes>, TransportError> {
    transport.send(get(url, "/store/auth")).await
}

fn head(content_length: Option<usize>) -> String {
    match content_length {
        Some(length) => format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
        ),
        None => "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_owned(),
    }
}

#[tokio::test]
async fn a_response_is_read_whole_with_its_head() {
    let server = Server::scripted(vec![respond(
        201,
        &[("content-type", "text/plain"), ("x-extra", "1")],
        "hello",
    )])
    .await;
    let response = send(&transport(Duration::from_secs(2)), &server.url())
        .await
        .expect("a response");
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["x-extra"], "1");
    assert_eq!(response.body().as_ref(), b"hello");
    assert_eq!(response.version(), http::Version::HTTP_11);
}

#[tokio::test]
async fn set_cookie_values_arrive_marked_sensitive() {
    let server = Server::scripted(vec![respond(
        200,
        &[
            ("content-type", "application/json"),
            ("set-cookie", "connect.sid=s%3Aa.b; Path=/; HttpOnly"),
            ("set-cookie", "other=1"),
            ("x-extra", "1"),
        ],
        "{}",
    )])
    .await;
    let response = send(&transport(Duration::from_secs(2)), &server.url())
        .await
        .expect("a response");
    let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
    assert_eq!(cookies.len(), 2);
    assert!(cookies.iter().all(|value| value.is_sensitive()));
    assert!(!response.headers()["x-extra"].is_sensitive());
}

#[tokio::test]
async fn a_refused_connection_never_reached_the_server() {
    let addr = closed_port().await;
    let error = send(
        &transport(Duration::from_secs(2)),
        &format!("http://{addr}"),
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect);
    assert!(!error.may_have_reached_server());
    assert!(error.is_retryable());
    let causes = chain(&error);
    assert!(causes.to_lowercase().contains("refused"), "{causes}");
}

#[tokio::test]
async fn the_connect_timeout_fires_when_the_server_cannot_accept() {
    // A listener whose accept queue is full: the kernel drops further SYNs, so a
    // new connection hangs in connect. Everything stays on 127.0.0.1.
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("bind");
    let addr = socket.local_addr().expect("a local address");
    let listener = socket.listen(1).expect("listen");
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    let transport = HyperTransport::builder()
        .connect_timeout(Duration::from_millis(300))
        .request_timeout(Duration::from_secs(2))
        .build();
    let started = Instant::now();
    let error = send(&transport, &format!("http://{addr}"))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    drop(listener);
    if error.kind() == TransportErrorKind::Connect {
        // This kernel answered the SYN with a reset instead of dropping it: the
        // connect-timeout path could not be provoked here, and the error is still typed.
        eprintln!(
            "the kernel refused instead of dropping the SYN: {}",
            chain(&error)
        );
        return;
    }
    assert_eq!(
        error.kind(),
        TransportErrorKind::TimedOut,
        "{}",
        chain(&error)
    );
    assert!(
        !error.may_have_reached_server(),
        "a connect timeout never reached it"
    );
    // Only catches a hang: the kind and `may_have_reached_server` above tell the
    // connect timeout from the request timeout.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(
        chain(&error).contains("timed out") || chain(&error).contains("timeout"),
        "{}",
        chain(&error)
    );
}

#[tokio::test]
async fn the_request_timeout_fires_when_the_server_never_answers() {
    let server = RawServer::start(vec![Misbehaviour::Silent]).await;
    let started = Instant::now();
    let error = send(&transport(Duration::from_millis(300)), &server.url())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.kind(), TransportErrorKind::TimedOut);
    assert!(error.may_have_reached_server());
    assert!(matches!(
        error.source().and_then(|s| s.downcast_ref::<TransportCause>()),
        Some(TransportCause::RequestTimeout(t)) if *t == Duration::from_millis(300)
    ));
    assert!(elapsed >= Duration::from_millis(290), "{elapsed:?}");
    // The silent server holds the connection for 10 s: this only catches a hang.
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(server.heads().len(), 1, "the request was sent");
}

#[tokio::test]
async fn the_request_timeout_covers_a_body_that_stalls() {
    let mut bytes = head(Some(100)).into_bytes();
    bytes.extend_from_slice(br#"{"exists":"#);
    let server = RawServer::start(vec![Misbehaviour::WriteThenStall(bytes)]).await;
    let started = Instant::now();
    let error = send(&transport(Duration::from_millis(300)), &server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::TimedOut);
    assert!(error.may_have_reached_server());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_by_its_content_length() {
    let big = "x".repeat(4096);
    let server = Server::scripted(vec![respond(200, &[], &big)]).await;
    let error = send(&transport(Duration::from_secs(2)), &server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
    assert!(!error.is_retryable());
    assert!(chain(&error).contains("1024"), "{}", chain(&error));
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_cut_off() {
    let mut bytes = head(None).into_bytes();
    for _ in 0..3 {
        bytes.extend_from_slice(b"200\r\n");
        bytes.extend_from_slice(&[b'x'; 0x200]);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let server = RawServer::start(vec![Misbehaviour::WriteThenStall(bytes)]).await;
    let error = send(&transport(Duration::from_secs(2)), &server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::BodyTooLarge);
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_accepted() {
    let exact = "y".repeat(1024);
    let server = Server::scripted(vec![respond(200, &[], &exact)]).await;
    let response = send(&transport(Duration::from_secs(2)), &server.url())
        .await
        .expect("1024 bytes fit a 1024-byte limit");
    assert_eq!(response.body().len(), 1024);
}

#[tokio::test]
async fn an_oversize_answer_is_not_retried_by_the_client() {
    let big = "x".repeat(4096);
    let server = Server::scripted(vec![respond(200, &[], &big)]).await;
    let client = Client::builder()
        .base_url(server.url())
        .max_retries(3)
        .max_response_bytes(1024)
        .build()
        .expect("a valid configuration");
    let error = client.session().store().get_session().await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge),
        "{error:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_a_typed_error() {
    let mut bytes = head(Some(100)).into_bytes();
    bytes.extend_from_slice(br#"{"exists":"#);
    let server = RawServer::start(vec![Misbehaviour::WriteThenClose(bytes)]).await;
    let error = send(&transport(Duration::from_secs(2)), &server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Other);
    assert!(error.may_have_reached_server());
    assert!(error.source().is_some(), "hyper's error is kept");
    let causes = chain(&error);
    assert!(causes.contains("end of file"), "{causes}");
}

#[tokio::test]
async fn a_connection_closed_before_any_answer_is_a_typed_error() {
    let server = RawServer::start(vec![Misbehaviour::Close]).await;
    let error = send(&transport(Duration::from_secs(2)), &server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Other);
    assert!(error.may_have_reached_server());
}

#[tokio::test]
async fn an_answer_that_is_not_http_is_a_typed_error() {
    let server = RawServer::start(vec![Misbehaviour::WriteThenClose(
        b"SSH-2.0-OpenSSH_9.6\r\n".to_vec(),
    )])
    .await;
    let error = send(&transport(Duration::from_secs(2)), &server.url())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Other);
    assert!(error.source().is_some());
}

#[tokio::test]
async fn errors_reach_the_caller_as_typed_client_errors() {
    let addr = closed_port().await;
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .build()
        .expect("a valid configuration");
    let error = client
        .session()
        .store()
        .exists("customer@example.com")
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    // Error -> TransportError -> hyper-util's error -> … -> the OS error.
    let causes = chain(&error);
    assert!(causes.to_lowercase().contains("refused"), "{causes}");
}

#[tokio::test]
async fn a_refused_connection_says_where_and_why_without_the_password() {
    // Bound, noted, then closed: nothing listens on that port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("a local address").port();
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/medusa"))
        .build()
        .expect("a valid configuration");

    let error = client
        .session()
        .store()
        .authenticate("customer@example.com", "never-shown-password")
        .await
        .unwrap_err();
    let shown = error.to_string();
    // As in "could not connect to 127.0.0.1:PORT: connection refused".
    assert!(
        shown.contains(&format!("could not connect to 127.0.0.1:{port}")),
        "{shown}"
    );
    assert!(shown.contains("refused"), "{shown}");
    assert!(
        !shown.contains("/medusa"),
        "the server, not the URL: {shown}"
    );
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(
        transport.target(),
        Some(format!("127.0.0.1:{port}").as_str())
    );
    assert_eq!(transport.to_string(), shown);
    for text in [shown, format!("{error:?}"), chain(&error)] {
        assert!(!text.contains("never-shown-password"), "{text}");
    }
}

#[tokio::test]
async fn an_idle_connection_is_reused_until_the_pool_idle_timeout() {
    let server = Server::scripted(vec![respond(200, &[], "{}")]).await;
    // The default (4 s) keeps the connection between two calls in a row.
    let pooled = HyperTransport::new();
    for _ in 0..2 {
        pooled
            .send(get(&server.url(), "/store/auth"))
            .await
            .expect("a response");
    }
    assert_eq!(server.connections(), 1);

    let server = Server::scripted(vec![respond(200, &[], "{}")]).await;
    let short = HyperTransport::builder()
        .pool_idle_timeout(Some(Duration::from_millis(50)))
        .build();
    short
        .send(get(&server.url(), "/store/auth"))
        .await
        .expect("a response");
    tokio::time::sleep(Duration::from_millis(500)).await;
    short
        .send(get(&server.url(), "/store/auth"))
        .await
        .expect("a response");
    assert_eq!(server.connections(), 2, "the idle connection was dropped");
}

#[test]
fn outside_a_runtime_it_fails_instead_of_panicking() {
    let transport = HyperTransport::new();
    let error =
        futures::executor::block_on(transport.send(get("http://127.0.0.1:9", "/"))).unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect);
    assert!(matches!(
        error
            .source()
            .and_then(|s| s.downcast_ref::<TransportCause>()),
        Some(TransportCause::NoRuntime(_))
    ));
}
