//! The instance's tables: its first administrator, the accounts allowed to
//! create Spheres, invite codes, and the standing of Spheres.

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};

use crate::Error;
use crate::db::sql::sql;

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

#[derive(QueryableByName)]
struct Did {
    #[diesel(sql_type = Text)]
    did: String,
}

/// The recorded first administrator.
pub fn first_admin(conn: &mut SqliteConnection) -> Result<Option<String>, Error> {
    let row: Option<Did> =
        sql("SELECT did FROM instance_admins ORDER BY created_at LIMIT 1").get_result(conn).optional()?;
    Ok(row.map(|r| r.did))
}

/// Records `did` as the administrator if there is none yet; whether it now is.
pub fn claim_first_admin(conn: &mut SqliteConnection, did: &str) -> Result<bool, Error> {
    let n = sql(format!(
        "INSERT INTO instance_admins (did, source, created_at)
         SELECT ?, 'first-sphere', {NOW} WHERE NOT EXISTS (SELECT 1 FROM instance_admins)"
    ))
    .bind::<Text, _>(did)
    .execute(conn)?;
    Ok(n == 1)
}

/// Forgets a first administrator whose Sphere could not be created.
pub fn release_first_admin(conn: &mut SqliteConnection, did: &str) -> Result<(), Error> {
    sql("DELETE FROM instance_admins WHERE did = ? AND source = 'first-sphere'")
        .bind::<Text, _>(did)
        .execute(conn)?;
    Ok(())
}

/// An account allowed to create Spheres.
#[derive(Debug, Clone, QueryableByName)]
pub struct CreatorRow {
    #[diesel(sql_type = Text)]
    pub did: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub handle: Option<String>,
    #[diesel(sql_type = Text)]
    pub granted_by: String,
    #[diesel(sql_type = Text)]
    pub granted_at: String,
}

/// Whether an administrator allowed `did` to create Spheres.
pub fn is_creator(conn: &mut SqliteConnection, did: &str) -> Result<bool, Error> {
    Ok(sql("SELECT did FROM sphere_creators WHERE did = ?")
        .bind::<Text, _>(did)
        .get_result::<Did>(conn)
        .optional()?
        .is_some())
}

/// Allows `did` to create Spheres (again: the grant keeps its first time).
pub fn grant_creator(conn: &mut SqliteConnection, did: &str, by: &str) -> Result<CreatorRow, Error> {
    sql(format!("INSERT OR IGNORE INTO sphere_creators (did, granted_by, granted_at) VALUES (?, ?, {NOW})"))
        .bind::<Text, _>(did)
        .bind::<Text, _>(by)
        .execute(conn)?;
    creator(conn, did)?.ok_or_else(|| Error::internal(anyhow::anyhow!("a granted creator vanished")))
}

fn creator(conn: &mut SqliteConnection, did: &str) -> Result<Option<CreatorRow>, Error> {
    Ok(sql("SELECT c.did, a.handle, c.granted_by, c.granted_at FROM sphere_creators c
         LEFT JOIN actors a ON a.did = c.did WHERE c.did = ?")
    .bind::<Text, _>(did)
    .get_result(conn)
    .optional()?)
}

/// Takes back the right; whether there was one.
pub fn revoke_creator(conn: &mut SqliteConnection, did: &str) -> Result<bool, Error> {
    Ok(sql("DELETE FROM sphere_creators WHERE did = ?").bind::<Text, _>(did).execute(conn)? == 1)
}

/// Allowed accounts, newest first, after a `granted_at~did` cursor.
pub fn list_creators(
    conn: &mut SqliteConnection,
    after: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<CreatorRow>, Error> {
    let (at, did) = after.unwrap_or_else(|| ("9999".into(), String::new()));
    Ok(sql("SELECT c.did, a.handle, c.granted_by, c.granted_at FROM sphere_creators c
         LEFT JOIN actors a ON a.did = c.did
         WHERE c.granted_at < ? OR (c.granted_at = ? AND c.did < ? AND ? != '')
         ORDER BY c.granted_at DESC, c.did DESC LIMIT ?")
    .bind::<Text, _>(&at)
    .bind::<Text, _>(&at)
    .bind::<Text, _>(&did)
    .bind::<Text, _>(&did)
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// An invite code.
#[derive(Debug, Clone, QueryableByName)]
pub struct InviteRow {
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub note: Option<String>,
    #[diesel(sql_type = Text)]
    pub created_by: String,
    #[diesel(sql_type = Text)]
    pub created_at: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub used_by: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub used_at: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub sphere_uri: Option<String>,
}

const INVITE_COLUMNS: &str = "code, note, created_by, created_at, used_by, used_at, sphere_uri";

/// Stores a new code.
pub fn create_invite(
    conn: &mut SqliteConnection,
    code: &str,
    note: Option<&str>,
    by: &str,
) -> Result<InviteRow, Error> {
    sql(format!("INSERT INTO invite_codes (code, note, created_by, created_at) VALUES (?, ?, ?, {NOW})"))
        .bind::<Text, _>(code)
        .bind::<Nullable<Text>, _>(note)
        .bind::<Text, _>(by)
        .execute(conn)?;
    Ok(sql(format!("SELECT {INVITE_COLUMNS} FROM invite_codes WHERE code = ?"))
        .bind::<Text, _>(code)
        .get_result(conn)?)
}

/// Marks an unused code as used by `did`; whether it was unused.
pub fn claim_invite(conn: &mut SqliteConnection, code: &str, did: &str) -> Result<bool, Error> {
    let n = sql(format!(
        "UPDATE invite_codes SET used_by = ?, used_at = {NOW} WHERE code = ? AND used_by IS NULL"
    ))
    .bind::<Text, _>(did)
    .bind::<Text, _>(code)
    .execute(conn)?;
    Ok(n == 1)
}

/// Notes the Sphere a claimed code created.
pub fn invite_used_for(conn: &mut SqliteConnection, code: &str, sphere_uri: &str) -> Result<(), Error> {
    sql("UPDATE invite_codes SET sphere_uri = ? WHERE code = ?")
        .bind::<Text, _>(sphere_uri)
        .bind::<Text, _>(code)
        .execute(conn)?;
    Ok(())
}

/// Frees a claimed code whose Sphere could not be created.
pub fn release_invite(conn: &mut SqliteConnection, code: &str) -> Result<(), Error> {
    sql("UPDATE invite_codes SET used_by = NULL, used_at = NULL WHERE code = ? AND sphere_uri IS NULL")
        .bind::<Text, _>(code)
        .execute(conn)?;
    Ok(())
}

/// Deletes an unused code; whether there was one.
pub fn revoke_invite(conn: &mut SqliteConnection, code: &str) -> Result<bool, Error> {
    Ok(sql("DELETE FROM invite_codes WHERE code = ? AND used_by IS NULL")
        .bind::<Text, _>(code)
        .execute(conn)?
        == 1)
}

/// Codes newest first, after a `created_at~code` cursor.
pub fn list_invites(
    conn: &mut SqliteConnection,
    after: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<InviteRow>, Error> {
    let (at, code) = after.unwrap_or_else(|| ("9999".into(), String::new()));
    Ok(sql(format!(
        "SELECT {INVITE_COLUMNS} FROM invite_codes
         WHERE created_at < ? OR (created_at = ? AND code < ? AND ? != '')
         ORDER BY created_at DESC, code DESC LIMIT ?"
    ))
    .bind::<Text, _>(&at)
    .bind::<Text, _>(&at)
    .bind::<Text, _>(&code)
    .bind::<Text, _>(&code)
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// A hidden or suspended Sphere's standing.
#[derive(Debug, Clone, QueryableByName)]
pub struct StandingRow {
    #[diesel(sql_type = Text)]
    pub standing: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub reason: Option<String>,
    #[diesel(sql_type = Text)]
    pub set_at: String,
}

/// A Sphere's standing (`None`: listed).
pub fn standing(conn: &mut SqliteConnection, sphere_uri: &str) -> Result<Option<StandingRow>, Error> {
    Ok(sql("SELECT standing, reason, set_at FROM sphere_standing WHERE sphere_uri = ?")
        .bind::<Text, _>(sphere_uri)
        .get_result(conn)
        .optional()?)
}

/// Sets a Sphere's standing: `listed` clears it.
pub fn set_standing(
    conn: &mut SqliteConnection,
    sphere_uri: &str,
    standing: &str,
    reason: Option<&str>,
    by: &str,
) -> Result<(), Error> {
    if standing == "listed" {
        sql("DELETE FROM sphere_standing WHERE sphere_uri = ?").bind::<Text, _>(sphere_uri).execute(conn)?;
        return Ok(());
    }
    sql(format!(
        "INSERT INTO sphere_standing (sphere_uri, standing, reason, set_by, set_at) VALUES (?, ?, ?, ?, {NOW})
         ON CONFLICT (sphere_uri) DO UPDATE SET standing = excluded.standing, reason = excluded.reason,
           set_by = excluded.set_by, set_at = excluded.set_at"
    ))
    .bind::<Text, _>(sphere_uri)
    .bind::<Text, _>(standing)
    .bind::<Nullable<Text>, _>(reason)
    .bind::<Text, _>(by)
    .execute(conn)?;
    Ok(())
}
