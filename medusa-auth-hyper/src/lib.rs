//! The hyper transport and ready-made client of **medusa-auth** for tokio services.
//!
//! This crate will hold the [`HttpTransport`](medusa_auth_core::HttpTransport) built
//! on hyper 1 and hyper-util's pooled client (HTTP/1.1 and HTTP/2 over rustls,
//! connect and request timeouts, a response-size limit), tokio's sleep for retry
//! back-off, and a client builder that reads like the JS client's config.
//!
//! Until then, use [`medusa_auth_core::Client`] over a transport of your own.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use medusa_auth_core as core;
