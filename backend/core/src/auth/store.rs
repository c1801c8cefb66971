//! atrium-oauth's state and session stores, kept in SQLite so sign-ins in
//! progress and signed-in sessions survive a restart.

use atrium_api::types::string::Did;
use atrium_common::store::Store;
use atrium_oauth::store::session::{Session, SessionStore};
use atrium_oauth::store::state::{InternalStateData, StateStore};
use diesel::sql_types::{BigInt, Text};
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};

use crate::Db;
use crate::db::sql::sql as query;

/// How long an unfinished sign-in stays valid.
const STATE_TTL_SECONDS: i64 = 3600;

/// A store failure, as atrium wants it.
#[derive(Debug, thiserror::Error)]
#[error("oauth store: {0}")]
pub struct StoreError(String);

fn store_error(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

#[derive(QueryableByName)]
struct Data {
    #[diesel(sql_type = Text)]
    data: String,
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A table of JSON values by text key, optionally expiring after `ttl` seconds.
struct JsonTable {
    db: Db,
    table: &'static str,
    key: &'static str,
    /// The column holding when a row was written.
    written: &'static str,
    ttl: Option<i64>,
}

impl JsonTable {
    /// Rows older than this are gone (everything counts when there is no TTL).
    fn oldest(&self) -> i64 {
        self.ttl.map_or(i64::MIN, |ttl| now() - ttl)
    }

    async fn get<V: serde::de::DeserializeOwned>(&self, key: String) -> Result<Option<V>, StoreError> {
        let sql = format!("SELECT data FROM {} WHERE {} = ? AND {} > ?", self.table, self.key, self.written);
        let oldest = self.oldest();
        let row = self
            .db
            .read(move |c| {
                Ok(query(sql)
                    .bind::<Text, _>(key)
                    .bind::<BigInt, _>(oldest)
                    .get_result::<Data>(c)
                    .optional()?)
            })
            .await
            .map_err(store_error)?;
        row.map(|r| serde_json::from_str(&r.data)).transpose().map_err(store_error)
    }

    async fn set<V: serde::Serialize>(&self, key: String, value: &V) -> Result<(), StoreError> {
        let data = serde_json::to_string(value).map_err(store_error)?;
        let purge = self.ttl.map(|_| format!("DELETE FROM {} WHERE {} <= ?", self.table, self.written));
        let insert = format!(
            "INSERT OR REPLACE INTO {} ({}, data, {}) VALUES (?, ?, ?)",
            self.table, self.key, self.written
        );
        let oldest = self.oldest();
        self.db
            .write(move |c| {
                if let Some(purge) = purge {
                    query(purge).bind::<BigInt, _>(oldest).execute(c)?;
                }
                query(insert)
                    .bind::<Text, _>(key)
                    .bind::<Text, _>(data)
                    .bind::<BigInt, _>(now())
                    .execute(c)?;
                Ok(())
            })
            .await
            .map_err(store_error)
    }

    async fn del(&self, key: Option<String>) -> Result<(), StoreError> {
        let sql = match key {
            Some(_) => format!("DELETE FROM {} WHERE {} = ?", self.table, self.key),
            None => format!("DELETE FROM {}", self.table),
        };
        self.db
            .write(move |c| {
                match key {
                    Some(key) => query(sql).bind::<Text, _>(key).execute(c)?,
                    None => query(sql).execute(c)?,
                };
                Ok(())
            })
            .await
            .map_err(store_error)
    }
}

/// Sign-ins in progress.
#[derive(Clone)]
pub struct SqliteStateStore(pub Db);

impl SqliteStateStore {
    fn table(&self) -> JsonTable {
        JsonTable {
            db: self.0.clone(),
            table: "oauth_states",
            key: "key",
            written: "created_at",
            ttl: Some(STATE_TTL_SECONDS),
        }
    }
}

impl Store<String, InternalStateData> for SqliteStateStore {
    type Error = StoreError;

    async fn get(&self, key: &String) -> Result<Option<InternalStateData>, StoreError> {
        self.table().get(key.clone()).await
    }

    async fn set(&self, key: String, value: InternalStateData) -> Result<(), StoreError> {
        self.table().set(key, &value).await
    }

    async fn del(&self, key: &String) -> Result<(), StoreError> {
        self.table().del(Some(key.clone())).await
    }

    async fn clear(&self) -> Result<(), StoreError> {
        self.table().del(None).await
    }
}

impl StateStore for SqliteStateStore {}

/// Token sets and DPoP keys per account.
#[derive(Clone)]
pub struct SqliteSessionStore(pub Db);

impl SqliteSessionStore {
    fn table(&self) -> JsonTable {
        JsonTable {
            db: self.0.clone(),
            table: "oauth_sessions",
            key: "did",
            written: "updated_at",
            ttl: None,
        }
    }
}

impl Store<Did, Session> for SqliteSessionStore {
    type Error = StoreError;

    async fn get(&self, key: &Did) -> Result<Option<Session>, StoreError> {
        self.table().get(key.as_str().to_owned()).await
    }

    async fn set(&self, key: Did, value: Session) -> Result<(), StoreError> {
        self.table().set(key.as_str().to_owned(), &value).await
    }

    async fn del(&self, key: &Did) -> Result<(), StoreError> {
        self.table().del(Some(key.as_str().to_owned())).await
    }

    async fn clear(&self) -> Result<(), StoreError> {
        self.table().del(None).await
    }
}

impl SessionStore for SqliteSessionStore {}

/// The app state (return path) of a sign-in in progress, read without consuming it.
pub(crate) async fn peek_app_state(db: &Db, state: &str) -> Option<String> {
    SqliteStateStore(db.clone()).get(&state.to_owned()).await.ok().flatten().and_then(|s| s.app_state)
}
