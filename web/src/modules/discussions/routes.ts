// The Discussions module's routes and the queries each page reads first,
// shared by the lazy (browser, index.ts) and eager (server, eager.ts) pages.
import { type PageProps, type QuerySpec, sphereQuery } from '../../client';
import { listStateFromQuery, MODULE_NAME, parseNumber, repliesQuery, threadQuery, threadsQuery } from './model';

// `new` before `:number`: the router takes the first route that matches.
export const paths = {
  threads: `/s/:sphere/${MODULE_NAME}`,
  newThread: `/s/:sphere/${MODULE_NAME}/new`,
  thread: `/s/:sphere/${MODULE_NAME}/:number`,
} as const;

export const queries: Record<keyof typeof paths, (route: PageProps) => QuerySpec[]> = {
  threads: ({ params, query }) => {
    const slug = params.sphere ?? '';
    return [sphereQuery(slug), threadsQuery(slug, listStateFromQuery(query))];
  },
  newThread: ({ params }) => [sphereQuery(params.sphere ?? '')],
  thread: ({ params }) => {
    const slug = params.sphere ?? '';
    const number = parseNumber(params.number);
    if (number === undefined) return [sphereQuery(slug)];
    return [sphereQuery(slug), threadQuery(slug, number), repliesQuery(slug, number)];
  },
};
