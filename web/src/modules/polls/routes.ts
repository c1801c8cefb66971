// The Polls module's routes and the queries each page reads first, shared
// by the lazy (browser, index.ts) and eager (server, eager.ts) pages.
import { type PageProps, type QuerySpec, sphereQuery } from '../../client';
import { listStateFromQuery, MODULE_NAME, parseNumber, pollQuery, pollsQuery } from './model';

// `new` before `:number`: the router takes the first route that matches.
export const paths = {
  polls: `/s/:sphere/${MODULE_NAME}`,
  newPoll: `/s/:sphere/${MODULE_NAME}/new`,
  poll: `/s/:sphere/${MODULE_NAME}/:number`,
} as const;

export const queries: Record<keyof typeof paths, (route: PageProps) => QuerySpec[]> = {
  polls: ({ params, query }) => {
    const slug = params.sphere ?? '';
    return [sphereQuery(slug), pollsQuery(slug, listStateFromQuery(query))];
  },
  newPoll: ({ params }) => [sphereQuery(params.sphere ?? '')],
  poll: ({ params }) => {
    const slug = params.sphere ?? '';
    const number = parseNumber(params.number);
    if (number === undefined) return [sphereQuery(slug)];
    return [sphereQuery(slug), pollQuery(slug, number)];
  },
};
