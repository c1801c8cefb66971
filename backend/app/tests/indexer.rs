//! The indexer on the real network's terms: Jetstream sends every account's
//! identity and account events, and anyone may publish invalid records.

mod common;

use common::TestServer;
use exosphere_core::AppContext;
use exosphere_indexer::Indexer;
use exosphere_testkit::eventually;
use exosphere_testkit::jetstream::{Frame, Replay};
use serde_json::{Value, json};

/// Now, in Jetstream's microseconds.
fn now_us() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64)
}

const SPHERE: &str = "at://did:plc:owner/site.exosphere.sphere/s1";

/// A server whose indexer reads `frames`, with one public open Sphere owned by did:plc:owner.
async fn server(frames: Vec<Frame>) -> anyhow::Result<(Replay, TestServer)> {
    server_reading(frames, |replay| replay.to_owned()).await
}

/// The same, with `EXOSPHERE_JETSTREAM_URL` made from the replay's URL.
async fn server_reading(
    frames: Vec<Frame>,
    jetstream: impl FnOnce(&str) -> String,
) -> anyhow::Result<(Replay, TestServer)> {
    server_of(Replay::start(frames).await?, |c, replay| c.jetstream_url = jetstream(replay)).await
}

/// A server whose configuration `tweak` sets (given the replay's URL), with the Sphere.
async fn server_of(
    replay: Replay,
    tweak: impl FnOnce(&mut exosphere_core::Config, &str),
) -> anyhow::Result<(Replay, TestServer)> {
    let url = replay.url.clone();
    let server = TestServer::start_with(|c| tweak(c, &url)).await?;
    server
        .running
        .ctx
        .db
        .write(|c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute(&format!(
                "INSERT INTO spheres (uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
                 VALUES ('{SPHERE}', 'bafy', 'did:plc:owner', 'known', 'Known', 'public', 'open', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
                common::all_modules()
            ))?;
            // Its owner made it here, so this server knows them.
            exosphere_core::accounts::know(c, "did:plc:owner")
        })
        .await?;
    // A newly known account's profile is read at once (and can't be here):
    // once tried, the server writes nothing more of its own accord.
    let ctx = server.running.ctx.clone();
    eventually("the owner's profile was tried", || async {
        Ok(profile_reads(&ctx).await?.values().all(|at| !at.is_empty()))
    })
    .await?;
    Ok((replay, server))
}

async fn count(ctx: &AppContext, table: &'static str) -> anyhow::Result<i64> {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    Ok(ctx
        .db
        .read(move |c| {
            use diesel::RunQueryDsl;
            Ok(diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).get_result::<N>(c)?.n)
        })
        .await?)
}

/// Waits until the indexer committed the event at `time_us`; its status then.
async fn caught_up(server: &TestServer, time_us: i64) -> anyhow::Result<Value> {
    let url = server.url("/xrpc/_indexer");
    eventually("the indexer reaches the last event", || async {
        let status: Value = reqwest::get(&url).await?.json().await?;
        Ok(status["cursorUs"].as_i64() == Some(time_us))
    })
    .await?;
    Ok(reqwest::get(&url).await?.json().await?)
}

fn identity(t: i64, did: &str, handle: &str) -> Frame {
    Frame::event(
        t,
        json!({ "did": did, "time_us": t, "kind": "identity",
        "identity": { "did": did, "handle": handle, "seq": t, "time": "2026-12-01T00:00:00Z" } })
        .to_string(),
    )
}

fn account(t: i64, did: &str, active: bool) -> Frame {
    let status = if active { json!(null) } else { json!("deactivated") };
    Frame::event(t, json!({ "did": did, "time_us": t, "kind": "account",
        "account": { "did": did, "active": active, "status": status, "seq": t, "time": "2026-12-01T00:00:00Z" } }).to_string())
}

fn join(t: i64, did: &str, created_at: &str) -> Frame {
    Frame::event(t, json!({ "did": did, "time_us": t, "kind": "commit", "commit": {
        "rev": "r", "operation": "create", "collection": "site.exosphere.sphereMember", "rkey": format!("k{t}"),
        "record": { "$type": "site.exosphere.sphereMember", "sphere": SPHERE, "createdAt": created_at },
        "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm" } }).to_string())
}

/// A Bluesky profile saved by `did`.
fn profile(t: i64, did: &str) -> Frame {
    Frame::event(
        t,
        json!({ "did": did, "time_us": t, "kind": "commit", "commit": {
        "rev": "r", "operation": "update", "collection": "app.bsky.actor.profile", "rkey": "self",
        "record": { "$type": "app.bsky.actor.profile", "displayName": "Someone" },
        "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm" } })
        .to_string(),
    )
}

/// When the server reads each profile next, by DID (accounts with a profile row only).
async fn profile_reads(ctx: &AppContext) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        did: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        refresh_after: String,
    }
    let rows = ctx
        .db
        .read(|c| {
            use diesel::RunQueryDsl;
            Ok(diesel::sql_query(
                "SELECT k.did, p.refresh_after FROM profiles p JOIN known_accounts k ON k.id = p.account",
            )
            .load::<Row>(c)?)
        })
        .await?;
    Ok(rows.into_iter().map(|r| (r.did, r.refresh_after)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_known_accounts_identities_and_statuses_are_kept() -> anyhow::Result<()> {
    let start = now_us() - 60_000_000;
    let mut frames = Vec::new();
    let mut t = start;
    let mut next = || {
        t += 1;
        t
    };
    // The whole network's churn: 100k events of accounts no one here knows.
    for i in 0..50_000 {
        frames.push(identity(next(), &format!("did:plc:stranger{i}"), &format!("s{i}.example")));
        frames.push(account(next(), &format!("did:plc:stranger{i}"), i % 2 == 0));
        if i % 50 == 0 {
            frames.push(profile(next(), &format!("did:plc:stranger{i}")));
        }
    }
    // A known account saves its profile: the server reads it again.
    frames.push(profile(next(), "did:plc:painter"));
    // The owner (known from the Sphere) and a joiner (known once indexed) get theirs.
    frames.push(identity(next(), "did:plc:owner", "owner.example"));
    frames.push(join(next(), "did:plc:joiner", "2026-12-01T00:00:00.000Z"));
    frames.push(identity(next(), "did:plc:joiner", "joiner.example"));
    frames.push(account(next(), "did:plc:joiner", false));
    let last = next();
    frames.push(account(last, "did:plc:owner", true));
    let (_replay, server) = server(frames).await?;
    let ctx = server.running.ctx.clone();
    // Profiles read long ago, not due until far in the future: only an
    // event makes them due (once the refresher has tried those due now).
    ctx.db.write(|c| exosphere_core::accounts::know(c, "did:plc:painter")).await?;
    eventually("the profiles due were tried", || async {
        Ok(profile_reads(&ctx).await?.values().all(|at| !at.is_empty()))
    })
    .await?;
    ctx.db
        .write(|c| {
            use diesel::connection::SimpleConnection;
            Ok(c.batch_execute("UPDATE profiles SET refresh_after = '9999'")?)
        })
        .await?;
    let (actors, inactive) = (count(&ctx, "actors").await?, count(&ctx, "inactive_accounts").await?);
    let indexer = Indexer::start(ctx.clone()).await?;
    let status = caught_up(&server, last).await?;
    indexer.stop().await;
    assert_eq!(
        count(&ctx, "actors").await? - actors,
        2,
        "only the owner's and the joiner's handles: {status}"
    );
    assert_eq!(count(&ctx, "inactive_accounts").await? - inactive, 1, "only the joiner's deactivation");
    assert!(status["ignored"].as_i64() >= Some(100_000), "{status}");
    let handles = ctx
        .db
        .read(|c| {
            Ok((
                exosphere_core::sphere::store::handle_of(c, "did:plc:owner")?,
                exosphere_core::sphere::store::handle_of(c, "did:plc:joiner")?,
                exosphere_core::sphere::store::handle_of(c, "did:plc:stranger7")?,
            ))
        })
        .await?;
    assert_eq!(handles, (Some("owner.example".into()), Some("joiner.example".into()), None));
    // The owner's identity changed and the painter's profile did: both are
    // read again (due now, or retried later as this test's PDS can't be
    // reached); the joiner's is read as it became known; no stranger's is.
    let reads = profile_reads(&ctx).await?;
    assert_eq!(reads.keys().collect::<Vec<_>>(), ["did:plc:joiner", "did:plc:owner", "did:plc:painter"]);
    assert!(reads.values().all(|at| at != "9999"), "{reads:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_records_are_dropped_before_they_reach_a_batch() -> anyhow::Result<()> {
    let start = now_us() - 60_000_000;
    let mut frames = Vec::new();
    for i in 0..2_000i64 {
        // One in a hundred is not a datetime: invalid under the record's Lexicon.
        let created = if i % 100 == 0 { "yesterday" } else { "2026-12-01T00:00:00.000Z" };
        frames.push(join(start + i, &format!("did:plc:joiner{i}"), created));
    }
    let last = start + 1_999;
    let (_replay, server) = server(frames).await?;
    let before = exosphere_indexer::writer::batch_replays();
    let indexer = Indexer::start(server.running.ctx.clone()).await?;
    let status = caught_up(&server, last).await?;
    indexer.stop().await;
    assert_eq!(
        (status["rejected"].as_i64(), status["indexed"].as_i64()),
        (Some(20), Some(1_980)),
        "{status}"
    );
    assert_eq!(exosphere_indexer::writer::batch_replays() - before, 0, "no batch ran twice");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_writer_restarts_from_the_committed_cursor_and_the_api_serves_on() -> anyhow::Result<()> {
    use exosphere_core::health::IndexerState;
    let start = now_us() - 60_000_000;
    let frames: Vec<Frame> = (0..500i64)
        .map(|i| join(start + i, &format!("did:plc:joiner{i}"), "2026-12-01T00:00:00.000Z"))
        .collect();
    let last = start + 499;
    let (_replay, server) = server(frames).await?;
    let ctx = server.running.ctx.clone();

    // Another process holds the database's write lock for a while (a stuck
    // job, say): the writer's transactions fail once SQLite's busy timeout runs out.
    let path = ctx.config.database_path();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (locked, is_locked) = tokio::sync::oneshot::channel();
    let holder = std::thread::spawn(move || -> anyhow::Result<()> {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
        conn.batch_execute("BEGIN EXCLUSIVE")?;
        let _ = locked.send(());
        let _ = released.recv();
        conn.batch_execute("COMMIT")?;
        Ok(())
    });
    is_locked.await?;
    let indexer = Indexer::start(ctx.clone()).await?;
    eventually("the indexer reports its failure", || async {
        Ok(ctx.indexer.get().state == IndexerState::Restarting)
    })
    .await?;
    let ready: Value = reqwest::get(server.url("/xrpc/_ready")).await?.json().await?;
    assert_eq!(
        (ready["ready"].as_bool(), ready["indexer"]["state"].as_str()),
        (Some(true), Some("restarting")),
        "{ready}"
    );
    assert!(ready["indexer"]["lastError"].as_str().is_some_and(|e| e.contains("locked")), "{ready}");
    let metrics = reqwest::get(server.url("/metrics")).await?.text().await?;
    assert!(metrics.contains("exosphere_indexer_state{state=\"restarting\"} 1"), "{metrics}");
    let sphere = reqwest::get(server.url("/xrpc/site.exosphere.sphere.getSphere?sphere=known")).await?;
    assert_eq!(sphere.status(), reqwest::StatusCode::OK, "the API serves on");

    // The lock goes away: the indexer starts again from its cursor, and every event is indexed once.
    let _ = release.send(());
    holder.join().map_err(|_| anyhow::anyhow!("the lock holder panicked"))??;
    let status = caught_up(&server, last).await?;
    assert_eq!((status["events"].as_i64(), status["indexed"].as_i64()), (Some(500), Some(500)), "{status}");
    assert_eq!(count(&ctx, "sphere_members").await?, 500, "every joiner");
    let health = ctx.indexer.get();
    assert_eq!((health.state, health.restarts >= 1), (IndexerState::Running, true), "{health:?}");
    indexer.stop().await;
    assert_eq!(ctx.indexer.get().state, IndexerState::Stopped);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jetstream_that_fails_is_passed_over_for_the_next() -> anyhow::Result<()> {
    let t = now_us() - 60_000_000;
    let frames = vec![join(t, "did:plc:joiner", "2026-12-01T00:00:00.000Z")];
    // The first instance refuses connections (nothing listens on port 1).
    let (_replay, server) =
        server_reading(frames, |url| format!("ws://127.0.0.1:1/subscribe, {url}")).await?;
    let indexer = Indexer::start(server.running.ctx.clone()).await?;
    let status = caught_up(&server, t).await?;
    indexer.stop().await;
    assert_eq!(status["indexed"], 1, "{status}");
    Ok(())
}

/// A Sphere's member count as an anonymous visitor gets it (never from a cache).
async fn member_count(server: &TestServer, slug: &str) -> anyhow::Result<(u16, i64)> {
    let response = server
        .client
        .get(server.url(&format!("/xrpc/site.exosphere.sphere.getSphere?sphere={slug}")))
        .header("cache-control", "no-cache")
        .send()
        .await?;
    let status = response.status().as_u16();
    let body: Value = response.json().await?;
    Ok((status, body["sphere"]["memberCount"].as_i64().unwrap_or(-1)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_switches_at_once_and_keeps_what_arrives_meanwhile() -> anyhow::Result<()> {
    use exosphere_indexer::rebuild::{ProgressBar, Reader, SphereRebuild};
    use exosphere_testkit::world::World;
    use exosphere_testkit::xrpc::{get, ok};
    let w = World::new().await?;
    let s = &w.server;
    let ctx = s.running.ctx.clone();
    // garden: alice owns it, bob is an admin, carol a member, dave invited.
    let garden = w.sphere("garden", "public", "open").await?;
    let uri = garden["uri"].as_str().unwrap_or_default().to_owned();
    ok(s, &w.bob, "site.exosphere.sphere.createSphere", json!({ "name": "Marker", "slug": "marker" }))
        .await?;
    let marker =
        get(s, &w.bob, "site.exosphere.sphere.getSphere", &[("sphere", "marker")]).await?["sphere"].clone();
    let (bob, carol, dave, erin) = (
        w.net.account("bob").clone(),
        w.net.account("carol").clone(),
        w.net.account("dave").clone(),
        w.net.account("erin").clone(),
    );
    let now = exosphere_core::write::now;
    let member = |sphere: &str| json!({ "$type": "site.exosphere.sphereMember", "sphere": sphere, "createdAt": now() });
    let marker_uri = marker["uri"].as_str().unwrap_or_default().to_owned();
    assert_eq!(member_count(s, "garden").await?, (200, 3));

    // Readers, all along: the old Sphere or the new one, never a missing or a half-built one.
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let (watching, base, client) = (watching.clone(), s.base.clone(), s.client.clone());
        tokio::spawn(async move {
            let mut seen = std::collections::BTreeSet::new();
            while watching.load(std::sync::atomic::Ordering::Relaxed) {
                let response = client
                    .get(format!("{base}/xrpc/site.exosphere.sphere.getSphere?sphere=garden"))
                    .header("cache-control", "no-cache")
                    .send()
                    .await?;
                let status = response.status().as_u16();
                let body: Value = response.json().await?;
                seen.insert((status, body["sphere"]["memberCount"].as_i64().unwrap_or(-1)));
            }
            anyhow::Ok(seen)
        })
    };

    // The indexer reads the network live (erin's request to join the marker Sphere shows it).
    let indexer = Indexer::start(ctx.clone()).await?;
    w.net.create_record(&erin, "site.exosphere.sphereMember", member(&marker_uri)).await?;
    eventually("the indexer is live", || requested(&w, &erin.did)).await?;

    // The rebuild begins; bob approves erin and erin joins, straight on their PDSes, before it reads.
    let rebuild = SphereRebuild::begin(&ctx, &uri).await?;
    w.net.create_record(&bob, "site.exosphere.sphereMemberApproval",
        json!({ "$type": "site.exosphere.sphereMemberApproval", "sphere": uri, "member": erin.did, "role": "member", "createdAt": now() })).await?;
    w.net.create_record(&erin, "site.exosphere.sphereMember", member(&uri)).await?;
    let mut reader = Reader::new(&ctx);
    let fetched = rebuild
        .fetch(&mut reader, &ProgressBar::hidden())
        .await?
        .ok_or_else(|| anyhow::anyhow!("nothing fetched"))?;
    // After it read: dave accepts his invitation. carol's request to join the marker Sphere,
    // published after all these, is indexed: the indexer has read past them, and held them back.
    w.net.create_record(&dave, "site.exosphere.sphereMember", member(&uri)).await?;
    w.net.create_record(&carol, "site.exosphere.sphereMember", member(&marker_uri)).await?;
    eventually("carol's request to join the marker Sphere is indexed", || requested(&w, &carol.did)).await?;
    assert_eq!(member_count(s, "garden").await?, (200, 3), "garden's events wait for the switch");
    let report = rebuild.switch(fetched).await?;
    assert!(report.indexed > 0, "{report:?}");
    eventually("dave's acceptance is applied after the switch", || async {
        Ok(member_count(s, "garden").await? == (200, 5))
    })
    .await?;
    indexer.stop().await;
    watching.store(false, std::sync::atomic::Ordering::Relaxed);
    let seen = watcher.await??;
    assert!(seen.iter().all(|seen| [(200, 3), (200, 4), (200, 5)].contains(seen)), "readers saw {seen:?}");
    Ok(())
}

/// Whether `did` asked to join the marker Sphere (as its owner, bob, sees it).
async fn requested(w: &exosphere_testkit::world::World, did: &str) -> anyhow::Result<bool> {
    let params = [("sphere", "marker"), ("status", "requested")];
    let members =
        exosphere_testkit::xrpc::get(&w.server, &w.bob, "site.exosphere.sphere.listMembers", &params).await?;
    Ok(members.to_string().contains(did))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compressed_stream_is_read_with_the_dictionary_in_under_half_the_bytes() -> anyhow::Result<()> {
    let start = now_us() - 60_000_000;
    let frames: Vec<Frame> = (0..2_000i64)
        .map(|i| join(start + i, &format!("did:plc:joiner{i}"), "2026-12-01T00:00:00.000Z"))
        .collect();
    let raw: u64 = frames.iter().map(|f| f.message.len() as u64).sum();
    let samples: Vec<String> =
        frames.iter().take(500).map(|f| f.message.to_text().unwrap_or_default().to_owned()).collect();
    let dictionary = exosphere_testkit::jetstream::train_dictionary(&samples, 16 * 1024)?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("zstd_dictionary");
    std::fs::write(&path, &dictionary)?;
    let replay = Replay::start_with(frames, Some(dictionary)).await?;
    let (replay, server) = server_of(replay, |c, url| {
        c.jetstream_url = url.to_owned();
        c.jetstream_zstd_dictionary = Some(path);
    })
    .await?;
    let indexer = Indexer::start(server.running.ctx.clone()).await?;
    let status = caught_up(&server, start + 1_999).await?;
    indexer.stop().await;
    assert_eq!(
        (status["indexed"].as_i64(), status["malformed"].as_i64()),
        (Some(2_000), Some(0)),
        "{status}"
    );
    let sent = replay.bytes_sent();
    assert!(sent * 2 < raw, "compressed {sent} bytes against {raw} raw");
    Ok(())
}
