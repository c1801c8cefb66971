//! The instance's policy against a real local PDS: who may create Spheres,
//! the first administrator, invite codes, suspension, and the home Sphere.

mod common;

use common::world::World;
use common::xrpc::{Caller, get, ok, procedure, query};
use common::{TestServer, app_html, config, free_port, use_testnet, web_dist};
use exosphere_core::config::SphereCreation;
use exosphere_indexer::Indexer;
use exosphere_testkit::{Testnet, eventually, sign_in};
use reqwest::StatusCode;
use serde_json::{Value, json};

const I: &str = "site.exosphere.instance";

async fn create(
    s: &TestServer,
    who: &Caller,
    slug: &str,
    code: Option<&str>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut input = json!({ "name": format!("Sphere {slug}"), "slug": slug });
    if let Some(code) = code {
        input["inviteCode"] = json!(code);
    }
    procedure(s, who, "site.exosphere.sphere.createSphere", input).await
}

/// A refusal: its status, error name and message.
fn refusal(response: (StatusCode, Value)) -> (StatusCode, String, String) {
    let (status, body) = response;
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
        body["message"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn instance(s: &TestServer, who: &Caller) -> anyhow::Result<Value> {
    get(s, who, &format!("{I}.getInstance"), &[]).await
}

#[tokio::test]
async fn the_first_creator_administers_and_admins_policy_limits_who_creates() -> anyhow::Result<()> {
    let w = World::with_config(|c| c.sphere_creation = SphereCreation::Admins).await?;
    let s = &w.server;
    let anyone = Caller::anonymous();
    let fresh = instance(s, &anyone).await?;
    assert_eq!(
        (fresh["needsSetup"].as_bool(), fresh["sphereCreation"].as_str()),
        (Some(true), Some("admins"))
    );
    assert_eq!(instance(s, &w.bob).await?["viewer"], json!({ "admin": false, "canCreateSpheres": true }));

    // alice is first: she creates, and administers the instance from then on.
    let (status, body) = create(s, &w.alice, "first", None).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(instance(s, &anyone).await?["needsSetup"], false);
    assert_eq!(instance(s, &w.alice).await?["viewer"], json!({ "admin": true, "canCreateSpheres": true }));
    assert_eq!(instance(s, &w.bob).await?["viewer"], json!({ "admin": false, "canCreateSpheres": false }));

    // bob may not, and is told how to get the right; nor may he use the operator's methods.
    let (status, error, message) = refusal(create(s, &w.bob, "bobs", None).await?);
    assert_eq!((status, error.as_str()), (StatusCode::FORBIDDEN, "NotAllowed"));
    assert!(message.contains("ask an administrator"), "{message}");
    for nsid in ["listSpheres", "listCreators", "listInviteCodes"] {
        let (status, error, _) = refusal(query(s, &w.bob, &format!("{I}.{nsid}"), &[]).await?);
        assert_eq!((status, error.as_str()), (StatusCode::FORBIDDEN, "NotAllowed"), "{nsid}");
        let (status, _) = query(s, &anyone, &format!("{I}.{nsid}"), &[]).await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{nsid}");
    }

    // alice allows bob (by handle), then takes the right back.
    let granted = ok(s, &w.alice, &format!("{I}.grantCreation"), json!({ "account": "bob.test" })).await?;
    assert_eq!(
        (granted["creator"]["did"].as_str(), granted["creator"]["grantedBy"].as_str()),
        (Some(w.bob.did.as_str()), Some(w.alice.did.as_str()))
    );
    assert_eq!(create(s, &w.bob, "bobs", None).await?.0, StatusCode::OK);
    let creators = get(s, &w.alice, &format!("{I}.listCreators"), &[]).await?;
    assert_eq!(creators["creators"][0]["handle"], "bob.test", "{creators}");
    ok(s, &w.alice, &format!("{I}.revokeCreation"), json!({ "did": w.bob.did })).await?;
    assert_eq!(refusal(create(s, &w.bob, "bobs-second", None).await?).1, "NotAllowed");
    let (status, error, _) =
        refusal(procedure(s, &w.alice, &format!("{I}.revokeCreation"), json!({ "did": w.bob.did })).await?);
    assert_eq!((status, error.as_str()), (StatusCode::NOT_FOUND, "CreatorNotFound"));
    // What bob made stays his.
    assert_eq!(
        get(s, &anyone, "site.exosphere.sphere.getSphere", &[("sphere", "bobs")]).await?["sphere"]["owner"]["did"],
        w.bob.did.as_str()
    );

    // The operator's list: every Sphere, with its counts and owner.
    let listed = get(s, &w.alice, &format!("{I}.listSpheres"), &[]).await?;
    let slugs: Vec<&str> = listed["spheres"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["sphere"]["slug"].as_str())
        .collect();
    assert_eq!(slugs, ["bobs", "first"]);
    assert_eq!(listed["spheres"][0]["standing"], "listed");
    assert!(listed["spheres"][0]["content"].as_array().is_some_and(|c| !c.is_empty()), "{listed}");
    Ok(())
}

#[tokio::test]
async fn the_first_administrator_is_kept_across_restarts() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let start = |dir: &std::path::Path| {
        let mut c = config(&dir.join("data"), free_port());
        use_testnet(&mut c, &net);
        c.sphere_creation = SphereCreation::Admins;
        TestServer::start_config(c)
    };
    let dir = tempfile::tempdir()?;
    let signed_in = |s: &TestServer, name: &'static str| {
        let account = net.account(name).clone();
        let base = s.base.clone();
        async move {
            let signed = sign_in(&base, &account.handle, &account.password, true).await?;
            anyhow::Ok(Caller { name, sid: signed.sid, did: account.did })
        }
    };
    let s = start(dir.path()).await?;
    let bob = signed_in(&s, "bob").await?;
    assert_eq!(create(&s, &bob, "bobs", None).await?.0, StatusCode::OK);
    let alice = signed_in(&s, "alice").await?;
    s.stop().await;

    let s = start(dir.path()).await?;
    assert_eq!(instance(&s, &bob).await?["viewer"]["admin"], true, "bob is still the administrator");
    assert_eq!(instance(&s, &alice).await?["viewer"]["admin"], false);
    assert_eq!(refusal(create(&s, &alice, "alices", None).await?).1, "NotAllowed");
    s.stop().await;
    Ok(())
}

#[tokio::test]
async fn configured_administrators_are_the_whole_list_and_anyone_may_create() -> anyhow::Result<()> {
    let w = World::with_config(|c| {
        c.admins = Some(" @Carol.test , did:plc:nobody ".into());
        c.sphere_creation = SphereCreation::Anyone;
    })
    .await?;
    let s = &w.server;
    assert_eq!(instance(s, &Caller::anonymous()).await?["needsSetup"], false);
    // Creating the first Sphere makes no one administrator when the list is configured.
    assert_eq!(create(s, &w.alice, "alices", None).await?.0, StatusCode::OK);
    assert_eq!(create(s, &w.dave, "daves", None).await?.0, StatusCode::OK);
    assert_eq!(instance(s, &w.alice).await?["viewer"], json!({ "admin": false, "canCreateSpheres": true }));
    assert_eq!(instance(s, &w.carol).await?["viewer"]["admin"], true, "carol is named by handle");
    assert_eq!(
        get(s, &w.carol, &format!("{I}.listSpheres"), &[]).await?["spheres"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(query(s, &w.alice, &format!("{I}.listSpheres"), &[]).await?.0, StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn invite_codes_are_used_once() -> anyhow::Result<()> {
    let w = World::with_config(|c| c.sphere_creation = SphereCreation::Invite).await?;
    let s = &w.server;
    // alice sets the instance up, then makes codes.
    assert_eq!(create(s, &w.alice, "home", None).await?.0, StatusCode::OK);
    let (status, error, message) = refusal(create(s, &w.bob, "bobs", None).await?);
    assert_eq!((status, error.as_str()), (StatusCode::FORBIDDEN, "NotAllowed"));
    assert!(message.contains("invite code"), "{message}");
    assert_eq!(instance(s, &w.bob).await?["viewer"]["canCreateSpheres"], false);
    let invite = ok(s, &w.alice, &format!("{I}.createInviteCode"), json!({ "note": "for bob" })).await?;
    let code = invite["invite"]["code"].as_str().unwrap_or_default().to_owned();
    assert_eq!(invite["invite"]["note"], "for bob");

    // A slug already taken is refused before the code is spent.
    assert_eq!(create(s, &w.bob, "home", Some(&code)).await?.0, StatusCode::CONFLICT);
    let (status, body) = create(s, &w.bob, "bobs", Some(&code)).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, error, message) = refusal(create(s, &w.carol, "carols", Some(&code)).await?);
    assert_eq!((status, error.as_str()), (StatusCode::FORBIDDEN, "NotAllowed"));
    assert!(message.contains("already used"), "{message}");
    assert_eq!(
        refusal(create(s, &w.bob, "bobs-second", Some(&code)).await?).1,
        "NotAllowed",
        "one Sphere per code"
    );
    let codes = get(s, &w.alice, &format!("{I}.listInviteCodes"), &[]).await?;
    assert_eq!(codes["invites"][0]["usedBy"], w.bob.did.as_str());
    assert_eq!(codes["invites"][0]["sphere"], body["sphere"]["uri"]);
    assert_eq!(codes["invites"][0]["createdBy"], w.alice.did.as_str());

    // A used code stays as a record; an unused one can be revoked, and then does nothing.
    let (status, error, _) =
        refusal(procedure(s, &w.alice, &format!("{I}.revokeInviteCode"), json!({ "code": code })).await?);
    assert_eq!((status, error.as_str()), (StatusCode::NOT_FOUND, "InviteCodeNotFound"));
    let spare = ok(s, &w.alice, &format!("{I}.createInviteCode"), json!({})).await?;
    let spare = spare["invite"]["code"].as_str().unwrap_or_default().to_owned();
    ok(s, &w.alice, &format!("{I}.revokeInviteCode"), json!({ "code": spare })).await?;
    assert_eq!(refusal(create(s, &w.carol, "carols", Some(&spare)).await?).1, "NotAllowed");
    // Administrators need no code.
    assert_eq!(create(s, &w.alice, "alices-second", None).await?.0, StatusCode::OK);
    Ok(())
}

/// Members (any status) of a Sphere, straight from the database: what the indexer stored.
async fn stored_members(s: &TestServer, slug: &str) -> anyhow::Result<Vec<(String, String)>> {
    let slug = slug.to_owned();
    Ok(s.running
        .ctx
        .db
        .read(move |c| {
            let sphere = exosphere_core::sphere::store::sphere_by_param(c, &slug)?
                .ok_or_else(|| exosphere_core::sphere::sphere_not_found(&slug))?;
            let all = ["active", "invited", "requested", "revoked"];
            let rows = exosphere_core::sphere::store::list_members(c, sphere.id, &all, "", 100)?;
            Ok(rows.into_iter().map(|(m, _)| (m.did, m.status)).collect())
        })
        .await?)
}

#[tokio::test]
async fn a_suspended_sphere_is_gone_from_api_pages_and_indexer_until_lifted() -> anyhow::Result<()> {
    let dist = web_dist()?;
    let w = World::with_config(|c| c.web_dir = dist).await?;
    let s = &w.server;
    let anyone = Caller::anonymous();
    // alice is the instance's first administrator; bob owns another Sphere.
    let garden = w.sphere("garden", "public", "open").await?;
    ok(s, &w.bob, "site.exosphere.sphere.createSphere", json!({ "name": "Marker", "slug": "marker" }))
        .await?;
    let marker =
        get(s, &anyone, "site.exosphere.sphere.getSphere", &[("sphere", "marker")]).await?["sphere"].clone();
    assert_eq!(
        query(s, &anyone, "site.exosphere.sphere.getSphere", &[("sphere", "garden")]).await?.0,
        StatusCode::OK
    );

    let (status, _) = procedure(
        s,
        &w.bob,
        &format!("{I}.setSphereStanding"),
        json!({ "sphere": "garden", "standing": "suspended" }),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "a Sphere's admin is not the instance's");
    let set = ok(
        s,
        &w.alice,
        &format!("{I}.setSphereStanding"),
        json!({ "sphere": "garden", "standing": "suspended", "reason": "spam" }),
    )
    .await?;
    assert_eq!(
        (set["sphere"]["standing"].as_str(), set["sphere"]["standingReason"].as_str()),
        (Some("suspended"), Some("spam"))
    );

    // Gone for everyone but the instance's administrators: API, list, feed and page.
    for who in [&anyone, &w.carol, &w.bob] {
        let (status, body) =
            query(s, who, "site.exosphere.sphere.getSphere", &[("sphere", "garden")]).await?;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::NOT_FOUND, Some("SphereNotFound")),
            "{}",
            who.name
        );
        let (status, _) = query(s, who, "site.exosphere.sphere.getActivity", &[("sphere", "garden")]).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}", who.name);
    }
    let list = get(s, &anyone, "site.exosphere.sphere.listSpheres", &[]).await?;
    assert!(!list.to_string().contains("garden"), "{list}");
    assert_eq!(s.client.get(s.url("/s/garden/feed.atom")).send().await?.status(), StatusCode::NOT_FOUND);
    let page = s.client.get(s.url("/s/garden")).send().await?;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    let page = page.text().await?;
    assert!(!app_html(&page).contains("Sphere garden"), "{}", app_html(&page));
    let seen = get(s, &w.alice, "site.exosphere.sphere.getSphere", &[("sphere", "garden")]).await?;
    assert_eq!(seen["sphere"]["standing"], "suspended");
    // Nothing changes in it, not even by its own admins.
    let (status, _) = procedure(
        s,
        &w.alice,
        "site.exosphere.sphere.inviteMember",
        json!({ "sphere": "garden", "member": w.erin.did }),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The indexer ignores its records: bob's approval of erin, written straight to his PDS,
    // is not stored, while the same for the marker Sphere, written after it, is.
    let indexer = Indexer::start(s.running.ctx.clone()).await?;
    let bob = w.net.account("bob").clone();
    let approve = |sphere: &Value| {
        json!({ "$type": "site.exosphere.sphereMemberApproval", "sphere": sphere["uri"],
        "member": w.erin.did, "role": "member", "createdAt": exosphere_core::write::now() })
    };
    w.net.create_record(&bob, "site.exosphere.sphereMemberApproval", approve(&garden)).await?;
    w.net.create_record(&bob, "site.exosphere.sphereMemberApproval", approve(&marker)).await?;
    let erin = (w.erin.did.clone(), "invited".to_owned());
    eventually("the marker Sphere's approval is indexed", || async {
        Ok(stored_members(s, "marker").await?.contains(&erin))
    })
    .await?;
    assert!(!stored_members(s, "garden").await?.iter().any(|(did, _)| *did == w.erin.did));

    // Lifted: back for everyone, and what was published meanwhile is read from the PDSes again.
    let set = ok(
        s,
        &w.alice,
        &format!("{I}.setSphereStanding"),
        json!({ "sphere": "garden", "standing": "listed" }),
    )
    .await?;
    assert_eq!(set["sphere"]["standing"], "listed");
    let seen = get(s, &anyone, "site.exosphere.sphere.getSphere", &[("sphere", "garden")]).await?;
    assert_eq!(seen["sphere"].get("standing"), None);
    assert_eq!(s.client.get(s.url("/s/garden")).send().await?.status(), StatusCode::OK);
    eventually("the approval written while suspended is indexed", || async {
        Ok(stored_members(s, "garden").await?.contains(&erin))
    })
    .await?;
    indexer.stop().await;

    // Hidden: out of the list, still there by its address.
    ok(s, &w.alice, &format!("{I}.setSphereStanding"), json!({ "sphere": "garden", "standing": "hidden" }))
        .await?;
    let list = get(s, &anyone, "site.exosphere.sphere.listSpheres", &[]).await?;
    assert!(!list.to_string().contains("\"garden\""), "{list}");
    assert_eq!(
        query(s, &anyone, "site.exosphere.sphere.getSphere", &[("sphere", "garden")]).await?.0,
        StatusCode::OK
    );
    Ok(())
}

#[tokio::test]
async fn a_home_sphere_is_the_instance_home_page() -> anyhow::Result<()> {
    let dist = web_dist()?;
    let w = World::with_config(|c| {
        c.web_dir = dist;
        c.home_sphere = Some("town".into());
    })
    .await?;
    let s = &w.server;
    let anyone = Caller::anonymous();
    ok(s, &w.alice, "site.exosphere.sphere.createSphere", json!({ "name": "Our Town", "slug": "town" }))
        .await?;
    ok(s, &w.bob, "site.exosphere.sphere.createSphere", json!({ "name": "Elsewhere", "slug": "elsewhere" }))
        .await?;
    assert_eq!(instance(s, &anyone).await?["homeSphere"], "town");

    // The instance's list is the home Sphere, but for its administrators.
    let slugs = |list: &Value| -> Vec<String> {
        list["spheres"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["slug"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(slugs(&get(s, &anyone, "site.exosphere.sphere.listSpheres", &[]).await?), ["town"]);
    assert_eq!(slugs(&get(s, &w.bob, "site.exosphere.sphere.listSpheres", &[]).await?), ["town"]);
    assert_eq!(
        slugs(&get(s, &w.alice, "site.exosphere.sphere.listSpheres", &[]).await?),
        ["elsewhere", "town"]
    );

    // `/` is the Sphere's home, rendered on the server, with its feed and the page's own address.
    let page = s.client.get(s.url("/")).send().await?;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await?;
    assert!(page.contains("<meta name=\"exosphere-home-sphere\" content=\"town\">"));
    assert!(app_html(&page).contains("Our Town"), "{}", app_html(&page));
    assert!(page.contains("href=\"/s/town/feed.atom\""), "the Sphere's feed is linked");
    assert!(
        page.contains(&format!(
            "<meta property=\"og:url\" content=\"{}/\">",
            s.running.ctx.config.public_url
        ))
    );
    // Its other pages keep their addresses.
    let other = s.client.get(s.url("/s/elsewhere")).send().await?;
    assert_eq!(other.status(), StatusCode::OK);
    assert!(app_html(&other.text().await?).contains("Elsewhere"));
    Ok(())
}
