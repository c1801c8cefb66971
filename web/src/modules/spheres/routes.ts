// Core's pages (the Sphere list, sign-in, a Sphere's home, members, settings,
// invitation, the instance's administration and one's own account) and the queries each page
// reads first, shared by the lazy (browser, index.ts) and eager (server,
// eager.ts) pages. Core is not a module: it knows the modules only through
// client/ (installedModules).
import { homeSphere, instanceQuery, type PageProps, querySpec, type QuerySpec, sphereQuery, spherePath } from '../../client';

export const HOME_PAGE_SIZE = 30;
export const MEMBERS_PAGE_SIZE = 50;
export const ACTIVITY_PAGE_SIZE = 30;
export const ADMIN_PAGE_SIZE = 50;

export const spheresListQuery = () => querySpec('site.exosphere.sphere.listSpheres', { limit: HOME_PAGE_SIZE });
export const membersQuery = (slug: string) =>
  querySpec('site.exosphere.sphere.listMembers', { sphere: slug, limit: MEMBERS_PAGE_SIZE });
/** The first page of a Sphere's activity feed (what every enabled module contributes). */
export const activityQuery = (slug: string) =>
  querySpec('site.exosphere.sphere.getActivity', { sphere: slug, limit: ACTIVITY_PAGE_SIZE });

/** The instance administrators' lists (every Sphere, the accounts allowed to create them, invite codes). */
export const adminSpheresQuery = () => querySpec('site.exosphere.instance.listSpheres', { limit: ADMIN_PAGE_SIZE });
export const creatorsQuery = () => querySpec('site.exosphere.instance.listCreators', { limit: ADMIN_PAGE_SIZE });
export const inviteCodesQuery = () => querySpec('site.exosphere.instance.listInviteCodes', { limit: ADMIN_PAGE_SIZE });

/** The signed-in person's notifications (their page). */
export const notificationsQuery = () => querySpec('site.exosphere.notification.listNotifications', { limit: 30 });

/** The signed-in person's personal access tokens (account page). */
export const tokensQuery = () => querySpec('site.exosphere.auth.listTokens', {});

/** The whole Sphere's Atom feed (public Spheres; the server serves it). */
export const sphereFeedPath = (slug: string) => `${spherePath(slug)}/feed.atom`;

export const paths = {
  home: '/',
  login: '/login',
  sphere: '/s/:sphere',
  settings: '/s/:sphere/settings',
  members: '/s/:sphere/members',
  invite: '/s/:sphere/invite',
  admin: '/admin',
  account: '/account',
  notifications: '/notifications',
} as const;

const sphereHomeQueries = (slug: string) => [sphereQuery(slug), activityQuery(slug)];

export const queries: Record<keyof typeof paths, (route: PageProps) => QuerySpec[]> = {
  // In Home-Sphere mode the home page is that Sphere's home, with its queries.
  home: () => {
    const slug = homeSphere();
    return slug ? sphereHomeQueries(slug) : [instanceQuery(), spheresListQuery()];
  },
  login: () => [],
  sphere: ({ params }) => sphereHomeQueries(params.sphere ?? ''),
  settings: ({ params }) => [sphereQuery(params.sphere ?? '')],
  members: ({ params }) => [sphereQuery(params.sphere ?? ''), membersQuery(params.sphere ?? '')],
  invite: ({ params }) => [sphereQuery(params.sphere ?? '')],
  // Non-administrators get NotAllowed for the lists; the page then shows only that.
  admin: () => [instanceQuery(), adminSpheresQuery(), creatorsQuery(), inviteCodesQuery()],
  // Signed out, the API answers AuthRequired; the page then asks to sign in.
  account: () => [tokensQuery()],
  // Signed out, the API answers AuthRequired; the page then asks to sign in.
  notifications: () => [notificationsQuery()],
};
