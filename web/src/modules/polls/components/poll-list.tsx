import { Person, plural, styles as s, useClock } from '../../../client';
import { KINDS, pollPath } from '../model';
import type { PollView } from '../types';
import { closing } from './countdown';

const ITEM_CLASS = `${s.card} ${s.stackSm}`;
const META_CLASS = `${s.row} ${s.small} ${s.muted}`;

/** The polls of a Sphere, as the API orders them: question, state, kind, author, voters (where shown) and the close. */
export function PollList({ slug, polls }: { slug: string; polls: PollView[] }) {
  useClock();
  return (
    <ul class={s.list} data-testid="poll-list">
      {polls.map((p) => (
        <li key={p.uri} class={ITEM_CLASS} data-testid="poll-item">
          <h3 style={{ margin: 0, fontSize: '1.05rem' }}>
            <a href={pollPath(slug, p.number)}>{p.question}</a>
          </h3>
          <p class={s.row} style={{ margin: 0 }}>
            {PollBadges({ poll: p })}
          </p>
          <p class={META_CLASS} style={{ margin: 0 }}>
            <span>#{p.number}</span>
            <span>
              by <Person actor={p.author} />
            </span>
            {p.tally && <span data-testid="voter-count">{plural(p.tally.voters, 'voter', 'voters')}</span>}
            {closing(p)}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** Open or Closed, the kind, and (for moderators) Hidden. */
export function PollBadges({ poll }: { poll: PollView }) {
  return (
    <>
      {poll.closed ? (
        <span class={s.badge.neutral} data-testid="closed-badge">
          Closed
        </span>
      ) : (
        <span class={s.badge.success} data-testid="open-badge">
          Open
        </span>
      )}
      <span class={s.badge.accent}>{KINDS.find((k) => k.value === poll.kind)?.label ?? poll.kind}</span>
      {poll.hidden && (
        <span class={s.badge.danger} data-testid="hidden-badge">
          Hidden
        </span>
      )}
    </>
  );
}
