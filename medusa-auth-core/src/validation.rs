//! Checks made before anything is sent: the server's own rules for login bodies
//! (`email` must be an email, `password` a non-empty string).

use secrecy::{ExposeSecret, SecretString};

use crate::error::InvalidInput;

/// The longest email accepted (RFC 5321's path limit).
pub const MAX_EMAIL_LEN: usize = 254;
/// The longest password sent, in bytes.
pub const MAX_PASSWORD_LEN: usize = 4096;

/// Checks that `email` is an email address, as class-validator's `IsEmail` (which the
/// server runs on login bodies) would: a local part and a dotted domain.
pub fn validate_email(email: &str) -> Result<(), InvalidInput> {
    let invalid = |reason| Err(InvalidInput::InvalidEmail { reason });
    if email.is_empty() {
        return invalid("it is empty");
    }
    if email.len() > MAX_EMAIL_LEN {
        return invalid("it is longer than 254 bytes");
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return invalid("it contains white space or control characters");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return invalid("it has no '@'");
    };
    if local.is_empty() || local.len() > 64 {
        return invalid("the part before '@' must be 1 to 64 bytes");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return invalid("the part before '@' has a misplaced '.'");
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c) || !c.is_ascii());
    if !local_ok {
        return invalid("the part before '@' has a character not allowed there");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return invalid("the domain has no '.'");
    }
    for label in &labels {
        let label_ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !label_ok {
            return invalid("the domain is not a valid host name");
        }
    }
    // validator.js (behind the server's IsEmail): a TLD of letters, or punycode.
    let tld = labels[labels.len() - 1];
    let tld_ok = (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
        || (tld.len() > 4
            && tld
                .get(..4)
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case("xn--")));
    if !tld_ok {
        return invalid("the domain has no valid top-level part");
    }
    // Nor does it take characters outside the Basic Multilingual Plane.
    if email.chars().any(|c| u32::from(c) > 0xFFFF) {
        return invalid("it contains characters the server does not accept");
    }
    Ok(())
}

/// Checks that a password can be sent: not empty, not absurdly long.
pub fn validate_password(password: &SecretString) -> Result<(), InvalidInput> {
    let password = password.expose_secret();
    if password.is_empty() {
        return Err(InvalidInput::EmptyPassword);
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(InvalidInput::PasswordTooLong {
            max: MAX_PASSWORD_LEN,
        });
    }
    Ok(())
}

/// Checks the email of `exists`: the server answers `false` for anything that is not
/// a registered email, so only what cannot be sent is refused.
pub fn validate_lookup_email(email: &str) -> Result<(), InvalidInput> {
    if email.is_empty() {
        return Err(InvalidInput::InvalidEmail {
            reason: "it is empty",
        });
    }
    if email.len() > MAX_EMAIL_LEN {
        return Err(InvalidInput::InvalidEmail {
            reason: "it is longer than 254 bytes",
        });
    }
    if email.chars().any(char::is_control) {
        return Err(InvalidInput::InvalidEmail {
            reason: "it contains control characters",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_emails() {
        for email in [
            "admin@example.com",
            "ADMIN@EXAMPLE.COM",
            "plus+tag@example.com",
            "slash/name@example.com",
            "a/b+c@x.io",
            "first.last@sub.example.co.uk",
            "o'neil@example.ie",
            "jörg@bücher.de",
            "shop@xn--bcher-kva.example",
        ] {
            assert_eq!(validate_email(email), Ok(()), "{email}");
        }
    }

    #[test]
    fn refuses_what_the_server_refuses() {
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
            "user\r\n@example.com",
            "us..er@example.com",
            ".user@example.com",
            "user@example.123",
            "user(comment)@example.com",
            "a@b.c1",
            "\u{1d518}@x.io",
            // A multi-byte character across the "xn--" check's fourth byte (found by
            // review: it once panicked on a char boundary).
            "a@b.ab1\u{e9}",
            "x@y.ab-\u{e9}",
            "x@y.xn-\u{e9}",
        ] {
            assert!(
                validate_email(email).is_err(),
                "{email:?} should be refused"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(validate_email(&long).is_err());
    }

    #[test]
    fn passwords() {
        assert_eq!(
            validate_password(&"".into()),
            Err(InvalidInput::EmptyPassword)
        );
        assert_eq!(validate_password(&"x".into()), Ok(()));
        let huge: SecretString = "x".repeat(MAX_PASSWORD_LEN + 1).into();
        assert_eq!(
            validate_password(&huge),
            Err(InvalidInput::PasswordTooLong {
                max: MAX_PASSWORD_LEN
            })
        );
    }

    #[test]
    fn lookup_emails_are_only_checked_for_what_cannot_be_sent() {
        assert_eq!(validate_lookup_email("not-an-email"), Ok(()));
        assert!(validate_lookup_email("").is_err());
        assert!(validate_lookup_email("a\nb@x.io").is_err());
    }

    #[test]
    fn every_limit_is_inclusive() {
        let local64 = "a".repeat(64);
        assert!(validate_email(&format!("{local64}@example.com")).is_ok());
        assert!(validate_email(&format!("a{local64}@example.com")).is_err());
        // 254 bytes in all: a 64-byte local part, '@', a domain of 63-byte labels.
        let domain = format!(
            "{}.{}.{}.com",
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(57)
        );
        let longest = format!("{local64}@{domain}");
        assert_eq!(longest.len(), MAX_EMAIL_LEN);
        assert!(validate_email(&longest).is_ok());
        assert!(validate_lookup_email(&longest).is_ok());
        let over = format!("{local64}@e{domain}");
        assert!(validate_email(&over).is_err());
        assert!(validate_lookup_email(&over).is_err());
        assert!(validate_email(&format!("a@{}.com", "b".repeat(64))).is_err());
        let password = "p".repeat(MAX_PASSWORD_LEN);
        assert!(validate_password(&password.as_str().into()).is_ok());
        assert!(validate_password(&format!("{password}p").as_str().into()).is_err());
    }

    #[test]
    fn a_tld_is_letters_or_punycode() {
        for good in ["a@b.io", "a@b.xn--p1ai", "a@b.XN--p1ai"] {
            assert!(validate_email(good).is_ok(), "{good}");
        }
        for bad in ["a@b.c", "a@b.xn--", "a@b.xn-", "a@b.1a", "a@b.x1"] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        // The last character of the Basic Multilingual Plane is one the server takes.
        assert!(validate_email("a\u{FFFF}@example.com").is_ok());
        assert!(validate_email("a\u{10000}@example.com").is_err());
        assert_eq!(
            validate_email("a\u{7}b@c.io"),
            Err(InvalidInput::InvalidEmail {
                reason: "it contains white space or control characters"
            })
        );
        // White space or a control character anywhere.
        for bad in ["a b@c.io", "a\u{7}b@c.io", "ab@c.io\t"] {
            assert!(validate_email(bad).is_err(), "{bad:?}");
        }
    }
}
