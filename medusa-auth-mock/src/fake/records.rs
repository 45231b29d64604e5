//! The fake's database: admin users and customers, and the JSON the auth routes
//! make of them (keys in the order the real server sends them).

use std::fmt;

use medusa_auth_core::Timestamp;
use medusa_auth_core::{ExposeSecret, Metadata, SecretString, UserRole};
use serde::Serialize;

use super::ids::iso;
use super::password::PasswordHash;

/// A row of the `user` table. `Debug` hides the hash and the API token.
#[derive(Clone)]
pub(crate) struct UserRecord {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) password: PasswordHash,
    pub(crate) role: UserRole,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) api_token: Option<SecretString>,
    pub(crate) metadata: Option<Metadata>,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    pub(crate) deleted_at: Option<Timestamp>,
}

impl fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("api_token", &self.api_token.as_ref().map(|_| "[REDACTED]"))
            .field("deleted", &self.deleted_at.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
pub(crate) struct UserJson<'a> {
    id: &'a str,
    created_at: String,
    updated_at: String,
    deleted_at: Option<String>,
    role: &'a str,
    email: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    api_token: Option<&'a str>,
    metadata: Option<&'a Metadata>,
}

/// `{"user": User}` as `/admin/auth` sends it (the API token in clear, as Medusa does).
#[derive(Serialize)]
pub(crate) struct UserEnvelope<'a> {
    user: UserJson<'a>,
}

impl UserRecord {
    pub(crate) fn envelope(&self) -> UserEnvelope<'_> {
        UserEnvelope { user: self.json() }
    }

    /// The user as every admin route sends it.
    pub(crate) fn json(&self) -> UserJson<'_> {
        UserJson {
            id: &self.id,
            created_at: iso(self.created_at),
            updated_at: iso(self.updated_at),
            deleted_at: self.deleted_at.map(iso),
            role: self.role.as_str(),
            email: &self.email,
            first_name: self.first_name.as_deref(),
            last_name: self.last_name.as_deref(),
            api_token: self.api_token.as_ref().map(|t| t.expose_secret()),
            metadata: self.metadata.as_ref(),
        }
    }

    pub(crate) fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }
}

/// A row of the `customer` table. `Debug` hides the hash.
#[derive(Clone)]
pub(crate) struct CustomerRecord {
    pub(crate) id: String,
    pub(crate) email: String,
    /// `None` for a guest (no account).
    pub(crate) password: Option<PasswordHash>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) has_account: bool,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    pub(crate) deleted_at: Option<Timestamp>,
}

impl fmt::Debug for CustomerRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("has_account", &self.has_account)
            .field("deleted", &self.deleted_at.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct CustomerJson<'a> {
    id: &'a str,
    created_at: String,
    updated_at: String,
    deleted_at: Option<String>,
    email: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    billing_address_id: Option<&'a str>,
    phone: Option<&'a str>,
    has_account: bool,
    metadata: Option<&'a Metadata>,
    /// `/store/auth` adds the `orders` (with their items) relation.
    #[serde(skip_serializing_if = "Option::is_none")]
    orders: Option<[(); 0]>,
    /// `POST /store/customers` adds `billing_address` (always null here).
    #[serde(skip_serializing_if = "Option::is_none")]
    billing_address: Option<Option<()>>,
    shipping_addresses: [(); 0],
}

/// `{"customer": Customer}`.
#[derive(Serialize)]
pub(crate) struct CustomerEnvelope<'a> {
    customer: CustomerJson<'a>,
}

impl CustomerRecord {
    fn json(&self) -> CustomerJson<'_> {
        CustomerJson {
            id: &self.id,
            created_at: iso(self.created_at),
            updated_at: iso(self.updated_at),
            deleted_at: self.deleted_at.map(iso),
            email: &self.email,
            first_name: self.first_name.as_deref(),
            last_name: self.last_name.as_deref(),
            billing_address_id: None,
            phone: self.phone.as_deref(),
            has_account: self.has_account,
            metadata: None,
            orders: None,
            billing_address: None,
            shipping_addresses: [],
        }
    }

    /// As the `/store/auth` routes send it: with `orders` and `shipping_addresses`.
    pub(crate) fn auth_envelope(&self) -> CustomerEnvelope<'_> {
        let mut customer = self.json();
        customer.orders = Some([]);
        CustomerEnvelope { customer }
    }

    /// As `POST /store/customers` sends it: with `billing_address` and
    /// `shipping_addresses`.
    pub(crate) fn created_envelope(&self) -> CustomerEnvelope<'_> {
        let mut customer = self.json();
        customer.billing_address = Some(None);
        CustomerEnvelope { customer }
    }

    pub(crate) fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// A live customer with an account.
    pub(crate) fn is_registered(&self) -> bool {
        self.is_live() && self.has_account
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Timestamp {
        "2026-11-22T13:08:29.158Z".parse().unwrap()
    }

    fn keys(body: &str) -> Vec<String> {
        // The keys of the inner object, in order.
        let inner = body.split_once(":{").unwrap().1;
        inner
            .split(',')
            .filter_map(|part| {
                part.strip_prefix('"')
                    .and_then(|p| p.split_once('"'))
                    .map(|(k, _)| k.to_owned())
            })
            .collect()
    }

    #[test]
    fn customer_bodies_have_the_recorded_keys_in_order() {
        let record = CustomerRecord {
            id: "cus_1".into(),
            email: "customer@example.com".into(),
            password: None,
            first_name: Some("Test".into()),
            last_name: Some("Customer".into()),
            phone: None,
            has_account: true,
            created_at: at(),
            updated_at: at(),
            deleted_at: None,
        };
        let auth = serde_json::to_string(&record.auth_envelope()).unwrap();
        // transcripts.md exchange 36.
        assert_eq!(
            auth,
            r#"{"customer":{"id":"cus_1","created_at":"2026-11-22T13:08:29.158Z","updated_at":"2026-11-22T13:08:29.158Z","deleted_at":null,"email":"customer@example.com","first_name":"Test","last_name":"Customer","billing_address_id":null,"phone":null,"has_account":true,"metadata":null,"orders":[],"shipping_addresses":[]}}"#
        );
        let created = serde_json::to_string(&record.created_envelope()).unwrap();
        // transcripts.md exchange 30.
        assert_eq!(
            keys(&created),
            [
                "id",
                "created_at",
                "updated_at",
                "deleted_at",
                "email",
                "first_name",
                "last_name",
                "billing_address_id",
                "phone",
                "has_account",
                "metadata",
                "billing_address",
                "shipping_addresses"
            ]
        );
        assert!(created.contains(r#""billing_address":null,"shipping_addresses":[]"#));
    }

    #[test]
    fn user_body_is_the_recorded_one() {
        let record = UserRecord {
            id: "usr_01M81NYF8GCR082N4CSFR4GDPE".into(),
            email: "admin@example.com".into(),
            password: PasswordHash::new("supersecret"),
            role: UserRole::Member,
            first_name: None,
            last_name: None,
            api_token: Some("real_medusa_admin_api_token".into()),
            metadata: None,
            created_at: "2026-11-22T13:08:22.896Z".parse().unwrap(),
            updated_at: "2026-11-22T13:08:22.896Z".parse().unwrap(),
            deleted_at: None,
        };
        // transcripts.md exchange 10, byte for byte.
        assert_eq!(
            serde_json::to_string(&record.envelope()).unwrap(),
            r#"{"user":{"id":"usr_01M81NYF8GCR082N4CSFR4GDPE","created_at":"2026-11-22T13:08:22.896Z","updated_at":"2026-11-22T13:08:22.896Z","deleted_at":null,"role":"member","email":"admin@example.com","first_name":null,"last_name":null,"api_token":"real_medusa_admin_api_token","metadata":null}}"#
        );
        let shown = format!("{record:?}");
        assert!(!shown.contains("real_medusa"), "{shown}");
    }
}
