//! What a v2 session can be given: a cookie session, a JWT, a secret API key.

use std::fmt;

use base64::Engine as _;
use http::header::AUTHORIZATION;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

use crate::credentials::ApiCredential;
use crate::error::InvalidInput;
use crate::v2::token::Token;

/// A credential a v2 session can be given, kept from an earlier session or made
/// elsewhere. `Debug` never shows a value.
///
/// ```
/// use medusa_auth_core::v2::{Credentials, Token};
/// let key = Credentials::SecretApiKey("sk_live_very_secret".into());
/// assert!(!format!("{key:?}").contains("very_secret"));
/// let token = Credentials::Token(Token::new("eyJ.secret.jwt".into()));
/// assert!(!format!("{token:?}").contains("secret.jwt"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// The value of a `connect.sid` cookie from `POST /auth/session`, exactly as the
    /// server set it (`s%3A…`). Sent to every route of the client's origin.
    SessionCookie(SecretString),
    /// A JWT from a login, a registration or a refresh, sent as
    /// `Authorization: Bearer` to the routes of its actor type only.
    Token(Token),
    /// A secret API key (`sk_…`), sent as `Authorization: Basic base64("sk_…:")` on
    /// admin routes only.
    SecretApiKey(SecretString),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::SessionCookie(_) => f.write_str("SessionCookie([REDACTED])"),
            Credentials::Token(token) => f.debug_tuple("Token").field(token).finish(),
            Credentials::SecretApiKey(_) => f.write_str("SecretApiKey([REDACTED])"),
        }
    }
}

/// `Authorization: Basic base64("sk_…:")`, the form the JS SDK sends and Medusa
/// documents; refused when the key holds what a header cannot carry. Every buffer
/// that held the key is wiped.
pub(crate) fn secret_key_credential(key: &SecretString) -> Result<ApiCredential, InvalidInput> {
    let key = key.expose_secret();
    if key.is_empty() || key.bytes().any(|b| b.is_ascii_control() || !b.is_ascii()) {
        return Err(InvalidInput::InvalidHeaderValue {
            name: AUTHORIZATION.as_str().to_owned(),
        });
    }
    let mut plain = Zeroizing::new(Vec::with_capacity(key.len() + 1));
    plain.extend_from_slice(key.as_bytes());
    plain.push(b':');
    const SCHEME: &[u8] = b"Basic ";
    let encoded_len = base64::encoded_len(plain.len(), true).unwrap_or(0);
    let mut value = vec![0; SCHEME.len() + encoded_len];
    value[..SCHEME.len()].copy_from_slice(SCHEME);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(plain.as_slice(), &mut value[SCHEME.len()..])
        .unwrap_or(0);
    value.truncate(SCHEME.len() + written);
    ApiCredential::from_bytes(AUTHORIZATION, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_key_goes_as_basic_with_a_colon() {
        // transcripts (v2), exchange 112: `Basic base64("sk_…:")`.
        let credential = secret_key_credential(&"sk_abc".into()).unwrap();
        assert_eq!(credential.name(), AUTHORIZATION);
        assert_eq!(credential.value(), "Basic c2tfYWJjOg==");
        assert!(credential.value().is_sensitive());
        for bad in ["", "sk_\r\n", "sk_é"] {
            assert!(secret_key_credential(&bad.into()).is_err(), "{bad:?}");
        }
    }
}
