//! People shown as people: the display name and avatar of each person's own
//! `app.bsky.actor.profile` record, read from their PDS and refreshed when
//! it changes, against a real local PDS and its firehose.

mod common;

use anyhow::Context;
use common::world::World;
use common::xrpc::{get, ok};
use diesel::QueryableByName;
use diesel::sql_types::Text;
use exosphere_testkit::{PNG, eventually};
use serde_json::{Value, json};

/// The Sphere's owner as `getSphere` shows them.
async fn owner(w: &World, slug: &str) -> anyhow::Result<Value> {
    Ok(get(&w.server, &w.carol, "site.exosphere.sphere.getSphere", &[("sphere", slug)]).await?["sphere"]["owner"]
        .clone())
}

/// When the server will read the account's profile again ('' = due now; None = no row).
async fn refresh_after(w: &World, did: &str) -> anyhow::Result<Option<String>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        refresh_after: String,
    }
    let did = did.to_owned();
    let row = w
        .server
        .running
        .ctx
        .db
        .read(move |c| {
            use diesel::{OptionalExtension, RunQueryDsl};
            Ok(exosphere_core::db::sql::sql("SELECT p.refresh_after FROM profiles p JOIN known_accounts k ON k.id = p.account WHERE k.did = ?")
                .bind::<Text, _>(did)
                .get_result::<Row>(c)
                .optional()?)
        })
        .await?;
    Ok(row.map(|r| r.refresh_after))
}

#[tokio::test]
async fn people_show_the_name_and_avatar_of_their_own_profile() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let indexer = exosphere_indexer::Indexer::start(s.running.ctx.clone()).await?;
    for (who, slug) in [(&w.alice, "alices"), (&w.bob, "bobs")] {
        ok(
            s,
            who,
            "site.exosphere.sphere.createSphere",
            json!({ "name": slug, "slug": slug, "visibility": "public", "writeMode": "open" }),
        )
        .await?;
    }

    // bob has no profile record: once his was looked for, he is his handle alone.
    eventually("bob's profile was looked for", || async {
        Ok(refresh_after(&w, &w.bob.did).await?.is_some_and(|at| !at.is_empty()))
    })
    .await?;
    assert_eq!(owner(&w, "bobs").await?, json!({ "did": w.bob.did, "handle": "bob.test" }));

    // alice saves a profile with a Bluesky client: the indexer sees the
    // commit on the firehose, and the server reads the profile from her PDS.
    let alice = w.net.account("alice").clone();
    let blob =
        w.net.set_profile(&alice, "Alice Liddell", Some((PNG, "image/png"))).await?.context("no blob")?;
    let cid = blob["ref"]["$link"].as_str().context("blob without a CID")?.to_owned();
    eventually("alice's name shows", || async {
        Ok(owner(&w, "alices").await?["displayName"] == "Alice Liddell")
    })
    .await?;
    let avatar = format!("/avatars/{cid}");
    assert_eq!(
        owner(&w, "alices").await?,
        json!({ "did": w.alice.did, "handle": "alice.test", "displayName": "Alice Liddell", "avatar": avatar })
    );

    // Her session says so too (the header shows her picture).
    let session = get(s, &w.alice, "site.exosphere.auth.getSession", &[]).await?;
    assert_eq!((&session["displayName"], &session["avatar"]), (&json!("Alice Liddell"), &json!(avatar)));

    // The avatar is the PDS's blob, served from here, and kept for good.
    let response = s.client.get(s.url(&avatar)).send().await?;
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("content-type").as_deref(), Some("image/png"));
    assert_eq!(header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(response.bytes().await?.as_ref(), PNG);

    // A CID no profile names is nobody's to fetch, nor is something that is no CID.
    for path in ["/avatars/bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy", "/avatars/..%2Fetc"]
    {
        let response = s.client.get(s.url(path)).send().await?;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(response.json::<Value>().await?["error"], "AvatarNotFound");
    }

    // She renames herself and drops the picture: both follow, and the old
    // image is no longer served.
    w.net.set_profile(&alice, "Alice", None).await?;
    eventually("alice's new name shows", || async {
        Ok(owner(&w, "alices").await?["displayName"] == "Alice")
    })
    .await?;
    assert_eq!(owner(&w, "alices").await?.get("avatar"), None);
    assert_eq!(s.client.get(s.url(&avatar)).send().await?.status(), 404);
    indexer.stop().await;
    Ok(())
}
