//! The web app: built assets served from memory, `index.html` for every
//! page route, and building the assets on start in a source checkout.
//!
//! Hashed files under `assets/` never change, so they are cached for a
//! year (`immutable`); `index.html` is revalidated on every visit so a new
//! release shows at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use exosphere_core::Config;

/// Cache-Control of content-hashed assets.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache-Control of the page shell and unhashed files.
const REVALIDATE: &str = "no-cache";

/// One file of the build.
struct Asset {
    body: Bytes,
    content_type: &'static str,
}

/// The built web app, read once at start.
#[derive(Default)]
pub struct WebAssets {
    /// `index.html`, the shell every page route answers with.
    pub index: Option<String>,
    files: HashMap<String, Asset>,
    /// Where it was read from (for messages).
    pub dir: PathBuf,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// What the web app must know of this instance before its first render:
/// the browser reads it from the page's head, the server renderer from a
/// global set before the bundle runs.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Site {
    /// The Sphere `/` shows (`EXOSPHERE_HOME_SPHERE`, a checked slug).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_sphere: Option<String>,
}

impl Site {
    /// The settings of a running instance.
    pub fn of(instance: &exosphere_core::instance::Instance) -> Self {
        Self { home_sphere: instance.home_sphere.clone() }
    }

    /// Tags for the shell's head.
    fn head_tags(&self) -> String {
        // A slug is lowercase letters, digits and hyphens: nothing to escape.
        self.home_sphere
            .as_ref()
            .map(|slug| format!("<meta name=\"exosphere-home-sphere\" content=\"{slug}\">"))
            .unwrap_or_default()
    }

    /// JavaScript that the server renderer runs before the bundle.
    pub fn prelude(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "{}".into());
        format!("globalThis.__EXOSPHERE_SITE__ = {json};")
    }
}

impl WebAssets {
    /// Reads every file of `dir` (except the server bundle); empty when the
    /// app isn't built. The shell gets the `site` settings in its head.
    pub fn load(dir: &Path, site: &Site) -> Self {
        let mut assets = Self { dir: dir.to_owned(), ..Self::default() };
        let mut stack = vec![dir.to_owned()];
        while let Some(folder) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(relative) = path.strip_prefix(dir) else { continue };
                let name = relative.to_string_lossy().replace('\\', "/");
                if path.is_dir() {
                    // The server-render bundle is for this process, not for browsers.
                    if name != "server" {
                        stack.push(path);
                    }
                    continue;
                }
                if name.starts_with('.') {
                    continue;
                }
                let Ok(body) = std::fs::read(&path) else { continue };
                if name == "index.html" {
                    let index = String::from_utf8_lossy(&body).into_owned();
                    assets.index =
                        Some(index.replacen("</head>", &format!("{}</head>", site.head_tags()), 1));
                }
                assets.files.insert(
                    name.clone(),
                    Asset { body: Bytes::from(body), content_type: content_type(&name) },
                );
            }
        }
        if assets.index.is_none() {
            tracing::warn!(dir = %dir.display(), "no web app build found: pages show a placeholder (build it with web/scripts/build)");
        } else {
            tracing::info!(dir = %dir.display(), files = assets.files.len(), "serving the web app");
        }
        assets
    }

    /// A file of the build by its path below the web dir.
    fn file(&self, path: &str) -> Option<&Asset> {
        self.files.get(path.trim_start_matches('/'))
    }
}

/// `GET /assets/...` and other files of the build; `None` when there is no such file.
pub fn serve_file(assets: &WebAssets, req: &HttpRequest) -> Option<HttpResponse> {
    let path = req.path();
    let asset = assets.file(path).filter(|_| path != "/index.html")?;
    let cache = if path.starts_with("/assets/") { IMMUTABLE } else { REVALIDATE };
    Some(
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)))
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(cache)))
            .insert_header(("x-content-type-options", "nosniff"))
            .body(asset.body.clone()),
    )
}

/// The page shell (`index.html`) for a page route, or a placeholder page when the app isn't built.
pub fn shell(assets: &WebAssets, status: actix_web::http::StatusCode) -> HttpResponse {
    match &assets.index {
        Some(index) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE)))
            .body(index.clone()),
        None => HttpResponse::build(status).content_type("text/html; charset=utf-8").body(concat!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Exosphere</title>",
            "<h1>Exosphere</h1><p>The server is running, but the web app is not built ",
            "(run <code>web/scripts/build</code>, or start from a source checkout with Node installed). ",
            "API: <a href=\"/openapi.json\">OpenAPI</a>, <a href=\"/xrpc/_health\">health</a>.</p></html>"
        )),
    }
}

/// Whether a path is a page of the web app (not the API, sign-in or a file).
pub fn is_page(path: &str) -> bool {
    !(path.starts_with("/xrpc/")
        || path.starts_with("/oauth")
        || path.starts_with("/assets/")
        || path == "/metrics")
}

/// Whether a page path is one the app has (others answer 404 with the
/// shell, whose router shows its not-found page).
pub fn is_known_page(path: &str) -> bool {
    path == "/" || path == "/login" || path.starts_with("/s/")
}

/// Shared, read-only assets for the handlers.
pub type SharedAssets = web::Data<Arc<WebAssets>>;

/// In a source checkout (`<web dir>/../scripts/build` exists), builds the
/// web app when its build is missing or older than its sources, so that
/// `cargo run` alone serves a current app. Needs Node and npm; without them
/// the server still starts and says why pages are placeholders.
pub fn ensure_built(config: &Config) {
    if !config.build_web {
        return;
    }
    let Some(root) = config.web_dir.parent().filter(|r| r.join("scripts/build").is_file()) else {
        return;
    };
    let wanted = Command::new(root.join("scripts/stamp")).output().ok().filter(|o| o.status.success());
    let Some(wanted) = wanted.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()) else {
        tracing::warn!(
            "cannot compute the web app's source stamp (web/scripts/stamp failed); serving what is built"
        );
        return;
    };
    let built = std::fs::read_to_string(config.web_dir.join(".build-stamp")).unwrap_or_default();
    if built.trim() == wanted {
        return;
    }
    tracing::info!(
        "building the web app (web/scripts/build; the first run installs npm packages, about a minute)"
    );
    match Command::new(root.join("scripts/build")).status() {
        Ok(status) if status.success() => tracing::info!("web app built"),
        Ok(status) => tracing::error!(%status, "building the web app failed; serving what is built"),
        Err(e) => tracing::error!(error = %e, "cannot run web/scripts/build (is bash installed?)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_everything_but_api_sign_in_and_files() {
        assert!(is_page("/"));
        assert!(is_page("/s/demo/some-module/3"));
        assert!(!is_page("/xrpc/site.exosphere.sphere.getSphere"));
        assert!(!is_page("/oauth/login"));
        assert!(!is_page("/assets/index-abc.js"));
        assert!(is_known_page("/s/demo") && is_known_page("/") && !is_known_page("/no/such/page"));
    }

    #[test]
    fn builds_are_read_with_types_and_the_server_bundle_stays_private() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir_all(dir.path().join("assets"))?;
        std::fs::create_dir_all(dir.path().join("server"))?;
        std::fs::write(dir.path().join("index.html"), "<!doctype html><div id=app></div>")?;
        std::fs::write(dir.path().join("assets/index-abc.js"), "console.log(1)")?;
        std::fs::write(dir.path().join("server/render.js"), "secret")?;
        let assets = WebAssets::load(dir.path(), &Site::default());
        assert!(assets.index.as_deref().is_some_and(|i| i.contains("id=app")));
        assert_eq!(
            assets.file("/assets/index-abc.js").map(|a| a.content_type),
            Some("text/javascript; charset=utf-8")
        );
        assert!(assets.file("/server/render.js").is_none());
        Ok(())
    }
}
