//! Spheres: the unit every module lives in. Their records, bilateral
//! membership, roles, moderation, and the access rules modules rely on.

pub mod access;
pub mod activity;
pub(crate) mod api;
mod fetch;
pub mod index;
pub mod store;

pub use access::{Access, Action, module_disabled, sphere_not_found};
pub use api::{SphereApi, content_placement, membership_placement};
pub use index::{CORE_COLLECTIONS, check_slug, index_core_record};
