//! v2's JWTs: what login, registration and refresh answer, with their claims read
//! (never verified) so that an actor-less or expired token is a typed answer.

use std::fmt;
use std::sync::Arc;

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::credentials::{AccessToken, Side};
use crate::v1::Metadata;

/// The actor type of admins (`/admin` routes).
pub const USER: &str = "user";
/// The actor type of customers (`/store` routes).
pub const CUSTOMER: &str = "customer";
/// The e-mail and password provider.
pub const EMAILPASS: &str = "emailpass";

/// The claims of a v2 JWT, read without verifying its signature.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Claims {
    /// The actor's id (`user_…`, `cus_…`), or `None` for an actor-less token (a
    /// registration's, or an identity with no actor of this type yet).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub actor_id: Option<String>,
    /// The actor type the token was issued for (`user`, `customer`, a custom one).
    #[serde(default)]
    pub actor_type: String,
    /// The auth identity (`authid_…`).
    #[serde(default)]
    pub auth_identity_id: Option<String>,
    /// The provider that authenticated it (`emailpass` …).
    #[serde(default)]
    pub auth_provider: Option<String>,
    /// Every actor link of the identity (`user_id`, `customer_id` …).
    #[serde(default, deserialize_with = "crate::v1::models::null_as_default")]
    pub app_metadata: Metadata,
    /// The provider identity's metadata (an OAuth profile).
    #[serde(default, deserialize_with = "crate::v1::models::null_as_default")]
    pub user_metadata: Metadata,
    /// Whether the identity has multi-factor authentication on.
    #[serde(default)]
    pub mfa_enabled: Option<bool>,
    /// Issued at.
    #[serde(default, with = "jiff::fmt::serde::timestamp::second::optional")]
    pub iat: Option<Timestamp>,
    /// Expires at.
    #[serde(default, with = "jiff::fmt::serde::timestamp::second::optional")]
    pub exp: Option<Timestamp>,
}

fn empty_as_none<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.filter(|id| !id.is_empty()))
}

impl Claims {
    /// Whether no actor of its type is linked: `/me` routes refuse such a token until
    /// the actor exists and the token is refreshed.
    pub fn is_actor_less(&self) -> bool {
        self.actor_id.is_none()
    }
}

/// Reads the claims of a JWT, if it is one.
pub(crate) fn decode_claims(jwt: &str) -> Option<Claims> {
    crate::credentials::decode_jwt_payload(jwt)
}

/// The route family a token's actor goes to: admins to `/admin`, customers (and any
/// other actor) to `/store`'s side of the client's bookkeeping.
fn side_of(actor_type: &str) -> Side {
    if actor_type == USER {
        Side::Admin
    } else {
        Side::Store
    }
}

/// A v2 JWT and its claims. Kept, like v1's, as the `Authorization: Bearer` value it
/// is sent as, in bytes wiped when the last copy is dropped; `Debug` never shows it.
#[derive(Clone)]
pub struct Token {
    jwt: AccessToken,
    /// Shared by the clones, as the JWT's bytes are.
    claims: Option<Arc<Claims>>,
}

impl Token {
    /// Wraps a JWT.
    pub fn new(jwt: SecretString) -> Token {
        let claims = decode_claims(jwt.expose_secret());
        let side = side_of(claims.as_ref().map_or("", |c| c.actor_type.as_str()));
        Token {
            jwt: AccessToken::new(side, jwt),
            claims: claims.map(Arc::new),
        }
    }

    /// Its claims, when it is a JWT this SDK can read.
    pub fn claims(&self) -> Option<&Claims> {
        self.claims.as_deref()
    }

    /// The actor type it was issued for.
    pub fn actor_type(&self) -> Option<&str> {
        self.claims.as_ref().map(|c| c.actor_type.as_str())
    }

    /// The actor's id; `None` for an actor-less token.
    pub fn actor_id(&self) -> Option<&str> {
        self.claims.as_ref().and_then(|c| c.actor_id.as_deref())
    }

    /// Whether no actor is linked (registration tokens, for one).
    pub fn is_actor_less(&self) -> bool {
        self.actor_id().is_none()
    }

    /// When it expires (its `exp`), if it says.
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.jwt.expires_at()
    }

    /// Whether it has expired at `now`.
    pub fn is_expired_at(&self, now: Timestamp) -> bool {
        self.jwt.is_expired_at(now)
    }

    /// A copy of the JWT, to keep elsewhere (zeroized when dropped).
    pub fn secret(&self) -> SecretString {
        self.jwt.secret()
    }

    /// Whether a header can carry it (a control character or non-ASCII text cannot).
    pub(crate) fn is_sendable(&self) -> bool {
        self.jwt.authorization().is_some() && !self.jwt.expose_secret().is_empty()
    }

    /// The token as the engine sends it.
    pub(crate) fn access_token(&self) -> &AccessToken {
        &self.jwt
    }
}

impl ExposeSecret<str> for Token {
    /// The JWT itself.
    fn expose_secret(&self) -> &str {
        self.jwt.expose_secret()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("actor_type", &self.actor_type())
            .field("actor_id", &self.actor_id())
            .field("token", &"[REDACTED]")
            .field("expires_at", &self.expires_at())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;

    // transcripts (v2), exchange 13: a customer login.
    const CUSTOMER_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY3Rvcl9pZCI6ImN1c18wMU04UllIWUdXWEVCU041TkI2SFgyODBDMSIsImFjdG9yX3R5cGUiOiJjdXN0b21lciIsImF1dGhfaWRlbnRpdHlfaWQiOiJhdXRoaWRfMDFNOFJZSFk3WFlDUUtKSFFYQzFGWTJFN1giLCJhdXRoX3Byb3ZpZGVyIjoiZW1haWxwYXNzIiwibWZhX2VuYWJsZWQiOmZhbHNlLCJtZmFfY2hhbGxlbmdlX2NvbXBsZXRlZF9hdCI6bnVsbCwiYXBwX21ldGFkYXRhIjp7ImN1c3RvbWVyX2lkIjoiY3VzXzAxTThSWUhZR1dYRUJTTjVOQjZIWDI4MEMxIn0sInVzZXJfbWV0YWRhdGEiOnt9LCJpYXQiOjE3OTYxMzM2ODUsImV4cCI6MTc5NjIyMDA4NX0.bx3jfncLifdiYNeuatFIoWDplxwvCCnL_acX3ic6AWI";

    #[test]
    fn reads_the_claims_of_a_real_token() {
        let token = Token::new(CUSTOMER_JWT.into());
        assert_eq!(token.actor_type(), Some(CUSTOMER));
        assert_eq!(token.actor_id(), Some("cus_01M8RYHYGWXEBSN5NB6HX280C1"));
        assert!(!token.is_actor_less());
        let claims = token.claims().unwrap();
        assert_eq!(claims.auth_provider.as_deref(), Some(EMAILPASS));
        assert_eq!(
            claims.app_metadata["customer_id"],
            "cus_01M8RYHYGWXEBSN5NB6HX280C1"
        );
        assert_eq!(
            claims.exp.unwrap().as_second() - claims.iat.unwrap().as_second(),
            86_400
        );
        assert_eq!(token.expires_at(), claims.exp);
        assert_eq!(token.access_token().side(), Side::Store);
        assert!(token.is_sendable());
        let shown = format!("{token:?}");
        assert!(!shown.contains("eyJ"), "{shown}");
        assert!(shown.contains(r#"actor_type: Some("customer")"#), "{shown}");
    }

    #[test]
    fn an_empty_actor_id_is_actor_less_and_garbage_has_no_claims() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"actor_id":"","actor_type":"customer","app_metadata":{},"iat":1,"exp":2}"#);
        let token = Token::new(format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig").into());
        assert!(token.is_actor_less());
        assert_eq!(token.actor_type(), Some(CUSTOMER));
        for garbage in ["", "a.b", "not.a.jwt", "a.!!.c"] {
            let token = Token::new(garbage.into());
            assert!(
                token.claims().is_none() && token.is_actor_less(),
                "{garbage}"
            );
        }
        assert!(!Token::new("".into()).is_sendable());
        assert!(!Token::new("a\r\nb".into()).is_sendable());
    }
}
