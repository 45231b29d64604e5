//! [`HyperTransport`]: the core's [`HttpTransport`] on hyper 1 and hyper-util's
//! pooled client, with its timeouts and response-size limit.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, header};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::{Body as _, Incoming};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client as PooledClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use medusa_auth_core::{HttpTransport, TransportError};

use crate::error::{self, TransportCause};
use crate::tls::{Certificate, TlsSettings};

/// How long establishing a connection (TCP and TLS) may take by default: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole exchange (connecting, sending, the response head and its whole
/// body) may take by default: 30 s.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest response body read by default: 8 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// How long an idle pooled connection is kept by default: 4 s, under the 5 s after
/// which Medusa (Node's `keepAliveTimeout`, `Keep-Alive: timeout=5` on its answers)
/// closes an idle connection, so a call does not pick one the server is closing.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);

type Connector = HttpsConnector<HttpConnector>;
type Pool = PooledClient<Connector, Full<Bytes>>;

/// Configures a [`HyperTransport`].
///
/// ```
/// use std::time::Duration;
/// use medusa_auth_hyper::HyperTransport;
/// let transport = HyperTransport::builder()
///     .connect_timeout(Duration::from_secs(3))
///     .request_timeout(Duration::from_secs(10))
///     .max_response_bytes(1024 * 1024)
///     .build();
/// assert_eq!(transport.request_timeout(), Duration::from_secs(10));
/// ```
#[derive(Clone, Debug)]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    request_timeout: Duration,
    max_response_bytes: usize,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    http2: bool,
    tls: TlsSettings,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        HyperTransportBuilder {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            http2: true,
            tls: TlsSettings::new(),
        }
    }
}

impl HyperTransportBuilder {
    /// The defaults: 10 s to connect, 30 s per exchange, 8 MiB per body, HTTP/2 when
    /// the server offers it, the built-in root certificates.
    pub fn new() -> Self {
        HyperTransportBuilder::default()
    }

    /// How long establishing a TCP connection may take (default 10 s); a timeout is a
    /// [`TimedOut`](medusa_auth_core::TransportErrorKind::TimedOut) error that never
    /// reached the server. The TLS handshake is bounded by the request timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one exchange may take in all (default 30 s): connecting, sending, the
    /// response head and its whole body. A timeout is a
    /// [`TimedOut`](medusa_auth_core::TransportErrorKind::TimedOut) error that may have
    /// reached the server.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default 8 MiB); a larger one is
    /// a [`BodyTooLarge`](medusa_auth_core::TransportErrorKind::BodyTooLarge) error.
    /// A `Content-Length` over the limit is refused before the body is read.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How long an idle connection stays in the pool (default 4 s; `None`: no limit).
    /// Keep it under the server's keep-alive timeout (Medusa's is 5 s): a request
    /// sent on a connection the server is closing fails.
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// The most idle connections kept per host (default: no limit).
    pub fn pool_max_idle_per_host(mut self, max_idle: usize) -> Self {
        self.pool_max_idle_per_host = max_idle;
        self
    }

    /// Whether HTTP/2 is offered by ALPN over TLS (default true). Plain HTTP always
    /// uses HTTP/1.1.
    pub fn http2(mut self, enabled: bool) -> Self {
        self.http2 = enabled;
        self
    }

    /// Trusts `certificate` as a root, in addition to the built-in roots (e.g. a
    /// private CA, or a test server's self-signed certificate).
    pub fn add_root_certificate(mut self, certificate: Certificate) -> Self {
        self.tls.extra_roots.push(certificate);
        self
    }

    /// Whether the built-in roots are trusted (default true): the Mozilla roots of
    /// `webpki-roots`, or the platform's with the `native-roots` feature. With
    /// `false`, only the roots added with
    /// [`add_root_certificate`](Self::add_root_certificate) are.
    pub fn tls_built_in_root_certs(mut self, enabled: bool) -> Self {
        self.tls.built_in_roots = enabled;
        self
    }

    /// Uses this rustls configuration as is (client certificates, a custom verifier …);
    /// the root settings above are then ignored. Its ALPN protocols are replaced by
    /// `h2`/`http/1.1` as [`http2`](Self::http2) says.
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls.config = Some(config.into());
        self
    }

    /// Makes the transport. It needs a tokio runtime (with the time driver) only
    /// when it sends.
    pub fn build(self) -> HyperTransport {
        let pool = self.tls.client_config().map(|tls_config| {
            let mut http = HttpConnector::new();
            http.enforce_http(false);
            http.set_nodelay(true);
            http.set_connect_timeout(Some(self.connect_timeout));
            let https = HttpsConnectorBuilder::new()
                .with_tls_config(tls_config)
                .https_or_http()
                .enable_http1();
            let connector = if self.http2 {
                https.enable_http2().wrap_connector(http)
            } else {
                https.wrap_connector(http)
            };
            PooledClient::builder(TokioExecutor::new())
                .timer(TokioTimer::new())
                .pool_timer(TokioTimer::new())
                .pool_idle_timeout(self.pool_idle_timeout)
                .pool_max_idle_per_host(self.pool_max_idle_per_host)
                .build(connector)
        });
        HyperTransport {
            pool,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            max_response_bytes: self.max_response_bytes,
        }
    }
}

/// The core's [`HttpTransport`] on hyper 1 and hyper-util's pooled client, on tokio.
///
/// - HTTP/1.1 with keep-alive, and HTTP/2 when the server offers it by ALPN over TLS;
///   plain HTTP for `http://` URLs.
/// - TLS by rustls (ring): the Mozilla roots by default, the platform's with the
///   `native-roots` feature, plus any root added with
///   [`HyperTransportBuilder::add_root_certificate`].
/// - A connect timeout, a timeout around the whole exchange (body included), and a
///   response-size limit; redirects are never followed; nothing is retried here (the
///   core's client does that).
/// - Every failure is a typed [`TransportError`] with hyper's error kept as its
///   source (see [`TransportCause`] for the causes this crate adds).
///
/// Cheap to clone: clones share one connection pool, so several clients (and every
/// session of each) can send through one pool:
///
/// ```
/// use medusa_auth_core::Client;
/// use medusa_auth_hyper::{HyperTransport, TokioSleep};
/// let transport = HyperTransport::new();
/// let eu = Client::builder(transport.clone()).base_url("https://eu.example.com").build()?;
/// let us = Client::builder(transport)
///     .base_url("https://us.example.com")
///     .max_retries(2)
///     .sleep(TokioSleep)
///     .build()?;
/// # Ok::<(), medusa_auth_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    pool: Result<Pool, rustls::Error>,
    connect_timeout: Duration,
    request_timeout: Duration,
    max_response_bytes: usize,
}

impl HyperTransport {
    /// A transport with the defaults of [`HyperTransportBuilder::new`].
    pub fn new() -> Self {
        HyperTransportBuilder::new().build()
    }

    /// Starts configuring a transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::new()
    }

    /// The connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The timeout of a whole exchange.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// The largest response body accepted, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        HyperTransport::new()
    }
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("tls_ready", &self.pool.is_ok())
            .finish_non_exhaustive()
    }
}

/// The future [`HttpTransport::send`] returns (what `#[async_trait]` makes of it).
type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Response<Bytes>, TransportError>> + Send + 'a>>;

// Written out rather than with `#[async_trait]`: the request goes to hyper's pool
// before the future is boxed, so the box holds hyper's small response future and not
// the 256-byte request as well. It stays under the allocator's fast-path size
// (1,032 bytes), which the async version (1,184 bytes) did not.
impl HttpTransport for HyperTransport {
    fn send<'life0, 'async_trait>(&'life0 self, request: Request<Bytes>) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        if let Err(error) = tokio::runtime::Handle::try_current() {
            let error = TransportError::connect(TransportCause::NoRuntime(error));
            return Box::pin(std::future::ready(Err(error)));
        }
        let pool = match &self.pool {
            Ok(pool) => pool,
            Err(error) => {
                let error = TransportError::connect(TransportCause::TlsSetup(error.clone()));
                return Box::pin(std::future::ready(Err(error)));
            }
        };
        // Named in an error: a reference count, the URI's bytes are shared.
        let target = request.uri().authority().cloned();
        let response = pool.request(request.map(Full::new));
        let (request_timeout, limit) = (self.request_timeout, self.max_response_bytes);
        Box::pin(async move {
            let exchange = async {
                let response = response.await.map_err(error::from_client_error)?;
                read_body(response, limit).await
            };
            let result = match tokio::time::timeout(request_timeout, exchange).await {
                Ok(result) => result,
                Err(_elapsed) => Err(TransportError::timed_out(true)
                    .with_source(TransportCause::RequestTimeout(request_timeout))),
            };
            result.map_err(|error| match target {
                Some(target) => error.with_target(target.as_str()),
                None => error,
            })
        })
    }
}

/// Reads the whole body, refusing more than `limit` bytes.
async fn read_body(
    response: Response<Incoming>,
    limit: usize,
) -> Result<Response<Bytes>, TransportError> {
    let (mut parts, body) = response.into_parts();
    // A session cookie arrives here: marked sensitive like the ones the SDK sends, so
    // an HTTP/2 encoder or a header dump downstream treats it as a secret.
    if let header::Entry::Occupied(mut cookies) = parts.headers.entry(header::SET_COOKIE) {
        for value in cookies.iter_mut() {
            value.set_sensitive(true);
        }
    }
    if body.size_hint().lower() > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(TransportError::body_too_large(limit));
    }
    let collected = Limited::new(body, limit)
        .collect()
        .await
        .map_err(|error| error::from_body_error(error, limit))?;
    Ok(Response::from_parts(parts, collected.to_bytes()))
}
