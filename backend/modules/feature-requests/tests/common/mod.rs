//! The board's tests: the server through the test kit, and the board's own
//! fixtures (index dumps, a load driver, synthetic Jetstream traffic).

#![allow(dead_code, unused_imports)]

pub mod dump;
pub mod load;
pub mod workload;

pub use exosphere_testkit::mcp::run as mcp_run;
pub use exosphere_testkit::server::*;
pub use exosphere_testkit::{world, xrpc};
