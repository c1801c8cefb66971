//! Identifiers this server mints: record keys (TIDs) and, for records that
//! never leave the server (private Spheres), content ids.

use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

const BASE32_SORTABLE: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

static LAST: AtomicU64 = AtomicU64::new(0);

/// A new TID (timestamp identifier, 13 base32-sortable characters),
/// strictly increasing within this process.
pub fn tid() -> String {
    let now = chrono::Utc::now().timestamp_micros().max(0) as u64;
    let mut micros = now;
    loop {
        let last = LAST.load(Ordering::SeqCst);
        if micros <= last {
            micros = last + 1;
        }
        if LAST.compare_exchange(last, micros, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
            break;
        }
        micros = now;
    }
    // 53 bits of microseconds, 10 bits of clock id (0 here).
    let value = (micros & ((1 << 53) - 1)) << 10;
    (0..13).rev().map(|i| BASE32_SORTABLE[((value >> (i * 5)) & 31) as usize] as char).collect()
}

/// A CIDv1 (raw codec, sha2-256, base32) of some bytes: the content id of
/// a record that only exists in this server's database.
pub fn local_cid(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut raw = vec![0x01, 0x55, 0x12, 0x20];
    raw.extend_from_slice(&digest);
    let mut out = String::from("b");
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in raw {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The record key of an AT URI (its last segment).
pub fn rkey_of(uri: &str) -> String {
    uri.rsplit('/').next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::format::{is_cid, is_tid};

    #[test]
    fn tids_are_valid_and_increase() {
        let a = tid();
        let b = tid();
        assert!(is_tid(&a) && is_tid(&b), "{a} {b}");
        assert!(b > a);
    }

    #[test]
    fn local_cids_are_stable_cidv1_raw() {
        let cid = local_cid(b"hello");
        assert!(cid.starts_with("bafkrei"), "{cid}");
        assert_eq!(cid, local_cid(b"hello"));
        assert_ne!(cid, local_cid(b"hello!"));
        assert!(is_cid(&cid));
    }
}
