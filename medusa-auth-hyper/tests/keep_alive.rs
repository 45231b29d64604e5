//! Keep-alive races: Medusa (Node) closes a connection idle for 5 s, while a pool
//! that keeps it longer may hand it to a call just as the server closes it, and the
//! call fails. With the pool's idle timeout under the server's, no call picks a
//! connection the server is closing: here a server closes idle connections after
//! 250 ms, the client keeps them 100 ms, and calls come at about those periods (with a
//! pool that kept them longer, the calls after a 250 ms pause would race the close).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use medusa_auth_hyper::{Client, DEFAULT_POOL_IDLE_TIMEOUT};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// How long the server keeps an idle connection open.
const SERVER_IDLE: Duration = Duration::from_millis(250);
/// How long the client's pool keeps one.
const POOL_IDLE: Duration = Duration::from_millis(100);
/// 200 calls (about 35 s); `MEDUSA_KEEP_ALIVE_CALLS` sets fewer, as the mutation
/// runs do.
fn calls() -> usize {
    std::env::var("MEDUSA_KEEP_ALIVE_CALLS")
        .ok()
        .and_then(|calls| calls.parse().ok())
        .unwrap_or(200)
}

const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: 15\r\nconnection: keep-alive\r\nkeep-alive: timeout=1\r\n\r\n{\"exists\":true}";

/// A server that answers every request on a connection and closes the connection
/// once it has been idle for `SERVER_IDLE`, as Node's `keepAliveTimeout` does.
struct IdleClosingServer {
    url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    closed_idle: Arc<AtomicUsize>,
}

impl IdleClosingServer {
    async fn start() -> IdleClosingServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let closed_idle = Arc::new(AtomicUsize::new(0));
        let counters = (connections.clone(), requests.clone(), closed_idle.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counters.0.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, counters.1.clone(), counters.2.clone()));
            }
        });
        IdleClosingServer {
            url,
            connections,
            requests,
            closed_idle,
        }
    }
}

/// Answers each request head (these requests have no body) until the connection
/// has been idle for `SERVER_IDLE`, then closes it.
async fn serve(mut stream: TcpStream, requests: Arc<AtomicUsize>, closed_idle: Arc<AtomicUsize>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            buffer.drain(..end + 4);
            requests.fetch_add(1, Ordering::SeqCst);
            if stream.write_all(ANSWER).await.is_err() {
                return;
            }
        }
        match tokio::time::timeout(SERVER_IDLE, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return,
            Ok(Ok(read)) => buffer.extend_from_slice(&chunk[..read]),
            Err(_idle) => {
                if buffer.is_empty() {
                    closed_idle.fetch_add(1, Ordering::SeqCst);
                }
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

#[test]
fn the_default_pool_idle_timeout_is_under_medusas_keep_alive() {
    assert!(DEFAULT_POOL_IDLE_TIMEOUT < Duration::from_secs(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_at_the_servers_idle_period_never_pick_a_closing_connection() {
    let server = IdleClosingServer::start().await;
    let client = Client::builder()
        .base_url(&server.url)
        .max_retries(0)
        .pool_idle_timeout(Some(POOL_IDLE))
        .build()
        .expect("a valid configuration");
    let session = client.session();
    // Around the pool's timeout and around the server's, in turn.
    let pauses = [90, 110, 240, 260].map(Duration::from_millis);
    let calls = calls();
    let run = async {
        for call in 0..calls {
            let exists = session.store().exists("customer@example.com").await;
            assert!(
                matches!(exists, Ok(true)),
                "call {call} after a {:?} pause failed: {exists:?}",
                pauses[call.wrapping_sub(1) % pauses.len()]
            );
            tokio::time::sleep(pauses[call % pauses.len()]).await;
        }
    };
    // 200 calls take about 35 s; the bound only catches a hang.
    tokio::time::timeout(Duration::from_secs(300), run)
        .await
        .expect("the calls finished");
    assert_eq!(server.requests.load(Ordering::SeqCst), calls);
    // The pauses over the pool's timeout made the client give up its idle
    // connections first (one each) and open new ones: none was left for the server
    // to close under a call.
    let connections = server.connections.load(Ordering::SeqCst);
    assert!(connections >= calls / 2, "{connections} connections");
    assert_eq!(server.closed_idle.load(Ordering::SeqCst), 0);
}
