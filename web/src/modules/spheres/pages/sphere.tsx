// A Sphere's home, /s/:sphere: what the Sphere is, the modules it uses and
// what happened lately in all of them (site.exosphere.sphere.getActivity).
// It belongs to no module: the modules come from client/ (the registry the
// app installed).
import {
  type ActivityItem,
  Person,
  enabledModules,
  ErrorAlert,
  findModule,
  isOwner,
  type PageProps,
  RelativeTime,
  SkeletonList,
  SphereFrame,
  type SphereView,
  spherePath,
  styles as s,
  usePagedQuery,
  usePageMeta,
  useSphere,
} from '../../../client';
import { activityQuery, sphereFeedPath } from '../routes';
import * as css from './sphere.css';

export function SphereHomePage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current="home">
      {(view) => <SphereHome sphere={view} />}
    </SphereFrame>
  );
}

const isPublic = (sphere: SphereView) => sphere.visibility === 'public';

function SphereHome({ sphere }: { sphere: SphereView }) {
  usePageMeta({
    title: sphere.name,
    description: sphere.description || `${sphere.name}, a Sphere on Exosphere.`,
    feed: isPublic(sphere) ? sphereFeedPath(sphere.slug) : undefined,
  });
  return (
    <>
      <h1 style={{ margin: 0 }}>{sphere.name}</h1>
      <Standing sphere={sphere} />
      {sphere.description && <p class={`${s.pre} ${s.muted}`}>{sphere.description}</p>}
      <SphereModules sphere={sphere} />
      <Activity sphere={sphere} />
    </>
  );
}

/** What an instance administrator did to the Sphere (only they ever see a suspended one). */
function Standing({ sphere }: { sphere: SphereView }) {
  if (sphere.standing === 'suspended') {
    return (
      <div class={css.warning} data-testid="sphere-standing">
        <strong>This Sphere is suspended:</strong> only this instance’s administrators see it, and new records from the
        network are ignored.
      </div>
    );
  }
  if (sphere.standing === 'hidden') {
    return (
      <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }} data-testid="sphere-standing">
        Hidden from this instance’s list of Spheres.
      </p>
    );
  }
  return null;
}

function SphereModules({ sphere }: { sphere: SphereView }) {
  const modules = enabledModules(sphere);
  return (
    <section aria-labelledby="modules-heading" class={s.stackSm}>
      <h2 id="modules-heading">In this Sphere</h2>
      {modules.length === 0 ? (
        <p data-testid="no-modules" style={{ margin: 0 }}>
          This Sphere uses no tools yet.
          {isOwner(sphere) && (
            <>
              {' '}
              <a href={`${spherePath(sphere.slug)}/settings`}>Choose them in the settings</a>.
            </>
          )}
        </p>
      ) : (
        <ul class={css.modules} data-testid="sphere-modules">
          {modules.map((m) => (
            <li key={m.name}>
              <a class={s.button.secondary} href={m.tab.path(sphere.slug)}>
                {m.label}
              </a>
              {m.feed && isPublic(sphere) && (
                <a class={s.button.ghost} href={m.feed(sphere.slug)}>
                  Feed<span class={s.visuallyHidden}> of {m.label} (Atom)</span>
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Activity({ sphere }: { sphere: SphereView }) {
  const list = usePagedQuery(activityQuery(sphere.slug), (out) => out.items);
  const first = list.first;
  return (
    <section aria-labelledby="activity-heading" class={s.stackSm}>
      <div class={s.spread}>
        <h2 id="activity-heading" style={{ margin: 0 }}>
          Activity
        </h2>
        {isPublic(sphere) && (
          <a class={s.small} href={sphereFeedPath(sphere.slug)}>
            Atom feed<span class={s.visuallyHidden}> of the Sphere</span>
          </a>
        )}
      </div>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={4} height="4.5rem" label="Loading the activity…" />
      ) : list.items.value.length === 0 ? (
        <p data-testid="no-activity" style={{ margin: 0 }}>
          Nothing has happened here yet.
        </p>
      ) : (
        <ul class={s.list} data-testid="activity-list">
          {list.items.value.map((item) => (
            <ActivityRow key={`${item.uri} ${item.kind}`} item={item} />
          ))}
        </ul>
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

/** Only paths on this site are links (the server gives the item's page as a path). */
const localPath = (path: string) => path.startsWith('/') && !path.startsWith('//') && !path.includes('\\');

function ActivityRow({ item }: { item: ActivityItem }) {
  const module = findModule(item.module);
  const kind = module?.activity?.kinds[item.kind];
  const detail = item.detail && (module?.activity?.detail?.(item.detail, item.kind) ?? item.detail);
  return (
    <li class={`${s.card} ${css.item}`} data-testid="activity-item">
      <p class={`${s.row} ${s.small} ${s.muted} ${css.meta}`}>
        <span class={s.badge.neutral}>{module?.label ?? item.module}</span>
        {kind && <span>{kind}</span>}
        {detail && (
          <span class={s.badge.accent} data-testid="activity-detail">
            {detail}
          </span>
        )}
      </p>
      <h3 class={css.title}>{localPath(item.path) ? <a href={item.path}>{item.title}</a> : item.title}</h3>
      {item.text && <p class={`${s.pre} ${s.small}`}>{item.text}</p>}
      <p class={`${s.small} ${s.muted} ${css.meta}`}>
        <Person actor={item.actor} /> · <RelativeTime iso={item.createdAt} />
      </p>
    </li>
  );
}
