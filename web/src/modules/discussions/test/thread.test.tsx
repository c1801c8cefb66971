// The thread page in happy-dom: from the server's data, nested replies,
// reactions, moderation, a locked thread, replying to a reply, paging.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LocationProvider, type SphereView, sessionResource, specKey } from '../../../client';
import { ThreadPage } from '../pages/thread';
import { queries } from '../routes';
import type { ReplyView, ThreadView } from '../types';
import {
  alice,
  anonymous,
  anonymousSphere,
  bob,
  deepReplies,
  fakeServer,
  html,
  moderatorSphere,
  reply,
  replyUri,
  settle,
  signedInAs,
  sphere,
  thread,
} from './fixtures';

const URL = '/s/demo/discussions/7';
const seven = thread(7, {
  title: 'How do we run the garden?',
  body: 'Some **rules** and a [link](https://example.com).',
  bodyHtml: '<p>Some <strong>rules</strong> and a <a href="https://example.com" rel="nofollow ugc noopener">link</a>.</p>\n',
  tags: ['meta', 'help'],
  replyCount: deepReplies.length,
  reactions: [{ emoji: '+1', count: 2 }, { emoji: 'heart', count: 1 }],
  viewer: { reactions: [] },
});

/** The page from server data: the session, the Sphere (as the viewer sees it), the thread and its replies. */
function renderThread({
  session = signedInAs(bob),
  view = sphere,
  data = seven,
  replies = deepReplies,
  cursor,
}: { session?: object; view?: SphereView; data?: ThreadView; replies?: ReplyView[]; cursor?: string } = {}) {
  const [sphereSpec, threadSpec, repliesSpec] = queries.thread({ params: { sphere: 'demo', number: '7' }, query: {} });
  globalThis.__SSR_DATA__ = {
    'site.exosphere.auth.getSession': session,
    [specKey(sphereSpec!)]: { sphere: view },
    [specKey(threadSpec!)]: { thread: data },
    [specKey(repliesSpec!)]: { replies, ...(cursor ? { cursor } : {}) },
  };
  sessionResource();
  history.replaceState(null, '', URL);
  return render(
    <LocationProvider>
      <ThreadPage params={{ sphere: 'demo', number: '7' }} query={{}} />
    </LocationProvider>,
  );
}

/** The reply whose text is `text` (as rendered). */
const replyByText = (text: string) =>
  screen.queryAllByTestId('reply').find((r) => r.querySelector('[data-testid="reply-text"]')?.textContent?.trim() === text);
/** The list item of a reply: the reply, its inline composer and its answers. */
const branchOf = (text: string) => replyByText(text)?.closest('li') as HTMLElement;

describe('the thread page', () => {
  it('renders the server’s data without fetching: title, Markdown body, tags, reactions, replies two levels deep', async () => {
    const server = fakeServer({});
    renderThread({ session: anonymous, view: anonymousSphere });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('How do we run the garden?');
    const body = screen.getByTestId('thread-body');
    expect(body.querySelector('strong')?.textContent).toBe('rules');
    expect(body.querySelector('a')?.getAttribute('rel')).toBe('nofollow ugc noopener');
    expect(within(screen.getByTestId('tags')).getAllByRole('link').map((a) => a.getAttribute('href'))).toEqual([
      '/s/demo/discussions?tag=meta',
      '/s/demo/discussions?tag=help',
    ]);
    expect(screen.getAllByTestId('reactions')[0]?.textContent).toBe('👍Thumbs up 2❤️Heart 1');
    // Two levels at once: the answers and the answers to them.
    const top = screen.getByTestId('reply-list');
    expect([...top.children].map((li) => li.querySelector('[data-testid="reply-text"]')?.textContent?.trim())).toEqual([
      'First answer',
      'Second answer',
    ]);
    expect(within(branchOf('First answer')).getByText('Answer to the first')).toBeTruthy();
    expect(within(branchOf('First answer')).getByText('Second answer to the first')).toBeTruthy();
    // Deeper ones wait behind a button that counts them.
    expect(screen.queryByText('Deep answer')).toBeNull();
    expect(screen.queryByText('Deeper answer')).toBeNull();
    const more = within(branchOf('Answer to the first')).getByRole('button', { name: 'Show 2 more replies' });
    fireEvent.click(more);
    expect(within(branchOf('Answer to the first')).getByText('Deep answer')).toBeTruthy();
    expect(within(branchOf('Deep answer')).getByText('Deeper answer')).toBeTruthy();
    expect(screen.queryByTestId('show-more-replies')).toBeNull();
    // Visitors may sign in to reply; nothing to react with, moderate or edit.
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/login?redirect=%2Fs%2Fdemo%2Fdiscussions%2F7');
    expect(screen.queryByRole('button', { name: 'Reply' })).toBeNull();
    expect(screen.queryByRole('button', { name: /thread$/ })).toBeNull();
    expect(screen.queryByLabelText('Your reply')).toBeNull();
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('toggles the viewer’s reaction at once, then keeps what the server confirms', async () => {
    let confirm!: (v: { body: unknown }) => void;
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.react': () => new Promise((r) => (confirm = r)),
    });
    renderThread();
    const bar = screen.getAllByRole('group', { name: `Reactions to ${seven.title}` })[0]!;
    const thumbs = within(bar).getByRole('button', { name: /^Thumbs up/ });
    expect(thumbs.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(thumbs);
    await settle();
    // Counted before the server answers.
    expect(thumbs.getAttribute('aria-pressed')).toBe('true');
    expect(thumbs.textContent).toContain('3');
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', subject: seven.uri, emoji: '+1' });
    confirm({ body: { reactions: [{ emoji: '+1', count: 4 }, { emoji: 'heart', count: 1 }], viewer: { reactions: ['+1'] } } });
    await settle();
    expect(within(bar).getByRole('button', { name: /^Thumbs up/ }).textContent).toContain('4');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('adds a reaction from the picker, and takes it back when the server refuses', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.react': () => ({
        status: 400,
        body: { error: 'UnknownReaction', message: 'Not one of the eight reactions' },
      }),
    });
    renderThread();
    const bar = screen.getAllByTestId('reactions')[0]!;
    fireEvent.click(within(bar).getByRole('button', { name: 'Add reaction' }));
    const picker = screen.getByRole('group', { name: 'Pick a reaction' });
    expect(within(picker).getAllByRole('button')).toHaveLength(8);
    fireEvent.click(within(picker).getByRole('button', { name: 'React with Rocket' }));
    expect(within(bar).getByRole('button', { name: /^Rocket/ }).getAttribute('aria-pressed')).toBe('true');
    await settle();
    expect(server.calls[0]?.body).toMatchObject({ emoji: 'rocket' });
    expect(within(bar).queryByRole('button', { name: /^Rocket/ })).toBeNull();
    expect(screen.getByTestId('reaction-error').textContent).toBe('Not one of the eight reactions');
  });

  it('closes the picker with Escape, back on its button', () => {
    fakeServer({});
    renderThread();
    const add = within(screen.getAllByTestId('reactions')[0]!).getByRole('button', { name: 'Add reaction' });
    fireEvent.click(add);
    expect(add.getAttribute('aria-expanded')).toBe('true');
    const heart = within(screen.getByRole('group', { name: 'Pick a reaction' })).getByRole('button', { name: 'React with Heart' });
    heart.focus();
    fireEvent.keyDown(heart, { key: 'Escape' });
    expect(screen.queryByRole('group', { name: 'Pick a reaction' })).toBeNull();
    expect(add.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(add);
  });

  it('takes back a reaction with unreact', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.unreact': () => ({
        body: { reactions: [{ emoji: '+1', count: 2 }], viewer: { reactions: [] } },
      }),
    });
    renderThread({ data: { ...seven, viewer: { reactions: ['heart'] } } });
    const heart = within(screen.getAllByTestId('reactions')[0]!).getByRole('button', { name: /^Heart/ });
    expect(heart.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(heart);
    await settle();
    expect(server.calls[0]?.path).toBe('/xrpc/site.exosphere.discussion.unreact');
    expect(within(screen.getAllByTestId('reactions')[0]!).queryByRole('button', { name: /^Heart/ })).toBeNull();
  });

  it('shows moderation only to moderators', () => {
    renderThread();
    expect(screen.queryByTestId('thread-moderation')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Lock thread' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Hide reply' })).toBeNull();
  });

  it('lets a moderator lock, pin and hide the thread and hide replies', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.moderate': ({ body }) => {
        const action = (body as { action: string }).action;
        return { body: { hidden: action === 'hide', ...(action === 'lock' ? { locked: true } : {}), ...(action === 'pin' ? { pinned: true } : {}) } };
      },
    });
    renderThread({ view: moderatorSphere, session: signedInAs(alice) });
    const controls = within(screen.getByRole('group', { name: 'Moderation' }));
    expect(controls.getAllByRole('button').map((b) => b.textContent)).toEqual(['Lock thread', 'Pin thread', 'Hide thread']);
    fireEvent.click(controls.getByRole('button', { name: 'Lock thread' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', subject: seven.uri, action: 'lock' });
    expect(screen.getByTestId('locked-badge').textContent).toBe('Locked');
    expect(screen.getByTestId('thread-locked').textContent).toContain('This thread is locked.');
    expect(screen.getByTestId('thread-locked').textContent).toContain('Only moderators can reply now.');
    // Moderators still reply.
    expect(screen.getByLabelText('Your reply')).toBeTruthy();
    fireEvent.click(controls.getByRole('button', { name: 'Pin thread' }));
    await settle();
    expect(screen.getByTestId('pinned-badge').textContent).toBe('Pinned');
    expect(controls.getAllByRole('button').map((b) => b.textContent)).toEqual(['Unlock thread', 'Unpin thread', 'Hide thread']);
    fireEvent.click(within(replyByText('Second answer')!).getByRole('button', { name: 'Hide reply' }));
    await settle();
    expect(server.calls.at(-1)?.body).toEqual({ sphere: 'demo', subject: replyUri('b'), action: 'hide' });
    expect(within(replyByText('Second answer')!).getByTestId('hidden-badge').textContent).toBe('Hidden');
    expect(within(replyByText('Second answer')!).getByRole('button', { name: 'Restore reply' })).toBeTruthy();
  });

  it('says a locked thread is locked, with no composer for those who can’t reply', () => {
    renderThread({ data: { ...seven, locked: true } });
    expect(screen.getByTestId('thread-locked').textContent).toBe('This thread is locked. It takes no new replies.');
    expect(screen.queryByLabelText('Your reply')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reply' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Post reply' })).toBeNull();
    // Reactions still work.
    expect(within(screen.getAllByTestId('reactions')[0]!).getByRole('button', { name: /^Thumbs up/ })).toBeTruthy();
  });

  it('answers a reply with the inline composer, and shows the answer where it went', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.createReply': ({ body }) => ({
        body: {
          reply: reply('new', {
            parentId: 'a1',
            depth: 2,
            text: (body as { text: string }).text,
            author: bob,
          }),
        },
      }),
    });
    renderThread();
    const answered = replyByText('Answer to the first')!;
    const button = within(answered).getByRole('button', { name: 'Reply' });
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const form = within(branchOf('Answer to the first')).getByTestId('reply-form');
    fireEvent.input(within(form).getByLabelText('Your reply to @alice.test'), { target: { value: '  Agreed, **fully**  ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Post reply' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', number: 7, parent: replyUri('a1'), text: 'Agreed, **fully**' });
    expect(screen.queryByTestId('reply-form')).toBeNull();
    // Its branch (depth 2, otherwise collapsed) opens to show it.
    const posted = replyByText('Agreed, fully')!;
    expect(branchOf('Answer to the first').contains(posted)).toBe(true);
    expect(posted.querySelector('[data-testid="reply-text"] strong')?.textContent).toBe('fully');
    expect(screen.getByRole('heading', { name: 'Replies (7)' })).toBeTruthy();
  });

  it('replies to the thread with the composer at the end, Write and Preview', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.markdown.render': ({ body }) => ({ body: { html: html((body as { text: string }).text) } }),
      '/xrpc/site.exosphere.discussion.createReply': () => ({ body: { reply: reply('end', { text: 'At the end' }) } }),
    });
    renderThread();
    const form = screen.getByTestId('thread-reply-form');
    fireEvent.click(within(form).getByRole('button', { name: 'Post reply' }));
    expect(within(form).getByText('Reply is required.')).toBeTruthy();
    fireEvent.input(within(form).getByLabelText('Your reply'), { target: { value: 'At the end' } });
    fireEvent.click(within(form).getByRole('tab', { name: 'Preview' }));
    await settle();
    // A reply's headings start under the replies' h2.
    expect(server.calls[0]?.body).toEqual({ text: 'At the end', headingBase: 3 });
    expect(within(form).getByTestId('preview').innerHTML).toContain('<p>At the end</p>');
    fireEvent.click(within(form).getByRole('button', { name: 'Post reply' }));
    await settle();
    expect(server.calls[1]?.body).toEqual({ sphere: 'demo', number: 7, text: 'At the end' });
    const top = screen.getByTestId('reply-list');
    expect(top.lastElementChild?.textContent).toContain('At the end');
  });

  it('shows the API’s message when the thread was locked meanwhile, and reloads it', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.createReply': () => ({
        status: 409,
        body: { error: 'ThreadLocked', message: 'This thread is locked: it takes no new replies.' },
      }),
      '/xrpc/site.exosphere.discussion.getThread': () => ({ body: { thread: { ...seven, locked: true } } }),
    });
    renderThread();
    fireEvent.input(screen.getByLabelText('Your reply'), { target: { value: 'Late' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post reply' }));
    await settle();
    expect(server.calls.map((c) => c.path)).toEqual([
      '/xrpc/site.exosphere.discussion.createReply',
      '/xrpc/site.exosphere.discussion.getThread',
    ]);
    expect(screen.getByTestId('thread-locked').textContent).toContain('This thread is locked.');
    expect(screen.queryByLabelText('Your reply')).toBeNull();
  });

  it('loads more replies with the cursor', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.listReplies': () => ({
        body: { replies: [reply('c', { text: 'From page two' }), reply('a3', { parentId: 'a', depth: 1, text: 'Late answer to the first' })] },
      }),
    });
    renderThread({ cursor: 'page2' });
    fireEvent.click(screen.getByRole('button', { name: 'Load more replies' }));
    await settle();
    expect(server.calls[0]?.search.get('cursor')).toBe('page2');
    expect(server.calls[0]?.search.get('limit')).toBe('100');
    expect(screen.getByText('From page two')).toBeTruthy();
    // An answer on a later page still goes under what it answers.
    expect(within(branchOf('First answer')).getByText('Late answer to the first')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more replies' })).toBeNull();
  });

  it('lets authors edit and delete their own replies and thread only', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.updateReply': ({ body }) => ({
        body: {
          reply: {
            ...deepReplies[0]!,
            text: (body as { text: string }).text,
            textHtml: html((body as { text: string }).text),
            updatedAt: '2026-01-05T00:00:00Z',
          },
        },
      }),
      '/xrpc/site.exosphere.discussion.deleteReply': () => ({ body: {} }),
    });
    renderThread({ session: signedInAs(bob) });
    // bob wrote "First answer" and "Second answer", not the thread.
    expect(screen.queryByRole('button', { name: 'Edit thread' })).toBeNull();
    expect(within(replyByText('Answer to the first')!).queryByRole('button', { name: 'Edit reply' })).toBeNull();
    fireEvent.click(within(replyByText('First answer')!).getByRole('button', { name: 'Edit reply' }));
    const form = screen.getByTestId('edit-reply-form');
    fireEvent.input(within(form).getByLabelText('Edit your reply'), { target: { value: 'First answer, _edited_' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save reply' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', reply: replyUri('a'), text: 'First answer, _edited_' });
    expect(replyByText('First answer, edited')?.textContent).toContain('(edited)');
    fireEvent.click(within(replyByText('Second answer')!).getByRole('button', { name: 'Delete reply' }));
    fireEvent.click(screen.getByRole('button', { name: 'Confirm delete' }));
    await settle();
    expect(server.calls[1]?.body).toEqual({ sphere: 'demo', reply: replyUri('b') });
    expect(replyByText('Second answer')).toBeUndefined();
    expect(screen.getByRole('heading', { name: 'Replies (5)' })).toBeTruthy();
  });

  it('lets the thread’s author edit it', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.updateThread': ({ body }) => ({
        body: { thread: { ...seven, ...(body as object), updatedAt: '2026-01-05T00:00:00Z' } },
      }),
    });
    renderThread({ session: signedInAs(alice) });
    fireEvent.click(screen.getByRole('button', { name: 'Edit thread' }));
    const form = screen.getByTestId('edit-thread-form');
    fireEvent.input(within(form).getByLabelText('Tags'), { target: { value: 'meta, rules' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save thread' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({
      sphere: 'demo',
      number: 7,
      title: seven.title,
      body: seven.body,
      tags: ['meta', 'rules'],
    });
    expect(screen.queryByTestId('edit-thread-form')).toBeNull();
    expect(within(screen.getByTestId('tags')).getAllByRole('link').map((a) => a.textContent)).toEqual(['Tag: meta', 'Tag: rules']);
  });

  it('says so when the thread doesn’t exist', async () => {
    fakeServer({
      '/xrpc/site.exosphere.discussion.getThread': () => ({
        status: 404,
        body: { error: 'ThreadNotFound', message: 'No thread 7 in demo' },
      }),
      '/xrpc/site.exosphere.discussion.listReplies': () => ({ status: 404, body: { error: 'ThreadNotFound', message: 'No thread 7' } }),
    });
    globalThis.__SSR_DATA__ = { 'site.exosphere.sphere.getSphere?sphere=demo': { sphere } };
    history.replaceState(null, '', URL);
    render(
      <LocationProvider>
        <ThreadPage params={{ sphere: 'demo', number: '7' }} query={{}} />
      </LocationProvider>,
    );
    await settle();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Thread not found');
    expect(screen.getByText('No thread 7 in demo')).toBeTruthy();
  });
});
