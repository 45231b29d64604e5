//! The loopback server (feature `server`): a real HTTP client reaches it, faults
//! act on the connection, bodies are bounded, and it stops when its handle goes.
#![cfg(feature = "server")]

#[path = "support/http_client.rs"]
mod http_client;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use medusa_auth_core::{Client, Error, HttpTransport, RetryPolicy};
use medusa_auth_mock::{FakeMedusa, Fault, InstantSleep, MAX_REQUEST_BODY, Seed};
use tokio::net::TcpStream;

use http_client::HyperTestTransport;

fn client(url: &str, retries: u32) -> Client {
    Client::builder(HyperTestTransport::new())
        .base_url(url)
        .retry_policy(RetryPolicy::new(retries).with_jitter(0.0))
        .sleep(InstantSleep::new())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_real_client_logs_in_over_loopback() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let server = fake.start_server().await.unwrap();
    assert!(server.url().starts_with("http://127.0.0.1:"));
    assert_eq!(server.addr().ip().to_string(), "127.0.0.1");
    let client = client(server.url(), 0);
    let session = client.session();
    let user = session
        .admin()
        .create_session("admin@example.com", "supersecret")
        .await
        .unwrap();
    assert_eq!(user.email, "admin@example.com");
    assert_eq!(
        session.admin().get_session().await.unwrap().email,
        "admin@example.com"
    );
    session.admin().delete_session().await.unwrap();
    assert!(
        session
            .admin()
            .get_session()
            .await
            .unwrap_err()
            .is_unauthorized()
    );
    assert!(
        session
            .store()
            .exists("slash/name@example.com")
            .await
            .unwrap()
    );
    assert_eq!(fake.received(Method::POST, "/admin/auth"), 1);
}

#[tokio::test]
async fn dropping_the_handle_closes_the_port() {
    let fake = FakeMedusa::default();
    let server = fake.start_server().await.unwrap();
    let addr = server.addr();
    assert!(TcpStream::connect(addr).await.is_ok());
    drop(server);
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "the listener is still open");
}

#[tokio::test]
async fn shutdown_waits_for_the_server_to_stop() {
    let fake = FakeMedusa::default();
    let server = fake.start_server().await.unwrap();
    let addr = server.addr();
    // An idle keep-alive connection does not hold the shutdown up.
    let _idle = TcpStream::connect(addr).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("a prompt shutdown");
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error_and_is_retried() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let server = fake.start_server().await.unwrap();
    fake.fail_next(
        Method::GET,
        "/store/auth/customer@example.com",
        1,
        Fault::drop_connection(),
    );
    let error = client(server.url(), 0)
        .session()
        .store()
        .exists("customer@example.com")
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error}")
    };
    assert!(transport.may_have_reached_server());

    fake.fail_next(
        Method::GET,
        "/store/auth/customer@example.com",
        2,
        Fault::drop_connection(),
    );
    fake.reset_counters();
    assert!(
        client(server.url(), 2)
            .session()
            .store()
            .exists("customer@example.com")
            .await
            .unwrap()
    );
    assert_eq!(
        fake.received(Method::GET, "/store/auth/customer@example.com"),
        3
    );
}

#[tokio::test]
async fn statuses_and_retry_after_go_over_the_wire() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let server = fake.start_server().await.unwrap();
    fake.fail_next(
        Method::POST,
        "/store/auth/token",
        1,
        Fault::status(503).retry_after("1"),
    );
    let sleep = InstantSleep::new();
    let client = Client::builder(HyperTestTransport::new())
        .base_url(server.url())
        .max_retries(1)
        .sleep(sleep.clone())
        .build()
        .unwrap();
    let session = client.session();
    session
        .store()
        .get_token("customer@example.com", "supersecret")
        .await
        .unwrap();
    assert_eq!(sleep.waits(), vec![Duration::from_secs(1)]);
    let keys = fake.idempotency_keys();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].key, keys[1].key);
}

#[tokio::test]
async fn a_delay_holds_the_answer_back() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let server = fake.start_server().await.unwrap();
    fake.fail_next(
        Method::GET,
        "/admin/auth",
        1,
        Fault::delay(Duration::from_millis(400)),
    );
    let client = client(server.url(), 0);
    let session = client.session();
    let slow =
        tokio::time::timeout(Duration::from_millis(100), session.admin().get_session()).await;
    assert!(slow.is_err(), "answered before the delay");
    // The server is still there for the next call.
    assert!(
        session
            .admin()
            .get_session()
            .await
            .unwrap_err()
            .is_unauthorized()
    );
}

#[tokio::test]
async fn bodies_are_bounded() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let server = fake.start_server().await.unwrap();
    let transport = HyperTestTransport::new();
    for size in [150 * 1024, MAX_REQUEST_BODY + 1] {
        let request = http::Request::post(format!("{}/admin/auth", server.url()))
            .header("content-type", "application/json")
            .body(Bytes::from(vec![b' '; size]))
            .unwrap();
        let answer = transport.send(request).await.unwrap();
        assert_eq!(answer.status(), 413, "{size} bytes");
        assert!(String::from_utf8_lossy(answer.body()).contains("request entity too large"));
        assert!(answer.headers().contains_key("set-cookie"));
    }
}

#[tokio::test]
async fn garbage_on_the_socket_does_not_stop_the_server() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let server = fake.start_server().await.unwrap();
    for garbage in [
        &b"\x00\x01\x02 NOT HTTP\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"GET",
    ] {
        // A blocking socket on a thread of its own (no tokio `io-util` needed); the
        // server keeps running on the test's runtime meanwhile.
        let addr = server.addr();
        tokio::task::spawn_blocking(move || {
            use std::io::{Read as _, Write as _};
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            stream.write_all(garbage).unwrap();
            stream.shutdown(std::net::Shutdown::Write).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(2)))
                .unwrap();
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
        })
        .await
        .unwrap();
    }
    let client = client(server.url(), 0);
    let session = client.session();
    assert!(
        session
            .store()
            .exists("customer@example.com")
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn many_clients_at_once_share_one_server() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let server = fake.start_server().await.unwrap();
    let transport = Arc::new(HyperTestTransport::new());
    let client = Client::builder_shared(transport)
        .base_url(server.url())
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|index| {
            let session = client.session();
            tokio::spawn(async move {
                let email = if index % 2 == 0 {
                    "customer@example.com"
                } else {
                    "second@example.com"
                };
                session
                    .store()
                    .authenticate(email, "supersecret")
                    .await
                    .unwrap();
                (email, session.store().get_session().await.unwrap().email)
            })
        })
        .collect();
    for task in tasks {
        let (wanted, got) = task.await.unwrap();
        assert_eq!(wanted, got);
    }
}
