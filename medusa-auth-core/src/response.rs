//! Reading the response of each call into a typed value or a typed error (SPEC §3).

use std::borrow::Cow;

use bytes::Bytes;
use http::{Response, StatusCode, header};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::credentials::{AccessToken, Side};
use crate::error::{ApiError, ApiErrorKind, DecodeError, Error};
use crate::models::envelopes::{CustomerEnvelope, ExistsEnvelope, TokenEnvelope, UserEnvelope};
use crate::models::{Customer, User};
use crate::redact::redact_credentials;

/// The longest excerpt of an unexpected body kept in an error, in characters.
pub const EXCERPT_LEN: usize = 200;
/// How much of an error body is looked at.
const ERROR_BODY_SCAN: usize = 16 * 1024;

/// Reads `{"user": User}` (admin `create_session`, `get_session`).
pub fn read_user(response: &Response<Bytes>) -> Result<User, Error> {
    read_json::<UserEnvelope>(response, "admin session response").map(|e| e.user)
}

/// Reads `{"customer": Customer}` (store `authenticate`, `get_session`).
pub fn read_customer(response: &Response<Bytes>) -> Result<Customer, Error> {
    read_json::<CustomerEnvelope>(response, "store session response").map(|e| e.customer)
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
        read_json::<TokenEnvelope>(response, WHAT)?.access_token,
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
    read_json::<ExistsEnvelope>(response, "exists response").map(|e| e.exists)
}

/// Reads the answer of `delete_session`: any 2xx (the body is the text `OK`).
pub fn read_ok(response: &Response<Bytes>) -> Result<(), Error> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(read_error(response))
    }
}

/// Reads a JSON success body into `T`, or the error the response stands for.
pub fn read_json<T: DeserializeOwned>(
    response: &Response<Bytes>,
    what: &'static str,
) -> Result<T, Error> {
    let status = response.status();
    if !status.is_success() {
        return Err(read_error(response));
    }
    // Checked on the header's bytes: the type is copied out only for an error.
    if let Some(value) = response.headers().get(header::CONTENT_TYPE) {
        if !is_json(value.as_bytes()) {
            return Err(unexpected(response, content_type(response)));
        }
    }
    // The fast path decodes directly; only a failure is decoded again while tracking
    // the path, to name the field (tracking allocates a string per key visited).
    serde_json::from_slice(response.body()).map_err(|_| decode_error::<T>(response, what))
}

fn decode_error<T: DeserializeOwned>(response: &Response<Bytes>, what: &'static str) -> Error {
    let status = response.status();
    let mut deserializer = serde_json::Deserializer::from_slice(response.body());
    let tracked: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    match tracked.map(|_| deserializer.end()) {
        Err(error) => DecodeError::from_serde(status, what, error).into(),
        Ok(_) => DecodeError {
            status,
            what,
            path: ".".into(),
            detail: "trailing characters after the JSON value".into(),
        }
        .into(),
    }
}

#[derive(Deserialize)]
struct WireError {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

#[derive(Deserialize)]
struct WireMessage {
    #[serde(default)]
    message: Option<String>,
}

/// The error a non-success response stands for.
///
/// 401 → [`Error::Unauthorized`]; a Medusa JSON error → [`Error::Api`]; anything else
/// (HTML pages, plain text, redirects, other JSON) → [`Error::UnexpectedResponse`]
/// with a short excerpt.
pub fn read_error(response: &Response<Bytes>) -> Error {
    let status = response.status();
    let body = response.body();
    let scanned = &body[..body.len().min(ERROR_BODY_SCAN)];
    if status == StatusCode::UNAUTHORIZED {
        let message = serde_json::from_slice::<WireMessage>(scanned)
            .ok()
            .and_then(|m| m.message)
            .map(masked);
        return Error::Unauthorized { status, message };
    }
    if let Ok(wire) = serde_json::from_slice::<WireError>(scanned) {
        return Error::Api(ApiError {
            status,
            kind: ApiErrorKind::from_wire(&wire.kind),
            code: wire.code,
            message: wire.message.map(masked).unwrap_or_default(),
        });
    }
    unexpected(response, content_type(response))
}

/// A server's message with what looks like a credential masked (see
/// [`redact_credentials`]).
fn masked(message: String) -> String {
    match redact_credentials(&message) {
        Cow::Borrowed(_) => message,
        Cow::Owned(masked) => masked,
    }
}

fn unexpected(response: &Response<Bytes>, content_type: Option<String>) -> Error {
    Error::UnexpectedResponse {
        status: response.status(),
        excerpt: excerpt(response.body()),
        content_type,
    }
}

fn content_type(response: &Response<Bytes>) -> Option<String> {
    response.headers().get(header::CONTENT_TYPE).map(|value| {
        String::from_utf8_lossy(value.as_bytes())
            .chars()
            .take(100)
            .collect()
    })
}

/// Whether a `Content-Type` (its bytes: a parameter may be Latin-1) names JSON:
/// `application/json` or a `+json` type, whatever the parameters and case.
fn is_json(content_type: &[u8]) -> bool {
    let essence = content_type
        .split(|byte| *byte == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    essence.eq_ignore_ascii_case(b"application/json")
        || essence
            .len()
            .checked_sub(b"+json".len())
            .and_then(|start| essence.get(start..))
            .is_some_and(|suffix| suffix.eq_ignore_ascii_case(b"+json"))
}

/// A short, single-line excerpt of a body: the `<pre>` text of an Express error page
/// when there is one, else the text with tags removed.
pub fn excerpt(body: &[u8]) -> String {
    let scanned = String::from_utf8_lossy(&body[..body.len().min(ERROR_BODY_SCAN)]);
    let inner = match (scanned.find("<pre>"), scanned.find("</pre>")) {
        (Some(start), Some(end)) if start + 5 <= end => &scanned[start + 5..end],
        _ => &scanned[..],
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_control() || c.is_whitespace() => text.push(' '),
            c => text.push(c),
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let mut words = text.split_whitespace();
    let mut out = String::new();
    if let Some(first) = words.next() {
        out.push_str(first);
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
    }
    // Masked before it is cut, so a cut cannot leave the start of a secret unmasked
    // by its key.
    if let Cow::Owned(masked) = redact_credentials(&out) {
        out = masked;
    }
    if out.chars().count() > EXCERPT_LEN {
        out = out.chars().take(EXCERPT_LEN).collect();
        out.push('…');
    }
    if out.is_empty() {
        out.push_str("(empty body)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_content_types_by_their_bytes() {
        for json in [
            &b"application/json"[..],
            b"application/json; charset=utf-8",
            b"APPLICATION/JSON;charset=UTF-8",
            b" application/json ",
            b"application/vnd.medusa+json",
            b"application/problem+JSON; q=1",
            b"application/json; title=caf\xe9",
        ] {
            assert!(is_json(json), "{}", String::from_utf8_lossy(json));
        }
        for other in [
            &b""[..],
            b"text/html; charset=utf-8",
            b"text/plain",
            b"application/jsonp",
            b"json",
            b"application/x-json-seq",
            b"\xe9+json\xe9",
        ] {
            assert!(!is_json(other), "{}", String::from_utf8_lossy(other));
        }
    }
}
