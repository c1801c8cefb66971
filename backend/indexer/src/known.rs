//! The writer's in-memory copy of the accounts this server knows
//! ([`exosphere_core::accounts`]): Jetstream sends every account's identity
//! and account events, of the whole network, to every subscriber; only
//! known accounts' are kept. Each DID is held as a 64-bit hash (8 bytes
//! plus the set's overhead, against a DID's 32 and more): a collision can
//! only make the writer keep an unknown account's handle, never drop a
//! known one's.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use diesel::sqlite::SqliteConnection;
use exosphere_core::Error;
use exosphere_core::accounts;

/// Rows read per query while catching up.
const PAGE: i64 = 10_000;

/// Known accounts, kept up to date from the table.
#[derive(Default)]
pub struct KnownAccounts {
    hashes: HashSet<u64, BuildHasherDefault<Identity>>,
    /// Made known in the transaction under way: kept once it commits.
    pending: HashSet<u64, BuildHasherDefault<Identity>>,
    /// The last table `id` read.
    read_up_to: i64,
}

/// The hashes are already uniform: the set uses them as they are.
#[derive(Default)]
struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn hash(did: &str) -> u64 {
    // A fixed-key SipHash: the same in every process and run.
    BuildHasherDefault::<DefaultHasher>::default().hash_one(did)
}

impl KnownAccounts {
    /// Reads the accounts that became known since the last call (by anyone:
    /// this writer, the API's sign-ins, another process).
    pub fn refresh(&mut self, conn: &mut SqliteConnection) -> Result<(), Error> {
        loop {
            let rows = accounts::known_after(conn, self.read_up_to, PAGE)?;
            let full = rows.len() as i64 == PAGE;
            for row in rows {
                self.hashes.insert(hash(&row.did));
                self.read_up_to = row.id;
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// Whether the account is known.
    pub fn contains(&self, did: &str) -> bool {
        let h = hash(did);
        self.hashes.contains(&h) || self.pending.contains(&h)
    }

    /// Makes an account known, in the table inside the caller's transaction;
    /// here once [`KnownAccounts::committed`] says that transaction committed.
    pub fn know(&mut self, conn: &mut SqliteConnection, did: &str) -> Result<(), Error> {
        let h = hash(did);
        if !self.hashes.contains(&h) && !self.pending.contains(&h) {
            accounts::know(conn, did)?;
            self.pending.insert(h);
        }
        Ok(())
    }

    /// The transaction committed: what it made known is known.
    pub fn committed(&mut self) {
        self.hashes.extend(self.pending.drain());
    }

    /// The transaction rolled back: what it made known is not.
    pub fn rolled_back(&mut self) {
        self.pending.clear();
    }

    /// How many accounts are known.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}
