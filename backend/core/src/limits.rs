//! Limits on abuse: how often one client may start a sign-in (each makes this
//! server resolve an identity and call a PDS), write, or search.
//!
//! A token bucket per (kind, client): a minute's worth of requests may come
//! at once, then they refill evenly. Sign-ins and searches are counted per IP
//! address (the connection's peer: behind a reverse proxy, the proxy's),
//! writes per signed-in account (per IP without one). Past the limit the
//! answer is `429 RateLimitExceeded` with `Retry-After`. The rates are
//! settings (`EXOSPHERE_RATE_SIGNINS`, `EXOSPHERE_RATE_WRITES`,
//! `EXOSPHERE_RATE_SEARCHES`, per minute; 0 turns a limit off).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::xrpc::Error;

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `/oauth/login`, per IP.
    SignIn,
    /// XRPC procedures, per signed-in account (per IP without one).
    Write,
    /// Full-text searches (`q`), per IP.
    Search,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in attempts",
            Self::Write => "writes",
            Self::Search => "searches",
        }
    }
}

/// Per-minute rates (0: no limit).
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub sign_ins: u32,
    pub writes: u32,
    pub searches: u32,
}

impl Rates {
    fn of(&self, kind: Kind) -> u32 {
        match kind {
            Kind::SignIn => self.sign_ins,
            Kind::Write => self.writes,
            Kind::Search => self.searches,
        }
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets past this many are pruned of full ones (clients that went quiet).
const PRUNE_AT: usize = 100_000;

/// The limiter of one server.
pub struct Limiter {
    rates: Rates,
    buckets: Mutex<HashMap<(Kind, String), Bucket>>,
}

impl Limiter {
    pub fn new(rates: Rates) -> Self {
        Self { rates, buckets: Mutex::default() }
    }

    /// Takes one request of `kind` for `client`, or says when to try again.
    pub fn take(&self, kind: Kind, client: &str) -> Result<(), Error> {
        self.take_at(kind, client, Instant::now())
    }

    fn take_at(&self, kind: Kind, client: &str, now: Instant) -> Result<(), Error> {
        let rate = self.rates.of(kind);
        if rate == 0 {
            return Ok(());
        }
        let capacity = f64::from(rate);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|(k, _), b| {
                let rate = f64::from(self.rates.of(*k)) / 60.0;
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate
                    < f64::from(self.rates.of(*k))
            });
        }
        let bucket = buckets.entry((kind, client.to_owned())).or_insert(Bucket { tokens: capacity, at: now });
        bucket.tokens = (bucket.tokens + now.saturating_duration_since(bucket.at).as_secs_f64() * per_second)
            .min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = Duration::from_secs_f64((1.0 - bucket.tokens) / per_second);
        tracing::info!(kind = kind.what(), client, "rate limited");
        Err(Error::rate_limited(
            format!("too many {} from you: at most {rate} a minute; try again in a moment", kind.what()),
            wait.as_secs_f64().ceil() as u64,
        ))
    }
}

/// The client address of a request, as the rate limits count it.
pub fn peer(req: &actix_web::HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minutes_worth_passes_then_the_bucket_refills_evenly() {
        let limiter = Limiter::new(Rates { sign_ins: 3, writes: 0, searches: 60 });
        let t = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take_at(Kind::SignIn, "1.2.3.4", t).is_ok());
        }
        let refused = limiter.take_at(Kind::SignIn, "1.2.3.4", t).err();
        let refused = refused.unwrap_or_else(|| panic!("the fourth sign-in in a minute passed"));
        assert_eq!(refused.kind(), crate::xrpc::ErrorKind::RateLimited);
        assert_eq!(refused.name(), "RateLimitExceeded");
        assert!(refused.message().contains("at most 3 a minute"), "{}", refused.message());
        // Another client, and another kind, have their own buckets; 0 is no limit.
        assert!(limiter.take_at(Kind::SignIn, "5.6.7.8", t).is_ok());
        assert!(limiter.take_at(Kind::Search, "1.2.3.4", t).is_ok());
        for _ in 0..1000 {
            assert!(limiter.take_at(Kind::Write, "did:plc:x", t).is_ok());
        }
        // One sign-in's worth comes back every 20 s.
        assert!(limiter.take_at(Kind::SignIn, "1.2.3.4", t + Duration::from_secs(19)).is_err());
        assert!(limiter.take_at(Kind::SignIn, "1.2.3.4", t + Duration::from_secs(21)).is_ok());
        assert!(limiter.take_at(Kind::SignIn, "1.2.3.4", t + Duration::from_secs(22)).is_err());
    }
}
