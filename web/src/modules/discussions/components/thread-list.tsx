import { actorName, Person, plural, relativeTime, styles as s, useClock } from '../../../client';
import { type ListState, listUrl, threadPath } from '../model';
import type { ThreadView } from '../types';
import { TagList } from './tags';
import * as css from './thread-list.css';

const ITEM_CLASS = `${s.card} ${css.item}`;
const META_CLASS = `${s.row} ${s.small} ${s.muted} ${css.meta}`;

/**
 * The threads of a Sphere, as the API orders them (pinned first): title,
 * badges, tags (links filtering the list), author, replies and last activity.
 * The parts of an item are called as functions (no components per thread:
 * the server renders the list in QuickJS, where each costs).
 */
export function ThreadList({ slug, threads, state }: { slug: string; threads: ThreadView[]; state: ListState }) {
  useClock();
  return (
    <ul class={s.list} data-testid="thread-list">
      {threads.map((t) => (
        <li key={t.uri} class={ITEM_CLASS} data-testid="thread-item">
          <h3 class={css.title}>
            <a href={threadPath(slug, t.number)}>{t.title}</a>
          </h3>
          {ThreadBadges({ thread: t })}
          <p class={META_CLASS}>
            <span>#{t.number}</span>
            <span>
              by{' '}
              <a href={listUrl(slug, { ...state, author: t.author.did })} title={`Threads by ${actorName(t.author)}`}>
                {Person({ actor: t.author })}
              </a>
            </span>
            <span data-testid="reply-count">{plural(t.replyCount, 'reply', 'replies')}</span>
            <span>
              last activity {relativeTime(t.lastReplyAt ?? t.createdAt)}
            </span>
          </p>
          {TagList({ slug, tags: t.tags, state })}
        </li>
      ))}
    </ul>
  );
}

const BADGES_CLASS = `${s.row} ${css.meta}`;

/** Pinned, Locked and (for moderators) Hidden, when they apply. */
export function ThreadBadges({ thread }: { thread: ThreadView }) {
  if (!thread.pinned && !thread.locked && !thread.hidden) return null;
  return (
    <p class={BADGES_CLASS}>
      {thread.pinned && (
        <span class={s.badge.accent} data-testid="pinned-badge">
          Pinned
        </span>
      )}
      {thread.locked && (
        <span class={s.badge.warning} data-testid="locked-badge">
          Locked
        </span>
      )}
      {thread.hidden && (
        <span class={s.badge.danger} data-testid="hidden-badge">
          Hidden
        </span>
      )}
    </p>
  );
}
