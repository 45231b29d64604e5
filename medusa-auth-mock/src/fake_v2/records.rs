//! The fake's database: users, customers, auth identities (one `emailpass` provider
//! identity each), API keys, sales channels; and the JSON the routes make of them,
//! keys in the order of the routes' default fields (as the real server sends them).

use std::fmt;

use medusa_auth_core::{ExposeSecret, SecretString, Timestamp};

use super::json::Js;
use super::shared::ids::iso;
use super::shared::password::PasswordHash;

fn date(at: Timestamp) -> Js {
    Js::String(iso(at))
}

fn text(value: &Option<String>) -> Js {
    value.as_deref().map_or(Js::Null, Js::from)
}

/// A row of `user` (an admin).
#[derive(Debug, Clone)]
pub(crate) struct UserRecord {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
}

impl UserRecord {
    /// The user as the admin routes send it (`defaultAdminUserFields`).
    pub(crate) fn json(&self) -> Js {
        Js::object([
            ("id", self.id.as_str().into()),
            ("first_name", text(&self.first_name)),
            ("last_name", text(&self.last_name)),
            ("email", self.email.as_str().into()),
            ("avatar_url", Js::Null),
            ("metadata", Js::Null),
            ("created_at", date(self.created_at)),
            ("updated_at", date(self.updated_at)),
            ("deleted_at", Js::Null),
        ])
    }
}

/// A row of `customer`.
#[derive(Debug, Clone)]
pub(crate) struct CustomerRecord {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) company_name: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) metadata: Js,
    pub(crate) has_account: bool,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
}

impl CustomerRecord {
    /// As the store routes send it (`defaultStoreCustomersFields`, with `*addresses`).
    pub(crate) fn store_json(&self) -> Js {
        Js::object([
            ("id", self.id.as_str().into()),
            ("email", self.email.as_str().into()),
            ("company_name", text(&self.company_name)),
            ("first_name", text(&self.first_name)),
            ("last_name", text(&self.last_name)),
            ("phone", text(&self.phone)),
            ("metadata", self.metadata.clone()),
            ("has_account", self.has_account.into()),
            ("deleted_at", Js::Null),
            ("created_at", date(self.created_at)),
            ("updated_at", date(self.updated_at)),
            ("addresses", Js::Array(Vec::new())),
        ])
    }

    /// As `GET /admin/customers` sends it (`defaultAdminCustomerFields`).
    pub(crate) fn admin_json(&self) -> Js {
        Js::object([
            ("id", self.id.as_str().into()),
            ("company_name", text(&self.company_name)),
            ("first_name", text(&self.first_name)),
            ("last_name", text(&self.last_name)),
            ("email", self.email.as_str().into()),
            ("phone", text(&self.phone)),
            ("metadata", self.metadata.clone()),
            ("has_account", self.has_account.into()),
            ("created_by", Js::Null),
            ("created_at", date(self.created_at)),
            ("updated_at", date(self.updated_at)),
            ("deleted_at", Js::Null),
        ])
    }
}

/// An auth identity with its one `emailpass` provider identity (entity id: the
/// e-mail, case-sensitive). `Debug` hides the hash.
#[derive(Clone)]
pub(crate) struct AuthIdentity {
    pub(crate) id: String,
    pub(crate) email: String,
    pub(crate) password: PasswordHash,
    /// The actors it is linked to: `{user_id, customer_id, …}` in the order linked.
    pub(crate) app_metadata: Js,
}

impl fmt::Debug for AuthIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthIdentity")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("app_metadata", &self.app_metadata.to_json())
            .finish_non_exhaustive()
    }
}

impl AuthIdentity {
    /// The actor of `actor_type` linked to it (`app_metadata["<actor>_id"]`).
    pub(crate) fn actor(&self, actor_type: &str) -> Option<&Js> {
        self.app_metadata.get(&format!("{actor_type}_id"))
    }

    /// Links the actor `id` of `actor_type` (`app_metadata["<actor>_id"]`, stored as
    /// `jsonb`: keys by length, then bytewise).
    pub(crate) fn link(&mut self, actor_type: &str, id: &str) {
        self.app_metadata
            .insert(&format!("{actor_type}_id"), id.into());
        self.app_metadata =
            super::fields::jsonb(std::mem::replace(&mut self.app_metadata, Js::Null));
    }

    /// Whether `app_metadata` is present (`isPresent`: a non-empty object).
    pub(crate) fn has_actors(&self) -> bool {
        matches!(&self.app_metadata, Js::Object(entries) if !entries.is_empty())
    }
}

/// An API key's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Publishable,
    Secret,
}

impl KeyKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            KeyKind::Publishable => "publishable",
            KeyKind::Secret => "secret",
        }
    }
}

/// A row of `api_key`. `Debug` hides the token.
#[derive(Clone)]
pub(crate) struct ApiKeyRecord {
    pub(crate) id: String,
    pub(crate) token: SecretString,
    pub(crate) title: String,
    pub(crate) kind: KeyKind,
    pub(crate) created_by: String,
    pub(crate) revoked_by: Option<String>,
    pub(crate) revoked_at: Option<Timestamp>,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
    /// The ids of the sales channels it is linked to (publishable keys).
    pub(crate) sales_channels: Vec<String>,
}

impl fmt::Debug for ApiKeyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyRecord")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("redacted", &self.redacted())
            .field("revoked", &self.revoked_at.is_some())
            .finish_non_exhaustive()
    }
}

impl ApiKeyRecord {
    /// `redactKey`: the first 6 and last 3 characters around `***`.
    pub(crate) fn redacted(&self) -> String {
        let token = self.token.expose_secret();
        let head: String = token.chars().take(6).collect();
        let count = token.chars().count();
        let tail: String = token.chars().skip(count.saturating_sub(3)).collect();
        format!("{head}***{tail}")
    }

    /// Usable at `now`: not revoked, or revoked for a time still to come.
    pub(crate) fn is_live(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none_or(|at| at > now)
    }

    /// As `POST /admin/api-keys` answers: the raw token, shown this once.
    pub(crate) fn created_json(&self) -> Js {
        Js::object([
            ("id", self.id.as_str().into()),
            ("token", self.token.expose_secret().into()),
            ("redacted", self.redacted().into()),
            ("title", self.title.as_str().into()),
            ("type", self.kind.as_str().into()),
            ("last_used_at", Js::Null),
            ("created_by", self.created_by.as_str().into()),
            ("revoked_by", text(&self.revoked_by)),
            ("revoked_at", self.revoked_at.map_or(Js::Null, date)),
            ("created_at", date(self.created_at)),
            ("updated_at", date(self.updated_at)),
            ("deleted_at", Js::Null),
        ])
    }

    /// As the other routes send it (`defaultAdminApiKeyFields`): a secret key's token
    /// is `""`.
    pub(crate) fn json(&self, channels: &[SalesChannel]) -> Js {
        let token = match self.kind {
            KeyKind::Secret => "",
            KeyKind::Publishable => self.token.expose_secret(),
        };
        let linked = self
            .sales_channels
            .iter()
            .filter_map(|id| channels.iter().find(|c| &c.id == id))
            .map(|c| {
                Js::object([
                    ("id", c.id.as_str().into()),
                    ("name", c.name.as_str().into()),
                ])
            })
            .collect();
        Js::object([
            ("id", self.id.as_str().into()),
            ("title", self.title.as_str().into()),
            ("token", token.into()),
            ("redacted", self.redacted().into()),
            ("type", self.kind.as_str().into()),
            ("last_used_at", Js::Null),
            ("updated_at", date(self.updated_at)),
            ("created_at", date(self.created_at)),
            ("created_by", self.created_by.as_str().into()),
            ("revoked_at", self.revoked_at.map_or(Js::Null, date)),
            ("revoked_by", text(&self.revoked_by)),
            ("sales_channels", Js::Array(linked)),
        ])
    }
}

/// A row of `sales_channel`.
#[derive(Debug, Clone)]
pub(crate) struct SalesChannel {
    pub(crate) id: String,
    pub(crate) name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn bodies_are_the_recorded_ones() {
        let created = at("2026-12-01T14:01:03.921Z");
        let user = UserRecord {
            id: "user_01M8RYHD5HM8MYJSNCVKRXTWET".into(),
            email: "admin@example.com".into(),
            first_name: None,
            last_name: None,
            created_at: created,
            updated_at: created,
        };
        // transcripts.md (v2) exchange 25, byte for byte.
        assert_eq!(
            Js::object([("user", user.json())]).to_json(),
            r#"{"user":{"id":"user_01M8RYHD5HM8MYJSNCVKRXTWET","first_name":null,"last_name":null,"email":"admin@example.com","avatar_url":null,"metadata":null,"created_at":"2026-12-01T14:01:03.921Z","updated_at":"2026-12-01T14:01:03.921Z","deleted_at":null}}"#
        );
        let created = at("2026-12-01T14:01:21.692Z");
        let customer = CustomerRecord {
            id: "cus_01M8RYHYGWXEBSN5NB6HX280C1".into(),
            email: "customer@example.com".into(),
            company_name: None,
            first_name: Some("Test".into()),
            last_name: Some("Customer".into()),
            phone: None,
            metadata: Js::Null,
            has_account: true,
            created_at: created,
            updated_at: created,
        };
        // Exchange 30.
        assert_eq!(
            Js::object([("customer", customer.store_json())]).to_json(),
            r#"{"customer":{"id":"cus_01M8RYHYGWXEBSN5NB6HX280C1","email":"customer@example.com","company_name":null,"first_name":"Test","last_name":"Customer","phone":null,"metadata":null,"has_account":true,"deleted_at":null,"created_at":"2026-12-01T14:01:21.692Z","updated_at":"2026-12-01T14:01:21.692Z","addresses":[]}}"#
        );
        let created = at("2026-12-01T14:01:46.619Z");
        let key = ApiKeyRecord {
            id: "apk_01M8RYJPVVDN3W37XHW29AAKVJ".into(),
            token: "sk_b4b4f65f5ef15e7e342e1a61c842a9b3af6795d31c0ac3ed65c329ac477cf273".into(),
            title: "temporary".into(),
            kind: KeyKind::Secret,
            created_by: "user_01M8RYHD5HM8MYJSNCVKRXTWET".into(),
            revoked_by: None,
            revoked_at: None,
            created_at: created,
            updated_at: created,
            sales_channels: Vec::new(),
        };
        // Exchanges 121 and 122.
        assert_eq!(
            key.created_json().to_json(),
            r#"{"id":"apk_01M8RYJPVVDN3W37XHW29AAKVJ","token":"sk_b4b4f65f5ef15e7e342e1a61c842a9b3af6795d31c0ac3ed65c329ac477cf273","redacted":"sk_b4b***273","title":"temporary","type":"secret","last_used_at":null,"created_by":"user_01M8RYHD5HM8MYJSNCVKRXTWET","revoked_by":null,"revoked_at":null,"created_at":"2026-12-01T14:01:46.619Z","updated_at":"2026-12-01T14:01:46.619Z","deleted_at":null}"#
        );
        assert_eq!(
            key.json(&[]).to_json(),
            r#"{"id":"apk_01M8RYJPVVDN3W37XHW29AAKVJ","title":"temporary","token":"","redacted":"sk_b4b***273","type":"secret","last_used_at":null,"updated_at":"2026-12-01T14:01:46.619Z","created_at":"2026-12-01T14:01:46.619Z","created_by":"user_01M8RYHD5HM8MYJSNCVKRXTWET","revoked_at":null,"revoked_by":null,"sales_channels":[]}"#
        );
        assert!(!format!("{key:?}").contains("b4b4f65"));
    }
}
