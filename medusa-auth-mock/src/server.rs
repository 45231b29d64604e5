//! The fakes over loopback HTTP (feature `server`): hyper 1 on tokio, HTTP/1.1 on
//! `127.0.0.1:0`, every request handed to [`FakeMedusa::serve`] (or
//! [`FakeMedusaV2::serve`]).

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use medusa_auth_core::Sleep;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::fake::{BodyTooLarge, ConnectionDropped, FakeMedusa};
use crate::fake_v2::FakeMedusaV2;

/// Request bodies larger than this are not kept: the fake answers 413.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;
/// Request bodies larger than this are not even read to the end: the connection is
/// closed.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;
/// How long a connection may take to send its request head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long open connections get to finish when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

struct TokioSleep;

#[async_trait]
impl Sleep for TokioSleep {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// What the loopback server hands each request to: a fake's `serve`.
trait Backend: Clone + Send + Sync + 'static {
    fn serve_request<'a>(
        &'a self,
        request: http::Request<Bytes>,
        sleep: &'a dyn Sleep,
    ) -> impl Future<Output = Result<http::Response<Bytes>, ConnectionDropped>> + Send + 'a;
}

impl Backend for FakeMedusa {
    fn serve_request<'a>(
        &'a self,
        request: http::Request<Bytes>,
        sleep: &'a dyn Sleep,
    ) -> impl Future<Output = Result<http::Response<Bytes>, ConnectionDropped>> + Send + 'a {
        self.serve(request, sleep)
    }
}

impl Backend for FakeMedusaV2 {
    fn serve_request<'a>(
        &'a self,
        request: http::Request<Bytes>,
        sleep: &'a dyn Sleep,
    ) -> impl Future<Output = Result<http::Response<Bytes>, ConnectionDropped>> + Send + 'a {
        self.serve(request, sleep)
    }
}

/// A running loopback server for a [`FakeMedusa`] (or a [`FakeMedusaV2`]). Dropping
/// it stops the server: the listener closes at once and open connections are shut
/// down gracefully.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use medusa_auth_mock::FakeMedusa;
/// let fake = FakeMedusa::builder().admin("admin@example.com", "supersecret").build();
/// let server = fake.start_server().await?;
/// assert!(server.url().starts_with("http://127.0.0.1:"));
/// // Hand server.url() to any HTTP client (e.g. medusa-auth-hyper's `base_url`).
/// server.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub struct FakeServer {
    addr: SocketAddr,
    url: String,
    stop: Option<watch::Sender<bool>>,
    accept: Option<JoinHandle<()>>,
}

impl fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeServer")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl FakeServer {
    /// The base URL: `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits until the listener is closed and open connections
    /// are done (or were given up on after a short grace period).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        // Dropping the sender wakes the accept loop, which closes the listener and
        // shuts the connections down gracefully in the background.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

impl FakeMedusa {
    /// Starts a loopback HTTP server for this fake on `127.0.0.1:0` (a free port),
    /// in the current tokio runtime. Requests go through [`FakeMedusa::serve`], the
    /// same handler as the in-memory transport: a drop fault closes the connection,
    /// a delay fault waits with tokio's timer.
    pub async fn start_server(&self) -> std::io::Result<FakeServer> {
        start(self.clone()).await
    }
}

impl FakeMedusaV2 {
    /// Starts a loopback HTTP server for this fake on `127.0.0.1:0` (a free port),
    /// in the current tokio runtime. Requests go through [`FakeMedusaV2::serve`],
    /// as in memory; a body over [`MAX_REQUEST_BODY`] is answered 413 as
    /// body-parser does.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use medusa_auth_mock::{FakeMedusaV2, SeedV2};
    /// let fake = FakeMedusaV2::from_seed(&SeedV2::interop());
    /// let server = fake.start_server().await?;
    /// assert!(server.url().starts_with("http://127.0.0.1:"));
    /// server.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_server(&self) -> std::io::Result<FakeServer> {
        start(self.clone()).await
    }
}

async fn start<B: Backend>(backend: B) -> std::io::Result<FakeServer> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let accept = tokio::spawn(accept_loop(listener, backend, stopped));
    Ok(FakeServer {
        addr,
        url: format!("http://{addr}"),
        stop: Some(stop),
        accept: Some(accept),
    })
}

async fn accept_loop<B: Backend>(
    listener: TcpListener,
    fake: B,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors or the like: back off a little.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let fake = fake.clone();
                let mut stopped = stopped.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| {
                        let fake = fake.clone();
                        async move { answer(&fake, request).await }
                    });
                    let connection = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(connection);
                    tokio::select! {
                        _ = connection.as_mut() => {}
                        _ = stopped.changed() => {
                            connection.as_mut().graceful_shutdown();
                            let _ = connection.await;
                        }
                    }
                });
            }
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let all_done = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, all_done)
        .await
        .is_err()
    {
        connections.abort_all();
    }
}

/// One exchange: read the body (bounded), hand the request to the fake, write its
/// answer; a dropped-connection fault becomes an error, so hyper closes the
/// connection without answering.
async fn answer<B: Backend>(
    fake: &B,
    request: http::Request<Incoming>,
) -> Result<http::Response<Full<Bytes>>, ConnectionDropped> {
    let (mut parts, mut body) = request.into_parts();
    let mut buffer = BytesMut::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        // An error here: the client went away mid-body.
        let frame = frame.map_err(|_| ConnectionDropped)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total > DRAIN_LIMIT {
            return Err(ConnectionDropped);
        }
        if total <= MAX_REQUEST_BODY {
            buffer.extend_from_slice(&data);
        }
        // Past the limit the rest is read and thrown away, so the client gets the
        // 413 rather than a reset connection.
    }
    let body = if total > MAX_REQUEST_BODY {
        parts.extensions.insert(BodyTooLarge);
        Bytes::new()
    } else {
        buffer.freeze()
    };
    let request = http::Request::from_parts(parts, body);
    let response = fake.serve_request(request, &TokioSleep).await?;
    Ok(response.map(Full::new))
}
