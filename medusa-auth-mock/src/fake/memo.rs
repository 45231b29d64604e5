//! Remembered results of the fake's pure, costly steps (an HMAC check, a JWT's
//! signature, a body's ETag), so a benchmark's millionth identical request costs a
//! hash-map lookup instead of the cryptography. Only the pure part is remembered:
//! what depends on the clock or on the database (a JWT's `exp`, whether a session
//! or user still exists) is still checked on every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// At most this many results are kept per memo; when full it starts over, so a
/// stream of distinct inputs costs what it would without the memo, never more
/// memory.
pub(crate) const MEMO_CAPACITY: usize = 4_096;

/// A bounded map from an input's bytes to its result. Clones share the entries.
#[derive(Clone)]
pub(crate) struct Memo<V> {
    entries: Arc<Mutex<HashMap<Box<[u8]>, V>>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            entries: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

impl<V: Clone> Memo<V> {
    /// The result for `input`: remembered, or computed and remembered when it is
    /// `Some` (a failure is not kept: garbage must not crowd out good inputs).
    pub(crate) fn get_or_compute(
        &self,
        input: &[u8],
        compute: impl FnOnce() -> Option<V>,
    ) -> Option<V> {
        if let Some(found) = self.lock().get(input) {
            return Some(found.clone());
        }
        let computed = compute()?;
        let mut entries = self.lock();
        if entries.len() >= MEMO_CAPACITY {
            entries.clear();
        }
        entries.insert(input.into(), computed.clone());
        Some(computed)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<[u8]>, V>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_successes_only_and_stays_bounded() {
        let memo = Memo::<u32>::default();
        let mut calls = 0;
        for _ in 0..3 {
            let got = memo.get_or_compute(b"a", || {
                calls += 1;
                Some(7)
            });
            assert_eq!(got, Some(7));
        }
        assert_eq!(calls, 1);
        assert_eq!(memo.get_or_compute(b"bad", || None), None);
        assert_eq!(memo.len(), 1);
        for i in 0..(MEMO_CAPACITY as u32 * 2) {
            memo.get_or_compute(&i.to_be_bytes(), || Some(i));
        }
        assert!(memo.len() <= MEMO_CAPACITY);
    }
}
