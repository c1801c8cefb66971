//! Rebuild a Sphere from PDS data alone: the seed's promise that anyone can
//! reconstruct a public Sphere. Reads the Sphere record from the owner's
//! repo, then every Exosphere record that names the Sphere from the repos
//! that can hold them — the owner, members found through approval records
//! (and the members' own records), authors already known here, and, when a
//! relay is configured, every repo it lists for our collections — and
//! indexes them through the same functions as the API and Jetstream.
//! Requests are numbered in creation order. Everything is read first; the
//! Sphere's rows are then replaced in one transaction (see [`SphereRebuild`]).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::bail;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use exosphere_core::lexicon::site::exosphere::{moderation, sphere, sphere_member, sphere_member_approval};
use exosphere_core::sphere::store as spheres;
use exosphere_core::{AppContext, IndexOutcome, RecordEvent, RecordOp, Source};
/// The progress bar a rebuild reports on (`ProgressBar::hidden()` for none).
pub use indicatif::ProgressBar;
use indicatif::ProgressStyle;

mod reader;
use reader::Found;
pub use reader::Reader;

/// What a rebuild did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub spheres: usize,
    pub repos: usize,
    pub records: usize,
    pub indexed: usize,
    pub unchanged: usize,
    pub ignored: usize,
    pub rejected: usize,
    pub failed: usize,
}

impl Report {
    fn add(&mut self, other: &Report) {
        self.indexed += other.indexed;
        self.unchanged += other.unchanged;
        self.ignored += other.ignored;
        self.rejected += other.rejected;
        self.failed += other.failed;
    }

    fn count(&mut self, outcome: &Result<IndexOutcome, exosphere_core::Error>) {
        match outcome {
            Ok(IndexOutcome::Indexed) => self.indexed += 1,
            Ok(IndexOutcome::Unchanged) => self.unchanged += 1,
            Ok(IndexOutcome::Ignored) => self.ignored += 1,
            Ok(IndexOutcome::Rejected(_)) => self.rejected += 1,
            Err(_) => self.failed += 1,
        }
    }
}

fn bar(progress: bool) -> ProgressBar {
    if !progress {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix:.bold} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// Rebuilds one Sphere (by the AT URI of its record), or every public Sphere known here.
pub async fn rebuild(ctx: &AppContext, sphere: Option<&str>, progress: bool) -> anyhow::Result<Report> {
    let uris: Vec<String> = match sphere {
        Some(uri) => vec![uri.to_owned()],
        None => {
            #[derive(QueryableByName)]
            struct Uri {
                #[diesel(sql_type = Text)]
                uri: String,
            }
            ctx.db
                .read(|c| Ok(diesel::sql_query("SELECT uri FROM spheres ORDER BY id").load::<Uri>(c)?))
                .await?
                .into_iter()
                .map(|u| u.uri)
                .collect()
        }
    };
    let mut report = Report::default();
    let mut reader = Reader::new(ctx);
    for uri in uris {
        let bar = bar(progress);
        bar.set_prefix(uri.clone());
        rebuild_sphere(&mut reader, &uri, &bar, &mut report).await?;
        bar.finish_with_message("done");
        report.spheres += 1;
    }
    Ok(report)
}

async fn rebuild_sphere(
    reader: &mut Reader<'_>,
    uri: &str,
    bar: &ProgressBar,
    report: &mut Report,
) -> anyhow::Result<()> {
    let rebuild = SphereRebuild::begin(reader.ctx, uri).await?;
    let fetched = rebuild.fetch(reader, bar).await;
    let fetched = match fetched {
        Ok(Some(fetched)) => fetched,
        Ok(None) => return rebuild.abandon().await,
        Err(e) => {
            rebuild.abandon().await?;
            return Err(e);
        }
    };
    bar.set_message(format!("indexing {} records in one switch", fetched.records()));
    report.add(&rebuild.switch(fetched).await?);
    Ok(())
}

/// How often a rebuild renews its heartbeat; the indexer disregards one
/// older than [`STALE_REBUILD_S`] (a rebuild that died).
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(2);
/// See [`HEARTBEAT`].
pub const STALE_REBUILD_S: i64 = 30;

/// A Sphere's rebuild in its three steps: [`SphereRebuild::begin`] tells the
/// indexer (in any process) to hold back the Sphere's events;
/// [`SphereRebuild::fetch`] reads every record from the PDSes, writing
/// nothing; [`SphereRebuild::switch`] replaces the Sphere's rows with what was
/// read in one transaction, so readers see the old Sphere or the new one,
/// never a mix, and the held-back events are applied after it.
pub struct SphereRebuild<'a> {
    ctx: &'a AppContext,
    uri: String,
    heartbeat: tokio::task::JoinHandle<()>,
}

/// What a rebuild read, ready to switch in.
pub struct Fetched {
    sphere: Found,
    membership: Vec<Found>,
    content: Vec<Vec<Found>>,
    repos: usize,
}

impl Fetched {
    /// How many records it holds.
    pub fn records(&self) -> usize {
        1 + self.membership.len() + self.content.iter().map(Vec::len).sum::<usize>()
    }
}

impl<'a> SphereRebuild<'a> {
    /// Announces the rebuild of the Sphere at `uri` (an AT URI) to the indexer.
    pub async fn begin(ctx: &'a AppContext, uri: &str) -> anyhow::Result<Self> {
        if !uri.starts_with("at://") || !uri.contains(&format!("/{}/", sphere::NSID)) {
            bail!("{uri} is not the AT URI of a site.exosphere.sphere record");
        }
        let owned = uri.to_owned();
        ctx.db
            .write(move |c| {
                diesel::sql_query(
                    "INSERT INTO rebuilds (sphere_uri, started_at, heartbeat_at)
                     VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                     ON CONFLICT (sphere_uri) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
                )
                .bind::<Text, _>(&owned)
                .execute(c)?;
                Ok(())
            })
            .await?;
        let (db, owned) = (ctx.db.clone(), uri.to_owned());
        let heartbeat = tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                let uri = owned.clone();
                let renewed = db
                    .write(move |c| {
                        diesel::sql_query(
                            "UPDATE rebuilds SET heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE sphere_uri = ?",
                        )
                        .bind::<Text, _>(&uri)
                        .execute(c)?;
                        Ok(())
                    })
                    .await;
                if let Err(e) = renewed {
                    tracing::warn!(error = %e, "could not renew a rebuild's heartbeat");
                }
            }
        });
        Ok(Self { ctx, uri: uri.to_owned(), heartbeat })
    }

    /// Reads the Sphere record and every record that names the Sphere;
    /// `None` when there is nothing to rebuild (a private Sphere).
    pub async fn fetch(&self, reader: &mut Reader<'_>, bar: &ProgressBar) -> anyhow::Result<Option<Fetched>> {
        let (ctx, uri) = (self.ctx, self.uri.as_str());
        let Some((owner, rkey)) = uri
            .strip_prefix("at://")
            .and_then(|rest| rest.split_once(&format!("/{}/", sphere::NSID)))
            .map(|(owner, rkey)| (owner.to_owned(), rkey.to_owned()))
        else {
            bail!("{uri} is not the AT URI of a site.exosphere.sphere record");
        };
        bar.set_message("reading the Sphere record");
        let record = reader.get_sphere(&owner, &rkey).await?;
        let Some(record) = record else { bail!("{uri} does not exist on its owner's PDS") };
        if record.value["visibility"] != "public" {
            tracing::warn!(uri, "a private Sphere's content is not on PDSes: nothing to rebuild");
            return Ok(None);
        }

        // The repos to read: those of the members and authors known here, the owner's, the relay's.
        let (uri_owned, registry) = (uri.to_owned(), ctx.registry.clone());
        let mut repos: BTreeSet<String> = ctx
            .db
            .read(move |c| {
                let mut dids = BTreeSet::new();
                if let Some(existing) = spheres::sphere_by_uri(c, &uri_owned)? {
                    #[derive(QueryableByName)]
                    struct Did {
                        #[diesel(sql_type = Text)]
                        did: String,
                    }
                    for d in diesel::sql_query("SELECT did FROM sphere_members WHERE sphere_id = ?")
                        .bind::<BigInt, _>(existing.id)
                        .load::<Did>(c)?
                    {
                        dids.insert(d.did);
                    }
                    for module in registry.modules() {
                        dids.extend(module.known_authors(c, existing.id)?);
                    }
                }
                Ok(dids)
            })
            .await?;
        repos.insert(owner.clone());
        if let Some(relay) = ctx.config.relay_url.clone() {
            bar.set_message("asking the relay");
            for collection in collections(ctx) {
                repos.extend(reader.relay_repos(&relay, &collection).await);
            }
        }

        // Read every repo (including members that approvals name along the way).
        let mut by_collection: BTreeMap<String, Vec<Found>> = BTreeMap::new();
        let mut scanned: BTreeSet<String> = BTreeSet::new();
        let all_collections = collections(ctx);
        while let Some(did) = repos.iter().find(|d| !scanned.contains(*d)).cloned() {
            scanned.insert(did.clone());
            bar.set_length(repos.len() as u64);
            bar.set_position(scanned.len() as u64);
            bar.set_message(format!("reading {did}"));
            for collection in &all_collections {
                for found in reader.list(&did, collection).await {
                    if found.value["sphere"] != uri {
                        continue;
                    }
                    if found.collection == sphere_member_approval::NSID
                        && let Some(member) = found.value["member"].as_str()
                    {
                        repos.insert(member.to_owned());
                    }
                    by_collection.entry(collection.clone()).or_default().push(found);
                }
            }
        }

        // Membership in creation order; then content, collection by collection
        // in the modules' order, each in creation order.
        let mut membership: Vec<Found> = Vec::new();
        for collection in [sphere_member_approval::NSID, sphere_member::NSID] {
            membership.extend(by_collection.remove(collection).unwrap_or_default());
        }
        membership.sort_by(|a, b| (a.created_at(), &a.rkey).cmp(&(b.created_at(), &b.rkey)));
        let mut order: Vec<String> = ctx
            .registry
            .modules()
            .iter()
            .flat_map(|m| m.collections().iter().map(|c| c.nsid.to_owned()))
            .collect();
        order.push(moderation::NSID.to_owned());
        let content = order
            .into_iter()
            .map(|collection| {
                let mut records = by_collection.remove(&collection).unwrap_or_default();
                records.sort_by(|a, b| {
                    (a.created_at(), &a.did, &a.rkey).cmp(&(b.created_at(), &b.did, &b.rkey))
                });
                records
            })
            .collect();
        Ok(Some(Fetched { sphere: record, membership, content, repos: scanned.len() }))
    }

    /// Replaces the Sphere's rows with `fetched`, in one transaction that also
    /// ends the rebuild: readers see the old Sphere until it commits. A long
    /// write: it runs alone ([`exosphere_core::Db::write_alone`]).
    pub async fn switch(self, fetched: Fetched) -> anyhow::Result<Report> {
        let (uri, registry) = (self.uri.clone(), self.ctx.registry.clone());
        let report = self
            .ctx
            .db
            .write_alone(move |c| {
                // A clean slate for this Sphere, so the result equals a rebuild on
                // an empty database; its row, and so its id, stays.
                let existing = spheres::sphere_by_uri(c, &uri)?;
                if let Some(existing) = &existing {
                    exosphere_core::sphere::index::clear_sphere(c, existing.id)?;
                }
                let mut report =
                    Report { repos: fetched.repos, records: fetched.records(), ..Report::default() };
                report.add(&index_records(c, &registry, std::slice::from_ref(&fetched.sphere))?);
                if existing.is_some()
                    && let Some(sphere) = spheres::sphere_by_uri(c, &uri)?
                {
                    exosphere_core::sphere::index::seat_owner(c, &sphere)?;
                }
                // Membership in rounds: an admin's approvals count once the admin is active.
                for _ in 0..8 {
                    let round = index_records(c, &registry, &fetched.membership)?;
                    report.add(&round);
                    if round.indexed == 0 {
                        break;
                    }
                }
                for records in &fetched.content {
                    report.add(&index_records(c, &registry, records)?);
                }
                forget(c, &uri)?;
                Ok(report)
            })
            .await;
        self.heartbeat.abort();
        match report {
            Ok(report) => Ok(report),
            Err(e) => {
                self.end().await;
                Err(e.into())
            }
        }
    }

    /// Gives up without changing the Sphere: the indexer applies what it held back.
    pub async fn abandon(self) -> anyhow::Result<()> {
        self.heartbeat.abort();
        self.end().await;
        Ok(())
    }

    async fn end(&self) {
        let uri = self.uri.clone();
        let ended = self.ctx.db.write(move |c| forget(c, &uri)).await;
        if let Err(e) = ended {
            tracing::warn!(error = %e, "could not end a rebuild: the indexer disregards it after its heartbeat stops");
        }
    }
}

/// Ends a rebuild's announcement, inside the caller's transaction.
fn forget(c: &mut diesel::SqliteConnection, uri: &str) -> Result<(), exosphere_core::Error> {
    diesel::sql_query("DELETE FROM rebuilds WHERE sphere_uri = ?").bind::<Text, _>(uri).execute(c)?;
    Ok(())
}

fn collections(ctx: &AppContext) -> Vec<String> {
    let mut all: Vec<String> =
        exosphere_core::sphere::CORE_COLLECTIONS.iter().map(|c| c.to_string()).collect();
    all.retain(|c| c != sphere::NSID);
    for module in ctx.registry.modules() {
        all.extend(module.collections().iter().map(|c| c.nsid.to_owned()));
    }
    all
}

/// Indexes records inside the caller's transaction, each in its own savepoint
/// (the gate reads each Sphere once for all of them).
fn index_records(
    c: &mut diesel::SqliteConnection,
    registry: &exosphere_core::module::Registry,
    records: &[Found],
) -> Result<Report, exosphere_core::Error> {
    use diesel::Connection;
    let mut round = Report::default();
    let mut spheres = exosphere_core::module::SphereMemo::default();
    for found in records {
        let outcome = c.transaction(|c| {
            registry.index_in(
                c,
                &RecordEvent {
                    source: Source::Rebuild,
                    did: &found.did,
                    collection: &found.collection,
                    rkey: &found.rkey,
                    op: RecordOp::Create,
                    cid: Some(&found.cid),
                    record: Some(&found.value),
                    seen_us: None,
                },
                &mut spheres,
            )
        });
        match &outcome {
            Ok(IndexOutcome::Indexed | IndexOutcome::Unchanged) => {
                exosphere_core::accounts::know(c, &found.did)?;
            }
            Err(e) => {
                tracing::warn!(did = %found.did, rkey = %found.rkey, error = %e, "could not index a record");
            }
            Ok(_) => {}
        }
        round.count(&outcome);
    }
    Ok(round)
}
