//! Sorting and page cursors.
//!
//! **top** orders by votes. **new** by creation time. **trending** by votes
//! weighted by recency: a vote counts `2^(-age / 7 days)` — a week-old vote
//! is worth half a new one — and the request's own creation counts as one
//! vote, so fresh requests start visible. Because every weight decays at the
//! same rate, ranking by `Σ 2^(t_vote / 7 days)` gives the same order at any
//! moment, so the score is kept incrementally (`trend_score`) instead of
//! being recomputed on every read. (Its largest term grows ×2 a week: an f64
//! holds it until about 2044, when the epoch below needs moving.)
//!
//! **Cursors** carry the moment the first page was served. Later pages rank
//! every request by its score *as of that moment* (votes added or removed
//! since are left out, requests created since too), so a list keeps its order
//! while people vote, and paging through it never repeats or skips a request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use exosphere_core::Error;
use serde_json::json;

/// Half-life of a vote's trending weight, in days.
pub const HALF_LIFE_DAYS: f64 = 7.0;
/// 2025-01-01T00:00:00Z: weights are relative to it.
const EPOCH_SECONDS: i64 = 1_735_689_600;

/// The trending weight of something that happened at `created_at` (a
/// Lexicon datetime), never later than now so it can't be gamed by
/// post-dating a record.
pub fn weight(created_at: &str, now: DateTime<Utc>) -> f64 {
    let at = DateTime::parse_from_rfc3339(created_at).map(|d| d.with_timezone(&Utc)).unwrap_or(now).min(now);
    let days = (at.timestamp() - EPOCH_SECONDS) as f64 / 86_400.0;
    (days / HALF_LIFE_DAYS).exp2()
}

/// The server clock in microseconds.
pub fn now_us() -> i64 {
    Utc::now().timestamp_micros()
}

/// How long a cursor stays valid (removed votes are kept this long).
pub const CURSOR_LIFETIME_US: i64 = 24 * 3600 * 1_000_000;

/// The sorts of listRequests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Top,
    New,
    Trending,
}

impl Sort {
    pub fn parse(value: &str) -> Result<Self, Error> {
        match value {
            "top" => Ok(Self::Top),
            "new" => Ok(Self::New),
            "trending" => Ok(Self::Trending),
            other => {
                Err(Error::invalid_request(format!("sort: must be top, new or trending, got {other:?}")))
            }
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Top => "top",
            Self::New => "new",
            Self::Trending => "trending",
        }
    }
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// When the first page was served.
    pub snapshot_us: i64,
    /// The last row's sort key: a score (top, trending) or a datetime (new).
    pub key: CursorKey,
    /// The last row's id (ties).
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CursorKey {
    Score(f64),
    Time(String),
}

impl Cursor {
    pub fn encode(&self, sort: Sort) -> String {
        let key = match &self.key {
            // As text: Rust prints the shortest string that parses back to
            // the same f64, which a JSON number parser doesn't promise.
            CursorKey::Score(s) => json!(s.to_string()),
            CursorKey::Time(t) => json!(t),
        };
        let value = json!({ "s": sort.name(), "t": self.snapshot_us, "k": key, "i": self.id });
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    pub fn decode(text: &str, sort: Sort) -> Result<Self, Error> {
        let bad =
            || Error::invalid_request("cursor: not a cursor of this list (start again from the first page)");
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if value["s"] != sort.name() {
            return Err(bad());
        }
        let snapshot_us = value["t"].as_i64().ok_or_else(bad)?;
        if now_us() - snapshot_us > CURSOR_LIFETIME_US {
            return Err(Error::invalid_request("cursor: expired, start again from the first page"));
        }
        let key = match (sort, &value["k"]) {
            (Sort::New, serde_json::Value::String(t)) => CursorKey::Time(t.clone()),
            (Sort::Top | Sort::Trending, serde_json::Value::String(k)) => {
                CursorKey::Score(k.parse::<f64>().ok().filter(|s| s.is_finite()).ok_or_else(bad)?)
            }
            _ => return Err(bad()),
        };
        Ok(Self { snapshot_us, key, id: value["i"].as_i64().ok_or_else(bad)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_old_vote_weighs_half_and_the_future_counts_as_now() {
        let now = DateTime::parse_from_rfc3339("2026-06-15T00:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        let fresh = weight("2026-06-15T00:00:00Z", now);
        let week_old = weight("2026-06-08T00:00:00Z", now);
        assert!((week_old / fresh - 0.5).abs() < 1e-9);
        assert_eq!(weight("2030-01-01T00:00:00Z", now), fresh);
    }

    #[test]
    fn cursors_round_trip_and_refuse_other_sorts() -> Result<(), Error> {
        let cursor = Cursor { snapshot_us: now_us(), key: CursorKey::Score(12.0), id: 7 };
        assert_eq!(Cursor::decode(&cursor.encode(Sort::Top), Sort::Top)?, cursor);
        assert!(Cursor::decode(&cursor.encode(Sort::Top), Sort::New).is_err());
        assert!(Cursor::decode("garbage", Sort::Top).is_err());
        // Scores with all 17 digits come back bit for bit.
        for score in [4.011_923_456_789_123e29, 0.1 + 0.2, f64::MAX, 1.0 / 3.0] {
            let exact = Cursor { snapshot_us: now_us(), key: CursorKey::Score(score), id: 1 };
            assert_eq!(Cursor::decode(&exact.encode(Sort::Trending), Sort::Trending)?, exact);
        }
        let old =
            Cursor { snapshot_us: now_us() - CURSOR_LIFETIME_US - 1, key: CursorKey::Score(1.0), id: 1 };
        assert!(Cursor::decode(&old.encode(Sort::Top), Sort::Top).is_err());
        Ok(())
    }
}
