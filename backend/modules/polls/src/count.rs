//! Which ballot counts, and the results, settled once per write transaction
//! (the module's `before_commit`), whichever path wrote: the API, the
//! indexer or a rebuild.
//!
//! A voter's ballot that counts is their latest (`createdAt`, then URI)
//! that fits the poll as it is now, was made and reached this server by
//! its close, and names a version of the poll with the same question,
//! options, kind and `maxChoices` (a version this server never saw is taken
//! as fitting). It is kept in `poll_voters`; per-option counts and, for
//! ranked polls, the counted orders grouped in `poll_rankings` change by
//! one ballot at a time, and the poll's `tally` is written from them:
//! reading a poll never counts anything. A ranked poll's runoff is updated
//! ballot by ballot ([`tally::Runoff::apply`]), and counted again from the
//! grouped orders only when an elimination changes.

use std::collections::HashMap;

use diesel::sql_types::{BigInt, Binary, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};
use exosphere_core::Error;
use exosphere_core::db::sql::sql;

use crate::generated::site::exosphere::poll::defs::{OptionResult, Round, Runoff, Tally};
use crate::index::{PollRow, poll_row};
use crate::{groups, rules, tally};

#[derive(QueryableByName)]
struct Ballot {
    #[diesel(sql_type = Text)]
    voter_did: String,
    #[diesel(sql_type = Text)]
    uri: String,
    #[diesel(sql_type = Text)]
    poll_cid: String,
    #[diesel(sql_type = Text)]
    choices: String,
    #[diesel(sql_type = Text)]
    created_at: String,
    #[diesel(sql_type = BigInt)]
    received_us: i64,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Text)]
    ballot_uri: String,
    #[diesel(sql_type = Text)]
    choices: String,
}

/// What a settle changed in a poll's counted ballots.
#[derive(Default)]
struct Changes {
    /// Every ballot was counted again.
    from_scratch: bool,
    /// Ballots counted (1) or no longer (-1), in order.
    ballots: Vec<(Vec<u32>, i64)>,
}

/// A poll as counting needs it: its row and the shapes of its versions.
struct Poll {
    row: PollRow,
    options: usize,
    versions: HashMap<String, String>,
}

impl Poll {
    fn load(conn: &mut SqliteConnection, uri: &str) -> Result<Option<Self>, Error> {
        let Some(row) = poll_row(conn, uri)? else { return Ok(None) };
        #[derive(QueryableByName)]
        struct Version {
            #[diesel(sql_type = Text)]
            cid: String,
            #[diesel(sql_type = Text)]
            shape: String,
        }
        let versions: Vec<Version> =
            sql("SELECT cid, shape FROM poll_versions WHERE poll_uri = ?").bind::<Text, _>(uri).load(conn)?;
        let options = row.option_count();
        Ok(Some(Self { row, options, versions: versions.into_iter().map(|v| (v.cid, v.shape)).collect() }))
    }

    /// The ballot's choices when it counts (see the module's rules).
    fn counts(&self, ballot: &Ballot) -> Option<Vec<i64>> {
        let same_shape = self.versions.get(&ballot.poll_cid).is_none_or(|shape| *shape == self.row.shape);
        if !same_shape || !rules::counts(self.row.closes_us, &ballot.created_at, ballot.received_us) {
            return None;
        }
        let choices: Vec<i64> = serde_json::from_str(&ballot.choices).ok()?;
        let form =
            rules::Form { kind: &self.row.kind, options: self.options, max_choices: self.row.max_choices };
        rules::check_ballot(form, &choices).is_ok().then_some(choices)
    }
}

/// Settles every poll a write of this transaction touched (see the module docs).
pub fn settle(conn: &mut SqliteConnection) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct Pending {
        #[diesel(sql_type = Text)]
        poll_uri: String,
        #[diesel(sql_type = Text)]
        voter_did: String,
    }
    let pending: Vec<Pending> =
        sql("SELECT poll_uri, voter_did FROM poll_pending ORDER BY poll_uri, voter_did").load(conn)?;
    if pending.is_empty() {
        return Ok(());
    }
    let mut by_poll: Vec<(String, Vec<String>)> = Vec::new();
    for p in pending {
        match by_poll.last_mut() {
            Some((uri, voters)) if *uri == p.poll_uri => voters.push(p.voter_did),
            _ => by_poll.push((p.poll_uri, vec![p.voter_did])),
        }
    }
    for (uri, voters) in by_poll {
        let Some(poll) = Poll::load(conn, &uri)? else { continue };
        let mut changes = Changes::default();
        // '' sorts first: every voter of the poll.
        if voters.first().is_some_and(String::is_empty) {
            recount_all(conn, &uri, &poll)?;
            changes.from_scratch = true;
        } else {
            for voter in voters {
                recount_voter(conn, &uri, &poll, &voter, &mut changes)?;
            }
        }
        write_tally(conn, &poll, &changes)?;
    }
    sql("DELETE FROM poll_pending").execute(conn)?;
    Ok(())
}

const BALLOTS: &str = "SELECT voter_did, uri, poll_cid, choices, created_at, received_us FROM poll_ballots";

/// Every voter's ballot again, from scratch (the poll is new or changed).
fn recount_all(conn: &mut SqliteConnection, uri: &str, poll: &Poll) -> Result<(), Error> {
    let id = poll.row.id;
    for table in ["poll_voters", "poll_option_counts", "poll_rankings"] {
        sql(format!("DELETE FROM {table} WHERE poll_id = ?")).bind::<BigInt, _>(id).execute(conn)?;
    }
    sql("UPDATE poll_polls SET voters = 0 WHERE id = ?").bind::<BigInt, _>(id).execute(conn)?;
    let ballots: Vec<Ballot> =
        sql(format!("{BALLOTS} WHERE poll_uri = ? ORDER BY voter_did, created_at DESC, uri DESC"))
            .bind::<Text, _>(uri)
            .load(conn)?;
    let mut last_voter: Option<&str> = None;
    for ballot in &ballots {
        if last_voter == Some(ballot.voter_did.as_str()) {
            continue;
        }
        if let Some(choices) = poll.counts(ballot) {
            last_voter = Some(&ballot.voter_did);
            add(conn, poll, ballot, &choices, &mut Changes::default())?;
        }
    }
    Ok(())
}

/// One voter's ballot again: the one that counts may have changed.
fn recount_voter(
    conn: &mut SqliteConnection,
    uri: &str,
    poll: &Poll,
    voter: &str,
    changes: &mut Changes,
) -> Result<(), Error> {
    let old: Option<Counted> =
        sql("SELECT ballot_uri, choices FROM poll_voters WHERE poll_id = ? AND voter_did = ?")
            .bind::<BigInt, _>(poll.row.id)
            .bind::<Text, _>(voter)
            .get_result(conn)
            .optional()?;
    let ballots: Vec<Ballot> =
        sql(format!("{BALLOTS} WHERE poll_uri = ? AND voter_did = ? ORDER BY created_at DESC, uri DESC"))
            .bind::<Text, _>(uri)
            .bind::<Text, _>(voter)
            .load(conn)?;
    let new = ballots.iter().find_map(|b| poll.counts(b).map(|choices| (b, choices)));
    if let (Some(old), Some((ballot, choices))) = (&old, &new)
        && old.ballot_uri == ballot.uri
        && serde_json::from_str::<Vec<i64>>(&old.choices).is_ok_and(|c| c == *choices)
    {
        return Ok(());
    }
    if let Some(old) = old {
        let choices: Vec<i64> = serde_json::from_str(&old.choices).unwrap_or_default();
        sql("DELETE FROM poll_voters WHERE poll_id = ? AND voter_did = ?")
            .bind::<BigInt, _>(poll.row.id)
            .bind::<Text, _>(voter)
            .execute(conn)?;
        tallied(conn, poll, &choices, -1, changes)?;
    }
    if let Some((ballot, choices)) = new {
        add(conn, poll, ballot, &choices, changes)?;
    }
    Ok(())
}

/// Counts a ballot.
fn add(
    conn: &mut SqliteConnection,
    poll: &Poll,
    ballot: &Ballot,
    choices: &[i64],
    changes: &mut Changes,
) -> Result<(), Error> {
    sql("INSERT INTO poll_voters (poll_id, voter_did, ballot_uri, choices, voted_at) VALUES (?, ?, ?, ?, ?)")
        .bind::<BigInt, _>(poll.row.id)
        .bind::<Text, _>(&ballot.voter_did)
        .bind::<Text, _>(&ballot.uri)
        .bind::<Text, _>(serde_json::to_string(choices).map_err(Error::internal)?)
        .bind::<Text, _>(&ballot.created_at)
        .execute(conn)?;
    tallied(conn, poll, choices, 1, changes)
}

/// Adds (`delta` 1) or takes away (-1) a counted ballot's choices: every
/// option chosen, or for ranked polls the first, and the order.
fn tallied(
    conn: &mut SqliteConnection,
    poll: &Poll,
    choices: &[i64],
    delta: i64,
    changes: &mut Changes,
) -> Result<(), Error> {
    let ranked = poll.row.kind == "ranked";
    let counted = if ranked { &choices[..choices.len().min(1)] } else { choices };
    for option in counted {
        sql("INSERT INTO poll_option_counts (poll_id, option, count) VALUES (?, ?, ?)
             ON CONFLICT (poll_id, option) DO UPDATE SET count = count + excluded.count")
        .bind::<BigInt, _>(poll.row.id)
        .bind::<BigInt, _>(option)
        .bind::<BigInt, _>(delta)
        .execute(conn)?;
    }
    if ranked {
        changes.ballots.push((choices.iter().filter_map(|&c| u32::try_from(c).ok()).collect(), delta));
        // Choices are option indexes below 20 (checked with the ballot): one byte each.
        let ranking: Vec<u8> = choices.iter().filter_map(|&c| u8::try_from(c).ok()).collect();
        sql("INSERT INTO poll_rankings (poll_id, ranking, weight) VALUES (?, ?, ?)
             ON CONFLICT (poll_id, ranking) DO UPDATE SET weight = weight + excluded.weight")
        .bind::<BigInt, _>(poll.row.id)
        .bind::<Binary, _>(&ranking)
        .bind::<BigInt, _>(delta)
        .execute(conn)?;
        sql("DELETE FROM poll_rankings WHERE poll_id = ? AND ranking = ? AND weight <= 0")
            .bind::<BigInt, _>(poll.row.id)
            .bind::<Binary, _>(&ranking)
            .execute(conn)?;
    }
    sql("UPDATE poll_polls SET voters = voters + ? WHERE id = ?")
        .bind::<BigInt, _>(delta)
        .bind::<BigInt, _>(poll.row.id)
        .execute(conn)?;
    Ok(())
}

/// Writes the poll's results from its counts (and, ranked, its grouped orders).
fn write_tally(conn: &mut SqliteConnection, poll: &Poll, changes: &Changes) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct OptionCount {
        #[diesel(sql_type = BigInt)]
        option: i64,
        #[diesel(sql_type = BigInt)]
        count: i64,
    }
    #[derive(QueryableByName)]
    struct Voters {
        #[diesel(sql_type = BigInt)]
        voters: i64,
    }
    let id = poll.row.id;
    let voters =
        sql("SELECT voters FROM poll_polls WHERE id = ?").bind::<BigInt, _>(id).get_result::<Voters>(conn)?;
    let counts: Vec<OptionCount> = sql("SELECT option, count FROM poll_option_counts WHERE poll_id = ?")
        .bind::<BigInt, _>(id)
        .load(conn)?;
    let mut per_option = vec![0i64; poll.options];
    for c in counts {
        if let Some(slot) = usize::try_from(c.option).ok().and_then(|o| per_option.get_mut(o)) {
            *slot = c.count;
        }
    }
    let runoff =
        if poll.row.kind == "ranked" { Some(runoff_view(&runoff(conn, poll, changes)?)) } else { None };
    let tally = results(voters.voters, &per_option, runoff);
    sql("UPDATE poll_polls SET tally = ? WHERE id = ?")
        .bind::<Text, _>(serde_json::to_string(&tally).map_err(Error::internal)?)
        .bind::<BigInt, _>(id)
        .execute(conn)?;
    Ok(())
}

/// A ranked poll's runoff as kept with it: the rounds, under the token of
/// the grouped orders it was counted from (see [`crate::groups`]).
#[derive(serde::Serialize, serde::Deserialize)]
struct State {
    #[serde(default)]
    token: u64,
    #[serde(flatten)]
    runoff: tally::Runoff,
}

/// A ranked poll's runoff now, written with it: the one kept, with this
/// settle's ballots applied one by one while each keeps every elimination;
/// otherwise counted from the grouped orders.
fn runoff(conn: &mut SqliteConnection, poll: &Poll, changes: &Changes) -> Result<tally::Runoff, Error> {
    #[derive(QueryableByName)]
    struct Kept {
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        runoff: Option<String>,
    }
    let id = poll.row.id;
    let kept =
        sql("SELECT runoff FROM poll_polls WHERE id = ?").bind::<BigInt, _>(id).get_result::<Kept>(conn)?;
    let kept = kept.runoff.and_then(|r| serde_json::from_str::<State>(&r).ok());
    let token = groups::token();
    let followed = (!changes.from_scratch).then_some(changes.ballots.as_slice());
    groups::advance(id, kept.as_ref().map(|k| k.token), token, followed);
    let applied = match kept {
        Some(mut kept) if !changes.from_scratch => changes
            .ballots
            .iter()
            .all(|(order, delta)| kept.runoff.apply(order, *delta))
            .then_some(kept.runoff),
        _ => None,
    };
    let runoff = match applied {
        Some(runoff) => runoff,
        None => {
            let load = || -> Result<Vec<(Vec<u8>, u64)>, Error> {
                let rows: Vec<(Vec<u8>, i64)> =
                    sql("SELECT ranking, weight FROM poll_rankings WHERE poll_id = ?")
                        .bind::<BigInt, _>(id)
                        .typed::<(Binary, BigInt)>()
                        .load(conn)?;
                Ok(rows.into_iter().filter_map(|(r, w)| Some((r, u64::try_from(w).ok()?))).collect())
            };
            groups::with_orders(id, token, load, |orders| tally::instant_runoff(poll.options, orders))?
        }
    };
    let state = State { token, runoff };
    sql("UPDATE poll_polls SET runoff = ? WHERE id = ?")
        .bind::<Text, _>(serde_json::to_string(&state).map_err(Error::internal)?)
        .bind::<BigInt, _>(id)
        .execute(conn)?;
    Ok(state.runoff)
}

/// The results as the API shows them: counts and shares (in hundredths of a percent of voters).
pub fn results(voters: i64, per_option: &[i64], runoff: Option<Runoff>) -> Tally {
    let share = |count: i64| if voters > 0 { (count * 10_000 + voters / 2) / voters } else { 0 };
    Tally {
        voters,
        options: per_option
            .iter()
            .enumerate()
            .map(|(index, &count)| OptionResult { index: index as i64, count, share: share(count) })
            .collect(),
        runoff,
    }
}

fn runoff_view(runoff: &tally::Runoff) -> Runoff {
    Runoff {
        rounds: runoff
            .rounds
            .iter()
            .map(|round| Round {
                votes: round.tallies.iter().map(|votes| votes.unwrap_or(0) as i64).collect(),
                exhausted: round.exhausted as i64,
                eliminated: round.eliminated.map(|o| o as i64),
            })
            .collect(),
        winner: runoff.winner.map(|o| o as i64),
    }
}
