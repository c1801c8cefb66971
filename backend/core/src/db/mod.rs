//! SQLite through diesel and r2d2.
//!
//! Every connection gets the same pragmas (WAL, `synchronous=NORMAL`,
//! `busy_timeout`, `foreign_keys`, and memory-mapped reads so the pool's
//! connections share the OS page cache instead of each copying pages in).
//! [`Db::read`] runs short reads inline (WAL readers never wait on a lock);
//! [`Db::write`] hands its work to one writer thread, which runs concurrent
//! writes in shared transactions (group commit, see [`group`]). Writers in
//! this process take turns at one gate ([`Db::write_gate`])
//! before they even take a connection: a waiting writer is woken the moment
//! the previous one commits (SQLite's busy handler would sleep 1, 2, 5, 10...
//! ms between tries) and never holds a pooled connection a reader needs.
//! Writes use `BEGIN IMMEDIATE`, so a writer in another process (the
//! stand-alone indexer) is waited for on the busy timeout instead of failing
//! with "database is locked" halfway through a transaction.

mod gate;
mod group;
pub mod migrations;
mod shared;
pub mod sql;

pub use shared::{Shared, SharedReads};

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, MutexGuard, OnceLock};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;

use crate::xrpc::Error;

/// A pooled SQLite connection.
pub type Conn = PooledConnection<ConnectionManager<SqliteConnection>>;

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the background checkpointer copies the WAL into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// WAL size (pages) at which a commit checkpoints by itself: only reached if
/// the background checkpointer falls behind (SQLite's default is 1,000).
const BACKSTOP_CHECKPOINT_PAGES: u32 = 20_000;

/// Each connection's page cache, in KiB (`PRAGMA cache_size`).
pub const CACHE_KIB: u32 = 16_000;

#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA busy_timeout = {};
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -{};
             PRAGMA mmap_size = 1073741824;
             PRAGMA wal_autocheckpoint = {};",
            BUSY_TIMEOUT.as_millis(),
            CACHE_KIB,
            BACKSTOP_CHECKPOINT_PAGES
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Work run at the end of every write transaction, just before it commits
/// (the modules' deferred upkeep, see [`crate::module::Module::before_commit`]).
pub type BeforeCommit = Arc<dyn Fn(&mut SqliteConnection) -> Result<(), Error> + Send + Sync>;

/// The database: a pool of SQLite connections to one file.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<SqliteConnection>>,
    /// Bumped after every committed write (see [`Db::generation`]).
    generation: Arc<AtomicU64>,
    /// How many times the watcher of other processes has looked (see [`Db::watcher_looks`]).
    looks: Arc<AtomicU64>,
    /// Held by whoever writes in this process (see the module docs).
    gate: Arc<gate::Gate>,
    /// Run inside every write transaction before it commits.
    before_commit: Arc<OnceLock<BeforeCommit>>,
    /// The writer thread's queue (see [`group`]).
    writer: std::sync::mpsc::Sender<group::Job>,
    /// Transactions the writer thread has committed.
    groups: Arc<AtomicU64>,
    /// Writes handed to the writer thread.
    queued: Arc<AtomicU64>,
    /// Answers every reader with the same access gets alike (see [`Db::read_shared`]).
    shared: Arc<SharedReads>,
}

impl Db {
    /// Opens (creating if needed) the SQLite file at `path`, creating its
    /// parent folder too. What it creates only its owner may read: the
    /// folder `0700`, the file `0600` (SQLite gives its `-wal` and `-shm`
    /// files the database's mode). It holds OAuth tokens and DPoP keys.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::private_files::create_dir(parent)
                .map_err(|e| anyhow::anyhow!("cannot create data directory {}: {e}", parent.display()))?;
        }
        crate::private_files::create_empty(path)
            .map_err(|e| anyhow::anyhow!("cannot create database {}: {e}", path.display()))?;
        let url =
            path.to_str().ok_or_else(|| anyhow::anyhow!("database path {} is not UTF-8", path.display()))?;
        let pool = Pool::builder()
            .max_size(16)
            .min_idle(Some(1))
            // A SQLite connection can't go stale: skip r2d2's `SELECT 1` on every checkout.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(30))
            .connection_customizer(Box::new(Pragmas))
            .build(ConnectionManager::<SqliteConnection>::new(url))
            .map_err(|e| anyhow::anyhow!("cannot open database {}: {e}", path.display()))?;
        let (generation, gate, before_commit) =
            (Arc::new(AtomicU64::new(1)), Arc::new(gate::Gate::default()), Arc::new(OnceLock::new()));
        let groups = Arc::new(AtomicU64::new(0));
        let writer = group::start(group::Parts {
            pool: pool.clone(),
            gate: Arc::clone(&gate),
            before_commit: Arc::clone(&before_commit),
            generation: Arc::downgrade(&generation),
            groups: Arc::clone(&groups),
        })?;
        let db = Self {
            pool,
            generation,
            looks: Arc::new(AtomicU64::new(0)),
            gate,
            before_commit,
            writer,
            groups,
            queued: Arc::new(AtomicU64::new(0)),
            shared: Arc::default(),
        };
        db.checkpoint_in_background();
        Ok(db)
    }

    /// Copies the WAL into the database file every [`CHECKPOINT_EVERY`] on a
    /// thread of its own (`PRAGMA wal_checkpoint(PASSIVE)`: it waits for no
    /// reader or writer). Left to SQLite, the commit that crosses 1,000 WAL
    /// pages does the copy and its fsync itself, and every writer queued
    /// behind it waits: the slowest requests under load. The thread ends once
    /// the database is dropped.
    fn checkpoint_in_background(&self) {
        let pool = self.pool.clone();
        let alive = Arc::downgrade(&self.generation);
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(CHECKPOINT_EVERY);
                if alive.upgrade().is_none() {
                    return;
                }
                let Ok(mut conn) = pool.get() else { continue };
                if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                    tracing::debug!(error = %e, "background checkpoint skipped");
                }
            }
        });
    }

    /// A number that changes whenever data may have changed: after every
    /// [`Db::write`], every [`Db::mark_changed`], and (with
    /// [`Db::watch_other_processes`]) every commit by another process.
    /// Caches remember it when they read and are stale once it moves.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Declares that a write committed outside [`Db::write`] (e.g. on a connection from [`Db::conn`]).
    pub fn mark_changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Notices commits made by other processes on the same file (the
    /// stand-alone indexer beside an API-only server) by polling SQLite's
    /// `data_version` on a connection of its own every `every`.
    /// A plain thread, so it never holds up a runtime's shutdown; it ends
    /// once every other handle to this database is gone. It also sees this
    /// process's own commits (SQLite can't tell them apart), which then
    /// invalidate caches a second time: an extra miss, never a stale answer.
    pub fn watch_other_processes(&self, every: Duration) {
        let db = self.clone();
        std::thread::spawn(move || {
            let version = |conn: &mut SqliteConnection| -> Option<i64> {
                #[derive(diesel::QueryableByName)]
                struct Version {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    data_version: i64,
                }
                diesel::RunQueryDsl::get_result::<Version>(diesel::sql_query("PRAGMA data_version"), conn)
                    .ok()
                    .map(|v| v.data_version)
            };
            let Ok(mut conn) = db.conn() else { return };
            let mut last = version(&mut conn);
            // Ends when the pool is the last owner of the counter (the server is gone).
            while Arc::strong_count(&db.generation) > 1 {
                std::thread::sleep(every);
                let now = version(&mut conn);
                if now != last {
                    db.mark_changed();
                    last = now;
                }
                db.looks.fetch_add(1, Ordering::AcqRel);
            }
        });
    }

    /// How many times the watcher started by [`Db::watch_other_processes`]
    /// has looked for other processes' commits. Once it has looked twice
    /// after a commit, that commit has moved [`Db::generation`] for the last
    /// time (tests wait on this before asserting cache hits).
    pub fn watcher_looks(&self) -> u64 {
        self.looks.load(Ordering::Acquire)
    }

    /// Sets the work every write transaction ends with (once; later calls are ignored).
    pub fn set_before_commit(&self, hook: BeforeCommit) {
        let _ = self.before_commit.set(hook);
    }

    /// Runs the end-of-transaction work: [`Db::write`] does it itself; code
    /// writing on a connection from [`Db::conn`] calls it before committing.
    pub fn before_commit(&self, conn: &mut SqliteConnection) -> Result<(), Error> {
        match self.before_commit.get() {
            Some(hook) => hook(conn),
            None => Ok(()),
        }
    }

    /// Waits for this process's turn to write (blocking): hold it for the
    /// whole transaction when writing on a connection from [`Db::conn`].
    pub fn write_gate(&self) -> MutexGuard<'_, ()> {
        self.gate.enter()
    }

    /// Whether another writer of this process waits for the gate now: a
    /// long transaction (the indexer's batch) commits early to let it in.
    pub fn writers_waiting(&self) -> bool {
        self.gate.others_waiting()
    }

    /// Whether the bundled SQLite was built with its query planner
    /// stability guarantee (`.cargo/config.toml` asks for it). Without it,
    /// cached statements with a bound `LIMIT ?` are re-prepared at every run.
    pub fn has_stable_plans(&self) -> Result<bool, Error> {
        #[derive(diesel::QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let mut conn = self.conn()?;
        let options: Vec<CompileOption> =
            diesel::RunQueryDsl::load(diesel::sql_query("PRAGMA compile_options"), &mut conn)?;
        Ok(options.iter().any(|o| o.compile_options == "ENABLE_QPSG"))
    }

    /// A connection for blocking code (CLI commands, the indexer's writer thread).
    pub fn conn(&self) -> Result<Conn, Error> {
        self.pool.get().map_err(|e| Error::internal(anyhow::anyhow!("database pool: {e}")))
    }

    /// Writes a consistent copy of the database to `file` while others keep
    /// reading and writing (`VACUUM INTO` copies one read snapshot); returns
    /// the copy's size in bytes.
    pub async fn backup(&self, file: &Path) -> anyhow::Result<u64> {
        anyhow::ensure!(!file.exists(), "{} already exists: choose a new file", file.display());
        let target = file
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("backup path {} is not UTF-8", file.display()))?
            .to_owned();
        // VACUUM runs outside any transaction: not through `read`.
        let mut conn = self.conn().map_err(|e| anyhow::anyhow!("backup failed: {}", e.message()))?;
        diesel::RunQueryDsl::execute(
            diesel::sql_query("VACUUM INTO ?").bind::<diesel::sql_types::Text, _>(target),
            &mut *conn,
        )
        .map_err(|e| anyhow::anyhow!("backup failed: {e}"))?;
        Ok(std::fs::metadata(file)?.len())
    }

    /// Runs read-only work right here, on the calling thread, in one read
    /// transaction: all its statements see one snapshot, and the connection
    /// takes and drops its WAL read lock once, not once per statement (the
    /// lock is a mutex and `fcntl` call that every connection of the process
    /// contends for). Reads are short (indexed lookups of microseconds to a
    /// few milliseconds) and never wait for a lock in WAL mode, so handing
    /// them to another thread would cost more in wake-ups and context
    /// switches than the query itself; an HTTP worker simply serves its next
    /// request afterwards.
    pub async fn read<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteConnection) -> Result<T, Error> + Send + 'static,
    {
        let mut conn = self.conn()?;
        diesel::Connection::transaction(&mut *conn, work)
    }

    /// Runs work like [`Db::read`], with the [`Shared`] answers of this
    /// generation: what every reader with the same access gets alike, kept
    /// until the next committed write (see the `shared` module). `fresh`
    /// computes them again (a request sent with `Cache-Control: no-cache`).
    pub async fn read_shared<T, F>(&self, fresh: bool, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteConnection, &Shared<'_>) -> Result<T, Error> + Send + 'static,
    {
        // Before the transaction's snapshot: what it computes is at least this new.
        let shared = Shared { memo: &self.shared, generation: self.generation(), fresh };
        let mut conn = self.conn()?;
        diesel::Connection::transaction(&mut *conn, |c| work(c, &shared))
    }

    /// How often shared answers were used and computed (see [`Db::read_shared`]).
    pub fn shared_reads(&self) -> (u64, u64) {
        self.shared.counts()
    }

    /// Runs work in a `BEGIN IMMEDIATE` transaction on the writer thread,
    /// together with the other writes waiting then (see [`group`]): all of
    /// this work is committed, or none of it, and the answer comes once the
    /// transaction has committed. A write that fails fails alone.
    pub async fn write<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteConnection) -> Result<T, Error> + Send + 'static,
    {
        self.send(group::job(work, false)).await
    }

    /// Runs a long write (a rebuild's switch, a bulk import of thousands of
    /// records) in a transaction of its own, with nothing else in it and no
    /// savepoint around it (see [`group`]): committed whole, or rolled back
    /// whole when it fails. Short writes belong in [`Db::write`].
    pub async fn write_alone<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteConnection) -> Result<T, Error> + Send + 'static,
    {
        self.send(group::job(work, true)).await
    }

    async fn send<T>(
        &self,
        (job, answer): (group::Job, tokio::sync::oneshot::Receiver<Result<T, Error>>),
    ) -> Result<T, Error> {
        self.writer
            .send(job)
            .map_err(|_| Error::internal(anyhow::anyhow!("the database writer has stopped")))?;
        self.queued.fetch_add(1, Ordering::AcqRel);
        answer.await.map_err(|_| Error::internal(anyhow::anyhow!("the write was not run (see the log)")))?
    }

    /// How many transactions [`Db::write`]'s writes have committed (fewer
    /// than the writes when they share them).
    pub fn write_groups(&self) -> u64 {
        self.groups.load(Ordering::Acquire)
    }

    /// How many writes have been handed to the writer thread.
    pub fn writes_queued(&self) -> u64 {
        self.queued.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::Text;
    use diesel::{QueryableByName, RunQueryDsl};

    use super::*;

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }

    #[test]
    fn sqlite_is_built_with_stable_plans() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        assert!(
            db.has_stable_plans()?,
            "LIBSQLITE3_FLAGS from .cargo/config.toml did not reach the SQLite build"
        );
        #[derive(QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = Text)]
            compile_options: String,
        }
        let options: Vec<CompileOption> =
            diesel::sql_query("PRAGMA compile_options").load(&mut db.conn()?)?;
        assert!(
            options.iter().any(|o| o.compile_options == "DEFAULT_MEMSTATUS=0"),
            "SQLite keeps memory statistics (a mutex on every allocation): {:?}",
            options.iter().map(|o| o.compile_options.as_str()).collect::<Vec<_>>()
        );
        Ok(())
    }

    #[tokio::test]
    async fn the_wal_is_copied_into_the_database_in_the_background() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("x.sqlite");
        let db = Db::open(&path)?;
        // About 1 MB: far below the commit-time backstop, so only the background thread copies it.
        db.write(|c| {
            Ok(c.batch_execute(
                "CREATE TABLE t (v BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO t SELECT randomblob(500) FROM n;",
            )?)
        })
        .await?;
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while std::fs::metadata(&path)?.len() < 1_000_000 && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(std::fs::metadata(&path)?.len() >= 1_000_000, "the rows reached the database file");
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    // The gate is held on purpose while the writes queue: only the writer thread waits for it.
    #[allow(clippy::await_holding_lock)]
    async fn concurrent_writes_share_a_commit_and_a_failing_one_fails_alone() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("x.sqlite");
        let db = Db::open(&path)?;
        db.write(|c| Ok(c.batch_execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")?)).await?;
        let (groups, queued) = (db.write_groups(), db.writes_queued());
        // Fifty writes queue while another writer holds the gate; the 10th fails after writing its row.
        let held = db.write_gate();
        let mut writes = Vec::new();
        for n in 0..50 {
            let db = db.clone();
            writes.push(tokio::spawn(async move {
                db.write(move |c| {
                    c.batch_execute(&format!("INSERT INTO t VALUES ({n})"))?;
                    if n == 10 {
                        return Err(Error::invalid_request("write 10 is refused"));
                    }
                    Ok(n)
                })
                .await
            }));
        }
        let waiting = std::time::Instant::now();
        while db.writes_queued() < queued + 50 {
            anyhow::ensure!(waiting.elapsed() < Duration::from_secs(10), "the writes were not queued");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        drop(held);
        let other = Db::open(&path)?;
        for (n, write) in writes.into_iter().enumerate() {
            match write.await? {
                Ok(answer) => {
                    assert_eq!(answer, n as i64);
                    // Answered once committed: another connection sees the row already.
                    let seen = other
                        .read(move |c| {
                            Ok(diesel::sql_query(format!("SELECT n FROM t WHERE n = {n}"))
                                .load::<Row>(c)?
                                .len())
                        })
                        .await?;
                    assert_eq!(seen, 1, "write {n} answered before its commit");
                }
                Err(e) => assert_eq!((n, e.message()), (10, "write 10 is refused")),
            }
        }
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            #[allow(dead_code)]
            n: i64,
        }
        let rows = other.read(|c| Ok(diesel::sql_query("SELECT n FROM t").load::<Row>(c)?.len())).await?;
        assert_eq!(rows, 49, "the refused write's row is rolled back, and only it");
        let used = db.write_groups() - groups;
        assert!(used < 10, "50 queued writes took {used} commits");
        Ok(())
    }

    #[tokio::test]
    async fn a_read_sees_one_snapshot_while_others_commit() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        db.conn()?.batch_execute("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1);")?;
        let writer = db.clone();
        let count = "SELECT count(*) AS n FROM t";
        let (before, after) = db
            .read(move |c| {
                let before = diesel::sql_query(count).get_result::<Count>(c)?.n;
                // Another connection commits between the read's two statements.
                writer.conn()?.batch_execute("INSERT INTO t VALUES (2);")?;
                let after = diesel::sql_query(count).get_result::<Count>(c)?.n;
                Ok((before, after))
            })
            .await?;
        assert_eq!((before, after), (1, 1), "both statements of one read see the same snapshot");
        let now = db.read(move |c| Ok(diesel::sql_query(count).get_result::<Count>(c)?.n)).await?;
        assert_eq!(now, 2, "the next read sees the commit");
        Ok(())
    }

    #[tokio::test]
    async fn shared_answers_are_kept_until_the_next_write() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        db.write(|c| Ok(c.batch_execute("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1);")?)).await?;
        let computed = Arc::new(AtomicU64::new(0));
        let count = |fresh: bool| {
            let (db, computed) = (db.clone(), Arc::clone(&computed));
            async move {
                db.read_shared(fresh, move |c, shared| {
                    let n = shared.get_or("count".to_owned(), || {
                        computed.fetch_add(1, Ordering::Relaxed);
                        Ok(diesel::sql_query("SELECT count(*) AS n FROM t").get_result::<Count>(c)?.n)
                    })?;
                    Ok(*n)
                })
                .await
            }
        };
        assert_eq!((count(false).await?, count(false).await?), (1, 1));
        assert_eq!(computed.load(Ordering::Relaxed), 1, "the second read used the kept answer");
        assert_eq!(db.shared_reads(), (1, 1), "one hit, one miss");

        db.write(|c| Ok(c.batch_execute("INSERT INTO t VALUES (2);")?)).await?;
        assert_eq!(count(false).await?, 2, "a committed write ends the kept answer");
        assert_eq!(count(true).await?, 2);
        assert_eq!(computed.load(Ordering::Relaxed), 3, "a fresh read computes again");

        // The same key for an answer of another type is another answer.
        let text = db
            .read_shared(false, |_, shared| shared.get_or("count".to_owned(), || Ok("two".to_owned())))
            .await?;
        assert_eq!(text.as_str(), "two");
        Ok(())
    }

    #[tokio::test]
    async fn opening_creates_the_folder_and_sets_wal() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("nested/data/x.sqlite"))?;
        let mode = db.read(|c| Ok(diesel::sql_query("PRAGMA journal_mode").get_result::<Mode>(c)?)).await?;
        assert_eq!(mode.journal_mode, "wal");
        Ok(())
    }

    #[tokio::test]
    async fn the_generation_moves_with_writes_here_and_in_other_processes() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("x.sqlite");
        let (here, elsewhere) = (Db::open(&path)?, Db::open(&path)?);
        here.watch_other_processes(Duration::from_millis(10));
        let start = here.generation();
        here.read(|c| Ok(c.batch_execute("SELECT 1")?)).await?;
        assert_eq!(here.generation(), start, "reads change nothing");
        here.write(|c| Ok(c.batch_execute("CREATE TABLE t (v TEXT)")?)).await?;
        let after_write = here.generation();
        assert!(after_write > start);
        // The watcher has read its first version (a commit before that would go unseen)...
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while here.watcher_looks() == 0 && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // ...and another pool stands for another process: its commit is noticed by polling.
        elsewhere.write(|c| Ok(c.batch_execute("INSERT INTO t VALUES ('x')")?)).await?;
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while here.generation() == after_write && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(here.generation() > after_write, "a commit by another connection moves the generation");
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_backup_taken_during_writes_is_consistent() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("live.sqlite"))?;
        // Some bulk, so that the copy takes long enough for writes to land while it runs.
        db.write(|c| {
            Ok(c.batch_execute(
                "CREATE TABLE a (n INTEGER); CREATE TABLE b (n INTEGER); CREATE TABLE bulk (x BLOB);
                 WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < 20000)
                 INSERT INTO bulk SELECT randomblob(512) FROM i;",
            )?)
        })
        .await?;
        let rows = |db: &Db| {
            let db = db.clone();
            async move {
                #[derive(QueryableByName)]
                struct Counts {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    a: i64,
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    b: i64,
                }
                db.read(|c| {
                    Ok(diesel::sql_query(
                        "SELECT (SELECT count(*) FROM a) AS a, (SELECT count(*) FROM b) AS b",
                    )
                    .get_result::<Counts>(c)?)
                })
                .await
                .map(|c| (c.a, c.b))
            }
        };
        // Every transaction adds one row to each table, until told to stop: a torn copy would show it.
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (db, stop) = (db.clone(), Arc::clone(&stop));
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    db.write(move |c| {
                        Ok(c.batch_execute(&format!(
                            "INSERT INTO a VALUES ({n}); INSERT INTO b VALUES ({n});"
                        ))?)
                    })
                    .await?;
                    n += 1;
                }
                Ok::<_, Error>(())
            })
        };
        // The copy starts once the writes are under way...
        let waiting = std::time::Instant::now();
        while rows(&db).await?.0 < 20 {
            anyhow::ensure!(waiting.elapsed() < Duration::from_secs(10), "the writer wrote nothing");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let before = rows(&db).await?.0;
        let copy = dir.path().join("backup.sqlite");
        assert!(db.backup(&copy).await? > 0);
        let after = rows(&db).await?.0;
        stop.store(true, Ordering::Relaxed);
        writer.await??;
        assert!(db.backup(&copy).await.is_err(), "an existing file is never overwritten");
        let restored = Db::open(&copy)?;
        let (a, b) = rows(&restored).await?;
        assert_eq!(a, b, "the copy holds whole transactions only");
        assert!((before..=after).contains(&a), "the copy is a snapshot from while it ran: {a} rows");
        // Writers were not held up while it copied (tens of milliseconds): many
        // commits landed after its snapshot and before it returned.
        assert!(after >= a + 10, "writes went on during the copy: {a} rows in it, {after} when it ended");
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = Text)]
            integrity_check: String,
        }
        let check = restored
            .read(|c| Ok(diesel::sql_query("PRAGMA integrity_check").get_result::<Check>(c)?))
            .await?;
        assert_eq!(check.integrity_check, "ok");
        Ok(())
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_data_directory_and_database_are_private_to_their_owner() -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let data = dir.path().join("data");
        let db = Db::open(&data.join("exosphere.sqlite"))?;
        db.write(|c| Ok(c.batch_execute("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('x')")?)).await?;
        let mode = |name: &str| -> anyhow::Result<u32> {
            Ok(std::fs::metadata(data.join(name))?.permissions().mode() & 0o777)
        };
        assert_eq!(std::fs::metadata(&data)?.permissions().mode() & 0o777, 0o700);
        assert_eq!(mode("exosphere.sqlite")?, 0o600);
        assert_eq!(mode("exosphere.sqlite-wal")?, 0o600, "SQLite's own files follow the database");
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[allow(clippy::await_holding_lock)]
    async fn a_long_write_runs_alone_and_commits_or_fails_whole() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        db.write(|c| Ok(c.batch_execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")?)).await?;
        let groups = db.write_groups();
        // In this order, while the gate is held: 3 short writes, a long one
        // that fails after its inserts, 3 short, a long one that succeeds.
        let held = db.write_gate();
        let mut writes = Vec::new();
        for (i, (alone, fails)) in [(false, false), (false, false), (false, false), (true, true)]
            .into_iter()
            .chain([(false, false), (false, false), (false, false), (true, false)])
            .enumerate()
        {
            let (db2, queued) = (db.clone(), db.writes_queued());
            writes.push(tokio::spawn(async move {
                let work = move |c: &mut SqliteConnection| {
                    for k in 0..100 {
                        c.batch_execute(&format!("INSERT INTO t VALUES ({})", i * 1000 + k))?;
                    }
                    if fails {
                        return Err(Error::invalid_request("the long write stops"));
                    }
                    Ok(i)
                };
                if alone { db2.write_alone(work).await } else { db2.write(work).await }
            }));
            let waiting = std::time::Instant::now();
            while db.writes_queued() == queued {
                anyhow::ensure!(waiting.elapsed() < Duration::from_secs(10), "write {i} was not queued");
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        drop(held);
        let mut answers = Vec::new();
        for write in writes {
            answers.push(write.await?.map_err(|e| e.message().to_owned()));
        }
        let failed = Err("the long write stops".to_owned());
        assert_eq!(answers, [Ok(0), Ok(1), Ok(2), failed, Ok(4), Ok(5), Ok(6), Ok(7)]);
        let count = |from: usize| {
            let sql = format!("SELECT count(*) AS n FROM t WHERE n / 1000 = {from}");
            db.read(move |c| Ok(diesel::sql_query(&sql).get_result::<Count>(c)?.n))
        };
        assert_eq!(count(3).await?, 0, "the failed long write left nothing");
        assert_eq!((count(2).await?, count(4).await?, count(7).await?), (100, 100, 100));
        // Each long write in a transaction of its own: the short ones before,
        // the short ones after and the second long one commit apart.
        assert_eq!(db.write_groups() - groups, 3);
        Ok(())
    }

    #[tokio::test]
    async fn a_failed_write_commits_nothing() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        db.write(|c| Ok(c.batch_execute("CREATE TABLE t (v TEXT NOT NULL)")?)).await?;
        let failed = db
            .write(|c| {
                c.batch_execute("INSERT INTO t VALUES ('kept?')")?;
                Err::<(), _>(Error::invalid_request("stop here"))
            })
            .await;
        assert!(failed.is_err());
        let count =
            db.read(|c| Ok(diesel::sql_query("SELECT count(*) AS n FROM t").get_result::<Count>(c)?)).await?;
        assert_eq!(count.n, 0);
        Ok(())
    }
}
