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
}
