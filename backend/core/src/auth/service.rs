//! AT Protocol inter-service auth: a program calls Exosphere as its user
//! with `Authorization: Bearer <JWT>`, a token its PDS signed with the
//! account's `#atproto` key (`com.atproto.server.getServiceAuth`, or the
//! PDS itself when it proxies a call with `atproto-proxy`).
//!
//! A token is accepted only when its signature verifies against the key in
//! the issuer's DID document (ES256K or ES256, low-S), `aud` is this
//! server's service DID, `lxm` is the method called, it has not expired (nor
//! expires implausibly far ahead), and its `jti` was not seen before. Each
//! refusal is a 401 that names what was wrong, with the names the reference
//! implementation uses (`BadJwtSignature`, `BadJwtAudience`, ...).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use serde::Deserialize;

use super::Viewer;
use super::multikey::PublicKey;
use crate::identity::{IdentityError, IdentityResolver};
use crate::xrpc::{Error, ErrorKind};

/// Clock difference between the issuer and us that is tolerated, in seconds.
const CLOCK_SKEW: i64 = 30;
/// The longest lifetime a token may claim (PDSes issue 60 s; `getServiceAuth`
/// lets a client ask for up to an hour).
const MAX_LIFETIME: i64 = 3600;
/// Tokens remembered against replay. A token is remembered until it expires,
/// and lives an hour at most, so this is ~28 calls a second for an hour
/// before the oldest still-live one is forgotten.
const REPLAY_CAPACITY: usize = 100_000;
/// How long a verified issuer key is trusted before its DID document is read again.
const KEY_TTL: Duration = Duration::from_secs(600);

/// The claims of a service token that Exosphere reads.
#[derive(Debug, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    exp: i64,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    lxm: Option<String>,
    #[serde(default)]
    jti: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
}

/// Verifies service tokens for one service DID.
pub struct ServiceAuth {
    service_did: String,
    identity: IdentityResolver,
    issuers: Mutex<HashMap<String, (std::time::Instant, Issuer)>>,
    seen: Mutex<Replays>,
}

/// What a token's issuer is known by: their signing key and verified handle.
#[derive(Clone, PartialEq, Eq)]
struct Issuer {
    key: PublicKey,
    handle: Option<String>,
}

/// Token ids seen, with their expiry, oldest first.
#[derive(Default)]
struct Replays {
    expiry: HashMap<String, i64>,
    order: VecDeque<(i64, String)>,
}

impl Replays {
    /// Remembers `key` until `exp`; false if it is already remembered.
    fn first_use(&mut self, key: String, exp: i64, now: i64) -> bool {
        while self.order.front().is_some_and(|(exp, _)| *exp < now - CLOCK_SKEW)
            || self.order.len() >= REPLAY_CAPACITY
        {
            if let Some((_, old)) = self.order.pop_front() {
                self.expiry.remove(&old);
            }
        }
        if self.expiry.contains_key(&key) {
            return false;
        }
        self.expiry.insert(key.clone(), exp);
        // Tokens mostly arrive in order of expiry; one that expires sooner
        // than the last is still forgotten no earlier than it.
        let exp = self.order.back().map_or(exp, |(last, _)| exp.max(*last));
        self.order.push_back((exp, key));
        true
    }
}

fn refused(name: &'static str, message: impl Into<String>) -> Error {
    Error::named(ErrorKind::AuthRequired, name, message)
}

impl ServiceAuth {
    pub fn new(service_did: String, identity: IdentityResolver) -> Self {
        Self { service_did, identity, issuers: Mutex::default(), seen: Mutex::default() }
    }

    /// This server's service DID.
    pub fn service_did(&self) -> &str {
        &self.service_did
    }

    /// The viewer a valid token for method `lxm` was issued by; a 401 naming
    /// the fault otherwise.
    pub async fn verify(&self, token: &str, lxm: &str) -> Result<Viewer, Error> {
        let now = chrono::Utc::now().timestamp();
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(refused("BadJwt", "the token is not a JWT (three base64url parts)"));
        };
        let decode = |part: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part);
        let header: Header = decode(header)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| refused("BadJwt", "the token's header is not base64url JSON"))?;
        let claims: Claims =
            decode(payload).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).ok_or_else(|| {
                refused("BadJwt", "the token's claims are not base64url JSON with iss, aud and exp")
            })?;
        let signature_text = signature;
        let signature =
            decode(signature).map_err(|_| refused("BadJwtSignature", "the signature is not base64url"))?;
        // A PDS proxying to `did#exosphere_appview` may keep the fragment in `aud`.
        let aud = claims.aud.split('#').next().unwrap_or_default();
        if aud != self.service_did {
            return Err(refused(
                "BadJwtAudience",
                format!("the token is for {}, not this service ({})", claims.aud, self.service_did),
            ));
        }
        match claims.lxm.as_deref() {
            Some(m) if m == lxm => {}
            Some(m) => {
                return Err(refused(
                    "BadJwtLexiconMethod",
                    format!("the token is for the method {m}, not {lxm}"),
                ));
            }
            None => {
                return Err(refused(
                    "BadJwtLexiconMethod",
                    format!("the token names no method (lxm); ask for {lxm}"),
                ));
            }
        }
        if claims.exp <= now - CLOCK_SKEW {
            return Err(refused("JwtExpired", "the token has expired"));
        }
        if claims.exp > now + MAX_LIFETIME + CLOCK_SKEW
            || claims.iat.is_some_and(|iat| iat > now + CLOCK_SKEW)
        {
            return Err(refused("BadJwt", "the token claims a time too far in the future"));
        }
        // `iss` is the account's DID; a service may add `#fragment` for one of its services.
        let issuer = claims.iss.split('#').next().unwrap_or_default().to_owned();
        if claims.iss.contains('#') {
            return Err(refused(
                "BadJwtIssuer",
                "tokens of services (iss with a #fragment) are not accepted",
            ));
        }
        let signed = &token[..token.rfind('.').unwrap_or_default()];
        let mut known = self.issuer(&issuer, false).await?;
        if !known.key.verifies(&header.alg, signed.as_bytes(), &signature) {
            // The account may have rotated its key since the document was read.
            let fresh = self.issuer(&issuer, true).await?;
            if fresh.key == known.key || !fresh.key.verifies(&header.alg, signed.as_bytes(), &signature) {
                return Err(refused(
                    "BadJwtSignature",
                    format!("the signature does not verify against {issuer}'s atproto key ({})", header.alg),
                ));
            }
            known = fresh;
        }
        // Every token is one call: a token without a jti is known by its signature.
        let id = claims.jti.unwrap_or_else(|| signature_text.to_owned());
        let first =
            self.seen.lock().map(|mut seen| seen.first_use(format!("{issuer} {id}"), claims.exp, now));
        if !first.unwrap_or(false) {
            return Err(refused(
                "JwtReplayed",
                "this token was used before: ask for a new one for each call",
            ));
        }
        Ok(Viewer { did: issuer, handle: known.handle })
    }

    /// The `#atproto` key and verified handle of a DID, remembered for a
    /// while (or read afresh).
    async fn issuer(&self, did: &str, fresh: bool) -> Result<Issuer, Error> {
        if !fresh
            && let Some(known) = self.issuers.lock().ok().and_then(|issuers| {
                issuers.get(did).filter(|(at, _)| at.elapsed() < KEY_TTL).map(|(_, known)| known.clone())
            })
        {
            return Ok(known);
        }
        if fresh {
            self.identity.forget(did);
        }
        let document = self.identity.resolve_did(did).await.map_err(|e| match e {
            IdentityError::Unavailable { .. } => Error::new(ErrorKind::UpstreamFailure, e.to_string()),
            _ => refused("BadJwtIssuer", format!("the token's issuer could not be resolved: {e}")),
        })?;
        let key = document
            .get_signing_key()
            .and_then(|method| {
                PublicKey::from_method(&method.r#type, method.public_key_multibase.as_deref()?)
            })
            .ok_or_else(|| {
                refused("BadJwtIssuer", format!("the DID document of {did} has no usable #atproto key"))
            })?;
        let known = Issuer { key, handle: self.identity.verified_handle(did, &document).await };
        if let Ok(mut issuers) = self.issuers.lock() {
            if issuers.len() >= 10_000 {
                issuers.retain(|_, (at, _)| at.elapsed() < KEY_TTL);
            }
            issuers.insert(did.to_owned(), (std::time::Instant::now(), known.clone()));
        }
        Ok(known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_id_is_accepted_once_and_forgotten_after_it_expires() {
        let mut seen = Replays::default();
        assert!(seen.first_use("did:plc:a 1".into(), 1_000, 900));
        assert!(!seen.first_use("did:plc:a 1".into(), 1_000, 950), "a replay");
        assert!(seen.first_use("did:plc:b 1".into(), 1_000, 950), "the same jti from another issuer");
        // Long after expiry it is forgotten (the token itself is refused as expired by then).
        assert!(seen.first_use("did:plc:c 2".into(), 2_000, 1_500));
        assert!(!seen.expiry.contains_key("did:plc:a 1"));
        assert_eq!(seen.order.len(), seen.expiry.len());
    }

    #[test]
    fn the_replay_memory_is_bounded() {
        let mut seen = Replays::default();
        for i in 0..REPLAY_CAPACITY + 10 {
            assert!(seen.first_use(format!("did:plc:a {i}"), 10_000, 0));
        }
        assert_eq!(seen.expiry.len(), REPLAY_CAPACITY);
        assert!(!seen.expiry.contains_key("did:plc:a 0"), "the oldest went first");
    }
}
