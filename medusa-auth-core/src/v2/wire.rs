//! The bodies of the v2 calls: the JSON sent, and the answers read.

use bytes::Bytes;
use http::Response;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, InvalidInput};
use crate::response::{read_error, read_json};
use crate::secret::wiped_bytes;
use crate::v2::inputs::LoginPayload;
use crate::v2::models::envelopes::{
    ClaimsEnvelope, CustomerEnvelope, ProvidersEnvelope, TokenEnvelope, UserEnvelope,
};
use crate::v2::models::{Customer, ProviderInfo, User};
use crate::v2::outcome::LoginOutcome;
use crate::v2::token::{Claims, Token};
use crate::validation;

#[derive(Serialize)]
struct EmailPassword<'a> {
    email: &'a str,
    password: &'a str,
}

#[derive(Serialize)]
struct NewPassword<'a> {
    password: &'a str,
}

/// `value` as JSON in a buffer wiped when the last copy of the body is dropped, with
/// room for the worst case so that it never grows and leaves a copy behind.
fn wiped_json(value: &impl Serialize, room: usize) -> Bytes {
    let mut json = Vec::with_capacity(32 + 6 * room);
    // Serializing strings into JSON cannot fail.
    let _ = serde_json::to_writer(&mut json, value);
    wiped_bytes(json)
}

/// The body a login or a registration sends: `{"email","password"}` (both checked
/// to be sendable) or the provider's JSON.
pub(crate) fn login_body(payload: &LoginPayload) -> Result<Bytes, InvalidInput> {
    match payload {
        LoginPayload::EmailPassword { email, password } => {
            validation::validate_lookup_email(email)?;
            validation::validate_password(password)?;
            let password = password.expose_secret();
            Ok(wiped_json(
                &EmailPassword { email, password },
                email.len() + password.len(),
            ))
        }
        LoginPayload::Json(serde_json::Value::Null) => Ok(Bytes::new()),
        LoginPayload::Json(value) => Ok(Bytes::from(
            serde_json::to_vec(value).map_err(|_| InvalidInput::UnserializableBody)?,
        )),
    }
}

/// `{"password"}` of a password update, checked.
pub(crate) fn new_password_body(password: &SecretString) -> Result<Bytes, InvalidInput> {
    validation::validate_password(password)?;
    let password = password.expose_secret();
    Ok(wiped_json(&NewPassword { password }, password.len()))
}

/// A success body that must be a JSON object.
fn read_object<T: DeserializeOwned>(
    response: &Response<Bytes>,
    what: &'static str,
) -> Result<T, Error> {
    let value = read_json::<T>(response, what)?;
    let first = response.body().iter().find(|b| !b.is_ascii_whitespace());
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

/// A token the session can send back, or the decode error that says why not.
fn usable(
    response: &Response<Bytes>,
    what: &'static str,
    token: SecretString,
) -> Result<Token, Error> {
    let token = Token::new(token);
    if !token.is_sendable() {
        return Err(Error::Decode(DecodeError::unusable(
            response.status(),
            what,
            "token",
            "not a token that can be sent in an Authorization header",
        )));
    }
    Ok(token)
}

/// Reads a login's (or an OAuth callback's) answer, by its body: `{location}` is a
/// redirect, `{token, mfa_required}` and `{token, verification_required}` a
/// challenge, `{token}` a login.
pub fn read_login(response: &Response<Bytes>) -> Result<LoginOutcome, Error> {
    const WHAT: &str = "login response";
    let body: serde_json::Map<String, serde_json::Value> = read_object(response, WHAT)?;
    if let Some(location) = body.get("location").and_then(|l| l.as_str()) {
        return Ok(LoginOutcome::Redirect {
            location: location.to_owned(),
        });
    }
    let Some(token) = body.get("token").and_then(|t| t.as_str()) else {
        return Err(Error::Decode(DecodeError::unusable(
            response.status(),
            WHAT,
            "token",
            "neither a token nor a location",
        )));
    };
    let token = usable(response, WHAT, token.into())?;
    let flag = |name: &str| body.get(name).and_then(|v| v.as_bool()).unwrap_or(false);
    let field = |name: &str| body.get(name).cloned().unwrap_or(serde_json::Value::Null);
    Ok(if flag("mfa_required") {
        LoginOutcome::MfaRequired {
            token,
            challenge: field("mfa_challenge"),
        }
    } else if flag("verification_required") {
        LoginOutcome::VerificationRequired {
            token,
            verification: field("verification"),
        }
    } else {
        LoginOutcome::Authenticated(token)
    })
}

/// Reads `{"token"}` (registration, refresh).
pub fn read_token(response: &Response<Bytes>) -> Result<Token, Error> {
    const WHAT: &str = "token response";
    let envelope: TokenEnvelope = read_object(response, WHAT)?;
    usable(response, WHAT, envelope.token)
}

/// Reads `{"user": claims}` (`POST /auth/session`).
pub fn read_claims(response: &Response<Bytes>) -> Result<Claims, Error> {
    read_object::<ClaimsEnvelope>(response, "session response").map(|e| e.user)
}

/// Reads `{"customer"}`.
pub fn read_customer(response: &Response<Bytes>) -> Result<Customer, Error> {
    read_object::<CustomerEnvelope>(response, "customer response").map(|e| e.customer)
}

/// Reads `{"user"}` of `GET /admin/users/me`.
pub fn read_user(response: &Response<Bytes>) -> Result<User, Error> {
    read_object::<UserEnvelope>(response, "user response").map(|e| e.user)
}

/// Reads `{"providers"}`.
pub fn read_providers(response: &Response<Bytes>) -> Result<Vec<ProviderInfo>, Error> {
    read_object::<ProvidersEnvelope>(response, "providers response").map(|e| e.providers)
}

/// Reads any 2xx (a `201 Created` text, a `{"success":true}`) as done.
pub fn read_done(response: &Response<Bytes>) -> Result<(), Error> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(read_error(response))
    }
}
