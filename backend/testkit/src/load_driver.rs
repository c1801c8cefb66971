//! HTTP load phases shared by the benchmarks: N clients hammer a URL for
//! some seconds; requests/s and latency percentiles come back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What one phase measured.
pub struct Phase {
    pub name: &'static str,
    pub rps: f64,
    pub p50: f64,
    pub p99: f64,
    pub errors: u64,
}

pub async fn drive(
    name: &'static str,
    clients: usize,
    seconds: u64,
    url: impl Fn(u64) -> String + Send + Sync + 'static,
) -> Phase {
    drive_with(name, clients, seconds, reqwest::header::HeaderMap::new(), url).await
}

/// Bypasses the anonymous response cache, as a signed-in reader would.
pub async fn drive_uncached(
    name: &'static str,
    clients: usize,
    seconds: u64,
    url: impl Fn(u64) -> String + Send + Sync + 'static,
) -> Phase {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::CACHE_CONTROL, reqwest::header::HeaderValue::from_static("no-cache"));
    drive_with(name, clients, seconds, headers, url).await
}

pub async fn drive_with(
    name: &'static str,
    clients: usize,
    seconds: u64,
    headers: reqwest::header::HeaderMap,
    url: impl Fn(u64) -> String + Send + Sync + 'static,
) -> Phase {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .default_headers(headers)
        .no_proxy()
        .build()
        .unwrap_or_default();
    let url = Arc::new(url);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..clients {
        let (client, url, stop) = (client.clone(), Arc::clone(&url), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(50_000);
            let mut errors = 0u64;
            let mut n = worker as u64 * 7_919;
            while !stop.load(Ordering::Relaxed) {
                n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let t = Instant::now();
                // Only answered requests count as throughput and latency; failures are counted apart.
                let answered = match client.get(url(n >> 33)).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if answered {
                    latencies.push(t.elapsed().as_micros() as u32);
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((l, e)) = task.await {
            all.extend(l);
            errors += e;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let q = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or(0)
            as f64
            / 1000.0
    };
    Phase { name, rps: all.len() as f64 / elapsed, p50: q(0.50), p99: q(0.99), errors }
}

/// Prints phases as a table, each beside the first one (the baseline).
pub fn print(phases: &[&Phase]) {
    let baseline = phases.first().map(|p| p.rps).unwrap_or(1.0).max(1.0);
    println!(
        "\n{:<40} {:>10} {:>9} {:>9} {:>8} {:>9}",
        "endpoint", "req/s", "p50 ms", "p99 ms", "errors", "vs first"
    );
    for phase in phases {
        println!(
            "{:<40} {:>10.0} {:>9.2} {:>9.2} {:>8} {:>8.0}%",
            phase.name,
            phase.rps,
            phase.p50,
            phase.p99,
            phase.errors,
            100.0 * phase.rps / baseline
        );
    }
}
