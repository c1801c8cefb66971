import { useEffect, useState } from 'preact/hooks';
import { plural, styles as s, xrpcQuery } from '../../../client';
import { requestPath } from '../model';
import type { RequestView } from '../types';
import { StatusBadge } from './status-badge';

/** How long typing pauses before the search runs. */
export const SIMILAR_DELAY_MS = 300;
/** Fewer characters than this find nothing worth showing. */
const MIN_CHARS = 3;

/**
 * Requests like the title being typed (findSimilar, once typing pauses), so
 * that people vote for one instead of posting it again. Suggestions are a
 * help, not a step: a failed search shows nothing.
 */
export function SimilarRequests({ slug, title }: { slug: string; title: string }) {
  const [found, setFound] = useState<RequestView[]>([]);
  useEffect(() => {
    const text = title.trim();
    if (text.length < MIN_CHARS) {
      setFound([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      xrpcQuery('site.exosphere.featureRequest.findSimilar', { sphere: slug, text, limit: 5 }).then(
        (out) => current && setFound(out.requests),
        () => current && setFound([]),
      );
    }, SIMILAR_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [slug, title]);

  return (
    <div aria-live="polite" data-testid="similar-requests">
      {found.length > 0 && (
        <div class={`${s.card} ${s.stackSm}`}>
          <p style={{ margin: 0 }}>
            <strong>Similar requests.</strong> Is yours one of these? Vote for it instead of posting it again.
          </p>
          <ul class={s.stackSm} style={{ margin: 0, paddingLeft: '1.25rem' }}>
            {found.map((r) => (
              <li key={r.uri}>
                <a href={requestPath(slug, r.number)}>{r.title}</a>{' '}
                <span class={`${s.small} ${s.muted}`}>
                  <StatusBadge status={r.status} /> {plural(r.voteCount, 'vote', 'votes')}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
