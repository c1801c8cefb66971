// Discussions as a module of the web app: its ClientModule, with pages
// loaded lazily (eager.ts has the same pages for the server render).
import { type ClientModule, lazy } from '../../client';
import { feedPath, LEXICONS, listPath, MODULE_LABEL, MODULE_NAME } from './model';
import { paths, queries } from './routes';

const discussions: ClientModule = {
  name: MODULE_NAME,
  label: MODULE_LABEL,
  lexicons: LEXICONS,
  tab: { label: MODULE_LABEL, path: listPath },
  feed: feedPath,
  // The backend's items: `thread` (its title) and `reply` (the thread's title, the reply's excerpt as text).
  activity: { kinds: { thread: 'New thread', reply: 'New reply' } },
  routes: [
    {
      path: paths.threads,
      queries: queries.threads,
      component: lazy(() => import('./pages/threads').then((m) => m.ThreadsPage)),
    },
    {
      path: paths.newThread,
      queries: queries.newThread,
      component: lazy(() => import('./pages/new-thread').then((m) => m.NewThreadPage)),
    },
    {
      path: paths.thread,
      queries: queries.thread,
      component: lazy(() => import('./pages/thread').then((m) => m.ThreadPage)),
    },
  ],
};

export default discussions;
