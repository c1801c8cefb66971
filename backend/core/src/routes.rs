//! XRPC methods served by core itself: `site.exosphere.auth.*`,
//! `site.exosphere.sphere.*`, `site.exosphere.instance.*` and
//! `site.exosphere.markdown.*`, and the Sphere's Atom feeds.

use std::sync::Arc;

use actix_web::web::ServiceConfig;

use crate::lexicon::site::exosphere::{auth, instance, markdown, sphere};
use crate::{XrpcContext, XrpcResult};

/// Mounts core's XRPC groups.
pub fn configure(cfg: &mut ServiceConfig) {
    crate::auth::routes::configure(cfg);
    auth::configure(cfg, Arc::new(AuthApi));
    sphere::configure(cfg, Arc::new(crate::sphere::SphereApi));
    markdown::configure(cfg, Arc::new(MarkdownApi));
    instance::configure(cfg, Arc::new(crate::instance::api::InstanceApi));
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

struct MarkdownApi;

impl markdown::Handlers for MarkdownApi {
    async fn render(
        &self,
        _ctx: &XrpcContext,
        input: markdown::render::Input,
    ) -> XrpcResult<markdown::render::Output> {
        // The lexicon keeps headingBase within 1-6.
        let base = u8::try_from(input.heading_base).unwrap_or(2);
        Ok(markdown::render::Output { html: crate::markdown::render(&input.text, base) })
    }
}
