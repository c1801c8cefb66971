//! Writes to a signed-in account's own repo on its PDS, for modules:
//! create, put and delete a record, each returning what the PDS committed.

use atrium_xrpc::http::Method;
use atrium_xrpc::{InputDataOrBytes, OutputDataOrBytes, XrpcClient, XrpcRequest};
use serde::{Deserialize, Serialize};

use crate::auth::PdsSession;
use crate::lexicon::{LexRecord, record_json};
use crate::xrpc::{Error, ErrorKind};

/// A record as committed: its AT URI and CID.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RecordRef {
    /// `at://did/collection/rkey`.
    pub uri: String,
    /// The record's content hash.
    pub cid: String,
}

impl RecordRef {
    /// The record key (last segment of the URI).
    pub fn rkey(&self) -> &str {
        self.uri.rsplit('/').next().unwrap_or_default()
    }
}

/// The viewer's PDS, through their OAuth session (tokens refresh themselves).
pub struct PdsClient {
    did: String,
    session: PdsSession,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WriteInput<'a> {
    repo: &'a str,
    collection: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rkey: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<&'a serde_json::Value>,
}

impl PdsClient {
    /// Wraps a restored OAuth session.
    pub fn new(did: String, session: PdsSession) -> Self {
        Self { did, session }
    }

    /// The repo this client writes to.
    pub fn did(&self) -> &str {
        &self.did
    }

    /// Validates a typed record against its Lexicon and creates it.
    pub async fn create<R: LexRecord>(&self, record: &R) -> Result<RecordRef, Error> {
        let json = record_json(record)?;
        self.create_record(R::NSID, None, &json).await
    }

    /// Validates a typed record against its Lexicon and writes it at `rkey`.
    pub async fn put<R: LexRecord>(&self, rkey: &str, record: &R) -> Result<RecordRef, Error> {
        let json = record_json(record)?;
        self.put_record(R::NSID, rkey, &json).await
    }

    /// `com.atproto.repo.createRecord` in the viewer's repo.
    pub async fn create_record(
        &self,
        collection: &str,
        rkey: Option<&str>,
        record: &serde_json::Value,
    ) -> Result<RecordRef, Error> {
        let input = WriteInput { repo: &self.did, collection, rkey, record: Some(record) };
        self.call("com.atproto.repo.createRecord", &input).await
    }

    /// `com.atproto.repo.putRecord` in the viewer's repo.
    pub async fn put_record(
        &self,
        collection: &str,
        rkey: &str,
        record: &serde_json::Value,
    ) -> Result<RecordRef, Error> {
        let input = WriteInput { repo: &self.did, collection, rkey: Some(rkey), record: Some(record) };
        self.call("com.atproto.repo.putRecord", &input).await
    }

    /// `com.atproto.repo.deleteRecord` in the viewer's repo.
    pub async fn delete_record(&self, collection: &str, rkey: &str) -> Result<(), Error> {
        let input = WriteInput { repo: &self.did, collection, rkey: Some(rkey), record: None };
        self.call::<serde_json::Value>("com.atproto.repo.deleteRecord", &input).await.map(drop)
    }

    async fn call<O: serde::de::DeserializeOwned + Send + Sync>(
        &self,
        nsid: &str,
        input: &WriteInput<'_>,
    ) -> Result<O, Error> {
        let request = XrpcRequest::<(), &WriteInput<'_>> {
            method: Method::POST,
            nsid: nsid.to_owned(),
            parameters: None,
            input: Some(InputDataOrBytes::Data(input)),
            encoding: Some("application/json".to_owned()),
        };
        match self.session.send_xrpc::<(), &WriteInput<'_>, O, serde_json::Value>(&request).await {
            Ok(OutputDataOrBytes::Data(output)) => Ok(output),
            Ok(OutputDataOrBytes::Bytes(bytes)) => {
                serde_json::from_slice(if bytes.is_empty() { b"{}" } else { &bytes }).map_err(|e| {
                    Error::new(
                        ErrorKind::UpstreamFailure,
                        format!("the PDS answered {nsid} with something unexpected: {e}"),
                    )
                })
            }
            Err(e) => Err(pds_error(nsid, input.collection, e)),
        }
    }
}

/// 403 `ScopeMissing`: the viewer's sign-in does not grant writing
/// `collection` (it predates the module that writes it). Signing in again
/// asks for every scope this server needs now.
pub fn scope_missing(collection: &str) -> Error {
    Error::named(
        ErrorKind::Forbidden,
        "ScopeMissing",
        format!(
            "your sign-in does not yet allow Exosphere to write {collection} records (it was given before this feature existed): sign in again to allow it"
        ),
    )
}

/// Turns a PDS failure into an error the viewer can act on.
fn pds_error(nsid: &str, collection: &str, e: atrium_xrpc::Error<serde_json::Value>) -> Error {
    use atrium_xrpc::error::{XrpcError, XrpcErrorKind};
    tracing::warn!(nsid, error = %e, "PDS call failed");
    match e {
        atrium_xrpc::Error::Authentication(_) => {
            Error::new(ErrorKind::AuthRequired, "your PDS no longer accepts this sign-in: sign in again")
        }
        atrium_xrpc::Error::XrpcResponse(XrpcError { status, error }) => {
            let (name, detail) = match error {
                Some(XrpcErrorKind::Custom(body)) => {
                    let name = body["error"].as_str().unwrap_or("Error").to_owned();
                    let message = body["message"].as_str().unwrap_or_default();
                    (name.clone(), format!("{name}: {message}"))
                }
                Some(XrpcErrorKind::Undefined(body)) => (String::new(), format!("{body:?}")),
                None => (String::new(), String::new()),
            };
            match status.as_u16() {
                // The PDS enforces granular OAuth scopes (`ScopeMissingError`, RFC 6750's insufficient_scope).
                401 | 403 if name.contains("Scope") || name == "insufficient_scope" => {
                    scope_missing(collection)
                }
                401 => Error::new(
                    ErrorKind::AuthRequired,
                    format!("your PDS refused the sign-in ({detail}): sign in again"),
                ),
                403 => Error::new(ErrorKind::Forbidden, format!("your PDS refused {nsid}: {detail}")),
                code => Error::new(
                    ErrorKind::UpstreamFailure,
                    format!("your PDS refused {nsid} (HTTP {code}): {detail}"),
                ),
            }
        }
        atrium_xrpc::Error::HttpClient(cause) => {
            Error::new(ErrorKind::UpstreamFailure, format!("could not reach your PDS: {cause}"))
        }
        other => Error::new(ErrorKind::UpstreamFailure, format!("{nsid} failed at your PDS: {other}")),
    }
}
