// The Sphere's home (core's page) with the fake modules of test/fake-module.tsx.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ActivityItem, installModules, LocationProvider, specKey } from '../src/client';
import { queries } from '../src/modules/spheres/routes';
import { SphereHomePage } from '../src/modules/spheres/pages/sphere';
import { events, notes } from './fake-module';
import { fakeServer, settle, sphere } from './helpers';

function item(n: number, overrides: Partial<ActivityItem> = {}): ActivityItem {
  return {
    module: 'notes',
    kind: 'note',
    uri: `at://did:plc:alice/site.exosphere.note/${n}`,
    title: `Note number ${n}`,
    path: `/s/demo/notes/${n}`,
    actor: { did: 'did:plc:alice', handle: 'alice.test' },
    createdAt: '2026-01-03T00:00:00Z',
    ...overrides,
  };
}

function renderHome() {
  history.replaceState(null, '', '/s/demo');
  return render(
    <LocationProvider>
      <SphereHomePage params={{ sphere: 'demo' }} query={{}} />
    </LocationProvider>,
  );
}

describe('the Sphere home', () => {
  beforeEach(() => {
    installModules([notes, events]);
  });

  it('hydrates from the server data without fetching', async () => {
    const server = fakeServer({});
    const [sphereSpec, activitySpec] = queries.sphere({ params: { sphere: 'demo' }, query: {} });
    globalThis.__SSR_DATA__ = {
      [specKey(sphereSpec!)]: { sphere },
      [specKey(activitySpec!)]: { items: [item(1), item(2, { kind: 'pin', detail: 'the top' })] },
    };
    renderHome();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Demo Sphere');
    const items = screen.getAllByTestId('activity-item');
    expect(items).toHaveLength(2);
    expect(screen.getAllByRole('link', { name: 'Note number 2' })[0]?.getAttribute('href')).toBe('/s/demo/notes/2');
    expect(items[1]?.textContent).toContain('Notes');
    expect(items[1]?.textContent).toContain('Pinned');
    expect(items[1]?.textContent).toContain('Pinned to the top');
    expect(items[0]?.textContent).toContain('New note');
    expect(items[0]?.textContent).toContain('@alice.test');
    // The modules the Sphere enables (only those), linking to their tabs.
    expect(screen.getByTestId('sphere-modules').textContent).toContain('Notes');
    expect(screen.getByTestId('sphere-modules').textContent).not.toContain('Events');
    expect(within(screen.getByTestId('sphere-modules')).getByRole('link', { name: 'Notes' }).getAttribute('href')).toBe(
      '/s/demo/notes',
    );
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('loads more with the cursor', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.sphere.getActivity': ({ search }) =>
        search.get('cursor') === 'page2'
          ? { body: { items: [item(3)] } }
          : { body: { items: [item(1), item(2)], cursor: 'page2' } },
    });
    renderHome();
    await settle();
    expect(screen.getAllByTestId('activity-item')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await settle();
    expect(screen.getAllByTestId('activity-item')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    const calls = server.calls.filter((c) => c.path.endsWith('getActivity'));
    expect(calls.map((c) => [c.search.get('sphere'), c.search.get('limit'), c.search.get('cursor')])).toEqual([
      ['demo', '30', null],
      ['demo', '30', 'page2'],
    ]);
  });

  it('shows when an item happened, relative to now once mounted', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.sphere.getActivity': () => ({
        body: { items: [item(1, { createdAt: new Date(Date.now() - 3 * 3600_000).toISOString() })] },
      }),
    });
    renderHome();
    await settle();
    expect(screen.getByTestId('activity-item').textContent).toContain('3 hours ago');
  });

  it('has an empty state, and no module links when the Sphere uses none', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere: { ...sphere, modules: [] } } }),
      '/xrpc/site.exosphere.sphere.getActivity': () => ({ body: { items: [] } }),
    });
    renderHome();
    await settle();
    expect(screen.getByTestId('no-activity').textContent).toBe('Nothing has happened here yet.');
    expect(screen.getByTestId('no-modules')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Notes' })).toBeNull();
  });

  it('puts the public Sphere’s Atom feed in the head while shown', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.sphere.getActivity': () => ({ body: { items: [] } }),
    });
    const view = renderHome();
    await settle();
    const feeds = () =>
      Array.from(document.head.querySelectorAll('link[rel="alternate"][type="application/atom+xml"]')).map((l) =>
        l.getAttribute('href'),
      );
    expect(feeds()).toEqual(['/s/demo/feed.atom']);
    view.unmount();
    expect(feeds()).toEqual([]);
  });

  it('links only to paths on this site', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.sphere.getActivity': () => ({
        body: { items: [item(1, { path: '//evil.example/x', title: 'Odd one' })] },
      }),
    });
    renderHome();
    await settle();
    expect(screen.getByText('Odd one').closest('a')).toBeNull();
  });

  it('tells an administrator the Sphere is suspended, or hidden from the list', async () => {
    let standing = 'suspended';
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere: { ...sphere, standing } } }),
      '/xrpc/site.exosphere.sphere.getActivity': () => ({ body: { items: [] } }),
    });
    const view = renderHome();
    await settle();
    expect(screen.getByTestId('sphere-standing').textContent).toBe(
      'This Sphere is suspended: only this instance’s administrators see it, and new records from the network are ignored.',
    );
    view.unmount();
    standing = 'hidden';
    renderHome();
    await settle();
    expect(screen.getByTestId('sphere-standing').textContent).toBe('Hidden from this instance’s list of Spheres.');
  });

  it('says nothing of its standing when it is listed', async () => {
    fakeServer({
      '/xrpc/site.exosphere.sphere.getSphere': () => ({ body: { sphere } }),
      '/xrpc/site.exosphere.sphere.getActivity': () => ({ body: { items: [] } }),
    });
    renderHome();
    await settle();
    expect(screen.queryByTestId('sphere-standing')).toBeNull();
  });
});
