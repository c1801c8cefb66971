//! The indexer survives being killed, and a Sphere can be rebuilt from PDS
//! data alone: both checked by comparing whole indexes.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::dump;
use common::workload::synthetic_board;
use common::world::World;
use common::xrpc::ok;
use exosphere_core::Db;
use exosphere_testkit::jetstream::Replay;
use serde_json::json;

fn exosphere(data: &Path) -> Command {
    let binary = common::exosphere_binary().unwrap_or_else(|e| panic!("{e:#}"));
    let mut command = Command::new(binary);
    command
        .env_clear()
        .env("EXOSPHERE_DATA_DIR", data)
        .env("EXOSPHERE_PLC_URL", "http://127.0.0.1:1")
        .env("EXOSPHERE_HANDLE_RESOLVER", "http://127.0.0.1:1")
        .env("EXOSPHERE_ALLOW_PRIVATE_NETWORKS", "loopback")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn signal(child: &Child, name: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        Command::new("kill").args([name, &child.id().to_string()]).status()?.success(),
        "kill {name} failed"
    );
    Ok(())
}

async fn cursor(db: &Db) -> anyhow::Result<i64> {
    Ok(db.read(exosphere_indexer::writer::saved_cursor).await?.unwrap_or(0))
}

async fn until_cursor(db: &Db, last: i64) -> anyhow::Result<()> {
    let started = Instant::now();
    while cursor(db).await? < last {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(300),
            "the indexer did not finish the replay"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// A data dir with the database and the Sphere the replayed events belong to.
async fn prepared(dir: &Path, sphere_uri: &str) -> anyhow::Result<Db> {
    let migrated = exosphere(dir).arg("migrate").status()?;
    anyhow::ensure!(migrated.success(), "migrate failed");
    let db = Db::open(&dir.join("exosphere.sqlite"))?;
    let uri = sphere_uri.to_owned();
    db.write(move |c| {
        use diesel::RunQueryDsl;
        diesel::sql_query(
            "INSERT INTO spheres (uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
             VALUES (?, 'bafycrash', 'did:plc:owner', 'crash', 'Crash', 'public', 'open', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .bind::<diesel::sql_types::Text, _>(uri)
        .bind::<diesel::sql_types::Text, _>(common::all_modules())
        .execute(c)?;
        Ok(())
    })
    .await?;
    Ok(db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_indexer_twenty_times_loses_and_doubles_nothing() -> anyhow::Result<()> {
    const EVENTS: usize = 100_000;
    let sphere = "at://did:plc:owner/site.exosphere.sphere/crash";
    let start_us = chrono::Utc::now().timestamp_micros() - 600_000_000;
    let frames = synthetic_board(sphere, EVENTS, start_us);
    let last = frames.last().and_then(|f| f.time_us).unwrap_or_default();
    let replay = Replay::start(frames).await?;
    let root = tempfile::tempdir()?;

    // Uninterrupted.
    let reference_dir = root.path().join("reference");
    let reference = prepared(&reference_dir, sphere).await?;
    let child =
        exosphere(&reference_dir).env("EXOSPHERE_JETSTREAM_URL", &replay.url).arg("indexer").spawn()?;
    until_cursor(&reference, last).await?;
    signal(&child, "-TERM")?;
    let mut child = child;
    child.wait()?;

    // Killed with SIGKILL at 20 random points, restarted each time.
    let crashed_dir = root.path().join("crashed");
    let crashed = prepared(&crashed_dir, sphere).await?;
    let mut rng: u64 = 42;
    let mut mid_replay = 0;
    let mut child =
        exosphere(&crashed_dir).env("EXOSPHERE_JETSTREAM_URL", &replay.url).arg("indexer").spawn()?;
    for _ in 0..20 {
        rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        tokio::time::sleep(Duration::from_millis(60 + (rng >> 33) % 240)).await;
        signal(&child, "-KILL")?;
        child.wait()?;
        if cursor(&crashed).await? < last {
            mid_replay += 1;
        }
        child = exosphere(&crashed_dir).env("EXOSPHERE_JETSTREAM_URL", &replay.url).arg("indexer").spawn()?;
    }
    until_cursor(&crashed, last).await?;
    signal(&child, "-TERM")?;
    child.wait()?;

    assert!(mid_replay >= 10, "most kills must land mid-replay, only {mid_replay} did");
    let (a, b) = (dump::content(&reference).await?, dump::content(&crashed).await?);
    assert!(
        a.iter().any(|(t, rows)| t == "fr_requests" && rows.len() > 1000),
        "the replay built a real index"
    );
    dump::assert_same(&a, &b);
    assert_eq!(
        dump::indexer_state(&reference).await?,
        dump::indexer_state(&crashed).await?,
        "every event counted exactly once"
    );
    Ok(())
}

#[tokio::test]
async fn a_rebuild_from_pds_data_alone_equals_the_live_index() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let members = w.sphere("members-board", "public", "members").await?;
    let open = w.sphere("open-board", "public", "open").await?;
    const FR: &str = "site.exosphere.featureRequest";
    for (who, sphere, title) in [
        (&w.bob, "members-board", "Dark mode"),
        (&w.carol, "members-board", "CSV export"),
        (&w.erin, "open-board", "From a passer-by"),
        (&w.alice, "open-board", "Owner's own"),
    ] {
        ok(
            s,
            who,
            &format!("{FR}.createRequest"),
            json!({ "sphere": sphere, "title": title, "description": format!("{title}, please") }),
        )
        .await?;
    }
    for (who, sphere, number) in [
        (&w.alice, "members-board", 1),
        (&w.carol, "members-board", 1),
        (&w.erin, "open-board", 2),
        (&w.dave, "open-board", 1),
    ] {
        ok(s, who, &format!("{FR}.vote"), json!({ "sphere": sphere, "number": number })).await?;
    }
    let comment = ok(
        s,
        &w.carol,
        &format!("{FR}.createComment"),
        json!({ "sphere": "members-board", "number": 1, "text": "Agreed" }),
    )
    .await?;
    ok(s, &w.bob, &format!("{FR}.createComment"), json!({ "sphere": "members-board", "number": 1, "text": "Thanks", "parent": comment["comment"]["uri"] })).await?;
    ok(
        s,
        &w.alice,
        &format!("{FR}.voteComment"),
        json!({ "sphere": "members-board", "comment": comment["comment"]["uri"] }),
    )
    .await?;
    ok(
        s,
        &w.erin,
        &format!("{FR}.createComment"),
        json!({ "sphere": "open-board", "number": 1, "text": "Nice" }),
    )
    .await?;
    ok(
        s,
        &w.bob,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "members-board", "number": 1, "status": "planned", "note": "Soon" }),
    )
    .await?;
    let spam =
        ok(s, &w.erin, &format!("{FR}.createRequest"), json!({ "sphere": "open-board", "title": "Spam" }))
            .await?;
    ok(
        s,
        &w.alice,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "open-board", "subject": spam["request"]["uri"], "action": "hide" }),
    )
    .await?;
    let live = dump::content(&s.running.ctx.db).await?;

    // Another instance, with nothing but the Spheres' AT URIs.
    let elsewhere = tempfile::tempdir()?;
    for sphere in [&members, &open] {
        let uri = sphere["uri"].as_str().unwrap_or_default();
        let out = exosphere(elsewhere.path())
            .env("EXOSPHERE_PLC_URL", &w.net.plc)
            .env("EXOSPHERE_HANDLE_RESOLVER", &w.net.pds)
            .env("EXOSPHERE_RELAY_URL", &w.net.relay)
            .args(["rebuild", "--quiet", "--sphere", uri])
            .stdout(Stdio::piped())
            .output()?;
        anyhow::ensure!(out.status.success(), "rebuild of {uri} failed");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("rebuilt 1 Sphere"), "{said}");
    }
    let rebuilt = dump::content(&Db::open(&elsewhere.path().join("exosphere.sqlite"))?).await?;
    assert!(live.iter().any(|(t, rows)| t == "fr_requests" && rows.len() == 5));
    dump::assert_same(&live, &rebuilt);
    Ok(())
}
