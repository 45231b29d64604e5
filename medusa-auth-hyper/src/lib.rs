#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod error;
mod sleep;
mod tls;
mod transport;
pub mod v2;

pub use client::{Client, ClientBuilder};
pub use error::TransportCause;
pub use sleep::TokioSleep;
pub use tls::{Certificate, CertificateError};
pub use transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_POOL_IDLE_TIMEOUT,
    DEFAULT_REQUEST_TIMEOUT, HyperTransport, HyperTransportBuilder,
};

pub use medusa_auth_core::{
    AccessToken, AdminAuthApi, AdminCreateSession, AdminDeleteSession, AdminGetSession,
    AdminGetToken, ApiError, ApiErrorKind, ApiRequest, ApiVersion, AuthSession, BaseUrl, BoxError,
    CallBuilder, CallFuture, CallInput, CallOptions, Clock, ConfigError, Credentials,
    CustomHeaders, Customer, DecodeError, Error, ExposeSecret, HttpTransport, InvalidInput,
    Metadata, MissingCookieReason, RequestBuilder, Result, RetryPolicy, RouteApi, SecretString,
    Session, SessionFactory, Side, Sleep, StoreAuthApi, StoreAuthenticate, StoreDeleteSession,
    StoreExists, StoreGetSession, StoreGetToken, SystemClock, Timestamp, TokenClaims,
    TransportError, TransportErrorKind, User, UserRole, V1, V2,
};
/// The rustls this crate is built on, for [`HyperTransportBuilder::tls_config`].
pub use rustls;
