#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod base_url;
pub mod calls;
mod client;
pub mod cookies;
mod credentials;
mod error;
pub mod headers;
pub mod models;
pub mod redact;
mod request;
pub mod response;
pub mod retry;
mod secret;
mod transport;
pub mod validation;

pub use api::{AdminAuthApi, StoreAuthApi};
pub use base_url::{BaseUrl, DEFAULT_BASE_URL, Origin};
pub use calls::{AuthRequest, Call};
pub use client::{AdminAuth, Client, ClientBuilder, Session, StoreAuth};
pub use credentials::{AccessToken, Credentials, Side, TokenClaims};
pub use error::{
    ApiError, ApiErrorKind, ConfigError, DecodeError, Error, InvalidInput, MissingCookieReason,
    Result,
};
pub use headers::CustomHeaders;
pub use models::{Customer, User, UserRole};
pub use request::{DEFAULT_USER_AGENT, OutgoingCredentials, RequestFactory};
pub use retry::RetryPolicy;
pub use secret::constant_time_eq;
pub use transport::{
    BoxError, Clock, HttpTransport, Sleep, SystemClock, TransportError, TransportErrorKind,
};

/// Re-exported so callers need no direct dependency to pass passwords and tokens.
pub use secrecy::{self, ExposeSecret, SecretString};
