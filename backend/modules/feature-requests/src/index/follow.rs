//! Following requests, and the handles texts mention: what notifications
//! are derived from (see notify.rs).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::sqlite::SqliteConnection;
use exosphere_core::db::sql::sql;
use exosphere_core::{Error, Gated, IndexOutcome, RecordEvent};

use super::target;
use crate::generated::site::exosphere::feature_request_subscription;

/// `site.exosphere.featureRequestSubscription`: the subscriber's own record.
pub(super) fn index_subscription(
    conn: &mut SqliteConnection,
    gated: &Gated<'_>,
) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let record: feature_request_subscription::Record = exosphere_core::decode_or_return!(event);
    let Some(request) = target(conn, "request", &record.subject.uri)? else {
        return Ok(IndexOutcome::Ignored);
    };
    if request.sphere_id != sphere.id {
        return Ok(IndexOutcome::Ignored);
    }
    let changed = sql("INSERT INTO fr_subscriptions (uri, cid, request_id, did, subscribed, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (uri) DO UPDATE SET cid = excluded.cid, request_id = excluded.request_id,
           subscribed = excluded.subscribed, created_at = excluded.created_at WHERE fr_subscriptions.cid != excluded.cid")
    .bind::<Text, _>(event.uri())
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(request.id)
    .bind::<Text, _>(event.did)
    .bind::<Bool, _>(record.subscribed)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    Ok(if changed > 0 { IndexOutcome::Indexed } else { IndexOutcome::Unchanged })
}

pub(super) fn delete_subscription(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
) -> Result<IndexOutcome, Error> {
    let gone =
        sql("DELETE FROM fr_subscriptions WHERE uri = ?").bind::<Text, _>(event.uri()).execute(conn)?;
    Ok(if gone > 0 { IndexOutcome::Indexed } else { IndexOutcome::Ignored })
}

/// The handles `text` mentions, for the record `uri` (replacing an earlier version's).
pub(super) fn set_mentions(conn: &mut SqliteConnection, uri: &str, text: Option<&str>) -> Result<(), Error> {
    sql("DELETE FROM fr_mentions WHERE record_uri = ?").bind::<Text, _>(uri).execute(conn)?;
    for handle in text.map(crate::notify::mentions).unwrap_or_default() {
        sql("INSERT OR IGNORE INTO fr_mentions (handle, record_uri) VALUES (?, ?)")
            .bind::<Text, _>(handle)
            .bind::<Text, _>(uri)
            .execute(conn)?;
    }
    Ok(())
}
