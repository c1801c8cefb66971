//! The instance: who administers it, who may create Spheres here, and which
//! Spheres its administrators hid or suspended. This is the operator's local
//! policy, kept in this server's database (no records are published for it,
//! and rebuilds from PDSes leave it as it is).
//!
//! - Administrators are `EXOSPHERE_ADMINS` (handles or DIDs). Unset, the
//!   first account to create a Sphere here through the API becomes the
//!   administrator (never an account merely seen on the network).
//! - `EXOSPHERE_SPHERE_CREATION` says who else may create Spheres: the
//!   accounts administrators allow (`admins`), anyone signed in (`anyone`),
//!   or also holders of a single-use invite code (`invite`).
//! - A suspended Sphere answers 404 to everyone but administrators, and the
//!   indexer ignores its records from the network; a hidden one is only left
//!   out of the instance's list.

pub mod api;
pub(crate) mod store;

use std::sync::{Arc, RwLock};

use diesel::sqlite::SqliteConnection;

use crate::auth::Viewer;
use crate::config::{Config, SphereCreation};
use crate::lexicon::site::exosphere::instance::defs::ViewerState;
use crate::xrpc::{Error, ErrorKind, XrpcResult};
use crate::{AppContext, Db};

/// The instance's administrators, as configured or as recorded.
pub struct Instance {
    /// `EXOSPHERE_ADMINS`, lowercased, without `@` (`None`: unset).
    configured: Option<Vec<String>>,
    /// The recorded first administrator (read when `configured` is `None`).
    first: RwLock<Option<String>>,
    /// Who may create Spheres besides administrators.
    pub creation: SphereCreation,
    /// The Sphere `/` shows (`EXOSPHERE_HOME_SPHERE`).
    pub home_sphere: Option<String>,
}

impl Instance {
    /// Reads the configuration and the recorded administrator.
    pub fn load(config: &Config, db: &Db) -> Result<Arc<Self>, Error> {
        let configured = config.admins.as_deref().map(|list| {
            list.split(',')
                .map(|a| a.trim().trim_start_matches('@').to_ascii_lowercase())
                .filter(|a| !a.is_empty())
                .collect::<Vec<String>>()
        });
        // An empty list is no list: the first account to create a Sphere still becomes the administrator.
        let configured = configured.filter(|c| !c.is_empty());
        let home_sphere = config.home_sphere.clone().filter(|s| !s.is_empty());
        if let Some(slug) = &home_sphere {
            crate::sphere::check_slug(slug).map_err(|e| {
                Error::invalid_request(format!(
                    "EXOSPHERE_HOME_SPHERE={slug:?} is not a Sphere's URL name: it {}",
                    e.message
                ))
            })?;
        }
        let mut conn = db.conn()?;
        let first = store::first_admin(&mut conn)?;
        Ok(Arc::new(Self {
            configured,
            first: RwLock::new(first),
            creation: config.sphere_creation,
            home_sphere,
        }))
    }

    /// Whether the instance has an administrator yet.
    pub fn has_admin(&self) -> bool {
        self.configured.is_some() || self.first_admin().is_some()
    }

    fn first_admin(&self) -> Option<String> {
        self.first.read().ok().and_then(|f| f.clone())
    }

    /// Whether `viewer` administers this instance: named in `EXOSPHERE_ADMINS`
    /// by DID or by the handle verified at sign-in, or (with it unset) the
    /// recorded first administrator.
    pub fn is_admin(&self, viewer: Option<&Viewer>) -> bool {
        let Some(viewer) = viewer else { return false };
        match &self.configured {
            Some(list) => list.iter().any(|a| {
                *a == viewer.did.to_ascii_lowercase()
                    || viewer.handle.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(a))
            }),
            None => self.first_admin().as_deref() == Some(viewer.did.as_str()),
        }
    }

    /// Who the administrators are, for the log at start.
    pub fn describe_admins(&self) -> String {
        match (&self.configured, self.first_admin()) {
            (Some(list), _) => format!("{} (EXOSPHERE_ADMINS)", list.join(", ")),
            (_, Some(did)) => format!("{did} (the first account to create a Sphere here)"),
            _ => "none yet: the first account to create a Sphere here becomes the administrator".into(),
        }
    }

    /// What the viewer is and may do here.
    pub fn viewer_state(&self, conn: &mut SqliteConnection, viewer: &Viewer) -> XrpcResult<ViewerState> {
        let can_create = !self.has_admin() || self.has_right(conn, viewer)?;
        Ok(ViewerState { admin: self.is_admin(Some(viewer)), can_create_spheres: can_create })
    }

    /// Whether `viewer` may create Spheres with nothing to claim: an
    /// administrator, an account they allowed, or anyone under `anyone`.
    fn has_right(&self, conn: &mut SqliteConnection, viewer: &Viewer) -> XrpcResult<bool> {
        Ok(self.is_admin(Some(viewer))
            || self.creation == SphereCreation::Anyone
            || store::is_creator(conn, &viewer.did)?)
    }

    fn claim_first(&self, did: &str) {
        if let Ok(mut first) = self.first.write() {
            *first = Some(did.to_owned());
        }
    }

    fn release_first(&self, did: &str) {
        if let Ok(mut first) = self.first.write()
            && first.as_deref() == Some(did)
        {
            *first = None;
        }
    }
}

/// 403 `NotAllowed` for someone who is not an instance administrator.
pub fn admins_only() -> Error {
    Error::named(ErrorKind::Forbidden, "NotAllowed", "only this instance's administrators can do this")
}

/// The viewer, who must administer this instance (401, or 403 `NotAllowed`).
pub async fn require_admin(ctx: &crate::XrpcContext) -> XrpcResult<Viewer> {
    let viewer = ctx.require_viewer().await?;
    if !ctx.app()?.instance.is_admin(Some(&viewer)) {
        return Err(admins_only());
    }
    Ok(viewer)
}

/// Why an account may create a Sphere now, and what to undo if creating it fails.
#[derive(Debug)]
pub enum CreationRight {
    /// An administrator, an allowed account, or anyone under `anyone`.
    Standing,
    /// The first Sphere of an instance without administrators: its creator became the administrator.
    FirstAdmin(String),
    /// A claimed invite code.
    Invite(String),
}

impl CreationRight {
    /// Checks, and claims what creating the Sphere uses up (the first
    /// administrator's place, an invite code). Refusals are 403 `NotAllowed`
    /// with what to do about it.
    pub async fn claim(app: &AppContext, viewer: &Viewer, invite: Option<&str>) -> XrpcResult<Self> {
        let instance = app.instance.clone();
        if !instance.has_admin() {
            let did = viewer.did.clone();
            if app.db.write(move |c| store::claim_first_admin(c, &did)).await? {
                instance.claim_first(&viewer.did);
                tracing::info!(did = %viewer.did, handle = ?viewer.handle, "the first account to create a Sphere is now the instance administrator");
                return Ok(Self::FirstAdmin(viewer.did.clone()));
            }
        }
        let (checking, asking) = (instance.clone(), viewer.clone());
        if app.db.read(move |c| checking.has_right(c, &asking)).await? {
            return Ok(Self::Standing);
        }
        let refuse =
            |message: &str| Err(Error::named(ErrorKind::Forbidden, "NotAllowed", message.to_owned()));
        match (instance.creation, invite.map(str::trim).filter(|c| !c.is_empty())) {
            (SphereCreation::Invite, Some(code)) => {
                let (code, did) = (code.to_owned(), viewer.did.clone());
                let claimed = {
                    let code = code.clone();
                    app.db.write(move |c| store::claim_invite(c, &code, &did)).await?
                };
                if claimed {
                    Ok(Self::Invite(code))
                } else {
                    refuse(
                        "that invite code is unknown or already used: ask this instance's administrators for a new one",
                    )
                }
            }
            (SphereCreation::Invite, None) => refuse(
                "creating a Sphere here needs an invite code: ask this instance's administrators for one, and enter it with the Sphere's name",
            ),
            _ => refuse(
                "only this instance's administrators, and the accounts they allow, can create Spheres here: ask an administrator to allow your account",
            ),
        }
    }

    /// The Sphere was created: an invite code remembers which.
    pub async fn used(self, app: &AppContext, sphere_uri: &str) -> XrpcResult<()> {
        if let Self::Invite(code) = self {
            let uri = sphere_uri.to_owned();
            app.db.write(move |c| store::invite_used_for(c, &code, &uri)).await?;
        }
        Ok(())
    }

    /// Creating the Sphere failed: give back what was claimed.
    pub async fn undo(self, app: &AppContext) {
        let undone = match self {
            Self::Standing => return,
            Self::FirstAdmin(did) => {
                app.instance.release_first(&did);
                app.db.write(move |c| store::release_first_admin(c, &did)).await
            }
            Self::Invite(code) => app.db.write(move |c| store::release_invite(c, &code)).await,
        };
        if let Err(e) = undone {
            tracing::warn!(error = %e, "could not give back a creation right after a failed createSphere");
        }
    }
}
