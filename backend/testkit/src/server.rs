//! Starts the real server in-process on 127.0.0.1 with a fresh data dir,
//! and finds the `exosphere` binary for tests that need a process of it.

use std::path::{Path, PathBuf};

use crate::Testnet;
use exosphere::server::{self, Running};
use exosphere_core::Config;

pub struct TestServer {
    pub base: String,
    pub running: Running,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

/// Whether a response came from a cache (`hit`, `miss`, `private`; `none` when uncacheable).
pub fn cache_state(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(exosphere_core::xrpc::cache::CACHE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_owned()
}

/// Every module of this build as a Sphere's `modules` column (for Spheres tests insert directly).
pub fn all_modules() -> String {
    let names = exosphere::modules::registry().map(|r| r.names()).unwrap_or_default();
    serde_json::to_string(&names).unwrap_or_default()
}

pub fn free_port() -> u16 {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        Err(e) => panic!("no free port: {e}"),
    }
}

/// A configuration on a free loopback port whose public URL matches it.
pub fn config(data_dir: &Path, port: u16) -> Config {
    let mut config = Config::for_tests(data_dir);
    config.bind = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    config.public_url = format!("http://127.0.0.1:{port}");
    config
}

/// Points identity resolution, Jetstream and the relay at the local network.
pub fn use_testnet(config: &mut Config, net: &Testnet) {
    config.plc_url = net.plc.clone();
    config.handle_resolver = Some(net.pds.clone());
    config.jetstream_url = net.jetstream.clone();
    config.relay_url = Some(net.relay.clone());
}

impl TestServer {
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let mut config = config(&dir.path().join("data"), free_port());
        tweak(&mut config);
        let mut server = Self::start_config(config).await?;
        server._dir = Some(dir);
        Ok(server)
    }

    /// Starts on an explicit configuration (e.g. to restart on the same data dir).
    pub async fn start_config(config: Config) -> anyhow::Result<Self> {
        Self::start_modules(config, exosphere::modules::registry()?).await
    }

    /// Starts with a chosen set of modules (e.g. an older build without one).
    pub async fn start_modules(
        config: Config,
        registry: exosphere_core::module::Registry,
    ) -> anyhow::Result<Self> {
        let data_dir = config.data_dir.clone();
        let running = server::start(config, registry, false).await?;
        Ok(Self {
            base: format!("http://{}", running.addr),
            running,
            client: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            data_dir,
            _dir: None,
        })
    }

    /// Waits until the database watcher has seen every commit made so far
    /// (it looked twice since), so that the data's generation, and with it
    /// every cache's, holds still until the next write.
    pub async fn settle(&self) -> anyhow::Result<()> {
        let db = &self.running.ctx.db;
        let (start, waiting) = (db.watcher_looks(), std::time::Instant::now());
        while db.watcher_looks() < start + 2 {
            anyhow::ensure!(
                waiting.elapsed() < std::time::Duration::from_secs(10),
                "the database watcher stopped"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        Ok(())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn stop(self) -> Option<tempfile::TempDir> {
        self.running.handle.stop(true).await;
        self._dir
    }
}

/// The `exosphere` binary of this build, for tests and benchmarks that run
/// it as a process (signals, crashes). Built first (`cargo build`, a no-op
/// when fresh) in the profile of the running test: `target/<profile>/exosphere`.
pub fn exosphere_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    // target/<profile>/deps/<test> -> target/<profile>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| anyhow::anyhow!("a test executable outside target/<profile>/deps"))?
        .to_owned();
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = std::process::Command::new(cargo);
    build.args(["build", "-q", "-p", "exosphere", "--bin", "exosphere"]);
    if release {
        build.arg("--release");
    }
    let status = build.status()?;
    anyhow::ensure!(status.success(), "building the exosphere binary failed");
    let binary = profile_dir.join("exosphere");
    anyhow::ensure!(binary.exists(), "no binary at {}", binary.display());
    Ok(binary)
}

/// The repository's root (where `web/` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds the web app when its build is missing or stale (cached, so usually
/// instant) and returns its `dist` folder, for tests of server rendering.
pub fn web_dist() -> anyhow::Result<PathBuf> {
    let status = std::process::Command::new(repo_root().join("web/scripts/build"))
        .arg("--if-stale")
        .stdout(std::process::Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "web/scripts/build failed");
    Ok(repo_root().join("web/dist"))
}

/// What Node (V8) takes to render the same page from the same bundle.
#[derive(Debug, serde::Deserialize)]
pub struct NodeRender {
    pub p50: f64,
    pub p99: f64,
}

/// Renders a page `renders` times in Node from the web build's server
/// bundle and the data the server embedded in `html` (its `__SSR_DATA__`),
/// with web/scripts/render-time.mjs: the benchmarks print it beside
/// QuickJS's time. `None` when Node can't be run here.
pub fn node_render_time(html: &str, url: &str, renders: u32) -> anyhow::Result<Option<NodeRender>> {
    const OPEN: &str = "<script type=\"application/json\" id=\"ssr-data\">";
    let start =
        html.find(OPEN).ok_or_else(|| anyhow::anyhow!("the page carries no server data"))? + OPEN.len();
    let len =
        html[start..].find("</script>").ok_or_else(|| anyhow::anyhow!("the data script is not closed"))?;
    let data = tempfile::NamedTempFile::new()?;
    std::fs::write(data.path(), &html[start..start + len])?;
    let root = repo_root();
    let out = match std::process::Command::new("node")
        .arg(root.join("web/scripts/render-time.mjs"))
        .arg(root.join("web/dist/server/render.js"))
        .arg(url)
        .arg(data.path())
        .arg(renders.to_string())
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    anyhow::ensure!(out.status.success(), "render-time.mjs failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(Some(serde_json::from_slice(&out.stdout)?))
}

/// The part of a page inside `<div id="app">`, before the data script.
pub fn app_html(page: &str) -> &str {
    let start = page.find("<div id=\"app\">").unwrap_or(0);
    let end = page.find("<script type=\"application/json\" id=\"ssr-data\">").unwrap_or(page.len());
    &page[start..end.max(start)]
}
