//! Feature-request board under load: seeds one Sphere with 100k requests,
//! 1M votes and 200k comments, then drives `listRequests` (sort=top) and
//! `getRequest` with 64 concurrent HTTP clients, beside the trivial
//! `/xrpc/_health` endpoint of the same server in the same run.
//!
//! Run: `cargo bench -p exosphere --bench feature_requests`
//! (`BENCH_SECONDS` sets each phase's length, default 8; `BENCH_CLIENTS` the concurrency, default 64.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use exosphere_core::Config;

const REQUESTS: i64 = 100_000;
const VOTES: i64 = 1_000_000;
const COMMENTS: i64 = 200_000;

fn seed_sql() -> String {
    format!(
        "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
         VALUES (1, 'at://did:plc:benchowner/site.exosphere.sphere/bench', 'bafybench', 'did:plc:benchowner', 'bench',
                 'Bench', 'public', 'open', '[\"feature-requests\"]', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
         INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (1, 'did:plc:benchowner', 'owner', 'active');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS})
         INSERT INTO fr_requests (uri, cid, sphere_id, number, author_did, title, description, status, created_at,
                                  trend_score, created_weight, indexed_us, votes_changed_us)
         SELECT 'at://did:plc:author' || (i % 2000) || '/site.exosphere.featureRequest/r' || i, 'bafyr' || i, 1, i,
                'did:plc:author' || (i % 2000), 'Request number ' || i || ' about ' || (CASE i % 5 WHEN 0 THEN 'dark mode'
                WHEN 1 THEN 'exports' WHEN 2 THEN 'keyboard shortcuts' WHEN 3 THEN 'mobile app' ELSE 'integrations' END),
                'A longer description of request ' || i || ', explaining why it matters to the people who asked for it.',
                CASE i % 7 WHEN 0 THEN 'planned' WHEN 1 THEN 'done' ELSE 'open' END,
                strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i * 60) || ' seconds'), 1.0, 1.0, 0, 0
         FROM n;
         INSERT INTO fr_counters (sphere_id, last_number) VALUES (1, {REQUESTS});
         -- Skewed popularity: a few requests get most votes, as on real boards.
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {VOTES})
         INSERT INTO fr_votes (uri, cid, request_id, voter_did, weight, created_at)
         SELECT 'at://did:plc:voter' || i || '/site.exosphere.featureRequestVote/v', 'bafyv' || i,
                1 + (abs(random()) % 1000) * (1 + abs(random()) % 100) % {REQUESTS}, 'did:plc:voter' || i, 1.0,
                '2026-06-01T00:00:00.000Z'
         FROM n;
         UPDATE fr_requests SET vote_count = (SELECT count(*) FROM fr_votes v WHERE v.request_id = fr_requests.id);
         UPDATE fr_requests SET trend_score = created_weight + vote_count;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {COMMENTS})
         INSERT INTO fr_comments (uri, cid, request_id, author_did, text, created_at)
         SELECT 'at://did:plc:commenter' || (i % 5000) || '/site.exosphere.featureRequestComment/c' || i, 'bafyc' || i,
                1 + abs(random()) % {REQUESTS}, 'did:plc:commenter' || (i % 5000), 'Comment ' || i || ': me too, please.',
                strftime('%Y-%m-%dT%H:%M:%fZ', '2026-02-01', '+' || i || ' seconds')
         FROM n;
         UPDATE fr_requests SET comment_count = (SELECT count(*) FROM fr_comments c WHERE c.request_id = fr_requests.id);
         ANALYZE;
         -- Keep sqlite_stat1 only: with STAT4 samples (libsqlite3-sys builds SQLite with
         -- SQLITE_ENABLE_STAT4) every cached statement whose plan could depend on a bound
         -- value is re-prepared at each execution, which costs more than the query.
         DELETE FROM sqlite_stat4;
         ANALYZE sqlite_schema;"
    )
}

struct Phase {
    name: &'static str,
    rps: f64,
    p50: f64,
    p99: f64,
    errors: u64,
}

async fn drive(
    name: &'static str,
    clients: usize,
    seconds: u64,
    url: impl Fn(u64) -> String + Send + Sync + 'static,
) -> Phase {
    drive_with(name, clients, seconds, reqwest::header::HeaderMap::new(), url).await
}

/// Bypasses the anonymous response cache, as a signed-in reader would.
async fn drive_uncached(
    name: &'static str,
    clients: usize,
    seconds: u64,
    url: impl Fn(u64) -> String + Send + Sync + 'static,
) -> Phase {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::CACHE_CONTROL, reqwest::header::HeaderValue::from_static("no-cache"));
    drive_with(name, clients, seconds, headers, url).await
}

async fn drive_with(
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
                match client.get(url(n >> 33)).send().await {
                    Ok(r) if r.status().is_success() => {
                        if r.bytes().await.is_err() {
                            errors += 1;
                        }
                    }
                    _ => errors += 1,
                }
                latencies.push(t.elapsed().as_micros() as u32);
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::var("BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(8);
    let clients: usize = std::env::var("BENCH_CLIENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(64);
    let dir = tempfile::tempdir()?;
    let mut config = Config::for_tests(dir.path().join("data"));
    config.workers = 0;
    let running = exosphere::server::start(config, exosphere::modules::registry()?, false).await?;
    let base = format!("http://{}", running.addr);

    let t = Instant::now();
    running.ctx.db.write(|c| Ok(c.batch_execute(&seed_sql())?)).await?;
    // A server in steady state has its WAL checkpointed into the database file.
    running.ctx.db.read(|c| Ok(c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?)).await?;
    println!(
        "seeded {REQUESTS} requests, {VOTES} votes, {COMMENTS} comments in {:.1} s ({} cores, {clients} clients, {seconds} s per phase)",
        t.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );

    // Warm up connections and caches.
    let warm = base.clone();
    drive("warm-up", clients, 2, move |_| format!("{warm}/xrpc/_health")).await;

    let b = base.clone();
    let baseline =
        drive("GET /xrpc/_health (trivial JSON)", clients, seconds, move |_| format!("{b}/xrpc/_health"))
            .await;
    let top_url = |b: String| {
        move |_| format!("{b}/xrpc/site.exosphere.featureRequest.listRequests?sphere=bench&sort=top")
    };
    let one_url = |b: String| {
        move |n: u64| {
            format!(
                "{b}/xrpc/site.exosphere.featureRequest.getRequest?sphere=bench&number={}",
                1 + n % REQUESTS as u64
            )
        }
    };
    let top = drive("listRequests top, anonymous", clients, seconds, top_url(base.clone())).await;
    let one = drive("getRequest random, anonymous", clients, seconds, one_url(base.clone())).await;
    let top_uncached =
        drive_uncached("listRequests top, uncached", clients, seconds, top_url(base.clone())).await;
    let one_uncached =
        drive_uncached("getRequest random, uncached", clients, seconds, one_url(base.clone())).await;

    println!(
        "\n{:<36} {:>10} {:>9} {:>9} {:>8} {:>9}",
        "endpoint", "req/s", "p50 ms", "p99 ms", "errors", "vs trivial"
    );
    for phase in [&baseline, &top, &one, &top_uncached, &one_uncached] {
        println!(
            "{:<36} {:>10.0} {:>9.2} {:>9.2} {:>8} {:>8.0}%",
            phase.name,
            phase.rps,
            phase.p50,
            phase.p99,
            phase.errors,
            100.0 * phase.rps / baseline.rps.max(1.0)
        );
    }
    println!("\ntargets: p99 < 10 ms, and at least 30% of the trivial endpoint's rate");
    println!(
        "anonymous: served from the response cache after the first answer of each URL (invalidated by any write);\nuncached: `Cache-Control: no-cache`, the full handler and SQL on every request, as for signed-in readers"
    );
    running.handle.stop(true).await;
    Ok(())
}
