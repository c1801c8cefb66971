//! Reading a rebuild's records from the PDSes that hold them: repos listed
//! page by page, a Sphere's record, and the repos a relay knows.

use std::collections::HashMap;

use anyhow::Context;
use exosphere_core::lexicon::site::exosphere::sphere;
use exosphere_core::{AppContext, outbound};
use serde::Deserialize;

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
pub(super) struct Found {
    pub(super) did: String,
    pub(super) collection: String,
    pub(super) rkey: String,
    pub(super) cid: String,
    pub(super) value: serde_json::Value,
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

    pub(super) fn created_at(&self) -> &str {
        self.value["createdAt"].as_str().unwrap_or_default()
    }
}

/// Reads repos from their PDSes (remembering where each lives).
pub struct Reader<'a> {
    pub(super) ctx: &'a AppContext,
    pds_of: HashMap<String, Option<String>>,
}

impl<'a> Reader<'a> {
    /// A reader with nothing resolved yet.
    pub fn new(ctx: &'a AppContext) -> Self {
        Self { ctx, pds_of: HashMap::new() }
    }

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
    pub(super) async fn list(&mut self, did: &str, collection: &str) -> Vec<Found> {
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

    pub(super) async fn get_sphere(&mut self, did: &str, rkey: &str) -> anyhow::Result<Option<Found>> {
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
    pub(super) async fn relay_repos(&self, relay: &str, collection: &str) -> Vec<String> {
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
