//! A `Set-Cookie` line read as RFC 6265 §5.2 says a user agent reads it, written
//! from the RFC's steps for the targets' checks (not from the jar's code): the name
//! and value, and each attribute's name and value, trimmed of white space.
//!
//! On top of it, what the checks can say for sure about a cookie: whether it is
//! `Secure`, and when it expires where the header leaves no doubt. Where a user agent
//! could read it either way (`Max-Age=-`, a date in an unusual form, two `Expires`),
//! the answer is "unknown", and the checks allow both.

use std::time::{Duration, SystemTime};

use medusa_auth_core::Timestamp;

/// One `Set-Cookie` line, read.
#[derive(Debug, Clone)]
pub(crate) struct SetCookieLine {
    pub(crate) name: String,
    pub(crate) value: String,
    /// Every attribute (`Path=/`, `Secure` …): name and value (empty when it has no
    /// `=`), in order.
    attributes: Vec<(String, String)>,
}

/// RFC 6265 `WSP`: space and horizontal tab.
fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

/// §5.2 steps 1–5: `None` when a user agent ignores the line (no `=` in the
/// name-value pair, or an empty name).
pub(crate) fn parse(line: &str) -> Option<SetCookieLine> {
    let (pair, unparsed) = match line.split_once(';') {
        Some((pair, rest)) => (pair, Some(rest)),
        None => (line, None),
    };
    let (name, value) = pair.split_once('=')?;
    let (name, value) = (trim(name), trim(value));
    if name.is_empty() {
        return None;
    }
    let attributes = unparsed
        .into_iter()
        .flat_map(|rest| rest.split(';'))
        .map(|av| {
            let (key, value) = av.split_once('=').unwrap_or((av, ""));
            (trim(key).to_owned(), trim(value).to_owned())
        })
        .collect();
    Some(SetCookieLine {
        name: name.to_owned(),
        value: value.to_owned(),
        attributes,
    })
}

/// When a cookie expires, as far as can be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// No `Max-Age` or `Expires` a user agent would read: a session cookie.
    Never,
    /// At this moment (`None`: later than a `SystemTime` holds).
    At(Option<SystemTime>),
    /// A user agent could read it more than one way.
    Unknown,
}

impl SetCookieLine {
    fn attributes_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes
            .iter()
            .filter(move |(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// §5.2.5: any attribute named `Secure`, whatever its value.
    pub(crate) fn secure(&self) -> bool {
        self.attributes_named("secure").next().is_some()
    }

    /// §5.2.2 and §5.2.1, §5.3 step 3: the last `Max-Age` that is `-`? and digits
    /// wins over any `Expires`; without one, an `Expires` date, taken only when it is
    /// the only `Expires` and an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`: the
    /// other cookie-date forms are read differently by different user agents).
    pub(crate) fn expiry(&self, set_at: SystemTime) -> Expiry {
        let mut max_age = None;
        for value in self.attributes_named("max-age") {
            let digits = value.strip_prefix('-').unwrap_or(value);
            if value.starts_with('-') && digits.is_empty() {
                // "-": neither ignored (it starts with "-") nor an integer.
                return Expiry::Unknown;
            }
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                max_age = Some(value);
            }
        }
        if let Some(value) = max_age {
            if value.starts_with('-') || value.bytes().all(|b| b == b'0') {
                return Expiry::At(Some(SystemTime::UNIX_EPOCH));
            }
            let at = value
                .parse::<u64>()
                .ok()
                .and_then(|seconds| set_at.checked_add(Duration::from_secs(seconds)));
            return Expiry::At(at);
        }
        let mut expires = self.attributes_named("expires");
        match (expires.next(), expires.next()) {
            (None, _) => Expiry::Never,
            (Some(value), None) => match httpdate::parse_http_date(value) {
                Ok(at) if httpdate::fmt_http_date(at) == value => Expiry::At(Some(at)),
                _ => Expiry::Unknown,
            },
            (Some(_), Some(_)) => Expiry::Unknown,
        }
    }

    /// Whether a cookie set by this line at `set_at` may still be alive at `at`:
    /// `false` only when it surely is not. Loose where the clocks' ranges end: the
    /// jar's `Timestamp` stops at the end of year 9999, and an expiry past that is
    /// no expiry to it.
    pub(crate) fn may_live_until(&self, set_at: Timestamp, at: Timestamp) -> bool {
        let system = |t: Timestamp| SystemTime::try_from(t).expect("a SystemTime");
        let (set_at, at) = (system(set_at), system(at));
        match self.expiry(set_at) {
            Expiry::Never | Expiry::Unknown | Expiry::At(None) => true,
            Expiry::At(Some(expires)) => expires > at || Timestamp::try_from(expires).is_err(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("a timestamp")
    }

    #[test]
    fn reads_a_line_as_the_rfc_says() {
        let line = parse(" connect.sid = s%3Aa.b ;Path=/; secure=no;HttpOnly").expect("a line");
        assert_eq!(
            (line.name.as_str(), line.value.as_str()),
            ("connect.sid", "s%3Aa.b")
        );
        assert!(line.secure());
        assert_eq!(line.expiry(SystemTime::UNIX_EPOCH), Expiry::Never);
        assert!(parse("no-equals-sign").is_none());
        assert!(parse(" =value").is_none());
        let quoted = parse("a=\"b\"").expect("a line");
        assert_eq!(quoted.value, "\"b\"", "kept as it is");
    }

    #[test]
    fn tells_when_a_cookie_expires_only_when_it_is_sure() {
        let now = at("2026-11-22T13:08:29Z");
        let later = at("2026-11-22T13:09:29Z");
        let lives = |line: &str| parse(line).expect("a line").may_live_until(now, later);
        assert!(lives("a=1; Max-Age=61"));
        assert!(!lives("a=1; Max-Age=60"));
        assert!(!lives("a=1; Max-Age=0"));
        assert!(!lives("a=1; Max-Age=-1"));
        assert!(lives("a=1; Max-Age=-"), "ambiguous");
        assert!(
            lives("a=1; Max-Age=x; Max-Age=61"),
            "the invalid one is ignored"
        );
        assert!(!lives("a=1; Max-Age=61; Max-Age=1"), "the last one wins");
        assert!(
            lives("a=1; Max-Age=61; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
            "Max-Age wins"
        );
        assert!(!lives("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
        assert!(lives("a=1; Expires=Sun, 22 Nov 2026 13:10:00 GMT"));
        assert!(
            lives("a=1; Expires=Thursday, 01-Jan-70 00:00:00 GMT"),
            "not sure"
        );
        assert!(
            lives("a=1; Expires=Thu, 01 Jan 1500 00:00:00 GMT"),
            "not sure"
        );
        assert!(lives("a=1; Max-Age=99999999999999999999"));
    }
}
