//! A request's own Atom feed, `/s/:sphere/feature-requests/:number/feed.atom`:
//! its status changes and comments, newest first. Like core's feeds, served
//! anonymously and for public Spheres only; hidden requests and comments,
//! and those of inactive accounts, are left out.

use std::sync::LazyLock;

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};
use exosphere_core::db::sql::sql;
use exosphere_core::lexicon::site::exosphere::defs::ActorView;
use exosphere_core::lexicon::site::exosphere::sphere::defs::ActivityItem;
use exosphere_core::read;
use exosphere_core::sphere::activity::atom;
use exosphere_core::sphere::{Access, Action, sphere_not_found};
use exosphere_core::xrpc::{Caller, XrpcResult};

use crate::generated::MODULE;

/// Entries in a request's feed.
const ENTRIES: i64 = 50;

/// Mounts the feed under the module's path.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(&format!("/s/{{sphere}}/{MODULE}/{{number}}/feed.atom"), web::get().to(feed));
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    uri: String,
    #[diesel(sql_type = Nullable<Text>)]
    text: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    detail: Option<String>,
    #[diesel(sql_type = Text)]
    actor: ActorView,
    #[diesel(sql_type = Text)]
    created_at: String,
}

static ITEMS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT * FROM (
           SELECT 'status' AS kind, st.uri, st.note AS text, st.status AS detail, {status_actor} AS actor, st.created_at
           FROM fr_statuses st WHERE st.request_id = ?
           UNION ALL
           SELECT 'comment', c.uri, c.text, NULL, {commenter}, c.created_at
           FROM fr_comments c WHERE c.request_id = ? AND {comment_shown} AND {commenter_active}
         ) ORDER BY created_at DESC, uri DESC LIMIT ?",
        status_actor = read::actor("st.actor_did"),
        commenter = read::actor("c.author_did"),
        comment_shown = read::not_hidden("c.uri"),
        commenter_active = read::author_active("c.author_did"),
    )
});

async fn feed(req: HttpRequest, ctx: web::Data<exosphere_core::AppContext>) -> XrpcResult<HttpResponse> {
    let slug = req.match_info().get("sphere").unwrap_or_default().to_owned();
    let number = req.match_info().get("number").and_then(|n| n.parse::<i64>().ok()).filter(|n| *n > 0);
    let base = ctx.config.public_url.trim_end_matches('/').to_owned();
    let xml = ctx
        .db
        .read(move |c| {
            let caller = Caller { viewer: None, module: Some(MODULE), instance_admin: false };
            let access = Access::resolve(c, &caller, &slug)?;
            access.require(Action::Read)?;
            if !access.sphere.is_public() || access.sphere.is_suspended() {
                return Err(sphere_not_found(&slug));
            }
            let number = number.ok_or_else(|| crate::api::request_not_found(0))?;
            let request = crate::store::get_request(c, access.sphere.id, number, None, false)?
                .ok_or_else(|| crate::api::request_not_found(number))?;
            let rows: Vec<Row> = sql(ITEMS.as_str())
                .bind::<BigInt, _>(request.id)
                .bind::<BigInt, _>(request.id)
                .bind::<BigInt, _>(ENTRIES)
                .load(c)?;
            let path = format!("/s/{}/{MODULE}/{number}", access.sphere.slug);
            let items: Vec<ActivityItem> = rows
                .into_iter()
                .map(|row| ActivityItem {
                    module: MODULE.to_owned(),
                    title: match row.kind.as_str() {
                        "comment" => format!("Comment on {}", request.title),
                        _ => request.title.clone(),
                    },
                    kind: row.kind,
                    uri: row.uri,
                    subject: Some(request.uri.clone()),
                    text: row.text.filter(|t| !t.is_empty()),
                    detail: row.detail,
                    path: path.clone(),
                    actor: row.actor,
                    created_at: row.created_at,
                })
                .collect();
            let title = format!("#{number} {} · {}", request.title, access.sphere.name);
            Ok(atom(&base, &path, &title, &access.sphere, &items))
        })
        .await?;
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(xml))
}
