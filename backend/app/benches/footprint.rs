//! Footprint of the release binary, run as `cargo run` runs it from the
//! repository (the built web app served, server rendering loaded): its size,
//! cold start to ready (a fresh data folder, so migrations included, and a
//! restart on existing data), resident memory when idle, and after 1,000
//! server-rendered pages. Targets: < 40 MB, < 300 ms, < 60 MB idle.
//!
//! `cargo bench -p exosphere --bench footprint` (also `scripts/footprint`).

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// GET `path`: the whole reply, status line first (`None` when the server doesn't answer).
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()).ok()?;
    let mut reply = String::new();
    s.read_to_string(&mut reply).ok()?;
    Some(reply)
}

fn ready(port: u16) -> bool {
    get(port, "/xrpc/_ready").is_some_and(|r| r.starts_with("HTTP/1.1 200"))
}

fn start(data: &std::path::Path, port: u16) -> anyhow::Result<(Child, Duration)> {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_exosphere"))
        .env_clear()
        .env("EXOSPHERE_BIND", format!("127.0.0.1:{port}"))
        .env("EXOSPHERE_DATA_DIR", data)
        // From the repository, as `cargo run` serves it: web/dist, built before.
        .current_dir(exosphere_testkit::server::repo_root())
        .env("EXOSPHERE_BUILD_WEB", "0")
        // The indexer runs, but toward a closed loopback port: no traffic leaves the machine.
        .env("EXOSPHERE_JETSTREAM_URL", "ws://127.0.0.1:9/subscribe")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    while !ready(port) {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "not ready after 30 s");
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok((child, started.elapsed()))
}

fn rss_mb(pid: u32) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no VmRSS"))?;
    Ok(kb / 1024.0)
}

fn stop(mut child: Child) -> anyhow::Result<()> {
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status()?;
    child.wait()?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_exosphere"));
    let size = std::fs::metadata(binary)?.len() as f64 / 1e6;
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();

    exosphere_testkit::server::web_dist()?;

    let (child, cold) = start(&data, port)?;
    std::thread::sleep(Duration::from_secs(3));
    let idle = rss_mb(child.id())?;
    // Pages a crawler might ask for: each URL is rendered once by QuickJS
    // (and kept in the anonymous page cache, as a server would keep it).
    for i in 0..1000 {
        let page = get(port, &format!("/?from={i}")).unwrap_or_default();
        anyhow::ensure!(
            page.starts_with("HTTP/1.1 200"),
            "page {i}: {}",
            page.lines().next().unwrap_or("no answer")
        );
        let app = page.split_once("<div id=\"app\">").map_or("", |(_, app)| app);
        anyhow::ensure!(
            page.contains("x-exosphere-cache: miss")
                && !app.starts_with("</div>")
                && !app.starts_with("<!--"),
            "page {i} was not rendered by the server"
        );
    }
    let rendered = rss_mb(child.id())?;
    stop(child)?;
    let (child, warm) = start(&data, port)?;
    stop(child)?;

    println!("{:<44} {:>10} {:>10}", "measure", "value", "target");
    println!("{:<44} {:>7.1} MB {:>7} MB", "release binary size", size, "< 40");
    println!(
        "{:<44} {:>7.0} ms {:>7} ms",
        "cold start to ready (new data folder)",
        cold.as_secs_f64() * 1e3,
        "< 300"
    );
    println!(
        "{:<44} {:>7.0} ms {:>7} ms",
        "start to ready (existing data)",
        warm.as_secs_f64() * 1e3,
        "< 300"
    );
    println!("{:<44} {:>7.1} MB {:>7} MB", "idle resident memory (3 s after ready)", idle, "< 60");
    println!("{:<44} {:>7.1} MB {:>10}", "resident memory after 1,000 rendered pages", rendered, "");
    Ok(())
}
