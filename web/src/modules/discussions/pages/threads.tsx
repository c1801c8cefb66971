import { useEffect, useState } from 'preact/hooks';
import {
  actorName,
  canWrite,
  ErrorAlert,
  type PageProps,
  SelectField,
  session,
  SkeletonList,
  SphereFrame,
  type SphereView,
  styles as s,
  TextField,
  useLocation,
  usePagedQuery,
  usePageMeta,
  useSignInHref,
  useSphere,
  LoadMore,
} from '../../../client';
import { ThreadList } from '../components/thread-list';
import {
  feedPath,
  type ListState,
  listStateFromQuery,
  listUrl,
  MODULE_LABEL,
  MODULE_NAME,
  newThreadPath,
  SORTS,
  type Sort,
  threadsQuery,
} from '../model';
import * as css from './threads.css';

export function ThreadsPage({ params, query }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => <Threads sphere={view} state={listStateFromQuery(query)} />}
    </SphereFrame>
  );
}

function Threads({ sphere, state }: { sphere: SphereView; state: ListState }) {
  usePageMeta({
    title: `${MODULE_LABEL} · ${sphere.name}`,
    description: `Discussions of ${sphere.name}: questions, ideas and announcements.`,
    feed: sphere.visibility === 'public' ? feedPath(sphere.slug) : undefined,
  });
  return (
    <>
      <div class={s.spread}>
        <h1 style={{ margin: 0 }}>{MODULE_LABEL}</h1>
        <NewThreadLink sphere={sphere} />
      </div>
      <Filters slug={sphere.slug} state={state} />
      <ThreadsSection sphere={sphere} state={state} />
    </>
  );
}

function NewThreadLink({ sphere }: { sphere: SphereView }) {
  const current = session.value;
  const signIn = useSignInHref();
  if (canWrite(sphere)) {
    return (
      <a class={s.button.primary} href={newThreadPath(sphere.slug)} data-testid="new-thread">
        New thread
      </a>
    );
  }
  if (current && !current.loggedIn) {
    return (
      <a class={s.button.secondary} href={signIn}>
        Sign in to post
      </a>
    );
  }
  return null;
}

function Filters({ slug, state }: { slug: string; state: ListState }) {
  const { route } = useLocation();
  const [q, setQ] = useState(state.q);
  useEffect(() => setQ(state.q), [state.q]);
  const go = (next: Partial<ListState>) => route(listUrl(slug, { ...state, ...next }), true);

  return (
    <div class={s.stackSm}>
      <div class={css.filters}>
        <form
          role="search"
          class={css.search}
          onSubmit={(e) => {
            e.preventDefault();
            go({ q: q.trim() });
          }}
        >
          <div class={css.grow}>
            <TextField label="Search threads" type="search" value={q} onInput={setQ} name="q" testId="search" />
          </div>
          <button type="submit" class={s.button.secondary}>
            Search
          </button>
        </form>
        <SelectField<Sort> label="Sort" value={state.sort} options={SORTS} onChange={(sort) => go({ sort })} testId="sort" />
      </div>
      {(state.tag || state.author) && (
        <p class={`${s.row} ${s.small}`} data-testid="active-filters" style={{ margin: 0 }}>
          {state.tag && (
            <span>
              Tagged <strong>{state.tag}</strong> ·{' '}
              <a href={listUrl(slug, { ...state, tag: '' })}>
                Clear<span class={s.visuallyHidden}> the tag</span>
              </a>
            </span>
          )}
          {state.author && (
            <span>
              By <strong>{actorName({ did: state.author })}</strong> ·{' '}
              <a href={listUrl(slug, { ...state, author: '' })}>
                Clear<span class={s.visuallyHidden}> the author</span>
              </a>
            </span>
          )}
        </p>
      )}
    </div>
  );
}

function ThreadsSection({ sphere, state }: { sphere: SphereView; state: ListState }) {
  const list = usePagedQuery(threadsQuery(sphere.slug, state), (out) => out.threads);
  const first = list.first;
  const filtered = !!(state.q || state.tag || state.author);
  return (
    <section aria-labelledby="threads-heading" class={s.stackSm}>
      <h2 id="threads-heading" class={s.visuallyHidden}>
        Threads
      </h2>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={5} height="5.25rem" label="Loading threads…" />
      ) : list.items.value.length === 0 ? (
        <p data-testid="no-threads">
          {filtered ? (
            <>
              No threads match. <a href={listUrl(sphere.slug, { sort: state.sort })}>Show all threads</a>
            </>
          ) : canWrite(sphere) ? (
            <>
              No threads yet. <a href={newThreadPath(sphere.slug)}>Start the first one</a>.
            </>
          ) : (
            'No threads yet.'
          )}
        </p>
      ) : (
        <ThreadList slug={sphere.slug} threads={list.items.value} state={state} />
      )}
      <LoadMore list={list} testId="load-more" />
    </section>
  );
}
