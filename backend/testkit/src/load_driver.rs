//! HTTP load phases shared by the benchmarks: N clients hammer a URL for
//! some seconds; requests/s and latency percentiles come back, of answered
//! requests only (failures are counted apart), with how many answers came
//! from the server's anonymous response cache.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use exosphere_core::xrpc::cache::CACHE_HEADER;

/// What one phase measured.
pub struct Phase {
    pub name: &'static str,
    pub rps: f64,
    pub p50: f64,
    pub p99: f64,
    pub errors: u64,
    /// Answers the server took from its anonymous response cache.
    pub cached: u64,
    /// Answered requests.
    pub answered: u64,
}

pub async fn drive(
    name: &'static str,
    clients: usize,
    seconds: u64,
    url: impl Fn(u64) -> String + Send + Sync + 'static,
) -> Phase {
    drive_with(name, clients, seconds, reqwest::header::HeaderMap::new(), url).await
}

/// `drive_with` asking for answers computed afresh (`Cache-Control:
/// no-cache`): no response cache, no shared list pages.
pub async fn drive_uncached(
    name: &'static str,
    clients: usize,
    seconds: u64,
    mut headers: reqwest::header::HeaderMap,
    url: impl Fn(u64) -> String + Send + Sync + 'static,
) -> Phase {
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
    drive_requests(name, clients, seconds, move |_, n| client.get(url(n))).await
}

/// The phase loop itself: each of `clients` workers sends `request(worker,
/// n)` (`n` a pseudo-random number), one after another, for `seconds`;
/// writes use it with their own bodies and sessions.
pub async fn drive_requests(
    name: &'static str,
    clients: usize,
    seconds: u64,
    request: impl Fn(usize, u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> Phase {
    let request = Arc::new(request);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..clients {
        let (request, stop) = (Arc::clone(&request), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(50_000);
            let (mut errors, mut cached) = (0u64, 0u64);
            let mut n = worker as u64 * 7_919;
            while !stop.load(Ordering::Relaxed) {
                n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let t = Instant::now();
                // Only answered requests count as throughput and latency; failures are counted apart.
                let answered = match request(worker, n >> 33).send().await {
                    Ok(r) if r.status().is_success() => {
                        let hit = r.headers().get(CACHE_HEADER).is_some_and(|v| v == "hit");
                        let ok = r.bytes().await.is_ok();
                        cached += u64::from(ok && hit);
                        ok
                    }
                    _ => false,
                };
                if answered {
                    latencies.push(t.elapsed().as_micros() as u32);
                } else {
                    errors += 1;
                }
            }
            (latencies, errors, cached)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let (mut errors, mut cached) = (0, 0);
    for task in tasks {
        if let Ok((l, e, c)) = task.await {
            all.extend(l);
            errors += e;
            cached += c;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let q = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or(0)
            as f64
            / 1000.0
    };
    let answered = all.len() as u64;
    Phase { name, rps: answered as f64 / elapsed, p50: q(0.50), p99: q(0.99), errors, cached, answered }
}

/// Prints phases as a table, each beside the first one (the baseline), and
/// says so in a last line when any request failed.
pub fn print(phases: &[&Phase]) {
    let baseline = phases.first().map(|p| p.rps).unwrap_or(1.0).max(1.0);
    println!(
        "\n{:<44} {:>8} {:>8} {:>8} {:>7} {:>7} {:>9}",
        "endpoint", "req/s", "p50 ms", "p99 ms", "errors", "cached", "vs first"
    );
    for phase in phases {
        println!(
            "{:<44} {:>8.0} {:>8.2} {:>8.2} {:>7} {:>6.0}% {:>8.0}%",
            phase.name,
            phase.rps,
            phase.p50,
            phase.p99,
            phase.errors,
            100.0 * phase.cached as f64 / phase.answered.max(1) as f64,
            100.0 * phase.rps / baseline
        );
    }
    let failed: u64 = phases.iter().map(|p| p.errors).sum();
    if failed > 0 {
        println!(
            "\n{failed} requests failed: the figures above leave them out, and this run is not a clean one"
        );
    }
}
