//! Server rendering without Node: the web app's server bundle
//! (`web/dist/server/render.js`, see web/README.md) runs in QuickJS, one
//! runtime per HTTP worker thread.
//!
//! For a page: ask the bundle which queries the page reads first, run them
//! in-process with the visitor's own request (the same handlers, session and
//! access rules as `/xrpc`, in order), render, and fill the shell with the
//! HTML, `window.__SSR_DATA__`, the title, description and OpenGraph tags.
//! Anonymous pages are cached until the database changes; signed-in pages
//! are never shared. A render that throws, runs past its time or memory
//! budget falls back to the shell plus data (the browser renders) and is
//! logged; the worker's engine is then rebuilt.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use exosphere_core::AppContext;
use exosphere_core::auth::SESSION_COOKIE;
use exosphere_core::xrpc::{XrpcContext, queries};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::web::WebAssets;

/// Longest a render may run before it is interrupted.
const RENDER_TIMEOUT: Duration = Duration::from_millis(500);
/// QuickJS heap limit per worker.
const MEMORY_LIMIT: usize = 64 << 20;
/// Engine calls (two per page) between two cycle collections. Most of a
/// render's objects are freed by reference counting as it goes; the cycles
/// (vnodes and their components) wait for a collection, which walks the whole
/// heap. Collections run after the response is on its way
/// (`collect_garbage_later`), never inside a render.
const CALLS_PER_COLLECTION: u32 = 16;

/// Heap size at which QuickJS collects on its own, mid-render: a backstop only,
/// well under `MEMORY_LIMIT`.
const GC_THRESHOLD: usize = 32 << 20;

/// Cached anonymous pages at most (then the cache starts over).
const MAX_CACHED: usize = 4096;

/// Wrappers so that only strings cross between Rust and JavaScript. A render
/// answers its head fields as JSON on the first line and the HTML, as is, after
/// it: quoting tens of kilobytes of HTML into JSON and back cost QuickJS more
/// than the rest of the glue together.
const GLUE: &str =
    "globalThis.__exosphereQueries = (url) => JSON.stringify(globalThis.exosphereQueries(url));
globalThis.__exosphereRender = (url, data) => {
  const r = globalThis.exosphereRender(url, JSON.parse(data));
  return JSON.stringify({ title: r.title, description: r.description, status: r.status, feed: r.feed }) + '\\n' + r.html;
};";

/// The server bundle and the anonymous page cache.
pub struct Renderer {
    script: Option<Arc<str>>,
    /// Runs before the bundle: the instance's settings (see [`crate::web::Site`]).
    prelude: String,
    /// Distinguishes bundles, so a worker rebuilds its engine for a new one.
    version: u64,
    cache: Mutex<HashMap<String, (u64, StatusCode, Bytes)>>,
}

impl Renderer {
    /// Reads `server/render.js` from the web build; without it pages are the plain shell.
    pub fn load(assets: &WebAssets, site: &crate::web::Site) -> Self {
        let path = assets.dir.join("server/render.js");
        let script = std::fs::read_to_string(&path).ok().map(Arc::from);
        static VERSIONS: AtomicU64 = AtomicU64::new(1);
        if script.is_none() && assets.index.is_some() {
            tracing::warn!(path = %path.display(), "no server bundle: pages are rendered by the browser only");
        }
        Self {
            script,
            prelude: site.prelude(),
            version: VERSIONS.fetch_add(1, Ordering::Relaxed),
            cache: Mutex::default(),
        }
    }

    /// Whether pages are rendered here.
    pub fn enabled(&self) -> bool {
        self.script.is_some()
    }
}

/// One QuickJS runtime with the bundle loaded.
struct Engine {
    version: u64,
    runtime: rquickjs::Runtime,
    context: rquickjs::Context,
    /// Nanoseconds since `epoch` after which the running script is interrupted (0: none).
    deadline: Arc<AtomicU64>,
    epoch: Instant,
    /// Calls since the last collection.
    calls: std::cell::Cell<u32>,
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

impl Engine {
    fn new(prelude: &str, script: &str, version: u64) -> anyhow::Result<Self> {
        let runtime = rquickjs::Runtime::new()?;
        runtime.set_memory_limit(MEMORY_LIMIT);
        runtime.set_max_stack_size(1 << 20);
        runtime.set_gc_threshold(GC_THRESHOLD);
        let deadline = Arc::new(AtomicU64::new(0));
        let epoch = Instant::now();
        {
            let deadline = Arc::clone(&deadline);
            runtime.set_interrupt_handler(Some(Box::new(move || {
                let limit = deadline.load(Ordering::Relaxed);
                limit != 0 && epoch.elapsed().as_nanos() as u64 > limit
            })));
        }
        let context = rquickjs::Context::full(&runtime)?;
        let engine = Self { version, runtime, context, deadline, epoch, calls: std::cell::Cell::new(0) };
        engine.run(|ctx| {
            ctx.eval::<(), _>(prelude)?;
            ctx.eval::<(), _>(script)?;
            ctx.eval::<(), _>(GLUE)
        })?;
        Ok(engine)
    }

    /// Runs JavaScript under the time budget; exceptions become errors with their message.
    fn run<T>(
        &self,
        work: impl for<'js> FnOnce(&rquickjs::Ctx<'js>) -> rquickjs::Result<T>,
    ) -> anyhow::Result<T> {
        let limit = (self.epoch.elapsed() + RENDER_TIMEOUT).as_nanos() as u64;
        self.deadline.store(limit, Ordering::Relaxed);
        let out = self.context.with(|ctx| {
            work(&ctx).map_err(|e| match e {
                rquickjs::Error::Exception => {
                    let caught = ctx.catch();
                    let message = caught
                        .as_exception()
                        .map(|x| {
                            format!("{}\n{}", x.message().unwrap_or_default(), x.stack().unwrap_or_default())
                        })
                        .unwrap_or_else(|| format!("{caught:?}"));
                    anyhow::anyhow!("JavaScript exception: {message}")
                }
                other => anyhow::anyhow!("{other}"),
            })
        });
        self.deadline.store(0, Ordering::Relaxed);
        // QuickJS lowers the threshold to 1.5 times the live heap after each
        // collection it starts, which would collect every render or two: set it back.
        self.runtime.set_gc_threshold(GC_THRESHOLD);
        out
    }

    fn call(&self, function: &str, args: (&str, Option<&str>)) -> anyhow::Result<String> {
        self.calls.set(self.calls.get().saturating_add(1));
        self.run(|ctx| {
            let f: rquickjs::Function = ctx.globals().get(function)?;
            match args.1 {
                Some(second) => f.call((args.0, second)),
                None => f.call((args.0,)),
            }
        })
    }
}

/// Calls the bundle on this thread's engine, building (or rebuilding) it when needed.
fn with_engine(renderer: &Renderer, function: &str, args: (&str, Option<&str>)) -> anyhow::Result<String> {
    let script = renderer.script.as_deref().ok_or_else(|| anyhow::anyhow!("no server bundle"))?;
    ENGINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|e| e.version != renderer.version) {
            *slot = Some(Engine::new(&renderer.prelude, script, renderer.version)?);
        }
        let engine = slot.as_ref().ok_or_else(|| anyhow::anyhow!("no engine"))?;
        let out = engine.call(function, args);
        if out.is_err() {
            // Interrupted or out of memory leaves a runtime in doubt: start afresh next time.
            *slot = None;
        }
        out
    })
}

/// Whether this thread's engine has been called enough to collect its cycles.
fn collection_due() -> bool {
    ENGINE.with(|cell| {
        cell.try_borrow()
            .is_ok_and(|slot| slot.as_ref().is_some_and(|e| e.calls.get() >= CALLS_PER_COLLECTION))
    })
}

/// Collects this thread's engine's garbage cycles once the current response is
/// on its way: a task on the same worker thread (the engine is thread-local).
fn collect_garbage_later() {
    actix_web::rt::spawn(async {
        ENGINE.with(|cell| {
            if let Ok(slot) = cell.try_borrow()
                && let Some(engine) = slot.as_ref()
            {
                engine.runtime.run_gc();
                engine.calls.set(0);
            }
        });
    });
}

#[derive(Deserialize)]
struct PageQuery {
    nsid: String,
    key: String,
}

#[derive(Deserialize, Default, Clone)]
struct Rendered {
    #[serde(default)]
    html: String,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    status: Option<u16>,
    /// The page's Atom feed, a path on this site (public Spheres' pages).
    #[serde(default)]
    feed: Option<String>,
}

impl Rendered {
    /// The glue's answer: the head fields as JSON on the first line, then the HTML.
    fn parse(out: &str) -> anyhow::Result<Self> {
        let (head, html) =
            out.split_once('\n').ok_or_else(|| anyhow::anyhow!("render answered no head line"))?;
        Ok(Self { html: html.to_owned(), ..serde_json::from_str(head)? })
    }
}

/// Runs the page's queries in order, as the visitor; failures are kept as
/// `$error` entries. The answer is the JSON object of their answers by key,
/// written from the answers' own JSON (never parsed here).
async fn prefetch(req: &HttpRequest, list: Vec<PageQuery>) -> String {
    let mut data = String::from("{");
    let mut seen = std::collections::HashSet::new();
    for q in list {
        if !seen.insert(q.key.clone()) {
            continue;
        }
        let query = q.key.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let answer = match queries::call(XrpcContext::new(req.clone()), &q.nsid, query).await {
            Ok(json) => json,
            Err(e) => json!({ "$error": {
                "status": actix_web::ResponseError::status_code(&e).as_u16(),
                "error": e.name(),
                "message": e.message(),
            }})
            .to_string(),
        };
        if data.len() > 1 {
            data.push(',');
        }
        data.push_str(&Value::String(q.key).to_string());
        data.push(':');
        data.push_str(&answer);
    }
    data.push('}');
    data
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Fills the shell: head tags, the rendered HTML and the data.
fn fill(shell: &str, rendered: &Rendered, data_json: &str, page_url: &str) -> String {
    let title = escape_html(&rendered.title);
    let description = escape_html(&rendered.description);
    let url = escape_html(page_url);
    let head = format!(
        "<title>{title}</title><meta name=\"description\" content=\"{description}\">\
         <meta property=\"og:title\" content=\"{title}\"><meta property=\"og:description\" content=\"{description}\">\
         <meta property=\"og:type\" content=\"website\"><meta property=\"og:url\" content=\"{url}\">\
         <meta property=\"og:site_name\" content=\"Exosphere\">"
    );
    // Only a path on this site: a page can't make the server link elsewhere.
    let head = match rendered.feed.as_deref().filter(|f| f.starts_with('/') && !f.starts_with("//")) {
        Some(feed) => format!(
            "{head}<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{title}\" href=\"{}\">",
            escape_html(feed)
        ),
        None => head,
    };
    // The data as a JSON block (not a script: the CSP needn't allow it), read by the one fixed inline script.
    let data = format!(
        "<script type=\"application/json\" id=\"ssr-data\">{}</script><script>{}</script>",
        data_json.replace('<', "\\u003c"),
        crate::headers::SSR_DATA_SCRIPT
    );
    let mut page = match (shell.find("<!--ssr-head-->"), shell.find("<!--/ssr-head-->")) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{head}{}", &shell[..a], &shell[b + "<!--/ssr-head-->".len()..])
        }
        _ => shell.to_owned(),
    };
    page = page.replacen("<!--ssr-outlet-->", &rendered.html, 1);
    page.replacen("<!--ssr-data-->", &data, 1)
}

/// A page: rendered here when possible, else the shell (with the data when it could be fetched).
pub async fn page(req: &HttpRequest, assets: &WebAssets, renderer: &Renderer, known: bool) -> HttpResponse {
    let fallback_status = if known { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let Some(shell) = assets.index.as_deref().filter(|_| renderer.enabled()) else {
        return crate::web::shell(assets, fallback_status);
    };
    let Some(ctx) = req.app_data::<actix_web::web::Data<AppContext>>().cloned() else {
        return crate::web::shell(assets, fallback_status);
    };
    let url = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".to_owned());
    let anonymous = req.cookie(SESSION_COOKIE).is_none();
    let generation = ctx.db.generation();
    if anonymous
        && let Some((status, body)) = renderer
            .cache
            .lock()
            .ok()
            .and_then(|c| c.get(&url).filter(|(g, ..)| *g == generation).map(|(_, s, b)| (*s, b.clone())))
    {
        return html(status, body, "hit");
    }

    let started = Instant::now();
    let list = with_engine(renderer, "__exosphereQueries", (&url, None))
        .and_then(|json| Ok(serde_json::from_str::<Vec<PageQuery>>(&json)?));
    let list = match list {
        Ok(list) => list,
        Err(e) => {
            tracing::error!(url, error = %e, "server rendering failed (queries); the browser renders");
            ctx.metrics.render_failures.fetch_add(1, Ordering::Relaxed);
            return crate::web::shell(assets, fallback_status);
        }
    };
    let listed = started.elapsed();
    let fetching = Instant::now();
    let data = prefetch(req, list).await;
    ctx.metrics.prefetch.observe(fetching.elapsed());
    let page_url = format!("{}{}", ctx.config.public_url.trim_end_matches('/'), req.path());
    let rendering = Instant::now();
    let rendered =
        with_engine(renderer, "__exosphereRender", (&url, Some(&data))).and_then(|out| Rendered::parse(&out));
    ctx.metrics.render.observe(listed + rendering.elapsed());
    if collection_due() {
        collect_garbage_later();
    }
    let (status, body) = match rendered {
        Ok(rendered) => {
            let status = rendered.status.and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
            (status, fill(shell, &rendered, &data, &page_url))
        }
        Err(e) => {
            tracing::error!(url, error = %e, "server rendering failed; serving the shell with its data");
            ctx.metrics.render_failures.fetch_add(1, Ordering::Relaxed);
            let empty = Rendered { title: "Exosphere".to_owned(), ..Rendered::default() };
            (fallback_status, fill(shell, &empty, &data, &page_url))
        }
    };
    let body = Bytes::from(body);
    if anonymous && let Ok(mut cache) = renderer.cache.lock() {
        if cache.len() >= MAX_CACHED {
            cache.retain(|_, (g, ..)| *g == generation);
            if cache.len() >= MAX_CACHED {
                cache.clear();
            }
        }
        cache.insert(url, (generation, status, body.clone()));
    }
    html(status, body, if anonymous { "miss" } else { "private" })
}

fn html(status: StatusCode, body: Bytes, cache: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .insert_header((exosphere_core::xrpc::cache::CACHE_HEADER, HeaderValue::from_static(cache)))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_gets_head_html_and_escaped_data() {
        let shell = "<head><!--ssr-head--><title>Exosphere</title><!--/ssr-head--></head><div id=\"app\"><!--ssr-outlet--></div><!--ssr-data-->";
        let rendered = Rendered {
            html: "<h1>Hi</h1>".into(),
            title: "A \"quoted\" <title>".into(),
            description: "Desc & more".into(),
            status: Some(200),
            feed: None,
        };
        let page = fill(shell, &rendered, r#"{"k":"</script><script>alert(1)"}"#, "http://x/s/a");
        assert!(page.contains("<title>A &quot;quoted&quot; &lt;title&gt;</title>"));
        assert!(page.contains("<meta property=\"og:description\" content=\"Desc &amp; more\">"));
        assert!(!page.contains("application/atom+xml"), "no feed, no link");
        let with_feed = Rendered { feed: Some("/s/a/feed.atom".into()), ..rendered.clone() };
        let page = fill(shell, &with_feed, "{}", "http://x/s/a");
        assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"A &quot;quoted&quot; &lt;title&gt;\" href=\"/s/a/feed.atom\">"));
        let elsewhere = Rendered { feed: Some("//evil.example/feed".into()), ..rendered.clone() };
        assert!(!fill(shell, &elsewhere, "{}", "http://x/s/a").contains("evil.example"));
        assert!(page.contains("<div id=\"app\"><h1>Hi</h1></div>"));
        assert!(!page.contains("</script><script>alert"), "user text can't end the data script");
        assert!(!page.contains("ssr-head"));
    }

    #[test]
    fn runaway_scripts_are_interrupted_and_the_engine_recovers() -> anyhow::Result<()> {
        let script = "globalThis.exosphereQueries = (url) => { if (url === '/loop') { for (;;) {} } return []; };
                      globalThis.exosphereRender = (url, data) => ({ html: '<p>' + url + '</p>', title: 't' });";
        let renderer = Renderer {
            script: Some(Arc::from(script)),
            prelude: String::new(),
            version: 999_999,
            cache: Mutex::default(),
        };
        let started = Instant::now();
        let looped = with_engine(&renderer, "__exosphereQueries", ("/loop", None));
        assert!(looped.is_err(), "an endless loop is stopped");
        assert!(started.elapsed() < RENDER_TIMEOUT * 4, "within its time budget");
        let out = Rendered::parse(&with_engine(&renderer, "__exosphereRender", ("/ok", Some("{}")))?)?;
        assert_eq!((out.html.as_str(), out.title.as_str()), ("<p>/ok</p>", "t"));
        let thrown = with_engine(&renderer, "__exosphereRender", ("/ok", Some("not json")));
        assert!(thrown.is_err_and(|e| e.to_string().contains("exception")));
        Ok(())
    }
}

#[cfg(test)]
mod collection_tests {
    use super::*;

    /// Garbage cycles are collected by a task after the response, not inside renders.
    #[actix_web::test]
    async fn cycles_are_collected_after_the_response() -> anyhow::Result<()> {
        let script = "globalThis.exosphereQueries = () => [];
                      globalThis.exosphereRender = () => {
                        for (let i = 0; i < 20000; i++) { const a = {}; const b = { a }; a.b = b; }
                        return { html: 'ok', title: 't' };
                      };";
        let renderer = Renderer {
            script: Some(Arc::from(script)),
            prelude: String::new(),
            version: 777_777,
            cache: Mutex::default(),
        };
        let heap = || {
            ENGINE.with(|c| c.borrow().as_ref().map(|e| e.runtime.memory_usage().malloc_size).unwrap_or(0))
        };
        for _ in 0..CALLS_PER_COLLECTION - 1 {
            with_engine(&renderer, "__exosphereRender", ("/", Some("{}")))?;
        }
        assert!(!collection_due());
        with_engine(&renderer, "__exosphereRender", ("/", Some("{}")))?;
        assert!(collection_due());
        let before = heap();
        collect_garbage_later();
        assert!(collection_due(), "not inside the caller");
        tokio::task::yield_now().await;
        assert!(!collection_due());
        assert!(heap() < before / 2, "cycles freed: {} -> {} bytes", before, heap());
        Ok(())
    }
}

#[cfg(test)]
mod bundle_tests {
    use super::*;

    /// The real bundle answers both calls (built first when the web app's sources changed).
    #[test]
    fn the_built_bundle_answers() -> anyhow::Result<()> {
        let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
        let built = std::process::Command::new(web.join("scripts/build"))
            .arg("--if-stale")
            .stdout(std::process::Stdio::null())
            .status()?;
        anyhow::ensure!(built.success(), "web/scripts/build failed");
        let path = web.join("dist/server/render.js");
        let script = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("the built bundle {}: {e}", path.display()))?;
        let renderer = Renderer {
            script: Some(Arc::from(script)),
            prelude: String::new(),
            version: 888_888,
            cache: Mutex::default(),
        };
        let queries = with_engine(&renderer, "__exosphereQueries", ("/s/demo", None))?;
        assert!(queries.contains("site.exosphere.sphere.getSphere"), "{queries}");
        let rendered =
            Rendered::parse(&with_engine(&renderer, "__exosphereRender", ("/s/demo", Some("{}")))?)?;
        assert!(rendered.html.contains("<"), "{}", rendered.html);
        Ok(())
    }
}
