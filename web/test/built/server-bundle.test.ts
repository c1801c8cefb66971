// @vitest-environment node
// The built server bundle renders core's pages byte for byte as the
// unmodified libraries do (test/built/bundle.ts); each module checks its
// own pages in its test/built/. The Sphere shows every module of this build
// (whichever they are) and items of each kind they have, and of a module
// this build doesn't have.
import { modules } from '../../src/modules/registry';
import { sphere } from '../helpers';
import { type BuiltPage, describeBuiltPages } from './bundle';

const me = { did: 'did:plc:alice', handle: 'alice.test' };
const signedIn = { loggedIn: true, ...me };
const everyModule = { ...sphere, modules: [...modules.map((m) => m.name), 'not-in-this-build'] };
const owner = { ...everyModule, viewer: { canWrite: true, canModerate: true, role: 'owner', status: 'active' } };

const kinds = [
  ...modules.flatMap((m) => Object.keys(m.activity?.kinds ?? {}).map((kind) => ({ module: m.name, kind, path: m.tab.path('demo') }))),
  { module: 'not-in-this-build', kind: 'thing', path: '/s/demo/elsewhere' },
];

const pages: BuiltPage[] = [
  [
    'Sphere home',
    '/s/demo',
    {
      'site.exosphere.auth.getSession': signedIn,
      'site.exosphere.sphere.getSphere': { sphere: everyModule },
      'site.exosphere.sphere.getActivity': {
        items: Array.from({ length: 30 }, (_, i) => {
          const { module, kind, path } = kinds[i % kinds.length]!;
          return {
            module,
            kind,
            uri: `at://did:plc:alice/site.exosphere.thing/${i}`,
            title: `Item <${i}> & "more"`,
            ...(i % 2 ? { detail: 'planned', text: 'Next release' } : {}),
            path: `${path}/${i + 1}`,
            actor: i % 3 ? me : { did: 'did:plc:bob' },
            createdAt: `2026-01-03T00:${String(i).padStart(2, '0')}:00.000Z`,
          };
        }),
        cursor: 'c',
      },
    },
  ],
  ['home', '/', { 'site.exosphere.auth.getSession': signedIn, 'site.exosphere.sphere.listSpheres': { spheres: [sphere] } }],
  [
    'home of a new instance',
    '/',
    {
      'site.exosphere.auth.getSession': signedIn,
      'site.exosphere.instance.getInstance': { sphereCreation: 'admins', needsSetup: true, sphereCount: 0, viewer: { admin: false, canCreateSpheres: true } },
      'site.exosphere.sphere.listSpheres': { spheres: [] },
    },
  ],
  [
    'administration',
    '/admin',
    {
      'site.exosphere.auth.getSession': signedIn,
      'site.exosphere.instance.getInstance': { sphereCreation: 'invite', needsSetup: false, sphereCount: 1, viewer: { admin: true, canCreateSpheres: true } },
      'site.exosphere.instance.listSpheres': {
        spheres: [
          {
            sphere: owner,
            standing: 'hidden',
            standingReason: 'Quiet <please>',
            content: modules.map((m, i) => ({ module: m.name, label: m.label, count: i + 1 })),
            lastActivityAt: '2026-01-05T00:00:00Z',
          },
        ],
      },
      'site.exosphere.instance.listCreators': { creators: [{ did: 'did:plc:dave', grantedBy: 'did:plc:alice', grantedAt: '2026-01-03T00:00:00Z' }] },
      'site.exosphere.instance.listInviteCodes': { invites: [{ code: 'abcd', createdBy: 'did:plc:alice', createdAt: '2026-01-03T00:00:00Z' }] },
    },
  ],
  [
    'members page',
    '/s/demo/members',
    {
      'site.exosphere.auth.getSession': signedIn,
      'site.exosphere.sphere.getSphere': { sphere: owner },
      'site.exosphere.sphere.listMembers': {
        members: [
          { did: 'did:plc:owner', handle: 'owner.test', role: 'owner', status: 'active' },
          { did: 'did:plc:bob', handle: 'bob.test', role: 'member', status: 'invited' },
        ],
      },
    },
  ],
  ['settings', '/s/demo/settings', { 'site.exosphere.auth.getSession': signedIn, 'site.exosphere.sphere.getSphere': { sphere: owner } }],
  ['not found', '/nowhere', {}],
];

describeBuiltPages('the built server bundle', pages);
