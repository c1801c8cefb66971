//! The board's notifications (see `exosphere_core::notifications`), derived
//! from its records when they are read:
//!
//! - `status`: a status change on a request the person follows;
//! - `comment`: a comment on a request they follow;
//! - `reply`: a reply to their comment (followed or not);
//! - `mention`: their handle, `@handle`, in a comment or a description.
//!
//! A person follows a request they wrote, voted for or commented on, from
//! then on, unless their latest `site.exosphere.featureRequestSubscription`
//! record on it says otherwise (subscribing and unsubscribing are records on
//! their PDS, like every action). A record they made themselves never
//! notifies them, and one thing is told once: a mention before a reply
//! before a comment.

use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use exosphere_core::db::sql::DynSql as Sql;
use exosphere_core::ids::repo_range;
use exosphere_core::lexicon::site::exosphere::defs::ActorView;
use exosphere_core::lexicon::site::exosphere::notification::defs::{NotificationView, SphereRef};
use exosphere_core::notifications::NotificationQuery;
use exosphere_core::{Error, read};

use crate::generated::MODULE;
use exosphere_core::lexicon::com::atproto::repo::strong_ref::StrongRef;
use exosphere_core::sphere::{Access, Action};
use exosphere_core::write::{RecordWriter, now};
use exosphere_core::xrpc::{XrpcContext, XrpcResult};

use crate::generated::site::exosphere::{
    feature_request, feature_request_comment, feature_request_subscription,
};

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    uri: String,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    text: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    detail: Option<String>,
    #[diesel(sql_type = BigInt)]
    number: i64,
    #[diesel(sql_type = BigInt)]
    sphere_id: i64,
    #[diesel(sql_type = Text)]
    actor: ActorView,
    #[diesel(sql_type = Text)]
    created_at: String,
}

/// Whether the viewer followed request `r.id` at the time in `at` (a column).
fn following_sql(sql: &mut Sql, viewer: &str, at: &str) {
    let voter = read::account_id("?");
    sql.push(&format!(
        "coalesce((SELECT s.subscribed FROM fr_subscriptions s WHERE s.did = ? AND s.request_id = r.id AND s.created_at <= {at}
                   ORDER BY s.created_at DESC, s.uri DESC LIMIT 1),
                  r.author_did = ?
                  OR EXISTS (SELECT 1 FROM fr_votes v WHERE v.request_id = r.id AND v.voter_id = {voter} AND v.created_at <= {at})
                  OR EXISTS (SELECT 1 FROM fr_comments f WHERE f.request_id = r.id AND f.author_did = ? AND f.created_at <= {at}))"
    ))
    .text(viewer.to_owned())
    .text(viewer.to_owned())
    .text(viewer.to_owned())
    .text(viewer.to_owned());
}

/// The viewer's board notifications of the query.
pub fn items(conn: &mut SqliteConnection, q: &NotificationQuery) -> Result<Vec<NotificationView>, Error> {
    let d = q.viewer.as_str();
    let (req_lo, req_hi) = repo_range(d, feature_request::NSID);
    let (com_lo, com_hi) = repo_range(d, feature_request_comment::NSID);
    let spheres = q.sphere_ids();
    let shown = |sql: &mut Sql, uri: &'static str, author: &'static str| {
        sql.push(&format!(
            " AND {} AND {} AND {} AND r.sphere_id IN (SELECT value FROM json_each(?))",
            read::not_hidden(uri),
            read::not_hidden("r.uri"),
            read::author_active(author)
        ))
        .text(spheres.clone());
    };
    let mut sql = Sql::default();
    // The requests the viewer is involved in: theirs, voted for, commented on, subscribed to.
    sql.push(&format!(
        "WITH mine(request_id) AS (
           SELECT id FROM fr_requests WHERE uri > ? AND uri < ?
           UNION SELECT request_id FROM fr_votes WHERE voter_id = {}
           UNION SELECT request_id FROM fr_comments WHERE uri > ? AND uri < ?
           UNION SELECT request_id FROM fr_subscriptions WHERE did = ?)
         SELECT kind, uri, subject, title, text, detail, number, sphere_id, actor, created_at, min(priority) AS priority
         FROM (",
        read::account_id("?")
    ))
    .text(req_lo)
    .text(req_hi)
    .text(d.to_owned())
    .text(com_lo.clone())
    .text(com_hi.clone())
    .text(d.to_owned());
    // Status changes on followed requests.
    sql.push(&format!(
        "SELECT 'status' AS kind, st.uri, r.uri AS subject, r.title, st.note AS text, st.status AS detail, r.number,
                r.sphere_id, {} AS actor, st.created_at, 3 AS priority
         FROM fr_statuses st JOIN fr_requests r ON r.id = st.request_id
         WHERE st.request_id IN (SELECT request_id FROM mine) AND st.actor_did != ? AND ",
        read::actor("st.actor_did")
    ))
    .text(d.to_owned());
    following_sql(&mut sql, d, "st.created_at");
    shown(&mut sql, "st.uri", "st.actor_did");
    // Comments on followed requests.
    sql.push(&format!(
        " UNION ALL SELECT 'comment', c.uri, r.uri, r.title, c.text, NULL, r.number, r.sphere_id, {}, c.created_at, 3
         FROM fr_comments c JOIN fr_requests r ON r.id = c.request_id
         WHERE c.request_id IN (SELECT request_id FROM mine) AND c.author_did != ? AND ",
        read::actor("c.author_did")
    ))
    .text(d.to_owned());
    following_sql(&mut sql, d, "c.created_at");
    shown(&mut sql, "c.uri", "c.author_did");
    // Replies to the viewer's comments.
    sql.push(&format!(
        " UNION ALL SELECT 'reply', c.uri, r.uri, r.title, c.text, NULL, r.number, r.sphere_id, {}, c.created_at, 2
         FROM fr_comments c JOIN fr_requests r ON r.id = c.request_id
         WHERE c.parent_uri > ? AND c.parent_uri < ? AND c.author_did != ?",
        read::actor("c.author_did")
    ))
    .text(com_lo)
    .text(com_hi)
    .text(d.to_owned());
    shown(&mut sql, "c.uri", "c.author_did");
    // Mentions of the viewer's handle, in comments and descriptions.
    if let Some(handle) = &q.handle {
        sql.push(&format!(
            " UNION ALL SELECT 'mention', c.uri, r.uri, r.title, c.text, NULL, r.number, r.sphere_id, {}, c.created_at, 1
             FROM fr_mentions m JOIN fr_comments c ON c.uri = m.record_uri JOIN fr_requests r ON r.id = c.request_id
             WHERE m.handle = ? AND c.author_did != ?",
            read::actor("c.author_did")
        ))
        .text(handle.clone())
        .text(d.to_owned());
        shown(&mut sql, "c.uri", "c.author_did");
        sql.push(&format!(
            " UNION ALL SELECT 'mention', r.uri, r.uri, r.title, r.description, NULL, r.number, r.sphere_id, {}, r.created_at, 1
             FROM fr_mentions m JOIN fr_requests r ON r.uri = m.record_uri
             WHERE m.handle = ? AND r.author_did != ?",
            read::actor("r.author_did")
        ))
        .text(handle.clone())
        .text(d.to_owned());
        shown(&mut sql, "r.uri", "r.author_did");
    }
    sql.push(") WHERE 1");
    if let Some((at, uri)) = &q.before {
        sql.push(" AND (created_at, uri) < (?, ?)").text(at.clone()).text(uri.clone());
    }
    if let Some(after) = &q.after {
        sql.push(" AND created_at > ?").text(after.clone());
    }
    sql.push(" GROUP BY uri ORDER BY created_at DESC, uri DESC LIMIT ?").int(q.limit);
    let rows: Vec<Row> = sql.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let sphere = q.sphere(row.sphere_id)?;
            Some(NotificationView {
                module: MODULE.to_owned(),
                kind: row.kind,
                uri: row.uri,
                subject: Some(row.subject),
                sphere: SphereRef {
                    uri: sphere.uri.clone(),
                    slug: sphere.slug.clone(),
                    name: sphere.name.clone(),
                },
                title: row.title,
                text: row.text.filter(|t| !t.is_empty()).map(|t| shorten(&t)),
                detail: row.detail,
                path: format!("/s/{}/{MODULE}/{}", sphere.slug, row.number),
                actor: row.actor,
                created_at: row.created_at,
                unread: false,
            })
        })
        .collect())
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_owned(),
    }
}

/// The handles a text mentions (`@alice.example.com`), lowercased, each once.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (i, _) in text.match_indices('@') {
        // An @ inside a word (an email address) is no mention.
        if text[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_') {
            continue;
        }
        let handle: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
            .collect::<String>()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        // A handle is a domain name: two labels or more, none empty or with a hyphen at either end.
        let labels_ok = handle.split('.').all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if handle.contains('.') && labels_ok && handle.len() <= 253 && !found.contains(&handle) {
            found.push(handle);
        }
    }
    found
}

/// Whether `did` follows request `request_id` now.
pub fn following(conn: &mut SqliteConnection, request_id: i64, did: &str) -> Result<bool, Error> {
    #[derive(diesel::QueryableByName)]
    struct Following {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        following: bool,
    }
    let sql = following_query("SELECT ", request_id, did);
    Ok(sql.load::<Following>(conn)?.into_iter().next().is_some_and(|f| f.following))
}

/// [`following`]'s statement, after `select` (`EXPLAIN QUERY PLAN SELECT ` in a test).
fn following_query(select: &str, request_id: i64, did: &str) -> Sql {
    let mut sql = Sql::default();
    sql.push(select);
    following_sql(&mut sql, did, "'9999'");
    sql.push(" AS following FROM fr_requests r WHERE r.id = ?").int(request_id);
    sql
}

/// Follows the request or stops (`on`), with a record saying so unless it
/// already is so; whether the viewer follows it after.
pub async fn set_following(ctx: &XrpcContext, sphere: &str, number: i64, on: bool) -> XrpcResult<bool> {
    // Anyone who may read the Sphere may follow its requests.
    ctx.require_viewer().await?;
    let access = Access::load(ctx, sphere).await?;
    access.require(Action::Read)?;
    let row = crate::api::request(ctx, &access, number).await?;
    let did = access.viewer_did().unwrap_or_default();
    let (id, viewer) = (row.id, did.clone());
    let now_following = ctx.app()?.db.read(move |c| following(c, id, &viewer)).await?;
    if now_following == on {
        return Ok(on);
    }
    let record = feature_request_subscription::Record {
        sphere: access.sphere.uri.clone(),
        subject: StrongRef { uri: row.uri, cid: row.cid },
        subscribed: on,
        created_at: now(),
    };
    RecordWriter::for_content(ctx, &access).await?.create(&record).await?;
    let viewer = did;
    ctx.app()?.db.read(move |c| following(c, id, &viewer)).await
}

#[cfg(test)]
mod tests {
    use diesel::RunQueryDsl;

    use super::{following_query, mentions};
    use crate::plans::{Step, board_db, details};

    /// Asked on every signed-in request page: it must read indexes only,
    /// never sort the person's subscriptions or read every comment.
    #[test]
    fn following_is_answered_from_indexes_alone() -> anyhow::Result<()> {
        let (_dir, db) = board_db()?;
        let plan: Vec<Step> =
            following_query("EXPLAIN QUERY PLAN SELECT ", 1, "did:plc:a").load(&mut *db.conn()?)?;
        let plan = details(&plan);
        assert!(!plan.iter().any(|s| s.contains("TEMP B-TREE")), "{plan:#?}");
        assert!(
            plan.iter().any(|s| s.contains("SEARCH f USING COVERING INDEX fr_comments_by_author")),
            "{plan:#?}"
        );
        assert!(
            plan.iter().any(|s| s.contains("SEARCH s USING INDEX fr_subscriptions_by_person")),
            "{plan:#?}"
        );
        Ok(())
    }

    #[test]
    fn mentions_are_handles_after_an_at_sign_not_email_addresses() {
        assert_eq!(mentions("@Bob.Test, and @carol.example.com."), ["bob.test", "carol.example.com"]);
        assert_eq!(mentions("write to me@example.com or @nodot"), Vec::<String>::new());
        assert_eq!(mentions("(@bob.test) twice: @bob.test"), ["bob.test"]);
        assert_eq!(mentions("@.bob.test @-x.y @a-b.c"), ["a-b.c"]);
    }
}
