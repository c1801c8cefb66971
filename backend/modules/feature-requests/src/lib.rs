//! The feature-request board: requests, votes, comments and statuses.
//!
//! This crate depends on `exosphere-core` only. Its XRPC methods are mounted
//! from the generated `site.exosphere.featureRequest` route table; the
//! handlers, tables and indexing arrive with the feature-request issue, and
//! until then each method validates its input and answers 501.

use std::sync::Arc;

use actix_web::web::ServiceConfig;
use exosphere_core::lexicon::site::exosphere::feature_request;
use exosphere_core::{AppContext, Module};

/// The module value the app registers.
pub struct FeatureRequests;

impl Module for FeatureRequests {
    fn name(&self) -> &'static str {
        "feature-requests"
    }

    fn configure(&self, cfg: &mut ServiceConfig, ctx: &AppContext) {
        feature_request::configure(cfg, Arc::new(Api { _ctx: ctx.clone() }));
    }
}

struct Api {
    _ctx: AppContext,
}

impl feature_request::Handlers for Api {}
