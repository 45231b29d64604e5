//! Loopback servers for the tests: a hyper server (HTTP/1.1 and HTTP/2, plain or
//! TLS) that answers from a script and records what it saw, raw TCP servers that
//! misbehave, test certificates, and a clock stopped at the recording's time.
//!
//! Every server listens on 127.0.0.1 port 0 and stops when dropped.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, Version};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use medusa_auth_hyper::{Clock, Timestamp};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The time of the recording in transcripts.md: its cookies and JWTs are valid then.
pub fn recorded_at() -> Timestamp {
    let at = httpdate::parse_http_date("Sun, 22 Nov 2026 13:08:30 GMT").expect("a date");
    Timestamp::try_from(at).expect("a date jiff can hold")
}

/// A clock stopped at [`recorded_at`].
#[derive(Debug, Clone, Copy)]
pub struct RecordedClock;

impl Clock for RecordedClock {
    fn now(&self) -> Timestamp {
        recorded_at()
    }
}

/// The recorded response of exchange `number`, without the headers that belong to
/// the connection (hyper sets its own framing; HTTP/2 forbids them).
pub fn fixture(number: u32) -> Response<Bytes> {
    let mut response = medusa_auth_testdata::exchange(number).response();
    strip_framing(&mut response);
    response
}

/// The production-mode response whose title contains `needle`.
pub fn production(needle: &str) -> Response<Bytes> {
    let mut response = medusa_auth_testdata::production(needle).response();
    strip_framing(&mut response);
    response
}

fn strip_framing(response: &mut Response<Bytes>) {
    for name in [
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
    ] {
        response.headers_mut().remove(name);
    }
}

/// A response of `status` with `headers` and `body`.
pub fn respond(status: u16, headers: &[(&str, &str)], body: &str) -> Response<Bytes> {
    let mut builder = Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .expect("a valid response")
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    /// Path and query, as sent.
    pub target: String,
    pub version: Version,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

type Handler = dyn Fn(&Seen, usize) -> Response<Bytes> + Send + Sync;

/// A hyper server on 127.0.0.1 (HTTP/1.1 and HTTP/2 by auto-detection), plain or TLS.
pub struct Server {
    addr: SocketAddr,
    tls: bool,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Server {
    /// A plain-HTTP server that answers request `i` (from 0) with `handler(seen, i)`.
    pub async fn start(
        handler: impl Fn(&Seen, usize) -> Response<Bytes> + Send + Sync + 'static,
    ) -> Server {
        Server::spawn(None, Arc::new(handler)).await
    }

    /// A plain-HTTP server that answers with `responses` in order, repeating the last.
    pub async fn scripted(responses: Vec<Response<Bytes>>) -> Server {
        Server::start(move |_, index| {
            responses
                .get(index)
                .or(responses.last())
                .cloned()
                .unwrap_or_else(|| respond(500, &[], "no script"))
        })
        .await
    }

    /// A TLS server (ALPN `h2`, `http/1.1`) with `identity`.
    pub async fn start_tls(
        identity: &TestPki,
        handler: impl Fn(&Seen, usize) -> Response<Bytes> + Send + Sync + 'static,
    ) -> Server {
        Server::spawn(Some(identity.acceptor()), Arc::new(handler)).await
    }

    async fn spawn(tls: Option<tokio_rustls::TlsAcceptor>, handler: Arc<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a local address");
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let connections = Arc::new(AtomicUsize::new(0));
        let is_tls = tls.is_some();
        let task = tokio::spawn({
            let seen = seen.clone();
            let connections = connections.clone();
            async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let service = {
                        let seen = seen.clone();
                        let handler = handler.clone();
                        service_fn(move |request: Request<Incoming>| {
                            let seen = seen.clone();
                            let handler = handler.clone();
                            async move {
                                let (parts, body) = request.into_parts();
                                let body = body
                                    .collect()
                                    .await
                                    .map(|c| c.to_bytes())
                                    .unwrap_or_default();
                                let record = Seen {
                                    method: parts.method,
                                    target: parts
                                        .uri
                                        .path_and_query()
                                        .map(|p| p.as_str().to_owned())
                                        .unwrap_or_default(),
                                    version: parts.version,
                                    headers: parts.headers,
                                    body,
                                };
                                let index = {
                                    let mut seen = seen.lock().expect("not poisoned");
                                    seen.push(record.clone());
                                    seen.len() - 1
                                };
                                let response = handler(&record, index).map(Full::new);
                                Ok::<_, Infallible>(response)
                            }
                        })
                    };
                    let tls = tls.clone();
                    tokio::spawn(async move {
                        let builder =
                            hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                        match tls {
                            Some(acceptor) => {
                                if let Ok(stream) = acceptor.accept(stream).await {
                                    let _ = builder
                                        .serve_connection(TokioIo::new(stream), service)
                                        .await;
                                }
                            }
                            None => {
                                let _ = builder
                                    .serve_connection(TokioIo::new(stream), service)
                                    .await;
                            }
                        }
                    });
                }
            }
        });
        Server {
            addr,
            tls: is_tls,
            seen,
            connections,
            task,
        }
    }

    /// `http://127.0.0.1:<port>` (or `https://`).
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Every request seen, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }

    /// How many requests were seen.
    pub fn count(&self) -> usize {
        self.seen.lock().expect("not poisoned").len()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What a raw server does with each connection, by its number (from 0).
#[derive(Debug, Clone)]
pub enum Misbehaviour {
    /// Reads the request and never answers (keeps the socket open).
    Silent,
    /// Reads the request and writes `bytes` as is, then keeps the socket open.
    WriteThenStall(Vec<u8>),
    /// Reads the request, writes `bytes`, then closes the connection.
    WriteThenClose(Vec<u8>),
    /// Reads the request and closes without a word.
    Close,
}

/// A raw TCP server on 127.0.0.1 that treats connection `i` as `script[i]` (the
/// last one repeated), and records each request's head.
pub struct RawServer {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl RawServer {
    pub async fn start(script: Vec<Misbehaviour>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a local address");
        let heads: Arc<Mutex<Vec<String>>> = Arc::default();
        let task = tokio::spawn({
            let heads = heads.clone();
            async move {
                let mut held = Vec::new();
                for index in 0.. {
                    let Ok((mut stream, _)) = listener.accept().await else {
                        return;
                    };
                    let Some(action) = script.get(index).or(script.last()).cloned() else {
                        return;
                    };
                    let heads = heads.clone();
                    held.push(tokio::spawn(async move {
                        let head = read_request(&mut stream).await;
                        heads.lock().expect("not poisoned").push(head);
                        match action {
                            Misbehaviour::Silent => hold(stream).await,
                            Misbehaviour::WriteThenStall(bytes) => {
                                let _ = stream.write_all(&bytes).await;
                                let _ = stream.flush().await;
                                hold(stream).await;
                            }
                            Misbehaviour::WriteThenClose(bytes) => {
                                let _ = stream.write_all(&bytes).await;
                                let _ = stream.flush().await;
                            }
                            Misbehaviour::Close => {}
                        }
                    }));
                }
            }
        });
        RawServer { addr, heads, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The head of every request read, in order.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().expect("not poisoned").clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Keeps a connection open (reading and discarding) for at most 10 s.
async fn hold(mut stream: TcpStream) {
    let mut buffer = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(n) = stream.read(&mut buffer).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

/// Reads a request head and its `Content-Length` body; returns the head.
async fn read_request(stream: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => data.extend_from_slice(&buffer[..n]),
            _ => return String::from_utf8_lossy(&data).into_owned(),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => data.extend_from_slice(&buffer[..n]),
            _ => break,
        }
    }
    head
}

/// A port on 127.0.0.1 where nothing listens (bound, then closed).
pub async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("a local address");
    drop(listener);
    addr
}

/// A private CA and a server certificate for 127.0.0.1 that it signed.
pub struct TestPki {
    pub ca_pem: String,
    pub ca_der: Vec<u8>,
    server_chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    server_key: Vec<u8>,
}

impl TestPki {
    /// The committed test PKI of `tests/pki/` (see its README).
    pub fn new() -> TestPki {
        TestPki {
            ca_pem: include_str!("../pki/ca.pem").to_owned(),
            ca_der: include_bytes!("../pki/ca.der").to_vec(),
            server_chain: vec![include_bytes!("../pki/server.der").to_vec().into()],
            server_key: include_bytes!("../pki/server-key.pk8.der").to_vec(),
        }
    }

    /// Another CA and server certificate (`tests/pki/other/`), made the same way.
    pub fn other() -> TestPki {
        TestPki {
            ca_pem: include_str!("../pki/other/ca.pem").to_owned(),
            ca_der: include_bytes!("../pki/other/ca.der").to_vec(),
            server_chain: vec![include_bytes!("../pki/other/server.der").to_vec().into()],
            server_key: include_bytes!("../pki/other/server-key.pk8.der").to_vec(),
        }
    }

    fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(self.server_key.clone().into());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(self.server_chain.clone(), key)
            .expect("a server identity");
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    }
}

/// The whole source chain of an error, as text (each level's Display, and the
/// inner error of an `io::Error`, whose `source` skips it).
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut next = Some(error);
    while let Some(current) = next {
        if !text.is_empty() {
            text.push_str(" <- ");
        }
        text.push_str(&current.to_string());
        if let Some(inner) = current
            .downcast_ref::<std::io::Error>()
            .and_then(|e| e.get_ref())
        {
            text.push_str(" [");
            text.push_str(&chain(inner));
            text.push(']');
        }
        next = current.source();
    }
    text
}

/// A GET request for `url` + `path`, as the core would build it.
pub fn get(url: &str, path: &str) -> Request<Bytes> {
    Request::builder()
        .uri(format!("{url}{path}"))
        .header("accept", "application/json")
        .body(Bytes::new())
        .expect("a request")
}
