import type { PagedList } from '../query';
import * as s from '../styles.css';
import { ErrorAlert } from './alert';

/** The "Load more" of a paged list: its error with a retry, and the button while there are pages left. */
export function LoadMore({ list, label = 'Load more', testId }: { list: PagedList<unknown, unknown>; label?: string; testId?: string }) {
  return (
    <>
      {list.moreError.value && <ErrorAlert error={list.moreError.value} retry={() => void list.loadMore()} />}
      {list.hasMore.value && (
        <div>
          <button
            type="button"
            class={s.button.secondary}
            disabled={list.loadingMore.value}
            onClick={() => void list.loadMore()}
            data-testid={testId}
          >
            {list.loadingMore.value ? 'Loading…' : label}
          </button>
        </div>
      )}
    </>
  );
}
