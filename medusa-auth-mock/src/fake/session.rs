//! The session cookie, as express-session 1.x (with Medusa's options) keeps it:
//! `connect.sid`, signed like cookie-signature, sessions kept server-side for 10 h
//! after their last use, a `Set-Cookie` only when the session is new or was modified.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

use super::memo::Memo;

/// The cookie's name (express-session's default, which Medusa keeps).
pub(crate) const COOKIE_NAME: &str = "connect.sid";
/// How long a session lives after its last use, and the cookie's `Expires` offset
/// (Medusa's `session_options.ttl` default).
pub(crate) const SESSION_TTL: Duration = Duration::from_secs(10 * 60 * 60);
/// At most this many sessions are kept; beyond it, expired then anonymous ones go.
pub(crate) const MAX_SESSIONS: usize = 100_000;

/// What `encodeURIComponent` leaves raw: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The secret the cookie is signed with. `Debug` hides it.
#[derive(Clone)]
pub(crate) struct CookieSecret {
    /// HMAC-SHA256 keyed with the secret, cloned for each signature (the key's
    /// two blocks are hashed once, not per request).
    keyed: Hmac<Sha256>,
    /// Signed values already checked, and the value each carries.
    verified: Memo<String>,
}

impl fmt::Debug for CookieSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CookieSecret([REDACTED])")
    }
}

impl CookieSecret {
    pub(crate) fn new(secret: &[u8]) -> Self {
        CookieSecret {
            keyed: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length"),
            verified: Memo::default(),
        }
    }

    /// cookie-signature's `sign`: `value.base64(HMAC-SHA256(secret, value))`, the
    /// padding cut.
    pub(crate) fn sign(&self, value: &str) -> String {
        let mut mac = self.keyed.clone();
        mac.update(value.as_bytes());
        let signature =
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{value}.{signature}")
    }

    /// cookie-signature's `unsign`: the value, when the signature is right (compared
    /// in constant time).
    pub(crate) fn unsign<'a>(&self, signed: &'a str) -> Option<&'a str> {
        let dot = signed.rfind('.')?;
        let value = &signed[..dot];
        let expected = self.sign(value);
        medusa_auth_core::internal::constant_time_eq(&expected, signed).then_some(value)
    }

    /// The cookie value for `sid`: `s%3A<sid>.<signature>`, percent-encoded as
    /// `encodeURIComponent` does (`+` → `%2B`, `/` → `%2F`).
    pub(crate) fn cookie_value(&self, sid: &str) -> String {
        let signed = format!("s:{}", self.sign(sid));
        utf8_percent_encode(&signed, URI_COMPONENT).to_string()
    }

    /// The session id a `Cookie` header carries, when its `connect.sid` is signed with
    /// this secret (express-session's `getcookie`).
    pub(crate) fn sid_from_cookie_header(&self, header: &str) -> Option<String> {
        let raw = cookie_value(header, COOKIE_NAME)?;
        let signed = raw.strip_prefix("s:")?;
        self.verified
            .get_or_compute(signed.as_bytes(), || self.unsign(signed).map(str::to_owned))
    }
}

/// The value of cookie `name` in a `Cookie` header, as the `cookie` package's `parse`
/// reads it: the first pair of that name wins, surrounding quotes are removed, and the
/// value is URI-decoded when it decodes (else kept raw).
pub(crate) fn cookie_value(header: &str, name: &str) -> Option<String> {
    for pair in header.split(';') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        if key.trim() != name {
            continue;
        }
        let mut value = value.trim();
        if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
            value = &value[1..value.len() - 1];
        }
        if !value.contains('%') {
            return Some(value.to_owned());
        }
        return Some(decode_uri_component(value).unwrap_or_else(|| value.to_owned()));
    }
    None
}

/// JavaScript's `decodeURIComponent`: `None` where it would throw a `URIError`
/// (a `%` not followed by two hex digits, or bytes that are not UTF-8).
pub(crate) fn decode_uri_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = bytes.get(index + 1..index + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A new session id: 24 random bytes in URL-safe base64 (uid-safe's `uid(24)`),
/// 32 characters.
pub(crate) fn new_sid() -> String {
    let mut bytes = [0u8; 24];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What a session holds: who is logged in on each side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SessionData {
    /// `req.session.user_id`: the admin logged in with this cookie.
    pub(crate) user_id: Option<String>,
    /// `req.session.customer_id`: the customer logged in with this cookie.
    pub(crate) customer_id: Option<String>,
}

impl SessionData {
    fn is_anonymous(&self) -> bool {
        self.user_id.is_none() && self.customer_id.is_none()
    }
}

#[derive(Debug, Clone)]
struct StoredSession {
    data: SessionData,
    expires: SystemTime,
}

/// The server-side sessions (express-session's MemoryStore).
#[derive(Debug, Default)]
pub(crate) struct SessionStore {
    sessions: HashMap<String, StoredSession>,
}

impl SessionStore {
    /// The live session `sid`, if any (an expired one is dropped).
    pub(crate) fn get(&mut self, sid: &str, now: SystemTime) -> Option<SessionData> {
        let stored = self.sessions.get(sid)?;
        if stored.expires <= now {
            self.sessions.remove(sid);
            return None;
        }
        Some(stored.data.clone())
    }

    /// Saves a session (resave: every request saves and touches it).
    pub(crate) fn save(&mut self, sid: &str, data: SessionData, now: SystemTime) {
        let expires = now.checked_add(SESSION_TTL).unwrap_or(now);
        if !self.sessions.contains_key(sid) && self.sessions.len() >= MAX_SESSIONS {
            self.prune(now);
        }
        self.sessions
            .insert(sid.to_owned(), StoredSession { data, expires });
    }

    /// Destroys a session.
    pub(crate) fn destroy(&mut self, sid: &str) {
        self.sessions.remove(sid);
    }

    /// How many sessions are kept (anonymous ones included).
    pub(crate) fn len(&self) -> usize {
        self.sessions.len()
    }

    /// Drops expired sessions, then anonymous ones, until there is room.
    fn prune(&mut self, now: SystemTime) {
        self.sessions.retain(|_, s| s.expires > now);
        if self.sessions.len() >= MAX_SESSIONS {
            self.sessions.retain(|_, s| !s.data.is_anonymous());
        }
        if self.sessions.len() >= MAX_SESSIONS {
            // Still full of logged-in sessions: drop the ones closest to expiry.
            let mut by_expiry: Vec<(SystemTime, String)> = self
                .sessions
                .iter()
                .map(|(sid, s)| (s.expires, sid.clone()))
                .collect();
            by_expiry.sort();
            for (_, sid) in by_expiry.into_iter().take(MAX_SESSIONS / 10) {
                self.sessions.remove(&sid);
            }
        }
    }
}

/// The `Set-Cookie` value express-session sends for `cookie_value` at `now`:
/// `connect.sid=<value>; Path=/; Expires=<now + 10 h>; HttpOnly`, with
/// `; Secure; SameSite=None` in production.
pub(crate) fn set_cookie(cookie_value: &str, now: SystemTime, production: bool) -> String {
    let expires = httpdate::fmt_http_date(now.checked_add(SESSION_TTL).unwrap_or(now));
    let mut header = format!("{COOKIE_NAME}={cookie_value}; Path=/; Expires={expires}; HttpOnly");
    if production {
        header.push_str("; Secure; SameSite=None");
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_cookie_signature() {
        // Vectors computed with the algorithm of cookie-signature
        // (HMAC-SHA256, standard base64, padding cut).
        let secret = CookieSecret::new(b"supersecret");
        assert_eq!(
            secret.sign("1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn"),
            "1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.kMSlBvc1QFI4OloaphKvgqdZqi9OE6IzQKhOAQyS9ZY"
        );
        let secret = CookieSecret::new(b"cookie_secret");
        let value = secret.cookie_value("1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn");
        assert_eq!(
            value,
            "s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.A7U12Fo0WPgBivYT4qFyIGJHla2vwCQNXdmpfV4%2B%2Fa4"
        );
        let header = format!("other=1; connect.sid={value}; x=y");
        assert_eq!(
            secret.sid_from_cookie_header(&header).as_deref(),
            Some("1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn")
        );
    }

    #[test]
    fn refuses_forged_unsigned_and_foreign_cookies() {
        let secret = CookieSecret::new(b"cookie_secret");
        let other = CookieSecret::new(b"another secret");
        let foreign = other.cookie_value("abc");
        for header in [
            "connect.sid=not-a-real-session".to_owned(),
            "connect.sid=s%3Aabc".to_owned(),
            "connect.sid=s%3Aabc.".to_owned(),
            format!("connect.sid={foreign}"),
            "connect.sid=%E0%A4%A".to_owned(),
            "".to_owned(),
            ";;;==;".to_owned(),
        ] {
            assert_eq!(secret.sid_from_cookie_header(&header), None, "{header}");
        }
        // The first pair of the name wins, as in the cookie package.
        let good = secret.cookie_value("abc");
        let header = format!("connect.sid={good}; connect.sid=junk");
        assert_eq!(
            secret.sid_from_cookie_header(&header).as_deref(),
            Some("abc")
        );
        let header = format!("connect.sid=junk; connect.sid={good}");
        assert_eq!(secret.sid_from_cookie_header(&header), None);
        assert!(!format!("{secret:?}").contains("cookie_secret"));
    }

    #[test]
    fn session_ids_look_like_uid_safe_ones() {
        let sid = new_sid();
        assert_eq!(sid.len(), 32);
        assert!(
            sid.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(sid, new_sid());
    }

    #[test]
    fn decodes_like_javascript() {
        assert_eq!(decode_uri_component("a%40b").as_deref(), Some("a@b"));
        assert_eq!(decode_uri_component("%2B%2f").as_deref(), Some("+/"));
        assert_eq!(decode_uri_component("%"), None);
        assert_eq!(decode_uri_component("%zz"), None);
        assert_eq!(decode_uri_component("%C3%28"), None);
        assert_eq!(decode_uri_component("j%C3%B6rg").as_deref(), Some("jörg"));
    }

    #[test]
    fn sessions_expire_ten_hours_after_their_last_save() {
        let mut store = SessionStore::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        store.save("a", SessionData::default(), t0);
        assert!(
            store
                .get("a", t0 + SESSION_TTL - Duration::from_secs(1))
                .is_some()
        );
        store.save("a", SessionData::default(), t0 + Duration::from_secs(3600));
        assert!(store.get("a", t0 + SESSION_TTL).is_some());
        assert!(
            store
                .get("a", t0 + SESSION_TTL + Duration::from_secs(3600))
                .is_none()
        );
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn the_store_is_bounded_and_keeps_logged_in_sessions() {
        let mut store = SessionStore::default();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let logged_in = SessionData {
            user_id: Some("usr_1".into()),
            customer_id: None,
        };
        store.save("keep", logged_in.clone(), now);
        for index in 0..MAX_SESSIONS + 10 {
            store.save(&format!("anon-{index}"), SessionData::default(), now);
        }
        assert!(store.len() <= MAX_SESSIONS, "{}", store.len());
        assert_eq!(store.get("keep", now), Some(logged_in));
    }

    #[test]
    fn formats_set_cookie_as_recorded() {
        let now = httpdate::parse_http_date("Sun, 22 Nov 2026 13:08:29 GMT").unwrap();
        assert_eq!(
            set_cookie("s%3Aabc.def", now, false),
            "connect.sid=s%3Aabc.def; Path=/; Expires=Sun, 22 Nov 2026 23:08:29 GMT; HttpOnly"
        );
        assert!(set_cookie("v", now, true).ends_with("; HttpOnly; Secure; SameSite=None"));
    }
}
