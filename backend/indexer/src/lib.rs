//! Exosphere's AppView indexer.
//!
//! Public Spheres live on people's PDSes; this crate is how the server
//! learns what they wrote: a Jetstream consumer ([`consumer`]) feeding one
//! batching writer ([`writer`]) through a bounded channel, with the cursor
//! saved in the same transaction as the rows it covers, and [`rebuild`],
//! which re-reads Spheres from the PDSes themselves. It runs inside the
//! server (the default) or alone (`exosphere indexer`), on the same database;
//! a supervisor starts reader and writer again, with back-off, when one fails.

pub mod consumer;
pub mod event;
pub mod known;
pub mod rebuild;
pub mod status;
pub mod writer;

use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::{Duration, Instant};

use exosphere_core::AppContext;
use tokio::sync::{mpsc, watch};

/// Messages waiting between the reader and the writer at most: the reader
/// keeps this many ready while the writer commits (a batch takes them as it
/// goes, up to [`writer::BATCH`]).
pub const CHANNEL: usize = 20_000;
/// Beyond this, Jetstream no longer has the events after a saved cursor.
pub const REPLAY_WINDOW_US: i64 = 36 * 3600 * 1_000_000;

/// A running indexer.
pub struct Indexer {
    stop: watch::Sender<bool>,
    supervisor: tokio::task::JoinHandle<()>,
}

impl Indexer {
    /// Starts reading Jetstream at `ctx.config.jetstream_url`. When the saved
    /// cursor is older than Jetstream's replay window, every known Sphere is
    /// rebuilt from the PDSes first and reading starts from now.
    pub async fn start(ctx: AppContext) -> anyhow::Result<Self> {
        let db = ctx.db.clone();
        let cursor = db.read(writer::saved_cursor).await?;
        if let Some(cursor) = cursor {
            let age = chrono::Utc::now().timestamp_micros() - cursor;
            if age > REPLAY_WINDOW_US {
                tracing::warn!(
                    hours = age / 3_600_000_000,
                    "the saved cursor is older than Jetstream's replay window: rebuilding from PDSes"
                );
                let started = chrono::Utc::now().timestamp_micros();
                // A failed rebuild must not keep the server down: read on from now, and say so.
                if let Err(e) = rebuild::rebuild(&ctx, None, false).await {
                    tracing::error!(error = %format!("{e:#}"), "rebuild failed; run `exosphere rebuild` once PDSes are reachable");
                }
                db.write(move |c| {
                    use diesel::RunQueryDsl;
                    diesel::sql_query("UPDATE indexer_state SET cursor_us = ? WHERE id = 1")
                        .bind::<diesel::sql_types::BigInt, _>(started)
                        .execute(c)?;
                    Ok(())
                })
                .await?;
            }
        }
        let (stop, stopped) = watch::channel(false);
        let supervisor = tokio::spawn(supervise(ctx.clone(), stopped));
        tracing::info!(url = %ctx.config.jetstream_url, "indexer started");
        Ok(Self { stop, supervisor })
    }

    /// Stops reading, commits what was received, and waits for the writer.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.supervisor.await;
        tracing::info!("indexer stopped");
    }
}

/// The first wait before a restart; it doubles after each failure, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A life that ran this long resets the back-off.
const HEALTHY_FOR: Duration = Duration::from_secs(60);

/// Runs reader and writer, and runs them again with back-off when either
/// fails, from the committed cursor: what the failed batch held was not
/// committed, so Jetstream sends it again, and what was committed is skipped.
/// The API keeps serving meanwhile; `_ready` and `/metrics` show the state.
async fn supervise(ctx: AppContext, stopped: watch::Receiver<bool>) {
    let mut backoff = FIRST_BACKOFF;
    loop {
        let began = Instant::now();
        ctx.indexer.running();
        let failure = run_once(&ctx, stopped.clone()).await;
        if *stopped.borrow() {
            ctx.indexer.stopped();
            return;
        }
        if began.elapsed() > HEALTHY_FOR {
            backoff = FIRST_BACKOFF;
        }
        tracing::error!(error = %failure, retry_in_s = backoff.as_secs_f64(), "the indexer failed; restarting");
        ctx.indexer.failed(&failure);
        let mut stopping = stopped.clone();
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {},
            _ = stopping.changed() => {
                ctx.indexer.stopped();
                return;
            }
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One life of reader and writer; why it ended (meaningless when stopped).
async fn run_once(ctx: &AppContext, stopped: watch::Receiver<bool>) -> String {
    let cursor = match ctx.db.read(writer::saved_cursor).await {
        Ok(cursor) => cursor.unwrap_or(0),
        Err(e) => return format!("reading the cursor: {e}"),
    };
    let (tx, rx) = mpsc::channel(CHANNEL);
    let committed = Arc::new(AtomicI64::new(cursor));
    let batch_writer = writer::Writer::new(ctx.db.clone(), ctx.registry.clone(), Arc::clone(&committed));
    let writer = tokio::task::spawn_blocking(move || batch_writer.run(rx));
    let dictionary = match &ctx.config.jetstream_zstd_dictionary {
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => Some(Arc::new(bytes)),
            Err(e) => return format!("reading the zstd dictionary {}: {e}", path.display()),
        },
        None => None,
    };
    let reader = tokio::spawn(consumer::run(
        ctx.config.jetstream_url.clone(),
        dictionary,
        ctx.registry.clone(),
        tx,
        committed,
        stopped,
    ));
    // The writer ends when the reader stops (on request, or because it
    // failed) or when it fails itself; either way the reader goes too.
    let ended = writer.await;
    reader.abort();
    let reader = reader.await;
    match ended {
        Ok(Err(e)) => format!("the writer failed: {}", e.detail()),
        Err(e) => format!("the writer panicked: {e}"),
        Ok(Ok(())) => match reader {
            Err(e) if e.is_panic() => format!("the reader panicked: {e}"),
            _ => "the reader stopped".to_owned(),
        },
    }
}
