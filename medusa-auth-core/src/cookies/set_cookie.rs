//! Parsing one `Set-Cookie` header as RFC 6265 §5.2 says a user agent does (what a
//! browser keeps of it), and the cookie-date of its `Expires` (§5.1.1).
//!
//! Only what the jar uses is read: the name and value (kept byte for byte, never
//! decoded), `Path`, `Max-Age`, `Expires` and `Secure`. `Domain` is not read (a
//! cookie here is host-only), nor `HttpOnly` and `SameSite` (no script, no site).
//! An attribute that does not parse is ignored; the last of a kind wins.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// What the jar keeps of one `Set-Cookie` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SetCookie<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    /// `Path`, when it starts with `/` (otherwise the default path applies).
    pub(crate) path: Option<&'a str>,
    /// `Max-Age`, in seconds (negative or zero: already expired). It wins over `Expires`.
    pub(crate) max_age: Option<i64>,
    /// `Expires`, when it is a cookie-date.
    pub(crate) expires: Option<Timestamp>,
    pub(crate) secure: bool,
}

/// White space as RFC 6265 trims it (`WSP`: space and horizontal tab).
fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

/// The cookie a `Set-Cookie` header sets, or `None` when a user agent would ignore the
/// header (no `=` in its first part, or an empty name).
pub(crate) fn parse(line: &str) -> Option<SetCookie<'_>> {
    let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
    let (name, value) = pair.split_once('=')?;
    let (name, value) = (trim(name), trim(value));
    if name.is_empty() {
        return None;
    }
    let mut cookie = SetCookie {
        name,
        value,
        path: None,
        max_age: None,
        expires: None,
        secure: false,
    };
    for attribute in attributes.split(';') {
        let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
        let (key, value) = (trim(key), trim(value));
        if key.eq_ignore_ascii_case("expires") {
            if let Some(at) = cookie_date(value) {
                cookie.expires = Some(at);
            }
        } else if key.eq_ignore_ascii_case("max-age") {
            if let Some(seconds) = delta_seconds(value) {
                cookie.max_age = Some(seconds);
            }
        } else if key.eq_ignore_ascii_case("path") {
            cookie.path = value.starts_with('/').then_some(value);
        } else if key.eq_ignore_ascii_case("secure") {
            cookie.secure = true;
        }
    }
    Some(cookie)
}

/// `Max-Age`'s value: an optional `-` and digits (more than an `i64` holds saturate).
fn delta_seconds(value: &str) -> Option<i64> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.parse::<i64>().unwrap_or(i64::MAX);
    Some(if negative { -magnitude } else { magnitude })
}

/// RFC 6265 §5.1.1 `delimiter`.
fn is_delimiter(byte: u8) -> bool {
    matches!(byte, 0x09 | 0x20..=0x2F | 0x3B..=0x40 | 0x5B..=0x60 | 0x7B..=0x7E)
}

/// The leading digits of `token` when there are `min..=max` of them and what follows
/// (if anything) is not a digit.
fn leading_digits(token: &[u8], min: usize, max: usize) -> Option<(u32, &[u8])> {
    let count = token.iter().take_while(|b| b.is_ascii_digit()).count();
    if count < min || count > max {
        return None;
    }
    let value = token[..count]
        .iter()
        .fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0'));
    Some((value, &token[count..]))
}

/// `hh:mm:ss` at the start of `token`, each 1 or 2 digits.
fn time_of_day(token: &[u8]) -> Option<(u32, u32, u32)> {
    let (hour, rest) = leading_digits(token, 1, 2)?;
    let (minute, rest) = leading_digits(rest.strip_prefix(b":")?, 1, 2)?;
    let (second, _) = leading_digits(rest.strip_prefix(b":")?, 1, 2)?;
    Some((hour, minute, second))
}

fn month(token: &[u8]) -> Option<i8> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let prefix = token.get(..3)?;
    (1..=12)
        .zip(MONTHS)
        .find(|(_, name)| prefix.eq_ignore_ascii_case(&name[..]))
        .map(|(number, _)| number)
}

/// A cookie-date (`Sun, 22 Nov 2026 23:08:29 GMT`, and the other forms browsers read:
/// RFC 850, asctime, two-digit years …) as RFC 6265 §5.1.1 parses it; `None` when it
/// is not one.
pub(crate) fn cookie_date(text: &str) -> Option<Timestamp> {
    let (mut time, mut day, mut month_number, mut year) = (None, None, None, None);
    for token in text
        .as_bytes()
        .split(|byte| is_delimiter(*byte))
        .filter(|token| !token.is_empty())
    {
        if time.is_none() {
            if let Some(found) = time_of_day(token) {
                time = Some(found);
                continue;
            }
        }
        if day.is_none() {
            if let Some((found, _)) = leading_digits(token, 1, 2) {
                day = Some(found);
                continue;
            }
        }
        if month_number.is_none() {
            if let Some(found) = month(token) {
                month_number = Some(found);
                continue;
            }
        }
        if year.is_none() {
            if let Some((found, _)) = leading_digits(token, 2, 4) {
                year = Some(found);
                continue;
            }
        }
    }
    let (hour, minute, second) = time?;
    let year = match year? {
        year @ 70..=99 => year + 1900,
        year @ 0..=69 => year + 2000,
        year => year,
    };
    let day = day?;
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let date = Date::new(
        i16::try_from(year).ok()?,
        month_number?,
        i8::try_from(day).ok()?,
    )
    .ok()?;
    let at = date.at(
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        0,
    );
    TimeZone::UTC.to_timestamp(at).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn reads_the_recorded_login_cookie() {
        let line = "connect.sid=s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw; Path=/; Expires=Sun, 22 Nov 2026 23:08:29 GMT; HttpOnly";
        let cookie = parse(line).unwrap();
        assert_eq!(cookie.name, "connect.sid");
        assert_eq!(
            cookie.value,
            "s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw"
        );
        assert_eq!(cookie.path, Some("/"));
        assert_eq!(cookie.expires, Some(at("2026-11-22T23:08:29Z")));
        assert_eq!(cookie.max_age, None);
        assert!(!cookie.secure);
        let production = parse("connect.sid=s%3Aa.b; Path=/; Expires=Sun, 22 Nov 2026 23:08:29 GMT; HttpOnly; Secure; SameSite=None").unwrap();
        assert!(production.secure);
    }

    #[test]
    fn ignores_what_a_browser_ignores() {
        for line in ["", "novalue", ";;;", "=value", " =value; Path=/", "\t; a=b"] {
            assert_eq!(parse(line), None, "{line:?}");
        }
        let cookie =
            parse(" a = b c ; path=/x ; PATH=nope; max-age=abc; Max-Age=10; secure=whatever")
                .unwrap();
        assert_eq!((cookie.name, cookie.value), ("a", "b c"));
        assert_eq!(
            cookie.path, None,
            "the last Path wins, and one without '/' is ignored"
        );
        assert_eq!(cookie.max_age, Some(10));
        assert!(cookie.secure);
        let cookie = parse("a=; Max-Age=-5; Expires=garbage").unwrap();
        assert_eq!(cookie.value, "");
        assert_eq!(cookie.max_age, Some(-5));
        assert_eq!(cookie.expires, None);
        assert_eq!(
            parse("a=1; Max-Age=99999999999999999999").unwrap().max_age,
            Some(i64::MAX)
        );
        assert_eq!(parse("a=b=c").unwrap().value, "b=c");
    }

    #[test]
    fn reads_the_cookie_dates_browsers_read() {
        let expected = at("1994-11-06T08:49:37Z");
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "6 November 1994 8:49:37",
            "Sun, 06-Nov-1994 08:49:37 GMT",
        ] {
            assert_eq!(cookie_date(text), Some(expected), "{text:?}");
        }
        assert_eq!(
            cookie_date("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Timestamp::UNIX_EPOCH)
        );
        assert_eq!(
            cookie_date("Wed, 31 Dec 2069 23:59:59 GMT"),
            Some(at("2069-12-31T23:59:59Z"))
        );
        // Two-digit years: 70 to 99 are 19xx, 00 to 69 are 20xx.
        assert_eq!(
            cookie_date("Sat, 05-Nov-05 08:49:37 GMT"),
            Some(at("2005-11-05T08:49:37Z"))
        );
        assert_eq!(
            cookie_date("Mon, 01 Jan 1601 00:00:00 GMT"),
            Some(at("1601-01-01T00:00:00Z"))
        );
        for text in [
            "",
            "garbage",
            "Sun, 06 Nov 1994",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1600 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:60 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Xyz 1994 08:49:37 GMT",
            "Sun, 06 Nov 12345 08:49:37 GMT",
        ] {
            assert_eq!(cookie_date(text), None, "{text:?}");
        }
    }

    #[test]
    fn max_age_needs_digits() {
        for line in [
            "a=1; Max-Age=-",
            "a=1; Max-Age=",
            "a=1; Max-Age=+5",
            "a=1; Max-Age=1s",
        ] {
            assert_eq!(parse(line).unwrap().max_age, None, "{line}");
        }
        assert_eq!(parse("a=1; Max-Age=-0").unwrap().max_age, Some(0));
    }
}
