//! The web app in a real browser: headless Chromium (Debian's package, put
//! there by scripts/install-chromium) driven by `web/e2e/run.mjs`
//! (playwright-core) against this server and the real local PDS — sign-in
//! goes through the PDS's own sign-in page.
//!
//! `EXOSPHERE_E2E_HOLD=1 cargo test -p exosphere --test browser -- --nocapture`
//! starts everything, prints the addresses and accounts, and waits instead
//! of running the script (for writing browser tests by hand).

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::{TestServer, use_testnet};
use exosphere_testkit::Testnet;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(script: &str, args: &[&str]) -> anyhow::Result<String> {
    let out = std::process::Command::new(repo().join(script)).args(args).stderr(Stdio::inherit()).output()?;
    anyhow::ensure!(out.status.success(), "{script} failed: {}", out.status);
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_app_works_end_to_end_in_chromium() -> anyhow::Result<()> {
    let chromium = run("scripts/install-chromium", &[])?;
    run("web/scripts/build", &["--if-stale"])?;
    let mut net = Testnet::start().await?;
    net.create_account("dave").await?;
    // alice and bob have Bluesky profiles (read as they sign in); dave has none.
    for (name, display_name) in [("alice", "Alice Liddell"), ("bob", "Bob Builder")] {
        net.set_profile(net.account(name), display_name, Some((exosphere_testkit::PNG, "image/png"))).await?;
    }
    let server = TestServer::start_with(|c| {
        use_testnet(c, &net);
        c.web_dir = repo().join("web/dist");
        c.workers = 2;
        // The default policy: the first account to create a Sphere administers the instance.
        c.sphere_creation = exosphere_core::config::SphereCreation::Admins;
    })
    .await?;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../e2e-screenshots");
    std::fs::create_dir_all(&shots)?;
    let mut env = vec![
        ("EXOSPHERE_URL".to_owned(), server.base.clone()),
        ("PDS_URL".to_owned(), net.pds.clone()),
        ("CHROMIUM".to_owned(), chromium),
        ("SCREENSHOT_DIR".to_owned(), shots.display().to_string()),
    ];
    for name in ["alice", "bob", "dave"] {
        let account = net.account(name);
        let upper = name.to_uppercase();
        env.push((format!("{upper}_HANDLE"), account.handle.clone()));
        env.push((format!("{upper}_PASSWORD"), account.password.clone()));
        env.push((format!("{upper}_DID"), account.did.clone()));
    }
    if std::env::var("EXOSPHERE_E2E_HOLD").is_ok_and(|v| v == "1") {
        for (k, v) in &env {
            println!("{k}={v}");
        }
        println!("holding: stop with Ctrl-C");
        tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
    }
    let mut child =
        std::process::Command::new("node").arg(repo().join("web/e2e/run.mjs")).envs(env).spawn()?;
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill()?;
            anyhow::bail!("the browser tests took over 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    println!("screenshots: {}", shots.display());
    anyhow::ensure!(
        status.success(),
        "the browser tests failed ({status}); see the output above and {}",
        shots.display()
    );
    server.stop().await;
    Ok(())
}
