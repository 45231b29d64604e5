//! The shape every call takes: a fluent builder, awaited directly.
//!
//! `session.store().authenticate(email, password)` makes a [`CallBuilder`]; options
//! for this one call go on it (`.header(name, value)`), and `.await` sends it. The
//! builder holds the call's input (one of the input structs, such as
//! [`StoreAuthenticate`](crate::StoreAuthenticate)) and hands it to the object-safe
//! trait behind it ([`StoreAuthApi`](crate::StoreAuthApi) and the like), so a mock, a
//! session and anything else that implements the trait is called the same way.
//!
//! Why this shape: aws-sdk-rust's fluent builders and octocrab's handlers show that
//! per-call settings belong on the call, not in an argument every caller passes; a
//! builder that implements [`IntoFuture`] (as reqwest's `send` would be, without the
//! extra word) keeps the common call to one line. The trait methods take one input
//! struct whose fields are private, so a setting added later (a timeout, say) is a
//! new builder method and a new field: no caller, implementor or mock changes.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use crate::error::{Error, InvalidInput, Result};
use crate::headers::CustomHeaders;

/// The future a call resolves in: what [`CallBuilder`] awaits and what the `send_*`
/// methods of the API traits return (boxed, `Send`, borrowing the API it runs on).
pub type CallFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// The options of one call, set on its [`CallBuilder`].
///
/// An implementor of the API traits reads them from the call's input
/// ([`StoreAuthenticate::options`](crate::StoreAuthenticate::options) and the like).
/// New options may be added; reading the ones you know keeps working.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Headers for this call only, the JS client's `customHeaders`: they win over
    /// the client's default headers and the ones the SDK sets.
    pub headers: CustomHeaders,
}

impl CallOptions {
    /// No options: the client's defaults.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// These options with `headers` as the per-call headers.
    pub fn with_headers(mut self, headers: CustomHeaders) -> Self {
        self.headers = headers;
        self
    }
}

pub(crate) mod sealed {
    /// Keeps [`CallInput`](super::CallInput) to this crate's input structs.
    pub trait Sealed {}
}

/// The input of one call, dispatched to the trait method that sends it.
///
/// Implemented by this crate's input structs only; it is what lets one
/// [`CallBuilder`] serve every call.
pub trait CallInput: sealed::Sealed + Send + Sized + 'static {
    /// The API trait object the call is sent through (`dyn StoreAuthApi + 'a` …).
    type Api<'a>: ?Sized + Sync + 'a;
    /// What the call answers with.
    type Output: Send + 'static;

    /// The options of the call.
    fn options(&self) -> &CallOptions;

    /// The options of the call, to change them.
    #[doc(hidden)]
    fn options_mut(&mut self) -> &mut CallOptions;

    /// Sends the call through `api`.
    #[doc(hidden)]
    fn dispatch<'a>(self, api: &'a Self::Api<'a>) -> CallFuture<'a, Self::Output>;
}

/// Implements [`CallInput`] for an input struct with an `options` field, dispatching
/// to the trait method `$send` of `$api`.
macro_rules! call_input {
    ($input:ty, $api:path, $output:ty, $send:ident) => {
        impl $crate::call::sealed::Sealed for $input {}
        impl $crate::call::CallInput for $input {
            type Api<'a> = dyn $api + 'a;
            type Output = $output;
            fn options(&self) -> &$crate::call::CallOptions {
                &self.options
            }
            fn options_mut(&mut self) -> &mut $crate::call::CallOptions {
                &mut self.options
            }
            fn dispatch<'a>(self, api: &'a Self::Api<'a>) -> $crate::call::CallFuture<'a, $output> {
                api.$send(self)
            }
        }
    };
}
pub(crate) use call_input;

/// One call, ready to send: set its options, then `.await` it.
///
/// ```
/// # use medusa_auth_core::{Client, Error, HttpTransport, TransportError};
/// # struct Refused;
/// # #[async_trait::async_trait]
/// # impl HttpTransport for Refused {
/// #     async fn send(&self, _: http::Request<bytes::Bytes>) -> Result<http::Response<bytes::Bytes>, TransportError> {
/// #         Err(TransportError::connect("refused"))
/// #     }
/// # }
/// # futures::executor::block_on(async {
/// let client = Client::builder(Refused).base_url("http://127.0.0.1:9000").build()?;
/// let alice = client.session();
/// let result = alice
///     .store()
///     .authenticate("alice@example.com", "her password")
///     .header("x-request-id", "7f2c")
///     .await;
/// assert!(matches!(result, Err(Error::Transport(_))));
///
/// // A header that cannot be sent fails the call when it runs, before anything is sent.
/// let bad = alice.store().get_session().header("x-bad", "line\r\nbreak").await;
/// assert!(matches!(bad, Err(Error::InvalidInput(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct CallBuilder<'a, C: CallInput> {
    api: &'a C::Api<'a>,
    input: C,
    error: Option<InvalidInput>,
}

impl<'a, C: CallInput> CallBuilder<'a, C> {
    pub(crate) fn new(api: &'a C::Api<'a>, input: C) -> Self {
        CallBuilder {
            api,
            input,
            error: None,
        }
    }

    /// A call that fails with `error` when awaited, before anything is sent.
    pub(crate) fn failing(mut self, error: InvalidInput) -> Self {
        self.error.get_or_insert(error);
        self
    }

    /// Adds a header to this call only (replacing one of the same name); it wins over
    /// the client's default headers and the ones the SDK sets.
    ///
    /// A name or value a header cannot carry (CR, LF, other control characters,
    /// non-ASCII) or a header the HTTP layer owns (`Host`, `Content-Length` …) makes
    /// the call fail with [`Error::InvalidInput`] when awaited, before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if self.error.is_none() {
            if let Err(error) = self.input.options_mut().headers.insert(name, value) {
                self.error = Some(error);
            }
        }
        self
    }

    /// Adds every header of `headers` to this call (later ones replace earlier ones
    /// of the same name).
    pub fn headers(mut self, headers: CustomHeaders) -> Self {
        self.input.options_mut().headers.extend(headers);
        self
    }

    /// The input as it would be sent.
    pub fn input(&self) -> &C {
        &self.input
    }

    /// The call as a future, for what wants one rather than an
    /// [`IntoFuture`]: `join!`, `select!`, a `Vec` of calls. `.await` does the same.
    pub fn send(self) -> CallFuture<'a, C::Output> {
        self.into_future()
    }
}

impl<'a, C: CallInput> IntoFuture for CallBuilder<'a, C> {
    type Output = Result<C::Output>;
    type IntoFuture = CallFuture<'a, C::Output>;

    fn into_future(self) -> Self::IntoFuture {
        match self.error {
            Some(error) => Box::pin(std::future::ready(Err(Error::InvalidInput(error)))),
            None => self.input.dispatch(self.api),
        }
    }
}

impl<C: CallInput + fmt::Debug> fmt::Debug for CallBuilder<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallBuilder")
            .field("input", &self.input)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v1::StoreGetSession;

    #[test]
    fn options_carry_their_headers() {
        let headers = CustomHeaders::new().with("x-request-id", "7f2c").unwrap();
        let options = CallOptions::new().with_headers(headers);
        assert_eq!(options.headers.get("x-request-id").unwrap(), "7f2c");
        let input = StoreGetSession::new().with_options(options);
        assert_eq!(CallInput::options(&input).headers.len(), 1);
    }

    #[test]
    fn a_pending_call_shows_its_input_and_its_error() {
        struct Nowhere;
        #[async_trait::async_trait]
        impl crate::HttpTransport for Nowhere {
            async fn send(
                &self,
                _: http::Request<bytes::Bytes>,
            ) -> Result<http::Response<bytes::Bytes>, crate::TransportError> {
                unreachable!("never sent")
            }
        }
        let session = crate::Client::builder(Nowhere).build().unwrap().session();
        let ok = session.store().get_session().header("x-request-id", "7f2c");
        assert_eq!(
            format!("{ok:?}"),
            r#"CallBuilder { input: StoreGetSession { options: CallOptions { headers: {"x-request-id"} } }, error: None, .. }"#
        );
        let bad = session.store().get_session().header("x-bad", "a\r\nb");
        assert_eq!(
            format!("{bad:?}"),
            r#"CallBuilder { input: StoreGetSession { options: CallOptions { headers: {} } }, error: Some(InvalidHeaderValue { name: "x-bad" }), .. }"#
        );
    }
}
