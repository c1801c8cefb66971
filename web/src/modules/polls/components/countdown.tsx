import { clockNow, formatDate, useClock } from '../../../client';
import { timeLeft } from '../model';
import type { PollView } from '../types';

/**
 * When the poll closes: "Closes in 2 days 3 hours" once the page has mounted
 * (kept current by the app's clock), the date in the server render and the
 * hydration render (which know no clock), "Closed" once past.
 */
export function Countdown({ poll }: { poll: Pick<PollView, 'closesAt' | 'closed'> }) {
  useClock();
  return closing(poll);
}

/** Countdown's text as a function, for lists (no component per item). */
export function closing(poll: Pick<PollView, 'closesAt' | 'closed'>) {
  if (!poll.closesAt) return <span data-testid="countdown">Open, no closing time</span>;
  const now = clockNow();
  const left = now === undefined ? undefined : timeLeft(poll.closesAt, now);
  const date = formatDate(poll.closesAt);
  if (poll.closed || (now !== undefined && !left)) {
    return (
      <span data-testid="countdown">
        Closed <time dateTime={poll.closesAt}>{date}</time>
      </span>
    );
  }
  return (
    <span data-testid="countdown">
      Closes <time dateTime={poll.closesAt} title={date}>{left ? `in ${left}` : date}</time>
    </span>
  );
}
