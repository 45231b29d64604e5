//! Medusa v2 (`@medusajs/medusa` 2.x, the API of `@medusajs/js-sdk`): actor and
//! provider logins on `/auth` that answer JWTs, registration in two steps, the JWT
//! traded for a cookie session, refresh, password reset by an out-of-band token,
//! OAuth redirects, secret API keys over HTTP Basic and the publishable key every
//! `/store` route requires.
//!
//! A [`Client`] is built for v2 (`v2::Client::builder(transport)`), and its
//! [`Session`]s offer v2's calls only: [`auth`](Session::auth) (the `/auth`
//! routes), [`store`](Session::store) (the customer's own), [`admin`](Session::admin)
//! (the admin's own) and [`request`](Session::request) for any other route. v1's
//! calls are not there: a v1 route on a v2 backend is a compile error, not a 404.
//! Transport, retries, cookies, secrets and errors are the same as v1's.
//!
//! ```
//! # use medusa_auth_core::{Error, HttpTransport, TransportError};
//! # struct Nowhere;
//! # #[async_trait::async_trait]
//! # impl HttpTransport for Nowhere {
//! #     async fn send(&self, _: http::Request<bytes::Bytes>) -> Result<http::Response<bytes::Bytes>, TransportError> {
//! #         Err(TransportError::connect("not in a doctest"))
//! #     }
//! # }
//! use medusa_auth_core::v2::{self, CUSTOMER};
//!
//! # async fn run() -> Result<(), Error> {
//! let client = v2::Client::builder(Nowhere)
//!     .base_url("https://shop.example.com")
//!     .publishable_api_key("pk_01")
//!     .build()?;
//! let alice = client.session();
//! alice.auth().login(CUSTOMER, "alice@example.com", "her password").await?;
//! let me = alice.store().me().await?;
//! println!("logged in as {}", me.email);
//! # Ok(())
//! # }
//! ```

mod api;
mod calls;
mod client;
mod credentials;
mod inputs;
mod models;
mod outcome;
mod route_family;
mod session;
mod session_factory;
mod token;
pub(crate) mod wire;

pub use api::{AdminApi, AuthApi, StoreApi};
pub use client::Client;
pub use credentials::Credentials;
pub(crate) use credentials::secret_key_credential;
pub use inputs::{
    Callback, CreateCustomer, CustomerMe, ListProviders, Login, LoginPayload, Logout, OpenSession,
    Refresh, Register, ResetPassword, SignUp, UpdatePassword, UserMe,
};
pub use models::{Customer, CustomerDetails, ProviderInfo, User};
pub use outcome::LoginOutcome;
pub use session::Session;
pub use session_factory::{AuthSession, SessionFactory};
pub use token::{CUSTOMER, Claims, EMAILPASS, Token, USER};

/// The v2 client's builder: [`ClientBuilder<V2>`](crate::ClientBuilder).
pub type ClientBuilder = crate::ClientBuilder<crate::V2>;
