import {
  ErrorAlert,
  type PageProps,
  plural,
  SkeletonList,
  SphereFrame,
  type SphereView,
  styles as s,
  usePagedQuery,
  usePageMeta,
  useSphere,
} from '../../../client';
import {
  boardPath,
  boardStateFromQuery,
  boardUrl,
  MODULE_LABEL,
  MODULE_NAME,
  requestPath,
  ROADMAP_COLUMNS,
  roadmapQuery,
  type Status,
  statusLabel,
} from '../model';
import * as css from './roadmap.css';

/** The roadmap: what is planned, in progress and done, as columns, from the requests' statuses. */
export function RoadmapPage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current={MODULE_NAME} module={MODULE_NAME}>
      {(view) => <Roadmap sphere={view} />}
    </SphereFrame>
  );
}

function Roadmap({ sphere }: { sphere: SphereView }) {
  usePageMeta({
    title: `Roadmap · ${sphere.name}`,
    description: `What ${sphere.name} has planned, is working on and has done.`,
  });
  return (
    <>
      <div class={s.spread}>
        <h1 style={{ margin: 0 }}>Roadmap</h1>
        <a href={boardPath(sphere.slug)}>All {MODULE_LABEL.toLowerCase()}</a>
      </div>
      <div class={css.columns}>
        {ROADMAP_COLUMNS.map((status) => (
          <Column key={status} slug={sphere.slug} status={status} />
        ))}
      </div>
    </>
  );
}

function Column({ slug, status }: { slug: string; status: Status }) {
  const list = usePagedQuery(roadmapQuery(slug, status), (out) => out.requests);
  const first = list.first;
  const heading = `roadmap-${status}`;
  const items = list.items.value;
  return (
    <section aria-labelledby={heading} class={css.column} data-testid={`roadmap-${status}`}>
      <h2 id={heading} class={css.heading}>
        {statusLabel(status)}
      </h2>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={3} height="3.5rem" label={`Loading ${statusLabel(status).toLowerCase()} requests…`} />
      ) : items.length === 0 ? (
        <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }}>
          Nothing here yet.
        </p>
      ) : (
        <ul class={s.list}>
          {items.map((r) => (
            <li key={r.uri} class={`${s.card} ${css.card}`} data-testid="roadmap-item">
              <a href={requestPath(slug, r.number)} class={css.title}>
                {r.title}
              </a>
              <span class={`${s.small} ${s.muted}`}>
                #{r.number} · {plural(r.voteCount, 'vote', 'votes')}
              </span>
            </li>
          ))}
        </ul>
      )}
      {list.hasMore.value && (
        <a class={s.small} href={boardUrl(slug, { ...boardStateFromQuery({}), statuses: [status] })}>
          See every {statusLabel(status).toLowerCase()} request
        </a>
      )}
    </section>
  );
}
