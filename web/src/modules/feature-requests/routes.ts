// The feature-request module's routes and the queries each page reads
// first, shared by the lazy (browser) and eager (server) variants.
import { type PageProps, type QuerySpec, sphereQuery } from '../../client';
import { boardQuery, boardStateFromQuery, commentsQuery, parseNumber, requestQuery } from './model';

export const paths = {
  board: '/s/:sphere',
  newRequest: '/s/:sphere/new',
  request: '/s/:sphere/feature-requests/:number',
} as const;

export const queries: Record<keyof typeof paths, (route: PageProps) => QuerySpec[]> = {
  board: ({ params, query }) => {
    const slug = params.sphere ?? '';
    return [sphereQuery(slug), boardQuery(slug, boardStateFromQuery(query))];
  },
  newRequest: ({ params }) => [sphereQuery(params.sphere ?? '')],
  request: ({ params }) => {
    const slug = params.sphere ?? '';
    const number = parseNumber(params.number);
    if (number === undefined) return [sphereQuery(slug)];
    return [sphereQuery(slug), requestQuery(slug, number), commentsQuery(slug, number)];
  },
};
