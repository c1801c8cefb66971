//! `site.exosphere.sphere.indexRecord`: a record read from its author's PDS
//! and indexed at once. A program acting with a service token cannot have
//! this server write for it (it holds no OAuth session), so it writes the
//! record to its own repo and calls this: the record goes through the same
//! Lexicon check, gate and indexing function as the network's events, and
//! the program sees its write without waiting for the firehose.

use std::time::Duration;

use serde::Deserialize;

use crate::lexicon::format::is_did;
use crate::lexicon::site::exosphere::sphere::index_record::{Input, Output};
use crate::module::{IndexOutcome, RecordEvent, RecordOp, Source};
use crate::xrpc::{Error, ErrorKind, XrpcContext, XrpcResult};
use crate::{ids, outbound};

/// Upper bound for reading the record from its PDS.
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
struct GetRecord {
    cid: String,
    value: serde_json::Value,
}

fn not_indexable(kind: ErrorKind, message: impl Into<String>) -> Error {
    Error::named(kind, "NotIndexable", message)
}

/// Reads the record at `input.uri` from its PDS and indexes it (or, when the
/// PDS no longer has it, removes it from the index).
pub async fn index_record(ctx: &XrpcContext, input: Input) -> XrpcResult<Output> {
    let app = ctx.app()?;
    let rest = input.uri.strip_prefix("at://").unwrap_or_default();
    let mut parts = rest.split('/');
    let (Some(did), Some(collection), Some(rkey), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::invalid_request("uri: must be at://DID/COLLECTION/RKEY"));
    };
    if !is_did(did) {
        return Err(Error::invalid_request("uri: must name its repo by DID, not by handle"));
    }
    if app.registry.validate(collection, &serde_json::json!({})).is_none() {
        return Err(not_indexable(
            ErrorKind::InvalidRequest,
            format!("{collection} is not a collection this server indexes"),
        ));
    }
    let pds = app.identity.resolve(did).await?.pds;
    let response = app
        .http
        .get(&format!("{pds}/xrpc/com.atproto.repo.getRecord"))
        .map_err(|e| {
            Error::new(ErrorKind::UpstreamFailure, format!("the author's PDS can't be reached: {e}"))
        })?
        .query(&[("repo", did), ("collection", collection), ("rkey", rkey)])
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|e| Error::new(ErrorKind::UpstreamFailure, format!("reading the record from {pds}: {e}")))?;
    let status = response.status().as_u16();
    let found = match status {
        200 => Some(outbound::json::<GetRecord>(response).await.map_err(|e| {
            Error::new(ErrorKind::UpstreamFailure, format!("the PDS answered getRecord with no record: {e}"))
        })?),
        // The reference PDS answers a missing record with 400 RecordNotFound.
        400 | 404 => None,
        _ => {
            return Err(Error::new(
                ErrorKind::UpstreamFailure,
                format!("the author's PDS answered getRecord with HTTP {status}"),
            ));
        }
    };
    let Some(found) = found else { return remove(ctx, &input.uri, did, collection, rkey).await };
    if ids::record_cid(&found.value).as_deref() != Some(found.cid.as_str()) {
        return Err(Error::named(
            ErrorKind::UpstreamFailure,
            "BadRecordCid",
            format!("the PDS answered with CID {}, which is not the hash of the record it sent", found.cid),
        ));
    }
    if let Some(expected) = input.cid.as_deref().filter(|expected| *expected != found.cid) {
        return Err(Error::named(
            ErrorKind::Conflict,
            "RecordChanged",
            format!("the PDS holds version {}, not {expected}", found.cid),
        ));
    }
    if let Some(Err(e)) = app.registry.validate(collection, &found.value) {
        return Err(not_indexable(ErrorKind::InvalidRequest, format!("the record breaks its Lexicon: {e}")));
    }
    let outcome =
        index(ctx, did, collection, rkey, RecordOp::Create, Some((found.cid.clone(), found.value))).await?;
    let outcome = match outcome {
        IndexOutcome::Indexed => "indexed",
        IndexOutcome::Unchanged => "unchanged",
        IndexOutcome::Ignored => {
            return Err(not_indexable(
                ErrorKind::Forbidden,
                "the record is not accepted: its Sphere is unknown here, does not run its module, \
                 or does not let its author write this",
            ));
        }
        IndexOutcome::Rejected(e) => {
            return Err(not_indexable(ErrorKind::InvalidRequest, format!("the record is refused: {e}")));
        }
    };
    Ok(Output { uri: input.uri, cid: Some(found.cid), outcome: outcome.into() })
}

/// The PDS no longer has the record: what the index holds of it goes too.
async fn remove(ctx: &XrpcContext, uri: &str, did: &str, collection: &str, rkey: &str) -> XrpcResult<Output> {
    match index(ctx, did, collection, rkey, RecordOp::Delete, None).await? {
        IndexOutcome::Indexed => Ok(Output { uri: uri.to_owned(), cid: None, outcome: "removed".into() }),
        _ => Err(Error::named(
            ErrorKind::NotFound,
            "RecordNotFound",
            format!("the author's PDS has no record {uri}"),
        )),
    }
}

async fn index(
    ctx: &XrpcContext,
    did: &str,
    collection: &str,
    rkey: &str,
    op: RecordOp,
    found: Option<(String, serde_json::Value)>,
) -> XrpcResult<IndexOutcome> {
    let app = ctx.app()?;
    let registry = app.registry.clone();
    let (did, collection, rkey) = (did.to_owned(), collection.to_owned(), rkey.to_owned());
    app.db
        .write(move |c| {
            let event = RecordEvent {
                source: Source::Requested,
                did: &did,
                collection: &collection,
                rkey: &rkey,
                op,
                cid: found.as_ref().map(|(cid, _)| cid.as_str()),
                record: found.as_ref().map(|(_, value)| value),
                seen_us: None,
            };
            registry.index(c, &event)
        })
        .await
}
