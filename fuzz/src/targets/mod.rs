//! One module per fuzz target; each `run` panics when a promise is broken.

pub(crate) mod client_calls;
pub(crate) mod responses;
pub(crate) mod retry_after;
pub(crate) mod set_cookie;

/// Reads a big-endian number from up to 4 bytes at the start of `data`, and what
/// follows them.
pub(crate) fn take_u32(data: &[u8]) -> (u32, &[u8]) {
    let (head, rest) = data.split_at(data.len().min(4));
    let mut bytes = [0u8; 4];
    bytes[..head.len()].copy_from_slice(head);
    (u32::from_be_bytes(bytes), rest)
}

/// A moment within about 136 years after 2026-11-22 13:08:29 UTC (the transcripts'
/// date), `offset` seconds in.
pub(crate) fn moment(offset: u32) -> medusa_auth_core::Timestamp {
    medusa_auth_core::Timestamp::from_second(RECORDED_AT + i64::from(offset))
        .expect("within jiff's range (years up to 9999)")
}

/// 2026-11-22 13:08:29 UTC, in seconds since the epoch.
pub(crate) const RECORDED_AT: i64 = 1_795_352_909;
