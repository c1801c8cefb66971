//! The index as plain text, without local ids and clocks: what two
//! databases must agree on to hold the same index.

use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use exosphere_core::Db;

const TABLES: &[(&str, &str)] = &[
    (
        "spheres",
        "SELECT uri || ' ' || cid || ' ' || owner_did || ' ' || slug || ' ' || name || ' ' || visibility || ' ' || write_mode || ' ' || modules AS line FROM spheres ORDER BY uri",
    ),
    (
        "sphere_members",
        "SELECT s.uri || ' ' || m.did || ' ' || m.role || ' ' || m.status || ' ' || coalesce(m.invited_by, '-') || ' ' || coalesce(m.invited_at, '-') || ' ' || coalesce(m.joined_at, '-') || ' ' || coalesce(m.approval_uri, '-') || ' ' || coalesce(m.member_uri, '-') AS line FROM sphere_members m JOIN spheres s ON s.id = m.sphere_id ORDER BY 1",
    ),
    (
        "moderation_actions",
        "SELECT uri || ' ' || cid || ' ' || subject_uri || ' ' || action || ' ' || actor_did || ' ' || created_at AS line FROM moderation_actions ORDER BY uri",
    ),
    ("hidden_subjects", "SELECT subject_uri AS line FROM hidden_subjects ORDER BY 1"),
    (
        "fr_requests",
        "SELECT r.uri || ' ' || r.cid || ' #' || r.number || ' ' || r.author_did || ' ' || r.title || ' ' || coalesce(r.description, '-') || ' ' || r.status || ' votes=' || r.vote_count || ' comments=' || r.comment_count || ' ' || r.created_at || ' ' || coalesce(r.updated_at, '-') || ' trend=' || printf('%.9e', r.trend_score) || ' merged-into=' || coalesce((SELECT o.uri FROM fr_requests o WHERE o.id = r.duplicate_of), '-') AS line FROM fr_requests r ORDER BY r.uri",
    ),
    (
        "fr_votes",
        "SELECT v.uri || ' ' || v.cid || ' ' || r.uri || ' ' || v.voter_did || ' ' || v.created_at AS line FROM fr_votes v JOIN fr_requests r ON r.id = v.request_id ORDER BY v.uri",
    ),
    (
        "fr_comments",
        "SELECT c.uri || ' ' || c.cid || ' ' || r.uri || ' ' || coalesce(c.parent_uri, '-') || ' ' || c.author_did || ' ' || c.text || ' votes=' || c.vote_count || ' ' || c.created_at AS line FROM fr_comments c JOIN fr_requests r ON r.id = c.request_id ORDER BY c.uri",
    ),
    (
        "fr_comment_votes",
        "SELECT v.uri || ' ' || v.cid || ' ' || c.uri || ' ' || v.voter_did AS line FROM fr_comment_votes v JOIN fr_comments c ON c.id = v.comment_id ORDER BY v.uri",
    ),
    (
        "fr_statuses",
        "SELECT st.uri || ' ' || st.cid || ' ' || r.uri || ' ' || st.status || ' ' || coalesce(st.note, '-') || ' ' || coalesce(st.duplicate_of, '-') || ' ' || st.actor_did || ' ' || st.created_at AS line FROM fr_statuses st JOIN fr_requests r ON r.id = st.request_id ORDER BY st.uri",
    ),
    (
        "fr_tags",
        "SELECT g.uri || ' ' || g.cid || ' ' || s.uri || ' ' || g.name || ' ' || g.color || ' ' || g.actor_did || ' ' || g.created_at AS line FROM fr_tags g JOIN spheres s ON s.id = g.sphere_id ORDER BY g.uri",
    ),
    (
        "fr_taggings",
        "SELECT t.uri || ' ' || t.cid || ' ' || r.uri || ' ' || t.tag_uri || ' ' || t.action || ' ' || t.actor_did || ' ' || t.created_at AS line FROM fr_taggings t JOIN fr_requests r ON r.id = t.request_id ORDER BY t.uri",
    ),
    (
        "fr_request_tags",
        "SELECT r.uri || ' ' || rt.tag_uri AS line FROM fr_request_tags rt JOIN fr_requests r ON r.id = rt.request_id ORDER BY 1",
    ),
    (
        "fr_subscriptions",
        "SELECT f.uri || ' ' || f.cid || ' ' || r.uri || ' ' || f.did || ' ' || f.subscribed || ' ' || f.created_at AS line FROM fr_subscriptions f JOIN fr_requests r ON r.id = f.request_id ORDER BY f.uri",
    ),
    ("fr_mentions", "SELECT handle || ' ' || record_uri AS line FROM fr_mentions ORDER BY 1"),
];

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

/// Every content table, one line per row.
pub async fn content(db: &Db) -> anyhow::Result<Vec<(String, Vec<String>)>> {
    Ok(db
        .read(|c| {
            let mut out = Vec::new();
            for (table, sql) in TABLES {
                let lines: Vec<Line> = diesel::sql_query(*sql).load(c)?;
                out.push((table.to_string(), lines.into_iter().map(|l| l.line).collect()));
            }
            Ok(out)
        })
        .await?)
}

/// The indexer's cursor and counters.
pub async fn indexer_state(db: &Db) -> anyhow::Result<String> {
    Ok(db
        .read(|c| {
            let line: Line = diesel::sql_query(
                "SELECT 'cursor=' || coalesce(cursor_us, 0) || ' events=' || events || ' indexed=' || indexed || ' unchanged=' || unchanged
                   || ' ignored=' || ignored || ' rejected=' || rejected || ' malformed=' || malformed || ' failed=' || failed AS line
                 FROM indexer_state",
            )
            .get_result(c)?;
            Ok(line.line)
        })
        .await?)
}

/// Asserts two dumps are equal, table by table, showing the first difference.
pub fn assert_same(left: &[(String, Vec<String>)], right: &[(String, Vec<String>)]) {
    for ((table, a), (_, b)) in left.iter().zip(right) {
        if a != b {
            let only_left: Vec<_> = a.iter().filter(|l| !b.contains(l)).take(3).collect();
            let only_right: Vec<_> = b.iter().filter(|l| !a.contains(l)).take(3).collect();
            panic!(
                "{table} differs ({} vs {} rows)\nonly in the first: {only_left:#?}\nonly in the second: {only_right:#?}",
                a.len(),
                b.len()
            );
        }
    }
}
