//! Polls: single, multiple and ranked-choice polls whose ballots are records
//! on their voters' PDSes (in public Spheres; private Spheres keep them here).
//!
//! Depends on `exosphere-core` only. Records are validated against their
//! Lexicons, written through core's write path and indexed by the one
//! function per record type in [`index`], which the indexer and rebuilds use
//! too. Which ballot counts and the results are settled once per write
//! transaction ([`count`]), by the [`rules`] the API also checks, and
//! counted by [`tally`].

mod activity;
mod api;
pub mod count;
#[allow(clippy::all, missing_docs, unused_imports)]
#[rustfmt::skip]
pub mod generated;
mod groups;
pub mod index;
pub mod rules;
pub mod store;
pub mod tally;

use std::sync::Arc;

use actix_web::web::ServiceConfig;
use diesel::sqlite::SqliteConnection;
use exosphere_core::db::migrations::Migration;
use exosphere_core::lexicon::site::exosphere::sphere::defs::ActivityItem;
use exosphere_core::module::HIDE;
use exosphere_core::{
    ActivityQuery, AppContext, Collection, Content, Error, Gated, IndexOutcome, Module, RecordEvent,
};

use crate::generated::site::exosphere::poll;

/// The module value the app registers.
pub struct Polls;

const MIGRATIONS: &[Migration] = &[
    Migration { id: "0001_polls", sql: include_str!("../migrations/0001_polls.sql") },
    Migration { id: "0002_runoff_state", sql: include_str!("../migrations/0002_runoff_state.sql") },
    Migration { id: "0003_rankings_as_bytes", sql: include_str!("../migrations/0003_rankings_as_bytes.sql") },
];

impl Module for Polls {
    fn name(&self) -> &'static str {
        generated::MODULE
    }

    fn label(&self) -> &'static str {
        "Polls"
    }

    fn migrations(&self) -> &'static [Migration] {
        MIGRATIONS
    }

    fn collections(&self) -> &'static [Collection] {
        index::COLLECTIONS
    }

    fn configure(&self, cfg: &mut ServiceConfig, _ctx: &AppContext) {
        poll::configure(cfg, Arc::new(api::Api));
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

    fn before_commit(&self, conn: &mut SqliteConnection) -> Result<(), Error> {
        count::settle(conn)
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
        Ok(store::content(conn, uri)?.map(|(cid, sphere_id)| Content { cid, sphere_id, actions: HIDE }))
    }

    fn activity(
        &self,
        conn: &mut SqliteConnection,
        query: &ActivityQuery,
    ) -> Result<Vec<ActivityItem>, Error> {
        activity::items(conn, query)
    }
}
