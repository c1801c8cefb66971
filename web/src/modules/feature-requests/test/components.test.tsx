// The board's components and its page, rendered in happy-dom.
import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, LocationProvider, specKey } from '../../../client';
import { RequestList } from '../components/request-list';
import { VoteButton } from '../components/vote-button';
import { BoardPage } from '../pages/board';
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
    const [sphereSpec, listSpec] = queries.board({ params: { sphere: 'demo' }, query: {} });
    globalThis.__SSR_DATA__ = {
      'site.exosphere.auth.getSession': { loggedIn: true, did: 'did:plc:me', handle: 'me.test' },
      [specKey(sphereSpec!)]: { sphere },
      [specKey(listSpec!)]: { requests: [request(1), request(2)] },
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
});
