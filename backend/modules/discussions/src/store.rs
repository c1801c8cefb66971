//! Reading discussions: thread lists (pinned first), single threads, replies
//! in thread order. Hidden content is left out unless the reader moderates,
//! content of inactive accounts always, and replies a locked thread got
//! after its lock for everyone.

use std::sync::LazyLock;

use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, Queryable, QueryableByName, RunQueryDsl};
use exosphere_core::db::sql::DynSql as Sql;
use exosphere_core::db::sql::sql;
use exosphere_core::lexicon::com::atproto::repo::strong_ref::StrongRef;
use exosphere_core::lexicon::site::exosphere::defs::ActorView;
use exosphere_core::{Error, read};

use crate::cursor::{Cursor, Sort};

/// A thread with what its view shows: its fields in the order of `thread_select`'s columns (read by position).
#[derive(Debug, Clone, Queryable)]
pub struct ThreadRow {
    pub id: i64,
    pub uri: String,
    pub cid: String,
    pub number: i64,
    pub author_did: String,
    pub author: ActorView,
    pub title: String,
    pub body: Option<String>,
    pub tags: String,
    pub reply_count: i64,
    pub reactions: String,
    pub active_at: String,
    pub reaction_count: i64,
    pub created_at: String,
    pub updated_at: Option<String>,
    pub pinned: bool,
    pub locked: bool,
    pub hidden: bool,
}

/// The SQL types of [`ThreadRow`]'s columns, in the order `thread_select` names them.
type ThreadColumns = (
    BigInt,
    Text,
    Text,
    BigInt,
    Text,
    Text,
    Text,
    Nullable<Text>,
    Text,
    BigInt,
    Text,
    Text,
    BigInt,
    Text,
    Nullable<Text>,
    Bool,
    Bool,
    Bool,
);

/// `{emoji: count}` of a subject as a JSON array of `{"emoji","count"}`, most used first.
fn reactions_of(uri_column: &str) -> String {
    format!(
        "(SELECT coalesce(json_group_array(json_object('emoji', emoji, 'count', n)), '[]') FROM
           (SELECT emoji, count(*) AS n FROM disc_reactions WHERE subject_uri = {uri_column} GROUP BY emoji ORDER BY n DESC, emoji))"
    )
}

/// The viewer's emoji on a subject as a JSON array; takes one `?`, the viewer's DID.
fn viewer_reactions_of(uri_column: &str) -> String {
    format!(
        "(SELECT coalesce(json_group_array(emoji), '[]') FROM disc_reactions WHERE subject_uri = {uri_column} AND reactor_did = ?)"
    )
}

/// The viewer's own emoji on some of the page's subjects (AT URIs), by
/// subject: one statement for a whole page (each subject one index lookup),
/// and none when no one is signed in.
pub fn viewer_reactions<'a>(
    conn: &mut SqliteConnection,
    viewer: Option<&str>,
    subjects: impl IntoIterator<Item = &'a str>,
) -> Result<Mine, Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        subject_uri: String,
        #[diesel(sql_type = Text)]
        emoji: String,
    }
    let mut mine = Mine::new();
    let Some(viewer) = viewer else { return Ok(mine) };
    let subjects = serde_json::to_string(&subjects.into_iter().collect::<Vec<_>>())
        .map_err(|e| Error::internal(anyhow::anyhow!("subjects as JSON: {e}")))?;
    let rows: Vec<Row> = sql(
        // Driven by the listed subjects, one seek each (`IN (SELECT …)` would build a temporary index of them first).
        "SELECT r.subject_uri, r.emoji FROM json_each(?) j
         JOIN disc_reactions r ON r.subject_uri = j.value AND r.reactor_did = ? ORDER BY r.subject_uri, r.emoji",
    )
    .bind::<Text, _>(subjects)
    .bind::<Text, _>(viewer)
    .load(conn)?;
    for row in rows {
        mine.entry(row.subject_uri).or_default().push(row.emoji);
    }
    Ok(mine)
}

/// The viewer's emoji by subject URI (see [`viewer_reactions`]).
pub type Mine = std::collections::HashMap<String, Vec<String>>;

/// The columns of a thread view; `pinned` is the SQL of its pinned flag
/// (a list's part already knows it), `body` of its body (lists leave bodies
/// out), `hidden` of its hidden flag (known false where only shown threads
/// are listed).
fn thread_select(pinned: &str, body: &str, hidden: &str) -> String {
    format!(
        "SELECT t.id, t.uri, t.cid, t.number, t.author_did, {author} AS author, t.title, {body} AS body,
                t.tags, t.reply_count, t.reactions, t.active_at,
                t.reaction_count, t.created_at, t.updated_at, {pinned} AS pinned, {locked} AS locked, {hidden} AS hidden
         FROM disc_threads t ",
        author = read::actor("t.author_did"),
        locked = read::flagged("t.uri", "locked"),
    )
}

static THREAD_SELECT: LazyLock<String> =
    LazyLock::new(|| thread_select(&read::flagged("t.uri", "pinned"), "t.body", &read::hidden("t.uri")));
/// A list part's select, by `[pinned][moderator]`: only moderators see hidden threads, so only they ask.
static PART_SELECT: LazyLock<[[String; 2]; 2]> = LazyLock::new(|| {
    let part =
        |pinned: &str, moderator: bool| thread_select(pinned, "NULL", if moderator { &HIDDEN } else { "0" });
    [[part("0", false), part("0", true)], [part("1", false), part("1", true)]]
});
static HIDDEN: LazyLock<String> = LazyLock::new(|| read::hidden("t.uri"));

/// What listThreads asks for.
pub struct ListQuery {
    pub sphere_id: i64,
    pub moderator: bool,
    pub sort: Sort,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub q: Option<String>,
    pub limit: i64,
    pub cursor: Option<Cursor>,
}

/// One part of a thread page: pinned threads, or the rest, after `after` in the sort.
fn list_part(
    conn: &mut SqliteConnection,
    q: &ListQuery,
    fts: Option<&str>,
    pinned: bool,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<ThreadRow>, Error> {
    let mut sql = Sql::default();
    // The sort's index, named: SQLite's statistics say every thread of a
    // one-Sphere database matches `sphere_id`, and the planner then prefers
    // sorting them all over walking the index and stopping after a page.
    // Filters narrow the rows first, and leave the choice to the planner, as
    // do the pinned threads (found by their URIs, then sorted: they are few).
    let part = &PART_SELECT[usize::from(pinned)][usize::from(q.moderator)];
    let select = match (&q.tag, &q.author, fts, pinned) {
        (None, None, None, false) => part.replacen(
            "FROM disc_threads t ",
            &format!("FROM disc_threads t INDEXED BY {} ", q.sort.index()),
            1,
        ),
        _ => part.clone(),
    };
    sql.push(&select).push("WHERE t.sphere_id = ? AND ").int(q.sphere_id);
    sql.push(&read::author_active("t.author_did"));
    sql.push(if pinned { " AND t.uri IN " } else { " AND t.uri NOT IN " })
        .push(&read::flagged_subjects("pinned"))
        .int(q.sphere_id);
    if !q.moderator {
        sql.push(" AND ").push(&read::not_hidden("t.uri"));
    }
    if let Some(tag) = &q.tag {
        sql.push(" AND t.id IN (SELECT thread_id FROM disc_thread_tags WHERE tag = ?)").text(tag.clone());
    }
    if let Some(author) = &q.author {
        sql.push(" AND t.author_did = ?").text(author.clone());
    }
    if let Some(fts) = fts {
        sql.push(" AND t.id IN (SELECT rowid FROM disc_threads_fts WHERE disc_threads_fts MATCH ?)")
            .text(fts.to_owned());
    }
    let column = q.sort.column();
    if let Some(after) = after {
        sql.push(&format!(" AND ({column}, t.id) < (?, ?)"));
        match q.sort {
            Sort::Top => sql.int(after.key.parse().unwrap_or(i64::MAX)),
            Sort::Active | Sort::New => sql.text(after.key.clone()),
        };
        sql.int(after.id);
    }
    sql.push(&format!(" ORDER BY {column} DESC, t.id DESC LIMIT ?")).int(limit);
    Ok(sql.typed::<ThreadColumns>().load(conn)?)
}

/// A page of threads, pinned ones first, and the cursor of the next page.
pub fn list_threads(
    conn: &mut SqliteConnection,
    q: &ListQuery,
) -> Result<(Vec<ThreadRow>, Option<String>), Error> {
    let fts = match &q.q {
        Some(text) => match read::fts_query(text) {
            Some(fts) => Some(fts),
            None => return Ok((Vec::new(), None)),
        },
        None => None,
    };
    let mut rows = Vec::new();
    // Pinned threads first (a page after the pinned ones starts straight with the rest).
    let in_pinned = q.cursor.as_ref().is_none_or(|c| c.pinned);
    if in_pinned {
        let after = q.cursor.as_ref().filter(|c| c.pinned);
        rows = list_part(conn, q, fts.as_deref(), true, after, q.limit + 1)?;
    }
    if (rows.len() as i64) <= q.limit {
        let after = q.cursor.as_ref().filter(|c| !c.pinned);
        let room = q.limit + 1 - rows.len() as i64;
        rows.extend(list_part(conn, q, fts.as_deref(), false, after, room)?);
    }
    let next = if rows.len() as i64 > q.limit {
        rows.truncate(q.limit as usize);
        rows.last().map(|last| Cursor::after(q.sort, last).encode())
    } else {
        None
    };
    Ok((rows, next))
}

/// One thread by its number (hidden ones only for moderators).
pub fn get_thread(
    conn: &mut SqliteConnection,
    sphere_id: i64,
    number: i64,
    moderator: bool,
) -> Result<Option<ThreadRow>, Error> {
    let mut sql = Sql::default();
    sql.push(&THREAD_SELECT)
        .push("WHERE t.sphere_id = ? AND t.number = ? AND ")
        .int(sphere_id)
        .int(number)
        .push(&read::author_active("t.author_did"));
    if !moderator {
        sql.push(" AND ").push(&read::not_hidden("t.uri"));
    }
    Ok(sql.typed::<ThreadColumns>().get_result(conn).optional()?)
}

/// A reply with what its view shows: its fields in the order of `REPLY_SELECT`'s columns (read by position).
#[derive(Debug, Clone, Queryable)]
pub struct ReplyRow {
    pub id: i64,
    pub thread_id: i64,
    pub uri: String,
    pub cid: String,
    pub parent_uri: Option<String>,
    pub path: String,
    pub depth: i64,
    pub author_did: String,
    pub author: ActorView,
    pub text: String,
    pub reactions: String,
    pub created_at: String,
    pub updated_at: Option<String>,
    pub hidden: bool,
}

/// The SQL types of [`ReplyRow`]'s columns, in the order `REPLY_SELECT` names them.
type ReplyColumns = (
    BigInt,
    BigInt,
    Text,
    Text,
    Nullable<Text>,
    Text,
    BigInt,
    Text,
    Text,
    Text,
    Text,
    Text,
    Nullable<Text>,
    Bool,
);

static REPLY_SELECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT r.id, r.thread_id, r.uri, r.cid, r.parent_uri, r.path, r.depth, r.author_did, {author} AS author, r.text,
                r.reactions, r.created_at, r.updated_at, {hidden} AS hidden
         FROM disc_replies r ",
        author = read::actor("r.author_did"),
        hidden = read::hidden("r.uri"),
    )
});

/// Replies a lock keeps out: those this server saw after the lock, or that
/// say they were written after it — unless a moderator of the Sphere wrote
/// them (moderators may still reply). Takes no parameters.
static NOT_AFTER_LOCK: LazyLock<String> = LazyLock::new(|| {
    format!(
        " AND (NOT (r.seen_at > coalesce({set_at}, '9999') OR r.created_at > coalesce({action_at}, '9999')) OR {moderator})",
        moderator =
            read::moderates("r.author_did", "(SELECT sphere_id FROM disc_threads WHERE id = r.thread_id)"),
        set_at = read::flag_set_at("(SELECT uri FROM disc_threads WHERE id = r.thread_id)", "locked"),
        action_at = read::flag_action_at("(SELECT uri FROM disc_threads WHERE id = r.thread_id)", "locked"),
    )
});

/// A page of a thread's replies in thread order, after the path `after`.
pub fn list_replies(
    conn: &mut SqliteConnection,
    thread_id: i64,
    moderator: bool,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<ReplyRow>, Error> {
    let mut sql = Sql::default();
    sql.push(&REPLY_SELECT)
        .push("WHERE r.thread_id = ? AND ")
        .int(thread_id)
        .push(&read::author_active("r.author_did"))
        .push(&NOT_AFTER_LOCK);
    if !moderator {
        sql.push(" AND ").push(&read::not_hidden("r.uri"));
    }
    if let Some(path) = after {
        sql.push(" AND r.path > ?").text(path);
    }
    sql.push(" ORDER BY r.path LIMIT ?").int(limit);
    Ok(sql.typed::<ReplyColumns>().load(conn)?)
}

/// One reply by URI, if it is in a thread of the Sphere `sphere_id`.
pub fn reply(conn: &mut SqliteConnection, uri: &str, sphere_id: i64) -> Result<Option<ReplyRow>, Error> {
    let mut sql = Sql::default();
    sql.push(&REPLY_SELECT)
        // A correlated lookup of the one thread: `IN (SELECT id …)` would list every thread of the Sphere first.
        .push("WHERE r.uri = ? AND EXISTS (SELECT 1 FROM disc_threads q WHERE q.id = r.thread_id AND q.sphere_id = ?)")
        .text(uri.to_owned())
        .int(sphere_id);
    Ok(sql.typed::<ReplyColumns>().get_result(conn).optional()?)
}

/// A subject's reaction counts and the viewer's reactions, as JSON arrays.
pub fn reactions(
    conn: &mut SqliteConnection,
    subject: &str,
    viewer: &str,
) -> Result<(String, String), Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        reactions: String,
        #[diesel(sql_type = Text)]
        viewer_reactions: String,
    }
    let row: Row = sql(format!(
        "SELECT {} AS reactions, {} AS viewer_reactions",
        reactions_of("?"),
        viewer_reactions_of("?")
    ))
    .bind::<Text, _>(subject)
    .bind::<Text, _>(subject)
    .bind::<Text, _>(viewer)
    .get_result(conn)?;
    Ok((row.reactions, row.viewer_reactions))
}

/// The number of the thread just written at `uri`.
pub fn thread_number(conn: &mut SqliteConnection, uri: &str, sphere_id: i64) -> Result<i64, Error> {
    #[derive(QueryableByName)]
    struct Number {
        #[diesel(sql_type = BigInt)]
        number: i64,
    }
    Ok(sql("SELECT number FROM disc_threads WHERE uri = ? AND sphere_id = ?")
        .bind::<Text, _>(uri)
        .bind::<BigInt, _>(sphere_id)
        .get_result::<Number>(conn)?
        .number)
}

/// Strong references to a reply's thread and parent (when the parent still exists), for an edit.
pub fn reply_refs(
    conn: &mut SqliteConnection,
    thread_id: i64,
    parent: Option<&str>,
) -> Result<(StrongRef, Option<StrongRef>), Error> {
    #[derive(QueryableByName)]
    struct Ref {
        #[diesel(sql_type = Text)]
        uri: String,
        #[diesel(sql_type = Text)]
        cid: String,
    }
    let root: Ref = sql("SELECT uri, cid FROM disc_threads WHERE id = ?")
        .bind::<BigInt, _>(thread_id)
        .get_result(conn)?;
    let parent = match parent {
        Some(uri) => sql("SELECT uri, cid FROM disc_replies WHERE uri = ?")
            .bind::<Text, _>(uri)
            .get_result::<Ref>(conn)
            .optional()?,
        None => None,
    };
    Ok((StrongRef { uri: root.uri, cid: root.cid }, parent.map(|p| StrongRef { uri: p.uri, cid: p.cid })))
}

/// The URI of the viewer's reaction with `emoji` on a subject, if any.
pub fn reaction_of(
    conn: &mut SqliteConnection,
    subject: &str,
    did: &str,
    emoji: &str,
) -> Result<Option<String>, Error> {
    #[derive(QueryableByName)]
    struct Uri {
        #[diesel(sql_type = Text)]
        uri: String,
    }
    Ok(sql("SELECT uri FROM disc_reactions WHERE subject_uri = ? AND reactor_did = ? AND emoji = ?")
        .bind::<Text, _>(subject)
        .bind::<Text, _>(did)
        .bind::<Text, _>(emoji)
        .get_result::<Uri>(conn)
        .optional()?
        .map(|u| u.uri))
}

/// The subject a reaction names, if it is a thread or reply of this Sphere: its CID.
pub fn subject_cid(conn: &mut SqliteConnection, uri: &str, sphere_id: i64) -> Result<Option<String>, Error> {
    #[derive(QueryableByName)]
    struct Cid {
        #[diesel(sql_type = Text)]
        cid: String,
    }
    // `?1`, `?2` repeated: diesel's own query (`sql()` binds `?` positionally).
    Ok(diesel::sql_query(
        "SELECT cid FROM disc_threads WHERE uri = ?1 AND sphere_id = ?2
         UNION ALL SELECT r.cid FROM disc_replies r JOIN disc_threads t ON t.id = r.thread_id WHERE r.uri = ?1 AND t.sphere_id = ?2",
    )
    .bind::<Text, _>(uri)
    .bind::<BigInt, _>(sphere_id)
    .get_result::<Cid>(conn)
    .optional()?
    .map(|c| c.cid))
}

/// Content this module holds, for moderation: `(cid, sphere id, is a thread)`.
pub fn content(conn: &mut SqliteConnection, uri: &str) -> Result<Option<(String, i64, bool)>, Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        cid: String,
        #[diesel(sql_type = BigInt)]
        sphere_id: i64,
        #[diesel(sql_type = Bool)]
        thread: bool,
    }
    Ok(diesel::sql_query(
        "SELECT cid, sphere_id, true AS thread FROM disc_threads WHERE uri = ?1
         UNION ALL SELECT r.cid, t.sphere_id, false FROM disc_replies r JOIN disc_threads t ON t.id = r.thread_id WHERE r.uri = ?1",
    )
    .bind::<Text, _>(uri)
    .get_result::<Row>(conn)
    .optional()?
    .map(|r| (r.cid, r.sphere_id, r.thread)))
}

/// Everyone who wrote a thread, reply or reaction in a Sphere.
pub fn authors(conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<String>, Error> {
    #[derive(QueryableByName)]
    struct Did {
        #[diesel(sql_type = Text)]
        did: String,
    }
    let rows: Vec<Did> = diesel::sql_query(
        "SELECT author_did AS did FROM disc_threads WHERE sphere_id = ?1
         UNION SELECT r.author_did FROM disc_replies r JOIN disc_threads t ON t.id = r.thread_id WHERE t.sphere_id = ?1
         UNION SELECT reactor_did FROM disc_reactions WHERE sphere_id = ?1",
    )
    .bind::<BigInt, _>(sphere_id)
    .load(conn)?;
    Ok(rows.into_iter().map(|d| d.did).collect())
}

/// How many threads and replies a Sphere holds, hidden ones included.
pub fn counts(conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<(&'static str, i64)>, Error> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        threads: i64,
        #[diesel(sql_type = BigInt)]
        replies: i64,
    }
    let c: Counts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM disc_threads WHERE sphere_id = ?1) AS threads,
                (SELECT count(*) FROM disc_replies r JOIN disc_threads t ON t.id = r.thread_id
                 WHERE t.sphere_id = ?1) AS replies",
    )
    .bind::<BigInt, _>(sphere_id)
    .get_result(conn)?;
    Ok(vec![("threads", c.threads), ("replies", c.replies)])
}
