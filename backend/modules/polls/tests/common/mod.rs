//! Polls' tests run the server through the test kit.

#![allow(dead_code, unused_imports)]

pub use exosphere_testkit::server::*;
pub use exosphere_testkit::{world, xrpc};
