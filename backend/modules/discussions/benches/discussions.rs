//! Discussions under load: one open Sphere with 100k threads and 1M replies,
//! indexed through the module's own indexing functions (the path every
//! record takes), then `listThreads` and `getThread` driven by 64 concurrent
//! signed-in clients (never from the response cache; a list page is shared
//! between readers until the next write, the viewer's emoji laid over it,
//! and a `no-cache` phase computes every page), beside the trivial
//! `/xrpc/_health` endpoint of the same server in the same run.
//!
//! Then the server render of a thread page with 100 replies, as a signed-in
//! member gets it (never cached): the first render of each of 49 such pages,
//! and the same page again and again (its rows then in SQLite's page cache,
//! its replies shared until the next write, and the renderer's small memos of dates and attributes warm), with the
//! server's own split of the time between fetching the page's data and
//! QuickJS.
//!
//! Run: `cargo bench --workspace --bench discussions`
//! (`BENCH_SECONDS` per phase, default 8; `BENCH_CLIENTS`, default 64;
//! `BENCH_THREADS` and `BENCH_REPLIES` change the size; `BENCH_DATA=<dir>`
//! keeps the seeded database there for the next run to reuse; `BENCH_KEEP_PAGE=<file>`
//! writes the rendered thread page there, to profile its render.)

use std::time::Instant;

use diesel::connection::SimpleConnection;
use exosphere_core::Config;
use exosphere_testkit::load_driver as http;
use exosphere_testkit::seed::{self, Record, datetime, env};
use serde_json::json;

const SPHERE: &str = "at://did:plc:benchowner/site.exosphere.sphere/bench";
const THREAD: &str = "site.exosphere.discussion";
const REPLY: &str = "site.exosphere.discussionReply";
const REACTION: &str = "site.exosphere.discussionReaction";
/// Threads with exactly 100 replies, for the render bench.
const RENDERED: u64 = 50;

/// The signed-in reader: a member who reacted to every tenth thread.
const READER: &str = "did:plc:reader";
const READER_SID: &str = "bench-reader-session";

fn record(
    did: String,
    collection: &'static str,
    rkey: String,
    cid: String,
    value: serde_json::Value,
) -> Record {
    Record { did, collection, rkey, cid, value }
}

fn thread(i: u64) -> Record {
    let did = format!("did:plc:author{}", i % 2000);
    let topic = ["dark mode", "exports", "shortcuts", "mobile", "integrations"][(i % 5) as usize];
    let value = json!({ "$type": THREAD, "sphere": SPHERE, "title": format!("Thread {i} about {topic}"),
        "body": format!("Why **{topic}** matters, thread {i}: a paragraph of Markdown with a [link](https://example.com/{i})."),
        "tags": [topic.replace(' ', "-")], "createdAt": datetime(i * 30) });
    record(did, THREAD, format!("t{i}"), format!("bafythread{i}"), value)
}

fn thread_ref(i: u64) -> serde_json::Value {
    json!({ "uri": format!("at://did:plc:author{}/{THREAD}/t{i}", i % 2000), "cid": format!("bafythread{i}") })
}

/// Reply `j` in thread `t`: every third answers the reply before it.
fn reply(t: u64, j: u64, serial: u64) -> Record {
    let did = format!("did:plc:replier{}", serial % 5000);
    let mut value = json!({ "$type": REPLY, "sphere": SPHERE, "root": thread_ref(t),
        "text": format!("Reply {j} in thread {t}: me too, and here is *why*."), "createdAt": datetime(t * 30 + j + 1) });
    if j % 3 == 2 {
        let parent_did = format!("did:plc:replier{}", (serial - 1) % 5000);
        value["parent"] = json!({ "uri": format!("at://{parent_did}/{REPLY}/r{}", serial - 1), "cid": format!("bafyreply{}", serial - 1) });
    }
    record(did, REPLY, format!("r{serial}"), format!("bafyreply{serial}"), value)
}

/// Reaction `k` on thread `t`, by reactor `k` (or the reader).
fn reaction(t: u64, k: u64, did: String) -> Record {
    let emoji = ["+1", "heart", "rocket", "eyes"][(k % 4) as usize];
    let value = json!({ "$type": REACTION, "sphere": SPHERE, "subject": thread_ref(t), "emoji": emoji, "createdAt": datetime(t * 30) });
    record(did, REACTION, format!("x{t}-{k}"), format!("bafyreact{t}-{k}"), value)
}

/// Creates the Sphere and the reader's session, then indexes the threads,
/// replies and reactions through the indexing functions.
async fn seed(
    ctx: &exosphere_core::AppContext,
    setup: String,
    threads: u64,
    replies: u64,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<()> {
    ctx.db.write(move |c| Ok(c.batch_execute(&setup)?)).await?;
    let t = Instant::now();
    // Threads 1-50 have exactly 100 replies each (the pages the render bench
    // reads), the others share the rest; replies are numbered in thread order.
    let per = replies.saturating_sub(100 * RENDERED).div_ceil(threads.saturating_sub(RENDERED).max(1));
    let in_thread = move |i: u64| {
        if i <= RENDERED { (100, (i - 1) * 100) } else { (per, 100 * RENDERED + (i - 1 - RENDERED) * per) }
    };
    let records = (1..=threads).flat_map(|i| {
        let (count, first) = in_thread(i);
        let replies = (0..count).map(move |j| reply(i, j, first + j + 1));
        let reactions = (0..(i % 4)).map(move |k| reaction(i, k, format!("did:plc:reactor{k}")));
        let own = (i % 10 == 0).then(|| reaction(i, 9, READER.to_owned()));
        std::iter::once(thread(i)).chain(replies).chain(reactions).chain(own)
    });
    let indexed = seed::index_all(ctx, records, 10_000).await?;
    let serial = (1..=threads).map(|i| in_thread(i).0).sum::<u64>();
    ctx.db.write(|c| Ok(c.batch_execute("ANALYZE;")?)).await?;
    ctx.db.conn()?.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
    println!(
        "indexed {indexed} records ({threads} threads, {serial} replies, reactions) through the indexing functions in {:.1} s; {} cores, {clients} clients, {seconds} s per phase",
        t.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let seconds = env("BENCH_SECONDS", 8);
    let clients = env("BENCH_CLIENTS", 64) as usize;
    let threads = env("BENCH_THREADS", 100_000);
    let replies = env("BENCH_REPLIES", 1_000_000);
    let dir = tempfile::tempdir()?;
    // BENCH_DATA=<dir> keeps the seeded database there, and a later run with
    // the same setting and size reuses it instead of seeding again.
    let data = std::env::var_os("BENCH_DATA").map_or_else(|| dir.path().join("data"), Into::into);
    let marker = data.join(format!("seeded-{threads}-{replies}-v2"));
    let seeded = marker.exists();
    let mut config = Config::for_tests(data);
    config.workers = 0;
    config.web_dir = exosphere_testkit::server::web_dist()?;
    let registry = exosphere::modules::registry()?;
    let modules = serde_json::to_string(&registry.names())?;
    let running = exosphere::server::start(config, registry, false).await?;
    let ctx = running.ctx.clone();
    let base = format!("http://{}", running.addr);
    let setup = format!(
        "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
         VALUES (1, '{SPHERE}', 'bafybench', 'did:plc:benchowner', 'bench', 'Bench', 'public', 'open', '{modules}',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
         INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (1, 'did:plc:benchowner', 'owner', 'active');"
    );
    if seeded {
        println!("reusing the database seeded before at {}", marker.display());
    } else {
        seed(&ctx, setup, threads, replies, clients, seconds).await?;
        std::fs::write(&marker, b"")?;
    }
    seed::profiles_read(&ctx).await?;
    seed::session(&ctx, READER_SID, READER, "reader.test").await?;

    let signed_in = || seed::cookie(READER_SID);
    let probe = reqwest::Client::new()
        .get(format!("{base}/xrpc/{THREAD}.listThreads?sphere=bench"))
        .headers(signed_in()?)
        .send()
        .await?;
    let cache = probe.headers().get(exosphere_core::xrpc::cache::CACHE_HEADER).cloned();
    let body: serde_json::Value = probe.json().await?;
    anyhow::ensure!(
        body["threads"].as_array().is_some_and(|t| t.len() == 30),
        "listThreads answers 30 threads: {body}"
    );
    anyhow::ensure!(body["threads"][0]["viewer"].is_object(), "the requests are signed in");
    let own = |t: &serde_json::Value| t["viewer"]["reactions"].as_array().is_some_and(|r| !r.is_empty());
    anyhow::ensure!(
        body["threads"].as_array().is_some_and(|t| t.iter().any(own)),
        "the reader's own reactions are on the page, as an active member's are"
    );
    anyhow::ensure!(cache.is_none_or(|c| c != "hit"), "signed-in answers must not come from the cache");

    let warm = base.clone();
    http::drive("warm-up", clients, 2, move |_| format!("{warm}/xrpc/_health")).await;
    let b = base.clone();
    let baseline = http::drive("GET /xrpc/_health (trivial JSON)", clients, seconds, move |_| {
        format!("{b}/xrpc/_health")
    })
    .await;
    let b = base.clone();
    let (kept, computed) = ctx.db.shared_reads();
    let list = http::drive_with("listThreads active, signed in", clients, seconds, signed_in()?, move |_| {
        format!("{b}/xrpc/{THREAD}.listThreads?sphere=bench")
    })
    .await;
    let shared = ctx.db.shared_reads();
    let shared = (shared.0 - kept, shared.1 - computed);
    let b = base.clone();
    let list_fresh = http::drive_uncached(
        "listThreads active, signed in, no-cache",
        clients,
        seconds,
        signed_in()?,
        move |_| format!("{b}/xrpc/{THREAD}.listThreads?sphere=bench"),
    )
    .await;
    let b = base.clone();
    let one = http::drive_with("getThread random, signed in", clients, seconds, signed_in()?, move |n| {
        format!("{b}/xrpc/{THREAD}.getThread?sphere=bench&number={}", 1 + n % threads)
    })
    .await;
    let b = base.clone();
    let page = http::drive_with(
        "listReplies of 100, signed in, shared",
        clients,
        seconds,
        signed_in()?,
        move |_| format!("{b}/xrpc/{THREAD}.listReplies?sphere=bench&number=1"),
    )
    .await;
    http::print(&[&baseline, &list, &list_fresh, &one, &page]);
    println!(
        "\nlistThreads signed in: {} of {} pages shared (the page without the viewer's emoji, kept since the last write; the reader's emoji laid over it); no-cache computes every page",
        shared.0,
        shared.0 + shared.1
    );
    println!("\ntargets: p99 < 10 ms for listThreads and getThread");

    // Server renders, one at a time, signed in.
    let client = reqwest::Client::builder().no_proxy().default_headers(signed_in()?).build()?;
    let render = async |number: u64| -> anyhow::Result<(f64, String)> {
        let t = Instant::now();
        let response = client.get(format!("{base}/s/bench/discussions/{number}")).send().await?;
        anyhow::ensure!(response.status().is_success(), "render failed: {}", response.status());
        let body = response.text().await?;
        anyhow::ensure!(
            body.contains(&format!("Reply 99 in thread {number}")),
            "the page carries its 100 replies: {} mentions of replies, {} of thread {number}",
            body.matches("Reply ").count(),
            body.matches(&format!("in thread {number}:")).count()
        );
        Ok((t.elapsed().as_secs_f64() * 1000.0, body))
    };
    let quantiles = |mut times: Vec<f64>| {
        times.sort_by(f64::total_cmp);
        let q = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        (q(0.5), q(0.99))
    };
    // The server's own histograms: (sum in seconds, count) of prefetch and render.
    let split = async || -> anyhow::Result<[(f64, f64); 2]> {
        let text = client.get(format!("{base}/metrics")).send().await?.text().await?;
        let value = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse::<f64>().ok()))
                .unwrap_or(0.0)
        };
        Ok([
            (value("exosphere_ssr_prefetch_seconds_sum"), value("exosphere_ssr_prefetch_seconds_count")),
            (value("exosphere_ssr_render_seconds_sum"), value("exosphere_ssr_render_seconds_count")),
        ])
    };
    let means = |before: [(f64, f64); 2], after: [(f64, f64); 2]| {
        let mean = |i: usize| 1000.0 * (after[i].0 - before[i].0) / (after[i].1 - before[i].1).max(1.0);
        format!("server's means: data {:.2} ms, QuickJS {:.2} ms", mean(0), mean(1))
    };
    let at_start = split().await?;
    let mut cold = Vec::new();
    for number in 2..=RENDERED {
        cold.push(render(number).await?.0);
    }
    let after_cold = split().await?;
    let mut warm = Vec::new();
    let mut page = String::new();
    for i in 0..200 {
        let (ms, body) = render(1).await?;
        if i >= 20 {
            warm.push(ms);
        }
        page = body;
    }
    let size = page.len();
    let after_warm = split().await?;
    let ((cold50, cold99), (warm50, warm99)) = (quantiles(cold), quantiles(warm));
    println!("\nthread page with 100 replies, signed in (prefetch + QuickJS render + HTTP), {size} B:");
    println!(
        "  first render of each of {} pages: p50 {cold50:.2} ms, p99 {cold99:.2} ms ({})",
        RENDERED - 1,
        means(at_start, after_cold)
    );
    println!(
        "  the same page again: p50 {warm50:.2} ms, p99 {warm99:.2} ms ({})",
        means(after_cold, after_warm)
    );
    match exosphere_testkit::server::node_render_time(&page, "/s/bench/discussions/1", 300)? {
        Some(node) => println!(
            "  the same bundle and page in Node (V8, warm; data parse + render): p50 {:.2} ms, p99 {:.2} ms",
            node.p50, node.p99
        ),
        None => println!("  (no Node here: its render time of the page is not measured)"),
    }
    if let Some(path) = std::env::var_os("BENCH_KEEP_PAGE") {
        std::fs::write(path, &page)?;
    }
    println!("target: render p50 < 10 ms");
    running.handle.stop(true).await;
    Ok(())
}
