//! Reading the board: lists, single requests, comments, status history.
//! Hidden (moderated) content is left out unless the reader moderates.

use std::sync::LazyLock;

use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, Queryable, QueryableByName, RunQueryDsl};
use exosphere_core::Error;
use exosphere_core::db::sql::DynSql as Sql;
use exosphere_core::db::sql::sql;
use exosphere_core::lexicon::site::exosphere::defs::ActorView;
use exosphere_core::read;

use crate::ranking::{Cursor, CursorKey, Sort};

/// A request with what its views show: its fields in the order of `REQUEST_SELECT`'s columns and the score after them (read by position).
#[derive(Debug, Clone, Queryable)]
pub struct RequestRow {
    pub id: i64,
    pub uri: String,
    pub cid: String,
    pub number: i64,
    pub sphere_uri: String,
    pub author_did: String,
    pub author: ActorView,
    pub title: String,
    pub description: Option<String>,
    pub status: String,
    pub vote_count: i64,
    pub comment_count: i64,
    pub created_at: String,
    pub updated_at: Option<String>,
    pub hidden: bool,
    pub voted: bool,
    /// The original it is merged into, as JSON `{uri, number, title}`.
    pub duplicate_of: Option<String>,
    /// Its tags, as a JSON array of `{uri, name, color}` (by name).
    pub tags: String,
    /// The board clock in the snapshot this row was read from.
    pub clock: i64,
    pub score: f64,
}

/// The SQL types of [`RequestRow`]'s columns, in the order `REQUEST_SELECT` and its score name them.
type RequestColumns = (
    BigInt,
    Text,
    Text,
    BigInt,
    Text,
    Text,
    Text,
    Text,
    Nullable<Text>,
    Text,
    BigInt,
    BigInt,
    Text,
    Nullable<Text>,
    Bool,
    Bool,
    Nullable<Text>,
    Text,
    BigInt,
    Double,
);

static REQUEST_SELECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT r.id, r.uri, r.cid, r.number, {} AS sphere_uri, r.author_did, {} AS author, r.title,
         r.description, r.status, r.vote_count, r.comment_count, r.created_at, r.updated_at,
         {} AS hidden,
         EXISTS (SELECT 1 FROM fr_votes v WHERE v.request_id = r.id AND v.voter_id = {}) AS voted,
         {} AS duplicate_of,
         {} AS tags,
         (SELECT now_us FROM fr_clock) AS clock, ",
        read::sphere_uri("r.sphere_id"),
        read::actor("r.author_did"),
        read::hidden("r.uri"),
        read::account_id("?"),
        request_ref("o.id = r.duplicate_of"),
        TAGS_OF_REQUEST,
    )
});

/// The tags of request `r`, by name, as a JSON array of `{uri, name, color}`.
pub const TAGS_OF_REQUEST: &str =
    "(SELECT json_group_array(json_object('uri', g.uri, 'name', g.name, 'color', g.color))
   FROM (SELECT g.uri, g.name, g.color FROM fr_request_tags rt JOIN fr_tags g ON g.uri = rt.tag_uri
         WHERE rt.request_id = r.id AND g.sphere_id = r.sphere_id ORDER BY g.name, g.uri) g)";

/// A tag as views show it.
#[derive(Debug, Clone, serde::Deserialize, QueryableByName)]
pub struct TagRow {
    #[diesel(sql_type = Text)]
    pub uri: String,
    #[diesel(sql_type = Text)]
    #[serde(default)]
    pub cid: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub color: String,
    #[diesel(sql_type = Text)]
    #[serde(default)]
    pub actor_did: String,
    #[diesel(sql_type = BigInt)]
    #[serde(default)]
    pub request_count: i64,
}

impl TagRow {
    /// The tags of [`TAGS_OF_REQUEST`]'s JSON.
    pub fn parse_list(json: &str) -> Vec<TagRow> {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// The Sphere's tags by name, each with its requests (hidden ones and those
/// of inactive authors left out, as the board leaves them out).
pub fn list_tags(conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<TagRow>, Error> {
    Ok(sql(format!(
        "SELECT g.uri, g.cid, g.name, g.color, g.actor_did,
           (SELECT count(*) FROM fr_request_tags rt JOIN fr_requests r ON r.id = rt.request_id
             WHERE rt.tag_uri = g.uri AND r.sphere_id = g.sphere_id{}{}) AS request_count
         FROM fr_tags g WHERE g.sphere_id = ? ORDER BY g.name, g.uri",
        &*NOT_HIDDEN, &*ACTIVE_AUTHOR
    ))
    .bind::<BigInt, _>(sphere_id)
    .load(conn)?)
}

/// One tag of the Sphere, by its URI.
pub fn tag(conn: &mut SqliteConnection, sphere_id: i64, uri: &str) -> Result<Option<TagRow>, Error> {
    Ok(list_tags(conn, sphere_id)?.into_iter().find(|t| t.uri == uri))
}

/// The tags on a request now, by name.
pub fn request_tags(conn: &mut SqliteConnection, request_id: i64) -> Result<Vec<TagRow>, Error> {
    #[derive(QueryableByName)]
    struct Tags {
        #[diesel(sql_type = Text)]
        tags: String,
    }
    let tags: Tags = sql(format!("SELECT {TAGS_OF_REQUEST} AS tags FROM fr_requests r WHERE r.id = ?"))
        .bind::<BigInt, _>(request_id)
        .get_result(conn)?;
    Ok(TagRow::parse_list(&tags.tags))
}

/// The request `o` that `condition` picks, as JSON `{uri, number, title}`
/// (see [`RequestRef`]), or NULL.
fn request_ref(condition: &str) -> String {
    format!(
        "(SELECT json_object('uri', o.uri, 'number', o.number, 'title', o.title) FROM fr_requests o WHERE {condition})"
    )
}

/// Another request of the Sphere, as views name it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RequestRef {
    pub uri: String,
    pub number: i64,
    pub title: String,
}

impl RequestRef {
    /// From the JSON of [`request_ref`]'s column.
    pub fn parse(json: Option<&str>) -> Option<Self> {
        json.and_then(|j| serde_json::from_str(j).ok())
    }
}
const REQUEST_FROM: &str = " FROM fr_requests r ";

/// The index that walks a whole Sphere's board in the sort's order, named
/// explicitly: SQLite's statistics say every request of a one-Sphere
/// database matches `sphere_id`, and the planner then prefers sorting all of
/// them over walking this index and stopping after one page. Only used
/// without an author or search filter (those narrow the rows first).
fn board_index(sort: Sort, first_page: bool) -> Option<&'static str> {
    match (sort, first_page) {
        (Sort::New, _) => Some("fr_requests_new"),
        (Sort::Top, true) => Some("fr_requests_top"),
        (Sort::Trending, true) => Some("fr_requests_trending"),
        // Later pages rank by the score as of the first page: no index has that order.
        (_, false) => None,
    }
}
static NOT_HIDDEN: LazyLock<String> = LazyLock::new(|| format!(" AND {}", read::not_hidden("r.uri")));
/// Content of accounts their PDS reports inactive is hidden from everyone until they return.
static ACTIVE_AUTHOR: LazyLock<String> =
    LazyLock::new(|| format!(" AND {}", read::author_active("r.author_did")));

/// Appends the score of the sort, as of board clock `snapshot` (`None`: now).
/// A request whose votes changed since is ranked by the value it had then,
/// which its first change after the snapshot recorded in fr_rank_history.
fn push_score(sql: &mut Sql, sort: Sort, snapshot: Option<i64>) {
    let column = match sort {
        Sort::New => {
            sql.push("0.0");
            return;
        }
        Sort::Top => "vote_count",
        Sort::Trending => "trend_score",
    };
    match snapshot {
        None => sql.push(&format!("CAST(r.{column} AS REAL)")),
        Some(t) => sql
            .push(&format!("CAST(CASE WHEN r.votes_changed_us <= ? THEN r.{column} ELSE (SELECT h.{column} FROM fr_rank_history h WHERE h.request_id = r.id AND h.changed_us > ? ORDER BY h.changed_us, h.id LIMIT 1) END AS REAL)"))
            .int(t)
            .int(t),
    };
}

/// What listRequests asks for.
pub struct ListQuery {
    pub sphere_id: i64,
    pub viewer: Option<String>,
    pub moderator: bool,
    pub sort: Sort,
    pub statuses: Vec<String>,
    pub author: Option<String>,
    /// Only the requests this account voted for ("I voted").
    pub voted_by: Option<String>,
    /// Only the requests with a tag of this name.
    pub tag: Option<String>,
    pub q: Option<String>,
    pub limit: i64,
    pub cursor: Option<Cursor>,
}

/// A page of requests and the cursor of the next one.
pub fn list_requests(
    conn: &mut SqliteConnection,
    q: &ListQuery,
) -> Result<(Vec<RequestRow>, Option<String>), Error> {
    let snapshot = q.cursor.as_ref().map(|c| c.snapshot_us);
    let mut sql = Sql::default();
    sql.push(&REQUEST_SELECT).text(q.viewer.clone().unwrap_or_default());
    push_score(&mut sql, q.sort, snapshot);
    let index = board_index(q.sort, q.cursor.is_none())
        .filter(|_| q.author.is_none() && q.voted_by.is_none() && q.tag.is_none() && q.q.is_none());
    sql.push(" AS score");
    match index {
        Some(index) => sql.push(&REQUEST_FROM.replacen(
            "fr_requests r ",
            &format!("fr_requests r INDEXED BY {index} "),
            1,
        )),
        None => sql.push(REQUEST_FROM),
    };
    sql.push("WHERE r.sphere_id = ?").int(q.sphere_id).push(&ACTIVE_AUTHOR);
    if !q.statuses.is_empty() {
        sql.push(" AND r.status IN (");
        for (i, status) in q.statuses.iter().enumerate() {
            sql.push(if i == 0 { "?" } else { ", ?" }).text(status.clone());
        }
        sql.push(")");
    }
    if let Some(author) = &q.author {
        sql.push(" AND r.author_did = ?").text(author.clone());
    }
    if let Some(voter) = &q.voted_by {
        // Votes are keyed by their voter's account id first (migration 0009).
        sql.push(&format!(
            " AND r.id IN (SELECT v.request_id FROM fr_votes v WHERE v.voter_id = {})",
            read::account_id("?")
        ))
        .text(voter.clone());
    }
    if let Some(tag) = &q.tag {
        sql.push(
            " AND r.id IN (SELECT rt.request_id FROM fr_request_tags rt JOIN fr_tags g ON g.uri = rt.tag_uri
                           WHERE g.sphere_id = ? AND g.name = ?)",
        )
        .int(q.sphere_id)
        .text(tag.clone());
    }
    if let Some(text) = &q.q {
        match read::fts_query(text) {
            Some(fts) => {
                sql.push(" AND r.id IN (SELECT rowid FROM fr_requests_fts WHERE fr_requests_fts MATCH ?)")
                    .text(fts);
            }
            None => return Ok((Vec::new(), None)),
        }
    }
    if !q.moderator {
        sql.push(&NOT_HIDDEN);
    }
    if let Some(cursor) = &q.cursor {
        sql.push(" AND r.indexed_us <= ?").int(cursor.snapshot_us);
        match &cursor.key {
            CursorKey::Time(created) => {
                sql.push(" AND (r.created_at, r.id) < (?, ?)").text(created.clone()).int(cursor.id);
            }
            CursorKey::Score(score) => {
                sql.push(" AND (");
                push_score(&mut sql, q.sort, snapshot);
                sql.push(", r.id) < (?, ?)").real(*score).int(cursor.id);
            }
        }
    }
    sql.push(match (q.sort, q.cursor.is_some()) {
        (Sort::New, _) => " ORDER BY r.created_at DESC, r.id DESC",
        (Sort::Top, false) => " ORDER BY r.vote_count DESC, r.id DESC",
        (Sort::Trending, false) => " ORDER BY r.trend_score DESC, r.id DESC",
        (_, true) => " ORDER BY score DESC, r.id DESC",
    });
    sql.push(" LIMIT ?").int(q.limit + 1);
    let mut rows: Vec<RequestRow> = sql.typed::<RequestColumns>().load(conn)?;
    let next = if rows.len() as i64 > q.limit {
        rows.truncate(q.limit as usize);
        rows.last().map(|last| {
            let key = match q.sort {
                Sort::New => CursorKey::Time(last.created_at.clone()),
                _ => CursorKey::Score(last.score),
            };
            Cursor { snapshot_us: snapshot.unwrap_or(last.clock), key, id: last.id }.encode(q.sort)
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// Requests of the Sphere like `text` (a title being written), most alike
/// first: any of its words may match (see [`read::fts_any_query`]), in any
/// status; hidden requests and those of inactive authors are left out.
pub fn similar_requests(
    conn: &mut SqliteConnection,
    sphere_id: i64,
    text: &str,
    viewer: Option<&str>,
    limit: i64,
) -> Result<Vec<RequestRow>, Error> {
    let Some(fts) = read::fts_any_query(text) else { return Ok(Vec::new()) };
    let mut sql = Sql::default();
    sql.push(&REQUEST_SELECT).text(viewer.unwrap_or_default().to_owned()).push("0.0 AS score");
    sql.push(" FROM fr_requests_fts JOIN fr_requests r ON r.id = fr_requests_fts.rowid")
        .push(" WHERE fr_requests_fts MATCH ?")
        .text(fts)
        .push(" AND r.sphere_id = ?")
        .int(sphere_id)
        .push(&ACTIVE_AUTHOR)
        .push(&NOT_HIDDEN)
        .push(" ORDER BY bm25(fr_requests_fts), r.id DESC LIMIT ?")
        .int(limit);
    Ok(sql.typed::<RequestColumns>().load(conn)?)
}

/// Which of `requests` (ids) the viewer voted for: one statement for a page
/// (each request one lookup in the votes' unique index), none for no one.
pub fn viewer_votes(
    conn: &mut SqliteConnection,
    viewer: Option<&str>,
    requests: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashSet<i64>, Error> {
    #[derive(QueryableByName)]
    struct Voted {
        #[diesel(sql_type = BigInt)]
        request_id: i64,
    }
    let Some(viewer) = viewer else { return Ok(Default::default()) };
    let ids = serde_json::to_string(&requests.into_iter().collect::<Vec<_>>())
        .map_err(|e| Error::internal(anyhow::anyhow!("request ids as JSON: {e}")))?;
    let rows: Vec<Voted> =
        sql(viewer_votes_sql("SELECT ")).bind::<Text, _>(ids).bind::<Text, _>(viewer).load(conn)?;
    Ok(rows.into_iter().map(|r| r.request_id).collect())
}

/// [`viewer_votes`]'s statement, after `select` (`EXPLAIN QUERY PLAN SELECT `
/// in a test): driven by the listed ids, one seek each of the (request,
/// voter) key. `IN (SELECT …)` would build a temporary index of them first,
/// and a plain join lets SQLite start from the voter's votes instead (its
/// statistics say most accounts vote once), scanning the list once per
/// vote: a reader with a thousand votes waited 100 ms for a page.
fn viewer_votes_sql(select: &str) -> String {
    format!(
        "{select}v.request_id FROM json_each(?) j CROSS JOIN fr_votes v ON v.request_id = j.value AND v.voter_id = {}",
        read::account_id("?")
    )
}

/// One request by its number (hidden ones only for moderators).
pub fn get_request(
    conn: &mut SqliteConnection,
    sphere_id: i64,
    number: i64,
    viewer: Option<&str>,
    moderator: bool,
) -> Result<Option<RequestRow>, Error> {
    let mut sql = Sql::default();
    sql.push(&REQUEST_SELECT).text(viewer.unwrap_or_default());
    sql.push("0.0 AS score")
        .push(REQUEST_FROM)
        .push("WHERE r.sphere_id = ? AND r.number = ?")
        .int(sphere_id)
        .int(number)
        .push(&ACTIVE_AUTHOR);
    if !moderator {
        sql.push(&NOT_HIDDEN);
    }
    Ok(sql.typed::<RequestColumns>().get_result(conn).optional()?)
}

/// A status change.
#[derive(Debug, Clone, QueryableByName)]
pub struct StatusRow {
    #[diesel(sql_type = Text)]
    pub uri: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub note: Option<String>,
    /// The original a `duplicate` status named, as JSON (see [`RequestRef`]), when it is here.
    #[diesel(sql_type = Nullable<Text>)]
    pub duplicate_of: Option<String>,
    #[diesel(sql_type = Text)]
    pub actor_did: String,
    #[diesel(sql_type = Text)]
    pub actor: ActorView,
    #[diesel(sql_type = Text)]
    pub created_at: String,
}

/// A request's status changes, oldest first.
pub fn status_history(conn: &mut SqliteConnection, request_id: i64) -> Result<Vec<StatusRow>, Error> {
    Ok(sql(format!(
        "SELECT st.uri, st.status, st.note, {} AS duplicate_of, st.actor_did, {} AS actor, st.created_at
         FROM fr_statuses st WHERE st.request_id = ? ORDER BY st.created_at, st.uri",
        request_ref(
            "o.uri = st.duplicate_of AND o.sphere_id = (SELECT s.sphere_id FROM fr_requests s WHERE s.id = st.request_id)"
        ),
        read::actor("st.actor_did")
    ))
    .bind::<BigInt, _>(request_id)
    .load(conn)?)
}

/// A comment with what its view shows.
#[derive(Debug, Clone, QueryableByName)]
pub struct CommentRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub request_id: i64,
    #[diesel(sql_type = Text)]
    pub uri: String,
    #[diesel(sql_type = Text)]
    pub cid: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub parent_uri: Option<String>,
    #[diesel(sql_type = Text)]
    pub author_did: String,
    #[diesel(sql_type = Text)]
    pub author: ActorView,
    #[diesel(sql_type = Text)]
    pub text: String,
    #[diesel(sql_type = BigInt)]
    pub vote_count: i64,
    #[diesel(sql_type = Text)]
    pub created_at: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub updated_at: Option<String>,
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
    #[diesel(sql_type = Bool)]
    pub voted: bool,
}

static COMMENT_SELECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT c.id, c.request_id, c.uri, c.cid, c.parent_uri, c.author_did, {} AS author, c.text,
         c.vote_count, c.created_at, c.updated_at, {} AS hidden,
         EXISTS (SELECT 1 FROM fr_comment_votes v WHERE v.comment_id = c.id AND v.voter_did = ?) AS voted
         FROM fr_comments c ",
        read::actor("c.author_did"),
        read::hidden("c.uri"),
    )
});

/// A page of a request's comments, oldest first, after `(created_at, id)`.
pub fn list_comments(
    conn: &mut SqliteConnection,
    request_id: i64,
    viewer: Option<&str>,
    moderator: bool,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<CommentRow>, Error> {
    let mut sql = Sql::default();
    sql.push(&COMMENT_SELECT)
        .text(viewer.unwrap_or_default())
        .push("WHERE c.request_id = ? AND ")
        .int(request_id)
        .push(&read::author_active("c.author_did"));
    if !moderator {
        sql.push(" AND ").push(&read::not_hidden("c.uri"));
    }
    if let Some((created, id)) = after {
        sql.push(" AND (c.created_at, c.id) > (?, ?)").text(created).int(id);
    }
    sql.push(" ORDER BY c.created_at, c.id LIMIT ?").int(limit);
    Ok(sql.load(conn)?)
}

/// One comment by URI, if it is on a request of the Sphere `sphere_id`.
pub fn comment(
    conn: &mut SqliteConnection,
    uri: &str,
    sphere_id: i64,
    viewer: Option<&str>,
) -> Result<Option<CommentRow>, Error> {
    let mut sql = Sql::default();
    sql.push(&COMMENT_SELECT)
        .text(viewer.unwrap_or_default())
        // A correlated lookup of the one request: `IN (SELECT id …)` would list every request of the Sphere first.
        .push("WHERE c.uri = ? AND EXISTS (SELECT 1 FROM fr_requests q WHERE q.id = c.request_id AND q.sphere_id = ?)")
        .text(uri)
        .int(sphere_id);
    Ok(sql.get_result(conn).optional()?)
}

/// The URI of the viewer's vote found by `query` (two `?`: the subject's id, the voter's DID).
fn vote_uri(
    conn: &mut SqliteConnection,
    query: &str,
    subject_id: i64,
    did: &str,
) -> Result<Option<String>, Error> {
    #[derive(QueryableByName)]
    struct Uri {
        #[diesel(sql_type = Text)]
        uri: String,
    }
    Ok(sql(query)
        .bind::<BigInt, _>(subject_id)
        .bind::<Text, _>(did)
        .get_result::<Uri>(conn)
        .optional()?
        .map(|u| u.uri))
}

/// The viewer's live vote on a request, if any.
pub fn vote_of(conn: &mut SqliteConnection, request_id: i64, did: &str) -> Result<Option<String>, Error> {
    let query =
        format!("SELECT uri FROM fr_votes WHERE request_id = ? AND voter_id = {}", read::account_id("?"));
    vote_uri(conn, &query, request_id, did)
}

/// The viewer's vote on a comment, if any.
pub fn comment_vote_of(
    conn: &mut SqliteConnection,
    comment_id: i64,
    did: &str,
) -> Result<Option<String>, Error> {
    vote_uri(conn, "SELECT uri FROM fr_comment_votes WHERE comment_id = ? AND voter_did = ?", comment_id, did)
}

/// Vote count of a request or a comment.
pub fn count(conn: &mut SqliteConnection, table: &str, id: i64) -> Result<i64, Error> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let text = if table == "comment" {
        "SELECT vote_count AS n FROM fr_comments WHERE id = ?"
    } else {
        "SELECT vote_count AS n FROM fr_requests WHERE id = ?"
    };
    Ok(sql(text).bind::<BigInt, _>(id).get_result::<N>(conn)?.n)
}

/// Everyone who wrote a request, comment or vote in a Sphere.
pub fn authors(conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<String>, Error> {
    #[derive(QueryableByName)]
    struct Did {
        #[diesel(sql_type = Text)]
        did: String,
    }
    // `?1` repeated: diesel's own query (`sql()` binds `?` positionally).
    let rows: Vec<Did> = diesel::sql_query(
        "SELECT author_did AS did FROM fr_requests WHERE sphere_id = ?1
         UNION SELECT c.author_did FROM fr_comments c JOIN fr_requests r ON r.id = c.request_id WHERE r.sphere_id = ?1
         UNION SELECT v.voter_did FROM fr_votes v JOIN fr_requests r ON r.id = v.request_id WHERE r.sphere_id = ?1
         UNION SELECT cv.voter_did FROM fr_comment_votes cv JOIN fr_comments c ON c.id = cv.comment_id
               JOIN fr_requests r ON r.id = c.request_id WHERE r.sphere_id = ?1",
    )
    .bind::<BigInt, _>(sphere_id)
    .load(conn)?;
    Ok(rows.into_iter().map(|d| d.did).collect())
}

/// Content this module holds: a request or a comment, by URI.
pub fn content(conn: &mut SqliteConnection, uri: &str) -> Result<Option<(String, i64)>, Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        cid: String,
        #[diesel(sql_type = BigInt)]
        sphere_id: i64,
    }
    // `?1` repeated: diesel's own query (`sql()` binds `?` positionally).
    let row: Option<Row> = diesel::sql_query(
        "SELECT cid, sphere_id FROM fr_requests WHERE uri = ?1
         UNION ALL SELECT c.cid, r.sphere_id FROM fr_comments c JOIN fr_requests r ON r.id = c.request_id WHERE c.uri = ?1",
    )
    .bind::<Text, _>(uri)
    .get_result(conn)
    .optional()?;
    Ok(row.map(|r| (r.cid, r.sphere_id)))
}

/// How many requests and comments a Sphere holds, hidden ones included.
pub fn counts(conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<(&'static str, i64)>, Error> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        requests: i64,
        #[diesel(sql_type = BigInt)]
        comments: i64,
    }
    let c: Counts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM fr_requests WHERE sphere_id = ?1) AS requests,
                (SELECT count(*) FROM fr_comments c JOIN fr_requests r ON r.id = c.request_id
                 WHERE r.sphere_id = ?1) AS comments",
    )
    .bind::<BigInt, _>(sphere_id)
    .get_result(conn)?;
    Ok(vec![("requests", c.requests), ("comments", c.comments)])
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;
    use diesel::connection::SimpleConnection;

    use super::viewer_votes_sql;
    use crate::plans::{Step, board_db, details};

    /// Asked on every signed-in list page: the page's ids drive it, even
    /// when SQLite's statistics say each account has one vote (as they do
    /// on a board where most voters vote once), so that a reader with many
    /// votes doesn't make it read them all for each page.
    #[test]
    fn the_viewers_votes_are_read_by_the_listed_ids() -> anyhow::Result<()> {
        let (_dir, db) = board_db()?;
        let mut conn = db.conn()?;
        conn.batch_execute(
            "ANALYZE;
             DELETE FROM sqlite_stat1 WHERE tbl = 'fr_votes';
             INSERT INTO sqlite_stat1 VALUES
               ('fr_votes', 'sqlite_autoindex_fr_votes_1', '1001050 1 1'),
               ('fr_votes', 'sqlite_autoindex_fr_votes_2', '1001050 26 1');
             ANALYZE sqlite_schema;",
        )?;
        let plan: Vec<Step> = diesel::sql_query(viewer_votes_sql("EXPLAIN QUERY PLAN SELECT "))
            .bind::<diesel::sql_types::Text, _>("[1, 2, 3]")
            .bind::<diesel::sql_types::Text, _>("did:plc:a")
            .load(&mut conn)?;
        let plan = details(&plan);
        assert!(plan.first().is_some_and(|s| s.starts_with("SCAN j")), "{plan:#?}");
        assert!(plan.iter().any(|s| s.contains("(request_id=? AND voter_id=?)")), "{plan:#?}");
        Ok(())
    }
}
