//! The `exosphere` binary starts with no setup at all, and Ctrl-C stops it cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

#[test]
fn starts_in_an_empty_folder_serves_health_and_stops_on_ctrl_c() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_exosphere"))
        .current_dir(dir.path())
        .env_clear()
        .env("EXOSPHERE_BIND", format!("127.0.0.1:{port}"))
        .env("EXOSPHERE_WORKERS", "1")
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take();

    let started = Instant::now();
    let body = loop {
        let reply = std::net::TcpStream::connect(("127.0.0.1", port)).ok().and_then(|mut s| {
            use std::io::{Read, Write};
            s.write_all(b"GET /xrpc/_health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ok()?;
            let mut out = String::new();
            s.read_to_string(&mut out).ok()?;
            Some(out)
        });
        if let Some(reply) = reply {
            break reply;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.contains(&format!("{{\"version\":\"{}\"}}", env!("CARGO_PKG_VERSION"))), "{body}");
    assert!(dir.path().join("data/exosphere.sqlite").exists(), "the default data dir is ./data");

    let health = Command::new(env!("CARGO_BIN_EXE_exosphere"))
        .args(["--bind", &format!("0.0.0.0:{port}"), "health"])
        .env_clear()
        .output()?;
    assert!(health.status.success(), "{}", String::from_utf8_lossy(&health.stderr));
    assert!(String::from_utf8_lossy(&health.stdout).contains("version"));

    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status()?;
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait()? {
            break exit;
        }
        if Instant::now() > deadline {
            child.kill()?;
            panic!("the server did not stop after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "clean exit after Ctrl-C: {exit:?}");
    let log: Vec<String> =
        stderr.map(|s| BufReader::new(s).lines().map_while(Result::ok).collect()).unwrap_or_default();
    assert!(log.iter().any(|l| l.contains("stopped")), "{log:#?}");

    let unhealthy = Command::new(env!("CARGO_BIN_EXE_exosphere"))
        .args(["--bind", &format!("127.0.0.1:{port}"), "health"])
        .env_clear()
        .output()?;
    assert!(!unhealthy.status.success(), "nothing listens any more");
    Ok(())
}

#[test]
fn migrate_creates_the_database_and_a_bad_data_dir_is_a_clear_error() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let out = Command::new(env!("CARGO_BIN_EXE_exosphere"))
        .args(["--data-dir", "store", "migrate"])
        .current_dir(dir.path())
        .env_clear()
        .output()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("store/exosphere.sqlite").exists());

    std::fs::write(dir.path().join("file"), "not a folder")?;
    let out = Command::new(env!("CARGO_BIN_EXE_exosphere"))
        .args(["--data-dir", "file/sub", "migrate"])
        .current_dir(dir.path())
        .env_clear()
        .output()?;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot create data directory"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}
