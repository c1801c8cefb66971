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
    cid_v1(0x55, bytes)
}

/// The CID a PDS gives a record (CIDv1, DAG-CBOR, sha2-256, base32): the
/// hash of the record's DAG-CBOR encoding, computed from its JSON form
/// (`$link` and `$bytes` objects as CIDs and bytes). `None` when the JSON
/// is not atproto data (a float, a malformed `$link`).
pub fn record_cid(record: &serde_json::Value) -> Option<String> {
    let mut cbor = Vec::with_capacity(512);
    dag_cbor(record, &mut cbor)?;
    Some(cid_v1(0x71, &cbor))
}

/// The CID of a blob's bytes (CIDv1, raw codec, sha-256), as atproto names blobs.
pub fn blob_cid(bytes: &[u8]) -> String {
    cid_v1(0x55, bytes)
}

fn cid_v1(codec: u8, content: &[u8]) -> String {
    let digest = Sha256::digest(content);
    let mut raw = vec![0x01, codec, 0x12, 0x20];
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

/// A CBOR head: major type and argument, in the shortest form (as DAG-CBOR requires).
fn head(major: u8, n: u64, out: &mut Vec<u8>) {
    let major = major << 5;
    match n {
        0..=23 => out.push(major | n as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, n as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

/// Appends the DAG-CBOR encoding of atproto data in its JSON form.
fn dag_cbor(value: &serde_json::Value, out: &mut Vec<u8>) -> Option<()> {
    use serde_json::Value;
    match value {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => head(0, u, out),
            (None, Some(i)) => head(1, (-1 - i) as u64, out),
            _ => return None,
        },
        Value::String(s) => {
            head(3, s.len() as u64, out);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            head(4, items.len() as u64, out);
            for item in items {
                dag_cbor(item, out)?;
            }
        }
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(link) = map.get("$link") {
                    let (_, bytes) = multibase::decode(link.as_str()?).ok()?;
                    // Tag 42: a CID, as binary with the multibase identity prefix 0x00.
                    out.extend_from_slice(&[0xd8, 42]);
                    head(2, bytes.len() as u64 + 1, out);
                    out.push(0);
                    out.extend_from_slice(&bytes);
                    return Some(());
                }
                if let Some(bytes) = map.get("$bytes") {
                    use base64::Engine;
                    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(bytes.as_str()?.trim_end_matches('='))
                        .ok()?;
                    head(2, bytes.len() as u64, out);
                    out.extend_from_slice(&bytes);
                    return Some(());
                }
            }
            // Keys sorted by length, then bytewise (DAG-CBOR's canonical order).
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.as_bytes().cmp(b.as_bytes())));
            head(5, keys.len() as u64, out);
            for key in keys {
                head(3, key.len() as u64, out);
                out.extend_from_slice(key.as_bytes());
                dag_cbor(&map[key], out)?;
            }
        }
    }
    Some(())
}

/// The record key of an AT URI (its last segment).
pub fn rkey_of(uri: &str) -> String {
    uri.rsplit('/').next().unwrap_or_default().to_owned()
}

/// The bounds, both excluded, of the AT URIs of `did`'s records of
/// `collection`: each starts `at://<did>/<collection>/`, and `0` follows `/`.
/// One range of a URI index finds someone's records (their votes, their
/// comments) with no index on authors to keep up.
pub fn repo_range(did: &str, collection: &str) -> (String, String) {
    (format!("at://{did}/{collection}/"), format!("at://{did}/{collection}0"))
}

/// Bytes as lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
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

    #[test]
    fn record_cids_hash_the_dag_cbor_encoding() {
        // The record and CID of the atproto data-model spec's example are not
        // published as a pair; these bytes are checked by hand against RFC 8949
        // and DAG-CBOR's rules (shortest heads, keys by length then bytes).
        let mut cbor = Vec::new();
        let record =
            serde_json::json!({ "text": "hi", "$type": "a.b", "n": -2, "big": 300, "ok": true, "x": null });
        dag_cbor(&record, &mut cbor).unwrap_or_default();
        let expected: Vec<u8> = [
            &[0xa6][..],
            &[0x61, b'n', 0x21],
            &[0x61, b'x', 0xf6],
            &[0x62, b'o', b'k', 0xf5],
            &[0x63, b'b', b'i', b'g', 0x19, 0x01, 0x2c],
            &[0x64, b't', b'e', b'x', b't', 0x62, b'h', b'i'],
            &[0x65, b'$', b't', b'y', b'p', b'e', 0x63, b'a', b'.', b'b'],
        ]
        .concat();
        assert_eq!(cbor, expected);
        let cid = record_cid(&record).unwrap_or_default();
        assert!(cid.starts_with("bafyrei") && is_cid(&cid), "{cid}");
        // A link is tag 42 over the binary CID; bytes are a byte string.
        let mut cbor = Vec::new();
        dag_cbor(&serde_json::json!({ "$link": cid }), &mut cbor).unwrap_or_default();
        assert_eq!(&cbor[..5], &[0xd8, 42, 0x58, 37, 0x00]);
        assert_eq!(&cbor[5..9], &[0x01, 0x71, 0x12, 0x20]);
        let mut cbor = Vec::new();
        dag_cbor(&serde_json::json!({ "$bytes": "AQID" }), &mut cbor).unwrap_or_default();
        assert_eq!(cbor, [0x43, 1, 2, 3]);
        assert_eq!(record_cid(&serde_json::json!({ "f": 1.5 })), None, "floats are not atproto data");
    }
}
