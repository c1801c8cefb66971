//! Prometheus metrics, in the text exposition format (`GET /metrics`).
//!
//! Kept in process with atomics and fixed buckets: HTTP latency by XRPC
//! method (or route group), server-render time, and whatever the caller
//! appends at scrape time (the indexer's counters and lag, read from the
//! database so they are right in every deployment mode).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::AppContext;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// A latency histogram.
#[derive(Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_us: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    /// The mean of the observations so far, in seconds (0 with none).
    pub fn mean_seconds(&self) -> f64 {
        let count = self.count.load(Ordering::Relaxed);
        if count == 0 { 0.0 } else { self.sum_us.load(Ordering::Relaxed) as f64 / 1e6 / count as f64 }
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(&self.counts) {
            cumulative += count.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
        let sum = self.sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {count}");
    }
}

/// The process's metrics.
#[derive(Default)]
pub struct Metrics {
    /// HTTP latency by (method label, status class).
    http: RwLock<BTreeMap<(String, &'static str), Histogram>>,
    /// Server-side page renders: the JavaScript part (the page's query list and its HTML).
    pub render: Histogram,
    /// Server-side page renders: the in-process queries that fetch the page's data.
    pub prefetch: Histogram,
    /// Renders that failed and fell back to the client.
    pub render_failures: AtomicU64,
}

impl Metrics {
    /// Records one HTTP request.
    pub fn observe_http(&self, label: &str, status: u16, took: Duration) {
        let class = match status {
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        if let Ok(map) = self.http.read()
            && let Some(h) = map.get(&(label.to_owned(), class))
        {
            h.observe(took);
            return;
        }
        if let Ok(mut map) = self.http.write() {
            map.entry((label.to_owned(), class)).or_default().observe(took);
        }
    }

    /// The text exposition of everything kept here.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP exosphere_http_request_duration_seconds HTTP request latency by XRPC method or route group.\n");
        out.push_str("# TYPE exosphere_http_request_duration_seconds histogram\n");
        if let Ok(map) = self.http.read() {
            for ((label, class), h) in map.iter() {
                h.render(
                    &mut out,
                    "exosphere_http_request_duration_seconds",
                    &format!("method=\"{label}\",status=\"{class}\""),
                );
            }
        }
        out.push_str("# HELP exosphere_ssr_render_seconds Server-side page render time in JavaScript.\n");
        out.push_str("# TYPE exosphere_ssr_render_seconds histogram\n");
        self.render.render(&mut out, "exosphere_ssr_render_seconds", "");
        out.push_str("# HELP exosphere_ssr_prefetch_seconds Time to fetch a server-rendered page's data.\n");
        out.push_str("# TYPE exosphere_ssr_prefetch_seconds histogram\n");
        self.prefetch.render(&mut out, "exosphere_ssr_prefetch_seconds", "");
        out.push_str("# HELP exosphere_ssr_render_failures_total Renders that fell back to the client.\n");
        out.push_str("# TYPE exosphere_ssr_render_failures_total counter\n");
        let _ = writeln!(
            out,
            "exosphere_ssr_render_failures_total {}",
            self.render_failures.load(Ordering::Relaxed)
        );
        out
    }
}

/// What a request is counted under: the XRPC method (only those this server
/// serves, so the label set stays bounded), or a route group.
fn label(path: &str, status: u16) -> String {
    if let Some(nsid) = path.strip_prefix("/xrpc/") {
        return if status == 501 || status == 404 && !nsid.starts_with("site.exosphere.") {
            "xrpc:unknown".to_owned()
        } else if nsid.len() <= 100
            && nsid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        {
            nsid.to_owned()
        } else {
            "xrpc:unknown".to_owned()
        };
    }
    let group = match path {
        "/metrics" => "metrics",
        p if p.starts_with("/oauth") => "oauth",
        p if p.starts_with("/assets/") => "assets",
        _ => "page",
    };
    group.to_owned()
}

/// Middleware: times every request.
pub async fn record_http(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let ctx = req.app_data::<web::Data<AppContext>>().cloned();
    let path = req.path().to_owned();
    let res = next.call(req).await?;
    if let Some(ctx) = ctx {
        let status = res.status().as_u16();
        ctx.metrics.observe_http(&label(&path, status), status, started.elapsed());
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labelled() {
        let m = Metrics::default();
        m.observe_http("site.exosphere.sphere.getSphere", 200, Duration::from_micros(800));
        m.observe_http("site.exosphere.sphere.getSphere", 200, Duration::from_millis(30));
        m.observe_http("site.exosphere.sphere.getSphere", 404, Duration::from_millis(2));
        let text = m.render();
        let get = "method=\"site.exosphere.sphere.getSphere\",status=\"2xx\"";
        assert!(
            text.contains(&format!("exosphere_http_request_duration_seconds_bucket{{{get},le=\"0.001\"}} 1"))
        );
        assert!(
            text.contains(&format!("exosphere_http_request_duration_seconds_bucket{{{get},le=\"0.05\"}} 2"))
        );
        assert!(text.contains(&format!("exosphere_http_request_duration_seconds_count{{{get}}} 2")));
        assert!(text.contains("status=\"4xx\",le=\"+Inf\"} 1"));
    }

    #[test]
    fn labels_stay_bounded() {
        assert_eq!(label("/xrpc/site.exosphere.sphere.getSphere", 200), "site.exosphere.sphere.getSphere");
        assert_eq!(label("/xrpc/com.example.nothing", 501), "xrpc:unknown");
        assert_eq!(label("/xrpc/a%20b", 400), "xrpc:unknown");
        assert_eq!(label("/s/mine/some-module/3", 200), "page");
        assert_eq!(label("/assets/index-abc.js", 200), "assets");
    }
}
