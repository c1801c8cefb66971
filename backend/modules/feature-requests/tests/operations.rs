//! Operations: SIGTERM under load loses no accepted write, and the server
//! restarts cleanly on the same data.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::load::{self, Mix};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_keeps_every_accepted_write() -> anyhow::Result<()> {
    let binary = common::exosphere_binary()?;
    let dir = tempfile::tempdir()?;
    let data = load::data_dir(dir.path());
    let sids = load::seed(&binary, &data, 50).await?;
    let port = load::free_port()?;
    let mut server = load::start(&binary, &data, port).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let confirmed = Arc::new(AtomicU64::new(0));
    let mix = Mix { clients: 100, duration: Duration::from_secs(60), write_share: 0.7, think_ms: (2, 20) };
    let driver = {
        let (base, sids, stop, confirmed) =
            (server.base.clone(), sids.clone(), Arc::clone(&stop), Arc::clone(&confirmed));
        tokio::spawn(async move { load::run(&base, &sids, &mix, stop, confirmed).await })
    };
    // SIGTERM once the load is in full swing: a good number of writes confirmed, and more coming.
    let waiting = Instant::now();
    while confirmed.load(Ordering::Relaxed) < 100 {
        anyhow::ensure!(waiting.elapsed() < Duration::from_secs(30), "the load confirmed no writes");
        anyhow::ensure!(!driver.is_finished(), "the load ended before the server was stopped");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let clean = tokio::task::spawn_blocking(move || {
        let clean = load::terminate(&mut server);
        (clean, server)
    })
    .await?;
    let (clean, _stopped) = clean;
    assert!(clean?, "SIGTERM ends the server with a clean exit");
    stop.store(true, Ordering::Relaxed);
    let report = driver.await?;
    assert!(report.accepted.len() > 20, "the load wrote something: {}", report.accepted.len());
    assert_eq!(report.locked, 0, "no 'database is locked'");

    // Restart on the same data: every request the server confirmed is there.
    let server = load::start(&binary, &data, port).await?;
    let client = reqwest::Client::builder().no_proxy().build()?;
    let mut accepted = report.accepted.clone();
    accepted.sort_unstable();
    accepted.dedup();
    assert_eq!(accepted.len(), report.accepted.len(), "numbers are never given twice");
    for number in &accepted {
        let response = client
            .get(format!(
                "{}/xrpc/site.exosphere.featureRequest.getRequest?sphere={}&number={number}",
                server.base,
                load::SPHERE
            ))
            .header("cookie", format!("sid={}", sids[0]))
            .send()
            .await?;
        assert!(response.status().is_success(), "accepted request #{number} is lost: {}", response.status());
    }
    let mut server = server;
    assert!(load::terminate(&mut server)?);
    Ok(())
}
