//! Polls end to end, against a real local PDS: each kind, ballots replaced
//! and withdrawn, edits after the first ballot, the close, the results
//! modes, records written straight to PDSes, private Spheres, rebuilds and
//! the activity feed.

mod common;

use common::world::World;
use common::xrpc::{Caller, get, ok, procedure, query};
use exosphere_indexer::Indexer;
use exosphere_testkit::eventually;
use reqwest::StatusCode;
use serde_json::{Value, json};

const P: &str = "site.exosphere.poll";
const VOTE: &str = "site.exosphere.pollVote";

async fn create(w: &World, who: &Caller, sphere: &str, poll: Value) -> anyhow::Result<Value> {
    let mut body = poll;
    body["sphere"] = json!(sphere);
    Ok(ok(&w.server, who, &format!("{P}.createPoll"), body).await?["poll"].clone())
}

async fn vote(w: &World, who: &Caller, sphere: &str, number: i64, choices: &[i64]) -> anyhow::Result<Value> {
    let body = json!({ "sphere": sphere, "number": number, "choices": choices });
    Ok(ok(&w.server, who, &format!("{P}.vote"), body).await?["poll"].clone())
}

async fn poll(w: &World, who: &Caller, sphere: &str, number: i64) -> anyhow::Result<Value> {
    let n = number.to_string();
    Ok(get(&w.server, who, &format!("{P}.getPoll"), &[("sphere", sphere), ("number", &n)]).await?["poll"]
        .clone())
}

/// Per option, its count (from a poll view's tally).
fn counts(poll: &Value) -> Vec<i64> {
    poll["tally"]["options"].as_array().into_iter().flatten().filter_map(|o| o["count"].as_i64()).collect()
}

async fn error_of(
    w: &World,
    who: &Caller,
    method: &str,
    body: Value,
) -> anyhow::Result<(StatusCode, String)> {
    let (status, out) = procedure(&w.server, who, &format!("{P}.{method}"), body).await?;
    Ok((status, out["error"].as_str().unwrap_or_default().to_owned()))
}

#[tokio::test]
async fn each_kind_counts_one_ballot_per_voter_from_their_pds() -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt().with_env_filter("warn").try_init();
    let w = World::new().await?;
    w.sphere("vote", "public", "members").await?;

    // Single choice: a ballot replaces the voter's earlier one, on their PDS too.
    let single = create(
        &w,
        &w.bob,
        "vote",
        json!({ "question": "Lunch?", "options": ["Soup", "Salad", "Pie"], "kind": "single" }),
    )
    .await?;
    assert_eq!((single["number"].as_i64(), single["closed"].as_bool()), (Some(1), Some(false)));
    assert!(single["uri"].as_str().is_some_and(|u| u.starts_with(&format!("at://{}/{P}/", w.bob.did))));
    vote(&w, &w.carol, "vote", 1, &[0]).await?;
    vote(&w, &w.alice, "vote", 1, &[2]).await?;
    let changed = vote(&w, &w.carol, "vote", 1, &[2]).await?;
    assert_eq!(counts(&changed), [0, 0, 2]);
    assert_eq!(changed["tally"]["voters"], 2);
    assert_eq!(changed["tally"]["options"][2]["share"], 10000);
    assert_eq!(changed["viewer"]["choices"], json!([2]));
    let records = w.net.list_records(&w.carol.did, VOTE).await?;
    assert_eq!(records.len(), 1, "one ballot record per voter and poll: {records:?}");
    assert_eq!(records[0]["value"]["subject"]["cid"], single["cid"]);
    for (choices, why) in [(json!([3]), "not an option"), (json!([0, 1]), "at most 1"), (json!([]), "")] {
        let (status, error) =
            error_of(&w, &w.carol, "vote", json!({ "sphere": "vote", "number": 1, "choices": choices }))
                .await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{choices} ({why})");
        assert!(error == "InvalidBallot" || error == "InvalidRequest", "{choices}: {error}");
    }
    let erin =
        error_of(&w, &w.erin, "vote", json!({ "sphere": "vote", "number": 1, "choices": [0] })).await?;
    assert_eq!(erin.0, StatusCode::FORBIDDEN, "a non-member may not vote in a members-only Sphere");

    // Withdrawing takes the record away and the ballot out of the count.
    let withdrawn =
        ok(&w.server, &w.carol, &format!("{P}.unvote"), json!({ "sphere": "vote", "number": 1 })).await?;
    assert_eq!(counts(&withdrawn["poll"]), [0, 0, 1]);
    assert_eq!(withdrawn["poll"]["viewer"], json!({}));
    assert!(w.net.list_records(&w.carol.did, VOTE).await?.is_empty());

    // Multiple choice, up to two.
    create(&w, &w.carol, "vote", json!({ "question": "Which days?", "options": ["Mon", "Tue", "Wed", "Thu"], "kind": "multiple", "maxChoices": 2 })).await?;
    vote(&w, &w.alice, "vote", 2, &[0, 3]).await?;
    vote(&w, &w.bob, "vote", 2, &[3]).await?;
    let (status, error) =
        error_of(&w, &w.bob, "vote", json!({ "sphere": "vote", "number": 2, "choices": [0, 1, 2] })).await?;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "InvalidBallot"));
    let days = poll(&w, &Caller::anonymous(), "vote", 2).await?;
    assert_eq!((counts(&days), days["tally"]["voters"].as_i64()), (vec![1, 0, 0, 2], Some(2)));
    assert_eq!(days["tally"]["options"][3]["share"], 10000, "shares are of voters, not of choices");
    let voters = get(
        &w.server,
        &w.carol,
        &format!("{P}.listVoters"),
        &[("sphere", "vote"), ("number", "2"), ("option", "0")],
    )
    .await?;
    assert_eq!(voters["voters"].as_array().map(Vec::len), Some(1));
    assert_eq!(voters["voters"][0]["actor"]["did"], json!(w.alice.did));
    assert_eq!(voters["voters"][0]["choices"], json!([0, 3]));

    // Ranked, counted by instant runoff: A, B and C one first preference
    // each; C (listed last) goes, its ballot passes to B, who has 2 of 3.
    create(
        &w,
        &w.alice,
        "vote",
        json!({ "question": "Name?", "options": ["A", "B", "C"], "kind": "ranked" }),
    )
    .await?;
    vote(&w, &w.alice, "vote", 3, &[0, 1]).await?;
    vote(&w, &w.bob, "vote", 3, &[1, 0]).await?;
    vote(&w, &w.carol, "vote", 3, &[2, 1]).await?;
    let (status, error) =
        error_of(&w, &w.bob, "vote", json!({ "sphere": "vote", "number": 3, "choices": [1, 1] })).await?;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "InvalidBallot"));
    let ranked = poll(&w, &Caller::anonymous(), "vote", 3).await?;
    assert_eq!(
        ranked["tally"]["runoff"],
        json!({
            "rounds": [
                { "votes": [1, 1, 1], "exhausted": 0, "eliminated": 2 },
                { "votes": [1, 2, 0], "exhausted": 0 }
            ],
            "winner": 1
        })
    );
    assert_eq!(counts(&ranked), [1, 1, 1], "first preferences");

    // After the first ballot only the description and the close may change.
    let (status, error) = error_of(
        &w,
        &w.bob,
        "updatePoll",
        json!({ "sphere": "vote", "number": 1, "options": ["Soup", "Stew", "Pie"] }),
    )
    .await?;
    assert_eq!((status, error.as_str()), (StatusCode::CONFLICT, "PollHasVotes"));
    let (status, error) = error_of(
        &w,
        &w.carol,
        "updatePoll",
        json!({ "sphere": "vote", "number": 1, "description": "Mine now" }),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the author edits: {error}");
    let explained = ok(
        &w.server,
        &w.bob,
        &format!("{P}.updatePoll"),
        json!({ "sphere": "vote", "number": 1, "description": "Friday's **lunch**" }),
    )
    .await?;
    assert!(
        explained["poll"]["descriptionHtml"].as_str().is_some_and(|h| h.contains("<strong>lunch</strong>"))
    );
    assert_ne!(explained["poll"]["cid"], single["cid"]);
    assert_eq!(counts(&explained["poll"]), [0, 0, 1], "ballots for the earlier version still count");

    // The author closes early: no more ballots, nor withdrawals.
    let closed = ok(
        &w.server,
        &w.bob,
        &format!("{P}.updatePoll"),
        json!({ "sphere": "vote", "number": 1, "close": true }),
    )
    .await?;
    assert_eq!(closed["poll"]["closed"], true);
    let (status, error) =
        error_of(&w, &w.carol, "vote", json!({ "sphere": "vote", "number": 1, "choices": [0] })).await?;
    assert_eq!((status, error.as_str()), (StatusCode::CONFLICT, "PollClosed"));
    let (_, error) = error_of(&w, &w.alice, "unvote", json!({ "sphere": "vote", "number": 1 })).await?;
    assert_eq!(error, "PollClosed");
    let open = get(
        &w.server,
        &Caller::anonymous(),
        &format!("{P}.listPolls"),
        &[("sphere", "vote"), ("state", "open")],
    )
    .await?;
    let numbers: Vec<i64> =
        open["polls"].as_array().into_iter().flatten().filter_map(|p| p["number"].as_i64()).collect();
    assert_eq!(numbers, [3, 2]);
    let (status, error) = error_of(&w, &w.bob, "createPoll", json!({ "sphere": "vote", "question": "Q", "options": ["a", "b"], "kind": "single", "maxChoices": 1 })).await?;
    assert_eq!((status, error.as_str()), (StatusCode::BAD_REQUEST, "InvalidPoll"));
    Ok(())
}

#[tokio::test]
async fn results_show_only_as_the_poll_allows() -> anyhow::Result<()> {
    let w = World::new().await?;
    w.sphere("secret", "public", "members").await?;
    create(&w, &w.bob, "secret", json!({ "question": "After voting?", "options": ["x", "y"], "kind": "single", "results": "afterVote" })).await?;
    create(&w, &w.bob, "secret", json!({ "question": "After closing?", "options": ["x", "y"], "kind": "single", "results": "afterClose" })).await?;
    let anyone = Caller::anonymous();
    let seen = |number: i64| {
        let w = &w;
        let cast = [Caller::anonymous(), w.dave.clone(), w.carol.clone(), w.bob.clone(), w.alice.clone()];
        async move {
            let mut seen = Vec::new();
            for who in &cast {
                seen.push(poll(w, who, "secret", number).await?.get("tally").is_some());
            }
            Ok::<_, anyhow::Error>(seen)
        }
    };
    // The author (bob) and the owner (alice) always see; a member (carol) once she voted.
    assert_eq!(seen(1).await?, [false, false, false, true, true]);
    vote(&w, &w.carol, "secret", 1, &[1]).await?;
    assert_eq!(seen(1).await?, [false, false, true, true, true]);
    let list = get(&w.server, &anyone, &format!("{P}.listPolls"), &[("sphere", "secret")]).await?;
    assert!(list["polls"].as_array().into_iter().flatten().all(|p| p.get("tally").is_none()), "{list}");
    let voters = |who: Caller| {
        let w = &w;
        async move {
            let (status, body) =
                query(&w.server, &who, &format!("{P}.listVoters"), &[("sphere", "secret"), ("number", "1")])
                    .await?;
            Ok::<_, anyhow::Error>((status, body["error"].as_str().map(str::to_owned)))
        }
    };
    assert_eq!(voters(anyone.clone()).await?, (StatusCode::FORBIDDEN, Some("ResultsHidden".into())));
    assert_eq!(voters(w.carol.clone()).await?, (StatusCode::OK, None));

    // afterClose: even voters wait for the close; then everyone sees.
    vote(&w, &w.carol, "secret", 2, &[0]).await?;
    assert_eq!(seen(2).await?, [false, false, false, true, true]);
    ok(
        &w.server,
        &w.bob,
        &format!("{P}.updatePoll"),
        json!({ "sphere": "secret", "number": 2, "close": true }),
    )
    .await?;
    assert_eq!(seen(2).await?, [true, true, true, true, true]);
    let sorted =
        get(&w.server, &anyone, &format!("{P}.listPolls"), &[("sphere", "secret"), ("sort", "votes")])
            .await?;
    let numbers: Vec<i64> =
        sorted["polls"].as_array().into_iter().flatten().filter_map(|p| p["number"].as_i64()).collect();
    assert_eq!(numbers, [2, 1], "voters count in the order only where everyone may see them");
    Ok(())
}

#[tokio::test]
async fn ballots_written_straight_to_pdses_follow_the_polls_rules() -> anyhow::Result<()> {
    let w = World::new().await?;
    let sphere = w.sphere("direct", "public", "members").await?;
    let indexer = Indexer::start(w.server.running.ctx.clone()).await?;
    let (alice, bob, carol, erin) = (
        w.net.account("alice").clone(),
        w.net.account("bob").clone(),
        w.net.account("carol").clone(),
        w.net.account("erin").clone(),
    );
    let made = create(
        &w,
        &w.bob,
        "direct",
        json!({ "question": "Colour?", "options": ["Red", "Green", "Blue"], "kind": "single" }),
    )
    .await?;
    let subject = json!({ "uri": made["uri"], "cid": made["cid"] });
    let ballot = |choices: Value, created_at: String| json!({ "$type": VOTE, "sphere": sphere["uri"], "subject": subject, "choices": choices, "createdAt": created_at });
    let ago = |minutes: i64| {
        (chrono::Utc::now() - chrono::Duration::minutes(minutes))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    let anyone = Caller::anonymous();
    let status_before: Value = reqwest::get(w.server.url("/xrpc/_indexer")).await?.json().await?;

    // A non-member's ballot is ignored, an invalid one rejected; carol's two
    // ballots arrive newest first, and the newest counts all the same.
    w.net.create_record(&erin, VOTE, ballot(json!([0]), ago(0))).await?;
    w.net.create_record(&carol, VOTE, ballot(json!([5]), ago(0))).await?;
    let (newer, _) = w.net.create_record(&carol, VOTE, ballot(json!([2]), ago(1))).await?;
    w.net.create_record(&carol, VOTE, ballot(json!([1]), ago(2))).await?;
    w.net.create_record(&alice, VOTE, ballot(json!([0]), ago(0))).await?;
    eventually("alice's and carol's latest ballots count", || async {
        Ok(counts(&poll(&w, &anyone, "direct", 1).await?) == [1, 0, 1])
    })
    .await?;
    let status: Value = reqwest::get(w.server.url("/xrpc/_indexer")).await?.json().await?;
    let delta = |key: &str| {
        status[key].as_i64().unwrap_or_default() - status_before[key].as_i64().unwrap_or_default()
    };
    assert!(delta("rejected") >= 1, "the ballot for option 5 is rejected: {status}");
    assert!(delta("ignored") >= 1, "erin's ballot is ignored: {status}");

    // Deleting the newest ballot record withdraws it: the one before counts again.
    w.net.delete_record(&carol, &newer).await?;
    eventually("carol's earlier ballot counts again", || async {
        Ok(counts(&poll(&w, &anyone, "direct", 1).await?) == [1, 1, 0])
    })
    .await?;

    // Closed: a ballot claiming to be made just before the close (later than
    // carol's counted one) but arriving after it is ignored, as is one made after it.
    ok(
        &w.server,
        &w.bob,
        &format!("{P}.updatePoll"),
        json!({ "sphere": "direct", "number": 1, "close": true }),
    )
    .await?;
    let closed = poll(&w, &anyone, "direct", 1).await?;
    let before_close = closed["closesAt"].as_str().and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok());
    let before_close =
        before_close.map(|c| (c - chrono::Duration::seconds(1)).to_rfc3339()).unwrap_or_default();
    w.net.create_record(&carol, VOTE, ballot(json!([2]), before_close)).await?;
    w.net.create_record(&alice, VOTE, ballot(json!([2]), ago(-1))).await?;
    let marker = json!({ "$type": P, "sphere": sphere["uri"], "question": "Marker", "options": ["a", "b"], "kind": "single", "results": "always", "createdAt": ago(0) });
    w.net.create_record(&carol, P, marker).await?;
    eventually("the marker poll, written after the late ballots, is indexed", || async {
        Ok(query(&w.server, &anyone, &format!("{P}.getPoll"), &[("sphere", "direct"), ("number", "2")])
            .await?
            .0
            == StatusCode::OK)
    })
    .await?;
    let after = poll(&w, &anyone, "direct", 1).await?;
    assert_eq!((counts(&after), after["tally"]["voters"].clone()), (vec![1, 1, 0], json!(2)));
    assert_eq!(after["cid"], closed["cid"]);
    // A rebuild here remembers when each ballot arrived: the late one still doesn't count.
    let sphere_uri = sphere["uri"].as_str().unwrap_or_default().to_owned();
    exosphere_indexer::rebuild::rebuild(&w.server.running.ctx, Some(&sphere_uri), false).await?;
    assert_eq!(counts(&poll(&w, &anyone, "direct", 1).await?), [1, 1, 0], "after a rebuild");

    // The author rewrites the options on the PDS, bypassing the API: the
    // ballots were cast on other options, and count no more.
    let rkey = made["uri"].as_str().and_then(|u| u.rsplit('/').next()).unwrap_or_default().to_owned();
    let mut record = w
        .net
        .get_record(made["uri"].as_str().unwrap_or_default())
        .await?
        .map(|r| r["value"].clone())
        .unwrap_or_default();
    record["options"] = json!(["Cyan", "Magenta", "Yellow"]);
    record["closesAt"] = Value::Null;
    if let Some(o) = record.as_object_mut() {
        o.remove("closesAt");
    }
    w.net.put_record(&bob, P, &rkey, record).await?;
    eventually("ballots for the old options no longer count", || async {
        let now = poll(&w, &anyone, "direct", 1).await?;
        Ok(now["options"][0] == "Cyan" && now["tally"]["voters"] == 0)
    })
    .await?;
    indexer.stop().await;
    Ok(())
}

#[tokio::test]
async fn a_private_spheres_polls_and_ballots_stay_on_this_server() -> anyhow::Result<()> {
    let w = World::new().await?;
    w.sphere("hush", "private", "members").await?;
    create(&w, &w.bob, "hush", json!({ "question": "Quietly?", "options": ["yes", "no"], "kind": "single" }))
        .await?;
    vote(&w, &w.carol, "hush", 1, &[0]).await?;
    let changed = vote(&w, &w.carol, "hush", 1, &[1]).await?;
    assert_eq!(counts(&changed), [0, 1]);
    assert!(w.net.list_records(&w.bob.did, P).await?.is_empty());
    assert!(w.net.list_records(&w.carol.did, VOTE).await?.is_empty());
    let (status, _) = query(
        &w.server,
        &Caller::anonymous(),
        &format!("{P}.getPoll"),
        &[("sphere", "hush"), ("number", "1")],
    )
    .await?;
    assert_ne!(status, StatusCode::OK, "outsiders don't read a private Sphere");
    Ok(())
}

#[tokio::test]
async fn a_rebuild_equals_the_live_index_results_included() -> anyhow::Result<()> {
    let _ = tracing_subscriber::fmt().with_env_filter("warn").try_init();
    let w = World::new().await?;
    let s = &w.server;
    let sphere = w.sphere("both", "public", "members").await?;
    let uri = sphere["uri"].as_str().unwrap_or_default().to_owned();
    create(&w, &w.bob, "both", json!({ "question": "Single", "options": ["a", "b", "c"], "kind": "single" }))
        .await?;
    vote(&w, &w.alice, "both", 1, &[0]).await?;
    vote(&w, &w.carol, "both", 1, &[1]).await?;
    vote(&w, &w.carol, "both", 1, &[2]).await?;
    // The ballots name the poll's first version; a description edit makes another.
    ok(
        s,
        &w.bob,
        &format!("{P}.updatePoll"),
        json!({ "sphere": "both", "number": 1, "description": "Later words" }),
    )
    .await?;
    create(
        &w,
        &w.carol,
        "both",
        json!({ "question": "Ranked", "options": ["A", "B", "C"], "kind": "ranked" }),
    )
    .await?;
    vote(&w, &w.alice, "both", 2, &[0, 1]).await?;
    vote(&w, &w.bob, "both", 2, &[1, 0]).await?;
    vote(&w, &w.carol, "both", 2, &[2, 1]).await?;
    create(
        &w,
        &w.alice,
        "both",
        json!({ "question": "Multiple", "options": ["x", "y", "z"], "kind": "multiple", "maxChoices": 2 }),
    )
    .await?;
    vote(&w, &w.bob, "both", 3, &[0, 2]).await?;
    vote(&w, &w.carol, "both", 3, &[2]).await?;
    ok(s, &w.alice, &format!("{P}.updatePoll"), json!({ "sphere": "both", "number": 3, "close": true }))
        .await?;

    // The feed: new polls, and the closed one with its winner.
    let feed =
        get(s, &Caller::anonymous(), "site.exosphere.sphere.getActivity", &[("sphere", "both")]).await?;
    let items: Vec<(String, String, String)> = feed["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["module"] == "polls")
        .map(|i| {
            let field = |k: &str| i[k].as_str().unwrap_or_default().to_owned();
            (field("kind"), field("title"), field("detail"))
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("closed", "Multiple", "z"),
        ("poll", "Multiple", ""),
        ("poll", "Ranked", ""),
        ("poll", "Single", ""),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(items, expected);

    let live = snapshot(s).await?;
    assert_eq!(live[0]["tally"]["voters"], 2, "{}", live[0]);
    assert_eq!(live[1]["tally"]["runoff"]["winner"], 1);
    // This server rebuilds (keeping what it saw of versions and arrivals), and so does another from the PDSes alone.
    let report = exosphere_indexer::rebuild::rebuild(&s.running.ctx, Some(&uri), false).await?;
    assert_eq!(report.failed, 0, "{report:?}");
    assert_eq!(snapshot(s).await?, live);
    let other = common::TestServer::start_with(|c| common::use_testnet(c, &w.net)).await?;
    let report = exosphere_indexer::rebuild::rebuild(&other.running.ctx, Some(&uri), false).await?;
    assert_eq!(report.failed, 0, "{report:?}");
    assert_eq!(snapshot(&other).await?, live);
    Ok(())
}

/// What anyone reads of the Sphere `both`'s three polls, results included.
/// Handles aside: a server learns them at sign-in, and the rebuilding one had none.
async fn snapshot(server: &common::TestServer) -> anyhow::Result<Vec<Value>> {
    let mut polls = Vec::new();
    for number in ["1", "2", "3"] {
        let mut view = get(
            server,
            &Caller::anonymous(),
            &format!("{P}.getPoll"),
            &[("sphere", "both"), ("number", number)],
        )
        .await?["poll"]
            .clone();
        view["author"].as_object_mut().map(|a| a.remove("handle"));
        polls.push(view);
    }
    Ok(polls)
}

#[tokio::test]
async fn moderators_hide_a_poll_from_everyone_else() -> anyhow::Result<()> {
    let w = World::new().await?;
    w.sphere("tidy", "public", "members").await?;
    let made =
        create(&w, &w.carol, "tidy", json!({ "question": "Spam?", "options": ["a", "b"], "kind": "single" }))
            .await?;
    let hide = json!({ "sphere": "tidy", "subject": made["uri"], "action": "hide" });
    let (status, _) = procedure(&w.server, &w.carol, "site.exosphere.sphere.moderate", hide.clone()).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "a member can't hide");
    ok(&w.server, &w.bob, "site.exosphere.sphere.moderate", hide).await?;
    for who in [Caller::anonymous(), w.carol.clone()] {
        let (status, body) =
            query(&w.server, &who, &format!("{P}.getPoll"), &[("sphere", "tidy"), ("number", "1")]).await?;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::NOT_FOUND, Some("PollNotFound")),
            "{}",
            who.name
        );
        let list = get(&w.server, &who, &format!("{P}.listPolls"), &[("sphere", "tidy")]).await?;
        assert_eq!(list["polls"], json!([]), "{}", who.name);
    }
    assert_eq!(poll(&w, &w.alice, "tidy", 1).await?["hidden"], true, "moderators still see it, marked");
    let feed =
        get(&w.server, &Caller::anonymous(), "site.exosphere.sphere.getActivity", &[("sphere", "tidy")])
            .await?;
    assert!(feed["items"].as_array().is_some_and(|i| i.iter().all(|i| i["module"] != "polls")), "{feed}");
    Ok(())
}
