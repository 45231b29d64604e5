//! The three ways to be authenticated (session cookie, API token, bearer JWT) and the
//! side each belongs to.

use std::fmt;

use base64::Engine as _;
use http::HeaderValue;
use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::secret::{header_text, wiped_header_value};

/// Which half of the API a call, a token or a credential belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// `/admin` routes: admin users.
    Admin,
    /// `/store` routes: customers.
    Store,
}

impl Side {
    /// `"admin"` or `"store"`, as in a JWT's `domain` claim.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Admin => "admin",
            Side::Store => "store",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A machine credential for admin routes, as the header it is sent in: v1's API token
/// (`x-medusa-access-token`), v2's secret key (`Authorization: Basic`). Marked
/// sensitive, in bytes wiped when dropped.
#[derive(Clone)]
pub struct ApiCredential {
    name: http::HeaderName,
    value: HeaderValue,
}

impl ApiCredential {
    /// `secret` sent as the header `name`; refused when a header cannot carry it.
    pub fn new(name: http::HeaderName, secret: &SecretString) -> Result<Self, crate::InvalidInput> {
        Self::from_bytes(name, secret.expose_secret().as_bytes().to_vec())
    }

    /// `value` (already encoded, e.g. `Basic …`) sent as the header `name`.
    pub(crate) fn from_bytes(
        name: http::HeaderName,
        value: Vec<u8>,
    ) -> Result<Self, crate::InvalidInput> {
        let invalid = || crate::InvalidInput::InvalidHeaderValue {
            name: name.as_str().to_owned(),
        };
        let value = wiped_header_value(value).ok_or_else(invalid)?;
        Ok(ApiCredential { name, value })
    }

    /// The header's name.
    pub fn name(&self) -> &http::HeaderName {
        &self.name
    }

    /// The header's value (sensitive).
    pub fn value(&self) -> &HeaderValue {
        &self.value
    }
}

impl fmt::Debug for ApiCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiCredential")
            .field("name", &self.name)
            .field("value", &"[REDACTED]")
            .finish()
    }
}

/// A credential a session handle can be given.
///
/// `Debug` never shows a value:
///
/// ```
/// use medusa_auth_core::{AccessToken, Credentials, Side};
/// let creds = Credentials::ApiToken("sk_live_very_secret".into());
/// assert!(!format!("{creds:?}").contains("very_secret"));
/// let bearer = Credentials::Bearer(AccessToken::new(Side::Store, "eyJ.secret.jwt".into()));
/// assert!(!format!("{bearer:?}").contains("secret"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// The value of a `connect.sid` cookie, exactly as the server set it (`s%3A…`).
    /// Sent to admin and store routes of the client's origin.
    SessionCookie(SecretString),
    /// An admin user's `api_token`, sent as `x-medusa-access-token` on admin routes only.
    ApiToken(SecretString),
    /// A JWT from `get_token`, sent as `Authorization: Bearer` on its own side only.
    Bearer(AccessToken),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::SessionCookie(_) => f.write_str("SessionCookie([REDACTED])"),
            Credentials::ApiToken(_) => f.write_str("ApiToken([REDACTED])"),
            Credentials::Bearer(token) => f.debug_tuple("Bearer").field(token).finish(),
        }
    }
}

/// A JWT issued by `get_token`, with the side it is valid for.
///
/// The token is stateless on the server: `delete_session` does not revoke it and
/// nothing refreshes it. Its `exp` claim is read (not verified) so the SDK can tell
/// when it has expired.
///
/// It is kept as the `Authorization: Bearer …` value it is sent as, checked once and
/// shared by every request that carries it (a clone is a reference count); its bytes
/// are wiped when the last copy is dropped. Read it with
/// [`expose_secret`](ExposeSecret::expose_secret).
#[derive(Clone)]
pub struct AccessToken {
    side: Side,
    form: TokenForm,
    expires_at: Option<Timestamp>,
}

#[derive(Clone)]
enum TokenForm {
    /// `Bearer <jwt>`, sensitive, over wiped bytes.
    Header(HeaderValue),
    /// A token a header cannot carry (control characters, non-ASCII): kept so the
    /// caller can be told, never sent.
    Unsendable(SecretString),
}

const BEARER_PREFIX: &[u8] = b"Bearer ";

impl AccessToken {
    /// Wraps a JWT for `side`.
    pub fn new(side: Side, token: SecretString) -> Self {
        let jwt = token.expose_secret();
        let expires_at = decode_claims(jwt).and_then(|claims| claims.exp);
        let mut header = Vec::with_capacity(BEARER_PREFIX.len() + jwt.len());
        header.extend_from_slice(BEARER_PREFIX);
        header.extend_from_slice(jwt.as_bytes());
        let form = match wiped_header_value(header) {
            Some(value) => TokenForm::Header(value),
            None => TokenForm::Unsendable(token),
        };
        AccessToken {
            side,
            form,
            expires_at,
        }
    }

    /// The side the token is valid for.
    pub fn side(&self) -> Side {
        self.side
    }

    /// A copy of the JWT, to keep elsewhere (zeroized when dropped); to read it in
    /// place, use [`expose_secret`](ExposeSecret::expose_secret).
    pub fn secret(&self) -> SecretString {
        self.expose_secret().into()
    }

    /// The `Authorization` value that sends it; `None` when the token holds
    /// characters a header cannot carry.
    pub fn authorization(&self) -> Option<&HeaderValue> {
        match &self.form {
            TokenForm::Header(value) => Some(value),
            TokenForm::Unsendable(_) => None,
        }
    }

    /// The claims of the JWT, decoded without verifying the signature; `None` when
    /// the token is not a JWT this SDK can read.
    pub fn claims(&self) -> Option<TokenClaims> {
        decode_claims(self.expose_secret())
    }

    /// When the token expires (its `exp` claim), if it says.
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.expires_at
    }

    /// Whether the token has expired at `now`.
    pub fn is_expired_at(&self, now: Timestamp) -> bool {
        self.expires_at.is_some_and(|exp| exp <= now)
    }

    /// Compares the secret with another in constant time.
    pub fn secret_eq(&self, other: &str) -> bool {
        crate::secret::constant_time_eq(self.expose_secret(), other)
    }
}

impl ExposeSecret<str> for AccessToken {
    /// The JWT itself.
    fn expose_secret(&self) -> &str {
        match &self.form {
            TokenForm::Header(value) => header_text(value, BEARER_PREFIX.len()..),
            TokenForm::Unsendable(token) => token.expose_secret(),
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("side", &self.side)
            .field("token", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The claims Medusa v1 puts in its JWTs: `{user_id, domain:"admin"}` or
/// `{customer_id, domain:"store"}`, with `iat` and `exp`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TokenClaims {
    /// The admin user's id, for an admin token.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The customer's id, for a store token.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// `"admin"` or `"store"`.
    #[serde(default)]
    pub domain: Option<String>,
    /// Issued at (`iat`, in seconds since the Unix epoch on the wire).
    #[serde(default, with = "jiff::fmt::serde::timestamp::second::optional")]
    pub iat: Option<Timestamp>,
    /// Expires at (`exp`, in seconds since the Unix epoch on the wire).
    #[serde(default, with = "jiff::fmt::serde::timestamp::second::optional")]
    pub exp: Option<Timestamp>,
}

/// The largest JWT whose payload is decoded: Medusa v1's are about 230 bytes, v2's
/// about 600; a token with a long OAuth profile in its claims may be a few KiB.
const MAX_DECODED_JWT_LEN: usize = 16 * 1024;

/// The payload of a JWT (`header.payload.signature`) read as `T`, without verifying
/// anything; `None` for what is not a JWT or a payload of another shape.
pub(crate) fn decode_jwt_payload<T: serde::de::DeserializeOwned>(token: &str) -> Option<T> {
    if token.len() > MAX_DECODED_JWT_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn decode_claims(token: &str) -> Option<TokenClaims> {
    decode_jwt_payload(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    // From transcripts.md, exchange 15 (admin) and 45 (store).
    const ADMIN_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidXNyXzAxTTgxTllGOEdDUjA4Mk40Q1NGUjRHRFBFIiwiZG9tYWluIjoiYWRtaW4iLCJpYXQiOjE3OTUzNTI5MTAsImV4cCI6MTc5NTQzOTMxMH0.pMtg89Ss6fEJQjpIgkXmKSez2FaDSarEgGA4e4xy-E0";
    const STORE_JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjdXN0b21lcl9pZCI6ImN1c18wMU04MU5ZTkNKR05XTjZFNlIyRzczU1o0TSIsImRvbWFpbiI6InN0b3JlIiwiaWF0IjoxNzk1MzUyOTExLCJleHAiOjE3OTc5NDQ5MTF9.X_esmEc9wTGo3GnItbg2r2FMc13MXSL5mo9PDnI_ohE";

    #[test]
    fn reads_the_claims_of_real_tokens() {
        let admin = AccessToken::new(Side::Admin, ADMIN_JWT.into());
        let claims = admin.claims().expect("claims");
        assert_eq!(
            claims.user_id.as_deref(),
            Some("usr_01M81NYF8GCR082N4CSFR4GDPE")
        );
        assert_eq!(claims.domain.as_deref(), Some("admin"));
        assert_eq!(
            claims.exp,
            Some(Timestamp::from_second(1_795_439_310).unwrap())
        );
        // 24 h for admin tokens.
        let lifetime = |c: &TokenClaims| c.exp.unwrap().as_second() - c.iat.unwrap().as_second();
        assert_eq!(lifetime(&claims), 24 * 3600);

        let store = AccessToken::new(Side::Store, STORE_JWT.into());
        let claims = store.claims().expect("claims");
        assert_eq!(
            claims.customer_id.as_deref(),
            Some("cus_01M81NYNCJGNWN6E6R2G73SZ4M")
        );
        assert_eq!(lifetime(&claims), 30 * 24 * 3600);
    }

    #[test]
    fn expiry_is_compared_with_the_given_time() {
        let token = AccessToken::new(Side::Admin, ADMIN_JWT.into());
        let exp = Timestamp::from_second(1_795_439_310).unwrap();
        assert_eq!(token.expires_at(), Some(exp));
        assert!(!token.is_expired_at(Timestamp::from_second(1_795_439_309).unwrap()));
        assert!(token.is_expired_at(exp));
    }

    #[test]
    fn garbage_tokens_have_no_claims_and_never_expire_locally() {
        for garbage in [
            "",
            "not.a.jwt",
            "a.b",
            "a.!!!.c",
            "x.e30.y.z",
            &"a.".repeat(10_000),
        ] {
            let token = AccessToken::new(Side::Store, garbage.into());
            assert_eq!(token.expires_at(), None, "{garbage:.20}");
        }
    }

    #[test]
    fn the_token_is_kept_as_its_header_and_read_back_whole() {
        let token = AccessToken::new(Side::Admin, ADMIN_JWT.into());
        let header = token.authorization().expect("a sendable token");
        assert_eq!(header.as_bytes(), format!("Bearer {ADMIN_JWT}").as_bytes());
        assert!(header.is_sensitive());
        assert_eq!(token.expose_secret(), ADMIN_JWT);
        assert_eq!(token.secret().expose_secret(), ADMIN_JWT);
        assert!(token.secret_eq(ADMIN_JWT));
        assert_eq!(token.clone().expose_secret(), ADMIN_JWT);

        for unsendable in ["jwt\r\nx-evil: 1", "caf\u{e9}.e30.x", "a\u{0}b"] {
            let token = AccessToken::new(Side::Store, unsendable.into());
            assert!(token.authorization().is_none(), "{unsendable:?}");
            assert_eq!(token.expose_secret(), unsendable);
        }
    }

    #[test]
    fn debug_never_shows_the_token() {
        let token = AccessToken::new(Side::Admin, ADMIN_JWT.into());
        let shown = format!("{token:?} {:?}", Credentials::Bearer(token.clone()));
        assert!(!shown.contains("eyJ"), "{shown}");
        let shown = format!("{:?}", Credentials::SessionCookie("s%3Aabc.def".into()));
        assert!(!shown.contains("abc"), "{shown}");
    }

    #[test]
    fn compares_the_secret_for_equality_only() {
        let token = AccessToken::new(Side::Admin, ADMIN_JWT.into());
        assert!(token.secret_eq(ADMIN_JWT));
        assert!(!token.secret_eq(STORE_JWT));
        assert!(!token.secret_eq(""));
    }

    /// A JWT of exactly `len` bytes whose payload carries `exp`.
    fn jwt_of_len(len: usize) -> String {
        let head = "eyJhbGciOiJIUzI1NiJ9.";
        let tail = ".c2ln";
        let mut claims = String::from(r#"{"exp":1795439310,"pad":""#);
        loop {
            let payload =
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{claims}\"}}"));
            let total = head.len() + payload.len() + tail.len();
            if total >= len {
                let jwt = format!("{head}{payload}{tail}");
                return jwt[..len.min(jwt.len())].to_owned();
            }
            claims.push('x');
        }
    }

    #[test]
    fn decodes_the_claims_of_a_jwt_up_to_sixteen_kib() {
        let exp = Timestamp::from_second(1_795_439_310).unwrap();
        for (len, expected) in [
            (2_000, Some(exp)),
            (16 * 1024, Some(exp)),
            (16 * 1024 + 1, None),
        ] {
            let jwt = jwt_of_len(len);
            assert_eq!(jwt.len(), len);
            let token = AccessToken::new(Side::Admin, jwt.into());
            assert_eq!(token.expires_at(), expected, "a {len}-byte JWT");
        }
    }

    #[test]
    fn debug_names_the_side_and_the_expiry() {
        let token = AccessToken::new(Side::Admin, ADMIN_JWT.into());
        assert_eq!(
            format!("{token:?}"),
            r#"AccessToken { side: Admin, token: "[REDACTED]", expires_at: Some(2026-11-23T13:08:30Z) }"#
        );
        assert_eq!(
            format!("{:?}", Credentials::ApiToken("x".into())),
            "ApiToken([REDACTED])"
        );
        assert_eq!(
            format!("{:?}", Credentials::SessionCookie("x".into())),
            "SessionCookie([REDACTED])"
        );
        assert!(format!("{:?}", Credentials::Bearer(token)).starts_with("Bearer(AccessToken {"));
    }

    #[test]
    fn an_api_credential_debug_names_its_header_and_hides_its_value() {
        let credential =
            ApiCredential::new(crate::headers::ACCESS_TOKEN, &"sk_very_secret".into()).unwrap();
        assert_eq!(credential.value(), "sk_very_secret");
        assert!(credential.value().is_sensitive());
        assert_eq!(
            format!("{credential:?}"),
            r#"ApiCredential { name: "x-medusa-access-token", value: "[REDACTED]" }"#
        );
    }
}
