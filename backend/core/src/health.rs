//! How this process's indexer is doing, for `/xrpc/_ready` and `/metrics`:
//! the indexer reports here, the server reads it. (Its progress, the cursor
//! and counters, is in the database: right whichever process indexes.)

use std::sync::Mutex;

/// What the indexer of this process is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexerState {
    /// No indexer runs in this process (`DISABLE_INDEXER`, or another process indexes).
    Off,
    /// Reading and writing.
    Running,
    /// It failed, and starts again after a back-off.
    Restarting,
    /// Stopped on request (shutting down).
    Stopped,
}

impl IndexerState {
    /// Every state, for metrics.
    pub const ALL: [Self; 4] = [Self::Off, Self::Running, Self::Restarting, Self::Stopped];

    /// The state's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Running => "running",
            Self::Restarting => "restarting",
            Self::Stopped => "stopped",
        }
    }
}

/// The indexer's state, how often it restarted, and its last error.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexerHealth {
    pub state: IndexerState,
    pub restarts: u64,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

/// Where the indexer reports its health.
#[derive(Debug)]
pub struct IndexerWatch(Mutex<IndexerHealth>);

impl Default for IndexerWatch {
    fn default() -> Self {
        Self(Mutex::new(IndexerHealth {
            state: IndexerState::Off,
            restarts: 0,
            last_error: None,
            last_error_at: None,
        }))
    }
}

impl IndexerWatch {
    /// The health now.
    pub fn get(&self) -> IndexerHealth {
        match self.0.lock() {
            Ok(h) => h.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn update(&self, change: impl FnOnce(&mut IndexerHealth)) {
        match self.0.lock() {
            Ok(mut h) => change(&mut h),
            Err(poisoned) => change(&mut poisoned.into_inner()),
        }
    }

    /// It runs.
    pub fn running(&self) {
        self.update(|h| h.state = IndexerState::Running);
    }

    /// It failed with `error` and will start again.
    pub fn failed(&self, error: &str) {
        let at = crate::write::now();
        self.update(|h| {
            h.state = IndexerState::Restarting;
            h.restarts += 1;
            h.last_error = Some(error.to_owned());
            h.last_error_at = Some(at);
        });
    }

    /// It stopped on request.
    pub fn stopped(&self) {
        self.update(|h| h.state = IndexerState::Stopped);
    }
}
