//! What a service-auth token costs beside a cookie session: the same query
//! (`site.exosphere.auth.getSession`, which does little but find its
//! viewer) called with a browser session's cookie and with a fresh
//! service token per call, in the same run, once the issuer's DID document
//! is cached (the first call of the run reads it).
//!
//! The issuer is a did:plc whose document a small directory on 127.0.0.1
//! serves, with a secp256k1 key this bench holds: tokens are signed before
//! the timed phases, exactly as a PDS signs them (ES256K, iss/aud/exp/iat/
//! lxm/jti), so signing costs nothing in the measurement.
//!
//! Run: `cargo bench -p exosphere --bench service_auth` (`BENCH_CALLS` for the calls per phase).

use std::time::Instant;

use actix_web::{App, HttpResponse, HttpServer, web};
use base64::Engine;
use exosphere_core::auth::multikey::PublicKey;
use exosphere_testkit::seed;
use exosphere_testkit::server::TestServer;
use k256::ecdsa::signature::Signer;

const DID: &str = "did:plc:benchbenchbenchbenchbenc";
const METHOD: &str = "site.exosphere.auth.getSession";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn token(key: &k256::ecdsa::SigningKey, aud: &str, jti: u64) -> String {
    let now = chrono::Utc::now().timestamp();
    let header = b64(br#"{"typ":"JWT","alg":"ES256K"}"#);
    let claims = serde_json::json!({ "iss": DID, "aud": aud, "iat": now, "exp": now + 3000, "lxm": METHOD,
        "jti": format!("{jti:032x}") });
    let signed = format!("{header}.{}", b64(claims.to_string().as_bytes()));
    let signature: k256::ecdsa::Signature = key.sign(signed.as_bytes());
    format!("{signed}.{}", b64(&signature.to_bytes()))
}

struct Timing {
    mean_us: f64,
    p50_us: f64,
    p99_us: f64,
    rps: f64,
}

/// Calls the method `calls` times, one at a time, with the headers of each call.
async fn sequential(
    client: &reqwest::Client,
    url: &str,
    mut headers: impl FnMut(usize) -> (reqwest::header::HeaderName, String),
    calls: usize,
) -> anyhow::Result<Timing> {
    let mut latencies = Vec::with_capacity(calls);
    let started = Instant::now();
    for i in 0..calls {
        let (name, value) = headers(i);
        let t = Instant::now();
        let response = client.get(url).header(name, value).send().await?;
        anyhow::ensure!(response.status().is_success(), "call {i}: {}", response.status());
        let body: serde_json::Value = response.json().await?;
        anyhow::ensure!(body["did"] == DID, "call {i} is not the bench's account: {body}");
        latencies.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Ok(Timing {
        mean_us: latencies.iter().sum::<f64>() / latencies.len() as f64,
        p50_us: at(0.5),
        p99_us: at(0.99),
        rps: calls as f64 / elapsed,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let calls: usize = std::env::var("BENCH_CALLS").ok().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let key = k256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
    let multikey = PublicKey::K256(*key.verifying_key()).multikey();
    let document = serde_json::json!({
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": DID,
        "alsoKnownAs": ["at://bench.test"],
        "verificationMethod": [{ "id": format!("{DID}#atproto"), "type": "Multikey", "controller": DID,
            "publicKeyMultibase": multikey }],
        "service": [{ "id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "http://127.0.0.1:1" }],
    });
    let directory = HttpServer::new(move || {
        let document = document.clone();
        App::new().default_service(web::to(move || {
            let document = document.clone();
            async move { HttpResponse::Ok().json(document) }
        }))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))?;
    let plc = format!("http://{}", directory.addrs()[0]);
    tokio::spawn(directory.run());

    let server = TestServer::start_with(|c| {
        c.plc_url = plc.clone();
        c.workers = 0;
    })
    .await?;
    let aud = server.running.ctx.auth.service.service_did().to_owned();
    seed::session(&server.running.ctx, "bench-sid", DID, "bench.test").await?;
    let url = server.url(&format!("/xrpc/{METHOD}"));
    let client = reqwest::Client::builder().no_proxy().build()?;

    let t = Instant::now();
    let tokens: Vec<String> = (0..calls as u64 * 2 + 1).map(|i| token(&key, &aud, i)).collect();
    println!(
        "signed {} tokens in {:.1} s (before the timed phases)",
        tokens.len(),
        t.elapsed().as_secs_f64()
    );
    let cookie = |_| (reqwest::header::COOKIE, "sid=bench-sid".to_owned());
    let bearer = |offset: usize| {
        let tokens = &tokens;
        move |i: usize| (reqwest::header::AUTHORIZATION, format!("Bearer {}", tokens[offset + i]))
    };
    // Warm both paths: the session cache, and the DID document (read once, then cached).
    sequential(&client, &url, cookie, 200).await?;
    sequential(&client, &url, bearer(calls * 2), 1).await?;

    // Interleaved halves, so that a slower moment of the machine hits both.
    let half = calls / 2;
    let cookie_a = sequential(&client, &url, cookie, half).await?;
    let token_a = sequential(&client, &url, bearer(0), half).await?;
    let cookie_b = sequential(&client, &url, cookie, half).await?;
    let token_b = sequential(&client, &url, bearer(half), half).await?;
    let merge = |a: &Timing, b: &Timing| Timing {
        mean_us: (a.mean_us + b.mean_us) / 2.0,
        p50_us: (a.p50_us + b.p50_us) / 2.0,
        p99_us: (a.p99_us + b.p99_us) / 2.0,
        rps: (a.rps + b.rps) / 2.0,
    };
    let (by_cookie, by_token) = (merge(&cookie_a, &cookie_b), merge(&token_a, &token_b));
    println!("\n{METHOD}, one call at a time, {calls} calls per credential");
    println!("{:<34} {:>9} {:>9} {:>9} {:>9}", "credential", "mean µs", "p50 µs", "p99 µs", "calls/s");
    for (name, t) in [("cookie session (baseline)", &by_cookie), ("service token, one per call", &by_token)] {
        println!("{name:<34} {:>9.0} {:>9.0} {:>9.0} {:>9.0}", t.mean_us, t.p50_us, t.p99_us, t.rps);
    }
    let added = by_token.mean_us - by_cookie.mean_us;
    println!(
        "\nadded by the token: {added:.0} µs per call (mean), {:.0} µs at p50; target < 200 µs",
        by_token.p50_us - by_cookie.p50_us
    );
    server.stop().await;
    Ok(())
}
