//! The shapes of Medusa v2's answers, header for header: `res.json` and
//! `res.sendStatus` (with Express's ETag and its 304 for a fresh `If-None-Match`),
//! Medusa's error bodies, finalhandler's HTML 404, the cors middleware's headers and
//! preflight, Express's automatic `OPTIONS` answer.

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Response, StatusCode};

use super::etag::etag;
use super::json::Js;

const JSON: HeaderValue = HeaderValue::from_static("application/json; charset=utf-8");
const TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

/// The body of Medusa's refusal of an unauthenticated request.
pub(crate) const UNAUTHORIZED: &str = "Unauthorized";
/// `authenticate`'s hint for `Authorization: Bearer sk_…` on an admin route.
pub(crate) const SECRET_KEY_AS_BEARER: &str = "A secret API key was passed as a Bearer token. Secret API keys must be sent using HTTP Basic authentication instead (Authorization: Basic <secret-api-key>).";

/// An answer before express-session adds its cookie and Node its `Date`.
#[derive(Debug)]
pub(crate) struct Answer {
    status: StatusCode,
    /// The cors middleware's headers: first after `X-Powered-By`.
    cors: Vec<(HeaderName, HeaderValue)>,
    /// Cookies the route set itself (`res.clearCookie`), before its body's headers.
    cookies: Vec<HeaderValue>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    /// `res.send`: an ETag, and a 304 when the request's `If-None-Match` is fresh.
    sent: bool,
}

impl Answer {
    fn new(status: StatusCode) -> Self {
        Answer {
            status,
            cors: Vec::new(),
            cookies: Vec::new(),
            headers: Vec::new(),
            body: Bytes::new(),
            sent: false,
        }
    }

    /// `res.status(status).json(value)`.
    pub(crate) fn json(status: StatusCode, value: &Js) -> Self {
        Answer::send(status, JSON, Bytes::from(value.to_json()))
    }

    /// Medusa's error handler for a `MedusaError`: `{"code"?, "type", "message"}`.
    pub(crate) fn error(status: StatusCode, code: Option<&str>, kind: &str, message: &str) -> Self {
        let mut body = Js::empty_object();
        if let Some(code) = code {
            body.insert("code", code.into());
        }
        body.insert("type", kind.into());
        body.insert("message", message.into());
        Answer::json(status, &body)
    }

    /// `{"type":"unauthorized","message":…}` (401): a provider's or a route's refusal.
    pub(crate) fn unauthorized(message: &str) -> Self {
        Answer::error(StatusCode::UNAUTHORIZED, None, "unauthorized", message)
    }

    /// `{"type":"invalid_data","message":…}` (400).
    pub(crate) fn invalid_data(message: &str) -> Self {
        Answer::error(StatusCode::BAD_REQUEST, None, "invalid_data", message)
    }

    /// `{"type":"not_allowed","message":…}` (400).
    pub(crate) fn not_allowed(message: &str) -> Self {
        Answer::error(StatusCode::BAD_REQUEST, None, "not_allowed", message)
    }

    /// `{"type":"not_found","message":…}` (404).
    pub(crate) fn not_found(message: &str) -> Self {
        Answer::error(StatusCode::NOT_FOUND, None, "not_found", message)
    }

    /// An error Medusa does not know (a thrown `Error`): 500 `unknown_error`.
    pub(crate) fn unknown_error() -> Self {
        Answer::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("unknown_error"),
            "unknown_error",
            "An unknown error occurred.",
        )
    }

    /// `authenticate`'s own 401: `{"message":…}`, no `type`.
    pub(crate) fn refused(message: &str) -> Self {
        Answer::json(
            StatusCode::UNAUTHORIZED,
            &Js::object([("message", message.into())]),
        )
    }

    /// Medusa's answer to a body-parser error: `{"message", "type"}` (in that order).
    pub(crate) fn http_error(status: u16, message: &str, kind: &str) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        Answer::json(
            status,
            &Js::object([("message", message.into()), ("type", kind.into())]),
        )
    }

    /// `res.sendStatus(status)`: the reason phrase as text (`Created`).
    pub(crate) fn send_status(status: StatusCode) -> Self {
        let text = status.canonical_reason().unwrap_or("Unknown");
        Answer::send(status, TEXT, Bytes::from(text.to_owned()))
    }

    /// `/health`: `res.status(200).send("OK")` (a string, so `text/html`).
    pub(crate) fn health() -> Self {
        Answer::send(StatusCode::OK, HTML, Bytes::from_static(b"OK"))
    }

    /// Express's answer to an `OPTIONS` no route handled: `Allow` and its value as body.
    pub(crate) fn options(allow: &str) -> Self {
        let mut answer = Answer::send(StatusCode::OK, HTML, Bytes::from(allow.to_owned()));
        if let Ok(value) = HeaderValue::from_str(allow) {
            answer.headers.insert(0, (header::ALLOW, value));
        }
        answer
    }

    /// finalhandler's page for an unmatched route: `Cannot GET /path`.
    pub(crate) fn cannot(method: &str, path: &str) -> Self {
        let message = format!("Cannot {} {}", method, encode_url(path));
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>{}</pre>\n</body>\n</html>\n",
            escape_html(&message)
        );
        let mut answer = Answer::new(StatusCode::NOT_FOUND);
        answer.headers = vec![
            (
                HeaderName::from_static("content-security-policy"),
                HeaderValue::from_static("default-src 'none'"),
            ),
            (
                HeaderName::from_static("x-content-type-options"),
                HeaderValue::from_static("nosniff"),
            ),
            (header::CONTENT_TYPE, HTML),
        ];
        answer.body = Bytes::from(body);
        answer.push_length();
        answer
    }

    /// The cors middleware's answer to a preflight: 204, `Content-Length: 0`.
    pub(crate) fn preflight(cors: Vec<(HeaderName, HeaderValue)>) -> Self {
        let mut answer = Answer::new(StatusCode::NO_CONTENT);
        answer.cors = cors;
        answer
            .headers
            .push((header::CONTENT_LENGTH, HeaderValue::from_static("0")));
        answer
    }

    /// Adds the headers of the cors middleware that ran.
    pub(crate) fn with_cors(mut self, cors: &[(HeaderName, HeaderValue)]) -> Self {
        if self.cors.is_empty() {
            self.cors = cors.to_vec();
        }
        self
    }

    /// Adds a cookie the route set before answering (`res.cookie`, `res.clearCookie`).
    pub(crate) fn with_cookie(mut self, cookie: HeaderValue) -> Self {
        self.cookies.push(cookie);
        self
    }

    fn send(status: StatusCode, content_type: HeaderValue, body: Bytes) -> Self {
        let mut answer = Answer::new(status);
        answer.headers.push((header::CONTENT_TYPE, content_type));
        answer.body = body;
        answer.push_length();
        answer.headers.push((header::ETAG, etag(&answer.body)));
        answer.sent = true;
        answer
    }

    fn push_length(&mut self) {
        self.headers
            .push((header::CONTENT_LENGTH, HeaderValue::from(self.body.len())));
    }

    /// The HTTP response: `X-Powered-By`, cors, the route's cookies, the answer's
    /// headers, express-session's cookie, `Date`; no body for `HEAD`; a 304 when
    /// `res.send` finds the request fresh.
    pub(crate) fn into_response(
        self,
        session_cookie: Option<HeaderValue>,
        date: HeaderValue,
        method: &Method,
        request_headers: &HeaderMap,
    ) -> Response<Bytes> {
        let head = method == Method::HEAD;
        let mut status = self.status;
        let mut headers = self.headers;
        let mut body = self.body;
        if self.sent && is_fresh(status, method, request_headers, &headers) {
            status = StatusCode::NOT_MODIFIED;
            headers
                .retain(|(name, _)| name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH);
            body = Bytes::new();
        }
        let mut response = Response::new(if head { Bytes::new() } else { body });
        *response.status_mut() = status;
        let out = response.headers_mut();
        out.insert(
            HeaderName::from_static("x-powered-by"),
            HeaderValue::from_static("Express"),
        );
        for (name, value) in self.cors {
            out.append(name, value);
        }
        for cookie in self.cookies {
            out.append(header::SET_COOKIE, cookie);
        }
        for (name, value) in headers {
            out.append(name, value);
        }
        if let Some(mut cookie) = session_cookie {
            cookie.set_sensitive(true);
            out.append(header::SET_COOKIE, cookie);
        }
        out.insert(header::DATE, date);
        response
    }
}

/// Express's `req.fresh` for a `res.send`: a `GET`/`HEAD` answered 2xx whose ETag the
/// request's `If-None-Match` lists (and no `Cache-Control: no-cache`).
fn is_fresh(
    status: StatusCode,
    method: &Method,
    request: &HeaderMap,
    headers: &[(HeaderName, HeaderValue)],
) -> bool {
    if !(method == Method::GET || method == Method::HEAD) || !status.is_success() {
        return false;
    }
    let Some(none_match) = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let no_cache = request
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("no-cache"));
    if no_cache {
        return false;
    }
    let Some(etag) = headers
        .iter()
        .find(|(name, _)| name == header::ETAG)
        .and_then(|(_, v)| v.to_str().ok())
    else {
        return false;
    };
    let strip = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    none_match.trim() == "*" || none_match.split(',').any(|tag| strip(tag) == strip(etag))
}

/// The cors middleware (`origin`: the list, `credentials: true`) for a request, as
/// it sets them: `Access-Control-Allow-Origin` (an allowed origin echoed), `Vary`,
/// `Access-Control-Allow-Credentials`, and for a preflight the methods and the
/// requested headers echoed.
pub(crate) fn cors_headers(
    allowed: &[String],
    headers: &HeaderMap,
    preflight: bool,
) -> Vec<(HeaderName, HeaderValue)> {
    let mut out = Vec::new();
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if let Some(origin) = origin.filter(|o| allowed.iter().any(|a| a == o)) {
        if let Ok(value) = HeaderValue::from_str(origin) {
            out.push((header::ACCESS_CONTROL_ALLOW_ORIGIN, value));
        }
    }
    let vary = if preflight {
        "Origin, Access-Control-Request-Headers"
    } else {
        "Origin"
    };
    out.push((header::VARY, HeaderValue::from_static(vary)));
    out.push((
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    ));
    if preflight {
        out.push((
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET,HEAD,PUT,PATCH,POST,DELETE"),
        ));
        if let Some(requested) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            out.push((header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone()));
        }
    }
    out
}

/// The `escape-html` package.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The `encodeurl` package: percent-encodes what may not appear in a URL, keeping
/// valid `%XX` escapes.
fn encode_url(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    for (index, &byte) in bytes.iter().enumerate() {
        let keep = match byte {
            b'%' => {
                bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit)
            }
            0x21 | 0x26..=0x3B | 0x3D | 0x3F..=0x5B | 0x5D | 0x5F | 0x61..=0x7A | 0x7E => true,
            _ => false,
        };
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(answer: Answer) -> Response<Bytes> {
        answer.into_response(
            None,
            HeaderValue::from_static("now"),
            &Method::GET,
            &HeaderMap::new(),
        )
    }

    #[test]
    fn bodies_and_headers_are_the_recorded_ones() {
        // transcripts.md (v2) exchange 24: 149 bytes.
        let page = response(Answer::cannot("POST", "/auth/user"));
        assert_eq!(page.body().len(), 149);
        assert!(page.headers().get("etag").is_none());
        let names: Vec<&str> = page.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "x-powered-by",
                "content-security-policy",
                "x-content-type-options",
                "content-type",
                "content-length",
                "date"
            ]
        );
        // Exchange 26.
        let refused = response(Answer::refused(UNAUTHORIZED));
        assert_eq!(refused.body(), r#"{"message":"Unauthorized"}"#);
        assert_eq!(
            refused.headers()["etag"],
            r#"W/"1a-pljHtlo127JYJR4E/RYOPb6ucbw""#
        );
        // Exchanges 40 and 9.
        let duplicate = response(Answer::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_request_error"),
            "duplicate_error",
            "Customer with this email already has an account",
        ));
        assert_eq!(
            duplicate.headers()["etag"],
            r#"W/"75-9q9UX4pQcm7JYp4hzPCI8ee4m6g""#
        );
        let parse = response(Answer::http_error(
            400,
            "Unexpected end of JSON input",
            "invalid_data",
        ));
        assert_eq!(
            parse.headers()["etag"],
            r#"W/"40-UZ7Sxrz4dzhXdyF5o6rGXB0DMFU""#
        );
        // Exchange 89.
        let created = response(Answer::send_status(StatusCode::CREATED));
        assert_eq!(created.body(), "Created");
        assert_eq!(
            created.headers()["content-type"],
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn a_fresh_get_is_not_modified() {
        let mut request = HeaderMap::new();
        request.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static(r#"W/"1a-pljHtlo127JYJR4E/RYOPb6ucbw""#),
        );
        let answer = Answer::json(
            StatusCode::OK,
            &Js::object([("message", "Unauthorized".into())]),
        );
        let response = answer.into_response(
            None,
            HeaderValue::from_static("now"),
            &Method::GET,
            &request,
        );
        assert_eq!(response.status(), 304);
        assert!(response.body().is_empty());
        assert!(response.headers().get("content-type").is_none());
        assert!(response.headers().get("etag").is_some());
    }

    #[test]
    fn pages_escape_what_they_show() {
        let page = response(Answer::cannot("GET", "/auth/<script>%zz\"'"));
        let body = std::str::from_utf8(page.body()).unwrap();
        assert!(
            body.contains("Cannot GET /auth/%3Cscript%3E%25zz%22&#39;"),
            "{body}"
        );
    }
}
