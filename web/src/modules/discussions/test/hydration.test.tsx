// The server's thread page (the registry's server entry, as dist/server/render.js
// runs it) hydrates in the browser as it is: the same markup, the API's
// Markdown HTML included, no fetch, and no mismatch reported by preact/debug.
import 'preact/debug';
import { render } from '@testing-library/preact';
import { hydrate } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocationProvider } from '../../../client';
import { dataFor, exosphereRender } from '../../../../test/server';
import { ThreadPage } from '../pages/thread';
import { alice, anonymous, anonymousSphere, deepReplies, fakeServer, reply, settle, signedInAs, sphere, thread } from './fixtures';

const URL = '/s/demo/discussions/7';
// Markdown as the API renders it (bodyHtml at h2, textHtml at h3).
const source = '# Heading\n\n<script>x</script> **bold** `a<b` https://example.com/bare\nline two\n\n| x |\n|---|\n| y |';
const rendered = (h: number) =>
  `<h${h}>Heading</h${h}>\n<p>&lt;script&gt;x&lt;/script&gt; <strong>bold</strong> <code>a&lt;b</code> ` +
  '<a href="https://example.com/bare" rel="nofollow ugc noopener">https://example.com/bare</a><br />\nline two</p>\n' +
  '<table><thead><tr><th>x</th></tr></thead><tbody>\n<tr><td>y</td></tr>\n</tbody></table>\n';
const answers = {
  'site.exosphere.auth.getSession': anonymous,
  'site.exosphere.sphere.getSphere': { sphere: anonymousSphere },
  'site.exosphere.discussion.getThread': {
    thread: thread(7, { body: source, bodyHtml: rendered(2), tags: ['meta'], replyCount: 7, reactions: [{ emoji: 'rocket', count: 2 }] }),
  },
  'site.exosphere.discussion.listReplies': {
    replies: [...deepReplies, reply('h', { text: source, textHtml: rendered(3), reactions: [{ emoji: '+1', count: 1 }] })],
    cursor: 'next',
  },
};

/** A member who may react and reply, author of some of the replies, with reactions of her own; times of hours ago. */
const hoursAgo = (n: number) => new Date(Date.now() - n * 3600_000).toISOString();
const memberAnswers = {
  ...answers,
  'site.exosphere.auth.getSession': signedInAs(alice),
  'site.exosphere.sphere.getSphere': { sphere },
  'site.exosphere.discussion.getThread': {
    thread: thread(7, { createdAt: hoursAgo(5), replyCount: 6, reactions: [{ emoji: 'heart', count: 2 }], viewer: { reactions: ['heart'] } }),
  },
  'site.exosphere.discussion.listReplies': {
    replies: deepReplies.map((r, i) => ({
      ...r,
      createdAt: hoursAgo(4 - i / 2),
      ...(i % 2 ? { reactions: [{ emoji: '+1', count: i }], viewer: { reactions: ['+1'] } } : {}),
    })),
  },
};

/** What the server put in <main>: the page, as the browser gets it. */
function serverPage(pageAnswers: Record<string, unknown> = answers): { html: string; data: Record<string, unknown> } {
  const data = dataFor(URL, pageAnswers);
  const out = exosphereRender(URL, data);
  const shell = document.createElement('div');
  shell.innerHTML = out.html;
  return { html: shell.querySelector('main')?.innerHTML ?? '', data };
}

const page = () => (
  <LocationProvider>
    <ThreadPage params={{ sphere: 'demo', number: '7' }} query={{}} />
  </LocationProvider>
);

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the thread page from the server, in the browser', () => {
  it('hydrates without a mismatch, a warning or a fetch, and changes nothing', async () => {
    const server = fakeServer({});
    const errors = vi.spyOn(console, 'error');
    const warnings = vi.spyOn(console, 'warn');
    const { html, data } = serverPage();
    const root = document.createElement('div');
    root.innerHTML = html;
    document.body.append(root);
    const before = root.innerHTML;
    globalThis.__SSR_DATA__ = data;
    history.replaceState(null, '', URL);
    hydrate(page(), root);
    expect(root.innerHTML).toBe(before);
    await settle();
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).not.toHaveBeenCalled();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('hydrates a member’s page (reactions, reply, edit and delete buttons) as it is, then shows times relative to now', async () => {
    const server = fakeServer({});
    const errors = vi.spyOn(console, 'error');
    const warnings = vi.spyOn(console, 'warn');
    const { html, data } = serverPage(memberAnswers);
    const root = document.createElement('div');
    root.innerHTML = html;
    document.body.append(root);
    const before = root.innerHTML;
    expect(root.querySelectorAll('[data-testid="add-reaction"]')).toHaveLength(1 + 4); // the thread and the replies shown
    expect([...root.querySelectorAll('button')].filter((b) => b.textContent === 'Edit reply')).toHaveLength(1);
    globalThis.__SSR_DATA__ = data;
    history.replaceState(null, '', URL);
    hydrate(page(), root);
    expect(root.innerHTML).toBe(before);
    // The server's dates first (the same on both sides), then the clock's.
    expect(root.querySelector('time')?.textContent).toMatch(/^\d+ \w{3} \d{4}$/);
    await settle();
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).not.toHaveBeenCalled();
    expect(server.fetch).not.toHaveBeenCalled();
    expect([...root.querySelectorAll('time')].map((t) => t.textContent)).toEqual([
      '5 hours ago',
      '4 hours ago',
      '3 hours ago',
      '2 hours ago',
      '1 hour ago',
    ]);
  });

  it('inserts the API’s Markdown HTML as it is, the same in the browser as on the server', () => {
    fakeServer({});
    const { html, data } = serverPage();
    const server = document.createElement('div');
    server.innerHTML = html;
    globalThis.__SSR_DATA__ = data;
    history.replaceState(null, '', URL);
    const browser = render(page()).container;
    const markdownOf = (root: Element) =>
      [...root.querySelectorAll('[data-testid="thread-body"], [data-testid="reply-text"]')].map((e) => e.innerHTML);
    const shown = markdownOf(browser);
    expect(shown).toHaveLength(1 + 5); // the body, and the replies shown (two levels)
    expect(shown).toEqual(markdownOf(server));
    const given = (markup: string) => {
      const root = document.createElement('div');
      root.innerHTML = markup;
      return root.innerHTML;
    };
    expect(shown[0]).toBe(given(rendered(2)));
    expect(shown.at(-1)).toBe(given(rendered(3)));
  });
});
