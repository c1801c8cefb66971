//! Outgoing webhooks: a Sphere's owner asks for events (a module's, like the
//! board's `request.created`) to be POSTed to a URL, signed with a secret.
//!
//! - **Outbox.** [`emit`] is called by indexing functions inside the
//!   transaction of the change it announces, for live changes only (the API,
//!   Jetstream; never a rebuild): a delivery row per webhook that wants the
//!   event, committed with the change or not at all.
//! - **Sender.** [`spawn_sender`] works through due deliveries: POST, and on
//!   anything but a 2xx, again after a back-off (×4 each time, from
//!   `EXOSPHERE_WEBHOOK_RETRY_MS`), up to [`MAX_ATTEMPTS`]; then the delivery
//!   is `failed`. Each attempt is logged on the row.
//! - **Signature.** `Exosphere-Signature: t=<unix seconds>,v1=<hex
//!   HMAC-SHA256(secret, "<t>.<body>")>`: receivers recompute it and refuse
//!   old timestamps, which stops replays.
//! - **Where to.** Requests go through [`crate::outbound`]: a URL that is,
//!   or resolves to, loopback or a private range is refused unless the
//!   operator allows it (`EXOSPHERE_ALLOW_PRIVATE_NETWORKS`), when the
//!   webhook is created and again at every connection.

pub mod api;

use std::sync::LazyLock;
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::Notify;

use crate::db::sql::sql;
use crate::{AppContext, Error};

/// Attempts before a delivery is given up (the last about 3 hours after the first at the default back-off).
pub const MAX_ATTEMPTS: i64 = 6;
/// Longest a receiver may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often the sender looks for due deliveries when nothing woke it.
const POLL: Duration = Duration::from_secs(1);
/// The event `testWebhook` sends.
pub const TEST_EVENT: &str = "webhook.test";

/// Wakes the sender when a delivery is queued in this process.
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Queues `event` for the webhooks of the Sphere that want it, with the
/// `data` its closure reads (only when some webhook wants it). Call it from
/// an indexing function, in its transaction, for live changes only (see
/// [`live`]).
pub fn emit(
    conn: &mut SqliteConnection,
    sphere_id: i64,
    event: &str,
    data: impl FnOnce(&mut SqliteConnection) -> Result<Value, Error>,
) -> Result<(), Error> {
    #[derive(QueryableByName)]
    struct Hook {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let hooks: Vec<Hook> = sql("SELECT id FROM webhooks WHERE sphere_id = ?
         AND EXISTS (SELECT 1 FROM json_each(webhooks.events) WHERE value = ?)")
    .bind::<BigInt, _>(sphere_id)
    .bind::<Text, _>(event)
    .load(conn)?;
    if hooks.is_empty() {
        return Ok(());
    }
    #[derive(QueryableByName)]
    struct Sphere {
        #[diesel(sql_type = Text)]
        uri: String,
    }
    let sphere = sql("SELECT uri FROM spheres WHERE id = ?")
        .bind::<BigInt, _>(sphere_id)
        .get_result::<Sphere>(conn)?
        .uri;
    let data = data(conn)?;
    for hook in hooks {
        queue(conn, hook.id, event, &sphere, &data)?;
    }
    WAKE.notify_one();
    Ok(())
}

/// Whether a record event is a live change, which webhooks announce (a
/// rebuild re-reads what was announced already).
pub fn live(event: &crate::RecordEvent<'_>) -> bool {
    !matches!(event.source, crate::module::Source::Rebuild)
}

/// One delivery row; its id is the `Exosphere-Delivery` header.
fn queue(
    conn: &mut SqliteConnection,
    hook: i64,
    event: &str,
    sphere: &str,
    data: &Value,
) -> Result<i64, Error> {
    let created_at = crate::write::now();
    let body = json!({ "event": event, "sphere": sphere, "createdAt": created_at, "data": data }).to_string();
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    Ok(sql("INSERT INTO webhook_deliveries (webhook_id, event, body, created_at, next_attempt_ms) VALUES (?, ?, ?, ?, ?)
         RETURNING id")
    .bind::<BigInt, _>(hook)
    .bind::<Text, _>(event)
    .bind::<Text, _>(body)
    .bind::<Text, _>(created_at)
    .bind::<BigInt, _>(now_ms())
    .get_result::<Id>(conn)?
    .id)
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={}", crate::ids::hex(&mac.finalize().into_bytes()))
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    event: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = BigInt)]
    attempts: i64,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    secret: String,
}

/// Starts the sender: it runs as long as the process.
pub fn spawn_sender(ctx: AppContext) {
    tokio::spawn(async move {
        loop {
            let due = ctx
                .db
                .read(|c| {
                    Ok(sql("SELECT d.id, d.event, d.body, d.attempts, w.url, w.secret
                            FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                            WHERE d.state = 'pending' AND d.next_attempt_ms <= ? ORDER BY d.next_attempt_ms LIMIT 16")
                    .bind::<BigInt, _>(now_ms())
                    .load::<Due>(c)?)
                })
                .await;
            match due {
                Ok(due) if !due.is_empty() => {
                    // At once: a slow receiver holds up only its own deliveries.
                    let mut sending = tokio::task::JoinSet::new();
                    for d in due {
                        let ctx = ctx.clone();
                        sending.spawn(async move { deliver(&ctx, d).await });
                    }
                    while sending.join_next().await.is_some() {}
                }
                Ok(_) => {
                    tokio::select! {
                        _ = WAKE.notified() => {}
                        _ = tokio::time::sleep(POLL) => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "webhooks: could not read the deliveries due");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    });
}

/// One attempt, and what it did to the delivery's row.
async fn deliver(ctx: &AppContext, due: Due) {
    let timestamp = chrono::Utc::now().timestamp();
    let outcome = post(ctx, &due, timestamp).await;
    let attempts = due.attempts + 1;
    let (state, next, status, error) = match outcome {
        Ok(status) if (200..300).contains(&status) => ("delivered", None, Some(i64::from(status)), None),
        failed => {
            let (status, error) = match failed {
                Ok(status) => (Some(i64::from(status)), format!("the receiver answered {status}")),
                Err(e) => (None, e),
            };
            let backoff = ctx.config.webhook_retry_ms as i64 * 4_i64.pow((attempts - 1).clamp(0, 10) as u32);
            if attempts >= MAX_ATTEMPTS {
                ("failed", None, status, Some(error))
            } else {
                ("pending", Some(now_ms() + backoff), status, Some(error))
            }
        }
    };
    if let Some(error) = &error {
        tracing::info!(
            delivery = due.id,
            event = due.event,
            attempts,
            state,
            error,
            "webhook delivery not accepted"
        );
    }
    let id = due.id;
    let saved = ctx
        .db
        .write(move |c| {
            sql(
                "UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt_ms = ?, last_status = ?,
                   last_error = ?, last_attempt_at = ? WHERE id = ?",
            )
            .bind::<Text, _>(state)
            .bind::<BigInt, _>(attempts)
            .bind::<Nullable<BigInt>, _>(next)
            .bind::<Nullable<BigInt>, _>(status)
            .bind::<Nullable<Text>, _>(error.map(|e| e.chars().take(500).collect::<String>()))
            .bind::<Text, _>(crate::write::now())
            .bind::<BigInt, _>(id)
            .execute(c)?;
            Ok(())
        })
        .await;
    if let Err(e) = saved {
        tracing::warn!(delivery = id, error = %e, "webhooks: could not record a delivery attempt");
    }
}

/// POSTs a delivery; the receiver's status, or why there is none.
async fn post(ctx: &AppContext, due: &Due, timestamp: i64) -> Result<u16, String> {
    let url = reqwest::Url::parse(&due.url).map_err(|e| format!("not a URL: {e}"))?;
    let mut request = reqwest::Request::new(reqwest::Method::POST, url);
    *request.timeout_mut() = Some(TIMEOUT);
    let headers = request.headers_mut();
    let pairs = [
        ("content-type", "application/json".to_owned()),
        ("exosphere-event", due.event.clone()),
        ("exosphere-delivery", due.id.to_string()),
        ("exosphere-signature", signature(&due.secret, timestamp, &due.body)),
    ];
    for (name, value) in pairs {
        if let Ok(value) = reqwest::header::HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    *request.body_mut() = Some(due.body.clone().into());
    match ctx.http.execute(request).await {
        Ok(response) => Ok(response.status().as_u16()),
        Err(e) => Err(e.to_string()),
    }
}

/// A delivery of [`TEST_EVENT`] to one webhook, sent at once.
pub fn queue_test(conn: &mut SqliteConnection, hook: i64, sphere: &str) -> Result<i64, Error> {
    let id = queue(conn, hook, TEST_EVENT, sphere, &json!({ "message": "A test delivery from Exosphere." }))?;
    WAKE.notify_one();
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamp_and_body() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        let sig = signature("Jefe", 0, "");
        assert!(sig.starts_with("t=0,v1="));
        let body = "what do ya want for nothing?";
        // The signed text is "<t>.<body>": with t written as such.
        let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(b"Jefe")
            .unwrap_or_else(|_| unreachable!());
        hmac::Mac::update(&mut mac, format!("42.{body}").as_bytes());
        let hex: String = hmac::Mac::finalize(mac).into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(signature("Jefe", 42, body), format!("t=42,v1={hex}"));
        // And the HMAC itself is the standard one.
        let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(b"Jefe")
            .unwrap_or_else(|_| unreachable!());
        hmac::Mac::update(&mut mac, body.as_bytes());
        let hex: String = hmac::Mac::finalize(mac).into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
