//! The `exosphere` binary's library: the module registry, the HTTP server
//! and the command line. Kept as a library so integration tests can start
//! the real server in-process.

pub mod cli;
pub mod headers;
pub mod modules;
pub mod server;
pub mod ssr;
pub mod web;

/// The allocator of every program linking the server (the binary, its tests
/// and benches alike): a request allocates and frees many small objects
/// (rows, views, JSON), which glibc's allocator spent a sixth of the
/// server's time on under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
