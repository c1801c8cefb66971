//! Group commit: the writes of this process share transactions.
//!
//! [`Db::write`](super::Db::write) hands its work to one writer thread. The
//! thread takes the write gate, opens one `BEGIN IMMEDIATE` transaction and
//! runs the write, then every write that is waiting or arrives meanwhile (up
//! to [`MAX_GROUP`] writes, for [`MAX_OPEN`] at most), each inside a
//! savepoint of its own: a write that fails rolls back alone and answers its
//! own error. The modules' end-of-transaction work runs once, the group
//! commits, and only then is each write answered: with its own result, or
//! with the commit's error when the commit failed. Nothing waits for
//! company: a write that finds the thread idle is a group of one.
//!
//! One commit for many writes saves writing the pages they share (index
//! pages, counters, the search index) to the WAL once per write, and the
//! writes no longer queue one transaction at a time behind each other.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use diesel::Connection;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sqlite::SqliteConnection;
use tokio::sync::oneshot;

use super::BeforeCommit;
use crate::xrpc::Error;

/// Writes in one transaction at most.
const MAX_GROUP: usize = 256;
/// How long a group takes in more writes once it has begun.
const MAX_OPEN: Duration = Duration::from_millis(4);

/// One write, as the writer thread runs it.
pub(super) type Job = Box<dyn FnOnce(&mut SqliteConnection) -> Ran + Send>;

/// A write that has run in the group's transaction, not yet committed.
pub(super) struct Ran {
    /// Its work failed (its savepoint is rolled back).
    failed: bool,
    /// Answers its caller, given how the group's commit went.
    answer: Answer,
}

type Answer = Box<dyn FnOnce(&Result<(), Error>) + Send>;

/// A job for `work`, and where its answer will arrive.
pub(super) fn job<T, F>(work: F) -> (Job, oneshot::Receiver<Result<T, Error>>)
where
    T: Send + 'static,
    F: FnOnce(&mut SqliteConnection) -> Result<T, Error> + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let job: Job = Box::new(move |c: &mut SqliteConnection| {
        let out = c.transaction(work);
        Ran {
            failed: out.is_err(),
            answer: Box::new(move |commit: &Result<(), Error>| {
                // The caller may have gone (a closed connection): the write stands all the same.
                let _ = tx.send(match commit {
                    Ok(()) => out,
                    Err(e) => Err(e.clone()),
                });
            }),
        }
    });
    (job, rx)
}

/// What the writer thread needs of the database.
pub(super) struct Parts {
    pub pool: Pool<ConnectionManager<SqliteConnection>>,
    pub gate: Arc<Mutex<()>>,
    pub before_commit: Arc<OnceLock<BeforeCommit>>,
    /// Weak: the thread must not keep the database "in use" (see `Db::watch_other_processes`).
    pub generation: Weak<AtomicU64>,
    /// Counts the groups committed.
    pub groups: Arc<AtomicU64>,
}

/// Starts the writer thread; it ends when every sender is gone.
pub(super) fn start(parts: Parts) -> anyhow::Result<Sender<Job>> {
    let (tx, rx) = channel::<Job>();
    std::thread::Builder::new().name("exosphere-writer".into()).spawn(move || {
        while let Ok(first) = rx.recv() {
            // A panicking write must not end the thread that serves every other one.
            if std::panic::catch_unwind(AssertUnwindSafe(|| group(&parts, first, &rx))).is_err() {
                tracing::error!("a database write panicked; its group was rolled back");
            }
        }
    })?;
    Ok(tx)
}

/// Runs `first` and the writes that join it in one transaction, commits, answers.
fn group(parts: &Parts, first: Job, more: &Receiver<Job>) {
    let _turn = parts.gate.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut conn = match parts.pool.get() {
        Ok(conn) => conn,
        Err(e) => {
            // Dropping the job tells its caller the write was not run.
            tracing::error!(error = %e, "no database connection for a write");
            return;
        }
    };
    let mut answers = Vec::new();
    let committed = conn.immediate_transaction(|c| {
        let started = Instant::now();
        let mut next = Some(first);
        while let Some(job) = next.take() {
            let ran = job(c);
            answers.push(ran.answer);
            // After a failure the group ends here: whatever failed, the
            // writes before it are committed or refused together, never
            // mixed with writes run after a transaction SQLite may have ended.
            if ran.failed || answers.len() >= MAX_GROUP || started.elapsed() >= MAX_OPEN {
                break;
            }
            next = more.try_recv().ok();
        }
        match parts.before_commit.get() {
            Some(hook) => hook(c),
            None => Ok(()),
        }
    });
    if committed.is_ok() {
        parts.groups.fetch_add(1, Ordering::AcqRel);
        if let Some(generation) = parts.generation.upgrade() {
            generation.fetch_add(1, Ordering::AcqRel);
        }
    }
    for answer in answers {
        answer(&committed);
    }
}
