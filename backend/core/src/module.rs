//! The module contract: what a module crate gives the server and the indexer.
//!
//! A module (one tool of a Sphere: a board, a forum, a wiki) is a crate
//! under `backend/modules/` depending on this crate only. It exports
//! one value implementing [`Module`]; the app lists those values once in a
//! [`Registry`], which both the HTTP server and the indexer use.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::web::ServiceConfig;
use diesel::sqlite::SqliteConnection;

use crate::db::migrations::{self, Migration, MigrationError};
use crate::lexicon::ValidationError;
use crate::lexicon::site::exosphere::sphere::defs::ActivityItem;
use crate::sphere::store::{self, SphereRow};
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
    /// A client asked for it (`site.exosphere.sphere.indexRecord`), and this
    /// server read it from its author's PDS: trusted no more than Jetstream.
    Requested,
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
    /// When it reached the network, in microseconds since the epoch, as far
    /// as this server can tell: Jetstream's time for its events, the write's
    /// for the API's; `None` when unknown (a rebuild, a requested record).
    pub seen_us: Option<i64>,
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
    /// The moderation actions that apply to it ([`HIDE`] for most content;
    /// threads also lock and pin).
    pub actions: &'static [&'static str],
}

/// Hiding and restoring: the moderation every piece of content takes.
pub const HIDE: &[&str] = &["hide", "restore"];

/// What indexing did with a record event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexOutcome {
    /// Rows changed.
    Indexed,
    /// Already indexed with this CID: nothing to do.
    Unchanged,
    /// Not for this server (unknown Sphere, module not enabled there, author
    /// not allowed to write there).
    Ignored,
    /// The record breaks its Lexicon: nothing was written.
    Rejected(ValidationError),
}

/// Who may publish records of a collection in a Sphere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Anyone who may read there ([`store::may_read`]): following a request.
    Reader,
    /// Anyone who may write there ([`store::may_write`]): requests, votes, replies.
    Writer,
    /// The Sphere's owner and admins: statuses, locks, pins.
    Moderator,
}

/// Checks a record's JSON against its Lexicon.
pub type Validator = fn(&serde_json::Value) -> Result<(), ValidationError>;

/// Decodes `value` as `R` and checks `R`'s Lexicon constraints: what every
/// indexing function does first, done where there is no database.
pub fn validate_as<R: crate::lexicon::LexRecord + serde::de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<(), ValidationError> {
    crate::lexicon::decode_record::<R>(value).map(|_| ())
}

/// A record collection a module indexes, who may publish it, and its Lexicon check.
#[derive(Debug, Clone, Copy)]
pub struct Collection {
    /// The collection's NSID.
    pub nsid: &'static str,
    /// Who may publish it.
    pub role: Role,
    /// Checks a record against the collection's Lexicon. The indexer runs it
    /// on the socket reader's side, so an invalid record never reaches a
    /// write transaction.
    pub validate: Validator,
}

impl Collection {
    /// A collection of record type `R` anyone who may read the Sphere may publish.
    pub const fn reader<R: crate::lexicon::LexRecord + serde::de::DeserializeOwned>() -> Self {
        Self { nsid: R::NSID, role: Role::Reader, validate: validate_as::<R> }
    }

    /// A collection of record type `R` any writer of the Sphere may publish.
    pub const fn writer<R: crate::lexicon::LexRecord + serde::de::DeserializeOwned>() -> Self {
        Self { nsid: R::NSID, role: Role::Writer, validate: validate_as::<R> }
    }

    /// A collection of record type `R` only the Sphere's owner and admins may publish.
    pub const fn moderator<R: crate::lexicon::LexRecord + serde::de::DeserializeOwned>() -> Self {
        Self { nsid: R::NSID, role: Role::Moderator, validate: validate_as::<R> }
    }
}

/// A record that passed core's gate: it names a Sphere known here, that
/// Sphere enables the module, and the author has the collection's role
/// there. Modules only ever index records in this form (deletes aside, see
/// [`Module::delete_record`]).
#[derive(Debug, Clone, Copy)]
pub struct Gated<'a> {
    /// The event.
    pub event: &'a RecordEvent<'a>,
    /// The Sphere its record names.
    pub sphere: &'a SphereRow,
}

/// The Spheres the gate has read in one write transaction, by AT URI
/// (unknown ones too). Only core's records change a Sphere's row, standing
/// or members, so the gate forgets them all whenever it indexes one; a new
/// transaction takes a new memo, so what other transactions committed is
/// read afresh.
#[derive(Default)]
pub struct SphereMemo {
    spheres: std::collections::HashMap<String, Option<SphereRow>>,
}

impl SphereMemo {
    /// The Sphere at `uri`, read once.
    fn get(&mut self, conn: &mut SqliteConnection, uri: &str) -> Result<Option<&SphereRow>, Error> {
        if !self.spheres.contains_key(uri) {
            let row = store::sphere_by_uri(conn, uri)?;
            self.spheres.insert(uri.to_owned(), row);
        }
        Ok(self.spheres.get(uri).and_then(Option::as_ref))
    }

    /// Forgets every Sphere read.
    pub fn clear(&mut self) {
        self.spheres.clear();
    }
}

/// A page of a Sphere's activity, as asked of each module.
#[derive(Debug, Clone)]
pub struct ActivityQuery {
    /// The Sphere (internal id).
    pub sphere_id: i64,
    /// Its slug, for the items' web paths.
    pub slug: String,
    /// Only items strictly older than this `(createdAt, uri)`.
    pub before: Option<(String, String)>,
    /// At most this many items.
    pub limit: i64,
}

impl ActivityQuery {
    /// A module's page of items, ready to load. `template` is its SQL with
    /// `{cursor}` where the page's condition on `(created_at, uri)` goes;
    /// before it, `sphere_params` `?` each take the Sphere's id, and a last
    /// `?` after it takes the page size.
    pub fn sql(&self, template: &str, sphere_params: usize) -> crate::db::sql::DynSql {
        let mut sql = crate::db::sql::DynSql::default();
        let (head, tail) = template.split_once("{cursor}").unwrap_or((template, ""));
        sql.push(head);
        for _ in 0..sphere_params {
            sql.int(self.sphere_id);
        }
        match &self.before {
            Some((created_at, uri)) => {
                sql.push("(created_at, uri) < (?, ?)").text(created_at.clone()).text(uri.clone())
            }
            None => sql.push("1"),
        };
        sql.push(tail).int(self.limit);
        sql
    }
}

/// A module of Exosphere.
///
/// A module is a crate under `backend/modules/` depending on this crate
/// only. Everything the server, the indexer and rebuilds need to know of it
/// is here, declared once; `README.md` ("Writing a module") walks through it.
pub trait Module: Send + Sync + 'static {
    /// Short unique name, e.g. `notes`: the value in a Sphere's
    /// `modules`, the owner of its migrations, the web folder's name.
    fn name(&self) -> &'static str;

    /// What people call it, e.g. "Feature requests".
    fn label(&self) -> &'static str;

    /// The module's migrations, in order. They create only the module's own tables.
    fn migrations(&self) -> &'static [Migration] {
        &[]
    }

    /// Record collections this module indexes, in rebuild order (a record's
    /// subject before the record), with who may publish each.
    fn collections(&self) -> &'static [Collection] {
        &[]
    }

    /// Mounts the module's XRPC handlers (its generated `configure`).
    fn configure(&self, cfg: &mut ServiceConfig, ctx: &AppContext);

    /// Indexes a create or update of one of [`Module::collections`], inside
    /// the caller's transaction, after core's gate (see [`Gated`]). The same
    /// function serves every source of records: the API's write-through,
    /// Jetstream and rebuilds.
    fn index_record(&self, conn: &mut SqliteConnection, record: &Gated<'_>) -> Result<IndexOutcome, Error> {
        let _ = (conn, record);
        Ok(IndexOutcome::Ignored)
    }

    /// Un-indexes a deleted record of one of [`Module::collections`]. Deletes
    /// carry no record, hence no Sphere to gate on; they are always honoured
    /// (only the author can delete a record of their repo).
    fn delete_record(
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

    /// How much content the module holds in a Sphere, hidden content
    /// included, as `(what, count)` pairs with `what` in the plural
    /// (`("requests", 12)`): the instance's administrators see them.
    fn content_counts(
        &self,
        conn: &mut SqliteConnection,
        sphere_id: i64,
    ) -> Result<Vec<(&'static str, i64)>, Error> {
        let _ = (conn, sphere_id);
        Ok(Vec::new())
    }

    /// The content a URI names, if this module holds it (for moderation).
    fn find_content(&self, conn: &mut SqliteConnection, uri: &str) -> Result<Option<Content>, Error> {
        let _ = (conn, uri);
        Ok(None)
    }

    /// A signed-in person's notifications from this module, newest first
    /// (see [`crate::notifications`]): derived from its records when asked,
    /// in the Spheres of the query only, nothing hidden, nothing of inactive
    /// accounts, nothing the person did themselves. `unread` is core's to set.
    fn notifications(
        &self,
        conn: &mut SqliteConnection,
        query: &crate::notifications::NotificationQuery,
    ) -> Result<Vec<crate::lexicon::site::exosphere::notification::defs::NotificationView>, Error> {
        let _ = (conn, query);
        Ok(Vec::new())
    }

    /// The events this module sends to webhooks (see [`crate::webhooks`]),
    /// each sent with [`crate::webhooks::emit`] from its indexing functions.
    fn webhook_events(&self) -> &'static [&'static str] {
        &[]
    }

    /// The module's items of a Sphere's activity feed, newest first (see
    /// [`ActivityQuery`]): nothing hidden, nothing of inactive accounts
    /// (use [`crate::read`]). Core merges every enabled module's items and
    /// shortens their `text`.
    fn activity(
        &self,
        conn: &mut SqliteConnection,
        query: &ActivityQuery,
    ) -> Result<Vec<ActivityItem>, Error> {
        let _ = (conn, query);
        Ok(Vec::new())
    }
}

/// Core's own migrations.
pub const CORE_MIGRATIONS: &[Migration] = &[
    Migration { id: "0001_auth", sql: include_str!("../migrations/0001_auth.sql") },
    Migration { id: "0002_spheres", sql: include_str!("../migrations/0002_spheres.sql") },
    Migration { id: "0003_indexer", sql: include_str!("../migrations/0003_indexer.sql") },
    Migration { id: "0004_subject_flags", sql: include_str!("../migrations/0004_subject_flags.sql") },
    Migration { id: "0005_instance", sql: include_str!("../migrations/0005_instance.sql") },
    Migration { id: "0006_known_accounts", sql: include_str!("../migrations/0006_known_accounts.sql") },
    Migration { id: "0007_rebuilds", sql: include_str!("../migrations/0007_rebuilds.sql") },
    Migration { id: "0008_access_tokens", sql: include_str!("../migrations/0008_access_tokens.sql") },
    Migration { id: "0009_webhooks", sql: include_str!("../migrations/0009_webhooks.sql") },
    Migration { id: "0010_notifications", sql: include_str!("../migrations/0010_notifications.sql") },
    Migration { id: "0011_profiles", sql: include_str!("../migrations/0011_profiles.sql") },
    Migration {
        id: "0012_profiles_by_account",
        sql: include_str!("../migrations/0012_profiles_by_account.sql"),
    },
];

/// The modules this build serves: the single list the server and the indexer share.
#[derive(Clone)]
pub struct Registry {
    modules: Vec<Arc<dyn Module>>,
    by_collection: BTreeMap<&'static str, (usize, Collection)>,
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
                if let Some((first, _)) = by_collection.insert(collection.nsid, (index, *collection)) {
                    return Err(RegistryError::DuplicateCollection {
                        collection: collection.nsid,
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
        self.by_collection.get(collection).and_then(|&(i, _)| self.modules.get(i))
    }

    /// Checks a record of `collection` (core's or a module's) against its
    /// Lexicon, without a database; `None` for a collection nobody here indexes.
    pub fn validate(
        &self,
        collection: &str,
        value: &serde_json::Value,
    ) -> Option<Result<(), ValidationError>> {
        if let Some(validate) = crate::sphere::index::core_validator(collection) {
            return Some(validate(value));
        }
        self.by_collection.get(collection).map(|(_, c)| (c.validate)(value))
    }

    /// The names of every module, in registration order (a new Sphere runs them all).
    pub fn names(&self) -> Vec<&'static str> {
        self.modules.iter().map(|m| m.name()).collect()
    }

    /// The module named `name`, if this build has it.
    pub fn module(&self, name: &str) -> Option<&Arc<dyn Module>> {
        self.modules.iter().find(|m| m.name() == name)
    }

    /// Every event the modules a Sphere enables send to webhooks, in registry order.
    pub fn webhook_events(&self, enabled: impl Fn(&str) -> bool) -> Vec<&'static str> {
        self.modules
            .iter()
            .filter(|m| enabled(m.name()))
            .flat_map(|m| m.webhook_events().iter().copied())
            .collect()
    }

    /// The OAuth scopes sign-in asks for: `repo:<nsid>` of every collection
    /// core and the modules write, core's first.
    pub fn scopes(&self) -> Vec<String> {
        crate::sphere::CORE_COLLECTIONS
            .iter()
            .copied()
            .chain(self.modules.iter().flat_map(|m| m.collections().iter().map(|c| c.nsid)))
            .map(|nsid| format!("repo:{nsid}"))
            .collect()
    }

    /// Indexes one record event with the function of its record type: core's
    /// own collections first, then, through the gate, the module that claims
    /// the collection.
    ///
    /// The gate is the one place the rules of every module's records live: a
    /// create or update must name (in its `sphere` field) a Sphere known
    /// here that enables the module, and its author must have the
    /// collection's [`Role`] there, and the Sphere must not be suspended
    /// (except to a rebuild, which the operator runs); otherwise it is `Ignored`. Deletes go
    /// straight to the module.
    pub fn index(&self, conn: &mut SqliteConnection, event: &RecordEvent<'_>) -> Result<IndexOutcome, Error> {
        self.index_in(conn, event, &mut SphereMemo::default())
    }

    /// [`Registry::index`] for one of many events of a transaction: the
    /// Spheres the gate reads are kept in `spheres` (one per transaction, see
    /// [`SphereMemo`]) instead of read again for each event.
    pub fn index_in(
        &self,
        conn: &mut SqliteConnection,
        event: &RecordEvent<'_>,
        spheres: &mut SphereMemo,
    ) -> Result<IndexOutcome, Error> {
        if let Some(outcome) = crate::sphere::index_core_record(conn, event) {
            // A Sphere, member or moderation record may have changed what the gate reads.
            spheres.clear();
            return outcome;
        }
        let Some((module, role)) = self
            .by_collection
            .get(event.collection)
            .and_then(|&(i, c)| self.modules.get(i).map(|m| (m, c.role)))
        else {
            return Ok(IndexOutcome::Ignored);
        };
        if event.op == RecordOp::Delete {
            return module.delete_record(conn, event);
        }
        let Some(record) = event.record else {
            return Ok(IndexOutcome::Rejected(ValidationError::new(
                "",
                "a create or update without a record",
            )));
        };
        let Some(sphere_uri) = record.get("sphere").and_then(serde_json::Value::as_str) else {
            return Ok(IndexOutcome::Rejected(ValidationError::required("sphere")));
        };
        let Some(sphere) = spheres.get(conn, sphere_uri)? else {
            return Ok(IndexOutcome::Ignored);
        };
        if sphere.is_suspended() && event.source != Source::Rebuild {
            tracing::debug!(uri = %event.uri(), "ignored: the Sphere is suspended");
            return Ok(IndexOutcome::Ignored);
        }
        if !sphere.enables(module.name()) {
            tracing::debug!(uri = %event.uri(), module = module.name(), "ignored: the Sphere does not enable the module");
            return Ok(IndexOutcome::Ignored);
        }
        let allowed = match role {
            Role::Reader => store::may_read(conn, sphere, event.did)?,
            Role::Writer => store::may_write(conn, sphere, event.did)?,
            Role::Moderator => store::may_moderate(conn, sphere.id, event.did)?,
        };
        if !allowed {
            return Ok(IndexOutcome::Ignored);
        }
        module.index_record(conn, &Gated { event, sphere })
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

    struct Fake(&'static str, &'static [Collection]);

    impl Module for Fake {
        fn name(&self) -> &'static str {
            self.0
        }
        fn label(&self) -> &'static str {
            self.0
        }
        fn collections(&self) -> &'static [Collection] {
            self.1
        }
        fn configure(&self, _: &mut ServiceConfig, _: &AppContext) {}
    }

    fn any(_: &serde_json::Value) -> Result<(), ValidationError> {
        Ok(())
    }
    const fn writes(nsid: &'static str) -> Collection {
        Collection { nsid, role: Role::Writer, validate: any }
    }
    const A: &[Collection] = &[writes("x.y.a")];
    const B: &[Collection] =
        &[writes("x.y.b"), Collection { nsid: "x.y.bStatus", role: Role::Moderator, validate: any }];
    const Z: &[Collection] = &[writes("x.y.z")];

    #[test]
    fn names_and_collections_must_be_unique() {
        let ok = Registry::new(vec![Arc::new(Fake("a", A)), Arc::new(Fake("b", B))]);
        assert!(ok.is_ok_and(|r| r.for_collection("x.y.b").is_some_and(|m| m.name() == "b")));
        assert!(matches!(
            Registry::new(vec![Arc::new(Fake("a", &[])), Arc::new(Fake("a", &[]))]),
            Err(RegistryError::DuplicateName("a"))
        ));
        assert!(matches!(
            Registry::new(vec![Arc::new(Fake("a", Z)), Arc::new(Fake("b", Z))]),
            Err(RegistryError::DuplicateCollection { .. })
        ));
    }

    /// A module that indexes whatever its gate lets through.
    struct Takes;

    impl Module for Takes {
        fn name(&self) -> &'static str {
            "a"
        }
        fn label(&self) -> &'static str {
            "A"
        }
        fn collections(&self) -> &'static [Collection] {
            A
        }
        fn configure(&self, _: &mut ServiceConfig, _: &AppContext) {}
        fn index_record(&self, _: &mut SqliteConnection, _: &Gated<'_>) -> Result<IndexOutcome, Error> {
            Ok(IndexOutcome::Indexed)
        }
    }

    #[test]
    fn the_gate_reads_a_sphere_again_after_a_core_record_changed_it() -> anyhow::Result<()> {
        use diesel::connection::SimpleConnection;
        let dir = tempfile::tempdir()?;
        let db = crate::Db::open(&dir.path().join("db.sqlite"))?;
        let registry = Registry::new(vec![Arc::new(Takes)])?;
        let mut conn = db.conn()?;
        registry.migrate(&mut conn)?;
        conn.batch_execute(
            "INSERT INTO spheres (uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
             VALUES ('at://did:plc:owner/site.exosphere.sphere/s', 'bafyold', 'did:plc:owner', 'memo', 'Memo', 'public',
                     'open', '[\"a\"]', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )?;
        let sphere_uri = "at://did:plc:owner/site.exosphere.sphere/s";
        let item = serde_json::json!({ "sphere": sphere_uri });
        let record = |rkey: &'static str| RecordEvent {
            source: Source::Jetstream,
            did: "did:plc:writer",
            collection: "x.y.a",
            rkey,
            op: RecordOp::Create,
            cid: Some("bafyitem"),
            record: Some(&item),
            seen_us: None,
        };
        // The owner turns the module off, in the same transaction as records before and after.
        let off = serde_json::json!({
            "$type": crate::lexicon::site::exosphere::sphere::NSID, "slug": "memo", "name": "Memo",
            "visibility": "public", "writeMode": "open", "modules": [], "createdAt": "2026-01-01T00:00:00.000Z"
        });
        let sphere_update = RecordEvent {
            source: Source::Jetstream,
            did: "did:plc:owner",
            collection: crate::lexicon::site::exosphere::sphere::NSID,
            rkey: "s",
            op: RecordOp::Update,
            cid: Some("bafynew"),
            record: Some(&off),
            seen_us: None,
        };
        let outcomes = conn.immediate_transaction(|c| {
            let mut memo = SphereMemo::default();
            let before = registry.index_in(c, &record("1"), &mut memo)?;
            let update = registry.index_in(c, &sphere_update, &mut memo)?;
            let after = registry.index_in(c, &record("2"), &mut memo)?;
            Ok::<_, Error>((before, update, after))
        })?;
        assert!(matches!(outcomes.0, IndexOutcome::Indexed), "{outcomes:?}");
        assert!(matches!(outcomes.1, IndexOutcome::Indexed), "{outcomes:?}");
        assert!(matches!(outcomes.2, IndexOutcome::Ignored), "the module is off now: {outcomes:?}");
        Ok(())
    }

    #[test]
    fn scopes_come_from_core_and_every_module_collection() -> Result<(), RegistryError> {
        let registry = Registry::new(vec![Arc::new(Fake("a", A)), Arc::new(Fake("b", B))])?;
        let scopes = registry.scopes();
        for nsid in crate::sphere::CORE_COLLECTIONS.iter().chain(&["x.y.a", "x.y.b", "x.y.bStatus"]) {
            assert!(scopes.contains(&format!("repo:{nsid}")), "{nsid} in {scopes:?}");
        }
        assert_eq!(scopes.len(), crate::sphere::CORE_COLLECTIONS.len() + 3);
        Ok(())
    }
}
