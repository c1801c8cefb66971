//! Configuration: environment variables and command-line flags (one struct,
//! read by clap), all optional with defaults that work on a laptop.

use std::net::SocketAddr;
use std::path::PathBuf;

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Who may create Spheres on this instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SphereCreation {
    /// The instance's administrators and the accounts they allow.
    Admins,
    /// Any signed-in account.
    Anyone,
    /// Administrators, the accounts they allow, and holders of a single-use invite code.
    Invite,
}

impl SphereCreation {
    /// The policy's name, as configured and as `getInstance` reports it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admins => "admins",
            Self::Anyone => "anyone",
            Self::Invite => "invite",
        }
    }
}

/// Server configuration. Every field has an environment variable and a flag.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address the HTTP server listens on.
    #[arg(long, env = "EXOSPHERE_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Public origin of this server: OAuth client id, redirects, links.
    #[arg(long, env = "EXOSPHERE_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: String,

    /// This server's service DID: the `aud` that atproto service-auth tokens
    /// must name, and the DID a PDS proxies to (`atproto-proxy`). Unset:
    /// `did:web` of the public URL's host (`did:web:localhost%3APORT` for a
    /// loopback URL, which PDSes accept as a token audience).
    #[arg(long, env = "EXOSPHERE_SERVICE_DID")]
    pub service_did: Option<String>,

    /// Folder for the SQLite database and the OAuth signing key; created if missing.
    #[arg(long, env = "EXOSPHERE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Jetstream endpoint the indexer subscribes to; several, comma-separated,
    /// are tried in turn when one fails.
    #[arg(
        long,
        env = "EXOSPHERE_JETSTREAM_URL",
        default_value = "wss://jetstream2.us-east.bsky.network/subscribe"
    )]
    pub jetstream_url: String,

    /// Jetstream's zstd dictionary (a file): with it, the indexer asks for
    /// the compressed stream (`compress=true`), about half the bytes.
    #[arg(long, env = "EXOSPHERE_JETSTREAM_ZSTD_DICTIONARY")]
    pub jetstream_zstd_dictionary: Option<PathBuf>,

    /// did:plc directory used to resolve DIDs.
    #[arg(long, env = "EXOSPHERE_PLC_URL", default_value = "https://plc.directory")]
    pub plc_url: String,

    /// A relay whose com.atproto.sync.listReposByCollection tells rebuilds
    /// which repos hold Exosphere records (unset: owner, members, known authors).
    #[arg(long, env = "EXOSPHERE_RELAY_URL")]
    pub relay_url: Option<String>,

    /// XRPC service whose com.atproto.identity.resolveHandle resolves handles
    /// (unset: DNS TXT and HTTPS well-known).
    #[arg(long, env = "EXOSPHERE_HANDLE_RESOLVER")]
    pub handle_resolver: Option<String>,

    /// Serve the API without the in-process Jetstream consumer.
    #[arg(long, env = "DISABLE_INDEXER", value_parser = parse_flag, default_value = "0")]
    pub disable_indexer: bool,

    /// Publish membership records of private Spheres on PDSes (`0`: keep
    /// private membership in this server's database only, for privacy).
    #[arg(long, env = "EXOSPHERE_PRIVATE_MEMBERSHIP_ON_PDS", value_parser = parse_flag, default_value = "1")]
    pub private_membership_on_pds: bool,

    /// Largest accepted XRPC request body, in bytes.
    #[arg(long, env = "EXOSPHERE_MAX_BODY_BYTES", default_value_t = 1 << 20)]
    pub max_body_bytes: usize,

    /// HTTP worker threads (0: one per core).
    #[arg(long, env = "EXOSPHERE_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// The built web app (index.html and assets/) that this server serves.
    #[arg(long, env = "EXOSPHERE_WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,

    /// Build the web app on start when its sources sit beside the web dir
    /// (a source checkout) and the build is missing or stale (needs Node and npm).
    #[arg(long, env = "EXOSPHERE_BUILD_WEB", value_parser = parse_flag, default_value = "1")]
    pub build_web: bool,

    /// Networks this server may call although they are private: a comma-
    /// separated list of CIDRs (`10.1.0.0/16`, `fd00::/8`) and `loopback`.
    /// Unset, requests to hosts that others choose (handles, DID documents,
    /// PDSes) never go to loopback, private, link-local, CGNAT, multicast or
    /// unspecified addresses (see README, Security).
    #[arg(long, env = "EXOSPHERE_ALLOW_PRIVATE_NETWORKS")]
    pub allow_private_networks: Option<String>,

    /// A token that `/metrics` asks for (`Authorization: Bearer <token>`).
    /// Unset, the metrics are public: set one on a server others can reach.
    #[arg(long, env = "EXOSPHERE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Sign-ins a client address may start per minute (0: no limit).
    #[arg(long, env = "EXOSPHERE_RATE_SIGNINS", default_value_t = 30)]
    pub rate_sign_ins: u32,

    /// XRPC writes an account may make per minute (0: no limit).
    #[arg(long, env = "EXOSPHERE_RATE_WRITES", default_value_t = 600)]
    pub rate_writes: u32,

    /// Full-text searches a client address may make per minute (0: no limit).
    #[arg(long, env = "EXOSPHERE_RATE_SEARCHES", default_value_t = 300)]
    pub rate_searches: u32,

    /// Milliseconds before a webhook delivery that failed is tried again
    /// (four times longer after each failure, six attempts in all).
    #[arg(long, env = "EXOSPHERE_WEBHOOK_RETRY_MS", default_value_t = 10_000)]
    pub webhook_retry_ms: u64,

    /// The instance's administrators: handles or DIDs, comma-separated.
    /// Unset, the first account to create a Sphere here becomes the administrator.
    #[arg(long, env = "EXOSPHERE_ADMINS")]
    pub admins: Option<String>,

    /// Who may create Spheres: `admins` (administrators and the accounts they
    /// allow), `anyone` signed in, or `invite` (also holders of an invite code).
    #[arg(long, env = "EXOSPHERE_SPHERE_CREATION", value_enum, default_value = "admins")]
    pub sphere_creation: SphereCreation,

    /// Slug of the Sphere that `/` shows, for a single-community instance
    /// (the list of Spheres is then for administrators only).
    #[arg(long, env = "EXOSPHERE_HOME_SPHERE")]
    pub home_sphere: Option<String>,

    /// Log format.
    #[arg(long, env = "EXOSPHERE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

/// Accepts the usual spellings of a boolean environment flag.
fn parse_flag(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "off" => Ok(false),
        "1" | "true" | "yes" | "on" => Ok(true),
        other => Err(format!("expected 1/0, true/false, yes/no or on/off, got {other:?}")),
    }
}

impl Config {
    /// Path of the SQLite database inside the data dir.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("exosphere.sqlite")
    }

    /// This server's service DID (see the `service_did` field): the configured
    /// one, or `did:web` of the public URL's host and port.
    pub fn service_did(&self) -> anyhow::Result<String> {
        if let Some(did) = &self.service_did {
            anyhow::ensure!(
                crate::lexicon::format::is_did(did),
                "EXOSPHERE_SERVICE_DID {did:?} is not a DID"
            );
            return Ok(did.clone());
        }
        let url = url::Url::parse(&self.public_url)
            .map_err(|e| anyhow::anyhow!("EXOSPHERE_PUBLIC_URL {:?} is not a URL: {e}", self.public_url))?;
        let host = match url.host_str() {
            // PDSes refuse an IP address as a did:web host, and accept localhost.
            Some("127.0.0.1" | "[::1]" | "localhost") => "localhost",
            Some(host) => host,
            None => anyhow::bail!("EXOSPHERE_PUBLIC_URL {:?} has no host", self.public_url),
        };
        Ok(match url.port() {
            Some(port) => format!("did:web:{host}%3A{port}"),
            None => format!("did:web:{host}"),
        })
    }

    /// What outgoing requests may reach (see [`crate::outbound`]).
    pub fn network_policy(&self) -> anyhow::Result<crate::outbound::NetworkPolicy> {
        let policy = match &self.allow_private_networks {
            Some(spec) => crate::outbound::NetworkPolicy::allowing(spec)
                .map_err(|e| anyhow::anyhow!("EXOSPHERE_ALLOW_PRIVATE_NETWORKS: {e}"))?,
            None => crate::outbound::NetworkPolicy::public_only(),
        };
        // The services configured here are the operator's choice.
        let configured = [Some(&self.plc_url), self.handle_resolver.as_ref(), self.relay_url.as_ref()];
        Ok(configured.into_iter().flatten().fold(policy, |policy, url| policy.trusting(url)))
    }

    /// A configuration for tests: loopback, a given data dir, no indexer.
    pub fn for_tests(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://127.0.0.1:3000".into(),
            service_did: None,
            data_dir: data_dir.into(),
            jetstream_url: "ws://127.0.0.1:1/subscribe".into(),
            jetstream_zstd_dictionary: None,
            plc_url: "http://127.0.0.1:1".into(),
            // Never DNS or the web in tests: an unreachable loopback resolver unless a test sets one.
            handle_resolver: Some("http://127.0.0.1:1".into()),
            relay_url: None,
            disable_indexer: true,
            private_membership_on_pds: true,
            max_body_bytes: 1 << 20,
            workers: 1,
            web_dir: PathBuf::from("/nonexistent/exosphere-web"),
            build_web: false,
            // The tests' PDS, PLC directory and resolvers are on loopback.
            allow_private_networks: Some("loopback".into()),
            metrics_token: None,
            rate_sign_ins: 30,
            rate_writes: 600,
            rate_searches: 300,
            // Retries within a test's patience.
            webhook_retry_ms: 100,
            // Tests of everything but the instance policy create Spheres with any account.
            admins: None,
            sphere_creation: SphereCreation::Anyone,
            home_sphere: None,
            log_format: LogFormat::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_did_is_did_web_of_the_public_host_unless_configured() -> anyhow::Result<()> {
        let mut config = Config::for_tests("/tmp/x");
        config.public_url = "http://127.0.0.1:4100".into();
        assert_eq!(config.service_did()?, "did:web:localhost%3A4100");
        config.public_url = "https://feedback.example.com".into();
        assert_eq!(config.service_did()?, "did:web:feedback.example.com");
        config.public_url = "https://feedback.example.com:8443/".into();
        assert_eq!(config.service_did()?, "did:web:feedback.example.com%3A8443");
        config.service_did = Some("did:plc:ewvi7nxzyoun6zhxrhs64oiz".into());
        assert_eq!(config.service_did()?, "did:plc:ewvi7nxzyoun6zhxrhs64oiz");
        config.service_did = Some("exosphere".into());
        assert!(config.service_did().is_err());
        Ok(())
    }

    #[test]
    fn flags_accept_common_spellings_and_reject_others() {
        assert_eq!(parse_flag("1"), Ok(true));
        assert_eq!(parse_flag("TRUE"), Ok(true));
        assert_eq!(parse_flag("0"), Ok(false));
        assert_eq!(parse_flag(""), Ok(false));
        assert!(parse_flag("maybe").is_err());
    }
}
