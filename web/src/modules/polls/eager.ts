// The Polls module's pages imported directly, for the server render (see
// EagerPages in client/module.ts); entry-server.tsx picks up every module's eager.ts.
import type { EagerPages } from '../../client';
import { MODULE_NAME } from './model';
import { NewPollPage } from './pages/new-poll';
import { PollPage } from './pages/poll';
import { PollsPage } from './pages/polls';
import { paths } from './routes';

const pages: EagerPages = {
  module: MODULE_NAME,
  pages: {
    [paths.polls]: PollsPage,
    [paths.newPoll]: NewPollPage,
    [paths.poll]: PollPage,
  },
};

export default pages;
