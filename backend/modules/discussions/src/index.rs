//! How threads, replies and reactions become rows: one function per record
//! type for creates and updates, one per record type for deletes, shared by
//! the API write path, the indexer and rebuilds. Idempotent by URI + CID.
//! Core's gate has already checked the record's Sphere, that it runs
//! discussions, and that the author may write there (see [`Gated`]).

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};
use exosphere_core::db::sql::sql;
use exosphere_core::lexicon::ValidationError;
use exosphere_core::{Collection, Error, Gated, IndexOutcome, RecordEvent};

use crate::generated::site::exosphere::{discussion, discussion_reaction, discussion_reply};

/// The collections this module indexes, in rebuild order (threads before
/// the replies and reactions that name them).
pub const COLLECTIONS: &[Collection] = &[
    Collection::writer::<discussion::Record>(),
    Collection::writer::<discussion_reply::Record>(),
    Collection::writer::<discussion_reaction::Record>(),
];

/// GitHub's eight reactions: the only ones counted.
pub const EMOJI: [&str; 8] = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"];

/// Dispatches a gated create or update to its record type's function.
pub fn index_record(conn: &mut SqliteConnection, record: &Gated<'_>) -> Result<IndexOutcome, Error> {
    match record.event.collection {
        discussion::NSID => index_thread(conn, record),
        discussion_reply::NSID => index_reply(conn, record),
        discussion_reaction::NSID => index_reaction(conn, record),
        _ => Ok(IndexOutcome::Ignored),
    }
}

/// Dispatches a delete to its record type's function.
pub fn delete_record(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    match event.collection {
        discussion::NSID => delete_thread(conn, event),
        discussion_reply::NSID => delete_reply(conn, event),
        discussion_reaction::NSID => delete_reaction(conn, event),
        _ => Ok(IndexOutcome::Ignored),
    }
}

/// A thread or reply as the indexing functions need it.
#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    sphere_id: i64,
    #[diesel(sql_type = Text)]
    cid: String,
}

fn thread_row(conn: &mut SqliteConnection, uri: &str) -> Result<Option<Row>, Error> {
    Ok(sql("SELECT id, sphere_id, cid FROM disc_threads WHERE uri = ?")
        .bind::<Text, _>(uri)
        .get_result(conn)
        .optional()?)
}

fn reply_row(conn: &mut SqliteConnection, uri: &str) -> Result<Option<Row>, Error> {
    Ok(sql("SELECT r.id, t.sphere_id, r.cid FROM disc_replies r JOIN disc_threads t ON t.id = r.thread_id WHERE r.uri = ?")
        .bind::<Text, _>(uri)
        .get_result(conn)
        .optional()?)
}

/// Tags as the index keeps them: trimmed, without duplicates.
fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut clean: Vec<String> = Vec::new();
    for tag in tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        if !clean.contains(&tag) {
            clean.push(tag);
        }
    }
    clean
}

fn save_tags(conn: &mut SqliteConnection, thread_id: i64, tags: &[String]) -> Result<(), Error> {
    sql("DELETE FROM disc_thread_tags WHERE thread_id = ?").bind::<BigInt, _>(thread_id).execute(conn)?;
    for tag in tags {
        sql("INSERT OR IGNORE INTO disc_thread_tags (thread_id, tag) VALUES (?, ?)")
            .bind::<BigInt, _>(thread_id)
            .bind::<Text, _>(tag)
            .execute(conn)?;
    }
    Ok(())
}

/// `site.exosphere.discussion`.
fn index_thread(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let uri = event.uri();
    let existing = thread_row(conn, &uri)?;
    let record: discussion::Record = exosphere_core::decode_or_return!(event);
    if existing.as_ref().is_some_and(|r| r.cid == event.cid()) {
        return Ok(IndexOutcome::Unchanged);
    }
    let tags = clean_tags(record.tags.as_deref().unwrap_or_default());
    let tags_json = serde_json::to_string(&tags).map_err(Error::internal)?;
    if let Some(row) = existing {
        if row.sphere_id != sphere.id {
            return Ok(IndexOutcome::Rejected(ValidationError::new(
                "sphere",
                "a thread can't move to another Sphere",
            )));
        }
        sql("UPDATE disc_threads SET cid = ?, title = ?, body = ?, tags = ?, updated_at = ? WHERE id = ?")
            .bind::<Text, _>(event.cid())
            .bind::<Text, _>(&record.title)
            .bind::<Nullable<Text>, _>(&record.body)
            .bind::<Text, _>(&tags_json)
            .bind::<Nullable<Text>, _>(record.updated_at.as_ref().or(Some(&record.created_at)))
            .bind::<BigInt, _>(row.id)
            .execute(conn)?;
        save_tags(conn, row.id, &tags)?;
        return Ok(IndexOutcome::Indexed);
    }
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = BigInt)]
        last_number: i64,
    }
    let number = sql("INSERT INTO disc_counters (sphere_id, last_number) VALUES (?, 1)
         ON CONFLICT (sphere_id) DO UPDATE SET last_number = last_number + 1 RETURNING last_number")
    .bind::<BigInt, _>(sphere.id)
    .get_result::<Next>(conn)?
    .last_number;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let id = sql(
        "INSERT INTO disc_threads (uri, cid, sphere_id, number, author_did, title, body, tags, created_at, updated_at, active_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(sphere.id)
    .bind::<BigInt, _>(number)
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.title)
    .bind::<Nullable<Text>, _>(&record.body)
    .bind::<Text, _>(&tags_json)
    .bind::<Text, _>(&record.created_at)
    .bind::<Nullable<Text>, _>(&record.updated_at)
    .bind::<Text, _>(&record.created_at)
    .get_result::<Id>(conn)?
    .id;
    save_tags(conn, id, &tags)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted `site.exosphere.discussion`: its replies go with it.
fn delete_thread(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    let Some(row) = thread_row(conn, &uri)? else { return Ok(IndexOutcome::Ignored) };
    sql("DELETE FROM disc_reactions WHERE subject_uri = ? OR subject_uri IN (SELECT uri FROM disc_replies WHERE thread_id = ?)")
        .bind::<Text, _>(&uri)
        .bind::<BigInt, _>(row.id)
        .execute(conn)?;
    sql("DELETE FROM disc_threads WHERE id = ?").bind::<BigInt, _>(row.id).execute(conn)?;
    Ok(IndexOutcome::Indexed)
}

/// A thread's reply count and latest activity, from its replies.
fn refresh_thread(conn: &mut SqliteConnection, thread_id: i64) -> Result<(), Error> {
    sql("UPDATE disc_threads SET
           reply_count = (SELECT count(*) FROM disc_replies WHERE thread_id = ?),
           active_at = max(created_at, coalesce((SELECT max(created_at) FROM disc_replies WHERE thread_id = ?), created_at))
         WHERE id = ?")
    .bind::<BigInt, _>(thread_id)
    .bind::<BigInt, _>(thread_id)
    .bind::<BigInt, _>(thread_id)
    .execute(conn)?;
    Ok(())
}

/// `site.exosphere.discussionReply`.
fn index_reply(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let uri = event.uri();
    let record: discussion_reply::Record = exosphere_core::decode_or_return!(event);
    #[derive(QueryableByName)]
    struct Existing {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        cid: String,
        #[diesel(sql_type = BigInt)]
        thread_id: i64,
    }
    let existing: Option<Existing> = sql("SELECT id, cid, thread_id FROM disc_replies WHERE uri = ?")
        .bind::<Text, _>(&uri)
        .get_result(conn)
        .optional()?;
    if existing.as_ref().is_some_and(|r| r.cid == event.cid()) {
        return Ok(IndexOutcome::Unchanged);
    }
    let Some(thread) = thread_row(conn, &record.root.uri)? else { return Ok(IndexOutcome::Ignored) };
    if thread.sphere_id != sphere.id {
        return Ok(IndexOutcome::Ignored);
    }
    if let Some(row) = existing {
        if row.thread_id != thread.id {
            return Ok(IndexOutcome::Rejected(ValidationError::new(
                "root",
                "a reply can't move to another thread",
            )));
        }
        sql("UPDATE disc_replies SET cid = ?, text = ?, updated_at = ? WHERE id = ?")
            .bind::<Text, _>(event.cid())
            .bind::<Text, _>(&record.text)
            .bind::<Nullable<Text>, _>(record.updated_at.as_ref().or(Some(&record.created_at)))
            .bind::<BigInt, _>(row.id)
            .execute(conn)?;
        return Ok(IndexOutcome::Indexed);
    }
    let (parent_path, depth) = match &record.parent {
        None => (String::new(), 0),
        Some(parent) => {
            #[derive(QueryableByName)]
            struct Parent {
                #[diesel(sql_type = BigInt)]
                thread_id: i64,
                #[diesel(sql_type = Text)]
                path: String,
                #[diesel(sql_type = BigInt)]
                depth: i64,
            }
            let found: Option<Parent> = sql("SELECT thread_id, path, depth FROM disc_replies WHERE uri = ?")
                .bind::<Text, _>(&parent.uri)
                .get_result(conn)
                .optional()?;
            match found {
                Some(p) if p.thread_id == thread.id => (p.path, p.depth + 1),
                _ => {
                    return Ok(IndexOutcome::Rejected(ValidationError::new(
                        "parent",
                        "must be a reply in the same thread",
                    )));
                }
            }
        }
    };
    let path = format!("{parent_path}/{}~{}~{}", record.created_at, event.did, event.rkey);
    sql("INSERT INTO disc_replies (uri, cid, thread_id, parent_uri, path, depth, author_did, text, created_at, updated_at, seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")
    .bind::<Text, _>(&uri)
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(thread.id)
    .bind::<Nullable<Text>, _>(record.parent.as_ref().map(|p| p.uri.clone()))
    .bind::<Text, _>(&path)
    .bind::<BigInt, _>(depth)
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.text)
    .bind::<Text, _>(&record.created_at)
    .bind::<Nullable<Text>, _>(&record.updated_at)
    .execute(conn)?;
    refresh_thread(conn, thread.id)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted `site.exosphere.discussionReply`: its answers stay, in place.
fn delete_reply(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    let uri = event.uri();
    #[derive(QueryableByName)]
    struct Gone {
        #[diesel(sql_type = BigInt)]
        thread_id: i64,
    }
    let gone: Option<Gone> = sql("DELETE FROM disc_replies WHERE uri = ? RETURNING thread_id")
        .bind::<Text, _>(&uri)
        .get_result(conn)
        .optional()?;
    let Some(gone) = gone else { return Ok(IndexOutcome::Ignored) };
    sql("DELETE FROM disc_reactions WHERE subject_uri = ?").bind::<Text, _>(&uri).execute(conn)?;
    refresh_thread(conn, gone.thread_id)?;
    Ok(IndexOutcome::Indexed)
}

/// The table holding a reaction's subject: a thread or a reply of this Sphere.
fn subject_table(
    conn: &mut SqliteConnection,
    uri: &str,
    sphere_id: i64,
) -> Result<Option<&'static str>, Error> {
    if thread_row(conn, uri)?.is_some_and(|t| t.sphere_id == sphere_id) {
        return Ok(Some("disc_threads"));
    }
    if reply_row(conn, uri)?.is_some_and(|r| r.sphere_id == sphere_id) {
        return Ok(Some("disc_replies"));
    }
    Ok(None)
}

/// A subject's reaction count and `[{"emoji","count"}]` summary, from its reactions.
fn refresh_reactions(conn: &mut SqliteConnection, subject: &str) -> Result<(), Error> {
    for table in ["disc_threads", "disc_replies"] {
        sql(format!(
            "UPDATE {table} SET
               reaction_count = (SELECT count(*) FROM disc_reactions WHERE subject_uri = ?),
               reactions = (SELECT coalesce(json_group_array(json_object('emoji', emoji, 'count', n)), '[]') FROM
                 (SELECT emoji, count(*) AS n FROM disc_reactions WHERE subject_uri = ? GROUP BY emoji ORDER BY n DESC, emoji))
             WHERE uri = ?"
        ))
        .bind::<Text, _>(subject)
        .bind::<Text, _>(subject)
        .bind::<Text, _>(subject)
        .execute(conn)?;
    }
    Ok(())
}

/// `site.exosphere.discussionReaction`: one per person, per subject, per emoji.
fn index_reaction(conn: &mut SqliteConnection, gated: &Gated<'_>) -> Result<IndexOutcome, Error> {
    let (event, sphere) = (gated.event, gated.sphere);
    let record: discussion_reaction::Record = exosphere_core::decode_or_return!(event);
    if !EMOJI.contains(&record.emoji.as_str()) {
        return Ok(IndexOutcome::Rejected(ValidationError::new(
            "emoji",
            format!("must be one of {}", EMOJI.join(", ")),
        )));
    }
    if subject_table(conn, &record.subject.uri, sphere.id)?.is_none() {
        return Ok(IndexOutcome::Ignored);
    }
    // Reacting twice changes nothing: the same record again, or a second record for the same emoji.
    let inserted = sql(
        "INSERT OR IGNORE INTO disc_reactions (uri, cid, sphere_id, subject_uri, reactor_did, emoji, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind::<Text, _>(event.uri())
    .bind::<Text, _>(event.cid())
    .bind::<BigInt, _>(sphere.id)
    .bind::<Text, _>(&record.subject.uri)
    .bind::<Text, _>(event.did)
    .bind::<Text, _>(&record.emoji)
    .bind::<Text, _>(&record.created_at)
    .execute(conn)?;
    if inserted == 0 {
        return Ok(IndexOutcome::Unchanged);
    }
    refresh_reactions(conn, &record.subject.uri)?;
    Ok(IndexOutcome::Indexed)
}

/// A deleted `site.exosphere.discussionReaction`.
fn delete_reaction(conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
    #[derive(QueryableByName)]
    struct Gone {
        #[diesel(sql_type = Text)]
        subject_uri: String,
    }
    let gone: Option<Gone> = sql("DELETE FROM disc_reactions WHERE uri = ? RETURNING subject_uri")
        .bind::<Text, _>(event.uri())
        .get_result(conn)
        .optional()?;
    let Some(gone) = gone else { return Ok(IndexOutcome::Ignored) };
    refresh_reactions(conn, &gone.subject_uri)?;
    Ok(IndexOutcome::Indexed)
}
