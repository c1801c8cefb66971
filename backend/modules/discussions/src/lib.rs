//! Discussions: threads with Markdown bodies and tags, threaded replies,
//! reactions, and lock and pin for moderators.
//!
//! Depends on `exosphere-core` only. Records are validated against their
//! Lexicons, written through core's write path (the author's PDS for public
//! Spheres, this server for private ones) and indexed by the one function
//! per record type in [`index`], which the indexer and rebuilds use too.

mod activity;
mod api;
mod cursor;
#[allow(clippy::all, missing_docs, unused_imports)]
#[rustfmt::skip]
pub mod generated;
pub mod index;
pub mod store;

use std::sync::Arc;

use actix_web::web::ServiceConfig;
use diesel::sqlite::SqliteConnection;
use exosphere_core::db::migrations::Migration;
use exosphere_core::lexicon::site::exosphere::sphere::defs::ActivityItem;
use exosphere_core::module::HIDE;
use exosphere_core::{
    ActivityQuery, AppContext, Collection, Content, Error, Gated, IndexOutcome, Module, RecordEvent,
};

use crate::generated::site::exosphere::discussion;

/// The module value the app registers.
pub struct Discussions;

const MIGRATIONS: &[Migration] =
    &[Migration { id: "0001_discussions", sql: include_str!("../migrations/0001_discussions.sql") }];

/// What moderators can do to a thread: hide, lock and pin it (replies take [`HIDE`]).
const THREAD_ACTIONS: &[&str] = &["hide", "restore", "lock", "unlock", "pin", "unpin"];

impl Module for Discussions {
    fn name(&self) -> &'static str {
        generated::MODULE
    }

    fn label(&self) -> &'static str {
        "Discussions"
    }

    fn migrations(&self) -> &'static [Migration] {
        MIGRATIONS
    }

    fn collections(&self) -> &'static [Collection] {
        index::COLLECTIONS
    }

    fn configure(&self, cfg: &mut ServiceConfig, _ctx: &AppContext) {
        discussion::configure(cfg, Arc::new(api::Api));
    }

    fn index_record(&self, conn: &mut SqliteConnection, record: &Gated<'_>) -> Result<IndexOutcome, Error> {
        index::index_record(conn, record)
    }

    fn delete_record(
        &self,
        conn: &mut SqliteConnection,
        event: &RecordEvent<'_>,
    ) -> Result<IndexOutcome, Error> {
        index::delete_record(conn, event)
    }

    fn known_authors(&self, conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<String>, Error> {
        store::authors(conn, sphere_id)
    }

    fn content_counts(
        &self,
        conn: &mut SqliteConnection,
        sphere_id: i64,
    ) -> Result<Vec<(&'static str, i64)>, Error> {
        store::counts(conn, sphere_id)
    }

    fn find_content(&self, conn: &mut SqliteConnection, uri: &str) -> Result<Option<Content>, Error> {
        Ok(store::content(conn, uri)?.map(|(cid, sphere_id, thread)| Content {
            cid,
            sphere_id,
            actions: if thread { THREAD_ACTIONS } else { HIDE },
        }))
    }

    fn activity(
        &self,
        conn: &mut SqliteConnection,
        query: &ActivityQuery,
    ) -> Result<Vec<ActivityItem>, Error> {
        activity::items(conn, query)
    }
}
