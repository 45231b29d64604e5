//! Password-reset tokens as the auth module keeps them: one live token per provider
//! identity (issuing one deletes the older ones), stored as the SHA-256 of its
//! `jti` with a 15-minute expiry, deleted when used; and the `auth.password_reset`
//! events, which carry the token a notification would deliver (tests read them).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::SystemTime;

use medusa_auth_core::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::json::Js;

/// At most this many events are kept (the oldest are forgotten).
pub(crate) const MAX_EVENTS: usize = 1_000;

#[derive(Clone)]
struct Live {
    jti_hash: [u8; 32],
    expires: SystemTime,
}

/// One `auth.password_reset` event.
#[derive(Clone)]
pub(crate) struct ResetEvent {
    pub(crate) entity_id: String,
    pub(crate) actor_type: String,
    pub(crate) token: SecretString,
    pub(crate) metadata: Js,
}

/// The reset tokens and events. `Debug` shows counts only.
#[derive(Default, Clone)]
pub(crate) struct ResetTokens {
    /// By provider identity (the e-mail of its `emailpass` identity).
    live: HashMap<String, Live>,
    events: VecDeque<ResetEvent>,
}

impl fmt::Debug for ResetTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetTokens")
            .field("live", &self.live.len())
            .field("events", &self.events.len())
            .finish()
    }
}

fn hash(jti: &str) -> [u8; 32] {
    Sha256::digest(jti.as_bytes()).into()
}

impl ResetTokens {
    /// `createPasswordResetToken`: the older tokens of the identity go.
    pub(crate) fn issue(&mut self, email: &str, jti: &str, expires: SystemTime) {
        self.live.insert(
            email.to_owned(),
            Live {
                jti_hash: hash(jti),
                expires,
            },
        );
    }

    /// Records the event of a token.
    pub(crate) fn emit(&mut self, event: ResetEvent) {
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    /// `consumePasswordResetToken`: whether the token of `jti` is live for
    /// `entity_id` on `provider`; it is deleted then (or when found expired). One for
    /// another identity or provider is refused and kept.
    pub(crate) fn consume(
        &mut self,
        jti: &str,
        provider: &str,
        entity_id: &str,
        now: SystemTime,
    ) -> bool {
        let wanted = hash(jti);
        let Some(email) = self
            .live
            .iter()
            .find(|(_, live)| subtle::ConstantTimeEq::ct_eq(&live.jti_hash[..], &wanted[..]).into())
            .map(|(email, _)| email.clone())
        else {
            return false;
        };
        if self
            .live
            .get(&email)
            .is_some_and(|live| live.expires <= now)
        {
            self.live.remove(&email);
            return false;
        }
        if provider != "emailpass" || email != entity_id {
            return false;
        }
        self.live.remove(&email);
        true
    }

    /// The tokens issued for `entity_id`, oldest first.
    pub(crate) fn tokens(&self, entity_id: &str) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e.entity_id == entity_id)
            .map(|e| e.token.expose_secret().to_owned())
            .collect()
    }

    /// Every event, oldest first.
    pub(crate) fn events(&self) -> impl Iterator<Item = &ResetEvent> {
        self.events.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn single_use_superseded_and_expiring() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let later = t0 + Duration::from_secs(900);
        let mut tokens = ResetTokens::default();
        tokens.issue("a@b.co", "one", later);
        tokens.issue("a@b.co", "two", later);
        assert!(!tokens.consume("one", "emailpass", "a@b.co", t0));
        assert!(!tokens.consume("two", "emailpass", "other@b.co", t0));
        assert!(!tokens.consume("two", "google", "a@b.co", t0));
        assert!(tokens.consume("two", "emailpass", "a@b.co", t0));
        assert!(!tokens.consume("two", "emailpass", "a@b.co", t0));
        tokens.issue("a@b.co", "three", later);
        assert!(!tokens.consume("three", "emailpass", "a@b.co", later));
        tokens.issue("a@b.co", "four", later);
        assert!(tokens.consume(
            "four",
            "emailpass",
            "a@b.co",
            later - Duration::from_secs(1)
        ));
        for index in 0..MAX_EVENTS + 5 {
            tokens.emit(ResetEvent {
                entity_id: "a@b.co".into(),
                actor_type: "customer".into(),
                token: format!("t{index}").into(),
                metadata: Js::empty_object(),
            });
        }
        assert_eq!(tokens.tokens("a@b.co").len(), MAX_EVENTS);
        assert!(!format!("{tokens:?}").contains("t1"));
    }
}
