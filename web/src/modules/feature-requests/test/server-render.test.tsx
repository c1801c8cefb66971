// @vitest-environment node
// The board's pages rendered by the server entry (the registry's renderer,
// as dist/server/render.js runs it), and its items on the Sphere's home.
import { describe, expect, it } from 'vitest';
import { dataFor, exosphereQueries, exosphereRender } from '../../../../test/server';
import { request, sphere } from './fixtures';

describe('the board, server-rendered', () => {
  it('lists the queries of a request page, session first', () => {
    expect(exosphereQueries('/s/demo/feature-requests/7').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
      'site.exosphere.featureRequest.getRequest?number=7&sphere=demo',
      'site.exosphere.featureRequest.listComments?limit=50&number=7&sphere=demo',
    ]);
  });

  it('renders the request page with its title, description and comments', () => {
    const url = '/s/demo/feature-requests/7';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': { loggedIn: false },
        'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer: undefined } },
        'site.exosphere.featureRequest.getRequest': {
          request: request(7, { title: 'Export to CSV', description: 'Spreadsheets please' }),
          statusHistory: [],
        },
        'site.exosphere.featureRequest.listComments': {
          comments: [
            { uri: 'at://c/1', text: 'Yes!', textHtml: '<p>Yes!</p>\n', author: { did: 'did:plc:bob' }, voteCount: 0, createdAt: '2026-01-04T00:00:00Z' },
          ],
        },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.title).toBe('Export to CSV · Demo Sphere · Exosphere');
    expect(out.description).toBe('Spreadsheets please');
    expect(out.html).toContain('<h1 id="request-title"');
    expect(out.html).toContain('Yes!');
    expect(out.html).toContain('Sign in</a> to comment');
  });

  it('lists the queries of the board, which lives under its module name', () => {
    expect(exosphereQueries('/s/demo/feature-requests?sort=new').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
      'site.exosphere.featureRequest.listRequests?limit=25&sort=new&sphere=demo&status=in-progress&status=open&status=planned',
      'site.exosphere.featureRequest.listTags?sphere=demo',
    ]);
  });

  it('matches the new-request page before a request number', () => {
    expect(exosphereQueries('/s/demo/feature-requests/new').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
    ]);
  });

  it('renders the board with its requests under the module’s tab', () => {
    const url = '/s/demo/feature-requests';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': { loggedIn: false },
        'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer: undefined } },
        'site.exosphere.featureRequest.listRequests': { requests: [request(1, { title: 'Dark mode' })] },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.title).toBe('Feature requests · Demo Sphere · Exosphere');
    expect(out.html).toContain('Dark mode');
    expect(out.html).toContain('href="/s/demo/feature-requests/1"');
    expect(out.html).toMatch(/<a [^>]*href="\/s\/demo\/feature-requests" aria-current="page"[^>]*>Feature requests<\/a>/);
    expect(out.feed).toBe('/s/demo/feature-requests/feed.atom');
  });

  it('shows a request’s description and comments as the server rendered their Markdown', () => {
    const url = '/s/demo/feature-requests/3';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': { loggedIn: false },
        'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer: undefined } },
        'site.exosphere.featureRequest.getRequest': {
          request: request(3, { description: 'Why **now**', descriptionHtml: '<p>Why <strong>now</strong></p>\n' }),
          statusHistory: [],
        },
        'site.exosphere.featureRequest.listComments': {
          comments: [
            { uri: 'at://c/1', text: '_Yes_', textHtml: '<p><em>Yes</em></p>\n', author: { did: 'did:plc:bob' }, voteCount: 0, createdAt: '2026-01-04T00:00:00Z' },
          ],
        },
      }),
    );
    expect(out.html).toContain('data-testid="request-description"><p>Why <strong>now</strong></p>');
    expect(out.html).toContain('data-testid="comment-text"><p><em>Yes</em></p>');
    expect(out.html).not.toContain('**now**');
  });

  it('gives a request page of a public Sphere its own feed, and none in a private one', () => {
    const url = '/s/demo/feature-requests/3';
    const page = (visibility: string) =>
      exosphereRender(
        url,
        dataFor(url, {
          'site.exosphere.auth.getSession': { loggedIn: false },
          'site.exosphere.sphere.getSphere': { sphere: { ...sphere, visibility, viewer: undefined } },
          'site.exosphere.featureRequest.getRequest': { request: request(3), statusHistory: [] },
          'site.exosphere.featureRequest.listComments': { comments: [] },
        }),
      );
    expect(page('public').feed).toBe('/s/demo/feature-requests/3/feed.atom');
    expect(page('private').feed).toBeUndefined();
  });

  it('answers 404 with a clear message for a module the Sphere does not use', () => {
    const url = '/s/demo/feature-requests';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': { loggedIn: false },
        'site.exosphere.sphere.getSphere': { sphere: { ...sphere, modules: [], viewer: undefined } },
        'site.exosphere.featureRequest.listRequests': {
          $error: { status: 404, error: 'ModuleDisabled', message: 'feature-requests is not enabled in demo' },
        },
      }),
    );
    expect(out.status).toBe(404);
    expect(out.title).toBe('Feature requests · Demo Sphere · Exosphere');
    expect(out.html).toContain("This Sphere doesn't use Feature requests.");
    expect(out.html).toContain('<a href="/s/demo">Go to the Sphere’s home</a>');
    // No tab for a module the Sphere doesn't use.
    expect(out.html).not.toContain('>Feature requests</a>');
  });

  it('answers 404 for a request the API does not know', () => {
    const out = exosphereRender('/s/demo/feature-requests/99', {
      'site.exosphere.sphere.getSphere?sphere=demo': { sphere },
      'site.exosphere.featureRequest.getRequest?number=99&sphere=demo': {
        $error: { status: 404, error: 'RequestNotFound', message: 'No request 99' },
      },
    });
    expect(out.status).toBe(404);
    expect(out.html).toContain('No request 99');
  });
});

describe('the board’s activity on the Sphere home, server-rendered', () => {
  const items = [
    {
      module: 'feature-requests',
      kind: 'status',
      uri: 'at://did:plc:owner/site.exosphere.featureRequestStatus/s1',
      subject: 'at://did:plc:alice/site.exosphere.featureRequest/3',
      title: 'Export to <CSV>',
      text: 'Next release',
      detail: 'planned',
      path: '/s/demo/feature-requests/3',
      actor: { did: 'did:plc:owner', handle: 'owner.test' },
      createdAt: '2026-01-05T10:00:00Z',
    },
    {
      module: 'feature-requests',
      kind: 'request',
      uri: 'at://did:plc:alice/site.exosphere.featureRequest/3',
      title: 'Export to <CSV>',
      path: '/s/demo/feature-requests/3',
      actor: { did: 'did:plc:alice' },
      createdAt: '2026-01-04T10:00:00Z',
    },
  ];

  it('renders the name, the modules and the activity items from the server data', () => {
    const url = '/s/demo';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': { loggedIn: false },
        'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer: undefined } },
        'site.exosphere.sphere.getActivity': { items, cursor: 'next' },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.title).toBe('Demo Sphere · Exosphere');
    expect(out.description).toBe('Where we try things.');
    expect(out.feed).toBe('/s/demo/feed.atom');
    expect(out.html).toContain('<h1 style="margin:0px;">Demo Sphere</h1>');
    // The enabled modules, linking to their tabs.
    expect(out.html).toMatch(/data-testid="sphere-modules".*href="\/s\/demo\/feature-requests"[^>]*>Feature requests</);
    // Each item: a link to its path, the module's label, what happened, the detail, who and when.
    expect(out.html.match(/data-testid="activity-item"/g)).toHaveLength(2);
    expect(out.html).toContain('<a href="/s/demo/feature-requests/3">Export to &lt;CSV></a>');
    expect(out.html).toContain('Status changed');
    expect(out.html).toContain('New request');
    expect(out.html).toContain('data-testid="activity-detail">Planned</span>');
    expect(out.html).toContain('Next release');
    expect(out.html).toContain('@owner.test');
    expect(out.html).toContain('did:plc:alice');
    expect(out.html).toContain('<time datetime="2026-01-05T10:00:00Z" title="5 Jan 2026">5 Jan 2026</time>');
    expect(out.html).toContain('>Load more</button>');
    expect(out.html).toContain('href="/s/demo/feed.atom"');
  });
});
