// The server's thread page (the registry's server entry, as dist/server/render.js
// runs it) hydrates in the browser as it is: the same markup, Markdown
// included, no fetch, and no mismatch reported by preact/debug.
import 'preact/debug';
import { render } from '@testing-library/preact';
import { hydrate } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocationProvider } from '../../../client';
import { dataFor, exosphereRender } from '../../../../test/server';
import { ThreadPage } from '../pages/thread';
import { anonymous, anonymousSphere, deepReplies, fakeServer, reply, settle, thread } from './fixtures';

const URL = '/s/demo/discussions/7';
const hostile =
  '# Heading\n\n<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 1"> [click](javascript:alert(1)) ' +
  '<https://example.com/auto> https://example.com/bare **bold** `a<b`\n\n| x |\n|---|\n| <b>y</b> |';
const answers = {
  'site.exosphere.auth.getSession': anonymous,
  'site.exosphere.sphere.getSphere': { sphere: anonymousSphere },
  'site.exosphere.discussion.getThread': {
    thread: thread(7, { body: hostile, tags: ['meta'], replyCount: 7, reactions: [{ emoji: 'rocket', count: 2 }] }),
  },
  'site.exosphere.discussion.listReplies': {
    replies: [...deepReplies, reply('h', { text: `Reply: ${hostile}`, reactions: [{ emoji: '+1', count: 1 }] })],
    cursor: 'next',
  },
};

/** What the server put in <main>: the page, as the browser gets it. */
function serverPage(): { html: string; data: Record<string, unknown> } {
  const data = dataFor(URL, answers);
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
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('renders the same Markdown markup in the browser as the server did', () => {
    fakeServer({});
    const { html, data } = serverPage();
    const server = document.createElement('div');
    server.innerHTML = html;
    globalThis.__SSR_DATA__ = data;
    history.replaceState(null, '', URL);
    const browser = render(page()).container;
    const markdownOf = (root: Element) =>
      [...root.querySelectorAll('[data-testid="thread-body"], [data-testid="reply-text"]')].map((e) => e.innerHTML);
    const rendered = markdownOf(browser);
    expect(rendered).toHaveLength(1 + 5); // the body, and the replies shown (two levels)
    expect(rendered).toEqual(markdownOf(server));
    // Inert in both.
    for (const root of [server, browser]) {
      expect(root.querySelector('[data-testid="thread-body"] script, [data-testid="thread-body"] img')).toBeNull();
      const links = [...root.querySelectorAll('[data-testid="thread-body"] a')];
      expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/auto', 'https://example.com/bare']);
      expect(links.every((a) => a.getAttribute('rel') === 'nofollow ugc noopener')).toBe(true);
    }
  });
});
