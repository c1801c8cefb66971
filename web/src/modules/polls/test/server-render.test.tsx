// @vitest-environment node
// The module's pages rendered by the server entry (the registry's renderer,
// as dist/server/render.js runs it).
import { describe, expect, it } from 'vitest';
import { dataFor, exosphereQueries, exosphereRender } from '../../../../test/server';
import { alice, anonymous, anonymousSphere, poll, signedInAs, sphere, tally } from './fixtures';

describe('the poll list, server-rendered', () => {
  it('lists its queries, session first, with the state and sort of the URL', () => {
    expect(exosphereQueries('/s/demo/polls').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
      'site.exosphere.poll.listPolls?limit=30&sort=new&sphere=demo&state=all',
    ]);
    expect(exosphereQueries('/s/demo/polls?state=open&sort=closing').map((q) => q.key)[2]).toBe(
      'site.exosphere.poll.listPolls?limit=30&sort=closing&sphere=demo&state=open',
    );
  });

  it('renders the polls under the module’s tab', () => {
    const url = '/s/demo/polls';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': anonymous,
        'site.exosphere.sphere.getSphere': { sphere: { ...anonymousSphere, modules: ['polls'] } },
        'site.exosphere.poll.listPolls': { polls: [poll(2, { question: 'Lunch <today>?', tally: tally(5, [3, 2, 0]) }), poll(1, { closed: true, tally: undefined })] },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.title).toBe('Polls · Demo Sphere · Exosphere');
    expect(out.html).toContain('<a href="/s/demo/polls/2">Lunch &lt;today>?</a>');
    expect(out.html).toContain('data-testid="voter-count">5 voters</span>');
    expect(out.html).toContain('data-testid="closed-badge">Closed</span>');
    expect(out.html).toMatch(/<a [^>]*href="\/s\/demo\/polls" aria-current="page"[^>]*>Polls<\/a>/);
  });
});

describe('the poll page, server-rendered', () => {
  it('lists its queries: the Sphere and the poll', () => {
    expect(exosphereQueries('/s/demo/polls/3').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
      'site.exosphere.poll.getPoll?number=3&sphere=demo',
    ]);
    expect(exosphereQueries('/s/demo/polls/new').map((q) => q.key)).toHaveLength(2);
  });

  it('renders the results the API gave, as a chart and a table', () => {
    const url = '/s/demo/polls/3';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': signedInAs(alice),
        'site.exosphere.sphere.getSphere': { sphere },
        'site.exosphere.poll.getPoll': { poll: poll(3, { descriptionHtml: '<p>Pick <strong>one</strong></p>\n', tally: tally(4, [1, 3, 0]) }) },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.title).toBe('Which colour? (3) · Demo Sphere · Exosphere');
    expect(out.html).toContain('<p>Pick <strong>one</strong></p>');
    expect(out.html).toContain('data-testid="results-chart"');
    expect(out.html).toContain('75.0%');
    expect(out.html).toContain('>Vote</button>');
  });

  it('renders no results where the API left them out', () => {
    const url = '/s/demo/polls/3';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': anonymous,
        'site.exosphere.sphere.getSphere': { sphere: anonymousSphere },
        'site.exosphere.poll.getPoll': { poll: poll(3, { results: 'afterVote', tally: undefined }) },
      }),
    );
    expect(out.html).toContain('data-testid="results-hidden"');
    expect(out.html).not.toContain('results-table');
    expect(out.html).not.toMatch(/\d\.\d%/);
  });

  it('answers 404 for a poll that isn’t there', () => {
    const url = '/s/demo/polls/9';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.sphere.getSphere': { sphere: anonymousSphere },
        'site.exosphere.poll.getPoll': { $error: { status: 404, error: 'PollNotFound', message: 'no poll #9 in this Sphere' } },
      }),
    );
    expect(out.status).toBe(404);
    expect(out.html).toContain('no poll #9 in this Sphere');
  });
});
