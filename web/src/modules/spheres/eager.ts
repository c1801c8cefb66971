// Core's pages imported directly, for the server render (one synchronous pass).
import type { ModuleRoute } from '../../client';
import { AccountPage } from './pages/account';
import { NotificationsPage } from './pages/notifications';
import { AdminPage } from './pages/admin';
import { HomePage } from './pages/home';
import { InvitePage } from './pages/invite';
import { LoginPage } from './pages/login';
import { MembersPage } from './pages/members';
import { SettingsPage } from './pages/settings';
import { SphereHomePage } from './pages/sphere';
import { paths, queries } from './routes';

export const coreRoutes: ModuleRoute[] = [
  { path: paths.home, queries: queries.home, component: HomePage },
  { path: paths.login, queries: queries.login, component: LoginPage },
  { path: paths.sphere, queries: queries.sphere, component: SphereHomePage },
  { path: paths.settings, queries: queries.settings, component: SettingsPage },
  { path: paths.members, queries: queries.members, component: MembersPage },
  { path: paths.invite, queries: queries.invite, component: InvitePage },
  { path: paths.admin, queries: queries.admin, component: AdminPage },
  { path: paths.account, queries: queries.account, component: AccountPage },
  { path: paths.notifications, queries: queries.notifications, component: NotificationsPage },
];
