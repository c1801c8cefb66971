//! Who may do what in a Sphere: the one place these rules live. Every
//! module asks here before reading or writing.
//!
//! - public + open: anyone reads; any signed-in account writes;
//! - public + members: anyone reads; active members write;
//! - private: active members read and write;
//! - statuses, moderation, invitations: owner and admins;
//! - Sphere settings and ownership: the owner (the Sphere record is in their repo).

use diesel::sqlite::SqliteConnection;

use super::store::{self, MemberRow, SphereRow};
use crate::auth::Viewer;
use crate::lexicon::site::exosphere::sphere::defs::ViewerState;
use crate::xrpc::{Error, ErrorKind, XrpcContext, XrpcResult};

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

impl Access {
    /// Resolves Sphere and membership for a viewer, in a database closure.
    pub fn resolve(conn: &mut SqliteConnection, viewer: Option<Viewer>, sphere: &str) -> XrpcResult<Self> {
        let row = store::sphere_by_param(conn, sphere)?.ok_or_else(|| sphere_not_found(sphere))?;
        let member = match &viewer {
            Some(v) => store::member(conn, row.id, &v.did)?,
            None => None,
        };
        Ok(Self { sphere: row, viewer, member })
    }

    /// Resolves the viewer of a request and their access to a Sphere.
    pub async fn load(ctx: &XrpcContext, sphere: &str) -> XrpcResult<Self> {
        let viewer = ctx.viewer().await?;
        let sphere = sphere.to_owned();
        ctx.app()?.db.read(move |c| Self::resolve(c, viewer, &sphere)).await
    }

    fn active_role(&self) -> Option<&str> {
        self.member.as_ref().filter(|m| m.is_active()).map(|m| m.role.as_str())
    }

    /// Whether the action is allowed.
    pub fn can(&self, action: Action) -> bool {
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
        Err(Error::forbidden(match action {
            Action::Write => "only active members of this Sphere can write here",
            Action::Moderate => "only the Sphere's owner and admins can do this",
            Action::Own | Action::Read => "only the Sphere's owner can do this",
        }))
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
