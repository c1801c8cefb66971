//! Ordered, embedded migrations, owned by core and by each module.
//!
//! Each owner (`core`, or a module's name) lists its migrations in order.
//! The runner records what it applied in `exosphere_migrations` with a
//! checksum, and refuses a database whose history it does not recognise: a
//! migration applied there but missing from this binary (a newer database),
//! or one whose SQL changed after it was applied. Each migration runs in its
//! own transaction together with its bookkeeping row.

use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;
use diesel::{QueryableByName, RunQueryDsl};

/// One migration: an id that sorts in application order, and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Sortable id, e.g. `0001_create_requests`.
    pub id: &'static str,
    /// SQL run as one batch.
    pub sql: &'static str,
}

/// Why migrations could not run.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// The list given by the owner is not strictly increasing.
    #[error("migrations of {owner} are out of order at {id}")]
    OutOfOrder { owner: String, id: String },
    /// The database has a migration this binary does not have.
    #[error(
        "the database has migration {id} of {owner}, which this build does not know: is the database from a newer Exosphere?"
    )]
    Unknown { owner: String, id: String },
    /// An applied migration's SQL differs from this binary's.
    #[error("migration {id} of {owner} was changed after it was applied (checksum {stored} != {current})")]
    Changed { owner: String, id: String, stored: String, current: String },
    /// SQLite refused a statement.
    #[error("migration {id} of {owner} failed: {source}")]
    Failed {
        owner: String,
        id: String,
        #[source]
        source: diesel::result::Error,
    },
    /// The bookkeeping table could not be read or written.
    #[error("migration bookkeeping failed: {0}")]
    Database(#[from] diesel::result::Error),
}

#[derive(QueryableByName)]
struct Applied {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    checksum: String,
}

/// FNV-1a, 64 bit: enough to notice an edited migration.
fn checksum(sql: &str) -> String {
    let hash =
        sql.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// How many migrations (of every owner) the database has applied.
pub fn applied(conn: &mut SqliteConnection) -> Result<i64, diesel::result::Error> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    Ok(diesel::sql_query("SELECT count(*) AS n FROM exosphere_migrations").get_result::<Count>(conn)?.n)
}

/// Applies the migrations of `owner` that the database does not have yet.
/// Returns how many were applied.
pub fn run(
    conn: &mut SqliteConnection,
    owner: &str,
    migrations: &[Migration],
) -> Result<usize, MigrationError> {
    for pair in migrations.windows(2) {
        if pair[0].id >= pair[1].id {
            return Err(MigrationError::OutOfOrder { owner: owner.into(), id: pair[1].id.into() });
        }
    }
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS exosphere_migrations (
            owner TEXT NOT NULL,
            id TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (owner, id)
        ) WITHOUT ROWID;",
    )?;
    let applied: Vec<Applied> =
        diesel::sql_query("SELECT id, checksum FROM exosphere_migrations WHERE owner = ? ORDER BY id")
            .bind::<Text, _>(owner)
            .load(conn)?;

    for (index, done) in applied.iter().enumerate() {
        let Some(known) = migrations.get(index).filter(|m| m.id == done.id) else {
            return Err(MigrationError::Unknown { owner: owner.into(), id: done.id.clone() });
        };
        let current = checksum(known.sql);
        if current != done.checksum {
            return Err(MigrationError::Changed {
                owner: owner.into(),
                id: done.id.clone(),
                stored: done.checksum.clone(),
                current,
            });
        }
    }

    let pending = &migrations[applied.len()..];
    for migration in pending {
        conn.immediate_transaction(|conn| {
            conn.batch_execute(migration.sql)?;
            diesel::sql_query("INSERT INTO exosphere_migrations (owner, id, checksum) VALUES (?, ?, ?)")
                .bind::<Text, _>(owner)
                .bind::<Text, _>(migration.id)
                .bind::<Text, _>(checksum(migration.sql))
                .execute(conn)?;
            Ok::<_, diesel::result::Error>(())
        })
        .map_err(|source| MigrationError::Failed {
            owner: owner.into(),
            id: migration.id.into(),
            source,
        })?;
        tracing::info!(owner, id = migration.id, "applied migration");
    }
    Ok(pending.len())
}

#[cfg(test)]
mod tests {
    use diesel::Connection;

    use super::*;

    const FIRST: Migration = Migration { id: "0001_a", sql: "CREATE TABLE a (x INTEGER);" };
    const SECOND: Migration = Migration { id: "0002_b", sql: "CREATE TABLE b (y INTEGER);" };

    fn memory() -> SqliteConnection {
        match SqliteConnection::establish(":memory:") {
            Ok(conn) => conn,
            Err(e) => panic!("in-memory sqlite: {e}"),
        }
    }

    #[test]
    fn applies_pending_migrations_once() -> Result<(), MigrationError> {
        let mut conn = memory();
        assert_eq!(run(&mut conn, "m", &[FIRST])?, 1);
        assert_eq!(run(&mut conn, "m", &[FIRST, SECOND])?, 1);
        assert_eq!(run(&mut conn, "m", &[FIRST, SECOND])?, 0);
        conn.batch_execute("INSERT INTO a VALUES (1); INSERT INTO b VALUES (2);")?;
        Ok(())
    }

    #[test]
    fn owners_have_separate_histories() -> Result<(), MigrationError> {
        let mut conn = memory();
        run(&mut conn, "one", &[FIRST])?;
        let other = Migration { id: "0001_a", sql: "CREATE TABLE c (z INTEGER);" };
        assert_eq!(run(&mut conn, "two", &[other])?, 1);
        Ok(())
    }

    #[test]
    fn refuses_a_database_from_a_newer_build() -> Result<(), MigrationError> {
        let mut conn = memory();
        run(&mut conn, "m", &[FIRST, SECOND])?;
        assert!(matches!(run(&mut conn, "m", &[FIRST]), Err(MigrationError::Unknown { .. })));
        Ok(())
    }

    #[test]
    fn refuses_an_edited_migration() -> Result<(), MigrationError> {
        let mut conn = memory();
        run(&mut conn, "m", &[FIRST])?;
        let edited = Migration { id: "0001_a", sql: "CREATE TABLE a (x TEXT);" };
        assert!(matches!(run(&mut conn, "m", &[edited]), Err(MigrationError::Changed { .. })));
        Ok(())
    }

    #[test]
    fn refuses_out_of_order_lists_and_rolls_back_failures() {
        let mut conn = memory();
        assert!(matches!(run(&mut conn, "m", &[SECOND, FIRST]), Err(MigrationError::OutOfOrder { .. })));
        let broken = Migration { id: "0003_c", sql: "CREATE TABLE c (q INTEGER); SELEKT 1;" };
        assert!(matches!(run(&mut conn, "x", &[broken]), Err(MigrationError::Failed { .. })));
        // Nothing of the failed migration stayed behind, so it can be fixed and rerun.
        let fixed = Migration { id: "0003_c", sql: "CREATE TABLE c (q INTEGER);" };
        assert!(matches!(run(&mut conn, "x", &[fixed]), Ok(1)));
    }
}
