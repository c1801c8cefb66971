import type { ComponentType } from 'preact';
import type { QuerySpec } from './query';

/** What a page gets from the router. */
export interface PageProps {
  params: Record<string, string>;
  query: Record<string, string>;
}

export interface ModuleRoute {
  /** preact-iso path, e.g. `/s/:sphere/feature-requests/:number`. */
  path: string;
  component: ComponentType<PageProps>;
  /**
   * The XRPC queries the page reads on its first render, for the server to
   * prefetch (their results are injected as __SSR_DATA__ under their keys).
   */
  queries?: (route: PageProps) => QuerySpec[];
}

/** A module's pages. Modules import web/src/client only, never each other. */
export interface ClientModule {
  name: string;
  routes: ModuleRoute[];
}
