//! Server rendering: a request page with 50 comments rendered for a
//! signed-in member (a real session; never cached: prefetch in-process +
//! QuickJS render), Node's render of the same bundle and page beside it,
//! cached anonymous pages under 64 concurrent clients, and the static
//! `index.html` shell from a server without the server bundle as the
//! baseline — all in one run. The page's records go through the board's
//! indexing functions.
//!
//! `cargo bench --workspace --bench ssr` (`BENCH_SECONDS`, `BENCH_CLIENTS`).
//! Targets: signed-in render p50 < 8 ms; cached pages >= 5,000/s.

use exosphere_testkit::load_driver as http;
use exosphere_testkit::seed::{self, Record};

use std::path::PathBuf;
use std::time::Instant;

use diesel::connection::SimpleConnection;
use exosphere_core::Config;
use serde_json::json;

const SPHERE: &str = "at://did:plc:benchowner/site.exosphere.sphere/bench";
const OWNER: &str = "did:plc:benchowner";
const REQUEST: &str = "at://did:plc:author/site.exosphere.featureRequest/r1";
const READER: &str = "did:plc:reader";
const READER_SID: &str = "bench-reader-session";

const SETUP: &str = "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, description, visibility, write_mode, modules, created_at, indexed_at)
     VALUES (1, 'at://did:plc:benchowner/site.exosphere.sphere/bench', 'bafybench', 'did:plc:benchowner', 'bench',
             'Bench Sphere', 'Where benchmarks live.', 'public', 'open', '[\"feature-requests\"]',
             '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
     INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (1, 'did:plc:benchowner', 'owner', 'active');";

/// The request, its status, 42 votes (the reader's among them) and 50 comments.
fn records() -> Vec<Record> {
    let subject = json!({ "uri": REQUEST, "cid": "bafyrequest1" });
    let record = |did: &str, collection: &'static str, rkey: String, value: serde_json::Value| Record {
        did: did.to_owned(),
        collection,
        cid: format!("bafyrecord{rkey}"),
        rkey,
        value,
    };
    let mut records = vec![
        record(
            "did:plc:author",
            "site.exosphere.featureRequest",
            "r1".into(),
            json!({
            "$type": "site.exosphere.featureRequest", "sphere": SPHERE,
            "title": "Keyboard shortcuts for the whole board",
            "description": "Power users want to move through requests, vote and comment without a mouse. j/k to move, v to vote, c to comment.",
            "createdAt": "2026-01-02T00:00:00.000Z" }),
        ),
        record(
            OWNER,
            "site.exosphere.featureRequestStatus",
            "s1".into(),
            json!({
            "$type": "site.exosphere.featureRequestStatus", "sphere": SPHERE, "subject": subject,
            "status": "planned", "createdAt": "2026-01-02T01:00:00.000Z" }),
        ),
    ];
    records[0].cid = "bafyrequest1".into();
    for i in 0..42 {
        let voter = if i == 0 { READER.to_owned() } else { format!("did:plc:voter{i}") };
        records.push(record(
            &voter,
            "site.exosphere.featureRequestVote",
            format!("v{i}"),
            json!({
            "$type": "site.exosphere.featureRequestVote", "sphere": SPHERE, "subject": subject,
            "createdAt": "2026-01-02T02:00:00.000Z" }),
        ));
    }
    for i in 1..=50 {
        records.push(record(&format!("did:plc:c{i}"), "site.exosphere.featureRequestComment", format!("c{i}"), json!({
            "$type": "site.exosphere.featureRequestComment", "sphere": SPHERE, "subject": subject,
            "text": format!("Comment number {i}: this would save me a lot of time every day, please consider it."),
            "createdAt": format!("2026-01-03T00:{i:02}:00.000Z") })));
    }
    records
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
    let dist = exosphere_testkit::server::web_dist()?;

    let dir = tempfile::tempdir()?;
    let rendering = start(dist.clone(), dir.path().join("a")).await?;
    rendering.ctx.db.write(|c| Ok(c.batch_execute(SETUP)?)).await?;
    let expected = records().len();
    let indexed = seed::index(&rendering.ctx, records()).await?;
    anyhow::ensure!(indexed == expected, "indexed {indexed} of the page's {expected} records");
    seed::session(&rendering.ctx, READER_SID, READER, "reader.test").await?;
    // The same build without its server bundle: pages are the static shell.
    let shell_dir = dir.path().join("shell");
    std::fs::create_dir_all(shell_dir.join("assets"))?;
    std::fs::copy(dist.join("index.html"), shell_dir.join("index.html"))?;
    let shell_only = start(shell_dir, dir.path().join("b")).await?;

    let page = "/s/bench/feature-requests/1";
    let client = reqwest::Client::builder().no_proxy().default_headers(seed::cookie(READER_SID)?).build()?;
    // Signed-in renders, one at a time: a signed-in page is personal, so never cached.
    let mut times = Vec::new();
    let mut size = 0;
    let mut html = String::new();
    for i in 0..400 {
        let t = Instant::now();
        let response = client.get(format!("http://{}{page}", rendering.addr)).send().await?;
        anyhow::ensure!(response.status().is_success(), "render failed: {}", response.status());
        let cache = response.headers().get(exosphere_core::xrpc::cache::CACHE_HEADER).cloned();
        anyhow::ensure!(cache.is_none_or(|c| c != "hit"), "signed-in pages must not come from the cache");
        let body = response.text().await?;
        anyhow::ensure!(body.contains("Comment number 50"), "the page carries its comments");
        anyhow::ensure!(
            body.contains("\"did\":\"did:plc:reader\""),
            "the page is rendered for the signed-in reader"
        );
        size = body.len();
        if i == 0 {
            html = body;
        }
        if i >= 20 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let q = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "request page with 50 comments, signed in (prefetch + QuickJS render + HTTP), {} B: p50 {:.2} ms, p99 {:.2} ms",
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
    match exosphere_testkit::server::node_render_time(&html, page, 300)? {
        Some(node) => println!(
            "  the same bundle and page in Node (V8, warm; data parse + render): p50 {:.2} ms, p99 {:.2} ms",
            node.p50, node.p99
        ),
        None => println!("  (no Node here: its render time of the page is not measured)"),
    }

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
    println!("\ntargets: signed-in render p50 < 8 ms ({:.2} ms); cached anonymous pages >= 5,000/s", q(0.5));
    rendering.handle.stop(true).await;
    shell_only.handle.stop(true).await;
    Ok(())
}
