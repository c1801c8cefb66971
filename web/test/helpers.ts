// Test support: a fake XRPC server behind globalThis.fetch, and fixtures.
// Generic: it names no module (a module's tests keep their fixtures in its
// folder and may import these).
import { vi } from 'vitest';
import type { SphereView } from '../src/client';

export interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

type Handler = (call: Call) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>;

/** Replaces fetch with a table of handlers by path (`/xrpc/<nsid>`); unknown paths answer 501. */
export function fakeServer(handlers: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: Request | string, init?: RequestInit) => {
    const request = typeof input === 'string' ? new Request(new URL(input, location.origin), init) : input;
    const url = new URL(request.url);
    const text = request.method === 'GET' ? '' : await request.text();
    const call: Call = {
      method: request.method,
      path: url.pathname,
      search: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
      credentials: request.credentials,
    };
    calls.push(call);
    const handler = handlers[url.pathname];
    const result = handler
      ? await handler(call)
      : { status: 501, body: { error: 'MethodNotImplemented', message: `no ${url.pathname}` } };
    return new Response(result.body === undefined ? null : JSON.stringify(result.body), {
      status: result.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetch: fetchMock };
}

export const sphere: SphereView = {
  uri: 'at://did:plc:owner/site.exosphere.sphere/3kabc',
  slug: 'demo',
  name: 'Demo Sphere',
  description: 'Where we try things.',
  visibility: 'public',
  writeMode: 'open',
  // The fake module of test/fake-module.tsx (a module's tests put their own here).
  modules: ['notes'],
  owner: { did: 'did:plc:owner', handle: 'owner.test' },
  memberCount: 2,
  createdAt: '2026-01-02T03:04:05Z',
  viewer: { canWrite: true, canModerate: false, role: 'member', status: 'active' },
};

/** Waits for pending promises (fetch mocks resolve over a few microtasks). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
}
