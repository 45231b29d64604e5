//! Medusa v2: mocks of the v2 traits ([`MockAuthApi`], [`MockStoreApi`],
//! [`MockAdminApi`]) and of "one session per user" ([`MockSessionFactory`],
//! [`MockSession`]), and (with the `scenarios` feature) the v2 scenario table. The
//! fake v2 backend is [`FakeMedusaV2`](crate::FakeMedusaV2).
//!
//! Code under test calls a mock as it calls a real session, through the trait
//! object:
//!
//! ```
//! use std::sync::Arc;
//! use medusa_auth_core::v2::{AuthApi, CUSTOMER};
//! use medusa_auth_mock::v2::MockAuthApi;
//!
//! let mut auth = MockAuthApi::new();
//! auth.expect_send_reset_password()
//!     .withf(|call| call.actor() == CUSTOMER && call.identifier() == "alice@example.com")
//!     .times(1)
//!     .returning(|_| Ok(()));
//! let auth: Arc<dyn AuthApi> = Arc::new(auth);
//! futures::executor::block_on(async {
//!     auth.reset_password(CUSTOMER, "emailpass", "alice@example.com").await
//! })
//! .unwrap();
//! ```

mod mocks;
#[cfg(feature = "scenarios")]
#[cfg_attr(docsrs, doc(cfg(feature = "scenarios")))]
pub mod scenarios;
mod sessions;

pub use mocks::{MockAdminApi, MockAuthApi, MockStoreApi};
pub use sessions::{MockSession, MockSessionFactory};
