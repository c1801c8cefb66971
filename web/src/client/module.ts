// The module contract of the web app. A module (a folder under src/modules/)
// describes itself with a ClientModule: its name, label, tab, routes and feed.
// The app installs the registry's list here (installModules) as it starts, so
// that client/ and the Sphere pages see the modules without importing any.
import type { ComponentType } from 'preact';
import type { SphereView } from './api';
import type { QuerySpec } from './query';

/** What a page gets from the router. */
export interface PageProps {
  params: Record<string, string>;
  query: Record<string, string>;
}

export interface ModuleRoute {
  /** preact-iso path, e.g. `/s/:sphere/<module>/:number`. */
  path: string;
  /** The page: lazy() in the browser; the server render installs the eager pages instead. */
  component: ComponentType<PageProps>;
  /**
   * The XRPC queries the page reads on its first render, for the server to
   * prefetch (their results are injected as __SSR_DATA__ under their keys).
   */
  queries?: (route: PageProps) => QuerySpec[];
}

/** A module's tab in the Sphere header. */
export interface ModuleTab {
  label: string;
  /** The tab's address in the Sphere with this slug. */
  path: (slug: string) => string;
}

/**
 * A module of the web app: everything client/ and the Sphere pages know of
 * it. Modules import web/src/client only, never each other.
 */
export interface ClientModule {
  /** The backend's module name, as a Sphere's `modules` list holds it. */
  name: string;
  /** For people, e.g. in settings and on the Sphere home. */
  label: string;
  /**
   * The NSID prefixes of the Lexicons it owns, as its backend crate claims
   * them (`[package.metadata.exosphere] lexicons`), e.g. `site.exosphere.note`.
   */
  lexicons: readonly string[];
  /** Its tab in the Sphere header, shown when the Sphere enables the module. */
  tab: ModuleTab;
  /** Its pages, in match order (a literal segment before a `:param` in the same place). */
  routes: ModuleRoute[];
  /** Its Atom feed in a Sphere, when it has one (the server serves it). */
  feed?: (slug: string) => string;
  /** How its items read in the Sphere's activity feed (else by their raw `kind` and `detail`). */
  activity?: ModuleActivity;
}

export interface ModuleActivity {
  /** What each `kind` of item is called, e.g. `{ status: 'Status changed' }`. */
  kinds: Record<string, string>;
  /** The item's `detail` for people (e.g. a status's label). */
  detail?: (detail: string, kind: string) => string;
}

/**
 * A module's pages imported directly (its `eager.ts`), by route path, for the
 * server render: it renders in one synchronous pass, where a lazy page would
 * only suspend.
 */
export interface EagerPages {
  /** The module's name. */
  module: string;
  pages: Record<string, ComponentType<PageProps>>;
}

/**
 * The modules with their eager pages in place of the lazy ones. Throws when a
 * route has no eager page: the server would render it as loading forever.
 */
export function withEagerPages(modules: readonly ClientModule[], eager: readonly EagerPages[]): ClientModule[] {
  return modules.map((m) => {
    const pages = eager.find((e) => e.module === m.name)?.pages ?? {};
    return {
      ...m,
      routes: m.routes.map((r) => {
        const component = pages[r.path];
        if (!component) throw new Error(`module ${m.name}: no eager page for ${r.path} (its eager.ts)`);
        return { ...r, component };
      }),
    };
  });
}

let installed: readonly ClientModule[] = [];

/** Called by the app's entries with the registry's modules (src/modules/registry.ts), in tab order. */
export function installModules(list: readonly ClientModule[]): void {
  installed = list;
}

/** Every module of this build, in the registry's order. */
export function installedModules(): readonly ClientModule[] {
  return installed;
}

export function findModule(name: string): ClientModule | undefined {
  return installed.find((m) => m.name === name);
}

/** The modules the Sphere enables that this build has, in the registry's order. */
export function enabledModules(sphere: Pick<SphereView, 'modules'>): ClientModule[] {
  return installed.filter((m) => sphere.modules.includes(m.name));
}

/** A module's label, or its name when this build doesn't have it. */
export function moduleLabel(name: string): string {
  return findModule(name)?.label ?? name;
}

/** A Sphere's home page. */
export const spherePath = (slug: string) => `/s/${encodeURIComponent(slug)}`;

/** The Sphere and the installed module whose tab a path is under (`/s/<slug>/<module tab>/…`). */
export function moduleAtPath(path: string): { slug: string; module: ClientModule } | undefined {
  const clean = path.split(/[?#]/)[0] ?? '';
  const match = /^\/s\/([^/]+)\//.exec(clean);
  if (!match?.[1]) return undefined;
  let slug: string;
  try {
    slug = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  const module = installed.find((m) => {
    const tab = m.tab.path(slug);
    return clean === tab || clean.startsWith(`${tab}/`);
  });
  return module && { slug, module };
}
