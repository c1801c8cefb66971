//! People shown as people: each known account's display name and avatar,
//! from its own `app.bsky.actor.profile` record (rkey `self`) on its PDS.
//!
//! - **Whose.** Every known account ([`crate::accounts`]) has a row in
//!   `profiles`, due at once when the account becomes known.
//! - **When.** [`mark_due`] asks for a profile to be read again: the indexer
//!   calls it when it sees the account's identity event or a commit to its
//!   profile, and sign-in calls it (through `remember_handle`). Otherwise a
//!   profile is read again [`REFRESH`] after the last read; after a failure,
//!   from [`RETRY`], doubling each time up to [`REFRESH`].
//! - **Refresher.** [`spawn_refresher`] reads due profiles, [`BATCH`] at a
//!   time and all at once, with `com.atproto.repo.getRecord`, and saves the
//!   batch in one write (each write makes the anonymous response cache start
//!   over). An account with no profile record keeps its handle alone: views
//!   fall back to it; a PDS that can't be reached keeps what was read before.
//! - **Avatars.** [`avatar::configure`] serves `/avatars/{cid}`: fetched the
//!   first time someone asks, with `com.atproto.sync.getBlob`, from the PDS
//!   of an account whose profile names that CID; checked against the CID;
//!   kept in `profile_avatars`.
//! - **Reads.** Queries put [`crate::read::actor`] where they show a person.

pub mod avatar;

use std::sync::LazyLock;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use serde::Deserialize;
use tokio::sync::Notify;
use unicode_segmentation::UnicodeSegmentation;

use crate::db::sql::sql;
use crate::lexicon::format::is_cid;
use crate::lexicon::site::exosphere::defs::ActorView;
use crate::{AppContext, Error, outbound};

/// The collection of a person's profile record (rkey `self`).
pub const PROFILE_COLLECTION: &str = "app.bsky.actor.profile";
/// Profiles read at once, and saved in one write.
const BATCH: i64 = 16;
/// How long a profile read is trusted when no event says it changed.
const REFRESH: Duration = Duration::from_secs(24 * 3600);
/// The first wait after a failed read.
const RETRY: Duration = Duration::from_secs(600);
/// How often the refresher looks for due profiles when nothing woke it (a
/// wake is sent inside the transaction that marks a profile due, so it can
/// come before the commit: the next look finds it).
const POLL: Duration = Duration::from_secs(1);
/// The longest the refresher rests after failing to save.
const REST: Duration = Duration::from_secs(300);
/// Upper bound for one read from a PDS.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The image types an avatar may have (what atproto's profile Lexicon allows).
const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/webp", "image/gif"];

/// Wakes the refresher when a profile is marked due in this process.
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Gives a newly known account (its id in `known_accounts`) its profile row,
/// due at once. Profiles are keyed by that id, which grows: a new row is
/// appended, where a DID key would put it at a random place.
pub(crate) fn add(conn: &mut SqliteConnection, account: i64) -> Result<(), Error> {
    sql("INSERT OR IGNORE INTO profiles (account) VALUES (?)").bind::<BigInt, _>(account).execute(conn)?;
    WAKE.notify_one();
    Ok(())
}

/// Asks for a known account's profile to be read again as soon as the
/// refresher can (nothing for an account this server doesn't know).
pub fn mark_due(conn: &mut SqliteConnection, did: &str) -> Result<(), Error> {
    sql("INSERT INTO profiles (account) SELECT id FROM known_accounts WHERE did = ?
         ON CONFLICT (account) DO UPDATE SET refresh_after = '', marks = marks + 1")
    .bind::<Text, _>(did)
    .execute(conn)?;
    WAKE.notify_one();
    Ok(())
}

/// One account as an `actorView` (for a list of them, put
/// [`crate::read::actor`] in the query instead).
pub fn actor(conn: &mut SqliteConnection, did: &str) -> Result<ActorView, Error> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        actor: ActorView,
    }
    let row: Row = sql(format!("SELECT {} AS actor FROM (SELECT ? AS did) x", crate::read::actor("x.did")))
        .bind::<Text, _>(did)
        .get_result(conn)?;
    Ok(row.actor)
}

/// What a profile record says, as far as this server shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub display_name: Option<String>,
    /// The avatar blob's CID and MIME type.
    pub avatar: Option<(String, String)>,
}

#[derive(Deserialize)]
struct GetRecord {
    value: ProfileRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileRecord {
    display_name: Option<serde_json::Value>,
    avatar: Option<serde_json::Value>,
}

impl ProfileRecord {
    /// Keeps what is safe to show: a name of at most 64 graphemes without
    /// control characters, and an image avatar with a well-formed CID.
    fn shown(self) -> Profile {
        let display_name = self.display_name.as_ref().and_then(|v| v.as_str()).and_then(|name| {
            let clean: String = name.chars().filter(|c| !c.is_control()).collect();
            let clean: String = clean.trim().graphemes(true).take(64).collect();
            (!clean.is_empty()).then_some(clean)
        });
        let avatar = self.avatar.and_then(|blob| {
            let cid = blob.pointer("/ref/$link")?.as_str()?.to_owned();
            let mime = blob.get("mimeType")?.as_str()?.to_owned();
            (is_cid(&cid) && IMAGE_TYPES.contains(&mime.as_str())).then_some((cid, mime))
        });
        Profile { display_name, avatar }
    }
}

/// Reads the account's profile from its PDS: `None` when it has none.
pub async fn read(ctx: &AppContext, did: &str) -> Result<Option<Profile>, String> {
    let pds = ctx.identity.resolve(did).await.map_err(|e| e.to_string())?.pds;
    let response = ctx
        .http
        .get(&format!("{pds}/xrpc/com.atproto.repo.getRecord"))
        .map_err(|e| e.to_string())?
        .query(&[("repo", did), ("collection", PROFILE_COLLECTION), ("rkey", "self")])
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("reading the profile from {pds}: {}", outbound::chain(&e)))?;
    match response.status().as_u16() {
        200 => {
            let found: GetRecord = outbound::json(response).await.map_err(|e| e.to_string())?;
            Ok(Some(found.value.shown()))
        }
        // The reference PDS answers a missing record with 400 RecordNotFound.
        400 | 404 => Ok(None),
        status => Err(format!("{pds} answered getRecord with HTTP {status}")),
    }
}

/// The profiles to read, with their accounts' DIDs ([`Due`]'s columns).
const DUE: &str = "SELECT p.account, k.did, p.failures, p.marks, p.avatar_cid
                   FROM profiles p JOIN known_accounts k ON k.id = p.account";

#[derive(QueryableByName)]
struct Due {
    /// The account's id in `known_accounts`, which keys its profile.
    #[diesel(sql_type = BigInt)]
    account: i64,
    #[diesel(sql_type = Text)]
    did: String,
    #[diesel(sql_type = BigInt)]
    failures: i64,
    #[diesel(sql_type = BigInt)]
    marks: i64,
    /// The avatar it had before this read.
    #[diesel(sql_type = Nullable<Text>)]
    avatar_cid: Option<String>,
}

/// Starts the refresher: it runs as long as the process. When the database
/// can't be written (another process holds it), it waits longer each time
/// before it tries again, up to [`REST`], so as not to stand in the way of
/// this process's other writers.
pub fn spawn_refresher(ctx: AppContext) {
    tokio::spawn(async move {
        let mut rest = POLL;
        loop {
            let due = ctx
                .db
                .read(|c| {
                    Ok(sql(format!("{DUE} WHERE p.refresh_after <= ? ORDER BY p.refresh_after LIMIT ?"))
                        .bind::<Text, _>(crate::write::now())
                        .bind::<BigInt, _>(BATCH)
                        .load::<Due>(c)?)
                })
                .await;
            match due {
                Ok(due) if !due.is_empty() => {
                    if refresh(&ctx, due).await {
                        rest = POLL;
                    } else {
                        tokio::time::sleep(rest).await;
                        rest = (rest * 2).min(REST);
                    }
                }
                Ok(_) => {
                    tokio::select! {
                        _ = WAKE.notified() => {}
                        _ = tokio::time::sleep(POLL) => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "profiles: could not read the profiles due");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    });
}

/// Reads a batch of profiles at once and saves what each read gave; false
/// when it could not be saved.
async fn refresh(ctx: &AppContext, due: Vec<Due>) -> bool {
    let mut reading = tokio::task::JoinSet::new();
    for d in due {
        let ctx = ctx.clone();
        reading.spawn(async move {
            let outcome = read(&ctx, &d.did).await;
            (d, outcome)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = reading.join_next().await {
        if let Ok(outcome) = joined {
            outcomes.push(outcome);
        }
    }
    let saved = ctx.db.write(move |c| save(c, &outcomes, chrono::Utc::now())).await;
    if let Err(e) = &saved {
        tracing::warn!(error = %e, "profiles: could not save the profiles read");
    }
    saved.is_ok()
}

fn at(now: chrono::DateTime<chrono::Utc>, after: Duration) -> String {
    let after = chrono::Duration::from_std(after).unwrap_or(chrono::Duration::days(1));
    (now + after).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Saves the outcome of each read: the profile (or its absence) until
/// [`REFRESH`] from `now`, or, after a failure, what was read before and a
/// retry after a back-off. A profile marked due again while it was read is
/// left due: what was read may be older than the change.
fn save(
    conn: &mut SqliteConnection,
    outcomes: &[(Due, Result<Option<Profile>, String>)],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Error> {
    for (due, outcome) in outcomes {
        match outcome {
            Ok(profile) => {
                let profile = profile.clone().unwrap_or_default();
                let (cid, mime) = profile.avatar.unzip();
                sql("UPDATE profiles SET display_name = ?, avatar_cid = ?, avatar_mime = ?, refresh_after = ?,
                       failures = 0 WHERE account = ? AND marks = ?")
                .bind::<Nullable<Text>, _>(profile.display_name)
                .bind::<Nullable<Text>, _>(cid)
                .bind::<Nullable<Text>, _>(mime)
                .bind::<Text, _>(at(now, REFRESH))
                .bind::<BigInt, _>(due.account)
                .bind::<BigInt, _>(due.marks)
                .execute(conn)?;
            }
            Err(why) => {
                tracing::debug!(did = due.did, error = why, "profiles: could not read a profile");
                let wait = RETRY.saturating_mul(1 << due.failures.clamp(0, 10)).min(REFRESH);
                sql("UPDATE profiles SET refresh_after = ?, failures = failures + 1 WHERE account = ? AND marks = ?")
                    .bind::<Text, _>(at(now, wait))
                    .bind::<BigInt, _>(due.account)
                    .bind::<BigInt, _>(due.marks)
                    .execute(conn)?;
            }
        }
    }
    // The avatars these profiles had, once no profile names them.
    for cid in outcomes.iter().filter_map(|(due, _)| due.avatar_cid.as_deref()) {
        sql("DELETE FROM profile_avatars WHERE cid = ? AND NOT EXISTS (SELECT 1 FROM profiles WHERE avatar_cid = ?)")
            .bind::<Text, _>(cid)
            .bind::<Text, _>(cid)
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: serde_json::Value) -> Profile {
        serde_json::from_value::<ProfileRecord>(json).map(ProfileRecord::shown).unwrap_or_default()
    }

    #[tokio::test]
    async fn a_change_during_a_read_keeps_the_profile_due() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = crate::Db::open(&dir.path().join("x.sqlite"))?;
        let mut conn = db.conn()?;
        crate::db::migrations::run(&mut conn, "core", crate::module::CORE_MIGRATIONS)?;
        for did in ["did:plc:a", "did:plc:b"] {
            crate::accounts::know(&mut conn, did)?;
        }
        let due = |conn: &mut SqliteConnection| -> anyhow::Result<Vec<Due>> {
            Ok(sql(format!("{DUE} ORDER BY k.did")).load::<Due>(conn)?)
        };
        let read = due(&mut conn)?;
        // b's profile changes while both are read.
        mark_due(&mut conn, "did:plc:b")?;
        let name = |n: &str| Ok(Some(Profile { display_name: Some(n.into()), avatar: None }));
        let outcomes: Vec<_> = read.into_iter().zip([name("A"), name("old B")]).collect();
        let now = chrono::Utc::now();
        save(&mut conn, &outcomes, now)?;
        let after: Vec<(String, i64)> = due(&mut conn)?.into_iter().map(|d| (d.did, d.marks)).collect();
        assert_eq!(after, [("did:plc:a".to_owned(), 0), ("did:plc:b".to_owned(), 1)]);
        let mut view = |did| actor(&mut conn, did).map(|a| (a.display_name, a.avatar));
        assert_eq!(view("did:plc:a")?, (Some("A".into()), None));
        assert_eq!(view("did:plc:b")?, (None, None), "the older read is not saved over the change");
        let waiting: Vec<Due> = sql(format!("{DUE} WHERE p.refresh_after <= ?"))
            .bind::<Text, _>(crate::write::now())
            .load(&mut conn)?;
        assert_eq!(waiting.iter().map(|d| d.did.as_str()).collect::<Vec<_>>(), ["did:plc:b"]);
        Ok(())
    }

    #[tokio::test]
    async fn profiles_keyed_by_did_move_to_their_accounts() -> anyhow::Result<()> {
        use diesel::connection::SimpleConnection;
        let dir = tempfile::tempdir()?;
        let db = crate::Db::open(&dir.path().join("x.sqlite"))?;
        let mut conn = db.conn()?;
        let migrations = crate::module::CORE_MIGRATIONS;
        let by_account = migrations
            .iter()
            .position(|m| m.id == "0012_profiles_by_account")
            .ok_or_else(|| anyhow::anyhow!("no migration 0012_profiles_by_account"))?;
        crate::db::migrations::run(&mut conn, "core", &migrations[..by_account])?;
        // A profile read before (known account), and one marked due for a DID
        // no table of known accounts had.
        conn.batch_execute(
            "INSERT INTO known_accounts (did) VALUES ('did:plc:a');
             INSERT INTO profiles (did, display_name, avatar_cid, avatar_mime, refresh_after, failures, marks)
             VALUES ('did:plc:a', 'Ann', 'bafkav', 'image/png', '2027-01-01', 2, 3), ('did:plc:b', NULL, NULL, NULL, '', 0, 1);",
        )?;
        crate::db::migrations::run(&mut conn, "core", migrations)?;
        let a = actor(&mut conn, "did:plc:a")?;
        assert_eq!((a.display_name.as_deref(), a.avatar.as_deref()), (Some("Ann"), Some("/avatars/bafkav")));
        let rows: Vec<(String, i64, i64)> = sql(format!("{DUE} ORDER BY k.did"))
            .load::<Due>(&mut conn)?
            .into_iter()
            .map(|d| (d.did, d.failures, d.marks))
            .collect();
        assert_eq!(rows, [("did:plc:a".to_owned(), 2, 3), ("did:plc:b".to_owned(), 0, 1)]);
        // A newly known account's profile comes after them, due at once.
        crate::accounts::know(&mut conn, "did:plc:c")?;
        let due: Vec<String> = sql(format!("{DUE} WHERE p.refresh_after <= ? ORDER BY p.account"))
            .bind::<Text, _>(crate::write::now())
            .load::<Due>(&mut conn)?
            .into_iter()
            .map(|d| d.did)
            .collect();
        assert_eq!(due, ["did:plc:b", "did:plc:c"]);
        Ok(())
    }

    #[test]
    fn only_what_is_safe_to_show_is_kept() {
        let cid = "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy";
        let blob = |mime: &str| serde_json::json!({ "$type": "blob", "ref": { "$link": cid }, "mimeType": mime, "size": 9 });
        assert_eq!(
            record(serde_json::json!({ "displayName": "  Ann\u{7}  Lee ", "avatar": blob("image/png") })),
            Profile { display_name: Some("Ann  Lee".into()), avatar: Some((cid.into(), "image/png".into())) }
        );
        let long = "é".repeat(80);
        assert_eq!(
            record(serde_json::json!({ "displayName": long })).display_name.map(|n| n.chars().count()),
            Some(64)
        );
        assert_eq!(
            record(serde_json::json!({ "displayName": " \n ", "avatar": blob("image/svg+xml") })),
            Profile::default()
        );
        assert_eq!(
            record(serde_json::json!({ "displayName": 7, "avatar": { "ref": { "$link": "x" } } })),
            Profile::default()
        );
    }
}
