//! Security headers on every response.
//!
//! - `Content-Security-Policy`: scripts only from this origin, plus the
//!   page's own inline scripts by their hashes (the shell's theme script and
//!   the server render's data script, whose text never changes: the data
//!   itself is a JSON block, which is not a script), so an injected
//!   `<script>` or `onclick` never runs; no plugins, no `<base>` elsewhere,
//!   and no framing (`frame-ancestors 'none'`: the vote and moderation
//!   buttons can't be clickjacked). Styles allow inline `style` attributes.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//!   strict-origin-when-cross-origin`, `X-Frame-Options: DENY` (older browsers).
//! - `Strict-Transport-Security` when the public URL is https.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The one inline script a server-rendered page adds: it reads the page's
/// data from its JSON block (`<script type="application/json" id="ssr-data">`).
pub const SSR_DATA_SCRIPT: &str =
    "window.__SSR_DATA__=JSON.parse(document.getElementById('ssr-data').textContent)";

/// The headers, built once at start.
#[derive(Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
    hsts: bool,
}

impl SecurityHeaders {
    /// For the shell `index` (its inline scripts are allowed by hash) and the public URL.
    pub fn new(index: Option<&str>, public_url: &str) -> Self {
        let mut scripts = vec!["'self'".to_owned(), hash(SSR_DATA_SCRIPT)];
        scripts.extend(index.map(inline_scripts).unwrap_or_default().iter().map(|s| hash(s)));
        let csp = format!(
            "default-src 'self'; script-src {}; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; \
             connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
            scripts.join(" ")
        );
        Self {
            csp: HeaderValue::from_str(&csp)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
            hsts: public_url.starts_with("https://"),
        }
    }
}

/// `'sha256-…'` of a script's text, as CSP names it.
fn hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// The texts of the inline scripts (`<script>` without `src`) of an HTML page.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else { break };
        if !tag.contains(" src=") && !tag.contains("application/json") {
            found.push(&body[..close]);
        }
        rest = &body[close..];
    }
    found
}

/// Middleware: adds the headers unless a handler set its own.
pub async fn add(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let headers = req.app_data::<SecurityHeaders>().cloned();
    let mut response = next.call(req).await?;
    let Some(security) = headers else { return Ok(response) };
    let set = response.headers_mut();
    let mut default = |name: HeaderName, value: HeaderValue| {
        if !set.contains_key(&name) {
            set.insert(name, value);
        }
    };
    default(header::CONTENT_SECURITY_POLICY, security.csp);
    default(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    default(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    default(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if security.hsts {
        default(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_hashed() {
        let html = "<head><script>var a = 1;</script><script type=\"module\" src=\"/x.js\"></script>\
                    <script type=\"application/json\" id=\"ssr-data\">{}</script></head>";
        assert_eq!(inline_scripts(html), ["var a = 1;"]);
        // The CSP hash of "var a = 1;" (as `openssl dgst -sha256 -binary | base64` gives it).
        assert_eq!(hash("var a = 1;"), "'sha256-+dZ6udsWxNVoGfScAq7t5IIF5UJb4F6RhjbN6oe1p4w='");
        let policy = SecurityHeaders::new(Some(html), "https://x.example");
        let csp = policy.csp.to_str().unwrap_or_default();
        assert!(
            csp.contains("script-src 'self' 'sha256-") && !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{csp}"
        );
        assert!(csp.contains(&hash(SSR_DATA_SCRIPT)) && csp.contains(&hash("var a = 1;")), "{csp}");
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("object-src 'none'")
                && csp.contains("base-uri 'self'")
        );
        assert!(policy.hsts);
        assert!(!SecurityHeaders::new(None, "http://127.0.0.1:3000").hsts);
    }
}
