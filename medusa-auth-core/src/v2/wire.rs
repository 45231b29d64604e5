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

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Response<Bytes> {
        Response::builder()
            .status(status)
            .header("content-type", "application/json; charset=utf-8")
            .body(Bytes::from(body.to_owned()))
            .unwrap()
    }

    // A JWT whose claims are a customer's (`{"actor_id":"cus_01","actor_type":"customer"}`).
    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY3Rvcl9pZCI6ImN1c18wMSIsImFjdG9yX3R5cGUiOiJjdXN0b21lciJ9.c2ln";

    #[test]
    fn a_login_answer_is_read_by_its_body() {
        let token = read_login(&answer(200, &format!(r#"{{"token":"{JWT}"}}"#))).unwrap();
        assert!(matches!(&token, LoginOutcome::Authenticated(t) if t.actor_id() == Some("cus_01")));
        // OAuth providers (auth-google, auth-github): a location to send the browser to.
        let redirect = read_login(&answer(
            200,
            r#"{"location":"https://accounts.google.com/o/oauth2/v2/auth?state=ab"}"#,
        ))
        .unwrap();
        assert!(
            matches!(&redirect, LoginOutcome::Redirect { location } if location.starts_with("https://accounts.google.com/"))
        );
        assert!(redirect.token().is_none());
        let mfa = read_login(&answer(
            200,
            &format!(r#"{{"token":"{JWT}","mfa_required":true,"mfa_challenge":{{"id":"ch_1"}}}}"#),
        ))
        .unwrap();
        assert!(
            matches!(&mfa, LoginOutcome::MfaRequired { challenge, .. } if challenge["id"] == "ch_1")
        );
        assert!(mfa.token().is_none(), "a restricted token is not a login");
        let verify = read_login(&answer(
            200,
            &format!(r#"{{"token":"{JWT}","verification_required":true,"verification":{{"kind":"email"}}}}"#),
        ))
        .unwrap();
        assert!(matches!(verify, LoginOutcome::VerificationRequired { .. }));
        // `mfa_required: false` is a plain login.
        let plain = read_login(&answer(
            200,
            &format!(r#"{{"token":"{JWT}","mfa_required":false}}"#),
        ))
        .unwrap();
        assert!(matches!(plain, LoginOutcome::Authenticated(_)));
    }

    #[test]
    fn what_is_not_a_login_answer_is_a_typed_error() {
        for body in [
            r#"{}"#,
            r#"{"token":5}"#,
            r#"[]"#,
            r#"{"token":"a\r\nb"}"#,
            r#"{"token":""}"#,
        ] {
            let error = read_login(&answer(200, body)).unwrap_err();
            assert!(matches!(error, Error::Decode(_)), "{body}: {error}");
        }
        let typed = read_login(&answer(
            401,
            r#"{"type":"unauthorized","message":"Invalid email or password"}"#,
        ))
        .unwrap_err();
        assert!(
            matches!(&typed, Error::Api(api) if api.status == 401 && api.message == "Invalid email or password")
        );
        let bare = read_login(&answer(401, r#"{"message":"Unauthorized"}"#)).unwrap_err();
        assert!(matches!(bare, Error::Unauthorized { message: Some(m) } if m == "Unauthorized"));
        let duplicate = read_customer(&answer(
            422,
            r#"{"code":"invalid_request_error","type":"duplicate_error","message":"Customer with this email already has an account"}"#,
        ))
        .unwrap_err();
        assert!(
            matches!(&duplicate, Error::Api(api) if api.code.as_deref() == Some("invalid_request_error"))
        );
    }

    #[test]
    fn a_reset_request_answers_201_text() {
        let created = Response::builder()
            .status(201)
            .header("content-type", "text/plain; charset=utf-8")
            .body(Bytes::from_static(b"Created"))
            .unwrap();
        assert!(read_done(&created).is_ok());
        assert!(read_done(&answer(400, r#"{"type":"invalid_data","message":"x"}"#)).is_err());
    }

    #[test]
    fn bodies_are_the_json_the_server_reads() {
        let body = login_body(&LoginPayload::EmailPassword {
            email: "a@b.io".into(),
            password: "p\"w".into(),
        })
        .unwrap();
        assert_eq!(&body[..], br#"{"email":"a@b.io","password":"p\"w"}"#);
        assert!(
            login_body(&LoginPayload::Json(serde_json::Value::Null))
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            &new_password_body(&"new".into()).unwrap()[..],
            br#"{"password":"new"}"#
        );
        assert!(new_password_body(&"".into()).is_err());
    }
}
