//! Rebuild a Sphere from PDS data alone: the seed's promise that anyone can
//! reconstruct a public Sphere. Reads the Sphere record from the owner's
//! repo, then every Exosphere record that names the Sphere from the repos
//! that can hold them — the owner, members found through approval records
//! (and the members' own records), authors already known here, and, when a
//! relay is configured, every repo it lists for our collections — and
//! indexes them through the same functions as the API and Jetstream.
//! Requests are numbered in creation order.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{Context, bail};
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use exosphere_core::lexicon::site::exosphere::{moderation, sphere, sphere_member, sphere_member_approval};
use exosphere_core::outbound;
use exosphere_core::sphere::store as spheres;
use exosphere_core::{AppContext, IndexOutcome, RecordEvent, RecordOp, Source};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

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

#[derive(Debug, Clone, Deserialize)]
struct ListedRecord {
    uri: String,
    cid: String,
    value: serde_json::Value,
}

#[derive(Deserialize)]
struct ListRecords {
    #[serde(default)]
    records: Vec<ListedRecord>,
    cursor: Option<String>,
}

/// A record read from a repo, ready to index.
#[derive(Debug, Clone)]
struct Found {
    did: String,
    collection: String,
    rkey: String,
    cid: String,
    value: serde_json::Value,
}

impl Found {
    fn from_listed(record: ListedRecord) -> Option<Self> {
        let rest = record.uri.strip_prefix("at://")?;
        let mut parts = rest.splitn(3, '/');
        let (did, collection, rkey) = (parts.next()?, parts.next()?, parts.next()?);
        Some(Self {
            did: did.into(),
            collection: collection.into(),
            rkey: rkey.into(),
            cid: record.cid,
            value: record.value,
        })
    }

    fn created_at(&self) -> &str {
        self.value["createdAt"].as_str().unwrap_or_default()
    }
}

struct Reader<'a> {
    ctx: &'a AppContext,
    pds_of: HashMap<String, Option<String>>,
}

impl Reader<'_> {
    async fn pds(&mut self, did: &str) -> Option<String> {
        if let Some(known) = self.pds_of.get(did) {
            return known.clone();
        }
        let pds = match self.ctx.identity.resolve(did).await {
            Ok(identity) => Some(identity.pds),
            Err(e) => {
                tracing::warn!(did, error = %e, "skipping a repo whose PDS can't be found");
                None
            }
        };
        self.pds_of.insert(did.to_owned(), pds.clone());
        pds
    }

    /// Every record of a collection in a repo (empty when the repo can't be read).
    async fn list(&mut self, did: &str, collection: &str) -> Vec<Found> {
        let Some(pds) = self.pds(did).await else { return Vec::new() };
        let mut found = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![
                ("repo", did.to_owned()),
                ("collection", collection.to_owned()),
                ("limit", "100".into()),
            ];
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            let page = async {
                let response = self
                    .ctx
                    .http
                    .get(&format!("{pds}/xrpc/com.atproto.repo.listRecords"))?
                    .query(&query)
                    .send()
                    .await?
                    .error_for_status()?;
                outbound::json::<ListRecords>(response).await
            }
            .await;
            match page {
                Ok(page) => {
                    found.extend(page.records.into_iter().filter_map(Found::from_listed));
                    match page.cursor {
                        Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                        _ => break,
                    }
                }
                Err(e) => {
                    tracing::warn!(did, collection, error = %e, "could not list records");
                    break;
                }
            }
        }
        found
    }

    async fn get_sphere(&mut self, did: &str, rkey: &str) -> anyhow::Result<Option<Found>> {
        let pds = self.pds(did).await.with_context(|| format!("the PDS of {did} can't be found"))?;
        let response = self
            .ctx
            .http
            .get(&format!("{pds}/xrpc/com.atproto.repo.getRecord"))?
            .query(&[("repo", did), ("collection", sphere::NSID), ("rkey", rkey)])
            .send()
            .await?;
        if matches!(response.status().as_u16(), 400 | 404) {
            return Ok(None);
        }
        let record: ListedRecord = outbound::json(response.error_for_status()?).await?;
        Ok(Found::from_listed(record))
    }

    /// Repos a relay lists for a collection.
    async fn relay_repos(&self, relay: &str, collection: &str) -> Vec<String> {
        #[derive(Deserialize)]
        struct Repo {
            did: String,
        }
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            repos: Vec<Repo>,
            cursor: Option<String>,
        }
        let mut dids = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..1000 {
            let mut query = vec![("collection", collection.to_owned()), ("limit", "1000".into())];
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            let page = async {
                let response = self
                    .ctx
                    .http
                    .get(&format!(
                        "{}/xrpc/com.atproto.sync.listReposByCollection",
                        relay.trim_end_matches('/')
                    ))?
                    .query(&query)
                    .send()
                    .await?
                    .error_for_status()?;
                outbound::json::<Page>(response).await
            }
            .await;
            match page {
                Ok(page) => {
                    dids.extend(page.repos.into_iter().map(|r| r.did));
                    match page.cursor {
                        Some(next) if !next.is_empty() => cursor = Some(next),
                        _ => break,
                    }
                }
                Err(e) => {
                    tracing::warn!(relay, collection, error = %e, "the relay could not list repos");
                    break;
                }
            }
        }
        dids
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
    let mut reader = Reader { ctx, pds_of: HashMap::new() };
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
    let ctx = reader.ctx;
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
        return Ok(());
    }

    // Start from a clean slate for this Sphere, so the result equals a rebuild on an empty database.
    let (uri_owned, registry) = (uri.to_owned(), ctx.registry.clone());
    let mut repos: BTreeSet<String> = ctx
        .db
        .write(move |c| {
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
                diesel::sql_query("DELETE FROM spheres WHERE id = ?")
                    .bind::<BigInt, _>(existing.id)
                    .execute(c)?;
            }
            Ok(dids)
        })
        .await?;
    report.add(&index_all(ctx, vec![record]).await?);
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
    report.repos += scanned.len();

    // Membership first, in rounds: an admin's approvals count once the admin is active.
    bar.set_message("indexing membership");
    let mut membership: Vec<Found> = Vec::new();
    for collection in [sphere_member_approval::NSID, sphere_member::NSID] {
        membership.extend(by_collection.remove(collection).unwrap_or_default());
    }
    membership.sort_by(|a, b| (a.created_at(), &a.rkey).cmp(&(b.created_at(), &b.rkey)));
    for _ in 0..8 {
        let round = index_all(ctx, membership.clone()).await?;
        report.add(&round);
        if round.indexed == 0 {
            break;
        }
    }
    report.records += membership.len();

    // Then content, collection by collection in the modules' order, each in creation order.
    let mut order: Vec<String> = ctx
        .registry
        .modules()
        .iter()
        .flat_map(|m| m.collections().iter().map(|c| c.nsid.to_owned()))
        .collect();
    order.push(moderation::NSID.to_owned());
    for collection in order {
        let mut records = by_collection.remove(&collection).unwrap_or_default();
        records.sort_by(|a, b| (a.created_at(), &a.did, &a.rkey).cmp(&(b.created_at(), &b.did, &b.rkey)));
        bar.set_message(format!("indexing {} {collection}", records.len()));
        report.records += records.len();
        report.add(&index_all(ctx, records).await?);
    }
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

/// Indexes records in one transaction, each in its own savepoint.
async fn index_all(ctx: &AppContext, records: Vec<Found>) -> anyhow::Result<Report> {
    let registry = ctx.registry.clone();
    let round = ctx
        .db
        .write(move |c| {
            use diesel::Connection;
            let mut round = Report::default();
            for found in &records {
                let outcome = c.transaction(|c| {
                    registry.index(
                        c,
                        &RecordEvent {
                            source: Source::Rebuild,
                            did: &found.did,
                            collection: &found.collection,
                            rkey: &found.rkey,
                            op: RecordOp::Create,
                            cid: Some(&found.cid),
                            record: Some(&found.value),
                        },
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
        })
        .await?;
    Ok(round)
}
