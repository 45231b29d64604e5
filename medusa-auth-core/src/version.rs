//! The Medusa API version a client is built for: [`V1`] or [`V2`]. A builder carries
//! it in its type, so each version's settings and calls are only offered where they
//! mean something (v1's API token, v2's secret key; v1's `store().authenticate`,
//! v2's `auth().login`).

/// A Medusa API version: [`V1`] or [`V2`]. Sealed.
pub trait ApiVersion: sealed::Sealed + Send + Sync + 'static {}

/// Medusa 1.x (`@medusajs/medusa-js`): cookie sessions and `get_token` JWTs on
/// `/admin/auth` and `/store/auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct V1;

/// Medusa 2.x (`@medusajs/js-sdk`): actor and provider logins on `/auth`, JWTs
/// traded for cookie sessions, secret and publishable API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct V2;

impl ApiVersion for V1 {}
impl ApiVersion for V2 {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::V1 {}
    impl Sealed for super::V2 {}
}
