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
//!
//! A long write (a rebuild's switch, a bulk import: [`Db::write_alone`](super::Db::write_alone))
//! runs as a group of its own, with no savepoint around it. SQLite keeps a
//! savepoint's undo pages in an in-memory list that each statement inside
//! it walks from the start when it ends, so inside one savepoint every
//! statement would cost as much as all the write's statements before it.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, OnceLock, Weak};
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
pub(super) struct Job {
    /// Runs alone, in the transaction itself rather than in a savepoint.
    alone: bool,
    run: Box<dyn FnOnce(&mut SqliteConnection) -> Ran + Send>,
}

/// A write that has run in the group's transaction, not yet committed.
pub(super) struct Ran {
    /// Its work failed (its savepoint is rolled back).
    failed: bool,
    /// Answers its caller, given how the group's commit went.
    answer: Answer,
}

type Answer = Box<dyn FnOnce(&Result<(), Error>) + Send>;

/// A job for `work` (`alone`: see [`Db::write_alone`](super::Db::write_alone)),
/// and where its answer will arrive.
pub(super) fn job<T, F>(work: F, alone: bool) -> (Job, oneshot::Receiver<Result<T, Error>>)
where
    T: Send + 'static,
    F: FnOnce(&mut SqliteConnection) -> Result<T, Error> + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let run = Box::new(move |c: &mut SqliteConnection| {
        // Alone, a failure rolls the whole transaction back (see `group`).
        let out = if alone { work(c) } else { c.transaction(work) };
        Ran {
            failed: out.is_err(),
            answer: Box::new(move |commit: &Result<(), Error>| {
                // The caller may have gone (a closed connection): the write stands all the same.
                let _ = tx.send(match (out, commit) {
                    (Err(e), _) => Err(e),
                    (Ok(out), Ok(())) => Ok(out),
                    (Ok(_), Err(e)) => Err(e.clone()),
                });
            }),
        }
    });
    (Job { alone, run }, rx)
}

/// What the writer thread needs of the database.
pub(super) struct Parts {
    pub pool: Pool<ConnectionManager<SqliteConnection>>,
    pub gate: Arc<super::gate::Gate>,
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
        let mut waiting = None;
        while let Some(first) = waiting.take().or_else(|| rx.recv().ok()) {
            // A panicking write must not end the thread that serves every other one.
            match std::panic::catch_unwind(AssertUnwindSafe(|| group(&parts, first, &rx))) {
                Ok(next) => waiting = next,
                Err(_) => tracing::error!("a database write panicked; its group was rolled back"),
            }
        }
    })?;
    Ok(tx)
}

/// Runs `first` and the writes that join it in one transaction, commits,
/// answers; a write that arrived meanwhile but must run alone is handed back.
fn group(parts: &Parts, first: Job, more: &Receiver<Job>) -> Option<Job> {
    let _turn = parts.gate.enter();
    let mut conn = match parts.pool.get() {
        Ok(conn) => conn,
        Err(e) => {
            // Dropping the job tells its caller the write was not run.
            tracing::error!(error = %e, "no database connection for a write");
            return None;
        }
    };
    let mut answers = Vec::new();
    let mut later = None;
    let committed = conn.immediate_transaction(|c| {
        let started = Instant::now();
        let alone = first.alone;
        let mut next = Some(first);
        while let Some(job) = next.take() {
            let ran = (job.run)(c);
            answers.push(ran.answer);
            if ran.failed && alone {
                return Err(Error::internal(anyhow::anyhow!("the write failed; rolled back")));
            }
            // After a failure the group ends here: whatever failed, the
            // writes before it are committed or refused together, never
            // mixed with writes run after a transaction SQLite may have ended.
            if alone || ran.failed || answers.len() >= MAX_GROUP || started.elapsed() >= MAX_OPEN {
                break;
            }
            match more.try_recv() {
                Ok(job) if job.alone => later = Some(job),
                Ok(job) => next = Some(job),
                Err(_) => {}
            }
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
    later
}
