import { useState } from 'preact/hooks';
import {
  actorName,
  type ApiError,
  ErrorAlert,
  type PagedList,
  plural,
  RelativeTime,
  SkeletonList,
  styles as s,
  toApiError,
  validateText,
  viewerDid,
  xrpcProcedure,
} from '../../../client';
import { DISCUSSION_LIMITS } from '../limits';
import {
  ancestorsOf,
  countDescendants,
  reactionSender,
  reactionSnapshot,
  type ReplyNode,
  type ReplyOverlay,
  VISIBLE_DEPTH,
} from '../model';
import type { ReplyView, ThreadView } from '../types';
import { MarkdownField } from './composer';
import { ConfirmButton } from './confirm-button';
import { LoadMore } from './load-more';
import { Markdown } from './markdown';
import { ModerateButton } from './moderate-button';
import { ReactionBar } from './reactions';
import * as css from './replies.css';

interface Props {
  sphere: string;
  thread: ThreadView;
  list: PagedList<unknown, ReplyView>;
  overlay: ReplyOverlay;
  /** May post replies here (writers; in a locked thread, moderators only). */
  canReply: boolean;
  canReact: boolean;
  canModerate: boolean;
  /** For visitors who aren't signed in. */
  signInHref?: string | undefined;
  /** The API said the thread is locked (it was locked since the page loaded). */
  onLocked: () => void;
}

/** What every reply of the tree needs. */
interface Context {
  sphere: string;
  number: number;
  overlay: ReplyOverlay;
  replies: ReplyView[];
  canReply: boolean;
  canReact: boolean;
  canModerate: boolean;
  /** The reply whose inline composer is open. */
  replyingTo: string | undefined;
  setReplyingTo: (uri: string | undefined) => void;
  onLocked: () => void;
}

/**
 * A thread's replies, nested by what they answer: two levels at once, deeper
 * branches behind "Show N more replies"; a composer under each reply and one
 * for the thread, unless the viewer can't reply (a locked thread says so).
 */
export function Replies({ sphere, thread, list, overlay, canReply, canReact, canModerate, signInHref, onLocked }: Props) {
  const [replyingTo, setReplyingTo] = useState<string>();
  const first = list.first;
  const { replies, tree } = overlay.view(list.items.value);
  const count = Math.max(0, thread.replyCount + overlay.delta.value);
  const ctx: Context = {
    sphere,
    number: thread.number,
    overlay,
    replies,
    canReply,
    canReact,
    canModerate,
    replyingTo,
    setReplyingTo,
    onLocked,
  };

  return (
    <section aria-labelledby="replies-heading" class={s.stack}>
      <h2 id="replies-heading" style={{ margin: 0 }}>
        Replies <span class={s.muted}>({count})</span>
      </h2>
      {thread.locked && (
        <div class={s.alert.info} data-testid="thread-locked">
          <strong>This thread is locked.</strong>{' '}
          {canModerate ? 'Only moderators can reply now.' : 'It takes no new replies.'}
        </div>
      )}
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={2} height="5rem" label="Loading replies…" />
      ) : tree.length === 0 ? (
        <p class={s.muted} data-testid="no-replies" style={{ margin: 0 }}>
          No replies yet.
        </p>
      ) : (
        <ReplyTree nodes={tree} depth={0} open={false} ctx={ctx} />
      )}
      <LoadMore list={list} label="Load more replies" testId="load-more-replies" />
      {canReply ? (
        <ReplyComposer ctx={ctx} />
      ) : !thread.locked && signInHref ? (
        <p style={{ margin: 0 }}>
          <a href={signInHref}>Sign in</a> to reply.
        </p>
      ) : null}
    </section>
  );
}

function ReplyTree({ nodes, depth, open, ctx }: { nodes: ReplyNode[]; depth: number; open: boolean; ctx: Context }) {
  const nesting = depth === 0 ? '' : depth < 4 ? css.nested : css.nestedDeep;
  return (
    <ul class={`${s.list} ${nesting}`} data-testid={depth === 0 ? 'reply-list' : undefined} data-depth={depth}>
      {nodes.map((node) => (
        <ReplyBranch key={node.reply.uri} node={node} depth={depth} open={open} ctx={ctx} />
      ))}
    </ul>
  );
}

/** A reply, its inline composer, and its answers (or the button that shows them). */
function ReplyBranch({ node, depth, open, ctx }: { node: ReplyNode; depth: number; open: boolean; ctx: Context }) {
  const uri = node.reply.uri;
  const opened = open || ctx.overlay.expanded.value.has(uri);
  const showAnswers = depth + 1 < VISIBLE_DEPTH || opened;
  return (
    <li class={css.branch}>
      {node.removed ? (
        <p class={`${s.card} ${s.muted} ${s.small}`} data-testid="reply-deleted">
          This reply was deleted.
        </p>
      ) : (
        <Reply reply={node.reply} ctx={ctx} />
      )}
      {ctx.replyingTo === uri && !node.removed && <ReplyComposer parent={node.reply} ctx={ctx} />}
      {node.children.length > 0 &&
        (showAnswers ? (
          <ReplyTree nodes={node.children} depth={depth + 1} open={opened} ctx={ctx} />
        ) : (
          <div class={css.nested}>
            <button
              type="button"
              class={s.button.ghost}
              data-testid="show-more-replies"
              onClick={() => ctx.overlay.expand(uri)}
            >
              Show {plural(countDescendants(node), 'more reply', 'more replies')}
            </button>
          </div>
        ))}
    </li>
  );
}

function Reply({ reply, ctx }: { reply: ReplyView; ctx: Context }) {
  const mine = reply.author.did === viewerDid.value;
  const [editing, setEditing] = useState(false);
  const author = actorName(reply.author);
  const replying = ctx.replyingTo === reply.uri;
  return (
    <article class={`${s.card} ${css.reply}`} data-testid="reply" aria-label={`Reply by ${author}`}>
      <p class={`${s.row} ${s.small} ${s.muted} ${css.meta}`}>
        <strong class={css.author}>{author}</strong>
        <RelativeTime iso={reply.createdAt} />
        {reply.updatedAt && <span>(edited)</span>}
        {reply.hidden && (
          <span class={s.badge.danger} data-testid="hidden-badge">
            Hidden
          </span>
        )}
      </p>
      {editing ? (
        <EditReply reply={reply} ctx={ctx} onClose={() => setEditing(false)} />
      ) : (
        <>
          <Markdown source={reply.text} headingBase={3} testId="reply-text" />
          <div class={css.footer}>
            <ReactionBar
              initial={reactionSnapshot(reply.reactions, reply.viewer?.reactions)}
              send={reactionSender(ctx.sphere, reply.uri)}
              canReact={ctx.canReact}
              subject={`the reply by ${author}`}
            />
            {(ctx.canReply || mine || ctx.canModerate) && (
              <div class={s.row}>
                {ctx.canReply && (
                  <button
                    type="button"
                    class={s.button.ghost}
                    aria-expanded={replying}
                    onClick={() => ctx.setReplyingTo(replying ? undefined : reply.uri)}
                  >
                    Reply
                  </button>
                )}
                {mine && (
                  <button type="button" class={s.button.ghost} onClick={() => setEditing(true)}>
                    Edit reply
                  </button>
                )}
                {mine && (
                  <ConfirmButton
                    label="Delete reply"
                    action={async () => {
                      await xrpcProcedure('site.exosphere.discussion.deleteReply', { sphere: ctx.sphere, reply: reply.uri });
                      ctx.overlay.remove(reply.uri);
                    }}
                  />
                )}
                {ctx.canModerate && (
                  <ModerateButton
                    sphere={ctx.sphere}
                    subject={reply.uri}
                    action={reply.hidden ? 'restore' : 'hide'}
                    label={reply.hidden ? 'Restore reply' : 'Hide reply'}
                    onDone={(out) => ctx.overlay.replace({ ...reply, hidden: out.hidden })}
                  />
                )}
              </div>
            )}
          </div>
        </>
      )}
    </article>
  );
}

/** A new reply: to the thread (at the end of the replies) or, inline, to a reply. */
function ReplyComposer({ parent, ctx }: { parent?: ReplyView; ctx: Context }) {
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const invalid = validateText('Reply', text, DISCUSSION_LIMITS.replyText, true);
  const label = parent ? `Your reply to ${actorName(parent.author)}` : 'Your reply';

  return (
    <form
      class={`${s.stack} ${parent ? css.inlineForm : ''}`}
      noValidate
      data-testid={parent ? 'reply-form' : 'thread-reply-form'}
      onSubmit={async (e) => {
        e.preventDefault();
        setSubmitted(true);
        if (invalid) return;
        setBusy(true);
        setError(undefined);
        try {
          const out = await xrpcProcedure('site.exosphere.discussion.createReply', {
            sphere: ctx.sphere,
            number: ctx.number,
            parent: parent?.uri,
            text: text.trim(),
          });
          ctx.overlay.add(out.reply);
          // The new reply shows where it went, even deep in a collapsed branch.
          if (parent) ctx.overlay.expand(parent.uri, ...ancestorsOf(parent.uri, ctx.replies));
          setText('');
          setSubmitted(false);
          setBusy(false);
          // An inline composer closes (and goes away) once its reply is posted.
          if (parent) ctx.setReplyingTo(undefined);
        } catch (err) {
          const apiError = toApiError(err);
          setError(apiError);
          setBusy(false);
          if (apiError.error === 'ThreadLocked') ctx.onLocked();
        }
      }}
    >
      <MarkdownField
        label={label}
        value={text}
        onInput={setText}
        limit={DISCUSSION_LIMITS.replyText}
        error={submitted || text ? invalid : undefined}
        rows={parent ? 3 : 4}
        headingBase={3}
        required
      />
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Posting…' : 'Post reply'}
        </button>
        {parent && (
          <button type="button" class={s.button.secondary} onClick={() => ctx.setReplyingTo(undefined)}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function EditReply({ reply, ctx, onClose }: { reply: ReplyView; ctx: Context; onClose: () => void }) {
  const [text, setText] = useState(reply.text);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const invalid = validateText('Reply', text, DISCUSSION_LIMITS.replyText, true);
  return (
    <form
      class={s.stack}
      noValidate
      data-testid="edit-reply-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (invalid) return;
        setBusy(true);
        setError(undefined);
        try {
          const out = await xrpcProcedure('site.exosphere.discussion.updateReply', {
            sphere: ctx.sphere,
            reply: reply.uri,
            text: text.trim(),
          });
          ctx.overlay.replace(out.reply);
          onClose();
        } catch (err) {
          setError(toApiError(err));
          setBusy(false);
        }
      }}
    >
      <MarkdownField
        label="Edit your reply"
        value={text}
        onInput={setText}
        limit={DISCUSSION_LIMITS.replyText}
        error={invalid}
        rows={4}
        headingBase={3}
        required
      />
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Saving…' : 'Save reply'}
        </button>
        <button type="button" class={s.button.secondary} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
