//! Ids and dates as Medusa writes them: `usr_`/`cus_` + a ULID, ISO-8601 with
//! milliseconds and `Z`.

use std::time::{SystemTime, UNIX_EPOCH};

use medusa_auth_core::Timestamp;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `<prefix>_<ULID>`: 48 bits of milliseconds, 80 random bits, Crockford base32.
pub(crate) fn new_id(prefix: &str, now: SystemTime) -> String {
    let millis = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let mut random = [0u8; 10];
    rand::fill(&mut random);
    let mut value: u128 = (millis & 0xFFFF_FFFF_FFFF) << 80;
    for (index, byte) in random.iter().enumerate() {
        value |= u128::from(*byte) << (8 * (9 - index));
    }
    let mut ulid = [0u8; 26];
    for (index, slot) in ulid.iter_mut().enumerate() {
        let shift = 5 * (25 - index);
        *slot = CROCKFORD[((value >> shift) & 0x1F) as usize];
    }
    format!("{prefix}_{}", String::from_utf8_lossy(&ulid))
}

/// A time as the models carry it (milliseconds kept, like a PostgreSQL timestamp
/// read back by TypeORM).
pub(crate) fn timestamp(now: SystemTime) -> Timestamp {
    let at = Timestamp::try_from(now).unwrap_or(Timestamp::UNIX_EPOCH);
    Timestamp::from_millisecond(at.as_millisecond()).unwrap_or(at)
}

/// ISO-8601 with milliseconds and `Z` (`2026-11-22T13:08:22.896Z`).
pub(crate) fn iso(at: Timestamp) -> String {
    format!(
        "{}.{:03}Z",
        at.strftime("%Y-%m-%dT%H:%M:%S"),
        at.subsec_millisecond()
    )
}

/// The time `clock` shows, as the fake's own bookkeeping keeps it.
pub(crate) fn system_now(clock: &dyn medusa_auth_core::Clock) -> SystemTime {
    SystemTime::try_from(clock.now()).unwrap_or(UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ids_look_like_medusa_ones() {
        let now = UNIX_EPOCH + Duration::from_millis(1_795_352_902_896);
        let id = new_id("usr", now);
        assert_eq!(id.len(), 30, "{id}");
        assert!(id.starts_with("usr_01"), "{id}");
        assert_ne!(id, new_id("usr", now));
    }

    #[test]
    fn dates_have_milliseconds_and_z() {
        let now = UNIX_EPOCH + Duration::from_nanos(1_795_352_902_896_123_456);
        assert_eq!(iso(timestamp(now)), "2026-11-22T13:08:22.896Z");
    }
}
