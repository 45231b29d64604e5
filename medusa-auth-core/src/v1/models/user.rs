use std::fmt;

use jiff::Timestamp;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Metadata, null_as_default};

/// An admin user, as `/admin/auth` returns it.
///
/// `api_token` is a secret (the server returns it in clear): it is a
/// [`SecretString`], hidden from `Debug` and left out when a `User` is serialized.
///
/// ```
/// use medusa_auth_core::{User, UserRole};
/// let mut user = User::new("usr_01", "admin@example.com", "2026-11-22T13:08:22.896Z".parse()?);
/// user.role = UserRole::Admin;
/// user.api_token = Some("secret-token".into());
/// assert!(!format!("{user:?}").contains("secret-token"));
/// assert!(!serde_json::to_string(&user)?.contains("secret-token"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Deserialize, Serialize)]
#[non_exhaustive]
pub struct User {
    /// `usr_…`
    pub id: String,
    /// The user's email, lower-case.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The role; `member` when absent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub role: UserRole,
    /// The user's API token, if one is set. A secret; never serialized.
    #[serde(default, skip_serializing)]
    pub api_token: Option<SecretString>,
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
    /// A user with `created_at` = `updated_at` = `at`, role `member`, nothing else set.
    pub fn new(id: impl Into<String>, email: impl Into<String>, at: Timestamp) -> Self {
        User {
            id: id.into(),
            email: email.into(),
            first_name: None,
            last_name: None,
            role: UserRole::default(),
            api_token: None,
            metadata: None,
            created_at: at,
            updated_at: at,
            deleted_at: None,
        }
    }
}

/// A user's role; unknown roles are kept as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserRole {
    /// `admin`
    Admin,
    /// `member` (the default)
    #[default]
    Member,
    /// `developer`
    Developer,
    /// Any other role.
    Other(String),
}

impl UserRole {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            UserRole::Admin => "admin",
            UserRole::Member => "member",
            UserRole::Developer => "developer",
            UserRole::Other(other) => other,
        }
    }

    /// The role of a wire value.
    pub fn from_wire(value: &str) -> Self {
        match value {
            "admin" => UserRole::Admin,
            "member" => UserRole::Member,
            "developer" => UserRole::Developer,
            other => UserRole::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for UserRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UserRole {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UserRole {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(UserRole::from_wire(&value))
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    // transcripts.md, exchange 10.
    const BODY: &str = r#"{"id":"usr_01M81NYF8GCR082N4CSFR4GDPE","created_at":"2026-11-22T13:08:22.896Z","updated_at":"2026-11-22T13:08:22.896Z","deleted_at":null,"role":"member","email":"admin@example.com","first_name":null,"last_name":null,"api_token":"real_medusa_admin_api_token","metadata":null}"#;

    #[test]
    fn decodes_the_real_body() {
        let user: User = serde_json::from_str(BODY).unwrap();
        assert_eq!(user.id, "usr_01M81NYF8GCR082N4CSFR4GDPE");
        assert_eq!(user.role, UserRole::Member);
        assert_eq!(
            user.api_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned()),
            Some("real_medusa_admin_api_token".into())
        );
        assert_eq!(
            user.created_at,
            "2026-11-22T13:08:22.896Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(user.deleted_at, None);
        assert!(!format!("{user:?}").contains("real_medusa_admin_api_token"));
    }

    #[test]
    fn tolerates_unknown_fields_nulls_and_new_roles() {
        let body = r#"{"id":"usr_1","email":"a@b.io","role":null,"api_token":null,
            "created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00.000Z",
            "metadata":{"k":[1,2]},"brand_new":{"x":1}}"#;
        let user: User = serde_json::from_str(body).unwrap();
        assert_eq!(user.role, UserRole::Member);
        assert_eq!(user.metadata.unwrap()["k"], serde_json::json!([1, 2]));

        let user: User =
            serde_json::from_str(&BODY.replace("\"member\"", "\"superuser\"")).unwrap();
        assert_eq!(user.role, UserRole::Other("superuser".into()));
        assert_eq!(user.role.to_string(), "superuser");
    }

    #[test]
    fn serializes_without_the_api_token() {
        let user: User = serde_json::from_str(BODY).unwrap();
        let json = serde_json::to_value(&user).unwrap();
        assert!(json.get("api_token").is_none());
        assert_eq!(json["created_at"], "2026-11-22T13:08:22.896Z");
        assert_eq!(json["role"], "member");
    }
}
