//! Server rendering: a request page with 50 comments rendered uncached
//! (prefetch in-process + QuickJS render), cached anonymous pages under 64
//! concurrent clients, and the static `index.html` shell from a server
//! without the server bundle as the baseline — all in one run.
//!
//! `cargo bench --workspace --bench ssr` (`BENCH_SECONDS`, `BENCH_CLIENTS`).
//! Targets: uncached render p50 < 10 ms; cached pages >= 5,000/s.

#[allow(dead_code)]
use exosphere_testkit::load_driver as http;

use std::path::PathBuf;
use std::time::Instant;

use diesel::connection::SimpleConnection;
use exosphere_core::Config;

fn seed_sql() -> String {
    let mut sql = String::from(
        "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, description, visibility, write_mode, modules, created_at, indexed_at)
         VALUES (1, 'at://did:plc:benchowner/site.exosphere.sphere/bench', 'bafybench', 'did:plc:benchowner', 'bench',
                 'Bench Sphere', 'Where benchmarks live.', 'public', 'open', '[\"feature-requests\"]',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
         INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (1, 'did:plc:benchowner', 'owner', 'active');
         INSERT INTO fr_requests (uri, cid, sphere_id, number, author_did, title, description, status, created_at,
                                  trend_score, created_weight, indexed_us, votes_changed_us, vote_count, comment_count)
         VALUES ('at://did:plc:author/site.exosphere.featureRequest/r1', 'bafyr1', 1, 1, 'did:plc:author',
                 'Keyboard shortcuts for the whole board',
                 'Power users want to move through requests, vote and comment without a mouse. j/k to move, v to vote, c to comment.',
                 'planned', '2026-01-02T00:00:00.000Z', 1.0, 1.0, 0, 0, 42, 50);
         INSERT INTO fr_counters (sphere_id, last_number) VALUES (1, 1);",
    );
    for i in 1..=50 {
        sql.push_str(&format!(
            "INSERT INTO fr_comments (uri, cid, request_id, author_did, text, vote_count, created_at)
             VALUES ('at://did:plc:c{i}/site.exosphere.featureRequestComment/c{i}', 'bafyc{i}', 1, 'did:plc:c{i}',
                     'Comment number {i}: this would save me a lot of time every day, please consider it.', {}, '2026-01-03T00:{:02}:00.000Z');",
            i % 7,
            i
        ));
    }
    sql
}

async fn start(web_dir: PathBuf, data: PathBuf) -> anyhow::Result<exosphere::server::Running> {
    let mut config = Config::for_tests(data);
    config.web_dir = web_dir;
    config.workers = 0;
    exosphere::server::start(config, exosphere::modules::registry()?, false).await
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::var("BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(8);
    let clients: usize = std::env::var("BENCH_CLIENTS").ok().and_then(|s| s.parse().ok()).unwrap_or(64);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let status = std::process::Command::new(repo.join("web/scripts/build")).arg("--if-stale").status()?;
    anyhow::ensure!(status.success(), "web/scripts/build failed");
    let dist = repo.join("web/dist");

    let dir = tempfile::tempdir()?;
    let rendering = start(dist.clone(), dir.path().join("a")).await?;
    rendering.ctx.db.write(|c| Ok(c.batch_execute(&seed_sql())?)).await?;
    // The same build without its server bundle: pages are the static shell.
    let shell_dir = dir.path().join("shell");
    std::fs::create_dir_all(shell_dir.join("assets"))?;
    std::fs::copy(dist.join("index.html"), shell_dir.join("index.html"))?;
    let shell_only = start(shell_dir, dir.path().join("b")).await?;

    let page = "/s/bench/feature-requests/1";
    let client = reqwest::Client::builder().no_proxy().build()?;
    // Uncached renders, one at a time: a cookie makes a page personal, so never cached.
    let mut times = Vec::new();
    let mut size = 0;
    for i in 0..400 {
        let t = Instant::now();
        let response = client
            .get(format!("http://{}{page}", rendering.addr))
            .header("cookie", format!("sid=bench-{i}"))
            .send()
            .await?;
        anyhow::ensure!(response.status().is_success(), "render failed: {}", response.status());
        let body = response.text().await?;
        anyhow::ensure!(body.contains("Comment number 50"), "the page carries its comments");
        size = body.len();
        if i >= 20 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let q = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "request page with 50 comments, uncached (prefetch + QuickJS render + HTTP), {} B: p50 {:.2} ms, p99 {:.2} ms",
        size,
        q(0.5),
        q(0.99)
    );
    let metrics = &rendering.ctx.metrics;
    println!(
        "  of which, per render (means): JavaScript (query list + HTML) {:.2} ms, in-process data queries {:.2} ms",
        metrics.render.mean_seconds() * 1000.0,
        metrics.prefetch.mean_seconds() * 1000.0
    );

    let (a, b) = (rendering.addr, shell_only.addr);
    let shell = http::drive("static index.html shell (baseline)", clients, seconds, move |_| {
        format!("http://{b}{page}")
    })
    .await;
    let cached = http::drive("rendered page, anonymous (cached)", clients, seconds, move |_| {
        format!("http://{a}{page}")
    })
    .await;
    http::print(&[&shell, &cached]);
    println!("\ntargets: uncached render p50 < 10 ms; cached anonymous pages >= 5,000/s");
    rendering.handle.stop(true).await;
    shell_only.handle.stop(true).await;
    Ok(())
}
