//! The `site.exosphere.discussion.*` XRPC methods.

use diesel::sqlite::SqliteConnection;
use exosphere_core::ids::rkey_of;
use exosphere_core::lexicon::com::atproto::repo::strong_ref::StrongRef;
use exosphere_core::markdown;
use exosphere_core::sphere::{Access, Action};
use exosphere_core::write::{RecordWriter, now};
use exosphere_core::xrpc::{Answer, Error, ErrorKind, XrpcContext, XrpcResult};

use crate::cursor::{Cursor, Sort};
use crate::generated::site::exosphere::discussion::defs::{
    ReactionCount, ReplyView, ThreadView, ViewerState,
};
use crate::generated::site::exosphere::discussion::{self as api, Handlers};
use crate::generated::site::exosphere::{discussion, discussion_reaction, discussion_reply};
use crate::index::EMOJI;
use crate::store::{self, ListQuery, Mine, ReplyRow, ThreadRow};

pub struct Api;

fn thread_not_found(number: i64) -> Error {
    Error::named(ErrorKind::NotFound, "ThreadNotFound", format!("no thread #{number} in this Sphere"))
}

fn reply_not_found() -> Error {
    Error::named(ErrorKind::NotFound, "ReplyNotFound", "no such reply in this Sphere")
}

fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The level of a `#` heading in a thread's body (under the page's h1) and in a reply.
const THREAD_HEADINGS: u8 = 2;
const REPLY_HEADINGS: u8 = 3;

/// The viewer's state on a subject (`None` for anonymous readers); their emoji are taken from `mine`.
fn seen(signed_in: bool, uri: &str, mine: &mut Mine) -> Option<ViewerState> {
    signed_in.then(|| ViewerState { reactions: mine.remove(uri).unwrap_or_default() })
}

/// A thread as the API shows it; `mine` holds the viewer's emoji (taken from it).
fn thread_view(row: ThreadRow, access: &Access, mine: &mut Mine) -> ThreadView {
    let viewer = seen(access.viewer.is_some(), &row.uri, mine);
    ThreadView {
        uri: row.uri,
        cid: Some(row.cid),
        number: row.number,
        sphere: access.sphere.uri.clone(),
        title: row.title,
        body_html: row.body.as_deref().map(|b| markdown::render(b, THREAD_HEADINGS)),
        body: row.body,
        tags: json_list(&row.tags),
        author: row.author,
        reply_count: row.reply_count,
        reactions: json_list::<ReactionCount>(&row.reactions),
        last_reply_at: (row.reply_count > 0).then_some(row.active_at),
        created_at: row.created_at,
        updated_at: row.updated_at,
        pinned: row.pinned.then_some(true),
        locked: row.locked.then_some(true),
        hidden: row.hidden.then_some(true),
        viewer,
    }
}

/// A reply as the API shows it; `mine` holds the viewer's emoji (taken from it).
fn reply_view(row: ReplyRow, signed_in: bool, mine: &mut Mine) -> ReplyView {
    let viewer = seen(signed_in, &row.uri, mine);
    ReplyView {
        uri: row.uri,
        cid: Some(row.cid),
        parent: row.parent_uri,
        depth: row.depth,
        text_html: markdown::render(&row.text, REPLY_HEADINGS),
        text: row.text,
        author: row.author,
        reactions: json_list(&row.reactions),
        created_at: row.created_at,
        updated_at: row.updated_at,
        hidden: row.hidden.then_some(true),
        viewer,
    }
}

/// A thread of this Sphere that the viewer may see.
fn find_thread(c: &mut SqliteConnection, access: &Access, number: i64) -> XrpcResult<ThreadRow> {
    store::get_thread(c, access.sphere.id, number, access.can(Action::Moderate))?
        .ok_or_else(|| thread_not_found(number))
}

/// A thread of this Sphere that the viewer may see, with the viewer's emoji on it.
fn find_thread_seen(c: &mut SqliteConnection, access: &Access, number: i64) -> XrpcResult<(ThreadRow, Mine)> {
    let row = find_thread(c, access, number)?;
    let mine = store::viewer_reactions(c, access.viewer_did().as_deref(), [row.uri.as_str()])?;
    Ok((row, mine))
}

/// A thread of this Sphere that the viewer may see (for a write's checks).
async fn thread(ctx: &XrpcContext, access: &Access, number: i64) -> XrpcResult<ThreadRow> {
    let access = access.clone();
    ctx.app()?.db.read(move |c| find_thread(c, &access, number)).await
}

/// A thread as the API shows it to the viewer (a write's answer).
async fn shown_thread(ctx: &XrpcContext, access: &Access, number: i64) -> XrpcResult<ThreadView> {
    let shown = access.clone();
    let (row, mut mine) = ctx.app()?.db.read(move |c| find_thread_seen(c, &shown, number)).await?;
    Ok(thread_view(row, access, &mut mine))
}

/// A reply of this Sphere that the viewer may see.
fn find_reply(c: &mut SqliteConnection, access: &Access, uri: &str) -> XrpcResult<ReplyRow> {
    match store::reply(c, uri, access.sphere.id)? {
        Some(row) if !row.hidden || access.can(Action::Moderate) => Ok(row),
        _ => Err(reply_not_found()),
    }
}

/// A reply of this Sphere that the viewer may see (for a write's checks).
async fn reply(ctx: &XrpcContext, access: &Access, uri: &str) -> XrpcResult<ReplyRow> {
    let (access, uri) = (access.clone(), uri.to_owned());
    ctx.app()?.db.read(move |c| find_reply(c, &access, &uri)).await
}

/// A reply as the API shows it to the viewer (a write's answer).
async fn shown_reply(ctx: &XrpcContext, access: &Access, uri: &str) -> XrpcResult<ReplyView> {
    let (shown, uri) = (access.clone(), uri.to_owned());
    let (row, mut mine) = ctx
        .app()?
        .db
        .read(move |c| {
            let row = find_reply(c, &shown, &uri)?;
            let mine = store::viewer_reactions(c, shown.viewer_did().as_deref(), [row.uri.as_str()])?;
            Ok((row, mine))
        })
        .await?;
    Ok(reply_view(row, access.viewer().is_ok(), &mut mine))
}

async fn writable(ctx: &XrpcContext, sphere: &str) -> XrpcResult<Access> {
    let access = Access::load(ctx, sphere).await?;
    access.require(Action::Write)?;
    Ok(access)
}

fn tags(input: Option<Vec<String>>) -> Option<Vec<String>> {
    input
        .map(|t| t.into_iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect())
        .filter(|t: &Vec<String>| !t.is_empty())
}

async fn reactions_output(ctx: &XrpcContext, subject: &str, viewer: &str) -> XrpcResult<api::react::Output> {
    let (subject, viewer) = (subject.to_owned(), viewer.to_owned());
    let (reactions, mine) = ctx.app()?.db.read(move |c| store::reactions(c, &subject, &viewer)).await?;
    Ok(api::react::Output {
        reactions: json_list(&reactions),
        viewer: ViewerState { reactions: json_list(&mine) },
    })
}

/// The reaction asked for: one of the eight, on a thread or reply of this Sphere.
async fn reaction_subject(
    ctx: &XrpcContext,
    access: &Access,
    subject: &str,
    emoji: &str,
) -> XrpcResult<String> {
    if !EMOJI.contains(&emoji) {
        return Err(Error::named(
            ErrorKind::InvalidRequest,
            "UnknownReaction",
            format!("emoji: must be one of {}", EMOJI.join(", ")),
        ));
    }
    let (uri, sphere_id) = (subject.to_owned(), access.sphere.id);
    ctx.app()?.db.read(move |c| store::subject_cid(c, &uri, sphere_id)).await?.ok_or_else(|| {
        Error::named(ErrorKind::NotFound, "ThreadNotFound", "no such thread or reply in this Sphere")
    })
}

impl Handlers for Api {
    async fn list_threads(
        &self,
        ctx: &XrpcContext,
        params: api::list_threads::Params,
    ) -> XrpcResult<Answer<api::list_threads::Output>> {
        let sort = Sort::parse(&params.sort)?;
        let cursor = params.cursor.as_deref().map(|c| Cursor::decode(c, sort)).transpose()?;
        let caller = ctx.caller().await?;
        // The page is the same for every reader who may read the Sphere and
        // doesn't moderate it (moderators see hidden threads): it is shared
        // until the next write, and the viewer's own emoji are laid over it.
        let (page, mut mine, access) = ctx
            .app()?
            .db
            .read_shared(ctx.fresh(), move |c, shared| {
                let access = Access::resolve_shared(c, shared, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let moderator = access.can(Action::Moderate);
                let key = format!(
                    "listThreads {} {moderator} {sort:?} {:?} {:?} {:?} {} {:?}",
                    access.sphere.id, params.tag, params.author, params.q, params.limit, params.cursor
                );
                let query = ListQuery {
                    sphere_id: access.sphere.id,
                    moderator,
                    sort,
                    tag: params.tag.filter(|t| !t.trim().is_empty()),
                    author: params.author,
                    q: params.q.filter(|q| !q.trim().is_empty()),
                    limit: params.limit,
                    cursor,
                };
                let page = shared.get_or(key, || store::list_threads(c, &query))?;
                let mine = store::viewer_reactions(
                    c,
                    access.viewer_did().as_deref(),
                    page.0.iter().map(|r| r.uri.as_str()),
                )?;
                Ok((page, mine, access))
            })
            .await?;
        let (rows, cursor) = &*page;
        Ok(api::list_threads::Output {
            threads: rows.iter().map(|r| thread_view(r.clone(), &access, &mut mine)).collect(),
            cursor: cursor.clone(),
        }
        .into())
    }

    async fn get_thread(
        &self,
        ctx: &XrpcContext,
        params: api::get_thread::Params,
    ) -> XrpcResult<Answer<api::get_thread::Output>> {
        let caller = ctx.caller().await?;
        let (row, mut mine, access) = ctx
            .app()?
            .db
            .read(move |c| {
                let access = Access::resolve(c, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let (row, mine) = find_thread_seen(c, &access, params.number)?;
                Ok((row, mine, access))
            })
            .await?;
        Ok(api::get_thread::Output { thread: thread_view(row, &access, &mut mine) }.into())
    }

    async fn list_replies(
        &self,
        ctx: &XrpcContext,
        params: api::list_replies::Params,
    ) -> XrpcResult<Answer<api::list_replies::Output>> {
        let caller = ctx.caller().await?;
        let limit = params.limit;
        // A page of replies, rendered, is the same for every reader who may
        // read the thread and doesn't moderate the Sphere: shared until the
        // next write, with the viewer's own emoji laid over it.
        let (page, mut mine, signed_in) = ctx
            .app()?
            .db
            .read_shared(ctx.fresh(), move |c, shared| {
                let access = Access::resolve_shared(c, shared, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let thread = find_thread(c, &access, params.number)?;
                let moderator = access.can(Action::Moderate);
                let key = format!("listReplies {} {moderator} {limit} {:?}", thread.id, params.cursor);
                let page = shared.get_or(key, || {
                    let rows = store::list_replies(c, thread.id, moderator, params.cursor, limit + 1)?;
                    let (rows, cursor) = exosphere_core::xrpc::page(rows, limit, |r| r.path.clone());
                    let views: Vec<ReplyView> =
                        rows.into_iter().map(|r| reply_view(r, false, &mut Mine::new())).collect();
                    Ok((views, cursor))
                })?;
                let shown = page.0.iter().map(|r| r.uri.as_str());
                let mine = store::viewer_reactions(c, access.viewer_did().as_deref(), shown)?;
                Ok((page, mine, access.viewer.is_some()))
            })
            .await?;
        let (replies, cursor) = &*page;
        let shown =
            |reply: &ReplyView| ReplyView { viewer: seen(signed_in, &reply.uri, &mut mine), ..reply.clone() };
        Ok(api::list_replies::Output { replies: replies.iter().map(shown).collect(), cursor: cursor.clone() }
            .into())
    }

    async fn create_thread(
        &self,
        ctx: &XrpcContext,
        input: api::create_thread::Input,
    ) -> XrpcResult<api::create_thread::Output> {
        let access = writable(ctx, &input.sphere).await?;
        let record = discussion::Record {
            sphere: access.sphere.uri.clone(),
            title: input.title,
            body: input.body.filter(|b| !b.is_empty()),
            tags: tags(input.tags),
            created_at: now(),
            updated_at: None,
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        let written = writer.create(&record).await?;
        let (uri, sphere_id) = (written.uri.clone(), access.sphere.id);
        let number = ctx.app()?.db.read(move |c| store::thread_number(c, &uri, sphere_id)).await?;
        Ok(api::create_thread::Output { thread: shown_thread(ctx, &access, number).await? })
    }

    async fn update_thread(
        &self,
        ctx: &XrpcContext,
        input: api::update_thread::Input,
    ) -> XrpcResult<api::update_thread::Output> {
        let access = writable(ctx, &input.sphere).await?;
        let row = thread(ctx, &access, input.number).await?;
        access.require_author(&row.author_did, "thread")?;
        let record = discussion::Record {
            sphere: access.sphere.uri.clone(),
            title: input.title.unwrap_or(row.title),
            body: input.body.or(row.body).filter(|b| !b.is_empty()),
            tags: match input.tags {
                Some(new) => tags(Some(new)),
                None => Some(json_list::<String>(&row.tags)).filter(|t| !t.is_empty()),
            },
            created_at: row.created_at,
            updated_at: Some(now()),
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.put(&rkey_of(&row.uri), &record).await?;
        Ok(api::update_thread::Output { thread: shown_thread(ctx, &access, input.number).await? })
    }

    async fn delete_thread(&self, ctx: &XrpcContext, input: api::delete_thread::Input) -> XrpcResult<()> {
        ctx.require_viewer().await?;
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Read)?;
        let row = thread(ctx, &access, input.number).await?;
        access.require_author(&row.author_did, "thread")?;
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.delete(discussion::NSID, &rkey_of(&row.uri)).await
    }

    async fn create_reply(
        &self,
        ctx: &XrpcContext,
        input: api::create_reply::Input,
    ) -> XrpcResult<api::create_reply::Output> {
        let access = writable(ctx, &input.sphere).await?;
        let row = thread(ctx, &access, input.number).await?;
        if row.locked && !access.can(Action::Moderate) {
            return Err(Error::named(
                ErrorKind::Conflict,
                "ThreadLocked",
                format!("thread #{} is locked: it takes no new replies", row.number),
            ));
        }
        let parent = match &input.parent {
            Some(uri) => {
                let parent = reply(ctx, &access, uri).await?;
                if parent.thread_id != row.id {
                    return Err(Error::invalid_request("parent: must be a reply in the same thread"));
                }
                Some(StrongRef { uri: parent.uri, cid: parent.cid })
            }
            None => None,
        };
        let record = discussion_reply::Record {
            sphere: access.sphere.uri.clone(),
            root: StrongRef { uri: row.uri, cid: row.cid },
            parent,
            text: input.text,
            created_at: now(),
            updated_at: None,
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        let written = writer.create(&record).await?;
        Ok(api::create_reply::Output { reply: shown_reply(ctx, &access, &written.uri).await? })
    }

    async fn update_reply(
        &self,
        ctx: &XrpcContext,
        input: api::update_reply::Input,
    ) -> XrpcResult<api::update_reply::Output> {
        let access = writable(ctx, &input.sphere).await?;
        let existing = reply(ctx, &access, &input.reply).await?;
        access.require_author(&existing.author_did, "reply")?;
        let (thread_id, parent_uri) = (existing.thread_id, existing.parent_uri.clone());
        let (root, parent) =
            ctx.app()?.db.read(move |c| store::reply_refs(c, thread_id, parent_uri.as_deref())).await?;
        let record = discussion_reply::Record {
            sphere: access.sphere.uri.clone(),
            root,
            parent,
            text: input.text,
            created_at: existing.created_at.clone(),
            updated_at: Some(now()),
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.put(&rkey_of(&existing.uri), &record).await?;
        Ok(api::update_reply::Output { reply: shown_reply(ctx, &access, &existing.uri).await? })
    }

    async fn delete_reply(&self, ctx: &XrpcContext, input: api::delete_reply::Input) -> XrpcResult<()> {
        ctx.require_viewer().await?;
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Read)?;
        let existing = reply(ctx, &access, &input.reply).await?;
        access.require_author(&existing.author_did, "reply")?;
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.delete(discussion_reply::NSID, &rkey_of(&existing.uri)).await
    }

    async fn react(&self, ctx: &XrpcContext, input: api::react::Input) -> XrpcResult<api::react::Output> {
        let access = writable(ctx, &input.sphere).await?;
        let cid = reaction_subject(ctx, &access, &input.subject, &input.emoji).await?;
        let viewer = access.viewer()?.clone();
        let (subject, did, emoji) = (input.subject.clone(), viewer.did.clone(), input.emoji.clone());
        let existing = ctx.app()?.db.read(move |c| store::reaction_of(c, &subject, &did, &emoji)).await?;
        if existing.is_none() {
            let record = discussion_reaction::Record {
                sphere: access.sphere.uri.clone(),
                subject: StrongRef { uri: input.subject.clone(), cid },
                emoji: input.emoji.clone(),
                created_at: now(),
            };
            let writer = RecordWriter::for_content(ctx, &access).await?;
            writer.create(&record).await?;
        }
        reactions_output(ctx, &input.subject, &viewer.did).await
    }

    async fn unreact(
        &self,
        ctx: &XrpcContext,
        input: api::unreact::Input,
    ) -> XrpcResult<api::unreact::Output> {
        ctx.require_viewer().await?;
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Read)?;
        reaction_subject(ctx, &access, &input.subject, &input.emoji).await?;
        let viewer = access.viewer()?.clone();
        let (subject, did, emoji) = (input.subject.clone(), viewer.did.clone(), input.emoji.clone());
        if let Some(uri) = ctx.app()?.db.read(move |c| store::reaction_of(c, &subject, &did, &emoji)).await? {
            let writer = RecordWriter::for_content(ctx, &access).await?;
            writer.delete(discussion_reaction::NSID, &rkey_of(&uri)).await?;
        }
        let out = reactions_output(ctx, &input.subject, &viewer.did).await?;
        Ok(api::unreact::Output { reactions: out.reactions, viewer: out.viewer })
    }
}
