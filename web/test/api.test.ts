import { describe, expect, it, vi } from 'vitest';
import { ApiError, xrpcProcedure, xrpcQuery } from '../src/client';
import { fakeServer } from './helpers';

describe('the XRPC client', () => {
  it('sends queries as GET with their parameters and cookies, leaving out empty ones', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.listMembers': () => ({ body: { members: [] } }),
    });
    await xrpcQuery('site.exosphere.sphere.listMembers', { sphere: 'demo', limit: 50, status: '' });
    const call = server.calls[0];
    expect(call?.method).toBe('GET');
    expect(call?.search.get('sphere')).toBe('demo');
    expect(call?.search.get('limit')).toBe('50');
    expect(call?.search.has('status')).toBe(false);
    expect(call?.credentials).toBe('include');
  });

  it('sends procedures as POST with a JSON body', async () => {
    const member = { did: 'did:plc:me', role: 'member', status: 'active' };
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.acceptInvite': () => ({ body: { member } }),
    });
    const out = await xrpcProcedure('site.exosphere.sphere.acceptInvite', { sphere: 'demo' });
    expect(out).toEqual({ member });
    expect(server.calls[0]?.method).toBe('POST');
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo' });
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
