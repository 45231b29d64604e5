//! Mocks and a fake Medusa backend for testing code that uses **medusa-auth**.
//!
//! This crate will hold mockall mocks of
//! [`AdminAuthApi`](medusa_auth_core::AdminAuthApi),
//! [`StoreAuthApi`](medusa_auth_core::StoreAuthApi) and
//! [`HttpTransport`](medusa_auth_core::HttpTransport), and a stateful fake Medusa that
//! answers the nine auth calls as the real server does, in memory or over loopback
//! HTTP.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use medusa_auth_core as core;
