//! The bodies of the v1 auth calls: the login JSON sent, and the answers read.

use bytes::Bytes;
use http::Response;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::credentials::{AccessToken, Side};
use crate::error::{DecodeError, Error, InvalidInput};
use crate::response::{read_error, read_json};
use crate::secret::wiped_bytes;
use crate::v1::models::envelopes::{CustomerEnvelope, ExistsEnvelope, TokenEnvelope, UserEnvelope};
use crate::v1::models::{Customer, User};
use crate::validation;

#[derive(Serialize)]
struct LoginBody<'a> {
    email: &'a str,
    password: &'a str,
}

/// `{"email","password"}`, after checking both by the server's own rules, in a
/// buffer wiped when the last copy of the body is dropped.
pub fn login_body(email: &str, password: &SecretString) -> Result<Bytes, InvalidInput> {
    validation::validate_email(email)?;
    validation::validate_password(password)?;
    let password = password.expose_secret();
    let body = LoginBody { email, password };
    // Room for the worst case (every character escaped as \uXXXX), so the buffer
    // never grows and leaves a copy of the password behind.
    let mut json = Vec::with_capacity(32 + 6 * (email.len() + password.len()));
    // Serializing two strings into JSON cannot fail.
    let _ = serde_json::to_writer(&mut json, &body);
    Ok(wiped_bytes(json))
}

/// Reads a success body that must be a JSON object (serde would read a struct from
/// an array too: `["a token"]` is not a token answer).
fn read_object<T: serde::de::DeserializeOwned>(
    response: &Response<Bytes>,
    what: &'static str,
) -> Result<T, Error> {
    let value = read_json::<T>(response, what)?;
    let first = response
        .body()
        .iter()
        .find(|byte| !byte.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(Error::Decode(DecodeError::unusable(
            response.status(),
            what,
            ".",
            "expected a JSON object",
        )));
    }
    Ok(value)
}

/// Reads `{"user": User}` (admin `create_session`, `get_session`).
pub fn read_user(response: &Response<Bytes>) -> Result<User, Error> {
    read_object::<UserEnvelope>(response, "admin session response").map(|e| e.user)
}

/// Reads `{"customer": Customer}` (store `authenticate`, `get_session`).
pub fn read_customer(response: &Response<Bytes>) -> Result<Customer, Error> {
    read_object::<CustomerEnvelope>(response, "store session response").map(|e| e.customer)
}

/// Reads `{"access_token": JWT}` (`get_token` of `side`).
///
/// A token that is empty or could not be sent back in an `Authorization` header (a
/// control character, non-ASCII text) is a [`Error::Decode`] here, rather than a
/// stored token that makes every later call of its side fail.
pub fn read_access_token(response: &Response<Bytes>, side: Side) -> Result<AccessToken, Error> {
    const WHAT: &str = "token response";
    let token = AccessToken::new(
        side,
        read_object::<TokenEnvelope>(response, WHAT)?.access_token,
    );
    if token.expose_secret().is_empty() || token.authorization().is_none() {
        return Err(Error::Decode(DecodeError::unusable(
            response.status(),
            WHAT,
            "access_token",
            "not a token that can be sent in an Authorization header",
        )));
    }
    Ok(token)
}

/// Reads `{"exists": bool}` (store `exists`).
pub fn read_exists(response: &Response<Bytes>) -> Result<bool, Error> {
    read_object::<ExistsEnvelope>(response, "exists response").map(|e| e.exists)
}

/// Reads the answer of `delete_session`: any 2xx (the body is the text `OK`).
pub fn read_ok(response: &Response<Bytes>) -> Result<(), Error> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(read_error(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_json(body: &'static str) -> Response<Bytes> {
        Response::builder()
            .header("content-type", "application/json")
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn an_answer_in_an_array_is_not_an_envelope() {
        for body in [r#"["eyJ.a.b"]"#, r#" [true]"#] {
            let error = read_access_token(&ok_json(body), Side::Store).unwrap_err();
            assert!(matches!(error, Error::Decode(_)), "{body}: {error}");
            assert!(read_exists(&ok_json(body)).is_err(), "{body}");
        }
        assert!(read_exists(&ok_json(r#" {"exists":true}"#)).unwrap());
    }
}
