//! What the board adds to its Sphere's activity feed: new requests and status changes.

use std::sync::LazyLock;

use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use exosphere_core::lexicon::site::exosphere::defs::ActorView;
use exosphere_core::lexicon::site::exosphere::sphere::defs::ActivityItem;
use exosphere_core::{ActivityQuery, Error, read};

use crate::generated::MODULE;

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    uri: String,
    #[diesel(sql_type = Nullable<Text>)]
    subject: Option<String>,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    text: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    detail: Option<String>,
    #[diesel(sql_type = BigInt)]
    number: i64,
    #[diesel(sql_type = Text)]
    actor: ActorView,
    #[diesel(sql_type = Text)]
    created_at: String,
}

/// Both kinds of item in one ordered query; `{cursor}` is replaced by the
/// page's condition on `(created_at, uri)`.
static ITEMS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT * FROM (
           SELECT 'request' AS kind, r.uri, NULL AS subject, r.title, r.description AS text, NULL AS detail,
                  r.number, {author} AS actor, r.created_at
           FROM fr_requests r WHERE r.sphere_id = ? AND {author_active} AND {request_shown}
           UNION ALL
           SELECT 'status', st.uri, r.uri, r.title, st.note, st.status, r.number, {actor}, st.created_at
           FROM fr_statuses st JOIN fr_requests r ON r.id = st.request_id
           WHERE r.sphere_id = ? AND {author_active} AND {request_shown}
         ) WHERE {{cursor}} ORDER BY created_at DESC, uri DESC LIMIT ?",
        author = read::actor("r.author_did"),
        actor = read::actor("st.actor_did"),
        author_active = read::author_active("r.author_did"),
        request_shown = read::not_hidden("r.uri"),
    )
});

/// A page of the board's items in a Sphere, newest first.
pub fn items(conn: &mut SqliteConnection, query: &ActivityQuery) -> Result<Vec<ActivityItem>, Error> {
    let rows: Vec<Row> = query.sql(&ITEMS, 2).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| ActivityItem {
            module: MODULE.to_owned(),
            kind: row.kind,
            uri: row.uri,
            subject: row.subject,
            title: row.title,
            text: row.text.filter(|t| !t.is_empty()),
            detail: row.detail,
            path: format!("/s/{}/{MODULE}/{}", query.slug, row.number),
            actor: row.actor,
            created_at: row.created_at,
        })
        .collect())
}
