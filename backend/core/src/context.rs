//! What every handler and module gets: configuration and the database.

use std::sync::Arc;

use crate::{Config, Db};

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppContext {
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// The SQLite pool.
    pub db: Db,
}

impl AppContext {
    /// Bundles configuration and database.
    pub fn new(config: Config, db: Db) -> Self {
        Self { config: Arc::new(config), db }
    }
}
