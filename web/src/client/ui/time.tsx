import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { formatDate, timeAgo } from './format';

const MINUTE = 60_000;

/**
 * The app's clock for relative times: unknown until a component showing
 * times has mounted (the server never sets it), then the time of the latest
 * such mount, kept current every minute.
 */
const now = signal<number | undefined>(undefined);
let ticking: ReturnType<typeof setInterval> | undefined;

function startClock(): void {
  now.value = Date.now();
  ticking ??= setInterval(() => {
    now.value = Date.now();
  }, MINUTE);
}

/** Stops and forgets the clock, as a new page load would (tests start each page so). */
export function resetClock(): void {
  clearInterval(ticking);
  ticking = undefined;
  now.value = undefined;
}

/**
 * Starts the clock once the calling component has mounted (hydrated): the
 * component that renders times with relativeTime() calls it (RelativeTime does).
 */
export function useClock(): void {
  useEffect(startClock, []);
}

/** The clock's time, for a component that calls useClock(): undefined on the server and in the hydration render. */
export function clockNow(): number | undefined {
  return now.value;
}

/**
 * A time as "3 hours ago", for a component that calls useClock(). The server
 * render and the first render in the browser (hydration) show the date,
 * which depends neither on the clock nor on when a cached page was made; the
 * relative time follows once mounted. A function (no component per time):
 * a page may show a hundred.
 */
export function relativeTime(iso: string) {
  const date = formatDate(iso);
  const current = now.value;
  return (
    <time dateTime={iso} title={date}>
      {current === undefined ? date : timeAgo(iso, current)}
    </time>
  );
}

/** relativeTime as a component of its own. */
export function RelativeTime({ iso }: { iso: string }) {
  useClock();
  return relativeTime(iso);
}
