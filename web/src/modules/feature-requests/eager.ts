// The board's pages imported directly, for the server render (see EagerPages
// in client/module.ts); entry-server.tsx picks up every module's eager.ts.
import type { EagerPages } from '../../client';
import { MODULE_NAME } from './model';
import { BoardPage } from './pages/board';
import { NewRequestPage } from './pages/new-request';
import { RequestPage } from './pages/request';
import { RoadmapPage } from './pages/roadmap';
import { paths } from './routes';

const pages: EagerPages = {
  module: MODULE_NAME,
  pages: {
    [paths.board]: BoardPage,
    [paths.newRequest]: NewRequestPage,
    [paths.roadmap]: RoadmapPage,
    [paths.request]: RequestPage,
  },
};

export default pages;
