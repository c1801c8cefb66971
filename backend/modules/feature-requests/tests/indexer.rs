//! The indexer: records written straight to a real PDS reach the index
//! through the Jetstream stand-in; hostile input is counted, never fatal.

mod common;

use std::time::Duration;

use common::world::World;
use common::xrpc::{Caller, get};
use exosphere_indexer::Indexer;
use exosphere_testkit::eventually;
use exosphere_testkit::jetstream::{Frame, Replay};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const FR: &str = "site.exosphere.featureRequest";

async fn titles(w: &World, who: &Caller, sphere: &str) -> anyhow::Result<Vec<String>> {
    let list =
        get(&w.server, who, &format!("{FR}.listRequests"), &[("sphere", sphere), ("sort", "new")]).await?;
    Ok(list["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["title"].as_str().map(str::to_owned))
        .collect())
}

fn request(sphere: &Value, title: &str) -> Value {
    json!({ "$type": FR, "sphere": sphere["uri"], "title": title, "createdAt": exosphere_core::write::now() })
}

#[tokio::test]
async fn records_written_straight_to_the_pds_reach_the_index() -> anyhow::Result<()> {
    let w = World::new().await?;
    let sphere = w.sphere("direct", "public", "members").await?;
    let indexer = Indexer::start(w.server.running.ctx.clone()).await?;
    let carol = w.net.account("carol").clone();
    let erin = w.net.account("erin").clone();
    let anyone = Caller::anonymous();

    let (first, _) = w.net.create_record(&carol, FR, request(&sphere, "Straight from the PDS")).await?;
    eventually("carol's request is indexed", || async {
        Ok(titles(&w, &anyone, "direct").await?.contains(&"Straight from the PDS".to_owned()))
    })
    .await?;

    // A non-member's record in a members-only Sphere is ignored.
    w.net.create_record(&erin, FR, request(&sphere, "From an outsider")).await?;
    w.net.create_record(&carol, FR, request(&sphere, "Marker")).await?;
    eventually("the marker is indexed", || async {
        Ok(titles(&w, &anyone, "direct").await?.contains(&"Marker".to_owned()))
    })
    .await?;
    assert_eq!(titles(&w, &anyone, "direct").await?, ["Marker", "Straight from the PDS"]);

    // A delete on the PDS removes the row.
    w.net.delete_record(&carol, &first).await?;
    eventually("the deleted request is gone", || async {
        Ok(titles(&w, &anyone, "direct").await? == ["Marker"])
    })
    .await?;

    // Deactivating the account hides its content until it is active again.
    let mut net_guard = w.net;
    net_guard.set_active(&carol.did, false).await?;
    let server = &w.server;
    let list = |s: &'static str| async move {
        let v = get(server, &Caller::anonymous(), &format!("{FR}.listRequests"), &[("sphere", s)]).await?;
        Ok::<usize, anyhow::Error>(v["requests"].as_array().map(|a| a.len()).unwrap_or(0))
    };
    eventually("carol's content is hidden", || async { Ok(list("direct").await? == 0) }).await?;
    net_guard.set_active(&carol.did, true).await?;
    eventually("carol's content is back", || async { Ok(list("direct").await? == 1) }).await?;

    let status: Value = reqwest::get(server.url("/xrpc/_indexer")).await?.json().await?;
    assert!(status["events"].as_i64().unwrap_or(0) >= 6, "{status}");
    assert!(status["ignored"].as_i64().unwrap_or(0) >= 1, "{status}");
    assert!(status["lagSeconds"].as_f64().is_some_and(|lag| lag < 60.0), "{status}");
    indexer.stop().await;
    Ok(())
}

#[tokio::test]
async fn hostile_input_is_counted_and_the_indexer_keeps_going() -> anyhow::Result<()> {
    let sphere_uri = "at://did:plc:owner/site.exosphere.sphere/s1";
    let now = chrono::Utc::now().timestamp_micros();
    let commit = |t: i64, did: &str, collection: &str, record: Value| {
        Frame::event(t, json!({ "did": did, "time_us": t, "kind": "commit", "commit": {
            "rev": "r", "operation": "create", "collection": collection, "rkey": format!("k{t}"), "record": record,
            "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm" } }).to_string())
    };
    let valid = |title: &str, sphere: &str| json!({ "$type": FR, "sphere": sphere, "title": title, "createdAt": "2026-11-23T00:00:00.000Z" });
    let frames = vec![
        Frame::raw(Message::text("this is not json")),
        Frame::raw(Message::text("{}")),
        Frame::raw(Message::text(r#"{"did":"did:plc:x","time_us":1,"kind":"commit"}"#)),
        Frame::raw(Message::text(format!(
            r#"{{"did":"did:plc:x","time_us":2,"kind":"commit","junk":"{}"}}"#,
            "x".repeat(1_200_000)
        ))),
        Frame::raw(Message::binary(vec![0u8, 1, 2, 3])),
        commit(now + 1, "did:plc:writer", "site.exosphere.somethingElse", json!({ "a": 1 })),
        commit(now + 2, "did:plc:writer", "app.bsky.feed.post", json!({ "text": "hi" })),
        commit(now + 3, "did:plc:writer", FR, valid(&"x".repeat(301), sphere_uri)),
        commit(now + 4, "did:plc:writer", FR, json!({ "$type": FR, "title": 42 })),
        commit(
            now + 5,
            "did:plc:writer",
            FR,
            valid("Unknown sphere", "at://did:plc:nobody/site.exosphere.sphere/zz"),
        ),
        commit(
            now + 6,
            "did:plc:writer",
            FR,
            json!({ "$type": FR, "sphere": sphere_uri, "title": "Big", "description": "y".repeat(200_000), "createdAt": "2026-11-23T00:00:00.000Z" }),
        ),
        commit(now + 7, "did:plc:writer", FR, valid("Still indexing", sphere_uri)),
    ];
    let replay = Replay::start(frames).await?;
    let server = common::TestServer::start_with(|c| c.jetstream_url = replay.url.clone()).await?;
    let ctx = server.running.ctx.clone();
    ctx.db
        .write(|c| {
            use diesel::connection::SimpleConnection;
            c.batch_execute(&format!(
                "INSERT INTO spheres (uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
                 VALUES ('at://did:plc:owner/site.exosphere.sphere/s1', 'bafy', 'did:plc:owner', 'hostile', 'Hostile', 'public', 'open', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
                common::all_modules()
            ))?;
            Ok(())
        })
        .await?;
    let indexer = Indexer::start(ctx.clone()).await?;
    let mut status = Value::Null;
    for _ in 0..100 {
        status = reqwest::get(server.url("/xrpc/_indexer")).await?.json().await?;
        if status["cursorUs"].as_i64() == Some(now + 7) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status["cursorUs"].as_i64(), Some(now + 7), "the indexer reached the last event: {status}");
    assert_eq!(status["malformed"], 5, "{status}");
    // Over maxGraphemes, a number for a title, a description over maxLength (the huge record).
    assert_eq!(status["rejected"], 3, "{status}");
    // Two collections we don't index, and a Sphere we don't know.
    assert_eq!(status["ignored"], 3, "{status}");
    assert_eq!(status["indexed"], 1, "{status}");
    assert_eq!(status["failed"], 0, "{status}");
    let list = get(
        &server,
        &Caller::anonymous(),
        &format!("{FR}.listRequests"),
        &[("sphere", "hostile"), ("sort", "new")],
    )
    .await?;
    let titles: Vec<&str> =
        list["requests"].as_array().into_iter().flatten().filter_map(|r| r["title"].as_str()).collect();
    assert_eq!(titles, ["Still indexing"]);
    indexer.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_cursor_older_than_the_replay_window_is_not_trusted() -> anyhow::Result<()> {
    let replay = Replay::start(Vec::new()).await?;
    let server = common::TestServer::start_with(|c| c.jetstream_url = replay.url.clone()).await?;
    let ctx = server.running.ctx.clone();
    let stale = chrono::Utc::now().timestamp_micros() - 40 * 3600 * 1_000_000;
    ctx.db
        .write(move |c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("UPDATE indexer_state SET cursor_us = ? WHERE id = 1")
                .bind::<diesel::sql_types::BigInt, _>(stale)
                .execute(c)?;
            Ok(())
        })
        .await?;
    let before = chrono::Utc::now().timestamp_micros();
    let indexer = Indexer::start(ctx.clone()).await?;
    let cursor = ctx.db.read(exosphere_indexer::writer::saved_cursor).await?.unwrap_or_default();
    assert!(
        cursor >= before,
        "after a rebuild, reading starts from now, not from a cursor Jetstream no longer has"
    );
    indexer.stop().await;
    Ok(())
}
