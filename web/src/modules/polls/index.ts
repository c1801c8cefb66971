// Polls as a module of the web app: its ClientModule, with pages loaded
// lazily (eager.ts has the same pages for the server render).
import { type ClientModule, lazy } from '../../client';
import { LEXICONS, listPath, MODULE_LABEL, MODULE_NAME } from './model';
import { paths, queries } from './routes';

const polls: ClientModule = {
  name: MODULE_NAME,
  label: MODULE_LABEL,
  lexicons: LEXICONS,
  tab: { label: MODULE_LABEL, path: listPath },
  // The backend's items: `poll` (a new poll, its question) and `closed` (its question, the winner as detail).
  activity: { kinds: { poll: 'New poll', closed: 'Poll closed' } },
  routes: [
    { path: paths.polls, queries: queries.polls, component: lazy(() => import('./pages/polls').then((m) => m.PollsPage)) },
    { path: paths.newPoll, queries: queries.newPoll, component: lazy(() => import('./pages/new-poll').then((m) => m.NewPollPage)) },
    { path: paths.poll, queries: queries.poll, component: lazy(() => import('./pages/poll').then((m) => m.PollPage)) },
  ],
};

export default polls;
