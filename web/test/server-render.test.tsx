// @vitest-environment node
// The server entry renders without a DOM, from injected data only.
import { describe, expect, it } from 'vitest';
import { exosphereQueries, exosphereRender } from '../src/entry-server';
import { request, sphere } from './helpers';

function dataFor(url: string, answers: Record<string, unknown>) {
  const data: Record<string, unknown> = {};
  for (const q of exosphereQueries(url)) if (q.nsid in answers) data[q.key] = answers[q.nsid];
  return data;
}

describe('server rendering', () => {
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
            { uri: 'at://c/1', text: 'Yes!', author: { did: 'did:plc:bob' }, voteCount: 0, createdAt: '2026-01-04T00:00:00Z' },
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

  it('never carries one visitor’s session into the next render', () => {
    const signedIn = exosphereRender('/', { 'site.exosphere.auth.getSession': { loggedIn: true, did: 'did:plc:me', handle: 'me.test' } });
    expect(signedIn.html).toContain('@me.test');
    const anonymous = exosphereRender('/', { 'site.exosphere.auth.getSession': { loggedIn: false } });
    expect(anonymous.html).not.toContain('@me.test');
    expect(anonymous.html).toContain('>Sign in</a>');
  });

  it('links Sign in back to the page, without a previous sign-in error', () => {
    const out = exosphereRender('/s/demo?sort=new&login_error=Nope', {
      'site.exosphere.auth.getSession': { loggedIn: false },
    });
    expect(out.html).toContain('href="/login?redirect=%2Fs%2Fdemo%3Fsort%3Dnew"');
    expect(out.html).toContain('Nope');
  });

  it('renders a loading state, never fetching, when data is missing', () => {
    const out = exosphereRender('/', {});
    expect(out.status).toBe(200);
    expect(out.title).toBe('Exosphere');
    expect(out.html).toContain('Loading Spheres');
  });
});
