//! XRPC methods served by core itself: `site.exosphere.auth.*` and
//! `site.exosphere.sphere.*`.

use std::sync::Arc;

use actix_web::web::ServiceConfig;

use crate::lexicon::site::exosphere::{auth, sphere};
use crate::{AppContext, XrpcContext, XrpcResult};

/// Mounts core's XRPC groups.
pub fn configure(cfg: &mut ServiceConfig, ctx: &AppContext) {
    auth::configure(cfg, Arc::new(AuthApi));
    sphere::configure(cfg, Arc::new(SphereApi { _ctx: ctx.clone() }));
}

struct AuthApi;

impl auth::Handlers for AuthApi {
    async fn get_session(
        &self,
        _ctx: &XrpcContext,
        _params: auth::get_session::Params,
    ) -> XrpcResult<auth::get_session::Output> {
        // Sign-in arrives with AT Protocol OAuth; until then every viewer is anonymous.
        Ok(auth::get_session::Output { logged_in: false, did: None, handle: None })
    }
}

/// Spheres, membership and moderation: methods are implemented with the
/// Spheres issue; until then they answer 501 after validating their input.
struct SphereApi {
    _ctx: AppContext,
}

impl sphere::Handlers for SphereApi {}
