//! Small helpers for handling secrets: comparing them, and handing them to a header
//! or a body in bytes that are wiped when the last copy is dropped.

use bytes::Bytes;
use http::HeaderValue;
use secrecy::zeroize::{Zeroize as _, Zeroizing};
use subtle::ConstantTimeEq;

/// Compares two secrets in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// `secret` as `Bytes` that overwrite their buffer with zeros when the last clone is
/// dropped (`Bytes::from_owner` over a `Zeroizing` buffer). A buffer with spare
/// capacity is copied into one without, and wiped: shrinking it in place could
/// leave the old allocation unwiped.
pub(crate) fn wiped_bytes(mut secret: Vec<u8>) -> Bytes {
    let exact: Box<[u8]> = if secret.len() == secret.capacity() {
        secret.into_boxed_slice()
    } else {
        let copy = Box::from(secret.as_slice());
        secret.zeroize();
        copy
    };
    Bytes::from_owner(Zeroizing::new(exact))
}

/// A header value holding a secret: marked sensitive, over [`wiped_bytes`]. `None`
/// (and `secret` wiped) when a header cannot carry it: control characters, CR, LF
/// or non-ASCII bytes.
pub(crate) fn wiped_header_value(mut secret: Vec<u8>) -> Option<HeaderValue> {
    if !secret.is_ascii() {
        secret.zeroize();
        return None;
    }
    // On failure the bytes are dropped, and so wiped.
    let mut value = HeaderValue::from_maybe_shared(wiped_bytes(secret)).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The text of `value`'s bytes in `range`, for a value [`wiped_header_value`] made
/// (ASCII, so any range of it is UTF-8); empty for a range outside it.
pub(crate) fn header_text(
    value: &HeaderValue,
    range: impl std::slice::SliceIndex<[u8], Output = [u8]>,
) -> &str {
    value
        .as_bytes()
        .get(range)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }

    #[test]
    fn wiped_bytes_keep_the_secret_whatever_the_spare_capacity() {
        let mut roomy = Vec::with_capacity(64);
        roomy.extend_from_slice(b"s%3Aabc.def");
        assert_eq!(&wiped_bytes(roomy)[..], b"s%3Aabc.def");
        assert_eq!(&wiped_bytes(b"exact".to_vec())[..], b"exact");
        let shared = wiped_bytes(b"shared".to_vec());
        let clone = shared.clone();
        drop(shared);
        assert_eq!(&clone[..], b"shared");
    }

    #[test]
    fn a_wiped_header_is_sensitive_and_refuses_what_a_header_cannot_carry() {
        let value = wiped_header_value(b"Bearer eyJ.a.b".to_vec()).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value, "Bearer eyJ.a.b");
        for bad in [
            &b"a\r\nb"[..],
            b"tab\tok\x7f",
            "jwt-\u{e9}".as_bytes(),
            b"nul\0",
        ] {
            assert!(wiped_header_value(bad.to_vec()).is_none(), "{bad:?}");
        }
        assert!(wiped_header_value(b"tab\tis allowed".to_vec()).is_some());
    }
}
