//! The v1 models, as the auth routes return them.
//!
//! Unknown fields are ignored, `null` is accepted wherever the server may send it,
//! and dates are [`Timestamp`](crate::Timestamp)s (RFC 3339 with milliseconds and `Z`
//! on the wire). The structs are `#[non_exhaustive]`: make them with their
//! constructors and set the public fields.

mod customer;
mod user;

pub use customer::Customer;
pub use user::{User, UserRole};

use serde::{Deserialize, Deserializer};

/// A JSON object (`metadata`).
pub type Metadata = serde_json::Map<String, serde_json::Value>;

/// Deserializes `null` (or a missing field, with `#[serde(default)]`) as the default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The wrappers the routes put around the models.
pub(crate) mod envelopes {
    use serde::Deserialize;

    use super::{Customer, User};

    #[derive(Deserialize)]
    pub struct UserEnvelope {
        pub user: User,
    }

    #[derive(Deserialize)]
    pub struct CustomerEnvelope {
        pub customer: Customer,
    }

    #[derive(Deserialize)]
    pub struct TokenEnvelope {
        pub access_token: secrecy::SecretString,
    }

    #[derive(Deserialize)]
    pub struct ExistsEnvelope {
        pub exists: bool,
    }
}
