//! XRPC queries callable in-process: the same handler code as the HTTP
//! routes, with no HTTP hop. The generated `configure` functions register
//! every query they mount; server rendering prefetches a page's data
//! through [`call`] with the visitor's own request (so the same session and
//! access rules apply).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock, RwLock};

use serde::Serialize;

use super::{Error, ErrorKind, QueryPairs, XrpcContext, XrpcResult};
use crate::lexicon::{FromQuery, Validate};

/// A query's answer, encoded: the JSON text its HTTP route answers with.
pub type QueryFuture = Pin<Box<dyn Future<Output = XrpcResult<String>>>>;
/// A registered query.
pub type QueryFn = Arc<dyn Fn(XrpcContext, QueryPairs) -> QueryFuture + Send + Sync>;

fn table() -> &'static RwLock<HashMap<&'static str, QueryFn>> {
    static TABLE: OnceLock<RwLock<HashMap<&'static str, QueryFn>>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Registers a query (handlers are stateless: registering again replaces it with an equal one).
pub fn register(nsid: &'static str, query: QueryFn) {
    if let Ok(mut table) = table().write() {
        table.insert(nsid, query);
    }
}

/// Calls a query by NSID with an encoded query string (`a=1&b=x`), as if it
/// came over HTTP on `ctx`'s request: parameters are parsed and validated first.
pub async fn call(ctx: XrpcContext, nsid: &str, query: &str) -> XrpcResult<String> {
    let found = table().read().ok().and_then(|t| t.get(nsid).cloned());
    let Some(query_fn) = found else {
        return Err(Error::new(
            ErrorKind::MethodNotImplemented,
            format!("{nsid} is not a query this server has"),
        ));
    };
    query_fn(ctx, QueryPairs::parse(query)).await
}

/// Parses and validates the parameters, runs the handler, encodes its output
/// as its HTTP route does (no `Value` tree between: a page's data is tens of
/// kilobytes, and server rendering hands it on as a string).
pub async fn run<P, O, F, Fut>(ctx: XrpcContext, query: &QueryPairs, handler: F) -> XrpcResult<String>
where
    P: FromQuery + Validate,
    O: Serialize,
    F: FnOnce(XrpcContext, P) -> Fut,
    Fut: Future<Output = XrpcResult<O>>,
{
    let params = P::from_query(query)?;
    params.validate()?;
    let output = handler(ctx, params).await?;
    super::serve::encode(&output)
}
