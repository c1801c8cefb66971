//! XRPC plumbing: the error type, query-string parsing, and the request
//! helpers that the generated route table calls.

pub mod cache;
mod error;
mod params;
pub mod queries;
pub mod serve;

pub use error::{Error, ErrorKind, XrpcResult};
pub use params::QueryPairs;
pub use serve::{
    Caller, XrpcContext, method_not_allowed, method_not_implemented, resource, serve_procedure,
    serve_procedure_no_output, serve_query,
};
