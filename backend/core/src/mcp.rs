//! `/mcp`: the Model Context Protocol over streamable HTTP, for AI agents.
//!
//! Every XRPC method this server mounts is a tool, described by its own
//! Lexicon (see [`crate::xrpc::methods`]): the name is the NSID without
//! `site.exosphere.` and with `_` for `.`, the description, `inputSchema`
//! and `outputSchema` are generated from the Lexicon, queries carry
//! `readOnlyHint`. A call runs the method's handler in-process, with the
//! same validation, access rules (`ModuleDisabled` where a Sphere does not
//! run the module) and write rate limit as its HTTP route.
//!
//! The transport is the small JSON-RPC 2.0 surface a tool server needs
//! (`initialize`, `ping`, `tools/list`, `tools/call`), answered as single
//! JSON responses on POST; there is no server-initiated stream (GET is 405)
//! and no session state. Written here rather than with the `rmcp` SDK:
//! rmcp's HTTP transport is built on axum/tower, which would bring a
//! second HTTP stack and listener beside actix-web for four methods.
//!
//! Callers authenticate with a personal access token (`Authorization:
//! Bearer exo_…`); without one they get the read-only tools, on public
//! data. Browser cookies are never used here, and a request whose `Origin`
//! is not this server's is refused (DNS-rebinding protection, as the MCP
//! specification asks).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::AppContext;
use crate::auth::tokens;
use crate::xrpc::methods::{self, Call, Method};
use crate::xrpc::{Credential, Error, ErrorKind, QueryPairs, XrpcContext, bearer_token};

/// Protocol versions this server speaks, newest first.
const VERSIONS: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];
/// Methods that are not tools: tokens are managed from a browser session.
const NOT_TOOLS: [&str; 3] =
    ["site.exosphere.auth.createToken", "site.exosphere.auth.listTokens", "site.exosphere.auth.revokeToken"];

/// Mounts `/mcp`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/mcp")
            .route(web::post().to(post))
            .default_service(web::to(|| async {
                HttpResponse::MethodNotAllowed()
                    .insert_header((header::ALLOW, "POST"))
                    .json(json!({ "error": "MethodNotAllowed", "message": "this MCP server answers POST only (no event stream)" }))
            })),
    );
}

/// A tool's name for a method's NSID.
pub fn tool_name(nsid: &str) -> String {
    nsid.strip_prefix("site.exosphere.").unwrap_or(nsid).replace('.', "_")
}

/// Who is calling, from their access token (`None`: anonymous).
struct Session {
    holder: Option<tokens::TokenHolder>,
}

impl Session {
    fn may_call(&self, method: &Method) -> bool {
        method.is_query() || self.holder.as_ref().is_some_and(|h| h.write)
    }
}

fn rpc_error(id: &Value, code: i64, message: impl Into<String>) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message.into() } })
}

fn rpc_result(id: &Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

fn http_error(error: &Error) -> HttpResponse {
    actix_web::ResponseError::error_response(error)
}

async fn post(req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let Some(app) = req.app_data::<web::Data<AppContext>>().cloned() else {
        return http_error(&Error::internal(anyhow::anyhow!("AppContext is not registered")));
    };
    if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let ours = reqwest::Url::parse(&app.config.public_url).map(|u| u.origin().ascii_serialization());
        if ours.as_deref() != Ok(origin) {
            return http_error(&Error::forbidden(format!("requests from {origin} are not accepted here")));
        }
    }
    if let Some(version) = req.headers().get("mcp-protocol-version").and_then(|v| v.to_str().ok())
        && !VERSIONS.contains(&version)
    {
        return http_error(&Error::invalid_request(format!(
            "unsupported MCP-Protocol-Version {version}; this server speaks {}",
            VERSIONS.join(", ")
        )));
    }
    let holder = match bearer_token(&req) {
        Some(token) if token.starts_with(tokens::PREFIX) => {
            match tokens::authenticate(&app.db, token).await {
                Ok(holder) => Some(holder),
                Err(e) => return http_error(&e),
            }
        }
        Some(_) => {
            return http_error(&Error::named(
                ErrorKind::AuthRequired,
                "InvalidToken",
                "MCP takes a personal access token (exo_…), created on your account page",
            ));
        }
        None => None,
    };
    // Every tool call of this request acts as the token's holder, never a cookie's.
    crate::xrpc::serve::assume_viewer(
        &req,
        holder.as_ref().map(|h| (h.viewer.clone(), Credential::AccessToken { write: h.write })),
    );
    let session = Session { holder };
    let message: Value = match serde_json::from_slice(&body) {
        Ok(message) => message,
        Err(e) => {
            return HttpResponse::BadRequest().json(rpc_error(
                &Value::Null,
                -32700,
                format!("parse error: {e}"),
            ));
        }
    };
    let (Some(method), id) = (message.get("method").and_then(Value::as_str), message.get("id").cloned())
    else {
        // A response or something else that is no request: nothing to answer.
        return HttpResponse::Accepted().finish();
    };
    let Some(id) = id else {
        // A notification (`notifications/initialized`, `notifications/cancelled`): acknowledged.
        return HttpResponse::Accepted().finish();
    };
    let params = message.get("params").cloned().unwrap_or(Value::Null);
    let answer = match method {
        "initialize" => rpc_result(&id, initialize(&params)),
        "ping" => rpc_result(&id, json!({})),
        "tools/list" => rpc_result(&id, json!({ "tools": tools(&app, &session) })),
        "tools/call" => call(&req, &app, &session, &id, &params).await,
        other => rpc_error(&id, -32601, format!("method not found: {other}")),
    };
    HttpResponse::Ok().json(answer)
}

fn initialize(params: &Value) -> Value {
    let asked = params.get("protocolVersion").and_then(Value::as_str).unwrap_or_default();
    let version = VERSIONS.iter().find(|v| **v == asked).unwrap_or(&VERSIONS[0]);
    json!({
        "protocolVersion": version,
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": { "name": "exosphere", "title": "Exosphere", "version": env!("CARGO_PKG_VERSION") },
        "instructions": "Tools of an Exosphere server: community Spheres, each running a set of modules (see sphere_getSphere). Most tools take `sphere` (a Sphere's slug); list them with sphere_listSpheres. Queries read; the other tools write as the token's owner.",
    })
}

/// The methods that are tools: this server's (its modules'), without token management.
fn registered(app: &AppContext) -> impl Iterator<Item = Method> + '_ {
    methods::all()
        .into_iter()
        .filter(|m| !NOT_TOOLS.contains(&m.nsid))
        .filter(|m| m.module.is_none_or(|name| app.registry.module(name).is_some()))
}

/// The tools a caller is offered: only queries for anonymous callers and read-only tokens.
fn tools(app: &AppContext, session: &Session) -> Vec<Value> {
    registered(app)
        .filter(|m| session.may_call(m))
        .map(|m| {
            let mut tool = json!({
                "name": tool_name(m.nsid),
                "title": m.nsid,
                "description": m.description,
                "inputSchema": serde_json::from_str::<Value>(m.input_schema).unwrap_or_else(|_| json!({ "type": "object" })),
                "annotations": { "readOnlyHint": m.is_query(), "openWorldHint": false },
            });
            // MCP wants an object schema for structured output; other outputs go as text only.
            if let Some(schema) = m.output_schema.and_then(|s| serde_json::from_str::<Value>(s).ok())
                && schema["type"] == "object"
            {
                tool["outputSchema"] = schema;
            }
            tool
        })
        .collect()
}

/// A query's arguments as the query string its HTTP route would get.
fn query_pairs(arguments: &Value) -> Result<QueryPairs, Error> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let Some(map) = arguments.as_object() else {
        return Ok(QueryPairs::parse(""));
    };
    let scalar = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => {
            Err(Error::invalid_request(format!("parameters are strings, numbers or booleans, not {other}")))
        }
    };
    for (name, value) in map {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    query.append_pair(name, &scalar(item)?);
                }
            }
            other => {
                query.append_pair(name, &scalar(other)?);
            }
        }
    }
    Ok(QueryPairs::parse(&query.finish()))
}

async fn call(req: &HttpRequest, app: &AppContext, session: &Session, id: &Value, params: &Value) -> Value {
    let name = params.get("name").and_then(Value::as_str).unwrap_or_default();
    let arguments = params.get("arguments").cloned().unwrap_or_else(|| json!({}));
    let Some(method) = registered(app).find(|m| tool_name(m.nsid) == name) else {
        return rpc_error(id, -32602, format!("unknown tool: {name}"));
    };
    if !session.may_call(&method) {
        let refusal = match &session.holder {
            Some(_) => crate::xrpc::serve::read_only(),
            None => Error::auth_required(),
        };
        return rpc_result(id, tool_error(&refusal));
    }
    let ctx = XrpcContext::new(req.clone());
    let answer = match &method.call {
        Call::Query(query) => match query_pairs(&arguments) {
            Ok(pairs) => query(ctx, pairs).await,
            Err(e) => Err(e),
        },
        Call::Procedure(procedure) => {
            let did = session.holder.as_ref().map(|h| h.viewer.did.as_str());
            match crate::xrpc::serve::limit_write_for(req, did) {
                Ok(()) => procedure(ctx, arguments).await,
                Err(e) => Err(e),
            }
        }
    };
    match answer {
        Ok(text) => {
            let structured = serde_json::from_str::<Value>(&text).ok().filter(Value::is_object);
            let text = if text == "null" { "{}".to_owned() } else { text };
            let mut result = json!({ "content": [{ "type": "text", "text": text }], "isError": false });
            if let Some(structured) = structured.filter(|_| method.output_schema.is_some()) {
                result["structuredContent"] = structured;
            }
            rpc_result(id, result)
        }
        Err(e) => {
            tracing::debug!(tool = name, error = %e, "MCP tool call refused");
            rpc_result(id, tool_error(&e))
        }
    }
}

/// A tool call that failed: the XRPC error, as the tool's result (MCP
/// reports errors of the call itself this way, so the agent can read them).
fn tool_error(e: &Error) -> Value {
    let body = json!({ "error": e.name(), "message": e.message() });
    json!({ "content": [{ "type": "text", "text": body.to_string() }], "isError": true })
}
