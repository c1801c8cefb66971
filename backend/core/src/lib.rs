//! Shared server infrastructure of Exosphere.
//!
//! Everything a module may use lives here: configuration, the SQLite pool and
//! migration runner, the XRPC plumbing and its single error type, the Lexicon
//! types generated from `lexicons/`, and the [`Module`] trait that every
//! module crate implements. Modules depend on this crate only.

pub mod accounts;
pub mod auth;
pub mod config;
pub mod context;
pub mod db;
pub mod health;
pub mod identity;
pub mod ids;
pub mod instance;
pub mod lexicon;
pub mod limits;
pub mod markdown;
pub mod mcp;
pub mod metrics;
pub mod module;
pub mod notifications;
pub mod outbound;
pub mod pds;
mod private_files;
pub mod profiles;
pub mod read;
pub mod routes;
pub mod sphere;
pub mod telemetry;
pub mod webhooks;
pub mod write;
pub mod xrpc;

pub use config::Config;
pub use context::AppContext;
pub use db::Db;
pub use module::{
    ActivityQuery, Collection, Content, Gated, IndexOutcome, Module, RecordEvent, RecordOp, Role, Source,
};
pub use xrpc::{Caller, Error, XrpcContext, XrpcResult};

/// The server's version, as reported by `/xrpc/_health`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
