// The typed XRPC client: every call's parameters, body and result are typed
// from schema.d.ts, which openapi-typescript generates from openapi/openapi.json
// (`npm run gen`). When the API changes under the web app, `tsc` fails.
import createClient, { type Client } from 'openapi-fetch';
import { errorFromBody, toApiError } from './errors';
import type { components, operations, paths } from './schema';

export { ApiError, toApiError } from './errors';

export type Schemas = components['schemas'];
export type Nsid = keyof operations;
/** Methods served with GET (Lexicon queries). */
export type QueryMethod = {
  [N in Nsid]: operations[N] extends { requestBody?: never } ? N : never;
}[Nsid];
/** Methods served with POST and a JSON body (Lexicon procedures). */
export type ProcedureMethod = Exclude<Nsid, QueryMethod>;
type RawQuery<N extends Nsid> = NonNullable<operations[N]['parameters']['query']>;
/** A query's parameters (`{}` for a method without any). */
export type QueryParams<N extends QueryMethod> = [RawQuery<N>] extends [never] ? Record<string, never> : RawQuery<N>;
export type Input<N extends ProcedureMethod> = operations[N] extends {
  requestBody: { content: { 'application/json': infer T } };
}
  ? T
  : never;
export type Output<N extends Nsid> = operations[N]['responses'][200] extends {
  content: { 'application/json': infer T };
}
  ? T
  : void;

let instance: Client<paths> | undefined;

/** The openapi-fetch client: same origin, cookies included. Created on first use. */
export function client(): Client<paths> {
  instance ??= createClient<paths>({
    baseUrl: typeof location === 'undefined' ? '' : location.origin,
    credentials: 'include',
    // Looked up on every call, so tests (and anything else) can swap fetch.
    fetch: (request) => globalThis.fetch(request),
  });
  return instance;
}

/** Drops parameters that say nothing (undefined, null, empty strings, empty arrays). */
export function cleanParams<P extends object>(params: P): P {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as P;
}

type Loose = (
  path: string,
  init: Record<string, unknown>,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

async function call<T>(run: () => ReturnType<Loose>): Promise<T> {
  let result: Awaited<ReturnType<Loose>>;
  try {
    result = await run();
  } catch (e) {
    throw toApiError(e);
  }
  if (result.error !== undefined || !result.response.ok) {
    throw errorFromBody(result.response.status, result.error);
  }
  return result.data as T;
}

/** Calls an XRPC query: `GET /xrpc/<nsid>?<params>` (arrays as repeated keys). */
export function xrpcQuery<N extends QueryMethod>(nsid: N, params?: QueryParams<N>): Promise<Output<N>> {
  // openapi-fetch types calls by literal path; the generic NSID is typed by QueryParams/Output above.
  const get = client().GET as unknown as Loose;
  return call(() => get(`/xrpc/${nsid}`, { params: { query: cleanParams(params ?? {}) } }));
}

/** Calls an XRPC procedure: `POST /xrpc/<nsid>` with a JSON body. */
export function xrpcProcedure<N extends ProcedureMethod>(nsid: N, input: Input<N>): Promise<Output<N>> {
  const post = client().POST as unknown as Loose;
  return call(() => post(`/xrpc/${nsid}`, { body: input }));
}

export type SphereView = Schemas['site.exosphere.sphere.defs.sphereView'];
export type SphereViewerState = Schemas['site.exosphere.sphere.defs.viewerState'];
export type MemberView = Schemas['site.exosphere.sphere.defs.memberView'];
export type ActorView = Schemas['site.exosphere.defs.actorView'];
export type ActivityItem = Schemas['site.exosphere.sphere.defs.activityItem'];
export type Session = Schemas['site.exosphere.auth.getSession.Output'];
