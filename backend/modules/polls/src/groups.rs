//! The grouped orders of large ranked polls, kept in memory between write
//! transactions, so that counting one from scratch (when a ballot changes an
//! elimination) doesn't read all its orders from SQLite again.
//!
//! `poll_rankings` stays the truth. Each settle of a ranked poll gives its
//! kept runoff a new random token; the orders kept here are used only under
//! the token the database holds, so a transaction that rolled back, another
//! process writing the same database, or a database the process doesn't
//! know all leave them unused (and they are read again).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};

/// Polls with fewer distinct orders are read from SQLite each time: cheap enough.
const MIN_ORDERS: usize = 1_000;
/// At most this many polls' orders are kept.
const MOST_POLLS: usize = 8;

struct Kept {
    token: u64,
    orders: HashMap<Vec<u8>, u64>,
}

static KEPT: LazyLock<Mutex<HashMap<i64, Kept>>> = LazyLock::new(Default::default);

/// A token no other settle has used (random, so other processes don't reuse it either).
pub fn token() -> u64 {
    static SERIAL: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(SERIAL.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

fn kept() -> std::sync::MutexGuard<'static, HashMap<i64, Kept>> {
    KEPT.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The poll's table went from `before` to `after` by `changes` (orders
/// counted, 1, or no longer, -1); `None` when it changed otherwise (counted
/// again from scratch). The kept orders follow when they were `before`'s.
pub fn advance(poll: i64, before: Option<u64>, after: u64, changes: Option<&[(Vec<u32>, i64)]>) {
    let mut all = kept();
    let Some(kept) = all.get_mut(&poll) else { return };
    let follows = kept.token != 0 && Some(kept.token) == before;
    let applied = follows
        && changes.is_some_and(|changes| {
            changes.iter().all(|(order, delta)| {
                let key: Vec<u8> = order.iter().filter_map(|&c| u8::try_from(c).ok()).collect();
                let weight = kept.orders.get(&key).copied().unwrap_or(0);
                match weight.checked_add_signed(*delta) {
                    Some(0) => kept.orders.remove(&key).is_some(),
                    Some(w) => {
                        kept.orders.insert(key, w);
                        true
                    }
                    None => false,
                }
            })
        });
    if applied {
        kept.token = after;
    } else {
        all.remove(&poll);
    }
}

/// `count` over the poll's grouped orders as of `token`: the kept ones when
/// they are that token's, else those `load` reads (kept for next time when
/// there are many).
pub fn with_orders<T>(
    poll: i64,
    token: u64,
    load: impl FnOnce() -> Result<Vec<(Vec<u8>, u64)>, exosphere_core::Error>,
    count: impl FnOnce(&[(&[u8], u64)]) -> T,
) -> Result<T, exosphere_core::Error> {
    let mut all = kept();
    if let Some(kept) = all.get(&poll).filter(|k| k.token == token) {
        let orders: Vec<(&[u8], u64)> = kept.orders.iter().map(|(o, w)| (o.as_slice(), *w)).collect();
        return Ok(count(&orders));
    }
    let loaded = load()?;
    let orders: Vec<(&[u8], u64)> = loaded.iter().map(|(o, w)| (o.as_slice(), *w)).collect();
    let counted = count(&orders);
    if loaded.len() >= MIN_ORDERS {
        if all.len() >= MOST_POLLS && !all.contains_key(&poll) {
            // Forget another poll's: rarely more than a few big ranked polls take ballots at once.
            if let Some(&other) = all.keys().next() {
                all.remove(&other);
            }
        }
        all.insert(poll, Kept { token, orders: loaded.into_iter().collect() });
    }
    Ok(counted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders(n: u8) -> Vec<(Vec<u8>, u64)> {
        (0..n).flat_map(|a| (0..n).map(move |b| (vec![a, b], 1))).collect()
    }

    #[test]
    fn kept_orders_are_used_only_under_their_token() {
        let (poll, first, second) = (-7_001, token(), token());
        let loads = std::cell::Cell::new(0);
        let load = || {
            loads.set(loads.get() + 1);
            Ok(orders(40))
        };
        let total = |o: &[(&[u8], u64)]| o.iter().map(|(_, w)| w).sum::<u64>();
        assert_eq!(with_orders(poll, first, load, total).ok(), Some(1600));
        assert_eq!(with_orders(poll, first, load, total).ok(), Some(1600));
        assert_eq!(loads.get(), 1, "the second count used the kept orders");
        // Asked under a token they are not: read again (and kept under it).
        let other = token();
        assert_eq!(with_orders(poll, other, load, total).ok(), Some(1600));
        assert_eq!(loads.get(), 2, "orders of another token are not used");
        advance(poll, Some(other), first, Some(&[]));
        // One more ballot for [0, 1], under a new token: followed without a read.
        advance(poll, Some(first), second, Some(&[(vec![0, 1], 1)]));
        assert_eq!(with_orders(poll, second, load, total).ok(), Some(1601));
        assert_eq!(loads.get(), 2);
        // The database holds another token (a rolled-back settle, another process): read again.
        let third = token();
        advance(poll, Some(first), third, Some(&[(vec![0, 1], 1)]));
        assert_eq!(with_orders(poll, third, load, total).ok(), Some(1600));
        assert_eq!(loads.get(), 3);
        // A count from scratch drops them.
        advance(poll, Some(third), token(), None);
        assert!(!kept().contains_key(&poll));
    }
}
