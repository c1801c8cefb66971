//! The HTTP server: XRPC methods of core and of every module, health,
//! the OpenAPI document, and JSON errors for everything else.

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use exosphere_core::module::Registry;
use exosphere_core::xrpc::{self, ErrorKind, serve::BodyLimit};
use exosphere_core::{AppContext, Config, Db, Error, VERSION};
use serde_json::json;

/// The committed OpenAPI document, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../../../openapi/openapi.json");

/// A server that is listening.
pub struct Running {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    /// Stops the server.
    pub handle: ServerHandle,
    /// Finishes when the server has stopped.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The application state the server uses (for tests and embedding).
    pub ctx: AppContext,
}

/// Opens the database and applies every migration.
pub async fn prepare(config: &Config, registry: &Registry) -> anyhow::Result<Db> {
    let db = Db::open(&config.database_path())?;
    if !db.has_stable_plans().unwrap_or(false) {
        tracing::warn!(
            "SQLite was built without SQLITE_ENABLE_QPSG (build from the repository so .cargo/config.toml applies): lists will be slower"
        );
    }
    let migrating = registry.clone();
    let conn_db = db.clone();
    let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        let mut conn = conn_db.conn().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(migrating.migrate(&mut conn)?)
    })
    .await
    .context("migration task")??;
    tracing::info!(applied, path = %config.database_path().display(), "database ready");
    let modules = registry.clone();
    db.set_before_commit(Arc::new(move |conn| modules.before_commit(conn)));
    Ok(db)
}

/// The application state for a command that doesn't serve HTTP (indexer, rebuild).
pub async fn context(config: Config, registry: Registry) -> anyhow::Result<AppContext> {
    let db = prepare(&config, &registry).await?;
    AppContext::new(config, db, registry)
}

/// Runs only the indexer until SIGINT or SIGTERM, then commits what it has and exits.
pub async fn run_indexer(config: Config, registry: Registry) -> anyhow::Result<()> {
    let ctx = context(config, registry).await?;
    let indexer = exosphere_indexer::Indexer::start(ctx).await?;
    shutdown_signal().await;
    indexer.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// Binds and starts serving; the caller decides how to wait or stop.
/// `handle_signals`: stop gracefully on SIGINT/SIGTERM (the binary) or not (tests).
pub async fn start(config: Config, registry: Registry, handle_signals: bool) -> anyhow::Result<Running> {
    let db = prepare(&config, &registry).await?;
    let bind = config.bind;
    let workers = config.workers;
    // Commits by another process (a stand-alone indexer, a rebuild) invalidate cached responses too.
    db.watch_other_processes(std::time::Duration::from_millis(100));
    let ctx = AppContext::new(config, db, registry.clone())?;
    announce(&ctx);
    exosphere_core::webhooks::spawn_sender(ctx.clone());
    exosphere_core::profiles::spawn_refresher(ctx.clone());
    let site = crate::web::Site::of(&ctx.instance);
    let loaded = crate::web::WebAssets::load(&ctx.config.web_dir, &site);
    let security = crate::headers::SecurityHeaders::new(loaded.index.as_deref(), &ctx.config.public_url);
    let renderer = web::Data::new(crate::ssr::Renderer::load(&loaded, &site));
    let assets = web::Data::new(std::sync::Arc::new(loaded));
    let _ = ctx.sphere_refresher.set(Box::new(|ctx, uri| {
        Box::pin(async move {
            match exosphere_indexer::rebuild::rebuild(&ctx, Some(&uri), false).await {
                Ok(report) => tracing::info!(uri, ?report, "re-read a Sphere whose suspension was lifted"),
                Err(e) => tracing::warn!(uri, error = %e, "could not re-read a Sphere whose suspension was lifted: run `exosphere rebuild --sphere`"),
            }
        })
    }));
    let shared = ctx.clone();
    let mut server = HttpServer::new(move || {
        let ctx = ctx.clone();
        let registry = registry.clone();
        App::new()
            .wrap(actix_web::middleware::from_fn(exosphere_core::xrpc::cache::cache_anonymous_queries))
            .wrap(actix_web::middleware::from_fn(exosphere_core::auth::routes::reject_cross_site))
            .wrap(actix_web::middleware::from_fn(crate::headers::add))
            .wrap(actix_web::middleware::from_fn(exosphere_core::metrics::record_http))
            .app_data(security.clone())
            .app_data(web::Data::new(ctx.clone()))
            .app_data(assets.clone())
            .app_data(renderer.clone())
            .app_data(BodyLimit(ctx.config.max_body_bytes))
            .route("/xrpc/_health", web::get().to(health))
            .route("/openapi.json", web::get().to(openapi))
            .route("/xrpc/_indexer", web::get().to(indexer_status))
            .route("/xrpc/_ready", web::get().to(ready))
            .route("/metrics", web::get().to(metrics))
            .configure(|cfg| {
                exosphere_core::routes::configure(cfg);
                for module in registry.modules() {
                    module.configure(cfg, &ctx);
                }
            })
            .route("/xrpc/{nsid}", web::route().to(xrpc::method_not_implemented))
            .default_service(web::to(fallback))
    })
    .shutdown_timeout(30);
    if workers > 0 {
        server = server.workers(workers);
    }
    if !handle_signals {
        server = server.disable_signals();
    }
    let server = server.bind(bind).with_context(|| format!("cannot listen on {bind}"))?;
    let addr = server.addrs().first().copied().context("the server bound no address")?;
    let server = server.run();
    let handle = server.handle();
    let task = tokio::spawn(server);
    tracing::info!("listening on http://{addr}");
    Ok(Running { addr, handle, task, ctx: shared })
}

/// Says at start who administers this instance and who may create Spheres.
fn announce(ctx: &AppContext) {
    let instance = &ctx.instance;
    tracing::info!(
        admins = %instance.describe_admins(),
        sphere_creation = instance.creation.as_str(),
        home_sphere = instance.home_sphere.as_deref().unwrap_or("none"),
        "instance policy"
    );
}

/// Runs until SIGINT or SIGTERM, then finishes in-flight requests, commits
/// the indexer's last batch, and exits.
pub async fn serve(config: Config, registry: Registry) -> anyhow::Result<()> {
    crate::web::ensure_built(&config);
    let with_indexer = !config.disable_indexer;
    let running = start(config, registry, true).await?;
    let indexer =
        if with_indexer { Some(exosphere_indexer::Indexer::start(running.ctx.clone()).await?) } else { None };
    running.task.await.context("server task")??;
    if let Some(indexer) = indexer {
        indexer.stop().await;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Asks a running server for `/xrpc/_health` over plain HTTP on loopback
/// (no HTTP client in the image needed). An unspecified bind address
/// (`0.0.0.0`) is reached through 127.0.0.1.
pub fn health_check(bind: SocketAddr) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let mut addr = bind;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let timeout = std::time::Duration::from_secs(3);
    let mut stream = std::net::TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("no server answers on {addr}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.write_all(b"GET /xrpc/_health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    let status = reply.lines().next().unwrap_or_default();
    anyhow::ensure!(status.starts_with("HTTP/1.1 200"), "unhealthy: {status}");
    println!("{}", reply.rsplit("\r\n\r\n").next().unwrap_or_default());
    Ok(())
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "version": VERSION }))
}

/// The indexer's cursor, lag and counters (from the database: right in every deployment mode).
async fn indexer_status(ctx: web::Data<AppContext>) -> Result<HttpResponse, Error> {
    let status = ctx.db.read(exosphere_indexer::status::read).await?;
    Ok(HttpResponse::Ok().json(status))
}

/// Readiness: the database answers and every migration is applied. The
/// indexer's lag is reported beside (not a condition: with no Exosphere
/// activity on the network the cursor stands still, and that is fine).
async fn ready(ctx: web::Data<AppContext>) -> HttpResponse {
    let expected = ctx.registry.migration_count() as i64;
    let checked = ctx
        .db
        .read(move |c| {
            let applied = exosphere_core::db::migrations::applied(c)?;
            let indexer = exosphere_indexer::status::read(c).ok();
            Ok((applied, indexer))
        })
        .await;
    match checked {
        // A failed indexer is reported, and restarts by itself; it does not take the API down.
        Ok((applied, indexer)) if applied >= expected => HttpResponse::Ok().json(json!({
            "ready": true,
            "migrations": applied,
            "indexer": ctx.indexer.get(),
            "indexerLagSeconds": indexer.and_then(|s| s.lag_seconds),
        })),
        Ok((applied, _)) => HttpResponse::ServiceUnavailable().json(json!({
            "error": "NotReady",
            "message": format!("{applied} of {expected} migrations applied"),
        })),
        Err(e) => HttpResponse::ServiceUnavailable().json(json!({
            "error": "NotReady",
            "message": format!("database: {}", e.message()),
        })),
    }
}

/// Prometheus metrics: this process's HTTP and render timings, and the
/// indexer's counters and lag from the database.
async fn metrics(req: actix_web::HttpRequest, ctx: web::Data<AppContext>) -> HttpResponse {
    if let Some(token) = ctx.config.metrics_token.as_deref().filter(|t| !t.is_empty()) {
        use sha2::{Digest, Sha256};
        let given = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared as digests, so the time taken says nothing about the token.
        if Sha256::digest(given.as_bytes()) != Sha256::digest(token.as_bytes()) {
            let refused = Error::named(
                ErrorKind::AuthRequired,
                "AuthenticationRequired",
                "the metrics need the token of EXOSPHERE_METRICS_TOKEN: Authorization: Bearer <token>",
            );
            let mut refused = actix_web::ResponseError::error_response(&refused);
            refused.headers_mut().insert(
                actix_web::http::header::WWW_AUTHENTICATE,
                actix_web::http::header::HeaderValue::from_static("Bearer"),
            );
            return refused;
        }
    }
    let mut text = ctx.metrics.render();
    text.push_str(&indexer_health(&ctx.indexer.get()));
    text.push_str(&format!(
        "# HELP exosphere_db_writes_total API writes handed to the database's writer.\n# TYPE exosphere_db_writes_total counter\nexosphere_db_writes_total {}\n\
         # HELP exosphere_db_write_transactions_total Transactions those writes committed in (group commit: fewer under load).\n# TYPE exosphere_db_write_transactions_total counter\nexosphere_db_write_transactions_total {}\n",
        ctx.db.writes_queued(),
        ctx.db.write_groups()
    ));
    let (hits, computed) = ctx.db.shared_reads();
    text.push_str(&format!(
        "# HELP exosphere_shared_reads_total Shared answers (a list page without the viewer's state): used as kept since the last write, or computed.\n# TYPE exosphere_shared_reads_total counter\nexosphere_shared_reads_total{{outcome=\"kept\"}} {hits}\nexosphere_shared_reads_total{{outcome=\"computed\"}} {computed}\n"
    ));
    if let Ok(status) = ctx.db.read(exosphere_indexer::status::read).await {
        text.push_str(&exosphere_indexer::status::prometheus(&status));
    }
    HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(text)
}

/// The in-process indexer's state and restarts, in Prometheus' text format.
fn indexer_health(health: &exosphere_core::health::IndexerHealth) -> String {
    use exosphere_core::health::IndexerState;
    let mut text = String::from(
        "# HELP exosphere_indexer_state The in-process indexer's state (1 for the current one).\n# TYPE exosphere_indexer_state gauge\n",
    );
    for state in IndexerState::ALL {
        let on = u8::from(state == health.state);
        text.push_str(&format!("exosphere_indexer_state{{state=\"{}\"}} {on}\n", state.as_str()));
    }
    text.push_str(&format!(
        "# HELP exosphere_indexer_restarts_total Times the indexer failed and was started again.\n# TYPE exosphere_indexer_restarts_total counter\nexosphere_indexer_restarts_total {}\n",
        health.restarts
    ));
    text
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(OPENAPI)
}

/// Files of the web app, page routes (the app's shell), or a JSON 404.
async fn fallback(
    req: actix_web::HttpRequest,
    assets: crate::web::SharedAssets,
    renderer: web::Data<crate::ssr::Renderer>,
) -> Result<HttpResponse, Error> {
    use actix_web::http::Method;
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        if let Some(file) = crate::web::serve_file(&assets, &req) {
            return Ok(file);
        }
        if crate::web::is_page(req.path()) {
            let known = crate::web::is_known_page(req.path());
            return Ok(crate::ssr::page(&req, &assets, &renderer, known).await);
        }
    }
    not_found().await
}

async fn not_found() -> Result<HttpResponse, Error> {
    Err(Error::new(ErrorKind::NotFound, "no such page"))
}
