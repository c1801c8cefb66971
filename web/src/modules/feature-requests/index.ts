// The feature-request board as a module of the web app: its ClientModule,
// with pages loaded lazily (eager.ts has the same pages for the server render).
import { type ClientModule, lazy } from '../../client';
import { boardPath, feedPath, LEXICONS, MODULE_LABEL, MODULE_NAME, statusLabel } from './model';
import { paths, queries } from './routes';

const featureRequests: ClientModule = {
  name: MODULE_NAME,
  label: MODULE_LABEL,
  lexicons: LEXICONS,
  tab: { label: MODULE_LABEL, path: boardPath },
  feed: feedPath,
  activity: {
    kinds: { request: 'New request', status: 'Status changed' },
    detail: (detail, kind) => (kind === 'status' ? statusLabel(detail) : detail),
  },
  routes: [
    {
      path: paths.board,
      queries: queries.board,
      component: lazy(() => import('./pages/board').then((m) => m.BoardPage)),
    },
    {
      path: paths.newRequest,
      queries: queries.newRequest,
      component: lazy(() => import('./pages/new-request').then((m) => m.NewRequestPage)),
    },
    {
      path: paths.roadmap,
      queries: queries.roadmap,
      component: lazy(() => import('./pages/roadmap').then((m) => m.RoadmapPage)),
    },
    {
      path: paths.request,
      queries: queries.request,
      component: lazy(() => import('./pages/request').then((m) => m.RequestPage)),
    },
  ],
};

export default featureRequests;
