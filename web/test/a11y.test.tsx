// Accessibility of the main pages as the server renders them: axe-core's
// WCAG A/AA and best-practice rules (colour contrast is checked on the
// tokens in contrast.test.ts: happy-dom has no layout to measure), and the
// heading order.
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { exosphereQueries, exosphereRender } from '../src/entry-server';
import { request, sphere } from './helpers';

const owner = { ...sphere, viewer: { canWrite: true, canModerate: true, role: 'owner', status: 'active' } };

const answers: Record<string, unknown> = {
  'site.exosphere.auth.getSession': { loggedIn: true, did: 'did:plc:owner', handle: 'owner.test' },
  'site.exosphere.sphere.getSphere': { sphere: owner },
  'site.exosphere.sphere.listSpheres': { spheres: [owner, { ...sphere, uri: 'at://x/y/z', slug: 'other' }] },
  'site.exosphere.featureRequest.listRequests': { requests: [request(1), request(2, { status: 'planned' })], cursor: 'c' },
  'site.exosphere.featureRequest.getRequest': {
    request: request(1, { description: 'Why', author: { did: 'did:plc:owner', handle: 'owner.test' } }),
    statusHistory: [{ status: 'planned', actor: { did: 'did:plc:owner' }, createdAt: '2026-01-05T00:00:00Z', note: 'Soon' }],
  },
  'site.exosphere.featureRequest.listComments': {
    comments: [
      { uri: 'at://c/1', text: 'Yes', author: { did: 'did:plc:bob' }, voteCount: 1, createdAt: '2026-01-04T00:00:00Z' },
      { uri: 'at://c/2', parent: 'at://c/1', text: 'Agreed', author: { did: 'did:plc:owner' }, voteCount: 0, createdAt: '2026-01-04T00:00:00Z' },
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
  'site.exosphere.sphere.listMembers': {
    members: [
      { did: 'did:plc:owner', handle: 'owner.test', role: 'owner', status: 'active' },
      { did: 'did:plc:bob', handle: 'bob.test', role: 'member', status: 'invited' },
    ],
  },
};

function renderPage(url: string) {
  const data: Record<string, unknown> = {};
  for (const q of exosphereQueries(url)) data[q.key] = answers[q.nsid];
  const out = exosphereRender(url, data);
  document.documentElement.lang = 'en';
  document.title = out.title;
  document.body.innerHTML = `<div id="app">${out.html}</div>`;
  return out;
}

const pages = [
  '/',
  '/login',
  '/login?login_error=Could%20not%20resolve%20that%20handle',
  '/s/demo',
  '/s/demo/feature-requests',
  '/s/demo/feature-requests/new',
  '/s/demo/feature-requests/1',
  '/s/demo/members',
  '/s/demo/settings',
  '/s/demo/invite',
  '/nowhere',
];

describe('accessibility of the main pages', () => {
  for (const url of pages) {
    it(`${url} has no serious or critical axe violations`, async () => {
      renderPage(url);
      const result = await axe.run(document.body, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        rules: { 'color-contrast': { enabled: false } },
      });
      const bad = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.html).join(' | ')})`);
      expect(bad).toEqual([]);
    });

    it(`${url} has one h1, a main landmark and headings in order`, () => {
      renderPage(url);
      expect(document.querySelectorAll('h1')).toHaveLength(1);
      expect(document.querySelectorAll('main')).toHaveLength(1);
      let previous = 0;
      for (const h of document.querySelectorAll('h1, h2, h3, h4')) {
        const level = Number(h.tagName[1]);
        expect(level, `${h.tagName} "${h.textContent}" after h${previous}`).toBeLessThanOrEqual(previous + 1);
        previous = level;
      }
      for (const input of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
        const id = input.getAttribute('id');
        const labelled = (id && document.querySelector(`label[for="${id}"]`)) || input.closest('label');
        expect(labelled, `unlabelled ${input.outerHTML}`).toBeTruthy();
      }
    });
  }
});
