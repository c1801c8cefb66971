// The server entry for tests: the registry's renderer (what the bundle
// runs), a renderer of core's pages with the fake modules of
// test/fake-module.tsx, and the data a page's queries ask for.
import { exosphereQueries, exosphereRender, type ServerRenderer, serverRenderer } from '../src/entry-server';
import { events, notes } from './fake-module';

export { exosphereQueries, exosphereRender, type ServerRenderer, serverRenderer };

/** The registry's modules, as dist/server/render.js renders them. */
export const registryServer: ServerRenderer = { queries: exosphereQueries, render: exosphereRender };

/** Core's pages with the fake modules only (no module of this build). */
export const notesServer: ServerRenderer = serverRenderer([notes, events]);

/** What a page's queries read, from answers by NSID (a query without an answer is left out). */
export function dataFor(
  url: string,
  answers: Record<string, unknown>,
  server: ServerRenderer = registryServer,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const q of server.queries(url)) if (q.nsid in answers) data[q.key] = answers[q.nsid];
  return data;
}
