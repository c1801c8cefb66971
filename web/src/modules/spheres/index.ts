// Core's pages, loaded lazily in the browser (eager.ts has them for the server).
import { lazy, type ModuleRoute } from '../../client';
import { paths, queries } from './routes';

export const coreRoutes: ModuleRoute[] = [
  { path: paths.home, queries: queries.home, component: lazy(() => import('./pages/home').then((m) => m.HomePage)) },
  { path: paths.login, queries: queries.login, component: lazy(() => import('./pages/login').then((m) => m.LoginPage)) },
  {
    path: paths.sphere,
    queries: queries.sphere,
    component: lazy(() => import('./pages/sphere').then((m) => m.SphereHomePage)),
  },
  {
    path: paths.settings,
    queries: queries.settings,
    component: lazy(() => import('./pages/settings').then((m) => m.SettingsPage)),
  },
  {
    path: paths.members,
    queries: queries.members,
    component: lazy(() => import('./pages/members').then((m) => m.MembersPage)),
  },
  {
    path: paths.invite,
    queries: queries.invite,
    component: lazy(() => import('./pages/invite').then((m) => m.InvitePage)),
  },
  { path: paths.admin, queries: queries.admin, component: lazy(() => import('./pages/admin').then((m) => m.AdminPage)) },
  {
    path: paths.account,
    queries: queries.account,
    component: lazy(() => import('./pages/account').then((m) => m.AccountPage)),
  },
  {
    path: paths.notifications,
    queries: queries.notifications,
    component: lazy(() => import('./pages/notifications').then((m) => m.NotificationsPage)),
  },
];
