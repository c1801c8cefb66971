import { formatDate, Person, plural, styles as s } from '../../../client';
import { requestPath, requestVoteSender } from '../model';
import { StatusBadge } from './status-badge';
import { TagList } from './tags';
import { VoteButton } from './vote-button';
import type { RequestView } from '../types';
import * as css from './request-list.css';

/** The board's list: one row per request with its vote button, title, status and counts. */
export function RequestList({
  slug,
  requests,
  canVote,
  signInHref,
}: {
  slug: string;
  requests: RequestView[];
  canVote: boolean;
  /** For visitors who aren't signed in: each count links there. */
  signInHref?: string | undefined;
}) {
  return (
    <ul class={s.list} data-testid="request-list">
      {requests.map((r) => (
        <li key={r.uri} class={`${s.card} ${css.item}`} data-testid="request-item">
          <VoteButton
            initial={{ voted: r.viewer?.voted ?? false, voteCount: r.voteCount }}
            send={requestVoteSender(slug, r.number)}
            canVote={canVote && r.status !== 'duplicate'}
            signInHref={r.status === 'duplicate' ? undefined : signInHref}
            subject={r.title}
          />
          <div class={css.body}>
            <h3 class={css.title}>
              <a href={requestPath(slug, r.number)}>{r.title}</a>
            </h3>
            <p class={`${s.row} ${s.small} ${s.muted}`} style={{ margin: 0 }}>
              <StatusBadge status={r.status} />
              {r.hidden && <span class={s.badge.danger}>Hidden</span>}
              <span>#{r.number}</span>
              {r.duplicateOf && (
                <span>
                  duplicate of <a href={requestPath(slug, r.duplicateOf.number)}>#{r.duplicateOf.number}</a>
                </span>
              )}
              <span>{plural(r.commentCount, 'comment', 'comments')}</span>
              <span>
                by {Person({ actor: r.author })} · <time dateTime={r.createdAt}>{formatDate(r.createdAt)}</time>
              </span>
            </p>
            <TagList tags={r.tags} slug={slug} />
          </div>
        </li>
      ))}
    </ul>
  );
}
