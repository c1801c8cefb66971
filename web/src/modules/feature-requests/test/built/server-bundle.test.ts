// @vitest-environment node
// The built server bundle renders the board's pages (and the Sphere's home
// with the board's activity) byte for byte as the unmodified libraries do
// (web/test/built/bundle.ts). Run by scripts/check after the build.
import { type BuiltPage, describeBuiltPages } from '../../../../../test/built/bundle';
import type { CommentView } from '../../types';
import { request, sphere } from '../fixtures';

const me = { did: 'did:plc:alice', handle: 'alice.test' };
const signedIn = { loggedIn: true, ...me };

function comments(n: number): CommentView[] {
  return Array.from({ length: n }, (_, i) => ({
    uri: `at://did:plc:c${i}/site.exosphere.featureRequestComment/c${i}`,
    cid: `bafyc${i}`,
    // Some by the viewer, a reply, an edited and a hidden one, text that needs escaping.
    author: i % 5 === 0 ? me : { did: `did:plc:c${i}`, ...(i % 2 ? { handle: `c${i}.test` } : {}) },
    text: i === 3 ? 'Use <b>&amp;</b> "quotes" & more' : `Comment number ${i}: this would save me a lot of time.`,
    textHtml:
      i === 3
        ? '<p>Use &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;quotes&quot; &amp; more</p>\n'
        : `<p>Comment number ${i}: this would <strong>save</strong> me a lot of time.</p>\n`,
    voteCount: i % 7,
    createdAt: `2026-01-03T00:${String(i).padStart(2, '0')}:00.000Z`,
    ...(i === 4 ? { parent: 'at://did:plc:c1/site.exosphere.featureRequestComment/c1' } : {}),
    ...(i === 6 ? { updatedAt: '2026-01-05T00:00:00.000Z' } : {}),
    ...(i === 8 ? { hidden: true } : {}),
    ...(i % 3 === 0 ? { viewer: { voted: true } } : {}),
  }));
}

const requestPage = (viewer: typeof sphere.viewer, session: unknown) => ({
  'site.exosphere.auth.getSession': session,
  'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer } },
  'site.exosphere.featureRequest.getRequest': {
    request: request(7, { title: 'Export to <CSV> & "more"', description: 'Spreadsheets\nplease', status: 'planned' }),
    statusHistory: [{ status: 'planned', changedAt: '2026-01-06T00:00:00Z', actor: me }],
  },
  'site.exosphere.featureRequest.listComments': { comments: comments(50), cursor: 'next' },
});

const pages: BuiltPage[] = [
  ['request page, anonymous', '/s/demo/feature-requests/7', requestPage(undefined, { loggedIn: false })],
  [
    'request page, moderator',
    '/s/demo/feature-requests/7',
    requestPage({ canWrite: true, canModerate: true, role: 'owner', status: 'active' }, signedIn),
  ],
  [
    'Sphere home',
    '/s/demo',
    {
      'site.exosphere.auth.getSession': signedIn,
      'site.exosphere.sphere.getSphere': { sphere },
      'site.exosphere.sphere.getActivity': {
        items: Array.from({ length: 30 }, (_, i) => ({
          module: i % 4 === 3 ? 'not-in-this-build' : 'feature-requests',
          kind: i % 2 ? 'status' : 'request',
          uri: `at://did:plc:alice/site.exosphere.featureRequest/${i}`,
          title: `Request <${i}> & "more"`,
          ...(i % 2 ? { detail: 'planned', text: 'Next release' } : {}),
          path: `/s/demo/feature-requests/${i + 1}`,
          actor: i % 3 ? me : { did: 'did:plc:bob' },
          createdAt: `2026-01-03T00:${String(i).padStart(2, '0')}:00.000Z`,
        })),
        cursor: 'c',
      },
    },
  ],
  [
    'board',
    '/s/demo/feature-requests?sort=new',
    {
      'site.exosphere.auth.getSession': signedIn,
      'site.exosphere.sphere.getSphere': { sphere },
      'site.exosphere.featureRequest.listRequests': {
        requests: Array.from({ length: 20 }, (_, i) => request(i + 1, { title: `Request <${i}>` })),
        cursor: 'c',
      },
    },
  ],
  [
    'roadmap',
    '/s/demo/feature-requests/roadmap',
    {
      'site.exosphere.auth.getSession': { loggedIn: false },
      'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer: undefined } },
      'site.exosphere.featureRequest.listRequests': {
        requests: Array.from({ length: 20 }, (_, i) => request(i + 1, { title: `Request <${i}>`, status: 'planned' })),
        cursor: 'c',
      },
    },
  ],
  ['new request', '/s/demo/feature-requests/new', { 'site.exosphere.auth.getSession': signedIn, 'site.exosphere.sphere.getSphere': { sphere } }],
];

describeBuiltPages('the built server bundle, the board’s pages', pages);
