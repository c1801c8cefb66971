//! The module contract, seen from outside: a Sphere's `modules` list is
//! enforced by the API, the indexer and rebuilds; turning a module off and
//! on again loses nothing; the Sphere home's activity feed and the Atom
//! feeds merge what the enabled modules contribute.
//!
//! The board is the module these tests turn off and on: they name its
//! methods, as any client would.

mod common;

use common::world::World;
use common::xrpc::{Caller, get, ok, procedure, query};
use common::{TestServer, config, free_port, use_testnet};
use exosphere_core::module::Registry;
use exosphere_indexer::Indexer;
use exosphere_testkit::eventually;
use exosphere_testkit::{Testnet, sign_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

const FR: &str = "site.exosphere.featureRequest";

fn all_modules() -> Vec<String> {
    serde_json::from_str(&common::all_modules()).unwrap_or_default()
}

async fn set_modules(w: &World, slug: &str, modules: Vec<String>) -> anyhow::Result<Value> {
    ok(
        &w.server,
        &w.alice,
        "site.exosphere.sphere.updateSphere",
        json!({ "sphere": slug, "modules": modules }),
    )
    .await
}

async fn titles(w: &World, slug: &str) -> anyhow::Result<Vec<String>> {
    let list =
        get(&w.server, &w.carol, &format!("{FR}.listRequests"), &[("sphere", slug), ("sort", "new")]).await?;
    Ok(list["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["title"].as_str().map(str::to_owned))
        .collect())
}

fn request_record(sphere_uri: &str, title: &str) -> Value {
    json!({ "$type": FR, "sphere": sphere_uri, "title": title, "createdAt": exosphere_core::write::now() })
}

async fn rebuild(w: &World, uri: &str) -> anyhow::Result<exosphere_indexer::rebuild::Report> {
    exosphere_indexer::rebuild::rebuild(&w.server.running.ctx, Some(uri), false).await
}

#[tokio::test]
async fn a_module_turned_off_is_refused_everywhere_and_comes_back_whole() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let sphere = w.sphere("toggle", "public", "members").await?;
    let uri = sphere["uri"].as_str().unwrap_or_default().to_owned();
    assert_eq!(sphere["modules"], json!(all_modules()), "a new Sphere runs every module of the server");
    // A second Sphere keeps the board on: its records show the indexer got this far.
    let beacon = w.sphere("beacon", "public", "members").await?;
    let indexer = Indexer::start(s.running.ctx.clone()).await?;
    ok(s, &w.bob, &format!("{FR}.createRequest"), json!({ "sphere": "toggle", "title": "Kept" })).await?;

    let off = set_modules(&w, "toggle", Vec::new()).await?;
    assert_eq!(off["sphere"]["modules"], json!([]));

    // Every query and procedure of the board answers ModuleDisabled, for everyone who can see the Sphere.
    for who in [Caller::anonymous(), w.carol.clone(), w.alice.clone()] {
        for (nsid, params) in [
            ("listRequests", vec![("sphere", "toggle")]),
            ("getRequest", vec![("sphere", "toggle"), ("number", "1")]),
            ("listComments", vec![("sphere", "toggle"), ("number", "1")]),
        ] {
            let (status, body) = query(s, &who, &format!("{FR}.{nsid}"), &params).await?;
            assert_eq!(
                (status, body["error"].as_str()),
                (StatusCode::NOT_FOUND, Some("ModuleDisabled")),
                "{nsid} as {}: {body}",
                who.name
            );
        }
    }
    for (nsid, body) in [
        ("createRequest", json!({ "sphere": "toggle", "title": "Refused" })),
        ("vote", json!({ "sphere": "toggle", "number": 1 })),
        ("createComment", json!({ "sphere": "toggle", "number": 1, "text": "Refused" })),
        ("setStatus", json!({ "sphere": "toggle", "number": 1, "status": "planned" })),
    ] {
        let who = if nsid == "setStatus" { &w.alice } else { &w.carol };
        let (status, out) = procedure(s, who, &format!("{FR}.{nsid}"), body).await?;
        assert_eq!(
            (status, out["error"].as_str()),
            (StatusCode::NOT_FOUND, Some("ModuleDisabled")),
            "{nsid}: {out}"
        );
        assert!(
            out["message"].as_str().is_some_and(|m| m.contains("settings")),
            "the message says how to turn it on: {out}"
        );
    }
    assert!(
        w.net.list_records(&w.carol.did, FR).await?.is_empty(),
        "a refused write leaves nothing on the PDS"
    );
    // Core's methods still answer.
    get(s, &Caller::anonymous(), "site.exosphere.sphere.getSphere", &[("sphere", "toggle")]).await?;

    // A record written straight to a PDS for the Sphere is ignored by the indexer.
    let carol = w.net.account("carol").clone();
    w.net.create_record(&carol, FR, request_record(&uri, "While off")).await?;
    w.net
        .create_record(&carol, FR, request_record(beacon["uri"].as_str().unwrap_or_default(), "Beacon"))
        .await?;
    eventually("the beacon is indexed", || async { Ok(titles(&w, "beacon").await? == ["Beacon"]) }).await?;
    indexer.stop().await;

    // On again: the rows it kept are back at once, and what the indexer ignored is not there.
    set_modules(&w, "toggle", all_modules()).await?;
    assert_eq!(titles(&w, "toggle").await?, ["Kept"]);
    // A rebuild reads the PDSes: everything is there.
    let report = rebuild(&w, &uri).await?;
    assert_eq!(report.failed, 0, "{report:?}");
    assert_eq!(titles(&w, "toggle").await?, ["While off", "Kept"]);

    // Off, a rebuild ignores the board's records (and counts them); on, the next rebuild brings them back.
    set_modules(&w, "toggle", Vec::new()).await?;
    let off = rebuild(&w, &uri).await?;
    assert!(off.ignored >= 2, "both requests ignored: {off:?}");
    set_modules(&w, "toggle", all_modules()).await?;
    assert!(titles(&w, "toggle").await?.is_empty(), "a rebuild while off indexed none of the board");
    let on = rebuild(&w, &uri).await?;
    assert!(on.indexed >= off.indexed + 2, "off {off:?}, on {on:?}");
    assert_eq!(titles(&w, "toggle").await?, ["While off", "Kept"]);
    Ok(())
}

#[tokio::test]
async fn only_modules_this_server_runs_can_be_turned_on() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let (status, out) = procedure(
        s,
        &w.alice,
        "site.exosphere.sphere.createSphere",
        json!({ "name": "X", "slug": "unknown-module", "modules": ["no-such-module"] }),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{out}");
    assert!(
        out["message"].as_str().is_some_and(|m| m.contains("no-such-module") && m.contains("it runs")),
        "{out}"
    );
    let created = ok(
        s,
        &w.alice,
        "site.exosphere.sphere.createSphere",
        json!({ "name": "X", "slug": "no-modules", "modules": [] }),
    )
    .await?;
    assert_eq!(created["sphere"]["modules"], json!([]));
    let (status, _) = procedure(
        s,
        &w.alice,
        "site.exosphere.sphere.updateSphere",
        json!({ "sphere": "no-modules", "modules": ["no-such-module"] }),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    Ok(())
}

fn items(feed: &Value) -> Vec<(String, String)> {
    feed["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            (
                i["kind"].as_str().unwrap_or_default().to_owned(),
                i["title"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_activity_feed_merges_new_content_and_status_changes_newest_first() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("lively", "public", "members").await?;
    for title in ["First", "Second", "Third"] {
        ok(
            s,
            &w.carol,
            &format!("{FR}.createRequest"),
            json!({ "sphere": "lively", "title": title, "description": "x".repeat(400) }),
        )
        .await?;
    }
    ok(
        s,
        &w.alice,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "lively", "number": 1, "status": "planned", "note": "Soon" }),
    )
    .await?;
    let anyone = Caller::anonymous();
    let activity =
        async |params: &[(&str, &str)]| get(s, &anyone, "site.exosphere.sphere.getActivity", params).await;
    let all = activity(&[("sphere", "lively")]).await?;
    assert_eq!(
        items(&all),
        [
            ("status".into(), "First".into()),
            ("request".into(), "Third".into()),
            ("request".into(), "Second".into()),
            ("request".into(), "First".into())
        ]
    );
    let status = &all["items"][0];
    assert_eq!(status["detail"], "planned");
    assert_eq!(status["text"], "Soon");
    assert_eq!(status["path"], "/s/lively/feature-requests/1");
    assert_eq!(status["actor"]["did"], w.alice.did.as_str());
    assert!(
        all["items"][1]["text"].as_str().is_some_and(|t| t.chars().count() <= 281 && t.ends_with('…')),
        "long text is shortened"
    );
    assert!(all["cursor"].is_null());

    // Paging by cursor: two pages of two, nothing repeated.
    let first = activity(&[("sphere", "lively"), ("limit", "2")]).await?;
    let cursor = first["cursor"].as_str().unwrap_or_default().to_owned();
    assert_eq!(items(&first).len(), 2);
    let second = activity(&[("sphere", "lively"), ("limit", "2"), ("cursor", &cursor)]).await?;
    assert_eq!([items(&first), items(&second)].concat(), items(&all));
    assert!(second["cursor"].is_null());
    let (status, body) =
        query(s, &anyone, "site.exosphere.sphere.getActivity", &[("sphere", "lively"), ("cursor", "junk")])
            .await?;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("InvalidRequest")));

    // Hidden content leaves the feed, for everyone.
    let second_uri = all["items"][2]["uri"].as_str().unwrap_or_default().to_owned();
    ok(
        s,
        &w.alice,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "lively", "subject": second_uri, "action": "hide" }),
    )
    .await?;
    for who in [&anyone, &w.alice] {
        let after = get(s, who, "site.exosphere.sphere.getActivity", &[("sphere", "lively")]).await?;
        assert!(!items(&after).iter().any(|(_, t)| t == "Second"), "{after}");
    }

    // A Sphere without the board has an empty feed; a private Sphere's is its members' only.
    set_modules(&w, "lively", Vec::new()).await?;
    assert!(
        items(&get(s, &anyone, "site.exosphere.sphere.getActivity", &[("sphere", "lively")]).await?)
            .is_empty()
    );
    w.sphere("hushed", "private", "members").await?;
    ok(s, &w.carol, &format!("{FR}.createRequest"), json!({ "sphere": "hushed", "title": "Secret" })).await?;
    for who in [anyone.clone(), w.erin.clone()] {
        let (status, body) =
            query(s, &who, "site.exosphere.sphere.getActivity", &[("sphere", "hushed")]).await?;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::NOT_FOUND, Some("SphereNotFound")),
            "{}",
            who.name
        );
    }
    let members = get(s, &w.carol, "site.exosphere.sphere.getActivity", &[("sphere", "hushed")]).await?;
    assert_eq!(items(&members), [("request".to_owned(), "Secret".to_owned())]);
    Ok(())
}

/// The text of `name` children of `node`.
fn texts<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Vec<&'a str> {
    node.children()
        .filter(|c| c.has_tag_name(("http://www.w3.org/2005/Atom", name)))
        .filter_map(|c| c.text())
        .collect()
}

#[tokio::test]
async fn atom_feeds_are_valid_newest_first_and_public_only() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("feedy", "public", "members").await?;
    for title in ["Older <one>", "Newer & better"] {
        ok(s, &w.carol, &format!("{FR}.createRequest"), json!({ "sphere": "feedy", "title": title })).await?;
    }
    ok(s, &w.alice, &format!("{FR}.setStatus"), json!({ "sphere": "feedy", "number": 1, "status": "done" }))
        .await?;
    for path in ["/s/feedy/feed.atom", "/s/feedy/feature-requests/feed.atom"] {
        let response = s.client.get(s.url(path)).send().await?;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(content_type.starts_with("application/atom+xml"), "{content_type}");
        let body = response.text().await?;
        let doc = roxmltree::Document::parse(&body)?;
        let feed = doc.root_element();
        assert!(feed.has_tag_name(("http://www.w3.org/2005/Atom", "feed")), "{body}");
        for required in ["id", "title", "updated"] {
            assert_eq!(texts(feed, required).len(), 1, "feed/{required} in {body}");
        }
        let entries: Vec<_> = feed.children().filter(|c| c.has_tag_name("entry")).collect();
        assert_eq!(entries.len(), 3, "{body}");
        for entry in &entries {
            for required in ["id", "title", "updated"] {
                assert_eq!(texts(*entry, required).len(), 1, "entry/{required} in {body}");
            }
        }
        let updated: Vec<&str> = entries.iter().flat_map(|e| texts(*e, "updated")).collect();
        assert!(updated.windows(2).all(|p| p[0] >= p[1]), "newest first: {updated:?}");
        assert_eq!(texts(entries[0], "title"), ["Older <one> → done"], "the status change is newest");
        assert_eq!(texts(entries[1], "title"), ["Newer & better"]);
        assert_eq!(texts(feed, "updated"), [updated[0]]);
    }
    // A module the Sphere doesn't run, or doesn't exist, has no feed.
    let response = s.client.get(s.url("/s/feedy/no-such-module/feed.atom")).send().await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // Private Spheres have none, even for their members (feeds are read anonymously).
    w.sphere("quiet", "private", "members").await?;
    for path in ["/s/quiet/feed.atom", "/s/quiet/feature-requests/feed.atom", "/s/nowhere/feed.atom"] {
        let response = s
            .client
            .get(s.url(path))
            .header("cookie", format!("sid={}", w.carol.sid.clone().unwrap_or_default()))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    Ok(())
}

#[tokio::test]
async fn a_sign_in_from_before_a_module_existed_is_asked_to_sign_in_again() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let dir = tempfile::tempdir()?;
    let mut cfg = config(&dir.path().join("data"), free_port());
    use_testnet(&mut cfg, &net);
    let alice = net.account("alice").clone();
    let signed_in = async |server: &TestServer| -> anyhow::Result<Caller> {
        let signed = sign_in(&server.base, &alice.handle, &alice.password, true).await?;
        Ok(Caller { name: "alice", sid: signed.sid, did: alice.did.clone() })
    };

    // An older build, without any module: alice signs in, and its sign-in grants core's scopes only.
    let before = TestServer::start_modules(cfg.clone(), Registry::new(Vec::new())?).await?;
    let old = signed_in(&before).await?;
    ok(&before, &old, "site.exosphere.sphere.createSphere", json!({ "name": "Upgrade", "slug": "upgrade" }))
        .await?;
    before.stop().await;

    // The build with the board, on the same data: the old sign-in still works for what it allows...
    let after = TestServer::start_config(cfg).await?;
    ok(
        &after,
        &old,
        "site.exosphere.sphere.updateSphere",
        json!({ "sphere": "upgrade", "modules": all_modules() }),
    )
    .await?;
    // ...and the board's first write asks for a new sign-in, in words, instead of failing.
    let (status, out) = procedure(
        &after,
        &old,
        &format!("{FR}.createRequest"),
        json!({ "sphere": "upgrade", "title": "Hello" }),
    )
    .await?;
    assert_eq!((status, out["error"].as_str()), (StatusCode::FORBIDDEN, Some("ScopeMissing")), "{out}");
    assert!(out["message"].as_str().is_some_and(|m| m.contains("sign in again") && m.contains(FR)), "{out}");
    assert!(net.list_records(&alice.did, FR).await?.is_empty());

    // Signing in again asks for the board's scopes too, and the write goes through.
    let new = signed_in(&after).await?;
    ok(&after, &new, &format!("{FR}.createRequest"), json!({ "sphere": "upgrade", "title": "Hello" }))
        .await?;
    assert_eq!(net.list_records(&alice.did, FR).await?.len(), 1);
    after.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_request_has_its_own_feed_of_status_changes_and_comments() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("followed", "public", "members").await?;
    ok(s, &w.carol, &format!("{FR}.createRequest"), json!({ "sphere": "followed", "title": "Dark <mode>" }))
        .await?;
    ok(
        s,
        &w.alice,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "followed", "number": 1, "status": "planned", "note": "Next & soon" }),
    )
    .await?;
    ok(
        s,
        &w.carol,
        &format!("{FR}.createComment"),
        json!({ "sphere": "followed", "number": 1, "text": "Thank you!" }),
    )
    .await?;
    let hidden = ok(
        s,
        &w.bob,
        &format!("{FR}.createComment"),
        json!({ "sphere": "followed", "number": 1, "text": "Spam" }),
    )
    .await?;
    ok(
        s,
        &w.alice,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "followed", "subject": hidden["comment"]["uri"], "action": "hide" }),
    )
    .await?;

    let response = s.client.get(s.url("/s/followed/feature-requests/1/feed.atom")).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str()?.starts_with("application/atom+xml"));
    let body = response.text().await?;
    let doc = roxmltree::Document::parse(&body)?;
    let feed = doc.root_element();
    assert!(feed.has_tag_name(("http://www.w3.org/2005/Atom", "feed")), "{body}");
    assert_eq!(texts(feed, "title"), ["#1 Dark <mode> · Sphere followed"]);
    for required in ["id", "updated"] {
        assert_eq!(texts(feed, required).len(), 1, "feed/{required} in {body}");
    }
    let entries: Vec<_> = feed.children().filter(|c| c.has_tag_name("entry")).collect();
    let titles: Vec<&str> = entries.iter().flat_map(|e| texts(*e, "title")).collect();
    // Newest first; the hidden comment is left out.
    assert_eq!(titles, ["Comment on Dark <mode>", "Dark <mode> → planned"], "{body}");
    assert_eq!(texts(entries[0], "summary"), ["Thank you!"]);
    assert_eq!(texts(entries[1], "summary"), ["Next & soon"]);
    for entry in &entries {
        for required in ["id", "title", "updated"] {
            assert_eq!(texts(*entry, required).len(), 1, "entry/{required} in {body}");
        }
    }
    // No such request, a number that isn't one, and private Spheres: not found.
    w.sphere("hush", "private", "members").await?;
    ok(s, &w.carol, &format!("{FR}.createRequest"), json!({ "sphere": "hush", "title": "Secret" })).await?;
    for path in [
        "/s/followed/feature-requests/9/feed.atom",
        "/s/followed/feature-requests/x/feed.atom",
        "/s/hush/feature-requests/1/feed.atom",
    ] {
        let response = s.client.get(s.url(path)).send().await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    Ok(())
}
