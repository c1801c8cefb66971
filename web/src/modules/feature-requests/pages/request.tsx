import { useState } from 'preact/hooks';
import {
  Person,
  type ApiError,
  canModerate,
  canWrite,
  ErrorAlert,
  formatDate,
  InlineError,
  Markdown,
  MarkdownField,
  Notice,
  type PageProps,
  type Resource,
  session,
  Skeleton,
  SphereFrame,
  type SphereView,
  styles as s,
  TextField,
  toApiError,
  useLocation,
  usePagedQuery,
  usePageMeta,
  useQuery,
  useSignInHref,
  useSphere,
  viewerDid,
  xrpcProcedure,
} from '../../../client';
import { BOARD_LIMITS } from '../limits';
import type { RequestView, StatusView, TagView } from '../types';
import { Comments } from '../components/comments';
import { ModerateButton } from '../components/moderate-button';
import { StatusBadge } from '../components/status-badge';
import { StatusForm } from '../components/status-form';
import { TagEditor, TagList } from '../components/tags';
import { VoteButton } from '../components/vote-button';
import {
  boardPath,
  commentsQuery,
  MODULE_NAME,
  parseNumber,
  requestFeedPath,
  requestPath,
  requestQuery,
  requestVoteSender,
  statusLabel,
} from '../model';
import { validateRequest } from './new-request';
import * as css from './request.css';

export function RequestPage({ params }: PageProps) {
  const slug = params.sphere ?? '';
  const sphere = useSphere(slug);
  const number = parseNumber(params.number);
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => (number === undefined ? <NoSuchRequest /> : <Request sphere={view} number={number} />)}
    </SphereFrame>
  );
}

function NoSuchRequest({ message }: { message?: string }) {
  usePageMeta({ title: 'Request not found', status: 404 });
  return (
    <>
      <h1>Request not found</h1>
      <Notice>{message ?? 'There is no request with that number here.'}</Notice>
    </>
  );
}

type RequestOutput = { request: RequestView; statusHistory: StatusView[] };

function Request({ sphere, number }: { sphere: SphereView; number: number }) {
  const resource = useQuery(requestQuery(sphere.slug, number));
  const comments = usePagedQuery(commentsQuery(sphere.slug, number), (out) => out.comments);
  const data = resource.data.value;
  const error = resource.error.value;
  const signInHref = useSignInHref();

  if (!data && error) {
    if (error.notFound) return <NoSuchRequest message={error.message} />;
    return <ErrorAlert error={error} retry={() => void resource.refetch()} />;
  }
  if (!data) {
    return (
      <div class={s.stack} role="status" aria-live="polite" data-testid="loading">
        <span class={s.visuallyHidden}>Loading the request…</span>
        <Skeleton height="2rem" width="70%" />
        <Skeleton height="8rem" />
      </div>
    );
  }
  const signIn =
    session.value && !session.value.loggedIn
      ? signInHref
      : undefined;
  return (
    <>
      <RequestBody sphere={sphere} data={data} resource={resource} signInHref={signIn} />
      <StatusSection
        sphere={sphere}
        data={data}
        reload={() => void resource.refetch()}
        setTags={(tags) => resource.set({ ...data, request: { ...data.request, tags } })}
      />
      <Comments
        sphere={sphere.slug}
        number={number}
        list={comments}
        canWrite={canWrite(sphere)}
        canModerate={canModerate(sphere)}
        signInHref={signIn}
      />
    </>
  );
}

function RequestBody({
  sphere,
  data,
  resource,
  signInHref,
}: {
  sphere: SphereView;
  data: RequestOutput;
  resource: Resource<RequestOutput>;
  /** For visitors who aren't signed in. */
  signInHref: string | undefined;
}) {
  const r = data.request;
  usePageMeta({
    title: `${r.title} · ${sphere.name}`,
    description: excerpt(r.description ?? r.title),
    feed: sphere.visibility === 'public' ? requestFeedPath(sphere.slug, r.number) : undefined,
  });
  const mine = r.author.did === viewerDid.value;
  const [editing, setEditing] = useState(false);
  // A duplicate takes no votes: its voters count on the original.
  const merged = r.status === 'duplicate';

  return (
    <article class={s.stack} aria-labelledby="request-title">
      <div class={css.head}>
        <VoteButton
          initial={{ voted: r.viewer?.voted ?? false, voteCount: r.voteCount }}
          send={requestVoteSender(sphere.slug, r.number)}
          canVote={canWrite(sphere) && !merged}
          signInHref={merged ? undefined : signInHref}
          subject={r.title}
        />
        <div class={css.titleBlock}>
          <h1 id="request-title" style={{ margin: 0 }}>
            {r.title}
          </h1>
          <p class={`${s.row} ${s.small} ${s.muted}`} style={{ margin: 0 }}>
            <StatusBadge status={r.status} />
            {r.hidden && <span class={s.badge.danger}>Hidden</span>}
            <span>#{r.number}</span>
            <span>
              by <Person actor={r.author} /> · <time dateTime={r.createdAt}>{formatDate(r.createdAt)}</time>
              {r.updatedAt && ' (edited)'}
            </span>
          </p>
          <TagList tags={r.tags} slug={sphere.slug} />
        </div>
      </div>
      {merged && (
        <div class={s.alert.info} data-testid="duplicate-of">
          {r.duplicateOf ? (
            <>
              <strong>Duplicate of </strong>
              <a href={requestPath(sphere.slug, r.duplicateOf.number)}>
                #{r.duplicateOf.number} {r.duplicateOf.title}
              </a>
              . Its votes count there: vote for it instead.
            </>
          ) : (
            <strong>This request is a duplicate, and takes no new votes.</strong>
          )}
        </div>
      )}
      {editing ? (
        <EditRequest
          sphere={sphere.slug}
          request={r}
          onCancel={() => setEditing(false)}
          onSaved={(request) => {
            resource.set({ ...data, request });
            setEditing(false);
          }}
        />
      ) : r.description ? (
        r.descriptionHtml !== undefined ? (
          <Markdown html={r.descriptionHtml} testId="request-description" />
        ) : (
          <p class={s.pre} data-testid="request-description">
            {r.description}
          </p>
        )
      ) : (
        <p class={s.muted}>No description.</p>
      )}
      {r.viewer && (
        <FollowButton slug={sphere.slug} number={r.number} following={r.viewer.subscribed ?? false} />
      )}
      {!editing && (mine || canModerate(sphere)) && (
        <div class={s.row}>
          {mine && (
            <button type="button" class={s.button.secondary} onClick={() => setEditing(true)}>
              Edit request
            </button>
          )}
          {mine && <DeleteRequest sphere={sphere.slug} number={r.number} />}
          {canModerate(sphere) && (
            <ModerateButton
              sphere={sphere.slug}
              subject={r.uri}
              hidden={r.hidden === true}
              what="request"
              onDone={() => void resource.refetch()}
            />
          )}
        </div>
      )}
    </article>
  );
}

function excerpt(text: string): string {
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function EditRequest({
  sphere,
  request,
  onCancel,
  onSaved,
}: {
  sphere: string;
  request: RequestView;
  onCancel: () => void;
  onSaved: (r: RequestView) => void;
}) {
  const [title, setTitle] = useState(request.title);
  const [description, setDescription] = useState(request.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  const errors = validateRequest(title, description);
  return (
    <form
      class={s.stack}
      noValidate
      data-testid="edit-request-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (errors.title || errors.description) return;
        setBusy(true);
        setError(undefined);
        try {
          const out = await xrpcProcedure('site.exosphere.featureRequest.updateRequest', {
            sphere,
            number: request.number,
            title: title.trim(),
            description: description.trim(),
          });
          onSaved(out.request);
        } catch (err) {
          setError(toApiError(err));
          setBusy(false);
        }
      }}
    >
      <TextField label="Title" value={title} onInput={setTitle} limit={BOARD_LIMITS.requestTitle} error={errors.title} required />
      <MarkdownField
        label="Description"
        value={description}
        onInput={setDescription}
        limit={BOARD_LIMITS.requestDescription}
        error={errors.description}
        rows={8}
        headingBase={2}
      />
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" class={s.button.secondary} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeleteRequest({ sphere, number }: { sphere: string; number: number }) {
  const { route } = useLocation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  if (!confirming) {
    return (
      <button type="button" class={s.button.danger} onClick={() => setConfirming(true)}>
        Delete request
      </button>
    );
  }
  return (
    <span class={s.row}>
      <button
        type="button"
        class={s.button.danger}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await xrpcProcedure('site.exosphere.featureRequest.deleteRequest', { sphere, number });
            route(boardPath(sphere));
          } catch (e) {
            setError(toApiError(e));
            setBusy(false);
          }
        }}
      >
        Confirm delete
      </button>
      <button type="button" class={s.button.secondary} onClick={() => setConfirming(false)}>
        Keep it
      </button>
      {error && <InlineError error={error} />}
    </span>
  );
}

function StatusSection({
  sphere,
  data,
  reload,
  setTags,
}: {
  sphere: SphereView;
  data: RequestOutput;
  reload: () => void;
  /** Moderators changed the request's tags: what the API answered. */
  setTags: (tags: TagView[]) => void;
}) {
  const history = data.statusHistory;
  return (
    <section aria-labelledby="status-heading" class={s.stackSm}>
      <h2 id="status-heading">Status</h2>
      <p style={{ margin: 0 }}>
        Currently <StatusBadge status={data.request.status} />
      </p>
      {history.length > 0 && (
        <ol class={s.list} data-testid="status-history">
          {history.map((h, i) => (
            <li key={h.uri ?? i} class={`${s.small}`}>
              <strong>{statusLabel(h.status)}</strong>
              {h.duplicateOf && (
                <>
                  {' of '}
                  <a href={requestPath(sphere.slug, h.duplicateOf.number)}>#{h.duplicateOf.number}</a>
                </>
              )}{' '}
              — <Person actor={h.actor} />,{' '}
              <time dateTime={h.createdAt}>{formatDate(h.createdAt)}</time>
              {h.note && <p class={`${s.pre} ${s.muted}`}>{h.note}</p>}
            </li>
          ))}
        </ol>
      )}
      {canModerate(sphere) && (
        <TagEditor
          slug={sphere.slug}
          number={data.request.number}
          tags={data.request.tags ?? []}
          onChange={(tags) => setTags(tags)}
        />
      )}
      {canModerate(sphere) && (
        <StatusForm sphere={sphere.slug} number={data.request.number} status={data.request.status} onDone={reload} />
      )}
    </section>
  );
}

/** Follow a request (its status changes and comments become notifications) or stop. */
function FollowButton({ slug, number, following }: { slug: string; number: number; following: boolean }) {
  const [on, setOn] = useState(following);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  return (
    <div class={s.row}>
      <button
        type="button"
        class={s.button.secondary}
        aria-pressed={on}
        disabled={busy}
        data-testid="follow"
        title={on ? 'You are told of its status changes and comments' : 'Be told of its status changes and comments'}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            const out = await xrpcProcedure(
              on ? 'site.exosphere.featureRequest.unsubscribe' : 'site.exosphere.featureRequest.subscribe',
              { sphere: slug, number },
            );
            setOn(out.subscribed);
          } catch (err) {
            setError(toApiError(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {on ? 'Following' : 'Follow'}
      </button>
      {error && <InlineError error={error} />}
    </div>
  );
}
