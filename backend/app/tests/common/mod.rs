//! The app's tests run the server through the test kit (shared with the module crates).

#![allow(unused_imports)]

pub use exosphere_testkit::server::*;
pub use exosphere_testkit::{world, xrpc};
