//! Polls under load: a ranked poll with 20 options and 100k ballots (each
//! voter ranking 3 to 7 options, nearly every order distinct) and a
//! single-choice one with as many, indexed
//! through the module's own indexing functions (the path every record
//! takes), then, with 64 concurrent signed-in clients, beside the trivial
//! `/xrpc/_health` endpoint of the same server in the same run:
//!
//! - `getPoll` of each (the ranked one with its 19-round runoff). Signed-in
//!   answers never come from the response cache; the poll's view (results
//!   included, viewer's ballot aside) is shared between readers until the
//!   next write, and a `no-cache` phase computes it every time;
//! - the `vote` path: 64 voters, each with a real session, changing their
//!   ballot again and again, on the 100k-ballot poll and, to show that a
//!   ballot's cost doesn't grow with the ballots, on a ranked poll of 20
//!   options with 100 ballots.
//!
//! The Sphere is private, so a vote is written here rather than to a PDS.
//!
//! Run: `cargo bench --workspace --bench polls` (`BENCH_SECONDS` per phase,
//! default 8; `BENCH_CLIENTS`, default 64; `BENCH_BALLOTS`, default 100000).

use std::time::Instant;

use diesel::connection::SimpleConnection;
use exosphere_core::Config;
use exosphere_testkit::load_driver as http;
use exosphere_testkit::seed::{self, Record, datetime, env};
use serde_json::json;

const SPHERE: &str = "at://did:plc:benchowner/site.exosphere.sphere/bench";
const POLL: &str = "site.exosphere.poll";
const VOTE: &str = "site.exosphere.pollVote";
const OPTIONS: u64 = 20;

/// The reader of `getPoll`: a member.
const READER: &str = "did:plc:reader";
const READER_SID: &str = "bench-reader-session";

fn poll(number: u64, kind: &str) -> Record {
    let options: Vec<String> = (0..OPTIONS).map(|o| format!("Option {o} of poll {number}")).collect();
    let value = json!({ "$type": POLL, "sphere": SPHERE, "question": format!("Which? (poll {number})"),
        "options": options, "kind": kind, "results": "always", "createdAt": datetime(number) });
    Record {
        did: "did:plc:benchowner".into(),
        collection: POLL,
        rkey: format!("p{number}"),
        cid: format!("bafypoll{number}"),
        value,
    }
}

/// A pseudo-random ranking of 3 to 7 of the 20 options, from `seed`.
fn ranking(seed: u64) -> Vec<u64> {
    let mut n = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        n ^= n << 13;
        n ^= n >> 7;
        n ^= n << 17;
        n
    };
    let mut order: Vec<u64> = (0..OPTIONS).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    order.truncate(3 + (next() % 5) as usize);
    order
}

/// Voter `voter`'s ballot in poll `poll_number` (3 is single choice: the ranking's first).
fn ballot(poll_number: u64, voter: u64) -> Record {
    let mut choices = ranking(voter * 31 + poll_number);
    if poll_number == 3 {
        choices.truncate(1);
    }
    let value = json!({ "$type": VOTE, "sphere": SPHERE,
        "subject": { "uri": format!("at://did:plc:benchowner/{POLL}/p{poll_number}"), "cid": format!("bafypoll{poll_number}") },
        "choices": choices, "createdAt": datetime(100 + voter) });
    Record {
        did: format!("did:plc:voter{voter}"),
        collection: VOTE,
        rkey: format!("b{poll_number}"),
        cid: format!("bafyballot{poll_number}-{voter}"),
        value,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let seconds = env("BENCH_SECONDS", 8);
    let clients = env("BENCH_CLIENTS", 64) as usize;
    let ballots = env("BENCH_BALLOTS", 100_000);
    let dir = tempfile::tempdir()?;
    let mut config = Config::for_tests(dir.path().join("data"));
    config.workers = 0;
    // Each of the 64 voters changes their ballot hundreds of times a minute:
    // past the per-account write limit (600 a minute), which is not what is measured here.
    config.rate_writes = 0;
    let registry = exosphere::modules::registry()?;
    let modules = serde_json::to_string(&registry.names())?;
    let running = exosphere::server::start(config, registry, false).await?;
    let ctx = running.ctx.clone();
    let base = format!("http://{}", running.addr);

    // A private Sphere: every voter (and the reader) an active member.
    let members = (0..ballots.max(clients as u64))
        .map(|v| format!("(1, 'did:plc:voter{v}', 'member', 'active')"))
        .chain([format!("(1, '{READER}', 'member', 'active')")])
        .collect::<Vec<_>>()
        .join(",");
    let setup = format!(
        "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
         VALUES (1, '{SPHERE}', 'bafybench', 'did:plc:benchowner', 'bench', 'Bench', 'private', 'members', '{modules}',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
         INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (1, 'did:plc:benchowner', 'owner', 'active'), {members};"
    );
    ctx.db.write(move |c| Ok(c.batch_execute(&setup)?)).await?;
    let t = Instant::now();
    let records = [poll(1, "ranked"), poll(2, "ranked"), poll(3, "single")]
        .into_iter()
        .chain((0..ballots).map(|v| ballot(1, v)))
        .chain((0..100).map(|v| ballot(2, v)))
        .chain((0..ballots).map(|v| ballot(3, v)));
    let indexed = seed::index_all(&ctx, records, 10_000).await?;
    ctx.db.write(|c| Ok(c.batch_execute("ANALYZE;")?)).await?;
    ctx.db.conn()?.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
    println!(
        "indexed {indexed} records (ranked polls of {OPTIONS} options with {ballots} and 100 ballots, a single-choice one with {ballots}) through the indexing functions in {:.1} s; {} cores, {clients} clients, {seconds} s per phase",
        t.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );

    seed::profiles_read(&ctx).await?;
    seed::session(&ctx, READER_SID, READER, "reader.test").await?;
    for v in 0..clients {
        seed::session(
            &ctx,
            &format!("bench-voter-{v}"),
            &format!("did:plc:voter{v}"),
            &format!("voter{v}.test"),
        )
        .await?;
    }
    let reader = seed::cookie(READER_SID)?;
    let probe: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}/xrpc/{POLL}.getPoll?sphere=bench&number=1"))
        .headers(reader.clone())
        .send()
        .await?
        .json()
        .await?;
    let tally = &probe["poll"]["tally"];
    anyhow::ensure!(tally["voters"] == ballots, "getPoll counts every ballot: {}", probe);
    let rounds = tally["runoff"]["rounds"].as_array().map_or(0, Vec::len);
    anyhow::ensure!(
        rounds > 1 && tally["runoff"]["winner"].is_number(),
        "the runoff has rounds and a winner"
    );
    println!("the big poll's runoff: {rounds} rounds, winner option {}", tally["runoff"]["winner"]);

    let warm = base.clone();
    http::drive("warm-up", clients, 2, move |_| format!("{warm}/xrpc/_health")).await;
    let b = base.clone();
    let baseline = http::drive("GET /xrpc/_health (trivial JSON)", clients, seconds, move |_| {
        format!("{b}/xrpc/_health")
    })
    .await;
    let b = base.clone();
    let get = http::drive_with(
        "getPoll ranked, 20 options, 100k ballots",
        clients,
        seconds,
        reader.clone(),
        move |_| format!("{b}/xrpc/{POLL}.getPoll?sphere=bench&number=1"),
    )
    .await;
    let b = base.clone();
    let fresh = http::drive_uncached(
        "getPoll ranked, 100k ballots, no-cache",
        clients,
        seconds,
        reader.clone(),
        move |_| format!("{b}/xrpc/{POLL}.getPoll?sphere=bench&number=1"),
    )
    .await;
    let b = base.clone();
    let single =
        http::drive_with("getPoll single choice, 100k ballots", clients, seconds, reader, move |_| {
            format!("{b}/xrpc/{POLL}.getPoll?sphere=bench&number=3")
        })
        .await;
    let vote = |number: u64| {
        let client =
            reqwest::Client::builder().pool_max_idle_per_host(clients).no_proxy().build().unwrap_or_default();
        let url = format!("{base}/xrpc/{POLL}.vote");
        move |worker: usize, n: u64| {
            client
                .post(&url)
                .header(reqwest::header::COOKIE, format!("sid=bench-voter-{worker}"))
                .json(&json!({ "sphere": "bench", "number": number, "choices": ranking(n) }))
        }
    };
    let writes_before = metric(&base, "exosphere_db_write_transactions_total").await?;
    let big = http::drive_requests("vote, ranked poll of 100k ballots", clients, seconds, vote(1)).await;
    let small = http::drive_requests("vote, ranked poll of 100 ballots", clients, seconds, vote(2)).await;
    let transactions = metric(&base, "exosphere_db_write_transactions_total").await? - writes_before;
    http::print(&[&baseline, &get, &fresh, &single, &big, &small]);
    println!(
        "\nvotes: {} in {transactions:.0} write transactions (group commit): a ranked poll's runoff is updated once per transaction\ntargets: getPoll p99 < 10 ms; a ballot change costs no more than one transaction's work",
        big.answered + small.answered
    );
    running.handle.stop(true).await;
    Ok(())
}

/// A counter from the server's `/metrics`.
async fn metric(base: &str, name: &str) -> anyhow::Result<f64> {
    let text = reqwest::get(format!("{base}/metrics")).await?.text().await?;
    Ok(text
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse::<f64>().ok()))
        .unwrap_or(0.0))
}
