import { describe, expect, it, vi } from 'vitest';
import { ApiError, xrpcProcedure, xrpcQuery } from '../src/client';
import { fakeServer } from './helpers';

describe('the XRPC client', () => {
  it('sends queries as GET with repeated array keys and cookies', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.featureRequest.listRequests': () => ({ body: { requests: [] } }),
    });
    await xrpcQuery('site.exosphere.featureRequest.listRequests', {
      sphere: 'demo',
      status: ['open', 'planned'],
      q: '',
    });
    const call = server.calls[0];
    expect(call?.method).toBe('GET');
    expect(call?.search.getAll('status')).toEqual(['open', 'planned']);
    expect(call?.search.has('q')).toBe(false);
    expect(call?.credentials).toBe('include');
  });

  it('sends procedures as POST with a JSON body', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.featureRequest.vote': () => ({ body: { voted: true, voteCount: 1 } }),
    });
    const out = await xrpcProcedure('site.exosphere.featureRequest.vote', { sphere: 'demo', number: 3 });
    expect(out).toEqual({ voted: true, voteCount: 1 });
    expect(server.calls[0]?.method).toBe('POST');
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', number: 3 });
  });

  it('turns an XRPC error body into an ApiError with its name and message', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({
        status: 404,
        body: { error: 'SphereNotFound', message: 'No Sphere with that slug' },
      }),
    });
    const error = await xrpcQuery('site.exosphere.sphere.getSphere', { sphere: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, error: 'SphereNotFound', message: 'No Sphere with that slug' });
  });

  it('reports an unreachable server as a NetworkError', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const error = await xrpcQuery('site.exosphere.auth.getSession').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, error: 'NetworkError' });
  });
});
