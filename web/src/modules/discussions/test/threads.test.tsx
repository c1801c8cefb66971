// The thread list page in happy-dom: from the server's data, pinned threads
// first with their badges, tags that filter, sorting, "Load more", the empty state.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LocationProvider, Route, Router, sessionResource, specKey } from '../../../client';
import { ThreadsPage } from '../pages/threads';
import { paths, queries } from '../routes';
import { alice, anonymous, anonymousSphere, fakeServer, settle, signedInAs, sphere, thread } from './fixtures';

function renderList(url: string) {
  history.replaceState(null, '', url);
  return render(
    <LocationProvider>
      {/* A router, so that a link to the list with other filters renders it anew. */}
      <Router>{[<Route key="threads" path={paths.threads} component={ThreadsPage} />]}</Router>
    </LocationProvider>,
  );
}

const pinnedFirst = [
  thread(3, { title: 'Welcome, read this first', pinned: true, tags: ['meta'] }),
  thread(5, { title: 'Dark mode?', tags: ['ideas', 'ui'], replyCount: 2, lastReplyAt: '2026-01-06T00:00:00Z' }),
  thread(4, { title: 'Old and closed', locked: true, replyCount: 1 }),
];

describe('the thread list', () => {
  it('renders the server’s data without fetching: pinned first, badges, tags, author, replies, last activity', async () => {
    const server = fakeServer({});
    const [sphereSpec, listSpec] = queries.threads({ params: { sphere: 'demo' }, query: {} });
    globalThis.__SSR_DATA__ = {
      'site.exosphere.auth.getSession': signedInAs(alice),
      [specKey(sphereSpec!)]: { sphere },
      [specKey(listSpec!)]: { threads: pinnedFirst },
    };
    renderList('/s/demo/discussions');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Discussions');
    const items = screen.getAllByTestId('thread-item');
    expect(items.map((i) => within(i).getByRole('heading').textContent)).toEqual([
      'Welcome, read this first',
      'Dark mode?',
      'Old and closed',
    ]);
    expect(within(items[0]!).getByTestId('pinned-badge').textContent).toBe('Pinned');
    expect(within(items[1]!).queryByTestId('pinned-badge')).toBeNull();
    expect(within(items[2]!).getByTestId('locked-badge').textContent).toBe('Locked');
    expect(within(items[1]!).getByRole('link', { name: 'Dark mode?' }).getAttribute('href')).toBe('/s/demo/discussions/5');
    expect(within(items[1]!).getAllByTestId('tag').map((t) => t.textContent)).toEqual(['Tag: ideas', 'Tag: ui']);
    expect(within(items[1]!).getByTestId('reply-count').textContent).toBe('2 replies');
    expect(items[1]?.textContent).toContain('by @alice.test');
    expect(items[1]?.textContent).toContain('last activity');
    expect(items[1]?.querySelector('time')?.getAttribute('datetime')).toBe('2026-01-06T00:00:00Z');
    expect(items[2]?.textContent).toContain('1 reply');
    expect(screen.getByTestId('new-thread').getAttribute('href')).toBe('/s/demo/discussions/new');
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('filters by a tag when its chip is clicked', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.discussion.listThreads': ({ search }) => ({
        body: { threads: search.get('tag') === 'ideas' ? [pinnedFirst[1]] : pinnedFirst },
      }),
    });
    renderList('/s/demo/discussions?sort=new');
    await settle();
    expect(screen.getAllByTestId('thread-item')).toHaveLength(3);
    const chip = screen.getAllByRole('link', { name: 'Tag: ideas' })[0]!;
    expect(chip.getAttribute('href')).toBe('/s/demo/discussions?sort=new&tag=ideas');
    fireEvent.click(chip);
    await settle();
    expect(location.search).toBe('?sort=new&tag=ideas');
    expect(screen.getAllByTestId('thread-item')).toHaveLength(1);
    expect(screen.getByTestId('active-filters').textContent).toContain('Tagged ideas');
    expect(screen.getByRole('link', { name: 'Tag: ideas' }).getAttribute('aria-current')).toBe('true');
    const calls = server.calls.filter((c) => c.path.endsWith('listThreads'));
    expect(calls.map((c) => [c.search.get('sort'), c.search.get('tag')])).toEqual([
      ['new', null],
      ['new', 'ideas'],
    ]);
  });

  it('sorts with the Sort control and searches with the search box', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.discussion.listThreads': () => ({ body: { threads: pinnedFirst } }),
    });
    renderList('/s/demo/discussions');
    await settle();
    const sort = screen.getByLabelText('Sort') as HTMLSelectElement;
    expect([...sort.options].map((o) => o.textContent)).toEqual(['Active', 'New', 'Top']);
    fireEvent.change(sort, { target: { value: 'top' } });
    await settle();
    expect(location.search).toBe('?sort=top');
    fireEvent.input(screen.getByLabelText('Search threads'), { target: { value: ' dark ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await settle();
    expect(location.search).toBe('?sort=top&q=dark');
    const calls = server.calls.filter((c) => c.path.endsWith('listThreads'));
    expect(calls.map((c) => [c.search.get('sort'), c.search.get('q')])).toEqual([
      ['active', null],
      ['top', null],
      ['top', 'dark'],
    ]);
  });

  it('loads the next page with the cursor', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.discussion.listThreads': ({ search }) =>
        search.get('cursor') === 'page2'
          ? { body: { threads: [thread(1)] } }
          : { body: { threads: [thread(3), thread(2)], cursor: 'page2' } },
    });
    renderList('/s/demo/discussions');
    await settle();
    expect(screen.getAllByTestId('thread-item')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await settle();
    expect(screen.getAllByTestId('thread-item')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(server.calls.filter((c) => c.path.endsWith('listThreads')).map((c) => c.search.get('cursor'))).toEqual([null, 'page2']);
  });

  it('says when there are no threads, and when none match', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.discussion.listThreads': () => ({ body: { threads: [] } }),
    });
    renderList('/s/demo/discussions');
    await settle();
    expect(screen.getByTestId('no-threads').textContent).toBe('No threads yet. Start the first one.');
    renderList('/s/demo/discussions?tag=nothing');
    await settle();
    expect(screen.getAllByTestId('no-threads')[1]?.textContent).toBe('No threads match. Show all threads');
  });

  it('offers a new thread only to those who can write, and signing in to visitors', async () => {
    fakeServer({
      '/xrpc/site.exosphere.auth.getSession': () => ({ body: anonymous }),
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere: anonymousSphere } }),
      '/xrpc/site.exosphere.discussion.listThreads': () => ({ body: { threads: pinnedFirst } }),
    });
    globalThis.__SSR_DATA__ = { 'site.exosphere.auth.getSession': anonymous };
    sessionResource();
    renderList('/s/demo/discussions');
    await settle();
    expect(screen.queryByTestId('new-thread')).toBeNull();
    expect(screen.getByRole('link', { name: 'Sign in to post' })).toBeTruthy();
  });
});
