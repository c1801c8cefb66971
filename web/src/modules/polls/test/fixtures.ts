// The Polls module's test fixtures: web/test's Sphere with the module on, viewers and polls.
import type { SphereView } from '../../../client';
import { sphere as anySphere } from '../../../../test/helpers';
import { MODULE_NAME } from '../model';
import type { PollView, Tally } from '../types';

export { fakeServer, settle } from '../../../../test/helpers';

/** A public Sphere using the module; its viewer a member who can write. */
export const sphere: SphereView = { ...anySphere, modules: [MODULE_NAME] };
export const moderatorSphere: SphereView = {
  ...sphere,
  viewer: { canWrite: true, canModerate: true, role: 'admin', status: 'active' },
};
export const anonymousSphere: SphereView = { ...sphere, viewer: undefined };
export const privateSphere: SphereView = { ...sphere, visibility: 'private' };

export const alice = { did: 'did:plc:alice', handle: 'alice.test' };
export const bob = { did: 'did:plc:bob', handle: 'bob.test' };
export const signedInAs = (actor: { did: string; handle: string }) => ({ loggedIn: true, ...actor });
export const anonymous = { loggedIn: false };

/** Counts for options in order, as the API tallies them (shares of `voters`). */
export function tally(voters: number, counts: number[]): Tally {
  return {
    voters,
    options: counts.map((count, index) => ({ index, count, share: voters ? Math.round((count * 10000) / voters) : 0 })),
  };
}

/** Poll `number`, by alice: single choice between three colours, open, results always shown, no votes. */
export function poll(number: number, overrides: Partial<PollView> = {}): PollView {
  return {
    uri: `at://did:plc:alice/site.exosphere.poll/p${number}`,
    cid: `bafypoll${number}`,
    number,
    sphere: sphere.uri,
    question: `Which colour? (${number})`,
    options: ['Red', 'Green', 'Blue'],
    kind: 'single',
    results: 'always',
    closed: false,
    author: alice,
    createdAt: '2026-01-03T00:00:00Z',
    tally: tally(0, [0, 0, 0]),
    ...overrides,
  };
}
