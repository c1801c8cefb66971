//! Lexicon string formats (atproto spec "string formats"), checked by hand:
//! the grammars are small and a regex engine is not worth its build time.

/// A Lexicon `format` of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `at://` URI of a repo, collection or record.
    AtUri,
    /// A DID or a handle.
    AtIdentifier,
    /// Content identifier (syntax check only).
    Cid,
    /// RFC 3339 timestamp with a timezone.
    Datetime,
    /// A DID.
    Did,
    /// A domain handle.
    Handle,
    /// A BCP 47 language tag.
    Language,
    /// A namespaced identifier.
    Nsid,
    /// A record key.
    RecordKey,
    /// A timestamp identifier.
    Tid,
    /// Any URI with a scheme.
    Uri,
}

impl Format {
    /// The Lexicon name of the format.
    pub fn name(self) -> &'static str {
        match self {
            Self::AtUri => "at-uri",
            Self::AtIdentifier => "at-identifier",
            Self::Cid => "cid",
            Self::Datetime => "datetime",
            Self::Did => "did",
            Self::Handle => "handle",
            Self::Language => "language",
            Self::Nsid => "nsid",
            Self::RecordKey => "record-key",
            Self::Tid => "tid",
            Self::Uri => "uri",
        }
    }

    /// The format of a Lexicon name, if known.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::AtUri,
            Self::AtIdentifier,
            Self::Cid,
            Self::Datetime,
            Self::Did,
            Self::Handle,
            Self::Language,
            Self::Nsid,
            Self::RecordKey,
            Self::Tid,
            Self::Uri,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }

    /// Whether `value` is of this format.
    pub fn matches(self, value: &str) -> bool {
        match self {
            Self::AtUri => is_at_uri(value),
            Self::AtIdentifier => is_did(value) || is_handle(value),
            Self::Cid => is_cid(value),
            Self::Datetime => is_datetime(value),
            Self::Did => is_did(value),
            Self::Handle => is_handle(value),
            Self::Language => is_language(value),
            Self::Nsid => is_nsid(value),
            Self::RecordKey => is_record_key(value),
            Self::Tid => is_tid(value),
            Self::Uri => is_uri(value),
        }
    }
}

/// `did:method:identifier`.
pub fn is_did(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("did:") else { return false };
    let Some((method, id)) = rest.split_once(':') else { return false };
    v.len() <= 2048
        && !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_lowercase())
        && !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:%-".contains(&b))
        && !id.ends_with(':')
        && !id.ends_with('%')
}

/// A domain name of at least two labels whose last label starts with a letter.
pub fn is_handle(v: &str) -> bool {
    let labels: Vec<&str> = v.split('.').collect();
    v.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels.last().is_some_and(|tld| tld.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// Reversed domain authority plus a name, e.g. `site.exosphere.sphere`.
pub fn is_nsid(v: &str) -> bool {
    let segments: Vec<&str> = v.split('.').collect();
    let Some((name, authority)) = segments.split_last() else { return false };
    v.len() <= 317
        && segments.len() >= 3
        && authority.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && authority.first().is_some_and(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        && !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `at://authority[/collection[/rkey]]`.
pub fn is_at_uri(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("at://") else { return false };
    if v.len() > 8192 || rest.contains(['?', '#']) {
        return false;
    }
    let mut parts = rest.split('/');
    let authority = parts.next().unwrap_or_default();
    if !(is_did(authority) || is_handle(authority)) {
        return false;
    }
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => true,
        (Some(collection), None, _) => is_nsid(collection),
        (Some(collection), Some(rkey), None) => is_nsid(collection) && is_record_key(rkey),
        _ => false,
    }
}

/// 1-512 characters of `A-Za-z0-9._:~-`, not `.` or `..`.
pub fn is_record_key(v: &str) -> bool {
    (1..=512).contains(&v.len())
        && v != "."
        && v != ".."
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:~-".contains(&b))
}

/// 13 characters of base32-sortable.
pub fn is_tid(v: &str) -> bool {
    const ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    v.len() == 13
        && v.bytes().all(|b| ALPHABET.contains(&b))
        && v.as_bytes().first().is_some_and(|b| b"234567abcdefghij".contains(b))
}

/// The syntax of a CID string: 8-256 characters of `A-Za-z0-9+=`.
pub fn is_cid(v: &str) -> bool {
    (8..=256).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'=')
}

/// RFC 3339 with an uppercase `T`, seconds, and a timezone (`Z` or an offset other than `-00:00`).
pub fn is_datetime(v: &str) -> bool {
    v.len() <= 64
        && v.as_bytes().get(10) == Some(&b'T')
        && !v.ends_with("-00:00")
        && chrono::DateTime::parse_from_rfc3339(v).is_ok()
}

/// A scheme, a colon, and no whitespace.
pub fn is_uri(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once(':') else { return false };
    v.len() <= 8192
        && scheme.starts_with(|c: char| c.is_ascii_lowercase())
        && scheme.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+.-".contains(&b))
        && !rest.is_empty()
        && !rest.contains(char::is_whitespace)
}

/// A BCP 47 tag, loosely: a 2-3 letter (or `i`) primary tag and alphanumeric subtags.
pub fn is_language(v: &str) -> bool {
    let mut parts = v.split('-');
    let primary = parts.next().unwrap_or_default();
    (primary == "i" || ((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase())))
        && parts.all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_accept_valid_and_reject_invalid_values() {
        let cases: &[(Format, &[&str], &[&str])] = &[
            (
                Format::Did,
                &["did:plc:abc123", "did:web:example.com"],
                &["did:plc:", "did:PLC:x", "plc:abc", "did:plc:x:"],
            ),
            (Format::Handle, &["alice.test", "a-b.example.com"], &["alice", "-a.test", "a.1com", "a..b"]),
            (
                Format::Nsid,
                &["site.exosphere.sphere", "com.atproto.repo.strongRef"],
                &["site.exosphere", "site.exo.1x", "a.b.c-d"],
            ),
            (
                Format::AtUri,
                &[
                    "at://did:plc:abc/site.exosphere.sphere/3kabc",
                    "at://alice.test",
                    "at://did:plc:abc/site.exosphere.sphere",
                ],
                &[
                    "https://x.y",
                    "at://",
                    "at://did:plc:abc/notnsid/x",
                    "at://did:plc:abc/a.b.c/k/extra",
                    "at://did:plc:a/a.b.c/k?x",
                ],
            ),
            (
                Format::Datetime,
                &["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123+02:00"],
                &["2024-01-02", "2024-01-02 03:04:05Z", "2024-01-02T03:04:05", "2024-01-02T03:04:05-00:00"],
            ),
            (Format::Tid, &["3jzfcijpj2z2a"], &["3jzfcijpj2z2", "zzzzzzzzzzzzz"]),
            (Format::RecordKey, &["self", "3jzfcijpj2z2a", "a:b~c"], &[".", "..", "a/b", ""]),
            (
                Format::Cid,
                &["bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"],
                &["short", "has space in it"],
            ),
            (Format::Uri, &["https://example.com/x", "mailto:a@b.c"], &["no-scheme", "https://a b"]),
            (Format::Language, &["en", "pt-BR", "i-klingon"], &["english", "e"]),
            (Format::AtIdentifier, &["alice.test", "did:plc:abc"], &["alice"]),
        ];
        for (format, good, bad) in cases {
            for v in *good {
                assert!(format.matches(v), "{} should accept {v:?}", format.name());
            }
            for v in *bad {
                assert!(!format.matches(v), "{} should reject {v:?}", format.name());
            }
            assert_eq!(Format::from_name(format.name()), Some(*format));
        }
    }
}
