//! The v2 models the auth flows read: the customer and user of the `/me` routes, the
//! providers of an actor, and the details a new customer is created with.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::v1::Metadata;
use crate::v1::models::null_as_default;

/// A customer, as `GET /store/customers/me` and `POST /store/customers` return it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Customer {
    /// `cus_…`
    pub id: String,
    /// The customer's e-mail.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Company name.
    #[serde(default)]
    pub company_name: Option<String>,
    /// Whether the customer registered (guests have no account).
    #[serde(default, deserialize_with = "null_as_default")]
    pub has_account: bool,
    /// Free-form metadata.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last update time.
    pub updated_at: Timestamp,
    /// Deletion time, for a soft-deleted customer.
    #[serde(default)]
    pub deleted_at: Option<Timestamp>,
    /// The customer's addresses, kept as JSON.
    #[serde(default, deserialize_with = "null_as_default")]
    pub addresses: Vec<serde_json::Value>,
}

impl Customer {
    /// A registered customer with `created_at` = `updated_at` = `at`.
    pub fn new(id: impl Into<String>, email: impl Into<String>, at: Timestamp) -> Self {
        Customer {
            id: id.into(),
            email: email.into(),
            first_name: None,
            last_name: None,
            phone: None,
            company_name: None,
            has_account: true,
            metadata: None,
            created_at: at,
            updated_at: at,
            deleted_at: None,
            addresses: Vec::new(),
        }
    }
}

/// An admin user, as `GET /admin/users/me` returns it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct User {
    /// `user_…`
    pub id: String,
    /// The user's e-mail.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// Free-form metadata.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last update time.
    pub updated_at: Timestamp,
    /// Deletion time, for a soft-deleted user.
    #[serde(default)]
    pub deleted_at: Option<Timestamp>,
}

impl User {
    /// A user with `created_at` = `updated_at` = `at`.
    pub fn new(id: impl Into<String>, email: impl Into<String>, at: Timestamp) -> Self {
        User {
            id: id.into(),
            email: email.into(),
            first_name: None,
            last_name: None,
            avatar_url: None,
            metadata: None,
            created_at: at,
            updated_at: at,
            deleted_at: None,
        }
    }
}

/// An auth provider an actor may log in with (`GET /auth/{actor}/providers`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ProviderInfo {
    /// The provider's id (`emailpass`, `google` …), the path segment of its routes.
    pub id: String,
    /// Its identifier.
    #[serde(default)]
    pub identifier: Option<String>,
    /// A name to show.
    #[serde(default)]
    pub display_name: Option<String>,
    /// `credentials` or `redirect`.
    #[serde(default)]
    pub flow: Option<String>,
}

/// What a new customer is created with (`POST /store/customers`): never a password,
/// which the registration already holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CustomerDetails {
    /// The e-mail; `None` takes the registration's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Company name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Free-form metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl CustomerDetails {
    /// Details with this e-mail and nothing else.
    pub fn new(email: impl Into<String>) -> Self {
        CustomerDetails {
            email: Some(email.into()),
            ..CustomerDetails::default()
        }
    }

    /// With a first and a last name.
    pub fn named(mut self, first_name: impl Into<String>, last_name: impl Into<String>) -> Self {
        self.first_name = Some(first_name.into());
        self.last_name = Some(last_name.into());
        self
    }

    /// With a phone number.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }
}

/// The wrappers the routes put around the models.
pub(crate) mod envelopes {
    use serde::Deserialize;

    use super::{Customer, ProviderInfo, User};
    use crate::v2::token::Claims;

    #[derive(Deserialize)]
    pub struct CustomerEnvelope {
        pub customer: Customer,
    }

    #[derive(Deserialize)]
    pub struct UserEnvelope {
        pub user: User,
    }

    #[derive(Deserialize)]
    pub struct ClaimsEnvelope {
        pub user: Claims,
    }

    #[derive(Deserialize)]
    pub struct ProvidersEnvelope {
        pub providers: Vec<ProviderInfo>,
    }

    #[derive(Deserialize)]
    pub struct TokenEnvelope {
        pub token: secrecy::SecretString,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_recorded_bodies() {
        // transcripts (v2), exchanges 39 and 25.
        let customer: Customer = serde_json::from_str(r#"{"id":"cus_01M8RYJ74MWHKDDEFX16N0841C","email":"new.customer@example.com","company_name":null,"first_name":"New","last_name":"Customer","phone":"+15550100","metadata":null,"has_account":true,"deleted_at":null,"created_at":"2026-12-01T14:01:30.516Z","updated_at":"2026-12-01T14:01:30.516Z","addresses":[]}"#).unwrap();
        assert_eq!(customer.phone.as_deref(), Some("+15550100"));
        assert!(customer.has_account);
        let user: User = serde_json::from_str(r#"{"id":"user_01M8RYHD5HM8MYJSNCVKRXTWET","first_name":null,"last_name":null,"email":"admin@example.com","avatar_url":null,"metadata":null,"created_at":"2026-12-01T14:01:03.921Z","updated_at":"2026-12-01T14:01:03.921Z","deleted_at":null}"#).unwrap();
        assert_eq!(user.email, "admin@example.com");
    }

    #[test]
    fn details_never_carry_a_password_and_skip_what_is_unset() {
        let details = CustomerDetails::new("a@b.io").named("A", "B").phone("+1");
        assert_eq!(
            serde_json::to_string(&details).unwrap(),
            r#"{"email":"a@b.io","first_name":"A","last_name":"B","phone":"+1"}"#
        );
        assert_eq!(
            serde_json::to_string(&CustomerDetails::default()).unwrap(),
            "{}"
        );
    }
}
