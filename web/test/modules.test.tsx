// The module contract as client/ and core's pages use it: tabs from the
// modules a Sphere enables, the settings' checkboxes from the registry, and
// the errors the backend answers for modules (ModuleDisabled, ScopeMissing),
// with the fake modules of test/fake-module.tsx; and what the registry's
// modules owe the contract, whichever they are.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  type EagerPages,
  ErrorAlert,
  InlineError,
  installedModules,
  installModules,
  LocationProvider,
  moduleAtPath,
  SphereHeader,
  sessionResource,
  type SphereView,
  withEagerPages,
} from '../src/client';
import { modules } from '../src/modules/registry';
import { modulesToSave, SettingsPage } from '../src/modules/spheres/pages/settings';
import { events, NotesPage, notes } from './fake-module';
import { fakeServer, settle, sphere } from './helpers';

const owner: SphereView = { ...sphere, viewer: { canWrite: true, canModerate: true, role: 'owner', status: 'active' } };

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
  const eager = Object.values(
    import.meta.glob<EagerPages>(['../src/modules/*/eager.ts', '!../src/modules/spheres/eager.ts'], {
      eager: true,
      import: 'default',
    }),
  );

  it('is what the app installs (test/setup.ts does what the entries do)', () => {
    expect(installedModules()).toBe(modules);
  });

  it('gives every module a unique name, a label, its Lexicons, a tab and routes under its name', () => {
    expect(new Set(modules.map((m) => m.name)).size).toBe(modules.length);
    for (const m of modules) {
      expect(m.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(m.label.trim()).not.toBe('');
      expect(m.tab.label.trim()).not.toBe('');
      expect(m.lexicons.length, `${m.name} owns no Lexicons`).toBeGreaterThan(0);
      for (const prefix of m.lexicons) expect(prefix).toMatch(/^site\.exosphere\.[a-z][A-Za-z0-9]*$/);
      expect(m.tab.path('demo')).toBe(`/s/demo/${m.name}`);
      expect(m.routes.length, `${m.name} has no routes`).toBeGreaterThan(0);
      for (const r of m.routes) expect(r.path === `/s/:sphere/${m.name}` || r.path.startsWith(`/s/:sphere/${m.name}/`)).toBe(true);
      if (m.feed) expect(m.feed('demo')).toBe(`/s/demo/${m.name}/feed.atom`);
    }
  });

  it('has an eager page for every route of every module (the server render)', () => {
    expect(() => withEagerPages(modules, eager)).not.toThrow();
    expect(eager.map((e) => e.module).sort()).toEqual(modules.map((m) => m.name).sort());
  });

  it('refuses a server render with a route that has no eager page', () => {
    expect(() => withEagerPages([notes], [])).toThrow(/notes: no eager page for \/s\/:sphere\/notes/);
    expect(withEagerPages([notes], [{ module: 'notes', pages: { '/s/:sphere/notes': NotesPage } }])[0]?.routes[0]?.component).toBe(
      NotesPage,
    );
  });

  it('finds the module a path is under', () => {
    installModules([notes, events]);
    expect(moduleAtPath('/s/demo/notes/3')?.module.name).toBe('notes');
    expect(moduleAtPath('/s/demo/notes?sort=new')?.slug).toBe('demo');
    expect(moduleAtPath('/s/demo/events')?.module.name).toBe('events');
    expect(moduleAtPath('/s/demo/notesy')).toBeUndefined();
    expect(moduleAtPath('/s/demo/members')).toBeUndefined();
    expect(moduleAtPath('/s/demo')).toBeUndefined();
  });
});

describe('with fake modules installed', () => {
  beforeEach(() => {
    installModules([notes, events]);
  });

  describe('the Sphere tabs', () => {
    it('show the modules the Sphere enables, then Members', () => {
      render(<SphereHeader sphere={sphere} current="notes" />);
      expect(tabs()).toEqual([
        ['Notes', '/s/demo/notes'],
        ['Members', '/s/demo/members'],
      ]);
      expect(screen.getByRole('link', { name: 'Notes' }).getAttribute('aria-current')).toBe('page');
    });

    it('have no module tab when the Sphere enables none', () => {
      render(<SphereHeader sphere={{ ...sphere, modules: [] }} current="members" />);
      expect(tabs()).toEqual([['Members', '/s/demo/members']]);
    });

    it('follow the registry’s order, skip modules this build lacks, and end with Settings for the owner', () => {
      render(<SphereHeader sphere={{ ...owner, modules: ['not-installed', 'events', 'notes'] }} current="home" />);
      expect(tabs()).toEqual([
        ['Notes', '/s/demo/notes'],
        ['Calendar', '/s/demo/events'],
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
      renderSettings(owner);
      const group = within(screen.getByRole('group', { name: 'Modules' }));
      const boxes = group.getAllByRole('checkbox') as HTMLInputElement[];
      expect(boxes.map((b) => [b.value, b.checked])).toEqual([
        ['notes', true],
        ['events', false],
      ]);
      expect(group.getByLabelText('Notes')).toBe(boxes[0]);
      expect(group.getByLabelText('Events')).toBe(boxes[1]);
    });

    it('saves the modules turned on, keeping names this build does not have', async () => {
      const server = fakeServer({
        '/xrpc/site.exosphere.sphere.updateSphere': ({ body }) => ({
          body: { sphere: { ...owner, modules: (body as { modules: string[] }).modules } },
        }),
      });
      renderSettings({ ...owner, modules: ['wikis', 'notes'] });
      expect(screen.getByText(/kept as they are/).textContent).toContain('wikis');
      fireEvent.click(screen.getByLabelText('Notes'));
      fireEvent.click(screen.getByLabelText('Events'));
      fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
      await settle();
      const call = server.calls.find((c) => c.path.endsWith('updateSphere'));
      expect((call?.body as { modules: string[] }).modules).toEqual(['wikis', 'events']);
      expect(screen.getByText('Settings saved.')).toBeTruthy();
      // The tabs follow what was saved.
      expect(tabs()).toEqual([
        ['Calendar', '/s/demo/events'],
        ['Members', '/s/demo/members'],
        ['Settings', '/s/demo/settings'],
      ]);
    });

    it('states the visibility, which can’t change, offers no choice of it and sends none', async () => {
      const server = fakeServer({
        '/xrpc/site.exosphere.sphere.updateSphere': () => ({ body: { sphere: { ...owner, visibility: 'private' } } }),
      });
      renderSettings({ ...owner, visibility: 'private' });
      expect(screen.queryByRole('radio', { name: /Public/ })).toBeNull();
      expect(screen.getByTestId('visibility').textContent).toContain('Private: members only');
      fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
      await settle();
      const call = server.calls.find((c) => c.path.endsWith('updateSphere'));
      expect(call?.body).not.toHaveProperty('visibility');
      expect(screen.getByText('Settings saved.')).toBeTruthy();
    });

    it('keeps the list’s order', () => {
      expect(modulesToSave(['x', 'notes'], ['notes'])).toEqual(['x', 'notes']);
      expect(modulesToSave(['x', 'notes'], ['events'])).toEqual(['x', 'events']);
      expect(modulesToSave([], ['events', 'notes'])).toEqual(['events', 'notes']);
    });
  });

  describe('a module the Sphere does not use (ModuleDisabled)', () => {
    it('is said plainly on the module’s page, with the way to the Sphere’s home', () => {
      globalThis.__SSR_DATA__ = {
        'site.exosphere.sphere.getSphere?sphere=demo': { sphere: { ...sphere, modules: [] } },
      };
      fakeServer({});
      at('/s/demo/notes', <NotesPage params={{ sphere: 'demo' }} query={{}} />);
      const notice = screen.getByTestId('module-disabled');
      expect(notice.textContent).toContain("This Sphere doesn't use Notes.");
      expect(within(notice).getByRole('link', { name: 'Go to the Sphere’s home' }).getAttribute('href')).toBe('/s/demo');
      expect(screen.queryByRole('alert')).toBeNull();
      expect(screen.queryByTestId('notes')).toBeNull();
    });

    it('offers the owner to turn it on in the settings', () => {
      globalThis.__SSR_DATA__ = {
        'site.exosphere.sphere.getSphere?sphere=demo': { sphere: { ...owner, modules: [] } },
      };
      fakeServer({});
      at('/s/demo/notes', <NotesPage params={{ sphere: 'demo' }} query={{}} />);
      const notice = screen.getByTestId('module-disabled');
      expect(within(notice).getByRole('link', { name: 'turn it on in the settings' }).getAttribute('href')).toBe(
        '/s/demo/settings',
      );
    });

    it('is said plainly when the API answers it', () => {
      at('/s/demo/notes/4', <ErrorAlert error={new ApiError(404, 'ModuleDisabled', 'notes is not enabled in demo')} />);
      const alert = screen.getByRole('alert');
      expect(alert.textContent).toContain("This Sphere doesn't use Notes.");
      expect(within(alert).getByRole('link').getAttribute('href')).toBe('/s/demo');
    });

    it('shows the API’s message outside a module’s pages', () => {
      at('/s/demo/members', <ErrorAlert error={new ApiError(404, 'ModuleDisabled', 'notes is not enabled in demo')} />);
      const alert = screen.getByRole('alert');
      expect(alert.textContent).toContain('notes is not enabled in demo');
      expect(within(alert).getByRole('link', { name: 'All Spheres' }).getAttribute('href')).toBe('/');
    });
  });

  describe('a permission the session lacks (ScopeMissing)', () => {
    const error = new ApiError(403, 'ScopeMissing', 'Your sign-in does not cover Notes yet.');

    it('shows the server’s message and signs in again with the handle, back to this page', () => {
      signedIn('me.test');
      at('/s/demo/notes/3?x=1', <ErrorAlert error={error} />);
      const alert = screen.getByRole('alert');
      expect(alert.textContent).toContain('Your sign-in does not cover Notes yet.');
      expect(within(alert).getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe(
        '/oauth/login?handle=me.test&redirect=%2Fs%2Fdemo%2Fnotes%2F3%3Fx%3D1',
      );
    });

    it('goes through the sign-in page when the handle is unknown', () => {
      signedIn();
      at('/s/demo/notes', <ErrorAlert error={error} />);
      expect(screen.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe('/login?redirect=%2Fs%2Fdemo%2Fnotes');
    });

    it('offers signing in again next to the control that failed', () => {
      signedIn('me.test');
      at('/s/demo/notes', <InlineError error={error} testId="pin-error" />);
      expect(screen.getByTestId('pin-error').textContent).toContain('Your sign-in does not cover');
      expect(screen.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe(
        '/oauth/login?handle=me.test&redirect=%2Fs%2Fdemo%2Fnotes',
      );
    });

    it('is not offered for other errors', () => {
      signedIn('me.test');
      at('/s/demo/notes', <InlineError error={new ApiError(403, 'Forbidden', 'Members only')} testId="pin-error" />);
      expect(screen.getByTestId('pin-error').textContent).toBe('Members only');
      expect(screen.queryByRole('link', { name: 'Sign in again' })).toBeNull();
    });
  });
});
