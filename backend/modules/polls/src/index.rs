//! How polls and ballots become rows: one function per record type for
//! creates and updates, one per record type for deletes, shared by the API
//! write path, the indexer and rebuilds. Idempotent by URI + CID. Core's
//! gate has already checked the record's Sphere, that it runs polls, and
//! that the author may write there (see [`Gated`]).
//!
//! Indexing only stores records and notes which voters' ballots to look at
//! again; which ballot counts, and the results, are settled once per write
//! transaction (see [`crate::count`]).

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};
use exosphere_core::db::sql::sql;
use exosphere_core::lexicon::ValidationError;
use exosphere_core::{Collection, Error, Gated, IndexOutcome, RecordEvent, Source};

use crate::generated::site::exosphere::{poll, poll_vote};
use crate::rules;

/// The collections this module indexes, in rebuild order (polls before the
/// ballots that name them).
pub const COLLECTIONS: &[Collection] =
    &[Collection::writer::<poll::Record>(), Collection::writer::<poll_vote::Record>()];

/// Dispatches a gated create or update to its record type's function.
pub fn index_record(conn: &mut SqliteConnection, record: &Gated<'_>) -> Result<IndexOutcome, Error> {
    match record.event.collection {
        poll::NSID => index_poll(conn, record),
        poll_vote::NSID => index_ballot(conn, record),
        _ => Ok(IndexOutcome::Ignored),
    }
}

/// Dispatches a delete to its record type's function.
pub fn delete_record(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    match event.collection {
        poll::NSID => delete_poll(conn, event),
        poll_vote::NSID => delete_ballot(conn, event),
        _ => Ok(IndexOutcome::Ignored),
    }
}

/// What ballots are cast on: a ballot naming a version of the poll with
/// another shape does not count.
pub fn shape(record: &poll::Record) -> String {
    serde_json::json!([record.question, record.options, record.kind, record.max_choices]).to_string()
}

/// A datetime as the index keeps it (so that it sorts as text among
/// `createdAt`s): UTC, milliseconds, `Z`.
fn normal(datetime: &str) -> Option<(String, i64)> {
    rules::instant(datetime)
        .map(|d| (d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true), d.timestamp_micros()))
}

/// Notes that `voter`'s counted ballot in the poll may have changed (`""`: every voter's).
pub(crate) fn recount(conn: &mut SqliteConnection, poll_uri: &str, voter: &str) -> Result<(), Error> {
    sql("INSERT OR IGNORE INTO poll_pending (poll_uri, voter_did) VALUES (?, ?)")
        .bind::<Text, _>(poll_uri)
        .bind::<Text, _>(voter)
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
pub(crate) struct PollRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub sphere_id: i64,
    #[diesel(sql_type = Text)]
    pub cid: String,
    #[diesel(sql_type = Text)]
    pub shape: String,
    #[diesel(sql_type = Text)]
    pub options: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub max_choices: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub closes_us: Option<i64>,
}

impl PollRow {
    /// How many options the poll has.
    pub fn option_count(&self) -> usize {
        serde_json::from_str::<Vec<serde_json::Value>>(&self.options).map_or(0, |o| o.len())
    }
}

pub(crate) fn poll_row(conn: &mut SqliteConnection, uri: &str) -> Result<Option<PollRow>, Error> {
    Ok(sql(
        "SELECT id, sphere_id, cid, shape, options, kind, max_choices, closes_us FROM poll_polls WHERE uri = ?",
    )
    .bind::<Text, _>(uri)
    .get_result(conn)
    .optional()?)
}

/// `site.exosphere.poll`.
fn index_poll(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let uri = event.uri();
    let existing = poll_row(conn, &uri)?;
    let record: poll::Record = exosphere_core::decode_or_return!(event);
    if existing.as_ref().is_some_and(|r| r.cid == event.cid()) {
        return Ok(IndexOutcome::Unchanged);
    }
    if record.max_choices.is_some_and(|m| m > record.options.len() as i64) {
        return Ok(IndexOutcome::Rejected(ValidationError::new(
            "maxChoices",
            "must not be more than the options",
        )));
    }
    let closes = match record.closes_at.as_deref().map(normal) {
        Some(None) => return Ok(IndexOutcome::Rejected(ValidationError::new("closesAt", "not a datetime"))),
        Some(Some(closes)) => Some(closes),
        None => None,
    };
    let (closes_at, closes_us) = closes.unzip();
    let shape = shape(&record);
    let options = serde_json::to_string(&record.options).map_err(Error::internal)?;
    sql("INSERT OR IGNORE INTO poll_versions (poll_uri, cid, shape) VALUES (?, ?, ?)")
        .bind::<Text, _>(&uri)
        .bind::<Text, _>(event.cid())
        .bind::<Text, _>(&shape)
        .execute(conn)?;
    let description = record.description.filter(|d| !d.is_empty());
    if let Some(row) = existing {
        if row.sphere_id != sphere.id {
            return Ok(IndexOutcome::Rejected(ValidationError::new(
                "sphere",
                "a poll can't move to another Sphere",
            )));
        }
        sql("UPDATE poll_polls SET cid = ?, question = ?, description = ?, options = ?, kind = ?, max_choices = ?,
                                   closes_at = ?, closes_us = ?, results = ?, shape = ?, updated_at = ?
             WHERE id = ?")
        .bind::<Text, _>(event.cid())
        .bind::<Text, _>(&record.question)
        .bind::<Nullable<Text>, _>(&description)
        .bind::<Text, _>(&options)
        .bind::<Text, _>(&record.kind)
        .bind::<Nullable<BigInt>, _>(record.max_choices)
        .bind::<Nullable<Text>, _>(&closes_at)
        .bind::<Nullable<BigInt>, _>(closes_us)
        .bind::<Text, _>(&record.results)
        .bind::<Text, _>(&shape)
        .bind::<Nullable<Text>, _>(record.updated_at.as_ref().or(Some(&record.created_at)))
        .bind::<BigInt, _>(row.id)
        .execute(conn)?;
    } else {
        #[derive(QueryableByName)]
        struct Next {
            #[diesel(sql_type = BigInt)]
            last_number: i64,
        }
        let number = sql("INSERT INTO poll_counters (sphere_id, last_number) VALUES (?, 1)
             ON CONFLICT (sphere_id) DO UPDATE SET last_number = last_number + 1 RETURNING last_number")
        .bind::<BigInt, _>(sphere.id)
        .get_result::<Next>(conn)?
        .last_number;
        sql("INSERT INTO poll_polls (uri, cid, sphere_id, number, author_did, question, description, options, kind,
                                     max_choices, closes_at, closes_us, results, shape, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind::<Text, _>(&uri)
        .bind::<Text, _>(event.cid())
        .bind::<BigInt, _>(sphere.id)
        .bind::<BigInt, _>(number)
        .bind::<Text, _>(event.did)
        .bind::<Text, _>(&record.question)
        .bind::<Nullable<Text>, _>(&description)
        .bind::<Text, _>(&options)
        .bind::<Text, _>(&record.kind)
        .bind::<Nullable<BigInt>, _>(record.max_choices)
        .bind::<Nullable<Text>, _>(&closes_at)
        .bind::<Nullable<BigInt>, _>(closes_us)
        .bind::<Text, _>(&record.results)
        .bind::<Text, _>(&shape)
        .bind::<Text, _>(&record.created_at)
        .bind::<Nullable<Text>, _>(&record.updated_at)
        .execute(conn)?;
    }
    // Its shape or close may have changed which ballots count (and ballots may have come first).
    recount(conn, &uri, "")?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted `site.exosphere.poll`: its results go; its voters' ballot
/// records stay theirs, and count again should the poll come back.
fn delete_poll(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    let deleted = sql("DELETE FROM poll_polls WHERE uri = ?").bind::<Text, _>(&uri).execute(conn)?;
    if deleted == 0 {
        return Ok(IndexOutcome::Ignored);
    }
    sql("DELETE FROM poll_versions WHERE poll_uri = ?").bind::<Text, _>(&uri).execute(conn)?;
    Ok(IndexOutcome::Indexed)
}

/// When a ballot version reached the network, as far as this server can
/// tell: when it first saw it (kept across rebuilds), else the event's own
/// time; a rebuild that never saw it can only take its `createdAt`.
fn received_us(conn: &mut SqliteConnection, event: &RecordEvent<'_>, created_at: &str) -> Result<i64, Error> {
    #[derive(QueryableByName)]
    struct Receipt {
        #[diesel(sql_type = BigInt)]
        received_us: i64,
    }
    let (uri, cid) = (event.uri(), event.cid());
    let known: Option<Receipt> = sql("SELECT received_us FROM poll_receipts WHERE uri = ? AND cid = ?")
        .bind::<Text, _>(&uri)
        .bind::<Text, _>(&cid)
        .get_result(conn)
        .optional()?;
    if let Some(known) = known {
        return Ok(known.received_us);
    }
    let now = chrono::Utc::now().timestamp_micros();
    let received = match (event.seen_us, event.source) {
        (Some(seen), _) => seen,
        (None, Source::Rebuild) => rules::micros(created_at).map_or(now, |created| created.min(now)),
        (None, _) => now,
    };
    sql("INSERT OR IGNORE INTO poll_receipts (uri, cid, received_us) VALUES (?, ?, ?)")
        .bind::<Text, _>(&uri)
        .bind::<Text, _>(&cid)
        .bind::<BigInt, _>(received)
        .execute(conn)?;
    Ok(received)
}

/// `site.exosphere.pollVote`: every version is kept; which counts is settled
/// before the commit. A ballot that can't fit its poll is refused here.
fn index_ballot(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let uri = event.uri();
    let record: poll_vote::Record = exosphere_core::decode_or_return!(event);
    #[derive(QueryableByName)]
    struct Existing {
        #[diesel(sql_type = Text)]
        cid: String,
        #[diesel(sql_type = Text)]
        poll_uri: String,
    }
    let existing: Option<Existing> = sql("SELECT cid, poll_uri FROM poll_ballots WHERE uri = ?")
        .bind::<Text, _>(&uri)
        .get_result(conn)
        .optional()?;
    if existing.as_ref().is_some_and(|b| b.cid == event.cid()) {
        return Ok(IndexOutcome::Unchanged);
    }
    if let Some(poll) = poll_row(conn, &record.subject.uri)? {
        if poll.sphere_id != sphere.id {
            return Ok(IndexOutcome::Ignored);
        }
        let form =
            rules::Form { kind: &poll.kind, options: poll.option_count(), max_choices: poll.max_choices };
        if let Err(why) = rules::check_ballot(form, &record.choices) {
            return Ok(IndexOutcome::Rejected(ValidationError::new("choices", why)));
        }
    }
    let received = received_us(conn, event, &record.created_at)?;
    let choices = serde_json::to_string(&record.choices).map_err(Error::internal)?;
    sql("INSERT INTO poll_ballots (uri, cid, sphere_id, poll_uri, poll_cid, voter_did, choices, created_at, received_us)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (uri) DO UPDATE SET cid = excluded.cid, poll_uri = excluded.poll_uri,
           poll_cid = excluded.poll_cid, choices = excluded.choices, created_at = excluded.created_at,
           received_us = excluded.received_us")
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(sphere.id)
    .bind::<Text, _>(&record.subject.uri)
    .bind::<Text, _>(&record.subject.cid)
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&choices)
    .bind::<Text, _>(&record.created_at)
    .bind::<BigInt, _>(received)
    .execute(conn)?;
    if let Some(before) = existing.filter(|b| b.poll_uri != record.subject.uri) {
        recount(conn, &before.poll_uri, event.did)?;
    }
    recount(conn, &record.subject.uri, event.did)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted `site.exosphere.pollVote`: the voter's earlier ballot, if any, counts again.
fn delete_ballot(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    #[derive(QueryableByName)]
    struct Gone {
        #[diesel(sql_type = Text)]
        poll_uri: String,
    }
    let uri = event.uri();
    let gone: Option<Gone> = sql("DELETE FROM poll_ballots WHERE uri = ? RETURNING poll_uri")
        .bind::<Text, _>(&uri)
        .get_result(conn)
        .optional()?;
    let Some(gone) = gone else { return Ok(IndexOutcome::Ignored) };
    sql("DELETE FROM poll_receipts WHERE uri = ?").bind::<Text, _>(&uri).execute(conn)?;
    recount(conn, &gone.poll_uri, event.did)?;
    Ok(IndexOutcome::Indexed)
}
