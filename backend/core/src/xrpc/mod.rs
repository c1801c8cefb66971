//! XRPC plumbing: the error type, query-string parsing, list pages and
//! their cursors, and the request helpers that the generated route table calls.

mod answer;
pub mod cache;
mod error;
pub mod methods;
mod page;
mod params;
pub mod queries;
pub mod serve;

pub use answer::{Answer, AnswerWriter, EncodedView, encode};
pub use error::{Error, ErrorKind, XrpcResult};
pub use page::{page, split_cursor, split_id_cursor};
pub use params::QueryPairs;
pub use serve::{
    Caller, Credential, XrpcContext, bearer_token, method_not_allowed, method_not_implemented, resource,
    serve_procedure, serve_procedure_no_output, serve_query,
};
