//! The single writer: takes events from the socket reader's bounded channel
//! and commits them in batches. Each batch is one `BEGIN IMMEDIATE`
//! transaction that also saves the cursor and the counters, so after a crash
//! the index and the cursor agree: nothing is lost, nothing applied twice.
//! A batch takes events as long as the reader has them queued, up to
//! [`BATCH`] or [`BATCH_TIME`], so it grows while the indexer catches up;
//! it commits early when an API write of this process waits for its turn.
//! A batch is first applied optimistically, events straight into the
//! transaction. If any event fails or is rejected, that attempt is rolled
//! back whole and the batch is applied again with each event in its own
//! savepoint: one that fails is rolled back alone and counted, never
//! half-indexed. (Savepoints per event are costly: SQLite journals every
//! page an event touches and FTS5 flushes its index at every release, so
//! the common, clean batch goes without them.)
//!
//! While a Sphere is rebuilt (`crate::rebuild::SphereRebuild`, by any
//! process), its events, and every delete, are held back in memory and
//! applied after the rebuild's switch; the saved cursor stays before the
//! oldest held event, so a restart reads them again.

use exosphere_core::db::sql::sql;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use exosphere_core::module::{Registry, SphereMemo};
use exosphere_core::profiles;
use exosphere_core::sphere::CORE_COLLECTIONS;
use exosphere_core::sphere::store::remember_handle;
use exosphere_core::{Db, Error, IndexOutcome, RecordEvent, RecordOp, Source};
use tokio::sync::mpsc;

use crate::event::{Event, Item, Kind, Operation};
use crate::known::KnownAccounts;

/// Events per transaction at most. A batch takes what the reader has
/// queued as it goes, so while the indexer catches up its batches grow to
/// this; live, a batch is what arrived since the last one. Larger batches
/// write the pages every batch touches (the ranking indexes, the requests
/// whose counts moved, index pages all over the tables keyed by DID) fewer
/// times: at 1M events of the bench's mix, 10,000-event batches spent a
/// third of the writer's time committing, 50,000-event ones a fifth.
pub const BATCH: usize = 50_000;

/// A batch stops taking events after this long, so a writer in another
/// process (an API-only server beside `exosphere indexer`), which can only
/// wait on SQLite's lock, waits about this much at most.
const BATCH_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// Events a batch applies before it gives way to a writer of this process
/// waiting at the gate (an API write): it then commits at once, and the
/// API write waits for one commit, not for a whole batch.
const BEFORE_GIVING_WAY: usize = 1_000;

/// The writer connection's page cache, in KiB (other connections keep
/// [`exosphere_core::db::CACHE_KIB`]). A batch touches index pages all over the content tables; with a
/// cache smaller than what it touches, SQLite re-reads pages and spills dirty
/// ones to the WAL before the commit. SQLite only fills it as it needs to.
const WRITER_CACHE_KIB: u32 = 256 * 1024;

/// Batches applied a second time, event by event, since the process started.
static REPLAYS: AtomicU64 = AtomicU64::new(0);

/// How many batches had to be applied again, event by event (one event
/// failed or was rejected inside the transaction), since the process started.
pub fn batch_replays() -> u64 {
    REPLAYS.load(Ordering::Relaxed)
}

/// What happened to the events of a batch.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub events: i64,
    pub indexed: i64,
    pub unchanged: i64,
    pub ignored: i64,
    pub rejected: i64,
    pub malformed: i64,
    pub failed: i64,
}

impl Counters {
    fn count(&mut self, outcome: &IndexOutcome) {
        match outcome {
            IndexOutcome::Indexed => self.indexed += 1,
            IndexOutcome::Unchanged => self.unchanged += 1,
            IndexOutcome::Ignored => self.ignored += 1,
            IndexOutcome::Rejected(_) => self.rejected += 1,
        }
    }
}

/// Applies batches of events to the database.
pub struct Writer {
    db: Db,
    registry: Registry,
    /// The cursor of the last committed batch, shared with the reader so a
    /// reconnect resumes from it.
    committed: Arc<AtomicI64>,
}

/// The saved cursor (time_us of the last committed event), if any.
pub fn saved_cursor(conn: &mut SqliteConnection) -> Result<Option<i64>, Error> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
        cursor_us: Option<i64>,
    }
    Ok(sql("SELECT cursor_us FROM indexer_state WHERE id = 1").get_result::<Row>(conn)?.cursor_us)
}

impl Writer {
    pub fn new(db: Db, registry: Registry, committed: Arc<AtomicI64>) -> Self {
        Self { db, registry, committed }
    }

    /// Runs until the channel closes, committing what it received; blocking.
    pub fn run(self, mut rx: mpsc::Receiver<Item>) -> Result<(), Error> {
        let mut conn = self.db.conn()?;
        conn.batch_execute(&format!("PRAGMA cache_size = -{WRITER_CACHE_KIB}"))?;
        let mut known = KnownAccounts::default();
        {
            let _turn = self.db.write_gate();
            conn.immediate_transaction(|c| exosphere_core::accounts::seed_from_modules(c, &self.registry))?;
        }
        known.refresh(&mut conn)?;
        tracing::info!(known = known.len(), "known accounts loaded");
        let mut high = saved_cursor(&mut conn)?.unwrap_or(0);
        self.committed.store(high, Ordering::SeqCst);
        // Events held back while their Sphere is rebuilt, oldest first.
        let mut held: Vec<Item> = Vec::new();
        loop {
            // While events are held, look again now and then for the rebuild's end.
            let first = if held.is_empty() {
                rx.blocking_recv()
            } else {
                match rx.try_recv() {
                    Ok(item) => Some(item),
                    Err(mpsc::error::TryRecvError::Empty) => {
                        std::thread::sleep(HELD_RECHECK);
                        rx.try_recv().ok()
                    }
                    Err(mpsc::error::TryRecvError::Disconnected) => None,
                }
            };
            let closed = first.is_none() && (held.is_empty() || rx.is_closed());
            if closed {
                break;
            }
            // The held events come first, in their order, then the new ones
            // (the batch takes more from the channel as it goes).
            let carried = held.len();
            let mut work = std::mem::take(&mut held);
            work.extend(first);
            if work.len() == carried {
                let still = rebuilding(&mut conn)?;
                if work.iter().all(|item| matches!(item, Item::Event(e) if holds_back(&still, e))) {
                    held = work;
                    continue;
                }
            }
            let done = {
                let _turn = self.db.write_gate();
                // A failure ends the writer: the supervisor starts it again
                // from the committed cursor (see `crate::supervise`).
                self.commit(&mut conn, &mut known, &mut work, carried, high, &mut rx)?
            };
            high = done.high;
            let mut keep = done.held.into_iter().peekable();
            held = work
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    keep.next_if_eq(&i)?;
                    Some(item)
                })
                .collect();
            self.db.mark_changed();
            self.committed.store(done.saved, Ordering::SeqCst);
        }
        tracing::info!(cursor = high, held = held.len(), "indexer writer stopped");
        // The connection goes back to the pool: with the pool's cache size, and its memory freed.
        conn.batch_execute(&format!("PRAGMA cache_size = -{}", exosphere_core::db::CACHE_KIB))?;
        Ok(())
    }

    /// Applies one batch in one transaction: `batch`, then what it takes
    /// from `more` (added to `batch`) until it holds [`BATCH`] new events,
    /// has run [`BATCH_TIME`], finds the channel empty, or gives way to a
    /// writer waiting at the gate. Its first `carried` items are events held
    /// back before (never skipped as already seen); `high` is the newest
    /// event time seen so far.
    pub fn commit(
        &self,
        conn: &mut SqliteConnection,
        known: &mut KnownAccounts,
        batch: &mut Vec<Item>,
        carried: usize,
        high: i64,
        more: &mut mpsc::Receiver<Item>,
    ) -> Result<Committed, Error> {
        // The first attempt takes events as it goes; a second one applies
        // the same events again, no more.
        let mut more = Some(more);
        let mut attempt = |isolate| {
            let more = more.take();
            let applied = self.apply_batch(conn, known, batch, carried, high, isolate, more);
            match applied {
                Ok(_) => known.committed(),
                Err(_) => known.rolled_back(),
            }
            applied
        };
        let next = match attempt(false) {
            Err(BatchError::Retry) => {
                REPLAYS.fetch_add(1, Ordering::Relaxed);
                attempt(true)
            }
            other => other,
        }
        .map_err(|e| match e {
            BatchError::Retry => Error::internal(anyhow::anyhow!("a batch failed even event by event")),
            BatchError::Db(e) => e,
        })?;
        for item in batch.iter() {
            if let Item::Malformed(why) = item {
                tracing::warn!(why, "skipped a malformed Jetstream message");
            }
        }
        Ok(next)
    }

    /// Adds the next queued event to `batch`, unless the batch is done: it
    /// holds [`BATCH`] new events, has run [`BATCH_TIME`], has applied
    /// [`BEFORE_GIVING_WAY`] while a writer waits at the gate, takes no more
    /// (`more` is `None`), or nothing is queued. Whether it added one.
    fn take_one(
        &self,
        batch: &mut Vec<Item>,
        carried: usize,
        started: std::time::Instant,
        more: Option<&mut mpsc::Receiver<Item>>,
    ) -> bool {
        let Some(rx) = more else { return false };
        let new = batch.len() - carried;
        let full = new >= BATCH || started.elapsed() >= BATCH_TIME;
        if full || (new >= BEFORE_GIVING_WAY && self.db.writers_waiting()) {
            return false;
        }
        rx.try_recv().map(|item| batch.push(item)).is_ok()
    }

    /// One attempt: `isolate` puts every event in a savepoint; without it,
    /// the first failed or rejected event abandons the attempt (`Retry`).
    #[allow(clippy::too_many_arguments)]
    fn apply_batch(
        &self,
        conn: &mut SqliteConnection,
        known: &mut KnownAccounts,
        batch: &mut Vec<Item>,
        carried: usize,
        high: i64,
        isolate: bool,
        mut more: Option<&mut mpsc::Receiver<Item>>,
    ) -> Result<Committed, BatchError> {
        let started = std::time::Instant::now();
        conn.immediate_transaction(|c| {
            // Sign-ins and other processes make accounts known too.
            known.refresh(c)?;
            let rebuilding = rebuilding(c)?;
            let mut spheres = SphereMemo::default();
            let mut held = Vec::new();
            let mut counters = Counters::default();
            let mut last = high;
            for at in 0.. {
                if at == batch.len() && !self.take_one(batch, carried, started, more.as_deref_mut()) {
                    break;
                }
                let event = match &batch[at] {
                    Item::Malformed(_) => {
                        counters.malformed += 1;
                        continue;
                    }
                    Item::Invalid { time_us, did, collection, why } => {
                        if *time_us > last {
                            counters.events += 1;
                            counters.rejected += 1;
                            last = *time_us;
                            if !isolate {
                                tracing::info!(%did, %collection, %why, "rejected a record that breaks its Lexicon");
                            }
                        }
                        continue;
                    }
                    Item::Event(event) => event,
                };
                // Replayed after a reconnect's rewind: already committed (events
                // held back before are older than what was seen, and are not).
                if at >= carried && event.time_us <= last {
                    continue;
                }
                last = last.max(event.time_us);
                if holds_back(&rebuilding, event) {
                    held.push(at);
                    continue;
                }
                counters.events += 1;
                let outcome = if isolate {
                    c.transaction(|c| apply(c, &self.registry, known, &mut spheres, event))
                } else {
                    apply(c, &self.registry, known, &mut spheres, event)
                };
                match outcome {
                    Ok(IndexOutcome::Rejected(_)) | Err(_) if !isolate => return Err(BatchError::Retry),
                    Ok(outcome) => {
                        if let IndexOutcome::Rejected(why) = &outcome {
                            tracing::info!(did = %event.did, %why, "rejected a record that breaks its Lexicon");
                        }
                        counters.count(&outcome);
                    }
                    Err(e) => {
                        counters.failed += 1;
                        tracing::warn!(did = %event.did, time_us = event.time_us, error = %e, "could not index an event");
                    }
                }
            }
            self.db.before_commit(c)?;
            // Held events are not committed: a restart must read them again.
            let saved = held
                .first()
                .and_then(|&i| match &batch[i] {
                    Item::Event(e) => Some(e.time_us - 1),
                    _ => None,
                })
                .map_or(last, |t| t.min(last));
            save_state(c, saved, &counters)?;
            Ok(Committed { high: last, saved, held })
        })
    }
}

/// What a committed batch leaves.
pub struct Committed {
    /// The newest event time seen.
    pub high: i64,
    /// The cursor saved (before the oldest held event).
    pub saved: i64,
    /// Indexes in the batch of events held back, in order.
    pub held: Vec<usize>,
}

/// How long the writer waits, while it holds events back, before looking
/// again whether their Sphere's rebuild ended.
const HELD_RECHECK: std::time::Duration = std::time::Duration::from_millis(200);

/// Spheres being rebuilt now (by any process: see `crate::rebuild::SphereRebuild`).
fn rebuilding(conn: &mut SqliteConnection) -> Result<Vec<String>, Error> {
    #[derive(diesel::QueryableByName)]
    struct Uri {
        #[diesel(sql_type = Text)]
        sphere_uri: String,
    }
    let rows: Vec<Uri> = sql(format!(
        "SELECT sphere_uri FROM rebuilds
         WHERE heartbeat_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{} seconds')",
        crate::rebuild::STALE_REBUILD_S
    ))
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.sphere_uri).collect())
}

/// Whether an event waits for a rebuild: one of a Sphere being rebuilt, or a
/// delete (which names no Sphere) while any is.
fn holds_back(rebuilding: &[String], event: &Event) -> bool {
    if rebuilding.is_empty() {
        return false;
    }
    let Some(commit) = &event.commit else { return false };
    if commit.operation == Operation::Delete {
        return true;
    }
    let named = commit.record.as_ref().and_then(|r| r.get("sphere")).and_then(|s| s.as_str());
    let own = (commit.collection == exosphere_core::lexicon::site::exosphere::sphere::NSID)
        .then(|| format!("at://{}/{}/{}", event.did, commit.collection, commit.rkey));
    rebuilding.iter().any(|uri| named == Some(uri.as_str()) || own.as_deref() == Some(uri.as_str()))
}

/// Why a batch attempt ended.
enum BatchError {
    /// Apply again, event by event.
    Retry,
    Db(Error),
}

impl From<Error> for BatchError {
    fn from(e: Error) -> Self {
        Self::Db(e)
    }
}

impl From<diesel::result::Error> for BatchError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e.into())
    }
}

fn save_state(conn: &mut SqliteConnection, cursor: i64, c: &Counters) -> Result<(), Error> {
    sql(
        "UPDATE indexer_state SET cursor_us = ?, events = events + ?, indexed = indexed + ?, unchanged = unchanged + ?,
           ignored = ignored + ?, rejected = rejected + ?, malformed = malformed + ?, failed = failed + ?,
           updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1",
    )
    .bind::<BigInt, _>(cursor)
    .bind::<BigInt, _>(c.events)
    .bind::<BigInt, _>(c.indexed)
    .bind::<BigInt, _>(c.unchanged)
    .bind::<BigInt, _>(c.ignored)
    .bind::<BigInt, _>(c.rejected)
    .bind::<BigInt, _>(c.malformed)
    .bind::<BigInt, _>(c.failed)
    .execute(conn)?;
    Ok(())
}

/// The seed's pipeline for one event. The checks "references a known
/// Sphere?" and "open Sphere or active member (owner/admin for statuses and
/// moderation)?" live in each record type's indexing function, the same one
/// the API write path uses.
///
/// Identity and account events, which Jetstream sends for the whole
/// network, are kept only for accounts this server knows; the author of
/// every record indexed becomes known. So are changes to people's profiles:
/// a known account's makes its profile due to be read again.
pub fn apply(
    conn: &mut SqliteConnection,
    registry: &Registry,
    known: &mut KnownAccounts,
    spheres: &mut SphereMemo,
    event: &Event,
) -> Result<IndexOutcome, Error> {
    match event.kind {
        Kind::Commit => {
            let Some(commit) = &event.commit else { return Ok(IndexOutcome::Ignored) };
            if commit.collection == profiles::PROFILE_COLLECTION {
                if !known.contains(&event.did) {
                    return Ok(IndexOutcome::Ignored);
                }
                profiles::mark_due(conn, &event.did)?;
                return Ok(IndexOutcome::Indexed);
            }
            let ours = CORE_COLLECTIONS.contains(&commit.collection.as_str())
                || registry.for_collection(&commit.collection).is_some();
            if !ours {
                return Ok(IndexOutcome::Ignored);
            }
            let op = match commit.operation {
                Operation::Create => RecordOp::Create,
                Operation::Update => RecordOp::Update,
                Operation::Delete => RecordOp::Delete,
            };
            let record = match (&commit.record, op) {
                (_, RecordOp::Delete) => None,
                (Some(value), _) => Some(value),
                (None, _) => {
                    return Ok(IndexOutcome::Rejected(exosphere_core::lexicon::ValidationError::new(
                        "",
                        "a create or update without a record",
                    )));
                }
            };
            if op != RecordOp::Delete && commit.cid.is_none() {
                return Ok(IndexOutcome::Rejected(exosphere_core::lexicon::ValidationError::new(
                    "cid", "missing",
                )));
            }
            let outcome = registry.index_in(
                conn,
                &RecordEvent {
                    source: Source::Jetstream,
                    did: &event.did,
                    collection: &commit.collection,
                    rkey: &commit.rkey,
                    op,
                    cid: commit.cid.as_deref(),
                    record,
                    seen_us: Some(event.time_us),
                },
                spheres,
            )?;
            if matches!(outcome, IndexOutcome::Indexed | IndexOutcome::Unchanged) {
                known.know(conn, &event.did)?;
            }
            Ok(outcome)
        }
        Kind::Identity => {
            let Some(identity) = &event.identity else { return Ok(IndexOutcome::Ignored) };
            if identity.handle.is_none() || !known.contains(&identity.did) {
                return Ok(IndexOutcome::Ignored);
            }
            remember_handle(conn, &identity.did, identity.handle.as_deref())?;
            Ok(IndexOutcome::Indexed)
        }
        Kind::Account => {
            let Some(account) = &event.account else { return Ok(IndexOutcome::Ignored) };
            if !known.contains(&account.did) {
                return Ok(IndexOutcome::Ignored);
            }
            if account.active {
                sql("DELETE FROM inactive_accounts WHERE did = ?")
                    .bind::<Text, _>(&account.did)
                    .execute(conn)?;
            } else {
                sql(
                    "INSERT OR REPLACE INTO inactive_accounts (did, status, since) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                )
                .bind::<Text, _>(&account.did)
                .bind::<Text, _>(account.status.as_deref().unwrap_or("deactivated"))
                .execute(conn)?;
            }
            Ok(IndexOutcome::Indexed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(time_us: i64) -> Item {
        crate::event::parse(&format!(
            r#"{{"did":"did:plc:stranger","time_us":{time_us},"kind":"identity","identity":{{"did":"did:plc:stranger","handle":"s.test"}}}}"#
        ))
    }

    /// A batch takes events from the channel as it goes, up to [`BATCH`];
    /// with a writer of this process waiting at the gate, it commits after
    /// [`BEFORE_GIVING_WAY`] events instead, and leaves the rest queued.
    #[test]
    fn a_batch_grows_while_catching_up_and_gives_way_to_a_waiting_writer() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        let registry = Registry::new(vec![])?;
        let mut conn = db.conn()?;
        registry.migrate(&mut conn)?;
        let writer = Writer::new(db.clone(), registry, Arc::new(AtomicI64::new(0)));
        let mut known = KnownAccounts::default();
        let (tx, mut rx) = mpsc::channel(BATCH + 10);
        for t in 1..=(BATCH + 10) as i64 {
            tx.try_send(identity(t))?;
        }

        // Catching up: one batch takes BATCH events and no more.
        let mut batch = Vec::new();
        let done = writer.commit(&mut conn, &mut known, &mut batch, 0, 0, &mut rx)?;
        assert_eq!((batch.len(), rx.len()), (BATCH, 10));
        assert_eq!(done.saved, BATCH as i64);

        // An API write waits at the gate: the next batch gives way early.
        for t in 1..=(2 * BEFORE_GIVING_WAY) as i64 {
            tx.try_send(identity(BATCH as i64 + 10 + t))?;
        }
        let turn = db.write_gate();
        let api = {
            let db = db.clone();
            std::thread::spawn(move || drop(db.write_gate()))
        };
        let since = std::time::Instant::now();
        while !db.writers_waiting() {
            assert!(since.elapsed().as_secs() < 10, "the API write is never counted as waiting");
            std::thread::yield_now();
        }
        let mut batch = Vec::new();
        let done = writer.commit(&mut conn, &mut known, &mut batch, 0, done.high, &mut rx)?;
        assert_eq!(batch.len(), BEFORE_GIVING_WAY, "commits once it applied its minimum");
        assert_eq!(
            rx.len(),
            2 * BEFORE_GIVING_WAY + 10 - BEFORE_GIVING_WAY,
            "the rest waits for the next batch"
        );
        assert_eq!(saved_cursor(&mut conn)?, Some(done.saved));
        drop(turn);
        api.join().map_err(|_| anyhow::anyhow!("the API write panicked"))?;

        // Nobody waits any more: the next batch takes all that is queued.
        let mut batch = Vec::new();
        writer.commit(&mut conn, &mut known, &mut batch, 0, done.high, &mut rx)?;
        assert_eq!((batch.len(), rx.len()), (BEFORE_GIVING_WAY + 10, 0));
        assert_eq!(saved_cursor(&mut conn)?, Some((BATCH + 10 + 2 * BEFORE_GIVING_WAY) as i64));
        Ok(())
    }
}
