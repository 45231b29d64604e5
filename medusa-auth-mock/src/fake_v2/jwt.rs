//! Medusa v2's JWTs: HS256 over `{"alg":"HS256","typ":"JWT"}` and the claims in the
//! order `generateJwtToken` writes them (so a token is byte for byte the real
//! server's for the same claims and secret), checked as `jsonwebtoken.verify` does
//! (HS256/384/512 with the secret, `exp` and `nbf` against the fake's clock).

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};

use super::json::{self, Js};
use super::shared::memo::Memo;

/// `http.jwtExpiresIn`'s default, `"1d"`.
pub(crate) const TOKEN_LIFETIME_SECS: u64 = 24 * 60 * 60;
/// A password-reset token lives 15 minutes (`RESET_PASSWORD_TOKEN_TTL_SECONDS`).
pub(crate) const RESET_LIFETIME_SECS: u64 = 15 * 60;
/// Longer bearer values are refused without being decoded.
const MAX_TOKEN_LEN: usize = 8 * 1024;
/// `base64url({"alg":"HS256","typ":"JWT"})`, as Node's jsonwebtoken writes it.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Signs and checks the fake's JWTs. `Debug` hides the secret.
#[derive(Clone)]
pub(crate) struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Tokens whose signature was found right, and their payload.
    verified: Memo<Arc<Js>>,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtKeys([REDACTED])")
    }
}

/// What an auth token says (`generateJwtTokenForAuthIdentity`'s payload).
pub(crate) struct AuthClaims<'a> {
    pub(crate) actor_id: Js,
    pub(crate) actor_type: &'a str,
    pub(crate) auth_identity_id: &'a str,
    pub(crate) auth_provider: Option<&'a str>,
    pub(crate) mfa_enabled: bool,
    pub(crate) mfa_challenge_completed_at: Js,
    pub(crate) app_metadata: Js,
    pub(crate) user_metadata: Js,
}

impl JwtKeys {
    pub(crate) fn new(secret: &[u8]) -> Self {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            verified: Memo::default(),
        }
    }

    /// An auth token issued at `iat` (Unix seconds), living a day.
    pub(crate) fn auth_token(&self, claims: AuthClaims<'_>, iat: u64) -> String {
        let mut payload = Js::object([
            ("actor_id", claims.actor_id),
            ("actor_type", claims.actor_type.into()),
            ("auth_identity_id", claims.auth_identity_id.into()),
        ]);
        if let Some(provider) = claims.auth_provider {
            payload.insert("auth_provider", provider.into());
        }
        payload.insert("mfa_enabled", claims.mfa_enabled.into());
        payload.insert(
            "mfa_challenge_completed_at",
            claims.mfa_challenge_completed_at,
        );
        payload.insert("app_metadata", claims.app_metadata);
        payload.insert("user_metadata", claims.user_metadata);
        payload.insert("iat", iat.into());
        payload.insert("exp", (iat + TOKEN_LIFETIME_SECS).into());
        self.sign(&payload)
    }

    /// A password-reset token: `{entity_id, provider, actor_type, purpose: "reset",
    /// iat, exp, jti}`, living 15 minutes.
    pub(crate) fn reset_token(
        &self,
        entity_id: &str,
        provider: &str,
        actor_type: &str,
        iat: u64,
        jti: &str,
    ) -> String {
        let payload = Js::object([
            ("entity_id", entity_id.into()),
            ("provider", provider.into()),
            ("actor_type", actor_type.into()),
            ("purpose", "reset".into()),
            ("iat", iat.into()),
            ("exp", (iat + RESET_LIFETIME_SECS).into()),
            ("jti", jti.into()),
        ]);
        self.sign(&payload)
    }

    /// Signs any payload (HS256).
    pub(crate) fn sign(&self, payload: &Js) -> String {
        let body = URL_SAFE_NO_PAD.encode(payload.to_json());
        let message = format!("{HEADER}.{body}");
        // HMAC over bytes with a valid key cannot fail.
        let signature =
            jsonwebtoken::crypto::sign(message.as_bytes(), &self.encoding, Algorithm::HS256)
                .unwrap_or_default();
        format!("{message}.{signature}")
    }

    /// The payload of `token` when `jsonwebtoken.verify(token, secret)` accepts it at
    /// `now` (Unix seconds): an object payload, a right signature, not expired, active.
    pub(crate) fn verify(&self, token: &str, now: u64) -> Option<Arc<Js>> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let payload = self
            .verified
            .get_or_compute(token.as_bytes(), || self.signed_payload(token))?;
        let now = now as f64;
        if let Some(exp) = payload.get("exp") {
            let Js::Number(exp) = exp else { return None };
            if now >= *exp {
                return None;
            }
        }
        if let Some(nbf) = payload.get("nbf") {
            let Js::Number(nbf) = nbf else { return None };
            if *nbf > now {
                return None;
            }
        }
        Some(payload)
    }

    /// The payload of a token signed with the secret (jws's format check, the
    /// header's `alg` among HS256/384/512, the signature).
    fn signed_payload(&self, token: &str) -> Option<Arc<Js>> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        let base64url = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if parts.next().is_some()
            || header.is_empty()
            || payload.is_empty()
            || signature.is_empty()
            || ![header, payload, signature].into_iter().all(base64url)
        {
            return None;
        }
        let decode = |segment: &str| {
            let bytes = lenient().decode(segment).ok()?;
            json::parse(&String::from_utf8_lossy(&bytes)).ok()
        };
        let algorithm = match decode(header)?.get("alg")?.as_str()? {
            "HS256" => Algorithm::HS256,
            "HS384" => Algorithm::HS384,
            "HS512" => Algorithm::HS512,
            _ => return None,
        };
        let message = &token[..header.len() + 1 + payload.len()];
        let valid =
            jsonwebtoken::crypto::verify(signature, message.as_bytes(), &self.decoding, algorithm)
                .ok()?;
        if !valid {
            return None;
        }
        let payload = decode(payload)?;
        payload.is_record().then(|| Arc::new(payload))
    }
}

/// Node's base64 decoding of a JWT segment: no padding needed, trailing bits kept.
fn lenient() -> base64::engine::GeneralPurpose {
    base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    )
}

/// The claims of a JWT without checking it.
#[cfg(test)]
fn unverified_payload(token: &str) -> Option<Js> {
    let payload = token.split('.').nth(1)?;
    let bytes = lenient().decode(payload).ok()?;
    json::parse(&String::from_utf8_lossy(&bytes)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// transcripts.md (v2) exchange 2: the admin's token, signed with
    /// `real-medusa-v2-jwt-secret`.
    const RECORDED: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY3Rvcl9pZCI6InVzZXJfMDFNOFJZSEQ1SE04TVlKU05DVktSWFRXRVQiLCJhY3Rvcl90eXBlIjoidXNlciIsImF1dGhfaWRlbnRpdHlfaWQiOiJhdXRoaWRfMDFNOFJZSERGNThGMFM2OVNCSFMxWlNXMzIiLCJhdXRoX3Byb3ZpZGVyIjoiZW1haWxwYXNzIiwibWZhX2VuYWJsZWQiOmZhbHNlLCJtZmFfY2hhbGxlbmdlX2NvbXBsZXRlZF9hdCI6bnVsbCwiYXBwX21ldGFkYXRhIjp7InVzZXJfaWQiOiJ1c2VyXzAxTThSWUhENUhNOE1ZSlNOQ1ZLUlhUV0VUIn0sInVzZXJfbWV0YWRhdGEiOnt9LCJpYXQiOjE3OTYxMzM2ODMsImV4cCI6MTc5NjIyMDA4M30.LhD3AO2LftKGJxsmQjneJlvpUahYIMSYQdtj84ioIYM";

    fn keys() -> JwtKeys {
        JwtKeys::new(b"real-medusa-v2-jwt-secret")
    }

    #[test]
    fn tokens_are_the_real_servers_byte_for_byte() {
        let user = "user_01M8RYHD5HM8MYJSNCVKRXTWET";
        let token = keys().auth_token(
            AuthClaims {
                actor_id: user.into(),
                actor_type: "user",
                auth_identity_id: "authid_01M8RYHDF58F0S69SBHS1ZSW32",
                auth_provider: Some("emailpass"),
                mfa_enabled: false,
                mfa_challenge_completed_at: Js::Null,
                app_metadata: Js::object([("user_id", user.into())]),
                user_metadata: Js::empty_object(),
            },
            1_796_133_683,
        );
        assert_eq!(token, RECORDED);
    }

    #[test]
    fn verifies_as_jsonwebtoken_does() {
        let keys = keys();
        let payload = keys.verify(RECORDED, 1_796_133_683).unwrap();
        assert_eq!(payload.get("actor_type"), Some(&Js::from("user")));
        // Expired at exp, not a second before.
        assert!(keys.verify(RECORDED, 1_796_220_082).is_some());
        assert!(keys.verify(RECORDED, 1_796_220_083).is_none());
        assert!(
            JwtKeys::new(b"other")
                .verify(RECORDED, 1_796_133_683)
                .is_none()
        );
        // alg none (exchange 87), garbage, a tampered payload.
        let unsigned = format!(
            "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.",
            RECORDED.split('.').nth(1).unwrap()
        );
        for bad in [
            unsigned.as_str(),
            "not.a.jwt",
            "garbage",
            "a.b.c",
            "",
            "x.y.z.w",
        ] {
            assert!(keys.verify(bad, 1_796_133_683).is_none(), "{bad}");
        }
        let tampered = RECORDED.replacen(".eyJh", ".eyJi", 1);
        assert!(keys.verify(&tampered, 1_796_133_683).is_none());
        assert!(!format!("{keys:?}").contains("secret"));
        // A reset token carries its jti last.
        let reset = keys.reset_token("a@b.co", "emailpass", "customer", 100, "j-1");
        assert_eq!(
            unverified_payload(&reset).unwrap().to_json(),
            r#"{"entity_id":"a@b.co","provider":"emailpass","actor_type":"customer","purpose":"reset","iat":100,"exp":1000,"jti":"j-1"}"#
        );
    }
}
