//! Board-shaped Jetstream traffic for the indexer's tests and benchmarks.

use exosphere_testkit::jetstream::Frame;

/// A deterministic stream of `events` Jetstream messages for one open
/// public Sphere: requests created, edited and deleted, votes cast and
/// removed, comments — with strictly increasing `time_us` from `start_us`.
pub fn synthetic_board(sphere_uri: &str, events: usize, start_us: i64) -> Vec<Frame> {
    const FR: &str = "site.exosphere.featureRequest";
    const VOTE: &str = "site.exosphere.featureRequestVote";
    const COMMENT: &str = "site.exosphere.featureRequestComment";
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        rng = rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((rng >> 33) as usize) % n.max(1)
    };
    let mut requests: Vec<(String, String, String, String)> = Vec::new(); // did, rkey, uri, cid
    let mut votes: Vec<(String, String)> = Vec::new(); // did, rkey
    let mut frames = Vec::with_capacity(events);
    let commit = |did: &str,
                  time_us: i64,
                  operation: &str,
                  collection: &str,
                  rkey: &str,
                  body: Option<(serde_json::Value, &str)>| {
        let mut commit = serde_json::json!({ "rev": "3l", "operation": operation, "collection": collection, "rkey": rkey });
        if let Some((record, cid)) = body {
            commit["record"] = record;
            commit["cid"] = serde_json::Value::String(cid.to_owned());
        }
        serde_json::json!({ "did": did, "time_us": time_us, "kind": "commit", "commit": commit }).to_string()
    };
    for i in 0..events {
        let time_us = start_us + i as i64 * 10;
        let created = format!(
            "2026-11-{:02}T{:02}:{:02}:{:02}.000Z",
            1 + (i / 86_400) % 28,
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60
        );
        let roll = next(100);
        let json = if requests.is_empty() || roll < 20 {
            let did = format!("did:plc:author{}", next(500));
            let rkey = format!("r{i}");
            let cid = format!("bafyreireq{i:010}");
            let uri = format!("at://{did}/{FR}/{rkey}");
            let record = serde_json::json!({ "$type": FR, "sphere": sphere_uri, "title": format!("Request {i}"),
                "description": format!("Why request {i} matters"), "createdAt": created });
            requests.push((did.clone(), rkey.clone(), uri, cid.clone()));
            commit(&did, time_us, "create", FR, &rkey, Some((record, &cid)))
        } else if roll < 75 {
            let (_, _, uri, cid) = &requests[next(requests.len())];
            let did = format!("did:plc:voter{i}");
            let rkey = format!("v{i}");
            let record = serde_json::json!({ "$type": VOTE, "sphere": sphere_uri, "subject": { "uri": uri, "cid": cid }, "createdAt": created });
            votes.push((did.clone(), rkey.clone()));
            commit(&did, time_us, "create", VOTE, &rkey, Some((record, &format!("bafyreivote{i:010}"))))
        } else if roll < 85 {
            let (_, _, uri, cid) = &requests[next(requests.len())];
            let did = format!("did:plc:commenter{}", next(300));
            let record = serde_json::json!({ "$type": COMMENT, "sphere": sphere_uri, "subject": { "uri": uri, "cid": cid },
                "text": format!("Comment {i}"), "createdAt": created });
            commit(
                &did,
                time_us,
                "create",
                COMMENT,
                &format!("c{i}"),
                Some((record, &format!("bafyreicom{i:010}"))),
            )
        } else if roll < 93 && !votes.is_empty() {
            let (did, rkey) = votes.swap_remove(next(votes.len()));
            commit(&did, time_us, "delete", VOTE, &rkey, None)
        } else if roll < 97 {
            let index = next(requests.len());
            let (did, rkey, _, _) = requests[index].clone();
            let cid = format!("bafyreiupd{i:010}");
            requests[index].3 = cid.clone();
            let record = serde_json::json!({ "$type": FR, "sphere": sphere_uri, "title": format!("Request edited at {i}"),
                "createdAt": created, "updatedAt": created });
            commit(&did, time_us, "update", FR, &rkey, Some((record, &cid)))
        } else {
            let (did, rkey, _, _) = requests.swap_remove(next(requests.len()));
            commit(&did, time_us, "delete", FR, &rkey, None)
        };
        frames.push(Frame::event(time_us, json));
    }
    frames
}
