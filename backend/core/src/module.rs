//! The module contract: what a module crate gives the server and the indexer.
//!
//! A module (the feature-request board, later polls, discussions, forms) is a
//! crate under `backend/modules/` depending on this crate only. It exports
//! one value implementing [`Module`]; the app lists those values once in a
//! [`Registry`], which both the HTTP server and the indexer use.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::web::ServiceConfig;
use diesel::sqlite::SqliteConnection;

use crate::db::migrations::{self, Migration, MigrationError};
use crate::lexicon::ValidationError;
use crate::{AppContext, Error};

/// What happened to a record in a repo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOp {
    /// A new record.
    Create,
    /// A new version of an existing record.
    Update,
    /// The record is gone.
    Delete,
}

/// Where a record event comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// This server's API wrote it (to a PDS, or to SQLite for private Spheres).
    Api,
    /// The Jetstream consumer saw it.
    Jetstream,
    /// A rebuild re-read it from a PDS.
    Rebuild,
}

/// One record event, from whatever source: the API's write-through, the
/// Jetstream consumer or a rebuild from PDSes.
#[derive(Debug, Clone)]
pub struct RecordEvent<'a> {
    /// Where it comes from.
    pub source: Source,
    /// The repo (author) DID.
    pub did: &'a str,
    /// The record's collection NSID.
    pub collection: &'a str,
    /// The record key.
    pub rkey: &'a str,
    /// Create, update or delete.
    pub op: RecordOp,
    /// The record's CID (absent for deletes).
    pub cid: Option<&'a str>,
    /// The record's JSON, untyped until the module validates it (absent for deletes).
    pub record: Option<&'a serde_json::Value>,
}

impl RecordEvent<'_> {
    /// The record's AT URI.
    pub fn uri(&self) -> String {
        format!("at://{}/{}/{}", self.did, self.collection, self.rkey)
    }

    /// The record's CID (empty for deletes).
    pub fn cid(&self) -> String {
        self.cid.unwrap_or_default().to_owned()
    }

    /// The record, typed and checked against its Lexicon; the outcome to
    /// report (`Rejected`) when it isn't valid.
    pub fn decode<R: crate::lexicon::LexRecord + serde::de::DeserializeOwned>(
        &self,
    ) -> Result<R, IndexOutcome> {
        let Some(value) = self.record else {
            return Err(IndexOutcome::Rejected(ValidationError::new(
                "",
                "a create or update without a record",
            )));
        };
        crate::lexicon::decode_record::<R>(value).map_err(IndexOutcome::Rejected)
    }
}

/// Decodes an event's record inside an indexing function, returning its
/// outcome early when the record is invalid.
#[macro_export]
macro_rules! decode_or_return {
    ($event:expr) => {
        match $event.decode() {
            Ok(record) => record,
            Err(outcome) => return Ok(outcome),
        }
    };
}

/// A piece of content a module holds, as moderation needs to reference it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// Its CID (the PDS record's, or a local one for private Spheres).
    pub cid: String,
    /// The Sphere it belongs to (internal id).
    pub sphere_id: i64,
}

/// What indexing did with a record event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexOutcome {
    /// Rows changed.
    Indexed,
    /// Already indexed with this CID: nothing to do.
    Unchanged,
    /// Not for this server (unknown Sphere, author not allowed to write there).
    Ignored,
    /// The record breaks its Lexicon: nothing was written.
    Rejected(ValidationError),
}

/// A module of Exosphere.
pub trait Module: Send + Sync + 'static {
    /// Short unique name, e.g. `feature-requests`; also the owner of its migrations.
    fn name(&self) -> &'static str;

    /// The module's migrations, in order. They create only the module's own tables.
    fn migrations(&self) -> &'static [Migration] {
        &[]
    }

    /// Record collections (NSIDs) this module indexes.
    fn collections(&self) -> &'static [&'static str] {
        &[]
    }

    /// Mounts the module's XRPC handlers.
    fn configure(&self, cfg: &mut ServiceConfig, ctx: &AppContext);

    /// Indexes one record event of one of [`Module::collections`], inside the
    /// caller's transaction. The same function serves every source of records.
    fn index_record(
        &self,
        conn: &mut SqliteConnection,
        event: &RecordEvent<'_>,
    ) -> Result<IndexOutcome, Error> {
        let _ = (conn, event);
        Ok(IndexOutcome::Ignored)
    }

    /// Work the module defers to the end of each write transaction, whichever
    /// path wrote (API, indexer, rebuild): it runs inside the transaction just
    /// before the commit. The board keeps its search index here, once per
    /// transaction instead of once per row.
    fn before_commit(&self, conn: &mut SqliteConnection) -> Result<(), Error> {
        let _ = conn;
        Ok(())
    }

    /// Accounts that wrote content in a Sphere here: repos a rebuild reads.
    fn known_authors(&self, conn: &mut SqliteConnection, sphere_id: i64) -> Result<Vec<String>, Error> {
        let _ = (conn, sphere_id);
        Ok(Vec::new())
    }

    /// The content a URI names, if this module holds it (for moderation).
    fn find_content(&self, conn: &mut SqliteConnection, uri: &str) -> Result<Option<Content>, Error> {
        let _ = (conn, uri);
        Ok(None)
    }
}

/// Core's own migrations.
pub const CORE_MIGRATIONS: &[Migration] = &[
    Migration { id: "0001_auth", sql: include_str!("../migrations/0001_auth.sql") },
    Migration { id: "0002_spheres", sql: include_str!("../migrations/0002_spheres.sql") },
    Migration { id: "0003_indexer", sql: include_str!("../migrations/0003_indexer.sql") },
];

/// The modules this build serves: the single list the server and the indexer share.
#[derive(Clone)]
pub struct Registry {
    modules: Vec<Arc<dyn Module>>,
    by_collection: BTreeMap<&'static str, usize>,
}

/// Why a set of modules can't be served together.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Two modules share a name.
    #[error("two modules are named {0}")]
    DuplicateName(&'static str),
    /// Two modules claim the same collection.
    #[error("collection {collection} is claimed by both {first} and {second}")]
    DuplicateCollection { collection: &'static str, first: &'static str, second: &'static str },
}

impl Registry {
    /// Checks that names and collections are unique.
    pub fn new(modules: Vec<Arc<dyn Module>>) -> Result<Self, RegistryError> {
        let mut names = BTreeMap::new();
        let mut by_collection = BTreeMap::new();
        for (index, module) in modules.iter().enumerate() {
            if names.insert(module.name(), index).is_some() {
                return Err(RegistryError::DuplicateName(module.name()));
            }
            for collection in module.collections() {
                if let Some(first) = by_collection.insert(*collection, index) {
                    return Err(RegistryError::DuplicateCollection {
                        collection,
                        first: modules[first].name(),
                        second: module.name(),
                    });
                }
            }
        }
        Ok(Self { modules, by_collection })
    }

    /// The modules, in registration order.
    pub fn modules(&self) -> &[Arc<dyn Module>] {
        &self.modules
    }

    /// The module that indexes `collection`, if any.
    pub fn for_collection(&self, collection: &str) -> Option<&Arc<dyn Module>> {
        self.by_collection.get(collection).and_then(|&i| self.modules.get(i))
    }

    /// Indexes one record event with the function of its record type: core's
    /// own collections first, then the module that claims the collection.
    pub fn index(&self, conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
        if let Some(outcome) = crate::sphere::index_core_record(conn, event) {
            return outcome;
        }
        match self.for_collection(event.collection) {
            Some(module) => module.index_record(conn, event),
            None => Ok(IndexOutcome::Ignored),
        }
    }

    /// Every module's end-of-transaction work (see [`Module::before_commit`]).
    pub fn before_commit(&self, conn: &mut SqliteConnection) -> Result<(), Error> {
        for module in &self.modules {
            module.before_commit(conn)?;
        }
        Ok(())
    }

    /// The content a URI names, from whichever module holds it.
    pub fn find_content(&self, conn: &mut SqliteConnection, uri: &str) -> Result<Option<Content>, Error> {
        for module in &self.modules {
            if let Some(content) = module.find_content(conn, uri)? {
                return Ok(Some(content));
            }
        }
        Ok(None)
    }

    /// How many migrations core and the modules have in all: a database
    /// with fewer applied is not ready.
    pub fn migration_count(&self) -> usize {
        CORE_MIGRATIONS.len() + self.modules.iter().map(|m| m.migrations().len()).sum::<usize>()
    }

    /// Applies core's migrations, then each module's.
    pub fn migrate(&self, conn: &mut SqliteConnection) -> Result<usize, MigrationError> {
        let mut applied = migrations::run(conn, "core", CORE_MIGRATIONS)?;
        for module in &self.modules {
            applied += migrations::run(conn, module.name(), module.migrations())?;
        }
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake(&'static str, &'static [&'static str]);

    impl Module for Fake {
        fn name(&self) -> &'static str {
            self.0
        }
        fn collections(&self) -> &'static [&'static str] {
            self.1
        }
        fn configure(&self, _: &mut ServiceConfig, _: &AppContext) {}
    }

    #[test]
    fn names_and_collections_must_be_unique() {
        let ok = Registry::new(vec![Arc::new(Fake("a", &["x.y.a"])), Arc::new(Fake("b", &["x.y.b"]))]);
        assert!(ok.is_ok_and(|r| r.for_collection("x.y.b").is_some_and(|m| m.name() == "b")));
        assert!(matches!(
            Registry::new(vec![Arc::new(Fake("a", &[])), Arc::new(Fake("a", &[]))]),
            Err(RegistryError::DuplicateName("a"))
        ));
        assert!(matches!(
            Registry::new(vec![Arc::new(Fake("a", &["x.y.z"])), Arc::new(Fake("b", &["x.y.z"]))]),
            Err(RegistryError::DuplicateCollection { .. })
        ));
    }
}
