//! What the board tells webhooks (see `exosphere_core::webhooks`): a request
//! created or deleted, a comment created, a status changed. Announced from
//! the indexing functions, so changes made straight on PDSes are announced
//! too; rebuilds announce nothing.

use std::sync::LazyLock;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use exosphere_core::db::sql::sql;
use exosphere_core::webhooks::{emit, live};
use exosphere_core::{Error, RecordEvent, read};
use serde_json::{Value, json};

/// The events, as webhooks subscribe to them.
pub const EVENTS: &[&str] = &["request.created", "comment.created", "status.changed", "request.deleted"];

#[derive(QueryableByName)]
struct Request {
    #[diesel(sql_type = Text)]
    uri: String,
    #[diesel(sql_type = BigInt)]
    number: i64,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    author_did: String,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    status: String,
}

static REQUEST: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT r.uri, r.number, r.title, r.author_did, {} AS slug, r.status FROM fr_requests r",
        read::sphere_slug("r.sphere_id")
    )
});

fn request(conn: &mut SqliteConnection, id: i64) -> Result<Request, Error> {
    Ok(sql(format!("{} WHERE r.id = ?", REQUEST.as_str())).bind::<BigInt, _>(id).get_result(conn)?)
}

fn request_json(r: &Request) -> Value {
    json!({
        "uri": r.uri,
        "number": r.number,
        "title": r.title,
        "author": r.author_did,
        "status": r.status,
        "path": format!("/s/{}/{}/{}", r.slug, crate::generated::MODULE, r.number),
    })
}

/// A new request (not an edit), just inserted.
pub(super) fn request_created(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
    sphere_id: i64,
) -> Result<(), Error> {
    if !live(event) {
        return Ok(());
    }
    emit(conn, sphere_id, "request.created", |c| {
        let created: Request = sql(format!("{} WHERE r.uri = ?", REQUEST.as_str()))
            .bind::<Text, _>(event.uri())
            .get_result(c)?;
        Ok(json!({ "request": request_json(&created) }))
    })
}

/// A request about to be deleted (called before its row goes).
pub(super) fn request_deleted(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
    sphere_id: i64,
    id: i64,
) -> Result<(), Error> {
    if !live(event) {
        return Ok(());
    }
    emit(conn, sphere_id, "request.deleted", |c| Ok(json!({ "request": request_json(&request(c, id)?) })))
}

/// A new comment (not an edit).
pub(super) fn comment_created(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
    sphere_id: i64,
    request_id: i64,
    text: &str,
    parent: Option<&str>,
) -> Result<(), Error> {
    if !live(event) {
        return Ok(());
    }
    emit(conn, sphere_id, "comment.created", |c| {
        Ok(json!({
            "comment": { "uri": event.uri(), "author": event.did, "text": text, "parent": parent },
            "request": request_json(&request(c, request_id)?),
        }))
    })
}

/// A status record became the request's current one: its status before and after.
pub(super) fn status_changed(
    conn: &mut SqliteConnection,
    event: &RecordEvent<'_>,
    sphere_id: i64,
    request_id: i64,
    old: &str,
) -> Result<(), Error> {
    if !live(event) {
        return Ok(());
    }
    #[derive(QueryableByName)]
    struct Latest {
        #[diesel(sql_type = Text)]
        uri: String,
        #[diesel(sql_type = Text)]
        status: String,
        #[diesel(sql_type = Nullable<Text>)]
        note: Option<String>,
    }
    let latest: Option<Latest> = sql("SELECT uri, status, note FROM fr_statuses WHERE request_id = ?
         ORDER BY created_at DESC, uri DESC LIMIT 1")
    .bind::<BigInt, _>(request_id)
    .get_result(conn)
    .optional()?;
    // An older record arriving late changes nothing that is shown.
    let Some(latest) = latest.filter(|l| l.uri == event.uri()) else { return Ok(()) };
    emit(conn, sphere_id, "status.changed", |c| {
        Ok(json!({
            "request": request_json(&request(c, request_id)?),
            "old": old,
            "new": latest.status,
            "note": latest.note,
            "actor": event.did,
        }))
    })
}
