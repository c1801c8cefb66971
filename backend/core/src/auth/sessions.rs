//! Live browser sessions remembered in memory, so that a signed-in request
//! costs no database read to learn who is asking.
//!
//! A session changes only when it is opened, ended (sign-out, here) or runs
//! out (its `expires_at`, checked on every hit). Another process could still
//! delete one behind our back, so an entry is trusted for [`TRUST_FOR`] at
//! most before the database is asked again. Only sessions found are kept: a
//! made-up `sid` costs a read each time, never memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Viewer;

/// How long an entry answers without asking the database again.
const TRUST_FOR: Duration = Duration::from_secs(60);
/// Entries kept at most; when full, the cache starts over.
const CAPACITY: usize = 10_000;

struct Entry {
    viewer: Viewer,
    /// The session's end, in Unix seconds.
    expires_at: i64,
    read_at: Instant,
}

/// Sessions by the hash of their `sid`.
#[derive(Default)]
pub(super) struct SessionCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Sessions ended lately, and when: a read that began before the end
    /// and finishes after it must not bring the session back.
    ended: HashMap<String, Instant>,
}

impl SessionCache {
    /// The viewer of a session seen lately and not expired at `now` (Unix seconds).
    pub(super) fn get(&self, sid_hash: &str, now: i64) -> Option<Viewer> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner
            .entries
            .get(sid_hash)
            .filter(|e| e.expires_at > now && e.read_at.elapsed() < TRUST_FOR)
            .map(|e| e.viewer.clone())
    }

    /// Remembers a session just read from the database (unless it has ended since).
    pub(super) fn put(&self, sid_hash: String, viewer: Viewer, expires_at: i64) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.ended.contains_key(&sid_hash) {
            return;
        }
        if inner.entries.len() >= CAPACITY && !inner.entries.contains_key(&sid_hash) {
            inner.entries.clear();
        }
        inner.entries.insert(sid_hash, Entry { viewer, expires_at, read_at: Instant::now() });
    }

    /// Forgets a session that has ended, for good.
    pub(super) fn end(&self, sid_hash: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.entries.remove(sid_hash);
        // A read that saw the session finished long ago once TRUST_FOR has passed.
        inner.ended.retain(|_, at| at.elapsed() < TRUST_FOR);
        inner.ended.insert(sid_hash.to_owned(), Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer() -> Viewer {
        Viewer { did: "did:plc:a".into(), handle: Some("a.test".into()) }
    }

    #[test]
    fn answers_until_the_session_ends_or_is_forgotten() {
        let cache = SessionCache::default();
        assert_eq!(cache.get("h", 100), None);
        cache.put("h".into(), viewer(), 200);
        assert_eq!(cache.get("h", 100), Some(viewer()));
        assert_eq!(cache.get("h", 200), None, "expired at its expires_at");
        cache.end("h");
        assert_eq!(cache.get("h", 100), None);
        cache.put("h".into(), viewer(), 200);
        assert_eq!(cache.get("h", 100), None, "a read from before the end does not bring it back");
    }

    #[test]
    fn stays_bounded() {
        let cache = SessionCache::default();
        for i in 0..=CAPACITY {
            cache.put(format!("h{i}"), viewer(), 200);
        }
        let inner = cache.inner.lock().unwrap_or_else(|e| e.into_inner());
        assert!(inner.entries.len() <= CAPACITY);
    }
}
