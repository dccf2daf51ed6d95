//! Timestamp identifiers (TIDs), the record keys of Bluesky posts: 13
//! characters of base32-sortable, a 53-bit microsecond timestamp and a 10-bit
//! clock id (AT Protocol "Record Key" / "TID" specifications).

use chrono::{DateTime, Utc};

const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// Whether `s` is a syntactically valid TID: 13 characters of
/// `234567abcdefghijklmnopqrstuvwxyz`, the first in `234567abcdefghij` (the top
/// bit of the 64-bit value is zero).
pub fn is_valid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 13 && b.iter().all(|c| ALPHABET.contains(c)) && b"234567abcdefghij".contains(&b[0])
}

/// The TID of instant `at` with `clock_id` (only its low 10 bits are used).
/// TIDs sort as text in time order.
pub fn generate(at: DateTime<Utc>, clock_id: u16) -> String {
    let micros = u64::try_from(at.timestamp_micros()).unwrap_or(0) & ((1 << 53) - 1);
    encode((micros << 10) | u64::from(clock_id & 0x3ff))
}

fn encode(mut v: u64) -> String {
    let mut out = [b'2'; 13];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    out.iter().map(|&c| char::from(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity() {
        let cases = [
            ("3jzfcijpj2z2a", true),
            ("7777777777777", true),
            ("2222222222222", true),
            ("jzzzzzzzzzzzz", true),
            ("kzzzzzzzzzzzz", false), // top bit set
            ("3jzfcijpj2z2", false),  // 12 chars
            ("3jzfcijpj2z2aa", false),
            ("3JZFCIJPJ2Z2A", false), // upper case
            ("3jzfcijpj2z21", false), // '1' is not in the alphabet
            ("3jzfcijpj2z-a", false),
            ("", false),
            ("self", false),
        ];
        for (s, want) in cases {
            assert_eq!(is_valid(s), want, "{s}");
        }
    }

    #[test]
    fn generated_tids_are_valid_and_sort_in_time_order() {
        let t0 = DateTime::parse_from_rfc3339("2026-03-29T01:59:59.999999Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let a = generate(t0, 0);
        let b = generate(t0 + chrono::Duration::microseconds(1), 0);
        let c = generate(t0 + chrono::Duration::microseconds(1), 1023);
        for t in [&a, &b, &c] {
            assert!(is_valid(t), "{t}");
        }
        assert!(a < b && b < c, "{a} {b} {c}");
        // The known encoding of the epoch with clock id 0 and 31.
        assert_eq!(generate(DateTime::<Utc>::UNIX_EPOCH, 0), "2222222222222");
        assert_eq!(generate(DateTime::<Utc>::UNIX_EPOCH, 31), "222222222222z");
    }
}
