//! The `site.exosphere.poll.*` XRPC methods.
//!
//! Results are shown by the poll's `results` mode to everyone but its
//! author and the Sphere's moderators (see [`rules::results_visible`]): a
//! view leaves its `tally` out when the caller may not see it, and
//! `listVoters` refuses. Server rendering reads these same views.

use diesel::sqlite::SqliteConnection;
use exosphere_core::ids::rkey_of;
use exosphere_core::lexicon::com::atproto::repo::strong_ref::StrongRef;
use exosphere_core::markdown;
use exosphere_core::sphere::{Access, Action};
use exosphere_core::write::{RecordWriter, now};
use exosphere_core::xrpc::{Answer, Error, ErrorKind, XrpcContext, XrpcResult};

use crate::generated::site::exosphere::poll::defs::{PollView, Tally, ViewerState, VoterView};
use crate::generated::site::exosphere::poll::{self as api, Handlers};
use crate::generated::site::exosphere::{poll, poll_vote};
use crate::rules::{self, Form, Viewer};
use crate::store::{self, Cursor, ListQuery, Mine, PollRow, Sort, State};

pub struct Api;

/// Headings in a poll's description start at h2 (the question is the page's h1).
const DESCRIPTION_HEADINGS: u8 = 2;

fn poll_not_found(number: i64) -> Error {
    Error::named(ErrorKind::NotFound, "PollNotFound", format!("no poll #{number} in this Sphere"))
}

fn invalid_poll(why: impl Into<String>) -> Error {
    Error::named(ErrorKind::InvalidRequest, "InvalidPoll", why)
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}

/// A poll's view as everyone with the same access sees it, results
/// included and no viewer state: what `getPoll` shares between readers
/// until the next write ([`exosphere_core::Db::read_shared`]).
struct Seen {
    /// The view without its results (`tally` is `None`)...
    view: PollView,
    /// ...which are here, for those who may see them.
    tally: Option<Tally>,
    author_did: String,
    closes_us: Option<i64>,
}

/// A row as [`Seen`]; `full` adds the description (getPoll's, not lists').
fn seen(row: PollRow, access: &Access, full: bool) -> Seen {
    let view = PollView {
        uri: row.uri,
        cid: Some(row.cid),
        number: row.number,
        sphere: access.sphere.uri.clone(),
        question: row.question,
        description_html: full
            .then(|| row.description.as_deref().map(|d| markdown::render(d, DESCRIPTION_HEADINGS)))
            .flatten(),
        description: row.description.filter(|_| full),
        options: json_list(&row.options),
        kind: row.kind,
        max_choices: row.max_choices,
        closes_at: row.closes_at,
        closed: false,
        results: row.results,
        tally: None,
        author: row.author,
        created_at: row.created_at,
        updated_at: row.updated_at,
        hidden: row.hidden.then_some(true),
        viewer: None,
    };
    let tally = serde_json::from_str::<Tally>(&row.tally).ok();
    Seen { view, tally, author_did: row.author_did, closes_us: row.closes_us }
}

/// The poll as the caller may see it now: results only when its mode
/// allows, and their own ballot. `tally` gives the results when they are
/// shown (the shared ones are cloned only then).
fn shown_to(
    mut view: PollView,
    (author_did, closes_us): (&str, Option<i64>),
    tally: impl FnOnce() -> Option<Tally>,
    access: &Access,
    mine: Option<Mine>,
) -> PollView {
    view.closed = rules::closed(closes_us, now_us());
    let privileged = access.viewer_did().is_some_and(|did| did == author_did) || access.can(Action::Moderate);
    let viewer = Viewer { privileged, voted: mine.is_some() };
    if rules::results_visible(&view.results, view.closed, viewer) {
        view.tally = tally();
    }
    view.viewer = access.viewer.as_ref().map(|_| ViewerState {
        choices: mine.as_ref().map(|m| json_list(&m.choices)),
        voted_at: mine.map(|m| m.voted_at),
    });
    view
}

/// A poll row as the caller may see it.
fn poll_view(row: PollRow, access: &Access, mine: Option<Mine>, full: bool) -> PollView {
    let Seen { view, tally, author_did, closes_us } = seen(row, access, full);
    shown_to(view, (&author_did, closes_us), || tally, access, mine)
}

/// A poll of this Sphere that the caller may see, with their counted ballot.
fn find_poll(c: &mut SqliteConnection, access: &Access, number: i64) -> XrpcResult<(PollRow, Option<Mine>)> {
    let row = store::get_poll(c, access.sphere.id, number, access.can(Action::Moderate))?
        .ok_or_else(|| poll_not_found(number))?;
    let mine = store::mine_in(c, access.viewer_did().as_deref(), row.id)?;
    Ok((row, mine))
}

async fn load_poll(ctx: &XrpcContext, access: &Access, number: i64) -> XrpcResult<(PollRow, Option<Mine>)> {
    let access = access.clone();
    ctx.app()?.db.read(move |c| find_poll(c, &access, number)).await
}

/// The poll as the caller sees it now (a write's answer).
async fn shown(ctx: &XrpcContext, access: &Access, number: i64) -> XrpcResult<api::get_poll::Output> {
    let (row, mine) = load_poll(ctx, access, number).await?;
    Ok(api::get_poll::Output { poll: poll_view(row, access, mine, true) })
}

async fn writable(ctx: &XrpcContext, sphere: &str) -> XrpcResult<Access> {
    let access = Access::load(ctx, sphere).await?;
    access.require(Action::Write)?;
    Ok(access)
}

/// A closing time as the caller gave it, checked: a datetime, not in the past.
fn closes_at(value: Option<String>) -> XrpcResult<Option<String>> {
    let Some(value) = value else { return Ok(None) };
    match rules::micros(&value) {
        None => Err(invalid_poll("closesAt: not a datetime")),
        Some(at) if at < now_us() => {
            Err(invalid_poll("closesAt: already past (to close a poll now, use close)"))
        }
        Some(_) => Ok(Some(value)),
    }
}

/// Checks what only makes sense together: `maxChoices` for multiple-choice polls, at most the options.
fn check_poll(record: &poll::Record) -> XrpcResult<()> {
    if let Some(max) = record.max_choices {
        if record.kind != "multiple" {
            return Err(invalid_poll("maxChoices: only multiple-choice polls take it"));
        }
        if max > record.options.len() as i64 {
            return Err(invalid_poll(format!("maxChoices: the poll has {} options", record.options.len())));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = record.options.iter().map(|o| o.trim()).find(|o| !seen.insert(*o)) {
        return Err(invalid_poll(format!("options: {twice:?} is there twice")));
    }
    Ok(())
}

fn closed_error(number: i64) -> Error {
    Error::named(
        ErrorKind::Conflict,
        "PollClosed",
        format!("poll #{number} has closed: it takes no more ballots"),
    )
}

impl Handlers for Api {
    async fn get_poll(
        &self,
        ctx: &XrpcContext,
        params: api::get_poll::Params,
    ) -> XrpcResult<Answer<api::get_poll::Output>> {
        let caller = ctx.caller().await?;
        let number = params.number;
        // The poll as every reader with the same access sees it is shared
        // until the next write; the caller's ballot, whether they may see the
        // results and whether it has closed are theirs and now's.
        let (shared, mine, access) = ctx
            .app()?
            .db
            .read_shared(ctx.fresh(), move |c, shared| {
                let access = Access::resolve_shared(c, shared, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let moderator = access.can(Action::Moderate);
                let key = format!("getPoll {} {number} {moderator}", access.sphere.id);
                let poll = shared.get_or(key, || {
                    Ok(store::get_poll(c, access.sphere.id, number, moderator)?
                        .map(|row| (row.id, seen(row, &access, true))))
                })?;
                let Some((id, _)) = poll.as_ref() else { return Err(poll_not_found(number)) };
                let mine = store::mine_in(c, access.viewer_did().as_deref(), *id)?;
                Ok((poll, mine, access))
            })
            .await?;
        let Some((_, seen)) = shared.as_ref() else { return Err(poll_not_found(number)) };
        let meta = (seen.author_did.as_str(), seen.closes_us);
        let poll = shown_to(seen.view.clone(), meta, || seen.tally.clone(), &access, mine);
        Ok(api::get_poll::Output { poll }.into())
    }

    async fn list_polls(
        &self,
        ctx: &XrpcContext,
        params: api::list_polls::Params,
    ) -> XrpcResult<Answer<api::list_polls::Output>> {
        let sort = Sort::parse(&params.sort).ok_or_else(|| {
            Error::invalid_request(format!("sort: {:?} is not one of new, closing, votes", params.sort))
        })?;
        let state = match params.state.as_str() {
            "all" => State::All,
            "open" => State::Open,
            "closed" => State::Closed,
            other => {
                return Err(Error::invalid_request(format!(
                    "state: {other:?} is not one of all, open, closed"
                )));
            }
        };
        let cursor = match params.cursor.as_deref() {
            Some(text) => Some(Cursor::decode(text, sort).ok_or_else(|| {
                Error::named(ErrorKind::InvalidRequest, "InvalidCursor", "cursor: not one this list gave")
            })?),
            None => None,
        };
        let caller = ctx.caller().await?;
        let (rows, next, mut mine, access) = ctx
            .app()?
            .db
            .read(move |c| {
                let access = Access::resolve(c, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let query = ListQuery {
                    sphere_id: access.sphere.id,
                    moderator: access.can(Action::Moderate),
                    state,
                    sort,
                    limit: params.limit,
                    cursor,
                    now_us: now_us(),
                };
                let (rows, next) = store::list_polls(c, &query)?;
                let mine = store::mine(c, access.viewer_did().as_deref(), rows.iter().map(|r| r.id))?;
                Ok((rows, next, mine, access))
            })
            .await?;
        let polls = rows
            .into_iter()
            .map(|row| {
                let own = mine.remove(&row.id);
                poll_view(row, &access, own, false)
            })
            .collect();
        Ok(api::list_polls::Output { polls, cursor: next }.into())
    }

    async fn list_voters(
        &self,
        ctx: &XrpcContext,
        params: api::list_voters::Params,
    ) -> XrpcResult<Answer<api::list_voters::Output>> {
        let cursor = match params.cursor.as_deref() {
            Some(text) => Some(
                text.split_once('|').map(|(at, did)| (at.to_owned(), did.to_owned())).ok_or_else(|| {
                    Error::named(ErrorKind::InvalidRequest, "InvalidCursor", "cursor: not one this list gave")
                })?,
            ),
            None => None,
        };
        let caller = ctx.caller().await?;
        let limit = params.limit;
        let voters = ctx
            .app()?
            .db
            .read(move |c| {
                let access = Access::resolve(c, &caller, &params.sphere)?;
                access.require(Action::Read)?;
                let (row, mine) = find_poll(c, &access, params.number)?;
                if poll_view(row.clone(), &access, mine, false).tally.is_none() {
                    return Err(Error::named(
                        ErrorKind::Forbidden,
                        "ResultsHidden",
                        format!("the results of poll #{} are not visible to you yet", row.number),
                    ));
                }
                let option = params.option.map(|o| (o, row.kind == "ranked"));
                store::voters(c, row.id, option, cursor, limit + 1)
            })
            .await?;
        let (rows, cursor) =
            exosphere_core::xrpc::page(voters, limit, |v| format!("{}|{}", v.voted_at, v.voter_did));
        Ok(api::list_voters::Output {
            voters: rows
                .into_iter()
                .map(|v| VoterView { actor: v.actor, choices: json_list(&v.choices), voted_at: v.voted_at })
                .collect(),
            cursor,
        }
        .into())
    }

    async fn create_poll(
        &self,
        ctx: &XrpcContext,
        input: api::create_poll::Input,
    ) -> XrpcResult<api::create_poll::Output> {
        let access = writable(ctx, &input.sphere).await?;
        let record = poll::Record {
            sphere: access.sphere.uri.clone(),
            question: input.question.trim().to_owned(),
            description: input.description.filter(|d| !d.trim().is_empty()),
            options: input.options.into_iter().map(|o| o.trim().to_owned()).collect(),
            kind: input.kind,
            max_choices: input.max_choices,
            closes_at: closes_at(input.closes_at)?,
            results: input.results,
            created_at: now(),
            updated_at: None,
        };
        check_poll(&record)?;
        exosphere_core::lexicon::Validate::validate(&record).map_err(|e| invalid_poll(e.to_string()))?;
        let writer = RecordWriter::for_content(ctx, &access).await?;
        let written = writer.create(&record).await?;
        let (uri, sphere_id) = (written.uri.clone(), access.sphere.id);
        let number = ctx
            .app()?
            .db
            .read(move |c| store::poll_number(c, &uri, sphere_id))
            .await?
            .ok_or_else(|| Error::internal(anyhow::anyhow!("a poll written was not indexed")))?;
        let out = shown(ctx, &access, number).await?;
        Ok(api::create_poll::Output { poll: out.poll })
    }

    async fn update_poll(
        &self,
        ctx: &XrpcContext,
        input: api::update_poll::Input,
    ) -> XrpcResult<api::update_poll::Output> {
        let access = writable(ctx, &input.sphere).await?;
        let (row, _) = load_poll(ctx, &access, input.number).await?;
        access.require_author(&row.author_did, "poll")?;
        let before = poll::Record {
            sphere: access.sphere.uri.clone(),
            question: row.question.clone(),
            description: row.description.clone(),
            options: json_list(&row.options),
            kind: row.kind.clone(),
            max_choices: row.max_choices,
            closes_at: row.closes_at.clone(),
            results: row.results.clone(),
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
        };
        let closes = if input.close == Some(true) {
            Some(now())
        } else if input.closes_at.is_some() {
            closes_at(input.closes_at)?
        } else {
            before.closes_at.clone()
        };
        let after = poll::Record {
            question: input.question.map(|q| q.trim().to_owned()).unwrap_or_else(|| before.question.clone()),
            description: input
                .description
                .or_else(|| before.description.clone())
                .filter(|d| !d.trim().is_empty()),
            options: input
                .options
                .map(|o| o.into_iter().map(|o| o.trim().to_owned()).collect())
                .unwrap_or_else(|| before.options.clone()),
            kind: input.kind.unwrap_or_else(|| before.kind.clone()),
            max_choices: input.max_choices.or(before.max_choices),
            closes_at: closes,
            results: input.results.unwrap_or_else(|| before.results.clone()),
            updated_at: Some(now()),
            ..before.clone()
        };
        check_poll(&after)?;
        exosphere_core::lexicon::Validate::validate(&after).map_err(|e| invalid_poll(e.to_string()))?;
        let uri = row.uri.clone();
        let voted = ctx.app()?.db.read(move |c| store::has_ballots(c, &uri)).await?;
        rules::check_edit(&before, &after, voted)
            .map_err(|why| Error::named(ErrorKind::Conflict, "PollHasVotes", why))?;
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.put(&rkey_of(&row.uri), &after).await?;
        let out = shown(ctx, &access, input.number).await?;
        Ok(api::update_poll::Output { poll: out.poll })
    }

    async fn delete_poll(&self, ctx: &XrpcContext, input: api::delete_poll::Input) -> XrpcResult<()> {
        ctx.require_viewer().await?;
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Read)?;
        let (row, _) = load_poll(ctx, &access, input.number).await?;
        access.require_author(&row.author_did, "poll")?;
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.delete(poll::NSID, &rkey_of(&row.uri)).await
    }

    async fn vote(&self, ctx: &XrpcContext, input: api::vote::Input) -> XrpcResult<api::vote::Output> {
        let access = writable(ctx, &input.sphere).await?;
        let (row, _) = load_poll(ctx, &access, input.number).await?;
        if rules::closed(row.closes_us, now_us()) {
            return Err(closed_error(row.number));
        }
        let options: Vec<String> = json_list(&row.options);
        let form = Form { kind: &row.kind, options: options.len(), max_choices: row.max_choices };
        rules::check_ballot(form, &input.choices)
            .map_err(|why| Error::named(ErrorKind::InvalidRequest, "InvalidBallot", why))?;
        let voter = access.viewer()?.did.clone();
        let (uri, did) = (row.uri.clone(), voter.clone());
        let earlier = ctx.app()?.db.read(move |c| store::ballots_of(c, &uri, &did)).await?;
        let record = poll_vote::Record {
            sphere: access.sphere.uri.clone(),
            subject: StrongRef { uri: row.uri.clone(), cid: row.cid.clone() },
            choices: input.choices,
            created_at: now(),
        };
        let writer = RecordWriter::for_content(ctx, &access).await?;
        writer.create(&record).await?;
        // One ballot record per voter and poll: the new one counts already; the earlier ones go.
        for uri in earlier {
            writer.delete(poll_vote::NSID, &rkey_of(&uri)).await?;
        }
        let out = shown(ctx, &access, input.number).await?;
        Ok(api::vote::Output { poll: out.poll })
    }

    async fn unvote(&self, ctx: &XrpcContext, input: api::unvote::Input) -> XrpcResult<api::unvote::Output> {
        ctx.require_viewer().await?;
        let access = Access::load(ctx, &input.sphere).await?;
        access.require(Action::Read)?;
        let (row, _) = load_poll(ctx, &access, input.number).await?;
        if rules::closed(row.closes_us, now_us()) {
            return Err(closed_error(row.number));
        }
        let voter = access.viewer()?.did.clone();
        let uri = row.uri.clone();
        let ballots = ctx.app()?.db.read(move |c| store::ballots_of(c, &uri, &voter)).await?;
        if !ballots.is_empty() {
            let writer = RecordWriter::for_content(ctx, &access).await?;
            for uri in ballots {
                writer.delete(poll_vote::NSID, &rkey_of(&uri)).await?;
            }
        }
        let out = shown(ctx, &access, input.number).await?;
        Ok(api::unvote::Output { poll: out.poll })
    }
}
