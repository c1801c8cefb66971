//! The `site.exosphere.featureRequest.*` XRPC methods.

use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use exosphere_core::db::sql::sql;
use exosphere_core::ids::rkey_of;
use exosphere_core::lexicon::com::atproto::repo::strong_ref::StrongRef;
use exosphere_core::markdown;
use exosphere_core::sphere::{Access, Action};
use exosphere_core::write::{RecordWriter, now};
use exosphere_core::xrpc::{Answer, AnswerWriter, EncodedView, Error, ErrorKind, XrpcContext, XrpcResult};

use crate::generated::site::exosphere::feature_request::defs::{
    CommentView, RequestRef, RequestView, RequestViewerState, StatusView,
};
use crate::generated::site::exosphere::feature_request::{self as api, Handlers};
use crate::generated::site::exosphere::{
    feature_request, feature_request_comment, feature_request_comment_vote, feature_request_status,
    feature_request_vote,
};
use crate::ranking::{Cursor, Sort};
use crate::store::{self, CommentRow, ListQuery, RequestRow, StatusRow};

pub struct Api;

pub(crate) fn request_not_found(number: i64) -> Error {
    Error::named(
        ErrorKind::NotFound,
        "RequestNotFound",
        format!("no feature request #{number} in this Sphere"),
    )
}

fn comment_not_found() -> Error {
    Error::named(ErrorKind::NotFound, "CommentNotFound", "no such comment in this Sphere")
}

fn request_view(row: RequestRow, signed_in: bool) -> RequestView {
    RequestView {
        uri: row.uri,
        cid: Some(row.cid),
        number: row.number,
        sphere: row.sphere_uri,
        title: row.title,
        description: row.description,
        description_html: None,
        author: row.author,
        status: row.status,
        duplicate_of: ref_view(row.duplicate_of.as_deref()),
        tags: Some(
            store::TagRow::parse_list(&row.tags).into_iter().map(|t| crate::tags::view(t, false)).collect(),
        ),
        vote_count: row.vote_count,
        comment_count: row.comment_count,
        created_at: row.created_at,
        updated_at: row.updated_at,
        hidden: row.hidden.then_some(true),
        viewer: signed_in.then_some(RequestViewerState { voted: row.voted, subscribed: None }),
    }
}

fn comment_view(row: CommentRow, signed_in: bool) -> CommentView {
    CommentView {
        uri: row.uri,
        cid: Some(row.cid),
        parent: row.parent_uri,
        text_html: markdown::render(&row.text, COMMENT_HEADINGS),
        text: row.text,
        author: row.author,
        vote_count: row.vote_count,
        created_at: row.created_at,
        updated_at: row.updated_at,
        hidden: row.hidden.then_some(true),
        viewer: signed_in.then_some(RequestViewerState { voted: row.voted, subscribed: None }),
    }
}

/// A page of `listRequests` as every reader gets it: each request's view
/// encoded once, without the viewer's state, which each answer adds.
struct SharedPage {
    views: Vec<(i64, EncodedView)>,
    cursor: Option<String>,
}

impl SharedPage {
    fn encode((rows, cursor): (Vec<RequestRow>, Option<String>)) -> XrpcResult<Self> {
        let views = rows
            .into_iter()
            .map(|row| Ok((row.id, EncodedView::new(&request_view(row, false))?)))
            .collect::<XrpcResult<_>>()?;
        Ok(Self { views, cursor })
    }

    /// The answer, with `state` of each request (by id) as its views' `viewer`:
    /// the bytes `api::list_requests::Output` encodes to.
    fn answer(
        &self,
        state: impl Fn(i64) -> Option<RequestViewerState>,
    ) -> XrpcResult<Answer<api::list_requests::Output>> {
        let mut out =
            AnswerWriter::new(self.views.iter().map(|(_, v)| v.as_str().len() + 32).sum::<usize>() + 64);
        out.views("requests", "viewer", self.views.iter().map(|(id, view)| (view, state(*id))))?;
        out.optional("cursor", self.cursor.as_ref())?;
        Ok(out.finish())
    }
}

/// A request named by another's view (the original of a duplicate).
fn ref_view(json: Option<&str>) -> Option<RequestRef> {
    store::RequestRef::parse(json).map(|r| RequestRef { uri: r.uri, number: r.number, title: r.title })
}

fn status_view(row: StatusRow) -> StatusView {
    StatusView {
        duplicate_of: ref_view(row.duplicate_of.as_deref()),
        status: row.status,
        note: row.note,
        actor: row.actor,
        created_at: row.created_at,
        uri: Some(row.uri),
    }
}

/// The level a `#` heading of a description takes on its page (under the title's h1).
const DESCRIPTION_HEADINGS: u8 = 2;
/// The level a `#` heading of a comment takes (under the Comments h2).
const COMMENT_HEADINGS: u8 = 3;

/// The status that merges a request into another.
const DUPLICATE: &str = "duplicate";

fn invalid_merge(message: String) -> Error {
    Error::named(ErrorKind::InvalidRequest, "InvalidMerge", message)
}

/// The original a new status merges `row` into: the request numbered
/// `duplicate_of` with status `duplicate` (and only then), never `row` itself
/// nor a request merged into it.
async fn original(
    ctx: &XrpcContext,
    access: &Access,
    row: &RequestRow,
    status: &str,
    duplicate_of: Option<i64>,
) -> XrpcResult<Option<StrongRef>> {
    let number = match (status == DUPLICATE, duplicate_of) {
        (false, None) => return Ok(None),
        (false, Some(_)) => return Err(invalid_merge("duplicateOf goes with status duplicate only".into())),
        (true, None) => {
            return Err(invalid_merge("a duplicate needs duplicateOf: the original's number".into()));
        }
        (true, Some(number)) => number,
    };
    if number == row.number {
        return Err(invalid_merge(format!("request #{number} can't be a duplicate of itself")));
    }
    let original = request(ctx, access, number)
        .await
        .map_err(|_| invalid_merge(format!("there is no request #{number} in this Sphere to merge into")))?;
    let (from, into) = (row.id, original.id);
    if ctx.app()?.db.read(move |c| crate::index::is_merged_into(c, into, from)).await? {
        return Err(invalid_merge(format!(
            "request #{number} is merged into #{}: merging it back would make a loop",
            row.number
        )));
    }
    Ok(Some(StrongRef { uri: original.uri, cid: original.cid }))
}

/// Loads the viewer's access to a Sphere that must be readable to them.
async fn readable(ctx: &XrpcContext, sphere: &str) -> XrpcResult<Access> {
    let access = Access::load(ctx, sphere).await?;
    access.require(Action::Read)?;
    Ok(access)
}

pub(crate) async fn request(ctx: &XrpcContext, access: &Access, number: i64) -> XrpcResult<RequestRow> {
    let (sphere_id, viewer, moderator) =
        (access.sphere.id, access.viewer.as_ref().map(|v| v.did.clone()), access.can(Action::Moderate));
    ctx.app()?
        .db
        .read(move |c| store::get_request(c, sphere_id, number, viewer.as_deref(), moderator))
        .await?
        .ok_or_else(|| request_not_found(number))
}

async fn request_by_uri(ctx: &XrpcContext, access: &Access, uri: &str) -> XrpcResult<RequestRow> {
    #[derive(QueryableByName)]
    struct Number {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        number: i64,
    }
    let (uri, sphere_id) = (uri.to_owned(), access.sphere.id);
    let number = ctx
        .app()?
        .db
        .read(move |c| {
            Ok(sql("SELECT number FROM fr_requests WHERE uri = ? AND sphere_id = ?")
                .bind::<Text, _>(uri)
                .bind::<diesel::sql_types::BigInt, _>(sphere_id)
                .get_result::<Number>(c)?
                .number)
        })
        .await
        .map_err(|_| Error::internal(anyhow::anyhow!("a request just written is not indexed")))?;
    request(ctx, access, number).await
}

async fn comment(ctx: &XrpcContext, access: &Access, uri: &str) -> XrpcResult<CommentRow> {
    let (uri, viewer) = (uri.to_owned(), access.viewer_did());
    // The comment must be on a request of this Sphere that the viewer can see.
    let sphere_id = access.sphere.id;
    let row = ctx
        .app()?
        .db
        .read(move |c| store::comment(c, &uri, sphere_id, viewer.as_deref()))
        .await?
        .ok_or_else(comment_not_found)?;
    if row.hidden && !access.can(Action::Moderate) {
        return Err(comment_not_found());
    }
    Ok(row)
}

async fn vote_count(ctx: &XrpcContext, table: &'static str, id: i64) -> XrpcResult<i64> {
    ctx.app()?.db.read(move |c| store::count(c, table, id)).await
}

impl Handlers for Api {
    async fn list_requests(
        &self,
        ctx: &XrpcContext,
        params: api::list_requests::Params,
    ) -> XrpcResult<Answer<api::list_requests::Output>> {
        let sort = Sort::parse(&params.sort)?;
        let cursor = params.cursor.as_deref().map(|c| Cursor::decode(c, sort)).transpose()?;
        let caller = ctx.caller().await?;
        // One trip to the database for the access check and the page: this is
        // the board's hottest path. The page is the same for every reader who
        // may read the Sphere and doesn't moderate it (moderators see hidden
        // requests), so it is shared until the next write; the viewer's own
        // votes are laid over it.
        let (page, voted, signed_in) = ctx
            .app()?
            .db
            .read_shared(ctx.fresh(), move |c, shared| {
                let access = Access::resolve_shared(c, shared, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let moderator = access.can(Action::Moderate);
                let viewer = access.viewer_did();
                // "I voted" is the viewer's own list: shared only with their own later reads.
                let voted_by = match params.voted {
                    Some(true) => Some(viewer.clone().ok_or_else(|| {
                        Error::new(ErrorKind::AuthRequired, "sign in to list the requests you voted for")
                    })?),
                    _ => None,
                };
                let tag = params.tag.filter(|t| !t.trim().is_empty());
                let key = format!(
                    "listRequests {} {moderator} {sort:?} {:?} {:?} {:?} {:?} {:?} {} {:?}",
                    access.sphere.id,
                    params.status,
                    params.author,
                    voted_by,
                    tag,
                    params.q,
                    params.limit,
                    params.cursor
                );
                let query = ListQuery {
                    sphere_id: access.sphere.id,
                    viewer: None,
                    moderator,
                    sort,
                    statuses: params.status,
                    author: params.author,
                    voted_by,
                    tag,
                    q: params.q.filter(|q| !q.trim().is_empty()),
                    limit: params.limit,
                    cursor,
                };
                let page = shared.get_or(key, || SharedPage::encode(store::list_requests(c, &query)?))?;
                let voted = store::viewer_votes(c, viewer.as_deref(), page.views.iter().map(|(id, _)| *id))?;
                Ok((page, voted, access.viewer.is_some()))
            })
            .await?;
        page.answer(|id| {
            signed_in.then(|| RequestViewerState { voted: voted.contains(&id), subscribed: None })
        })
    }

    async fn find_similar(
        &self,
        ctx: &XrpcContext,
        params: api::find_similar::Params,
    ) -> XrpcResult<Answer<api::find_similar::Output>> {
        let caller = ctx.caller().await?;
        let (rows, signed_in) = ctx
            .app()?
            .db
            .read(move |c| {
                let access = Access::resolve(c, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let viewer = access.viewer_did();
                let rows = store::similar_requests(
                    c,
                    access.sphere.id,
                    &params.text,
                    viewer.as_deref(),
                    params.limit,
                )?;
                Ok((rows, access.viewer.is_some()))
            })
            .await?;
        Ok(api::find_similar::Output {
            requests: rows.into_iter().map(|r| request_view(r, signed_in)).collect(),
        }
        .into())
    }

    async fn get_request(
        &self,
        ctx: &XrpcContext,
        params: api::get_request::Params,
    ) -> XrpcResult<Answer<api::get_request::Output>> {
        let caller = ctx.caller().await?;
        let (row, history, signed_in, following) = ctx
            .app()?
            .db
            .read_shared(ctx.fresh(), move |c, shared| {
                let access = Access::resolve_shared(c, shared, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let viewer = access.viewer.as_ref().map(|v| v.did.as_str());
                let row = store::get_request(
                    c,
                    access.sphere.id,
                    params.number,
                    viewer,
                    access.can(Action::Moderate),
                )?
                .ok_or_else(|| request_not_found(params.number))?;
                let history = store::status_history(c, row.id)?;
                let following = match viewer {
                    Some(did) => crate::notify::following(c, row.id, did)?,
                    None => false,
                };
                Ok((row, history, access.viewer.is_some(), following))
            })
            .await?;
        let mut request = request_view(row, signed_in);
        if let Some(viewer) = request.viewer.as_mut() {
            viewer.subscribed = Some(following);
        }
        request.description_html =
            request.description.as_deref().map(|d| markdown::render(d, DESCRIPTION_HEADINGS));
        Ok(api::get_request::Output {
            request,
            status_history: history.into_iter().map(status_view).collect(),
        }
        .into())
    }

    async fn create_request(
        &self,
        ctx: &XrpcContext,
        input: api::create_request::Input,
    ) -> XrpcResult<api::create_request::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Write)?;
        let record = feature_request::Record {
            sphere: access.sphere.uri.clone(),
            title: input.title,
            description: input.description.filter(|d| !d.is_empty()),
            created_at: now(),
            updated_at: None,
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        let written = writer.create(&record).await?;
        let row = request_by_uri(ctx, &access, &written.uri).await?;
        Ok(api::create_request::Output { request: request_view(row, true) })
    }

    async fn update_request(
        &self,
        ctx: &XrpcContext,
        input: api::update_request::Input,
    ) -> XrpcResult<api::update_request::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Write)?;
        let row = request(ctx, &access, input.number).await?;
        access.require_author(&row.author_did, "request")?;
        let record = feature_request::Record {
            sphere: access.sphere.uri.clone(),
            title: input.title.unwrap_or(row.title),
            description: input.description.or(row.description).filter(|d| !d.is_empty()),
            created_at: row.created_at,
            updated_at: Some(now()),
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.put(&rkey_of(&row.uri), &record).await?;
        let row = request(ctx, &access, input.number).await?;
        Ok(api::update_request::Output { request: request_view(row, true) })
    }

    async fn delete_request(&self, ctx: &XrpcContext, input: api::delete_request::Input) -> XrpcResult<()> {
        ctx.require_viewer().await?;
        let access = readable(ctx, &input.sphere).await?;
        let row = request(ctx, &access, input.number).await?;
        access.require_author(&row.author_did, "request")?;
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.delete(feature_request::NSID, &rkey_of(&row.uri)).await
    }

    async fn vote(&self, ctx: &XrpcContext, input: api::vote::Input) -> XrpcResult<api::vote::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Write)?;
        let row = request(ctx, &access, input.number).await?;
        if row.status == DUPLICATE && !row.voted {
            let into = store::RequestRef::parse(row.duplicate_of.as_deref())
                .map_or_else(String::new, |o| format!(": vote for #{}, {}", o.number, o.title));
            return Err(Error::named(
                ErrorKind::Conflict,
                "RequestMerged",
                format!("request #{} is a duplicate{into}", row.number),
            ));
        }
        if !row.voted {
            let record = feature_request_vote::Record {
                sphere: access.sphere.uri.clone(),
                subject: StrongRef { uri: row.uri.clone(), cid: row.cid.clone() },
                created_at: now(),
            };
            let writer = RecordWriter::for_content(ctx, &access).await?;
            writer.create(&record).await?;
        }
        Ok(api::vote::Output { vote_count: vote_count(ctx, "request", row.id).await?, voted: true })
    }

    async fn unvote(&self, ctx: &XrpcContext, input: api::unvote::Input) -> XrpcResult<api::unvote::Output> {
        ctx.require_viewer().await?;
        let access = readable(ctx, &input.sphere).await?;
        let viewer = access.viewer()?.clone();
        let row = request(ctx, &access, input.number).await?;
        let (id, did) = (row.id, viewer.did.clone());
        if let Some(uri) = ctx.app()?.db.read(move |c| store::vote_of(c, id, &did)).await? {
            let writer = RecordWriter::for_content(ctx, &access).await?;
            writer.delete(feature_request_vote::NSID, &rkey_of(&uri)).await?;
        }
        Ok(api::unvote::Output { vote_count: vote_count(ctx, "request", row.id).await?, voted: false })
    }

    async fn list_comments(
        &self,
        ctx: &XrpcContext,
        params: api::list_comments::Params,
    ) -> XrpcResult<Answer<api::list_comments::Output>> {
        let access = readable(ctx, &params.sphere).await?;
        let row = request(ctx, &access, params.number).await?;
        let after = match params.cursor.as_deref() {
            Some(c) => {
                let (created, id) = c
                    .rsplit_once('~')
                    .ok_or_else(|| Error::invalid_request("cursor: not a cursor of this list"))?;
                Some((
                    created.to_owned(),
                    id.parse().map_err(|_| Error::invalid_request("cursor: not a cursor of this list"))?,
                ))
            }
            None => None,
        };
        let (id, viewer, moderator, limit) = (
            row.id,
            access.viewer.as_ref().map(|v| v.did.clone()),
            access.can(Action::Moderate),
            params.limit,
        );
        let rows = ctx
            .app()?
            .db
            .read(move |c| store::list_comments(c, id, viewer.as_deref(), moderator, after, limit + 1))
            .await?;
        let (rows, cursor) =
            exosphere_core::xrpc::page(rows, limit, |r| format!("{}~{}", r.created_at, r.id));
        let signed_in = access.viewer.is_some();
        Ok(api::list_comments::Output {
            comments: rows.into_iter().map(|r| comment_view(r, signed_in)).collect(),
            cursor,
        }
        .into())
    }

    async fn create_comment(
        &self,
        ctx: &XrpcContext,
        input: api::create_comment::Input,
    ) -> XrpcResult<api::create_comment::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Write)?;
        let row = request(ctx, &access, input.number).await?;
        let parent = match &input.parent {
            Some(uri) => {
                let parent = comment(ctx, &access, uri).await?;
                if parent.request_id != row.id {
                    return Err(Error::invalid_request("parent: must be a comment on the same request"));
                }
                Some(StrongRef { uri: parent.uri, cid: parent.cid })
            }
            None => None,
        };
        let record = feature_request_comment::Record {
            sphere: access.sphere.uri.clone(),
            subject: StrongRef { uri: row.uri, cid: row.cid },
            parent,
            text: input.text,
            created_at: now(),
            updated_at: None,
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        let written = writer.create(&record).await?;
        Ok(api::create_comment::Output {
            comment: comment_view(comment(ctx, &access, &written.uri).await?, true),
        })
    }

    async fn update_comment(
        &self,
        ctx: &XrpcContext,
        input: api::update_comment::Input,
    ) -> XrpcResult<api::update_comment::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Write)?;
        let existing = comment(ctx, &access, &input.comment).await?;
        access.require_author(&existing.author_did, "comment")?;
        let (request_uri, request_cid) = {
            #[derive(QueryableByName)]
            struct R {
                #[diesel(sql_type = Text)]
                uri: String,
                #[diesel(sql_type = Text)]
                cid: String,
            }
            let id = existing.request_id;
            let r = ctx
                .app()?
                .db
                .read(move |c| {
                    Ok(sql("SELECT uri, cid FROM fr_requests WHERE id = ?")
                        .bind::<diesel::sql_types::BigInt, _>(id)
                        .get_result::<R>(c)?)
                })
                .await?;
            (r.uri, r.cid)
        };
        let parent = match &existing.parent_uri {
            Some(uri) => Some(StrongRef { uri: uri.clone(), cid: comment(ctx, &access, uri).await?.cid }),
            None => None,
        };
        let record = feature_request_comment::Record {
            sphere: access.sphere.uri.clone(),
            subject: StrongRef { uri: request_uri, cid: request_cid },
            parent,
            text: input.text,
            created_at: existing.created_at.clone(),
            updated_at: Some(now()),
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.put(&rkey_of(&existing.uri), &record).await?;
        Ok(api::update_comment::Output {
            comment: comment_view(comment(ctx, &access, &existing.uri).await?, true),
        })
    }

    async fn delete_comment(&self, ctx: &XrpcContext, input: api::delete_comment::Input) -> XrpcResult<()> {
        ctx.require_viewer().await?;
        let access = readable(ctx, &input.sphere).await?;
        let existing = comment(ctx, &access, &input.comment).await?;
        access.require_author(&existing.author_did, "comment")?;
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.delete(feature_request_comment::NSID, &rkey_of(&existing.uri)).await
    }

    async fn vote_comment(
        &self,
        ctx: &XrpcContext,
        input: api::vote_comment::Input,
    ) -> XrpcResult<api::vote_comment::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Write)?;
        let existing = comment(ctx, &access, &input.comment).await?;
        if !existing.voted {
            let record = feature_request_comment_vote::Record {
                sphere: access.sphere.uri.clone(),
                subject: StrongRef { uri: existing.uri.clone(), cid: existing.cid.clone() },
                created_at: now(),
            };
            let writer = RecordWriter::for_content(ctx, &access).await?;
            writer.create(&record).await?;
        }
        Ok(api::vote_comment::Output {
            vote_count: vote_count(ctx, "comment", existing.id).await?,
            voted: true,
        })
    }

    async fn unvote_comment(
        &self,
        ctx: &XrpcContext,
        input: api::unvote_comment::Input,
    ) -> XrpcResult<api::unvote_comment::Output> {
        ctx.require_viewer().await?;
        let access = readable(ctx, &input.sphere).await?;
        let viewer = access.viewer()?.clone();
        let existing = comment(ctx, &access, &input.comment).await?;
        let (id, did) = (existing.id, viewer.did.clone());
        if let Some(uri) = ctx.app()?.db.read(move |c| store::comment_vote_of(c, id, &did)).await? {
            let writer = RecordWriter::for_content(ctx, &access).await?;
            writer.delete(feature_request_comment_vote::NSID, &rkey_of(&uri)).await?;
        }
        Ok(api::unvote_comment::Output {
            vote_count: vote_count(ctx, "comment", existing.id).await?,
            voted: false,
        })
    }

    async fn set_status(
        &self,
        ctx: &XrpcContext,
        input: api::set_status::Input,
    ) -> XrpcResult<api::set_status::Output> {
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Moderate)?;
        let row = request(ctx, &access, input.number).await?;
        let duplicate_of = original(ctx, &access, &row, &input.status, input.duplicate_of).await?;
        let record = feature_request_status::Record {
            sphere: access.sphere.uri.clone(),
            subject: StrongRef { uri: row.uri, cid: row.cid },
            duplicate_of,
            status: input.status,
            note: input.note.filter(|n| !n.is_empty()),
            created_at: now(),
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        let written = writer.create(&record).await?;
        let id = row.id;
        let history = ctx.app()?.db.read(move |c| store::status_history(c, id)).await?;
        let status = history
            .into_iter()
            .find(|s| s.uri == written.uri)
            .ok_or_else(|| Error::internal(anyhow::anyhow!("a status just written is not indexed")))?;
        Ok(api::set_status::Output { status: status_view(status) })
    }

    async fn list_tags(
        &self,
        ctx: &XrpcContext,
        params: api::list_tags::Params,
    ) -> XrpcResult<Answer<api::list_tags::Output>> {
        crate::tags::list(ctx, params).await.map(Answer::from)
    }

    async fn create_tag(
        &self,
        ctx: &XrpcContext,
        input: api::create_tag::Input,
    ) -> XrpcResult<api::create_tag::Output> {
        crate::tags::create(ctx, input).await
    }

    async fn delete_tag(
        &self,
        ctx: &XrpcContext,
        input: api::delete_tag::Input,
    ) -> XrpcResult<api::delete_tag::Output> {
        crate::tags::delete(ctx, input).await
    }

    async fn tag_request(
        &self,
        ctx: &XrpcContext,
        input: api::tag_request::Input,
    ) -> XrpcResult<api::tag_request::Output> {
        let tags = crate::tags::set(ctx, &input.sphere, input.number, &input.tag, true).await?;
        Ok(api::tag_request::Output { tags })
    }

    async fn untag_request(
        &self,
        ctx: &XrpcContext,
        input: api::untag_request::Input,
    ) -> XrpcResult<api::untag_request::Output> {
        let tags = crate::tags::set(ctx, &input.sphere, input.number, &input.tag, false).await?;
        Ok(api::untag_request::Output { tags })
    }

    async fn subscribe(
        &self,
        ctx: &XrpcContext,
        input: api::subscribe::Input,
    ) -> XrpcResult<api::subscribe::Output> {
        let subscribed = crate::notify::set_following(ctx, &input.sphere, input.number, true).await?;
        Ok(api::subscribe::Output { subscribed })
    }

    async fn unsubscribe(
        &self,
        ctx: &XrpcContext,
        input: api::unsubscribe::Input,
    ) -> XrpcResult<api::unsubscribe::Output> {
        let subscribed = crate::notify::set_following(ctx, &input.sphere, input.number, false).await?;
        Ok(api::unsubscribe::Output { subscribed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exosphere_core::lexicon::generated::site::exosphere::defs::ActorView;

    fn row(id: i64, voted: bool, hidden: bool) -> RequestRow {
        RequestRow {
            id,
            uri: format!("at://did:plc:a/site.exosphere.featureRequest/r{id}"),
            cid: format!("bafy{id}"),
            number: id,
            sphere_uri: "at://did:plc:o/site.exosphere.sphere/s".into(),
            author_did: "did:plc:a".into(),
            author: ActorView {
                did: "did:plc:a".into(),
                handle: Some("a.test".into()),
                display_name: Some("A \"quoted\" name ✓".into()),
                avatar: None,
            },
            title: format!("Request {id}\nwith a line break"),
            description: (id % 2 == 0).then(|| "Some **Markdown** \u{2028}".to_owned()),
            status: "open".into(),
            vote_count: id * 3,
            comment_count: id,
            created_at: "2026-11-01T00:00:00.000Z".into(),
            updated_at: None,
            hidden,
            voted,
            duplicate_of: None,
            tags: r##"[{"uri":"at://did:plc:o/site.exosphere.featureRequestTag/t","name":"ui","color":"#336699"}]"##.into(),
            clock: 0,
            score: 0.0,
        }
    }

    /// The shared page's written answer is what the typed output encodes to,
    /// signed in (each view with the viewer's vote) or not, with or without a cursor.
    #[test]
    fn a_shared_page_answers_what_the_typed_output_encodes() -> anyhow::Result<()> {
        let rows = vec![row(1, true, false), row(2, false, true), row(3, true, false)];
        for signed_in in [false, true] {
            for cursor in [None, Some("top::7::3".to_owned())] {
                let page = SharedPage::encode((rows.clone(), cursor.clone()))?;
                let voted = |id: i64| rows.iter().any(|r| r.id == id && r.voted);
                let written = page
                    .answer(|id| {
                        signed_in.then(|| RequestViewerState { voted: voted(id), subscribed: None })
                    })?
                    .into_json()?;
                let typed = Answer::from(api::list_requests::Output {
                    requests: rows.iter().map(|r| request_view(r.clone(), signed_in)).collect(),
                    cursor,
                })
                .into_json()?;
                assert_eq!(written, typed, "signed in: {signed_in}");
            }
        }
        Ok(())
    }
}
