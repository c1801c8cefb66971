//! XRPC behaviour over real HTTP against the running server: every error
//! case answers the right status with `{"error","message"}` JSON. (Each
//! module's crate tests its own methods' constraints.)

mod common;

use common::TestServer;
use common::xrpc::expect_error;
use reqwest::StatusCode;
use serde_json::{Value, json};

const CREATE_SPHERE: &str = "/xrpc/site.exosphere.sphere.createSphere";
const LIST_SPHERES: &str = "/xrpc/site.exosphere.sphere.listSpheres";

#[tokio::test]
async fn health_reports_the_version() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let body: Value = server.client.get(server.url("/xrpc/_health")).send().await?.json().await?;
    assert_eq!(body, json!({ "version": env!("CARGO_PKG_VERSION") }));
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn unknown_method_is_501_method_not_implemented() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    for request in [
        server.client.get(server.url("/xrpc/com.example.nothing.here")),
        server.client.post(server.url("/xrpc/com.example.nothing.here")).json(&json!({})),
    ] {
        let message =
            expect_error(request.send().await?, StatusCode::NOT_IMPLEMENTED, "MethodNotImplemented").await?;
        assert!(message.contains("com.example.nothing.here"));
    }
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn wrong_http_verb_is_405() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let get_procedure = server.client.get(server.url(CREATE_SPHERE)).send().await?;
    expect_error(get_procedure, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed").await?;
    let post_query = server.client.post(server.url(LIST_SPHERES)).json(&json!({})).send().await?;
    expect_error(post_query, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed").await?;
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn other_paths_are_json_404_and_openapi_is_served() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    // Unknown pages answer 404 with the app's shell (its router says "not found"); the rest is JSON.
    let page = server.client.get(server.url("/no/such/page")).send().await?;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await?.contains("<html"));
    let response = server.client.post(server.url("/no/such/page")).send().await?;
    expect_error(response, StatusCode::NOT_FOUND, "NotFound").await?;
    let response = server.client.get(server.url("/oauth/nothing")).send().await?;
    expect_error(response, StatusCode::NOT_FOUND, "NotFound").await?;
    let openapi: Value = server.client.get(server.url("/openapi.json")).send().await?.json().await?;
    assert_eq!(openapi["openapi"], "3.1.0");
    server.stop().await;
    Ok(())
}

#[test]
fn openapi_lists_every_method_lexicon_as_a_path() -> anyhow::Result<()> {
    let openapi: Value = serde_json::from_str(exosphere::server::OPENAPI)?;
    let paths = openapi["paths"].as_object().map(|p| p.len()).unwrap_or_default();
    // Every method Lexicon of core and the modules, read from lexicons/.
    fn methods(dir: &std::path::Path, out: &mut Vec<(String, &'static str)>) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                methods(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "json") {
                let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
                let verb = match doc["defs"]["main"]["type"].as_str() {
                    Some("query") => "get",
                    Some("procedure") => "post",
                    _ => continue,
                };
                out.push((doc["id"].as_str().unwrap_or_default().to_owned(), verb));
            }
        }
        Ok(())
    }
    let mut lexicon_methods = Vec::new();
    methods(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lexicons"), &mut lexicon_methods)?;
    assert!(lexicon_methods.len() > 20, "the lexicons must be found");
    for (nsid, verb) in &lexicon_methods {
        let op = &openapi["paths"][format!("/xrpc/{nsid}")][verb];
        assert_eq!(op["operationId"], *nsid, "{nsid} is missing from the OpenAPI document");
    }
    assert_eq!(paths, lexicon_methods.len());
    let design = [
        "site.exosphere.sphere.createSphere",
        "site.exosphere.sphere.getSphere",
        "site.exosphere.sphere.listSpheres",
        "site.exosphere.sphere.updateSphere",
        "site.exosphere.sphere.inviteMember",
        "site.exosphere.sphere.acceptInvite",
        "site.exosphere.sphere.listMembers",
        "site.exosphere.sphere.updateMember",
        "site.exosphere.sphere.leaveSphere",
        "site.exosphere.sphere.moderate",
        "site.exosphere.auth.getSession",
    ];
    for nsid in design {
        assert!(openapi["paths"][format!("/xrpc/{nsid}")].is_object(), "DESIGN.md method {nsid} is missing");
    }
    Ok(())
}

#[tokio::test]
async fn readiness_and_metrics_are_served() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let ready = server.client.get(server.url("/xrpc/_ready")).send().await?;
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: Value = ready.json().await?;
    assert_eq!(ready["ready"], true);
    assert!(ready["migrations"].as_i64().is_some_and(|n| n >= 3), "{ready}");

    // Some traffic to count: a success, a 400, and an unknown method.
    server.client.get(server.url("/xrpc/_health")).send().await?;
    server.client.get(server.url(&format!("{LIST_SPHERES}?limit=0"))).send().await?;
    server.client.get(server.url("/xrpc/com.example.unknown")).send().await?;
    let metrics = server.client.get(server.url("/metrics")).send().await?;
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(
        metrics
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"))
    );
    let text = metrics.text().await?;
    for line in [
        "exosphere_http_request_duration_seconds_count{method=\"_health\",status=\"2xx\"} 1",
        "exosphere_http_request_duration_seconds_count{method=\"site.exosphere.sphere.listSpheres\",status=\"4xx\"} 1",
        "exosphere_http_request_duration_seconds_count{method=\"xrpc:unknown\",status=\"5xx\"} 1",
        "exosphere_indexer_events_total 0",
        "exosphere_indexer_outcomes_total{outcome=\"rejected\"} 0",
        "exosphere_ssr_render_seconds_count 0",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    Ok(())
}

#[tokio::test]
async fn a_metrics_token_keeps_the_metrics_to_who_has_it() -> anyhow::Result<()> {
    let server = TestServer::start_with(|c| c.metrics_token = Some("s3cret-token".into())).await?;
    let metrics = |auth: Option<&'static str>| {
        let mut request = server.client.get(server.url("/metrics"));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.send()
    };
    for refused in [None, Some("Bearer wrong"), Some("Basic s3cret-token"), Some("Bearer s3cret-token2")] {
        let response = metrics(refused).await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{refused:?}");
        let body: Value = response.json().await?;
        assert_eq!(body["error"], "AuthenticationRequired", "{body}");
    }
    let response = metrics(Some("Bearer s3cret-token")).await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await?.contains("exosphere_http_request_duration_seconds"));
    Ok(())
}

/// The third request of a kind in a minute, at 2 a minute: 429 with Retry-After.
async fn third_is_limited(
    label: &str,
    send: impl AsyncFn() -> reqwest::Result<reqwest::Response>,
) -> anyhow::Result<()> {
    for n in 1..=2 {
        let status = send().await?.status();
        assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "{label}: request {n} is within the limit");
    }
    let limited = send().await?;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS, "{label}");
    let retry: u64 =
        limited.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
    assert!((1..=30).contains(&retry), "{label}: Retry-After {retry}");
    let body: Value = limited.json().await?;
    assert_eq!(body["error"], "RateLimitExceeded", "{label}: {body}");
    Ok(())
}

#[tokio::test]
async fn sign_ins_writes_and_searches_are_rate_limited() -> anyhow::Result<()> {
    let server = TestServer::start_with(|c| {
        c.rate_sign_ins = 2;
        c.rate_writes = 2;
        c.rate_searches = 2;
    })
    .await?;
    let login = server.url("/oauth/login?handle=nobody.test&redirect=/");
    third_is_limited("sign-in", async || server.client.get(&login).send().await).await?;
    // Two signed-in accounts, the first with two sessions.
    let sessions = [("one-a", "did:plc:one"), ("one-b", "did:plc:one"), ("two", "did:plc:two")]
        .map(|(sid, did)| {
            format!(
                "INSERT INTO auth_sessions (sid_hash, did, handle, created_at, expires_at) VALUES ('{}', '{did}', NULL, 0, 9999999999);",
                exosphere_core::auth::hash_sid(sid)
            )
        })
        .concat();
    server
        .running
        .ctx
        .db
        .write(move |c| Ok(diesel::connection::SimpleConnection::batch_execute(c, &sessions)?))
        .await?;
    let create = server.url(CREATE_SPHERE);
    let write = async |cookie: &'static str| {
        server.client.post(&create).header("cookie", cookie).json(&json!({})).send().await
    };
    third_is_limited("writes of an account", async || write("sid=one-b").await).await?;
    // The account's other session shares its allowance.
    assert_eq!(write("sid=one-a").await?.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another account has its own, and so has the address without a session.
    assert_ne!(write("sid=two").await?.status(), StatusCode::TOO_MANY_REQUESTS);
    third_is_limited("writes without a session", async || write("sid=nobody").await).await?;
    let search = server.url(&format!("{LIST_SPHERES}?q=garden"));
    // (With a session cookie: anonymous answers may come from the response cache, which costs no search.)
    let searching = async || server.client.get(&search).header("cookie", "sid=three").send().await;
    third_is_limited("searches", searching).await?;
    // Queries without a search are not searches.
    assert_eq!(server.client.get(server.url(LIST_SPHERES)).send().await?.status(), StatusCode::OK);
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn markdown_previews_render_as_views_do_and_bad_input_is_400() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let url = server.url("/xrpc/site.exosphere.markdown.render");
    let out: Value = server
        .client
        .post(&url)
        .json(&json!({ "text": "# Hi\n\n**bold** <script>x</script> [a](javascript:alert(1))", "headingBase": 3 }))
        .send()
        .await?
        .json()
        .await?;
    let html = out["html"].as_str().unwrap_or_default();
    assert!(html.starts_with("<h3>Hi</h3>") && html.contains("<strong>bold</strong>"), "{html}");
    assert!(html.contains("&lt;script&gt;") && !html.contains("<a"), "{html}");
    for bad in [json!({ "text": "x", "headingBase": 7 }), json!({ "text": "x".repeat(100_001) }), json!({})] {
        let response = server.client.post(&url).json(&bad).send().await?;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    server.stop().await;
    Ok(())
}
