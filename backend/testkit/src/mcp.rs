//! A real MCP client (the official Python SDK, `mcp` on PyPI), installed on
//! demand into a cached virtualenv by `backend/testkit/mcp/install`.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};
use serde_json::Value;
use tokio::io::AsyncWriteExt;

/// Runs the client's steps against an `/mcp` URL (see `mcp/client.py`); one result per step.
pub async fn run(url: &str, steps: Value) -> anyhow::Result<Vec<Value>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("mcp");
    let install = std::process::Command::new(dir.join("install"))
        .stderr(Stdio::inherit())
        .output()
        .context("running backend/testkit/mcp/install")?;
    if !install.status.success() {
        bail!("installing the MCP client failed (see stderr)");
    }
    let python = String::from_utf8(install.stdout)?.trim().to_owned();
    let mut child = tokio::process::Command::new(python)
        .arg(dir.join("client.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("starting the MCP client")?;
    let request = serde_json::json!({ "url": url, "steps": steps }).to_string();
    child.stdin.take().context("client stdin")?.write_all(request.as_bytes()).await?;
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), child.wait_with_output())
        .await
        .context("the MCP client did not finish within 120 s")??;
    if !out.status.success() {
        bail!("the MCP client failed: {}", String::from_utf8_lossy(&out.stdout));
    }
    serde_json::from_slice(&out.stdout).with_context(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
