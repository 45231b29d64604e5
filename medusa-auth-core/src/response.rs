//! Reading a response into a typed value or the typed error it stands for.

use std::borrow::Cow;

use bytes::Bytes;
use http::{Response, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiErrorKind, DecodeError, Error};
use crate::redact::redact_credentials;

/// The longest excerpt of an unexpected body kept in an error, in characters.
pub const EXCERPT_LEN: usize = 200;
/// How much of an error body is looked at.
const ERROR_BODY_SCAN: usize = 16 * 1024;

/// Reads the answer of a request to any route: a 2xx JSON body into `T` (an empty
/// body reads as `null`, so `()`, `Option<_>` and `serde_json::Value` take it), or
/// the error any other answer stands for.
pub fn read_any_json<T: DeserializeOwned>(response: &Response<Bytes>) -> Result<T, Error> {
    const WHAT: &str = "response";
    if response.status().is_success() && response.body().iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_slice(b"null").map_err(|_| decode_error::<T>(response, WHAT));
    }
    read_json(response, WHAT)
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
/// A Medusa JSON error (`{"type","message","code"?}`, a 401 among them) →
/// [`Error::Api`]; any other 401 → [`Error::Unauthorized`]; anything else
/// (HTML pages, plain text, redirects, other JSON) → [`Error::UnexpectedResponse`]
/// with a short excerpt.
pub fn read_error(response: &Response<Bytes>) -> Error {
    let status = response.status();
    let body = response.body();
    let scanned = &body[..body.len().min(ERROR_BODY_SCAN)];
    // A typed body is the server's own error, whatever its status (v2's 401
    // `Invalid email or password` is `{"type":"unauthorized"}`); a 401 without a
    // type (v1's text, v2's `{"message":"Unauthorized"}`) is `Unauthorized`.
    let typed = serde_json::from_slice::<WireError>(scanned);
    if status == StatusCode::UNAUTHORIZED && typed.is_err() {
        let message = serde_json::from_slice::<WireMessage>(scanned)
            .ok()
            .and_then(|m| m.message)
            .map(masked);
        return Error::Unauthorized { message };
    }
    if let Ok(wire) = typed {
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

    use super::{EXCERPT_LEN, excerpt};

    #[test]
    fn an_excerpt_keeps_text_outside_tags_and_cuts_only_past_its_length() {
        assert_eq!(excerpt(b"a > b <i>c</i>"), "a > b c");
        let exact = "x".repeat(EXCERPT_LEN);
        assert_eq!(excerpt(exact.as_bytes()), exact);
        let longer = "x".repeat(EXCERPT_LEN + 1);
        assert_eq!(excerpt(longer.as_bytes()), format!("{exact}…"));
    }
}
