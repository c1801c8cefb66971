//! Server rendering in the binary: it renders pages with no Node anywhere.
//! (Each module's crate tests its own pages.)

mod common;

use std::process::Stdio;

use common::{app_html, web_dist};

#[test]
fn the_binary_renders_pages_with_no_node_on_path() -> anyhow::Result<()> {
    let dist = web_dist()?;
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    // No PATH at all: nothing the server could run, Node included.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_exosphere"))
        .env_clear()
        .env("EXOSPHERE_BIND", format!("127.0.0.1:{port}"))
        .env("EXOSPHERE_DATA_DIR", dir.path().join("data"))
        .env("EXOSPHERE_WEB_DIR", &dist)
        .env("EXOSPHERE_BUILD_WEB", "0")
        .env("DISABLE_INDEXER", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let started = std::time::Instant::now();
    let reply = loop {
        use std::io::{Read, Write};
        let reply = std::net::TcpStream::connect(("127.0.0.1", port)).ok().and_then(|mut s| {
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ok()?;
            let mut out = String::new();
            s.read_to_string(&mut out).ok()?;
            Some(out)
        });
        if let Some(reply) = reply {
            break reply;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill()?;
            anyhow::bail!("the server did not start");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    child.kill()?;
    child.wait()?;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let app = app_html(&reply);
    assert!(
        app.len() > "<div id=\"app\"></div>".len() + 50,
        "the home page is rendered on the server: {app}"
    );
    assert!(reply.contains("<script type=\"application/json\" id=\"ssr-data\">{"));

    // Security headers, and a CSP that allows exactly the page's inline scripts, by hash.
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or_default();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.split_once(": ").filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v))
    };
    assert_eq!(header("x-content-type-options"), Some("nosniff"));
    assert_eq!(header("referrer-policy"), Some("strict-origin-when-cross-origin"));
    let csp = header("content-security-policy").unwrap_or_default();
    for directive in ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "script-src 'self' "]
    {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    let mut inline = 0;
    for part in body.split("<script").skip(1) {
        let (tag, rest) = part.split_once('>').unwrap_or_default();
        if tag.contains("src=") || tag.contains("application/json") {
            continue;
        }
        let script = rest.split_once("</script>").map(|(s, _)| s).unwrap_or_default();
        use base64::Engine;
        use sha2::Digest;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "the CSP allows the inline script {script:?}: {csp}"
        );
        inline += 1;
    }
    assert_eq!(inline, 2, "the theme script and the data script");
    Ok(())
}
