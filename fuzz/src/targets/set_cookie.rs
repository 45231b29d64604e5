//! `Set-Cookie` lines from one origin: the jar stays bounded, sends a cookie only
//! back to the origin that set it, never sends a `Secure` cookie over plain HTTP to
//! a remote host nor an expired one, and never shows a value in `Debug`. What a
//! line sets is read as RFC 6265 says a user agent reads it ([`crate::rfc6265`]).

use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, SET_COOKIE};
use medusa_auth_core::internal::{BaseUrl, CookieJar, MAX_COOKIES, SESSION_COOKIE_NAME};

use super::{moment, take_u32};
use crate::input::split_line;
use crate::rfc6265::{self, SetCookieLine};

/// Where the cookies may come from: each is also asked whether it would be sent
/// cookies set by the others (same host on another scheme or port among them).
const ORIGINS: [&str; 7] = [
    "http://shop.example.com",
    "https://shop.example.com",
    "https://shop.example.com:8443",
    "http://127.0.0.1:9000",
    "http://127.0.0.1:9001",
    "http://localhost:9000",
    "http://[::1]:9000",
];

const PATHS: [&str; 6] = [
    "/admin/auth",
    "/store/auth",
    "/store/auth/a%40b.io",
    "/",
    "/admin",
    "/admin/auth/token",
];

/// "Far in the future": 200 years on.
const FAR: Duration = Duration::from_secs(200 * 365 * 24 * 3600);

pub(crate) fn run(data: &[u8]) {
    let [origin_pick, path_pick, rest @ ..] = data else {
        return;
    };
    let (offset, lines) = take_u32(rest);
    let now = moment(offset);
    let origins: Vec<_> = ORIGINS
        .iter()
        .map(|url| BaseUrl::parse(url).expect("a base URL").origin().clone())
        .collect();
    let origin = &origins[usize::from(*origin_pick) % origins.len()];
    let request_path = PATHS[usize::from(*path_pick) % PATHS.len()];

    let mut headers = HeaderMap::new();
    let mut rest = lines;
    while !rest.is_empty() {
        let (line, after) = split_line(rest);
        rest = after;
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.append(SET_COOKIE, value);
        }
    }
    let parsed: Vec<SetCookieLine> = headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(rfc6265::parse)
        .collect();

    let mut jar = CookieJar::new();
    jar.store_from_response(origin, request_path, &headers, SESSION_COOKIE_NAME, now);
    assert!(jar.len() <= MAX_COOKIES, "{} cookies kept", jar.len());

    for other in origins.iter().filter(|o| *o != origin) {
        for path in PATHS {
            assert!(
                jar.header_for(other, path, now).is_none(),
                "a cookie of {origin:?} was offered to {other:?}"
            );
        }
        assert!(jar.get(other, SESSION_COOKIE_NAME, now).is_none());
    }

    let trustworthy = origin.is_potentially_trustworthy();
    for path in PATHS {
        for (at, far) in [(now, false), (now + FAR, true)] {
            let Some(header) = jar.header_for(origin, path, at) else {
                continue;
            };
            assert!(
                header.is_sensitive(),
                "a Cookie header not marked sensitive"
            );
            let text = header.to_str().expect("a Cookie header is text");
            for pair in text.split("; ") {
                let (name, value) = pair.split_once('=').expect("name=value");
                let set_by = parsed
                    .iter()
                    .filter(|c| c.name == name && c.value == value)
                    .collect::<Vec<_>>();
                assert!(!set_by.is_empty(), "{name:?} was sent but never set");
                assert!(
                    set_by
                        .iter()
                        .any(|c| (trustworthy || !c.secure()) && c.may_live_until(now, at)),
                    "{name:?} sent to {origin:?}{path} at {} but every line setting it \
                     was Secure over plain HTTP or expired by then",
                    if far { "now + 200 years" } else { "now" }
                );
            }
        }
    }

    // Debug shows names, never values: with every name it could show taken out,
    // only the set's punctuation is left.
    let mut names: Vec<String> = parsed.iter().map(|c| format!("{:?}", c.name)).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    let mut rest = format!("{jar:?}");
    for name in &names {
        rest = rest.replace(name.as_str(), "");
    }
    assert!(
        rest.chars().all(|c| matches!(c, '{' | '}' | ',' | ' ')),
        "the jar's Debug shows more than names: {rest:?}"
    );
}
