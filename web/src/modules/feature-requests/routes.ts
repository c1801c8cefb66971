// The feature-request module's routes and the queries each page reads
// first, shared by the lazy (browser, index.ts) and eager (server, eager.ts) pages.
import { type PageProps, type QuerySpec, sphereQuery } from '../../client';
import {
  boardQuery,
  boardStateFromQuery,
  commentsQuery,
  MODULE_NAME,
  parseNumber,
  requestQuery,
  ROADMAP_COLUMNS,
  roadmapQuery,
  tagsQuery,
} from './model';

// `new` and `roadmap` before `:number`: the router takes the first route that matches.
export const paths = {
  board: `/s/:sphere/${MODULE_NAME}`,
  newRequest: `/s/:sphere/${MODULE_NAME}/new`,
  roadmap: `/s/:sphere/${MODULE_NAME}/roadmap`,
  request: `/s/:sphere/${MODULE_NAME}/:number`,
} as const;

export const queries: Record<keyof typeof paths, (route: PageProps) => QuerySpec[]> = {
  board: ({ params, query }) => {
    const slug = params.sphere ?? '';
    return [sphereQuery(slug), boardQuery(slug, boardStateFromQuery(query)), tagsQuery(slug)];
  },
  newRequest: ({ params }) => [sphereQuery(params.sphere ?? '')],
  roadmap: ({ params }) => {
    const slug = params.sphere ?? '';
    return [sphereQuery(slug), ...ROADMAP_COLUMNS.map((status) => roadmapQuery(slug, status))];
  },
  request: ({ params }) => {
    const slug = params.sphere ?? '';
    const number = parseNumber(params.number);
    if (number === undefined) return [sphereQuery(slug)];
    return [sphereQuery(slug), requestQuery(slug, number), commentsQuery(slug, number)];
  },
};
