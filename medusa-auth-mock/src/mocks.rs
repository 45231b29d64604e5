//! mockall mocks of the core's three traits, for strict expectations.
//!
//! The traits live in `medusa-auth-core`, so the mocks are made with [`mockall::mock!`]
//! (with `#[async_trait]` on each impl, as mockall asks for async traits of another
//! crate). Each takes the trait's exact signature, so expectations see the real
//! arguments: `&str` emails, `&SecretString` passwords (compare them through
//! [`ExposeSecret::expose_secret`](medusa_auth_core::ExposeSecret::expose_secret),
//! `SecretString` has no `PartialEq`), `&CustomHeaders`.
//!
//! ```
//! use medusa_auth_mock::{MockStoreAuthApi, predicate};
//! use medusa_auth_mock::core::{CustomHeaders, StoreAuthApi};
//!
//! let mut store = MockStoreAuthApi::new();
//! store
//!     .expect_exists()
//!     .with(predicate::eq("shopper@example.com"), predicate::always())
//!     .times(1)
//!     .returning(|_, _| Ok(true));
//! let exists = futures::executor::block_on(store.exists("shopper@example.com", &CustomHeaders::new()));
//! assert!(exists.unwrap());
//! ```

use async_trait::async_trait;
use bytes::Bytes;
use medusa_auth_core::{
    AccessToken, AdminAuthApi, CustomHeaders, Customer, HttpTransport, Result, SecretString,
    StoreAuthApi, TransportError, User,
};
use mockall::mock;

mock! {
    /// A mock of [`AdminAuthApi`]: `MockAdminAuthApi::new()`, then `expect_create_session()`,
    /// `expect_get_session()`, `expect_delete_session()`, `expect_get_token()`.
    pub AdminAuthApi {}

    #[async_trait]
    impl AdminAuthApi for AdminAuthApi {
        async fn create_session(
            &self,
            email: &str,
            password: &SecretString,
            headers: &CustomHeaders,
        ) -> Result<User>;
        async fn get_session(&self, headers: &CustomHeaders) -> Result<User>;
        async fn delete_session(&self, headers: &CustomHeaders) -> Result<()>;
        async fn get_token(
            &self,
            email: &str,
            password: &SecretString,
            headers: &CustomHeaders,
        ) -> Result<AccessToken>;
    }
}

mock! {
    /// A mock of [`StoreAuthApi`]: `MockStoreAuthApi::new()`, then `expect_authenticate()`,
    /// `expect_get_session()`, `expect_delete_session()`, `expect_exists()`,
    /// `expect_get_token()`.
    pub StoreAuthApi {}

    #[async_trait]
    impl StoreAuthApi for StoreAuthApi {
        async fn authenticate(
            &self,
            email: &str,
            password: &SecretString,
            headers: &CustomHeaders,
        ) -> Result<Customer>;
        async fn get_session(&self, headers: &CustomHeaders) -> Result<Customer>;
        async fn delete_session(&self, headers: &CustomHeaders) -> Result<()>;
        async fn exists(&self, email: &str, headers: &CustomHeaders) -> Result<bool>;
        async fn get_token(
            &self,
            email: &str,
            password: &SecretString,
            headers: &CustomHeaders,
        ) -> Result<AccessToken>;
    }
}

mock! {
    /// A mock of [`HttpTransport`]: put it under a core
    /// [`Client`](medusa_auth_core::Client) to script the wire exchange by exchange
    /// (`expect_send()`), and see every request the client builds.
    pub HttpTransport {}

    #[async_trait]
    impl HttpTransport for HttpTransport {
        async fn send(
            &self,
            request: http::Request<Bytes>,
        ) -> std::result::Result<http::Response<Bytes>, TransportError>;
    }
}
