//! The feature-request board: requests, votes, comments and statuses.
//!
//! Depends on `exosphere-core` only. Records are validated against their
//! Lexicons, written through core's write path (the author's PDS for public
//! Spheres, this server for private ones) and indexed by the one function
//! per record type in [`index`], which the indexer and rebuilds use too.

mod activity;
mod api;
pub mod export;
mod feed;
#[allow(clippy::all, missing_docs, unused_imports)]
#[rustfmt::skip]
pub mod generated;
pub mod index;
mod notify;
pub mod ranking;
pub mod store;
mod tags;

use std::sync::Arc;

use actix_web::web::ServiceConfig;
use diesel::sqlite::SqliteConnection;
use exosphere_core::db::migrations::Migration;
use exosphere_core::lexicon::site::exosphere::sphere::defs::ActivityItem;
use exosphere_core::{
    ActivityQuery, AppContext, Collection, Content, Error, Gated, IndexOutcome, Module, RecordEvent,
};

use crate::generated::site::exosphere::feature_request;

/// The module value the app registers.
pub struct FeatureRequests;

const MIGRATIONS: &[Migration] = &[
    Migration { id: "0001_feature_requests", sql: include_str!("../migrations/0001_feature_requests.sql") },
    Migration { id: "0002_deferred_search", sql: include_str!("../migrations/0002_deferred_search.sql") },
    Migration { id: "0003_deferred_votes", sql: include_str!("../migrations/0003_deferred_votes.sql") },
    Migration {
        id: "0004_vote_count_trigger",
        sql: include_str!("../migrations/0004_vote_count_trigger.sql"),
    },
    Migration { id: "0005_duplicates", sql: include_str!("../migrations/0005_duplicates.sql") },
    Migration { id: "0006_tags", sql: include_str!("../migrations/0006_tags.sql") },
    Migration { id: "0007_subscriptions", sql: include_str!("../migrations/0007_subscriptions.sql") },
    Migration {
        id: "0008_following_by_index",
        sql: include_str!("../migrations/0008_following_by_index.sql"),
    },
];

impl Module for FeatureRequests {
    fn name(&self) -> &'static str {
        generated::MODULE
    }

    fn label(&self) -> &'static str {
        "Feature requests"
    }

    fn migrations(&self) -> &'static [Migration] {
        MIGRATIONS
    }

    fn collections(&self) -> &'static [Collection] {
        index::COLLECTIONS
    }

    fn webhook_events(&self) -> &'static [&'static str] {
        index::EVENTS
    }

    fn notifications(
        &self,
        conn: &mut SqliteConnection,
        query: &exosphere_core::notifications::NotificationQuery,
    ) -> Result<Vec<exosphere_core::lexicon::site::exosphere::notification::defs::NotificationView>, Error>
    {
        notify::items(conn, query)
    }

    fn before_commit(&self, conn: &mut SqliteConnection) -> Result<(), Error> {
        index::flush_votes(conn)?;
        index::flush_search(conn)
    }

    fn configure(&self, cfg: &mut ServiceConfig, _ctx: &AppContext) {
        feature_request::configure(cfg, Arc::new(api::Api));
        export::configure(cfg);
        feed::configure(cfg);
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
        Ok(store::content(conn, uri)?.map(|(cid, sphere_id)| Content {
            cid,
            sphere_id,
            actions: exosphere_core::module::HIDE,
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
