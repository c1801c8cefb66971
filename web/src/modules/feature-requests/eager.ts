import type { ClientModule } from '../../client';
import { BoardPage } from './pages/board';
import { NewRequestPage } from './pages/new-request';
import { RequestPage } from './pages/request';
import { paths, queries } from './routes';

const featureRequests: ClientModule = {
  name: 'feature-requests',
  routes: [
    { path: paths.board, queries: queries.board, component: BoardPage },
    { path: paths.newRequest, queries: queries.newRequest, component: NewRequestPage },
    { path: paths.request, queries: queries.request, component: RequestPage },
  ],
};

export default featureRequests;
