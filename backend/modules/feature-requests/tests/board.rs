//! The feature-request board end to end, against a real local PDS.

mod common;

use common::world::World;
use common::xrpc::{Caller, get, ok, procedure, query};
use exosphere_core::{IndexOutcome, RecordEvent, RecordOp, Source};
use exosphere_testkit::eventually;
use serde_json::{Value, json};

const FR: &str = "site.exosphere.featureRequest";

fn requests(list: &Value) -> Vec<Value> {
    list["requests"].as_array().cloned().unwrap_or_default()
}

fn titles(list: &Value) -> Vec<String> {
    requests(list).iter().filter_map(|r| r["title"].as_str().map(str::to_owned)).collect()
}

async fn list(w: &World, who: &Caller, params: &[(&str, &str)]) -> anyhow::Result<Value> {
    get(&w.server, who, &format!("{FR}.listRequests"), params).await
}

async fn create(w: &World, who: &Caller, sphere: &str, title: &str) -> anyhow::Result<Value> {
    Ok(ok(
        &w.server,
        who,
        &format!("{FR}.createRequest"),
        json!({ "sphere": sphere, "title": title, "description": format!("About {title}") }),
    )
    .await?["request"]
        .clone())
}

const RECORDS: [&str; 5] = [
    "site.exosphere.featureRequest",
    "site.exosphere.featureRequestVote",
    "site.exosphere.featureRequestComment",
    "site.exosphere.featureRequestCommentVote",
    "site.exosphere.featureRequestStatus",
];

#[tokio::test]
async fn a_public_board_keeps_every_action_on_the_actors_pds() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("board", "public", "members").await?;

    let created = create(&w, &w.bob, "board", "Dark mode").await?;
    assert_eq!(created["number"], 1);
    let uri = created["uri"].as_str().unwrap_or_default().to_owned();
    assert!(uri.starts_with(&format!("at://{}/{FR}/", w.bob.did)), "bob's request is in bob's repo: {uri}");
    assert_eq!(w.net.get_record(&uri).await?.map(|r| r["value"]["title"].clone()), Some(json!("Dark mode")));
    assert_eq!(create(&w, &w.carol, "board", "Export CSV").await?["number"], 2);

    // People show as their profiles name them.
    let avatar = w.profile(&w.bob, "Bob Builder").await?;
    eventually("bob's name shows on his request", || async {
        Ok(list(&w, &w.carol, &[("sphere", "board"), ("sort", "new")]).await?["requests"][1]["author"]["displayName"] == "Bob Builder")
    })
    .await?;
    let listed = list(&w, &w.carol, &[("sphere", "board"), ("sort", "new")]).await?;
    assert_eq!(
        listed["requests"][1]["author"],
        json!({ "did": w.bob.did, "handle": "bob.test", "displayName": "Bob Builder", "avatar": avatar })
    );
    assert_eq!(listed["requests"][0]["author"], json!({ "did": w.carol.did, "handle": "carol.test" }));

    let voted = ok(s, &w.alice, &format!("{FR}.vote"), json!({ "sphere": "board", "number": 1 })).await?;
    assert_eq!(voted, json!({ "voteCount": 1, "voted": true }));
    let comment = ok(
        s,
        &w.alice,
        &format!("{FR}.createComment"),
        json!({ "sphere": "board", "number": 1, "text": "Yes please" }),
    )
    .await?;
    let status = ok(
        s,
        &w.alice,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "board", "number": 1, "status": "planned", "note": "Next release" }),
    )
    .await?;
    for (collection, expected) in [(RECORDS[1], 1), (RECORDS[2], 1), (RECORDS[4], 1), (RECORDS[0], 0)] {
        assert_eq!(
            w.net.list_records(&w.alice.did, collection).await?.len(),
            expected,
            "{collection} in alice's repo"
        );
    }
    let status_record = w.net.get_record(status["status"]["uri"].as_str().unwrap_or_default()).await?;
    assert_eq!(
        status_record.map(|r| r["value"]["subject"]["uri"].clone()),
        Some(json!(uri)),
        "the status references bob's record"
    );
    assert_eq!(
        w.net.get_record(&uri).await?.map(|r| r["value"].get("status").is_none()),
        Some(true),
        "bob's record is untouched"
    );

    let as_alice = list(&w, &w.alice, &[("sphere", "board")]).await?;
    let first = &requests(&as_alice)[0];
    assert_eq!(
        (first["number"].as_i64(), first["voteCount"].as_i64(), first["commentCount"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!((first["status"].as_str(), first["viewer"]["voted"].as_bool()), (Some("planned"), Some(true)));
    assert_eq!(
        first["author"],
        json!({ "did": w.bob.did, "handle": "bob.test", "displayName": "Bob Builder", "avatar": avatar })
    );
    let as_bob = list(&w, &w.bob, &[("sphere", "board")]).await?;
    assert_eq!(requests(&as_bob)[0]["viewer"]["voted"], false);
    let anonymous = list(&w, &Caller::anonymous(), &[("sphere", "board")]).await?;
    assert_eq!(titles(&anonymous), ["Dark mode", "Export CSV"]);
    assert!(requests(&anonymous)[0].get("viewer").is_none());
    // "I voted" over votes that are records on the voters' PDSes.
    assert_eq!(titles(&list(&w, &w.alice, &[("sphere", "board"), ("voted", "true")]).await?), ["Dark mode"]);
    assert!(titles(&list(&w, &w.bob, &[("sphere", "board"), ("voted", "true")]).await?).is_empty());
    let (status, body) = query(
        s,
        &Caller::anonymous(),
        &format!("{FR}.listRequests"),
        &[("sphere", "board"), ("voted", "true")],
    )
    .await?;
    assert_eq!((status.as_u16(), body["error"].as_str()), (401, Some("AuthRequired")), "{body}");

    let one = get(s, &w.erin, &format!("{FR}.getRequest"), &[("sphere", "board"), ("number", "1")]).await?;
    assert_eq!(one["statusHistory"][0]["status"], "planned");
    assert_eq!(one["statusHistory"][0]["note"], "Next release");
    assert_eq!(one["statusHistory"][0]["actor"]["handle"], "alice.test");
    let comments =
        get(s, &w.erin, &format!("{FR}.listComments"), &[("sphere", "board"), ("number", "1")]).await?;
    assert_eq!(comments["comments"][0]["text"], "Yes please");
    assert_eq!(comments["comments"][0]["uri"], comment["comment"]["uri"]);

    // The same records arriving later from Jetstream change nothing.
    let record = w.net.get_record(&uri).await?.ok_or_else(|| anyhow::anyhow!("record"))?;
    let ctx = s.running.ctx.clone();
    let rkey = uri.rsplit('/').next().unwrap_or_default().to_owned();
    let bob = w.bob.did.clone();
    let outcome = ctx
        .db
        .write({
            let ctx = ctx.clone();
            move |c| {
                let cid = record["cid"].as_str().unwrap_or_default().to_owned();
                ctx.registry.index(
                    c,
                    &RecordEvent {
                        source: Source::Jetstream,
                        did: &bob,
                        collection: FR,
                        rkey: &rkey,
                        op: RecordOp::Create,
                        cid: Some(&cid),
                        record: Some(&record["value"]),
                        seen_us: None,
                    },
                )
            }
        })
        .await?;
    assert_eq!(outcome, IndexOutcome::Unchanged);
    assert_eq!(list(&w, &w.alice, &[("sphere", "board")]).await?, as_alice);
    Ok(())
}

#[tokio::test]
async fn a_private_board_writes_no_content_to_any_pds() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("inner", "private", "members").await?;
    create(&w, &w.bob, "inner", "Secret plan").await?;
    ok(s, &w.alice, &format!("{FR}.vote"), json!({ "sphere": "inner", "number": 1 })).await?;
    let comment = ok(
        s,
        &w.alice,
        &format!("{FR}.createComment"),
        json!({ "sphere": "inner", "number": 1, "text": "Shh" }),
    )
    .await?;
    ok(
        s,
        &w.carol,
        &format!("{FR}.voteComment"),
        json!({ "sphere": "inner", "comment": comment["comment"]["uri"] }),
    )
    .await?;
    ok(
        s,
        &w.alice,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "inner", "number": 1, "status": "planned" }),
    )
    .await?;
    for who in [&w.alice, &w.bob, &w.carol] {
        for collection in RECORDS {
            assert!(
                w.net.list_records(&who.did, collection).await?.is_empty(),
                "{collection} of {} leaked to a PDS",
                who.name
            );
        }
    }
    let first = &requests(&list(&w, &w.carol, &[("sphere", "inner")]).await?)[0];
    assert_eq!(
        (first["voteCount"].as_i64(), first["commentCount"].as_i64(), first["status"].as_str()),
        (Some(1), Some(1), Some("planned"))
    );
    for outsider in [&Caller::anonymous(), &w.erin, &w.dave] {
        for (method, params) in [
            ("listRequests", vec![("sphere", "inner")]),
            ("getRequest", vec![("sphere", "inner"), ("number", "1")]),
            ("listComments", vec![("sphere", "inner"), ("number", "1")]),
        ] {
            let (status, body) = query(s, outsider, &format!("{FR}.{method}"), &params).await?;
            assert_eq!(status.as_u16(), 404, "{method} for {}", outsider.name);
            assert!(!body.to_string().contains("Secret plan") && !body.to_string().contains("Shh"));
        }
    }
    Ok(())
}

#[tokio::test]
async fn sorting_filtering_and_search() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("sorts", "private", "members").await?;
    for title in ["Dark mode", "Export to CSV", "Keyboard shortcuts", "Crème brûlée recipes"] {
        create(&w, &w.alice, "sorts", title).await?;
    }
    for (who, number) in
        [(&w.alice, 1), (&w.bob, 1), (&w.carol, 1), (&w.bob, 3), (&w.carol, 3), (&w.alice, 2)]
    {
        ok(s, who, &format!("{FR}.vote"), json!({ "sphere": "sorts", "number": number })).await?;
    }
    ok(s, &w.bob, &format!("{FR}.setStatus"), json!({ "sphere": "sorts", "number": 3, "status": "done" }))
        .await?;
    create(&w, &w.carol, "sorts", "Carol's idea").await?;

    assert_eq!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("sort", "top")]).await?),
        ["Dark mode", "Keyboard shortcuts", "Export to CSV", "Carol's idea", "Crème brûlée recipes"]
    );
    assert_eq!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("sort", "new")]).await?),
        ["Carol's idea", "Crème brûlée recipes", "Keyboard shortcuts", "Export to CSV", "Dark mode"]
    );
    // Trending: votes just cast weigh about the same, so votes decide, then recency.
    let trending = titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("sort", "trending")]).await?);
    assert_eq!(&trending[..3], ["Dark mode", "Keyboard shortcuts", "Export to CSV"]);
    assert_eq!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("status", "done")]).await?),
        ["Keyboard shortcuts"]
    );
    assert_eq!(
        titles(
            &list(
                &w,
                &w.alice,
                &[("sphere", "sorts"), ("status", "open"), ("status", "done"), ("sort", "new")]
            )
            .await?
        )
        .len(),
        5
    );
    assert_eq!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("author", &w.carol.did)]).await?),
        ["Carol's idea"]
    );
    // "I voted": each viewer's own votes, with the other filters.
    assert_eq!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("voted", "true")]).await?),
        ["Dark mode", "Export to CSV"]
    );
    assert_eq!(
        titles(&list(&w, &w.bob, &[("sphere", "sorts"), ("voted", "true")]).await?),
        ["Dark mode", "Keyboard shortcuts"]
    );
    assert_eq!(
        titles(&list(&w, &w.bob, &[("sphere", "sorts"), ("voted", "true"), ("status", "open")]).await?),
        ["Dark mode"]
    );
    assert_eq!(titles(&list(&w, &w.bob, &[("sphere", "sorts"), ("voted", "false")]).await?).len(), 5);
    // Similar requests while a title is written: any word, the last one a prefix, in any status.
    let similar = async |text: &str| -> anyhow::Result<Vec<String>> {
        let out =
            get(s, &w.bob, &format!("{FR}.findSimilar"), &[("sphere", "sorts"), ("text", text)]).await?;
        Ok(titles(&out))
    };
    assert_eq!(similar("A dark theme, please").await?, ["Dark mode"]);
    let mut both = similar("keyboard or dark").await?;
    both.sort();
    assert_eq!(both, ["Dark mode", "Keyboard shortcuts"], "any word matches, a done request too");
    assert_eq!(similar("Expo").await?, ["Export to CSV"], "the word being typed is a prefix");
    assert!(similar("zebra crossing").await?.is_empty());
    assert!(similar("?!").await?.is_empty());
    assert_eq!(titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("q", "dark")]).await?), ["Dark mode"]);
    assert_eq!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("q", "csv expo")]).await?),
        ["Export to CSV"]
    );
    assert_eq!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("q", "creme")]).await?),
        ["Crème brûlée recipes"],
        "accents fold"
    );
    assert_eq!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("q", "about keyboard")]).await?),
        ["Keyboard shortcuts"],
        "descriptions are searched"
    );
    assert!(
        titles(&list(&w, &w.alice, &[("sphere", "sorts"), ("q", "\"( OR *")]).await?).is_empty(),
        "FTS syntax is not interpreted"
    );
    let (status, body) =
        query(s, &w.alice, &format!("{FR}.listRequests"), &[("sphere", "sorts"), ("sort", "loudest")])
            .await?;
    assert_eq!((status.as_u16(), body["error"].as_str()), (400, Some("InvalidRequest")));
    Ok(())
}

#[tokio::test]
async fn pages_stay_stable_while_votes_change() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("pages", "private", "members").await?;
    for i in 1..=7 {
        create(&w, &w.alice, "pages", &format!("Request {i}")).await?;
    }
    // Votes: #1 three, #2 two, #3 one, the rest none.
    for (who, number) in
        [(&w.alice, 1), (&w.bob, 1), (&w.carol, 1), (&w.alice, 2), (&w.bob, 2), (&w.alice, 3)]
    {
        ok(s, who, &format!("{FR}.vote"), json!({ "sphere": "pages", "number": number })).await?;
    }
    for (round, sort) in ["top", "trending", "new"].into_iter().enumerate() {
        // Seven requests, plus the late one of each earlier round.
        let expected_total = 7 + round;
        let page1 = list(&w, &w.alice, &[("sphere", "pages"), ("sort", sort), ("limit", "3")]).await?;
        let mut cursor = page1["cursor"].as_str().unwrap_or_default().to_owned();
        assert!(!cursor.is_empty());
        // While the reader is on page 1: the last requests get votes, one loses its vote, and a new one appears.
        for (who, number) in [(&w.alice, 7), (&w.bob, 7), (&w.carol, 7), (&w.carol, 6)] {
            ok(s, who, &format!("{FR}.vote"), json!({ "sphere": "pages", "number": number })).await?;
        }
        ok(s, &w.alice, &format!("{FR}.unvote"), json!({ "sphere": "pages", "number": 3 })).await?;
        let late = format!("Late {sort}");
        create(&w, &w.bob, "pages", &late).await?;

        let mut seen = titles(&page1);
        for _ in 0..5 {
            if cursor.is_empty() {
                break;
            }
            let page = list(
                &w,
                &w.alice,
                &[("sphere", "pages"), ("sort", sort), ("limit", "3"), ("cursor", &cursor)],
            )
            .await?;
            seen.extend(titles(&page));
            cursor = page["cursor"].as_str().unwrap_or_default().to_owned();
        }
        let count = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(
            (count, seen.len()),
            (expected_total, expected_total),
            "{sort}: every request exactly once: {seen:?}"
        );
        assert!(!seen.contains(&late), "{sort}: nothing created after page 1 slips in");

        // Undo this round's votes for the next sort.
        for (who, number) in [(&w.alice, 7), (&w.bob, 7), (&w.carol, 7), (&w.carol, 6)] {
            ok(s, who, &format!("{FR}.unvote"), json!({ "sphere": "pages", "number": number })).await?;
        }
        ok(s, &w.alice, &format!("{FR}.vote"), json!({ "sphere": "pages", "number": 3 })).await?;
    }
    let top = list(&w, &w.alice, &[("sphere", "pages"), ("sort", "top"), ("limit", "3")]).await?;
    assert_eq!(titles(&top), ["Request 1", "Request 2", "Request 3"]);
    Ok(())
}

#[tokio::test]
async fn votes_are_idempotent_and_unvote_removes_the_record() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("votes", "public", "open").await?;
    create(&w, &w.erin, "votes", "Open to all").await?;
    for _ in 0..2 {
        let voted = ok(s, &w.alice, &format!("{FR}.vote"), json!({ "sphere": "votes", "number": 1 })).await?;
        assert_eq!(voted, json!({ "voteCount": 1, "voted": true }));
    }
    assert_eq!(w.net.list_records(&w.alice.did, RECORDS[1]).await?.len(), 1, "one vote record");
    // Readers share the page until the next write; each sees only their own vote on it.
    let voted = |list: &Value| requests(list)[0]["viewer"]["voted"].as_bool();
    assert_eq!(voted(&list(&w, &w.alice, &[("sphere", "votes")]).await?), Some(true));
    assert_eq!(voted(&list(&w, &w.bob, &[("sphere", "votes")]).await?), Some(false), "bob didn't vote");
    assert_eq!(voted(&list(&w, &w.alice, &[("sphere", "votes")]).await?), Some(true));
    let anonymous = list(&w, &Caller::anonymous(), &[("sphere", "votes")]).await?;
    assert!(requests(&anonymous)[0].get("viewer").is_none(), "no viewer state for anonymous readers");
    for _ in 0..2 {
        let unvoted =
            ok(s, &w.alice, &format!("{FR}.unvote"), json!({ "sphere": "votes", "number": 1 })).await?;
        assert_eq!(unvoted, json!({ "voteCount": 0, "voted": false }));
    }
    assert!(w.net.list_records(&w.alice.did, RECORDS[1]).await?.is_empty(), "unvote deletes the record");

    let comment = ok(
        s,
        &w.erin,
        &format!("{FR}.createComment"),
        json!({ "sphere": "votes", "number": 1, "text": "First" }),
    )
    .await?;
    let curi = comment["comment"]["uri"].clone();
    for _ in 0..2 {
        assert_eq!(
            ok(s, &w.bob, &format!("{FR}.voteComment"), json!({ "sphere": "votes", "comment": curi }))
                .await?["voteCount"],
            1
        );
    }
    let comments =
        get(s, &w.bob, &format!("{FR}.listComments"), &[("sphere", "votes"), ("number", "1")]).await?;
    assert_eq!(
        (comments["comments"][0]["voteCount"].as_i64(), comments["comments"][0]["viewer"]["voted"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(w.net.list_records(&w.bob.did, RECORDS[3]).await?.len(), 1);
    assert_eq!(
        ok(s, &w.bob, &format!("{FR}.unvoteComment"), json!({ "sphere": "votes", "comment": curi })).await?["voteCount"],
        0
    );
    assert!(w.net.list_records(&w.bob.did, RECORDS[3]).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn authors_edit_and_delete_their_own_requests_and_comments() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("edits", "public", "members").await?;
    let request = create(&w, &w.bob, "edits", "Typo in titel").await?;
    let uri = request["uri"].as_str().unwrap_or_default().to_owned();
    let edited = ok(
        s,
        &w.bob,
        &format!("{FR}.updateRequest"),
        json!({ "sphere": "edits", "number": 1, "title": "Typo in title" }),
    )
    .await?;
    assert_eq!(
        (edited["request"]["title"].as_str(), edited["request"]["number"].as_i64()),
        (Some("Typo in title"), Some(1))
    );
    assert!(edited["request"]["updatedAt"].is_string());
    assert_eq!(
        w.net.get_record(&uri).await?.map(|r| r["value"]["title"].clone()),
        Some(json!("Typo in title"))
    );
    let (status, body) = procedure(
        s,
        &w.carol,
        &format!("{FR}.updateRequest"),
        json!({ "sphere": "edits", "number": 1, "title": "Mine now" }),
    )
    .await?;
    assert_eq!((status.as_u16(), body["error"].as_str()), (403, Some("Forbidden")));

    let comment = ok(
        s,
        &w.carol,
        &format!("{FR}.createComment"),
        json!({ "sphere": "edits", "number": 1, "text": "Agreed" }),
    )
    .await?;
    let curi = comment["comment"]["uri"].clone();
    let reply = ok(
        s,
        &w.bob,
        &format!("{FR}.createComment"),
        json!({ "sphere": "edits", "number": 1, "text": "Thanks", "parent": curi }),
    )
    .await?;
    assert_eq!(reply["comment"]["parent"], curi);
    let changed = ok(
        s,
        &w.carol,
        &format!("{FR}.updateComment"),
        json!({ "sphere": "edits", "comment": curi, "text": "Strongly agreed" }),
    )
    .await?;
    assert_eq!(changed["comment"]["text"], "Strongly agreed");
    // A comment is found only through its own Sphere.
    w.sphere("elsewhere", "public", "members").await?;
    create(&w, &w.carol, "elsewhere", "Another board").await?;
    let (status, body) = procedure(
        s,
        &w.carol,
        &format!("{FR}.updateComment"),
        json!({ "sphere": "elsewhere", "comment": curi, "text": "Moved" }),
    )
    .await?;
    assert_eq!((status.as_u16(), body["error"].as_str()), (404, Some("CommentNotFound")));
    let (status, body) = procedure(
        s,
        &w.carol,
        &format!("{FR}.createComment"),
        json!({ "sphere": "elsewhere", "number": 1, "text": "Here", "parent": curi }),
    )
    .await?;
    assert_eq!((status.as_u16(), body["error"].as_str()), (404, Some("CommentNotFound")));
    let (status, _) =
        procedure(s, &w.bob, &format!("{FR}.deleteComment"), json!({ "sphere": "edits", "comment": curi }))
            .await?;
    assert_eq!(status.as_u16(), 403);
    ok(s, &w.carol, &format!("{FR}.deleteComment"), json!({ "sphere": "edits", "comment": curi })).await?;
    assert!(w.net.list_records(&w.carol.did, RECORDS[2]).await?.is_empty());
    let one = get(s, &w.bob, &format!("{FR}.getRequest"), &[("sphere", "edits"), ("number", "1")]).await?;
    assert_eq!(one["request"]["commentCount"], 1);

    ok(s, &w.bob, &format!("{FR}.deleteRequest"), json!({ "sphere": "edits", "number": 1 })).await?;
    assert_eq!(w.net.get_record(&uri).await?, None);
    let (status, body) =
        query(s, &w.bob, &format!("{FR}.getRequest"), &[("sphere", "edits"), ("number", "1")]).await?;
    assert_eq!((status.as_u16(), body["error"].as_str()), (404, Some("RequestNotFound")));
    assert_eq!(
        create(&w, &w.bob, "edits", "After the delete").await?["number"],
        2,
        "numbers are never reused"
    );
    Ok(())
}

#[tokio::test]
async fn moderation_hides_content_from_everyone_but_moderators() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("mod", "public", "open").await?;
    let spam = create(&w, &w.erin, "mod", "Buy cheap watches").await?;
    create(&w, &w.carol, "mod", "Real request").await?;
    let comment = ok(
        s,
        &w.erin,
        &format!("{FR}.createComment"),
        json!({ "sphere": "mod", "number": 2, "text": "spam link" }),
    )
    .await?;

    let hidden = ok(
        s,
        &w.bob,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "mod", "subject": spam["uri"], "action": "hide", "reason": "spam" }),
    )
    .await?;
    assert_eq!(hidden["hidden"], true);
    let record = w
        .net
        .get_record(hidden["uri"].as_str().unwrap_or_default())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no moderation record on bob's PDS"))?;
    assert_eq!(record["value"]["subject"]["uri"], spam["uri"]);
    assert_eq!(record["value"]["action"], "hide");
    assert!(
        w.net.get_record(spam["uri"].as_str().unwrap_or_default()).await?.is_some(),
        "the content stays on its author's PDS"
    );
    ok(
        s,
        &w.alice,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "mod", "subject": comment["comment"]["uri"], "action": "hide" }),
    )
    .await?;

    for who in [&Caller::anonymous(), &w.carol, &w.erin] {
        assert_eq!(titles(&list(&w, who, &[("sphere", "mod")]).await?), ["Real request"], "{}", who.name);
        let (status, _) =
            query(s, who, &format!("{FR}.getRequest"), &[("sphere", "mod"), ("number", "1")]).await?;
        assert_eq!(status.as_u16(), 404, "{}", who.name);
        let comments =
            get(s, who, &format!("{FR}.listComments"), &[("sphere", "mod"), ("number", "2")]).await?;
        assert_eq!(comments["comments"], json!([]), "{}", who.name);
    }
    let as_admin = list(&w, &w.bob, &[("sphere", "mod"), ("sort", "new")]).await?;
    let marked: Vec<(String, bool)> = requests(&as_admin)
        .iter()
        .map(|r| (r["title"].as_str().unwrap_or_default().to_owned(), r["hidden"] == true))
        .collect();
    assert_eq!(marked, [("Real request".to_owned(), false), ("Buy cheap watches".to_owned(), true)]);
    let comments =
        get(s, &w.alice, &format!("{FR}.listComments"), &[("sphere", "mod"), ("number", "2")]).await?;
    assert_eq!(comments["comments"][0]["hidden"], true);

    let restored = ok(
        s,
        &w.bob,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "mod", "subject": spam["uri"], "action": "restore" }),
    )
    .await?;
    assert_eq!(restored["hidden"], false);
    assert_eq!(
        titles(&list(&w, &w.carol, &[("sphere", "mod"), ("sort", "new")]).await?),
        ["Real request", "Buy cheap watches"]
    );
    let (status, body) = procedure(
        s,
        &w.carol,
        "site.exosphere.sphere.moderate",
        json!({ "sphere": "mod", "subject": spam["uri"], "action": "hide" }),
    )
    .await?;
    assert_eq!((status.as_u16(), body["error"].as_str()), (403, Some("Forbidden")));
    Ok(())
}

#[tokio::test]
async fn records_that_break_their_lexicon_are_rejected_whole() -> anyhow::Result<()> {
    let w = World::new().await?;
    let sphere = w.sphere("strict", "public", "open").await?;
    let ctx = w.server.running.ctx.clone();
    let bad = json!({ "$type": FR, "sphere": sphere["uri"], "title": "x".repeat(301), "createdAt": "2026-11-23T00:00:00.000Z" });
    let did = w.bob.did.clone();
    let outcome = ctx
        .db
        .write({
            let ctx = ctx.clone();
            move |c| {
                ctx.registry.index(
                    c,
                    &RecordEvent {
                        source: Source::Jetstream,
                        did: &did,
                        collection: FR,
                        rkey: "3kaaaaaaaaaa2",
                        op: RecordOp::Create,
                        cid: Some("bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"),
                        record: Some(&bad),
                        seen_us: None,
                    },
                )
            }
        })
        .await?;
    assert!(matches!(outcome, IndexOutcome::Rejected(ref e) if e.path == "title"), "{outcome:?}");
    assert!(requests(&list(&w, &w.bob, &[("sphere", "strict")]).await?).is_empty(), "nothing half-indexed");
    Ok(())
}

/// Expected status of a feature-request method for a role in a kind of Sphere.
fn expected(method: &str, role: &str, visibility: &str, open: bool) -> u16 {
    let active = matches!(role, "member" | "admin" | "owner");
    let reads = visibility == "public" || active;
    let writes = role != "anonymous" && (open || active);
    match method {
        "listRequests" | "getRequest" | "listComments" => {
            if reads {
                200
            } else {
                404
            }
        }
        "createRequest" | "vote" | "createComment" => {
            if role == "anonymous" {
                401
            } else if writes {
                200
            } else {
                403
            }
        }
        "voteComment" | "updateComment" => {
            if role == "anonymous" {
                401
            } else if writes {
                404
            } else {
                403
            }
        }
        "updateRequest" => {
            if role == "anonymous" {
                401
            } else if !writes {
                403
            } else if role == "owner" {
                200
            } else {
                403
            }
        }
        "unvote" => {
            if role == "anonymous" {
                401
            } else if reads {
                200
            } else {
                404
            }
        }
        "deleteRequest" | "deleteComment" | "unvoteComment" => {
            if role == "anonymous" {
                401
            } else {
                404
            }
        }
        "setStatus" => {
            if role == "anonymous" {
                401
            } else if matches!(role, "admin" | "owner") {
                200
            } else {
                403
            }
        }
        other => panic!("no rule for {other}"),
    }
}

#[tokio::test]
async fn access_rules_for_every_board_method_role_and_kind_of_sphere() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let mut failures = Vec::new();
    let mut cells = 0;
    for (slug, visibility, mode) in [
        ("fr-open", "public", "open"),
        ("fr-members", "public", "members"),
        ("fr-priv", "private", "members"),
    ] {
        w.sphere(slug, visibility, mode).await?;
        create(&w, &w.alice, slug, "The first request").await?;
        let ghost = format!("at://{}/site.exosphere.featureRequestComment/3kzzzzzzzzzz2", w.alice.did);
        let methods = [
            "listRequests",
            "getRequest",
            "listComments",
            "createRequest",
            "vote",
            "unvote",
            "createComment",
            "voteComment",
            "unvoteComment",
            "updateComment",
            "deleteComment",
            "updateRequest",
            "deleteRequest",
            "setStatus",
        ];
        for method in methods {
            for (role, caller) in w.cast() {
                let nsid = format!("{FR}.{method}");
                let (status, body) = match method {
                    "listRequests" => query(s, &caller, &nsid, &[("sphere", slug)]).await?,
                    "getRequest" | "listComments" => {
                        query(s, &caller, &nsid, &[("sphere", slug), ("number", "1")]).await?
                    }
                    "createRequest" => {
                        procedure(s, &caller, &nsid, json!({ "sphere": slug, "title": format!("By {role}") }))
                            .await?
                    }
                    "vote" | "unvote" => {
                        procedure(s, &caller, &nsid, json!({ "sphere": slug, "number": 1 })).await?
                    }
                    "createComment" => {
                        procedure(s, &caller, &nsid, json!({ "sphere": slug, "number": 1, "text": "hi" }))
                            .await?
                    }
                    "voteComment" | "unvoteComment" | "deleteComment" => {
                        procedure(s, &caller, &nsid, json!({ "sphere": slug, "comment": ghost })).await?
                    }
                    "updateComment" => {
                        procedure(s, &caller, &nsid, json!({ "sphere": slug, "comment": ghost, "text": "x" }))
                            .await?
                    }
                    "updateRequest" => {
                        procedure(
                            s,
                            &caller,
                            &nsid,
                            json!({ "sphere": slug, "number": 1, "title": "The first request" }),
                        )
                        .await?
                    }
                    "deleteRequest" => {
                        procedure(s, &caller, &nsid, json!({ "sphere": slug, "number": 999 })).await?
                    }
                    _ => {
                        procedure(
                            s,
                            &caller,
                            &nsid,
                            json!({ "sphere": slug, "number": 1, "status": "planned" }),
                        )
                        .await?
                    }
                };
                cells += 1;
                let want = expected(method, role, visibility, mode == "open");
                if status.as_u16() != want {
                    failures.push(format!("{slug} {method} as {role}: expected {want}, got {status} {body}"));
                }
                if visibility == "private" && !matches!(role, "member" | "admin" | "owner") {
                    assert!(
                        !body.to_string().contains("The first request"),
                        "{method} leaked private content to {role}"
                    );
                }
            }
        }
    }
    assert_eq!(cells, 3 * 14 * 6);
    assert!(failures.is_empty(), "{} of {cells} cells wrong:\n{}", failures.len(), failures.join("\n"));
    Ok(())
}

/// The cache header of an anonymous or signed-in GET, and the body.
async fn cached(
    w: &World,
    who: &Caller,
    nsid: &str,
    params: &[(&str, &str)],
) -> anyhow::Result<(String, Value)> {
    let mut request = w.server.client.get(w.server.url(&format!("/xrpc/{nsid}"))).query(params);
    if let Some(sid) = &who.sid {
        request = request.header("cookie", format!("sid={sid}"));
    }
    let response = request.send().await?;
    anyhow::ensure!(response.status().is_success(), "{nsid}: {}", response.status());
    let state = common::cache_state(&response);
    Ok((state, response.json().await?))
}

#[tokio::test]
async fn anonymous_answers_are_cached_until_the_data_changes() -> anyhow::Result<()> {
    let w = World::new().await?;
    w.sphere("cached", "public", "open").await?;
    create(&w, &w.bob, "cached", "Cache me").await?;
    let anon = Caller::anonymous();
    let get_one = [("sphere", "cached"), ("number", "1")];
    let nsid = format!("{FR}.getRequest");

    // The database watcher may notice this process's own last write a little
    // later (and invalidate once more): wait until it has, so hit and miss below are certain.
    w.server.settle().await?;
    let (first, body) = cached(&w, &anon, &nsid, &get_one).await?;
    let (second, again) = cached(&w, &anon, &nsid, &get_one).await?;
    assert_eq!((first.as_str(), second.as_str()), ("miss", "hit"));
    assert_eq!(body, again, "a hit is the same answer");
    let bypass = w.server.client.get(w.server.url(&format!("/xrpc/{nsid}"))).query(&get_one);
    let bypass = bypass.header("cache-control", "no-cache").send().await?;
    assert!(bypass.headers().get(exosphere_core::xrpc::cache::CACHE_HEADER).is_none(), "no-cache skips it");
    assert_eq!(body["request"]["voteCount"], 0);

    // A vote (a write) makes the next anonymous answer fresh.
    ok(&w.server, &w.alice, &format!("{FR}.vote"), json!({ "sphere": "cached", "number": 1 })).await?;
    let (state, body) = cached(&w, &anon, &nsid, &get_one).await?;
    assert_eq!((state.as_str(), body["request"]["voteCount"].as_i64()), ("miss", Some(1)));

    // Signed-in answers carry viewer state: never from nor into the cache.
    for _ in 0..2 {
        let (state, body) = cached(&w, &w.alice, &nsid, &get_one).await?;
        assert_eq!((state.as_str(), body["request"]["viewer"]["voted"].as_bool()), ("none", Some(true)));
    }
    // Errors aren't cached either.
    let (status, _) = query(&w.server, &anon, &nsid, &[("sphere", "cached"), ("number", "99")]).await?;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
    Ok(())
}

/// Votes shown for each request number, as a member reads them.
async fn vote_counts(w: &World, sphere: &str, numbers: &[i64]) -> anyhow::Result<Vec<i64>> {
    let mut counts = Vec::new();
    for n in numbers {
        let one = get(
            &w.server,
            &w.carol,
            &format!("{FR}.getRequest"),
            &[("sphere", sphere), ("number", &n.to_string())],
        )
        .await?;
        counts.push(one["request"]["voteCount"].as_i64().unwrap_or(-1));
    }
    Ok(counts)
}

async fn set_status(
    w: &World,
    sphere: &str,
    number: i64,
    status: &str,
    into: Option<i64>,
) -> anyhow::Result<(u16, Value)> {
    let mut body = json!({ "sphere": sphere, "number": number, "status": status });
    if let Some(into) = into {
        body["duplicateOf"] = json!(into);
    }
    let (code, out) = procedure(&w.server, &w.bob, &format!("{FR}.setStatus"), body).await?;
    Ok((code.as_u16(), out))
}

#[tokio::test]
async fn merging_duplicates_counts_distinct_voters_and_unmerging_restores_the_counts() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let sphere = w.sphere("merge", "public", "open").await?;
    let (d, o, p) = (1, 2, 3);
    for title in ["Night theme", "Dark mode", "Themes"] {
        create(&w, &w.bob, "merge", title).await?;
    }
    let vote = async |who: &Caller, number: i64| {
        procedure(s, who, &format!("{FR}.vote"), json!({ "sphere": "merge", "number": number })).await
    };
    // A and B (alice and carol) vote on the duplicate D; A also on the original O.
    for (who, number) in [(&w.alice, d), (&w.carol, d), (&w.alice, o)] {
        assert_eq!(vote(who, number).await?.0.as_u16(), 200);
    }
    assert_eq!(vote_counts(&w, "merge", &[d, o]).await?, [2, 1]);

    // Merge D into O: O counts its distinct voters and D's.
    let merged = set_status(&w, "merge", d, "duplicate", Some(o)).await?;
    assert_eq!(merged.0, 200, "{}", merged.1);
    assert_eq!(vote_counts(&w, "merge", &[d, o]).await?, [2, 2]);
    let one = get(s, &w.carol, &format!("{FR}.getRequest"), &[("sphere", "merge"), ("number", "1")]).await?;
    assert_eq!(
        (one["request"]["status"].as_str(), one["request"]["duplicateOf"]["number"].as_i64()),
        (Some("duplicate"), Some(o))
    );
    assert_eq!(one["request"]["duplicateOf"]["title"], "Dark mode");
    assert_eq!(one["statusHistory"][0]["duplicateOf"]["number"], o);
    // The status record on bob's PDS names the original by strongRef.
    let records = w.net.list_records(&w.bob.did, RECORDS[4]).await?;
    assert_eq!(records[0]["value"]["duplicateOf"]["uri"], one["request"]["duplicateOf"]["uri"]);

    // Un-merging (any later status) restores both counts exactly; merging again moves them back.
    assert_eq!(set_status(&w, "merge", d, "planned", None).await?.0, 200);
    assert_eq!(vote_counts(&w, "merge", &[d, o]).await?, [2, 1]);
    let planned =
        get(s, &w.carol, &format!("{FR}.getRequest"), &[("sphere", "merge"), ("number", "1")]).await?;
    assert!(planned["request"].get("duplicateOf").is_none(), "{planned}");
    assert_eq!(set_status(&w, "merge", d, "duplicate", Some(o)).await?.0, 200);
    assert_eq!(vote_counts(&w, "merge", &[d, o]).await?, [2, 2]);

    // B unvotes D, and O shows 1.
    ok(s, &w.carol, &format!("{FR}.unvote"), json!({ "sphere": "merge", "number": d })).await?;
    assert_eq!(vote_counts(&w, "merge", &[d, o]).await?, [1, 1]);
    // A duplicate takes no new votes.
    let (status, refused) = vote(&w.dave, d).await?;
    assert_eq!((status.as_u16(), refused["error"].as_str()), (409, Some("RequestMerged")), "{refused}");
    assert!(refused["message"].as_str().is_some_and(|m| m.contains("#2")), "{refused}");

    // Chains: O merged into P, P counts everyone below it once.
    assert_eq!(vote(&w.erin, p).await?.0.as_u16(), 200);
    assert_eq!(vote(&w.dave, o).await?.0.as_u16(), 200);
    assert_eq!(set_status(&w, "merge", o, "duplicate", Some(p)).await?.0, 200);
    assert_eq!(vote_counts(&w, "merge", &[d, o, p]).await?, [1, 2, 3]);

    // Merges that make no sense are refused, and write nothing.
    let statuses = w.net.list_records(&w.bob.did, RECORDS[4]).await?.len();
    for (number, status, into, why) in [
        (p, "duplicate", Some(d), "a loop"),
        (d, "duplicate", Some(d), "itself"),
        (p, "duplicate", None, "no original"),
        (p, "planned", Some(o), "duplicateOf without duplicate"),
        (p, "duplicate", Some(99), "no such request"),
    ] {
        let (code, out) = set_status(&w, "merge", number, status, into).await?;
        assert_eq!((code, out["error"].as_str()), (400, Some("InvalidMerge")), "{why}: {out}");
    }
    assert_eq!(w.net.list_records(&w.bob.did, RECORDS[4]).await?.len(), statuses);
    assert_eq!(
        titles(&list(&w, &w.carol, &[("sphere", "merge"), ("status", "duplicate")]).await?).len(),
        2,
        "the board filters duplicates"
    );

    // A rebuild from the PDSes computes the same merges and counts.
    let before = common::dump::content(&s.running.ctx.db).await?;
    let uri = sphere["uri"].as_str().unwrap_or_default().to_owned();
    let report = exosphere_indexer::rebuild::rebuild(&s.running.ctx, Some(&uri), false).await?;
    assert_eq!(report.failed, 0, "{report:?}");
    common::dump::assert_same(&before, &common::dump::content(&s.running.ctx.db).await?);
    assert_eq!(vote_counts(&w, "merge", &[d, o, p]).await?, [1, 2, 3]);
    Ok(())
}

async fn export(w: &World, who: &Caller, sphere: &str) -> anyhow::Result<reqwest::Response> {
    let mut request =
        w.server.client.get(format!("{}/s/{sphere}/feature-requests/export.csv", w.server.base));
    if let Some(sid) = &who.sid {
        request = request.header("cookie", format!("sid={sid}"));
    }
    Ok(request.send().await?)
}

#[tokio::test]
async fn owners_and_admins_export_the_board_as_csv() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("csv", "private", "members").await?;
    ok(
        s,
        &w.carol,
        &format!("{FR}.createRequest"),
        json!({ "sphere": "csv", "title": "Export, \"quoted\"", "description": "line one\nline two" }),
    )
    .await?;
    create(&w, &w.carol, "csv", "Plain").await?;
    ok(s, &w.alice, &format!("{FR}.vote"), json!({ "sphere": "csv", "number": 1 })).await?;
    ok(s, &w.bob, &format!("{FR}.vote"), json!({ "sphere": "csv", "number": 2 })).await?;
    ok(
        s,
        &w.bob,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "csv", "number": 1, "status": "planned", "note": "Soon, really" }),
    )
    .await?;
    assert_eq!(set_status(&w, "csv", 2, "duplicate", Some(1)).await?.0, 200);

    for who in [&w.alice, &w.bob] {
        let response = export(&w, who, "csv").await?;
        assert_eq!(response.status().as_u16(), 200, "{}", who.name);
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(response.headers()["content-disposition"].to_str()?.contains("csv-feature-requests.csv"));
        let body = response.text().await?;
        let lines: Vec<&str> = body.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "number,title,description,created_at,author,votes,comments,status,status_by,status_at,status_note,duplicate_of,tags"
        );
        // The first request: its title and description quoted, the newline kept inside the quotes.
        assert!(body.contains("\r\n1,\"Export, \"\"quoted\"\"\",\"line one\nline two\","), "{body}");
        assert!(
            body.contains(&format!(",carol.test ({}),2,0,planned,bob.test ({}),", w.carol.did, w.bob.did)),
            "{body}"
        );
        assert!(body.contains(",\"Soon, really\",,\r\n"), "{body}");
        // The duplicate names its original's number; its votes count there.
        let dup = lines.iter().find(|l| l.starts_with("2,")).copied().unwrap_or_default();
        assert!(dup.starts_with("2,Plain,About Plain,"), "{dup}");
        assert!(
            dup.contains(&format!(",duplicate,bob.test ({}),", w.bob.did)) && dup.ends_with(",,1,"),
            "{dup}"
        );
        assert_eq!(lines.last(), Some(&""), "every line ends with CRLF");
        assert_eq!(lines.len(), 4);
    }
    // Members and visitors may not export.
    let refused = export(&w, &w.carol, "csv").await?;
    assert_eq!(refused.status().as_u16(), 403);
    let anonymous = export(&w, &Caller::anonymous(), "csv").await?;
    assert_eq!(anonymous.status().as_u16(), 401);
    Ok(())
}

#[tokio::test]
async fn descriptions_and_comments_are_markdown_rendered_safely() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("md", "private", "members").await?;
    let description =
        "Why **now**: <script>alert(1)</script> [click](javascript:alert(1)) and https://example.com";
    ok(
        s,
        &w.carol,
        &format!("{FR}.createRequest"),
        json!({ "sphere": "md", "title": "Marked", "description": description }),
    )
    .await?;
    ok(
        s,
        &w.carol,
        &format!("{FR}.createComment"),
        json!({ "sphere": "md", "number": 1, "text": "# Yes\n\n_please_" }),
    )
    .await?;
    let one = get(s, &w.bob, &format!("{FR}.getRequest"), &[("sphere", "md"), ("number", "1")]).await?;
    let html = one["request"]["descriptionHtml"].as_str().unwrap_or_default();
    assert!(html.contains("<strong>now</strong>"), "{html}");
    assert!(!html.contains("<script") && html.contains("&lt;script&gt;"), "raw HTML shows as text: {html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(html.contains("href=\"https://example.com\" rel=\"nofollow ugc noopener\""), "{html}");
    assert_eq!(one["request"]["description"], description, "the source is kept beside it");
    let listed = list(&w, &w.bob, &[("sphere", "md")]).await?;
    assert!(requests(&listed)[0].get("descriptionHtml").is_none(), "lists leave it out");
    let comments =
        get(s, &w.bob, &format!("{FR}.listComments"), &[("sphere", "md"), ("number", "1")]).await?;
    let text = comments["comments"][0]["textHtml"].as_str().unwrap_or_default();
    assert!(text.contains("<h3>Yes</h3>") && text.contains("<em>please</em>"), "{text}");
    Ok(())
}

#[tokio::test]
async fn tags_are_admins_records_put_on_requests_filtered_and_rebuilt() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let sphere = w.sphere("tagged", "public", "open").await?;
    for title in ["Dark mode", "Export"] {
        create(&w, &w.carol, "tagged", title).await?;
    }
    let new_tag = async |who: &Caller, name: &str, color: &str| {
        procedure(
            s,
            who,
            &format!("{FR}.createTag"),
            json!({ "sphere": "tagged", "name": name, "color": color }),
        )
        .await
    };
    let (status, ui) = new_tag(&w.bob, " UI ", "#1D4ED8").await?;
    assert_eq!(status.as_u16(), 200, "{ui}");
    assert_eq!((ui["tag"]["name"].as_str(), ui["tag"]["color"].as_str()), (Some("UI"), Some("#1d4ed8")));
    let ui = ui["tag"]["uri"].as_str().unwrap_or_default().to_owned();
    assert!(
        ui.starts_with(&format!("at://{}/site.exosphere.featureRequestTag/", w.bob.did)),
        "on bob's PDS: {ui}"
    );
    let data =
        new_tag(&w.alice, "Data", "#059669").await?.1["tag"]["uri"].as_str().unwrap_or_default().to_owned();
    for (who, name, color, code, error) in [
        (&w.alice, "ui", "#000000", 409, "TagExists"),
        (&w.alice, "Blue", "#bluish", 400, "InvalidColor"),
        (&w.carol, "Mine", "#000000", 403, "Forbidden"),
    ] {
        let (status, out) = new_tag(who, name, color).await?;
        assert_eq!((status.as_u16(), out["error"].as_str()), (code, Some(error)), "{name}: {out}");
    }

    let tag = async |who: &Caller, verb: &str, number: i64, tag: &str| {
        procedure(
            s,
            who,
            &format!("{FR}.{verb}"),
            json!({ "sphere": "tagged", "number": number, "tag": tag }),
        )
        .await
    };
    assert_eq!(tag(&w.bob, "tagRequest", 1, &ui).await?.0.as_u16(), 200);
    assert_eq!(tag(&w.alice, "tagRequest", 1, &data).await?.0.as_u16(), 200);
    let (_, on_two) = tag(&w.alice, "tagRequest", 2, &data).await?;
    assert_eq!(on_two["tags"][0]["name"], "Data");
    let names = |r: &Value| -> Vec<String> {
        r["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str().map(str::to_owned))
            .collect()
    };
    let one = get(s, &w.erin, &format!("{FR}.getRequest"), &[("sphere", "tagged"), ("number", "1")]).await?;
    assert_eq!(names(&one["request"]), ["Data", "UI"], "by name");
    assert_eq!(titles(&list(&w, &w.erin, &[("sphere", "tagged"), ("tag", "UI")]).await?), ["Dark mode"]);
    assert_eq!(titles(&list(&w, &w.erin, &[("sphere", "tagged"), ("tag", "Data")]).await?).len(), 2);
    // Tagging is the admins' records; the author's request record is untouched.
    assert_eq!(w.net.list_records(&w.bob.did, "site.exosphere.featureRequestTagging").await?.len(), 1);
    let request_uri = one["request"]["uri"].as_str().unwrap_or_default().to_owned();
    assert!(w.net.get_record(&request_uri).await?.is_some_and(|r| r["value"].get("tags").is_none()));

    // Alice takes off the tag bob put on; putting a tag on twice writes nothing.
    let (_, off) = tag(&w.alice, "untagRequest", 1, &ui).await?;
    assert_eq!(names(&off), ["Data"]);
    let alices = w.net.list_records(&w.alice.did, "site.exosphere.featureRequestTagging").await?.len();
    assert_eq!(tag(&w.alice, "tagRequest", 2, &data).await?.0.as_u16(), 200);
    assert_eq!(w.net.list_records(&w.alice.did, "site.exosphere.featureRequestTagging").await?.len(), alices);
    let (status, refused) = tag(&w.carol, "tagRequest", 2, &ui).await?;
    assert_eq!(status.as_u16(), 403, "{refused}");
    let (status, missing) =
        tag(&w.bob, "tagRequest", 2, "at://did:plc:x/site.exosphere.featureRequestTag/nope").await?;
    assert_eq!((status.as_u16(), missing["error"].as_str()), (404, Some("TagNotFound")));
    let counts = get(s, &w.erin, &format!("{FR}.listTags"), &[("sphere", "tagged")]).await?;
    let counted: Vec<(String, i64)> = counts["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (t["name"].as_str().unwrap_or_default().to_owned(), t["requestCount"].as_i64().unwrap_or(-1))
        })
        .collect();
    assert_eq!(counted, [("Data".to_owned(), 2), ("UI".to_owned(), 0)]);

    // A rebuild from the PDSes gives the same tags.
    let before = common::dump::content(&s.running.ctx.db).await?;
    assert!(before.iter().any(|(t, rows)| t == "fr_request_tags" && rows.len() == 2), "{before:?}");
    let uri = sphere["uri"].as_str().unwrap_or_default().to_owned();
    let report = exosphere_indexer::rebuild::rebuild(&s.running.ctx, Some(&uri), false).await?;
    assert_eq!(report.failed, 0, "{report:?}");
    common::dump::assert_same(&before, &common::dump::content(&s.running.ctx.db).await?);

    // The CSV export lists them by name.
    assert_eq!(tag(&w.bob, "tagRequest", 2, &ui).await?.0.as_u16(), 200);
    let csv = export(&w, &w.alice, "tagged").await?.text().await?;
    assert!(csv.lines().any(|l| l.starts_with("2,Export,") && l.ends_with(",Data; UI")), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("1,Dark mode,") && l.ends_with(",Data")), "{csv}");

    // Only the admin who defined a tag can delete it (its record is in their repository).
    let delete = async |who: &Caller, tag: &str| {
        procedure(s, who, &format!("{FR}.deleteTag"), json!({ "sphere": "tagged", "tag": tag })).await
    };
    assert_eq!(delete(&w.alice, &ui).await?.0.as_u16(), 403);
    assert_eq!(delete(&w.bob, &ui).await?.0.as_u16(), 200);
    let left = get(s, &w.erin, &format!("{FR}.listTags"), &[("sphere", "tagged")]).await?;
    assert_eq!(left["tags"].as_array().map(Vec::len), Some(1));
    Ok(())
}

/// `(kind, title-or-text)` of someone's notifications, newest first.
async fn notifications(w: &World, who: &Caller) -> anyhow::Result<Vec<(String, String)>> {
    let out = get(&w.server, who, "site.exosphere.notification.listNotifications", &[]).await?;
    Ok(out["notifications"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            (
                n["kind"].as_str().unwrap_or_default().to_owned(),
                n["text"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

async fn unread(w: &World, who: &Caller) -> anyhow::Result<i64> {
    Ok(get(&w.server, who, "site.exosphere.notification.getUnreadCount", &[]).await?["count"]
        .as_i64()
        .unwrap_or(-1))
}

#[tokio::test]
async fn followers_are_notified_of_statuses_comments_replies_and_mentions_until_they_unsubscribe()
-> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("told", "private", "members").await?;
    let comment = async |who: &Caller, text: &str, parent: Option<&str>| -> anyhow::Result<String> {
        let mut body = json!({ "sphere": "told", "number": 1, "text": text });
        if let Some(parent) = parent {
            body["parent"] = json!(parent);
        }
        let out = ok(s, who, &format!("{FR}.createComment"), body).await?;
        Ok(out["comment"]["uri"].as_str().unwrap_or_default().to_owned())
    };
    // Carol wrote it, bob voted for it: both follow it.
    create(&w, &w.carol, "told", "Dark mode").await?;
    ok(s, &w.bob, &format!("{FR}.vote"), json!({ "sphere": "told", "number": 1 })).await?;
    comment(&w.alice, "First!", None).await?;
    // Bob stops following; what came before stays.
    let out = ok(s, &w.bob, &format!("{FR}.unsubscribe"), json!({ "sphere": "told", "number": 1 })).await?;
    assert_eq!(out["subscribed"], false);
    ok(
        s,
        &w.alice,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "told", "number": 1, "status": "planned", "note": "Soon" }),
    )
    .await?;
    let thanks = comment(&w.carol, "Thanks", None).await?;
    comment(&w.alice, "You're welcome", Some(&thanks)).await?;
    comment(&w.alice, "@bob.test, what do you think?", None).await?;

    let kinds = |list: &[(String, String)]| list.iter().map(|(k, t)| format!("{k}: {t}")).collect::<Vec<_>>();
    assert_eq!(
        kinds(&notifications(&w, &w.carol).await?),
        [
            "comment: @bob.test, what do you think?",
            "reply: You're welcome",
            "status: Soon",
            "comment: First!"
        ],
        "carol follows what she wrote; her own comment tells her nothing, and a reply is told once, as a reply"
    );
    assert_eq!(
        kinds(&notifications(&w, &w.bob).await?),
        ["mention: @bob.test, what do you think?", "comment: First!"],
        "bob unsubscribed: no status or comment since, but a mention still reaches him"
    );
    assert_eq!(
        kinds(&notifications(&w, &w.alice).await?),
        ["comment: Thanks"],
        "alice commented, so she follows it"
    );

    // Following, as getRequest tells it.
    let following = async |who: &Caller| -> anyhow::Result<Value> {
        Ok(get(s, who, &format!("{FR}.getRequest"), &[("sphere", "told"), ("number", "1")]).await?["request"]
            ["viewer"]["subscribed"]
            .clone())
    };
    assert_eq!((following(&w.carol).await?, following(&w.bob).await?), (json!(true), json!(false)));
    assert_eq!(
        ok(s, &w.bob, &format!("{FR}.subscribe"), json!({ "sphere": "told", "number": 1 })).await?["subscribed"],
        true
    );
    assert_eq!(following(&w.bob).await?, json!(true));

    // Unread, until marked read; then only what comes after.
    assert_eq!(unread(&w, &w.carol).await?, 4);
    ok(s, &w.carol, "site.exosphere.notification.updateSeen", json!({})).await?;
    assert_eq!(unread(&w, &w.carol).await?, 0);
    comment(&w.bob, "Agreed", None).await?;
    assert_eq!(unread(&w, &w.carol).await?, 1);
    let list = get(s, &w.carol, "site.exosphere.notification.listNotifications", &[]).await?;
    let flags: Vec<bool> = list["notifications"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n["unread"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(flags, [true, false, false, false, false]);
    assert_eq!(list["notifications"][0]["path"], "/s/told/feature-requests/1");
    assert_eq!(list["notifications"][0]["sphere"]["slug"], "told");

    // Signed out: none.
    let (status, _) =
        query(s, &Caller::anonymous(), "site.exosphere.notification.listNotifications", &[]).await?;
    assert_eq!(status.as_u16(), 401);
    Ok(())
}

#[tokio::test]
async fn anyone_who_reads_a_public_sphere_may_follow_its_requests() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    // Members-only writing: erin, no member, may still read and follow.
    w.sphere("watched", "public", "members").await?;
    create(&w, &w.carol, "watched", "Dark mode").await?;
    let (status, refused) =
        procedure(s, &w.erin, &format!("{FR}.vote"), json!({ "sphere": "watched", "number": 1 })).await?;
    assert_eq!(status.as_u16(), 403, "{refused}");
    let out = ok(s, &w.erin, &format!("{FR}.subscribe"), json!({ "sphere": "watched", "number": 1 })).await?;
    assert_eq!(out["subscribed"], true);
    assert_eq!(
        w.net.list_records(&w.erin.did, "site.exosphere.featureRequestSubscription").await?.len(),
        1,
        "a record on erin's PDS"
    );
    ok(
        s,
        &w.bob,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "watched", "number": 1, "status": "planned" }),
    )
    .await?;
    let erins = notifications(&w, &w.erin).await?;
    assert_eq!(erins.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["status"]);
    // Signed out, no one follows anything.
    let (status, _) = procedure(
        s,
        &Caller::anonymous(),
        &format!("{FR}.subscribe"),
        json!({ "sphere": "watched", "number": 1 }),
    )
    .await?;
    assert_eq!(status.as_u16(), 401);
    Ok(())
}
