//! Express's weak ETags, byte for byte: `W/"<length in hex>-<base64 SHA-1, 27
//! characters>"` (the `etag` package). SHA-1 is written out here (it only names a
//! body, nothing is secured with it), so the recorded ETags match exactly.

use std::sync::OnceLock;

use base64::Engine as _;
use http::HeaderValue;

use super::shared::memo::Memo;

/// Bodies up to this size have their ETag remembered (larger ones hold what a
/// request sent, and are hashed each time).
const MEMO_MAX_BODY: usize = 1024;

/// The ETag Express sends for `body`.
pub(crate) fn etag(body: &[u8]) -> HeaderValue {
    if body.len() > MEMO_MAX_BODY {
        return compute(body);
    }
    static ETAGS: OnceLock<Memo<HeaderValue>> = OnceLock::new();
    ETAGS
        .get_or_init(Memo::default)
        .get_or_compute(body, || Some(compute(body)))
        .unwrap_or_else(|| compute(body))
}

fn compute(body: &[u8]) -> HeaderValue {
    let hash = base64::engine::general_purpose::STANDARD.encode(sha1(body));
    let value = format!("W/\"{:x}-{}\"", body.len(), &hash[..27]);
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("W/\"0\""))
}

/// SHA-1 (FIPS 180-4).
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let bit_length = (data.len() as u64).wrapping_mul(8);
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_length.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, &word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_vectors() {
        let hex = |bytes: [u8; 20]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        let long = vec![b'a'; 1000];
        assert_eq!(hex(sha1(&long)), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    }

    #[test]
    fn etags_are_the_recorded_ones() {
        // transcripts.md (v2) exchanges 1, 26, 89, 71, 31 and 24's neighbours.
        for (body, recorded) in [
            (&b"OK"[..], r#"W/"2-nOO9QiTIwXgNtWtBJezz8kv3SLc""#),
            (
                br#"{"message":"Unauthorized"}"#,
                r#"W/"1a-pljHtlo127JYJR4E/RYOPb6ucbw""#,
            ),
            (b"Created", r#"W/"7-rM9AyJuqT6iOan/xHh+AW+7K/T8""#),
            (
                br#"{"success":true}"#,
                r#"W/"10-oV4hJxRVSENxc/wX8+mA4/Pe4tA""#,
            ),
            (
                br#"{"type":"unauthorized","message":"Invalid email or password"}"#,
                r#"W/"3d-gJt6zeboD0XybapM4kk89A2u4LU""#,
            ),
        ] {
            assert_eq!(etag(body), recorded);
        }
    }
}
