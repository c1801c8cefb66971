// The module contract as client/ and core's pages use it: tabs from the
// modules a Sphere enables, the settings' checkboxes from the registry, and
// the errors the backend answers for modules (ModuleDisabled, ScopeMissing).
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  type ClientModule,
  ErrorAlert,
  installedModules,
  installModules,
  LocationProvider,
  moduleAtPath,
  SphereHeader,
  sessionResource,
  type SphereView,
  withEagerPages,
} from '../src/client';
import { BoardPage } from '../src/modules/feature-requests/pages/board';
import { VoteButton } from '../src/modules/feature-requests/components/vote-button';
import { modules } from '../src/modules/registry';
import { modulesToSave, SettingsPage } from '../src/modules/spheres/pages/settings';
import { fakeServer, settle, sphere } from './helpers';

const owner: SphereView = { ...sphere, viewer: { canWrite: true, canModerate: true, role: 'owner', status: 'active' } };

/** A module this build doesn't really have, for tests of the registry's order. */
const discussions: ClientModule = {
  name: 'discussions',
  label: 'Discussions',
  tab: { label: 'Talk', path: (slug) => `/s/${slug}/discussions` },
  routes: [],
};

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

describe('the registry', () => {
  it('gives every module a name, a label, a tab and routes', () => {
    expect(modules.map((m) => [m.name, m.label, m.tab.label, m.tab.path('demo')])).toEqual([
      ['feature-requests', 'Feature requests', 'Feature requests', '/s/demo/feature-requests'],
    ]);
    expect(modules[0]?.routes.map((r) => r.path)).toEqual([
      '/s/:sphere/feature-requests',
      '/s/:sphere/feature-requests/new',
      '/s/:sphere/feature-requests/:number',
    ]);
    expect(modules[0]?.feed?.('demo')).toBe('/s/demo/feature-requests/feed.atom');
    expect(installedModules()).toBe(modules);
  });

  it('refuses a server render with a route that has no eager page', () => {
    expect(() => withEagerPages(modules, [])).toThrow(/feature-requests: no eager page for \/s\/:sphere\/feature-requests/);
  });

  it('finds the module a path is under', () => {
    expect(moduleAtPath('/s/demo/feature-requests/3')?.module.name).toBe('feature-requests');
    expect(moduleAtPath('/s/demo/feature-requests?sort=new')?.slug).toBe('demo');
    expect(moduleAtPath('/s/demo/members')).toBeUndefined();
    expect(moduleAtPath('/s/demo')).toBeUndefined();
  });
});

describe('the Sphere tabs', () => {
  it('show the modules the Sphere enables, then Members', () => {
    render(<SphereHeader sphere={sphere} current="feature-requests" />);
    expect(tabs()).toEqual([
      ['Feature requests', '/s/demo/feature-requests'],
      ['Members', '/s/demo/members'],
    ]);
    expect(screen.getByRole('link', { name: 'Feature requests' }).getAttribute('aria-current')).toBe('page');
  });

  it('have no module tab when the Sphere enables none', () => {
    render(<SphereHeader sphere={{ ...sphere, modules: [] }} current="members" />);
    expect(tabs()).toEqual([['Members', '/s/demo/members']]);
  });

  it('follow the registry’s order, skip modules this build lacks, and end with Settings for the owner', () => {
    installModules([...modules, discussions]);
    render(<SphereHeader sphere={{ ...owner, modules: ['not-installed', 'discussions', 'feature-requests'] }} current="home" />);
    expect(tabs()).toEqual([
      ['Feature requests', '/s/demo/feature-requests'],
      ['Talk', '/s/demo/discussions'],
      ['Members', '/s/demo/members'],
      ['Settings', '/s/demo/settings'],
    ]);
    // On the Sphere's home, its name is the current page.
    expect(screen.getByRole('link', { name: 'Demo Sphere' }).getAttribute('aria-current')).toBe('page');
  });
});

describe('the module settings', () => {
  function renderSettings(view: SphereView) {
    globalThis.__SSR_DATA__ = { 'site.exosphere.sphere.getSphere?sphere=demo': { sphere: view } };
    return at('/s/demo/settings', <SettingsPage params={{ sphere: 'demo' }} query={{}} />);
  }

  it('has one checkbox per installed module, labelled from the registry', () => {
    installModules([...modules, discussions]);
    renderSettings(owner);
    const group = within(screen.getByRole('group', { name: 'Modules' }));
    const boxes = group.getAllByRole('checkbox') as HTMLInputElement[];
    expect(boxes.map((b) => [b.value, b.checked])).toEqual([
      ['feature-requests', true],
      ['discussions', false],
    ]);
    expect(group.getByLabelText('Feature requests')).toBe(boxes[0]);
    expect(group.getByLabelText('Discussions')).toBe(boxes[1]);
  });

  it('saves the modules turned on, keeping names this build does not have', async () => {
    installModules([...modules, discussions]);
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.updateSphere': ({ body }) => ({
        body: { sphere: { ...owner, modules: (body as { modules: string[] }).modules } },
      }),
    });
    renderSettings({ ...owner, modules: ['polls', 'feature-requests'] });
    expect(screen.getByText(/kept as they are/).textContent).toContain('polls');
    fireEvent.click(screen.getByLabelText('Feature requests'));
    fireEvent.click(screen.getByLabelText('Discussions'));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await settle();
    const call = server.calls.find((c) => c.path.endsWith('updateSphere'));
    expect((call?.body as { modules: string[] }).modules).toEqual(['polls', 'discussions']);
    expect(screen.getByText('Settings saved.')).toBeTruthy();
  });

  it('keeps the list’s order', () => {
    installModules([...modules, discussions]);
    expect(modulesToSave(['x', 'feature-requests'], ['feature-requests'])).toEqual(['x', 'feature-requests']);
    expect(modulesToSave(['x', 'feature-requests'], ['discussions'])).toEqual(['x', 'discussions']);
    expect(modulesToSave([], ['discussions', 'feature-requests'])).toEqual(['discussions', 'feature-requests']);
  });
});

describe('a module the Sphere does not use (ModuleDisabled)', () => {
  it('is said plainly on the module’s page, with the way to the Sphere’s home', () => {
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

describe('a permission the session lacks (ScopeMissing)', () => {
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
