//! Shared reads: what every reader with the same access gets alike (a page
//! of a list without the viewer's own state), kept until the next committed
//! write, so that signed-in members pay for their own state only.
//!
//! [`crate::Db::read_shared`] reads the database generation *before* its
//! transaction begins (SQLite's snapshot starts at the transaction's first
//! statement), and answers computed in it are kept under that generation
//! and used only while it is current: an answer is never older than its tag,
//! so nothing stale is ever served. The anonymous response cache
//! ([`crate::xrpc::cache`]) follows the same rule for whole responses.
//!
//! A module decides what is shared: the key must name everything the answer
//! depends on besides the database (the Sphere, the filters, the cursor, and
//! whether the reader moderates, since moderators see hidden content), and
//! nothing of the viewer's. Access is checked before, on every request.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::Error;

/// Answers kept at most (then the stale ones go, or all of them).
const MAX_ENTRIES: usize = 1024;

type Entry = (u64, Arc<dyn Any + Send + Sync>);

/// The kept answers, by type and key, and how often they were used.
#[derive(Default)]
pub struct SharedReads {
    entries: Mutex<HashMap<(TypeId, String), Entry>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl SharedReads {
    /// Answers used from the memo, and answers computed (a miss, or `fresh`).
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    fn get<T: Send + Sync + 'static>(&self, key: &(TypeId, String), generation: u64) -> Option<Arc<T>> {
        let entries = self.entries.lock().ok()?;
        let (tag, value) = entries.get(key)?;
        (*tag == generation).then(|| Arc::clone(value).downcast::<T>().ok()).flatten()
    }

    fn put(&self, key: (TypeId, String), generation: u64, value: Arc<dyn Any + Send + Sync>) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.retain(|_, (tag, _)| *tag == generation);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (generation, value));
    }
}

/// The shared answers as one read transaction sees them (see [`crate::Db::read_shared`]).
pub struct Shared<'a> {
    pub(super) memo: &'a SharedReads,
    /// The database generation read before the transaction began.
    pub(super) generation: u64,
    /// Compute every answer again (`Cache-Control: no-cache`), and keep it.
    pub(super) fresh: bool,
}

impl Shared<'_> {
    /// The answer kept under `key`, or `compute`'s (then kept), which must
    /// read through this same transaction.
    pub fn get_or<T, F>(&self, key: String, compute: F) -> Result<Arc<T>, Error>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Result<T, Error>,
    {
        let key = (TypeId::of::<T>(), key);
        if !self.fresh
            && let Some(kept) = self.memo.get::<T>(&key, self.generation)
        {
            self.memo.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(kept);
        }
        self.memo.misses.fetch_add(1, Ordering::Relaxed);
        let value = Arc::new(compute()?);
        self.memo.put(key, self.generation, value.clone());
        Ok(value)
    }
}
