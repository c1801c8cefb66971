//! Load test: 1,000 concurrent signed-in clients for 60 s against one
//! `exosphere` process, 70% reads (listRequests, getRequest) and 30% writes
//! (createRequest, vote, createComment) in a private Sphere (no PDS needed).
//! Each client waits a think time between its requests, as people and
//! browsers do. Prints requests/s, p50/p99, errors and "database is locked"
//! answers; then stops the server with SIGTERM and checks the clean exit.
//!
//! `cargo bench --workspace --bench load`; LOAD_CLIENTS, LOAD_SECONDS,
//! LOAD_THINK_MS (e.g. `50-250`) change the shape.

#[allow(dead_code)]
#[path = "../tests/common/load.rs"]
mod load;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::{Duration, Instant};

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let clients: usize = env("LOAD_CLIENTS", 1000);
    let seconds: u64 = env("LOAD_SECONDS", 60);
    let think = std::env::var("LOAD_THINK_MS").unwrap_or_else(|_| "100-500".to_owned());
    let (lo, hi) = think
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .unwrap_or((100, 500));

    let binary = exosphere_testkit::server::exosphere_binary()?;
    let dir = tempfile::tempdir()?;
    let data = load::data_dir(dir.path());
    let sids = load::seed(&binary, &data, clients).await?;
    let port = load::free_port()?;
    let started = Instant::now();
    let mut server = load::start(&binary, &data, port).await?;
    println!(
        "server ready in {} ms; {clients} clients for {seconds} s, 30% writes, think time {lo}-{hi} ms ({} cores)",
        started.elapsed().as_millis(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let mix =
        load::Mix { clients, duration: Duration::from_secs(seconds), write_share: 0.3, think_ms: (lo, hi) };
    let t = Instant::now();
    let mut report =
        load::run(&server.base, &sids, &mix, Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)))
            .await;
    let elapsed = t.elapsed().as_secs_f64();
    let total = report.reads + report.writes;
    let (p50, p99) = (report.quantile_ms(0.50), report.quantile_ms(0.99));
    println!(
        "\n{:>10} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
        "req/s", "reads", "writes", "p50 ms", "p99 ms", "errors", "locked"
    );
    println!(
        "{:>10.0} {:>9} {:>9} {:>9.2} {:>9.2} {:>8} {:>8}",
        total as f64 / elapsed,
        report.reads,
        report.writes,
        p50,
        p99,
        report.errors,
        report.locked
    );
    for e in &report.first_errors {
        println!("  error: {e}");
    }
    println!("targets: zero errors, no `database is locked`, p99 < 50 ms");
    // The server's own view (its /metrics histogram): time spent inside the server, by method.
    let metrics = reqwest::Client::builder()
        .no_proxy()
        .build()?
        .get(format!("{}/metrics", server.base))
        .send()
        .await?
        .text()
        .await?;
    println!("\nserver-side, from /metrics: share of requests over 10 / 25 / 50 ms");
    for (method, over) in slow_shares(&metrics, &[0.01, 0.025, 0.05]) {
        println!(
            "  {method:<52} {}",
            over.iter().map(|p| format!("{:>7.3}%", p)).collect::<Vec<_>>().join(" ")
        );
    }
    let counter = |name: &str| {
        metrics.lines().find_map(|l| l.strip_prefix(name)?.trim().parse::<f64>().ok()).unwrap_or(0.0)
    };
    let (writes, transactions) =
        (counter("exosphere_db_writes_total "), counter("exosphere_db_write_transactions_total "));
    println!(
        "database writes: {writes} in {transactions} transactions ({:.1} per transaction)",
        writes / transactions.max(1.0)
    );
    let clean = load::terminate(&mut server)?;
    println!("SIGTERM: {}", if clean { "clean exit" } else { "unclean exit" });
    Ok(())
}

/// For each method in a Prometheus text scrape, the share (percent) of its
/// 2xx requests slower than each bound (bounds must be histogram buckets).
fn slow_shares(text: &str, bounds: &[f64]) -> Vec<(String, Vec<f64>)> {
    let mut rows: std::collections::BTreeMap<String, (f64, Vec<f64>)> = Default::default();
    for line in text.lines().filter(|l| l.starts_with("exosphere_http_request_duration_seconds_bucket{")) {
        let Some((labels, value)) = line.split_once("} ") else { continue };
        let field = |name: &str| {
            labels
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        };
        let (Some(method), Some(status), Some(le)) = (field("method"), field("status"), field("le")) else {
            continue;
        };
        let count: f64 = value.trim().parse().unwrap_or(0.0);
        if status != "2xx" {
            continue;
        }
        let row = rows.entry(method).or_insert_with(|| (0.0, vec![0.0; bounds.len()]));
        if le == "+Inf" {
            row.0 = count;
        } else if let Ok(le) = le.parse::<f64>() {
            for (i, b) in bounds.iter().enumerate() {
                if (le - b).abs() < 1e-9 {
                    row.1[i] = count;
                }
            }
        }
    }
    rows.into_iter()
        .filter(|(_, (total, _))| *total > 0.0)
        .map(|(m, (total, under))| (m, under.iter().map(|u| 100.0 * (total - u) / total).collect()))
        .collect()
}
