//! validator.js 13's `isEmail` with its default options, which class-validator's
//! `@IsEmail()` runs on Medusa's login bodies. JavaScript strings are UTF-16, so the
//! character classes are applied to UTF-16 code units, as the regular expressions do.

/// Whether `text` passes `isEmail(text)` (default options: UTF-8 local part allowed,
/// a TLD required, no IP domains, no display name, at most 254 characters).
pub(crate) fn is_email(text: &str) -> bool {
    if text.encode_utf16().count() > 254 {
        return false;
    }
    let Some((user, domain)) = text.rsplit_once('@') else {
        return false;
    };
    if user.len() > 64 || domain.len() > 254 {
        return false;
    }
    if !is_fqdn(domain) {
        return false;
    }
    let user16: Vec<u16> = user.encode_utf16().collect();
    if user16.first() == Some(&u16::from(b'"')) && user16.last() == Some(&u16::from(b'"')) {
        let inner = if user16.len() >= 2 {
            &user16[1..user16.len() - 1]
        } else {
            &[][..]
        };
        return quoted_user_ok(inner);
    }
    user.split('.')
        .all(|part| !part.is_empty() && part.encode_utf16().all(email_user_utf8_char))
}

/// `/^[a-z\d!#\$%&'\*\+\-\/=\?\^_`{\|}~\u00A1-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF]+$/i`
fn email_user_utf8_char(unit: u16) -> bool {
    if unit < 0x80 {
        let c = unit as u8;
        return c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&c);
    }
    (0x00A1..=0xD7FF).contains(&unit)
        || (0xF900..=0xFDCF).contains(&unit)
        || (0xFDF0..=0xFFEF).contains(&unit)
}

/// The quoted local part: `quotedEmailUserUtf8`.
fn quoted_user_ok(units: &[u16]) -> bool {
    let mut index = 0;
    while index < units.len() {
        let unit = units[index];
        if unit == u16::from(b'\\') {
            let Some(&next) = units.get(index + 1) else {
                return false;
            };
            let escaped_ok = matches!(next, 0x01..=0x09 | 0x0B | 0x0C | 0x0D..=0x7F)
                || (0x00A0..=0xD7FF).contains(&next)
                || (0xF900..=0xFDCF).contains(&next)
                || (0xFDF0..=0xFFEF).contains(&next);
            if !escaped_ok {
                return false;
            }
            index += 2;
            continue;
        }
        let plain_ok = is_js_space(unit)
            || matches!(unit, 0x01..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F | 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
            || (0x00A0..=0xD7FF).contains(&unit)
            || (0xF900..=0xFDCF).contains(&unit)
            || (0xFDF0..=0xFFEF).contains(&unit);
        if !plain_ok {
            return false;
        }
        index += 1;
    }
    true
}

/// JavaScript's `\s`.
fn is_js_space(unit: u16) -> bool {
    matches!(
        unit,
        0x09..=0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF
    )
}

/// validator.js's `isFQDN` with `require_tld`, no underscores, no trailing dot, no
/// numeric TLD.
fn is_fqdn(domain: &str) -> bool {
    let parts: Vec<&str> = domain.split('.').collect();
    if parts.len() < 2 {
        return false;
    }
    let tld: Vec<u16> = parts[parts.len() - 1].encode_utf16().collect();
    let letters = tld.len() >= 2
        && tld.iter().all(|&u| {
            (u < 0x80 && (u as u8).is_ascii_alphabetic())
                || (0x00A1..=0x00A8).contains(&u)
                || (0x00AA..=0xD7FF).contains(&u)
                || (0xF900..=0xFDCF).contains(&u)
                || (0xFDF0..=0xFFEF).contains(&u)
        });
    let punycode = tld.len() >= 4
        && (tld[0] | 0x20) == u16::from(b'x')
        && (tld[1] | 0x20) == u16::from(b'n')
        && tld[2..]
            .iter()
            .all(|&u| u < 0x80 && ((u as u8).is_ascii_alphanumeric() || u == u16::from(b'-')));
    if !(letters || punycode) || tld.iter().any(|&u| is_js_space(u)) {
        return false;
    }
    parts.iter().all(|part| {
        let units: Vec<u16> = part.encode_utf16().collect();
        !units.is_empty()
            && units.len() <= 63
            && units.iter().all(|&u| {
                (u < 0x80
                    && ((u as u8).is_ascii_alphanumeric()
                        || u == u16::from(b'-')
                        || u == u16::from(b'_')))
                    || u >= 0x00A1
            })
            && !units.iter().any(|&u| (0xFF01..=0xFF5E).contains(&u))
            && units[0] != u16::from(b'-')
            && units[units.len() - 1] != u16::from(b'-')
            && !units.contains(&u16::from(b'_'))
    })
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn accepts_what_validator_accepts() {
        for email in [
            "admin@example.com",
            "ADMIN@EXAMPLE.COM",
            "plus+tag@example.com",
            "slash/name@example.com",
            "first.last@sub.example.co.uk",
            "o'neil@example.ie",
            "jörg@bücher.de",
            "\"quoted person\"@example.com",
            "x@xn--80ak6aa92e.com",
            "a@b.cd",
        ] {
            assert!(is_email(email), "{email}");
        }
    }

    #[test]
    fn refuses_what_validator_refuses() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long = format!("{}@{}.com", "a".repeat(60), "b".repeat(200));
        for email in [
            "",
            "not-an-email",
            "nope",
            "@example.com",
            "user@",
            "user@localhost",
            "user@example.",
            "user@-example.com",
            "user@exa mple.com",
            "us..er@example.com",
            ".user@example.com",
            "user.@example.com",
            "user@example.123",
            "user@example.c",
            "user(comment)@example.com",
            "user@ex_ample.com",
            "user@[127.0.0.1]",
            "user@127.0.0.1",
            "a b@example.com",
            long_local.as_str(),
            long.as_str(),
        ] {
            assert!(!is_email(email), "{email:?} should be refused");
        }
    }
}
