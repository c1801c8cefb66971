// What every Sphere page shares: reading the Sphere, what the viewer may do
// there, and the Sphere's header with its tabs (one per enabled module).
import type { ComponentChildren } from 'preact';
import type { SphereView } from './api';
import { usePageMeta } from './head';
import { enabledModules, findModule, moduleLabel, spherePath } from './module';
import { querySpec, type Resource, useQuery } from './query';
import { homeLinkLabel } from './site';
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

/** The Sphere header's current tab: a module's name, or one of core's pages. */
export type SphereTab = 'home' | 'members' | 'settings' | (string & {});

interface Tab {
  id: SphereTab;
  href: string;
  label: string;
}

/** The Sphere's tabs: one per module it enables (registry order), then Members, then Settings for the owner. */
export function sphereTabs(sphere: SphereView): Tab[] {
  const base = spherePath(sphere.slug);
  const tabs: Tab[] = enabledModules(sphere).map((m) => ({ id: m.name, href: m.tab.path(sphere.slug), label: m.tab.label }));
  tabs.push({ id: 'members', href: `${base}/members`, label: 'Members' });
  if (isOwner(sphere)) tabs.push({ id: 'settings', href: `${base}/settings`, label: 'Settings' });
  return tabs;
}

export function SphereHeader({ sphere, current }: { sphere: SphereView; current?: SphereTab | undefined }) {
  const base = spherePath(sphere.slug);
  return (
    <header class={s.stackSm} data-testid="sphere-header">
      <div class={s.spread}>
        <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }}>
          <a href={base} aria-current={current === 'home' ? 'page' : undefined}>
            {sphere.name}
          </a>
        </p>
        <span class={s.row}>
          <span class={s.badge.neutral}>{sphere.visibility === 'public' ? 'Public' : 'Private'}</span>
          <span class={s.badge.neutral}>{sphere.writeMode === 'open' ? 'Open to all' : 'Members write'}</span>
          {sphere.viewer?.role && <span class={s.badge.accent}>{roleLabel(sphere.viewer.role)}</span>}
        </span>
      </div>
      <nav aria-label="Sphere">
        <ul class={s.tabs} data-testid="sphere-tabs">
          {sphereTabs(sphere).map((t) => (
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
 * the header and the page. A module's pages name their module: when the
 * Sphere doesn't enable it, the frame says so (404) instead of the page.
 */
export function SphereFrame({
  resource,
  current,
  module,
  children,
}: {
  resource: Resource<{ sphere: SphereView }>;
  current?: SphereTab | undefined;
  /** The module whose page this is (its name). */
  module?: string | undefined;
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
  const disabled = module !== undefined && !enabledModules(sphere).some((m) => m.name === module);
  return (
    <div class={s.stack}>
      <SphereHeader sphere={sphere} current={current} />
      {disabled ? <ModuleDisabled sphere={sphere} module={module} /> : children(sphere)}
    </div>
  );
}

/** A module's page in a Sphere that doesn't use the module (or a build without it). */
export function ModuleDisabled({ sphere, module }: { sphere: SphereView; module: string }) {
  const label = moduleLabel(module);
  usePageMeta({ title: `${label} · ${sphere.name}`, status: 404 });
  return (
    <>
      <h1>{label}</h1>
      <div class={s.alert.info} data-testid="module-disabled">
        This Sphere doesn't use {label}. <a href={spherePath(sphere.slug)}>Go to the Sphere’s home</a>
        {isOwner(sphere) && findModule(module) && (
          <>
            {' '}
            or <a href={`${spherePath(sphere.slug)}/settings`}>turn it on in the settings</a>
          </>
        )}
        .
      </div>
    </>
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
        <a href="/">{homeLinkLabel()}</a>
      </p>
    </div>
  );
}
