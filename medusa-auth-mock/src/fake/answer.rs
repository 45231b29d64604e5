//! The shapes of Express's answers, header for header where it matters: JSON
//! (`res.json`), `res.sendStatus` text, passport's bare 401, finalhandler's HTML
//! error pages, CORS headers.

use std::sync::OnceLock;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{Response, StatusCode};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::memo::Memo;

const JSON: HeaderValue = HeaderValue::from_static("application/json; charset=utf-8");
const TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

/// An answer before the session middleware adds its cookie and Node its `Date`.
#[derive(Debug)]
pub(crate) struct Answer {
    status: StatusCode,
    /// CORS headers, first after `X-Powered-By` (the cors middleware runs first).
    cors: Vec<(HeaderName, HeaderValue)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl Answer {
    fn new(status: StatusCode) -> Self {
        Answer {
            status,
            cors: Vec::new(),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// `res.status(status).json(value)`.
    pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Self {
        // Serializing the fake's own structs cannot fail.
        let body = Bytes::from(serde_json::to_vec(value).unwrap_or_default());
        Answer::with_body(status, JSON, body)
    }

    /// Medusa's JSON error: `{"code"?, "type", "message"}`.
    pub(crate) fn error(status: StatusCode, code: Option<&str>, kind: &str, message: &str) -> Self {
        #[derive(Serialize)]
        struct WireError<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            code: Option<&'a str>,
            #[serde(rename = "type")]
            kind: &'a str,
            message: &'a str,
        }
        Answer::json(
            status,
            &WireError {
                code,
                kind,
                message,
            },
        )
    }

    /// `res.sendStatus(status)`: the reason phrase as text (`OK`, `Unauthorized`,
    /// `Bad Request`).
    pub(crate) fn send_status(status: StatusCode) -> Self {
        let text = status.canonical_reason().unwrap_or("Unknown");
        Answer::with_body(status, TEXT, Bytes::from(text.to_owned()))
    }

    /// passport's refusal: `res.statusCode = 401; res.end("Unauthorized")`, so no
    /// `Content-Type`, no `Content-Length`, a chunked body.
    pub(crate) fn passport_unauthorized() -> Self {
        let mut answer = Answer::new(StatusCode::UNAUTHORIZED);
        answer.headers.push((
            header::TRANSFER_ENCODING,
            HeaderValue::from_static("chunked"),
        ));
        answer.body = Bytes::from_static(b"Unauthorized");
        answer
    }

    /// `/health`: `res.status(200).send("OK")` (a string, so `text/html`).
    pub(crate) fn health() -> Self {
        Answer::with_body(StatusCode::OK, HTML, Bytes::from_static(b"OK"))
    }

    /// finalhandler's page for an unmatched route: `Cannot GET /path`.
    pub(crate) fn cannot(method: &str, path: &str) -> Self {
        let message = format!("Cannot {} {}", method, encode_url(path));
        Answer::error_page(StatusCode::NOT_FOUND, &message)
    }

    /// finalhandler's page for an error with `status`: the error's stack in
    /// development, the reason phrase in production.
    pub(crate) fn error_page_for(status: StatusCode, stack: &str, production: bool) -> Self {
        if production {
            Answer::error_page(status, status.canonical_reason().unwrap_or("Error"))
        } else {
            Answer::error_page(status, stack)
        }
    }

    fn error_page(status: StatusCode, message: &str) -> Self {
        let escaped = escape_html(message)
            .replace('\n', "<br>")
            .replace("  ", " &nbsp;");
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>{escaped}</pre>\n</body>\n</html>\n"
        );
        let mut answer = Answer::new(status);
        answer.headers.push((
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static("default-src 'none'"),
        ));
        answer.headers.push((
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ));
        answer.headers.push((header::CONTENT_TYPE, HTML));
        answer.body = Bytes::from(body);
        answer.push_length();
        answer
    }

    /// The cors middleware's answer to a preflight: 204, no body.
    pub(crate) fn preflight(cors: Vec<(HeaderName, HeaderValue)>) -> Self {
        let mut answer = Answer::new(StatusCode::NO_CONTENT);
        answer.cors = cors;
        answer
            .cors
            .push((header::CONTENT_LENGTH, HeaderValue::from_static("0")));
        answer
    }

    /// A fault's answer: status, optional `Content-Type`, `Retry-After`, body.
    pub(crate) fn fault(
        status: StatusCode,
        content_type: Option<HeaderValue>,
        retry_after: Option<HeaderValue>,
        body: Bytes,
    ) -> Self {
        let mut answer = Answer::new(status);
        if let Some(content_type) = content_type {
            answer.headers.push((header::CONTENT_TYPE, content_type));
        }
        answer.body = body;
        answer.push_length();
        if let Some(retry_after) = retry_after {
            answer.headers.push((header::RETRY_AFTER, retry_after));
        }
        answer
    }

    /// Adds the CORS headers of the router that answered.
    pub(crate) fn with_cors(mut self, cors: Vec<(HeaderName, HeaderValue)>) -> Self {
        self.cors = cors;
        self
    }

    fn with_body(status: StatusCode, content_type: HeaderValue, body: Bytes) -> Self {
        let mut answer = Answer::new(status);
        answer.headers.push((header::CONTENT_TYPE, content_type));
        answer.body = body;
        answer.push_length();
        answer.headers.push((header::ETAG, etag(&answer.body)));
        answer
    }

    fn push_length(&mut self) {
        self.headers
            .push((header::CONTENT_LENGTH, HeaderValue::from(self.body.len())));
    }

    /// The HTTP response: `X-Powered-By`, CORS, the answer's headers, `Set-Cookie`,
    /// `Date`; no body for `HEAD`.
    pub(crate) fn into_response(
        self,
        set_cookie: Option<HeaderValue>,
        date: HeaderValue,
        head: bool,
        powered_by: bool,
    ) -> Response<Bytes> {
        let mut response = Response::new(if head { Bytes::new() } else { self.body });
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if powered_by {
            headers.insert(
                HeaderName::from_static("x-powered-by"),
                HeaderValue::from_static("Express"),
            );
        }
        for (name, value) in self.cors.into_iter().chain(self.headers) {
            headers.append(name, value);
        }
        if let Some(mut cookie) = set_cookie {
            cookie.set_sensitive(true);
            headers.append(header::SET_COOKIE, cookie);
        }
        headers.insert(header::DATE, date);
        response
    }
}

/// A weak ETag shaped like Express's (`W/"<length in hex>-<27 base64 chars>"`); the
/// digest is SHA-256 rather than Express's SHA-1, so the values differ.
fn etag(body: &[u8]) -> HeaderValue {
    static ETAGS: OnceLock<Memo<HeaderValue>> = OnceLock::new();
    ETAGS
        .get_or_init(Memo::default)
        .get_or_compute(body, || Some(compute_etag(body)))
        .unwrap_or_else(|| compute_etag(body))
}

fn compute_etag(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let hash = base64::engine::general_purpose::STANDARD.encode(digest);
    let value = format!("W/\"{:x}-{}\"", body.len(), &hash[..27]);
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("W/\"0\""))
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
        answer.into_response(None, HeaderValue::from_static("now"), false, true)
    }

    #[test]
    fn cannot_get_is_the_recorded_page() {
        // transcripts.md exchange 70: Content-Length 149.
        let response = response(Answer::cannot("GET", "/store/nope"));
        assert_eq!(response.status(), 404);
        assert_eq!(response.body().len(), 149);
        assert!(
            std::str::from_utf8(response.body())
                .unwrap()
                .contains("<pre>Cannot GET /store/nope</pre>")
        );
        assert_eq!(response.headers()["content-length"], "149");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    }

    #[test]
    fn error_pages_escape_what_they_show() {
        let page = response(Answer::cannot("GET", "/store/<script>%zz\"'"));
        let body = std::str::from_utf8(page.body()).unwrap();
        assert!(
            body.contains("Cannot GET /store/%3Cscript%3E%25zz%22&#39;"),
            "{body}"
        );
        let page = response_page("SyntaxError: x\n    at parse (<anonymous>)");
        assert!(
            page.contains("SyntaxError: x<br> &nbsp; &nbsp;at parse (&lt;anonymous&gt;)"),
            "{page}"
        );
        // Production shows the reason phrase only (transcripts.md appendix, 138 bytes).
        let prod = response(Answer::error_page_for(
            StatusCode::BAD_REQUEST,
            "secret stack",
            true,
        ));
        assert_eq!(prod.body().len(), 138);
        assert!(!std::str::from_utf8(prod.body()).unwrap().contains("secret"));
    }

    fn response_page(stack: &str) -> String {
        let page = response(Answer::error_page_for(
            StatusCode::BAD_REQUEST,
            stack,
            false,
        ));
        String::from_utf8(page.body().to_vec()).unwrap()
    }

    #[test]
    fn text_json_and_passport_shapes() {
        let ok = response(Answer::send_status(StatusCode::OK));
        assert_eq!(ok.body(), "OK");
        assert_eq!(ok.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(ok.headers()["content-length"], "2");
        assert!(ok.headers()["etag"].to_str().unwrap().starts_with("W/\"2-"));
        let refused = response(Answer::passport_unauthorized());
        assert_eq!(refused.body(), "Unauthorized");
        assert!(refused.headers().get("content-type").is_none());
        assert!(refused.headers().get("content-length").is_none());
        assert_eq!(refused.headers()["transfer-encoding"], "chunked");
        let error = response(Answer::error(
            StatusCode::BAD_REQUEST,
            None,
            "invalid_data",
            "m",
        ));
        assert_eq!(error.body(), r#"{"type":"invalid_data","message":"m"}"#);
        let head = Answer::send_status(StatusCode::OK).into_response(
            None,
            HeaderValue::from_static("now"),
            true,
            true,
        );
        assert!(head.body().is_empty());
        assert_eq!(head.headers()["content-length"], "2");
    }
}
