import { fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocationProvider } from '../../../client';
import { BOARD_LIMITS as LIMITS } from '../limits';
import { SIMILAR_DELAY_MS } from '../components/similar-requests';
import { RequestForm } from '../pages/new-request';
import { fakeServer, request, settle, sphere } from './fixtures';

function renderForm() {
  return render(
    <LocationProvider>
      <RequestForm sphere={sphere} />
    </LocationProvider>,
  );
}

describe('the new-request form', () => {
  it('says at once when the title is over the Lexicon limit, and posts nothing', async () => {
    const server = fakeServer({});
    renderForm();
    const title = screen.getByLabelText('Title');
    fireEvent.input(title, { target: { value: 'x'.repeat(LIMITS.requestTitle.maxGraphemes + 1) } });
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Title is too long: 301 characters, at most 300/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Post request' }));
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('requires a title only once someone tries to post', async () => {
    fakeServer({});
    renderForm();
    expect(screen.queryByText('Title is required.')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Post request' }));
    await settle();
    expect(screen.getByText('Title is required.')).toBeTruthy();
  });

  it('posts the request and shows the API message when it is refused', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.featureRequest.createRequest': () => ({
        status: 403,
        body: { error: 'Forbidden', message: 'Only members can post here.' },
      }),
    });
    renderForm();
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: '  Dark mode  ' } });
    fireEvent.input(screen.getByLabelText('Description'), { target: { value: 'Please' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post request' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', title: 'Dark mode', description: 'Please' });
    expect(screen.getByRole('alert').textContent).toContain('Only members can post here.');
  });

  it('goes to the new request once posted', async () => {
    fakeServer({
      '/xrpc/site.exosphere.featureRequest.createRequest': () => ({ body: { request: request(12) } }),
    });
    renderForm();
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Dark mode' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post request' }));
    await settle();
    expect(location.pathname).toBe('/s/demo/feature-requests/12');
  });
});

describe('similar requests while writing a title', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  /** settle() with the clock faked: pending promises, and timers already due. */
  const settleFaked = async () => {
    for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0);
  };

  it('searches once typing pauses, and links the requests it finds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const server = fakeServer({
      '/xrpc/site.exosphere.featureRequest.findSimilar': ({ search }) => ({
        body: { requests: search.get('text') === 'Dark theme' ? [request(4, { title: 'Dark mode', status: 'planned' })] : [] },
      }),
    });
    renderForm();
    const title = screen.getByLabelText('Title');
    fireEvent.input(title, { target: { value: 'Da' } });
    fireEvent.input(title, { target: { value: 'Dark the' } });
    vi.advanceTimersByTime(SIMILAR_DELAY_MS - 1);
    fireEvent.input(title, { target: { value: 'Dark theme ' } });
    vi.advanceTimersByTime(SIMILAR_DELAY_MS - 1);
    await settleFaked();
    expect(server.calls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    await settleFaked();
    // One search, for the text as it stood when typing paused.
    expect(server.calls.map((c) => [c.search.get('text'), c.search.get('limit')])).toEqual([['Dark theme', '5']]);
    const link = screen.getByRole('link', { name: 'Dark mode' });
    expect(link.getAttribute('href')).toBe('/s/demo/feature-requests/4');
    expect(screen.getByTestId('similar-requests').textContent).toContain('Planned');

    // Too short a title shows none, and asks nothing.
    fireEvent.input(title, { target: { value: 'Da' } });
    vi.advanceTimersByTime(SIMILAR_DELAY_MS);
    await settleFaked();
    expect(server.calls).toHaveLength(1);
    expect(screen.queryByRole('link', { name: 'Dark mode' })).toBeNull();
  });

  it('shows nothing when the search fails', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fakeServer({
      '/xrpc/site.exosphere.featureRequest.findSimilar': () => ({ status: 500, body: { error: 'InternalServerError', message: 'boom' } }),
    });
    renderForm();
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Dark theme' } });
    vi.advanceTimersByTime(SIMILAR_DELAY_MS);
    await settleFaked();
    expect(screen.getByTestId('similar-requests').textContent).toBe('');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
