//! Calling XRPC methods as a signed-in (or anonymous) person.

use reqwest::StatusCode;
use serde_json::Value;

use crate::server::TestServer;

/// Someone using the API: a `sid` cookie, or none.
#[derive(Clone, Debug)]
pub struct Caller {
    pub name: &'static str,
    pub sid: Option<String>,
    pub did: String,
}

impl Caller {
    pub fn anonymous() -> Self {
        Self { name: "anonymous", sid: None, did: String::new() }
    }
}

/// Sends a request with the caller's cookie; the status and the JSON body (null when empty).
async fn send(who: &Caller, mut request: reqwest::RequestBuilder) -> anyhow::Result<(StatusCode, Value)> {
    if let Some(sid) = &who.sid {
        request = request.header("cookie", format!("sid={sid}"));
    }
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    Ok((status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? }))
}

/// GET a query.
pub async fn query(
    server: &TestServer,
    who: &Caller,
    nsid: &str,
    params: &[(&str, &str)],
) -> anyhow::Result<(StatusCode, Value)> {
    send(who, server.client.get(server.url(&format!("/xrpc/{nsid}"))).query(params)).await
}

/// POST a procedure.
pub async fn procedure(
    server: &TestServer,
    who: &Caller,
    nsid: &str,
    body: Value,
) -> anyhow::Result<(StatusCode, Value)> {
    send(who, server.client.post(server.url(&format!("/xrpc/{nsid}"))).json(&body)).await
}

/// POST a procedure that must succeed; its output.
pub async fn ok(server: &TestServer, who: &Caller, nsid: &str, body: Value) -> anyhow::Result<Value> {
    let (status, out) = procedure(server, who, nsid, body.clone()).await?;
    anyhow::ensure!(status == StatusCode::OK, "{} {nsid} {body}: {status} {out}", who.name);
    Ok(out)
}

/// GET a query that must succeed; its output.
pub async fn get(
    server: &TestServer,
    who: &Caller,
    nsid: &str,
    params: &[(&str, &str)],
) -> anyhow::Result<Value> {
    let (status, out) = query(server, who, nsid, params).await?;
    anyhow::ensure!(status == StatusCode::OK, "{} {nsid} {params:?}: {status} {out}", who.name);
    Ok(out)
}

/// Checks an XRPC error response: its status, a JSON body with this `error`
/// name and a message; returns the message.
pub async fn expect_error(
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
