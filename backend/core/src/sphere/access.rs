//! Who may do what in a Sphere: the one place these rules live. Every
//! module asks here before reading or writing.
//!
//! - public + open: anyone reads; any signed-in account writes;
//! - public + members: anyone reads; active members write;
//! - private: active members read and write;
//! - statuses, moderation, invitations: owner and admins;
//! - Sphere settings and ownership: the owner (the Sphere record is in their repo);
//! - a Sphere the instance's administrators suspended: only they see it, and
//!   no one writes there.

use diesel::sqlite::SqliteConnection;

use super::store::{self, MemberRow, SphereRow};
use crate::auth::Viewer;
use crate::db::Shared;
use crate::lexicon::site::exosphere::sphere::defs::ViewerState;
use crate::xrpc::{Caller, Error, ErrorKind, XrpcContext, XrpcResult};

/// What someone wants to do in a Sphere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See its content.
    Read,
    /// Create content, vote, comment.
    Write,
    /// Change statuses, moderate, invite and manage members.
    Moderate,
    /// Change the Sphere's settings.
    Own,
}

/// A viewer in a Sphere: enough to decide every [`Action`].
#[derive(Debug, Clone)]
pub struct Access {
    /// The Sphere.
    pub sphere: SphereRow,
    /// Who is asking (`None`: anonymous).
    pub viewer: Option<Viewer>,
    /// Their membership row, in whatever status.
    pub member: Option<MemberRow>,
}

/// 404 for a Sphere that doesn't exist (or that the viewer may not know).
pub fn sphere_not_found(param: &str) -> Error {
    Error::named(ErrorKind::NotFound, "SphereNotFound", format!("no Sphere {param:?} here"))
}

/// 404 `ModuleDisabled`: the Sphere exists but does not run this module, so
/// nothing of the module exists there (its kept rows come back when the
/// owner turns it on again).
pub fn module_disabled(sphere: &SphereRow, module: &str) -> Error {
    Error::named(
        ErrorKind::NotFound,
        "ModuleDisabled",
        format!(
            "the Sphere {:?} does not use the {module} module (its owner can turn it on in settings)",
            sphere.slug
        ),
    )
}

impl Access {
    /// Resolves Sphere and membership for a caller, in a database closure.
    /// A module's method on a Sphere that does not enable the module is
    /// refused here (`ModuleDisabled`; `SphereNotFound` to those who may not
    /// see the Sphere at all), so no module can forget it.
    pub fn resolve(conn: &mut SqliteConnection, caller: &Caller, sphere: &str) -> XrpcResult<Self> {
        let row = store::sphere_by_param(conn, sphere)?;
        Self::with_row(conn, caller, sphere, row)
    }

    /// [`Access::resolve`] inside [`crate::Db::read_shared`]: the Sphere's row
    /// is read once per database generation (any write may change it), and
    /// the caller's membership on every request.
    pub fn resolve_shared(
        conn: &mut SqliteConnection,
        shared: &Shared<'_>,
        caller: &Caller,
        sphere: &str,
    ) -> XrpcResult<Self> {
        let row = shared.get_or(format!("sphere {sphere}"), || store::sphere_by_param(conn, sphere))?;
        Self::with_row(conn, caller, sphere, Option::clone(&row))
    }

    fn with_row(
        conn: &mut SqliteConnection,
        caller: &Caller,
        sphere: &str,
        row: Option<SphereRow>,
    ) -> XrpcResult<Self> {
        let row = row
            .filter(|s| !s.is_suspended() || caller.instance_admin)
            .ok_or_else(|| sphere_not_found(sphere))?;
        let viewer = caller.viewer.clone();
        let member = match &viewer {
            Some(v) => store::member(conn, row.id, &v.did)?,
            None => None,
        };
        let access = Self { sphere: row, viewer, member };
        if let Some(module) = caller.module
            && !access.sphere.enables(module)
        {
            if !access.can(Action::Read) {
                return Err(sphere_not_found(sphere));
            }
            return Err(module_disabled(&access.sphere, module));
        }
        Ok(access)
    }

    /// Resolves the caller of a request and their access to a Sphere.
    pub async fn load(ctx: &XrpcContext, sphere: &str) -> XrpcResult<Self> {
        let caller = ctx.caller().await?;
        let sphere = sphere.to_owned();
        ctx.app()?.db.read(move |c| Self::resolve(c, &caller, &sphere)).await
    }

    fn active_role(&self) -> Option<&str> {
        self.member.as_ref().filter(|m| m.is_active()).map(|m| m.role.as_str())
    }

    /// Whether the action is allowed.
    pub fn can(&self, action: Action) -> bool {
        if self.sphere.is_suspended() && action != Action::Read {
            return false;
        }
        let role = self.active_role();
        match action {
            Action::Read => self.sphere.is_public() || role.is_some(),
            Action::Write => self.viewer.is_some() && (self.sphere.is_open() || role.is_some()),
            Action::Moderate => matches!(role, Some("owner" | "admin")),
            Action::Own => role == Some("owner"),
        }
    }

    /// The action is allowed, or the error that says why not.
    pub fn require(&self, action: Action) -> XrpcResult<()> {
        if self.can(action) {
            return Ok(());
        }
        if action == Action::Read {
            // A private Sphere's content does not exist for outsiders.
            return Err(sphere_not_found(&self.sphere.slug));
        }
        if self.viewer.is_none() {
            return Err(Error::auth_required());
        }
        if self.sphere.is_suspended() {
            return Err(Error::forbidden(
                "this Sphere is suspended by the instance's administrators: nothing can be changed in it",
            ));
        }
        Err(Error::forbidden(match action {
            Action::Write => "only active members of this Sphere can write here",
            Action::Moderate => "only the Sphere's owner and admins can do this",
            Action::Own | Action::Read => "only the Sphere's owner can do this",
        }))
    }

    /// The viewer wrote this (`author` is its DID), or 403 naming `what` it is.
    pub fn require_author(&self, author: &str, what: &str) -> XrpcResult<()> {
        if self.viewer()?.did != author {
            return Err(Error::forbidden(format!("only the author can change or delete this {what}")));
        }
        Ok(())
    }

    /// The viewer's DID, if signed in.
    pub fn viewer_did(&self) -> Option<String> {
        self.viewer.as_ref().map(|v| v.did.clone())
    }

    /// The viewer, or 401.
    pub fn viewer(&self) -> XrpcResult<&Viewer> {
        self.viewer.as_ref().ok_or_else(Error::auth_required)
    }

    /// What the viewer is and may do, for views.
    pub fn viewer_state(&self) -> Option<ViewerState> {
        self.viewer.as_ref()?;
        Some(ViewerState {
            role: self.member.as_ref().map(|m| m.role.clone()),
            status: self.member.as_ref().map(|m| m.status.clone()),
            can_write: self.can(Action::Write),
            can_moderate: self.can(Action::Moderate),
        })
    }
}
