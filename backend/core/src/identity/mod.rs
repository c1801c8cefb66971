//! Identity resolution: handle -> DID (DNS TXT, HTTPS well-known, or a
//! configured XRPC resolver), DID -> document (did:plc through the
//! configured directory, did:web) -> PDS endpoint and verified handle.
//! Answers are cached for a few minutes; failures are not.

mod cache;
mod oauth;

use std::sync::Arc;
use std::time::Duration;

use atrium_api::did_doc::DidDocument;
use hickory_resolver::TokioResolver;
use serde::Deserialize;

use self::cache::TtlCache;
pub use self::oauth::{OAuthDidResolver, OAuthHandleResolver};
use crate::Config;
use crate::lexicon::format::{is_did, is_handle};
use crate::outbound;
use crate::xrpc::{Error, ErrorKind};

/// How long resolved identities are trusted.
const TTL: Duration = Duration::from_secs(600);
/// Upper bound for one resolution request.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why an identity could not be resolved.
#[derive(Debug, Clone, thiserror::Error)]
pub enum IdentityError {
    /// The input is neither a handle nor a DID.
    #[error("{0:?} is not a handle or a DID")]
    Invalid(String),
    /// Nothing answers for this handle or DID.
    #[error("{0} could not be resolved")]
    NotFound(String),
    /// A directory, DNS or web server failed or could not be reached.
    #[error("resolving {what} failed: {why}")]
    Unavailable { what: String, why: String },
    /// The DID document has no PDS.
    #[error("the DID document of {0} names no PDS")]
    NoPds(String),
}

impl From<IdentityError> for Error {
    fn from(e: IdentityError) -> Self {
        match e {
            IdentityError::Invalid(_) | IdentityError::NotFound(_) | IdentityError::NoPds(_) => {
                Error::named(ErrorKind::InvalidRequest, "UnresolvableHandle", e.to_string())
            }
            IdentityError::Unavailable { .. } => Error::new(ErrorKind::UpstreamFailure, e.to_string()),
        }
    }
}

/// A resolved account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The account's DID.
    pub did: String,
    /// The handle, when the DID document claims it and it resolves back to the DID.
    pub handle: Option<String>,
    /// The account's PDS endpoint.
    pub pds: String,
}

/// Resolves handles and DIDs, with a cache.
#[derive(Clone)]
pub struct IdentityResolver {
    inner: Arc<Inner>,
}

struct Inner {
    http: crate::outbound::Outbound,
    plc_url: String,
    handle_resolver: Option<String>,
    dns: Option<TokioResolver>,
    handles: TtlCache<String>,
    documents: TtlCache<DidDocument>,
}

#[derive(Deserialize)]
struct ResolveHandleOutput {
    did: String,
}

impl IdentityResolver {
    /// A resolver configured from `EXOSPHERE_PLC_URL` and `EXOSPHERE_HANDLE_RESOLVER`.
    pub fn new(config: &Config, http: crate::outbound::Outbound) -> Self {
        // DNS is only used when no XRPC handle resolver is configured (tests always configure one).
        let dns = match &config.handle_resolver {
            Some(_) => None,
            None => TokioResolver::builder_tokio().ok().map(|b| b.build()),
        };
        Self {
            inner: Arc::new(Inner {
                http,
                plc_url: config.plc_url.trim_end_matches('/').to_owned(),
                handle_resolver: config.handle_resolver.as_ref().map(|u| u.trim_end_matches('/').to_owned()),
                dns,
                handles: TtlCache::new(TTL),
                documents: TtlCache::new(TTL),
            }),
        }
    }

    /// Resolves a handle or a DID to the account's DID, PDS and verified handle.
    pub async fn resolve(&self, handle_or_did: &str) -> Result<Identity, IdentityError> {
        let input = handle_or_did.trim().trim_start_matches('@').to_ascii_lowercase();
        let input =
            if handle_or_did.trim().starts_with("did:") { handle_or_did.trim().to_owned() } else { input };
        let did = if is_did(&input) {
            input.clone()
        } else if is_handle(&input) {
            self.resolve_handle(&input).await?
        } else {
            return Err(IdentityError::Invalid(handle_or_did.to_owned()));
        };
        let document = self.resolve_did(&did).await?;
        let pds = document.get_pds_endpoint().ok_or_else(|| IdentityError::NoPds(did.clone()))?;
        let handle = self.verified_handle(&did, &document).await;
        Ok(Identity { did, handle, pds: pds.trim_end_matches('/').to_owned() })
    }

    /// The handle the document claims, if it resolves back to the same DID.
    pub async fn verified_handle(&self, did: &str, document: &DidDocument) -> Option<String> {
        let claimed = document
            .also_known_as
            .as_ref()?
            .iter()
            .find_map(|aka| aka.strip_prefix("at://"))
            .map(str::to_ascii_lowercase)?;
        match self.resolve_handle(&claimed).await {
            Ok(back) if back == did => Some(claimed),
            _ => None,
        }
    }

    /// Forgets a cached handle or DID document (e.g. after an identity event).
    pub fn forget(&self, key: &str) {
        self.inner.handles.remove(key);
        self.inner.documents.remove(key);
    }

    /// Handle -> DID.
    pub async fn resolve_handle(&self, handle: &str) -> Result<String, IdentityError> {
        let handle = handle.to_ascii_lowercase();
        if let Some(did) = self.inner.handles.get(&handle) {
            return Ok(did);
        }
        let did = match &self.inner.handle_resolver {
            Some(service) => self.resolve_handle_xrpc(service, &handle).await?,
            None => match self.resolve_handle_dns(&handle).await {
                Some(did) => did,
                None => self.resolve_handle_well_known(&handle).await?,
            },
        };
        if !is_did(&did) {
            return Err(IdentityError::NotFound(handle));
        }
        self.inner.handles.insert(handle, did.clone());
        Ok(did)
    }

    async fn resolve_handle_xrpc(&self, service: &str, handle: &str) -> Result<String, IdentityError> {
        let url = format!("{service}/xrpc/com.atproto.identity.resolveHandle");
        let response = self
            .inner
            .http
            .get(&url)
            .map_err(|e| unavailable(handle, e))?
            .query(&[("handle", handle)])
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(|e| unavailable(handle, e))?;
        match response.status().as_u16() {
            200 => Ok(outbound::json::<ResolveHandleOutput>(response)
                .await
                .map_err(|e| unavailable(handle, e))?
                .did),
            400 | 404 => Err(IdentityError::NotFound(handle.to_owned())),
            status => {
                Err(IdentityError::Unavailable { what: handle.to_owned(), why: format!("HTTP {status}") })
            }
        }
    }

    async fn resolve_handle_dns(&self, handle: &str) -> Option<String> {
        let dns = self.inner.dns.as_ref()?;
        let lookup =
            tokio::time::timeout(TIMEOUT, dns.txt_lookup(format!("_atproto.{handle}."))).await.ok()?.ok()?;
        lookup.iter().find_map(|txt| {
            let text: String = txt.txt_data().iter().map(|part| String::from_utf8_lossy(part)).collect();
            text.strip_prefix("did=").map(str::to_owned)
        })
    }

    async fn resolve_handle_well_known(&self, handle: &str) -> Result<String, IdentityError> {
        let url = format!("https://{handle}/.well-known/atproto-did");
        let response = self
            .inner
            .http
            .get(&url)
            .map_err(|e| unavailable(handle, e))?
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(|_| IdentityError::NotFound(handle.into()))?;
        if !response.status().is_success() {
            return Err(IdentityError::NotFound(handle.to_owned()));
        }
        let text = outbound::read_limited(response, 2048).await.map_err(|e| unavailable(handle, e))?;
        Ok(String::from_utf8_lossy(&text).trim().to_owned())
    }

    /// DID -> DID document.
    pub async fn resolve_did(&self, did: &str) -> Result<DidDocument, IdentityError> {
        if let Some(doc) = self.inner.documents.get(did) {
            return Ok(doc);
        }
        let url = if let Some(id) = did.strip_prefix("did:plc:") {
            format!("{}/did:plc:{id}", self.inner.plc_url)
        } else if let Some(host) = did.strip_prefix("did:web:") {
            if host.contains(':') && !host.contains("%3A") {
                return Err(IdentityError::Invalid(did.to_owned()));
            }
            format!("https://{}/.well-known/did.json", host.replace("%3A", ":"))
        } else {
            return Err(IdentityError::Invalid(did.to_owned()));
        };
        let response = self
            .inner
            .http
            .get(&url)
            .map_err(|e| unavailable(did, e))?
            .timeout(TIMEOUT)
            .send()
            .await
            .map_err(|e| unavailable(did, e))?;
        let status = response.status().as_u16();
        if status == 404 || status == 410 {
            return Err(IdentityError::NotFound(did.to_owned()));
        }
        if !response.status().is_success() {
            return Err(IdentityError::Unavailable { what: did.to_owned(), why: format!("HTTP {status}") });
        }
        let document: DidDocument = outbound::json(response).await.map_err(|e| unavailable(did, e))?;
        if document.id != did {
            return Err(IdentityError::Unavailable {
                what: did.to_owned(),
                why: format!("the directory answered with the document of {}", document.id),
            });
        }
        self.inner.documents.insert(did.to_owned(), document.clone());
        Ok(document)
    }
}

fn unavailable(what: &str, e: impl Into<outbound::OutboundError>) -> IdentityError {
    IdentityError::Unavailable { what: what.to_owned(), why: e.into().to_string() }
}
