// Core's pages (the Sphere list, sign-in, a Sphere's home, members, settings
// and invitation) and the queries each page reads first, shared by the lazy
// (browser, index.ts) and eager (server, eager.ts) pages. Core is not a
// module: it knows the modules only through client/ (installedModules).
import { type PageProps, querySpec, type QuerySpec, sphereQuery, spherePath } from '../../client';

export const HOME_PAGE_SIZE = 30;
export const MEMBERS_PAGE_SIZE = 50;
export const ACTIVITY_PAGE_SIZE = 30;

export const spheresListQuery = () => querySpec('site.exosphere.sphere.listSpheres', { limit: HOME_PAGE_SIZE });
export const membersQuery = (slug: string) =>
  querySpec('site.exosphere.sphere.listMembers', { sphere: slug, limit: MEMBERS_PAGE_SIZE });
/** The first page of a Sphere's activity feed (what every enabled module contributes). */
export const activityQuery = (slug: string) =>
  querySpec('site.exosphere.sphere.getActivity', { sphere: slug, limit: ACTIVITY_PAGE_SIZE });

/** The whole Sphere's Atom feed (public Spheres; the server serves it). */
export const sphereFeedPath = (slug: string) => `${spherePath(slug)}/feed.atom`;

export const paths = {
  home: '/',
  login: '/login',
  sphere: '/s/:sphere',
  settings: '/s/:sphere/settings',
  members: '/s/:sphere/members',
  invite: '/s/:sphere/invite',
} as const;

export const queries: Record<keyof typeof paths, (route: PageProps) => QuerySpec[]> = {
  home: () => [spheresListQuery()],
  login: () => [],
  sphere: ({ params }) => [sphereQuery(params.sphere ?? ''), activityQuery(params.sphere ?? '')],
  settings: ({ params }) => [sphereQuery(params.sphere ?? '')],
  members: ({ params }) => [sphereQuery(params.sphere ?? ''), membersQuery(params.sphere ?? '')],
  invite: ({ params }) => [sphereQuery(params.sphere ?? '')],
};
