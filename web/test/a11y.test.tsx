// Accessibility of core's pages as the server renders them (test/a11y.ts),
// with the fake modules of test/fake-module.tsx in place of this build's:
// each module checks its own pages in its folder.
import { describe, expect, it } from 'vitest';
import { axeViolations, describeAccessibility, renderPage } from './a11y';
import { sphere } from './helpers';
import { notesServer } from './server';

const owner = { ...sphere, viewer: { canWrite: true, canModerate: true, role: 'owner', status: 'active' } };

const answers: Record<string, unknown> = {
  'site.exosphere.auth.getSession': { loggedIn: true, did: 'did:plc:owner', handle: 'owner.test' },
  'site.exosphere.sphere.getSphere': { sphere: owner },
  'site.exosphere.sphere.listSpheres': { spheres: [owner, { ...sphere, uri: 'at://x/y/z', slug: 'other' }] },
  'site.exosphere.sphere.getActivity': {
    items: [
      {
        module: 'notes',
        kind: 'pin',
        uri: 'at://did:plc:owner/site.exosphere.note/1',
        title: 'Note number 1',
        text: 'Soon',
        detail: 'the top',
        path: '/s/demo/notes/1',
        actor: { did: 'did:plc:owner', handle: 'owner.test' },
        createdAt: '2026-01-05T00:00:00Z',
      },
      {
        module: 'notes',
        kind: 'note',
        uri: 'at://did:plc:alice/site.exosphere.note/1',
        title: 'Note number 1',
        path: '/s/demo/notes/1',
        actor: { did: 'did:plc:alice' },
        createdAt: '2026-01-03T00:00:00Z',
      },
      {
        module: 'not-in-this-build',
        kind: 'thing',
        uri: 'at://did:plc:alice/site.exosphere.thing/1',
        title: 'Something else',
        path: '/s/demo/elsewhere/1',
        actor: { did: 'did:plc:alice' },
        createdAt: '2026-01-02T00:00:00Z',
      },
    ],
    cursor: 'next',
  },
  'site.exosphere.instance.getInstance': {
    sphereCreation: 'admins',
    needsSetup: false,
    sphereCount: 2,
    viewer: { admin: true, canCreateSpheres: true },
  },
  'site.exosphere.instance.listSpheres': {
    spheres: [
      {
        sphere: owner,
        standing: 'listed',
        content: [{ module: 'notes', label: 'Notes', count: 4 }],
        lastActivityAt: '2026-01-05T00:00:00Z',
      },
      { sphere: { ...sphere, uri: 'at://x/y/z', slug: 'other' }, standing: 'suspended', standingReason: 'Spam', content: [] },
    ],
    cursor: 'next',
  },
  'site.exosphere.instance.listCreators': {
    creators: [{ did: 'did:plc:dave', handle: 'dave.test', grantedBy: 'did:plc:owner', grantedAt: '2026-01-03T00:00:00Z' }],
  },
  'site.exosphere.instance.listInviteCodes': {
    invites: [
      { code: 'abcd-efgh', note: 'For dave', createdBy: 'did:plc:owner', createdAt: '2026-01-03T00:00:00Z' },
      { code: 'used-code', createdBy: 'did:plc:owner', createdAt: '2026-01-02T00:00:00Z', usedBy: 'did:plc:bob' },
    ],
  },
  'site.exosphere.notification.listNotifications': {
    notifications: [
      {
        module: 'notes',
        kind: 'mention',
        uri: 'at://did:plc:bob/site.exosphere.note/1',
        sphere: { uri: 'at://did:plc:owner/site.exosphere.sphere/3kabc', slug: 'demo', name: 'Demo Sphere' },
        title: 'A note',
        text: '@owner.test, look',
        path: '/s/demo/notes',
        actor: { did: 'did:plc:bob', handle: 'bob.test' },
        createdAt: '2026-01-05T00:00:00Z',
        unread: true,
      },
    ],
  },
  'site.exosphere.sphere.listMembers': {
    members: [
      { did: 'did:plc:owner', handle: 'owner.test', role: 'owner', status: 'active' },
      { did: 'did:plc:bob', handle: 'bob.test', role: 'member', status: 'invited' },
    ],
  },
};

describeAccessibility(
  'accessibility of core’s pages',
  [
    '/',
    '/login',
    '/login?login_error=Could%20not%20resolve%20that%20handle',
    '/s/demo',
    '/s/demo/members',
    '/s/demo/settings',
    '/s/demo/invite',
    '/admin',
    '/notifications',
    '/nowhere',
  ],
  answers,
  notesServer,
);

// A new instance (the welcome, signed out), the invite policy's form, and the
// administration page as others see it.
describeAccessibility(
  'accessibility of core’s pages on a new instance, signed out',
  ['/', '/admin'],
  {
    'site.exosphere.auth.getSession': { loggedIn: false },
    'site.exosphere.instance.getInstance': { sphereCreation: 'admins', needsSetup: true, sphereCount: 0 },
    'site.exosphere.sphere.listSpheres': { spheres: [] },
  },
  notesServer,
);

const notAllowed = { $error: { status: 403, error: 'NotAllowed', message: 'only administrators' } };
describeAccessibility(
  'accessibility of core’s pages for an account that is no administrator',
  ['/', '/admin'],
  {
    ...answers,
    'site.exosphere.instance.getInstance': {
      sphereCreation: 'invite',
      needsSetup: false,
      sphereCount: 2,
      viewer: { admin: false, canCreateSpheres: false },
    },
    'site.exosphere.instance.listSpheres': notAllowed,
    'site.exosphere.instance.listCreators': notAllowed,
    'site.exosphere.instance.listInviteCodes': notAllowed,
  },
  notesServer,
);

// The operator's page is held to every axe rule, whatever its impact (two
// landmarks named "Spheres" were a moderate one).
describe('the administration page, to every axe rule of any impact', () => {
  it('/admin has no axe violations at all', async () => {
    renderPage('/admin', answers, notesServer);
    expect(await axeViolations()).toEqual([]);
  });
});
