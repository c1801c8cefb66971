//! `site.exosphere.notification.*`, for the signed-in viewer.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;

use super::{NotificationQuery, readable_spheres, seen_at};
use crate::db::sql::sql;
use crate::lexicon::site::exosphere::notification::defs::NotificationView;
use crate::lexicon::site::exosphere::notification::{self as api, Handlers};
use crate::module::Registry;
use crate::xrpc::{Answer, Error, XrpcContext, XrpcResult};

pub struct NotificationApi;

/// Unread counts stop here (the bell shows "99+").
const COUNT_CAP: i64 = 100;

/// Every module's notifications for the query, merged newest first.
fn merged(
    conn: &mut SqliteConnection,
    registry: &Registry,
    viewer: &str,
    handle: Option<&str>,
    before: Option<(String, String)>,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<NotificationView>, crate::Error> {
    let mut items = Vec::new();
    for module in registry.modules() {
        let spheres = readable_spheres(conn, viewer, module.name())?;
        if spheres.is_empty() {
            continue;
        }
        let query = NotificationQuery {
            viewer: viewer.to_owned(),
            handle: handle.map(str::to_lowercase),
            spheres,
            before: before.clone(),
            after: after.clone(),
            limit,
        };
        items.extend(module.notifications(conn, &query)?);
    }
    items.sort_by(|a, b| (&b.created_at, &b.uri).cmp(&(&a.created_at, &a.uri)));
    items.truncate(limit.max(0) as usize);
    Ok(items)
}

fn parse_cursor(cursor: Option<&str>) -> XrpcResult<Option<(String, String)>> {
    cursor
        .map(|c| {
            c.split_once('~')
                .map(|(at, uri)| (at.to_owned(), uri.to_owned()))
                .ok_or_else(|| Error::invalid_request("cursor: not a cursor of these notifications"))
        })
        .transpose()
}

impl Handlers for NotificationApi {
    async fn list_notifications(
        &self,
        ctx: &XrpcContext,
        params: api::list_notifications::Params,
    ) -> XrpcResult<Answer<api::list_notifications::Output>> {
        let viewer = ctx.require_viewer().await?;
        let before = parse_cursor(params.cursor.as_deref())?;
        let registry = ctx.app()?.registry.clone();
        let limit = params.limit;
        ctx.app()?
            .db
            .read(move |c| {
                let seen = seen_at(c, &viewer.did)?;
                let mut items =
                    merged(c, &registry, &viewer.did, viewer.handle.as_deref(), before, None, limit + 1)?;
                let more = items.len() as i64 > limit;
                items.truncate(limit as usize);
                for item in &mut items {
                    item.unread = seen.as_ref().is_none_or(|s| item.created_at > *s);
                }
                let cursor =
                    if more { items.last().map(|i| format!("{}~{}", i.created_at, i.uri)) } else { None };
                Ok(api::list_notifications::Output { notifications: items, cursor, seen_at: seen })
            })
            .await
            .map(Answer::from)
    }

    async fn get_unread_count(
        &self,
        ctx: &XrpcContext,
        _params: api::get_unread_count::Params,
    ) -> XrpcResult<Answer<api::get_unread_count::Output>> {
        let viewer = ctx.require_viewer().await?;
        let registry = ctx.app()?.registry.clone();
        ctx.app()?
            .db
            .read(move |c| {
                let seen = seen_at(c, &viewer.did)?;
                let items =
                    merged(c, &registry, &viewer.did, viewer.handle.as_deref(), None, seen, COUNT_CAP)?;
                Ok(api::get_unread_count::Output { count: items.len() as i64 })
            })
            .await
            .map(Answer::from)
    }

    async fn update_seen(
        &self,
        ctx: &XrpcContext,
        input: api::update_seen::Input,
    ) -> XrpcResult<api::update_seen::Output> {
        let viewer = ctx.require_viewer().await?;
        let seen = input.seen_at.unwrap_or_else(crate::write::now);
        ctx.app()?
            .db
            .write(move |c| {
                sql("INSERT INTO notification_seen (did, seen_at) VALUES (?, ?)
                     ON CONFLICT (did) DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)")
                .bind::<Text, _>(&viewer.did)
                .bind::<Text, _>(seen)
                .execute(c)?;
                Ok(())
            })
            .await?;
        Ok(api::update_seen::Output {})
    }
}
