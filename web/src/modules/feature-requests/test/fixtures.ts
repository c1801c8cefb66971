// The board's test fixtures: web/test's Sphere with the board on, and requests.
import type { SphereView } from '../../../client';
import { sphere as anySphere } from '../../../../test/helpers';
import { MODULE_NAME } from '../model';
import type { RequestView } from '../types';

export { fakeServer, settle } from '../../../../test/helpers';

export const sphere: SphereView = { ...anySphere, modules: [MODULE_NAME] };

export function request(number: number, overrides: Partial<RequestView> = {}): RequestView {
  return {
    uri: `at://did:plc:alice/site.exosphere.featureRequest/${number}`,
    number,
    sphere: sphere.uri,
    title: `Request number ${number}`,
    author: { did: 'did:plc:alice', handle: 'alice.test' },
    status: 'open',
    voteCount: number,
    commentCount: 0,
    createdAt: '2026-01-03T00:00:00Z',
    viewer: { voted: false },
    ...overrides,
  };
}
