//! Per-call and default headers, checked before anything is sent.

use std::fmt;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::error::InvalidInput;

/// `x-medusa-access-token`: an admin user's API token.
pub const ACCESS_TOKEN: HeaderName = HeaderName::from_static("x-medusa-access-token");
/// `x-publishable-api-key`: a sales channel's publishable key.
pub const PUBLISHABLE_API_KEY: HeaderName = HeaderName::from_static("x-publishable-api-key");
/// `idempotency-key`: one UUID per POST call, the same on each of its attempts.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// Headers the HTTP layer owns; setting them by hand would corrupt the request.
const RESERVED: [HeaderName; 8] = [
    header::HOST,
    header::CONTENT_LENGTH,
    header::TRANSFER_ENCODING,
    header::CONNECTION,
    header::UPGRADE,
    header::TE,
    header::TRAILER,
    HeaderName::from_static("keep-alive"),
];

/// Whether this header carries a credential, which only a session sends.
pub fn is_credential(name: &HeaderName) -> bool {
    name == header::AUTHORIZATION || name == header::COOKIE || name == ACCESS_TOKEN
}

/// Whether values of this header are secrets (marked sensitive, never logged).
pub fn is_sensitive(name: &HeaderName) -> bool {
    name == header::AUTHORIZATION
        || name == header::COOKIE
        || name == header::SET_COOKIE
        || name == header::PROXY_AUTHORIZATION
        || name == ACCESS_TOKEN
}

/// A header value of visible ASCII (and tabs) only: no CR, LF, other control
/// characters or non-ASCII bytes. The error names the header, never the value.
pub fn checked_value(name: &str, value: &str) -> Result<HeaderValue, InvalidInput> {
    let invalid = || InvalidInput::InvalidHeaderValue {
        name: name.to_owned(),
    };
    if !value.is_ascii() {
        return Err(invalid());
    }
    HeaderValue::from_str(value).map_err(|_| invalid())
}

/// Headers added to one call (the JS client's `customHeaders`), or to every call of a
/// client. They win over the headers the SDK sets.
///
/// Names and values are checked when added: CR, LF, other control characters and
/// non-ASCII bytes are refused with a typed error, as are headers the HTTP layer owns.
///
/// ```
/// use medusa_auth_core::CustomHeaders;
/// let headers = CustomHeaders::new().with("x-request-id", "abc-123")?;
/// assert_eq!(headers.len(), 1);
/// assert!(CustomHeaders::new().with("x-evil", "a\r\nSet-Cookie: x").is_err());
/// # Ok::<(), medusa_auth_core::InvalidInput>(())
/// ```
#[derive(Clone, Default)]
pub struct CustomHeaders {
    map: HeaderMap,
}

impl CustomHeaders {
    /// No headers.
    pub fn new() -> Self {
        CustomHeaders::default()
    }

    /// Adds a header, replacing any of the same name; returns `self` for chaining.
    pub fn with(mut self, name: &str, value: &str) -> Result<Self, InvalidInput> {
        self.insert(name, value)?;
        Ok(self)
    }

    /// Adds a header, replacing any of the same name.
    pub fn insert(&mut self, name: &str, value: &str) -> Result<(), InvalidInput> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| InvalidInput::invalid_header_name(name))?;
        let value = checked_value(name.as_str(), value)?;
        self.insert_typed(name, value)
    }

    /// Adds an already-typed header, replacing any of the same name.
    pub fn insert_typed(
        &mut self,
        name: HeaderName,
        mut value: HeaderValue,
    ) -> Result<(), InvalidInput> {
        if RESERVED.contains(&name) {
            return Err(InvalidInput::ReservedHeader {
                name: name.as_str().to_owned(),
            });
        }
        if !value.as_bytes().is_ascii() {
            return Err(InvalidInput::InvalidHeaderValue {
                name: name.as_str().to_owned(),
            });
        }
        if is_sensitive(&name) {
            value.set_sensitive(true);
        }
        self.map.insert(name, value);
        Ok(())
    }

    /// Takes every header of `map` (checked as [`CustomHeaders::insert_typed`]).
    pub fn from_header_map(map: HeaderMap) -> Result<Self, InvalidInput> {
        let mut headers = CustomHeaders::new();
        let mut last_name = None;
        for (name, value) in map {
            let name = name.or_else(|| last_name.clone());
            let Some(name) = name else { continue };
            last_name = Some(name.clone());
            headers.insert_typed(name, value)?;
        }
        Ok(headers)
    }

    /// Adds every header of `other`, replacing those of the same name.
    pub fn extend(&mut self, other: CustomHeaders) {
        let mut last_name = None;
        for (name, value) in other.map {
            let Some(name) = name.or_else(|| last_name.clone()) else {
                continue;
            };
            last_name = Some(name.clone());
            self.map.insert(name, value);
        }
    }

    /// How many headers.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The value of the header `name` (any case), if set.
    pub fn get(&self, name: &str) -> Option<&HeaderValue> {
        self.map.get(name)
    }

    /// Whether a header of this name is set.
    pub fn contains(&self, name: &HeaderName) -> bool {
        self.map.contains_key(name)
    }

    /// The headers.
    pub fn iter(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        self.map.iter()
    }

    pub(crate) fn apply_to(&self, target: &mut HeaderMap) {
        for (name, value) in &self.map {
            target.insert(name.clone(), value.clone());
        }
    }
}

/// Shows header names only: a custom header may carry a secret under any name.
impl fmt::Debug for CustomHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.map.keys()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_injection_and_non_ascii() {
        for (name, value) in [
            ("x-a", "line\r\nInjected: yes"),
            ("x-a", "line\nbreak"),
            ("x-a", "caf\u{e9}"),
            ("x-a", "nul\0"),
        ] {
            let err = CustomHeaders::new().with(name, value).unwrap_err();
            assert_eq!(err, InvalidInput::InvalidHeaderValue { name: "x-a".into() });
            assert!(!err.to_string().contains(value));
        }
        for name in ["bad name", "x-\r\n", "", "caf\u{e9}", "a:b"] {
            assert!(matches!(
                CustomHeaders::new().with(name, "v"),
                Err(InvalidInput::InvalidHeaderName { .. })
            ));
        }
    }

    #[test]
    fn a_token_passed_as_a_header_name_is_not_shown() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoidXNyXzEifQ.c2lnbmF0dXJl";
        for name in [format!("Bearer {jwt}"), format!("{jwt}\r\n")] {
            let err = CustomHeaders::new()
                .with(&name, "authorization")
                .unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("eyJ"), "{shown}");
        }
        let err = CustomHeaders::new().with("bad name", "v").unwrap_err();
        assert!(err.to_string().contains("bad name"), "{err}");
    }

    #[test]
    fn refuses_headers_the_http_layer_owns() {
        for name in ["Host", "content-length", "Transfer-Encoding", "connection"] {
            assert!(matches!(
                CustomHeaders::new().with(name, "x"),
                Err(InvalidInput::ReservedHeader { .. })
            ));
        }
    }

    #[test]
    fn marks_secrets_sensitive_and_hides_values_in_debug() {
        let headers = CustomHeaders::new()
            .with("Authorization", "Bearer top-secret")
            .unwrap()
            .with("x-api-key", "also-secret")
            .unwrap();
        let (_, value) = headers
            .iter()
            .find(|(n, _)| *n == header::AUTHORIZATION)
            .unwrap();
        assert!(value.is_sensitive());
        let shown = format!("{headers:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("authorization"), "{shown}");
    }

    #[test]
    fn later_values_replace_earlier_ones() {
        let headers = CustomHeaders::new()
            .with("x-a", "1")
            .unwrap()
            .with("X-A", "2")
            .unwrap();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers.iter().next().unwrap().1, "2");
    }

    #[test]
    fn every_credential_header_is_sensitive_and_only_those() {
        for name in [
            "authorization",
            "Cookie",
            "set-cookie",
            "Proxy-Authorization",
            "x-medusa-access-token",
        ] {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            assert!(is_sensitive(&name), "{name}");
            let headers = CustomHeaders::new().with(name.as_str(), "v").unwrap();
            assert!(headers.get(name.as_str()).unwrap().is_sensitive(), "{name}");
        }
        for name in [
            "x-request-id",
            "accept",
            "x-publishable-api-key",
            "user-agent",
        ] {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            assert!(!is_sensitive(&name), "{name}");
            let headers = CustomHeaders::new().with(name.as_str(), "v").unwrap();
            assert!(
                !headers.get(name.as_str()).unwrap().is_sensitive(),
                "{name}"
            );
        }
        assert!(is_credential(&header::AUTHORIZATION) && is_credential(&ACCESS_TOKEN));
        assert!(!is_credential(&PUBLISHABLE_API_KEY));
    }

    #[test]
    fn counts_finds_and_takes_a_header_map() {
        let mut empty = CustomHeaders::new();
        assert!(empty.is_empty());
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.get("x-a"), None);
        let mut map = HeaderMap::new();
        map.append("x-a", HeaderValue::from_static("1"));
        map.append("x-a", HeaderValue::from_static("2"));
        map.append("cookie", HeaderValue::from_static("c=1"));
        map.append("x-b", HeaderValue::from_static("3"));
        let headers = CustomHeaders::from_header_map(map).unwrap();
        // The later value of a repeated header wins.
        assert_eq!(headers.len(), 3);
        assert!(!headers.is_empty());
        assert_eq!(headers.get("X-A").unwrap(), "2");
        assert!(headers.get("cookie").unwrap().is_sensitive());
        empty.extend(headers);
        assert_eq!(empty.len(), 3);
        let mut reserved = HeaderMap::new();
        reserved.insert("host", HeaderValue::from_static("evil"));
        assert!(matches!(
            CustomHeaders::from_header_map(reserved),
            Err(InvalidInput::ReservedHeader { .. })
        ));
    }
}
