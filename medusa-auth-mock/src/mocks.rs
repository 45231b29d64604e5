//! mockall mocks of the core's traits, for strict expectations.
//!
//! The traits live in `medusa-auth-core`, so the mocks are made with [`mockall::mock!`]
//! (with `#[async_trait]` on each impl, as mockall asks for async traits of another
//! crate). Each mocks the trait's `send_*` methods, which take the call's input
//! struct: an expectation sees the real arguments through its accessors
//! (`call.email()`, `call.password()`, `call.options().headers`). Compare a password
//! through [`ExposeSecret::expose_secret`](medusa_auth_core::ExposeSecret::expose_secret):
//! `SecretString` has no `PartialEq`.
//!
//! Code under test calls the mock as it calls a real session, through the trait
//! object: `Arc<dyn StoreAuthApi>`, then `store.exists(email).await`.
//!
//! ```
//! use std::sync::Arc;
//! use medusa_auth_core::StoreAuthApi;
//! use medusa_auth_mock::MockStoreAuthApi;
//!
//! let mut store = MockStoreAuthApi::new();
//! store
//!     .expect_send_exists()
//!     .withf(|call| call.email() == "shopper@example.com")
//!     .times(1)
//!     .returning(|_| Ok(true));
//! let store: Arc<dyn StoreAuthApi> = Arc::new(store);
//! let exists = futures::executor::block_on(async { store.exists("shopper@example.com").await });
//! assert!(exists.unwrap());
//! ```

use async_trait::async_trait;
use bytes::Bytes;
use medusa_auth_core::{
    AccessToken, AdminAuthApi, AdminCreateSession, AdminDeleteSession, AdminGetSession,
    AdminGetToken, ApiRequest, Customer, HttpTransport, Result, RouteApi, StoreAuthApi,
    StoreAuthenticate, StoreDeleteSession, StoreExists, StoreGetSession, StoreGetToken,
    TransportError, User,
};
use mockall::mock;

mock! {
    /// A mock of [`AdminAuthApi`]: `MockAdminAuthApi::new()`, then
    /// `expect_send_create_session()`, `expect_send_get_session()`,
    /// `expect_send_delete_session()`, `expect_send_get_token()`.
    pub AdminAuthApi {}

    #[async_trait]
    impl AdminAuthApi for AdminAuthApi {
        async fn send_create_session(&self, call: AdminCreateSession) -> Result<User>;
        async fn send_get_session(&self, call: AdminGetSession) -> Result<User>;
        async fn send_delete_session(&self, call: AdminDeleteSession) -> Result<()>;
        async fn send_get_token(&self, call: AdminGetToken) -> Result<AccessToken>;
    }
}

mock! {
    /// A mock of [`StoreAuthApi`]: `MockStoreAuthApi::new()`, then
    /// `expect_send_authenticate()`, `expect_send_get_session()`,
    /// `expect_send_delete_session()`, `expect_send_exists()`, `expect_send_get_token()`.
    pub StoreAuthApi {}

    #[async_trait]
    impl StoreAuthApi for StoreAuthApi {
        async fn send_authenticate(&self, call: StoreAuthenticate) -> Result<Customer>;
        async fn send_get_session(&self, call: StoreGetSession) -> Result<Customer>;
        async fn send_delete_session(&self, call: StoreDeleteSession) -> Result<()>;
        async fn send_exists(&self, call: StoreExists) -> Result<bool>;
        async fn send_get_token(&self, call: StoreGetToken) -> Result<AccessToken>;
    }
}

mock! {
    /// A mock of [`RouteApi`], requests to any Medusa route: `expect_send_request()`,
    /// answering an `http::Response` (status and JSON body) that the request builder
    /// then reads as a real answer.
    pub RouteApi {}

    #[async_trait]
    impl RouteApi for RouteApi {
        async fn send_request(&self, request: ApiRequest) -> Result<http::Response<Bytes>>;
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
