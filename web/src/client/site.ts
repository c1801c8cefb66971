// What the operator set for this whole site, and the instance's own query.
// Home-Sphere mode (EXOSPHERE_HOME_SPHERE=<slug>): the home page is that
// Sphere's. The server says so in the page head for the browser, and in a
// global it sets before evaluating the server bundle (QuickJS has no DOM).
import { querySpec } from './query';
import { isServer } from './ssr-data';

export interface SiteConfig {
  homeSphere?: string | undefined;
}

declare global {
  // eslint-disable-next-line no-var
  var __EXOSPHERE_SITE__: SiteConfig | undefined;
}

export const HOME_SPHERE_META = 'exosphere-home-sphere';

/** The slug of the Sphere the home page shows, in Home-Sphere mode; undefined otherwise. */
export function homeSphere(): string | undefined {
  if (isServer()) return globalThis.__EXOSPHERE_SITE__?.homeSphere || undefined;
  return document.querySelector(`meta[name="${HOME_SPHERE_META}"]`)?.getAttribute('content')?.trim() || undefined;
}

/** The way back to the home page: the list of Spheres, or the home Sphere. */
export function homeLinkLabel(): string {
  return homeSphere() ? 'Go to the home page' : 'All Spheres';
}

/** This instance: who may create Spheres, whether it needs setting up, what the viewer may do. */
export function instanceQuery() {
  return querySpec('site.exosphere.instance.getInstance', {});
}
