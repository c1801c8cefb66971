//! Tags: their definitions, and which requests have them (for each request
//! and tag, the latest tagging record's action decides).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;
use exosphere_core::db::sql::sql;
use exosphere_core::lexicon::ValidationError;
use exosphere_core::{Error, Gated, IndexOutcome, RecordEvent};

use super::target;
use crate::generated::site::exosphere::{feature_request_tag, feature_request_tagging};

/// `site.exosphere.featureRequestTag` (the gate let only owners and admins through).
pub(super) fn index_tag(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let record: feature_request_tag::Record = exosphere_core::decode_or_return!(event);
    #[derive(QueryableByName)]
    struct Existing {
        #[diesel(sql_type = BigInt)]
        sphere_id: i64,
        #[diesel(sql_type = Text)]
        cid: String,
    }
    let uri = event.uri();
    let existing: Option<Existing> = sql("SELECT sphere_id, cid FROM fr_tags WHERE uri = ?")
        .bind::<Text, _>(&uri)
        .get_result(conn)
        .optional()?;
    match existing {
        Some(e) if e.cid == event.cid() => return Ok(IndexOutcome::Unchanged),
        Some(e) if e.sphere_id != sphere.id => {
            return Ok(IndexOutcome::Rejected(ValidationError::new(
                "sphere",
                "a tag can't move to another Sphere",
            )));
        }
        _ => {}
    }
    sql("INSERT INTO fr_tags (uri, cid, sphere_id, name, color, actor_did, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (uri) DO UPDATE SET cid = excluded.cid, name = excluded.name, color = excluded.color")
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(sphere.id)
    .bind::<Text, _>(record.name.trim())
    .bind::<Text, _>(&record.color)
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted tag: the requests that had it no longer show it (their tagging
/// records stay, and count again if a tag of the same URI comes back).
pub(super) fn delete_tag(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
) -> Result<IndexOutcome, Error> {
    let gone = sql("DELETE FROM fr_tags WHERE uri = ?").bind::<Text, _>(event.uri()).execute(conn)?;
    Ok(if gone > 0 { IndexOutcome::Indexed } else { IndexOutcome::Ignored })
}

/// `site.exosphere.featureRequestTagging` (owners' and admins' only).
pub(super) fn index_tagging(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let record: feature_request_tagging::Record = exosphere_core::decode_or_return!(event);
    let Some(request) = target(conn, "request", &record.subject.uri)? else {
        return Ok(IndexOutcome::Ignored);
    };
    if request.sphere_id != sphere.id {
        return Ok(IndexOutcome::Ignored);
    }
    let uri = event.uri();
    let before = pair_of(conn, &uri)?;
    let changed = sql("INSERT INTO fr_taggings (uri, cid, request_id, tag_uri, action, actor_did, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (uri) DO UPDATE SET cid = excluded.cid, request_id = excluded.request_id, tag_uri = excluded.tag_uri,
           action = excluded.action, created_at = excluded.created_at WHERE fr_taggings.cid != excluded.cid")
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(request.id)
    .bind::<Text, _>(&record.tag.uri)
    .bind::<Text, _>(&record.action)
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    if changed == 0 {
        return Ok(IndexOutcome::Unchanged);
    }
    if let Some((request_id, tag_uri)) = before {
        refresh(conn, request_id, &tag_uri)?;
    }
    refresh(conn, request.id, &record.tag.uri)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted tagging record: the one before it (if any) decides again.
pub(super) fn delete_tagging(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    let Some((request_id, tag_uri)) = pair_of(conn, &uri)? else { return Ok(IndexOutcome::Ignored) };
    sql("DELETE FROM fr_taggings WHERE uri = ?").bind::<Text, _>(&uri).execute(conn)?;
    refresh(conn, request_id, &tag_uri)?;
    Ok(IndexOutcome::Indexed)
}

/// The request and tag of a tagging record already indexed.
fn pair_of(conn: &mut SqliteConnection, uri: &str) -> Result<Option<(i64, String)>, Error> {
    #[derive(QueryableByName)]
    struct Pair {
        #[diesel(sql_type = BigInt)]
        request_id: i64,
        #[diesel(sql_type = Text)]
        tag_uri: String,
    }
    let pair: Option<Pair> = sql("SELECT request_id, tag_uri FROM fr_taggings WHERE uri = ?")
        .bind::<Text, _>(uri)
        .get_result(conn)
        .optional()?;
    Ok(pair.map(|p| (p.request_id, p.tag_uri)))
}

/// Whether the request has the tag: its latest tagging record says `add`.
fn refresh(conn: &mut SqliteConnection, request_id: i64, tag_uri: &str) -> Result<(), Error> {
    sql("DELETE FROM fr_request_tags WHERE request_id = ? AND tag_uri = ?")
        .bind::<BigInt, _>(request_id)
        .bind::<Text, _>(tag_uri)
        .execute(conn)?;
    sql("INSERT INTO fr_request_tags (request_id, tag_uri)
         SELECT ?, ? WHERE (SELECT action FROM fr_taggings WHERE request_id = ? AND tag_uri = ?
                            ORDER BY created_at DESC, uri DESC LIMIT 1) = 'add'")
    .bind::<BigInt, _>(request_id)
    .bind::<Text, _>(tag_uri)
    .bind::<BigInt, _>(request_id)
    .bind::<Text, _>(tag_uri)
    .execute(conn)?;
    Ok(())
}
