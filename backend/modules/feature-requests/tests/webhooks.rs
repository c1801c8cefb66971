//! Webhooks of a Sphere with the board: its events delivered to a receiver
//! on 127.0.0.1, signed, retried after a failure, and logged; URLs of
//! private networks refused.

mod common;

use std::sync::{Arc, Mutex};

use common::world::World;
use common::xrpc::{get, ok, procedure};
use exosphere_testkit::eventually;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FR: &str = "site.exosphere.featureRequest";
const WH: &str = "site.exosphere.webhook";

/// A POST the receiver got: its headers (lowercased names) and body.
#[derive(Clone, Debug)]
struct Received {
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A plain HTTP receiver on 127.0.0.1: answers 500 to its first request and 200 after.
async fn receiver() -> anyhow::Result<(String, Arc<Mutex<Vec<Received>>>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&got);
    tokio::spawn(async move {
        let mut served = 0;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then as many body bytes as Content-Length says.
            let (head, length) = loop {
                let Ok(n) = socket.read(&mut chunk).await else { break (String::new(), 0) };
                if n == 0 {
                    break (String::new(), 0);
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..end]).to_string();
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().to_owned())
                        })
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    while buf.len() < end + 4 + length {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..end + 4);
                    break (head, length);
                }
            };
            let headers = head
                .lines()
                .skip(1)
                .filter_map(|l| {
                    l.split_once(':').map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                })
                .collect();
            let body = String::from_utf8_lossy(&buf[..length.min(buf.len())]).to_string();
            let status = if served == 0 { "500 Internal Server Error" } else { "200 OK" };
            served += 1;
            if let Ok(mut list) = kept.lock() {
                list.push(Received { headers, body });
            }
            let _ = socket
                .write_all(
                    format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").as_bytes(),
                )
                .await;
        }
    });
    Ok((url, got))
}

fn received(got: &Arc<Mutex<Vec<Received>>>) -> Vec<Received> {
    got.lock().map(|l| l.clone()).unwrap_or_default()
}

/// Checks `t=…,v1=…` against HMAC-SHA256(secret, "t.body"), as a receiver would.
fn verify(secret: &str, header: &str, body: &str) -> bool {
    let mut t = "";
    let mut v1 = "";
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value,
            Some(("v1", value)) => v1 = value,
            _ => {}
        }
    }
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let fresh = t.parse::<i64>().is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() < 300);
    fresh && expected == v1
}

#[tokio::test]
async fn the_boards_events_reach_a_webhook_signed_retried_and_logged() -> anyhow::Result<()> {
    let w = World::new().await?;
    let s = &w.server;
    w.sphere("hooked", "private", "members").await?;
    let (url, got) = receiver().await?;
    let events = ["request.created", "comment.created", "status.changed", "request.deleted"];
    let listed = get(s, &w.alice, &format!("{WH}.listWebhooks"), &[("sphere", "hooked")]).await?;
    assert_eq!(listed["events"], json!(events), "the board's events are offered");
    let created = ok(
        s,
        &w.alice,
        &format!("{WH}.createWebhook"),
        json!({ "sphere": "hooked", "url": url, "events": events }),
    )
    .await?;
    let secret = created["secret"].as_str().unwrap_or_default().to_owned();
    assert_eq!(secret.len(), 64);
    let id = created["webhook"]["id"].as_i64().unwrap_or_default();

    ok(s, &w.carol, &format!("{FR}.createRequest"), json!({ "sphere": "hooked", "title": "Dark mode" }))
        .await?;
    ok(s, &w.bob, &format!("{FR}.createComment"), json!({ "sphere": "hooked", "number": 1, "text": "Yes" }))
        .await?;
    ok(
        s,
        &w.alice,
        &format!("{FR}.setStatus"),
        json!({ "sphere": "hooked", "number": 1, "status": "planned", "note": "Soon" }),
    )
    .await?;
    ok(s, &w.carol, &format!("{FR}.deleteRequest"), json!({ "sphere": "hooked", "number": 1 })).await?;

    // Every event arrives, the first after a retry (the receiver's first answer is 500).
    let log = async || {
        get(s, &w.alice, &format!("{WH}.listDeliveries"), &[("sphere", "hooked"), ("id", &id.to_string())])
            .await
    };
    eventually("four events are delivered", || async {
        let deliveries = log().await?["deliveries"].as_array().cloned().unwrap_or_default();
        Ok(deliveries.len() == 4 && deliveries.iter().all(|d| d["state"] == "delivered"))
    })
    .await?;
    let all = received(&got);
    assert_eq!(all.len(), 5, "four events and one retry");
    for r in &all {
        assert!(verify(&secret, r.header("exosphere-signature"), &r.body), "signed: {r:?}");
        assert!(!verify("another secret", r.header("exosphere-signature"), &r.body));
        assert_eq!(r.json()["event"], r.header("exosphere-event"));
        assert_eq!(r.header("content-type"), "application/json");
    }
    let by_event =
        |event: &str| all.iter().rev().find(|r| r.header("exosphere-event") == event).map(Received::json);
    let request = by_event("request.created").unwrap_or_default();
    assert_eq!(request["data"]["request"]["title"], "Dark mode");
    assert_eq!(request["data"]["request"]["path"], "/s/hooked/feature-requests/1");
    let status = by_event("status.changed").unwrap_or_default();
    assert_eq!(
        (status["data"]["old"].as_str(), status["data"]["new"].as_str()),
        (Some("open"), Some("planned"))
    );
    assert_eq!(status["data"]["note"], "Soon");
    assert_eq!(by_event("comment.created").unwrap_or_default()["data"]["comment"]["text"], "Yes");
    assert_eq!(by_event("request.deleted").unwrap_or_default()["data"]["request"]["number"], 1);

    // The log: every delivery delivered, the first one on its second attempt.
    let log = log().await?;
    let deliveries = log["deliveries"].as_array().cloned().unwrap_or_default();
    assert_eq!(deliveries.len(), 4);
    assert!(deliveries.iter().all(|d| d["state"] == "delivered" && d["lastStatus"] == 200), "{log}");
    let first = deliveries.last().cloned().unwrap_or_default();
    assert_eq!(
        (first["event"].as_str(), first["attempts"].as_i64()),
        (Some("request.created"), Some(2)),
        "{first}"
    );

    // "Send test".
    ok(s, &w.alice, &format!("{WH}.testWebhook"), json!({ "sphere": "hooked", "id": id })).await?;
    eventually("the test event arrives", || async {
        Ok(received(&got).iter().any(|r| r.header("exosphere-event") == "webhook.test"))
    })
    .await?;

    // Refused: private networks (loopback is allowed in tests, 10/8 is not), unknown events, admins.
    for (who, url, events, error) in [
        (&w.alice, "http://10.1.2.3/hook", json!(["request.created"]), "UrlRefused"),
        (&w.alice, "ftp://example.test/hook", json!(["request.created"]), "UrlRefused"),
        (&w.alice, url.as_str(), json!(["request.exploded"]), "UnknownEvent"),
        (&w.bob, url.as_str(), json!(["request.created"]), "Forbidden"),
    ] {
        let (status, out) = procedure(
            s,
            who,
            &format!("{WH}.createWebhook"),
            json!({ "sphere": "hooked", "url": url, "events": events }),
        )
        .await?;
        assert_eq!(out["error"], error, "{url} {events}: {status} {out}");
    }
    ok(s, &w.alice, &format!("{WH}.deleteWebhook"), json!({ "sphere": "hooked", "id": id })).await?;
    let left = get(s, &w.alice, &format!("{WH}.listWebhooks"), &[("sphere", "hooked")]).await?;
    assert_eq!(left["webhooks"], json!([]));
    Ok(())
}
