//! The seam every HTTP stack plugs into: one request in, one response out.
//!
//! The core never opens a socket, spawns a task or sleeps by itself: a
//! [`HttpTransport`] sends, a [`Sleep`] waits between retries and a [`Clock`]
//! tells the time (cookie expiry, `Retry-After` dates, JWT expiry, deadlines).

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use jiff::Timestamp;

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
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
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
///
/// Its `Display` names the server and the deepest cause, as in `could not connect to
/// 127.0.0.1:9000: connection refused`; the cause is also kept as
/// [`source`](std::error::Error::source), for a reporter that walks the chain. Its
/// `Debug` shows the cause as `Display` does, with what looks like a credential
/// masked.
pub struct TransportError {
    kind: TransportErrorKind,
    may_have_reached_server: bool,
    target: Option<String>,
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
            target: None,
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

    /// Names the server the request was for (`host:port`), shown by `Display`; the
    /// client sets it to its base URL's when a transport did not.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub(crate) fn with_target_if_unset(self, target: &str) -> Self {
        match self.target {
            Some(_) => self,
            None => self.with_target(target),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The server the request was for (`host:port`), when known.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
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

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("target", &self.target)
            .field("may_have_reached_server", &self.may_have_reached_server)
            .field(
                "cause",
                &self.source.as_deref().map(|source| describe_cause(source)),
            )
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let preposition = match self.kind {
            TransportErrorKind::Connect => "to",
            TransportErrorKind::TimedOut => "waiting for",
            TransportErrorKind::BodyTooLarge => "from",
            TransportErrorKind::Other => "talking to",
        };
        write!(f, "{}", self.kind)?;
        if let Some(target) = &self.target {
            write!(f, " {preposition} {target}")?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {}", describe_cause(source.as_ref()))?;
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// The kinds of operating-system error whose name says it all (`connection refused`);
/// any other (a DNS failure is `uncategorized`) is told by its own message.
fn described_by_kind(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        kind,
        ConnectionRefused
            | ConnectionReset
            | ConnectionAborted
            | NotConnected
            | AddrInUse
            | AddrNotAvailable
            | BrokenPipe
            | TimedOut
            | UnexpectedEof
            | PermissionDenied
    )
}

/// The deepest cause of `error`, in words: an operating-system error by its kind
/// (`connection refused`, `timed out` …), anything else by its own message with
/// what looks like a credential masked, at most 200 characters.
fn describe_cause(error: &(dyn StdError + 'static)) -> String {
    let mut deepest = error;
    let mut os_kind = None;
    let mut depth = 0;
    let mut next = Some(error);
    while let Some(current) = next {
        depth += 1;
        if depth > 32 {
            break;
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if described_by_kind(io.kind()) {
                os_kind = Some(io.kind());
            }
        }
        deepest = current;
        next = current.source();
    }
    let text = match os_kind {
        Some(kind) => kind.to_string(),
        None => deepest.to_string(),
    };
    let text: String = crate::redact::redact_credentials(&text)
        .chars()
        .take(200)
        .collect();
    text
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
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1
                .as_deref()
                .map(|inner| inner as &(dyn StdError + 'static))
        }
    }

    #[test]
    fn names_an_os_error_by_its_kind_and_anything_else_by_its_message() {
        let refused = TransportError::connect(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        ))
        .with_target("127.0.0.1:9000");
        assert_eq!(
            refused.to_string(),
            "could not connect to 127.0.0.1:9000: connection refused"
        );
        assert!(!refused.may_have_reached_server());
        let dns = TransportError::connect(std::io::Error::other(
            "failed to lookup address information: Name or service not known",
        ))
        .with_target("no-such-host.invalid:80");
        assert_eq!(
            dns.to_string(),
            "could not connect to no-such-host.invalid:80: failed to lookup address information: Name or service not known"
        );
        let reset =
            TransportError::other(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert_eq!(reset.to_string(), "transport failed: connection reset");
        assert!(reset.may_have_reached_server());
        // The deepest of a chain of causes, at most 32 deep.
        let deep = Layer(
            "outer",
            Some(Box::new(Layer(
                "middle",
                Some(Box::new(Layer("inner", None))),
            ))),
        );
        assert_eq!(
            TransportError::other(deep).to_string(),
            "transport failed: inner"
        );
        let mut endless = Layer("level 40", None);
        for level in (0..40).rev() {
            let name: &'static str = Box::leak(format!("level {level}").into_boxed_str());
            endless = Layer(name, Some(Box::new(endless)));
        }
        assert_eq!(
            TransportError::other(endless).to_string(),
            "transport failed: level 31"
        );
    }

    #[test]
    fn debug_shows_the_cause_as_display_does() {
        let error = TransportError::timed_out(true)
            .with_source("no answer within 30s (Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig)")
            .with_target("127.0.0.1:9000");
        let shown = format!("{error:?}");
        assert!(shown.starts_with(r#"TransportError { kind: TimedOut, target: Some("127.0.0.1:9000"), may_have_reached_server: true, cause: Some("#), "{shown}");
        assert!(!shown.contains("eyJ"), "{shown}");
        assert_eq!(
            error.to_string(),
            "timed out waiting for 127.0.0.1:9000: no answer within 30s (Bearer [REDACTED])"
        );
    }

    #[test]
    fn the_clocks_and_sleeps_behind_an_arc_are_the_same() {
        struct Fixed;
        impl Clock for Fixed {
            fn now(&self) -> Timestamp {
                Timestamp::from_second(1_800_000_000).unwrap()
            }
        }
        let shared: std::sync::Arc<dyn Clock> = std::sync::Arc::new(Fixed);
        assert_eq!(shared.now(), Timestamp::from_second(1_800_000_000).unwrap());
        assert!(SystemClock.now() > Timestamp::from_second(1_700_000_000).unwrap());

        struct Counted(std::sync::Mutex<Vec<Duration>>);
        #[async_trait]
        impl Sleep for Counted {
            async fn sleep(&self, duration: Duration) {
                self.0.lock().unwrap().push(duration);
            }
        }
        let sleep = std::sync::Arc::new(Counted(std::sync::Mutex::default()));
        futures::executor::block_on(Sleep::sleep(&sleep, Duration::from_millis(5)));
        assert_eq!(*sleep.0.lock().unwrap(), [Duration::from_millis(5)]);
    }
}
