//! The hyper transport and ready-made client of **medusa-auth** for tokio services.
//!
//! [`medusa_auth_core`] knows every call of the Medusa v1 auth API, its credentials,
//! cookies and retry rules, but does no I/O. This crate gives it:
//!
//! - [`HyperTransport`]: the core's [`HttpTransport`](medusa_auth_core::HttpTransport)
//!   on hyper 1 and hyper-util's pooled client, HTTP/1.1 keep-alive and HTTP/2 (by ALPN)
//!   over rustls, with a connect timeout (10 s), a timeout around the whole exchange
//!   body included (30 s), and a response-size limit (8 MiB), all configurable.
//!   Redirects are never followed. Failures are the core's typed
//!   [`TransportError`], hyper's error kept as source.
//! - [`TokioSleep`]: the back-off wait between retries.
//! - [`MedusaClient::builder`]: a ready [`Client`] configured like the JS client
//!   (`baseUrl`, `maxRetries`, `apiKey`, `publishableApiKey`, `customHeaders`).
//!
//! # Example
//!
//! ```no_run
//! use medusa_auth_hyper::{AdminAuthApi as _, CustomHeaders, MedusaClient, StoreAuthApi as _};
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = MedusaClient::builder()
//!     .base_url("https://shop.example.com")
//!     .max_retries(2)
//!     .publishable_api_key("pk_01H")
//!     .build()?;
//! let none = CustomHeaders::new();
//!
//! // One session per user, all on the client's one connection pool.
//! let alice = client.session();
//! let customer = alice
//!     .store()
//!     .authenticate("alice@example.com", &"her password".into(), &none)
//!     .await?;
//! println!("logged in as {}", customer.id);
//! let bob_has_an_account = alice.store().exists("bob@example.com", &none).await?;
//! println!("bob has an account: {bob_has_an_account}");
//!
//! // An admin with a JWT, sent as a bearer on later admin calls of this session.
//! let admin = client.session();
//! admin.admin().get_token("admin@example.com", &"secret".into(), &none).await?;
//! let user = admin.admin().get_session(&none).await?;
//! println!("admin {}", user.email);
//! # Ok(())
//! # }
//! ```
//!
//! Building needs no runtime and no network:
//!
//! ```
//! let client = medusa_auth_hyper::MedusaClient::builder()
//!     .base_url("http://127.0.0.1:9000")
//!     .build()?;
//! assert_eq!(client.base_url().as_str(), "http://127.0.0.1:9000");
//! assert!(medusa_auth_hyper::MedusaClient::builder().base_url("ftp://x").build().is_err());
//! # Ok::<(), medusa_auth_hyper::ConfigError>(())
//! ```
//!
//! # TLS
//!
//! rustls with the ring provider. The Mozilla roots of `webpki-roots` are trusted by
//! default; the `native-roots` feature trusts the platform's instead. A private CA
//! (or a test's self-signed certificate) is trusted with
//! [`MedusaClientBuilder::add_root_certificate`] and a [`Certificate`] from PEM or DER.
//!
//! # Logging
//!
//! The core records one `debug` span per call (method, path, status, attempts). This
//! crate logs one `warn` when a client is built for plain HTTP to a host that is not
//! loopback, since credentials would travel in clear. No header value, body or
//! cookie is ever logged.
//!
//! # Runtime
//!
//! Sending needs a tokio runtime with its time driver (`#[tokio::main]` has one);
//! called outside one, the transport fails with a typed error instead of panicking.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod client;
mod error;
mod sleep;
mod tls;
mod transport;

pub use client::{MedusaClient, MedusaClientBuilder};
pub use error::TransportCause;
pub use sleep::TokioSleep;
pub use tls::{Certificate, CertificateError};
pub use transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_POOL_IDLE_TIMEOUT,
    DEFAULT_REQUEST_TIMEOUT, HyperTransport, HyperTransportBuilder,
};

pub use medusa_auth_core as core;
pub use medusa_auth_core::{
    AdminAuthApi, Client, ConfigError, CustomHeaders, Error, SecretString, Session, StoreAuthApi,
    TransportError, TransportErrorKind,
};
/// The rustls this crate is built on, for [`HyperTransportBuilder::tls_config`].
pub use rustls;

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
