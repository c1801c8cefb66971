//! Discussions end to end, against a real local PDS: threads, threaded
//! replies, reactions, lock, pin and hide, records written straight to
//! PDSes, the module turned off and on, rebuilds, and the Sphere's feeds.

mod common;

use common::world::World;
use common::xrpc::{Caller, get, ok, procedure, query};
use exosphere_indexer::Indexer;
use exosphere_testkit::eventually;
use reqwest::StatusCode;
use serde_json::{Value, json};

const D: &str = "site.exosphere.discussion";

async fn create(w: &World, who: &Caller, sphere: &str, title: &str, tags: &[&str]) -> anyhow::Result<Value> {
    let body =
        json!({ "sphere": sphere, "title": title, "body": format!("About **{title}**"), "tags": tags });
    Ok(ok(&w.server, who, &format!("{D}.createThread"), body).await?["thread"].clone())
}

async fn reply(
    w: &World,
    who: &Caller,
    sphere: &str,
    number: i64,
    parent: Option<&Value>,
    text: &str,
) -> anyhow::Result<Value> {
    let mut body = json!({ "sphere": sphere, "number": number, "text": text });
    if let Some(parent) = parent {
        body["parent"] = parent["uri"].clone();
    }
    Ok(ok(&w.server, who, &format!("{D}.createReply"), body).await?["reply"].clone())
}

async fn titles(w: &World, who: &Caller, params: &[(&str, &str)]) -> anyhow::Result<Vec<String>> {
    let list = get(&w.server, who, &format!("{D}.listThreads"), params).await?;
    Ok(list["threads"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["title"].as_str().map(str::to_owned))
        .collect())
}

async fn replies(w: &World, who: &Caller, sphere: &str, number: i64) -> anyhow::Result<Vec<(i64, String)>> {
    let n = number.to_string();
    let list =
        get(&w.server, who, &format!("{D}.listReplies"), &[("sphere", sphere), ("number", &n)]).await?;
    Ok(list["replies"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| (r["depth"].as_i64().unwrap_or(-1), r["text"].as_str().unwrap_or_default().to_owned()))
        .collect())
}

async fn moderate(
    w: &World,
    who: &Caller,
    sphere: &str,
    subject: &Value,
    action: &str,
) -> anyhow::Result<Value> {
    ok(
        &w.server,
        who,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": sphere, "subject": subject["uri"], "action": action }),
    )
    .await
}

#[tokio::test]
async fn threads_replies_and_reactions_live_on_their_authors_pds() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("talk", "public", "members").await?;
    let first = create(&w, &w.bob, "talk", "Welcome", &["meta", "hello"]).await?;
    assert_eq!((first["number"].as_i64(), first["tags"].clone()), (Some(1), json!(["meta", "hello"])));
    let uri = first["uri"].as_str().unwrap_or_default().to_owned();
    assert!(uri.starts_with(&format!("at://{}/{D}/", w.bob.did)), "bob's thread is in bob's repo: {uri}");
    assert_eq!(w.net.get_record(&uri).await?.map(|r| r["value"]["title"].clone()), Some(json!("Welcome")));
    create(&w, &w.carol, "talk", "Roadmap questions", &["roadmap"]).await?;

    // Replies nest: an answer to the thread, an answer to it, and another thread-level one.
    let top = reply(&w, &w.carol, "talk", 1, None, "Hi all").await?;
    let nested = reply(&w, &w.alice, "talk", 1, Some(&top), "Hi Carol").await?;
    reply(&w, &w.bob, "talk", 1, Some(&nested), "Three deep").await?;
    reply(&w, &w.bob, "talk", 1, None, "Later, at the top").await?;
    assert_eq!(
        replies(&w, &Caller::anonymous(), "talk", 1).await?,
        [
            (0, "Hi all".into()),
            (1, "Hi Carol".into()),
            (2, "Three deep".into()),
            (0, "Later, at the top".into())
        ]
    );
    assert_eq!(w.net.list_records(&w.alice.did, &format!("{D}Reply")).await?.len(), 1);

    // People show as their profiles name them, in threads and replies.
    let avatar = w.profile(&w.bob, "Bob Builder").await?;
    eventually("bob's name shows on his thread", || async {
        let thread =
            get(s, &w.carol, &format!("{D}.getThread"), &[("sphere", "talk"), ("number", "1")]).await?;
        Ok(thread["thread"]["author"]["displayName"] == "Bob Builder")
    })
    .await?;
    let list = get(s, &w.carol, &format!("{D}.listReplies"), &[("sphere", "talk"), ("number", "1")]).await?;
    assert_eq!(
        list["replies"][2]["author"],
        json!({ "did": w.bob.did, "handle": "bob.test", "displayName": "Bob Builder", "avatar": avatar })
    );
    assert_eq!(list["replies"][0]["author"], json!({ "did": w.carol.did, "handle": "carol.test" }));

    // Paging through the replies keeps thread order.
    let page =
        get(s, &w.carol, &format!("{D}.listReplies"), &[("sphere", "talk"), ("number", "1"), ("limit", "3")])
            .await?;
    let cursor = page["cursor"].as_str().unwrap_or_default().to_owned();
    let rest = get(
        s,
        &w.carol,
        &format!("{D}.listReplies"),
        &[("sphere", "talk"), ("number", "1"), ("limit", "3"), ("cursor", &cursor)],
    )
    .await?;
    assert_eq!(
        (page["replies"].as_array().map(Vec::len), rest["replies"][0]["text"].as_str()),
        (Some(3), Some("Later, at the top"))
    );

    // Reactions: one per person, per subject, per emoji; idempotent; unknown emoji refused.
    for _ in 0..2 {
        ok(s, &w.carol, &format!("{D}.react"), json!({ "sphere": "talk", "subject": uri, "emoji": "heart" }))
            .await?;
    }
    ok(s, &w.alice, &format!("{D}.react"), json!({ "sphere": "talk", "subject": uri, "emoji": "heart" }))
        .await?;
    let out = ok(
        s,
        &w.alice,
        &format!("{D}.react"),
        json!({ "sphere": "talk", "subject": top["uri"], "emoji": "+1" }),
    )
    .await?;
    assert_eq!(
        out,
        json!({ "reactions": [{ "emoji": "+1", "count": 1 }], "viewer": { "reactions": ["+1"] } })
    );
    let (status, body) = procedure(
        s,
        &w.alice,
        &format!("{D}.react"),
        json!({ "sphere": "talk", "subject": uri, "emoji": "tada" }),
    )
    .await?;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("UnknownReaction")));
    let thread =
        get(s, &w.carol, &format!("{D}.getThread"), &[("sphere", "talk"), ("number", "1")]).await?["thread"]
            .clone();
    assert_eq!(thread["reactions"], json!([{ "emoji": "heart", "count": 2 }]));
    assert_eq!(thread["viewer"]["reactions"], json!(["heart"]));
    assert_eq!(thread["replyCount"], 4);
    assert_eq!(thread["body"], "About **Welcome**", "a thread carries its body");
    let list = get(s, &w.carol, &format!("{D}.listThreads"), &[("sphere", "talk")]).await?;
    assert!(list["threads"][0].get("body").is_none(), "lists leave bodies out: {list}");
    // Readers share pages until the next write; each sees only their own emoji on them.
    assert_eq!(list["threads"][0]["viewer"]["reactions"], json!(["heart"]));
    let theirs = get(s, &w.bob, &format!("{D}.listThreads"), &[("sphere", "talk")]).await?;
    assert_eq!(theirs["threads"][0]["viewer"]["reactions"], json!([]), "bob reacted to nothing");
    let on_top = |page: &Value| {
        page["replies"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["uri"] == top["uri"])
            .map(|r| r["viewer"].clone())
    };
    let first = &[("sphere", "talk"), ("number", "1")];
    let alices = get(s, &w.alice, &format!("{D}.listReplies"), first).await?;
    assert_eq!(on_top(&alices), Some(json!({ "reactions": ["+1"] })));
    let carols = get(s, &w.carol, &format!("{D}.listReplies"), first).await?;
    assert_eq!(on_top(&carols), Some(json!({ "reactions": [] })), "carol's view of the same page");
    let out = ok(
        s,
        &w.carol,
        &format!("{D}.unreact"),
        json!({ "sphere": "talk", "subject": uri, "emoji": "heart" }),
    )
    .await?;
    assert_eq!(out["reactions"], json!([{ "emoji": "heart", "count": 1 }]));
    assert!(
        w.net.list_records(&w.carol.did, &format!("{D}Reaction")).await?.is_empty(),
        "the reaction left carol's repo"
    );

    // Sorts, filters and search.
    let anyone = Caller::anonymous();
    assert_eq!(
        titles(&w, &anyone, &[("sphere", "talk")]).await?,
        ["Welcome", "Roadmap questions"],
        "active: the one with replies first"
    );
    assert_eq!(
        titles(&w, &anyone, &[("sphere", "talk"), ("sort", "new")]).await?,
        ["Roadmap questions", "Welcome"]
    );
    assert_eq!(
        titles(&w, &anyone, &[("sphere", "talk"), ("sort", "top")]).await?,
        ["Welcome", "Roadmap questions"]
    );
    assert_eq!(titles(&w, &anyone, &[("sphere", "talk"), ("tag", "roadmap")]).await?, ["Roadmap questions"]);
    assert_eq!(titles(&w, &anyone, &[("sphere", "talk"), ("author", &w.bob.did)]).await?, ["Welcome"]);
    assert_eq!(titles(&w, &anyone, &[("sphere", "talk"), ("q", "roadm")]).await?, ["Roadmap questions"]);

    // Authors edit and delete; others can't.
    let (status, _) = procedure(
        s,
        &w.carol,
        &format!("{D}.updateThread"),
        json!({ "sphere": "talk", "number": 1, "title": "Hijacked" }),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let edited = ok(
        s,
        &w.bob,
        &format!("{D}.updateThread"),
        json!({ "sphere": "talk", "number": 1, "title": "Welcome, all" }),
    )
    .await?;
    assert_eq!(
        (edited["thread"]["title"].as_str(), edited["thread"]["tags"].clone()),
        (Some("Welcome, all"), json!(["meta", "hello"]))
    );
    ok(
        s,
        &w.alice,
        &format!("{D}.updateReply"),
        json!({ "sphere": "talk", "reply": nested["uri"], "text": "Hi, Carol!" }),
    )
    .await?;
    // A reply is found only through its own Sphere.
    w.sphere("elsewhere", "public", "members").await?;
    let (status, body) = procedure(
        s,
        &w.alice,
        &format!("{D}.updateReply"),
        json!({ "sphere": "elsewhere", "reply": nested["uri"], "text": "Moved" }),
    )
    .await?;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("ReplyNotFound")));
    ok(s, &w.carol, &format!("{D}.deleteThread"), json!({ "sphere": "talk", "number": 2 })).await?;
    assert_eq!(titles(&w, &anyone, &[("sphere", "talk")]).await?, ["Welcome, all"]);
    assert_eq!(replies(&w, &anyone, "talk", 1).await?[1], (1, "Hi, Carol!".to_owned()));

    // Members-only: outsiders read but don't write.
    let (status, _) = procedure(
        s,
        &w.erin,
        &format!("{D}.createThread"),
        json!({ "sphere": "talk", "title": "Let me in" }),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) =
        query(s, &anyone, &format!("{D}.getThread"), &[("sphere", "talk"), ("number", "99")]).await?;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("ThreadNotFound")));
    Ok(())
}

#[tokio::test]
async fn moderators_lock_pin_and_hide() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let sphere = w.sphere("modded", "public", "members").await?;
    let older = create(&w, &w.carol, "modded", "Rules", &[]).await?;
    let newer = create(&w, &w.carol, "modded", "Chatter", &[]).await?;
    let anyone = Caller::anonymous();

    // Pinned threads list first, whatever the sort; unpinned, they go back in place.
    let pinned = moderate(&w, &w.bob, "modded", &older, "pin").await?;
    assert_eq!((pinned["pinned"].as_bool(), pinned["locked"].as_bool()), (Some(true), Some(false)));
    for sort in ["active", "new", "top"] {
        assert_eq!(
            titles(&w, &anyone, &[("sphere", "modded"), ("sort", sort)]).await?,
            ["Rules", "Chatter"],
            "{sort}"
        );
    }
    let page = get(
        s,
        &anyone,
        &format!("{D}.listThreads"),
        &[("sphere", "modded"), ("sort", "new"), ("limit", "1")],
    )
    .await?;
    assert_eq!(page["threads"][0]["pinned"], true);
    let cursor = page["cursor"].as_str().unwrap_or_default().to_owned();
    let next = get(
        s,
        &anyone,
        &format!("{D}.listThreads"),
        &[("sphere", "modded"), ("sort", "new"), ("limit", "1"), ("cursor", &cursor)],
    )
    .await?;
    assert_eq!(next["threads"][0]["title"], "Chatter", "the page after the pinned ones");
    assert!(next["cursor"].is_null());
    moderate(&w, &w.bob, "modded", &older, "unpin").await?;
    assert_eq!(titles(&w, &anyone, &[("sphere", "modded"), ("sort", "new")]).await?, ["Chatter", "Rules"]);

    // Members can't moderate; replies take hide/restore only.
    let (status, _) = procedure(
        s,
        &w.carol,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "modded", "subject": older["uri"], "action": "lock" }),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let answer = reply(&w, &w.carol, "modded", 1, None, "Before the lock").await?;
    let (status, body) = procedure(
        s,
        &w.bob,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "modded", "subject": answer["uri"], "action": "pin" }),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // A locked thread takes no replies: refused at the API, and not shown when written straight to a PDS.
    let locked = moderate(&w, &w.bob, "modded", &older, "lock").await?;
    assert_eq!(locked["locked"], true);
    let (status, body) = procedure(
        s,
        &w.carol,
        &format!("{D}.createReply"),
        json!({ "sphere": "modded", "number": 1, "text": "After" }),
    )
    .await?;
    assert_eq!((status, body["error"].as_str()), (StatusCode::CONFLICT, Some("ThreadLocked")), "{body}");
    let indexer = Indexer::start(s.running.ctx.clone()).await?;
    let carol = w.net.account("carol").clone();
    let sneaky = json!({ "$type": format!("{D}Reply"), "sphere": sphere["uri"], "root": { "uri": older["uri"], "cid": older["cid"] },
        "text": "Sneaked in", "createdAt": exosphere_core::write::now() });
    w.net.create_record(&carol, &format!("{D}Reply"), sneaky).await?;
    // Backdated to before the lock: still seen after it, still not shown.
    let backdated = json!({ "$type": format!("{D}Reply"), "sphere": sphere["uri"], "root": { "uri": older["uri"], "cid": older["cid"] },
        "text": "Backdated", "createdAt": answer["createdAt"] });
    w.net.create_record(&carol, &format!("{D}Reply"), backdated).await?;
    let marker = json!({ "$type": format!("{D}Reply"), "sphere": sphere["uri"], "root": { "uri": newer["uri"], "cid": newer["cid"] },
        "text": "Marker", "createdAt": exosphere_core::write::now() });
    w.net.create_record(&carol, &format!("{D}Reply"), marker).await?;
    eventually("the marker is indexed", || async {
        Ok(replies(&w, &anyone, "modded", 2).await? == [(0, "Marker".to_owned())])
    })
    .await?;
    indexer.stop().await;
    assert_eq!(replies(&w, &anyone, "modded", 1).await?, [(0, "Before the lock".to_owned())]);
    let thread = get(s, &anyone, &format!("{D}.getThread"), &[("sphere", "modded"), ("number", "1")]).await?;
    assert_eq!(thread["thread"]["locked"], true);
    // Moderators may still reply to a locked thread, and their replies show.
    reply(&w, &w.bob, "modded", 1, None, "A moderator's note").await?;
    assert_eq!(
        replies(&w, &anyone, "modded", 1).await?,
        [(0, "Before the lock".to_owned()), (0, "A moderator's note".to_owned())]
    );
    moderate(&w, &w.bob, "modded", &older, "unlock").await?;
    reply(&w, &w.carol, "modded", 1, None, "Unlocked again").await?;

    // Hidden: gone for everyone but moderators, who see it marked.
    moderate(&w, &w.alice, "modded", &newer, "hide").await?;
    assert_eq!(titles(&w, &anyone, &[("sphere", "modded")]).await?, ["Rules"]);
    assert_eq!(titles(&w, &w.carol, &[("sphere", "modded")]).await?, ["Rules"]);
    let list = get(s, &w.bob, &format!("{D}.listThreads"), &[("sphere", "modded"), ("sort", "new")]).await?;
    assert_eq!(
        (list["threads"][0]["title"].as_str(), list["threads"][0]["hidden"].as_bool()),
        (Some("Chatter"), Some(true))
    );
    let (status, _) =
        query(s, &anyone, &format!("{D}.getThread"), &[("sphere", "modded"), ("number", "2")]).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    moderate(&w, &w.alice, "modded", &answer, "hide").await?;
    assert!(!replies(&w, &anyone, "modded", 1).await?.iter().any(|(_, t)| t == "Before the lock"));
    Ok(())
}

#[tokio::test]
async fn records_written_straight_to_pdses_follow_the_spheres_rules() -> anyhow::Result<()> {
    let w = World::new().await?;
    let sphere = w.sphere("direct", "public", "members").await?;
    let indexer = Indexer::start(w.server.running.ctx.clone()).await?;
    let (carol, erin) = (w.net.account("carol").clone(), w.net.account("erin").clone());
    let thread = |title: &str| json!({ "$type": D, "sphere": sphere["uri"], "title": title, "createdAt": exosphere_core::write::now() });
    let invalid = json!({ "$type": D, "sphere": sphere["uri"], "title": "x".repeat(301), "createdAt": exosphere_core::write::now() });
    let bad_tags = json!({ "$type": D, "sphere": sphere["uri"], "title": "Tags", "tags": ["a", "b", "c", "d", "e", "f"], "createdAt": exosphere_core::write::now() });
    let status_before: Value = reqwest::get(w.server.url("/xrpc/_indexer")).await?.json().await?;
    w.net.create_record(&erin, D, thread("From an outsider")).await?;
    w.net.create_record(&carol, D, invalid).await?;
    w.net.create_record(&carol, D, bad_tags).await?;
    w.net.create_record(&carol, D, thread("From a member")).await?;
    let anyone = Caller::anonymous();
    eventually("the member's thread is indexed", || async {
        Ok(titles(&w, &anyone, &[("sphere", "direct")]).await? == ["From a member"])
    })
    .await?;
    let status: Value = reqwest::get(w.server.url("/xrpc/_indexer")).await?.json().await?;
    let delta = |key: &str| {
        status[key].as_i64().unwrap_or_default() - status_before[key].as_i64().unwrap_or_default()
    };
    assert_eq!(delta("rejected"), 2, "the two Lexicon-invalid threads are counted: {status}");
    assert!(delta("ignored") >= 1, "the outsider's thread is counted as ignored: {status}");

    // A Sphere the instance's administrator (alice, its first) suspended takes no threads from the
    // network; one written after it in another Sphere is indexed. Lifted, the Sphere is read again.
    let marker = w.sphere("marker", "public", "members").await?;
    let standing = |standing: &str| json!({ "sphere": "direct", "standing": standing });
    ok(&w.server, &w.alice, "site.exosphere.instance.setSphereStanding", standing("suspended")).await?;
    w.net.create_record(&carol, D, thread("While suspended")).await?;
    let in_marker = json!({ "$type": D, "sphere": marker["uri"], "title": "Marker", "createdAt": exosphere_core::write::now() });
    w.net.create_record(&carol, D, in_marker).await?;
    eventually("the marker thread is indexed", || async {
        Ok(titles(&w, &anyone, &[("sphere", "marker")]).await? == ["Marker"])
    })
    .await?;
    assert_eq!(titles(&w, &w.alice, &[("sphere", "direct")]).await?, ["From a member"]);
    ok(&w.server, &w.alice, "site.exosphere.instance.setSphereStanding", standing("listed")).await?;
    eventually("the thread written while suspended is read from carol's PDS", || async {
        Ok(titles(&w, &anyone, &[("sphere", "direct"), ("sort", "new")]).await?
            == ["While suspended", "From a member"])
    })
    .await?;
    indexer.stop().await;
    Ok(())
}

fn all_modules() -> Vec<String> {
    serde_json::from_str(&common::all_modules()).unwrap_or_default()
}

#[tokio::test]
async fn discussions_turned_off_are_refused_and_come_back() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let sphere = w.sphere("quiet", "public", "members").await?;
    let uri = sphere["uri"].as_str().unwrap_or_default().to_owned();
    create(&w, &w.carol, "quiet", "Kept", &[]).await?;
    let others: Vec<String> = all_modules().into_iter().filter(|m| m != "discussions").collect();
    ok(s, &w.alice, "site.exosphere.sphere.updateSphere", json!({ "sphere": "quiet", "modules": others }))
        .await?;
    let (status, body) =
        query(s, &Caller::anonymous(), &format!("{D}.listThreads"), &[("sphere", "quiet")]).await?;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("ModuleDisabled")));
    let (status, body) =
        procedure(s, &w.carol, &format!("{D}.createThread"), json!({ "sphere": "quiet", "title": "No" }))
            .await?;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("ModuleDisabled")));
    let report = exosphere_indexer::rebuild::rebuild(&s.running.ctx, Some(&uri), false).await?;
    assert!(report.ignored >= 1, "{report:?}");
    ok(
        s,
        &w.alice,
        "site.exosphere.sphere.updateSphere",
        json!({ "sphere": "quiet", "modules": all_modules() }),
    )
    .await?;
    exosphere_indexer::rebuild::rebuild(&s.running.ctx, Some(&uri), false).await?;
    assert_eq!(titles(&w, &Caller::anonymous(), &[("sphere", "quiet")]).await?, ["Kept"]);
    Ok(())
}

#[tokio::test]
async fn a_rebuild_equals_the_live_index_and_the_feeds_show_threads_and_replies() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let sphere = w.sphere("both", "public", "members").await?;
    let uri = sphere["uri"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        sphere["modules"],
        json!(all_modules()),
        "every module is on: the others' merging is core's (sphere::activity)"
    );
    let first = create(&w, &w.bob, "both", "A thread", &["x"]).await?;
    let top = reply(&w, &w.carol, "both", 1, None, "A reply").await?;
    reply(&w, &w.alice, "both", 1, Some(&top), "A nested reply").await?;
    ok(
        s,
        &w.carol,
        &format!("{D}.react"),
        json!({ "sphere": "both", "subject": first["uri"], "emoji": "rocket" }),
    )
    .await?;
    moderate(&w, &w.bob, "both", &first, "pin").await?;
    let hidden = create(&w, &w.carol, "both", "Hidden", &[]).await?;
    moderate(&w, &w.alice, "both", &hidden, "hide").await?;

    // The feed: both modules' items, newest first, nothing hidden.
    let feed =
        get(s, &Caller::anonymous(), "site.exosphere.sphere.getActivity", &[("sphere", "both")]).await?;
    let items: Vec<(String, String, String)> = feed["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            (
                i["module"].as_str().unwrap_or_default().into(),
                i["kind"].as_str().unwrap_or_default().into(),
                i["text"].as_str().unwrap_or(i["title"].as_str().unwrap_or_default()).into(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("discussions", "reply", "A nested reply"),
        ("discussions", "reply", "A reply"),
        ("discussions", "thread", "About **A thread**"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(items, expected);
    assert_eq!(feed["items"][0]["path"], "/s/both/discussions/1");

    // The module's Atom feed parses, newest first.
    let body = s.client.get(s.url("/s/both/discussions/feed.atom")).send().await?.text().await?;
    let doc = roxmltree::Document::parse(&body)?;
    let entries: Vec<_> = doc.root_element().children().filter(|c| c.has_tag_name("entry")).collect();
    assert_eq!(entries.len(), 3, "{body}");
    let updated: Vec<&str> = entries
        .iter()
        .filter_map(|e| e.children().find(|c| c.has_tag_name("updated")).and_then(|c| c.text()))
        .collect();
    assert!(updated.windows(2).all(|p| p[0] >= p[1]), "{updated:?}");

    // Another server rebuilds the Sphere from the PDSes alone: the same threads, replies, reactions and states.
    let other = common::TestServer::start_with(|c| common::use_testnet(c, &w.net)).await?;
    let report = exosphere_indexer::rebuild::rebuild(&other.running.ctx, Some(&uri), false).await?;
    assert_eq!(report.failed, 0, "{report:?}");
    let (live, rebuilt) = (snapshot(s).await?, snapshot(&other).await?);
    assert_eq!(live, rebuilt);
    assert_eq!(live.0["threads"][0]["pinned"], true);
    Ok(())
}

/// What anyone reads of the Sphere `both`: its threads and the first
/// thread's replies. Handles aside: a server learns them at sign-in, and
/// the rebuilding one had none.
async fn snapshot(server: &common::TestServer) -> anyhow::Result<(Value, Value)> {
    let anyone = Caller::anonymous();
    let mut threads =
        get(server, &anyone, &format!("{D}.listThreads"), &[("sphere", "both"), ("sort", "new")]).await?;
    let mut replies =
        get(server, &anyone, &format!("{D}.listReplies"), &[("sphere", "both"), ("number", "1")]).await?;
    for (list, key) in [(&mut threads, "threads"), (&mut replies, "replies")] {
        for item in list[key].as_array_mut().into_iter().flatten() {
            item["author"].as_object_mut().map(|a| a.remove("handle"));
        }
    }
    Ok((threads, replies))
}
