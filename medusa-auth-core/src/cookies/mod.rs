//! The session-cookie rules: one small jar per session.
//!
//! `Set-Cookie` is parsed as RFC 6265 §5.2 says (`set_cookie.rs`) and the value kept
//! byte for byte
//! (Medusa's `connect.sid` is `s%3A<sid>.<signature>`, sent back exactly as
//! received, never decoded). A cookie is bound to the origin that set it (it is
//! host-only: `Domain` is not used to widen it), matched on `Path`, dropped when it
//! expires (`Max-Age` wins over `Expires`), and a `Secure` cookie is sent only over
//! HTTPS or to a loopback host.

use jiff::Timestamp;
use std::borrow::Cow;

use http::header::{self, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

mod set_cookie;

use set_cookie::SetCookie;

use crate::base_url::Origin;
use crate::error::InvalidInput;
use crate::secret::{header_text, wiped_header_value};

/// The name of Medusa's session cookie (express-session's default).
pub const SESSION_COOKIE_NAME: &str = "connect.sid";
/// At most this many cookies are kept per handle; more are ignored.
pub const MAX_COOKIES: usize = 16;
/// A cookie whose name and value together are longer than this is ignored.
pub const MAX_COOKIE_LEN: usize = 4096;

/// What a response did to the session cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCookieChange {
    /// The response did not mention it.
    Untouched,
    /// It was set (new or the same value again) and can be sent back.
    Stored,
    /// It was set with an expiry in the past: removed.
    Removed,
    /// It was set `Secure` over plain HTTP to a host that is not loopback: refused.
    RefusedSecure,
}

#[derive(Clone)]
struct StoredCookie {
    /// `name=value`, as a `Cookie` header sends it: checked once, marked sensitive,
    /// in bytes wiped when the last copy is dropped (a request in flight may hold
    /// one). A handle with one cookie sends this very value, a reference count.
    pair: HeaderValue,
    /// Where the name ends in `pair` (at the `=`).
    name_len: usize,
    origin: Origin,
    path: Cow<'static, str>,
    expires: Option<Timestamp>,
    secure: bool,
}

impl StoredCookie {
    /// `None` when `name=value` is not something a `Cookie` header can carry.
    fn new(
        name: &str,
        value: &str,
        origin: &Origin,
        path: Cow<'static, str>,
        expires: Option<Timestamp>,
        secure: bool,
    ) -> Option<Self> {
        let mut pair = Vec::with_capacity(name.len() + 1 + value.len());
        pair.extend_from_slice(name.as_bytes());
        pair.push(b'=');
        pair.extend_from_slice(value.as_bytes());
        Some(StoredCookie {
            pair: wiped_header_value(pair)?,
            name_len: name.len(),
            origin: origin.clone(),
            path,
            expires,
            secure,
        })
    }

    fn name(&self) -> &str {
        header_text(&self.pair, ..self.name_len)
    }

    fn value(&self) -> &str {
        header_text(&self.pair, self.name_len + 1..)
    }

    fn is_expired(&self, now: Timestamp) -> bool {
        self.expires.is_some_and(|at| at <= now)
    }

    fn matches(&self, origin: &Origin, request_path: &str, now: Timestamp) -> bool {
        &self.origin == origin
            && path_matches(&self.path, request_path)
            && !self.is_expired(now)
            && (!self.secure || origin.is_potentially_trustworthy())
    }
}

/// The cookies of one session handle.
///
/// `Debug` shows names only.
#[derive(Clone, Default)]
pub struct CookieJar {
    cookies: Vec<StoredCookie>,
}

impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.cookies.iter().map(StoredCookie::name))
            .finish()
    }
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        CookieJar::default()
    }

    /// Takes the `Set-Cookie` headers of a response to a request for `request_path`
    /// at `origin`, and reports what happened to the cookie named `session_name`.
    ///
    /// Malformed, oversize and non-UTF-8 headers are ignored, as browsers do.
    pub fn store_from_response(
        &mut self,
        origin: &Origin,
        request_path: &str,
        headers: &HeaderMap,
        session_name: &str,
        now: Timestamp,
    ) -> SessionCookieChange {
        let mut change = SessionCookieChange::Untouched;
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            if text.len() > MAX_COOKIE_LEN * 2 {
                continue;
            }
            let Some(parsed) = set_cookie::parse(text) else {
                continue;
            };
            let outcome = self.store_one(origin, request_path, &parsed, now);
            if parsed.name == session_name {
                change = outcome;
            }
        }
        change
    }

    fn store_one(
        &mut self,
        origin: &Origin,
        request_path: &str,
        parsed: &SetCookie<'_>,
        now: Timestamp,
    ) -> SessionCookieChange {
        let (name, value) = (parsed.name, parsed.value);
        if name.is_empty() || name.len() + value.len() > MAX_COOKIE_LEN {
            return SessionCookieChange::Untouched;
        }
        let secure = parsed.secure;
        if secure && !origin.is_potentially_trustworthy() {
            return SessionCookieChange::RefusedSecure;
        }
        let path = match parsed.path {
            Some("/") => Cow::Borrowed("/"),
            Some(path) => Cow::Owned(path.to_owned()),
            None => default_path(request_path),
        };
        let expires = match parsed.max_age {
            // A Max-Age past what the clock can represent means no expiry at all.
            Some(max_age) if max_age > 0 => now
                .checked_add(jiff::SignedDuration::from_secs(max_age))
                .ok(),
            Some(_) => Some(Timestamp::UNIX_EPOCH),
            None => parsed.expires,
        };
        self.cookies
            .retain(|c| !(c.name() == name && c.path == path && &c.origin == origin));
        if expires.is_some_and(|at| at <= now) {
            return SessionCookieChange::Removed;
        }
        self.cookies.retain(|c| !c.is_expired(now));
        if self.cookies.len() >= MAX_COOKIES {
            return SessionCookieChange::Untouched;
        }
        // The header it came in was visible ASCII, so this holds.
        let Some(cookie) = StoredCookie::new(name, value, origin, path, expires, secure) else {
            return SessionCookieChange::Untouched;
        };
        // A handle holds one cookie or two: grow by one, not by Vec's four-slot
        // minimum (10,000 handles would carry 4 MB of empty slots).
        self.cookies.reserve_exact(1);
        self.cookies.push(cookie);
        SessionCookieChange::Stored
    }

    /// Sets a cookie by hand (a session cookie the caller kept), for every path of
    /// `origin`, with no expiry.
    pub fn insert(
        &mut self,
        origin: &Origin,
        name: &str,
        value: SecretString,
    ) -> Result<(), InvalidInput> {
        let refused = || InvalidInput::InvalidHeaderValue {
            name: "cookie".into(),
        };
        let value = value.expose_secret();
        if name.len() + 1 + value.len() > MAX_COOKIE_LEN {
            return Err(refused());
        }
        let cookie = StoredCookie::new(name, value, origin, Cow::Borrowed("/"), None, false)
            .ok_or_else(refused)?;
        // Sent back as it is, it must read back as this name and this value.
        let faithful = set_cookie::parse(cookie.pair.to_str().map_err(|_| refused())?)
            .is_some_and(|parsed| parsed.name == name && parsed.value == value);
        if !faithful {
            return Err(refused());
        }
        self.cookies
            .retain(|c| !(c.name() == name && &c.origin == origin));
        self.cookies.reserve_exact(1);
        self.cookies.push(cookie);
        Ok(())
    }

    /// The `Cookie` header for a request to `request_path` at `origin`, marked
    /// sensitive; `None` when no cookie applies.
    pub fn header_for(
        &self,
        origin: &Origin,
        request_path: &str,
        now: Timestamp,
    ) -> Option<HeaderValue> {
        let sent = || {
            self.cookies
                .iter()
                .filter(|c| c.matches(origin, request_path, now))
        };
        let mut matching = sent();
        let first = matching.next()?;
        if matching.next().is_none() {
            // One cookie, the usual case: its stored pair is the header.
            return Some(first.pair.clone());
        }
        // Measured first, so the line is written once into a buffer of its size (the
        // wiped header takes it as it is).
        let len: usize = sent().map(|c| c.pair.len() + 2).sum();
        let mut line = Vec::with_capacity(len - 2);
        for cookie in sent() {
            if !line.is_empty() {
                line.extend_from_slice(b"; ");
            }
            line.extend_from_slice(cookie.pair.as_bytes());
        }
        // Every stored pair is a valid header value.
        wiped_header_value(line)
    }

    /// A copy of the value of the cookie `name` that would be sent to `origin`, if
    /// any (zeroized when dropped).
    pub fn get(&self, origin: &Origin, name: &str, now: Timestamp) -> Option<SecretString> {
        self.cookies
            .iter()
            .find(|c| c.name() == name && c.matches(origin, "/", now))
            .map(|c| SecretString::from(c.value()))
    }

    /// Forgets every cookie named `name`.
    pub fn remove(&mut self, name: &str) {
        self.cookies.retain(|c| c.name() != name);
    }

    /// How many cookies are kept (expired ones included until the next store).
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// Whether the jar is empty.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }
}

/// RFC 6265 §5.1.4 path-match.
fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// RFC 6265 §5.1.4 default-path.
fn default_path(request_path: &str) -> Cow<'static, str> {
    match request_path.rfind('/') {
        Some(0) | None => Cow::Borrowed("/"),
        Some(index) => Cow::Owned(request_path[..index].to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BaseUrl;

    // transcripts.md, exchange 11.
    const LOGIN_SET_COOKIE: &str = "connect.sid=s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw; Path=/; Expires=Sun, 22 Nov 2026 23:08:29 GMT; HttpOnly";
    const LOGIN_COOKIE_VALUE: &str =
        "s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw";

    fn origin(url: &str) -> Origin {
        BaseUrl::parse(url).unwrap().origin().clone()
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::try_from(httpdate::parse_http_date(text).unwrap()).unwrap()
    }

    fn response_headers(set_cookies: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in set_cookies {
            headers.append(header::SET_COOKIE, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn jar_with(
        origin: &Origin,
        set_cookies: &[&str],
        now: Timestamp,
    ) -> (CookieJar, SessionCookieChange) {
        let mut jar = CookieJar::new();
        let change = jar.store_from_response(
            origin,
            "/admin/auth",
            &response_headers(set_cookies),
            SESSION_COOKIE_NAME,
            now,
        );
        (jar, change)
    }

    #[test]
    fn sends_the_value_back_byte_for_byte() {
        let local = origin("http://127.0.0.1:9000");
        let now = at("Sun, 22 Nov 2026 13:08:29 GMT");
        let (jar, change) = jar_with(&local, &[LOGIN_SET_COOKIE], now);
        assert_eq!(change, SessionCookieChange::Stored);
        let header = jar.header_for(&local, "/admin/auth", now).unwrap();
        assert_eq!(
            header.as_bytes(),
            format!("connect.sid={LOGIN_COOKIE_VALUE}").as_bytes()
        );
        assert!(header.is_sensitive());
    }

    #[test]
    fn honours_expiry() {
        let local = origin("http://127.0.0.1:9000");
        let now = at("Sun, 22 Nov 2026 13:08:29 GMT");
        let (jar, _) = jar_with(&local, &[LOGIN_SET_COOKIE], now);
        assert!(
            jar.header_for(&local, "/", at("Sun, 22 Nov 2026 23:08:28 GMT"))
                .is_some()
        );
        assert!(
            jar.header_for(&local, "/", at("Sun, 22 Nov 2026 23:08:29 GMT"))
                .is_none()
        );

        // Max-Age wins over Expires.
        let (jar, _) = jar_with(
            &local,
            &["a=1; Path=/; Max-Age=10; Expires=Sun, 22 Nov 2099 23:08:29 GMT"],
            now,
        );
        assert!(
            jar.header_for(&local, "/", now + std::time::Duration::from_secs(9))
                .is_some()
        );
        assert!(
            jar.header_for(&local, "/", now + std::time::Duration::from_secs(10))
                .is_none()
        );
    }

    #[test]
    fn an_absurd_max_age_means_no_expiry() {
        let local = origin("http://127.0.0.1:9000");
        let now = at("Sun, 22 Nov 2026 13:08:29 GMT");
        let (jar, change) = jar_with(&local, &["a=1; Path=/; Max-Age=9223372036854775807"], now);
        assert_eq!(change, SessionCookieChange::Untouched);
        assert!(jar.header_for(&local, "/", now).is_some());
    }

    #[test]
    fn an_expired_set_cookie_removes_the_cookie() {
        let local = origin("http://127.0.0.1:9000");
        let now = at("Sun, 22 Nov 2026 13:08:29 GMT");
        let (mut jar, _) = jar_with(&local, &[LOGIN_SET_COOKIE], now);
        let change = jar.store_from_response(
            &local,
            "/admin/auth",
            &response_headers(&["connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"]),
            SESSION_COOKIE_NAME,
            now,
        );
        assert_eq!(change, SessionCookieChange::Removed);
        assert!(jar.header_for(&local, "/", now).is_none());
    }

    #[test]
    fn belongs_to_its_origin() {
        let first = origin("http://127.0.0.1:9000");
        let now = at("Sun, 22 Nov 2026 13:08:29 GMT");
        let (jar, _) = jar_with(&first, &[LOGIN_SET_COOKIE], now);
        for other in [
            "http://127.0.0.1:9001",
            "https://127.0.0.1:9000",
            "http://localhost:9000",
        ] {
            assert!(
                jar.header_for(&origin(other), "/admin/auth", now).is_none(),
                "{other}"
            );
        }
    }

    #[test]
    fn matches_paths() {
        let local = origin("http://127.0.0.1:9000");
        let now = Timestamp::UNIX_EPOCH;
        let (jar, _) = jar_with(&local, &["a=1; Path=/store"], now);
        assert!(jar.header_for(&local, "/store", now).is_some());
        assert!(jar.header_for(&local, "/store/auth", now).is_some());
        assert!(jar.header_for(&local, "/storefront", now).is_none());
        assert!(jar.header_for(&local, "/admin/auth", now).is_none());
        // No Path: the directory of the request path (/admin).
        let (jar, _) = jar_with(&local, &["b=2"], now);
        assert!(jar.header_for(&local, "/admin/auth/token", now).is_some());
        assert!(jar.header_for(&local, "/store/auth", now).is_none());
    }

    #[test]
    fn secure_cookies_only_over_https_or_loopback() {
        let now = Timestamp::UNIX_EPOCH;
        let set = "connect.sid=s%3Ax.y; Path=/; HttpOnly; Secure; SameSite=None";
        let (_, change) = jar_with(&origin("http://shop.example.com"), &[set], now);
        assert_eq!(change, SessionCookieChange::RefusedSecure);
        for trusted in [
            "https://shop.example.com",
            "http://127.0.0.1:9000",
            "http://localhost:9000",
        ] {
            let o = origin(trusted);
            let (jar, change) = jar_with(&o, &[set], now);
            assert_eq!(change, SessionCookieChange::Stored, "{trusted}");
            assert!(
                jar.header_for(&o, "/admin/auth", now).is_some(),
                "{trusted}"
            );
        }
    }

    #[test]
    fn ignores_garbage_and_bounds_the_jar() {
        let local = origin("http://127.0.0.1:9000");
        let now = Timestamp::UNIX_EPOCH;
        let huge = format!("big={}", "x".repeat(MAX_COOKIE_LEN));
        let (jar, change) = jar_with(
            &local,
            &["", "=novalue", "no-equals-sign", ";;;", &huge],
            now,
        );
        assert_eq!(change, SessionCookieChange::Untouched);
        assert!(jar.is_empty());
        let many: Vec<String> = (0..100).map(|i| format!("c{i}=v")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let (jar, _) = jar_with(&local, &many, now);
        assert_eq!(jar.len(), MAX_COOKIES);
    }

    #[test]
    fn a_later_set_cookie_replaces_the_earlier_one() {
        let local = origin("http://127.0.0.1:9000");
        let now = Timestamp::UNIX_EPOCH;
        let (mut jar, _) = jar_with(&local, &["connect.sid=s%3Aanon.sig; Path=/"], now);
        jar.store_from_response(
            &local,
            "/admin/auth",
            &response_headers(&[LOGIN_SET_COOKIE]),
            SESSION_COOKIE_NAME,
            now,
        );
        assert_eq!(jar.len(), 1);
        assert_eq!(
            jar.get(&local, SESSION_COOKIE_NAME, now)
                .unwrap()
                .expose_secret(),
            LOGIN_COOKIE_VALUE
        );
    }

    #[test]
    fn hand_set_cookies_are_checked() {
        let local = origin("http://127.0.0.1:9000");
        let mut jar = CookieJar::new();
        assert!(
            jar.insert(&local, SESSION_COOKIE_NAME, LOGIN_COOKIE_VALUE.into())
                .is_ok()
        );
        assert!(
            jar.insert(&local, SESSION_COOKIE_NAME, "a\r\nX: y".into())
                .is_err()
        );
        assert!(
            jar.insert(&local, SESSION_COOKIE_NAME, "a; b=c".into())
                .is_err()
        );
        assert_eq!(jar.len(), 1);
        assert!(!format!("{jar:?}").contains("1FFHN"));
    }

    #[test]
    fn a_plain_cookie_goes_back_to_a_remote_http_host() {
        let remote = origin("http://shop.example.com");
        let (jar, change) = jar_with(
            &remote,
            &["connect.sid=s%3Aa.b; Path=/"],
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(change, SessionCookieChange::Stored);
        assert!(
            jar.header_for(&remote, "/store/auth", Timestamp::UNIX_EPOCH)
                .is_some()
        );
    }

    #[test]
    fn keeps_every_legal_size_and_only_those() {
        let local = origin("http://127.0.0.1:9000");
        let now = Timestamp::UNIX_EPOCH;
        // name=value of exactly the limit, on a header line of up to twice it.
        let value = "v".repeat(MAX_COOKIE_LEN - "big".len());
        let attributes = format!("; Path=/; x={}", "a".repeat(MAX_COOKIE_LEN - 20));
        let legal = format!("big={value}{attributes}");
        assert!(legal.len() > MAX_COOKIE_LEN && legal.len() <= 2 * MAX_COOKIE_LEN);
        let (jar, _) = jar_with(&local, &[&legal], now);
        assert_eq!(jar.len(), 1, "a {}-byte header line", legal.len());
        assert!(!jar.is_empty());
        let exactly_twice = format!("{legal}{}", "a".repeat(2 * MAX_COOKIE_LEN - legal.len()));
        assert_eq!(exactly_twice.len(), 2 * MAX_COOKIE_LEN);
        let (jar, _) = jar_with(&local, &[&exactly_twice], now);
        assert_eq!(jar.len(), 1, "a header line of exactly twice the limit");
        let over_value = format!("big={value}v; Path=/");
        let (jar, _) = jar_with(&local, &[&over_value], now);
        assert!(jar.is_empty(), "name and value over the limit");
        let over_line = format!(
            "{legal}{}",
            "a".repeat(2 * MAX_COOKIE_LEN - legal.len() + 1)
        );
        let (jar, _) = jar_with(&local, &[&over_line], now);
        assert!(jar.is_empty(), "a header line over twice the limit");
    }

    #[test]
    fn a_max_age_of_zero_removes_the_cookie() {
        let local = origin("http://127.0.0.1:9000");
        let now = at("Sun, 22 Nov 2026 13:08:29 GMT");
        let (mut jar, _) = jar_with(&local, &[LOGIN_SET_COOKIE], now);
        let change = jar.store_from_response(
            &local,
            "/",
            &response_headers(&["connect.sid=x; Path=/; Max-Age=0"]),
            SESSION_COOKIE_NAME,
            now,
        );
        assert_eq!(change, SessionCookieChange::Removed);
        assert!(jar.is_empty());
        // A Max-Age too negative to add to the clock still means expired, not never.
        let (jar, change) = jar_with(&local, &["a=1; Path=/; Max-Age=-99999999999999999999"], now);
        assert_eq!(change, SessionCookieChange::Untouched);
        assert!(jar.is_empty());
        let (jar, change) = jar_with(&local, &["a=1; Path=/; Max-Age=1"], now);
        assert_eq!(change, SessionCookieChange::Untouched);
        assert!(jar.header_for(&local, "/", now).is_some());
    }

    #[test]
    fn a_cookie_set_by_hand_replaces_its_namesake_only() {
        let local = origin("http://127.0.0.1:9000");
        let other_origin = origin("http://127.0.0.1:9001");
        let now = Timestamp::UNIX_EPOCH;
        let (mut jar, _) = jar_with(&local, &["other=1; Path=/"], now);
        jar.store_from_response(
            &other_origin,
            "/",
            &response_headers(&["connect.sid=elsewhere; Path=/"]),
            SESSION_COOKIE_NAME,
            now,
        );
        jar.insert(&local, SESSION_COOKIE_NAME, "first".into())
            .unwrap();
        jar.insert(&local, SESSION_COOKIE_NAME, "second".into())
            .unwrap();
        assert_eq!(jar.len(), 3);
        assert_eq!(
            jar.get(&local, SESSION_COOKIE_NAME, now)
                .unwrap()
                .expose_secret(),
            "second"
        );
        assert_eq!(
            jar.get(&other_origin, SESSION_COOKIE_NAME, now)
                .unwrap()
                .expose_secret(),
            "elsewhere"
        );
        assert_eq!(jar.get(&local, "other", now).unwrap().expose_secret(), "1");
        assert!(jar.get(&local, "absent", now).is_none());
        let header = jar.header_for(&local, "/", now).unwrap();
        assert_eq!(header.as_bytes(), b"other=1; connect.sid=second");
        // The limit counts the name, the '=' and the value.
        let room = MAX_COOKIE_LEN - SESSION_COOKIE_NAME.len() - 1;
        assert!(
            jar.insert(&local, SESSION_COOKIE_NAME, "v".repeat(room).into())
                .is_ok()
        );
        assert!(
            jar.insert(&local, SESSION_COOKIE_NAME, "v".repeat(room + 1).into())
                .is_err()
        );
    }

    #[test]
    fn debug_names_each_cookie_kept() {
        let local = origin("http://127.0.0.1:9000");
        let (mut jar, _) = jar_with(&local, &["other=1; Path=/"], Timestamp::UNIX_EPOCH);
        jar.insert(&local, SESSION_COOKIE_NAME, LOGIN_COOKIE_VALUE.into())
            .unwrap();
        assert_eq!(format!("{jar:?}"), r#"{"other", "connect.sid"}"#);
    }

    #[test]
    fn cookies_with_empty_values_share_one_header() {
        let local = origin("http://127.0.0.1:9000");
        let now = Timestamp::UNIX_EPOCH;
        let (jar, _) = jar_with(&local, &["a=; Path=/", "b=; Path=/"], now);
        let header = jar.header_for(&local, "/", now).unwrap();
        assert_eq!(header.as_bytes(), b"a=; b=");
        assert!(header.is_sensitive());
    }
}
