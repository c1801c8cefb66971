// The new-thread page and the Markdown composer: Write and Preview (the
// server's rendering, the same a post gets), the Lexicon limits, and posting.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LocationProvider, sessionResource, type SphereView } from '../../../client';
import { DISCUSSION_LIMITS as LIMITS } from '../limits';
import { NewThreadPage } from '../pages/new-thread';
import { anonymous, anonymousSphere, fakeServer, settle, sphere, thread } from './fixtures';

function renderNewThread(view: SphereView = sphere, session?: object) {
  globalThis.__SSR_DATA__ = {
    'site.exosphere.sphere.getSphere?sphere=demo': { sphere: view },
    ...(session ? { 'site.exosphere.auth.getSession': session } : {}),
  };
  if (session) sessionResource();
  history.replaceState(null, '', '/s/demo/discussions/new');
  return render(
    <LocationProvider>
      <NewThreadPage params={{ sphere: 'demo' }} query={{}} />
    </LocationProvider>,
  );
}

const input = (label: string, value: string) => fireEvent.input(screen.getByLabelText(label), { target: { value } });

describe('the composer’s Write and Preview tabs', () => {
  it('previews the text as the server renders it, and inserts that HTML as it is', async () => {
    const rendered = '<h3>Plan</h3>\n<p><strong>Bold</strong> &lt;script&gt; <a href="https://example.com" rel="nofollow ugc noopener">https://example.com</a></p>\n';
    const server = fakeServer({ '/xrpc/site.exosphere.markdown.render': () => ({ body: { html: rendered } }) });
    renderNewThread();
    const tabs = within(screen.getByRole('tablist', { name: 'Write or preview: Body' }));
    const write = tabs.getByRole('tab', { name: 'Write' });
    const preview = tabs.getByRole('tab', { name: 'Preview' });
    expect(write.getAttribute('aria-selected')).toBe('true');
    const text = '## Plan\n\n**Bold** <script> https://example.com';
    input('Body', `  ${text}\n`);
    expect(server.fetch).not.toHaveBeenCalled();
    fireEvent.click(preview);
    expect(preview.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByLabelText('Body').closest('[role="tabpanel"]')?.hasAttribute('hidden')).toBe(true);
    const panel = screen.getByTestId('preview');
    expect(panel.hasAttribute('hidden')).toBe(false);
    // Asked for when shown: the text as it will be posted, headings under the page's h1.
    expect(within(panel).getByRole('status').textContent).toBe('Rendering the preview…');
    await settle();
    expect(server.calls.map((c) => [c.path, c.body])).toEqual([
      ['/xrpc/site.exosphere.markdown.render', { text, headingBase: 2 }],
    ]);
    const expected = document.createElement('div');
    expected.innerHTML = rendered;
    expect((panel.querySelector('[class]') as HTMLElement).innerHTML).toBe(expected.innerHTML);
    expect(panel.querySelector('h3')?.textContent).toBe('Plan');
    // Back to writing: the text is still there.
    fireEvent.click(write);
    expect((screen.getByLabelText('Body') as HTMLTextAreaElement).value).toBe(`  ${text}\n`);
  });

  it('shows why the preview failed, and tries again', async () => {
    let fail = true;
    const server = fakeServer({
      '/xrpc/site.exosphere.markdown.render': () =>
        fail ? { status: 500, body: { error: 'InternalServerError', message: 'Could not render' } } : { body: { html: '<p>Fine</p>\n' } },
    });
    renderNewThread();
    input('Body', 'Fine');
    fireEvent.click(screen.getByRole('tab', { name: 'Preview' }));
    await settle();
    const panel = screen.getByTestId('preview');
    expect(within(panel).getByRole('alert').textContent).toContain('Could not render');
    fail = false;
    fireEvent.click(within(panel).getByRole('button', { name: 'Try again' }));
    await settle();
    expect(within(panel).queryByRole('alert')).toBeNull();
    expect(panel.textContent?.trim()).toBe('Fine');
    expect(server.calls).toHaveLength(2);
  });

  it('moves between the tabs with the arrow keys', () => {
    fakeServer({});
    renderNewThread();
    const write = screen.getByRole('tab', { name: 'Write' });
    write.focus();
    fireEvent.keyDown(write, { key: 'ArrowRight' });
    const preview = screen.getByRole('tab', { name: 'Preview' });
    expect(preview.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(preview);
    expect(screen.getByTestId('preview').textContent).toContain('Nothing to preview.');
  });
});

describe('the new-thread form', () => {
  it('says at once when the title is over the Lexicon limit, and posts nothing', async () => {
    const server = fakeServer({});
    renderNewThread();
    input('Title', 'x'.repeat(LIMITS.threadTitle.maxGraphemes + 1));
    expect(screen.getByLabelText('Title').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Title is too long: 301 characters, at most 300.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('holds the body to 10,000 characters and the tags to five of 32', async () => {
    const server = fakeServer({});
    renderNewThread();
    input('Title', 'Fine');
    input('Body', 'b'.repeat(LIMITS.threadBody.maxGraphemes + 1));
    expect(screen.getByText('Body is too long: 10001 characters, at most 10000.')).toBeTruthy();
    input('Body', 'b'.repeat(LIMITS.threadBody.maxGraphemes));
    expect(screen.queryByText(/Body is too long/)).toBeNull();
    input('Tags', 'a, b, c, d, e, f');
    expect(screen.getByText('At most 5 tags: there are 6.')).toBeTruthy();
    input('Tags', `ok, ${'t'.repeat(33)}`);
    expect(screen.getByText(/is too long: 33 characters, at most 32/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('requires a title only once someone tries to post', async () => {
    fakeServer({});
    renderNewThread();
    expect(screen.queryByText('Title is required.')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    await settle();
    expect(screen.getByText('Title is required.')).toBeTruthy();
  });

  it('posts the thread with its tags and goes to it', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.createThread': () => ({ body: { thread: thread(12) } }),
    });
    renderNewThread();
    input('Title', '  Garden rules  ');
    input('Body', 'Be **kind**.');
    input('Tags', 'meta, rules, meta');
    expect(screen.getByRole('list', { name: 'Tags to save' }).textContent).toBe('metarules');
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', title: 'Garden rules', body: 'Be **kind**.', tags: ['meta', 'rules'] });
    expect(location.pathname).toBe('/s/demo/discussions/12');
  });

  it('leaves out an empty body and no tags, and shows the API’s message when it refuses', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.createThread': () => ({
        status: 403,
        body: { error: 'Forbidden', message: 'Only members can post here.' },
      }),
    });
    renderNewThread();
    input('Title', 'Just a title');
    fireEvent.click(screen.getByRole('button', { name: 'Post thread' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', title: 'Just a title' });
    expect(screen.getByRole('alert').textContent).toContain('Only members can post here.');
    expect(screen.getByRole('button', { name: 'Post thread' }).hasAttribute('disabled')).toBe(false);
  });

  it('asks visitors to sign in first', () => {
    fakeServer({});
    renderNewThread(anonymousSphere, anonymous);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('New thread');
    expect(screen.queryByLabelText('Title')).toBeNull();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/login?redirect=%2Fs%2Fdemo%2Fdiscussions%2Fnew');
  });
});
