// The operator's page, /admin: every Sphere with its standing, the indexer's
// state, who may create Spheres and the invite codes. Only the instance's
// administrators get its data (the API answers NotAllowed to anyone else).
import type { ComponentChildren } from 'preact';
import {
  type ApiError,
  ErrorAlert,
  errorFromBody,
  instanceQuery,
  Notice,
  plural,
  relativeTime,
  session,
  Skeleton,
  styles as s,
  toApiError,
  useClock,
  usePageMeta,
  useQuery,
  useResource,
  useSignInHref,
} from '../../../client';
import { CreationSection, InvitesSection } from './admin-access';
import { SpheresSection } from './admin-spheres';
import * as css from './admin.css';

const TITLE = 'Instance administration';

export function AdminPage() {
  const current = session.value;
  if (!current) return <Loading />;
  if (!current.loggedIn) return <SignedOut />;
  return <Admin />;
}

function Frame({ children, status }: { children: ComponentChildren; status?: number }) {
  usePageMeta({ title: TITLE, status });
  return (
    <div class={s.stack}>
      <h1>{TITLE}</h1>
      {children}
    </div>
  );
}

function Loading() {
  return (
    <Frame>
      <div class={s.stack} role="status" aria-live="polite" data-testid="loading">
        <span class={s.visuallyHidden}>Loading…</span>
        <Skeleton height="12rem" />
      </div>
    </Frame>
  );
}

function SignedOut() {
  const href = useSignInHref();
  return (
    <Frame>
      <Notice>
        <a href={href}>Sign in</a> as an administrator of this instance to manage it.
      </Notice>
    </Frame>
  );
}

/** The message for anyone but the instance's administrators, with none of the data. */
export function NotAdmin() {
  return (
    <Frame status={403}>
      <div class={s.alert.info} data-testid="not-admin">
        This page is for this instance’s administrators.
      </div>
    </Frame>
  );
}

const isNotAllowed = (error: ApiError | undefined) => error?.error === 'NotAllowed';

function Admin() {
  const instance = useQuery(instanceQuery());
  const data = instance.data.value;
  const error = instance.error.value;
  if (isNotAllowed(error)) return <NotAdmin />;
  if (!data && error) {
    return (
      <Frame>
        <ErrorAlert error={error} retry={() => void instance.refetch()} />
      </Frame>
    );
  }
  if (!data) return <Loading />;
  if (!data.viewer?.admin) return <NotAdmin />;
  return (
    <Frame>
      <p class={s.muted} style={{ margin: 0 }}>
        What this Exosphere instance holds and who may start Spheres on it. Hiding or suspending a Sphere is local
        moderation: its records stay on their owners’ PDSes.
      </p>
      <SpheresSection />
      <IndexerSection />
      <CreationSection policy={data.sphereCreation} />
      <InvitesSection policy={data.sphereCreation} />
    </Frame>
  );
}

/** What GET /xrpc/_indexer answers (public JSON, outside the Lexicons). */
export interface IndexerState {
  lagSeconds: number | null;
  cursorUs: number | null;
  events: number;
  indexed: number;
  unchanged: number;
  ignored: number;
  rejected: number;
  malformed: number;
  failed: number;
  updatedAt: string | null;
}

async function fetchIndexer(): Promise<IndexerState> {
  let response: Response;
  try {
    response = await fetch('/xrpc/_indexer', { credentials: 'include' });
  } catch (e) {
    throw toApiError(e);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok || !body || typeof body !== 'object') throw errorFromBody(response.status, body);
  return body as IndexerState;
}

/** "under a second", "12 seconds", "3 minutes", "2 hours", "4 days". */
export function humanLag(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 60) return plural(Math.round(seconds), 'second', 'seconds');
  if (seconds < 3600) return plural(Math.floor(seconds / 60), 'minute', 'minutes');
  if (seconds < 86400) return plural(Math.floor(seconds / 3600), 'hour', 'hours');
  return plural(Math.floor(seconds / 86400), 'day', 'days');
}

const COUNTERS: [keyof IndexerState, string][] = [
  ['events', 'Events'],
  ['indexed', 'Indexed'],
  ['unchanged', 'Unchanged'],
  ['ignored', 'Ignored'],
  ['rejected', 'Rejected'],
  ['malformed', 'Malformed'],
  ['failed', 'Failed'],
];

function IndexerSection() {
  // Never server-rendered (no XRPC method): the page loads it once mounted.
  const state = useResource('_indexer', fetchIndexer);
  useClock();
  const data = state.data.value;
  const error = state.error.value;
  return (
    <section aria-labelledby="indexer-heading" class={`${s.card} ${s.stackSm}`} data-testid="indexer">
      <div class={s.spread}>
        <h2 id="indexer-heading" style={{ margin: 0 }}>
          Indexer
        </h2>
        <button type="button" class={s.button.secondary} disabled={state.loading.value} onClick={() => void state.refetch()}>
          Refresh<span class={s.visuallyHidden}> the indexer’s state</span>
        </button>
      </div>
      <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }}>
        What the indexer has read from the network (Jetstream), counted since this database was created.
      </p>
      {error && !data ? (
        <ErrorAlert error={error} retry={() => void state.refetch()} />
      ) : !data ? (
        <div role="status" aria-live="polite">
          <span class={s.visuallyHidden}>Loading the indexer’s state…</span>
          <Skeleton height="4rem" />
        </div>
      ) : (
        <dl class={css.stats}>
          <div>
            <dt>Lag</dt>
            <dd data-testid="indexer-lag">{data.lagSeconds === null ? 'no events yet' : humanLag(data.lagSeconds)}</dd>
          </div>
          {COUNTERS.map(([key, label]) => (
            <div key={key}>
              <dt>{label}</dt>
              <dd>{String(data[key] ?? 0)}</dd>
            </div>
          ))}
          <div>
            <dt>Last update</dt>
            <dd>{data.updatedAt ? relativeTime(data.updatedAt) : 'never'}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}
