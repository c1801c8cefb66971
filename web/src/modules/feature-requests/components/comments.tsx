import { useMemo, useState } from 'preact/hooks';
import {
  actorName,
  Person,
  type ApiError,
  EditMarkdown,
  ErrorAlert,
  formatDate,
  InlineError,
  Markdown,
  MarkdownField,
  type PagedList,
  SkeletonList,
  styles as s,
  toApiError,
  validateText,
  viewerDid,
  xrpcProcedure,
} from '../../../client';
import { BOARD_LIMITS } from '../limits';
import type { CommentView } from '../types';
import { type CommentNode, commentVoteSender, threadComments } from '../model';
import { ModerateButton } from './moderate-button';
import { createVoteBoard, type VoteBoard, VoteButton } from './vote-button';
import * as css from './comments.css';

interface Props {
  sphere: string;
  number: number;
  list: PagedList<unknown, CommentView>;
  canWrite: boolean;
  canModerate: boolean;
  signInHref?: string | undefined;
}

/** A request's comments, threaded, with votes and the comment box. */
export function Comments({ sphere, number, list, canWrite, canModerate, signInHref }: Props) {
  const [replyTo, setReplyTo] = useState<CommentView>();
  const [editing, setEditing] = useState<string>();
  const [failed, setFailed] = useState<{ uri: string; error: ApiError }>();
  const votes = useMemo(() => createVoteBoard((uri) => commentVoteSender(sphere, uri)), [sphere]);
  const first = list.first;
  const threads = threadComments(list.items.value);
  const reload = () => void list.reload();

  return (
    <section aria-labelledby="comments-heading" class={s.stack}>
      <h2 id="comments-heading">Comments</h2>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={reload} />
      ) : !first.data.value ? (
        <SkeletonList count={2} height="4.5rem" label="Loading comments…" />
      ) : threads.length === 0 ? (
        <p class={s.muted}>No comments yet.</p>
      ) : (
        commentTree(threads, 0, {
          sphere,
          canWrite,
          canModerate,
          viewer: viewerDid.value,
          votes,
          editing,
          setEditing,
          failed,
          setFailed,
          reload,
          reply: (c) => setReplyTo(c),
        })
      )}
      {list.moreError.value && <ErrorAlert error={list.moreError.value} retry={() => void list.loadMore()} />}
      {list.hasMore.value && (
        <div>
          <button
            type="button"
            class={s.button.secondary}
            disabled={list.loadingMore.value}
            onClick={() => void list.loadMore()}
          >
            {list.loadingMore.value ? 'Loading…' : 'More comments'}
          </button>
        </div>
      )}
      {canWrite ? (
        <CommentForm
          sphere={sphere}
          number={number}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(undefined)}
          onPosted={() => {
            setReplyTo(undefined);
            reload();
          }}
        />
      ) : signInHref ? (
        <p>
          <a href={signInHref}>Sign in</a> to comment.
        </p>
      ) : null}
    </section>
  );
}

interface TreeContext {
  sphere: string;
  canWrite: boolean;
  canModerate: boolean;
  viewer: string | undefined;
  votes: VoteBoard;
  /** The comment being edited (its AT URI). */
  editing: string | undefined;
  setEditing: (uri: string | undefined) => void;
  /** The last failed delete, shown under its comment. */
  failed: { uri: string; error: ApiError } | undefined;
  setFailed: (failed: { uri: string; error: ApiError } | undefined) => void;
  reload: () => void;
  reply: (c: CommentView) => void;
}

const TREE_CLASS = [s.list, `${s.list} ${css.replies}`];
const COMMENT_CLASS = `${s.card} ${css.comment}`;
const META_CLASS = `${s.row} ${s.small} ${s.muted} ${css.meta}`;

// The tree and its comments are functions, not components, and their state
// is the list's (Comments): a request shows up to fifty comments, and the
// server renders each page in QuickJS, where a component and its hooks cost
// more than a comment's markup.
function commentTree(nodes: CommentNode<CommentView>[], depth: number, ctx: TreeContext) {
  return (
    <ul class={TREE_CLASS[depth === 0 ? 0 : 1]} data-testid={depth === 0 ? 'comment-list' : undefined}>
      {nodes.map((node) => (
        <li key={node.comment.uri}>
          {comment(node.comment, ctx)}
          {node.replies.length > 0 && commentTree(node.replies, depth + 1, ctx)}
        </li>
      ))}
    </ul>
  );
}

function comment(c: CommentView, ctx: TreeContext) {
  const uri = c.uri;
  const mine = c.author.did === ctx.viewer;
  const editing = ctx.editing === uri;
  const author = actorName(c.author);
  const error = ctx.failed?.uri === uri ? ctx.failed.error : undefined;
  const initial = { voted: c.viewer?.voted ?? false, voteCount: c.voteCount };
  return (
    <article class={COMMENT_CLASS} data-testid="comment" aria-label={`Comment by ${author}`}>
      {ctx.canWrite ? (
        ctx.votes.toggle(uri, initial, `the comment by ${author}`, 'small')
      ) : (
        <VoteButton size="small" initial={initial} send={commentVoteSender(ctx.sphere, uri)} canVote={false} subject={`the comment by ${author}`} />
      )}
      <div class={css.body}>
        <p class={META_CLASS}>
          {Person({ actor: c.author })}
          <time dateTime={c.createdAt}>{formatDate(c.createdAt)}</time>
          {c.updatedAt && <span>(edited)</span>}
          {c.hidden && <span class={s.badge.danger}>Hidden</span>}
        </p>
        {editing ? (
          <EditComment comment={c} ctx={ctx} onClose={() => ctx.setEditing(undefined)} />
        ) : (
          Markdown({ html: c.textHtml, testId: 'comment-text' })
        )}
        {!editing && (ctx.canWrite || mine || ctx.canModerate) && (
          <div class={s.row}>
            {ctx.canWrite && (
              <button type="button" class={s.button.ghost} onClick={() => ctx.reply(c)}>
                Reply
              </button>
            )}
            {mine && (
              <button type="button" class={s.button.ghost} onClick={() => ctx.setEditing(uri)}>
                Edit comment
              </button>
            )}
            {mine && (
              <DeleteComment
                comment={c}
                ctx={ctx}
                onError={(e) => ctx.setFailed(e ? { uri, error: e } : undefined)}
              />
            )}
            {ctx.canModerate && (
              <ModerateButton
                sphere={ctx.sphere}
                subject={uri}
                hidden={c.hidden === true}
                what="comment"
                onDone={ctx.reload}
              />
            )}
          </div>
        )}
        {error && (
          <p style={{ margin: 0 }}>
            <InlineError error={error} />
          </p>
        )}
      </div>
    </article>
  );
}

/** The author's edit form, in place of the comment's text until it is saved or cancelled. */
function EditComment({ comment, ctx, onClose }: { comment: CommentView; ctx: TreeContext; onClose: () => void }) {
  return (
    <EditMarkdown
      what="comment"
      initial={comment.text}
      limit={BOARD_LIMITS.commentText}
      testId="edit-comment-form"
      onClose={onClose}
      save={async (text) => {
        await xrpcProcedure('site.exosphere.featureRequest.updateComment', {
          sphere: ctx.sphere,
          comment: comment.uri,
          text,
        });
        ctx.reload();
      }}
    />
  );
}

/** The author's delete button, with its confirmation step (state only where it can be used). */
function DeleteComment({
  comment,
  ctx,
  onError,
}: {
  comment: CommentView;
  ctx: TreeContext;
  onError: (error: ApiError | undefined) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!confirming) {
    return (
      <button type="button" class={s.button.ghost} onClick={() => setConfirming(true)}>
        Delete comment
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        class={s.button.danger}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          onError(undefined);
          try {
            await xrpcProcedure('site.exosphere.featureRequest.deleteComment', {
              sphere: ctx.sphere,
              comment: comment.uri,
            });
            ctx.reload();
          } catch (e) {
            onError(toApiError(e));
          } finally {
            setBusy(false);
            setConfirming(false);
          }
        }}
      >
        Confirm delete
      </button>
      <button type="button" class={s.button.ghost} onClick={() => setConfirming(false)}>
        Keep it
      </button>
    </>
  );
}

function CommentForm({
  sphere,
  number,
  replyTo,
  onCancelReply,
  onPosted,
}: {
  sphere: string;
  number: number;
  replyTo: CommentView | undefined;
  onCancelReply: () => void;
  onPosted: () => void;
}) {
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  const invalid = validateText('Comment', text, BOARD_LIMITS.commentText, true);

  return (
    <form
      class={s.stack}
      noValidate
      data-testid="comment-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setSubmitted(true);
        if (invalid) return;
        setBusy(true);
        setError(undefined);
        try {
          await xrpcProcedure('site.exosphere.featureRequest.createComment', {
            sphere,
            number,
            text: text.trim(),
            parent: replyTo?.uri,
          });
          setText('');
          setSubmitted(false);
          onPosted();
        } catch (err) {
          setError(toApiError(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      {replyTo && (
        <p class={`${s.row} ${s.small}`} style={{ margin: 0 }}>
          Replying to {actorName(replyTo.author)}
          <button type="button" class={s.button.ghost} onClick={onCancelReply}>
            Cancel reply
          </button>
        </p>
      )}
      <MarkdownField
        label="Comment"
        value={text}
        onInput={setText}
        limit={BOARD_LIMITS.commentText}
        error={submitted || text ? invalid : undefined}
        rows={4}
        headingBase={3}
        required
      />
      {error && <ErrorAlert error={error} />}
      <div>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Posting…' : 'Post comment'}
        </button>
      </div>
    </form>
  );
}
