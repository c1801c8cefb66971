//! Calling XRPC methods as a signed-in (or anonymous) person.

use reqwest::StatusCode;
use serde_json::Value;

use super::TestServer;

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
