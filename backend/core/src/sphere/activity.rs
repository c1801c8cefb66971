//! A Sphere's activity feed, merged from every module it enables: the
//! `site.exosphere.sphere.getActivity` query and the Atom feeds
//! (`/s/:sphere/feed.atom` for the whole Sphere, `/s/:sphere/:module/feed.atom`
//! for one module), both newest first.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::sqlite::SqliteConnection;

use super::access::{Access, Action, module_disabled, sphere_not_found};
use super::store::{self, SphereRow};
use crate::lexicon::site::exosphere::sphere::defs::ActivityItem;
use crate::module::{ActivityQuery, Registry};
use crate::xrpc::{Caller, Error, XrpcResult};
use crate::{AppContext, Module};

/// How long an item's `text` may be (characters) before it is shortened.
const TEXT_CHARS: usize = 280;
/// Entries in an Atom feed.
const FEED_ENTRIES: i64 = 50;

/// A page of activity: items newest first, and the cursor of the next page.
pub struct Page {
    pub items: Vec<ActivityItem>,
    pub cursor: Option<String>,
}

/// `createdAt` + `~` + AT URI of the last item: datetimes have no `~`.
fn parse_cursor(cursor: Option<&str>) -> XrpcResult<Option<(String, String)>> {
    cursor
        .map(|c| {
            c.split_once('~')
                .map(|(at, uri)| (at.to_owned(), uri.to_owned()))
                .ok_or_else(|| Error::invalid_request("cursor: not a cursor of this feed"))
        })
        .transpose()
}

fn shorten(text: String) -> String {
    match text.char_indices().nth(TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text,
    }
}

/// One page of the feed of `sphere`, from `modules` (each must be enabled there).
pub fn page(
    conn: &mut SqliteConnection,
    modules: &[&dyn Module],
    sphere: &SphereRow,
    cursor: Option<&str>,
    limit: i64,
) -> XrpcResult<Page> {
    let query = ActivityQuery {
        sphere_id: sphere.id,
        slug: sphere.slug.clone(),
        before: parse_cursor(cursor)?,
        limit: limit + 1,
    };
    let mut items = Vec::new();
    for module in modules {
        items.extend(module.activity(conn, &query)?);
    }
    items.sort_by(|a, b| (&b.created_at, &b.uri).cmp(&(&a.created_at, &a.uri)));
    let more = items.len() as i64 > limit;
    items.truncate(limit.max(0) as usize);
    let cursor = if more { items.last().map(|i| format!("{}~{}", i.created_at, i.uri)) } else { None };
    for item in &mut items {
        item.text = item.text.take().map(shorten);
    }
    Ok(Page { items, cursor })
}

/// When the newest item of a Sphere's feed was made (`None`: nothing yet).
pub fn latest(
    conn: &mut SqliteConnection,
    registry: &Registry,
    sphere: &SphereRow,
) -> XrpcResult<Option<String>> {
    Ok(page(conn, &enabled(registry, sphere), sphere, None, 1)?
        .items
        .into_iter()
        .next()
        .map(|i| i.created_at))
}

/// The modules of `registry` that `sphere` enables, in registry order.
pub fn enabled<'r>(registry: &'r Registry, sphere: &SphereRow) -> Vec<&'r dyn Module> {
    registry.modules().iter().filter(|m| sphere.enables(m.name())).map(|m| m.as_ref()).collect()
}

/// `site.exosphere.sphere.getActivity`, for a caller who may read the Sphere.
pub fn get_activity(
    conn: &mut SqliteConnection,
    registry: &Registry,
    caller: &Caller,
    sphere: &str,
    cursor: Option<&str>,
    limit: i64,
) -> XrpcResult<Page> {
    let access = Access::resolve(conn, caller, sphere)?;
    access.require(Action::Read)?;
    page(conn, &enabled(registry, &access.sphere), &access.sphere, cursor, limit)
}

/// Mounts the Atom feeds.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/s/{sphere}/feed.atom", web::get().to(sphere_feed))
        .route("/s/{sphere}/{module}/feed.atom", web::get().to(module_feed));
}

async fn sphere_feed(req: HttpRequest, ctx: web::Data<AppContext>) -> Result<HttpResponse, Error> {
    feed(&req, &ctx, None).await
}

async fn module_feed(req: HttpRequest, ctx: web::Data<AppContext>) -> Result<HttpResponse, Error> {
    let module = req.match_info().get("module").unwrap_or_default().to_owned();
    feed(&req, &ctx, Some(module)).await
}

/// An Atom feed, served anonymously and for public Spheres only: a
/// private Sphere's feed does not exist, whoever asks.
async fn feed(req: &HttpRequest, ctx: &AppContext, module: Option<String>) -> Result<HttpResponse, Error> {
    let slug = req.match_info().get("sphere").unwrap_or_default().to_owned();
    let registry = ctx.registry.clone();
    let base = ctx.config.public_url.trim_end_matches('/').to_owned();
    let xml = ctx
        .db
        .read(move |c| {
            let sphere = store::sphere_by_param(c, &slug)?
                .filter(|s| s.is_public() && !s.is_suspended())
                .ok_or_else(|| sphere_not_found(&slug))?;
            let (modules, title) = match &module {
                None => (enabled(&registry, &sphere), sphere.name.clone()),
                Some(name) => {
                    let m = registry
                        .module(name)
                        .filter(|m| sphere.enables(m.name()))
                        .ok_or_else(|| module_disabled(&sphere, name))?;
                    (vec![m.as_ref()], format!("{} · {}", sphere.name, m.label()))
                }
            };
            let page = page(c, &modules, &sphere, None, FEED_ENTRIES)?;
            let path = match &module {
                None => format!("/s/{}", sphere.slug),
                Some(m) => format!("/s/{}/{m}", sphere.slug),
            };
            Ok(atom(&base, &path, &title, &sphere, &page.items))
        })
        .await?;
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(xml))
}

/// Escapes text for XML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// An Atom 1.0 document (RFC 4287) of `items`: the feed has id, title,
/// updated, its links and author; each entry id, title, updated, link,
/// author and summary.
pub fn atom(base: &str, path: &str, title: &str, sphere: &SphereRow, items: &[ActivityItem]) -> String {
    let updated = items.first().map_or(sphere.created_at.as_str(), |i| i.created_at.as_str());
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    xml.push_str(&format!("  <id>{}</id>\n", esc(&format!("{base}{path}/feed.atom"))));
    xml.push_str(&format!("  <title>{}</title>\n", esc(title)));
    if let Some(description) = &sphere.description {
        xml.push_str(&format!("  <subtitle>{}</subtitle>\n", esc(description)));
    }
    xml.push_str(&format!("  <updated>{}</updated>\n", esc(updated)));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        esc(&format!("{base}{path}"))
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        esc(&format!("{base}{path}/feed.atom"))
    ));
    xml.push_str(&format!("  <author><name>{}</name></author>\n", esc(&sphere.name)));
    xml.push_str("  <generator uri=\"https://github.com/exosphere-site/exosphere\">Exosphere</generator>\n");
    for item in items {
        let who = item.actor.handle.as_deref().unwrap_or(&item.actor.did);
        let title = match (item.kind.as_str(), &item.detail) {
            ("status", Some(status)) => format!("{} → {status}", item.title),
            _ => item.title.clone(),
        };
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <id>{}</id>\n", esc(&item.uri)));
        xml.push_str(&format!("    <title>{}</title>\n", esc(&title)));
        xml.push_str(&format!("    <updated>{}</updated>\n", esc(&item.created_at)));
        xml.push_str(&format!("    <published>{}</published>\n", esc(&item.created_at)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            esc(&format!("{base}{}", item.path))
        ));
        xml.push_str(&format!("    <author><name>{}</name></author>\n", esc(who)));
        xml.push_str(&format!(
            "    <category term=\"{}\"/>\n",
            esc(&format!("{}/{}", item.module, item.kind))
        ));
        if let Some(text) = &item.text {
            xml.push_str(&format!("    <summary type=\"text\">{}</summary>\n", esc(text)));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use actix_web::web::ServiceConfig;
    use diesel::Connection;

    use super::*;
    use crate::lexicon::site::exosphere::defs::ActorView;

    /// A module whose items are given: each `(createdAt, uri)`.
    struct Fake(&'static str, Vec<(&'static str, &'static str)>);

    impl Module for Fake {
        fn name(&self) -> &'static str {
            self.0
        }
        fn label(&self) -> &'static str {
            self.0
        }
        fn configure(&self, _: &mut ServiceConfig, _: &AppContext) {}
        fn activity(&self, _: &mut SqliteConnection, q: &ActivityQuery) -> Result<Vec<ActivityItem>, Error> {
            let mut items: Vec<_> = self
                .1
                .iter()
                .filter(|(at, uri)| {
                    q.before
                        .as_ref()
                        .is_none_or(|(b_at, b_uri)| (*at, *uri) < (b_at.as_str(), b_uri.as_str()))
                })
                .map(|(at, uri)| ActivityItem {
                    module: self.0.into(),
                    kind: "thing".into(),
                    uri: (*uri).into(),
                    subject: None,
                    title: (*uri).into(),
                    text: None,
                    detail: None,
                    path: format!("/s/{}/{}", q.slug, self.0),
                    actor: ActorView {
                        did: "did:plc:a".into(),
                        handle: None,
                        display_name: None,
                        avatar: None,
                    },
                    created_at: (*at).into(),
                })
                .collect();
            items.sort_by(|a, b| (&b.created_at, &b.uri).cmp(&(&a.created_at, &a.uri)));
            items.truncate(q.limit as usize);
            Ok(items)
        }
    }

    fn sphere() -> SphereRow {
        SphereRow {
            id: 1,
            uri: "at://o/s/1".into(),
            cid: "c".into(),
            owner_did: "did:plc:o".into(),
            slug: "s".into(),
            name: "S".into(),
            description: None,
            visibility: "public".into(),
            write_mode: "open".into(),
            modules: "[\"a\",\"b\"]".into(),
            created_at: "2026-01-01".into(),
            standing: None,
        }
    }

    #[test]
    fn every_modules_items_merge_newest_first_and_page_by_cursor() -> XrpcResult<()> {
        let a = Fake(
            "a",
            vec![("2026-01-05", "at://x/a/5"), ("2026-01-03", "at://x/a/3"), ("2026-01-01", "at://x/a/1")],
        );
        let b = Fake(
            "b",
            vec![("2026-01-04", "at://x/b/4"), ("2026-01-03", "at://x/b/3"), ("2026-01-02", "at://x/b/2")],
        );
        let modules: [&dyn Module; 2] = [&a, &b];
        let mut conn = SqliteConnection::establish(":memory:").map_err(Error::internal)?;
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..4 {
            let page = page(&mut conn, &modules, &sphere(), cursor.as_deref(), 2)?;
            seen.extend(page.items.iter().map(|i| i.uri.clone()));
            cursor = page.cursor;
            if cursor.is_none() {
                break;
            }
        }
        assert_eq!(
            seen,
            ["at://x/a/5", "at://x/b/4", "at://x/b/3", "at://x/a/3", "at://x/b/2", "at://x/a/1"],
            "newest first across modules, ties by URI, each item once"
        );
        Ok(())
    }

    #[test]
    fn long_text_is_shortened_on_a_character_boundary() {
        assert_eq!(shorten("short".into()), "short");
        let long = "é".repeat(TEXT_CHARS + 5);
        let cut = shorten(long);
        assert_eq!(cut.chars().count(), TEXT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(esc("<a href=\"x\">&'\u{1}"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
    }

    #[test]
    fn cursors_round_trip_and_junk_is_refused() -> XrpcResult<()> {
        assert_eq!(
            parse_cursor(Some("2026-01-01T00:00:00.000Z~at://did:plc:a/x.y/3k~z"))?,
            Some(("2026-01-01T00:00:00.000Z".into(), "at://did:plc:a/x.y/3k~z".into()))
        );
        assert!(parse_cursor(Some("nonsense")).is_err());
        Ok(())
    }
}
