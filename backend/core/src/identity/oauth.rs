//! The same resolver, as the DID and handle resolvers atrium-oauth asks for.

use atrium_api::did_doc::DidDocument;
use atrium_api::types::string::{Did, Handle};
use atrium_common::resolver::Resolver;

use super::{IdentityError, IdentityResolver};

fn to_atrium(e: IdentityError) -> atrium_identity::Error {
    match e {
        IdentityError::NotFound(_) | IdentityError::NoPds(_) => atrium_identity::Error::NotFound,
        IdentityError::Invalid(what) => atrium_identity::Error::AtIdentifier(what),
        other => atrium_identity::Error::HttpClient(Box::new(other)),
    }
}

/// DID -> document for atrium-oauth.
pub struct OAuthDidResolver(pub IdentityResolver);

impl Resolver for OAuthDidResolver {
    type Input = Did;
    type Output = DidDocument;
    type Error = atrium_identity::Error;

    async fn resolve(&self, did: &Did) -> Result<DidDocument, Self::Error> {
        self.0.resolve_did(did.as_str()).await.map_err(to_atrium)
    }
}

/// Handle -> DID for atrium-oauth.
pub struct OAuthHandleResolver(pub IdentityResolver);

impl Resolver for OAuthHandleResolver {
    type Input = Handle;
    type Output = Did;
    type Error = atrium_identity::Error;

    async fn resolve(&self, handle: &Handle) -> Result<Did, Self::Error> {
        let did = self.0.resolve_handle(handle.as_str()).await.map_err(to_atrium)?;
        Did::new(did).map_err(|e| atrium_identity::Error::Did(e.to_owned()))
    }
}
