//! Every XRPC method, callable in-process: the same handler code as its
//! HTTP route, with no HTTP hop. The generated `configure` functions
//! register each method they mount, with what its Lexicon says of it (its
//! description and the JSON Schemas of its input and output). Server
//! rendering prefetches a page's queries through [`crate::xrpc::queries::call`],
//! and the MCP endpoint ([`crate::mcp`]) offers every method as a tool.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock, RwLock};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{QueryPairs, XrpcContext, XrpcResult};
use crate::lexicon::Validate;

/// JSON input of an in-process procedure call.
pub type Json = serde_json::Value;
/// A method's answer, encoded: the JSON text its HTTP route answers with.
pub type CallFuture = Pin<Box<dyn Future<Output = XrpcResult<String>>>>;

/// How a method is called in-process.
#[derive(Clone)]
pub enum Call {
    /// A query, with its parameters as a query string would carry them.
    Query(Arc<dyn Fn(XrpcContext, QueryPairs) -> CallFuture + Send + Sync>),
    /// A procedure, with its JSON input.
    Procedure(Arc<dyn Fn(XrpcContext, Json) -> CallFuture + Send + Sync>),
}

/// A registered method.
#[derive(Clone)]
pub struct Method {
    pub nsid: &'static str,
    /// The module whose method it is (`None`: core's).
    pub module: Option<&'static str>,
    pub description: &'static str,
    /// JSON Schema of its parameters (queries) or input (procedures).
    pub input_schema: &'static str,
    /// JSON Schema of its output, if it has one.
    pub output_schema: Option<&'static str>,
    pub call: Call,
}

impl Method {
    /// Whether it is a query (reads only).
    pub fn is_query(&self) -> bool {
        matches!(self.call, Call::Query(_))
    }
}

fn table() -> &'static RwLock<BTreeMap<&'static str, Method>> {
    static TABLE: OnceLock<RwLock<BTreeMap<&'static str, Method>>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Registers a method (handlers are stateless: registering again replaces it with an equal one).
pub fn register(method: Method) {
    if let Ok(mut table) = table().write() {
        table.insert(method.nsid, method);
    }
}

/// The method of an NSID, if this process registered one.
pub fn find(nsid: &str) -> Option<Method> {
    table().read().ok().and_then(|t| t.get(nsid).cloned())
}

/// Every registered method, by NSID.
pub fn all() -> Vec<Method> {
    table().read().map(|t| t.values().cloned().collect()).unwrap_or_default()
}

/// Decodes and validates a procedure's JSON input as its HTTP route does
/// (the same errors), runs the handler, encodes its output (`null` for a
/// procedure without one).
pub async fn run_procedure<I, O, F, Fut>(ctx: XrpcContext, input: Json, handler: F) -> XrpcResult<String>
where
    I: DeserializeOwned + Validate,
    O: Serialize,
    F: FnOnce(XrpcContext, I) -> Fut,
    Fut: Future<Output = XrpcResult<O>>,
{
    let bytes = serde_json::to_vec(&input).map_err(super::Error::internal)?;
    let input: I = super::serve::decode_json(&bytes)?;
    input.validate()?;
    let output = handler(ctx, input).await?;
    super::answer::encode(&output)
}
