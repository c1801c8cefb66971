import { styles as s } from '../../../client';
import { type ListState, listUrl } from '../model';
import * as css from './tags.css';

/** A thread's tags as chips; each links to the thread list filtered by it (keeping the list's other filters). */
export function TagList({ slug, tags, state }: { slug: string; tags: readonly string[]; state?: ListState | undefined }) {
  if (tags.length === 0) return null;
  return (
    <ul class={css.tags} aria-label="Tags" data-testid="tags">
      {tags.map((tag) => (
        <li key={tag}>
          <a
            class={css.chip}
            href={listUrl(slug, { ...state, tag })}
            aria-current={state?.tag === tag ? 'true' : undefined}
            data-testid="tag"
          >
            <span class={s.visuallyHidden}>Tag: </span>
            {tag}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Tags being typed, as they will be saved. */
export function TagPreview({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return null;
  return (
    <ul class={css.tags} aria-label="Tags to save">
      {tags.map((tag) => (
        <li key={tag} class={css.chip}>
          {tag}
        </li>
      ))}
    </ul>
  );
}
