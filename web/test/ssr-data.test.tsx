import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResource, forgetSsrData, queryKey, readSsrData, useQuery, querySpec } from '../src/client';
import { fakeServer, settle, sphere } from './helpers';
import { render } from '@testing-library/preact';

const key = queryKey('site.exosphere.sphere.getSphere', { sphere: 'demo' });

describe('server-rendered data', () => {
  beforeEach(() => {
    globalThis.__SSR_DATA__ = undefined;
  });
  afterEach(() => {
    globalThis.__SSR_DATA__ = undefined;
  });

  it('is used instead of fetching on the first render', async () => {
    const server = fakeServer({});
    globalThis.__SSR_DATA__ = { [key]: { sphere } };
    const fetcher = () => Promise.reject(new Error('must not fetch'));
    const resource = createResource(key, fetcher);
    expect(resource.data.value).toEqual({ sphere });
    expect(resource.loading.value).toBe(false);
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('turns an injected $error into the resource error', () => {
    globalThis.__SSR_DATA__ = {
      [key]: { $error: { status: 404, error: 'SphereNotFound', message: 'No Sphere demo here' } },
    };
    const resource = createResource(key, () => Promise.resolve({ sphere }));
    expect(resource.data.value).toBeUndefined();
    expect(resource.error.value?.error).toBe('SphereNotFound');
    expect(resource.error.value?.message).toBe('No Sphere demo here');
    expect(resource.error.value?.notFound).toBe(true);
  });

  it('is not found under another key', () => {
    globalThis.__SSR_DATA__ = { [key]: { sphere } };
    expect(readSsrData(queryKey('site.exosphere.sphere.getSphere', { sphere: 'other' }))).toBeUndefined();
  });

  it('is forgotten after the first navigation, so the next resource fetches', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere: { ...sphere, name: 'Fresh' } } }),
    });
    globalThis.__SSR_DATA__ = { [key]: { sphere } };
    forgetSsrData();
    function Page() {
      const r = useQuery(querySpec('site.exosphere.sphere.getSphere', { sphere: 'demo' }));
      return <p>{r.data.value?.sphere.name ?? 'loading'}</p>;
    }
    const view = render(<Page />);
    expect(view.container.textContent).toBe('loading');
    await settle();
    expect(view.container.textContent).toBe('Fresh');
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.search.get('sphere')).toBe('demo');
  });
});

describe('createResource', () => {
  it('keeps only the latest of overlapping fetches', async () => {
    let n = 0;
    const resolvers: ((v: number) => void)[] = [];
    const resource = createResource('k', () => new Promise<number>((r) => resolvers.push(r)));
    void resource.refetch();
    n = resolvers.length;
    expect(n).toBe(2);
    resolvers[1]?.(2);
    await settle();
    resolvers[0]?.(1);
    await settle();
    expect(resource.data.value).toBe(2);
  });

  it('reports a failed fetch as an ApiError and keeps loading false', async () => {
    const resource = createResource('k', () => Promise.reject(new TypeError('Failed to fetch')));
    await settle();
    expect(resource.loading.value).toBe(false);
    expect(resource.error.value?.error).toBe('NetworkError');
  });
});
