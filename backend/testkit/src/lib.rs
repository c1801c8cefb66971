//! Test support for Exosphere.
//!
//! [`Testnet`] starts a real did:plc directory and Bluesky's `@atproto/pds`
//! (with its OAuth authorization server) on 127.0.0.1, with accounts
//! `alice.test`, `bob.test` and `carol.test`; it stops when dropped.
//! [`sign_in`] drives a real OAuth sign-in through Exosphere's `/oauth/login`
//! and the PDS's own sign-in and consent API, as a browser would.
//! [`server::TestServer`] runs Exosphere itself in-process on a fresh data
//! dir, [`world::World`] adds a signed-in cast and their Sphere, and
//! [`xrpc`] calls its methods as one of them; module crates test through
//! these like the app's own tests.
//! Nothing here reaches beyond loopback: the Node side runs under
//! `guard.cjs`, which refuses any other address.

pub mod jetstream;
pub mod load_driver;
pub mod mcp;
mod oauth;
pub mod seed;
pub mod server;
pub mod world;
pub mod xrpc;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

pub use oauth::{SignIn, sign_in};

/// Polls until `check` holds, for up to 20 s: records travel PDS → firehose
/// → Jetstream → index in their own time, and a test waits for the outcome,
/// never for a fixed delay.
pub async fn eventually<F, Fut>(what: &str, mut check: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<bool>>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if check().await? {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("timed out waiting until {what}")
}

/// A 4×4 PNG, for avatars.
pub const PNG: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0, 38,
    147, 9, 41, 0, 0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 56, 17, 160, 1, 71, 12, 196, 113, 0, 18, 82, 20,
    1, 20, 97, 184, 5, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// A test account on the local PDS.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub did: String,
    pub handle: String,
    pub password: String,
    /// A legacy session token, for reading and writing directly on the PDS in tests.
    pub access_jwt: String,
}

#[derive(Deserialize)]
struct Ready {
    plc: String,
    pds: String,
    jetstream: String,
    relay: String,
    accounts: BTreeMap<String, Account>,
}

/// A running local AT Protocol network.
pub struct Testnet {
    /// did:plc directory URL.
    pub plc: String,
    /// PDS URL (`http://localhost:PORT`).
    pub pds: String,
    /// The stand-in Jetstream fed by the PDS's firehose (`ws://127.0.0.1:PORT/subscribe`).
    pub jetstream: String,
    /// Serves a relay's `com.atproto.sync.listReposByCollection` for the PDS.
    pub relay: String,
    accounts: BTreeMap<String, Account>,
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    _tmp: tempfile::TempDir,
}

fn harness_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("pds")
}

/// Installs the npm packages if needed (cached by lockfile); returns the Node 22 binary.
pub fn install() -> anyhow::Result<PathBuf> {
    let out = std::process::Command::new(harness_dir().join("install"))
        .stderr(Stdio::inherit())
        .output()
        .context("running backend/testkit/pds/install")?;
    if !out.status.success() {
        bail!("installing the test PDS failed (see stderr)");
    }
    Ok(PathBuf::from(String::from_utf8(out.stdout)?.trim()))
}

impl Testnet {
    /// Starts PLC + PDS and waits until both serve.
    pub async fn start() -> anyhow::Result<Self> {
        let node = install()?;
        let tmp = tempfile::Builder::new().prefix("exosphere-testnet-").tempdir()?;
        let mut child = Command::new(&node)
            .args(["--require", "./guard.cjs", "testnet.mjs"])
            .current_dir(harness_dir())
            .env("TMPDIR", tmp.path())
            .env("NODE_ENV", "test")
            .env("LOG_ENABLED", "false")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", node.display()))?;
        let stdin = child.stdin.take().context("testnet stdin")?;
        let mut stdout = BufReader::new(child.stdout.take().context("testnet stdout")?).lines();
        let ready = tokio::time::timeout(Duration::from_secs(120), async {
            while let Some(line) = stdout.next_line().await? {
                if line.starts_with("{\"ready\"") {
                    return Ok::<_, anyhow::Error>(serde_json::from_str::<Ready>(&line)?);
                }
            }
            bail!("the test network exited before it was ready")
        })
        .await
        .context("the test network did not start within 120 s")??;
        Ok(Self {
            plc: ready.plc,
            pds: ready.pds,
            jetstream: ready.jetstream,
            relay: ready.relay,
            accounts: ready.accounts,
            child,
            stdin,
            stdout,
            _tmp: tmp,
        })
    }

    /// One of the ready-made accounts: `alice`, `bob` or `carol` (or one created later).
    pub fn account(&self, name: &str) -> &Account {
        match self.accounts.get(name) {
            Some(a) => a,
            None => panic!("no test account {name}"),
        }
    }

    async fn command(&mut self, command: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        self.stdin.write_all(format!("{command}\n").as_bytes()).await?;
        self.stdin.flush().await?;
        let line = tokio::time::timeout(Duration::from_secs(30), self.stdout.next_line())
            .await
            .context("the test network did not answer")??
            .context("the test network exited")?;
        let reply: serde_json::Value = serde_json::from_str(&line)?;
        if reply["ok"] != true {
            bail!("test network command {command} failed: {}", reply["error"]);
        }
        Ok(reply)
    }

    /// Creates another account `NAME.test`.
    pub async fn create_account(&mut self, name: &str) -> anyhow::Result<Account> {
        let reply = self.command(serde_json::json!({ "cmd": "createAccount", "name": name })).await?;
        let account: Account = serde_json::from_value(reply["account"].clone())?;
        self.accounts.insert(name.to_owned(), account.clone());
        Ok(account)
    }

    /// Deactivates (or reactivates) an account, as its owner would.
    pub async fn set_active(&mut self, did: &str, active: bool) -> anyhow::Result<()> {
        let cmd = if active { "activate" } else { "deactivate" };
        self.command(serde_json::json!({ "cmd": cmd, "did": did })).await.map(drop)
    }

    /// A service-auth token from the account's PDS, as a client gets one
    /// (`com.atproto.server.getServiceAuth`): for `aud`, method `lxm`.
    pub async fn service_auth(&self, account: &Account, aud: &str, lxm: &str) -> anyhow::Result<String> {
        let response: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/xrpc/com.atproto.server.getServiceAuth", self.pds))
            .bearer_auth(&account.access_jwt)
            .query(&[("aud", aud), ("lxm", lxm)])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(response["token"].as_str().context("getServiceAuth answered no token")?.to_owned())
    }

    /// A service token signed by the PDS with the account's own key, with
    /// any `exp` and `iat` (`getServiceAuth` refuses past times).
    pub async fn service_jwt(
        &mut self,
        did: &str,
        aud: &str,
        lxm: &str,
        iat: i64,
        exp: i64,
    ) -> anyhow::Result<String> {
        let reply = self
            .command(serde_json::json!({ "cmd": "serviceJwt", "did": did, "aud": aud, "lxm": lxm, "iat": iat, "exp": exp }))
            .await?;
        Ok(reply["token"].as_str().context("serviceJwt answered no token")?.to_owned())
    }

    /// Reads a record straight from the PDS (`com.atproto.repo.getRecord`);
    /// `None` when the PDS says it does not exist.
    pub async fn get_record(&self, uri: &str) -> anyhow::Result<Option<serde_json::Value>> {
        let rest = uri.strip_prefix("at://").context("not an at:// URI")?;
        let mut parts = rest.splitn(3, '/');
        let (repo, collection, rkey) = (parts.next(), parts.next(), parts.next());
        let (Some(repo), Some(collection), Some(rkey)) = (repo, collection, rkey) else {
            bail!("{uri} is not a record URI")
        };
        let response = reqwest::Client::new()
            .get(format!("{}/xrpc/com.atproto.repo.getRecord", self.pds))
            .query(&[("repo", repo), ("collection", collection), ("rkey", rkey)])
            .send()
            .await?;
        match response.status().as_u16() {
            200 => Ok(Some(response.json().await?)),
            400 | 404 => Ok(None),
            status => bail!("getRecord {uri}: HTTP {status}: {}", response.text().await?),
        }
    }

    /// Writes a record straight to an account's repo on the PDS (not through
    /// Exosphere), as another app would; returns its URI and CID.
    pub async fn create_record(
        &self,
        account: &Account,
        collection: &str,
        record: serde_json::Value,
    ) -> anyhow::Result<(String, String)> {
        let response: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/xrpc/com.atproto.repo.createRecord", self.pds))
            .bearer_auth(&account.access_jwt)
            .json(&serde_json::json!({ "repo": account.did, "collection": collection, "record": record }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok((
            response["uri"].as_str().unwrap_or_default().to_owned(),
            response["cid"].as_str().unwrap_or_default().to_owned(),
        ))
    }

    /// Writes (or replaces) a record at a chosen rkey straight to an
    /// account's repo on the PDS (`com.atproto.repo.putRecord`), as another
    /// app would: a Bluesky client saving a profile, say. Returns its CID.
    pub async fn put_record(
        &self,
        account: &Account,
        collection: &str,
        rkey: &str,
        record: serde_json::Value,
    ) -> anyhow::Result<String> {
        let response: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/xrpc/com.atproto.repo.putRecord", self.pds))
            .bearer_auth(&account.access_jwt)
            .json(&serde_json::json!({ "repo": account.did, "collection": collection, "rkey": rkey, "record": record }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(response["cid"].as_str().unwrap_or_default().to_owned())
    }

    /// Uploads a blob to the account's PDS; the blob reference a record puts it in.
    pub async fn upload_blob(
        &self,
        account: &Account,
        bytes: &[u8],
        mime: &str,
    ) -> anyhow::Result<serde_json::Value> {
        let response: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/xrpc/com.atproto.repo.uploadBlob", self.pds))
            .bearer_auth(&account.access_jwt)
            .header("content-type", mime)
            .body(bytes.to_vec())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(response["blob"].clone())
    }

    /// Sets the account's Bluesky profile (`app.bsky.actor.profile/self`):
    /// a display name and, when given, an avatar uploaded first. Returns the
    /// avatar's blob reference.
    pub async fn set_profile(
        &self,
        account: &Account,
        display_name: &str,
        avatar: Option<(&[u8], &str)>,
    ) -> anyhow::Result<Option<serde_json::Value>> {
        let mut record =
            serde_json::json!({ "$type": "app.bsky.actor.profile", "displayName": display_name });
        let blob = match avatar {
            Some((bytes, mime)) => Some(self.upload_blob(account, bytes, mime).await?),
            None => None,
        };
        if let Some(blob) = &blob {
            record["avatar"] = blob.clone();
        }
        self.put_record(account, "app.bsky.actor.profile", "self", record).await?;
        Ok(blob)
    }

    /// Deletes a record straight from an account's repo on the PDS.
    pub async fn delete_record(&self, account: &Account, uri: &str) -> anyhow::Result<()> {
        let rkey = uri.rsplit('/').next().unwrap_or_default();
        let collection = uri.rsplit('/').nth(1).unwrap_or_default();
        reqwest::Client::new()
            .post(format!("{}/xrpc/com.atproto.repo.deleteRecord", self.pds))
            .bearer_auth(&account.access_jwt)
            .json(&serde_json::json!({ "repo": account.did, "collection": collection, "rkey": rkey }))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Lists a collection of a repo straight from the PDS.
    pub async fn list_records(&self, repo: &str, collection: &str) -> anyhow::Result<Vec<serde_json::Value>> {
        let response: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/xrpc/com.atproto.repo.listRecords", self.pds))
            .query(&[("repo", repo), ("collection", collection), ("limit", "100")])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(response["records"].as_array().cloned().unwrap_or_default())
    }
}

impl Drop for Testnet {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
