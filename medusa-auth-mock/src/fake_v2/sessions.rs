//! express-session 1.19 with Medusa v2's options: `connect.sid`, a session saved only
//! once something is put in it (`saveUninitialized: false`: no cookie on anonymous
//! requests), re-saved on every request (`resave: true`: the store keeps it 10 h
//! after its last use), a `Set-Cookie` only when it changed (`rolling: false`). The
//! session holds the auth context `POST /auth/session` put there.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::json::Js;
use super::shared::session::COOKIE_NAME;

/// `sessionOptions.ttl`'s default (10 h): the cookie's `Expires` offset and how
/// long the store keeps an unused session.
pub(crate) const SESSION_TTL: Duration = Duration::from_secs(10 * 60 * 60);
/// At most this many sessions are kept; beyond it, expired ones go, then those
/// closest to expiry.
pub(crate) const MAX_SESSIONS: usize = 100_000;

#[derive(Debug, Clone)]
struct Stored {
    auth_context: Arc<Js>,
    expires: SystemTime,
}

/// The server-side sessions (express-session's MemoryStore). `Debug` shows how
/// many, not their ids.
#[derive(Default, Clone)]
pub(crate) struct Sessions {
    sessions: HashMap<String, Stored>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("count", &self.sessions.len())
            .finish()
    }
}

impl Sessions {
    /// The auth context of live session `sid` (an expired one is dropped).
    pub(crate) fn get(&mut self, sid: &str, now: SystemTime) -> Option<Arc<Js>> {
        let stored = self.sessions.get(sid)?;
        if stored.expires <= now {
            self.sessions.remove(sid);
            return None;
        }
        Some(stored.auth_context.clone())
    }

    /// Saves (or touches) a session.
    pub(crate) fn save(&mut self, sid: &str, auth_context: Arc<Js>, now: SystemTime) {
        let expires = now.checked_add(SESSION_TTL).unwrap_or(now);
        if !self.sessions.contains_key(sid) && self.sessions.len() >= MAX_SESSIONS {
            self.prune(now);
        }
        self.sessions.insert(
            sid.to_owned(),
            Stored {
                auth_context,
                expires,
            },
        );
    }

    pub(crate) fn destroy(&mut self, sid: &str) {
        self.sessions.remove(sid);
    }

    pub(crate) fn len(&self) -> usize {
        self.sessions.len()
    }

    fn prune(&mut self, now: SystemTime) {
        self.sessions.retain(|_, s| s.expires > now);
        if self.sessions.len() >= MAX_SESSIONS {
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

/// The `Set-Cookie` express-session sends: `connect.sid=<value>; Path=/;
/// Expires=<now + 10 h>; HttpOnly`, and `; Secure; SameSite=Lax` in production.
pub(crate) fn set_cookie(cookie_value: &str, now: SystemTime, production: bool) -> String {
    let expires = httpdate::fmt_http_date(now.checked_add(SESSION_TTL).unwrap_or(now));
    let mut header = format!("{COOKIE_NAME}={cookie_value}; Path=/; Expires={expires}; HttpOnly");
    if production {
        header.push_str("; Secure; SameSite=Lax");
    }
    header
}

/// `res.clearCookie("connect.sid")` (Express 4: `Expires` at the epoch, `Path=/`,
/// nothing else, in production too).
pub(crate) const CLEAR_COOKIE: &str = "connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_the_recorded_ones() {
        // transcripts.md (v2) exchanges 54 and 151.
        let now = httpdate::parse_http_date("Tue, 01 Dec 2026 14:01:33 GMT").unwrap();
        assert_eq!(
            set_cookie("s%3Aabc.def", now, false),
            "connect.sid=s%3Aabc.def; Path=/; Expires=Wed, 02 Dec 2026 00:01:33 GMT; HttpOnly"
        );
        assert!(set_cookie("v", now, true).ends_with("; HttpOnly; Secure; SameSite=Lax"));
    }

    #[test]
    fn sessions_live_ten_hours_after_their_last_use_and_are_bounded() {
        let mut store = Sessions::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let context = Arc::new(Js::empty_object());
        store.save("a", context.clone(), t0);
        store.save("a", context.clone(), t0 + Duration::from_secs(3600));
        assert!(store.get("a", t0 + SESSION_TTL).is_some());
        assert!(
            store
                .get("a", t0 + SESSION_TTL + Duration::from_secs(3600))
                .is_none()
        );
        assert_eq!(store.len(), 0);
        for index in 0..MAX_SESSIONS + 10 {
            store.save(&format!("s{index}"), context.clone(), t0);
        }
        assert!(store.len() <= MAX_SESSIONS);
    }
}
