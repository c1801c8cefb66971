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
#[cfg(test)]
mod plans;
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
    Migration {
        id: "0009_votes_by_account_id",
        sql: include_str!("../migrations/0009_votes_by_account_id.sql"),
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

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use diesel::{QueryableByName, RunQueryDsl};
    use exosphere_core::db::migrations;
    use exosphere_core::db::sql::sql;
    use exosphere_core::module::Registry;

    use super::*;

    /// Migration 0009 keys votes by their voter's account id: every vote of
    /// a database made before it keeps its row, its voter becomes known (the
    /// one here who wasn't, too), and its record key is read from its URI.
    #[test]
    fn votes_keyed_by_account_id_keep_every_row() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = exosphere_core::Db::open(&dir.path().join("x.sqlite"))?;
        let mut conn = db.conn()?;
        Registry::new(vec![])?.migrate(&mut conn)?;
        let before = MIGRATIONS.iter().position(|m| m.id == "0009_votes_by_account_id").unwrap_or(0);
        migrations::run(&mut conn, generated::MODULE, &MIGRATIONS[..before])?;
        conn.batch_execute(
            "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
             VALUES (1, 'at://did:plc:o/site.exosphere.sphere/s', 'c', 'did:plc:o', 's', 'S', 'public', 'open', '[]', '2026-01-01', '2026-01-01');
             INSERT INTO fr_requests (id, uri, cid, sphere_id, number, author_did, title, created_at, indexed_us, votes_changed_us)
             VALUES (1, 'at://did:plc:a/site.exosphere.featureRequest/r1', 'c', 1, 1, 'did:plc:a', 't', '2026-01-01', 0, 0),
                    (2, 'at://did:plc:a/site.exosphere.featureRequest/r2', 'c', 1, 2, 'did:plc:a', 't', '2026-01-01', 0, 0);
             INSERT INTO known_accounts (did) VALUES ('did:plc:known');
             INSERT INTO fr_votes (uri, cid, request_id, voter_did, weight, created_at) VALUES
               ('at://did:plc:known/site.exosphere.featureRequestVote/3kabc', 'c1', 1, 'did:plc:known', 1.5, '2026-01-02'),
               ('at://did:plc:known/site.exosphere.featureRequestVote/3kabd', 'c2', 2, 'did:plc:known', 1.0, '2026-01-02'),
               ('at://did:plc:stranger/site.exosphere.featureRequestVote/3kabe', 'c3', 1, 'did:plc:stranger', 2.0, '2026-01-03');
             DELETE FROM fr_votes_pending;",
        )?;
        migrations::run(&mut conn, generated::MODULE, MIGRATIONS)?;

        #[derive(QueryableByName, Debug, PartialEq)]
        struct Vote {
            #[diesel(sql_type = Text)]
            uri: String,
            #[diesel(sql_type = Text)]
            voter_did: String,
            #[diesel(sql_type = Text)]
            rkey: String,
            #[diesel(sql_type = BigInt)]
            request_id: i64,
            #[diesel(sql_type = Text)]
            account: String,
        }
        let votes: Vec<Vote> = sql("SELECT v.uri, v.voter_did, v.rkey, v.request_id, k.did AS account
             FROM fr_votes v JOIN known_accounts k ON k.id = v.voter_id ORDER BY v.uri")
        .load(&mut conn)?;
        let vote = |uri: &str, voter: &str, rkey: &str, request_id: i64| Vote {
            uri: uri.into(),
            voter_did: voter.into(),
            rkey: rkey.into(),
            request_id,
            account: voter.into(),
        };
        assert_eq!(
            votes,
            [
                vote(
                    "at://did:plc:known/site.exosphere.featureRequestVote/3kabc",
                    "did:plc:known",
                    "3kabc",
                    1
                ),
                vote(
                    "at://did:plc:known/site.exosphere.featureRequestVote/3kabd",
                    "did:plc:known",
                    "3kabd",
                    2
                ),
                vote(
                    "at://did:plc:stranger/site.exosphere.featureRequestVote/3kabe",
                    "did:plc:stranger",
                    "3kabe",
                    1
                ),
            ]
        );
        // The stranger is known now, with the profile row every known account has.
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let profiles = sql("SELECT count(*) AS n FROM profiles p JOIN known_accounts k ON k.id = p.account WHERE k.did = 'did:plc:stranger'")
            .get_result::<N>(&mut conn)?;
        assert_eq!(profiles.n, 1);
        // A new vote still notes its count's change (the trigger came back), and the keys hold.
        conn.batch_execute(
            "INSERT INTO known_accounts (did) VALUES ('did:plc:new');
             INSERT INTO fr_votes (uri, cid, request_id, voter_did, voter_id, rkey, weight, created_at)
             SELECT 'at://did:plc:new/site.exosphere.featureRequestVote/3kabf', 'c4', 1, did, id, '3kabf', 1.0, '2026-01-04'
             FROM known_accounts WHERE did = 'did:plc:new';",
        )?;
        let pending =
            sql("SELECT count FROM fr_votes_pending WHERE request_id = 1").get_result::<Count>(&mut conn)?;
        assert_eq!(pending.count, 1);
        let again = conn.batch_execute(
            "INSERT INTO fr_votes (uri, cid, request_id, voter_did, voter_id, rkey, weight, created_at)
             SELECT 'at://did:plc:known/site.exosphere.featureRequestVote/3kabg', 'c5', 2, did, id, '3kabg', 1.0, '2026-01-04'
             FROM known_accounts WHERE did = 'did:plc:known';",
        );
        assert!(again.is_err(), "a second vote by the same person on request 2 must conflict");
        Ok(())
    }

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
}
