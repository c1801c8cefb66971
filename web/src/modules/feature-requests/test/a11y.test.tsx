// Accessibility of the board's pages as the server renders them (the checks
// of web/test/a11y.ts), and of the Sphere's home showing the board's activity.
import { describeAccessibility } from '../../../../test/a11y';
import { request, sphere } from './fixtures';

const owner = { ...sphere, viewer: { canWrite: true, canModerate: true, role: 'owner', status: 'active' } };

const answers: Record<string, unknown> = {
  'site.exosphere.auth.getSession': { loggedIn: true, did: 'did:plc:owner', handle: 'owner.test' },
  'site.exosphere.sphere.getSphere': { sphere: owner },
  'site.exosphere.featureRequest.listRequests': { requests: [request(1), request(2, { status: 'planned' })], cursor: 'c' },
  'site.exosphere.featureRequest.getRequest': {
    request: request(1, { description: 'Why', author: { did: 'did:plc:owner', handle: 'owner.test' } }),
    statusHistory: [{ status: 'planned', actor: { did: 'did:plc:owner' }, createdAt: '2026-01-05T00:00:00Z', note: 'Soon' }],
  },
  'site.exosphere.featureRequest.listComments': {
    comments: [
      { uri: 'at://c/1', text: 'Yes', textHtml: '<p>Yes</p>\n', author: { did: 'did:plc:bob' }, voteCount: 1, createdAt: '2026-01-04T00:00:00Z' },
      { uri: 'at://c/2', parent: 'at://c/1', text: 'Agreed', textHtml: '<p>Agreed</p>\n', author: { did: 'did:plc:owner' }, voteCount: 0, createdAt: '2026-01-04T00:00:00Z' },
    ],
  },
  'site.exosphere.sphere.getActivity': {
    items: [
      {
        module: 'feature-requests',
        kind: 'status',
        uri: 'at://did:plc:owner/site.exosphere.featureRequestStatus/1',
        subject: 'at://did:plc:alice/site.exosphere.featureRequest/1',
        title: 'Request number 1',
        text: 'Soon',
        detail: 'planned',
        path: '/s/demo/feature-requests/1',
        actor: { did: 'did:plc:owner', handle: 'owner.test' },
        createdAt: '2026-01-05T00:00:00Z',
      },
      {
        module: 'feature-requests',
        kind: 'request',
        uri: 'at://did:plc:alice/site.exosphere.featureRequest/1',
        title: 'Request number 1',
        path: '/s/demo/feature-requests/1',
        actor: { did: 'did:plc:alice' },
        createdAt: '2026-01-03T00:00:00Z',
      },
    ],
    cursor: 'next',
  },
};

describeAccessibility(
  'accessibility of the board’s pages',
  [
    '/s/demo',
    '/s/demo/feature-requests',
    '/s/demo/feature-requests/new',
    '/s/demo/feature-requests/roadmap',
    '/s/demo/feature-requests/1',
  ],
  answers,
);
