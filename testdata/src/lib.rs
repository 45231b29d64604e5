//! The exchanges of `fixtures/transcripts.md` (recorded from a real Medusa 1.20.11
//! server) and, in [`v2`], of `fixtures/v2/transcripts.md` (a real Medusa 2.21.2),
//! parsed into `http` requests and responses for the workspace's tests.
//!
//! ```
//! let login = medusa_auth_testdata::exchange(11);
//! assert_eq!(login.request().unwrap().uri(), "/admin/auth");
//! assert_eq!(login.response().status(), 200);
//! let login = medusa_auth_testdata::v2::exchange(2);
//! assert_eq!(login.request().unwrap().uri(), "/auth/user/emailpass");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::OnceLock;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response};

/// The transcript file, embedded.
pub const TRANSCRIPTS: &str = include_str!("../fixtures/transcripts.md");

/// One recorded exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Its number in the transcript (v1: 0 for the production-mode appendix; v2:
    /// numbered on, 147–156).
    pub number: u32,
    /// Its heading, without the number.
    pub title: String,
    request: Option<String>,
    response: String,
}

impl Exchange {
    /// The request as curl sent it (origin-form URI), if it was recorded.
    pub fn request(&self) -> Option<Request<Bytes>> {
        let text = self.request.as_ref()?;
        let (head, body) = split_head(text);
        let mut lines = head.lines();
        let mut start = lines.next()?.split(' ');
        let (method, target) = (start.next()?, start.next()?);
        let mut request = Request::builder().method(method).uri(target);
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line.split_once(": ")?;
            headers.push((name.to_owned(), value.to_owned()));
            request = request.header(name, value);
        }
        let body = body_of(&headers, body);
        request.body(body).ok()
    }

    /// The response as the server sent it (the body cut to its `Content-Length`).
    pub fn response(&self) -> Response<Bytes> {
        let (head, body) = split_head(&self.response);
        let mut lines = head.lines();
        let status_line = lines.next().expect("a status line");
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .expect("a status code");
        let mut response = Response::builder().status(status);
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line.split_once(": ").expect("a header line");
            headers.push((name.to_owned(), value.to_owned()));
            response = response.header(
                HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                HeaderValue::from_str(value).expect("a header value"),
            );
        }
        let body = body_of(&headers, body);
        response.body(body).expect("a response")
    }

    /// The value of the first response header `name`.
    pub fn response_header(&self, name: &str) -> Option<String> {
        self.response()
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The `connect.sid` value of the response's `Set-Cookie`, if any.
    pub fn set_cookie_value(&self) -> Option<String> {
        let header = self.response_header("set-cookie")?;
        let pair = header.split(';').next()?;
        pair.strip_prefix("connect.sid=").map(str::to_owned)
    }
}

fn split_head(text: &str) -> (&str, &str) {
    match text.find("\n\n") {
        Some(index) => (&text[..index], &text[index + 2..]),
        None => (text.trim_end_matches('\n'), ""),
    }
}

fn body_of(headers: &[(String, String)], body: &str) -> Bytes {
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse::<usize>().ok());
    match length {
        Some(length) => Bytes::copy_from_slice(&body.as_bytes()[..length.min(body.len())]),
        None => Bytes::copy_from_slice(body.trim_end_matches('\n').as_bytes()),
    }
}

/// Every exchange, in order (the appendix's last, numbered 0).
pub fn exchanges() -> &'static [Exchange] {
    static PARSED: OnceLock<Vec<Exchange>> = OnceLock::new();
    PARSED.get_or_init(|| parse(TRANSCRIPTS))
}

/// Exchange `number` (1 to 70).
pub fn exchange(number: u32) -> &'static Exchange {
    exchanges()
        .iter()
        .find(|e| e.number == number)
        .unwrap_or_else(|| panic!("no exchange {number} in the transcript"))
}

/// The production-mode exchange whose title contains `needle`.
pub fn production(needle: &str) -> &'static Exchange {
    exchanges()
        .iter()
        .find(|e| e.number == 0 && e.title.contains(needle))
        .unwrap_or_else(|| panic!("no production exchange {needle:?}"))
}

/// The exchanges of `fixtures/v2/transcripts.md`: a real Medusa 2.21.2 (development
/// mode, exchanges 1–146), the same server restarted in production mode (147–156).
/// The last appendix (what `@medusajs/js-sdk` sent) is prose, not `http` blocks, and
/// is not parsed.
///
/// ```
/// use medusa_auth_testdata::v2;
/// assert_eq!(v2::exchange(54).set_cookie_value().map(|c| c.starts_with("s%3A")), Some(true));
/// assert_eq!(v2::production("over plain HTTP").number, 150);
/// ```
pub mod v2 {
    use std::ops::RangeInclusive;
    use std::sync::OnceLock;

    use super::parse;

    pub use super::Exchange;

    /// The transcript file, embedded.
    pub const TRANSCRIPTS: &str = include_str!("../fixtures/v2/transcripts.md");

    /// The numbers of the development-mode exchanges.
    pub const DEVELOPMENT: RangeInclusive<u32> = 1..=146;

    /// The numbers of the production-mode appendix (`NODE_ENV=production`, the same
    /// database and secrets, the server restarted first).
    pub const PRODUCTION: RangeInclusive<u32> = 147..=156;

    /// Every numbered exchange, in order.
    pub fn exchanges() -> &'static [Exchange] {
        static PARSED: OnceLock<Vec<Exchange>> = OnceLock::new();
        PARSED.get_or_init(|| parse(TRANSCRIPTS))
    }

    /// Exchange `number` (1 to 156).
    pub fn exchange(number: u32) -> &'static Exchange {
        exchanges()
            .iter()
            .find(|e| e.number == number)
            .unwrap_or_else(|| panic!("no exchange {number} in the v2 transcript"))
    }

    /// The production-mode exchange (147–156) whose title contains `needle`.
    pub fn production(needle: &str) -> &'static Exchange {
        exchanges()
            .iter()
            .find(|e| PRODUCTION.contains(&e.number) && e.title.contains(needle))
            .unwrap_or_else(|| panic!("no v2 production exchange {needle:?}"))
    }
}

fn parse(text: &str) -> Vec<Exchange> {
    let mut exchanges = Vec::new();
    for section in text.split("\n### ").skip(1) {
        let (heading, rest) = section.split_once('\n').unwrap_or((section, ""));
        let (number, title) = match heading.split_once(". ") {
            Some((n, t)) if n.chars().all(|c| c.is_ascii_digit()) => {
                (n.parse().unwrap_or(0), t.to_owned())
            }
            _ => (0, heading.to_owned()),
        };
        let blocks: Vec<String> = rest
            .split("```http\n")
            .skip(1)
            .filter_map(|block| block.split_once("\n```").map(|(inner, _)| inner.to_owned()))
            .collect();
        let (request, response) = match blocks.as_slice() {
            [request, response] => (Some(request.clone()), response.clone()),
            [response] => (None, response.clone()),
            _ => continue,
        };
        exchanges.push(Exchange {
            number,
            title,
            request,
            response,
        });
    }
    exchanges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_exchange() {
        let numbered = exchanges().iter().filter(|e| e.number > 0).count();
        assert_eq!(numbered, 70);
        assert_eq!(exchanges().iter().filter(|e| e.number == 0).count(), 4);
        for exchange in exchanges().iter().filter(|e| e.number > 0) {
            assert!(exchange.request().is_some(), "{}", exchange.number);
            let _ = exchange.response();
        }
    }

    #[test]
    fn bodies_are_cut_to_their_length() {
        assert_eq!(exchange(23).response().body(), "OK");
        assert_eq!(exchange(13).response().body(), "Unauthorized");
        assert_eq!(exchange(7).response().body().len(), 1071);
        assert_eq!(exchange(11).request().unwrap().body().len(), 54);
        assert_eq!(
            exchange(11).set_cookie_value().as_deref(),
            Some(
                "s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw"
            )
        );
        assert_eq!(production("POST /admin/auth with").response().status(), 200);
    }

    #[test]
    fn parses_every_v2_exchange() {
        let all = v2::exchanges();
        // 146 development exchanges, 10 in the production appendix; the js-sdk
        // appendix has no `http` blocks.
        assert_eq!(all.len(), 156);
        let numbers: Vec<u32> = all.iter().map(|e| e.number).collect();
        assert_eq!(numbers, (1..=156).collect::<Vec<_>>());
        for exchange in all {
            let request = exchange
                .request()
                .unwrap_or_else(|| panic!("{}", exchange.number));
            let response = exchange.response();
            assert!(request.uri().path().starts_with('/'), "{}", exchange.number);
            assert!(response.status().as_u16() >= 200, "{}", exchange.number);
        }
        let production: Vec<u32> = all
            .iter()
            .filter(|e| e.title.contains("(prod)"))
            .map(|e| e.number)
            .collect();
        assert_eq!(production, v2::PRODUCTION.collect::<Vec<_>>());
        assert!(
            v2::DEVELOPMENT
                .clone()
                .all(|n| !v2::exchange(n).title.contains("(prod)"))
        );
    }

    #[test]
    fn v2_bodies_headers_and_cookies() {
        // Request bodies are cut to their Content-Length; a request without one has none.
        assert_eq!(v2::exchange(2).request().unwrap().body().len(), 54);
        assert!(v2::exchange(8).request().unwrap().body().is_empty());
        assert_eq!(v2::exchange(1).response().body(), "OK");
        assert_eq!(v2::exchange(89).response().body(), "Created");
        assert_eq!(v2::exchange(24).response().body().len(), 149);
        assert!(v2::exchange(130).response().body().is_empty());
        assert_eq!(
            v2::exchange(26).response().body(),
            r#"{"message":"Unauthorized"}"#
        );
        assert_eq!(
            v2::exchange(54).set_cookie_value().as_deref(),
            Some(
                "s%3Akl4Z7wc-lxMB9UfPO3iG3dKpCQ0DNYN4.18nKpIeMVUsautq6mwjvTwYC6NbwfdXFz38GDsV1SUc"
            )
        );
        assert_eq!(
            v2::exchange(71).response_header("set-cookie").as_deref(),
            Some("connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
        );
        assert_eq!(v2::exchange(150).set_cookie_value(), None);
        assert!(
            v2::production("X-Forwarded-Proto")
                .response_header("set-cookie")
                .unwrap()
                .ends_with("; HttpOnly; Secure; SameSite=Lax")
        );
        let preflight = v2::exchange(130).request().unwrap();
        assert_eq!(preflight.method(), "OPTIONS");
        assert_eq!(
            preflight.headers()["access-control-request-headers"],
            "content-type,authorization"
        );
        // The v1 transcript is untouched by the v2 one.
        assert_eq!(exchanges().iter().filter(|e| e.number > 0).count(), 70);
    }
}
