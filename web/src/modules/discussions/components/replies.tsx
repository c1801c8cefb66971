import { useState } from 'preact/hooks';
import {
  actorName,
  Person,
  type ApiError,
  EditMarkdown,
  ErrorAlert,
  Markdown,
  MarkdownField,
  type PagedList,
  plural,
  relativeTime,
  SkeletonList,
  styles as s,
  toApiError,
  useClock,
  validateText,
  viewerDid,
  xrpcProcedure,
  LoadMore,
  ModerateButton,
  ConfirmButton,
} from '../../../client';
import { DISCUSSION_LIMITS } from '../limits';
import { ancestorsOf, countDescendants, type ReactionBoard, type ReplyNode, type ReplyOverlay, VISIBLE_DEPTH } from '../model';
import type { ReplyView, ThreadView } from '../types';
import { reactionBar } from './reactions';
import * as css from './replies.css';

interface Props {
  sphere: string;
  thread: ThreadView;
  list: PagedList<unknown, ReplyView>;
  overlay: ReplyOverlay;
  reactions: ReactionBoard;
  /** May post replies here (writers; in a locked thread, moderators only). */
  canReply: boolean;
  canReact: boolean;
  canModerate: boolean;
  /** For visitors who aren't signed in. */
  signInHref?: string | undefined;
  /** The API said the thread is locked (it was locked since the page loaded). */
  onLocked: () => void;
}

/** What every reply of the tree needs, and the tree's state (by reply URI). */
interface Context {
  sphere: string;
  number: number;
  overlay: ReplyOverlay;
  reactions: ReactionBoard;
  replies: readonly ReplyView[];
  /** The branches opened below VISIBLE_DEPTH. */
  expanded: ReadonlySet<string>;
  viewer: string | undefined;
  canReply: boolean;
  canReact: boolean;
  canModerate: boolean;
  /** The reply whose inline composer is open. */
  replyingTo: string | undefined;
  setReplyingTo: (uri: string | undefined) => void;
  /** The reply being edited (one at a time). */
  editing: string | undefined;
  setEditing: (uri: string | undefined) => void;
  onLocked: () => void;
}

/**
 * A thread's replies, nested by what they answer: two levels at once, deeper
 * branches behind "Show N more replies"; a composer under each reply and one
 * for the thread, unless the viewer can't reply (a locked thread says so).
 *
 * The state of the tree is here (which reply is answered or edited; the
 * reactions and the open picker on the board) and the tree itself is plain
 * functions: a page shows a hundred replies, and the server renders it in
 * QuickJS, where a component and its hooks per reply cost more than the
 * markup. Only what holds state of its own (composers, confirm and
 * moderation buttons) is a component.
 */
export function Replies({ sphere, thread, list, overlay, reactions, canReply, canReact, canModerate, signInHref, onLocked }: Props) {
  const [replyingTo, setReplyingTo] = useState<string>();
  const [editing, setEditing] = useState<string>();
  useClock();
  const first = list.first;
  const { replies, tree } = overlay.view(list.items.value);
  const count = Math.max(0, thread.replyCount + overlay.delta.value);
  const ctx: Context = {
    sphere,
    number: thread.number,
    overlay,
    reactions,
    replies,
    expanded: overlay.expanded.value,
    viewer: viewerDid.value,
    canReply,
    canReact,
    canModerate,
    replyingTo,
    setReplyingTo,
    editing,
    setEditing,
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
        replyTree(tree, 0, false, ctx)
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

// Class lists joined once, not once per reply. Lists of replies by depth:
// the thread's, answers, and deep answers (which stop moving right).
const TREE_CLASS = [`${s.list} ${css.tree}`, `${s.list} ${css.tree} ${css.nested}`, `${s.list} ${css.tree} ${css.nestedDeep}`];
const REPLY_CLASS = `${s.card} ${css.reply}`;
const META_CLASS = `${s.row} ${s.small} ${s.muted} ${css.meta}`;
const DELETED_CLASS = `${s.card} ${s.muted} ${s.small}`;

function replyTree(nodes: ReplyNode[], depth: number, open: boolean, ctx: Context) {
  return (
    <ul class={TREE_CLASS[depth === 0 ? 0 : depth < 4 ? 1 : 2]} data-testid={depth === 0 ? 'reply-list' : undefined} data-depth={depth}>
      {nodes.map((node) => replyBranch(node, depth, open, ctx))}
    </ul>
  );
}

/** A reply, its inline composer, and its answers (or the button that shows them). */
function replyBranch(node: ReplyNode, depth: number, open: boolean, ctx: Context) {
  const uri = node.reply.uri;
  const opened = open || ctx.expanded.has(uri);
  return (
    <li key={uri}>
      {node.removed ? (
        <p class={DELETED_CLASS} data-testid="reply-deleted">
          This reply was deleted.
        </p>
      ) : (
        replyArticle(node.reply, ctx)
      )}
      {ctx.replyingTo === uri && !node.removed && <ReplyComposer parent={node.reply} ctx={ctx} />}
      {node.children.length > 0 &&
        (depth + 1 < VISIBLE_DEPTH || opened ? (
          replyTree(node.children, depth + 1, opened, ctx)
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

/** A reply: its author, time and text, its reactions and what the viewer may do with it (or its edit form). */
function replyArticle(reply: ReplyView, ctx: Context) {
  const uri = reply.uri;
  const mine = reply.author.did === ctx.viewer;
  const author = actorName(reply.author);
  const editing = ctx.editing === uri;
  const reactions = !editing && reactionBar(ctx.reactions, reply, ctx.canReact, `the reply by ${author}`);
  const actions = !editing && (ctx.canReply || mine || ctx.canModerate);
  return (
    <article class={REPLY_CLASS} data-testid="reply" aria-label={`Reply by ${author}`}>
      <p class={META_CLASS}>
        {Person({ actor: reply.author })}
        {relativeTime(reply.createdAt)}
        {reply.updatedAt && <span>(edited)</span>}
        {reply.hidden && (
          <span class={s.badge.danger} data-testid="hidden-badge">
            Hidden
          </span>
        )}
      </p>
      {editing ? (
        <EditReply reply={reply} ctx={ctx} onClose={() => ctx.setEditing(undefined)} />
      ) : (
        Markdown({ html: reply.textHtml, testId: 'reply-text' })
      )}
      {(reactions || actions) && (
        <div class={css.footer}>
          {reactions}
          {actions && replyActions(reply, mine, ctx)}
        </div>
      )}
    </article>
  );
}

/**
 * What the viewer may do with a reply: answer it; edit or delete their own;
 * hide or restore it (moderators). Buttons of the footer itself, no row of
 * their own (the footer lays them out as a row would: an element less per
 * reply for the server's render).
 */
function replyActions(reply: ReplyView, mine: boolean, ctx: Context) {
  const uri = reply.uri;
  const replying = ctx.replyingTo === uri;
  return [
    ctx.canReply && (
      <button
        type="button"
        class={s.button.ghost}
        aria-expanded={replying}
        onClick={() => ctx.setReplyingTo(replying ? undefined : uri)}
      >
        Reply
      </button>
    ),
    mine && (
      <button type="button" class={s.button.ghost} onClick={() => ctx.setEditing(uri)}>
        Edit reply
      </button>
    ),
    mine && (
      <ConfirmButton
        label="Delete reply"
        action={async () => {
          await xrpcProcedure('site.exosphere.discussion.deleteReply', { sphere: ctx.sphere, reply: uri });
          ctx.overlay.remove(uri);
        }}
      />
    ),
    ctx.canModerate && (
      <ModerateButton
        sphere={ctx.sphere}
        subject={uri}
        action={reply.hidden ? 'restore' : 'hide'}
        label={reply.hidden ? 'Restore reply' : 'Hide reply'}
        onDone={(out) => ctx.overlay.replace({ ...reply, hidden: out.hidden })}
      />
    ),
  ];
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
  return (
    <EditMarkdown
      what="reply"
      initial={reply.text}
      limit={DISCUSSION_LIMITS.replyText}
      testId="edit-reply-form"
      onClose={onClose}
      save={async (text) => {
        const out = await xrpcProcedure('site.exosphere.discussion.updateReply', { sphere: ctx.sphere, reply: reply.uri, text });
        ctx.overlay.replace(out.reply);
      }}
    />
  );
}
