//! Merged duplicates: where a request is merged (its current status says
//! `duplicate` and names the original), and the merged vote counts.
//!
//! A request's vote count is the number of distinct voters of the request
//! and of every request merged into it, chains included. Counts of requests
//! no merge touches move by the votes' increments (see `flush_votes`); the
//! others are counted again, once per transaction, from the votes: a vote on
//! a request in a merge, a merge and an un-merge note the requests whose
//! count may change in `fr_recount_pending` (migration 0005), and
//! [`recount`] counts them before the commit. Walks over the links stop at a
//! request already seen, so even a cycle of merges (which the API refuses,
//! but records from PDSes may make) gives the same counts in any order.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use exosphere_core::Error;
use exosphere_core::db::sql::sql;

/// `up(id)`: the requests `$seed` selects and every request they are merged
/// into, directly or through others (`UNION` stops at one already seen).
macro_rules! merged_into {
    ($seed:literal) => {
        concat!(
            "WITH RECURSIVE up(id) AS (",
            $seed,
            " UNION SELECT r.duplicate_of FROM fr_requests r JOIN up ON r.id = up.id WHERE r.duplicate_of IS NOT NULL) "
        )
    };
}

/// Notes `request_id` and every request it is merged into, directly or through others, for a recount.
pub(super) fn note_chain(conn: &mut SqliteConnection, request_id: i64) -> Result<(), Error> {
    sql(concat!(
        merged_into!("SELECT ?1"),
        "INSERT OR IGNORE INTO fr_recount_pending (request_id) SELECT id FROM up"
    ))
    .bind::<BigInt, _>(request_id)
    .execute(conn)?;
    Ok(())
}

/// Notes, for a recount, the chains of the requests whose votes changed in
/// this transaction and that a merge touches (merged, or an original).
pub(super) fn note_merged_votes(conn: &mut SqliteConnection) -> Result<(), Error> {
    sql(concat!(
        merged_into!(
            "SELECT r.id FROM fr_votes_pending p JOIN fr_requests r ON r.id = p.request_id
             WHERE r.duplicate_of IS NOT NULL OR EXISTS (SELECT 1 FROM fr_requests c WHERE c.duplicate_of = r.id)"
        ),
        "INSERT OR IGNORE INTO fr_recount_pending (request_id) SELECT id FROM up"
    ))
    .execute(conn)?;
    Ok(())
}

/// Counts the noted requests' distinct voters, theirs and their merged
/// requests', and forgets the notes.
pub(super) fn recount(conn: &mut SqliteConnection) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct Noted {
        #[diesel(sql_type = BigInt)]
        request_id: i64,
    }
    let noted: Vec<Noted> = sql("SELECT request_id FROM fr_recount_pending").load(conn)?;
    for Noted { request_id } in noted {
        sql("UPDATE fr_requests SET vote_count = (
               WITH RECURSIVE down(id) AS (
                 SELECT ?
                 UNION SELECT c.id FROM fr_requests c JOIN down ON c.duplicate_of = down.id)
               SELECT count(DISTINCT v.voter_id) FROM fr_votes v WHERE v.request_id IN down)
             WHERE id = ?")
        .bind::<BigInt, _>(request_id)
        .bind::<BigInt, _>(request_id)
        .execute(conn)?;
    }
    sql("DELETE FROM fr_recount_pending").execute(conn)?;
    Ok(())
}

/// Sets where `request_id` is merged from its current status (the latest
/// record's: a `duplicate` naming a request of the same Sphere that is
/// indexed here, or nowhere), and notes the counts that change with it.
pub(super) fn refresh(conn: &mut SqliteConnection, request_id: i64) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct Link {
        #[diesel(sql_type = Nullable<BigInt>)]
        was: Option<i64>,
        #[diesel(sql_type = Nullable<BigInt>)]
        now: Option<i64>,
    }
    let link: Link = sql("SELECT r.duplicate_of AS was,
           (SELECT o.id FROM fr_statuses st JOIN fr_requests o ON o.uri = st.duplicate_of
             WHERE st.request_id = r.id AND st.status = 'duplicate' AND o.sphere_id = r.sphere_id AND o.id != r.id
               AND st.uri = (SELECT l.uri FROM fr_statuses l WHERE l.request_id = r.id ORDER BY l.created_at DESC, l.uri DESC LIMIT 1)) AS now
         FROM fr_requests r WHERE r.id = ?")
    .bind::<BigInt, _>(request_id)
    .get_result(conn)?;
    if link.was == link.now {
        return Ok(());
    }
    // The originals it leaves lose its voters, those it joins gain them.
    note_chain(conn, request_id)?;
    sql("UPDATE fr_requests SET duplicate_of = ? WHERE id = ?")
        .bind::<Nullable<BigInt>, _>(link.now)
        .bind::<BigInt, _>(request_id)
        .execute(conn)?;
    note_chain(conn, request_id)
}

/// A request just indexed may be the original that statuses indexed before
/// it named: their requests are merged into it now.
pub(super) fn resolve_waiting(conn: &mut SqliteConnection, uri: &str) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct Waiting {
        #[diesel(sql_type = BigInt)]
        request_id: i64,
    }
    let waiting: Vec<Waiting> = sql("SELECT DISTINCT request_id FROM fr_statuses WHERE duplicate_of = ?")
        .bind::<Text, _>(uri)
        .load(conn)?;
    for Waiting { request_id } in waiting {
        refresh(conn, request_id)?;
    }
    Ok(())
}

/// Whether `request_id` is `original_id` or merged into it, directly or
/// through others: then merging `original_id` into `request_id` would make a cycle.
pub fn is_merged_into(conn: &mut SqliteConnection, request_id: i64, original_id: i64) -> Result<bool, Error> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    Ok(sql(concat!(merged_into!("SELECT ?1"), "SELECT EXISTS (SELECT 1 FROM up WHERE id = ?2) AS found"))
        .bind::<BigInt, _>(request_id)
        .bind::<BigInt, _>(original_id)
        .get_result::<Found>(conn)?
        .found)
}
