// What every Sphere page shares: reading the Sphere, what the viewer may do
// there, and the Sphere's header with its tabs.
import type { ComponentChildren } from 'preact';
import type { SphereView } from './api';
import { usePageMeta } from './head';
import { querySpec, type Resource, useQuery } from './query';
import * as s from './styles.css';
import { ErrorAlert } from './ui/alert';
import { Skeleton } from './ui/skeleton';

export function sphereQuery(slug: string) {
  return querySpec('site.exosphere.sphere.getSphere', { sphere: slug });
}

export function useSphere(slug: string) {
  return useQuery(sphereQuery(slug));
}

export const isOwner = (sphere: SphereView) => sphere.viewer?.role === 'owner';
export const canWrite = (sphere: SphereView) => sphere.viewer?.canWrite === true;
export const canModerate = (sphere: SphereView) => sphere.viewer?.canModerate === true;
export const isInvited = (sphere: SphereView) => sphere.viewer?.status === 'invited';
export const isActiveMember = (sphere: SphereView) => sphere.viewer?.status === 'active';

export const spherePath = (slug: string) => `/s/${encodeURIComponent(slug)}`;

export type SphereTab = 'board' | 'members' | 'settings' | 'other';

export function SphereHeader({ sphere, current }: { sphere: SphereView; current: SphereTab }) {
  const base = spherePath(sphere.slug);
  const tabs: { id: SphereTab; href: string; label: string; show: boolean }[] = [
    { id: 'board', href: base, label: 'Feature requests', show: sphere.modules.includes('feature-requests') },
    { id: 'members', href: `${base}/members`, label: 'Members', show: true },
    { id: 'settings', href: `${base}/settings`, label: 'Settings', show: isOwner(sphere) },
  ];
  return (
    <header class={s.stackSm} data-testid="sphere-header">
      <div class={s.spread}>
        <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }}>
          <a href={base}>{sphere.name}</a>
        </p>
        <span class={s.row}>
          <span class={s.badge.neutral}>{sphere.visibility === 'public' ? 'Public' : 'Private'}</span>
          <span class={s.badge.neutral}>{sphere.writeMode === 'open' ? 'Open to all' : 'Members write'}</span>
          {sphere.viewer?.role && <span class={s.badge.accent}>{roleLabel(sphere.viewer.role)}</span>}
        </span>
      </div>
      <nav aria-label="Sphere">
        <ul class={s.tabs}>
          {tabs
            .filter((t) => t.show)
            .map((t) => (
              <li key={t.id}>
                <a class={s.tab} href={t.href} aria-current={t.id === current ? 'page' : undefined}>
                  {t.label}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      {isInvited(sphere) && (
        <div class={s.alert.info}>
          You are invited to join this Sphere. <a href={`${base}/invite`}>Review the invitation</a>
        </div>
      )}
    </header>
  );
}

export function roleLabel(role: string): string {
  return role === 'owner' ? 'Owner' : role === 'admin' ? 'Admin' : role === 'member' ? 'Member' : role;
}

/**
 * Renders a Sphere page once the Sphere is loaded: a skeleton of the header
 * while loading, the API's error (404 for the server when not found), or
 * the header and the page.
 */
export function SphereFrame({
  resource,
  current,
  children,
}: {
  resource: Resource<{ sphere: SphereView }>;
  current: SphereTab;
  children: (sphere: SphereView) => ComponentChildren;
}) {
  const sphere = resource.data.value?.sphere;
  const error = resource.error.value;
  if (!sphere && error) return <SphereError error={error} retry={() => void resource.refetch()} />;
  if (!sphere) {
    return (
      <div class={s.stack} role="status" aria-live="polite" data-testid="loading">
        <span class={s.visuallyHidden}>Loading the Sphere…</span>
        <Skeleton height="1.5rem" width="40%" />
        <Skeleton height="2.75rem" />
        <Skeleton height="12rem" />
      </div>
    );
  }
  return (
    <div class={s.stack}>
      <SphereHeader sphere={sphere} current={current} />
      {children(sphere)}
    </div>
  );
}

function SphereError({ error, retry }: { error: import('./errors').ApiError; retry: () => void }) {
  usePageMeta({
    title: error.notFound ? 'Sphere not found' : 'Could not load the Sphere',
    status: error.status || 500,
  });
  return (
    <div class={s.stack}>
      <h1>{error.notFound ? 'Sphere not found' : 'Could not load the Sphere'}</h1>
      <ErrorAlert error={error} retry={error.notFound ? undefined : retry} />
      <p>
        <a href="/">All Spheres</a>
      </p>
    </div>
  );
}
