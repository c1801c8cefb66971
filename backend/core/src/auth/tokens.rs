//! Personal access tokens: a signed-in person's scripts and AI agents (MCP)
//! act as them with `Authorization: Bearer exo_…`. A token is read-only
//! (queries) or read-write, may expire, and is shown once: the server keeps
//! only its SHA-256. Revoking deletes it. Tokens are managed from a browser
//! session only, so a leaked token cannot mint others.

use base64::Engine;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};
use rand::RngCore;

use super::{Viewer, hash_sid};
use crate::Db;
use crate::db::sql::sql;
use crate::lexicon::site::exosphere::auth::defs::TokenView;
use crate::xrpc::{Error, ErrorKind};

/// What every token starts with: how a Bearer token is told from a service JWT.
pub const PREFIX: &str = "exo_";
/// Tokens one person may hold at once.
const MAX_PER_ACCOUNT: i64 = 50;
/// `lastUsedAt` is kept to this many seconds: a call writes it at most once a minute.
const LAST_USE_STEP: i64 = 60;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    did: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    access: String,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    expires_at: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    last_used_at: Option<i64>,
}

const COLUMNS: &str = "id, did, name, access, created_at, expires_at, last_used_at";

fn datetime(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Row {
    fn view(self) -> TokenView {
        TokenView {
            id: self.id,
            name: self.name,
            access: self.access,
            created_at: datetime(self.created_at),
            expires_at: self.expires_at.map(datetime),
            last_used_at: self.last_used_at.map(datetime),
        }
    }
}

/// Who a valid token acts for, and whether it may call procedures.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub viewer: Viewer,
    pub write: bool,
}

fn refused(name: &'static str, message: &str) -> Error {
    Error::named(ErrorKind::AuthRequired, name, message)
}

/// Creates a token for `did`: its secret (shown once) and its view.
pub async fn create(
    db: &Db,
    did: &str,
    name: &str,
    access: &str,
    expires_in_days: Option<i64>,
) -> Result<(String, TokenView), Error> {
    if !matches!(access, "read" | "write") {
        return Err(Error::invalid_request("access: must be read or write"));
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let now = chrono::Utc::now().timestamp();
    let (hash, did, name, access) =
        (hash_sid(&secret), did.to_owned(), name.trim().to_owned(), access.to_owned());
    let expires_at = expires_in_days.map(|days| now + days * 86_400);
    let id = crate::ids::tid();
    let row = db
        .write(move |c| {
            #[derive(QueryableByName)]
            struct Count {
                #[diesel(sql_type = BigInt)]
                n: i64,
            }
            let held = sql("SELECT count(*) AS n FROM access_tokens WHERE did = ?")
                .bind::<Text, _>(&did)
                .get_result::<Count>(c)?
                .n;
            if held >= MAX_PER_ACCOUNT {
                return Err(Error::named(
                    ErrorKind::Conflict,
                    "TooManyTokens",
                    format!("you have {held} tokens, the most allowed: revoke one first"),
                ));
            }
            sql("INSERT INTO access_tokens (id, did, name, access, token_hash, created_at, expires_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind::<Text, _>(&id)
            .bind::<Text, _>(&did)
            .bind::<Text, _>(&name)
            .bind::<Text, _>(&access)
            .bind::<Text, _>(&hash)
            .bind::<BigInt, _>(now)
            .bind::<Nullable<BigInt>, _>(expires_at)
            .execute(c)?;
            Ok(sql(format!("SELECT {COLUMNS} FROM access_tokens WHERE id = ?"))
                .bind::<Text, _>(&id)
                .get_result::<Row>(c)?)
        })
        .await?;
    tracing::info!(did = %row.did, id = %row.id, access = %row.access, "personal access token created");
    Ok((secret, row.view()))
}

/// A person's tokens, newest first.
pub async fn list(db: &Db, did: &str) -> Result<Vec<TokenView>, Error> {
    let did = did.to_owned();
    let rows = db
        .read(move |c| {
            Ok(sql(format!(
                "SELECT {COLUMNS} FROM access_tokens WHERE did = ? ORDER BY created_at DESC, id DESC"
            ))
            .bind::<Text, _>(did)
            .load::<Row>(c)?)
        })
        .await?;
    Ok(rows.into_iter().map(Row::view).collect())
}

/// Revokes one of a person's tokens.
pub async fn revoke(db: &Db, did: &str, id: &str) -> Result<(), Error> {
    let (did, id) = (did.to_owned(), id.to_owned());
    let removed = db
        .write(move |c| {
            Ok(sql("DELETE FROM access_tokens WHERE did = ? AND id = ?")
                .bind::<Text, _>(&did)
                .bind::<Text, _>(&id)
                .execute(c)?)
        })
        .await?;
    if removed == 0 {
        return Err(Error::named(ErrorKind::NotFound, "TokenNotFound", "you have no token with this id"));
    }
    Ok(())
}

/// The holder of a token, or 401 (`InvalidToken`: unknown or revoked;
/// `ExpiredToken`). Notes its use, to the minute.
pub async fn authenticate(db: &Db, secret: &str) -> Result<TokenHolder, Error> {
    let hash = hash_sid(secret);
    let found = db
        .read(move |c| {
            let row = sql(format!("SELECT {COLUMNS} FROM access_tokens WHERE token_hash = ?"))
                .bind::<Text, _>(hash)
                .get_result::<Row>(c)
                .optional()?;
            let Some(row) = row else { return Ok(None) };
            let handle = crate::sphere::store::handle_of(c, &row.did)?;
            Ok(Some((row, handle)))
        })
        .await?;
    let Some((row, handle)) = found else {
        return Err(refused("InvalidToken", "this access token is unknown or was revoked"));
    };
    let now = chrono::Utc::now().timestamp();
    if row.expires_at.is_some_and(|at| at <= now) {
        return Err(refused("ExpiredToken", "this access token has expired: create a new one"));
    }
    if row.last_used_at.is_none_or(|at| at + LAST_USE_STEP <= now) {
        let id = row.id.clone();
        let noted = db
            .write(move |c| {
                sql("UPDATE access_tokens SET last_used_at = ? WHERE id = ?")
                    .bind::<BigInt, _>(now)
                    .bind::<Text, _>(id)
                    .execute(c)?;
                Ok(())
            })
            .await;
        if let Err(e) = noted {
            tracing::warn!(error = %e, "could not note an access token's use");
        }
    }
    Ok(TokenHolder { viewer: Viewer { did: row.did, handle }, write: row.access == "write" })
}
