//! What discussions add to their Sphere's activity feed: new threads and replies.

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
    #[diesel(sql_type = BigInt)]
    number: i64,
    #[diesel(sql_type = Text)]
    actor: ActorView,
    #[diesel(sql_type = Text)]
    created_at: String,
}

/// Both kinds of item in one ordered query; `{cursor}` is replaced by the
/// page's condition on `(created_at, uri)`. Replies are shown only where
/// their thread is (neither hidden nor of an inactive account).
static ITEMS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT * FROM (
           SELECT 'thread' AS kind, t.uri, NULL AS subject, t.title, t.body AS text, t.number,
                  {author} AS actor, t.created_at
           FROM disc_threads t WHERE t.sphere_id = ? AND {author_active} AND {thread_shown}
           UNION ALL
           SELECT 'reply', r.uri, t.uri, t.title, r.text, t.number, {replier}, r.created_at
           FROM disc_replies r JOIN disc_threads t ON t.id = r.thread_id
           WHERE t.sphere_id = ? AND {author_active} AND {thread_shown} AND {replier_active} AND {reply_shown}
         ) WHERE {{cursor}} ORDER BY created_at DESC, uri DESC LIMIT ?",
        author = read::actor("t.author_did"),
        replier = read::actor("r.author_did"),
        author_active = read::author_active("t.author_did"),
        replier_active = read::author_active("r.author_did"),
        thread_shown = read::not_hidden("t.uri"),
        reply_shown = read::not_hidden("r.uri"),
    )
});

/// A page of the discussions' items in a Sphere, newest first.
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
            detail: None,
            path: format!("/s/{}/{MODULE}/{}", query.slug, row.number),
            actor: row.actor,
            created_at: row.created_at,
        })
        .collect())
}
