//! Anonymous query responses, kept until the data changes.
//!
//! What an anonymous visitor gets from a `site.exosphere.*` query depends
//! only on the URL and the database, so a successful answer is kept, tagged
//! with the database generation read *before* the handler ran
//! ([`crate::Db::generation`]), and served again while the generation is
//! unchanged. Any committed write moves the generation, so nothing stale is
//! ever served (a response computed from data older than the tag can't be
//! tagged newer than that data). Requests with a session cookie or an
//! `Authorization` header are never cached: they carry viewer state. A
//! request sent with `Cache-Control: no-cache` (or `no-store`) skips the
//! cache, as HTTP asks.

use std::collections::HashMap;
use std::sync::Mutex;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};

use crate::AppContext;
use crate::auth::SESSION_COOKIE;

/// Header telling whether a response came from the cache (`hit`) or not (`miss`).
pub const CACHE_HEADER: &str = "x-exosphere-cache";
/// Responses larger than this are not kept.
const MAX_BODY: usize = 512 * 1024;
/// When the cache holds this many responses it starts over.
const MAX_ENTRIES: usize = 8192;

struct Entry {
    generation: u64,
    body: Bytes,
}

/// Cached anonymous responses by URL (path and query).
#[derive(Default)]
pub struct ResponseCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl ResponseCache {
    fn get(&self, key: &str, generation: u64) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        entries.get(key).filter(|e| e.generation == generation).map(|e| e.body.clone())
    }

    fn put(&self, key: String, generation: u64, body: Bytes) {
        if body.len() > MAX_BODY {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
                // Stale entries go first; if all are fresh, start over.
                entries.retain(|_, e| e.generation == generation);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(key, Entry { generation, body });
        }
    }
}

fn cacheable(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && req.path().starts_with("/xrpc/site.exosphere.")
        && req.cookie(SESSION_COOKIE).is_none()
        && !req.headers().contains_key(header::AUTHORIZATION)
        && !no_cache(req.headers())
}

/// The request asks for an answer computed afresh (`Cache-Control: no-cache` or `no-store`).
pub fn no_cache(headers: &header::HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-cache") || v.contains("no-store"))
}

fn json(body: Bytes, state: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((CACHE_HEADER, HeaderValue::from_static(state)))
        .body(body)
}

/// Middleware: serves and fills the anonymous response cache.
pub async fn cache_anonymous_queries(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let ctx = req.app_data::<web::Data<AppContext>>().cloned();
    let Some(ctx) = ctx.filter(|_| cacheable(&req)) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let key = req.uri().to_string();
    let generation = ctx.db.generation();
    if let Some(body) = ctx.responses.get(&key, generation) {
        return Ok(req.into_response(json(body, "hit")));
    }
    let res = next.call(req).await?;
    if res.status() != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let body = actix_web::body::to_bytes(res.into_body())
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    ctx.responses.put(key, generation, body.clone());
    Ok(ServiceResponse::new(req, json(body, "miss")))
}
