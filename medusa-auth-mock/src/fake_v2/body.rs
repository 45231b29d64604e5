//! Request bodies as Medusa v2 reads them: body-parser 1.20's `json`, `text` and
//! `urlencoded` parsers on every request (100 kB each), whose errors Medusa's error
//! handler answers as `{"message", "type"}`; and `qs`, which reads both form bodies
//! and query strings (Express's "extended" query parser).

use http::HeaderMap;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};

use super::json::{self, Js};

/// body-parser's default `limit` (`100kb`).
pub(crate) const LIMIT: usize = 100 * 1024;
/// body-parser's `parameterLimit` for form bodies; also where query strings stop.
const PARAMETER_LIMIT: usize = 1000;
/// How deep `qs` builds `a[b][c]` keys (Express's query parser: 5).
const QS_DEPTH: usize = 5;

/// Why body-parser refused a body: Medusa answers `status` with
/// `{"message": message, "type": <400: invalid_data, else unknown_error>}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodyError {
    pub(crate) status: u16,
    pub(crate) message: String,
}

impl BodyError {
    fn new(status: u16, message: impl Into<String>) -> Self {
        BodyError {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn too_large() -> Self {
        BodyError::new(413, "request entity too large")
    }

    /// The `type` Medusa's error handler gives an HTTP error of this status.
    pub(crate) fn kind(&self) -> &'static str {
        match self.status {
            400 => "invalid_data",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            409 => "conflict",
            _ => "unknown_error",
        }
    }
}

struct ContentType {
    essence: String,
    charset: Option<String>,
}

fn content_type(headers: &HeaderMap) -> Option<ContentType> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    if !essence.contains('/') {
        return None;
    }
    let charset = parts
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, value)| value.trim().trim_matches('"').to_ascii_lowercase());
    Some(ContentType { essence, charset })
}

/// `req.body` after the three parsers: `{}` when none applies.
pub(crate) fn read(headers: &HeaderMap, body: &[u8], too_large: bool) -> Result<Js, BodyError> {
    let has_body = !body.is_empty()
        || headers.contains_key(TRANSFER_ENCODING)
        || headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().parse::<f64>().is_ok());
    let Some(content_type) = content_type(headers).filter(|_| has_body) else {
        return Ok(Js::empty_object());
    };
    let parser = match content_type.essence.as_str() {
        "application/json" => Parser::Json,
        "text/plain" => Parser::Text,
        "application/x-www-form-urlencoded" => Parser::Form,
        _ => return Ok(Js::empty_object()),
    };
    let charset = content_type.charset.unwrap_or_else(|| "utf-8".to_owned());
    let charset_ok = match parser {
        Parser::Json => charset.starts_with("utf-"),
        Parser::Text => true,
        Parser::Form => charset == "utf-8",
    };
    if !charset_ok {
        return Err(unsupported_charset(&charset));
    }
    if parser == Parser::Form {
        let parameters = body.iter().filter(|&&b| b == b'&').count() + 1;
        if parameters > PARAMETER_LIMIT {
            return Err(BodyError::new(413, "too many parameters"));
        }
    }
    let encoding = headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .trim()
        .to_ascii_lowercase();
    match encoding.as_str() {
        "identity" => {}
        // zlib's check of the stream's header; the fake does not inflate a stream
        // that passes it.
        "gzip" | "deflate" if !compressed_header(&encoding, body) => {
            return Err(BodyError::new(400, "incorrect header check"));
        }
        _ => {
            return Err(BodyError::new(
                415,
                format!("unsupported content encoding \"{encoding}\""),
            ));
        }
    }
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if too_large || body.len() > LIMIT || declared.is_some_and(|n| n > LIMIT as u64) {
        return Err(BodyError::too_large());
    }
    let Some(text) = decode(&charset, body) else {
        return Err(unsupported_charset(&charset));
    };
    match parser {
        Parser::Json => parse_json(&text),
        Parser::Text => Ok(Js::String(text)),
        Parser::Form => Ok(parse_qs(&text, usize::MAX)),
    }
}

/// Whether `body` starts as a gzip member (`1f 8b`) or a zlib stream (`CM` 8, a
/// header checksum divisible by 31) does.
fn compressed_header(encoding: &str, body: &[u8]) -> bool {
    match (encoding, body) {
        ("gzip", [0x1f, 0x8b, ..]) => true,
        ("deflate", [cmf, flg, ..]) => {
            cmf & 0x0f == 8 && (u16::from(*cmf) * 256 + u16::from(*flg)) % 31 == 0
        }
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parser {
    Json,
    Text,
    Form,
}

fn unsupported_charset(charset: &str) -> BodyError {
    BodyError::new(
        415,
        format!("unsupported charset \"{}\"", charset.to_ascii_uppercase()),
    )
}

/// iconv-lite's decoding of the charsets the fake knows (the leading BOM is
/// stripped, as iconv-lite does); `None` for another charset.
fn decode(charset: &str, bytes: &[u8]) -> Option<String> {
    let text = match charset {
        "utf-8" | "utf8" => String::from_utf8_lossy(bytes).into_owned(),
        "utf-16le" | "utf-16" | "ucs-2" => utf16(bytes, false),
        "utf-16be" => utf16(bytes, true),
        "utf-32le" | "utf-32" => utf32(bytes, false),
        "utf-32be" => utf32(bytes, true),
        "latin1" | "iso-8859-1" | "binary" | "ascii" | "us-ascii" | "windows-1252" => {
            bytes.iter().map(|&b| char::from(b)).collect()
        }
        _ => return None,
    };
    Some(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|pair| {
            if big_endian {
                u16::from_be_bytes([pair[0], pair[1]])
            } else {
                u16::from_le_bytes([pair[0], pair[1]])
            }
        })
        .collect();
    String::from_utf16_lossy(&units)
}

fn utf32(bytes: &[u8], big_endian: bool) -> String {
    bytes
        .chunks_exact(4)
        .map(|quad| {
            let code = if big_endian {
                u32::from_be_bytes([quad[0], quad[1], quad[2], quad[3]])
            } else {
                u32::from_le_bytes([quad[0], quad[1], quad[2], quad[3]])
            };
            char::from_u32(code).unwrap_or('\u{fffd}')
        })
        .collect()
}

/// body-parser's strict JSON parse: an empty body is `{}`; a body whose first
/// character is not `{` or `[` gets the message `JSON.parse` gives at that
/// character; otherwise `JSON.parse`.
fn parse_json(text: &str) -> Result<Js, BodyError> {
    if text.is_empty() {
        return Ok(Js::empty_object());
    }
    let units: Vec<u16> = text.encode_utf16().collect();
    let first = units
        .iter()
        .position(|&u| !matches!(u, 0x20 | 0x09 | 0x0A | 0x0D));
    match first {
        None => Err(BodyError::new(400, "Unexpected end of JSON input")),
        Some(index) if !matches!(units[index], 0x7B | 0x5B) => {
            Err(BodyError::new(400, json::unexpected_token(&units, index)))
        }
        Some(_) => json::parse(text).map_err(|message| BodyError::new(400, message)),
    }
}

/// The qs decoder: `+` is a space, then `decodeURIComponent`, or the text as it
/// was when that throws.
fn qs_decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    if !spaced.contains('%') {
        return spaced;
    }
    decode_uri_component(&spaced).unwrap_or(spaced)
}

/// JavaScript's `decodeURIComponent` (`None` where it throws a `URIError`).
pub(crate) fn decode_uri_component(text: &str) -> Option<String> {
    super::shared::session::decode_uri_component(text)
}

/// `qs.parse(text)` with Express's options: `&`-separated pairs, repeated keys
/// combined into arrays, `a[]=` appending to an array and `a[b]=` building objects
/// (up to `depth` levels, `QS_DEPTH` at most).
pub(crate) fn parse_qs(text: &str, depth: usize) -> Js {
    let depth = depth.min(QS_DEPTH);
    let mut flat: Vec<(String, Js)> = Vec::new();
    for part in text
        .split('&')
        .filter(|p| !p.is_empty())
        .take(PARAMETER_LIMIT)
    {
        let split = match part.find("]=") {
            Some(index) => Some(index + 1),
            None => part.find('='),
        };
        let (key, value) = match split {
            Some(index) => (qs_decode(&part[..index]), qs_decode(&part[index + 1..])),
            None => (qs_decode(part), String::new()),
        };
        if key.is_empty() {
            continue;
        }
        match flat.iter_mut().find(|(k, _)| *k == key) {
            Some((_, existing)) => combine(existing, Js::String(value)),
            None => flat.push((key, Js::String(value))),
        }
    }
    let mut out = Js::empty_object();
    for (key, value) in flat {
        let (parent, segments) = key_segments(&key, depth);
        let nested = segments
            .iter()
            .rev()
            .fold(value, |inner, segment| match segment.as_str() {
                // `[].concat(leaf)`: an array of values stays one array.
                "" => match inner {
                    Js::Array(items) => Js::Array(items),
                    other => Js::Array(vec![other]),
                },
                name => Js::Object(vec![(name.to_owned(), inner)]),
            });
        merge_into(&mut out, &parent, nested);
    }
    out
}

/// `a[b][]` → (`a`, [`b`, ``]); past `depth`, the rest stays one literal segment.
fn key_segments(key: &str, depth: usize) -> (String, Vec<String>) {
    let Some(open) = key.find('[').filter(|&i| i > 0) else {
        return (key.to_owned(), Vec::new());
    };
    let parent = key[..open].to_owned();
    let mut segments = Vec::new();
    let mut rest = &key[open..];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else { break };
        let segment = &inner[..close];
        if segment.contains('[') || segments.len() == depth {
            break;
        }
        segments.push(segment.to_owned());
        rest = &inner[close + 1..];
    }
    if !rest.is_empty() {
        segments.push(rest.to_owned());
    }
    (parent, segments)
}

/// qs's `utils.combine`: two values of one key become an array.
fn combine(existing: &mut Js, value: Js) {
    match existing {
        Js::Array(items) => items.push(value),
        other => {
            let first = std::mem::replace(other, Js::Null);
            *other = Js::Array(vec![first, value]);
        }
    }
}

/// qs's `utils.merge`, simplified: objects merge key by key, anything else combines.
fn merge_into(target: &mut Js, key: &str, value: Js) {
    let Js::Object(entries) = target else { return };
    match entries.iter_mut().find(|(k, _)| k == key) {
        None => target.insert(key, value),
        Some((_, existing)) => match (existing, value) {
            (existing @ Js::Object(_), Js::Object(more)) => {
                for (k, v) in more {
                    merge_into(existing, &k, v);
                }
            }
            (Js::Array(items), Js::Array(more)) => items.extend(more),
            (existing, value) => combine(existing, value),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, content_type.parse().unwrap());
        headers
    }

    fn error(content_type: &str, body: &[u8]) -> (u16, String) {
        let e = read(&json_headers(content_type), body, false).unwrap_err();
        (e.status, e.message)
    }

    #[test]
    fn json_errors_are_body_parsers() {
        // Each message was printed by body-parser 1.20.9 on Node v20.20.2.
        let json = "application/json";
        assert_eq!(
            error(json, br#"{"email":"#),
            (400, "Unexpected end of JSON input".into())
        );
        assert_eq!(
            error(json, br#""text""#),
            (
                400,
                r#"Unexpected token '"', ""text"" is not valid JSON"#.into()
            )
        );
        assert_eq!(
            error(json, b"null").1,
            r#"Unexpected token 'n', "null" is not valid JSON"#
        );
        assert_eq!(error(json, b"   ").1, "Unexpected end of JSON input");
        assert_eq!(
            error(json, b"\xff\xfe{}").1,
            "Unexpected token '\u{fffd}', \"\u{fffd}\u{fffd}{}\" is not valid JSON"
        );
        assert_eq!(
            error("application/json; charset=latin1", b"{}"),
            (415, r#"unsupported charset "LATIN1""#.into())
        );
        assert_eq!(
            error(json, &vec![b'x'; LIMIT + 1]),
            (413, "request entity too large".into())
        );
        let mut headers = json_headers(json);
        headers.insert(CONTENT_ENCODING, "br".parse().unwrap());
        assert_eq!(read(&headers, b"{}", false).unwrap_err().status, 415);
    }

    #[test]
    fn bodies_as_req_body() {
        let empty = read(&json_headers("application/json"), b"", false).unwrap();
        assert_eq!(empty, Js::empty_object());
        let bom = read(
            &json_headers("application/json"),
            "\u{feff}{\"a\":1}".as_bytes(),
            false,
        );
        assert_eq!(bom.unwrap().to_json(), r#"{"a":1}"#);
        let text = read(&json_headers("text/plain"), b"hello", false).unwrap();
        assert_eq!(text, Js::String("hello".into()));
        let form = read(
            &json_headers("application/x-www-form-urlencoded"),
            b"email=admin@example.com&password=supersecret",
            false,
        )
        .unwrap();
        assert_eq!(
            form.to_json(),
            r#"{"email":"admin@example.com","password":"supersecret"}"#
        );
        let none = read(&HeaderMap::new(), b"", false).unwrap();
        assert_eq!(none, Js::empty_object());
        let other = read(&json_headers("application/xml"), b"<a/>", false).unwrap();
        assert_eq!(other, Js::empty_object());
    }

    #[test]
    fn qs_as_express_reads_it() {
        // The recorded output of qs 6.17 through Express 4.22.
        let parsed = parse_qs("a[b]=c&d=1&d=2&e", QS_DEPTH);
        assert_eq!(parsed.to_json(), r#"{"a":{"b":"c"},"d":["1","2"],"e":""}"#);
        let parsed = parse_qs("%zz=1&b=%zz&c=a+b%20c&x[]=1&x[]=2", QS_DEPTH);
        assert_eq!(
            parsed.to_json(),
            r#"{"%zz":"1","b":"%zz","c":"a b c","x":["1","2"]}"#
        );
        assert_eq!(parse_qs("limit=1", QS_DEPTH).to_json(), r#"{"limit":"1"}"#);
        assert_eq!(parse_qs("&&=x&", QS_DEPTH).to_json(), "{}");
    }
}
