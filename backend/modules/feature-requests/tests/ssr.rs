//! The board's pages rendered on the server: they carry their content in the
//! first HTML (no JavaScript needed to read them), private content stays out
//! of anonymous pages, and a Sphere without the board shows no trace of it.

mod common;

use common::world::World;
use common::xrpc::{Caller, ok};
use common::{app_html, web_dist};
use serde_json::json;

const FR: &str = "site.exosphere.featureRequest";

async fn page(w: &World, who: &Caller, path: &str) -> anyhow::Result<(u16, String)> {
    let mut request = w.server.client.get(w.server.url(path));
    if let Some(sid) = &who.sid {
        request = request.header("cookie", format!("sid={sid}"));
    }
    let response = request.send().await?;
    Ok((response.status().as_u16(), response.text().await?))
}

fn text_of(html: &str) -> String {
    // The visible text, roughly: tags dropped, entities of quotes undone.
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&")
}

#[tokio::test]
async fn pages_carry_their_content_in_the_first_html() -> anyhow::Result<()> {
    let dist = web_dist()?;
    let w = World::with_config(|c| c.web_dir = dist).await?;
    let s = &w.server;
    w.sphere("garden", "public", "members").await?;
    w.sphere("vault", "private", "members").await?;
    let request = json!({ "sphere": "garden", "title": "Dark mode for the board", "description": "Easier on the eyes at night." });
    ok(s, &w.bob, &format!("{FR}.createRequest"), request).await?;
    ok(s, &w.carol, &format!("{FR}.createRequest"), json!({ "sphere": "garden", "title": "CSV export" }))
        .await?;
    ok(s, &w.alice, &format!("{FR}.vote"), json!({ "sphere": "garden", "number": 1 })).await?;
    let comment = json!({ "sphere": "garden", "number": 1, "text": "Yes, please do this" });
    ok(s, &w.alice, &format!("{FR}.createComment"), comment).await?;
    let status = json!({ "sphere": "garden", "number": 1, "status": "planned", "note": "Next release" });
    ok(s, &w.alice, &format!("{FR}.setStatus"), status).await?;
    let secret = json!({ "sphere": "vault", "title": "Secret acquisition plan", "description": "Nobody outside may read this." });
    ok(s, &w.alice, &format!("{FR}.createRequest"), secret).await?;
    let anon = Caller::anonymous();

    // The request page, as plain HTML.
    let (status, html) = page(&w, &anon, "/s/garden/feature-requests/1").await?;
    assert_eq!(status, 200);
    let body = text_of(app_html(&html));
    for expected in ["Dark mode for the board", "Easier on the eyes at night.", "Yes, please do this"] {
        assert!(body.contains(expected), "request page lacks {expected:?}:\n{body}");
    }
    assert!(body.to_lowercase().contains("planned"), "status shown: {body}");
    assert!(html.contains("<title>") && html.contains("Dark mode for the board"), "page title");
    assert!(html.contains("<meta property=\"og:title\""), "OpenGraph title");
    assert!(html.contains("<meta property=\"og:description\""), "OpenGraph description");
    assert!(html.contains("<meta property=\"og:url\" content=\"http://127.0.0.1:"), "OpenGraph URL");
    assert!(
        html.contains("<script type=\"application/json\" id=\"ssr-data\">{"),
        "the data the browser hydrates from"
    );
    assert!(html.contains("<link rel=\"stylesheet\""), "styles load before content (no flash)");

    // The board lists its top requests.
    let (status, html) = page(&w, &anon, "/s/garden/feature-requests").await?;
    assert_eq!(status, 200);
    let body = text_of(app_html(&html));
    assert!(body.contains("Dark mode for the board") && body.contains("CSV export"), "board: {body}");
    assert!(html.contains("href=\"/s/garden/feature-requests/feed.atom\""), "the board's feed is linked");

    // The Sphere home belongs to no module: its activity, with the board's tab and the Sphere's feed.
    let (status, html) = page(&w, &anon, "/s/garden").await?;
    assert_eq!(status, 200);
    let body = text_of(app_html(&html));
    assert!(body.contains("Dark mode for the board") && body.contains("CSV export"), "activity: {body}");
    assert!(app_html(&html).contains("href=\"/s/garden/feature-requests\""), "the board's tab");
    assert!(html.contains("type=\"application/atom+xml\"") && html.contains("href=\"/s/garden/feed.atom\""));

    // A private Sphere shows nothing of itself to an anonymous visitor...
    for path in ["/s/vault", "/s/vault/feature-requests/1", "/"] {
        let (_, html) = page(&w, &anon, path).await?;
        assert!(!html.contains("Secret acquisition plan"), "{path} leaks private content");
        assert!(!html.contains("Nobody outside may read this"), "{path} leaks private content");
    }
    let (status, _) = page(&w, &anon, "/s/vault/feature-requests/1").await?;
    assert_eq!(status, 404, "a private request is not found for outsiders");
    // ...while its members see it rendered, and their page is not shared.
    let (status, html) = page(&w, &w.carol, "/s/vault/feature-requests/1").await?;
    assert_eq!(status, 200);
    assert!(text_of(app_html(&html)).contains("Secret acquisition plan"));
    let (_, html) = page(&w, &anon, "/s/vault/feature-requests/1").await?;
    assert!(!html.contains("Secret acquisition plan"), "a member's render never reaches anyone else");

    // Unknown pages are 404s, rendered by the app.
    let (status, _) = page(&w, &anon, "/s/garden/feature-requests/999").await?;
    assert_eq!(status, 404);

    // With the board turned off its tab is gone, and its pages say so.
    ok(s, &w.alice, "site.exosphere.sphere.updateSphere", json!({ "sphere": "garden", "modules": [] }))
        .await?;
    let (status, html) = page(&w, &anon, "/s/garden").await?;
    assert_eq!(status, 200);
    assert!(
        !app_html(&html).contains("href=\"/s/garden/feature-requests\""),
        "no board tab: {}",
        app_html(&html)
    );
    let (status, html) = page(&w, &anon, "/s/garden/feature-requests").await?;
    assert_eq!(status, 404);
    assert!(text_of(app_html(&html)).contains("doesn't use"), "{}", text_of(app_html(&html)));
    Ok(())
}

#[tokio::test]
async fn anonymous_pages_are_cached_until_the_sphere_changes() -> anyhow::Result<()> {
    let dist = web_dist()?;
    let w = World::with_config(|c| c.web_dir = dist).await?;
    w.sphere("cache", "public", "open").await?;
    ok(
        &w.server,
        &w.bob,
        &format!("{FR}.createRequest"),
        json!({ "sphere": "cache", "title": "First idea" }),
    )
    .await?;
    let get = |path: &'static str| {
        let request = w.server.client.get(w.server.url(path));
        async move {
            let response = request.send().await?;
            let state = common::cache_state(&response);
            Ok::<_, anyhow::Error>((state, response.text().await?))
        }
    };
    // The database watcher may notice this process's own last write a little
    // later (and invalidate once more): wait until it has, so hit and miss below are certain.
    w.server.settle().await?;
    let (first, _) = get("/s/cache/feature-requests").await?;
    let (second, _) = get("/s/cache/feature-requests").await?;
    assert_eq!((first.as_str(), second.as_str()), ("miss", "hit"));
    ok(
        &w.server,
        &w.carol,
        &format!("{FR}.createRequest"),
        json!({ "sphere": "cache", "title": "Second idea" }),
    )
    .await?;
    let (state, html) = get("/s/cache/feature-requests").await?;
    assert_eq!(state, "miss");
    assert!(html.contains("Second idea"), "the new request shows at once");
    Ok(())
}
