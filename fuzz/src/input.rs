//! The text form of a response that the targets read: a status line, header lines,
//! an empty line, then the body, e.g.
//!
//! ```text
//! 200
//! content-type: application/json; charset=utf-8
//! set-cookie: connect.sid=s%3Aabc.def; Path=/; HttpOnly
//!
//! {"user":{…}}
//! ```
//!
//! Every byte string is some response: a status that is not a number from 100 to
//! 999 reads as 200, a header line that is not a valid name and value is skipped,
//! and `\r\n` counts as `\n`. This keeps mutated inputs meaningful to the readers
//! rather than rejected up front.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Response, StatusCode};

/// Reads the text form of a response.
pub fn parse_response(data: &[u8]) -> Response<Bytes> {
    let (status_line, mut rest) = split_line(data);
    let status = std::str::from_utf8(status_line)
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = status;
    while !rest.is_empty() {
        let (line, after) = split_line(rest);
        rest = after;
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let value = line[colon + 1..].trim_ascii_start();
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    *response.body_mut() = Bytes::copy_from_slice(rest);
    response
}

/// Writes a response in the text form [`parse_response`] reads.
pub fn render_response(response: &Response<Bytes>) -> Vec<u8> {
    let mut out = format!("{}\n", response.status().as_u16()).into_bytes();
    for (name, value) in response.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(response.body());
    out
}

/// Splits off the first line (without its `\n` or `\r\n`).
pub(crate) fn split_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|b| *b == b'\n') {
        Some(end) => {
            let line = &data[..end];
            (line.strip_suffix(b"\r").unwrap_or(line), &data[end + 1..])
        }
        None => (data, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_response_survives_the_round_trip() {
        for exchange in medusa_auth_testdata::exchanges() {
            let recorded = exchange.response();
            let again = parse_response(&render_response(&recorded));
            assert_eq!(again.status(), recorded.status(), "{}", exchange.number);
            assert_eq!(again.headers(), recorded.headers(), "{}", exchange.number);
            assert_eq!(again.body(), recorded.body(), "{}", exchange.number);
        }
    }

    #[test]
    fn any_bytes_are_some_response() {
        let response = parse_response(b"abc\r\nx y: z\r\nok: fine\r\n\r\nrest\n");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers().len(), 1);
        assert_eq!(response.headers()["ok"], "fine");
        assert_eq!(response.body().as_ref(), b"rest\n");
        assert_eq!(parse_response(b"").status(), StatusCode::OK);
        assert_eq!(parse_response(b"503").status(), 503);
    }
}
