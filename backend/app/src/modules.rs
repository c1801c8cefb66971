//! The one list of modules this build serves. The HTTP server and the
//! indexer both take it from here, so adding a module is one line.

use std::sync::Arc;

use exosphere_core::module::{Registry, RegistryError};

/// Every module of this build.
pub fn registry() -> Result<Registry, RegistryError> {
    Registry::new(vec![
        Arc::new(exosphere_feature_requests::FeatureRequests),
        Arc::new(exosphere_discussions::Discussions),
        Arc::new(exosphere_polls::Polls),
    ])
}
