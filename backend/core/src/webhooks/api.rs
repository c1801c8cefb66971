//! `site.exosphere.webhook.*`: a Sphere's owner manages its webhooks.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use rand::RngCore;

use super::queue_test;
use crate::db::sql::sql;
use crate::lexicon::site::exosphere::webhook::defs::{DeliveryView, WebhookView};
use crate::lexicon::site::exosphere::webhook::{self as api, Handlers};
use crate::sphere::{Access, Action};
use crate::xrpc::{Answer, Error, ErrorKind, XrpcContext, XrpcResult};

pub struct WebhookApi;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    events: String,
    #[diesel(sql_type = Text)]
    created_at: String,
}

fn view(row: Row) -> WebhookView {
    WebhookView {
        id: row.id,
        url: row.url,
        events: serde_json::from_str(&row.events).unwrap_or_default(),
        created_at: row.created_at,
    }
}

fn not_found() -> Error {
    Error::named(ErrorKind::NotFound, "WebhookNotFound", "no webhook with that id in this Sphere")
}

/// The Sphere, for its owner (webhooks carry secrets: admins don't see them).
async fn owned(ctx: &XrpcContext, sphere: &str) -> XrpcResult<Access> {
    let access = Access::load(ctx, sphere).await?;
    access.require(Action::Own)?;
    Ok(access)
}

/// The webhook `id` of the Sphere.
async fn hook(ctx: &XrpcContext, access: &Access, id: i64) -> XrpcResult<Row> {
    let sphere_id = access.sphere.id;
    ctx.app()?
        .db
        .read(move |c| {
            Ok(sql("SELECT id, url, events, created_at FROM webhooks WHERE id = ? AND sphere_id = ?")
                .bind::<BigInt, _>(id)
                .bind::<BigInt, _>(sphere_id)
                .get_result::<Row>(c)
                .optional()?)
        })
        .await?
        .ok_or_else(not_found)
}

/// The events the Sphere's modules send.
fn events(ctx: &XrpcContext, access: &Access) -> XrpcResult<Vec<&'static str>> {
    Ok(ctx.app()?.registry.webhook_events(|m| access.sphere.enables(m)))
}

impl Handlers for WebhookApi {
    async fn list_webhooks(
        &self,
        ctx: &XrpcContext,
        params: api::list_webhooks::Params,
    ) -> XrpcResult<Answer<api::list_webhooks::Output>> {
        let access = owned(ctx, &params.sphere).await?;
        let sphere_id = access.sphere.id;
        let rows: Vec<Row> = ctx
            .app()?
            .db
            .read(move |c| {
                Ok(sql("SELECT id, url, events, created_at FROM webhooks WHERE sphere_id = ? ORDER BY id")
                    .bind::<BigInt, _>(sphere_id)
                    .load(c)?)
            })
            .await?;
        Ok(api::list_webhooks::Output {
            webhooks: rows.into_iter().map(view).collect(),
            events: events(ctx, &access)?.into_iter().map(str::to_owned).collect(),
        }
        .into())
    }

    async fn create_webhook(
        &self,
        ctx: &XrpcContext,
        input: api::create_webhook::Input,
    ) -> XrpcResult<api::create_webhook::Output> {
        let access = owned(ctx, &input.sphere).await?;
        let known = events(ctx, &access)?;
        if let Some(unknown) = input.events.iter().find(|e| !known.contains(&e.as_str())) {
            return Err(Error::named(
                ErrorKind::InvalidRequest,
                "UnknownEvent",
                format!("events: {unknown} is not one this Sphere sends (it sends {})", known.join(", ")),
            ));
        }
        let url = reqwest::Url::parse(&input.url).map_err(|e| {
            Error::named(ErrorKind::InvalidRequest, "UrlRefused", format!("url: not a URL ({e})"))
        })?;
        ctx.app()?
            .http
            .check_destination(&url)
            .await
            .map_err(|e| Error::named(ErrorKind::InvalidRequest, "UrlRefused", format!("url: {e}")))?;
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let secret = crate::ids::hex(&bytes);
        let mut events: Vec<String> = Vec::new();
        for e in input.events {
            if !events.contains(&e) {
                events.push(e);
            }
        }
        let events = serde_json::to_string(&events).map_err(Error::internal)?;
        let (sphere_id, by, url, kept) =
            (access.sphere.id, access.viewer_did().unwrap_or_default(), url.to_string(), secret.clone());
        let row = ctx
            .app()?
            .db
            .write(move |c| {
                Ok(sql("INSERT INTO webhooks (sphere_id, url, secret, events, created_by, created_at)
                        VALUES (?, ?, ?, ?, ?, ?) RETURNING id, url, events, created_at")
                .bind::<BigInt, _>(sphere_id)
                .bind::<Text, _>(url)
                .bind::<Text, _>(kept)
                .bind::<Text, _>(events)
                .bind::<Text, _>(by)
                .bind::<Text, _>(crate::write::now())
                .get_result::<Row>(c)?)
            })
            .await?;
        Ok(api::create_webhook::Output { webhook: view(row), secret })
    }

    async fn delete_webhook(
        &self,
        ctx: &XrpcContext,
        input: api::delete_webhook::Input,
    ) -> XrpcResult<api::delete_webhook::Output> {
        let access = owned(ctx, &input.sphere).await?;
        let row = hook(ctx, &access, input.id).await?;
        ctx.app()?
            .db
            .write(move |c| {
                sql("DELETE FROM webhooks WHERE id = ?").bind::<BigInt, _>(row.id).execute(c)?;
                Ok(())
            })
            .await?;
        Ok(api::delete_webhook::Output {})
    }

    async fn test_webhook(
        &self,
        ctx: &XrpcContext,
        input: api::test_webhook::Input,
    ) -> XrpcResult<api::test_webhook::Output> {
        let access = owned(ctx, &input.sphere).await?;
        let row = hook(ctx, &access, input.id).await?;
        let sphere = access.sphere.uri.clone();
        let delivery = ctx.app()?.db.write(move |c| queue_test(c, row.id, &sphere)).await?;
        Ok(api::test_webhook::Output { delivery })
    }

    async fn list_deliveries(
        &self,
        ctx: &XrpcContext,
        params: api::list_deliveries::Params,
    ) -> XrpcResult<Answer<api::list_deliveries::Output>> {
        #[derive(QueryableByName)]
        struct Delivery {
            #[diesel(sql_type = BigInt)]
            id: i64,
            #[diesel(sql_type = Text)]
            event: String,
            #[diesel(sql_type = Text)]
            state: String,
            #[diesel(sql_type = BigInt)]
            attempts: i64,
            #[diesel(sql_type = Nullable<BigInt>)]
            last_status: Option<i64>,
            #[diesel(sql_type = Nullable<Text>)]
            last_error: Option<String>,
            #[diesel(sql_type = Text)]
            created_at: String,
            #[diesel(sql_type = Nullable<Text>)]
            last_attempt_at: Option<String>,
        }
        let access = owned(ctx, &params.sphere).await?;
        let row = hook(ctx, &access, params.id).await?;
        let limit = params.limit;
        let rows: Vec<Delivery> = ctx
            .app()?
            .db
            .read(move |c| {
                Ok(sql(
                    "SELECT id, event, state, attempts, last_status, last_error, created_at, last_attempt_at
                        FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?",
                )
                .bind::<BigInt, _>(row.id)
                .bind::<BigInt, _>(limit)
                .load(c)?)
            })
            .await?;
        Ok(api::list_deliveries::Output {
            deliveries: rows
                .into_iter()
                .map(|d| DeliveryView {
                    id: d.id,
                    event: d.event,
                    state: d.state,
                    attempts: d.attempts,
                    last_status: d.last_status,
                    last_error: d.last_error,
                    created_at: d.created_at,
                    last_attempt_at: d.last_attempt_at,
                })
                .collect(),
        }
        .into())
    }
}
