// The board as a module: its ClientModule (what the registry lists), its
// tab, and how its pages and controls say ModuleDisabled and ScopeMissing.
// (The contract itself is tested with fake modules in web/test/modules.test.tsx.)
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  ErrorAlert,
  findModule,
  LocationProvider,
  moduleAtPath,
  SphereHeader,
  sessionResource,
  withEagerPages,
} from '../../../client';
import { VoteButton } from '../components/vote-button';
import eager from '../eager';
import board from '../index';
import { BoardPage } from '../pages/board';
import { fakeServer, settle, sphere } from './fixtures';

function tabs() {
  return within(screen.getByRole('navigation', { name: 'Sphere' }))
    .getAllByRole('link')
    .map((a) => [a.textContent, a.getAttribute('href')]);
}

function signedIn(handle?: string) {
  globalThis.__SSR_DATA__ = {
    'site.exosphere.auth.getSession': { loggedIn: true, did: 'did:plc:me', ...(handle ? { handle } : {}) },
  };
  sessionResource();
}

function at(url: string, children: preact.ComponentChildren) {
  history.replaceState(null, '', url);
  return render(<LocationProvider>{children}</LocationProvider>);
}

describe('the board’s ClientModule', () => {
  it('has its name, label, Lexicons, tab, routes and feed', () => {
    expect([board.name, board.label, board.tab.label, board.tab.path('demo')]).toEqual([
      'feature-requests',
      'Feature requests',
      'Feature requests',
      '/s/demo/feature-requests',
    ]);
    expect(board.lexicons).toEqual(['site.exosphere.featureRequest']);
    expect(board.routes.map((r) => r.path)).toEqual([
      '/s/:sphere/feature-requests',
      '/s/:sphere/feature-requests/new',
      '/s/:sphere/feature-requests/roadmap',
      '/s/:sphere/feature-requests/:number',
    ]);
    expect(board.feed?.('demo')).toBe('/s/demo/feature-requests/feed.atom');
    expect(board.activity?.kinds).toEqual({ request: 'New request', status: 'Status changed' });
    expect(board.activity?.detail?.('in-progress', 'status')).toBe('In progress');
    // Installed by the app (web/test/setup.ts does what the entries do).
    expect(findModule('feature-requests')).toBe(board);
  });

  it('has an eager page for every route, and refuses a server render without them', () => {
    expect(withEagerPages([board], [eager])[0]?.routes.map((r) => r.component)).toEqual(Object.values(eager.pages));
    expect(() => withEagerPages([board], [])).toThrow(/feature-requests: no eager page for \/s\/:sphere\/feature-requests/);
  });

  it('is the module of the paths under its tab', () => {
    expect(moduleAtPath('/s/demo/feature-requests/3')?.module.name).toBe('feature-requests');
    expect(moduleAtPath('/s/demo/feature-requests?sort=new')?.slug).toBe('demo');
  });

  it('has its tab in a Sphere that uses it', () => {
    render(<SphereHeader sphere={sphere} current="feature-requests" />);
    expect(tabs()).toEqual([
      ['Feature requests', '/s/demo/feature-requests'],
      ['Members', '/s/demo/members'],
    ]);
    expect(screen.getByRole('link', { name: 'Feature requests' }).getAttribute('aria-current')).toBe('page');
  });
});

describe('the board in a Sphere that does not use it (ModuleDisabled)', () => {
  it('is said plainly on the board, with the way to the Sphere’s home', () => {
    globalThis.__SSR_DATA__ = {
      'site.exosphere.sphere.getSphere?sphere=demo': { sphere: { ...sphere, modules: [] } },
    };
    fakeServer({});
    at('/s/demo/feature-requests', <BoardPage params={{ sphere: 'demo' }} query={{}} />);
    const notice = screen.getByTestId('module-disabled');
    expect(notice.textContent).toContain("This Sphere doesn't use Feature requests.");
    expect(within(notice).getByRole('link', { name: 'Go to the Sphere’s home' }).getAttribute('href')).toBe('/s/demo');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('is said plainly when the API answers it', () => {
    at(
      '/s/demo/feature-requests/4',
      <ErrorAlert error={new ApiError(404, 'ModuleDisabled', 'feature-requests is not enabled in demo')} />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain("This Sphere doesn't use Feature requests.");
    expect(within(alert).getByRole('link').getAttribute('href')).toBe('/s/demo');
  });
});

describe('a permission the session lacks on the board (ScopeMissing)', () => {
  const error = new ApiError(403, 'ScopeMissing', 'Your sign-in does not cover Feature requests yet.');

  it('shows the server’s message and signs in again with the handle, back to this page', () => {
    signedIn('me.test');
    at('/s/demo/feature-requests/3?x=1', <ErrorAlert error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Your sign-in does not cover Feature requests yet.');
    expect(within(alert).getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe(
      '/oauth/login?handle=me.test&redirect=%2Fs%2Fdemo%2Ffeature-requests%2F3%3Fx%3D1',
    );
  });

  it('goes through the sign-in page when the handle is unknown', () => {
    signedIn();
    at('/s/demo/feature-requests', <ErrorAlert error={error} />);
    expect(screen.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe(
      '/login?redirect=%2Fs%2Fdemo%2Ffeature-requests',
    );
  });

  it('offers signing in again next to a refused vote', async () => {
    signedIn('me.test');
    at(
      '/s/demo/feature-requests',
      <VoteButton initial={{ voted: false, voteCount: 1 }} send={() => Promise.reject(error)} canVote subject="x" />,
    );
    fireEvent.click(screen.getByRole('button', { name: /Vote/ }));
    await settle();
    expect(screen.getByTestId('vote-error').textContent).toContain('Your sign-in does not cover');
    expect(screen.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe(
      '/oauth/login?handle=me.test&redirect=%2Fs%2Fdemo%2Ffeature-requests',
    );
  });
});
