//! XRPC methods served by core itself: `site.exosphere.auth.*`,
//! `site.exosphere.sphere.*`, `site.exosphere.instance.*`,
//! `site.exosphere.markdown.*`, `site.exosphere.notification.*` and
//! `site.exosphere.webhook.*`, the Sphere's Atom feeds and people's
//! avatars.

use std::sync::Arc;

use actix_web::web::ServiceConfig;

use crate::lexicon::site::exosphere::{auth, instance, markdown, notification, sphere, webhook};
use crate::xrpc::Answer;
use crate::{XrpcContext, XrpcResult};

/// Mounts core's XRPC groups.
pub fn configure(cfg: &mut ServiceConfig) {
    crate::auth::routes::configure(cfg);
    auth::configure(cfg, Arc::new(AuthApi));
    sphere::configure(cfg, Arc::new(crate::sphere::SphereApi));
    markdown::configure(cfg, Arc::new(MarkdownApi));
    instance::configure(cfg, Arc::new(crate::instance::api::InstanceApi));
    webhook::configure(cfg, Arc::new(crate::webhooks::api::WebhookApi));
    notification::configure(cfg, Arc::new(crate::notifications::api::NotificationApi));
    crate::sphere::activity::configure(cfg);
    crate::profiles::avatar::configure(cfg);
    crate::mcp::configure(cfg);
}

struct AuthApi;

impl auth::Handlers for AuthApi {
    async fn get_session(
        &self,
        ctx: &XrpcContext,
        _params: auth::get_session::Params,
    ) -> XrpcResult<Answer<auth::get_session::Output>> {
        Ok(match ctx.viewer().await? {
            Some(viewer) => {
                let did = viewer.did.clone();
                let person = ctx.app()?.db.read(move |c| crate::profiles::actor(c, &did)).await?;
                auth::get_session::Output {
                    logged_in: true,
                    did: Some(viewer.did),
                    handle: viewer.handle,
                    display_name: person.display_name,
                    avatar: person.avatar,
                }
            }
            None => auth::get_session::Output {
                logged_in: false,
                did: None,
                handle: None,
                display_name: None,
                avatar: None,
            },
        }
        .into())
    }

    async fn create_token(
        &self,
        ctx: &XrpcContext,
        input: auth::create_token::Input,
    ) -> XrpcResult<auth::create_token::Output> {
        let viewer = signed_in_browser(ctx).await?;
        let (token, info) = crate::auth::tokens::create(
            &ctx.app()?.db,
            &viewer.did,
            &input.name,
            &input.access,
            input.expires_in_days,
        )
        .await?;
        Ok(auth::create_token::Output { token, info })
    }

    async fn list_tokens(
        &self,
        ctx: &XrpcContext,
        _params: auth::list_tokens::Params,
    ) -> XrpcResult<Answer<auth::list_tokens::Output>> {
        let viewer = signed_in_browser(ctx).await?;
        Ok(auth::list_tokens::Output {
            tokens: crate::auth::tokens::list(&ctx.app()?.db, &viewer.did).await?,
        }
        .into())
    }

    async fn revoke_token(&self, ctx: &XrpcContext, input: auth::revoke_token::Input) -> XrpcResult<()> {
        let viewer = signed_in_browser(ctx).await?;
        crate::auth::tokens::revoke(&ctx.app()?.db, &viewer.did, &input.id).await
    }
}

/// The viewer of a browser session: tokens are managed from one, never with a token.
async fn signed_in_browser(ctx: &XrpcContext) -> XrpcResult<crate::auth::Viewer> {
    match ctx.authenticated().await? {
        Some((viewer, crate::xrpc::Credential::Cookie)) => Ok(viewer),
        Some(_) => Err(crate::xrpc::Error::named(
            crate::xrpc::ErrorKind::Forbidden,
            "SignInRequired",
            "access tokens are managed from a browser session, not with a token",
        )),
        None => Err(crate::xrpc::Error::auth_required()),
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
