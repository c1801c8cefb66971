//! Footprint of the release binary: its size, cold start to ready (a fresh
//! data folder, so migrations included, and a restart on existing data),
//! and resident memory when idle. Targets: < 40 MB, < 300 ms, < 60 MB.
//!
//! `cargo bench -p exosphere --bench footprint` (also `scripts/footprint`).

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn ready(port: u16) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    if s.write_all(b"GET /xrpc/_ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut reply = String::new();
    s.read_to_string(&mut reply).is_ok() && reply.starts_with("HTTP/1.1 200")
}

fn start(data: &std::path::Path, port: u16) -> anyhow::Result<(Child, Duration)> {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_exosphere"))
        .env_clear()
        .env("EXOSPHERE_BIND", format!("127.0.0.1:{port}"))
        .env("EXOSPHERE_DATA_DIR", data)
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

    let (child, cold) = start(&data, port)?;
    std::thread::sleep(Duration::from_secs(3));
    let idle = rss_mb(child.id())?;
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
    Ok(())
}
