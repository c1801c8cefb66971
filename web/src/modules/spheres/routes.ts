// The spheres module's routes and the queries each page reads first, shared
// by the lazy (browser) and eager (server) variants.
import { type PageProps, querySpec, type QuerySpec, sphereQuery } from '../../client';

export const HOME_PAGE_SIZE = 30;
export const MEMBERS_PAGE_SIZE = 50;

export const spheresListQuery = () => querySpec('site.exosphere.sphere.listSpheres', { limit: HOME_PAGE_SIZE });
export const membersQuery = (slug: string) =>
  querySpec('site.exosphere.sphere.listMembers', { sphere: slug, limit: MEMBERS_PAGE_SIZE });

export const paths = {
  home: '/',
  login: '/login',
  settings: '/s/:sphere/settings',
  members: '/s/:sphere/members',
  invite: '/s/:sphere/invite',
} as const;

export const queries: Record<keyof typeof paths, (route: PageProps) => QuerySpec[]> = {
  home: () => [spheresListQuery()],
  login: () => [],
  settings: ({ params }) => [sphereQuery(params.sphere ?? '')],
  members: ({ params }) => [sphereQuery(params.sphere ?? ''), membersQuery(params.sphere ?? '')],
  invite: ({ params }) => [sphereQuery(params.sphere ?? '')],
};
