import { useMemo, useState } from 'preact/hooks';
import {
  Person,
  canModerate,
  canWrite,
  ErrorAlert,
  Markdown,
  Notice,
  type PageProps,
  RelativeTime,
  session,
  Skeleton,
  SphereFrame,
  type SphereView,
  styles as s,
  useLocation,
  usePagedQuery,
  usePageMeta,
  useQuery,
  useSignInHref,
  useSphere,
  viewerDid,
  xrpcProcedure,
  ModerateButton,
  type ModerationAction,
  ConfirmButton,
} from '../../../client';
import { reactionBar } from '../components/reactions';
import { Replies } from '../components/replies';
import { TagList } from '../components/tags';
import { ThreadForm } from '../components/thread-form';
import { ThreadBadges } from '../components/thread-list';
import {
  createReactionBoard,
  createReplyOverlay,
  excerpt,
  htmlExcerpt,
  listPath,
  moderatedThread,
  MODULE_NAME,
  parseNumber,
  type ReactionBoard,
  repliesQuery,
  threadQuery,
} from '../model';
import type { ThreadView } from '../types';
import * as css from './thread.css';

export function ThreadPage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  const number = parseNumber(params.number);
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => (number === undefined ? <NoSuchThread /> : <Thread sphere={view} number={number} />)}
    </SphereFrame>
  );
}

function NoSuchThread({ message }: { message?: string }) {
  usePageMeta({ title: 'Thread not found', status: 404 });
  return (
    <>
      <h1>Thread not found</h1>
      <Notice>{message ?? 'There is no thread with that number here.'}</Notice>
    </>
  );
}

function Thread({ sphere, number }: { sphere: SphereView; number: number }) {
  const resource = useQuery(threadQuery(sphere.slug, number));
  const replies = usePagedQuery(repliesQuery(sphere.slug, number), (out) => out.replies);
  const overlay = useMemo(() => createReplyOverlay(), [sphere.slug, number]);
  const reactions = useMemo(() => createReactionBoard(sphere.slug), [sphere.slug, number]);
  const signInHref = useSignInHref();
  const data = resource.data.value;
  const error = resource.error.value;

  if (!data && error) {
    if (error.notFound && !error.moduleDisabled) return <NoSuchThread message={error.message} />;
    return <ErrorAlert error={error} retry={() => void resource.refetch()} />;
  }
  if (!data) {
    return (
      <div class={s.stack} role="status" aria-live="polite" data-testid="loading">
        <span class={s.visuallyHidden}>Loading the thread…</span>
        <Skeleton height="2rem" width="70%" />
        <Skeleton height="8rem" />
      </div>
    );
  }
  const thread = data.thread;
  const moderator = canModerate(sphere);
  return (
    <>
      <ThreadBody sphere={sphere} thread={thread} reactions={reactions} onChange={(t) => resource.set({ thread: t })} />
      <Replies
        sphere={sphere.slug}
        thread={thread}
        list={replies}
        overlay={overlay}
        reactions={reactions}
        canReply={canWrite(sphere) && (!thread.locked || moderator)}
        canReact={canWrite(sphere)}
        canModerate={moderator}
        signInHref={session.value && !session.value.loggedIn ? signInHref : undefined}
        onLocked={() => void resource.refetch()}
      />
    </>
  );
}

function ThreadBody({
  sphere,
  thread,
  reactions,
  onChange,
}: {
  sphere: SphereView;
  thread: ThreadView;
  reactions: ReactionBoard;
  onChange: (thread: ThreadView) => void;
}) {
  usePageMeta({ title: `${thread.title} · ${sphere.name}`, description: htmlExcerpt(thread.bodyHtml ?? '') || excerpt(thread.title) });
  const { route } = useLocation();
  const [editing, setEditing] = useState(false);
  const mine = thread.author.did === viewerDid.value;
  const moderator = canModerate(sphere);
  const slug = sphere.slug;

  return (
    <article class={s.stack} aria-labelledby="thread-title">
      <div class={s.stackSm}>
        <h1 id="thread-title" style={{ margin: 0 }}>
          {thread.title}
        </h1>
        <ThreadBadges thread={thread} />
        <p class={`${s.row} ${s.small} ${s.muted}`} style={{ margin: 0 }}>
          <span>#{thread.number}</span>
          <span>
            by <Person actor={thread.author} /> · <RelativeTime iso={thread.createdAt} />
            {thread.updatedAt && ' (edited)'}
          </span>
        </p>
        {!editing && <TagList slug={slug} tags={thread.tags} />}
      </div>
      {editing ? (
        <ThreadForm
          initial={{ title: thread.title, body: thread.body ?? '', tags: thread.tags }}
          submitLabel="Save thread"
          busyLabel="Saving…"
          testId="edit-thread-form"
          cancel={{ onClick: () => setEditing(false) }}
          onSubmit={async (draft) => {
            const out = await xrpcProcedure('site.exosphere.discussion.updateThread', {
              sphere: slug,
              number: thread.number,
              title: draft.title,
              body: draft.body,
              tags: draft.tags,
            });
            onChange(out.thread);
            setEditing(false);
          }}
        />
      ) : (
        <>
          {thread.bodyHtml ? (
            <Markdown html={thread.bodyHtml} testId="thread-body" />
          ) : (
            <p class={s.muted} style={{ margin: 0 }}>
              No description.
            </p>
          )}
          {reactionBar(reactions, thread, canWrite(sphere), thread.title)}
          {mine && (
            <div class={s.row} data-testid="thread-actions">
              <button type="button" class={s.button.secondary} onClick={() => setEditing(true)}>
                Edit thread
              </button>
              <ConfirmButton
                label="Delete thread"
                variant="danger"
                testId="delete-thread"
                action={async () => {
                  await xrpcProcedure('site.exosphere.discussion.deleteThread', { sphere: slug, number: thread.number });
                  route(listPath(slug));
                }}
              />
            </div>
          )}
          {moderator && <Moderation slug={slug} thread={thread} onChange={onChange} />}
        </>
      )}
    </article>
  );
}

/** Owners' and admins' controls: lock, pin and hide the thread (each undone the same way). */
function Moderation({ slug, thread, onChange }: { slug: string; thread: ThreadView; onChange: (t: ThreadView) => void }) {
  const controls: [ModerationAction, string][] = [
    thread.locked ? ['unlock', 'Unlock thread'] : ['lock', 'Lock thread'],
    thread.pinned ? ['unpin', 'Unpin thread'] : ['pin', 'Pin thread'],
    thread.hidden ? ['restore', 'Restore thread'] : ['hide', 'Hide thread'],
  ];
  return (
    <div class={`${s.row} ${css.moderation}`} role="group" aria-label="Moderation" data-testid="thread-moderation">
      <span class={`${s.small} ${s.muted}`} aria-hidden="true">
        Moderation:
      </span>
      {controls.map(([action, label]) => (
        <ModerateButton
          key={action}
          sphere={slug}
          subject={thread.uri}
          action={action}
          label={label}
          onDone={(out) => onChange(moderatedThread(thread, action, out))}
        />
      ))}
    </div>
  );
}
