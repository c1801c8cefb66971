//! Feature-request board under load: one open Sphere with 100k requests, 1M
//! votes and 200k comments, indexed through the board's own indexing
//! functions (the path every record takes), then 64 concurrent HTTP clients
//! beside the trivial `/xrpc/_health` endpoint of the same server in the
//! same run:
//! - `listRequests` (top) and `getRequest` as a signed-in member gets them
//!   (a real session, with their own votes on the page; never from the
//!   response cache). The list page itself is shared between readers until
//!   the next write (no writes here), the reader's votes laid over it; the
//!   `no-cache` phase computes every page, as after each write;
//! - anonymous `listRequests` over 24,000 distinct URLs (sorts, statuses,
//!   authors), apart from one anonymous URL, which the response cache
//!   answers after its first request. The `cached` column says how many
//!   answers came from that cache.
//!
//! Run: `cargo bench --workspace --bench board`
//! (`BENCH_SECONDS` per phase, default 8; `BENCH_CLIENTS`, default 64;
//! `BENCH_DATA=<dir>` keeps the seeded database there for the next run.)

use std::time::Instant;

use diesel::connection::SimpleConnection;
use exosphere_core::Config;
use exosphere_testkit::load_driver as http;
use exosphere_testkit::seed::{self, Record, datetime, env};
use serde_json::json;

const SPHERE: &str = "at://did:plc:benchowner/site.exosphere.sphere/bench";
const OWNER: &str = "did:plc:benchowner";
const REQUEST: &str = "site.exosphere.featureRequest";
const VOTE: &str = "site.exosphere.featureRequestVote";
const COMMENT: &str = "site.exosphere.featureRequestComment";
const STATUS: &str = "site.exosphere.featureRequestStatus";
const REQUESTS: u64 = 100_000;
const VOTES: u64 = 1_000_000;
const COMMENTS: u64 = 200_000;
const AUTHORS: u64 = 2_000;
/// The signed-in reader: a member who voted for some of the top requests and every hundredth.
const READER: &str = "did:plc:reader";
const READER_SID: &str = "bench-reader-session";
const LIST: &str = "site.exosphere.featureRequest.listRequests";
const GET: &str = "site.exosphere.featureRequest.getRequest";

fn author(i: u64) -> String {
    format!("did:plc:author{}", i % AUTHORS)
}

fn request_ref(i: u64) -> serde_json::Value {
    json!({ "uri": seed::uri(&author(i), REQUEST, &format!("r{i}")), "cid": format!("bafyreq{i}") })
}

fn request(i: u64) -> Record {
    let topic =
        ["dark mode", "exports", "keyboard shortcuts", "mobile app", "integrations"][(i % 5) as usize];
    let value = json!({ "$type": REQUEST, "sphere": SPHERE, "title": format!("Request number {i} about {topic}"),
        "description": format!("A longer description of request {i}, explaining why it matters to the people who asked for it."),
        "createdAt": datetime(i * 60) });
    Record { did: author(i), collection: REQUEST, rkey: format!("r{i}"), cid: format!("bafyreq{i}"), value }
}

fn vote(voter: String, rkey: String, request: u64, serial: u64) -> Record {
    let value = json!({ "$type": VOTE, "sphere": SPHERE, "subject": request_ref(request), "createdAt": datetime(REQUESTS * 60 + request) });
    Record { did: voter, collection: VOTE, cid: format!("bafyvote{serial}"), rkey, value }
}

fn comment(i: u64, request: u64) -> Record {
    let value = json!({ "$type": COMMENT, "sphere": SPHERE, "subject": request_ref(request),
        "text": format!("Comment {i}: me too, please."), "createdAt": datetime(REQUESTS * 60 + i) });
    let did = format!("did:plc:commenter{}", i % 5000);
    Record { did, collection: COMMENT, rkey: format!("c{i}"), cid: format!("bafycomment{i}"), value }
}

fn status(i: u64, status: &str) -> Record {
    let value = json!({ "$type": STATUS, "sphere": SPHERE, "subject": request_ref(i), "status": status,
        "createdAt": datetime(REQUESTS * 60 + i) });
    Record {
        did: OWNER.to_owned(),
        collection: STATUS,
        rkey: format!("s{i}"),
        cid: format!("bafystatus{i}"),
        value,
    }
}

/// Every record of the Sphere, in an order the indexer could see them in.
fn records() -> impl Iterator<Item = Record> {
    // Skewed popularity, as on real boards: a few requests get most votes.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        state >> 33
    };
    let votes: Vec<u64> = (0..VOTES).map(|_| 1 + (next() % 1000) * (1 + next() % 100) % REQUESTS).collect();
    let commented: Vec<u64> = (0..COMMENTS).map(|_| 1 + next() % REQUESTS).collect();
    // The reader voted for every third of the 150 most voted requests, and every hundredth.
    let mut counts = vec![0u32; REQUESTS as usize + 1];
    for r in &votes {
        counts[*r as usize] += 1;
    }
    let mut popular: Vec<u64> = (1..=REQUESTS).collect();
    popular.sort_by_key(|r| std::cmp::Reverse(counts[*r as usize]));
    let mut reader: Vec<u64> = popular.into_iter().take(150).step_by(3).collect();
    let hundredths: Vec<u64> = (100..=REQUESTS).step_by(100).filter(|r| !reader.contains(r)).collect();
    reader.extend(hundredths);
    (1..=REQUESTS)
        .map(request)
        .chain(
            votes
                .into_iter()
                .enumerate()
                .map(|(i, r)| vote(format!("did:plc:voter{i}"), "v".into(), r, i as u64)),
        )
        .chain(reader.into_iter().map(|r| vote(READER.to_owned(), format!("v{r}"), r, VOTES + r)))
        .chain(commented.into_iter().enumerate().map(|(i, r)| comment(i as u64, r)))
        .chain((1..=REQUESTS).filter_map(|i| match i % 7 {
            0 => Some(status(i, "planned")),
            1 => Some(status(i, "done")),
            _ => None,
        }))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let seconds = env("BENCH_SECONDS", 8);
    let clients = env("BENCH_CLIENTS", 64) as usize;
    let dir = tempfile::tempdir()?;
    let data = std::env::var_os("BENCH_DATA").map_or_else(|| dir.path().join("data"), Into::into);
    let marker = data.join("seeded-board-v3");
    let seeded = marker.exists();
    let mut config = Config::for_tests(data);
    config.workers = 0;
    let running = exosphere::server::start(config, exosphere::modules::registry()?, false).await?;
    let ctx = running.ctx.clone();
    let base = format!("http://{}", running.addr);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);

    if seeded {
        println!("reusing the database seeded before at {}", marker.display());
    } else {
        let setup = format!(
            "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
             VALUES (1, '{SPHERE}', 'bafybench', '{OWNER}', 'bench', 'Bench', 'public', 'open', '[\"feature-requests\"]',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (1, '{OWNER}', 'owner', 'active');"
        );
        ctx.db.write(move |c| Ok(c.batch_execute(&setup)?)).await?;
        let t = Instant::now();
        let indexed = seed::index_all(&ctx, records(), 10_000).await?;
        // Statistics as an operator's ANALYZE leaves them (STAT4 samples included).
        ctx.db.write(|c| Ok(c.batch_execute("ANALYZE;")?)).await?;
        // A server in steady state has its WAL checkpointed into the database file.
        ctx.db.conn()?.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
        println!(
            "indexed {indexed} records ({REQUESTS} requests, {VOTES} votes, {COMMENTS} comments, statuses) through the indexing functions in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        std::fs::write(&marker, b"")?;
    }
    seed::profiles_read(&ctx).await?;
    println!("{cores} cores, {clients} clients, {seconds} s per phase");
    seed::session(&ctx, READER_SID, READER, "reader.test").await?;

    let probe = reqwest::Client::new()
        .get(format!("{base}/xrpc/{LIST}?sphere=bench&sort=top"))
        .headers(seed::cookie(READER_SID)?)
        .send()
        .await?;
    let cache = probe.headers().get(exosphere_core::xrpc::cache::CACHE_HEADER).cloned();
    let body: serde_json::Value = probe.json().await?;
    let requests = body["requests"].as_array().cloned().unwrap_or_default();
    anyhow::ensure!(requests.len() == 50, "listRequests answers 50 requests: {body}");
    anyhow::ensure!(
        requests.iter().any(|r| r["viewer"]["voted"] == true),
        "the requests are signed in, and the reader's own votes are on the page"
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
    let top = http::drive_with(
        "listRequests top, signed in",
        clients,
        seconds,
        seed::cookie(READER_SID)?,
        move |_| format!("{b}/xrpc/{LIST}?sphere=bench&sort=top"),
    )
    .await;
    let shared = ctx.db.shared_reads();
    let shared = (shared.0 - kept, shared.1 - computed);
    let b = base.clone();
    let top_fresh = http::drive_uncached(
        "listRequests top, signed in, no-cache",
        clients,
        seconds,
        seed::cookie(READER_SID)?,
        move |_| format!("{b}/xrpc/{LIST}?sphere=bench&sort=top"),
    )
    .await;
    let b = base.clone();
    let one = http::drive_with(
        "getRequest random, signed in",
        clients,
        seconds,
        seed::cookie(READER_SID)?,
        move |n| format!("{b}/xrpc/{GET}?sphere=bench&number={}", 1 + n % REQUESTS),
    )
    .await;
    let b = base.clone();
    let many = http::drive("listRequests anonymous, 24k URLs", clients, seconds, move |n| {
        let sort = ["top", "new", "trending"][(n % 3) as usize];
        let status = ["", "&status=open", "&status=planned", "&status=done"][((n / 3) % 4) as usize];
        format!(
            "{b}/xrpc/{LIST}?sphere=bench&sort={sort}{status}&author=did:plc:author{}",
            (n / 12) % AUTHORS
        )
    })
    .await;
    let b = base.clone();
    let single = http::drive("listRequests top, anonymous, one URL", clients, seconds, move |_| {
        format!("{b}/xrpc/{LIST}?sphere=bench&sort=top")
    })
    .await;
    let b = base.clone();
    let anonymous_one = http::drive("getRequest random, anonymous", clients, seconds, move |n| {
        format!("{b}/xrpc/{GET}?sphere=bench&number={}", 1 + n % REQUESTS)
    })
    .await;

    http::print(&[&baseline, &top, &top_fresh, &one, &many, &single, &anonymous_one]);
    println!(
        "\nlistRequests signed in: {} of {} pages shared (the page without the viewer's votes, kept since the last write; the reader's votes laid over it); no-cache computes every page",
        shared.0,
        shared.0 + shared.1
    );
    println!(
        "\ntargets (signed in): p99 < 10 ms for listRequests top ({:.2} ms) and getRequest ({:.2} ms); listRequests at least 30% of the trivial endpoint's rate ({:.0}%)",
        top.p99,
        one.p99,
        100.0 * top.rps / baseline.rps.max(1.0)
    );
    println!(
        "cached: answers from the anonymous response cache (kept until the next write); signed-in answers never come from it"
    );
    running.handle.stop(true).await;
    Ok(())
}
