// Server-render entry, bundled by vite.server.config.ts into ONE classic
// script (dist/server/render.js) that the Rust server evaluates in QuickJS:
// no imports, no DOM, no fetch, no timers. It defines two functions:
//
//   globalThis.exosphereQueries(url) -> [{ nsid, params, key }]
//     the XRPC queries the page at `url` reads on its first render; the
//     server runs them in-process and passes the results to exosphereRender
//     as { [key]: output } (a failed one as { "$error": { status, error, message } }).
//
//   globalThis.exosphereRender(url, ssrData) -> { html, title, description, status, feed? }
//     the page's HTML for <div id="app">, its document title and description
//     (for <title> and OpenGraph tags), the HTTP status (404 for unknown
//     pages, missing Spheres or requests and modules a Sphere doesn't use)
//     and, for pages that have one, the path of their Atom feed (for
//     <link rel="alternate" type="application/atom+xml">). The server injects the same
//     ssrData into the page as window.__SSR_DATA__ so the browser hydrates
//     without fetching.
import type { ComponentChildren } from 'preact';
import { LocationProvider } from 'preact-iso';
import { exec } from 'preact-iso/router';
import { renderToString } from 'preact-render-to-string';
import { App } from './app';
import {
  beginServerRender,
  type ClientModule,
  documentTitle,
  type EagerPages,
  installModules,
  type ModuleRoute,
  parseQuery,
  type QuerySpec,
  queryKey,
  renderedPageMeta,
  resetPageMeta,
  resetSession,
  SESSION_METHOD,
  SITE_NAME,
  type SsrData,
  withEagerPages,
} from './client';
import { modules as registry } from './modules/registry';
import { coreRoutes } from './modules/spheres/eager';

// The registry's modules with their pages imported directly: every module
// folder's eager.ts (a lazy page would only suspend in this one-pass render).
const eagerPages = import.meta.glob<EagerPages>(['./modules/*/eager.ts', '!./modules/spheres/eager.ts'], {
  eager: true,
  import: 'default',
});

export interface RenderResult {
  html: string;
  title: string;
  description: string;
  status: number;
  /** The page's Atom feed (a path on this server), when it has one. */
  feed?: string;
}

export interface PrefetchQuery {
  nsid: string;
  params: Record<string, unknown>;
  key: string;
}

interface Location {
  url: string;
  path: string;
  query: Record<string, string>;
}

function parseUrl(url: string): Location {
  const noHash = url.split('#')[0] ?? '';
  const q = noHash.indexOf('?');
  const pathname = q < 0 ? noHash : noHash.slice(0, q);
  const search = q < 0 ? '' : noHash.slice(q);
  let path = pathname.replace(/\/+$/g, '') || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  return { url: path + search, path, query: parseQuery(search) };
}

// The same shape of context preact-iso's LocationProvider gives (which needs
// `location` and `URL`, absent in QuickJS). A component of its own, so the
// tree has the same depth as in the browser.
function ServerLocation({ location, children }: { location: Location; children: ComponentChildren }) {
  const value = {
    ...location,
    route: () => undefined,
    back: () => undefined,
    forward: () => undefined,
    wasPush: false,
  };
  const Provider = (LocationProvider as unknown as { ctx: { Provider: preact.ComponentType<{ value: unknown }> } }).ctx
    .Provider;
  return <Provider value={value}>{children}</Provider>;
}

export interface ServerRenderer {
  queries(url: string): PrefetchQuery[];
  render(url: string, ssrData?: SsrData | null): RenderResult;
}

/**
 * The server render of core's pages and these modules' (with their eager
 * pages in place). The bundle's is the registry's (below); tests make one
 * for modules of their own.
 */
export function serverRenderer(modules: readonly ClientModule[]): ServerRenderer {
  const routes: ModuleRoute[] = [...coreRoutes, ...modules.flatMap((m) => m.routes)];
  return {
    queries(url) {
      const location = parseUrl(url);
      const specs: QuerySpec[] = [{ nsid: SESSION_METHOD, params: {} } as QuerySpec];
      for (const route of routes) {
        const match = exec(location.path, route.path);
        if (match) {
          specs.push(...(route.queries?.({ params: match.params, query: location.query }) ?? []));
          break;
        }
      }
      return specs.map((spec) => ({
        nsid: spec.nsid,
        params: spec.params as Record<string, unknown>,
        key: queryKey(spec.nsid, spec.params),
      }));
    },
    render(url, ssrData) {
      beginServerRender(ssrData ?? {});
      installModules(modules);
      resetSession();
      resetPageMeta();
      const location = parseUrl(url);
      const html = renderToString(
        <ServerLocation location={location}>
          <App core={coreRoutes} />
        </ServerLocation>,
      );
      const meta = renderedPageMeta();
      const result: RenderResult = {
        html,
        title: documentTitle(meta?.title ?? SITE_NAME),
        description: meta?.description ?? '',
        status: meta?.status ?? 200,
      };
      if (meta?.feed) result.feed = meta.feed;
      return result;
    },
  };
}

const registryRenderer = serverRenderer(withEagerPages(registry, Object.values(eagerPages)));

export function exosphereQueries(url: string): PrefetchQuery[] {
  return registryRenderer.queries(url);
}

export function exosphereRender(url: string, ssrData?: SsrData | null): RenderResult {
  return registryRenderer.render(url, ssrData);
}

const target = globalThis as unknown as {
  exosphereRender: typeof exosphereRender;
  exosphereQueries: typeof exosphereQueries;
};
target.exosphereRender = exosphereRender;
target.exosphereQueries = exosphereQueries;
