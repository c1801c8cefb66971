//! Reading polls: lists, single polls, the viewer's own ballots, voters.
//! Hidden polls are left out unless the reader moderates, those of inactive
//! accounts always. Results are read as kept (see [`crate::count`]); who
//! may see them is the API's to decide.

use std::collections::HashMap;

use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};
use exosphere_core::db::sql::DynSql as Sql;
use exosphere_core::db::sql::sql;
use exosphere_core::lexicon::site::exosphere::defs::ActorView;
use exosphere_core::{Error, read};

/// A poll with what its view shows.
#[derive(Debug, Clone, QueryableByName)]
pub struct PollRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub uri: String,
    #[diesel(sql_type = Text)]
    pub cid: String,
    #[diesel(sql_type = BigInt)]
    pub number: i64,
    #[diesel(sql_type = Text)]
    pub author_did: String,
    #[diesel(sql_type = Text)]
    pub author: ActorView,
    #[diesel(sql_type = Text)]
    pub question: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
    #[diesel(sql_type = Text)]
    pub options: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub max_choices: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub closes_at: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub closes_us: Option<i64>,
    #[diesel(sql_type = Text)]
    pub results: String,
    #[diesel(sql_type = BigInt)]
    pub voters: i64,
    #[diesel(sql_type = Text)]
    pub tally: String,
    #[diesel(sql_type = Text)]
    pub created_at: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub updated_at: Option<String>,
    #[diesel(sql_type = Bool)]
    pub hidden: bool,
}

/// The columns of a poll view, from `poll_polls p` (and `extra` columns, each with its comma).
fn select(extra: &str) -> String {
    format!(
        "SELECT p.id, p.uri, p.cid, p.number, p.author_did, {author} AS author, p.question, p.description, p.options,
                p.kind, p.max_choices, p.closes_at, p.closes_us, p.results, p.voters, p.tally, p.created_at,
                p.updated_at, {hidden} AS hidden {extra}
         FROM poll_polls p",
        author = read::actor("p.author_did"),
        hidden = read::hidden("p.uri"),
    )
}

/// What every reader may see: shown polls of active authors (moderators also see hidden ones).
fn shown(moderator: bool) -> String {
    let active = read::author_active("p.author_did");
    if moderator { active } else { format!("{active} AND {}", read::not_hidden("p.uri")) }
}

/// A poll of the Sphere by number, if the reader may see it.
pub fn get_poll(
    conn: &mut SqliteConnection,
    sphere_id: i64,
    number: i64,
    moderator: bool,
) -> Result<Option<PollRow>, Error> {
    Ok(sql(format!("{} WHERE p.sphere_id = ? AND p.number = ? AND {}", select(""), shown(moderator)))
        .bind::<BigInt, _>(sphere_id)
        .bind::<BigInt, _>(number)
        .get_result(conn)
        .optional()?)
}

/// The number of the poll at `uri` in the Sphere (a write's answer).
pub fn poll_number(conn: &mut SqliteConnection, uri: &str, sphere_id: i64) -> Result<Option<i64>, Error> {
    #[derive(QueryableByName)]
    struct Number {
        #[diesel(sql_type = BigInt)]
        number: i64,
    }
    Ok(sql("SELECT number FROM poll_polls WHERE uri = ? AND sphere_id = ?")
        .bind::<Text, _>(uri)
        .bind::<BigInt, _>(sphere_id)
        .get_result::<Number>(conn)
        .optional()?
        .map(|n| n.number))
}

/// Which polls a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    All,
    Open,
    Closed,
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Newest first.
    New,
    /// Closing soonest first, polls that never close last.
    Closing,
    /// Most voters first, where everyone may see how many.
    Votes,
}

/// Where a page starts: after the row with this sort key and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: i64,
}

impl Cursor {
    /// The cursor as the API gives it: `sort:key:id`.
    pub fn encode(self, sort: Sort) -> String {
        format!("{}:{}:{}", sort.name(), self.key, self.id)
    }

    /// A cursor this method gave for `sort`, or `None`.
    pub fn decode(text: &str, sort: Sort) -> Option<Self> {
        let mut parts = text.split(':');
        let (name, key, id) = (parts.next()?, parts.next()?, parts.next()?);
        if name != sort.name() || parts.next().is_some() {
            return None;
        }
        Some(Self { key: key.parse().ok()?, id: id.parse().ok()? })
    }
}

impl Sort {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "new" => Some(Self::New),
            "closing" => Some(Self::Closing),
            "votes" => Some(Self::Votes),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Closing => "closing",
            Self::Votes => "votes",
        }
    }

    /// The sort key's SQL (ascending order), given now: `closing` puts polls
    /// that never close last, `votes` counts voters only where everyone may
    /// see results (so the order tells no one what they may not see).
    fn key(self, now_us: i64) -> String {
        match self {
            Self::New => "-p.id".into(),
            Self::Closing => format!("coalesce(p.closes_us, {})", i64::MAX),
            Self::Votes => format!(
                "-(CASE WHEN p.results = 'always' OR p.closes_us < {now_us} THEN p.voters ELSE 0 END)"
            ),
        }
    }
}

/// A list's page (ascending by key, then id; `New` by id descending).
pub struct ListQuery {
    pub sphere_id: i64,
    pub moderator: bool,
    pub state: State,
    pub sort: Sort,
    pub limit: i64,
    pub cursor: Option<Cursor>,
    pub now_us: i64,
}

#[derive(QueryableByName)]
struct Keyed {
    #[diesel(sql_type = BigInt)]
    sort_key: i64,
    #[diesel(embed)]
    row: PollRow,
}

/// A page of polls, and the cursor of the next.
pub fn list_polls(
    conn: &mut SqliteConnection,
    q: &ListQuery,
) -> Result<(Vec<PollRow>, Option<String>), Error> {
    let key = q.sort.key(q.now_us);
    let mut query = Sql::default();
    query
        .push(&format!("SELECT * FROM ({} WHERE p.sphere_id = ?", select(&format!(", {key} AS sort_key"))))
        .int(q.sphere_id)
        .push(&format!(" AND {}", shown(q.moderator)));
    match q.state {
        State::All => {}
        State::Open => {
            query.push(" AND (p.closes_us IS NULL OR p.closes_us >= ?)").int(q.now_us);
        }
        State::Closed => {
            query.push(" AND p.closes_us < ?").int(q.now_us);
        }
    }
    query.push(") WHERE 1");
    if let Some(cursor) = q.cursor {
        query.push(" AND (sort_key, id) > (?, ?)").int(cursor.key).int(cursor.id);
    }
    query.push(" ORDER BY sort_key, id LIMIT ?").int(q.limit + 1);
    let rows: Vec<Keyed> = query.load(conn)?;
    let sort = q.sort;
    let (rows, cursor) =
        exosphere_core::xrpc::page(rows, q.limit, |r| Cursor { key: r.sort_key, id: r.row.id }.encode(sort));
    Ok((rows.into_iter().map(|r| r.row).collect(), cursor))
}

/// A viewer's counted ballot: its choices and when it was cast.
#[derive(Debug, Clone, QueryableByName)]
pub struct Mine {
    #[diesel(sql_type = BigInt)]
    pub poll_id: i64,
    #[diesel(sql_type = Text)]
    pub choices: String,
    #[diesel(sql_type = Text)]
    pub voted_at: String,
}

/// The viewer's counted ballots in some polls, by poll id (none when no one is signed in).
pub fn mine(
    conn: &mut SqliteConnection,
    viewer: Option<&str>,
    polls: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Mine>, Error> {
    let Some(viewer) = viewer else { return Ok(HashMap::new()) };
    let ids = serde_json::to_string(&polls.into_iter().collect::<Vec<_>>()).map_err(Error::internal)?;
    let rows: Vec<Mine> = sql("SELECT v.poll_id, v.choices, v.voted_at FROM json_each(?) j
         JOIN poll_voters v ON v.poll_id = j.value AND v.voter_did = ?")
    .bind::<Text, _>(ids)
    .bind::<Text, _>(viewer)
    .load(conn)?;
    Ok(rows.into_iter().map(|m| (m.poll_id, m)).collect())
}

/// The viewer's counted ballot in one poll (none when no one is signed in).
pub fn mine_in(conn: &mut SqliteConnection, viewer: Option<&str>, poll: i64) -> Result<Option<Mine>, Error> {
    let Some(viewer) = viewer else { return Ok(None) };
    Ok(sql("SELECT poll_id, choices, voted_at FROM poll_voters WHERE poll_id = ? AND voter_did = ?")
        .bind::<BigInt, _>(poll)
        .bind::<Text, _>(viewer)
        .get_result(conn)
        .optional()?)
}

/// Every ballot record of `voter` in the poll at `poll_uri`, counted or not (their AT URIs).
pub fn ballots_of(conn: &mut SqliteConnection, poll_uri: &str, voter: &str) -> Result<Vec<String>, Error> {
    #[derive(QueryableByName)]
    struct Uri {
        #[diesel(sql_type = Text)]
        uri: String,
    }
    let rows: Vec<Uri> = sql("SELECT uri FROM poll_ballots WHERE poll_uri = ? AND voter_did = ?")
        .bind::<Text, _>(poll_uri)
        .bind::<Text, _>(voter)
        .load(conn)?;
    Ok(rows.into_iter().map(|u| u.uri).collect())
}

/// Whether anyone has voted in the poll (a counted ballot, or any ballot record).
pub fn has_ballots(conn: &mut SqliteConnection, poll_uri: &str) -> Result<bool, Error> {
    #[derive(QueryableByName)]
    struct Any {
        #[diesel(sql_type = Bool)]
        any: bool,
    }
    Ok(sql("SELECT EXISTS (SELECT 1 FROM poll_ballots WHERE poll_uri = ?) AS any")
        .bind::<Text, _>(poll_uri)
        .get_result::<Any>(conn)?
        .any)
}

/// A voter as `listVoters` shows them.
#[derive(Debug, Clone, QueryableByName)]
pub struct VoterRow {
    #[diesel(sql_type = Text)]
    pub voter_did: String,
    #[diesel(sql_type = Text)]
    pub actor: ActorView,
    #[diesel(sql_type = Text)]
    pub choices: String,
    #[diesel(sql_type = Text)]
    pub voted_at: String,
}

/// A page of a poll's voters, latest first; `option` keeps those who chose
/// it (`first`: ranked it first). Voters of inactive accounts are left out.
pub fn voters(
    conn: &mut SqliteConnection,
    poll_id: i64,
    option: Option<(i64, bool)>,
    cursor: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<VoterRow>, Error> {
    let mut query = Sql::default();
    query
        .push(&format!(
            "SELECT v.voter_did, {actor} AS actor, v.choices, v.voted_at FROM poll_voters v
             WHERE v.poll_id = ?",
            actor = read::actor("v.voter_did")
        ))
        .int(poll_id)
        .push(&format!(" AND {}", read::author_active("v.voter_did")));
    match option {
        Some((option, true)) => {
            query.push(" AND json_extract(v.choices, '$[0]') = ?").int(option);
        }
        Some((option, false)) => {
            query.push(" AND EXISTS (SELECT 1 FROM json_each(v.choices) c WHERE c.value = ?)").int(option);
        }
        None => {}
    }
    if let Some((voted_at, did)) = cursor {
        query.push(" AND (v.voted_at, v.voter_did) < (?, ?)").text(voted_at).text(did);
    }
    query.push(" ORDER BY v.voted_at DESC, v.voter_did DESC LIMIT ?").int(limit);
    Ok(query.load(conn)?)
}

/// Authors and voters of the Sphere's polls: repos a rebuild reads.
pub fn authors(conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<String>, Error> {
    #[derive(QueryableByName)]
    struct Did {
        #[diesel(sql_type = Text)]
        did: String,
    }
    let rows: Vec<Did> = sql("SELECT author_did AS did FROM poll_polls WHERE sphere_id = ?
         UNION SELECT voter_did FROM poll_ballots WHERE sphere_id = ?")
    .bind::<BigInt, _>(sphere_id)
    .bind::<BigInt, _>(sphere_id)
    .load(conn)?;
    Ok(rows.into_iter().map(|d| d.did).collect())
}

/// How many polls and ballot records the Sphere holds, hidden ones included.
pub fn counts(conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<(&'static str, i64)>, Error> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        polls: i64,
        #[diesel(sql_type = BigInt)]
        ballots: i64,
    }
    let c: Counts = sql("SELECT (SELECT count(*) FROM poll_polls WHERE sphere_id = ?) AS polls,
                (SELECT count(*) FROM poll_ballots WHERE sphere_id = ?) AS ballots")
    .bind::<BigInt, _>(sphere_id)
    .bind::<BigInt, _>(sphere_id)
    .get_result(conn)?;
    Ok(vec![("polls", c.polls), ("ballots", c.ballots)])
}

/// The CID and Sphere of the poll at `uri` (for moderation).
pub fn content(conn: &mut SqliteConnection, uri: &str) -> Result<Option<(String, i64)>, Error> {
    #[derive(QueryableByName)]
    struct Content {
        #[diesel(sql_type = Text)]
        cid: String,
        #[diesel(sql_type = BigInt)]
        sphere_id: i64,
    }
    Ok(sql("SELECT cid, sphere_id FROM poll_polls WHERE uri = ?")
        .bind::<Text, _>(uri)
        .get_result::<Content>(conn)
        .optional()?
        .map(|c| (c.cid, c.sphere_id)))
}
