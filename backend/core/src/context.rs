//! What every handler and module gets: configuration, the database,
//! identity resolution and sign-in.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use crate::auth::Auth;
use crate::identity::IdentityResolver;
use crate::instance::Instance;
use crate::limits::{Limiter, Rates};
use crate::metrics::Metrics;
use crate::module::Registry;
use crate::outbound::Outbound;
use crate::xrpc::cache::ResponseCache;
use crate::{Config, Db};

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppContext {
    /// The configuration the server started with.
    pub config: Arc<Config>,
    /// The SQLite pool.
    pub db: Db,
    /// Handle and DID resolution.
    pub identity: IdentityResolver,
    /// Sign-in, sessions, PDS sessions.
    pub auth: Arc<Auth>,
    /// Outgoing HTTP to hosts others choose (rustls, timeouts, no redirects
    /// followed, never to this server's own networks: [`crate::outbound`]).
    pub http: Outbound,
    /// The modules this server runs.
    pub registry: Registry,
    /// Anonymous query responses (see [`crate::xrpc::cache`]).
    pub responses: Arc<ResponseCache>,
    /// Prometheus metrics of this process.
    pub metrics: Arc<Metrics>,
    /// Rate limits of sign-ins, writes and searches.
    pub limits: Arc<Limiter>,
    /// How this process's indexer is doing (off unless one runs here).
    pub indexer: Arc<crate::health::IndexerWatch>,
    /// The instance's administrators and Sphere-creation policy.
    pub instance: Arc<Instance>,
    /// Re-reads a public Sphere from PDSes in the background, when set by the
    /// process that can (the server sets the indexer's rebuild here).
    pub sphere_refresher: Arc<OnceLock<SphereRefresher>>,
}

/// Starts re-reading the Sphere of the given record URI from its PDSes.
pub type SphereRefresher =
    Box<dyn Fn(AppContext, String) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

impl AppContext {
    /// Builds the services on top of configuration and database.
    pub fn new(config: Config, db: Db, registry: Registry) -> anyhow::Result<Self> {
        let http = Outbound::new(config.network_policy()?)?;
        let identity = IdentityResolver::new(&config, http.clone());
        let auth =
            Arc::new(Auth::new(&config, db.clone(), identity.clone(), http.clone(), &registry.scopes())?);
        let limits = Arc::new(Limiter::new(Rates {
            sign_ins: config.rate_sign_ins,
            writes: config.rate_writes,
            searches: config.rate_searches,
        }));
        let instance = Instance::load(&config, &db)?;
        Ok(Self {
            limits,
            instance,
            indexer: Arc::default(),
            sphere_refresher: Arc::default(),
            config: Arc::new(config),
            db,
            identity,
            auth,
            http,
            registry,
            responses: Arc::default(),
            metrics: Arc::default(),
        })
    }
}
