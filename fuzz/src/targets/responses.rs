//! Every response reader on one response: a typed outcome that fits the status.

use medusa_auth_core::internal::{
    EXCERPT_LEN, read_access_token, read_customer, read_error, read_exists, read_ok, read_user,
};
use medusa_auth_core::{Error, Side};

use crate::input::parse_response;

pub(crate) fn run(data: &[u8]) {
    let response = parse_response(data);
    let status = response.status();
    let outcomes = [
        (
            "read_user",
            read_user(&response).map(|user| drop(format!("{user:?}"))),
        ),
        (
            "read_customer",
            read_customer(&response).map(|c| drop(format!("{c:?}"))),
        ),
        ("read_exists", read_exists(&response).map(drop)),
        (
            "read_access_token(admin)",
            read_access_token(&response, Side::Admin).map(|token| {
                assert_eq!(token.side(), Side::Admin);
                // Reading the unverified claims of any string must not panic.
                let _ = (token.claims(), token.expires_at());
                assert!(
                    !format!("{token:?}").contains(token_text(&token))
                        || token_text(&token).len() < 8
                );
            }),
        ),
        (
            "read_access_token(store)",
            read_access_token(&response, Side::Store)
                .map(|token| assert_eq!(token.side(), Side::Store)),
        ),
        ("read_ok", read_ok(&response)),
    ];
    for (reader, outcome) in outcomes {
        match outcome {
            Ok(()) => assert!(status.is_success(), "{reader} accepted a {status}"),
            Err(error) => check_error(reader, status.as_u16(), &error),
        }
    }
    // `read_error` is for answers that are not a success (the readers call it so).
    if !status.is_success() {
        check_error("read_error", status.as_u16(), &read_error(&response));
    }
}

fn token_text(token: &medusa_auth_core::AccessToken) -> &str {
    use medusa_auth_core::ExposeSecret;
    token.expose_secret()
}

/// An error shows at most what the core scans of a body (its first 16 KiB: an API
/// error's message and code come from there) and some words around it; `Debug`
/// escapes control characters, up to 6 characters for one byte.
const SHOWN_LIMIT: usize = 16 * 1024 + 1024;

fn check_error(reader: &str, status: u16, error: &Error) {
    // Formatting any error must not panic, and stays bounded by the excerpt.
    let shown = error.to_string();
    let debugged = format!("{error:?}");
    assert!(
        shown.len() <= SHOWN_LIMIT,
        "{reader}: {} bytes of Display",
        shown.len()
    );
    assert!(
        debugged.len() <= 6 * SHOWN_LIMIT,
        "{reader}: {} bytes of Debug",
        debugged.len()
    );
    match error {
        Error::Unauthorized { .. } => assert_eq!(status, 401, "{reader}"),
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), status, "{reader}");
            assert!(
                !api.status.is_success(),
                "{reader}: an API error from a {status}"
            );
        }
        Error::UnexpectedResponse { excerpt, .. } => {
            assert!(
                excerpt.chars().count() <= EXCERPT_LEN + 1,
                "{reader}: excerpt too long"
            );
            assert!(
                !excerpt.chars().any(char::is_control),
                "{reader}: control character in excerpt"
            );
        }
        Error::Decode(_) => assert!(
            (200..300).contains(&status),
            "{reader}: decode error on {status}"
        ),
        other => panic!("{reader}: no reader may answer {other:?} (status {status})"),
    }
}
