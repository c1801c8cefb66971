import { useEffect, useState } from 'preact/hooks';
import { formatDate, timeAgo } from './format';

/**
 * A time as "3 hours ago". The server render and the first render in the
 * browser (hydration) show the date, which doesn't depend on the clock or on
 * when a cached page was made; the relative time follows once mounted.
 */
export function RelativeTime({ iso }: { iso: string }) {
  const [now, setNow] = useState<number>();
  useEffect(() => setNow(Date.now()), []);
  return (
    <time dateTime={iso} title={formatDate(iso)}>
      {now === undefined ? formatDate(iso) : timeAgo(iso, now)}
    </time>
  );
}
