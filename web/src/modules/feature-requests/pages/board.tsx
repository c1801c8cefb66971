import { useEffect, useState } from 'preact/hooks';
import {
  canModerate,
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
  useQuery,
  useSignInHref,
  useSphere,
  viewerDid,
} from '../../../client';
import { RequestList } from '../components/request-list';
import { TagManager } from '../components/tags';
import {
  type BoardState,
  boardQuery,
  boardStateFromQuery,
  boardUrl,
  DEFAULT_STATUSES,
  exportPath,
  feedPath,
  isDefaultStatuses,
  MODULE_LABEL,
  MODULE_NAME,
  newRequestPath,
  roadmapPath,
  tagsQuery,
  SORTS,
  type Sort,
  STATUSES,
  type Status,
} from '../model';
import * as css from './board.css';

export function BoardPage({ params, query }: PageProps) {
  const slug = params.sphere ?? '';
  const sphere = useSphere(slug);
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => <Board sphere={view} state={boardStateFromQuery(query)} />}
    </SphereFrame>
  );
}

function Board({ sphere, state }: { sphere: SphereView; state: BoardState }) {
  usePageMeta({
    title: `${MODULE_LABEL} · ${sphere.name}`,
    description: `Feature requests of ${sphere.name}: vote for what should come next.`,
    feed: sphere.visibility === 'public' ? feedPath(sphere.slug) : undefined,
  });
  return (
    <>
      <div class={s.spread}>
        <h1 style={{ margin: 0 }}>{MODULE_LABEL}</h1>
        <div class={s.row}>
          <a href={roadmapPath(sphere.slug)} data-testid="roadmap-link">
            Roadmap
          </a>
          {canModerate(sphere) && (
            // A named download: the router leaves such links to the browser (an empty `download` it would take).
            <a href={exportPath(sphere.slug)} download={`${sphere.slug}-feature-requests.csv`} data-testid="export-csv">
              Export CSV
            </a>
          )}
          <NewRequestLink sphere={sphere} />
        </div>
      </div>
      <Filters slug={sphere.slug} state={state} />
      {canModerate(sphere) && <TagManager slug={sphere.slug} />}
      <Requests sphere={sphere} state={state} />
    </>
  );
}

function NewRequestLink({ sphere }: { sphere: SphereView }) {
  const current = session.value;
  const signIn = useSignInHref();
  if (canWrite(sphere)) {
    return (
      <a class={s.button.primary} href={newRequestPath(sphere.slug)} data-testid="new-request">
        New request
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

function Filters({ slug, state }: { slug: string; state: BoardState }) {
  const { route } = useLocation();
  const [q, setQ] = useState(state.q);
  useEffect(() => setQ(state.q), [state.q]);
  const go = (next: Partial<BoardState>) => route(boardUrl(slug, { ...state, ...next }), true);
  const viewer = viewerDid.value;
  const tags = useQuery(tagsQuery(slug));
  // The tag in the URL stays listed even when the board has no such tag (it then matches nothing).
  const tagNames = [...new Set([...(tags.data.value?.tags ?? []).map((t) => t.name), ...(state.tag ? [state.tag] : [])])];
  const toggleStatus = (status: Status) =>
    go({
      statuses: state.statuses.includes(status)
        ? state.statuses.filter((s) => s !== status)
        : [...state.statuses, status],
    });

  return (
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
          <TextField label="Search requests" type="search" value={q} onInput={setQ} name="q" testId="search" />
        </div>
        <button type="submit" class={s.button.secondary}>
          Search
        </button>
      </form>
      <SelectField<Sort> label="Sort" value={state.sort} options={SORTS} onChange={(sort) => go({ sort })} testId="sort" />
      {tagNames.length > 0 && (
        <SelectField<string>
          label="Tag"
          value={state.tag}
          options={[{ value: '', label: 'All tags' }, ...tagNames.map((name) => ({ value: name, label: name }))]}
          onChange={(tag) => go({ tag })}
          testId="tag-filter"
        />
      )}
      <fieldset class={css.chips} data-testid="status-filter">
        <legend class={css.chipsLegend}>Status</legend>
        {STATUSES.map((o) => (
          <Chip key={o.value} label={o.label} checked={state.statuses.includes(o.value)} onChange={() => toggleStatus(o.value)} />
        ))}
        {!isDefaultStatuses(state.statuses) && (
          <button type="button" class={css.reset} onClick={() => go({ statuses: DEFAULT_STATUSES })} data-testid="status-reset">
            Reset
          </button>
        )}
      </fieldset>
      {viewer && (
        <fieldset class={css.chips} data-testid="mine-filter">
          <legend class={css.chipsLegend}>Only</legend>
          <Chip label="My requests" checked={state.by === viewer} onChange={() => go({ by: state.by === viewer ? '' : viewer })} />
          <Chip label="I voted" checked={state.voted} onChange={() => go({ voted: !state.voted })} />
        </fieldset>
      )}
    </div>
  );
}

/** A checkbox that looks like a toggle chip. */
function Chip({ label, checked, onChange }: { label: string; checked: boolean; onChange: () => void }) {
  return (
    <label class={css.chip}>
      <input type="checkbox" class={css.chipInput} checked={checked} onChange={onChange} />
      {label}
    </label>
  );
}

function Requests({ sphere, state }: { sphere: SphereView; state: BoardState }) {
  const signIn = useSignInHref();
  const anonymous = session.value !== undefined && !session.value.loggedIn;
  const list = usePagedQuery(boardQuery(sphere.slug, state), (out) => out.requests);
  const first = list.first;
  const filtered = !!(state.q || state.by || state.voted || state.tag || !isDefaultStatuses(state.statuses));
  return (
    <section aria-labelledby="requests-heading" class={s.stackSm}>
      <h2 id="requests-heading" class={s.visuallyHidden}>
        Requests
      </h2>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={5} height="5.25rem" label="Loading requests…" />
      ) : list.items.value.length === 0 ? (
        <p data-testid="no-requests">
          {filtered ? 'No requests match.' : 'No requests yet.'}
        </p>
      ) : (
        <RequestList
          slug={sphere.slug}
          requests={list.items.value}
          canVote={canWrite(sphere)}
          signInHref={anonymous ? signIn : undefined}
        />
      )}
      {list.moreError.value && <ErrorAlert error={list.moreError.value} retry={() => void list.loadMore()} />}
      {list.hasMore.value && (
        <div>
          <button
            type="button"
            class={s.button.secondary}
            disabled={list.loadingMore.value}
            onClick={() => void list.loadMore()}
            data-testid="load-more"
          >
            {list.loadingMore.value ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}
