// The board's components and its page, rendered in happy-dom.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, LocationProvider, sessionResource, specKey } from '../../../client';
import { RequestList } from '../components/request-list';
import { StatusForm } from '../components/status-form';
import { TagManager } from '../components/tags';
import { VoteButton } from '../components/vote-button';
import { BoardPage } from '../pages/board';
import { RequestPage } from '../pages/request';
import { RoadmapPage } from '../pages/roadmap';
import { queries } from '../routes';
import { fakeServer, request, settle, sphere } from './fixtures';

describe('RequestList', () => {
  it('shows every request with its title, status, votes and link', () => {
    render(<RequestList slug="demo" requests={[request(1), request(2, { status: 'done', hidden: true })]} canVote />);
    const items = screen.getAllByTestId('request-item');
    expect(items).toHaveLength(2);
    const link = screen.getByRole('link', { name: 'Request number 2' });
    expect(link.getAttribute('href')).toBe('/s/demo/feature-requests/2');
    expect(items[1]?.textContent).toContain('Done');
    expect(items[1]?.textContent).toContain('Hidden');
    expect(screen.getAllByRole('button', { name: /Vote/ })).toHaveLength(2);
  });

  it('tells visitors who are not signed in to sign in to vote', () => {
    render(<RequestList slug="demo" requests={[request(5)]} canVote={false} signInHref="/login?next=%2F" />);
    expect(screen.queryByRole('button')).toBeNull();
    const link = screen.getByRole('link', { name: /Sign in to vote/ });
    expect(link.getAttribute('href')).toBe('/login?next=%2F');
    expect(link.textContent).toBe('5votesSign in to vote');
  });

  it('shows each author as their profile names them, with the handle beside it', () => {
    const named = request(1, {
      author: { did: 'did:plc:ann', handle: 'ann.test', displayName: 'Ann Lee', avatar: '/avatars/bafkav' },
    });
    const plain = request(2, { author: { did: 'did:plc:bo', handle: 'bo.test' } });
    render(<RequestList slug="demo" requests={[named, plain]} canVote={false} />);
    const [first, second] = screen.getAllByTestId('request-item');
    expect(first?.textContent).toContain('by Ann Lee@ann.test');
    expect(first?.querySelector('img')?.getAttribute('src')).toBe('/avatars/bafkav');
    expect(first?.querySelector('img')?.getAttribute('alt')).toBe('');
    expect(second?.textContent).toContain('by @bo.test');
    expect(second?.querySelector('img')).toBeNull();
  });

  it('shows counts without buttons to people who may not vote', () => {
    render(<RequestList slug="demo" requests={[request(5)]} canVote={false} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByTestId('vote-count').textContent).toBe('5votes');
  });
});

describe('VoteButton', () => {
  it('rolls back and shows the API message when the vote is refused', async () => {
    let refuse!: (e: Error) => void;
    const send = vi.fn(() => new Promise<{ voted: boolean; voteCount: number }>((_, reject) => (refuse = reject)));
    render(<VoteButton initial={{ voted: false, voteCount: 9 }} send={send} canVote subject="Dark mode" />);
    const button = screen.getByRole('button', { name: /Vote/ });
    expect(button.getAttribute('aria-pressed')).toBe('false');

    fireEvent.click(button);
    await settle();
    expect(button.getAttribute('aria-pressed')).toBe('true');
    expect(button.textContent).toContain('10');

    refuse(new ApiError(403, 'Forbidden', 'Only members may vote here'));
    await settle();
    expect(button.getAttribute('aria-pressed')).toBe('false');
    expect(button.textContent).toContain('9');
    expect(screen.getByRole('alert').textContent).toBe('Only members may vote here');
  });

  it('says whether the viewer voted', () => {
    render(<VoteButton initial={{ voted: true, voteCount: 3 }} send={vi.fn()} canVote subject="Dark mode" />);
    const button = screen.getByRole('button', { name: /Voted/ });
    expect(button.getAttribute('aria-pressed')).toBe('true');
    expect(button.textContent).toContain('Voted');
  });

  it('keeps the vote the server confirmed', async () => {
    const send = vi.fn(async (vote: boolean) => ({ voted: vote, voteCount: 42 }));
    render(<VoteButton initial={{ voted: false, voteCount: 1 }} send={send} canVote subject="x" />);
    fireEvent.click(screen.getByRole('button', { name: /Vote/ }));
    await settle();
    expect(send).toHaveBeenCalledWith(true);
    expect(screen.getByRole('button', { name: /Vote/ }).textContent).toContain('42');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('the board page', () => {
  function renderBoard(url: string) {
    history.replaceState(null, '', url);
    const [path, search = ''] = url.split('?');
    const query = Object.fromEntries(new URLSearchParams(search));
    const params = { sphere: path?.split('/')[2] ?? '' };
    return render(
      <LocationProvider>
        <BoardPage params={params} query={query} />
      </LocationProvider>,
    );
  }

  it('renders server data without fetching', async () => {
    const server = fakeServer({});
    const [sphereSpec, listSpec, tagsSpec] = queries.board({ params: { sphere: 'demo' }, query: {} });
    globalThis.__SSR_DATA__ = {
      'site.exosphere.auth.getSession': { loggedIn: true, did: 'did:plc:me', handle: 'me.test' },
      [specKey(sphereSpec!)]: { sphere },
      [specKey(listSpec!)]: { requests: [request(1), request(2)] },
      [specKey(tagsSpec!)]: { tags: [] },
    };
    renderBoard('/s/demo/feature-requests');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Feature requests');
    expect(screen.getAllByTestId('request-item')).toHaveLength(2);
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('loads the next page with the cursor', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.featureRequest.listRequests': ({ search }) =>
        search.get('cursor') === 'page2'
          ? { body: { requests: [request(3)] } }
          : { body: { requests: [request(1), request(2)], cursor: 'page2' } },
    });
    renderBoard('/s/demo/feature-requests?sort=new');
    await settle();
    expect(screen.getAllByTestId('request-item')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await settle();
    expect(screen.getAllByTestId('request-item')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    const listCalls = server.calls.filter((c) => c.path.endsWith('listRequests'));
    expect(listCalls.map((c) => c.search.get('sort'))).toEqual(['new', 'new']);
  });

  it('shows the API message when the Sphere cannot be loaded', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({
        status: 404,
        body: { error: 'SphereNotFound', message: 'No Sphere called nope' },
      }),
    });
    renderBoard('/s/nope/feature-requests');
    await settle();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sphere not found');
    expect(screen.getByRole('alert').textContent).toContain('No Sphere called nope');
  });

  it('offers owners and admins the CSV export, and nobody else', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({
        body: { sphere: { ...sphere, viewer: { canWrite: true, canModerate: true, role: 'admin', status: 'active' } } },
      }),
      '/xrpc/site.exosphere.featureRequest.listRequests': () => ({ body: { requests: [request(1)] } }),
    });
    renderBoard('/s/demo/feature-requests');
    await settle();
    const link = screen.getByRole('link', { name: 'Export CSV' });
    expect(link.getAttribute('href')).toBe('/s/demo/feature-requests/export.csv');
    // Named: the router takes links whose `download` is empty.
    expect(link.getAttribute('download')).toBe('demo-feature-requests.csv');
    cleanup();
    boardServer(true);
    renderBoard('/s/demo/feature-requests');
    await settle();
    expect(screen.queryByRole('link', { name: 'Export CSV' })).toBeNull();
  });

  it('hides the new-request button from people who cannot write', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({
        body: { sphere: { ...sphere, viewer: { canWrite: false, canModerate: false } } },
      }),
      '/xrpc/site.exosphere.featureRequest.listRequests': () => ({ body: { requests: [request(1)] } }),
    });
    renderBoard('/s/demo/feature-requests');
    await settle();
    expect(screen.queryByTestId('new-request')).toBeNull();
    expect(screen.queryByTestId('vote-button')).toBeNull();
  });

  /** A server that knows who is signed in (the app shell loads the session as it starts). */
  function boardServer(loggedIn: boolean) {
    const server = fakeServer({
      '/xrpc/site.exosphere.auth.getSession': () => ({
        body: loggedIn ? { loggedIn: true, did: 'did:plc:me', handle: 'me.test' } : { loggedIn: false },
      }),
      '/xrpc/site.exosphere.sphere.getSphere': () => ({
        body: { sphere: loggedIn ? sphere : { ...sphere, viewer: undefined } },
      }),
      '/xrpc/site.exosphere.featureRequest.listRequests': () => ({ body: { requests: [request(1)] } }),
    });
    sessionResource();
    return server;
  }
  const lastList = (server: ReturnType<typeof fakeServer>) =>
    server.calls.filter((c) => c.path.endsWith('listRequests')).at(-1)?.search;
  const checked = (name: string) => (screen.getByRole('checkbox', { name }) as HTMLInputElement).checked;

  it('shows open, planned and in-progress requests by default, and filters by any statuses', async () => {
    const server = boardServer(true);
    renderBoard('/s/demo/feature-requests');
    await settle();
    expect(lastList(server)?.getAll('status')).toEqual(['open', 'planned', 'in-progress']);
    expect(['Open', 'Planned', 'In progress', 'Done', 'Declined'].map(checked)).toEqual([true, true, true, false, false]);
    expect(screen.queryByTestId('status-reset')).toBeNull();

    fireEvent.click(screen.getByRole('checkbox', { name: 'Done' }));
    expect(new URLSearchParams(location.search).get('status')).toBe('open,planned,in-progress,done');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Open' }));
    expect(new URLSearchParams(location.search).get('status')).toBe('planned,in-progress');

    cleanup();
    renderBoard('/s/demo/feature-requests?status=done,declined');
    await settle();
    expect(lastList(server)?.getAll('status')).toEqual(['done', 'declined']);
    expect(['Open', 'Done', 'Declined'].map(checked)).toEqual([false, true, true]);
    fireEvent.click(screen.getByTestId('status-reset'));
    expect(location.search).toBe('');

    cleanup();
    renderBoard('/s/demo/feature-requests?status=all');
    await settle();
    expect(lastList(server)?.has('status')).toBe(false);
  });

  it('filters a signed-in member’s own requests and those they voted for', async () => {
    const server = boardServer(true);
    renderBoard('/s/demo/feature-requests');
    await settle();
    fireEvent.click(screen.getByRole('checkbox', { name: 'I voted' }));
    expect(new URLSearchParams(location.search).get('voted')).toBe('1');
    fireEvent.click(screen.getByRole('checkbox', { name: 'My requests' }));
    expect(new URLSearchParams(location.search).get('by')).toBe('did:plc:me');

    cleanup();
    renderBoard('/s/demo/feature-requests?by=did:plc:me&voted=1');
    await settle();
    expect([checked('My requests'), checked('I voted')]).toEqual([true, true]);
    const search = lastList(server);
    expect([search?.get('author'), search?.get('voted')]).toEqual(['did:plc:me', 'true']);
  });

  it('offers visitors who are not signed in no personal filters, and a sign-in link on each count', async () => {
    boardServer(false);
    renderBoard('/s/demo/feature-requests');
    await settle();
    expect(screen.queryByRole('checkbox', { name: 'I voted' })).toBeNull();
    expect(screen.queryByTestId('vote-button')).toBeNull();
    expect(screen.getByTestId('sign-in-to-vote').getAttribute('href')).toMatch(/^\/login/);
  });
});

/**
 * A request's page (request 1 unless `number` says otherwise) for did:plc:me,
 * a member, with the routes given (which may replace `getRequest`), once its
 * data has loaded.
 */
async function requestPage(routes: Parameters<typeof fakeServer>[0], number = 1) {
  const server = fakeServer({
    '/xrpc/site.exosphere.auth.getSession': () => ({ body: { loggedIn: true, did: 'did:plc:me', handle: 'me.test' } }),
    '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
    '/xrpc/site.exosphere.featureRequest.getRequest': () => ({ body: { request: request(number), statusHistory: [] } }),
    ...routes,
  });
  sessionResource();
  render(
    <LocationProvider>
      <RequestPage params={{ sphere: 'demo', number: String(number) }} query={{}} />
    </LocationProvider>,
  );
  await settle();
  return server;
}

describe('a comment', () => {
  it('is edited in place by its author, and the saved text shows', async () => {
    let text = 'Yes plese';
    const comment = () => ({
      uri: 'at://did:plc:me/site.exosphere.featureRequestComment/1',
      text,
      textHtml: `<p>${text}</p>\n`,
      author: { did: 'did:plc:me', handle: 'me.test' },
      voteCount: 0,
      createdAt: '2026-01-04T00:00:00Z',
    });
    history.replaceState(null, '', '/s/demo/feature-requests/1');
    const server = await requestPage({
      '/xrpc/site.exosphere.featureRequest.listComments': () => ({ body: { comments: [comment()] } }),
      '/xrpc/site.exosphere.featureRequest.updateComment': ({ body }) => {
        text = (body as { text: string }).text;
        return { body: { comment: { ...comment(), updatedAt: '2026-01-05T00:00:00Z' } } };
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Edit comment' }));
    const field = screen.getByLabelText('Edit your comment') as HTMLTextAreaElement;
    expect(field.value).toBe('Yes plese');
    fireEvent.input(field, { target: { value: ' Yes please ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save comment' }));
    await settle();
    const update = server.calls.find((c) => c.path.endsWith('updateComment'));
    expect(update?.body).toEqual({ sphere: 'demo', comment: comment().uri, text: 'Yes please' });
    expect(screen.queryByTestId('edit-comment-form')).toBeNull();
    expect(screen.getByTestId('comment').textContent).toContain('Yes please');
  });

  it('keeps the edit form with the API message when the edit is refused', async () => {
    await requestPage({
      '/xrpc/site.exosphere.featureRequest.listComments': () => ({
        body: {
          comments: [
            { uri: 'at://c/1', text: 'Mine', textHtml: '<p>Mine</p>\n', author: { did: 'did:plc:me' }, voteCount: 0, createdAt: '2026-01-04T00:00:00Z' },
            { uri: 'at://c/2', text: 'Theirs', textHtml: '<p>Theirs</p>\n', author: { did: 'did:plc:bob' }, voteCount: 0, createdAt: '2026-01-04T00:00:00Z' },
          ],
        },
      }),
      '/xrpc/site.exosphere.featureRequest.updateComment': () => ({
        status: 403,
        body: { error: 'Forbidden', message: 'Only the author may edit a comment' },
      }),
    });
    // Only the viewer's own comment offers editing.
    expect(screen.getAllByRole('button', { name: 'Edit comment' })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Edit comment' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save comment' }));
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('Only the author may edit a comment');
    expect(screen.getByTestId('edit-comment-form')).toBeTruthy();
  });

  it('takes a vote at once, each comment its own, and rolls a refused one back with the API message', async () => {
    const votes: string[] = [];
    const refuse: Array<() => void> = [];
    const listed = (uri: string, voted: boolean, voteCount: number) => ({
      uri,
      text: uri,
      textHtml: `<p>${uri}</p>\n`,
      author: { did: 'did:plc:bob' },
      voteCount,
      createdAt: '2026-01-04T00:00:00Z',
      viewer: { voted },
    });
    await requestPage({
      '/xrpc/site.exosphere.featureRequest.listComments': () => ({
        body: { comments: [listed('at://c/1', false, 4), listed('at://c/2', true, 7)] },
      }),
      '/xrpc/site.exosphere.featureRequest.voteComment': ({ body }) => {
        votes.push(`vote ${(body as { comment: string }).comment}`);
        return { body: { voted: true, voteCount: 5 } };
      },
      '/xrpc/site.exosphere.featureRequest.unvoteComment': ({ body }) => {
        votes.push(`unvote ${(body as { comment: string }).comment}`);
        return new Promise((resolve) =>
          refuse.push(() => resolve({ status: 403, body: { error: 'Forbidden', message: 'Voting is closed' } })),
        );
      },
    });
    const [first, second] = screen.getAllByTestId('comment').map((c) => within(c).getByTestId('vote-button'));
    expect([first?.getAttribute('aria-pressed'), second?.getAttribute('aria-pressed')]).toEqual(['false', 'true']);

    fireEvent.click(first as HTMLElement);
    await settle();
    expect(first?.getAttribute('aria-pressed')).toBe('true');
    expect(first?.textContent).toContain('5');

    fireEvent.click(second as HTMLElement);
    await settle();
    // Taken back at once, before the server answers; the other comment keeps its vote.
    expect(second?.getAttribute('aria-pressed')).toBe('false');
    expect(second?.textContent).toContain('6');
    expect(first?.getAttribute('aria-pressed')).toBe('true');
    refuse.forEach((answer) => answer());
    await settle();
    expect(second?.getAttribute('aria-pressed')).toBe('true');
    expect(second?.textContent).toContain('7');
    expect(within(screen.getAllByTestId('comment')[1] as HTMLElement).getByRole('alert').textContent).toBe('Voting is closed');
    expect(within(screen.getAllByTestId('comment')[0] as HTMLElement).queryByRole('alert')).toBeNull();
    expect(votes).toEqual(['vote at://c/1', 'unvote at://c/2']);
  });
});

describe('the roadmap', () => {
  it('shows planned, in-progress and done requests as columns, from the server’s data', async () => {
    const server = fakeServer({});
    const [sphereSpec, ...columns] = queries.roadmap({ params: { sphere: 'demo' }, query: {} });
    expect(columns.map((c) => c.params)).toEqual(
      ['planned', 'in-progress', 'done'].map((status) => ({ sphere: 'demo', sort: 'top', status: [status], limit: 20 })),
    );
    globalThis.__SSR_DATA__ = {
      'site.exosphere.auth.getSession': { loggedIn: false },
      [specKey(sphereSpec!)]: { sphere },
      [specKey(columns[0]!)]: { requests: [request(3, { title: 'Dark mode', status: 'planned' })], cursor: 'more' },
      [specKey(columns[1]!)]: { requests: [request(5, { title: 'Exports', status: 'in-progress' })] },
      [specKey(columns[2]!)]: { requests: [] },
    };
    history.replaceState(null, '', '/s/demo/feature-requests/roadmap');
    render(
      <LocationProvider>
        <RoadmapPage params={{ sphere: 'demo' }} query={{}} />
      </LocationProvider>,
    );
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual(['Planned', 'In progress', 'Done']);
    const planned = screen.getByTestId('roadmap-planned');
    expect(planned.textContent).toContain('Dark mode');
    expect(planned.textContent).toContain('3 votes');
    // A column with more than a page links to the board filtered by its status.
    expect(screen.getByRole('link', { name: 'See every planned request' }).getAttribute('href')).toBe(
      '/s/demo/feature-requests?status=planned',
    );
    expect(screen.getByTestId('roadmap-in-progress').textContent).toContain('Exports');
    expect(screen.getByTestId('roadmap-done').textContent).toContain('Nothing here yet.');
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });
});

describe('merging a duplicate', () => {
  it('asks for the original’s number and sends it with the status', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.featureRequest.setStatus': ({ body }) =>
        (body as { duplicateOf?: number }).duplicateOf === 3
          ? { status: 400, body: { error: 'InvalidMerge', message: 'request #3 is merged into #7: merging it back would make a loop' } }
          : { body: { status: { status: 'duplicate', actor: { did: 'did:plc:owner' }, createdAt: '2026-01-05T00:00:00Z' } } },
    });
    const done = vi.fn();
    render(<StatusForm sphere="demo" number={7} status="open" onDone={done} />);
    expect(screen.queryByLabelText('Original request number')).toBeNull();
    fireEvent.change(screen.getByLabelText('New status'), { target: { value: 'duplicate' } });
    const original = screen.getByLabelText('Original request number');
    fireEvent.click(screen.getByRole('button', { name: 'Set status' }));
    await settle();
    expect(screen.getByText(/The original’s number is required/)).toBeTruthy();
    fireEvent.input(original, { target: { value: '7' } });
    expect(screen.getByText(/can’t be a duplicate of itself/)).toBeTruthy();
    expect(server.calls).toHaveLength(0);

    fireEvent.input(original, { target: { value: '#3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set status' }));
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('merging it back would make a loop');
    expect(done).not.toHaveBeenCalled();

    fireEvent.input(original, { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set status' }));
    await settle();
    expect(server.calls.at(-1)?.body).toEqual({ sphere: 'demo', number: 7, status: 'duplicate', duplicateOf: 2 });
    expect(done).toHaveBeenCalledOnce();
  });

  it('shows a duplicate with its original, and no vote button', async () => {
    await requestPage(
      {
        '/xrpc/site.exosphere.featureRequest.getRequest': () => ({
          body: {
            request: request(7, {
              status: 'duplicate',
              duplicateOf: { uri: 'at://did:plc:alice/site.exosphere.featureRequest/2', number: 2, title: 'Dark mode' },
            }),
            statusHistory: [
              {
                status: 'duplicate',
                duplicateOf: { uri: 'at://did:plc:alice/site.exosphere.featureRequest/2', number: 2, title: 'Dark mode' },
                actor: { did: 'did:plc:owner', handle: 'owner.test' },
                createdAt: '2026-01-05T00:00:00Z',
              },
            ],
          },
        }),
        '/xrpc/site.exosphere.featureRequest.listComments': () => ({ body: { comments: [] } }),
      },
      7,
    );
    const notice = screen.getByTestId('duplicate-of');
    expect(within(notice).getByRole('link', { name: '#2 Dark mode' }).getAttribute('href')).toBe('/s/demo/feature-requests/2');
    expect(screen.queryByTestId('vote-button')).toBeNull();
    expect(screen.getByTestId('vote-count').textContent).toBe('7votes');
    expect(screen.getByTestId('status-history').textContent).toContain('Duplicate of #2');
  });

  it('is marked on the board, where its count takes no votes', () => {
    render(
      <RequestList
        slug="demo"
        requests={[request(7, { status: 'duplicate', duplicateOf: { uri: 'at://x/y/2', number: 2, title: 'Dark mode' } }), request(2)]}
        canVote
      />,
    );
    const [dup, original] = screen.getAllByTestId('request-item');
    expect(within(dup!).getByRole('link', { name: '#2' }).getAttribute('href')).toBe('/s/demo/feature-requests/2');
    expect(within(dup!).queryByRole('button', { name: /Vote/ })).toBeNull();
    expect(within(original!).getByRole('button', { name: /Vote/ })).toBeTruthy();
  });
});

describe('tags', () => {
  const ui = { uri: 'at://did:plc:bob/site.exosphere.featureRequestTag/ui', name: 'UI', color: '#1d4ed8' };
  const data = { uri: 'at://did:plc:owner/site.exosphere.featureRequestTag/data', name: 'Data', color: 'not a colour' };

  it('show on cards, each linking to the board filtered by it', () => {
    render(<RequestList slug="demo" requests={[request(1, { tags: [data, ui] })]} canVote />);
    const chips = within(screen.getByTestId('tags')).getAllByTestId('tag');
    expect(chips.map((c) => [c.textContent, c.getAttribute('href')])).toEqual([
      ['Tag: Data', '/s/demo/feature-requests?tag=Data'],
      ['Tag: UI', '/s/demo/feature-requests?tag=UI'],
    ]);
    // A colour that isn't #rrggbb is not used.
    const dots = chips.map((c) => (c.firstElementChild as HTMLElement).getAttribute('style'));
    expect(dots[0]).toBeNull();
    expect(dots[1]).toContain('background');
  });

  it('filter the board, and moderators put them on a request or take them off', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.auth.getSession': () => ({ body: { loggedIn: true, did: 'did:plc:owner', handle: 'owner.test' } }),
      '/xrpc/site.exosphere.sphere.getSphere': () => ({
        body: { sphere: { ...sphere, viewer: { canWrite: true, canModerate: true, role: 'owner', status: 'active' } } },
      }),
      '/xrpc/site.exosphere.featureRequest.listTags': () => ({ body: { tags: [{ ...data, requestCount: 1 }, { ...ui, requestCount: 0 }] } }),
      '/xrpc/site.exosphere.featureRequest.listRequests': () => ({ body: { requests: [request(1)] } }),
      '/xrpc/site.exosphere.featureRequest.getRequest': () => ({ body: { request: request(1, { tags: [data] }), statusHistory: [] } }),
      '/xrpc/site.exosphere.featureRequest.listComments': () => ({ body: { comments: [] } }),
      '/xrpc/site.exosphere.featureRequest.tagRequest': () => ({ body: { tags: [data, ui] } }),
    });
    sessionResource();
    history.replaceState(null, '', '/s/demo/feature-requests');
    render(
      <LocationProvider>
        <BoardPage params={{ sphere: 'demo' }} query={{}} />
      </LocationProvider>,
    );
    await settle();
    fireEvent.change(screen.getByLabelText('Tag'), { target: { value: 'Data' } });
    expect(new URLSearchParams(location.search).get('tag')).toBe('Data');
    cleanup();

    history.replaceState(null, '', '/s/demo/feature-requests/1');
    render(
      <LocationProvider>
        <RequestPage params={{ sphere: 'demo', number: '1' }} query={{}} />
      </LocationProvider>,
    );
    await settle();
    const editor = within(screen.getByTestId('tag-editor'));
    expect((editor.getByRole('checkbox', { name: /Data/ }) as HTMLInputElement).checked).toBe(true);
    const box = editor.getByRole('checkbox', { name: /UI/ }) as HTMLInputElement;
    fireEvent.click(box);
    // Shown at once, while the API is asked.
    expect(box.checked).toBe(true);
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('tagRequest'))?.body).toEqual({ sphere: 'demo', number: 1, tag: ui.uri });
    // The page shows what the API answered.
    const shown = within(screen.getAllByTestId('tags')[0]!).getAllByTestId('tag').map((t) => t.textContent);
    expect(shown).toEqual(['Tag: Data', 'Tag: UI']);
  });

  it('are defined and deleted by moderators, who see why a delete is refused', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.featureRequest.listTags': () => ({ body: { tags: [{ ...ui, requestCount: 2 }] } }),
      '/xrpc/site.exosphere.featureRequest.createTag': () => ({ body: { tag: { ...data, requestCount: 0 } } }),
      '/xrpc/site.exosphere.featureRequest.deleteTag': () => ({
        status: 403,
        body: { error: 'NotAllowed', message: 'only the admin who defined the tag UI can delete it' },
      }),
    });
    render(<TagManager slug="demo" />);
    await settle();
    expect(screen.getByTestId('tag-manager').textContent).toContain('2 requests');
    fireEvent.input(screen.getByLabelText('New tag'), { target: { value: ' Data ' } });
    fireEvent.input(screen.getByLabelText('Colour'), { target: { value: '#059669' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add tag' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('createTag'))?.body).toEqual({ sphere: 'demo', name: 'Data', color: '#059669' });
    fireEvent.click(screen.getByRole('button', { name: 'Delete tag UI' }));
    await settle();
    expect(screen.getByTestId('tag-manager').textContent).toContain('only the admin who defined the tag UI can delete it');
  });
});

describe('following a request', () => {
  it('shows whether the viewer follows it, and stops on a click', async () => {
    const server = await requestPage({
      '/xrpc/site.exosphere.featureRequest.getRequest': () => ({
        body: { request: request(1, { viewer: { voted: true, subscribed: true } }), statusHistory: [] },
      }),
      '/xrpc/site.exosphere.featureRequest.listComments': () => ({ body: { comments: [] } }),
      '/xrpc/site.exosphere.featureRequest.unsubscribe': () => ({ body: { subscribed: false } }),
    });
    const follow = screen.getByTestId('follow');
    expect([follow.textContent, follow.getAttribute('aria-pressed')]).toEqual(['Following', 'true']);
    fireEvent.click(follow);
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('unsubscribe'))?.body).toEqual({ sphere: 'demo', number: 1 });
    expect([follow.textContent, follow.getAttribute('aria-pressed')]).toEqual(['Follow', 'false']);
  });
});
