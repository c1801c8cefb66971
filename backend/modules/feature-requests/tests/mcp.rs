//! AI agents over MCP: a real MCP client (the official Python SDK) lists the
//! tools generated from the Lexicons and calls the board's methods with
//! personal access tokens, against a server on a real local PDS.

mod common;

use common::world::World;
use common::xrpc::{get, ok, procedure};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn tool<'a>(listed: &'a Value, name: &str) -> Option<&'a Value> {
    listed["tools"].as_array()?.iter().find(|t| t["name"] == name)
}

fn names(listed: &Value) -> Vec<String> {
    listed["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn an_mcp_client_lists_the_lexicons_tools_and_calls_them_with_access_tokens() -> anyhow::Result<()> {
    let w = World::new().await?;
    w.sphere("pub", "public", "members").await?;
    w.sphere("priv", "private", "members").await?;
    // A Sphere that runs no module: the board's tools are refused there.
    ok(
        &w.server,
        &w.alice,
        "site.exosphere.sphere.createSphere",
        json!({ "name": "Bare", "slug": "bare", "visibility": "public", "writeMode": "open", "modules": [] }),
    )
    .await?;
    let s = &w.server;
    let create = |name: &str, access: &str| {
        ok(
            s,
            &w.carol,
            "site.exosphere.auth.createToken",
            json!({ "name": name, "access": access, "expiresInDays": 30 }),
        )
    };
    let write = create("agent", "write").await?;
    let read = create("reader", "read").await?;
    let revoked = create("old laptop", "write").await?;
    let token = |created: &Value| created["token"].as_str().unwrap_or_default().to_owned();
    let (write, read, revoked_id, revoked) =
        (token(&write), token(&read), revoked["info"]["id"].clone(), token(&revoked));
    assert!(write.starts_with("exo_") && write.len() > 40, "{write}");
    ok(s, &w.carol, "site.exosphere.auth.revokeToken", json!({ "id": revoked_id })).await?;
    let listed = get(s, &w.carol, "site.exosphere.auth.listTokens", &[]).await?;
    let kept: Vec<&str> =
        listed["tokens"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(kept, ["reader", "agent"], "newest first, the revoked one gone: {listed}");

    let url = s.url("/mcp");
    let results = common::mcp_run(&url, json!([
        { "token": write, "action": "list" },
        { "token": null, "action": "list" },
        { "token": read, "action": "list" },
        { "token": write, "action": "call", "tool": "sphere_getSphere", "arguments": { "sphere": "pub" } },
        { "token": write, "action": "call", "tool": "featureRequest_createRequest",
          "arguments": { "sphere": "priv", "title": "Filed by an agent", "description": "Over MCP" } },
        { "token": write, "action": "call", "tool": "featureRequest_listRequests", "arguments": { "sphere": "priv", "limit": 5 } },
        { "token": read, "action": "call", "tool": "featureRequest_createRequest", "arguments": { "sphere": "priv", "title": "Nope" } },
        { "token": revoked, "action": "list" },
        { "token": write, "action": "call", "tool": "featureRequest_listRequests", "arguments": { "sphere": "bare" } },
        { "token": write, "action": "call", "tool": "featureRequest_createRequest", "arguments": { "sphere": "priv" } },
    ])).await?;
    let [full, anonymous, reader, sphere, created, listed, refused, gone, disabled, invalid] = &results[..]
    else {
        anyhow::bail!("one result per step: {results:?}");
    };

    // The tools are the Lexicons' methods: names, descriptions and schemas from them.
    assert_eq!(full["protocol"], "2025-11-25", "{full}");
    let list = tool(full, "featureRequest_listRequests")
        .ok_or_else(|| anyhow::anyhow!("no listRequests: {:?}", names(full)))?;
    assert_eq!(list["readOnly"], true);
    assert!(list["description"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(list["inputSchema"]["required"], json!(["sphere"]), "{list}");
    assert_eq!(list["inputSchema"]["properties"]["limit"]["maximum"], 100);
    assert_eq!(list["outputSchema"]["type"], "object");
    let write_tool =
        tool(full, "featureRequest_createRequest").ok_or_else(|| anyhow::anyhow!("no createRequest"))?;
    assert_eq!(write_tool["readOnly"], false);
    assert!(write_tool["inputSchema"]["properties"]["title"].is_object(), "{write_tool}");
    assert!(tool(full, "sphere_indexRecord").is_some() && tool(full, "auth_getSession").is_some());
    assert!(tool(full, "auth_createToken").is_none(), "tokens are managed from a browser session only");
    for (who, listed) in [("anonymous", anonymous), ("a read-only token", reader)] {
        assert!(tool(listed, "featureRequest_listRequests").is_some(), "{who}");
        assert!(
            tool(listed, "featureRequest_createRequest").is_none(),
            "{who} gets no procedures: {:?}",
            names(listed)
        );
    }

    // A query and a procedure run the methods' own handlers, as carol.
    assert_eq!(sphere["isError"], false, "{sphere}");
    assert_eq!(sphere["structured"]["sphere"]["viewer"]["role"], "member", "{sphere}");
    assert_eq!(created["isError"], false, "{created}");
    assert_eq!(created["structured"]["request"]["author"]["did"], w.carol.did.as_str(), "{created}");
    assert_eq!(listed["structured"]["requests"][0]["title"], "Filed by an agent", "{listed}");
    let by_cookie =
        get(s, &w.carol, "site.exosphere.featureRequest.listRequests", &[("sphere", "priv"), ("limit", "5")])
            .await?;
    assert_eq!(listed["structured"], by_cookie, "the same answer as the XRPC method's");

    // Refusals, each by name.
    assert_eq!(refused["isError"], true, "{refused}");
    assert!(refused["text"].as_str().is_some_and(|t| t.contains("ReadOnlyToken")), "{refused}");
    assert!(gone["failed"].as_str().is_some(), "a revoked token opens no session: {gone}");
    assert_eq!(disabled["isError"], true);
    assert!(disabled["text"].as_str().is_some_and(|t| t.contains("ModuleDisabled")), "{disabled}");
    assert!(
        invalid["text"].as_str().is_some_and(|t| t.contains("InvalidRequest") && t.contains("title")),
        "{invalid}"
    );

    // XRPC takes the same tokens: scripts can use them.
    let call = |token: &str, nsid: &str, body: Value| {
        s.client.post(s.url(&format!("/xrpc/{nsid}"))).bearer_auth(token.to_owned()).json(&body).send()
    };
    let response = call(
        &write,
        "site.exosphere.featureRequest.createRequest",
        json!({ "sphere": "priv", "title": "By script" }),
    )
    .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let response = call(
        &read,
        "site.exosphere.featureRequest.createRequest",
        json!({ "sphere": "priv", "title": "By script" }),
    )
    .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.json::<Value>().await?["error"], "ReadOnlyToken");
    let response = call(
        &revoked,
        "site.exosphere.featureRequest.createRequest",
        json!({ "sphere": "priv", "title": "x" }),
    )
    .await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.json::<Value>().await?["error"], "InvalidToken");
    let read_with_token =
        s.client.get(s.url("/xrpc/site.exosphere.auth.getSession")).bearer_auth(&read).send().await?;
    assert_eq!(read_with_token.json::<Value>().await?["did"], w.carol.did.as_str());
    // A token can't manage tokens; the list says when each was last used.
    let response =
        call(&write, "site.exosphere.auth.createToken", json!({ "name": "more", "access": "write" })).await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.json::<Value>().await?["error"], "SignInRequired");
    let listed = get(s, &w.carol, "site.exosphere.auth.listTokens", &[]).await?;
    assert!(
        listed["tokens"].as_array().into_iter().flatten().all(|t| t["lastUsedAt"].is_string()),
        "{listed}"
    );
    // Another site's page can't drive the endpoint from a browser.
    let response = s
        .client
        .post(&url)
        .header("origin", "https://evil.example")
        .bearer_auth(&write)
        .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" }))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, _) = procedure(
        s,
        &common::xrpc::Caller::anonymous(),
        "site.exosphere.auth.createToken",
        json!({ "name": "x", "access": "read" }),
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    w.server.stop().await;
    Ok(())
}
