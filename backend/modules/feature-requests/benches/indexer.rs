//! Indexer throughput: replays a generated stream of 1M Jetstream events over
//! a local WebSocket through the real consumer and writer into SQLite, and
//! prints events/s beside the raw WebSocket + parse rate of the same stream
//! in the same run, beside the same stream with 10% of its records
//! Lexicon-invalid (the hostile mix), and beside SQLite's own floor on this
//! machine: one vote-shaped row with its two unique indexes per event; and
//! the clean stream again with DIDs as random as real ones. Then
//! SQLite's floor for a vote by a new account (its known-account, profile
//! and vote rows) with DIDs as random as real ones, in today's text-keyed
//! schema and with integer keys (the account's id) in its place.
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
    let (real, _) = index(real_dids(&frames), last, events).await?;
    let dir = tempfile::tempdir()?;
    let floor = sqlite_floor(&dir.path().join("floor.sqlite"), events)?;
    let text_keys = new_voter_floor(&dir.path().join("text.sqlite"), events, Keys::Text)?;
    let integer_keys = new_voter_floor(&dir.path().join("integer.sqlite"), events, Keys::Integer)?;

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
        "{:<44} {:>12.0}   ({:.0}% of the clean rate)",
        "the clean stream, DIDs random as real ones",
        real,
        100.0 * real / indexed
    );
    println!(
        "{:<44} {:>12.0}   ({:.0}% of baseline)",
        "SQLite floor: one vote row + its 2 indexes",
        floor,
        100.0 * floor / raw
    );
    println!(
        "\nSQLite floor of a vote by a new account, DIDs random as real did:plc ones (account, profile and vote rows):"
    );
    println!("{:<44} {:>12.0}", "  today's schema (keyed by DID and URI text)", text_keys);
    println!(
        "{:<44} {:>12.0}   ({:.1}x today's)",
        "  integer keys (the account's id)",
        integer_keys,
        integer_keys / text_keys
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

/// The same stream with every account's DID but the Sphere owner's random,
/// as real `did:plc` identifiers are (24 base32 letters from a hash of the
/// stream's `did:plc:voter12`-style name, the same name always giving the
/// same DID). The stream's names sort near each other, which keeps every
/// index keyed by DID text cheap; real ones land all over such an index.
fn real_dids(frames: &[Frame]) -> Vec<Frame> {
    const PREFIX: &str = "did:plc:";
    frames
        .iter()
        .map(|frame| {
            let (Some(time_us), Message::Text(text)) = (frame.time_us, &frame.message) else {
                return frame.clone();
            };
            let text = text.as_str();
            let mut out = String::with_capacity(text.len() + 64);
            let mut rest = text;
            while let Some(at) = rest.find(PREFIX) {
                let (before, after) = rest.split_at(at + PREFIX.len());
                out.push_str(before);
                let end = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(after.len());
                let name = &after[..end];
                if name == "owner" {
                    out.push_str(name);
                } else {
                    out.push_str(&random_did_id(name));
                }
                rest = &after[end..];
            }
            out.push_str(rest);
            Frame::event(time_us, out)
        })
        .collect()
}

/// The identifier part of a random-looking `did:plc` for `name`: 24 base32
/// letters from a hash of it (the same name always gives the same one).
fn random_did_id(name: &str) -> String {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    const BASE32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    let (a, b) = (hasher.hash_one((name, 1)), hasher.hash_one((name, 2)));
    (0..24)
        .map(|i| {
            let bits = if i < 12 { a >> (i * 5) } else { b >> ((i - 12) * 5) };
            char::from(BASE32[(bits & 31) as usize])
        })
        .collect()
}

/// Events/s of `row(connection, i)` for `events` rows in a fresh database at
/// `path` after `setup`, 10,000 rows per transaction, with the server's
/// pragmas and the writer's page cache.
fn timed_rows(
    path: &std::path::Path,
    events: usize,
    setup: &str,
    mut row: impl FnMut(&mut diesel::SqliteConnection, usize) -> diesel::QueryResult<()>,
) -> anyhow::Result<f64> {
    use diesel::connection::SimpleConnection;
    let db = exosphere_core::Db::open(path)?;
    let mut conn = db.conn()?;
    conn.batch_execute(&format!("PRAGMA cache_size = -{}; {setup}", 256 * 1024))?;
    let t = Instant::now();
    for start in (0..events).step_by(10_000) {
        conn.immediate_transaction(|c| (start..(start + 10_000).min(events)).try_for_each(|i| row(c, i)))?;
    }
    Ok(events as f64 / t.elapsed().as_secs_f64())
}

/// What SQLite alone does here: per event, one row shaped like a vote
/// (`fr_votes`: URI primary key, unique request + voter) with keys shaped like
/// the stream's, inserted by one prepared statement, 10,000 rows per
/// transaction, with the server's pragmas — no lookup, validation or other
/// table. Every vote event costs at least this much.
fn sqlite_floor(path: &std::path::Path, events: usize) -> anyhow::Result<f64> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};
    use exosphere_core::db::sql::sql;
    timed_rows(
        path,
        events,
        "CREATE TABLE v (uri TEXT PRIMARY KEY NOT NULL, cid TEXT NOT NULL, request_id INTEGER NOT NULL,
                         voter_did TEXT NOT NULL, weight REAL NOT NULL, created_at TEXT NOT NULL,
                         UNIQUE (request_id, voter_did));",
        |c, i| {
            sql("INSERT INTO v VALUES (?, ?, ?, ?, 1.0, '2026-11-01T00:00:00.000Z')")
                .bind::<Text, _>(format!("at://did:plc:voter{i}/site.exosphere.featureRequestVote/v{i}"))
                .bind::<Text, _>(format!("bafyreivote{i:010}"))
                .bind::<BigInt, _>((i as i64).wrapping_mul(2_654_435_761) % 200_000)
                .bind::<Text, _>(format!("did:plc:voter{i}"))
                .execute(c)?;
            Ok(())
        },
    )
}

/// The two layouts [`new_voter_floor`] compares.
#[derive(Clone, Copy)]
enum Keys {
    /// Today's: `profiles` keyed by DID, `fr_votes` by URI and by request + DID.
    Text,
    /// The account's integer id (`known_accounts.id`) in their place.
    Integer,
}

/// What SQLite alone does for a vote by an account new to the server: the
/// account made known, its profile row, the vote row, each with the indexes
/// of its layout, three prepared statements, 10,000 votes per transaction.
/// The DIDs are random, as `did:plc` identifiers are (the stream's
/// `did:plc:voter{i}` sort near each other, which real ones never do), on
/// 100,000 requests.
fn new_voter_floor(path: &std::path::Path, events: usize, keys: Keys) -> anyhow::Result<f64> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};
    use exosphere_core::db::sql::sql;
    const REQUESTS: i64 = 100_000;
    let layout = match keys {
        Keys::Text => {
            "CREATE TABLE p (did TEXT PRIMARY KEY NOT NULL, refresh_after TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
             CREATE INDEX p_due ON p (refresh_after);
             CREATE TABLE v (uri TEXT PRIMARY KEY NOT NULL, cid TEXT NOT NULL, request_id INTEGER NOT NULL,
                             voter_did TEXT NOT NULL, weight REAL NOT NULL, created_at TEXT NOT NULL,
                             UNIQUE (request_id, voter_did));"
        }
        Keys::Integer => {
            "CREATE TABLE p (actor_id INTEGER PRIMARY KEY, refresh_after TEXT NOT NULL DEFAULT '');
             CREATE INDEX p_due ON p (refresh_after);
             CREATE TABLE v (id INTEGER PRIMARY KEY, uri TEXT NOT NULL, cid TEXT NOT NULL, request_id INTEGER NOT NULL,
                             voter_did TEXT NOT NULL, voter_id INTEGER NOT NULL, rkey TEXT NOT NULL, weight REAL NOT NULL,
                             created_at TEXT NOT NULL, UNIQUE (voter_id, rkey), UNIQUE (request_id, voter_id));"
        }
    };
    let (profile, vote) = match keys {
        Keys::Text => (
            "INSERT OR IGNORE INTO p (did) VALUES (?)",
            "INSERT OR IGNORE INTO v (uri, cid, request_id, voter_did, weight, created_at)
             VALUES (?, ?, ?, ?, 1.0, '2026-11-01T00:00:00.000Z')",
        ),
        Keys::Integer => (
            "INSERT OR IGNORE INTO p (actor_id) SELECT id FROM k WHERE did = ?",
            "INSERT OR IGNORE INTO v (uri, cid, request_id, voter_did, voter_id, rkey, weight, created_at)
             SELECT ?, ?, ?, ?, id, ?, 1.0, '2026-11-01T00:00:00.000Z' FROM k WHERE did = ?",
        ),
    };
    let setup = format!("CREATE TABLE k (id INTEGER PRIMARY KEY, did TEXT NOT NULL UNIQUE); {layout}");
    timed_rows(path, events, &setup, |c, i| {
        let voter = format!("did:plc:{}", random_did_id(&format!("voter{i}")));
        let rkey = format!("3l{i:011}");
        sql("INSERT OR IGNORE INTO k (did) VALUES (?)").bind::<Text, _>(&voter).execute(c)?;
        sql(profile).bind::<Text, _>(&voter).execute(c)?;
        let vote = sql(vote)
            .bind::<Text, _>(format!("at://{voter}/site.exosphere.featureRequestVote/{rkey}"))
            .bind::<Text, _>(format!("bafyreivote{i:010}"))
            .bind::<BigInt, _>((i as i64).wrapping_mul(2_654_435_761) % REQUESTS)
            .bind::<Text, _>(&voter);
        match keys {
            Keys::Text => vote.execute(c)?,
            Keys::Integer => vote.bind::<Text, _>(&rkey).bind::<Text, _>(&voter).execute(c)?,
        };
        Ok(())
    })
}
