// The operator's table of every Sphere (site.exosphere.instance.listSpheres),
// with what each holds and its standing: list, hide or suspend it.
import { useState } from 'preact/hooks';
import {
  actorName,
  type ApiError,
  ErrorAlert,
  LIMITS,
  type PagedList,
  relativeTime,
  type Schemas,
  SkeletonList,
  spherePath,
  styles as s,
  TextField,
  toApiError,
  useClock,
  usePagedQuery,
  validateText,
  xrpcProcedure,
} from '../../../client';
import { adminSpheresQuery } from '../routes';
import * as css from './admin.css';

export type SphereSummary = Schemas['site.exosphere.instance.defs.sphereSummary'];
type Standing = 'listed' | 'hidden' | 'suspended';

/** The singular of a count's label, a plural noun: "replies" → "reply", "requests" → "request". */
export function singular(label: string): string {
  if (/ies$/i.test(label)) return `${label.slice(0, -3)}${label.endsWith('IES') ? 'Y' : 'y'}`;
  return /s$/i.test(label) ? label.slice(0, -1) : label;
}

/** "12 requests", "1 thread": the count with its label, in the singular for one. */
export function countLabel(count: number, label: string): string {
  return `${count} ${count === 1 ? singular(label) : label}`;
}

/** One line per module's count ("1 request", "3 replies"), leaving out the empty ones. */
export function contentLines(content: SphereSummary['content']): string[] {
  return content.filter((c) => c.count > 0).map((c) => countLabel(c.count, c.label));
}

/** The error, a "Load more" button while there is a cursor, and the error of the next page. */
export function LoadMore<O, I>({ list }: { list: PagedList<O, I> }) {
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
          >
            {list.loadingMore.value ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}

export function SpheresSection() {
  const list = usePagedQuery(adminSpheresQuery(), (out) => out.spheres);
  // Rows changed here (their standing) until the list reloads.
  const [changed, setChanged] = useState<Record<string, SphereSummary>>({});
  useClock();
  const first = list.first;
  const rows = list.items.value.map((row) => changed[row.sphere.uri] ?? row);
  return (
    <section aria-labelledby="admin-spheres-heading" class={s.stackSm}>
      <h2 id="admin-spheres-heading">Spheres</h2>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={3} height="3rem" label="Loading Spheres…" />
      ) : rows.length === 0 ? (
        <p data-testid="admin-no-spheres">No Spheres yet.</p>
      ) : (
        // Focusable, so keyboard users can scroll it sideways when the columns don't fit. Its own
        // name: a second landmark named "Spheres" (the section's) would be ambiguous.
        <div class={css.tableWrap} role="region" aria-label="Table of Spheres" tabIndex={0}>
          <table class={css.table} data-testid="admin-spheres">
            <caption class={s.visuallyHidden}>Every Sphere on this instance, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Sphere</th>
                <th scope="col">Owner</th>
                <th scope="col">Visibility</th>
                <th scope="col">Members</th>
                <th scope="col">Content</th>
                <th scope="col">Last activity</th>
                <th scope="col">Standing</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <SphereRow
                  key={row.sphere.uri}
                  row={row}
                  onUpdated={(next) => setChanged((c) => ({ ...c, [row.sphere.uri]: next }))}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={list} />
    </section>
  );
}

const STANDING: Record<string, { label: string; badge: string }> = {
  listed: { label: 'Listed', badge: s.badge.success },
  hidden: { label: 'Hidden', badge: s.badge.neutral },
  suspended: { label: 'Suspended', badge: s.badge.danger },
};

function SphereRow({ row, onUpdated }: { row: SphereSummary; onUpdated: (row: SphereSummary) => void }) {
  const { sphere, standing } = row;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [suspending, setSuspending] = useState(false);
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const badge = STANDING[standing] ?? { label: standing, badge: s.badge.neutral };
  const reasonError = validateText('Reason', reason, LIMITS.moderationReason);
  const lines = contentLines(row.content);

  async function set(next: Standing, why?: string) {
    setBusy(true);
    setError(undefined);
    try {
      const out = await xrpcProcedure('site.exosphere.instance.setSphereStanding', {
        sphere: sphere.slug,
        standing: next,
        reason: why?.trim() || undefined,
      });
      onUpdated(out.sphere);
      setSuspending(false);
      setReason('');
      setSubmitted(false);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  // Every row has the same buttons: their names say which Sphere.
  const named = (label: string) => `${label}: ${sphere.name}`;

  return (
    <tr data-testid="admin-sphere-row" data-slug={sphere.slug} data-standing={standing}>
      <th scope="row">
        <a href={spherePath(sphere.slug)}>{sphere.name}</a>
        <span class={`${s.small} ${s.muted} ${css.cellNote}`}>/s/{sphere.slug}</span>
      </th>
      <td data-label="Owner">{actorName(sphere.owner)}</td>
      <td data-label="Visibility">{sphere.visibility === 'public' ? 'Public' : 'Private'}</td>
      <td data-label="Members">{sphere.memberCount}</td>
      <td data-label="Content" data-testid="admin-sphere-content">
        {lines.length === 0 ? (
          'Nothing yet'
        ) : (
          <ul class={css.counts}>
            {lines.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Last activity">{row.lastActivityAt ? relativeTime(row.lastActivityAt) : 'None yet'}</td>
      <td data-label="Standing">
        <div>
          <span class={badge.badge} data-testid="standing">
            {badge.label}
          </span>
          {row.standingReason && <span class={`${s.small} ${s.muted} ${css.cellNote}`}>{row.standingReason}</span>}
        </div>
      </td>
      <td data-label="Actions">
        <div class={css.actions}>
          {suspending ? (
            <form
              class={s.stackSm}
              noValidate
              data-testid="suspend-form"
              onSubmit={(e) => {
                e.preventDefault();
                setSubmitted(true);
                if (!reasonError) void set('suspended', reason);
              }}
            >
              <TextField
                label={`Reason for suspending ${sphere.name}`}
                value={reason}
                onInput={setReason}
                limit={LIMITS.moderationReason}
                hint="Optional; other administrators see it."
                error={submitted ? reasonError : undefined}
              />
              <button
                type="submit"
                class={s.button.danger}
                disabled={busy}
                aria-label={named('Confirm suspension')}
              >
                Confirm suspension
              </button>
              <button type="button" class={s.button.secondary} disabled={busy} onClick={() => setSuspending(false)}>
                Cancel
              </button>
            </form>
          ) : standing === 'suspended' ? (
            <button
              type="button"
              class={s.button.secondary}
              disabled={busy}
              onClick={() => void set('listed')}
              aria-label={named('Lift suspension')}
            >
              Lift suspension
            </button>
          ) : (
            <>
              {standing === 'hidden' ? (
                <button
                  type="button"
                  class={s.button.secondary}
                  disabled={busy}
                  onClick={() => void set('listed')}
                  aria-label={named('List')}
                >
                  List
                </button>
              ) : (
                <button
                  type="button"
                  class={s.button.secondary}
                  disabled={busy}
                  onClick={() => void set('hidden')}
                  aria-label={named('Hide from list')}
                >
                  Hide from list
                </button>
              )}
              <button
                type="button"
                class={s.button.danger}
                disabled={busy}
                onClick={() => setSuspending(true)}
                aria-label={named('Suspend')}
              >
                Suspend
              </button>
            </>
          )}
          {error && <ErrorAlert error={error} />}
        </div>
      </td>
    </tr>
  );
}
