//! Request bodies as Medusa reads them: body-parser's JSON parser (strict, 100 kB
//! limit, UTF-8 charsets only), then class-validator with Medusa's options
//! (`whitelist`, `forbidNonWhitelisted`), whose messages the 400 answers carry.

use http::HeaderMap;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::email::is_email;

/// body-parser's default `limit` (`100kb`).
pub(crate) const JSON_LIMIT: usize = 100 * 1024;

/// A body once body-parser has read it: `req.body`.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// An object, its keys in the order JavaScript enumerates them. No body, or a
    /// body of another content type, reads as the empty object.
    Object(Vec<(String, Value)>),
    /// A top-level array.
    Array,
}

/// Why body-parser refused the body: an Express error page with this status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodyError {
    /// 400, 413 or 415.
    pub(crate) status: u16,
    /// The error's name and message, as in the first line of its stack.
    pub(crate) message: String,
}

impl BodyError {
    fn new(status: u16, message: impl Into<String>) -> Self {
        BodyError {
            status,
            message: message.into(),
        }
    }

    /// Too large: what body-parser answers past its limit.
    pub(crate) fn too_large() -> Self {
        BodyError::new(413, "PayloadTooLargeError: request entity too large")
    }
}

/// body-parser's `json()` on a request.
pub(crate) fn read(headers: &HeaderMap, body: &[u8]) -> Result<Body, BodyError> {
    let has_body = !body.is_empty()
        || headers.contains_key(CONTENT_LENGTH)
        || headers.contains_key(TRANSFER_ENCODING);
    if !has_body {
        return Ok(Body::Object(Vec::new()));
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut params = content_type.split(';');
    let essence = params.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Ok(Body::Object(Vec::new()));
    }
    let charset = params
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, value)| value.trim().trim_matches('"').to_ascii_lowercase())
        .unwrap_or_else(|| "utf-8".to_owned());
    if !charset.starts_with("utf-") {
        return Err(BodyError::new(
            415,
            format!(
                "UnsupportedMediaTypeError: unsupported charset \"{}\"",
                charset.to_ascii_uppercase()
            ),
        ));
    }
    let encoding = headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .trim()
        .to_ascii_lowercase();
    if encoding != "identity" {
        return Err(BodyError::new(
            415,
            format!("UnsupportedMediaTypeError: unsupported content encoding \"{encoding}\""),
        ));
    }
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if body.len() > JSON_LIMIT || declared.is_some_and(|n| n > JSON_LIMIT as u64) {
        return Err(BodyError::too_large());
    }
    parse(&String::from_utf8_lossy(body))
}

fn parse(text: &str) -> Result<Body, BodyError> {
    if text.is_empty() {
        return Ok(Body::Object(Vec::new()));
    }
    // Strict mode: only objects and arrays at the top.
    let first = text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .chars()
        .next();
    if !matches!(first, Some('{') | Some('[')) {
        let position = text.len() - text.trim_start_matches([' ', '\t', '\n', '\r']).len();
        return Err(syntax_error(first.is_none(), position));
    }
    match serde_json::from_str::<TopLevel>(text) {
        Ok(TopLevel::Object(entries)) => Ok(Body::Object(js_key_order(entries))),
        Ok(TopLevel::Array) => Ok(Body::Array),
        Err(error) => Err(syntax_error(error.is_eof(), offset_of(text, &error))),
    }
}

fn syntax_error(end_of_input: bool, position: usize) -> BodyError {
    let message = if end_of_input {
        "SyntaxError: Unexpected end of JSON input".to_owned()
    } else {
        format!("SyntaxError: Unexpected token in JSON at position {position}")
    };
    BodyError::new(400, message)
}

/// The byte offset serde_json's line and column point at.
fn offset_of(text: &str, error: &serde_json::Error) -> usize {
    let mut offset = 0;
    for (index, line) in text.split('\n').enumerate() {
        if index + 1 == error.line() {
            return offset + error.column().saturating_sub(1).min(line.len());
        }
        offset += line.len() + 1;
    }
    text.len()
}

/// The order in which JavaScript enumerates an object's keys: array indices first,
/// ascending, then the other keys in insertion order.
fn js_key_order(entries: Vec<(String, Value)>) -> Vec<(String, Value)> {
    let (mut indices, others): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|(key, _)| array_index(key).is_some());
    indices.sort_by_key(|(key, _)| array_index(key));
    indices.extend(others);
    indices
}

fn array_index(key: &str) -> Option<u32> {
    let index: u32 = key.parse().ok()?;
    (index != u32::MAX && index.to_string() == key).then_some(index)
}

/// A top-level JSON value, keeping an object's keys in order (a repeated key keeps
/// its first place and its last value, as `JSON.parse` does).
enum TopLevel {
    Object(Vec<(String, Value)>),
    Array,
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopVisitor;
        impl<'de> Visitor<'de> for TopVisitor {
            type Value = TopLevel;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object or array")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
                let mut entries: Vec<(String, Value)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some(entry) => entry.1 = value,
                        None => entries.push((key, value)),
                    }
                }
                Ok(TopLevel::Object(entries))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Array)
            }
        }
        deserializer.deserialize_any(TopVisitor)
    }
}

/// One class-validator decorator.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// `@IsOptional()`: the other rules are skipped when the value is null or missing.
    Optional,
    /// `@IsNotEmpty()`: not `""`, `null` or missing.
    NotEmpty,
    /// `@IsString()`.
    String,
    /// `@IsEmail()`: a string that validator.js's `isEmail` accepts.
    Email,
}

/// A request class: each property with its rules, in the order their messages come
/// (class-validator reports the decorators of a property bottom-up).
type Class = &'static [(&'static str, &'static [Rule])];

/// `AdminPostAuthReq` (`POST /admin/auth`, `POST /admin/auth/token`):
/// `@IsEmail() @IsNotEmpty() email`, `@IsString() @IsNotEmpty() password`.
const ADMIN_POST_AUTH: Class = &[
    ("email", &[Rule::NotEmpty, Rule::Email]),
    ("password", &[Rule::NotEmpty, Rule::String]),
];

/// `StorePostAuthReq` (`POST /store/auth`, `POST /store/auth/token`):
/// `@IsEmail() email`, `@IsNotEmpty() password`.
const STORE_POST_AUTH: Class = &[("email", &[Rule::Email]), ("password", &[Rule::NotEmpty])];

/// `StorePostCustomersReq` (`POST /store/customers`).
const STORE_POST_CUSTOMERS: Class = &[
    ("first_name", &[Rule::Optional, Rule::String]),
    ("last_name", &[Rule::Optional, Rule::String]),
    ("email", &[Rule::Email]),
    ("password", &[Rule::String]),
    ("phone", &[Rule::Optional, Rule::String]),
];

/// A body that passed validation: the fields, looked up by name.
#[derive(Debug)]
pub(crate) struct Valid(Vec<(String, Value)>);

impl Valid {
    /// A string field.
    pub(crate) fn str(&self, name: &str) -> Option<&str> {
        self.value(name).and_then(Value::as_str)
    }

    /// A field of any type.
    pub(crate) fn value(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// The message of Medusa's 400 `invalid_data` answer, when `body` fails `class`.
fn validate(body: &Body, class: Class) -> Result<Valid, String> {
    let entries = match body {
        Body::Array => return Err("an unknown value was passed to the validate function".into()),
        Body::Object(entries) => entries,
    };
    let mut messages = Vec::new();
    for (key, _) in entries {
        if !class.iter().any(|(name, _)| name == key) {
            messages.push(format!("property {key} should not exist"));
        }
    }
    for (name, rules) in class {
        let value = entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let missing = matches!(value, None | Some(Value::Null));
        if missing && rules.iter().any(|r| matches!(r, Rule::Optional)) {
            continue;
        }
        for rule in *rules {
            let failed = match rule {
                Rule::Optional => None,
                Rule::NotEmpty => (missing || value == Some(&Value::String(String::new())))
                    .then_some("should not be empty"),
                Rule::String => {
                    (!matches!(value, Some(Value::String(_)))).then_some("must be a string")
                }
                Rule::Email => (!matches!(value, Some(Value::String(s)) if is_email(s)))
                    .then_some("must be an email"),
            };
            if let Some(failed) = failed {
                messages.push(format!("{name} {failed}"));
            }
        }
    }
    if messages.is_empty() {
        Ok(Valid(entries.clone()))
    } else {
        Err(messages.join(", "))
    }
}

/// Validates an admin login body.
pub(crate) fn admin_login(body: &Body) -> Result<Valid, String> {
    validate(body, ADMIN_POST_AUTH)
}

/// Validates a store login body.
pub(crate) fn store_login(body: &Body) -> Result<Valid, String> {
    validate(body, STORE_POST_AUTH)
}

/// Validates a `POST /store/customers` body.
pub(crate) fn store_customer(body: &Body) -> Result<Valid, String> {
    validate(body, STORE_POST_CUSTOMERS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Body {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, "application/json".parse().unwrap());
        read(&headers, text.as_bytes()).unwrap()
    }

    fn admin(text: &str) -> String {
        admin_login(&json(text)).unwrap_err()
    }

    fn store(text: &str) -> String {
        store_login(&json(text)).unwrap_err()
    }

    #[test]
    fn admin_messages_are_the_recorded_ones() {
        // transcripts.md exchanges 4, 5, 6, 8 and 17.
        assert_eq!(
            admin(r#"{"email":"admin@example.com"}"#),
            "password should not be empty, password must be a string"
        );
        assert_eq!(
            admin(r#"{"email":"not-an-email","password":"supersecret"}"#),
            "email must be an email"
        );
        assert_eq!(
            admin("{}"),
            "email should not be empty, email must be an email, password should not be empty, password must be a string"
        );
        assert_eq!(
            admin(r#"{"email":"admin@example.com","password":123}"#),
            "password must be a string"
        );
        assert_eq!(
            admin(r#"{"email":"","password":""}"#),
            "email should not be empty, email must be an email, password should not be empty"
        );
    }

    #[test]
    fn store_messages_are_the_recorded_ones() {
        // transcripts.md exchanges 39, 40 and 47.
        assert_eq!(
            store(r#"{"email":"customer@example.com"}"#),
            "password should not be empty"
        );
        assert_eq!(
            store(r#"{"email":"not-an-email","password":"x"}"#),
            "email must be an email"
        );
        assert_eq!(
            store(r#"{"email":"nope"}"#),
            "email must be an email, password should not be empty"
        );
        // A non-string password passes the store's rules (the login then fails: 401).
        assert!(store_login(&json(r#"{"email":"a@b.io","password":5}"#)).is_ok());
    }

    #[test]
    fn customer_messages() {
        // transcripts.md exchange 33.
        let body = json(r#"{"email":"x@example.com","first_name":"X","last_name":"Y"}"#);
        assert_eq!(
            store_customer(&body).unwrap_err(),
            "password must be a string"
        );
        let body = json(r#"{"first_name":1,"email":"x@example.com","password":"p","phone":null}"#);
        assert_eq!(
            store_customer(&body).unwrap_err(),
            "first_name must be a string"
        );
    }

    #[test]
    fn unknown_properties_and_arrays() {
        assert_eq!(
            admin(r#"{"email":"admin@example.com","password":"p","b":1,"2":0,"a":2,"1":0}"#),
            "property 1 should not exist, property 2 should not exist, property b should not exist, property a should not exist"
        );
        assert_eq!(
            admin("[]"),
            "an unknown value was passed to the validate function"
        );
        // A repeated key keeps its last value.
        let valid = admin_login(&json(r#"{"email":1,"password":"p","email":"a@b.io"}"#)).unwrap();
        assert_eq!(valid.str("email"), Some("a@b.io"));
    }

    #[test]
    fn other_content_types_read_as_an_empty_object() {
        // transcripts.md exchange 9.
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        let body = read(&headers, b"email=admin%40example.com&password=supersecret").unwrap();
        assert_eq!(
            admin_login(&body).unwrap_err(),
            "email should not be empty, email must be an email, password should not be empty, password must be a string"
        );
        assert!(matches!(read(&HeaderMap::new(), b""), Ok(Body::Object(v)) if v.is_empty()));
    }

    #[test]
    fn malformed_and_refused_bodies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        let error = read(&headers, br#"{"email":"#).unwrap_err();
        assert_eq!(
            (error.status, error.message.as_str()),
            (400, "SyntaxError: Unexpected end of JSON input")
        );
        for bad in [
            &b"\"text\""[..],
            b"42",
            b"   ",
            b"{\"a\":}",
            b"{\"a\":1}x",
            b"nul",
            b"\xff\xfe",
        ] {
            assert_eq!(read(&headers, bad).unwrap_err().status, 400, "{bad:?}");
        }
        let huge = vec![b' '; JSON_LIMIT + 1];
        assert_eq!(read(&headers, &huge).unwrap_err().status, 413);
        headers.insert(
            CONTENT_TYPE,
            "application/json; charset=latin1".parse().unwrap(),
        );
        let error = read(&headers, b"{}").unwrap_err();
        assert_eq!(error.status, 415);
        assert!(error.message.contains("\"LATIN1\""), "{}", error.message);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        headers.insert(CONTENT_TYPE, "application/json".parse().unwrap());
        // A deep array is read (then refused by validation); a deep value inside an
        // object hits serde_json's recursion limit: a 400 either way, never a crash.
        assert!(matches!(read(&headers, deep.as_bytes()), Ok(Body::Array)));
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(read(&headers, deep.as_bytes()).unwrap_err().status, 400);
    }
}
