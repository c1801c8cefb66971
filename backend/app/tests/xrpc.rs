//! XRPC behaviour over real HTTP against the running server: every error
//! case answers the right status with `{"error","message"}` JSON, and
//! Lexicon constraints are enforced before any handler runs.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};

const CREATE_REQUEST: &str = "/xrpc/site.exosphere.featureRequest.createRequest";
const LIST_REQUESTS: &str = "/xrpc/site.exosphere.featureRequest.listRequests";

async fn expect_error(
    response: reqwest::Response,
    status: StatusCode,
    error: &str,
) -> anyhow::Result<String> {
    assert_eq!(response.status(), status);
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")),
        "error bodies are JSON"
    );
    let body: Value = response.json().await?;
    assert_eq!(body["error"], error, "{body}");
    let message = body["message"].as_str().unwrap_or_default().to_owned();
    assert!(!message.is_empty(), "an error has a message: {body}");
    Ok(message)
}

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
    let get_procedure = server.client.get(server.url(CREATE_REQUEST)).send().await?;
    expect_error(get_procedure, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed").await?;
    let post_query = server.client.post(server.url(LIST_REQUESTS)).json(&json!({})).send().await?;
    expect_error(post_query, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed").await?;
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn bad_query_parameters_are_400_naming_field_and_constraint() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let cases = [
        ("", "sphere: is required"),
        ("?sphere=s&limit=lots", "limit: must be an integer"),
        ("?sphere=s&limit=101", "limit: must be at most 100 (maximum), got 101"),
        ("?sphere=s&limit=0", "limit: must be at least 1 (minimum), got 0"),
        ("?sphere=s&author=bob", "author: must be a valid did (format)"),
        (
            "?sphere=s&status=open&status=planned&status=a&status=b&status=c&status=d&status=e&status=f&status=g",
            "status: must have at most 8 items (maxLength), got 9",
        ),
    ];
    for (query, expected) in cases {
        let response = server.client.get(server.url(&format!("{LIST_REQUESTS}{query}"))).send().await?;
        let message = expect_error(response, StatusCode::BAD_REQUEST, "InvalidRequest").await?;
        assert!(message.starts_with(expected), "{query}: {message}");
    }
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn bad_bodies_are_400_naming_field_and_constraint() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let post = |body: Value| server.client.post(server.url(CREATE_REQUEST)).json(&body).send();
    let cases = [
        (
            json!({ "sphere": "s", "title": "x".repeat(301) }),
            "title: must be at most 300 graphemes long (maxGraphemes), got 301",
        ),
        // 150 graphemes of 25 bytes each: within maxGraphemes, over maxLength.
        (
            json!({ "sphere": "s", "title": "👨‍👩‍👧‍👦".repeat(150) }),
            "title: must be at most 3000 bytes long (maxLength), got 3750",
        ),
        (json!({ "sphere": "s", "title": "" }), "title: must be at least 1 bytes long (minLength), got 0"),
        (json!({ "sphere": "s" }), "invalid request body: missing field `title`"),
        (json!({ "sphere": "s", "title": 5 }), "title: invalid type: integer `5`, expected a string"),
        (json!([1, 2]), "request body must be a JSON object"),
    ];
    for (body, expected) in cases {
        let message =
            expect_error(post(body.clone()).await?, StatusCode::BAD_REQUEST, "InvalidRequest").await?;
        assert!(message.starts_with(expected), "{body}: {message}");
    }
    let not_json = server
        .client
        .post(server.url(CREATE_REQUEST))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await?;
    expect_error(not_json, StatusCode::BAD_REQUEST, "InvalidRequest").await?;
    let empty = server
        .client
        .post(server.url(CREATE_REQUEST))
        .header("content-type", "application/json")
        .send()
        .await?;
    let message = expect_error(empty, StatusCode::BAD_REQUEST, "InvalidRequest").await?;
    assert!(message.contains("empty"));
    let wrong_type = server
        .client
        .post(server.url(CREATE_REQUEST))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await?;
    let message = expect_error(wrong_type, StatusCode::BAD_REQUEST, "InvalidRequest").await?;
    assert!(message.contains("application/json"));
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn valid_input_reaches_the_handler() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    // getSession is served by core: anonymous until sign-in exists.
    let session: Value =
        server.client.get(server.url("/xrpc/site.exosphere.auth.getSession")).send().await?.json().await?;
    assert_eq!(session, json!({ "loggedIn": false }));
    // A valid createRequest passes validation and reaches the module's handler, which looks the Sphere up.
    let response = server
        .client
        .post(server.url(CREATE_REQUEST))
        .json(&json!({ "sphere": "s", "title": "Dark mode" }))
        .send()
        .await?;
    let message = expect_error(response, StatusCode::NOT_FOUND, "SphereNotFound").await?;
    assert!(message.contains("\"s\""), "{message}");
    server.stop().await;
    Ok(())
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() -> anyhow::Result<()> {
    let server = TestServer::start_with(|c| c.max_body_bytes = 4096).await?;
    let big = json!({ "sphere": "s", "title": "x", "description": "y".repeat(5000) });
    let response = server.client.post(server.url(CREATE_REQUEST)).json(&big).send().await?;
    expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge").await?;
    // Without Content-Length (chunked), the limit still holds while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(b"{\"sphere\":\"s\",\"title\":\"".to_vec()), Ok(vec![b'x'; 8000]), Ok(b"\"}".to_vec())];
    let stream = reqwest::Body::wrap_stream(futures_stream(chunks));
    let response = server
        .client
        .post(server.url(CREATE_REQUEST))
        .header("content-type", "application/json")
        .body(stream)
        .send()
        .await?;
    expect_error(response, StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLarge").await?;
    server.stop().await;
    Ok(())
}

fn futures_stream(
    chunks: Vec<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    Chunks(chunks.into_iter())
}

struct Chunks(std::vec::IntoIter<Result<Vec<u8>, std::io::Error>>);

impl futures_core::Stream for Chunks {
    type Item = Result<Vec<u8>, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
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
        "site.exosphere.featureRequest.listRequests",
        "site.exosphere.featureRequest.getRequest",
        "site.exosphere.featureRequest.createRequest",
        "site.exosphere.featureRequest.updateRequest",
        "site.exosphere.featureRequest.deleteRequest",
        "site.exosphere.featureRequest.vote",
        "site.exosphere.featureRequest.unvote",
        "site.exosphere.featureRequest.listComments",
        "site.exosphere.featureRequest.createComment",
        "site.exosphere.featureRequest.deleteComment",
        "site.exosphere.featureRequest.voteComment",
        "site.exosphere.featureRequest.unvoteComment",
        "site.exosphere.featureRequest.setStatus",
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
    server.client.get(server.url(&format!("{LIST_REQUESTS}?sphere=x&limit=0"))).send().await?;
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
        "exosphere_http_request_duration_seconds_count{method=\"site.exosphere.featureRequest.listRequests\",status=\"4xx\"} 1",
        "exosphere_http_request_duration_seconds_count{method=\"xrpc:unknown\",status=\"5xx\"} 1",
        "exosphere_indexer_events_total 0",
        "exosphere_indexer_outcomes_total{outcome=\"rejected\"} 0",
        "exosphere_ssr_render_seconds_count 0",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    Ok(())
}
