//! The `site.exosphere.sphere.*` XRPC methods.

use diesel::sqlite::SqliteConnection;

use super::access::{Access, Action};
use super::index::check_slug;
use super::store::{self, MemberRow, SphereRow};
use crate::instance::CreationRight;
use crate::lexicon::com::atproto::repo::strong_ref::StrongRef;
use crate::lexicon::site::exosphere::defs::ActorView;
use crate::lexicon::site::exosphere::sphere::defs::{MemberView, SphereView};
use crate::lexicon::site::exosphere::sphere::{self as api, Handlers};
use crate::lexicon::site::exosphere::{moderation, sphere_member, sphere_member_approval};
use crate::module::Registry;
use crate::write::{Placement, RecordWriter, now};
use crate::xrpc::{Answer, Error, ErrorKind, XrpcContext, XrpcResult};
use crate::{AppContext, Config};

/// Serves `site.exosphere.sphere.*`.
pub struct SphereApi;

/// Where membership records of a Sphere go: PDSes, unless the Sphere is
/// private and the operator keeps private membership off-protocol.
pub fn membership_placement(config: &Config, sphere: &SphereRow) -> Placement {
    if sphere.is_public() || config.private_membership_on_pds { Placement::Pds } else { Placement::Local }
}

/// Where content of a Sphere goes: PDSes for public Spheres, this server for private ones.
pub fn content_placement(sphere: &SphereRow) -> Placement {
    if sphere.is_public() { Placement::Pds } else { Placement::Local }
}

pub(crate) fn sphere_view(conn: &mut SqliteConnection, access: &Access) -> XrpcResult<SphereView> {
    let s = &access.sphere;
    Ok(SphereView {
        uri: s.uri.clone(),
        cid: Some(s.cid.clone()),
        slug: s.slug.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        visibility: s.visibility.clone(),
        write_mode: s.write_mode.clone(),
        modules: s.module_list(),
        owner: crate::profiles::actor(conn, &s.owner_did)?,
        member_count: store::member_count(conn, s.id)?,
        created_at: s.created_at.clone(),
        standing: s.standing.clone(),
        viewer: access.viewer_state(),
    })
}

fn member_view(member: &MemberRow, person: ActorView) -> MemberView {
    MemberView {
        did: member.did.clone(),
        handle: person.handle,
        display_name: person.display_name,
        avatar: person.avatar,
        role: member.role.clone(),
        status: member.status.clone(),
        invited_by: member.invited_by.clone(),
        invited_at: member.invited_at.clone(),
        joined_at: member.joined_at.clone(),
    }
}

async fn view_of(ctx: &XrpcContext, access: Access) -> XrpcResult<SphereView> {
    ctx.app()?.db.read(move |c| sphere_view(c, &access)).await
}

async fn reload(ctx: &XrpcContext, sphere: &str) -> XrpcResult<Access> {
    Access::load(ctx, sphere).await
}

async fn member_view_of(app: &AppContext, sphere_id: i64, did: &str) -> XrpcResult<MemberView> {
    let did = did.to_owned();
    app.db
        .read(move |c| {
            let member = store::member(c, sphere_id, &did)?.ok_or_else(|| {
                Error::named(ErrorKind::NotFound, "MemberNotFound", "that account is not a member")
            })?;
            Ok(member_view(&member, crate::profiles::actor(c, &did)?))
        })
        .await
}

async fn remember_handle(app: &AppContext, did: &str, handle: Option<&str>) -> XrpcResult<()> {
    let (did, handle) = (did.to_owned(), handle.map(str::to_owned));
    app.db.write(move |c| store::remember_handle(c, &did, handle.as_deref())).await
}

/// A Sphere's new `modules` list: modules this server runs, or names the
/// Sphere already had (a module another build of Exosphere runs is kept,
/// not turned off by a save here). Duplicates are dropped.
fn known_modules(registry: &Registry, requested: Vec<String>, had: &[String]) -> XrpcResult<Vec<String>> {
    let mut modules: Vec<String> = Vec::new();
    for name in requested {
        if registry.module(&name).is_none() && !had.contains(&name) {
            return Err(Error::invalid_request(format!(
                "modules: this server has no module {name:?} (it runs: {})",
                registry.names().join(", ")
            )));
        }
        if !modules.contains(&name) {
            modules.push(name);
        }
    }
    Ok(modules)
}

impl Handlers for SphereApi {
    async fn create_sphere(
        &self,
        ctx: &XrpcContext,
        input: api::create_sphere::Input,
    ) -> XrpcResult<api::create_sphere::Output> {
        let viewer = ctx.require_viewer().await?;
        let app = ctx.app()?;
        check_slug(&input.slug)?;
        let slug = input.slug.clone();
        if app.db.read(move |c| store::sphere_by_param(c, &slug)).await?.is_some() {
            return Err(Error::named(
                ErrorKind::Conflict,
                "SlugTaken",
                format!("the slug {:?} is already used here", input.slug),
            ));
        }
        let record = api::Record {
            name: input.name,
            slug: input.slug.clone(),
            description: input.description,
            visibility: input.visibility.unwrap_or_else(|| "public".into()),
            write_mode: input.write_mode.unwrap_or_else(|| "open".into()),
            modules: Some(match input.modules {
                Some(modules) => known_modules(&app.registry, modules, &[])?,
                // A new Sphere runs every module of this server; its owner turns off what it doesn't need.
                None => app.registry.names().into_iter().map(str::to_owned).collect(),
            }),
            created_at: now(),
        };
        if !["public", "private"].contains(&record.visibility.as_str()) {
            return Err(Error::invalid_request("visibility: this server creates public or private Spheres"));
        }
        if !["open", "members"].contains(&record.write_mode.as_str()) {
            return Err(Error::invalid_request("writeMode: this server creates open or members Spheres"));
        }
        let right = CreationRight::claim(app, &viewer, input.invite_code.as_deref()).await?;
        // The Sphere record is always published: it is how the Sphere is discovered.
        let written = match RecordWriter::new(ctx, &viewer, Placement::Pds).await {
            Ok(writer) => writer.create(&record).await,
            Err(e) => Err(e),
        };
        let written = match written {
            Ok(written) => written,
            Err(e) => {
                right.undo(app).await;
                return Err(e);
            }
        };
        right.used(app, &written.uri).await?;
        remember_handle(app, &viewer.did, viewer.handle.as_deref()).await?;
        let access = reload(ctx, &input.slug).await?;
        Ok(api::create_sphere::Output { sphere: view_of(ctx, access).await? })
    }

    async fn get_sphere(
        &self,
        ctx: &XrpcContext,
        params: api::get_sphere::Params,
    ) -> XrpcResult<Answer<api::get_sphere::Output>> {
        let access = Access::load(ctx, &params.sphere).await?;
        Ok(api::get_sphere::Output { sphere: view_of(ctx, access).await? }.into())
    }

    async fn get_activity(
        &self,
        ctx: &XrpcContext,
        params: api::get_activity::Params,
    ) -> XrpcResult<Answer<api::get_activity::Output>> {
        let caller = ctx.caller().await?;
        let registry = ctx.app()?.registry.clone();
        let page = ctx
            .app()?
            .db
            .read(move |c| {
                super::activity::get_activity(
                    c,
                    &registry,
                    &caller,
                    &params.sphere,
                    params.cursor.as_deref(),
                    params.limit,
                )
            })
            .await?;
        Ok(api::get_activity::Output { items: page.items, cursor: page.cursor }.into())
    }

    async fn list_spheres(
        &self,
        ctx: &XrpcContext,
        params: api::list_spheres::Params,
    ) -> XrpcResult<Answer<api::list_spheres::Output>> {
        let viewer = ctx.viewer().await?;
        let after = crate::xrpc::split_id_cursor(params.cursor.as_deref())?;
        let limit = params.limit;
        let instance = ctx.app()?.instance.clone();
        // A single-community instance lists its home Sphere; its administrators see them all.
        let only = instance.home_sphere.clone().filter(|_| !instance.is_admin(viewer.as_ref()));
        ctx.app()?
            .db
            .read(move |c| {
                let listing = store::Listing::Visible {
                    viewer: viewer.as_ref().map(|v| v.did.as_str()),
                    only: only.as_deref(),
                };
                let rows = store::list_spheres(c, listing, after, limit + 1)?;
                let (rows, cursor) = crate::xrpc::page(rows, limit, |r| format!("{}~{}", r.created_at, r.id));
                let mut spheres = Vec::new();
                for row in rows {
                    let member = match &viewer {
                        Some(v) => store::member(c, row.id, &v.did)?,
                        None => None,
                    };
                    spheres.push(sphere_view(c, &Access { sphere: row, viewer: viewer.clone(), member })?);
                }
                Ok(api::list_spheres::Output { spheres, cursor })
            })
            .await
            .map(Answer::from)
    }

    async fn update_sphere(
        &self,
        ctx: &XrpcContext,
        input: api::update_sphere::Input,
    ) -> XrpcResult<api::update_sphere::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Own)?;
        let viewer = access.viewer()?.clone();
        let s = &access.sphere;
        if input.visibility.as_ref().is_some_and(|v| *v != s.visibility) {
            return Err(Error::invalid_request(
                "visibility can't change after creation: a public Sphere's content is already on its members' PDSes, and a private Sphere's was never published",
            ));
        }
        if let Some(mode) = &input.write_mode
            && !["open", "members"].contains(&mode.as_str())
        {
            return Err(Error::invalid_request("writeMode: must be open or members"));
        }
        let record = api::Record {
            name: input.name.unwrap_or_else(|| s.name.clone()),
            slug: s.slug.clone(),
            description: input.description.or_else(|| s.description.clone()),
            visibility: s.visibility.clone(),
            write_mode: input.write_mode.unwrap_or_else(|| s.write_mode.clone()),
            modules: Some(match input.modules {
                Some(modules) => known_modules(&ctx.app()?.registry, modules, &s.module_list())?,
                None => s.module_list(),
            }),
            created_at: s.created_at.clone(),
        };
        let rkey = s.uri.rsplit('/').next().unwrap_or_default().to_owned();
        RecordWriter::new(ctx, &viewer, Placement::Pds).await?.put(&rkey, &record).await?;
        let access = reload(ctx, &input.sphere).await?;
        Ok(api::update_sphere::Output { sphere: view_of(ctx, access).await? })
    }

    async fn invite_member(
        &self,
        ctx: &XrpcContext,
        input: api::invite_member::Input,
    ) -> XrpcResult<api::invite_member::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Moderate)?;
        let viewer = access.viewer()?.clone();
        let app = ctx.app()?;
        if !["admin", "member"].contains(&input.role.as_str()) {
            return Err(Error::invalid_request("role: invitations grant admin or member"));
        }
        if input.role == "admin" && !access.can(Action::Own) {
            return Err(Error::forbidden("only the owner can make admins"));
        }
        let identity = app.identity.resolve(&input.member).await?;
        let sphere = access.sphere.clone();
        let did = identity.did.clone();
        let existing = app.db.read(move |c| store::member(c, sphere.id, &did)).await?;
        match existing.as_ref().map(|m| m.status.as_str()) {
            Some("active") => {
                return Err(Error::named(
                    ErrorKind::Conflict,
                    "AlreadyMember",
                    "that account is already a member",
                ));
            }
            Some("invited") => {
                return Err(Error::named(
                    ErrorKind::Conflict,
                    "AlreadyInvited",
                    "that account is already invited",
                ));
            }
            _ => {}
        }
        remember_handle(app, &identity.did, identity.handle.as_deref()).await?;
        let record = sphere_member_approval::Record {
            sphere: access.sphere.uri.clone(),
            member: identity.did.clone(),
            role: input.role,
            created_at: now(),
        };
        let placement = membership_placement(&app.config, &access.sphere);
        RecordWriter::new(ctx, &viewer, placement).await?.create(&record).await?;
        Ok(api::invite_member::Output { member: member_view_of(app, access.sphere.id, &identity.did).await? })
    }

    async fn accept_invite(
        &self,
        ctx: &XrpcContext,
        input: api::accept_invite::Input,
    ) -> XrpcResult<api::accept_invite::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        let viewer = access.viewer()?.clone();
        let app = ctx.app()?;
        if access.member.as_ref().map(|m| m.status.as_str()) != Some("invited") {
            return Err(Error::named(
                ErrorKind::NotFound,
                "NotInvited",
                "you have no pending invitation to this Sphere",
            ));
        }
        remember_handle(app, &viewer.did, viewer.handle.as_deref()).await?;
        let record = sphere_member::Record { sphere: access.sphere.uri.clone(), created_at: now() };
        let placement = membership_placement(&app.config, &access.sphere);
        RecordWriter::new(ctx, &viewer, placement).await?.create(&record).await?;
        Ok(api::accept_invite::Output { member: member_view_of(app, access.sphere.id, &viewer.did).await? })
    }

    async fn list_members(
        &self,
        ctx: &XrpcContext,
        params: api::list_members::Params,
    ) -> XrpcResult<Answer<api::list_members::Output>> {
        let access = Access::load(ctx, &params.sphere).await?;
        access.require(Action::Read)?;
        // Everyone who may read sees active members; moderators see every status.
        let all = ["active", "invited", "requested", "revoked"];
        let visible: Vec<&str> = if access.can(Action::Moderate) { all.to_vec() } else { vec!["active"] };
        let statuses: Vec<&'static str> = match &params.status {
            Some(s) => all.iter().copied().filter(|a| a == s && visible.contains(a)).collect(),
            None => all.iter().copied().filter(|a| visible.contains(a)).collect(),
        };
        let after = params.cursor.clone().unwrap_or_default();
        let limit = params.limit;
        let sphere_id = access.sphere.id;
        ctx.app()?
            .db
            .read(move |c| {
                if statuses.is_empty() {
                    return Ok(api::list_members::Output { members: vec![], cursor: None });
                }
                let rows = store::list_members(c, sphere_id, &statuses, &after, limit + 1)?;
                let (rows, cursor) = crate::xrpc::page(rows, limit, |(m, _)| m.did.clone());
                let members: Vec<MemberView> = rows.into_iter().map(|(m, h)| member_view(&m, h)).collect();
                Ok(api::list_members::Output { members, cursor })
            })
            .await
            .map(Answer::from)
    }

    async fn update_member(
        &self,
        ctx: &XrpcContext,
        input: api::update_member::Input,
    ) -> XrpcResult<api::update_member::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Moderate)?;
        let viewer = access.viewer()?.clone();
        let app = ctx.app()?;
        let (sphere_id, did) = (access.sphere.id, input.member.clone());
        let target = app.db.read(move |c| store::member(c, sphere_id, &did)).await?.ok_or_else(|| {
            Error::named(ErrorKind::NotFound, "MemberNotFound", "that account is not a member")
        })?;
        if target.role == "owner" {
            return Err(Error::named(
                ErrorKind::InvalidRequest,
                "CannotChangeOwner",
                "the owner's role can't be changed or revoked",
            ));
        }
        if input.role.as_deref() == Some("owner") {
            return Err(Error::named(
                ErrorKind::InvalidRequest,
                "CannotChangeOwner",
                "ownership can't be handed over: the Sphere record lives in the owner's repo",
            ));
        }
        if (target.role == "admin" || input.role.as_deref() == Some("admin")) && !access.can(Action::Own) {
            return Err(Error::forbidden("only the owner can change admins"));
        }
        let placement = membership_placement(&app.config, &access.sphere);
        let writer = RecordWriter::new(ctx, &viewer, placement).await?;
        let Some(approval) = target.approval_uri.clone() else {
            return Err(Error::named(
                ErrorKind::InvalidRequest,
                "NotApproved",
                "that account has no approval to change",
            ));
        };
        let mine = approval.starts_with(&format!("at://{}/", viewer.did));
        let rkey = approval.rsplit('/').next().unwrap_or_default().to_owned();
        if input.revoke == Some(true) {
            if !mine && placement == Placement::Pds {
                return Err(Error::named(
                    ErrorKind::Conflict,
                    "NotYourApproval",
                    format!(
                        "this approval is in {}'s repo: only they can delete it",
                        target.invited_by.as_deref().unwrap_or("another admin")
                    ),
                ));
            }
            writer.delete(sphere_member_approval::NSID, &rkey).await?;
        } else if let Some(role) = input.role {
            if !["admin", "member"].contains(&role.as_str()) {
                return Err(Error::invalid_request("role: must be admin or member"));
            }
            let record = sphere_member_approval::Record {
                sphere: access.sphere.uri.clone(),
                member: target.did.clone(),
                role,
                created_at: now(),
            };
            if mine || placement == Placement::Local {
                writer.put(&rkey, &record).await?;
            } else {
                writer.create(&record).await?;
            }
        }
        Ok(api::update_member::Output { member: member_view_of(app, access.sphere.id, &target.did).await? })
    }

    async fn index_record(
        &self,
        ctx: &XrpcContext,
        input: api::index_record::Input,
    ) -> XrpcResult<api::index_record::Output> {
        super::fetch::index_record(ctx, input).await
    }

    async fn leave_sphere(&self, ctx: &XrpcContext, input: api::leave_sphere::Input) -> XrpcResult<()> {
        let access = Access::load(ctx, &input.sphere).await?;
        let viewer = access.viewer()?.clone();
        let member = access
            .member
            .clone()
            .ok_or_else(|| Error::named(ErrorKind::NotFound, "MemberNotFound", "you are not a member"))?;
        if member.role == "owner" {
            return Err(Error::named(
                ErrorKind::InvalidRequest,
                "CannotChangeOwner",
                "the owner can't leave their own Sphere",
            ));
        }
        let Some(uri) = member.member_uri else {
            return Err(Error::named(
                ErrorKind::NotFound,
                "MemberNotFound",
                "you have not joined this Sphere",
            ));
        };
        let rkey = uri.rsplit('/').next().unwrap_or_default().to_owned();
        let placement = membership_placement(&ctx.app()?.config, &access.sphere);
        RecordWriter::new(ctx, &viewer, placement).await?.delete(sphere_member::NSID, &rkey).await
    }

    async fn moderate(
        &self,
        ctx: &XrpcContext,
        input: api::moderate::Input,
    ) -> XrpcResult<api::moderate::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Moderate)?;
        let viewer = access.viewer()?.clone();
        let app = ctx.app()?;
        let (registry, subject) = (app.registry.clone(), input.subject.clone());
        let content = app.db.read(move |c| registry.find_content(c, &subject)).await?;
        let content = content.filter(|c| c.sphere_id == access.sphere.id).ok_or_else(|| {
            Error::named(ErrorKind::NotFound, "ContentNotFound", "no such content in this Sphere")
        })?;
        if !content.actions.contains(&input.action.as_str()) {
            return Err(Error::invalid_request(format!(
                "action: this content takes {} (not {:?})",
                content.actions.join(", "),
                input.action
            )));
        }
        let record = moderation::Record {
            sphere: access.sphere.uri.clone(),
            subject: StrongRef { uri: input.subject.clone(), cid: content.cid },
            action: input.action.clone(),
            reason: input.reason,
            created_at: now(),
        };
        let placement = crate::sphere::content_placement(&access.sphere);
        let written = RecordWriter::new(ctx, &viewer, placement).await?.create(&record).await?;
        let subject = input.subject.clone();
        let (hidden, locked, pinned) = app
            .db
            .read(move |c| {
                Ok((
                    store::is_hidden(c, &subject)?,
                    store::has_flag(c, &subject, "locked")?,
                    store::has_flag(c, &subject, "pinned")?,
                ))
            })
            .await?;
        let takes = |action: &str| content.actions.contains(&action);
        Ok(api::moderate::Output {
            uri: (placement == Placement::Pds).then_some(written.uri),
            hidden,
            locked: takes("lock").then_some(locked),
            pinned: takes("pin").then_some(pinned),
        })
    }
}
