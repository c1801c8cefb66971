//! Sign-in with AT Protocol OAuth against a real local PDS and did:plc
//! directory, and writes to the signed-in account's own repo.

mod common;

use common::{TestServer, config, free_port, use_testnet};
use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use exosphere_core::lexicon::site::exosphere::sphere;
use exosphere_core::pds::PdsClient;
use exosphere_core::xrpc::ErrorKind;
use exosphere_testkit::{Testnet, sign_in};
use serde_json::{Value, json};

async fn session(server: &TestServer, sid: Option<&str>) -> anyhow::Result<Value> {
    let mut request = server.client.get(server.url("/xrpc/site.exosphere.auth.getSession"));
    if let Some(sid) = sid {
        request = request.header("cookie", format!("sid={sid}"));
    }
    Ok(request.send().await?.json().await?)
}

async fn signed_in(server: &TestServer, net: &Testnet, name: &str) -> anyhow::Result<String> {
    let account = net.account(name);
    let result = sign_in(&server.base, &account.handle, &account.password, true).await?;
    assert_eq!(result.location, "/after-login", "back where the sign-in started");
    result.sid.ok_or_else(|| anyhow::anyhow!("no sid cookie after signing in"))
}

async fn pds(server: &TestServer, did: &str) -> Result<PdsClient, exosphere_core::Error> {
    let session = server.running.ctx.auth.pds_session(did).await?;
    Ok(PdsClient::new(did.to_owned(), session))
}

fn a_sphere(name: &str) -> sphere::Record {
    sphere::Record {
        name: name.into(),
        slug: "test-sphere".into(),
        description: Some("made by a test".into()),
        visibility: "public".into(),
        write_mode: "open".into(),
        modules: Some(Vec::new()),
        created_at: "2026-11-23T10:00:00.000Z".into(),
    }
}

#[tokio::test]
async fn alice_signs_in_and_get_session_knows_her() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let server = TestServer::start_with(|c| use_testnet(c, &net)).await?;
    assert_eq!(session(&server, None).await?, json!({ "loggedIn": false }));

    let sid = signed_in(&server, &net, "alice").await?;
    let alice = net.account("alice");
    assert_eq!(
        session(&server, Some(&sid)).await?,
        json!({ "loggedIn": true, "did": alice.did, "handle": "alice.test" })
    );
    assert_eq!(session(&server, Some("forged")).await?, json!({ "loggedIn": false }));
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_server_creates_updates_and_deletes_records_in_alices_repo() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let server = TestServer::start_with(|c| use_testnet(c, &net)).await?;
    signed_in(&server, &net, "alice").await?;
    let alice = net.account("alice");
    let repo = pds(&server, &alice.did).await?;

    let created = repo.create(&a_sphere("First name")).await?;
    assert!(created.uri.starts_with(&format!("at://{}/site.exosphere.sphere/", alice.did)));
    let stored =
        net.get_record(&created.uri).await?.ok_or_else(|| anyhow::anyhow!("record missing on the PDS"))?;
    assert_eq!(stored["value"]["name"], "First name");
    assert_eq!(stored["value"]["$type"], "site.exosphere.sphere");
    assert_eq!(stored["cid"], created.cid.as_str());

    let updated = repo.put(created.rkey(), &a_sphere("Second name")).await?;
    assert_eq!(updated.uri, created.uri);
    assert_ne!(updated.cid, created.cid);
    let stored =
        net.get_record(&created.uri).await?.ok_or_else(|| anyhow::anyhow!("record missing after put"))?;
    assert_eq!(stored["value"]["name"], "Second name");

    repo.delete_record("site.exosphere.sphere", created.rkey()).await?;
    assert_eq!(net.get_record(&created.uri).await?, None, "gone from the PDS after the delete");

    // A record that breaks its Lexicon never leaves the server.
    let mut bad = a_sphere("");
    bad.visibility = "public".into();
    let refused = repo.create(&bad).await.err().map(|e| e.kind());
    assert_eq!(refused, Some(ErrorKind::InvalidRequest));
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_session_survives_a_restart() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let dir = tempfile::tempdir()?;
    let port = free_port();
    let mut cfg = config(&dir.path().join("data"), port);
    use_testnet(&mut cfg, &net);
    let server = TestServer::start_config(cfg.clone()).await?;
    let sid = signed_in(&server, &net, "bob").await?;
    server.stop().await;

    let server = TestServer::start_config(cfg).await?;
    let bob = net.account("bob");
    assert_eq!(session(&server, Some(&sid)).await?["did"], bob.did.as_str());
    let written = pds(&server, &bob.did).await?.create(&a_sphere("After restart")).await?;
    assert!(net.get_record(&written.uri).await?.is_some());
    server.stop().await;
    Ok(())
}

/// The OAuth session atrium-oauth stored for an account, as JSON.
fn stored_session(c: &mut diesel::SqliteConnection, did: &str) -> Result<Value, exosphere_core::Error> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        data: String,
    }
    let row: Row = diesel::sql_query("SELECT data FROM oauth_sessions WHERE did = ?")
        .bind::<Text, _>(did)
        .get_result(c)?;
    Ok(serde_json::from_str(&row.data).map_err(anyhow::Error::from)?)
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let server = TestServer::start_with(|c| use_testnet(c, &net)).await?;
    signed_in(&server, &net, "alice").await?;
    let alice = net.account("alice").clone();

    // Age the stored token set: expired, and an access token the PDS rejects.
    let db = server.running.ctx.db.clone();
    let did = alice.did.clone();
    let before: String = db
        .write(move |c| {
            let mut session = stored_session(c, &did)?;
            let token = session["token_set"]["access_token"].as_str().unwrap_or_default().to_owned();
            session["token_set"]["expires_at"] = json!("2020-01-01T00:00:00.000Z");
            session["token_set"]["access_token"] = json!(format!("{token}x"));
            diesel::sql_query("UPDATE oauth_sessions SET data = ? WHERE did = ?")
                .bind::<Text, _>(session.to_string())
                .bind::<Text, _>(&did)
                .execute(c)?;
            Ok(token)
        })
        .await?;

    let written = pds(&server, &alice.did).await?.create(&a_sphere("With a fresh token")).await?;
    assert!(net.get_record(&written.uri).await?.is_some());
    let did = alice.did.clone();
    let after: String = db
        .read(move |c| {
            let session = stored_session(c, &did)?;
            Ok(session["token_set"]["access_token"].as_str().unwrap_or_default().to_owned())
        })
        .await?;
    assert_ne!(after, before, "a new access token was obtained");
    assert_ne!(after, format!("{before}x"));
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn logout_makes_the_session_unusable() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let server = TestServer::start_with(|c| use_testnet(c, &net)).await?;
    let sid = signed_in(&server, &net, "carol").await?;
    let carol = net.account("carol");

    let response = server
        .client
        .post(server.url("/oauth/logout"))
        .header("cookie", format!("sid={sid}"))
        .header("origin", server.base.clone())
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    let cleared =
        response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cleared.starts_with("sid=;") && cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(session(&server, Some(&sid)).await?, json!({ "loggedIn": false }));
    let after = pds(&server, &carol.did).await.err().map(|e| e.kind());
    assert_eq!(after, Some(ErrorKind::AuthRequired), "no PDS access after logout");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn denied_consent_and_bad_handles_return_a_readable_error() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let server = TestServer::start_with(|c| use_testnet(c, &net)).await?;
    let alice = net.account("alice");

    let denied = sign_in(&server.base, &alice.handle, &alice.password, false).await?;
    assert_eq!(denied.sid, None);
    assert!(denied.location.starts_with("/after-login?login_error="), "{}", denied.location);
    assert!(denied.location.contains("cancelled"), "{}", denied.location);

    for (handle, expected) in [
        ("nobody.test", "could+not+be+resolved"),
        ("not a handle", "is+not+a+handle+or+a+DID"),
        ("", "enter+your+handle"),
    ] {
        let result = sign_in(&server.base, handle, "x", true).await?;
        assert_eq!(result.sid, None);
        assert!(result.location.starts_with("/after-login?login_error="), "{handle}: {}", result.location);
        assert!(result.location.contains(expected), "{handle}: {}", result.location);
    }
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn an_unreachable_pds_gives_a_clear_error() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let server = TestServer::start_with(|c| use_testnet(c, &net)).await?;
    signed_in(&server, &net, "alice").await?;
    let alice = net.account("alice").clone();
    drop(net); // the PDS and the directory go away

    let error = match pds(&server, &alice.did).await {
        Ok(repo) => repo.create(&a_sphere("Nowhere")).await.err(),
        Err(e) => Some(e),
    };
    let error = error.ok_or_else(|| anyhow::anyhow!("a write to a dead PDS succeeded"))?;
    assert_eq!(error.kind(), ErrorKind::UpstreamFailure, "{error}");
    assert!(error.message().contains("could not reach"), "{error}");

    // Signing in when the handle's resolver is down is a readable error too.
    let result = sign_in(&server.base, "alice.test", "x", true).await?;
    assert!(result.location.contains("login_error="), "{}", result.location);
    server.stop().await;
    Ok(())
}

/// Without EXOSPHERE_ALLOW_PRIVATE_NETWORKS, the PDS that a DID document names
/// on loopback (as a hostile one would name 169.254.169.254) is not called:
/// the directory and resolver are the operator's own, and still answer.
#[tokio::test]
async fn a_pds_on_a_refused_network_gives_a_clear_sign_in_error() -> anyhow::Result<()> {
    let net = Testnet::start().await?;
    let server = TestServer::start_with(|c| {
        use_testnet(c, &net);
        c.allow_private_networks = None;
        // The testnet resolves handles with its PDS, which would make the PDS an
        // operator's service: sign in with the DID, and resolve no handle.
        c.handle_resolver = Some("http://127.0.0.1:1".into());
        c.relay_url = None;
    })
    .await?;
    let alice = net.account("alice");
    let result = sign_in(&server.base, &alice.did, &alice.password, true).await?;
    assert_eq!(result.sid, None);
    let error = result.location.replace('+', " ");
    assert!(error.starts_with("/after-login?login_error="), "{}", result.location);
    assert!(
        error.contains("your PDS%3A http client error%3A refused to connect to localhost%3A 127.0.0.1 is a loopback address"),
        "{error}"
    );
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn cross_site_posts_with_the_session_cookie_are_refused() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let create = server.url("/xrpc/site.exosphere.sphere.updateSphere");
    let body = json!({ "sphere": "s", "name": "t" });
    let cases: [(&str, &str, u16); 5] = [
        ("origin", "https://evil.example", 403),
        ("sec-fetch-site", "cross-site", 403),
        ("sec-fetch-site", "same-site", 403),
        // Allowed through: the handler runs and finds no such Sphere.
        ("sec-fetch-site", "same-origin", 404),
        ("origin", "", 404),
    ];
    for (header, value, status) in cases {
        let value = if value.is_empty() { server.base.clone() } else { value.to_owned() };
        let response = server
            .client
            .post(&create)
            .header("cookie", "sid=abc")
            .header(header, &value)
            .json(&body)
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), status, "{header}: {value}");
        if status == 403 {
            let error: Value = response.json().await?;
            assert_eq!(error["error"], "Forbidden");
        }
    }
    // Without the cookie there is no ambient authority to abuse: not refused here.
    let anonymous =
        server.client.post(&create).header("origin", "https://evil.example").json(&body).send().await?;
    assert_eq!(anonymous.status().as_u16(), 404);
    let logout = server
        .client
        .post(server.url("/oauth/logout"))
        .header("cookie", "sid=abc")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await?;
    assert_eq!(logout.status().as_u16(), 403);
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn confidential_client_metadata_and_jwks_are_well_formed_and_stable() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut cfg = config(&dir.path().join("data"), free_port());
    cfg.public_url = "https://exosphere.example".into();
    let server = TestServer::start_config(cfg.clone()).await?;
    let metadata: Value =
        server.client.get(server.url("/oauth-client-metadata.json")).send().await?.json().await?;
    assert_eq!(metadata["client_id"], "https://exosphere.example/oauth-client-metadata.json");
    assert_eq!(metadata["redirect_uris"], json!(["https://exosphere.example/oauth/callback"]));
    assert_eq!(metadata["token_endpoint_auth_method"], "private_key_jwt");
    assert_eq!(metadata["token_endpoint_auth_signing_alg"], "ES256");
    assert_eq!(metadata["jwks_uri"], "https://exosphere.example/oauth/jwks.json");
    assert_eq!(metadata["dpop_bound_access_tokens"], true);
    let scope = metadata["scope"].as_str().unwrap_or_default();
    assert!(
        scope.starts_with("atproto ")
            && exosphere::modules::registry()?.scopes().iter().all(|s| scope.split(' ').any(|g| g == s)),
        "every collection core and the modules write: {scope}"
    );
    assert!(!scope.contains("transition:generic"), "only what Exosphere writes: {scope}");

    let jwks: Value = server.client.get(server.url("/oauth/jwks.json")).send().await?.json().await?;
    let key = &jwks["keys"][0];
    assert_eq!((key["kty"].as_str(), key["crv"].as_str()), (Some("EC"), Some("P-256")));
    assert!(key["kid"].is_string());
    assert!(key.get("d").is_none(), "the private part is never published");
    server.stop().await;

    let again = TestServer::start_config(cfg).await?;
    let jwks_again: Value = again.client.get(again.url("/oauth/jwks.json")).send().await?.json().await?;
    assert_eq!(jwks_again, jwks, "the same key after a restart");
    again.stop().await;
    Ok(())
}

#[tokio::test]
async fn loopback_client_metadata_needs_no_setup() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let metadata: Value =
        server.client.get(server.url("/oauth-client-metadata.json")).send().await?.json().await?;
    let client_id = metadata["client_id"].as_str().unwrap_or_default();
    assert!(client_id.starts_with("http://localhost?"), "{client_id}");
    assert_eq!(metadata["redirect_uris"], json!([format!("{}/oauth/callback", server.base)]));
    server.stop().await;
    Ok(())
}
