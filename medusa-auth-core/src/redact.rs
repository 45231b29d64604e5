//! Masking what looks like a credential in text a server sent, before that text goes
//! into an error: a body echoed into an excerpt (a token answer served as
//! `text/plain`, a proxy's debug page) can carry a JWT, a session cookie or an API
//! token, and errors end up in logs.

use std::borrow::Cow;

/// What stands in place of a masked value.
pub const REDACTED: &str = "[REDACTED]";

/// A key whose value is masked when one follows it after `:` or `=`
/// (`"api_token":"…"`, `password=…`, `connect.sid=…`, `Authorization: …`). Compared
/// with the end of the key, ignoring case.
const SECRET_KEY_ENDINGS: [&str; 8] = [
    "password",
    "token",
    "secret",
    "cookie",
    "authorization",
    "sid",
    "api_key",
    "apikey",
];

/// The characters a value is made of: anything but white space, control characters
/// and the punctuation that separates keys from values in JSON, forms, cookies and
/// headers. (Base64 padding `=` separates too: a JWT has none.)
fn is_value_char(c: char) -> bool {
    !c.is_whitespace() && !c.is_control() && !"\"'=:;,&{}[]()<>`".contains(c)
}

/// Whether `run` is a credential by its shape alone: a JWT (`eyJ…`, base64 of
/// `{"`) or a signed Express session id (`s%3A…`).
fn looks_like_a_credential(run: &str) -> bool {
    (run.starts_with("eyJ") && run.len() >= 10)
        || run
            .get(..4)
            .is_some_and(|start| start.eq_ignore_ascii_case("s%3A"))
}

fn is_secret_key(run: &str) -> bool {
    let key = run.trim_end_matches('=');
    SECRET_KEY_ENDINGS.iter().any(|ending| {
        key.len() >= ending.len()
            && key
                .get(key.len() - ending.len()..)
                .is_some_and(|end| end.eq_ignore_ascii_case(ending))
    })
}

/// What the text between a key and the run after it says about that run.
enum Gap {
    /// Only quotes, spaces and at least one `:` or `=`: the run is the key's value.
    Assigns,
    /// Only white space: the run follows the key as a word (`Bearer <token>`).
    Space,
    /// Anything else: the run is unrelated to the key.
    Other,
}

fn gap_kind(gap: &str) -> Gap {
    if !gap.is_empty() && gap.chars().all(char::is_whitespace) {
        Gap::Space
    } else if gap.chars().all(|c| "\"' \t:=".contains(c)) && gap.contains([':', '=']) {
        Gap::Assigns
    } else {
        Gap::Other
    }
}

/// `text` with every value that looks like a credential replaced by
/// [`REDACTED`]: JWTs, signed session ids, the value after a key such as
/// `password`, `api_token`, `access_token`, `connect.sid` or `Authorization`, and the
/// word after `Bearer` or `Basic`. Borrowed as it is when nothing was masked.
///
/// ```
/// use medusa_auth_core::internal::redact_credentials;
/// let body = r#"{"access_token":"eyJhbGciOiJIUzI1NiJ9.e30.sig","note":"ok"}"#;
/// assert_eq!(redact_credentials(body), r#"{"access_token":"[REDACTED]","note":"ok"}"#);
/// assert_eq!(redact_credentials("password must be a string"), "password must be a string");
/// ```
pub fn redact_credentials(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    // Where the text not yet copied to `out` starts.
    let mut copied = 0;
    // The end of the previous run, and what that run makes of the next one.
    let mut previous_end = 0;
    let mut previous_is_key = false;
    let mut previous_is_scheme = false;
    let mut runs = text
        .char_indices()
        .filter(|(_, c)| is_value_char(*c))
        .peekable();
    while let Some((start, first)) = runs.next() {
        // Extend the run to its last value character.
        let mut end = start + first.len_utf8();
        while let Some(&(next, c)) = runs.peek() {
            if next != end {
                break;
            }
            end = next + c.len_utf8();
            runs.next();
        }
        let run = &text[start..end];
        let gap = gap_kind(&text[previous_end..start]);
        let masked = looks_like_a_credential(run)
            || (previous_is_key && matches!(gap, Gap::Assigns))
            || (previous_is_scheme && matches!(gap, Gap::Space));
        let is_scheme = run.eq_ignore_ascii_case("bearer") || run.eq_ignore_ascii_case("basic");
        if masked && !is_scheme {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = end;
        }
        previous_is_scheme = is_scheme;
        // `Authorization: Bearer <token>`: the scheme passes the key's mark on.
        previous_is_key = is_secret_key(run) || (is_scheme && previous_is_key);
        previous_end = end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // From transcripts.md, exchange 15.
    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidXNyXzAxTTgxTllGOEdDUjA4Mk40Q1NGUjRHRFBFIiwiZG9tYWluIjoiYWRtaW4iLCJpYXQiOjE3OTUzNTI5MTAsImV4cCI6MTc5NTQzOTMxMH0.pMtg89Ss6fEJQjpIgkXmKSez2FaDSarEgGA4e4xy-E0";
    const SID: &str =
        "s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw";

    #[test]
    fn masks_credentials_by_shape_and_by_key() {
        for (text, secret) in [
            (format!(r#"{{"access_token":"{JWT}"}}"#), JWT),
            (format!("token answer: {JWT} (truncated"), JWT),
            (format!("Cookie: connect.sid={SID}; Path=/"), SID),
            (format!("set-cookie connect.sid={SID}"), SID),
            (
                r#"{"user":{"api_token":"sk_live_42","email":"a@x.io"}}"#.to_owned(),
                "sk_live_42",
            ),
            (r#"{"password": "hunter2"}"#.to_owned(), "hunter2"),
            ("password=hunter2&email=a@x.io".to_owned(), "hunter2"),
            (
                "Authorization: Bearer opaque-token-1".to_owned(),
                "opaque-token-1",
            ),
            ("x-medusa-access-token: tok_123".to_owned(), "tok_123"),
            (
                "sent Bearer abc.def.ghi to the proxy".to_owned(),
                "abc.def.ghi",
            ),
        ] {
            let shown = redact_credentials(&text);
            assert!(!shown.contains(secret), "{text} -> {shown}");
            assert!(shown.contains(REDACTED), "{text} -> {shown}");
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for text in [
            "password must be a string",
            "Unauthorized",
            "email must be an email, password should not be empty",
            r#"{"type":"invalid_data","message":"Invalid request"}"#,
            "Cannot POST /admin/auth/tokens",
            "tokens: 3, eye: 2",
            "",
            "caf\u{e9} \u{1f600} ok",
        ] {
            assert!(
                matches!(redact_credentials(text), Cow::Borrowed(_)),
                "{text}"
            );
        }
    }

    #[test]
    fn keeps_the_text_around_what_it_masks() {
        assert_eq!(
            redact_credentials(&format!("<pre>token {JWT} expired</pre>")),
            "<pre>token [REDACTED] expired</pre>"
        );
        assert_eq!(
            redact_credentials("é password=é€x ü"),
            "é password=[REDACTED] ü"
        );
        assert_eq!(
            redact_credentials(r#"{"api_token":"","email":"a@x.io"}"#),
            r#"{"api_token":"","email":"a@x.io"}"#,
            "an empty value masks nothing after it"
        );
    }
}
