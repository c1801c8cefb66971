//! Indexer throughput: replays a generated stream of 1M Jetstream events over
//! a local WebSocket through the real consumer and writer into SQLite, and
//! prints events/s beside the raw WebSocket + parse rate of the same stream
//! in the same run, beside the same stream with 10% of its records
//! Lexicon-invalid (the hostile mix), and beside SQLite's own floor on this
//! machine: one vote-shaped row with its two unique indexes per event.
//!
//! Run: `cargo bench --workspace --bench indexer` (`BENCH_EVENTS` to change the count).

use std::time::{Duration, Instant};

use exosphere_core::Config;
use exosphere_indexer::event::{Item, parse};
use exosphere_testkit::jetstream::{Frame, Replay};
use workload::synthetic_board;

#[path = "../tests/common/workload.rs"]
mod workload;
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let events: usize = std::env::var("BENCH_EVENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let sphere = "at://did:plc:owner/site.exosphere.sphere/bench";
    let start_us = chrono::Utc::now().timestamp_micros() - 3_600_000_000;
    let t = Instant::now();
    let frames = synthetic_board(sphere, events, start_us);
    let last = frames.last().and_then(|f| f.time_us).unwrap_or_default();
    let bytes: usize = frames.iter().map(|f| f.message.len()).sum();
    println!(
        "generated {events} events ({:.0} MB of JSON) in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let replay = Replay::start(frames.clone()).await?;

    // Baseline: the same stream over the same WebSocket, only parsed.
    let t = Instant::now();
    let (mut socket, _) =
        tokio_tungstenite::connect_async(format!("{}?wantedCollections=site.exosphere.*", replay.url))
            .await?;
    let mut parsed = 0usize;
    while parsed < events {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                if matches!(parse(text.as_str()), Item::Event(_)) {
                    parsed += 1;
                }
            }
            Some(Ok(_)) => {}
            _ => anyhow::bail!("the replay ended early"),
        }
    }
    let raw = parsed as f64 / t.elapsed().as_secs_f64();
    drop(socket);

    // The real consumer and writer into SQLite: the clean stream, then the
    // same with one create in ten made Lexicon-invalid (hostile publishers).
    let (indexed, status) = index(frames.clone(), last, events).await?;
    let (hostile, hostile_status) = index(hostile_mix(&frames), last, events).await?;
    let dir = tempfile::tempdir()?;
    let floor = sqlite_floor(&dir.path().join("floor.sqlite"), events)?;

    println!("\n{:<44} {:>12}", "stage", "events/s");
    println!("{:<44} {:>12.0}", "WebSocket + parse only (baseline)", raw);
    println!(
        "{:<44} {:>12.0}   ({:.0}% of baseline)",
        "consumer + batched writer into SQLite",
        indexed,
        100.0 * indexed / raw
    );
    println!(
        "{:<44} {:>12.0}   ({:.0}% of the clean rate; target >= 80%)",
        "the same, 10% of records Lexicon-invalid",
        hostile,
        100.0 * hostile / indexed
    );
    println!(
        "{:<44} {:>12.0}   ({:.0}% of baseline)",
        "SQLite floor: one vote row + its 2 indexes",
        floor,
        100.0 * floor / raw
    );
    println!(
        "\nindexed {} / unchanged {} / ignored {} / rejected {} / failed {}; target >= 50000 events/s (the whole network: about 370-520/s live, peaks near 2000/s)",
        status.state.indexed,
        status.state.unchanged,
        status.state.ignored,
        status.state.rejected,
        status.state.failed
    );
    println!(
        "hostile run: indexed {} / rejected {} / ignored {} / failed {}",
        hostile_status.state.indexed,
        hostile_status.state.rejected,
        hostile_status.state.ignored,
        hostile_status.state.failed
    );
    Ok(())
}

/// Replays `frames` through the real consumer and writer into a fresh
/// database with the bench's Sphere; events/s until the cursor reaches `last`.
async fn index(
    frames: Vec<Frame>,
    last: i64,
    events: usize,
) -> anyhow::Result<(f64, exosphere_indexer::status::Status)> {
    let replay = Replay::start(frames).await?;
    let dir = tempfile::tempdir()?;
    let mut config = Config::for_tests(dir.path().join("data"));
    config.jetstream_url = replay.url.clone();
    let registry = exosphere::modules::registry()?;
    let modules = serde_json::to_string(&registry.names())?;
    let ctx = exosphere::server::context(config, registry).await?;
    ctx.db
        .write(move |c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute(&format!(
                "INSERT INTO spheres (uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
                 VALUES ('at://did:plc:owner/site.exosphere.sphere/bench', 'bafy', 'did:plc:owner', 'bench', 'Bench', 'public', 'open', '{modules}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
            ))?;
            Ok(())
        })
        .await?;
    let t = Instant::now();
    let indexer = exosphere_indexer::Indexer::start(ctx.clone()).await?;
    loop {
        let cursor = ctx.db.read(exosphere_indexer::writer::saved_cursor).await?.unwrap_or(0);
        if cursor >= last {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rate = events as f64 / t.elapsed().as_secs_f64();
    indexer.stop().await;
    Ok((rate, ctx.db.read(exosphere_indexer::status::read).await?))
}

/// One create in ten with a `createdAt` that is no datetime: invalid under
/// every record's Lexicon, as anyone may publish.
fn hostile_mix(frames: &[Frame]) -> Vec<Frame> {
    let mut creates = 0usize;
    frames
        .iter()
        .map(|frame| {
            let (Some(time_us), Message::Text(text)) = (frame.time_us, &frame.message) else {
                return frame.clone();
            };
            let Ok(mut event) = serde_json::from_str::<serde_json::Value>(text.as_str()) else {
                return frame.clone();
            };
            if event["commit"]["operation"] != "create" {
                return frame.clone();
            }
            creates += 1;
            if !creates.is_multiple_of(10) {
                return frame.clone();
            }
            event["commit"]["record"]["createdAt"] = serde_json::json!("yesterday");
            Frame::event(time_us, event.to_string())
        })
        .collect()
}

/// What SQLite alone does here: per event, one row shaped like a vote
/// (`fr_votes`: URI primary key, unique request + voter) with keys shaped like
/// the stream's, inserted by one prepared statement, 10,000 rows per
/// transaction, with the server's pragmas — no lookup, validation or other
/// table. Every vote event costs at least this much.
fn sqlite_floor(path: &std::path::Path, events: usize) -> anyhow::Result<f64> {
    use diesel::RunQueryDsl;
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use exosphere_core::db::sql::sql;
    let db = exosphere_core::Db::open(path)?;
    let mut conn = db.conn()?;
    conn.batch_execute(&format!(
        "PRAGMA cache_size = -{};
         CREATE TABLE v (uri TEXT PRIMARY KEY NOT NULL, cid TEXT NOT NULL, request_id INTEGER NOT NULL,
                         voter_did TEXT NOT NULL, weight REAL NOT NULL, created_at TEXT NOT NULL,
                         UNIQUE (request_id, voter_did));",
        256 * 1024
    ))?;
    let t = Instant::now();
    for start in (0..events).step_by(10_000) {
        conn.immediate_transaction(|c| {
            for i in start..(start + 10_000).min(events) {
                sql("INSERT INTO v VALUES (?, ?, ?, ?, 1.0, '2026-11-01T00:00:00.000Z')")
                    .bind::<Text, _>(format!("at://did:plc:voter{i}/site.exosphere.featureRequestVote/v{i}"))
                    .bind::<Text, _>(format!("bafyreivote{i:010}"))
                    .bind::<BigInt, _>((i as i64).wrapping_mul(2_654_435_761) % 200_000)
                    .bind::<Text, _>(format!("did:plc:voter{i}"))
                    .execute(c)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    Ok(events as f64 / t.elapsed().as_secs_f64())
}
