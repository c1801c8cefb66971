//! Spheres, bilateral membership, roles and access rules, against a real
//! local PDS.

mod common;

use common::world::World;
use common::xrpc::{get, ok, procedure, query};
use serde_json::json;

#[tokio::test]
async fn bilateral_membership_lives_on_both_pdses() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let created = ok(
        s,
        &w.alice,
        "site.exosphere.sphere.createSphere",
        json!({ "name": "Rust users", "slug": "rust", "visibility": "public", "writeMode": "members" }),
    )
    .await?;
    let uri = created["sphere"]["uri"].as_str().unwrap_or_default().to_owned();
    assert!(uri.starts_with(&format!("at://{}/site.exosphere.sphere/", w.alice.did)));
    let on_pds =
        w.net.get_record(&uri).await?.ok_or_else(|| anyhow::anyhow!("sphere record not on alice's PDS"))?;
    assert_eq!(on_pds["value"]["slug"], "rust");
    assert_eq!(created["sphere"]["viewer"]["role"], "owner");
    assert_eq!(created["sphere"]["memberCount"], 1);

    // alice invites bob by handle: the approval is on alice's PDS.
    let invited = ok(
        s,
        &w.alice,
        "site.exosphere.sphere.inviteMember",
        json!({ "sphere": "rust", "member": "@bob.test" }),
    )
    .await?;
    assert_eq!(
        invited["member"],
        json!({ "did": w.bob.did, "handle": "bob.test", "role": "member", "status": "invited",
        "invitedBy": w.alice.did, "invitedAt": invited["member"]["invitedAt"] })
    );
    let approvals = w.net.list_records(&w.alice.did, "site.exosphere.sphereMemberApproval").await?;
    assert_eq!(approvals.len(), 1);
    assert_eq!(approvals[0]["value"]["member"], w.bob.did.as_str());
    assert_eq!(approvals[0]["value"]["sphere"], uri.as_str());
    let sphere = get(s, &w.bob, "site.exosphere.sphere.getSphere", &[("sphere", "rust")]).await?;
    assert_eq!(sphere["sphere"]["viewer"]["status"], "invited");
    assert_eq!(sphere["sphere"]["viewer"]["canWrite"], false, "invited is not yet a member");

    // bob accepts: the member record is on bob's PDS, and bob is active.
    ok(s, &w.bob, "site.exosphere.sphere.acceptInvite", json!({ "sphere": "rust" })).await?;
    let joined = w.net.list_records(&w.bob.did, "site.exosphere.sphereMember").await?;
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0]["value"]["sphere"], uri.as_str());
    let members = get(s, &w.carol, "site.exosphere.sphere.listMembers", &[("sphere", "rust")]).await?;
    let bob =
        members["members"].as_array().into_iter().flatten().find(|m| m["did"] == w.bob.did.as_str()).cloned();
    let bob = bob.ok_or_else(|| anyhow::anyhow!("bob missing from {members}"))?;
    assert_eq!(
        (bob["handle"].as_str(), bob["role"].as_str(), bob["status"].as_str()),
        (Some("bob.test"), Some("member"), Some("active"))
    );
    assert!(bob["joinedAt"].is_string());
    let sphere = get(s, &w.bob, "site.exosphere.sphere.getSphere", &[("sphere", "rust")]).await?;
    assert_eq!(sphere["sphere"]["viewer"]["canWrite"], true);
    assert_eq!(sphere["sphere"]["memberCount"], 2);

    // Revoking deletes the approval record and bob's write access.
    let revoked = ok(
        s,
        &w.alice,
        "site.exosphere.sphere.updateMember",
        json!({ "sphere": "rust", "member": w.bob.did, "revoke": true }),
    )
    .await?;
    assert_eq!(revoked["member"]["status"], "revoked");
    assert!(w.net.list_records(&w.alice.did, "site.exosphere.sphereMemberApproval").await?.is_empty());
    let sphere = get(s, &w.bob, "site.exosphere.sphere.getSphere", &[("sphere", "rust")]).await?;
    assert_eq!(sphere["sphere"]["viewer"]["canWrite"], false);
    assert_eq!(sphere["sphere"]["memberCount"], 1);
    Ok(())
}

#[tokio::test]
async fn roles_change_and_members_leave() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("club", "public", "members").await?;
    let promoted = ok(
        s,
        &w.alice,
        "site.exosphere.sphere.updateMember",
        json!({ "sphere": "club", "member": w.carol.did, "role": "admin" }),
    )
    .await?;
    assert_eq!(
        (promoted["member"]["role"].as_str(), promoted["member"]["status"].as_str()),
        (Some("admin"), Some("active"))
    );
    let approvals = w.net.list_records(&w.alice.did, "site.exosphere.sphereMemberApproval").await?;
    let carols: Vec<_> = approvals.iter().filter(|a| a["value"]["member"] == w.carol.did.as_str()).collect();
    assert_eq!(carols.len(), 1, "the approval was replaced, not duplicated");
    assert_eq!(carols[0]["value"]["role"], "admin");

    ok(s, &w.carol, "site.exosphere.sphere.leaveSphere", json!({ "sphere": "club" })).await?;
    assert!(w.net.list_records(&w.carol.did, "site.exosphere.sphereMember").await?.is_empty());
    let sphere = get(s, &w.carol, "site.exosphere.sphere.getSphere", &[("sphere", "club")]).await?;
    assert_eq!(sphere["sphere"]["viewer"]["canWrite"], false);
    assert_eq!(
        sphere["sphere"]["viewer"]["status"], "invited",
        "the approval still stands: carol may rejoin"
    );
    ok(s, &w.carol, "site.exosphere.sphere.acceptInvite", json!({ "sphere": "club" })).await?;
    let sphere = get(s, &w.carol, "site.exosphere.sphere.getSphere", &[("sphere", "club")]).await?;
    assert_eq!(sphere["sphere"]["viewer"]["canWrite"], true);

    let renamed = ok(
        s,
        &w.alice,
        "site.exosphere.sphere.updateSphere",
        json!({ "sphere": "club", "name": "The Club", "writeMode": "open" }),
    )
    .await?;
    assert_eq!(
        (renamed["sphere"]["name"].as_str(), renamed["sphere"]["writeMode"].as_str()),
        (Some("The Club"), Some("open"))
    );
    let on_pds = w.net.get_record(renamed["sphere"]["uri"].as_str().unwrap_or_default()).await?;
    assert_eq!(on_pds.map(|r| r["value"]["name"].clone()), Some(json!("The Club")));
    Ok(())
}

#[tokio::test]
async fn bad_input_gives_clear_errors_and_changes_nothing() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("taken", "public", "members").await?;
    let approvals_before =
        w.net.list_records(&w.alice.did, "site.exosphere.sphereMemberApproval").await?.len();
    let members_before =
        get(s, &w.alice, "site.exosphere.sphere.listMembers", &[("sphere", "taken")]).await?;

    let cases = [
        (
            procedure(
                s,
                &w.alice,
                "site.exosphere.sphere.inviteMember",
                json!({ "sphere": "nope", "member": "bob.test" }),
            )
            .await?,
            404,
            "SphereNotFound",
        ),
        (
            query(s, &w.alice, "site.exosphere.sphere.getSphere", &[("sphere", "nope")]).await?,
            404,
            "SphereNotFound",
        ),
        (
            procedure(
                s,
                &w.bob,
                "site.exosphere.sphere.createSphere",
                json!({ "name": "Mine", "slug": "taken" }),
            )
            .await?,
            409,
            "SlugTaken",
        ),
        (
            procedure(
                s,
                &w.bob,
                "site.exosphere.sphere.createSphere",
                json!({ "name": "Bad", "slug": "Not Valid" }),
            )
            .await?,
            400,
            "InvalidRequest",
        ),
        (
            procedure(
                s,
                &w.alice,
                "site.exosphere.sphere.inviteMember",
                json!({ "sphere": "taken", "member": "ghost.test" }),
            )
            .await?,
            400,
            "UnresolvableHandle",
        ),
        (
            procedure(
                s,
                &w.alice,
                "site.exosphere.sphere.inviteMember",
                json!({ "sphere": "taken", "member": "carol.test" }),
            )
            .await?,
            409,
            "AlreadyMember",
        ),
        (
            procedure(s, &w.erin, "site.exosphere.sphere.acceptInvite", json!({ "sphere": "taken" })).await?,
            404,
            "NotInvited",
        ),
        (
            procedure(
                s,
                &w.alice,
                "site.exosphere.sphere.updateMember",
                json!({ "sphere": "taken", "member": w.alice.did, "role": "member" }),
            )
            .await?,
            400,
            "CannotChangeOwner",
        ),
        (
            procedure(
                s,
                &w.bob,
                "site.exosphere.sphere.updateMember",
                json!({ "sphere": "taken", "member": w.alice.did, "revoke": true }),
            )
            .await?,
            400,
            "CannotChangeOwner",
        ),
        (
            procedure(
                s,
                &w.alice,
                "site.exosphere.sphere.updateMember",
                json!({ "sphere": "taken", "member": w.carol.did, "role": "owner" }),
            )
            .await?,
            400,
            "CannotChangeOwner",
        ),
        (
            procedure(
                s,
                &w.alice,
                "site.exosphere.sphere.updateSphere",
                json!({ "sphere": "taken", "visibility": "private" }),
            )
            .await?,
            400,
            "InvalidRequest",
        ),
        (
            procedure(s, &w.alice, "site.exosphere.sphere.leaveSphere", json!({ "sphere": "taken" })).await?,
            400,
            "CannotChangeOwner",
        ),
    ];
    for (i, ((status, body), expected_status, expected_error)) in cases.into_iter().enumerate() {
        assert_eq!(
            (status.as_u16(), body["error"].as_str()),
            (expected_status, Some(expected_error)),
            "case {i}: {body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "case {i}: {body}");
    }
    assert_eq!(
        w.net.list_records(&w.alice.did, "site.exosphere.sphereMemberApproval").await?.len(),
        approvals_before
    );
    assert_eq!(
        get(s, &w.alice, "site.exosphere.sphere.listMembers", &[("sphere", "taken")]).await?,
        members_before
    );
    assert_eq!(
        w.net.list_records(&w.bob.did, "site.exosphere.sphere").await?.len(),
        0,
        "no stray Sphere record"
    );
    Ok(())
}

#[tokio::test]
async fn private_membership_can_stay_off_the_pds() -> anyhow::Result<()> {
    let w = World::with_config(|c| c.private_membership_on_pds = false).await?;
    let s = &w.server;
    w.sphere("secret", "private", "members").await?;
    assert_eq!(
        w.net.list_records(&w.alice.did, "site.exosphere.sphere").await?.len(),
        1,
        "the Sphere record is still published"
    );
    assert!(w.net.list_records(&w.alice.did, "site.exosphere.sphereMemberApproval").await?.is_empty());
    assert!(w.net.list_records(&w.bob.did, "site.exosphere.sphereMember").await?.is_empty());
    let members = get(s, &w.carol, "site.exosphere.sphere.listMembers", &[("sphere", "secret")]).await?;
    let active: Vec<_> =
        members["members"].as_array().into_iter().flatten().filter(|m| m["status"] == "active").collect();
    assert_eq!(active.len(), 3, "alice, bob and carol: {members}");
    Ok(())
}

#[tokio::test]
async fn private_spheres_are_listed_only_for_their_people() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("open-one", "public", "open").await?;
    w.sphere("hidden-one", "private", "members").await?;
    // On PDSes anyway: in a private Sphere the membership records are published by default.
    assert_eq!(w.net.list_records(&w.bob.did, "site.exosphere.sphereMember").await?.len(), 2);
    for (who, sees_private) in
        [(&common::xrpc::Caller::anonymous(), false), (&w.erin, false), (&w.dave, true), (&w.carol, true)]
    {
        let list = get(s, who, "site.exosphere.sphere.listSpheres", &[]).await?;
        let slugs: Vec<&str> =
            list["spheres"].as_array().into_iter().flatten().filter_map(|x| x["slug"].as_str()).collect();
        assert_eq!(slugs.contains(&"hidden-one"), sees_private, "{}: {slugs:?}", who.name);
        assert!(slugs.contains(&"open-one"));
    }
    Ok(())
}

/// The expected status of a sphere method for a role in a kind of Sphere.
fn expected(method: &str, role: &str, visibility: &str) -> u16 {
    let active = matches!(role, "member" | "admin" | "owner");
    let moderator = matches!(role, "admin" | "owner");
    match method {
        "getSphere" => 200,
        "listMembers" => {
            if visibility == "public" || active {
                200
            } else {
                404
            }
        }
        // Allowed callers get past the access check to the probe's own error.
        "inviteMember" => {
            if role == "anonymous" {
                401
            } else if moderator {
                400
            } else {
                403
            }
        }
        "updateMember" | "moderate" => {
            if role == "anonymous" {
                401
            } else if moderator {
                404
            } else {
                403
            }
        }
        "updateSphere" => {
            if role == "anonymous" {
                401
            } else if role == "owner" {
                200
            } else {
                403
            }
        }
        "acceptInvite" => {
            if role == "anonymous" {
                401
            } else if role == "invited" {
                200
            } else {
                404
            }
        }
        // leaveSphere runs after acceptInvite: by then the invited account has joined.
        "leaveSphere" => match role {
            "anonymous" => 401,
            "owner" => 400,
            "member" | "admin" | "invited" => 200,
            _ => 404,
        },
        other => panic!("no rule for {other}"),
    }
}

#[tokio::test]
async fn access_rules_for_every_sphere_method_role_and_kind_of_sphere() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    let mut failures = Vec::new();
    let mut cells = 0;
    for (slug, visibility, mode) in
        [("pub-open", "public", "open"), ("pub-members", "public", "members"), ("priv", "private", "members")]
    {
        w.sphere(slug, visibility, mode).await?;
        // Side-effect-free probes first; acceptInvite and leaveSphere change membership, so they go last.
        let methods = [
            "getSphere",
            "listMembers",
            "inviteMember",
            "updateMember",
            "moderate",
            "updateSphere",
            "acceptInvite",
            "leaveSphere",
        ];
        for method in methods {
            for (role, caller) in w.cast() {
                let nsid = format!("site.exosphere.sphere.{method}");
                let (status, body) = match method {
                    "getSphere" | "listMembers" => query(s, &caller, &nsid, &[("sphere", slug)]).await?,
                    "inviteMember" => procedure(s, &caller, &nsid, json!({ "sphere": slug, "member": "nobody-here.test" })).await?,
                    "updateMember" => procedure(s, &caller, &nsid, json!({ "sphere": slug, "member": "did:plc:nobodyatall", "role": "member" })).await?,
                    "moderate" => procedure(s, &caller, &nsid, json!({ "sphere": slug, "subject": format!("at://{}/site.exosphere.example/3kabcdefghij2", w.erin.did), "action": "hide" })).await?,
                    "updateSphere" => procedure(s, &caller, &nsid, json!({ "sphere": slug, "name": format!("Sphere {slug}") })).await?,
                    _ => procedure(s, &caller, &nsid, json!({ "sphere": slug })).await?,
                };
                cells += 1;
                let want = expected(method, role, visibility);
                if status.as_u16() != want {
                    failures.push(format!("{slug} {method} as {role}: expected {want}, got {status} {body}"));
                }
                if visibility == "private"
                    && !matches!(role, "member" | "admin" | "owner")
                    && method == "listMembers"
                {
                    assert!(body.get("members").is_none(), "no member list leaks to {role}");
                }
            }
        }
    }
    assert_eq!(cells, 3 * 8 * 6);
    assert!(failures.is_empty(), "{} of {cells} cells wrong:\n{}", failures.len(), failures.join("\n"));
    Ok(())
}
