// Formatting that gives the same text on the server (QuickJS has no Intl)
// and in the browser, so hydration never meets a different string.
import type { ActorView } from '../api';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Dates as formatted, remembered (bounded): the server renders the same
// times for one visitor after another, and a date costs QuickJS more than
// the rest of a time's markup.
const DATES = new Map<string, string>();

/** "3 Mar 2026" (UTC), or the input when it isn't a date. */
export function formatDate(iso: string): string {
  let date = DATES.get(iso);
  if (date === undefined) {
    const d = new Date(iso);
    date = Number.isNaN(d.getTime()) ? iso : `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
    if (DATES.size >= 4096) DATES.clear();
    DATES.set(iso, date);
  }
  return date;
}

/** A person in words: their display name, else their handle ({@link atHandle}). */
export function actorName(actor: ActorView | undefined): string {
  if (!actor) return 'someone';
  return actor.displayName ?? atHandle(actor);
}

/** "@alice.example.com", or the DID when the handle is unknown. */
export function atHandle(account: { did?: string; handle?: string }): string {
  return account.handle ? `@${account.handle}` : (account.did ?? '');
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago"; older (or future) times as formatDate. */
export function timeAgo(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const ago = now - then;
  if (ago < -MINUTE) return formatDate(iso);
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${plural(Math.floor(ago / MINUTE), 'minute', 'minutes')} ago`;
  if (ago < DAY) return `${plural(Math.floor(ago / HOUR), 'hour', 'hours')} ago`;
  if (ago < 2 * DAY) return 'yesterday';
  if (ago < 7 * DAY) return `${Math.floor(ago / DAY)} days ago`;
  return formatDate(iso);
}
