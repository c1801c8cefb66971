//! The board's tags through the API: owners and admins define them and put
//! them on requests, each action a record on their own PDS (public Spheres)
//! indexed like any other (index/tags.rs).

use exosphere_core::ids::rkey_of;
use exosphere_core::lexicon::com::atproto::repo::strong_ref::StrongRef;
use exosphere_core::sphere::{Access, Action};
use exosphere_core::write::{RecordWriter, now};
use exosphere_core::xrpc::{Error, ErrorKind, XrpcContext, XrpcResult};

use crate::api::request;
use crate::generated::site::exosphere::feature_request::defs::TagView;
use crate::generated::site::exosphere::feature_request::{create_tag, delete_tag, list_tags};
use crate::generated::site::exosphere::{feature_request_tag, feature_request_tagging};
use crate::store::{self, TagRow};

/// A tag's view; `counted` carries its number of requests (listTags).
pub fn view(row: TagRow, counted: bool) -> TagView {
    TagView {
        uri: row.uri,
        name: row.name,
        color: row.color,
        request_count: counted.then_some(row.request_count),
    }
}

fn tag_not_found() -> Error {
    Error::named(ErrorKind::NotFound, "TagNotFound", "no such tag in this Sphere")
}

/// Whether `color` is `#rrggbb`.
pub fn is_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit())
}

async fn tags_of(ctx: &XrpcContext, access: &Access) -> XrpcResult<Vec<TagRow>> {
    let sphere_id = access.sphere.id;
    ctx.app()?.db.read(move |c| store::list_tags(c, sphere_id)).await
}

/// The Sphere's tag of this URI.
async fn tag_of(ctx: &XrpcContext, access: &Access, uri: &str) -> XrpcResult<Option<TagRow>> {
    let (sphere_id, uri) = (access.sphere.id, uri.to_owned());
    ctx.app()?.db.read(move |c| store::tag(c, sphere_id, &uri)).await
}

pub async fn list(ctx: &XrpcContext, params: list_tags::Params) -> XrpcResult<list_tags::Output> {
    let access = Access::load(ctx, &params.sphere).await?;
    access.require(Action::Read)?;
    let tags = tags_of(ctx, &access).await?;
    Ok(list_tags::Output { tags: tags.into_iter().map(|t| view(t, true)).collect() })
}

pub async fn create(ctx: &XrpcContext, input: create_tag::Input) -> XrpcResult<create_tag::Output> {
    let access = Access::load(ctx, &input.sphere).await?;
    access.require(Action::Moderate)?;
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(Error::invalid_request("name: a tag needs a name"));
    }
    if !is_color(&input.color) {
        return Err(Error::named(
            ErrorKind::InvalidRequest,
            "InvalidColor",
            "color: a colour is #rrggbb, as #1d4ed8",
        ));
    }
    if tags_of(ctx, &access).await?.iter().any(|t| t.name.to_lowercase() == name.to_lowercase()) {
        return Err(Error::named(
            ErrorKind::Conflict,
            "TagExists",
            format!("the board has a tag called {name} already"),
        ));
    }
    let record = feature_request_tag::Record {
        sphere: access.sphere.uri.clone(),
        name,
        color: input.color.to_lowercase(),
        created_at: now(),
    };
    let written = RecordWriter::for_content(ctx, &access).await?.create(&record).await?;
    let tag = tag_of(ctx, &access, &written.uri)
        .await?
        .ok_or_else(|| Error::internal(anyhow::anyhow!("a tag just written is not indexed")))?;
    Ok(create_tag::Output { tag: view(tag, true) })
}

pub async fn delete(ctx: &XrpcContext, input: delete_tag::Input) -> XrpcResult<delete_tag::Output> {
    let access = Access::load(ctx, &input.sphere).await?;
    access.require(Action::Moderate)?;
    let tag = tag_of(ctx, &access, &input.tag).await?.ok_or_else(tag_not_found)?;
    // The record is in the repository of whoever defined the tag: only they can delete it.
    if access.viewer_did().as_deref() != Some(tag.actor_did.as_str()) {
        return Err(Error::named(
            ErrorKind::Forbidden,
            "NotAllowed",
            format!("only the admin who defined the tag {} ({}) can delete it", tag.name, tag.actor_did),
        ));
    }
    RecordWriter::for_content(ctx, &access)
        .await?
        .delete(feature_request_tag::NSID, &rkey_of(&tag.uri))
        .await?;
    Ok(delete_tag::Output {})
}

/// Puts the tag on the request (`on`) or takes it off, unless it already is
/// so; the request's tags after.
pub async fn set(
    ctx: &XrpcContext,
    sphere: &str,
    number: i64,
    tag: &str,
    on: bool,
) -> XrpcResult<Vec<TagView>> {
    let access = Access::load(ctx, sphere).await?;
    access.require(Action::Moderate)?;
    let row = request(ctx, &access, number).await?;
    let tag = tag_of(ctx, &access, tag).await?.ok_or_else(tag_not_found)?;
    let has = store::TagRow::parse_list(&row.tags).iter().any(|t| t.uri == tag.uri);
    if has != on {
        let record = feature_request_tagging::Record {
            sphere: access.sphere.uri.clone(),
            subject: StrongRef { uri: row.uri.clone(), cid: row.cid.clone() },
            tag: StrongRef { uri: tag.uri.clone(), cid: tag.cid.clone() },
            action: if on { "add" } else { "remove" }.to_owned(),
            created_at: now(),
        };
        RecordWriter::for_content(ctx, &access).await?.create(&record).await?;
    }
    let id = row.id;
    let tags = ctx.app()?.db.read(move |c| store::request_tags(c, id)).await?;
    Ok(tags.into_iter().map(|t| view(t, false)).collect())
}
