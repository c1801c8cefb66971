import { type ClientModule, lazy } from '../../client';
import { paths, queries } from './routes';

const featureRequests: ClientModule = {
  name: 'feature-requests',
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
      path: paths.request,
      queries: queries.request,
      component: lazy(() => import('./pages/request').then((m) => m.RequestPage)),
    },
  ],
};

export default featureRequests;
