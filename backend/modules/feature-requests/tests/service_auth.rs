//! Programs calling the board as their person with atproto service auth:
//! tokens from the real local PDS (`getServiceAuth`), each way a token can be
//! wrong, writes with and without an OAuth session here, and `indexRecord`
//! for records a program wrote to its own repo. (No indexer runs in these
//! tests: what appears, appears through the call.)

mod common;

use common::world::World;
use common::xrpc::{get, ok};
use exosphere_testkit::Account;
use reqwest::StatusCode;
use serde_json::{Value, json};

const FR: &str = "site.exosphere.featureRequest";
const INDEX_RECORD: &str = "site.exosphere.sphere.indexRecord";

/// Calls a method with `Authorization: Bearer`; the status and JSON body.
async fn call(
    w: &World,
    nsid: &str,
    token: &str,
    body: Option<Value>,
    params: &[(&str, &str)],
) -> anyhow::Result<(StatusCode, Value)> {
    let url = w.server.url(&format!("/xrpc/{nsid}"));
    let request = match body {
        Some(body) => w.server.client.post(url).json(&body),
        None => w.server.client.get(url).query(params),
    };
    let response = request.bearer_auth(token).send().await?;
    let status = response.status();
    let text = response.text().await?;
    Ok((status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? }))
}

async fn service_did(w: &World) -> anyhow::Result<String> {
    let document: Value =
        w.server.client.get(w.server.url("/.well-known/did.json")).send().await?.json().await?;
    Ok(document["id"].as_str().unwrap_or_default().to_owned())
}

fn account(w: &World, name: &str) -> Account {
    w.net.account(name).clone()
}

#[tokio::test]
async fn service_tokens_act_as_their_issuer_and_every_bad_token_is_refused() -> anyhow::Result<()> {
    let mut w = World::new().await?;
    w.sphere("pub", "public", "members").await?;
    w.sphere("priv", "private", "members").await?;
    let aud = service_did(&w).await?;
    let port = w.server.base.rsplit(':').next().unwrap_or_default().to_owned();
    assert_eq!(aud, format!("did:web:localhost%3A{port}"));
    let document: Value =
        w.server.client.get(w.server.url("/.well-known/did.json")).send().await?.json().await?;
    assert_eq!(document["service"][0]["id"], "#exosphere_appview");
    assert_eq!(document["service"][0]["serviceEndpoint"], w.server.base.as_str());
    let carol = account(&w, "carol");
    let get_sphere = "site.exosphere.sphere.getSphere";

    // A query: the token's issuer is the viewer, exactly as with carol's cookie.
    let token = w.net.service_auth(&carol, &aud, get_sphere).await?;
    let (status, by_token) = call(&w, get_sphere, &token, None, &[("sphere", "pub")]).await?;
    assert_eq!(status, StatusCode::OK, "{by_token}");
    let by_cookie = get(&w.server, &w.carol, get_sphere, &[("sphere", "pub")]).await?;
    assert_eq!(by_token, by_cookie);
    assert_eq!(by_token["sphere"]["viewer"]["role"], "member", "{by_token}");
    // The private Sphere shows itself to its member.
    let token = w.net.service_auth(&carol, &aud, get_sphere).await?;
    assert_eq!(call(&w, get_sphere, &token, None, &[("sphere", "priv")]).await?.0, StatusCode::OK);

    // Each token is one call.
    let token = w.net.service_auth(&carol, &aud, get_sphere).await?;
    assert_eq!(call(&w, get_sphere, &token, None, &[("sphere", "pub")]).await?.0, StatusCode::OK);
    let refusals = [
        ("a replayed token", token.clone(), get_sphere, "JwtReplayed"),
        (
            "a tampered signature",
            {
                let fresh = w.net.service_auth(&carol, &aud, get_sphere).await?;
                let (signed, signature) = fresh.rsplit_once('.').unwrap_or_default();
                let flipped = if signature.starts_with('A') { "B" } else { "A" };
                format!("{signed}.{flipped}{}", &signature[1..])
            },
            get_sphere,
            "BadJwtSignature",
        ),
        (
            "a token for another service",
            w.net.service_auth(&carol, "did:web:localhost%3A1", get_sphere).await?,
            get_sphere,
            "BadJwtAudience",
        ),
        (
            "a token for another method",
            w.net.service_auth(&carol, &aud, "site.exosphere.sphere.listSpheres").await?,
            get_sphere,
            "BadJwtLexiconMethod",
        ),
        (
            "an expired token",
            {
                let now = chrono::Utc::now().timestamp();
                w.net.service_jwt(&carol.did, &aud, get_sphere, now - 300, now - 120).await?
            },
            get_sphere,
            "JwtExpired",
        ),
        (
            "a token that expires in a day",
            {
                let now = chrono::Utc::now().timestamp();
                w.net.service_jwt(&carol.did, &aud, get_sphere, now, now + 86_400).await?
            },
            get_sphere,
            "BadJwt",
        ),
        ("not a JWT", "sid-like-garbage".to_owned(), get_sphere, "BadJwt"),
    ];
    for (what, token, method, error) in refusals {
        let (status, body) = call(&w, method, &token, None, &[("sphere", "pub")]).await?;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::UNAUTHORIZED, Some(error)),
            "{what}: {body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {body}");
    }
    // A token minted by the PDS with a custom lifetime within bounds is fine.
    let now = chrono::Utc::now().timestamp();
    let token = w.net.service_jwt(&carol.did, &aud, get_sphere, now, now + 600).await?;
    assert_eq!(call(&w, get_sphere, &token, None, &[("sphere", "pub")]).await?.0, StatusCode::OK);

    // A procedure in a private Sphere writes this server's database only: a token suffices.
    let create = format!("{FR}.createRequest");
    let token = w.net.service_auth(&carol, &aud, &create).await?;
    let body = json!({ "sphere": "priv", "title": "Written by a program" });
    let (status, created) = call(&w, &create, &token, Some(body), &[]).await?;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["request"]["author"]["did"], carol.did.as_str(), "{created}");
    let listed = get(&w.server, &w.carol, &format!("{FR}.listRequests"), &[("sphere", "priv")]).await?;
    assert_eq!(listed["requests"][0]["title"], "Written by a program");

    // In a public Sphere this server writes to carol's PDS with the OAuth session she gave it at sign-in.
    let token = w.net.service_auth(&carol, &aud, &create).await?;
    let body = json!({ "sphere": "pub", "title": "Public, by a program" });
    let (status, created) = call(&w, &create, &token, Some(body), &[]).await?;
    assert_eq!(status, StatusCode::OK, "{created}");
    let uri = created["request"]["uri"].as_str().unwrap_or_default();
    assert!(uri.starts_with(&format!("at://{}/", carol.did)), "{uri}");
    assert!(w.net.get_record(uri).await?.is_some(), "on carol's PDS");
    // A Bearer write is not a cross-site cookie write, even with a cookie beside it.
    let token = w.net.service_auth(&carol, &aud, &create).await?;
    let response = w
        .server
        .client
        .post(w.server.url(&format!("/xrpc/{create}")))
        .bearer_auth(&token)
        .header("cookie", format!("sid={}", w.erin.sid.clone().unwrap_or_default()))
        .header("origin", "https://evil.example")
        .json(&json!({ "sphere": "pub", "title": "Third" }))
        .send()
        .await?;
    let status = response.status();
    let created: Value = response.json().await?;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(
        created["request"]["author"]["did"],
        carol.did.as_str(),
        "the token's issuer, not the cookie's"
    );
    w.server.stop().await;
    Ok(())
}

#[tokio::test]
async fn without_a_session_here_a_program_writes_its_repo_and_asks_for_indexing() -> anyhow::Result<()> {
    let mut w = World::new().await?;
    w.sphere("open", "public", "open").await?;
    let aud = service_did(&w).await?;
    let sphere_uri = get(&w.server, &w.alice, "site.exosphere.sphere.getSphere", &[("sphere", "open")])
        .await?["sphere"]["uri"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // frank never signed in here: this server holds no OAuth session for him.
    let frank = w.net.create_account("frank").await?;
    let create = format!("{FR}.createRequest");
    let token = w.net.service_auth(&frank, &aud, &create).await?;
    let (status, refused) =
        call(&w, &create, &token, Some(json!({ "sphere": "open", "title": "Mine" })), &[]).await?;
    assert_eq!(
        (status, refused["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("PdsSessionRequired")),
        "{refused}"
    );
    assert!(refused["message"].as_str().is_some_and(|m| m.contains(INDEX_RECORD)), "{refused}");

    // So frank writes the record himself, then asks this server to index it: visible at once.
    let record = json!({ "$type": FR, "sphere": sphere_uri, "title": "Keyboard shortcuts",
        "description": "With **Markdown**", "createdAt": "2026-12-02T10:00:00.000Z" });
    let (uri, cid) = w.net.create_record(&frank, FR, record).await?;
    let token = w.net.service_auth(&frank, &aud, INDEX_RECORD).await?;
    let (status, indexed) =
        call(&w, INDEX_RECORD, &token, Some(json!({ "uri": uri, "cid": cid })), &[]).await?;
    assert_eq!(status, StatusCode::OK, "{indexed}");
    assert_eq!(
        indexed,
        json!({ "uri": uri, "cid": cid, "outcome": "indexed" }),
        "our CID of the record is the PDS's"
    );
    let listed = get(&w.server, &w.alice, &format!("{FR}.listRequests"), &[("sphere", "open")]).await?;
    assert_eq!(listed["requests"][0]["title"], "Keyboard shortcuts", "{listed}");
    assert_eq!(listed["requests"][0]["author"]["did"], frank.did.as_str());

    // Anyone may ask (it reads public data): again is unchanged.
    let again =
        ok(&w.server, &common::xrpc::Caller::anonymous(), INDEX_RECORD, json!({ "uri": uri })).await?;
    assert_eq!(again["outcome"], "unchanged");
    // A vote by frank, indexed the same way, counts.
    let number_uri = listed["requests"][0]["uri"].clone();
    let vote = json!({ "$type": format!("{FR}Vote"), "sphere": sphere_uri, "subject": { "uri": number_uri, "cid": cid },
        "createdAt": "2026-12-02T10:01:00.000Z" });
    let (vote_uri, _) = w.net.create_record(&frank, &format!("{FR}Vote"), vote).await?;
    ok(&w.server, &w.alice, INDEX_RECORD, json!({ "uri": vote_uri })).await?;
    let one =
        get(&w.server, &w.alice, &format!("{FR}.getRequest"), &[("sphere", "open"), ("number", "1")]).await?;
    assert_eq!(one["request"]["voteCount"], 1, "{one}");

    // The wrong version, a record of nobody's collection, a Lexicon-invalid record: each refused by name.
    let expect = |nsid: &'static str, body: Value, status: StatusCode, error: &'static str| {
        let w = &w;
        async move {
            let (got, out) = common::xrpc::procedure(&w.server, &w.alice, nsid, body.clone()).await?;
            assert_eq!((got, out["error"].as_str()), (status, Some(error)), "{body}: {out}");
            anyhow::Ok(())
        }
    };
    let other_cid = "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm";
    expect(INDEX_RECORD, json!({ "uri": uri, "cid": other_cid }), StatusCode::CONFLICT, "RecordChanged")
        .await?;
    let (post, _) = w
        .net
        .create_record(
            &frank,
            "app.bsky.feed.post",
            json!({ "$type": "app.bsky.feed.post",
        "text": "hi", "createdAt": "2026-12-02T10:00:00.000Z" }),
        )
        .await?;
    expect(INDEX_RECORD, json!({ "uri": post }), StatusCode::BAD_REQUEST, "NotIndexable").await?;
    let (bad, _) = w
        .net
        .create_record(
            &frank,
            FR,
            json!({ "$type": FR, "sphere": sphere_uri, "title": "",
        "createdAt": "2026-12-02T10:00:00.000Z" }),
        )
        .await?;
    expect(INDEX_RECORD, json!({ "uri": bad }), StatusCode::BAD_REQUEST, "NotIndexable").await?;
    expect(
        INDEX_RECORD,
        json!({ "uri": "at://frank.test/x.y/z" }),
        StatusCode::BAD_REQUEST,
        "InvalidRequest",
    )
    .await?;

    // frank deletes the vote from his repo: asking again removes it here too.
    w.net.delete_record(&frank, &vote_uri).await?;
    let removed = ok(&w.server, &w.alice, INDEX_RECORD, json!({ "uri": vote_uri })).await?;
    assert_eq!(removed, json!({ "uri": vote_uri, "outcome": "removed" }));
    let one =
        get(&w.server, &w.alice, &format!("{FR}.getRequest"), &[("sphere", "open"), ("number", "1")]).await?;
    assert_eq!(one["request"]["voteCount"], 0);
    expect(INDEX_RECORD, json!({ "uri": vote_uri }), StatusCode::NOT_FOUND, "RecordNotFound").await?;
    w.server.stop().await;
    Ok(())
}
