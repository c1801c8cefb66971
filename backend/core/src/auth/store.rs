//! atrium-oauth's state and session stores, kept in SQLite so sign-ins in
//! progress and signed-in sessions survive a restart.

use atrium_api::types::string::Did;
use atrium_common::store::Store;
use atrium_oauth::store::session::{Session, SessionStore};
use atrium_oauth::store::state::{InternalStateData, StateStore};
use diesel::sql_types::{BigInt, Text};
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};

use crate::Db;

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

/// Sign-ins in progress.
#[derive(Clone)]
pub struct SqliteStateStore(pub Db);

impl Store<String, InternalStateData> for SqliteStateStore {
    type Error = StoreError;

    async fn get(&self, key: &String) -> Result<Option<InternalStateData>, StoreError> {
        let key = key.clone();
        let row = self
            .0
            .read(move |c| {
                Ok(diesel::sql_query("SELECT data FROM oauth_states WHERE key = ? AND created_at > ?")
                    .bind::<Text, _>(key)
                    .bind::<BigInt, _>(now() - STATE_TTL_SECONDS)
                    .get_result::<Data>(c)
                    .optional()?)
            })
            .await
            .map_err(store_error)?;
        row.map(|r| serde_json::from_str(&r.data)).transpose().map_err(store_error)
    }

    async fn set(&self, key: String, value: InternalStateData) -> Result<(), StoreError> {
        let data = serde_json::to_string(&value).map_err(store_error)?;
        self.0
            .write(move |c| {
                diesel::sql_query("DELETE FROM oauth_states WHERE created_at <= ?")
                    .bind::<BigInt, _>(now() - STATE_TTL_SECONDS)
                    .execute(c)?;
                diesel::sql_query(
                    "INSERT OR REPLACE INTO oauth_states (key, data, created_at) VALUES (?, ?, ?)",
                )
                .bind::<Text, _>(key)
                .bind::<Text, _>(data)
                .bind::<BigInt, _>(now())
                .execute(c)?;
                Ok(())
            })
            .await
            .map_err(store_error)
    }

    async fn del(&self, key: &String) -> Result<(), StoreError> {
        let key = key.clone();
        self.0
            .write(move |c| {
                diesel::sql_query("DELETE FROM oauth_states WHERE key = ?")
                    .bind::<Text, _>(key)
                    .execute(c)?;
                Ok(())
            })
            .await
            .map_err(store_error)
    }

    async fn clear(&self) -> Result<(), StoreError> {
        self.0
            .write(|c| {
                diesel::sql_query("DELETE FROM oauth_states").execute(c)?;
                Ok(())
            })
            .await
            .map_err(store_error)
    }
}

impl StateStore for SqliteStateStore {}

/// Token sets and DPoP keys per account.
#[derive(Clone)]
pub struct SqliteSessionStore(pub Db);

impl Store<Did, Session> for SqliteSessionStore {
    type Error = StoreError;

    async fn get(&self, key: &Did) -> Result<Option<Session>, StoreError> {
        let did = key.as_str().to_owned();
        let row = self
            .0
            .read(move |c| {
                Ok(diesel::sql_query("SELECT data FROM oauth_sessions WHERE did = ?")
                    .bind::<Text, _>(did)
                    .get_result::<Data>(c)
                    .optional()?)
            })
            .await
            .map_err(store_error)?;
        row.map(|r| serde_json::from_str(&r.data)).transpose().map_err(store_error)
    }

    async fn set(&self, key: Did, value: Session) -> Result<(), StoreError> {
        let data = serde_json::to_string(&value).map_err(store_error)?;
        self.0
            .write(move |c| {
                diesel::sql_query(
                    "INSERT OR REPLACE INTO oauth_sessions (did, data, updated_at) VALUES (?, ?, ?)",
                )
                .bind::<Text, _>(key.as_str())
                .bind::<Text, _>(data)
                .bind::<BigInt, _>(now())
                .execute(c)?;
                Ok(())
            })
            .await
            .map_err(store_error)
    }

    async fn del(&self, key: &Did) -> Result<(), StoreError> {
        let did = key.as_str().to_owned();
        self.0
            .write(move |c| {
                diesel::sql_query("DELETE FROM oauth_sessions WHERE did = ?")
                    .bind::<Text, _>(did)
                    .execute(c)?;
                Ok(())
            })
            .await
            .map_err(store_error)
    }

    async fn clear(&self) -> Result<(), StoreError> {
        self.0
            .write(|c| {
                diesel::sql_query("DELETE FROM oauth_sessions").execute(c)?;
                Ok(())
            })
            .await
            .map_err(store_error)
    }
}

impl SessionStore for SqliteSessionStore {}

/// The app state (return path) of a sign-in in progress, read without consuming it.
pub(crate) async fn peek_app_state(db: &Db, state: &str) -> Option<String> {
    SqliteStateStore(db.clone()).get(&state.to_owned()).await.ok().flatten().and_then(|s| s.app_state)
}
