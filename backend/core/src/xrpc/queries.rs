//! XRPC queries called in-process (see [`super::methods`]): server rendering
//! prefetches a page's data through [`call`] with the visitor's own request
//! (so the same session and access rules apply).

use std::future::Future;

use serde::Serialize;

use super::{Error, ErrorKind, QueryPairs, XrpcContext, XrpcResult};
use crate::lexicon::{FromQuery, Validate};

/// Calls a query by NSID with an encoded query string (`a=1&b=x`), as if it
/// came over HTTP on `ctx`'s request: parameters are parsed and validated first.
pub async fn call(ctx: XrpcContext, nsid: &str, query: &str) -> XrpcResult<String> {
    match super::methods::find(nsid).map(|m| m.call) {
        Some(super::methods::Call::Query(query_fn)) => query_fn(ctx, QueryPairs::parse(query)).await,
        _ => {
            Err(Error::new(ErrorKind::MethodNotImplemented, format!("{nsid} is not a query this server has")))
        }
    }
}

/// Parses and validates the parameters, runs the handler, encodes its output
/// as its HTTP route does (no `Value` tree between: a page's data is tens of
/// kilobytes, and server rendering hands it on as a string).
pub async fn run<P, O, F, Fut>(ctx: XrpcContext, query: &QueryPairs, handler: F) -> XrpcResult<String>
where
    P: FromQuery + Validate,
    O: Serialize,
    F: FnOnce(XrpcContext, P) -> Fut,
    Fut: Future<Output = XrpcResult<super::Answer<O>>>,
{
    let params = P::from_query(query)?;
    params.validate()?;
    handler(ctx, params).await?.into_json()
}
