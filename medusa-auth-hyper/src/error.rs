//! The causes this crate attaches to the core's [`TransportError`], and how every
//! failure of hyper, hyper-util, rustls and the body limit maps onto its kinds.
//!
//! | what happened | kind | may have reached the server |
//! |---|---|---|
//! | connection refused, DNS failure, TLS handshake refused | `Connect` | no |
//! | the connect timeout fired | `TimedOut` | no |
//! | the request timeout fired (headers or body too slow) | `TimedOut` | yes |
//! | the body is over the size limit | `BodyTooLarge` | yes |
//! | a reset, a body cut short, a protocol error | `Other` | yes |
//!
//! The original error is always kept as the source, so `std::error::Error::source`
//! walks down to hyper's or the operating system's own error.

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

use http_body_util::LengthLimitError;
use medusa_auth_core::{BoxError, TransportError};

/// Why this transport failed where hyper has no error of its own; found in the
/// source chain of a [`TransportError`].
///
/// ```
/// use std::error::Error as _;
/// use medusa_auth_hyper::TransportCause;
/// # let error = medusa_auth_core::TransportError::timed_out(true)
/// #     .with_source(TransportCause::RequestTimeout(std::time::Duration::from_secs(30)));
/// let cause = error.source().and_then(|s| s.downcast_ref::<TransportCause>());
/// assert!(matches!(cause, Some(TransportCause::RequestTimeout(_))));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportCause {
    /// No complete response (headers and whole body) arrived within the request
    /// timeout.
    #[error("no complete response within {0:?} (the request timeout)")]
    RequestTimeout(Duration),
    /// rustls refused the TLS configuration, so no request can be sent. The built-in
    /// ring provider never causes this; it is kept so that nothing panics if it did.
    #[error("the TLS configuration could not be built")]
    TlsSetup(#[source] rustls::Error),
    /// The transport was called outside a tokio runtime.
    #[error("HyperTransport must be called within a tokio runtime")]
    NoRuntime(#[source] tokio::runtime::TryCurrentError),
}

/// Maps an error of hyper-util's client (before any response head arrived).
pub(crate) fn from_client_error(error: hyper_util::client::legacy::Error) -> TransportError {
    if error.is_connect() {
        if chain_has_timeout(&error) {
            // The connector's own timeout: the connection was never made.
            TransportError::timed_out(false).with_source(error)
        } else {
            TransportError::connect(error)
        }
    } else {
        TransportError::other(error)
    }
}

/// Maps an error met while reading the body under `limit`.
pub(crate) fn from_body_error(error: BoxError, limit: usize) -> TransportError {
    if error.is::<LengthLimitError>() {
        TransportError::body_too_large(limit)
    } else {
        TransportError::other(error)
    }
}

/// Whether an `io::Error` of kind `TimedOut` is anywhere in the chain, including
/// inside `io::Error`s that wrap another error (their `source` skips it).
fn chain_has_timeout(error: &(dyn StdError + 'static)) -> bool {
    let mut next: Option<&(dyn StdError + 'static)> = Some(error);
    let mut depth = 0;
    while let Some(current) = next {
        depth += 1;
        if depth > 32 {
            return false;
        }
        if let Some(io_error) = current.downcast_ref::<io::Error>() {
            if io_error.kind() == io::ErrorKind::TimedOut {
                return true;
            }
            if let Some(inner) = io_error.get_ref() {
                if chain_has_timeout(inner) {
                    return true;
                }
            }
        }
        next = current.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] io::Error);

    #[test]
    fn finds_a_timeout_anywhere_in_the_chain() {
        let direct = io::Error::new(io::ErrorKind::TimedOut, "connect timeout");
        assert!(chain_has_timeout(&direct));
        let wrapped = Outer(io::Error::other(io::Error::new(
            io::ErrorKind::TimedOut,
            "deep",
        )));
        assert!(chain_has_timeout(&wrapped));
        let refused = Outer(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert!(!chain_has_timeout(&refused));
    }

    /// An error whose source is another.
    #[derive(Debug, thiserror::Error)]
    #[error("link")]
    struct Link(#[source] Box<dyn StdError + Send + Sync + 'static>);

    /// A chain of `depth` errors whose last is an `io::Error` of kind `TimedOut`.
    fn chain(depth: usize) -> Box<dyn StdError + Send + Sync + 'static> {
        let mut error: Box<dyn StdError + Send + Sync + 'static> =
            Box::new(io::Error::new(io::ErrorKind::TimedOut, "at the end"));
        for _ in 1..depth {
            error = Box::new(Link(error));
        }
        error
    }

    #[test]
    fn the_chain_is_searched_32_deep_and_no_deeper() {
        assert!(chain_has_timeout(chain(1).as_ref()));
        assert!(chain_has_timeout(chain(32).as_ref()));
        assert!(!chain_has_timeout(chain(33).as_ref()));
        assert!(!chain_has_timeout(chain(40).as_ref()));
    }

    #[test]
    fn an_over_limit_body_is_body_too_large_and_the_rest_is_other() {
        use http_body_util::{BodyExt as _, Full, Limited};
        let over = Limited::new(Full::new(bytes::Bytes::from_static(b"0123456789ab")), 10);
        let error = futures::executor::block_on(over.collect())
            .expect_err("12 bytes are over a 10-byte limit");
        let too_large = from_body_error(error, 10);
        assert_eq!(
            too_large.kind(),
            medusa_auth_core::TransportErrorKind::BodyTooLarge
        );
        let other = from_body_error(Box::new(io::Error::from(io::ErrorKind::BrokenPipe)), 10);
        assert_eq!(other.kind(), medusa_auth_core::TransportErrorKind::Other);
        assert!(other.may_have_reached_server());
    }
}
