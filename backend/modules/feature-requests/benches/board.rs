//! Feature-request board under load: seeds one Sphere with 100k requests,
//! 1M votes and 200k comments, then drives `listRequests` (sort=top) and
//! `getRequest` with 64 concurrent HTTP clients, beside the trivial
//! `/xrpc/_health` endpoint of the same server in the same run.
//!
//! Run: `cargo bench --workspace --bench board`
//! (`BENCH_SECONDS` sets each phase's length, default 8; `BENCH_CLIENTS` the concurrency, default 64.)

#[allow(dead_code)]
use exosphere_testkit::load_driver as http;

use std::time::Instant;

use http::{drive, drive_uncached};

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
         -- Statistics as an operator's ANALYZE leaves them, STAT4 samples included: with
         -- the query planner stability guarantee (.cargo/config.toml) they no longer make
         -- cached statements re-prepare.
         ANALYZE;"
    )
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
    running.ctx.db.conn()?.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
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

    http::print(&[&baseline, &top, &one, &top_uncached, &one_uncached]);
    println!("\ntargets: p99 < 10 ms, and at least 30% of the trivial endpoint's rate");
    println!(
        "anonymous: served from the response cache after the first answer of each URL (invalidated by any write);\nuncached: `Cache-Control: no-cache`, the full handler and SQL on every request, as for signed-in readers"
    );
    running.handle.stop(true).await;
    Ok(())
}
