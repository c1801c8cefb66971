//! Starts the real server in-process on 127.0.0.1 with a fresh data dir.

#![allow(dead_code)]

use exosphere::server::{self, Running};
use exosphere_core::Config;

pub struct TestServer {
    pub base: String,
    pub running: Running,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let mut config = Config::for_tests(dir.path().join("data"));
        tweak(&mut config);
        let running = server::start(config, exosphere::modules::registry()?, false).await?;
        Ok(Self {
            base: format!("http://{}", running.addr),
            running,
            client: reqwest::Client::builder().no_proxy().build()?,
            _dir: dir,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn stop(self) {
        self.running.handle.stop(true).await;
    }
}
