//! The write gate: writers in this process take turns at it (see the
//! module docs of [`crate::db`]). It also counts who waits, so a long
//! writer, the indexer's batch, can give way as soon as someone does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};

/// One writer at a time, and how many wait for their turn.
#[derive(Default)]
pub struct Gate {
    turn: Mutex<()>,
    waiting: AtomicUsize,
}

impl Gate {
    /// Waits for the turn (blocking), counted among the waiting meanwhile.
    pub fn enter(&self) -> MutexGuard<'_, ()> {
        match self.turn.try_lock() {
            Ok(turn) => return turn,
            // A writer that panicked left no transaction open (it rolls back on drop): go on.
            Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {}
        }
        self.waiting.fetch_add(1, Ordering::AcqRel);
        let turn = self.turn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        turn
    }

    /// Whether anyone waits for the turn now.
    pub fn others_waiting(&self) -> bool {
        self.waiting.load(Ordering::Acquire) > 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn the_holder_sees_a_writer_waiting_and_no_one_once_it_entered() -> Result<(), String> {
        let gate = Arc::new(Gate::default());
        let held = gate.enter();
        assert!(!gate.others_waiting(), "the holder alone");
        let other = Arc::clone(&gate);
        let waiter = std::thread::spawn(move || drop(other.enter()));
        // Wait for the condition itself: the other thread queued at the gate.
        let since = std::time::Instant::now();
        while !gate.others_waiting() {
            assert!(since.elapsed().as_secs() < 10, "the waiting writer is never counted");
            std::thread::yield_now();
        }
        drop(held);
        waiter.join().map_err(|_| "the waiter never got its turn")?;
        assert!(!gate.others_waiting(), "nobody waits once it had its turn");
        Ok(())
    }
}
