import {
  canWrite,
  ErrorAlert,
  LoadMore,
  type PageProps,
  SelectField,
  session,
  SkeletonList,
  SphereFrame,
  type SphereView,
  styles as s,
  useLocation,
  usePagedQuery,
  usePageMeta,
  useSignInHref,
  useSphere,
} from '../../../client';
import { PollList } from '../components/poll-list';
import {
  type ListState,
  listStateFromQuery,
  listUrl,
  MODULE_LABEL,
  MODULE_NAME,
  newPollPath,
  pollsQuery,
  SORTS,
  STATES,
  type Sort,
  type State,
} from '../model';

export function PollsPage({ params, query }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => <Polls sphere={view} state={listStateFromQuery(query)} />}
    </SphereFrame>
  );
}

function Polls({ sphere, state }: { sphere: SphereView; state: ListState }) {
  usePageMeta({ title: `${MODULE_LABEL} · ${sphere.name}`, description: `Polls of ${sphere.name}.` });
  const { route } = useLocation();
  const go = (next: Partial<ListState>) => route(listUrl(sphere.slug, { ...state, ...next }), true);
  return (
    <>
      <div class={s.spread}>
        <h1 style={{ margin: 0 }}>{MODULE_LABEL}</h1>
        <NewPollLink sphere={sphere} />
      </div>
      <div class={s.row}>
        <SelectField<State> label="Show" value={state.state} options={STATES} onChange={(st) => go({ state: st })} testId="state" />
        <SelectField<Sort> label="Sort" value={state.sort} options={SORTS} onChange={(sort) => go({ sort })} testId="sort" />
      </div>
      <PollsSection sphere={sphere} state={state} />
    </>
  );
}

function NewPollLink({ sphere }: { sphere: SphereView }) {
  const signIn = useSignInHref();
  if (canWrite(sphere)) {
    return (
      <a class={s.button.primary} href={newPollPath(sphere.slug)} data-testid="new-poll">
        New poll
      </a>
    );
  }
  if (session.value && !session.value.loggedIn) {
    return (
      <a class={s.button.secondary} href={signIn}>
        Sign in to vote
      </a>
    );
  }
  return null;
}

function PollsSection({ sphere, state }: { sphere: SphereView; state: ListState }) {
  const list = usePagedQuery(pollsQuery(sphere.slug, state), (out) => out.polls);
  const first = list.first;
  return (
    <section aria-labelledby="polls-heading" class={s.stackSm}>
      <h2 id="polls-heading" class={s.visuallyHidden}>
        Polls
      </h2>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={4} height="5rem" label="Loading polls…" />
      ) : list.items.value.length === 0 ? (
        <p data-testid="no-polls">
          {state.state !== 'all' ? (
            <>
              No {state.state} polls. <a href={listUrl(sphere.slug, { sort: state.sort })}>Show all polls</a>
            </>
          ) : canWrite(sphere) ? (
            <>
              No polls yet. <a href={newPollPath(sphere.slug)}>Ask the first question</a>.
            </>
          ) : (
            'No polls yet.'
          )}
        </p>
      ) : (
        <PollList slug={sphere.slug} polls={list.items.value} />
      )}
      <LoadMore list={list} testId="load-more" />
    </section>
  );
}
