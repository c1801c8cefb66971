// Discussions as a module: its ClientModule (what the registry lists), its
// tab, its eager pages, and its pages in a Sphere that doesn't use it.
// (The contract itself is tested with fake modules in web/test/modules.test.tsx.)
import { render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ApiError, ErrorAlert, findModule, LocationProvider, moduleAtPath, SphereHeader, withEagerPages } from '../../../client';
import eager from '../eager';
import discussions from '../index';
import { ThreadPage } from '../pages/thread';
import { ThreadsPage } from '../pages/threads';
import { fakeServer, sphere } from './fixtures';

function at(url: string, children: preact.ComponentChildren) {
  history.replaceState(null, '', url);
  return render(<LocationProvider>{children}</LocationProvider>);
}

describe('the Discussions ClientModule', () => {
  it('has its name, label, Lexicons, tab, routes, feed and activity kinds', () => {
    expect([discussions.name, discussions.label, discussions.tab.label, discussions.tab.path('demo')]).toEqual([
      'discussions',
      'Discussions',
      'Discussions',
      '/s/demo/discussions',
    ]);
    expect(discussions.lexicons).toEqual(['site.exosphere.discussion']);
    expect(discussions.routes.map((r) => r.path)).toEqual([
      '/s/:sphere/discussions',
      '/s/:sphere/discussions/new',
      '/s/:sphere/discussions/:number',
    ]);
    expect(discussions.feed?.('demo')).toBe('/s/demo/discussions/feed.atom');
    expect(discussions.activity?.kinds).toEqual({ thread: 'New thread', reply: 'New reply' });
    // Installed by the app (web/test/setup.ts does what the entries do).
    expect(findModule('discussions')).toBe(discussions);
  });

  it('has an eager page for every route, and refuses a server render without them', () => {
    expect(withEagerPages([discussions], [eager])[0]?.routes.map((r) => r.component)).toEqual(Object.values(eager.pages));
    expect(() => withEagerPages([discussions], [])).toThrow(/discussions: no eager page for \/s\/:sphere\/discussions/);
  });

  it('is the module of the paths under its tab', () => {
    expect(moduleAtPath('/s/demo/discussions/3')?.module.name).toBe('discussions');
    expect(moduleAtPath('/s/demo/discussions?tag=x')?.slug).toBe('demo');
  });

  it('has its tab, after the modules before it in the registry', () => {
    render(<SphereHeader sphere={{ ...sphere, modules: ['discussions'] }} current="discussions" />);
    const tabs = within(screen.getByRole('navigation', { name: 'Sphere' })).getAllByRole('link');
    expect(tabs.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Discussions', '/s/demo/discussions'],
      ['Members', '/s/demo/members'],
    ]);
    expect(screen.getByRole('link', { name: 'Discussions' }).getAttribute('aria-current')).toBe('page');
  });
});

describe('Discussions in a Sphere that does not use it (ModuleDisabled)', () => {
  it('is said plainly on its pages, with the way to the Sphere’s home', () => {
    globalThis.__SSR_DATA__ = { 'site.exosphere.sphere.getSphere?sphere=demo': { sphere: { ...sphere, modules: [] } } };
    const server = fakeServer({});
    at('/s/demo/discussions', <ThreadsPage params={{ sphere: 'demo' }} query={{}} />);
    at('/s/demo/discussions/3', <ThreadPage params={{ sphere: 'demo', number: '3' }} query={{}} />);
    for (const notice of screen.getAllByTestId('module-disabled')) {
      expect(notice.textContent).toContain("This Sphere doesn't use Discussions.");
      expect(within(notice).getByRole('link', { name: 'Go to the Sphere’s home' }).getAttribute('href')).toBe('/s/demo');
    }
    expect(screen.getAllByTestId('module-disabled')).toHaveLength(2);
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('is said plainly when the API answers it', () => {
    at('/s/demo/discussions/4', <ErrorAlert error={new ApiError(404, 'ModuleDisabled', 'discussions is not enabled in demo')} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain("This Sphere doesn't use Discussions.");
    expect(within(alert).getByRole('link').getAttribute('href')).toBe('/s/demo');
  });
});
