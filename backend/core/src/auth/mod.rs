//! Sign-in with AT Protocol OAuth, browser sessions, and the viewer.
//!
//! Production (an https `EXOSPHERE_PUBLIC_URL`) uses a confidential client
//! (`private_key_jwt` with an ES256 key kept in the data dir); on loopback
//! (`http://127.0.0.1:PORT`) the atproto loopback client needs no setup.
//! atrium-oauth does PAR, PKCE, DPoP and token refresh; its state and
//! session stores live in SQLite. A browser holds only an opaque `sid`
//! cookie, stored hashed, that maps to an account.

mod http;
mod keys;
pub mod multikey;
pub mod routes;
pub mod service;
mod sessions;
mod store;
pub mod tokens;

use std::sync::Arc;

use anyhow::Context;
use atrium_api::types::string::Did;
use atrium_oauth::{
    AtprotoClientMetadata, AtprotoLocalhostClientMetadata, AuthMethod, AuthorizeOptions, CallbackParams,
    GrantType, KnownScope, OAuthClient, OAuthClientConfig, OAuthResolverConfig, OAuthSession, Scope,
};
use base64::Engine;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{OptionalExtension, QueryableByName, RunQueryDsl};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub use self::http::ReqwestClient;
pub use self::keys::KEY_FILE;
use self::sessions::SessionCache;
use self::store::{SqliteSessionStore, SqliteStateStore, now};
use crate::db::sql::sql;
use crate::identity::{IdentityResolver, OAuthDidResolver, OAuthHandleResolver};
use crate::xrpc::{Error, ErrorKind};
use crate::{Config, Db};

type Client =
    OAuthClient<SqliteStateStore, SqliteSessionStore, OAuthDidResolver, OAuthHandleResolver, ReqwestClient>;

/// A signed-in account's OAuth session: an XRPC client for its PDS.
pub type PdsSession = OAuthSession<ReqwestClient, OAuthDidResolver, OAuthHandleResolver, SqliteSessionStore>;

/// Name of the browser session cookie.
pub const SESSION_COOKIE: &str = "sid";
/// How long a browser session lasts.
const SESSION_DAYS: i64 = 30;

/// The signed-in person making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Their DID.
    pub did: String,
    /// Their handle, when it was verified at sign-in.
    pub handle: Option<String>,
}

/// Sign-in, sessions and access to signed-in accounts' PDSes.
pub struct Auth {
    client: Result<Arc<Client>, String>,
    db: Db,
    identity: IdentityResolver,
    secure_cookies: bool,
    scopes: Vec<Scope>,
    /// Sessions read lately (see [`sessions`]).
    sessions: SessionCache,
    /// Verifies atproto service-auth tokens (`Authorization: Bearer`).
    pub service: service::ServiceAuth,
}

/// The OAuth scopes Exosphere asks for: `atproto` plus `repo:` scopes of the
/// record collections core and the modules write ([`Registry::scopes`](crate::module::Registry::scopes)).
pub fn scopes(repo_scopes: &[String]) -> Vec<Scope> {
    std::iter::once(Scope::Known(KnownScope::Atproto))
        .chain(repo_scopes.iter().map(|scope| Scope::Unknown(scope.clone())))
        .collect()
}

/// Where a sign-in may return to: a path on this site, nothing else.
///
/// The path is read as browsers read a link on one of our pages (they drop
/// tabs and newlines, take `\\` for `/`, and `//host` for another site), and
/// kept only when it resolves to this origin; what is kept is the URL
/// parser's own serialisation (percent-encoded, no control characters), so
/// it is also a valid `Location`. Anything else returns to `/`.
pub fn safe_return_path(path: Option<&str>) -> String {
    const HOME: &str = "/";
    let Some(path) = path.filter(|p| p.starts_with('/') && p.len() < 2048) else { return HOME.to_owned() };
    let Ok(base) = reqwest::Url::parse("https://this-site.invalid/") else { return HOME.to_owned() };
    match base.join(path) {
        Ok(url) if url.origin() == base.origin() => {
            let mut kept = url.path().to_owned();
            if let Some(query) = url.query() {
                kept.push('?');
                kept.push_str(query);
            }
            if let Some(fragment) = url.fragment() {
                kept.push('#');
                kept.push_str(fragment);
            }
            kept
        }
        _ => HOME.to_owned(),
    }
}

impl Auth {
    /// Builds the OAuth client for the configured public URL.
    pub fn new(
        config: &Config,
        db: Db,
        identity: IdentityResolver,
        http: crate::outbound::Outbound,
        repo_scopes: &[String],
    ) -> anyhow::Result<Self> {
        let url = reqwest::Url::parse(&config.public_url)
            .with_context(|| format!("EXOSPHERE_PUBLIC_URL {:?} is not a URL", config.public_url))?;
        let origin = url.origin().ascii_serialization();
        let loopback =
            url.scheme() == "http" && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        let scopes = scopes(repo_scopes);
        let resolver = || OAuthResolverConfig {
            did_resolver: OAuthDidResolver(identity.clone()),
            handle_resolver: OAuthHandleResolver(identity.clone()),
            authorization_server_metadata: Default::default(),
            protected_resource_metadata: Default::default(),
        };
        let client = if loopback {
            // The loopback client's redirect must use the literal IP, whatever name the operator wrote.
            let port = url.port_or_known_default().unwrap_or(80);
            OAuthClient::new(OAuthClientConfig {
                client_metadata: AtprotoLocalhostClientMetadata {
                    redirect_uris: Some(vec![format!("http://127.0.0.1:{port}/oauth/callback")]),
                    scopes: Some(scopes.clone()),
                },
                keys: None,
                state_store: SqliteStateStore(db.clone()),
                session_store: SqliteSessionStore(db.clone()),
                resolver: resolver(),
                http_client: ReqwestClient(http),
            })
            .map(Arc::new)
            .map_err(|e| format!("the loopback OAuth client could not be set up: {e}"))
        } else if url.scheme() == "https" {
            let key = keys::load_or_create(&config.data_dir)?;
            OAuthClient::new(OAuthClientConfig {
                client_metadata: AtprotoClientMetadata {
                    client_id: format!("{origin}/oauth-client-metadata.json"),
                    client_uri: Some(origin.clone()),
                    redirect_uris: vec![format!("{origin}/oauth/callback")],
                    token_endpoint_auth_method: AuthMethod::PrivateKeyJwt,
                    grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
                    scopes: scopes.clone(),
                    jwks_uri: Some(format!("{origin}/oauth/jwks.json")),
                    token_endpoint_auth_signing_alg: Some("ES256".into()),
                },
                keys: Some(vec![key]),
                state_store: SqliteStateStore(db.clone()),
                session_store: SqliteSessionStore(db.clone()),
                resolver: resolver(),
                http_client: ReqwestClient(http),
            })
            .map(Arc::new)
            .map_err(|e| format!("the OAuth client could not be set up: {e}"))
        } else {
            Err(format!(
                "sign-in needs EXOSPHERE_PUBLIC_URL to be an https origin, or http://127.0.0.1:PORT for local use (it is {})",
                config.public_url
            ))
        };
        if let Err(why) = &client {
            tracing::warn!("{why}");
        }
        Ok(Self {
            client,
            db,
            identity: identity.clone(),
            secure_cookies: url.scheme() == "https",
            scopes,
            sessions: SessionCache::default(),
            service: service::ServiceAuth::new(config.service_did()?, identity),
        })
    }

    fn client(&self) -> Result<&Arc<Client>, Error> {
        self.client.as_ref().map_err(|why| Error::new(ErrorKind::Internal, why.clone()))
    }

    /// The client metadata document (`/oauth-client-metadata.json`).
    pub fn client_metadata(&self) -> Result<serde_json::Value, Error> {
        serde_json::to_value(&self.client()?.client_metadata).map_err(Error::internal)
    }

    /// The public keys (`/oauth/jwks.json`); empty for the loopback client.
    pub fn jwks(&self) -> Result<serde_json::Value, Error> {
        serde_json::to_value(self.client()?.jwks()).map_err(Error::internal)
    }

    /// Whether the session cookie must be `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    /// Starts a sign-in for a handle, DID or PDS URL: the URL of the
    /// account's authorization server to send the browser to.
    pub async fn authorize_url(&self, input: &str, return_to: &str) -> Result<String, Error> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Error::invalid_request("enter your handle, e.g. alice.bsky.social"));
        }
        if !input.starts_with("https://") {
            // Our own resolution first: its errors say what went wrong in words people understand.
            self.identity
                .resolve(input)
                .await
                .map_err(|e| Error::named(e_kind(&e), "UnresolvableHandle", e.to_string()))?;
        }
        let client = Arc::clone(self.client()?);
        let options = AuthorizeOptions {
            scopes: self.scopes.clone(),
            state: Some(return_to.to_owned()),
            ..Default::default()
        };
        let input = input.to_owned();
        // atrium-oauth can panic (todo!) on servers it doesn't expect: contain it in its own task.
        tokio::spawn(async move { client.authorize(input, options).await })
            .await
            .map_err(|_| {
                Error::new(
                    ErrorKind::UpstreamFailure,
                    "the authorization server answered in a way we can't handle",
                )
            })?
            .map_err(|e| {
                Error::new(ErrorKind::UpstreamFailure, format!("could not start sign-in with your PDS: {e}"))
            })
    }

    /// The return path stored with a sign-in in progress.
    pub async fn pending_return_path(&self, state: &str) -> String {
        safe_return_path(store::peek_app_state(&self.db, state).await.as_deref())
    }

    /// Finishes a sign-in: exchanges the code, stores the tokens, and opens
    /// a browser session. Returns the new `sid` and where to send the browser.
    pub async fn complete(&self, params: CallbackParams) -> Result<(String, String), Error> {
        let client = Arc::clone(self.client()?);
        let (session, app_state) = tokio::spawn(async move { client.callback(params).await })
            .await
            .map_err(|_| Error::new(ErrorKind::UpstreamFailure, "your PDS refused to complete the sign-in"))?
            .map_err(|e| {
                Error::new(ErrorKind::UpstreamFailure, format!("sign-in could not be completed: {e}"))
            })?;
        let did = atrium_api::agent::SessionManager::did(&session)
            .await
            .ok_or_else(|| Error::new(ErrorKind::UpstreamFailure, "the PDS did not say who signed in"))?;
        let did = did.as_str().to_owned();
        let handle = match self.identity.resolve_did(&did).await {
            Ok(doc) => self.identity.verified_handle(&did, &doc).await,
            Err(e) => {
                tracing::warn!(%did, error = %e, "signed in, but the DID document could not be read");
                None
            }
        };
        let sid = self.open_session(&did, handle.as_deref()).await?;
        let (known_did, known_handle) = (did.clone(), handle.clone());
        self.db
            .write(move |c| crate::sphere::store::remember_handle(c, &known_did, known_handle.as_deref()))
            .await?;
        tracing::info!(%did, handle = handle.as_deref().unwrap_or("-"), "signed in");
        Ok((sid, safe_return_path(app_state.as_deref())))
    }

    async fn open_session(&self, did: &str, handle: Option<&str>) -> Result<String, Error> {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let sid = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let (hash, did, handle) = (hash_sid(&sid), did.to_owned(), handle.map(str::to_owned));
        self.db
            .write(move |c| {
                sql("DELETE FROM auth_sessions WHERE expires_at <= ?").bind::<BigInt, _>(now()).execute(c)?;
                sql(
                    "INSERT INTO auth_sessions (sid_hash, did, handle, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                )
                .bind::<Text, _>(hash)
                .bind::<Text, _>(did)
                .bind::<Nullable<Text>, _>(handle)
                .bind::<BigInt, _>(now())
                .bind::<BigInt, _>(now() + SESSION_DAYS * 86_400)
                .execute(c)?;
                Ok(())
            })
            .await?;
        Ok(sid)
    }

    /// The viewer behind a `sid` cookie, if the session is live.
    pub async fn viewer(&self, sid: &str) -> Result<Option<Viewer>, Error> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            did: String,
            #[diesel(sql_type = Nullable<Text>)]
            handle: Option<String>,
            #[diesel(sql_type = BigInt)]
            expires_at: i64,
        }
        let hash = hash_sid(sid);
        if let Some(viewer) = self.sessions.get(&hash, now()) {
            return Ok(Some(viewer));
        }
        let key = hash.clone();
        let row = self
            .db
            .read(move |c| {
                Ok(sql(
                    "SELECT did, handle, expires_at FROM auth_sessions WHERE sid_hash = ? AND expires_at > ?",
                )
                .bind::<Text, _>(key)
                .bind::<BigInt, _>(now())
                .get_result::<Row>(c)
                .optional()?)
            })
            .await?;
        Ok(row.map(|r| {
            let viewer = Viewer { did: r.did, handle: r.handle };
            self.sessions.put(hash, viewer.clone(), r.expires_at);
            viewer
        }))
    }

    /// Ends a browser session. When it was the account's last one, the
    /// OAuth tokens are revoked at the authorization server too.
    pub async fn logout(&self, sid: &str) -> Result<(), Error> {
        let Some(viewer) = self.viewer(sid).await? else { return Ok(()) };
        let hash = hash_sid(sid);
        self.sessions.end(&hash);
        let did = viewer.did.clone();
        let others = self
            .db
            .write(move |c| {
                sql("DELETE FROM auth_sessions WHERE sid_hash = ?").bind::<Text, _>(hash).execute(c)?;
                #[derive(QueryableByName)]
                struct Count {
                    #[diesel(sql_type = BigInt)]
                    n: i64,
                }
                Ok(sql("SELECT count(*) AS n FROM auth_sessions WHERE did = ? AND expires_at > ?")
                    .bind::<Text, _>(did)
                    .bind::<BigInt, _>(now())
                    .get_result::<Count>(c)?
                    .n)
            })
            .await?;
        if others == 0
            && let (Ok(client), Ok(did)) = (self.client(), Did::new(viewer.did.clone()))
        {
            let client = Arc::clone(client);
            let revoked = tokio::spawn(async move { client.revoke(&did).await }).await;
            if !matches!(revoked, Ok(Ok(()))) {
                tracing::warn!(did = %viewer.did, "could not revoke the OAuth session at the PDS; forgetting it here");
            }
            let did = viewer.did.clone();
            self.db
                .write(move |c| {
                    sql("DELETE FROM oauth_sessions WHERE did = ?").bind::<Text, _>(did).execute(c)?;
                    Ok(())
                })
                .await?;
        }
        tracing::info!(did = %viewer.did, "signed out");
        Ok(())
    }

    /// An XRPC client for a signed-in account's PDS.
    pub async fn pds_session(&self, did: &str) -> Result<PdsSession, Error> {
        let client = Arc::clone(self.client()?);
        let did = Did::new(did.to_owned()).map_err(|e| Error::invalid_request(format!("bad DID: {e}")))?;
        tokio::spawn(async move { client.restore(&did).await })
            .await
            .map_err(|_| Error::new(ErrorKind::UpstreamFailure, "could not restore the PDS session"))?
            .map_err(|e| match e {
                atrium_oauth::Error::SessionRegistry(_) | atrium_oauth::Error::SessionStore(_) => {
                    tracing::info!(error = %e, "no usable OAuth session");
                    Error::new(ErrorKind::AuthRequired, "your sign-in has expired: sign in again")
                }
                other => Error::new(
                    ErrorKind::UpstreamFailure,
                    format!("could not reach your PDS's authorization server: {other}"),
                ),
            })
    }
}

fn e_kind(e: &crate::identity::IdentityError) -> ErrorKind {
    match e {
        crate::identity::IdentityError::Unavailable { .. } => ErrorKind::UpstreamFailure,
        _ => ErrorKind::InvalidRequest,
    }
}

/// How a `sid` cookie is stored: its SHA-256, hex (a leaked database reveals no live cookie).
pub fn hash_sid(sid: &str) -> String {
    crate::ids::hex(&Sha256::digest(sid.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/s/rust?x=1")), "/s/rust?x=1");
        assert_eq!(safe_return_path(Some("//evil.example")), "/");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/");
        assert_eq!(safe_return_path(Some("/\\evil")), "/");
        assert_eq!(safe_return_path(None), "/");
        // Browsers drop tabs and newlines and read `\\` as `/`: each of these is another site to them.
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/\\/evil.example",
            "\\/evil.example",
            "/\\evil.example",
            "//evil.example/%2e%2e",
            "///evil.example",
            "/\t\t/evil.example/x?y#z",
            "https:evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_return_path(Some(hostile)), "/", "{hostile:?}");
        }
        // Encoded slashes and Unicode dots are paths on this site, and stay so, encoded.
        assert_eq!(safe_return_path(Some("/%2F%2Fevil.example")), "/%2F%2Fevil.example");
        assert_eq!(safe_return_path(Some("/%5C%5Cevil.example")), "/%5C%5Cevil.example");
        assert_eq!(
            safe_return_path(Some("/\u{3002}/evil\u{3002}example")),
            "/%E3%80%82/evil%E3%80%82example"
        );
        assert_eq!(safe_return_path(Some("/s/a b\n?q=<x>#top")), "/s/a%20b?q=%3Cx%3E#top");
        assert_eq!(safe_return_path(Some("/s/../../x")), "/x");
    }

    #[test]
    fn scopes_are_atproto_and_the_registrys_repo_scopes() {
        let repo = ["repo:site.exosphere.sphere".to_owned(), "repo:x.y.thing".to_owned()];
        let scopes: Vec<String> = scopes(&repo).iter().map(|s| s.as_ref().to_owned()).collect();
        assert_eq!(scopes, ["atproto", "repo:site.exosphere.sphere", "repo:x.y.thing"]);
    }
}
