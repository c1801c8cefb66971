//! The `exosphere` binary's library: the module registry, the HTTP server
//! and the command line. Kept as a library so integration tests can start
//! the real server in-process.

pub mod cli;
pub mod modules;
pub mod server;
pub mod ssr;
pub mod web;
