//! Passwords are never kept in clear: a random salt and SHA-256(salt ‖ password),
//! compared in constant time.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A salted password hash. `Debug` shows nothing of it.
#[derive(Clone)]
pub(crate) struct PasswordHash {
    salt: [u8; 16],
    digest: [u8; 32],
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash([REDACTED])")
    }
}

fn digest(salt: &[u8; 16], password: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(password);
    hasher.finalize().into()
}

impl PasswordHash {
    /// Hashes `password` with a fresh random salt.
    pub(crate) fn new(password: &str) -> Self {
        let mut salt = [0u8; 16];
        rand::fill(&mut salt);
        PasswordHash {
            salt,
            digest: digest(&salt, password.as_bytes()),
        }
    }

    /// Whether `password` is the one hashed, in constant time.
    pub(crate) fn verify(&self, password: &str) -> bool {
        digest(&self.salt, password.as_bytes())
            .ct_eq(&self.digest)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::PasswordHash;

    #[test]
    fn verifies_and_hides() {
        let hash = PasswordHash::new("supersecret");
        assert!(hash.verify("supersecret"));
        assert!(!hash.verify("supersecreT"));
        assert!(!hash.verify(""));
        assert!(!format!("{hash:?}").contains("supersecret"));
        // Salted: the same password hashes differently twice.
        assert_ne!(PasswordHash::new("x").digest, PasswordHash::new("x").digest);
    }
}
