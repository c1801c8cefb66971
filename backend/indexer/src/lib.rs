//! Exosphere's AppView indexer.
//!
//! Public Spheres live on people's PDSes; this crate is how the server
//! learns what they wrote: a Jetstream consumer ([`consumer`]) feeding one
//! batching writer ([`writer`]) through a bounded channel, with the cursor
//! saved in the same transaction as the rows it covers, and [`rebuild`],
//! which re-reads Spheres from the PDSes themselves. It runs inside the
//! server (the default) or alone (`exosphere indexer`), on the same database.

pub mod consumer;
pub mod event;
pub mod rebuild;
pub mod status;
pub mod writer;

use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use exosphere_core::AppContext;
use tokio::sync::{mpsc, watch};

/// Messages waiting between the reader and the writer at most: two batches,
/// so the reader fills the next one while the writer commits.
pub const CHANNEL: usize = 2 * writer::BATCH;
/// Beyond this, Jetstream no longer has the events after a saved cursor.
pub const REPLAY_WINDOW_US: i64 = 36 * 3600 * 1_000_000;

/// A running indexer.
pub struct Indexer {
    stop: watch::Sender<bool>,
    reader: tokio::task::JoinHandle<()>,
    writer: tokio::task::JoinHandle<()>,
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
        let (tx, rx) = mpsc::channel(CHANNEL);
        let committed = Arc::new(AtomicI64::new(db.read(writer::saved_cursor).await?.unwrap_or(0)));
        let batch_writer = writer::Writer::new(db, ctx.registry.clone(), Arc::clone(&committed));
        let writer = tokio::task::spawn_blocking(move || {
            if let Err(e) = batch_writer.run(rx) {
                tracing::error!(error = %e, "the indexer writer stopped on an error");
            }
        });
        let (stop, stopped) = watch::channel(false);
        let reader = tokio::spawn(consumer::run(ctx.config.jetstream_url.clone(), tx, committed, stopped));
        tracing::info!(url = %ctx.config.jetstream_url, "indexer started");
        Ok(Self { stop, reader, writer })
    }

    /// Stops reading, commits what was received, and waits for the writer.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.reader.await;
        let _ = self.writer.await;
        tracing::info!("indexer stopped");
    }
}
