//! The write path every module uses: a validated record goes to the
//! viewer's PDS (public Spheres) or stays in this server (private Spheres),
//! and is then indexed at once through [`Registry::index`](crate::module::Registry::index):
//! the same gate and the same indexing function per record type as the
//! indexer and rebuilds. If indexing refuses it, the PDS write is undone, so
//! nothing is left half-written.

use crate::auth::Viewer;
use crate::ids::{local_cid, tid};
use crate::lexicon::{LexRecord, record_json};
use crate::module::{IndexOutcome, RecordEvent, RecordOp, Source};
use crate::pds::{PdsClient, RecordRef};
use crate::xrpc::{Error, XrpcContext, XrpcResult};

/// Where a record lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In the author's repo on their PDS (public Spheres).
    Pds,
    /// Only in this server's database (private Spheres).
    Local,
}

/// Writes records as the viewer.
pub struct RecordWriter<'a> {
    ctx: &'a XrpcContext,
    did: String,
    pds: Option<PdsClient>,
}

impl<'a> RecordWriter<'a> {
    /// A writer for the viewer; restores their PDS session when the placement needs it.
    pub async fn new(ctx: &'a XrpcContext, viewer: &Viewer, placement: Placement) -> XrpcResult<Self> {
        let pds = match placement {
            Placement::Pds => {
                let session = ctx.pds_session(viewer).await?;
                Some(PdsClient::new(viewer.did.clone(), session))
            }
            Placement::Local => None,
        };
        Ok(Self { ctx, did: viewer.did.clone(), pds })
    }

    /// A writer for the viewer of `access`, placing content as its Sphere
    /// does (PDS for public Spheres, this server for private ones); 401 when
    /// not signed in.
    pub async fn for_content(ctx: &'a XrpcContext, access: &crate::sphere::Access) -> XrpcResult<Self> {
        Self::new(ctx, access.viewer()?, crate::sphere::content_placement(&access.sphere)).await
    }

    /// Creates a record and indexes it.
    pub async fn create<R: LexRecord>(&self, record: &R) -> XrpcResult<RecordRef> {
        let json = record_json(record)?;
        let written = match &self.pds {
            Some(pds) => pds.create_record(R::NSID, None, &json).await?,
            None => self.local(R::NSID, &tid(), &json),
        };
        self.index(R::NSID, RecordOp::Create, &written, Some(json)).await?;
        Ok(written)
    }

    /// Replaces the record at `rkey` and indexes the new version.
    pub async fn put<R: LexRecord>(&self, rkey: &str, record: &R) -> XrpcResult<RecordRef> {
        let json = record_json(record)?;
        let written = match &self.pds {
            Some(pds) => pds.put_record(R::NSID, rkey, &json).await?,
            None => self.local(R::NSID, rkey, &json),
        };
        self.index(R::NSID, RecordOp::Update, &written, Some(json)).await?;
        Ok(written)
    }

    /// Deletes the record at `rkey` and un-indexes it.
    pub async fn delete(&self, collection: &str, rkey: &str) -> XrpcResult<()> {
        if let Some(pds) = &self.pds {
            pds.delete_record(collection, rkey).await?;
        }
        let gone = RecordRef { uri: format!("at://{}/{collection}/{rkey}", self.did), cid: String::new() };
        self.index(collection, RecordOp::Delete, &gone, None).await
    }

    fn local(&self, collection: &str, rkey: &str, json: &serde_json::Value) -> RecordRef {
        RecordRef {
            uri: format!("at://{}/{collection}/{rkey}", self.did),
            cid: local_cid(json.to_string().as_bytes()),
        }
    }

    async fn index(
        &self,
        collection: &str,
        op: RecordOp,
        written: &RecordRef,
        json: Option<serde_json::Value>,
    ) -> XrpcResult<()> {
        let (did, collection_owned, rkey, cid) =
            (self.did.clone(), collection.to_owned(), written.rkey().to_owned(), written.cid.clone());
        let app = self.ctx.app()?;
        let registry = app.registry.clone();
        let outcome = app
            .db
            .write(move |c| {
                let event = RecordEvent {
                    source: Source::Api,
                    did: &did,
                    collection: &collection_owned,
                    rkey: &rkey,
                    op,
                    cid: (op != RecordOp::Delete).then_some(cid.as_str()),
                    record: json.as_ref(),
                    seen_us: Some(chrono::Utc::now().timestamp_micros()),
                };
                registry.index(c, &event)
            })
            .await;
        let refusal = match outcome {
            Ok(IndexOutcome::Indexed | IndexOutcome::Unchanged) => return Ok(()),
            Ok(IndexOutcome::Ignored) => Error::forbidden("this record is not accepted in this Sphere"),
            Ok(IndexOutcome::Rejected(e)) => Error::from(e),
            Err(e) => e,
        };
        if let (Some(pds), RecordOp::Create) = (&self.pds, op)
            && let Err(e) = pds.delete_record(collection, written.rkey()).await
        {
            tracing::error!(uri = %written.uri, error = %e, "could not undo a PDS write that failed to index");
        }
        Err(refusal)
    }
}

/// The current time as a Lexicon datetime.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
