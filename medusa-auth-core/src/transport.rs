//! The seam every HTTP stack plugs into: one request in, one response out.
//!
//! The core never opens a socket, spawns a task or sleeps by itself: a
//! [`HttpTransport`] sends, a [`Sleep`] waits between retries and a [`Clock`]
//! tells the time (cookie expiry, `Retry-After` dates, JWT expiry, deadlines).

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;

/// A boxed error source.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Sends one HTTP request and returns its whole response.
///
/// The request URI is absolute (`http://host:port/prefix/admin/auth`). An
/// implementation must not follow redirects, must not retry (the client does),
/// and should bound the response size and time it waits.
///
/// The request carries secrets: the login body holds the password, and the
/// `Authorization`, `Cookie` and `x-medusa-access-token` headers credentials (marked
/// sensitive, in buffers wiped when dropped). Never log the request whole:
/// `http::Request`'s `Debug` prints its body and header values.
#[async_trait]
pub trait HttpTransport: Send + Sync + 'static {
    /// Sends `request` and reads the whole response body.
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError>;
}

/// Waits: the client asks for it between retries.
#[async_trait]
pub trait Sleep: Send + Sync + 'static {
    /// Completes after `duration`.
    async fn sleep(&self, duration: Duration);
}

/// Tells the time. The client asks for it rather than reading a clock itself, so
/// tests can hand it a fixed or manual one.
pub trait Clock: Send + Sync + 'static {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Why a transport could not produce a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, TLS handshake …).
    Connect,
    /// A timeout fired (connect, headers or body).
    TimedOut,
    /// The response body exceeded the transport's size limit.
    BodyTooLarge,
    /// Anything else: a reset, a truncated body, a protocol error.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::TimedOut => "timed out",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::Other => "transport failed",
        })
    }
}

/// The typed error of a [`HttpTransport`], with its source.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct TransportError {
    kind: TransportErrorKind,
    may_have_reached_server: bool,
    #[source]
    source: Option<BoxError>,
}

impl TransportError {
    /// Makes an error of `kind`.
    ///
    /// `may_have_reached_server` is false only when the request certainly never left
    /// (a refused connection): the client uses it to decide about retries.
    pub fn new(kind: TransportErrorKind, may_have_reached_server: bool) -> Self {
        TransportError {
            kind,
            may_have_reached_server,
            source: None,
        }
    }

    /// A connection that could not be made: the request never reached the server.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        TransportError::new(TransportErrorKind::Connect, false).with_source(source)
    }

    /// A timeout; `may_have_reached_server` is false for a connect timeout.
    pub fn timed_out(may_have_reached_server: bool) -> Self {
        TransportError::new(TransportErrorKind::TimedOut, may_have_reached_server)
    }

    /// A response larger than `limit` bytes.
    pub fn body_too_large(limit: usize) -> Self {
        TransportError::new(TransportErrorKind::BodyTooLarge, true)
            .with_source(format!("the limit is {limit} bytes"))
    }

    /// Any other failure after the request may have been sent.
    pub fn other(source: impl Into<BoxError>) -> Self {
        TransportError::new(TransportErrorKind::Other, true).with_source(source)
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the server may have received the request.
    pub fn may_have_reached_server(&self) -> bool {
        self.may_have_reached_server
    }

    /// Whether a retry may help: everything but an oversize body, which is a response.
    pub fn is_retryable(&self) -> bool {
        self.kind != TransportErrorKind::BodyTooLarge
    }
}

#[async_trait]
impl<T: HttpTransport + ?Sized> HttpTransport for std::sync::Arc<T> {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Sleep + ?Sized> Sleep for std::sync::Arc<T> {
    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await
    }
}

impl<T: Clock + ?Sized> Clock for std::sync::Arc<T> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}
