//! The indexer's progress as the API reports it (`GET /xrpc/_indexer`):
//! read from the database, so it is right whether the indexer runs in this
//! process or in another one.

use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::{QueryableByName, RunQueryDsl};
use exosphere_core::Error;
use exosphere_core::db::sql::sql;
use serde::Serialize;

/// Cursor, lag and counters.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Seconds between the last committed event and now.
    pub lag_seconds: Option<f64>,
    #[serde(flatten)]
    pub state: State,
}

/// What the writer saved.
#[derive(Debug, Clone, Serialize, QueryableByName)]
#[serde(rename_all = "camelCase")]
pub struct State {
    #[diesel(sql_type = Nullable<BigInt>)]
    pub cursor_us: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub events: i64,
    #[diesel(sql_type = BigInt)]
    pub indexed: i64,
    #[diesel(sql_type = BigInt)]
    pub unchanged: i64,
    #[diesel(sql_type = BigInt)]
    pub ignored: i64,
    #[diesel(sql_type = BigInt)]
    pub rejected: i64,
    #[diesel(sql_type = BigInt)]
    pub malformed: i64,
    #[diesel(sql_type = BigInt)]
    pub failed: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub updated_at: Option<String>,
}

/// Reads the status.
pub fn read(conn: &mut SqliteConnection) -> Result<Status, Error> {
    let state: State =
        sql("SELECT cursor_us, events, indexed, unchanged, ignored, rejected, malformed, failed, updated_at
         FROM indexer_state WHERE id = 1")
        .get_result(conn)?;
    let lag_seconds =
        state.cursor_us.map(|c| ((chrono::Utc::now().timestamp_micros() - c) as f64 / 1e6).max(0.0));
    Ok(Status { lag_seconds, state })
}

/// The status in Prometheus' text format: counters by outcome and the lag.
pub fn prometheus(status: &Status) -> String {
    use std::fmt::Write;
    let s = &status.state;
    let mut out = String::new();
    out.push_str("# HELP exosphere_indexer_events_total Jetstream events committed by the indexer.\n");
    out.push_str("# TYPE exosphere_indexer_events_total counter\n");
    let _ = writeln!(out, "exosphere_indexer_events_total {}", s.events);
    out.push_str("# HELP exosphere_indexer_outcomes_total Indexed records by outcome (errors: rejected, malformed, failed).\n");
    out.push_str("# TYPE exosphere_indexer_outcomes_total counter\n");
    for (outcome, n) in [
        ("indexed", s.indexed),
        ("unchanged", s.unchanged),
        ("ignored", s.ignored),
        ("rejected", s.rejected),
        ("malformed", s.malformed),
        ("failed", s.failed),
    ] {
        let _ = writeln!(out, "exosphere_indexer_outcomes_total{{outcome=\"{outcome}\"}} {n}");
    }
    out.push_str("# HELP exosphere_indexer_lag_seconds Age of the last committed event.\n");
    out.push_str("# TYPE exosphere_indexer_lag_seconds gauge\n");
    if let Some(lag) = status.lag_seconds {
        let _ = writeln!(out, "exosphere_indexer_lag_seconds {lag}");
    }
    out
}
