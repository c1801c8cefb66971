//! How the five feature-request records become rows: one function per
//! record type, shared by the API write path, the indexer and rebuilds, and
//! one per record type for deletes. Idempotent by URI + CID. Core's gate
//! has already checked that the record's Sphere is known, runs the board,
//! and lets the author publish it (see [`Gated`]); what is left here is
//! the board's own rules: the subject exists, in the same Sphere.

use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};
use exosphere_core::db::sql::sql;
use exosphere_core::lexicon::ValidationError;
use exosphere_core::{Collection, Error, Gated, IndexOutcome, RecordEvent};

use crate::generated::site::exosphere::{
    feature_request, feature_request_comment, feature_request_comment_vote, feature_request_status,
    feature_request_subscription, feature_request_tag, feature_request_tagging, feature_request_vote,
};
use crate::ranking::{now_us, weight};

mod events;
mod follow;
mod merge;
mod tags;
pub use events::EVENTS;
pub use merge::is_merged_into;

/// The collections this module indexes, in rebuild order (subjects first),
/// with who may publish each: statuses are the owner's and admins'.
pub const COLLECTIONS: &[Collection] = &[
    Collection::writer::<feature_request::Record>(),
    Collection::writer::<feature_request_vote::Record>(),
    Collection::writer::<feature_request_comment::Record>(),
    Collection::writer::<feature_request_comment_vote::Record>(),
    Collection::moderator::<feature_request_status::Record>(),
    Collection::moderator::<feature_request_tag::Record>(),
    Collection::moderator::<feature_request_tagging::Record>(),
    Collection::reader::<feature_request_subscription::Record>(),
];

/// Dispatches a gated create or update to its record type's indexing function.
pub fn index_record(conn: &mut SqliteConnection, record: &Gated<'_>) -> Result<IndexOutcome, Error> {
    match record.event.collection {
        feature_request::NSID => index_request(conn, record),
        feature_request_vote::NSID => index_vote(conn, record),
        feature_request_comment::NSID => index_comment(conn, record),
        feature_request_comment_vote::NSID => index_comment_vote(conn, record),
        feature_request_status::NSID => index_status(conn, record),
        feature_request_tag::NSID => tags::index_tag(conn, record),
        feature_request_tagging::NSID => tags::index_tagging(conn, record),
        feature_request_subscription::NSID => follow::index_subscription(conn, record),
        _ => Ok(IndexOutcome::Ignored),
    }
}

/// Dispatches a delete to its record type's function.
pub fn delete_record(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    match event.collection {
        feature_request::NSID => delete_request(conn, event),
        feature_request_vote::NSID => delete_vote(conn, event),
        feature_request_comment::NSID => delete_comment(conn, event),
        feature_request_comment_vote::NSID => delete_comment_vote(conn, event),
        feature_request_status::NSID => delete_status(conn, event),
        feature_request_tag::NSID => tags::delete_tag(conn, event),
        feature_request_tagging::NSID => tags::delete_tagging(conn, event),
        feature_request_subscription::NSID => follow::delete_subscription(conn, event),
        _ => Ok(IndexOutcome::Ignored),
    }
}

#[derive(QueryableByName)]
struct Target {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    sphere_id: i64,
    #[diesel(sql_type = Text)]
    cid: String,
}

fn target(conn: &mut SqliteConnection, table: &str, uri: &str) -> Result<Option<Target>, Error> {
    let text = match table {
        "request" => "SELECT id, sphere_id, cid FROM fr_requests WHERE uri = ?",
        _ => {
            "SELECT c.id, r.sphere_id, c.cid FROM fr_comments c JOIN fr_requests r ON r.id = c.request_id WHERE c.uri = ?"
        }
    };
    Ok(sql(text).bind::<Text, _>(uri).get_result(conn).optional()?)
}

/// A deleted `site.exosphere.featureRequest`.
fn delete_request(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let Some(row) = target(conn, "request", &event.uri())? else { return Ok(IndexOutcome::Ignored) };
    events::request_deleted(conn, event, row.sphere_id, row.id)?;
    follow::set_mentions(conn, &event.uri(), None)?;
    // The originals it is merged into lose its voters.
    merge::note_chain(conn, row.id)?;
    sql("DELETE FROM fr_requests WHERE id = ?").bind::<BigInt, _>(row.id).execute(conn)?;
    Ok(IndexOutcome::Indexed)
}

/// `site.exosphere.featureRequest`.
fn index_request(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let uri = event.uri();
    let existing = target(conn, "request", &uri)?;
    let record: feature_request::Record = exosphere_core::decode_or_return!(event);
    if existing.as_ref().is_some_and(|r| r.cid == event.cid()) {
        return Ok(IndexOutcome::Unchanged);
    }
    if let Some(row) = existing {
        if row.sphere_id != sphere.id {
            return Ok(IndexOutcome::Rejected(ValidationError::new(
                "sphere",
                "a request can't move to another Sphere",
            )));
        }
        sql("UPDATE fr_requests SET cid = ?, title = ?, description = ?, updated_at = ? WHERE id = ?")
            .bind::<Text, _>(event.cid())
            .bind::<Text, _>(&record.title)
            .bind::<Nullable<Text>, _>(&record.description)
            .bind::<Nullable<Text>, _>(record.updated_at.as_ref().or(Some(&record.created_at)))
            .bind::<BigInt, _>(row.id)
            .execute(conn)?;
        follow::set_mentions(conn, &uri, record.description.as_deref())?;
        return Ok(IndexOutcome::Indexed);
    }
    let created_weight = weight(&record.created_at, chrono::Utc::now());
    let now = tick(conn)?;
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = BigInt)]
        last_number: i64,
    }
    let number = sql("INSERT INTO fr_counters (sphere_id, last_number) VALUES (?, 1)
         ON CONFLICT (sphere_id) DO UPDATE SET last_number = last_number + 1 RETURNING last_number")
    .bind::<BigInt, _>(sphere.id)
    .get_result::<Next>(conn)?
    .last_number;
    sql(
        "INSERT INTO fr_requests (uri, cid, sphere_id, number, author_did, title, description, created_at, updated_at,
                                  trend_score, created_weight, indexed_us, votes_changed_us)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(sphere.id)
    .bind::<BigInt, _>(number)
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.title)
    .bind::<Nullable<Text>, _>(&record.description)
    .bind::<Text, _>(&record.created_at)
    .bind::<Nullable<Text>, _>(&record.updated_at)
    .bind::<Double, _>(created_weight)
    .bind::<Double, _>(created_weight)
    .bind::<BigInt, _>(now)
    .bind::<BigInt, _>(now)
    .execute(conn)?;
    merge::resolve_waiting(conn, &uri)?;
    follow::set_mentions(conn, &uri, record.description.as_deref())?;
    events::request_created(conn, event, sphere.id)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted `site.exosphere.featureRequestVote`.
fn delete_vote(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    #[derive(QueryableByName)]
    struct Live {
        #[diesel(sql_type = BigInt)]
        request_id: i64,
        #[diesel(sql_type = Double)]
        weight: f64,
    }
    let live: Option<Live> = sql(format!(
        "DELETE FROM fr_votes WHERE voter_id = {} AND rkey = ? RETURNING request_id, weight",
        exosphere_core::read::account_id("?")
    ))
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(event.rkey)
    .get_result(conn)
    .optional()?;
    let Some(live) = live else { return Ok(IndexOutcome::Ignored) };
    votes_changed(conn, live.request_id, -1, -live.weight)?;
    Ok(IndexOutcome::Indexed)
}

/// `site.exosphere.featureRequestVote`: one live vote per person per request.
fn index_vote(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let record: feature_request_vote::Record = exosphere_core::decode_or_return!(event);
    let w = weight(&record.created_at, chrono::Utc::now());
    // The request first: a vote for none in this Sphere is ignored without
    // making its voter known here. The migration's trigger notes the count's
    // change. Voting twice changes nothing (the same record again, or a
    // second record by the same person): both are uniqueness conflicts,
    // ignored. Keyed by the voter's account id and the record key (migration 0009).
    let Some(request) = target(conn, "request", &record.subject.uri)?.filter(|r| r.sphere_id == sphere.id)
    else {
        return Ok(IndexOutcome::Ignored);
    };
    let voter = exosphere_core::accounts::id(conn, event.did)?;
    let inserted = sql(
        "INSERT OR IGNORE INTO fr_votes (uri, cid, request_id, voter_did, voter_id, rkey, weight, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind::<Text, _>(event.uri())
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(request.id)
    .bind::<Text, _>(event.did)
    .bind::<BigInt, _>(voter)
    .bind::<Text, _>(event.rkey)
    .bind::<Double, _>(w)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    Ok(if inserted > 0 { IndexOutcome::Indexed } else { IndexOutcome::Unchanged })
}

/// Advances the board clock (see the migration's fr_clock) and returns the new value.
fn tick(conn: &mut SqliteConnection) -> Result<i64, Error> {
    #[derive(QueryableByName)]
    struct Clock {
        #[diesel(sql_type = BigInt)]
        now_us: i64,
    }
    // Two plain statements: `RETURNING` would build a temporary table each time.
    sql("UPDATE fr_clock SET now_us = max(now_us + 1, ?)").bind::<BigInt, _>(now_us()).execute(conn)?;
    Ok(sql("SELECT now_us FROM fr_clock").get_result::<Clock>(conn)?.now_us)
}

/// A vote came or went: notes the change, applied to the request at the end
/// of the transaction (see [`flush_votes`]).
fn votes_changed(conn: &mut SqliteConnection, request_id: i64, count: i64, weight: f64) -> Result<(), Error> {
    sql("INSERT INTO fr_votes_pending (request_id, count, weight) VALUES (?, ?, ?)
         ON CONFLICT (request_id) DO UPDATE SET count = count + excluded.count, weight = weight + excluded.weight")
    .bind::<BigInt, _>(request_id)
    .bind::<BigInt, _>(count)
    .bind::<Double, _>(weight)
    .execute(conn)?;
    Ok(())
}

/// Moves the vote counts changed in this transaction (migration 0003): one
/// clock tick for all, and per request its rank as it was before the
/// transaction (for page cursors) and its new count and score. Now and then
/// forgets history no cursor can need any more.
pub fn flush_votes(conn: &mut SqliteConnection) -> Result<(), Error> {
    let votes = any_pending(conn, "fr_votes_pending")?;
    if votes {
        merge::note_merged_votes(conn)?;
    }
    let recount = any_pending(conn, "fr_recount_pending")?;
    if !votes && !recount {
        return Ok(());
    }
    if recount {
        // Counted again below: their rank before this transaction is kept as any vote's is.
        sql(
            "INSERT OR IGNORE INTO fr_votes_pending (request_id, count, weight)
             SELECT p.request_id, 0, 0.0 FROM fr_recount_pending p JOIN fr_requests r ON r.id = p.request_id",
        )
        .execute(conn)?;
    }
    let now = tick(conn)?;
    sql("INSERT INTO fr_rank_history (request_id, changed_us, vote_count, trend_score)
         SELECT r.id, ?, r.vote_count, r.trend_score FROM fr_votes_pending p JOIN fr_requests r ON r.id = p.request_id")
    .bind::<BigInt, _>(now)
    .execute(conn)?;
    sql("UPDATE fr_requests SET vote_count = vote_count + p.count, trend_score = trend_score + p.weight,
                votes_changed_us = ?
         FROM fr_votes_pending p WHERE p.request_id = fr_requests.id")
    .bind::<BigInt, _>(now)
    .execute(conn)?;
    if recount {
        merge::recount(conn)?;
    }
    sql("DELETE FROM fr_votes_pending").execute(conn)?;
    // Forgetting is occasional (about one flush in 256): history older than a
    // cursor's lifetime is never read, so it may linger a little.
    if now & 0xff == 0 {
        sql("DELETE FROM fr_rank_history WHERE changed_us < ?")
            .bind::<BigInt, _>(now - crate::ranking::CURSOR_LIFETIME_US)
            .execute(conn)?;
    }
    Ok(())
}

/// A deleted `site.exosphere.featureRequestComment`.
fn delete_comment(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let Some(row) = target(conn, "comment", &event.uri())? else { return Ok(IndexOutcome::Ignored) };
    sql(
        "UPDATE fr_requests SET comment_count = comment_count - 1 WHERE id = (SELECT request_id FROM fr_comments WHERE id = ?)",
    )
    .bind::<BigInt, _>(row.id)
    .execute(conn)?;
    sql("DELETE FROM fr_comments WHERE id = ?").bind::<BigInt, _>(row.id).execute(conn)?;
    follow::set_mentions(conn, &event.uri(), None)?;
    Ok(IndexOutcome::Indexed)
}

/// `site.exosphere.featureRequestComment`.
fn index_comment(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let uri = event.uri();
    let existing = target(conn, "comment", &uri)?;
    let record: feature_request_comment::Record = exosphere_core::decode_or_return!(event);
    if existing.as_ref().is_some_and(|r| r.cid == event.cid()) {
        return Ok(IndexOutcome::Unchanged);
    }
    let Some(request) = target(conn, "request", &record.subject.uri)? else {
        return Ok(IndexOutcome::Ignored);
    };
    if sphere.id != request.sphere_id {
        return Ok(IndexOutcome::Ignored);
    }
    if let Some(parent) = &record.parent {
        #[derive(QueryableByName)]
        struct Parent {
            #[diesel(sql_type = BigInt)]
            request_id: i64,
        }
        let parent: Option<Parent> = sql("SELECT request_id FROM fr_comments WHERE uri = ?")
            .bind::<Text, _>(&parent.uri)
            .get_result(conn)
            .optional()?;
        if parent.is_none_or(|p| p.request_id != request.id) {
            return Ok(IndexOutcome::Rejected(ValidationError::new(
                "parent",
                "must be a comment on the same request",
            )));
        }
    }
    if let Some(row) = existing {
        sql("UPDATE fr_comments SET cid = ?, text = ?, updated_at = ? WHERE id = ?")
            .bind::<Text, _>(event.cid())
            .bind::<Text, _>(&record.text)
            .bind::<Nullable<Text>, _>(record.updated_at.as_ref().or(Some(&record.created_at)))
            .bind::<BigInt, _>(row.id)
            .execute(conn)?;
        follow::set_mentions(conn, &uri, Some(&record.text))?;
        return Ok(IndexOutcome::Indexed);
    }
    follow::set_mentions(conn, &uri, Some(&record.text))?;
    sql(
        "INSERT INTO fr_comments (uri, cid, request_id, parent_uri, author_did, text, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(request.id)
    .bind::<Nullable<Text>, _>(record.parent.as_ref().map(|p| p.uri.clone()))
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.text)
    .bind::<Text, _>(&record.created_at)
    .bind::<Nullable<Text>, _>(&record.updated_at)
    .execute(conn)?;
    sql("UPDATE fr_requests SET comment_count = comment_count + 1 WHERE id = ?")
        .bind::<BigInt, _>(request.id)
        .execute(conn)?;
    let parent = record.parent.as_ref().map(|p| p.uri.as_str());
    events::comment_created(conn, event, sphere.id, request.id, &record.text, parent)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted `site.exosphere.featureRequestCommentVote`.
fn delete_comment_vote(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    let removed = sql(
        "UPDATE fr_comments SET vote_count = vote_count - 1 WHERE id = (SELECT comment_id FROM fr_comment_votes WHERE uri = ?)",
    )
    .bind::<Text, _>(&uri)
    .execute(conn)?;
    sql("DELETE FROM fr_comment_votes WHERE uri = ?").bind::<Text, _>(&uri).execute(conn)?;
    Ok(if removed > 0 { IndexOutcome::Indexed } else { IndexOutcome::Ignored })
}

/// `site.exosphere.featureRequestCommentVote`: one per person per comment.
fn index_comment_vote(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let uri = event.uri();
    let record: feature_request_comment_vote::Record = exosphere_core::decode_or_return!(event);
    let Some(comment) = target(conn, "comment", &record.subject.uri)? else {
        return Ok(IndexOutcome::Ignored);
    };
    if sphere.id != comment.sphere_id {
        return Ok(IndexOutcome::Ignored);
    }
    let inserted = sql(
        "INSERT OR IGNORE INTO fr_comment_votes (uri, cid, comment_id, voter_did, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(comment.id)
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    if inserted == 0 {
        return Ok(IndexOutcome::Unchanged);
    }
    sql("UPDATE fr_comments SET vote_count = vote_count + 1 WHERE id = ?")
        .bind::<BigInt, _>(comment.id)
        .execute(conn)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted `site.exosphere.featureRequestStatus`.
fn delete_status(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    #[derive(QueryableByName)]
    struct Of {
        #[diesel(sql_type = BigInt)]
        request_id: i64,
    }
    let uri = event.uri();
    let of: Option<Of> = sql("SELECT request_id FROM fr_statuses WHERE uri = ?")
        .bind::<Text, _>(&uri)
        .get_result(conn)
        .optional()?;
    let Some(of) = of else { return Ok(IndexOutcome::Ignored) };
    sql("DELETE FROM fr_statuses WHERE uri = ?").bind::<Text, _>(&uri).execute(conn)?;
    refresh_status(conn, of.request_id)?;
    Ok(IndexOutcome::Indexed)
}

/// `site.exosphere.featureRequestStatus` (the gate let only owners and admins through).
fn index_status(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let uri = event.uri();
    let record: feature_request_status::Record = exosphere_core::decode_or_return!(event);
    let Some(request) = target(conn, "request", &record.subject.uri)? else {
        return Ok(IndexOutcome::Ignored);
    };
    if sphere.id != request.sphere_id {
        return Ok(IndexOutcome::Ignored);
    }
    #[derive(QueryableByName)]
    struct Old {
        #[diesel(sql_type = Text)]
        status: String,
    }
    let old_status = sql("SELECT status FROM fr_requests WHERE id = ?")
        .bind::<BigInt, _>(request.id)
        .get_result::<Old>(conn)?
        .status;
    let changed = sql(
        "INSERT INTO fr_statuses (uri, cid, request_id, status, note, duplicate_of, actor_did, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (uri) DO UPDATE SET cid = excluded.cid, status = excluded.status, note = excluded.note,
           duplicate_of = excluded.duplicate_of, created_at = excluded.created_at WHERE fr_statuses.cid != excluded.cid",
    )
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(request.id)
    .bind::<Text, _>(&record.status)
    .bind::<Nullable<Text>, _>(&record.note)
    .bind::<Nullable<Text>, _>(record.duplicate_of.as_ref().map(|d| d.uri.as_str()))
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    if changed == 0 {
        return Ok(IndexOutcome::Unchanged);
    }
    refresh_status(conn, request.id)?;
    events::status_changed(conn, event, sphere.id, request.id, &old_status)?;
    Ok(IndexOutcome::Indexed)
}

/// A request's status is its latest status record's (or `open`), and so is where it is merged.
fn refresh_status(conn: &mut SqliteConnection, request_id: i64) -> Result<(), Error> {
    sql("UPDATE fr_requests SET status = coalesce((SELECT status FROM fr_statuses WHERE request_id = ?
           ORDER BY created_at DESC, uri DESC LIMIT 1), 'open') WHERE id = ?")
    .bind::<BigInt, _>(request_id)
    .bind::<BigInt, _>(request_id)
    .execute(conn)?;
    merge::refresh(conn, request_id)
}

/// Whether one of the tables of work deferred to the commit has rows (the
/// common case for a transaction that changed none of it: nothing to do).
fn any_pending(conn: &mut SqliteConnection, table: &str) -> Result<bool, Error> {
    #[derive(QueryableByName)]
    struct Pending {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        pending: bool,
    }
    Ok(sql(format!("SELECT EXISTS (SELECT 1 FROM {table}) AS pending")).get_result::<Pending>(conn)?.pending)
}

/// Brings the search index up to date with the requests changed in this
/// transaction (noted by the triggers of migration 0002): old text out, the
/// current text in, once per request however often it changed.
pub fn flush_search(conn: &mut SqliteConnection) -> Result<(), Error> {
    if !any_pending(conn, "fr_search_pending")? {
        return Ok(());
    }
    sql("INSERT INTO fr_requests_fts (fr_requests_fts, rowid, title, description)
         SELECT 'delete', request_id, title, description FROM fr_search_pending WHERE indexed = 1")
    .execute(conn)?;
    sql("INSERT INTO fr_requests_fts (rowid, title, description)
         SELECT r.id, r.title, coalesce(r.description, '') FROM fr_search_pending p JOIN fr_requests r ON r.id = p.request_id")
    .execute(conn)?;
    sql("DELETE FROM fr_search_pending").execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use diesel::connection::SimpleConnection;
    use exosphere_core::Db;
    use exosphere_core::module::Registry;

    use super::*;

    #[derive(QueryableByName)]
    struct Hit {
        #[diesel(sql_type = BigInt)]
        rowid: i64,
    }

    fn matches(db: &Db, words: &str) -> anyhow::Result<Vec<i64>> {
        let mut conn = db.conn()?;
        let hits: Vec<Hit> =
            sql("SELECT rowid FROM fr_requests_fts WHERE fr_requests_fts MATCH ? ORDER BY rowid")
                .bind::<Text, _>(words)
                .load(&mut conn)?;
        Ok(hits.into_iter().map(|h| h.rowid).collect())
    }

    #[tokio::test]
    async fn search_follows_every_change_once_per_transaction() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        let registry = Registry::new(vec![Arc::new(crate::FeatureRequests)])?;
        registry.migrate(&mut *db.conn()?)?;
        let modules = registry.clone();
        db.set_before_commit(Arc::new(move |c| modules.before_commit(c)));
        let insert = |id: i64, title: &str| {
            format!(
                "INSERT INTO fr_requests (id, uri, cid, sphere_id, number, author_did, title, created_at, indexed_us, votes_changed_us)
                 VALUES ({id}, 'at://a/r/{id}', 'c', 1, {id}, 'did:plc:a', '{title}', '2026-01-01', 0, 0);"
            )
        };
        let setup = format!(
            "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
             VALUES (1, 'at://o/s/1', 'c', 'did:plc:o', 's', 'S', 'public', 'open', '[]', '2026-01-01', '2026-01-01');
             {} {} {}",
            insert(1, "dark mode"),
            insert(2, "csv export"),
            insert(3, "keyboard shortcuts")
        );
        db.write(move |c| Ok(c.batch_execute(&setup)?)).await?;
        assert_eq!(matches(&db, "dark")?, [1]);
        // In one transaction: a new title twice, a delete, an insert edited then deleted, a delete then an insert reusing the id.
        let changes = format!(
            "UPDATE fr_requests SET title = 'light theme' WHERE id = 1;
             UPDATE fr_requests SET title = 'light mode' WHERE id = 1;
             DELETE FROM fr_requests WHERE id = 2;
             {} UPDATE fr_requests SET title = 'gone again' WHERE id = 4; DELETE FROM fr_requests WHERE id = 4;
             DELETE FROM fr_requests WHERE id = 3; {}",
            insert(4, "short lived"),
            insert(3, "mouse gestures")
        );
        db.write(move |c| Ok(c.batch_execute(&changes)?)).await?;
        assert!(matches(&db, "dark")?.is_empty(), "old words leave the index");
        assert!(matches(&db, "theme")?.is_empty(), "intermediate versions never reach it");
        assert_eq!(matches(&db, "light mode")?, [1]);
        assert!(matches(&db, "csv")?.is_empty());
        assert!(matches(&db, "short OR gone")?.is_empty());
        assert!(matches(&db, "keyboard")?.is_empty());
        assert_eq!(matches(&db, "mouse")?, [3]);
        let mut conn = db.conn()?;
        // FTS5's own check that the index matches the content table (an error if not).
        conn.batch_execute(
            "INSERT INTO fr_requests_fts (fr_requests_fts, rank) VALUES ('integrity-check', 1)",
        )?;
        let left: Vec<Hit> = sql("SELECT request_id AS rowid FROM fr_search_pending").load(&mut conn)?;
        assert!(left.is_empty(), "nothing is left pending after a commit");
        Ok(())
    }

    #[derive(QueryableByName)]
    struct Merged {
        #[diesel(sql_type = BigInt)]
        vote_count: i64,
        #[diesel(sql_type = Nullable<BigInt>)]
        duplicate_of: Option<i64>,
    }

    #[tokio::test]
    async fn a_duplicate_indexed_before_its_original_is_merged_once_the_original_comes() -> anyhow::Result<()>
    {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        let registry = Registry::new(vec![Arc::new(crate::FeatureRequests)])?;
        registry.migrate(&mut *db.conn()?)?;
        let modules = registry.clone();
        db.set_before_commit(Arc::new(move |c| modules.before_commit(c)));
        let request = |id: i64| {
            format!(
                "INSERT INTO fr_requests (id, uri, cid, sphere_id, number, author_did, title, created_at, indexed_us, votes_changed_us)
                 VALUES ({id}, 'at://a/r/{id}', 'c', 1, {id}, 'did:plc:a', 't', '2026-01-01', 0, 0);"
            )
        };
        let vote = |request: i64, voter: &str| {
            format!(
                "INSERT OR IGNORE INTO known_accounts (did) VALUES ('{voter}');
                 INSERT INTO fr_votes (uri, cid, request_id, voter_did, voter_id, rkey, weight, created_at)
                 SELECT 'at://{voter}/v/{request}', 'c', {request}, '{voter}', id, '{request}', 1.0, '2026-01-01'
                 FROM known_accounts WHERE did = '{voter}';"
            )
        };
        let setup = format!(
            "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
             VALUES (1, 'at://o/s/1', 'c', 'did:plc:o', 's', 'S', 'public', 'open', '[]', '2026-01-01', '2026-01-01');
             {} {} {}
             INSERT INTO fr_statuses (uri, cid, request_id, status, duplicate_of, actor_did, created_at)
             VALUES ('at://o/st/1', 'c', 1, 'duplicate', 'at://a/r/9', 'did:plc:o', '2026-01-02');",
            request(1),
            vote(1, "did:plc:x"),
            vote(1, "did:plc:y"),
        );
        db.write(move |c| {
            c.batch_execute(&setup)?;
            refresh_status(c, 1)
        })
        .await?;
        let merged = |db: &Db, id: i64| -> anyhow::Result<Merged> {
            Ok(sql("SELECT vote_count, duplicate_of FROM fr_requests WHERE id = ?")
                .bind::<BigInt, _>(id)
                .get_result(&mut *db.conn()?)?)
        };
        let one = merged(&db, 1)?;
        assert_eq!((one.vote_count, one.duplicate_of), (2, None), "the original is not here yet");
        // The original arrives, with a voter of its own and one who voted on the duplicate too.
        let original = format!("{} {} {}", request(9), vote(9, "did:plc:z"), vote(9, "did:plc:x"));
        db.write(move |c| {
            c.batch_execute(&original)?;
            merge::resolve_waiting(c, "at://a/r/9")
        })
        .await?;
        let (one, nine) = (merged(&db, 1)?, merged(&db, 9)?);
        assert_eq!((one.duplicate_of, nine.vote_count), (Some(9), 3), "x, y and z, x once");
        assert_eq!(one.vote_count, 2);
        Ok(())
    }

    #[derive(QueryableByName)]
    struct Rank {
        #[diesel(sql_type = BigInt)]
        vote_count: i64,
        #[diesel(sql_type = Double)]
        trend_score: f64,
        #[diesel(sql_type = BigInt)]
        changed_us: i64,
    }

    /// A vote for a request this Sphere doesn't have is ignored and leaves
    /// its voter unknown here (the indexer keeps known accounts' identities
    /// and reads their profiles: anyone could otherwise grow those tables
    /// with votes for nothing); a vote that lands makes its voter known.
    #[test]
    fn a_vote_for_no_request_leaves_its_voter_unknown() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        let registry = Registry::new(vec![Arc::new(crate::FeatureRequests)])?;
        let mut conn = db.conn()?;
        registry.migrate(&mut conn)?;
        let sphere = "at://did:plc:o/site.exosphere.sphere/s";
        conn.batch_execute(&format!(
            "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
             VALUES (1, '{sphere}', 'c', 'did:plc:o', 's', 'S', 'public', 'open', '[\"feature-requests\"]', '2026-01-01', '2026-01-01');
             INSERT INTO fr_requests (id, uri, cid, sphere_id, number, author_did, title, created_at, indexed_us, votes_changed_us)
             VALUES (1, 'at://did:plc:a/site.exosphere.featureRequest/r1', 'bafyreq1', 1, 1, 'did:plc:a', 't', '2026-01-01', 0, 0);"
        ))?;
        let vote = |conn: &mut SqliteConnection, did: &str, request: &str| -> anyhow::Result<IndexOutcome> {
            let value = serde_json::json!({
                "$type": feature_request_vote::NSID, "sphere": sphere, "createdAt": "2026-01-02T00:00:00.000Z",
                "subject": { "uri": format!("at://did:plc:a/site.exosphere.featureRequest/{request}"), "cid": "bafyreq1" },
            });
            let event = RecordEvent {
                source: exosphere_core::Source::Rebuild,
                did,
                collection: feature_request_vote::NSID,
                rkey: "v1",
                op: exosphere_core::RecordOp::Create,
                cid: Some("bafyvote"),
                record: Some(&value),
                seen_us: None,
            };
            Ok(registry.index_in(conn, &event, &mut exosphere_core::module::SphereMemo::default())?)
        };
        let known = |conn: &mut SqliteConnection, did: &str| -> anyhow::Result<bool> {
            #[derive(QueryableByName)]
            struct Known {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                known: bool,
            }
            Ok(sql("SELECT EXISTS (SELECT 1 FROM known_accounts WHERE did = ?) AS known")
                .bind::<Text, _>(did)
                .get_result::<Known>(conn)?
                .known)
        };
        assert_eq!(vote(&mut conn, "did:plc:stranger", "r404")?, IndexOutcome::Ignored);
        assert!(!known(&mut conn, "did:plc:stranger")?, "a vote for nothing makes no account known");
        assert_eq!(vote(&mut conn, "did:plc:voter", "r1")?, IndexOutcome::Indexed);
        assert!(known(&mut conn, "did:plc:voter")?);
        assert_eq!(vote(&mut conn, "did:plc:voter", "r1")?, IndexOutcome::Unchanged);
        Ok(())
    }

    #[tokio::test]
    async fn votes_move_each_request_once_per_transaction() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::open(&dir.path().join("x.sqlite"))?;
        let registry = Registry::new(vec![Arc::new(crate::FeatureRequests)])?;
        registry.migrate(&mut *db.conn()?)?;
        let modules = registry.clone();
        db.set_before_commit(Arc::new(move |c| modules.before_commit(c)));
        db.write(|c| {
            Ok(c.batch_execute(
                "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
                 VALUES (1, 'at://o/s/1', 'c', 'did:plc:o', 's', 'S', 'public', 'open', '[]', '2026-01-01', '2026-01-01');
                 INSERT INTO fr_requests (id, uri, cid, sphere_id, number, author_did, title, created_at, indexed_us, votes_changed_us,
                                          vote_count, trend_score)
                 VALUES (1, 'at://a/r/1', 'c', 1, 1, 'did:plc:a', 'one', '2026-01-01', 0, 0, 5, 5.0),
                        (2, 'at://a/r/2', 'c', 1, 2, 'did:plc:a', 'two', '2026-01-01', 0, 0, 1, 1.0),
                        (3, 'at://a/r/3', 'c', 1, 3, 'did:plc:a', 'three', '2026-01-01', 0, 0, 0, 0.0);",
            )?)
        })
        .await?;
        // One transaction: three votes and a vote taken back on request 1, one vote on 2, nothing on 3.
        db.write(|c| {
            for (request, count, weight) in
                [(1, 1, 1.0), (1, 1, 2.0), (2, 1, 0.5), (1, -1, -1.0), (1, 1, 4.0)]
            {
                votes_changed(c, request, count, weight)?;
            }
            Ok(())
        })
        .await?;
        let mut conn = db.conn()?;
        let rank = |conn: &mut SqliteConnection, id: i64| -> anyhow::Result<Rank> {
            Ok(sql("SELECT vote_count, trend_score, votes_changed_us AS changed_us FROM fr_requests WHERE id = ?")
                .bind::<BigInt, _>(id)
                .get_result(conn)?)
        };
        let history = |conn: &mut SqliteConnection, id: i64| -> anyhow::Result<Vec<Rank>> {
            Ok(sql("SELECT vote_count, trend_score, changed_us FROM fr_rank_history WHERE request_id = ? ORDER BY id")
                .bind::<BigInt, _>(id)
                .load(conn)?)
        };
        let (one, two, three) = (rank(&mut conn, 1)?, rank(&mut conn, 2)?, rank(&mut conn, 3)?);
        assert_eq!((one.vote_count, one.trend_score), (7, 11.0));
        assert_eq!((two.vote_count, two.trend_score), (2, 1.5));
        assert_eq!((three.vote_count, three.changed_us), (0, 0), "untouched");
        assert!(one.changed_us > 0 && one.changed_us == two.changed_us, "one clock tick for the transaction");
        let (h1, h2) = (history(&mut conn, 1)?, history(&mut conn, 2)?);
        assert_eq!(h1.len(), 1, "one history row per request per transaction");
        assert_eq!(
            (h1[0].vote_count, h1[0].trend_score, h1[0].changed_us),
            (5, 5.0, one.changed_us),
            "the rank before"
        );
        assert_eq!((h2.len(), h2[0].vote_count), (1, 1));
        assert!(history(&mut conn, 3)?.is_empty());
        // A rolled-back write leaves nothing pending, and the next one starts from the committed counts.
        let failed = db
            .write(|c| {
                votes_changed(c, 3, 1, 1.0)?;
                Err::<(), _>(Error::internal(anyhow::anyhow!("abandoned")))
            })
            .await;
        assert!(failed.is_err());
        db.write(|c| votes_changed(c, 3, 1, 2.0)).await?;
        let three = rank(&mut conn, 3)?;
        assert_eq!((three.vote_count, three.trend_score), (1, 2.0));
        assert!(three.changed_us > one.changed_us, "a later transaction, a later tick");
        let left: Vec<Hit> = sql("SELECT request_id AS rowid FROM fr_votes_pending").load(&mut conn)?;
        assert!(left.is_empty(), "nothing is left pending after a commit");
        Ok(())
    }
}
