// The poll page in happy-dom: from the server's data, voting of each kind
// (ranking by buttons alone), results shown only as the poll allows.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LocationProvider, type SphereView, sessionResource, specKey } from '../../../client';
import { PollPage } from '../pages/poll';
import { queries } from '../routes';
import type { PollView } from '../types';
import { alice, anonymous, anonymousSphere, bob, fakeServer, poll, privateSphere, settle, signedInAs, sphere, tally } from './fixtures';

/** The page from server data: the session, the Sphere (as the viewer sees it) and the poll. */
function renderPoll({ session = signedInAs(bob), view = sphere, data = poll(4) }: { session?: object; view?: SphereView; data?: PollView } = {}) {
  const [sphereSpec, pollSpec] = queries.poll({ params: { sphere: 'demo', number: String(data.number) }, query: {} });
  globalThis.__SSR_DATA__ = {
    'site.exosphere.auth.getSession': session,
    [specKey(sphereSpec!)]: { sphere: view },
    [specKey(pollSpec!)]: { poll: data },
  };
  sessionResource();
  history.replaceState(null, '', `/s/demo/polls/${data.number}`);
  return render(
    <LocationProvider>
      <PollPage params={{ sphere: 'demo', number: String(data.number) }} query={{}} />
    </LocationProvider>,
  );
}

describe('the poll page', () => {
  it('renders the server’s data without fetching: the question, a chart with its table, and the ballot', async () => {
    const server = fakeServer({});
    renderPoll({ data: poll(4, { tally: tally(4, [3, 1, 0]) }) });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Which colour? (4)');
    const table = screen.getByTestId('results-table');
    expect([...table.querySelectorAll('tbody tr')].map((tr) => tr.textContent)).toEqual(['Red (leading)375.0%', 'Green125.0%', 'Blue00.0%']);
    expect(screen.getByTestId('results-chart').getAttribute('aria-hidden')).toBe('true');
    expect(screen.getByTestId('voters').textContent).toContain('4 voters');
    expect(screen.getByText(/Ballots are public/)).toBeTruthy();
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('casts a single-choice vote, then changes and withdraws it', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.poll.vote': (call) => ({ body: { poll: poll(4, { tally: tally(1, [0, 1, 0]), viewer: { choices: (call.body as { choices: number[] }).choices } }) } }),
      '/xrpc/site.exosphere.poll.unvote': () => ({ body: { poll: poll(4, { viewer: {} }) } }),
    });
    renderPoll();
    fireEvent.click(screen.getByRole('button', { name: 'Vote' }));
    expect(screen.getByRole('alert').textContent).toBe('Choose an option.');
    expect(server.calls).toHaveLength(0);
    fireEvent.click(screen.getByRole('radio', { name: 'Green' }));
    fireEvent.click(screen.getByRole('button', { name: 'Vote' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', number: 4, choices: [1] });
    expect(screen.getByRole('button', { name: 'Change vote' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Withdraw vote' }));
    await settle();
    expect(server.calls[1]?.path).toBe('/xrpc/site.exosphere.poll.unvote');
    expect(screen.getByRole('button', { name: 'Vote' })).toBeTruthy();
  });

  it('keeps a multiple-choice ballot within its limit', () => {
    fakeServer({});
    renderPoll({ data: poll(5, { kind: 'multiple', maxChoices: 2 }) });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Red' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Blue' }));
    expect((screen.getByRole('checkbox', { name: 'Green' }) as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Red' }));
    expect((screen.getByRole('checkbox', { name: 'Green' }) as HTMLInputElement).disabled).toBe(false);
  });

  it('ranks by buttons alone and sends the order', async () => {
    const server = fakeServer({ '/xrpc/site.exosphere.poll.vote': () => ({ body: { poll: poll(6, { kind: 'ranked', viewer: { choices: [2, 0] } }) } }) });
    renderPoll({ data: poll(6, { kind: 'ranked', tally: undefined, results: 'afterVote' }) });
    fireEvent.click(screen.getByRole('button', { name: 'Add Red as rank 1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add Blue as rank 2' }));
    fireEvent.click(screen.getByRole('button', { name: 'Move Blue up' }));
    const ranking = within(screen.getByTestId('ranking'));
    expect(ranking.getAllByTestId('ranked-option').map((li) => li.textContent?.replace(/[↑↓✕]/g, ''))).toEqual(['1Blue', '2Red']);
    expect(screen.getByText('Blue: rank 1 of 2.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Vote' }));
    await settle();
    expect(server.calls[0]?.body).toEqual({ sphere: 'demo', number: 6, choices: [2, 0] });
  });

  it('says why results are hidden, and shows none', () => {
    fakeServer({});
    renderPoll({ session: anonymous, view: anonymousSphere, data: poll(7, { results: 'afterClose', tally: undefined, closesAt: '2030-01-01T00:00:00Z' }) });
    expect(screen.getByTestId('results-hidden').textContent).toBe('Results show when the poll closes.');
    expect(screen.queryByTestId('results')).toBeNull();
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByTestId('countdown').textContent).toContain('Closes');
  });

  it('tells voters in a private Sphere that their ballot stays here', () => {
    fakeServer({});
    renderPoll({ view: privateSphere });
    expect(screen.getByText(/your vote stays on this server/)).toBeTruthy();
  });

  it('shows a closed poll’s runoff and the viewer’s vote, and no ballot', () => {
    fakeServer({});
    const closed = poll(8, {
      kind: 'ranked',
      closed: true,
      closesAt: '2026-01-04T00:00:00Z',
      viewer: { choices: [1, 0] },
      tally: {
        ...tally(3, [1, 1, 1]),
        runoff: {
          rounds: [
            { votes: [1, 1, 1], exhausted: 0, eliminated: 2 },
            { votes: [1, 2, 0], exhausted: 0 },
          ],
          winner: 1,
        },
      },
    });
    renderPoll({ session: signedInAs(alice), data: closed });
    expect(screen.getByTestId('winner').textContent).toBe('Winner: Green after 2 rounds.');
    const rounds = [...screen.getByTestId('runoff').querySelectorAll('tbody tr')].map((tr) => tr.textContent);
    expect(rounds).toEqual(['1Red 1 · Green 1 · Blue 1Blue', '2Red 1 · Green 2—']);
    expect(screen.getByTestId('your-vote').textContent).toBe('You voted for Green, Red.');
    expect(screen.queryByTestId('ballot')).toBeNull();
  });
});
