//! The JWTs of `get_token`: HS256 with the real claims and lifetimes, verified as
//! passport-jwt does (HS256/384/512 with the secret, `exp` against the fake's clock,
//! the `domain` claim of the route's side, a non-empty id).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use medusa_auth_core::Side;
use serde::{Deserialize, Serialize};

use super::memo::Memo;

/// An admin JWT lives 24 h (`expiresIn: "24h"`).
pub(crate) const ADMIN_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// A store JWT lives 30 days (`expiresIn: "30d"`).
pub(crate) const STORE_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Longer bearer values are refused without being decoded.
const MAX_TOKEN_LEN: usize = 8 * 1024;

#[derive(Serialize)]
struct AdminClaims<'a> {
    user_id: &'a str,
    domain: &'static str,
    iat: u64,
    exp: u64,
}

#[derive(Serialize)]
struct StoreClaims<'a> {
    customer_id: &'a str,
    domain: &'static str,
    iat: u64,
    exp: u64,
}

#[derive(Deserialize, Clone)]
struct AnyClaims {
    #[serde(default)]
    user_id: Option<serde_json::Value>,
    #[serde(default)]
    customer_id: Option<serde_json::Value>,
    #[serde(default)]
    domain: Option<serde_json::Value>,
    #[serde(default)]
    exp: Option<serde_json::Value>,
    #[serde(default)]
    nbf: Option<serde_json::Value>,
}

/// Signs and checks the fake's JWTs. `Debug` hides the secret.
#[derive(Clone)]
pub(crate) struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Tokens whose signature was found right, and their claims.
    verified: Memo<Arc<AnyClaims>>,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtKeys([REDACTED])")
    }
}

fn seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

impl JwtKeys {
    pub(crate) fn new(secret: &[u8]) -> Self {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            verified: Memo::default(),
        }
    }

    /// `{user_id, domain: "admin", iat, exp}`, 24 h.
    pub(crate) fn admin_token(&self, user_id: &str, now: SystemTime) -> String {
        let iat = seconds(now);
        let claims = AdminClaims {
            user_id,
            domain: "admin",
            iat,
            exp: iat + ADMIN_TOKEN_LIFETIME.as_secs(),
        };
        self.sign(&claims)
    }

    /// `{customer_id, domain: "store", iat, exp}`, 30 days.
    pub(crate) fn store_token(&self, customer_id: &str, now: SystemTime) -> String {
        let iat = seconds(now);
        let claims = StoreClaims {
            customer_id,
            domain: "store",
            iat,
            exp: iat + STORE_TOKEN_LIFETIME.as_secs(),
        };
        self.sign(&claims)
    }

    fn sign<T: Serialize>(&self, claims: &T) -> String {
        // HS256 over a serializable struct with a valid key cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .unwrap_or_default()
    }

    /// The id a bearer token names for `side`, when passport-jwt and Medusa's
    /// strategy of that side would accept it at `now`.
    pub(crate) fn verify(&self, token: &str, side: Side, now: SystemTime) -> Option<String> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return None;
        }
        // The signature and the claims depend on the token alone: remembered. What
        // depends on the time and the route is checked below, every time.
        let claims = self
            .verified
            .get_or_compute(token.as_bytes(), || self.signed_claims(token))?;
        let now = seconds(now);
        // jsonwebtoken (Node) refuses a non-numeric exp, and a token at or past it.
        match &claims.exp {
            None => {}
            Some(exp) => {
                let exp = exp.as_f64()?;
                if now as f64 >= exp {
                    return None;
                }
            }
        }
        if let Some(nbf) = &claims.nbf {
            if (now as f64) < nbf.as_f64()? {
                return None;
            }
        }
        let (domain, id) = match side {
            Side::Admin => ("admin", &claims.user_id),
            Side::Store => ("store", &claims.customer_id),
        };
        if claims.domain.as_ref().and_then(|d| d.as_str()) != Some(domain) {
            return None;
        }
        match id {
            Some(serde_json::Value::String(id)) if !id.is_empty() => Some(id.clone()),
            _ => None,
        }
    }

    /// The claims of a token signed with the secret (HS256, HS384 or HS512).
    fn signed_claims(&self, token: &str) -> Option<Arc<AnyClaims>> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<AnyClaims>(token, &self.decoding, &validation).ok()?;
        Some(Arc::new(data.claims))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use medusa_auth_core::AccessToken;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn issues_the_real_claims() {
        let keys = JwtKeys::new(b"secret");
        let token = keys.admin_token("usr_1", at(1_795_352_910));
        let claims = AccessToken::new(Side::Admin, token.clone().into())
            .claims()
            .unwrap();
        assert_eq!(claims.user_id.as_deref(), Some("usr_1"));
        assert_eq!(claims.domain.as_deref(), Some("admin"));
        assert_eq!(
            (
                claims.iat.map(|t| t.as_second()),
                claims.exp.map(|t| t.as_second())
            ),
            (Some(1_795_352_910), Some(1_795_439_310))
        );
        let store = keys.store_token("cus_1", at(1_795_352_911));
        let claims = AccessToken::new(Side::Store, store.into())
            .claims()
            .unwrap();
        assert_eq!(claims.customer_id.as_deref(), Some("cus_1"));
        let lifetime = claims.exp.unwrap().as_second() - claims.iat.unwrap().as_second();
        assert_eq!(lifetime, 30 * 24 * 3600);
    }

    #[test]
    fn verifies_side_expiry_and_signature() {
        let keys = JwtKeys::new(b"secret");
        let admin = keys.admin_token("usr_1", at(1000));
        let store = keys.store_token("cus_1", at(1000));
        assert_eq!(
            keys.verify(&admin, Side::Admin, at(1000)).as_deref(),
            Some("usr_1")
        );
        assert_eq!(keys.verify(&admin, Side::Store, at(1000)), None);
        assert_eq!(keys.verify(&store, Side::Admin, at(1000)), None);
        assert_eq!(
            keys.verify(&store, Side::Store, at(1000)).as_deref(),
            Some("cus_1")
        );
        let last_second = 1000 + ADMIN_TOKEN_LIFETIME.as_secs() - 1;
        assert!(keys.verify(&admin, Side::Admin, at(last_second)).is_some());
        assert!(
            keys.verify(&admin, Side::Admin, at(last_second + 1))
                .is_none()
        );
        assert!(
            JwtKeys::new(b"other")
                .verify(&admin, Side::Admin, at(1000))
                .is_none()
        );
        for garbage in [
            "",
            "not.a.jwt",
            "a.b.c",
            "real_medusa_admin_api_token",
            &"x".repeat(10_000),
        ] {
            assert!(keys.verify(garbage, Side::Admin, at(1000)).is_none());
        }
        assert!(!format!("{keys:?}").contains("secret"));
    }
}
