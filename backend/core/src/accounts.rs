//! Accounts this server knows (`known_accounts`): whoever signed in here,
//! Sphere owners and members, and authors of what was indexed. The indexer
//! keeps identity and account events of these accounts only, and reads new
//! ones by `id` into its in-memory copy.
//!
//! An account's `id` is part of core's documented schema: a small integer,
//! never changed or reused, that a module may key its own rows by in place
//! of the DID's text ([`id`] in code, [`crate::read::account_id`] in SQL).
//! Keys of random DIDs land on random pages of large indexes; ids of new
//! accounts only ever grow.

use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};

use crate::Error;
use crate::db::sql::sql;

/// Records that this server knows `did` (nothing when it already does).
/// A newly known account's profile is read at once ([`crate::profiles`]).
pub fn know(conn: &mut SqliteConnection, did: &str) -> Result<(), Error> {
    id(conn, did).map(drop)
}

/// The account's id (`known_accounts.id`), making it known first when it
/// isn't: a newly known account's profile is read at once ([`crate::profiles`]).
pub fn id(conn: &mut SqliteConnection, did: &str) -> Result<i64, Error> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let found: Option<Id> = sql("SELECT id FROM known_accounts WHERE did = ?")
        .bind::<Text, _>(did)
        .get_result(conn)
        .optional()?;
    if let Some(found) = found {
        return Ok(found.id);
    }
    let added: Id = sql("INSERT INTO known_accounts (did) VALUES (?) RETURNING id")
        .bind::<Text, _>(did)
        .get_result(conn)?;
    crate::profiles::add(conn, added.id)?;
    Ok(added.id)
}

/// A known account and the order it became known in.
#[derive(Debug, Clone, QueryableByName)]
pub struct Known {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub did: String,
}

/// Accounts that became known after `after` (an `id`), oldest first, at most `limit`.
pub fn known_after(conn: &mut SqliteConnection, after: i64, limit: i64) -> Result<Vec<Known>, Error> {
    Ok(sql("SELECT id, did FROM known_accounts WHERE id > ? ORDER BY id LIMIT ?")
        .bind::<BigInt, _>(after)
        .bind::<BigInt, _>(limit)
        .load(conn)?)
}

/// Adds the modules' authors of every Sphere, once per database (the
/// migration that made the table could only read core's tables).
pub fn seed_from_modules(
    conn: &mut SqliteConnection,
    registry: &crate::module::Registry,
) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct Flag {
        #[diesel(sql_type = BigInt)]
        known_seeded: i64,
    }
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let flag: Flag = sql("SELECT known_seeded FROM indexer_state WHERE id = 1").get_result(conn)?;
    if flag.known_seeded != 0 {
        return Ok(());
    }
    let spheres: Vec<Id> = sql("SELECT id FROM spheres").load(conn)?;
    for sphere in spheres {
        for module in registry.modules() {
            for did in module.known_authors(conn, sphere.id)? {
                know(conn, &did)?;
            }
        }
    }
    sql("UPDATE indexer_state SET known_seeded = 1 WHERE id = 1").execute(conn)?;
    Ok(())
}
