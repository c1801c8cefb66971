//! The board's methods through the generated XRPC layer, over real HTTP:
//! Lexicon constraints are enforced before any handler runs, and every
//! error names the field and the constraint.

mod common;

use common::TestServer;
use common::xrpc::expect_error;
use reqwest::StatusCode;
use serde_json::{Value, json};

const CREATE_REQUEST: &str = "/xrpc/site.exosphere.featureRequest.createRequest";
const LIST_REQUESTS: &str = "/xrpc/site.exosphere.featureRequest.listRequests";

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

#[test]
fn every_method_of_the_design_is_in_the_openapi_document() -> anyhow::Result<()> {
    let openapi: Value = serde_json::from_str(exosphere::server::OPENAPI)?;
    let design = [
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
    ];
    for nsid in design {
        assert!(openapi["paths"][format!("/xrpc/{nsid}")].is_object(), "DESIGN.md method {nsid} is missing");
    }
    Ok(())
}

#[tokio::test]
async fn a_module_method_is_timed_under_its_own_name() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    server.client.get(server.url(&format!("{LIST_REQUESTS}?sphere=x&limit=0"))).send().await?;
    let text = server.client.get(server.url("/metrics")).send().await?.text().await?;
    let line = "exosphere_http_request_duration_seconds_count{method=\"site.exosphere.featureRequest.listRequests\",status=\"4xx\"} 1";
    assert!(text.contains(line), "missing {line:?} in\n{text}");
    server.stop().await;
    Ok(())
}
