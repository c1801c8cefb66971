//! What polls add to their Sphere's activity feed: a new poll, and a poll
//! closed with its winner (once closed, everyone may see a poll's results,
//! whatever its mode).

use std::sync::LazyLock;

use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;
use exosphere_core::lexicon::site::exosphere::defs::ActorView;
use exosphere_core::lexicon::site::exosphere::sphere::defs::ActivityItem;
use exosphere_core::{ActivityQuery, Error, read};

use crate::generated::MODULE;
use crate::generated::site::exosphere::poll::defs::Tally;

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    uri: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    text: Option<String>,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    number: i64,
    #[diesel(sql_type = Text)]
    actor: ActorView,
    #[diesel(sql_type = Text)]
    options: String,
    #[diesel(sql_type = Text)]
    tally: String,
    #[diesel(sql_type = Text)]
    created_at: String,
}

/// Both kinds of item in one ordered query: `{now}` is the present in
/// microseconds (a number this module makes), `{{cursor}}` the page's
/// condition on `(created_at, uri)`.
static ITEMS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT * FROM (
           SELECT 'poll' AS kind, p.uri, p.question AS title, p.description AS text, p.number,
                  {author} AS actor, p.options, '{{}}' AS tally, p.created_at
           FROM poll_polls p WHERE p.sphere_id = ? AND {active} AND {shown}
           UNION ALL
           SELECT 'closed', p.uri, p.question, NULL, p.number, {author}, p.options, p.tally, p.closes_at
           FROM poll_polls p WHERE p.sphere_id = ? AND {active} AND {shown} AND p.closes_us <= {{now}}
         ) WHERE {{cursor}} ORDER BY created_at DESC, uri DESC LIMIT ?",
        author = read::actor("p.author_did"),
        active = read::author_active("p.author_did"),
        shown = read::not_hidden("p.uri"),
    )
});

/// What won, in words: the runoff's winner for ranked polls, else the
/// options with the most votes (all of them when tied); nothing without ballots.
fn winner(options: &[String], tally: &Tally) -> Option<String> {
    if tally.voters == 0 {
        return None;
    }
    if let Some(runoff) = &tally.runoff {
        return runoff.winner.and_then(|w| options.get(w as usize)).cloned();
    }
    let most = tally.options.iter().map(|o| o.count).max()?;
    let tied: Vec<&str> = tally
        .options
        .iter()
        .filter(|o| o.count == most)
        .filter_map(|o| options.get(o.index as usize).map(String::as_str))
        .collect();
    Some(tied.join(" · "))
}

/// A page of the polls' items in a Sphere, newest first.
pub fn items(conn: &mut SqliteConnection, query: &ActivityQuery) -> Result<Vec<ActivityItem>, Error> {
    let now = chrono::Utc::now().timestamp_micros();
    let template = ITEMS.replace("{now}", &now.to_string());
    let rows: Vec<Row> = query.sql(&template, 2).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let options: Vec<String> = serde_json::from_str(&row.options).unwrap_or_default();
            let detail = serde_json::from_str::<Tally>(&row.tally).ok().and_then(|t| winner(&options, &t));
            ActivityItem {
                module: MODULE.to_owned(),
                subject: (row.kind == "closed").then(|| row.uri.clone()),
                kind: row.kind,
                uri: row.uri,
                title: row.title,
                text: row.text.filter(|t| !t.is_empty()),
                detail,
                path: format!("/s/{}/{MODULE}/{}", query.slug, row.number),
                actor: row.actor,
                created_at: row.created_at,
            }
        })
        .collect())
}
