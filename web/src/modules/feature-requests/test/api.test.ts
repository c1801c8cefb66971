// The XRPC client with the board's methods: array parameters (its status
// filter) and a procedure.
import { describe, expect, it } from 'vitest';
import { xrpcProcedure, xrpcQuery } from '../../../client';
import { fakeServer } from './fixtures';

describe('the XRPC client, with the board’s methods', () => {
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
});
