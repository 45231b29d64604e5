use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Metadata, null_as_default};

/// A customer, as `/store/auth` returns it.
///
/// ```
/// use medusa_auth_core::Customer;
/// let mut customer = Customer::new("cus_01", "customer@example.com", medusa_auth_core::Timestamp::UNIX_EPOCH);
/// customer.first_name = Some("Test".into());
/// assert!(customer.has_account);
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Customer {
    /// `cus_…`
    pub id: String,
    /// The customer's email, lower-case.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The id of the billing address.
    #[serde(default)]
    pub billing_address_id: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Whether the customer registered with a password (guests have none).
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
    /// The billing address (sent by routes other than auth), kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<serde_json::Value>,
    /// The customer's orders with their items, kept as JSON.
    #[serde(default, deserialize_with = "null_as_default")]
    pub orders: Vec<serde_json::Value>,
    /// The customer's shipping addresses, kept as JSON.
    #[serde(default, deserialize_with = "null_as_default")]
    pub shipping_addresses: Vec<serde_json::Value>,
}

impl Customer {
    /// A registered customer (`has_account`) with `created_at` = `updated_at` = `at`.
    pub fn new(id: impl Into<String>, email: impl Into<String>, at: Timestamp) -> Self {
        Customer {
            id: id.into(),
            email: email.into(),
            first_name: None,
            last_name: None,
            billing_address_id: None,
            phone: None,
            has_account: true,
            metadata: None,
            created_at: at,
            updated_at: at,
            deleted_at: None,
            billing_address: None,
            orders: Vec::new(),
            shipping_addresses: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // transcripts.md, exchange 36.
    const BODY: &str = r#"{"id":"cus_01M81NYNCJGNWN6E6R2G73SZ4M","created_at":"2026-11-22T13:08:29.158Z","updated_at":"2026-11-22T13:08:29.158Z","deleted_at":null,"email":"customer@example.com","first_name":"Test","last_name":"Customer","billing_address_id":null,"phone":null,"has_account":true,"metadata":null,"orders":[],"shipping_addresses":[]}"#;

    #[test]
    fn decodes_the_real_body() {
        let customer: Customer = serde_json::from_str(BODY).unwrap();
        assert_eq!(customer.id, "cus_01M81NYNCJGNWN6E6R2G73SZ4M");
        assert_eq!(customer.first_name.as_deref(), Some("Test"));
        assert!(customer.has_account);
        assert!(customer.orders.is_empty());
    }

    #[test]
    fn tolerates_nulls_missing_arrays_and_new_fields() {
        let body = r#"{"id":"cus_1","email":"c@x.io","has_account":null,"orders":null,
            "created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z",
            "billing_address":{"city":"Oslo"},"loyalty_points":12}"#;
        let customer: Customer = serde_json::from_str(body).unwrap();
        assert!(!customer.has_account);
        assert!(customer.orders.is_empty() && customer.shipping_addresses.is_empty());
        assert_eq!(customer.billing_address.unwrap()["city"], "Oslo");
    }

    #[test]
    fn round_trips() {
        let customer: Customer = serde_json::from_str(BODY).unwrap();
        let again: Customer =
            serde_json::from_str(&serde_json::to_string(&customer).unwrap()).unwrap();
        assert_eq!(customer, again);
    }
}
