//! The `site.exosphere.instance.*` XRPC methods.

use diesel::sqlite::SqliteConnection;
use rand::RngCore;

use super::require_admin;
use super::store::{self, CreatorRow, InviteRow};
use crate::lexicon::site::exosphere::instance::defs::{ContentCount, CreatorView, InviteView, SphereSummary};
use crate::lexicon::site::exosphere::instance::{self as api, Handlers};
use crate::sphere::store::{Listing, SphereRow};
use crate::sphere::{self, Access, sphere_not_found};
use crate::xrpc::{Answer, Error, ErrorKind, XrpcContext, XrpcResult, page, split_cursor, split_id_cursor};
use crate::{AppContext, module::Registry};

/// Serves `site.exosphere.instance.*`.
pub struct InstanceApi;

fn creator_view(row: CreatorRow) -> CreatorView {
    CreatorView { did: row.did, handle: row.handle, granted_by: row.granted_by, granted_at: row.granted_at }
}

fn invite_view(row: InviteRow) -> InviteView {
    InviteView {
        code: row.code,
        note: row.note,
        created_by: row.created_by,
        created_at: row.created_at,
        used_by: row.used_by,
        used_at: row.used_at,
        sphere: row.sphere_uri,
    }
}

/// A new invite code: 80 random bits, in groups easy to read out.
fn new_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A Sphere as the instance's administrators see it.
fn summary(conn: &mut SqliteConnection, registry: &Registry, row: SphereRow) -> XrpcResult<SphereSummary> {
    // The row knows whether there is a standing; its reason and time are asked only then.
    let standing = match row.standing {
        Some(_) => store::standing(conn, &row.uri)?,
        None => None,
    };
    let mut content = Vec::new();
    for module in sphere::activity::enabled(registry, &row) {
        for (label, count) in module.content_counts(conn, row.id)? {
            content.push(ContentCount { module: module.name().to_owned(), label: label.to_owned(), count });
        }
    }
    let last_activity_at = sphere::activity::latest(conn, registry, &row)?;
    let access = Access { sphere: row, viewer: None, member: None };
    Ok(SphereSummary {
        sphere: sphere::api::sphere_view(conn, &access)?,
        standing: standing.as_ref().map_or_else(|| "listed".to_owned(), |s| s.standing.clone()),
        standing_reason: standing.as_ref().and_then(|s| s.reason.clone()),
        standing_set_at: standing.map(|s| s.set_at),
        content,
        last_activity_at,
    })
}

/// Starts re-reading a public Sphere from its PDSes: what the indexer
/// ignored while the Sphere was suspended comes back.
fn refresh(app: &AppContext, uri: &str) {
    match app.sphere_refresher.get() {
        Some(refresh) => {
            tokio::spawn(refresh(app.clone(), uri.to_owned()));
        }
        None => {
            tracing::warn!(
                uri,
                "no rebuild runs in this process: run `exosphere rebuild --sphere` for what was published while suspended"
            )
        }
    }
}

impl Handlers for InstanceApi {
    async fn get_instance(
        &self,
        ctx: &XrpcContext,
        _params: api::get_instance::Params,
    ) -> XrpcResult<Answer<api::get_instance::Output>> {
        let viewer = ctx.viewer().await?;
        let app = ctx.app()?;
        let instance = app.instance.clone();
        app.db
            .read(move |c| {
                let viewer = match &viewer {
                    Some(v) => Some(instance.viewer_state(c, v)?),
                    None => None,
                };
                Ok(api::get_instance::Output {
                    sphere_creation: instance.creation.as_str().to_owned(),
                    needs_setup: !instance.has_admin(),
                    sphere_count: crate::sphere::store::count(c)?,
                    home_sphere: instance.home_sphere.clone(),
                    viewer,
                })
            })
            .await
            .map(Answer::from)
    }

    async fn list_spheres(
        &self,
        ctx: &XrpcContext,
        params: api::list_spheres::Params,
    ) -> XrpcResult<Answer<api::list_spheres::Output>> {
        require_admin(ctx).await?;
        let after = split_id_cursor(params.cursor.as_deref())?;
        let (limit, registry) = (params.limit, ctx.app()?.registry.clone());
        ctx.app()?
            .db
            .read(move |c| {
                let rows = crate::sphere::store::list_spheres(c, Listing::All, after, limit + 1)?;
                let (rows, cursor) = page(rows, limit, |r| format!("{}~{}", r.created_at, r.id));
                let spheres =
                    rows.into_iter().map(|row| summary(c, &registry, row)).collect::<XrpcResult<Vec<_>>>()?;
                Ok(api::list_spheres::Output { spheres, cursor })
            })
            .await
            .map(Answer::from)
    }

    async fn set_sphere_standing(
        &self,
        ctx: &XrpcContext,
        input: api::set_sphere_standing::Input,
    ) -> XrpcResult<api::set_sphere_standing::Output> {
        let admin = require_admin(ctx).await?;
        if !["listed", "hidden", "suspended"].contains(&input.standing.as_str()) {
            return Err(Error::invalid_request("standing: must be listed, hidden or suspended"));
        }
        let app = ctx.app()?;
        let registry = app.registry.clone();
        let (param, standing, reason) = (input.sphere.clone(), input.standing.clone(), input.reason.clone());
        let (was, public, summary) = app
            .db
            .write(move |c| {
                let row = crate::sphere::store::sphere_by_param(c, &param)?
                    .ok_or_else(|| sphere_not_found(&param))?;
                let was = row.standing.clone();
                store::set_standing(c, &row.uri, &standing, reason.as_deref(), &admin.did)?;
                let row = crate::sphere::store::sphere_by_uri(c, &row.uri)?
                    .ok_or_else(|| sphere_not_found(&param))?;
                Ok((was, row.is_public(), summary(c, &registry, row)?))
            })
            .await?;
        tracing::info!(sphere = %summary.sphere.uri, standing = %input.standing, "an instance administrator set a Sphere's standing");
        if was.as_deref() == Some("suspended") && input.standing != "suspended" && public {
            refresh(app, &summary.sphere.uri);
        }
        Ok(api::set_sphere_standing::Output { sphere: summary })
    }

    async fn list_creators(
        &self,
        ctx: &XrpcContext,
        params: api::list_creators::Params,
    ) -> XrpcResult<Answer<api::list_creators::Output>> {
        require_admin(ctx).await?;
        let after = split_cursor(params.cursor.as_deref())?;
        let limit = params.limit;
        ctx.app()?
            .db
            .read(move |c| {
                let rows = store::list_creators(c, after, limit + 1)?;
                let (rows, cursor) = page(rows, limit, |r| format!("{}~{}", r.granted_at, r.did));
                let creators = rows.into_iter().map(creator_view).collect();
                Ok(api::list_creators::Output { creators, cursor })
            })
            .await
            .map(Answer::from)
    }

    async fn grant_creation(
        &self,
        ctx: &XrpcContext,
        input: api::grant_creation::Input,
    ) -> XrpcResult<api::grant_creation::Output> {
        let admin = require_admin(ctx).await?;
        let app = ctx.app()?;
        let identity = app.identity.resolve(&input.account).await?;
        let (did, handle) = (identity.did.clone(), identity.handle.clone());
        let row = app
            .db
            .write(move |c| {
                crate::sphere::store::remember_handle(c, &did, handle.as_deref())?;
                store::grant_creator(c, &did, &admin.did)
            })
            .await?;
        Ok(api::grant_creation::Output { creator: creator_view(row) })
    }

    async fn revoke_creation(&self, ctx: &XrpcContext, input: api::revoke_creation::Input) -> XrpcResult<()> {
        require_admin(ctx).await?;
        let did = input.did.clone();
        if !ctx.app()?.db.write(move |c| store::revoke_creator(c, &did)).await? {
            return Err(Error::named(
                ErrorKind::NotFound,
                "CreatorNotFound",
                format!("{} has no right to create Spheres to revoke", input.did),
            ));
        }
        Ok(())
    }

    async fn create_invite_code(
        &self,
        ctx: &XrpcContext,
        input: api::create_invite_code::Input,
    ) -> XrpcResult<api::create_invite_code::Output> {
        let admin = require_admin(ctx).await?;
        let note = input.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        let row = ctx
            .app()?
            .db
            .write(move |c| store::create_invite(c, &new_code(), note.as_deref(), &admin.did))
            .await?;
        Ok(api::create_invite_code::Output { invite: invite_view(row) })
    }

    async fn list_invite_codes(
        &self,
        ctx: &XrpcContext,
        params: api::list_invite_codes::Params,
    ) -> XrpcResult<Answer<api::list_invite_codes::Output>> {
        require_admin(ctx).await?;
        let after = split_cursor(params.cursor.as_deref())?;
        let limit = params.limit;
        ctx.app()?
            .db
            .read(move |c| {
                let rows = store::list_invites(c, after, limit + 1)?;
                let (rows, cursor) = page(rows, limit, |r| format!("{}~{}", r.created_at, r.code));
                let invites = rows.into_iter().map(invite_view).collect();
                Ok(api::list_invite_codes::Output { invites, cursor })
            })
            .await
            .map(Answer::from)
    }

    async fn revoke_invite_code(
        &self,
        ctx: &XrpcContext,
        input: api::revoke_invite_code::Input,
    ) -> XrpcResult<()> {
        require_admin(ctx).await?;
        let code = input.code.trim().to_owned();
        if !ctx.app()?.db.write(move |c| store::revoke_invite(c, &code)).await? {
            return Err(Error::named(
                ErrorKind::NotFound,
                "InviteCodeNotFound",
                "no unused invite code like that exists (a used code stays, as a record of who used it)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_and_unambiguous() {
        let a = new_code();
        assert_eq!(a.len(), 19, "{a}");
        assert!(a.chars().all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"01ilo".contains(c))), "{a}");
        assert_ne!(a, new_code());
    }
}
