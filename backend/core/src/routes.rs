//! XRPC methods served by core itself: `site.exosphere.auth.*` and
//! `site.exosphere.sphere.*`.

use std::sync::Arc;

use actix_web::web::ServiceConfig;

use crate::lexicon::site::exosphere::{auth, sphere};
use crate::{AppContext, XrpcContext, XrpcResult};

/// Mounts core's XRPC groups.
pub fn configure(cfg: &mut ServiceConfig, ctx: &AppContext) {
    crate::auth::routes::configure(cfg);
    auth::configure(cfg, Arc::new(AuthApi));
    sphere::configure(cfg, Arc::new(SphereApi { _ctx: ctx.clone() }));
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

/// Spheres, membership and moderation: methods are implemented with the
/// Spheres issue; until then they answer 501 after validating their input.
struct SphereApi {
    _ctx: AppContext,
}

impl sphere::Handlers for SphereApi {}
