//! XRPC methods served by core itself: `site.exosphere.auth.*` and
//! `site.exosphere.sphere.*`, and the Sphere's Atom feeds.

use std::sync::Arc;

use actix_web::web::ServiceConfig;

use crate::lexicon::site::exosphere::{auth, sphere};
use crate::{XrpcContext, XrpcResult};

/// Mounts core's XRPC groups.
pub fn configure(cfg: &mut ServiceConfig) {
    crate::auth::routes::configure(cfg);
    auth::configure(cfg, Arc::new(AuthApi));
    sphere::configure(cfg, Arc::new(crate::sphere::SphereApi));
    crate::sphere::activity::configure(cfg);
}

struct AuthApi;

impl auth::Handlers for AuthApi {
    async fn get_session(
        &self,
        ctx: &XrpcContext,
        _params: auth::get_session::Params,
    ) -> XrpcResult<auth::get_session::Output> {
        Ok(match ctx.viewer().await? {
            Some(viewer) => {
                auth::get_session::Output { logged_in: true, did: Some(viewer.did), handle: viewer.handle }
            }
            None => auth::get_session::Output { logged_in: false, did: None, handle: None },
        })
    }
}
