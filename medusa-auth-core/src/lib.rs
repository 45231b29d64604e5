#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod base_url;
mod call;
mod client;
mod cookies;
mod credentials;
mod engine;
mod error;
mod headers;
mod redact;
mod request;
mod response;
mod retry;
mod route;
mod secret;
mod session;
mod session_factory;
mod transport;
mod v1;
pub mod v2;
mod validation;
mod version;

pub use base_url::BaseUrl;
pub use call::{CallBuilder, CallFuture, CallInput, CallOptions};
pub use client::{Client, ClientBuilder};
pub use credentials::{AccessToken, ApiCredential, Credentials, Side, TokenClaims};
pub use error::{
    ApiError, ApiErrorKind, ConfigError, DecodeError, Error, InvalidInput, MissingCookieReason,
    Result,
};
pub use headers::CustomHeaders;
pub use retry::RetryPolicy;
pub use route::{ApiRequest, RequestBuilder, RouteApi};
pub use session::Session;
pub use session_factory::{AuthSession, SessionFactory};
pub use transport::{
    BoxError, Clock, HttpTransport, Sleep, SystemClock, TransportError, TransportErrorKind,
};
pub use v1::{
    AdminAuthApi, AdminCreateSession, AdminDeleteSession, AdminGetSession, AdminGetToken, Customer,
    Metadata, StoreAuthApi, StoreAuthenticate, StoreDeleteSession, StoreExists, StoreGetSession,
    StoreGetToken, User, UserRole,
};
pub use version::{ApiVersion, V1, V2};

/// The instant type of the whole API (token expiry, model dates, the [`Clock`]):
/// `jiff`'s, re-exported so callers need no direct dependency. It prints as RFC 3339
/// and converts with `Timestamp::try_from(system_time)` and
/// `SystemTime::try_from(timestamp)`.
#[doc(no_inline)]
pub use jiff::Timestamp;
/// Re-exported so callers need no direct dependency to pass passwords and read tokens.
#[doc(no_inline)]
pub use secrecy::{ExposeSecret, SecretString};

/// The pure pieces under the client (request building, response reading, the cookie
/// jar, retry decisions, input checks), for this workspace's tests, benches, fuzz
/// targets and transport crates. Not part of the API: no stability promise.
#[doc(hidden)]
pub mod internal {
    pub use crate::BaseUrl;
    pub use crate::base_url::{DEFAULT_BASE_URL, Origin};
    pub use crate::cookies::{
        CookieJar, MAX_COOKIE_LEN, MAX_COOKIES, SESSION_COOKIE_NAME, SessionCookieChange,
    };
    pub use crate::headers::{
        ACCESS_TOKEN, IDEMPOTENCY_KEY, PUBLISHABLE_API_KEY, checked_value, is_sensitive,
    };
    pub use crate::redact::{REDACTED, redact_credentials};
    pub use crate::request::{
        DEFAULT_USER_AGENT, Outgoing, OutgoingCredentials, RequestFactory, Scope,
    };
    pub use crate::response::{EXCERPT_LEN, excerpt, read_any_json, read_error, read_json};
    pub use crate::retry::{
        AttemptOutcome, MAX_RETRY_AFTER, RetryDecision, StopReason, is_retryable_status,
        retry_after_delay,
    };
    pub use crate::secret::constant_time_eq;
    pub use crate::v1::endpoint::Endpoint;
    pub use crate::v1::wire::{
        login_body, read_access_token, read_customer, read_exists, read_ok, read_user,
    };
    pub use crate::validation::{
        MAX_EMAIL_LEN, MAX_PASSWORD_LEN, validate_email, validate_lookup_email, validate_password,
    };
}
