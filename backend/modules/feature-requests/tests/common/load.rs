//! A load of many signed-in members on one private Sphere (no PDS needed:
//! private content stays in SQLite), shared by the load benchmark and the
//! graceful-shutdown test. Sessions are seeded straight into the database,
//! as a sign-in would leave them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use exosphere_core::Db;
use serde_json::{Value, json};

pub const SPHERE: &str = "load";
const FR: &str = "site.exosphere.featureRequest";

/// One `exosphere` process on a data directory.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub port: u16,
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts `binary` on `data_dir` (API only: no Jetstream) and waits until it is ready.
pub async fn start(binary: &Path, data_dir: &Path, port: u16) -> anyhow::Result<Server> {
    let child = Command::new(binary)
        .env_clear()
        .env("EXOSPHERE_BIND", format!("127.0.0.1:{port}"))
        .env("EXOSPHERE_DATA_DIR", data_dir)
        .env("DISABLE_INDEXER", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().no_proxy().build()?;
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/xrpc/_ready")).send().await
            && r.status().is_success()
        {
            break;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(Server { child, base, port })
}

/// Sends SIGTERM and waits for the exit; true when it exited cleanly.
pub fn terminate(server: &mut Server) -> anyhow::Result<bool> {
    Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status()?;
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        if let Some(exit) = server.child.try_wait()? {
            return Ok(exit.success());
        }
        if Instant::now() > deadline {
            server.child.kill()?;
            anyhow::bail!("the server did not stop within 40 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Creates the database, a private members-only Sphere and `members` signed-in members; their `sid`s.
pub async fn seed(binary: &Path, data_dir: &Path, members: usize) -> anyhow::Result<Vec<String>> {
    let migrate =
        Command::new(binary).env_clear().env("EXOSPHERE_DATA_DIR", data_dir).arg("migrate").output()?;
    anyhow::ensure!(migrate.status.success(), "migrate: {}", String::from_utf8_lossy(&migrate.stderr));
    let db = Db::open(&data_dir.join("exosphere.sqlite"))?;
    let sids: Vec<String> =
        (0..members).map(|i| format!("load-session-{i}-{}", std::process::id())).collect();
    let mut sql = String::from(
        "INSERT INTO spheres (id, uri, cid, owner_did, slug, name, visibility, write_mode, modules, created_at, indexed_at)
         VALUES (1, 'at://did:plc:loadowner/site.exosphere.sphere/load', 'bafyload', 'did:plc:loadowner', 'load',
                 'Load', 'private', 'members', '[\"feature-requests\"]', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
         INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (1, 'did:plc:loadowner', 'owner', 'active');",
    );
    for (i, sid) in sids.iter().enumerate() {
        sql.push_str(&format!(
            "INSERT INTO sphere_members (sphere_id, did, role, status) VALUES (1, 'did:plc:member{i}', 'member', 'active');
             INSERT INTO auth_sessions (sid_hash, did, handle, created_at, expires_at)
             VALUES ('{}', 'did:plc:member{i}', 'member{i}.test', 0, 9999999999);",
            exosphere_core::auth::hash_sid(sid)
        ));
    }
    db.write(move |c| {
        diesel::connection::SimpleConnection::batch_execute(c, &sql)?;
        Ok(())
    })
    .await?;
    Ok(sids)
}

/// What one run saw.
#[derive(Default)]
pub struct Report {
    pub latencies_us: Vec<u32>,
    pub errors: u64,
    pub locked: u64,
    pub first_errors: Vec<String>,
    /// Numbers of the requests whose creation the server confirmed.
    pub accepted: Vec<i64>,
    pub reads: u64,
    pub writes: u64,
}

impl Report {
    fn merge(&mut self, other: Report) {
        self.latencies_us.extend(other.latencies_us);
        self.errors += other.errors;
        self.locked += other.locked;
        self.reads += other.reads;
        self.writes += other.writes;
        self.accepted.extend(other.accepted);
        for e in other.first_errors {
            if self.first_errors.len() < 5 {
                self.first_errors.push(e);
            }
        }
    }

    pub fn quantile_ms(&mut self, q: f64) -> f64 {
        self.latencies_us.sort_unstable();
        let n = self.latencies_us.len();
        self.latencies_us.get(((n as f64 * q) as usize).min(n.saturating_sub(1))).copied().unwrap_or(0) as f64
            / 1000.0
    }
}

/// How the clients behave.
pub struct Mix {
    pub clients: usize,
    pub duration: Duration,
    /// Share of writes (the rest reads).
    pub write_share: f64,
    /// Pause between a client's requests, uniformly in this range (ms).
    pub think_ms: (u64, u64),
}

/// Runs the load; `stop_early` ends it sooner (set by the caller, e.g. after
/// SIGTERM), and `confirmed` counts the requests whose creation the server
/// confirmed as they come (what a caller waits on).
pub async fn run(
    base: &str,
    sids: &[String],
    mix: &Mix,
    stop_early: Arc<AtomicBool>,
    confirmed: Arc<AtomicU64>,
) -> Report {
    let deadline = Instant::now() + mix.duration;
    let mut tasks = Vec::new();
    for worker in 0..mix.clients {
        let sid = sids[worker % sids.len()].clone();
        let base = base.to_owned();
        let stop = Arc::clone(&stop_early);
        let confirmed = Arc::clone(&confirmed);
        let (write_share, think) = (mix.write_share, mix.think_ms);
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap_or_default();
            let mut report = Report::default();
            let mut rng = (worker as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut next = move || {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng
            };
            // Spread the start so 1,000 clients don't connect in the same millisecond.
            tokio::time::sleep(Duration::from_millis(next() % think.1.max(1))).await;
            let mut known = 0i64;
            while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                let roll = (next() % 10_000) as f64 / 10_000.0;
                let started = Instant::now();
                let (write, request) = if roll < write_share {
                    let kind = next() % 3;
                    let body = if kind == 0 || known == 0 {
                        ("createRequest", json!({ "sphere": SPHERE, "title": format!("Load {worker}/{}", next() % 1_000_000), "description": "Made by the load test." }))
                    } else if kind == 1 {
                        ("vote", json!({ "sphere": SPHERE, "number": 1 + (next() % known as u64) as i64 }))
                    } else {
                        ("createComment", json!({ "sphere": SPHERE, "number": 1 + (next() % known as u64) as i64, "text": "Me too." }))
                    };
                    (Some(body.0), client.post(format!("{base}/xrpc/{FR}.{}", body.0)).json(&body.1))
                } else if next() % 2 == 0 || known == 0 {
                    (None, client.get(format!("{base}/xrpc/{FR}.listRequests?sphere={SPHERE}&sort=top&limit=20")))
                } else {
                    (None, client.get(format!("{base}/xrpc/{FR}.getRequest?sphere={SPHERE}&number={}", 1 + (next() % known as u64) as i64)))
                };
                let outcome = request.header("cookie", format!("sid={sid}")).send().await;
                let outcome = match outcome {
                    Ok(r) => {
                        let status = r.status();
                        r.text().await.map(|t| (status, t))
                    }
                    Err(e) => Err(e),
                };
                report.latencies_us.push(started.elapsed().as_micros() as u32);
                if write.is_some() {
                    report.writes += 1;
                } else {
                    report.reads += 1;
                }
                match outcome {
                    Ok((status, text)) if status.is_success() => {
                        let value: Value = serde_json::from_str(&text).unwrap_or_default();
                        if write == Some("createRequest")
                            && let Some(n) = value["request"]["number"].as_i64()
                        {
                            report.accepted.push(n);
                            confirmed.fetch_add(1, Ordering::Relaxed);
                            known = known.max(n);
                        }
                        if let Some(n) = value["requests"][0]["number"].as_i64() {
                            known = known.max(n);
                        }
                    }
                    Ok((status, text)) => {
                        report.errors += 1;
                        report.locked += u64::from(text.contains("locked"));
                        if report.first_errors.len() < 5 {
                            report.first_errors.push(format!("{status} {text}"));
                        }
                    }
                    Err(e) => {
                        report.errors += 1;
                        if report.first_errors.len() < 5 {
                            report.first_errors.push(e.to_string());
                        }
                    }
                }
                let pause = think.0 + next() % (think.1 - think.0).max(1);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            report
        }));
    }
    let mut total = Report::default();
    for task in tasks {
        if let Ok(report) = task.await {
            total.merge(report);
        }
    }
    total
}

/// A fresh temporary data directory.
pub fn data_dir(root: &Path) -> PathBuf {
    root.join("data")
}
