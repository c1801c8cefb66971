// The Discussions module's pages imported directly, for the server render (see
// EagerPages in client/module.ts); entry-server.tsx picks up every module's eager.ts.
import type { EagerPages } from '../../client';
import { MODULE_NAME } from './model';
import { NewThreadPage } from './pages/new-thread';
import { ThreadPage } from './pages/thread';
import { ThreadsPage } from './pages/threads';
import { paths } from './routes';

const pages: EagerPages = {
  module: MODULE_NAME,
  pages: {
    [paths.threads]: ThreadsPage,
    [paths.newThread]: NewThreadPage,
    [paths.thread]: ThreadPage,
  },
};

export default pages;
