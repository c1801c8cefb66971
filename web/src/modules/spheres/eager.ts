import type { ClientModule } from '../../client';
import { HomePage } from './pages/home';
import { InvitePage } from './pages/invite';
import { LoginPage } from './pages/login';
import { MembersPage } from './pages/members';
import { SettingsPage } from './pages/settings';
import { paths, queries } from './routes';

const spheres: ClientModule = {
  name: 'spheres',
  routes: [
    { path: paths.home, queries: queries.home, component: HomePage },
    { path: paths.login, queries: queries.login, component: LoginPage },
    { path: paths.settings, queries: queries.settings, component: SettingsPage },
    { path: paths.members, queries: queries.members, component: MembersPage },
    { path: paths.invite, queries: queries.invite, component: InvitePage },
  ],
};

export default spheres;
