// The notifications page and the header's bell.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app';
import { LocationProvider, sessionResource } from '../src/client';
import { coreRoutes } from '../src/modules/spheres/eager';
import { NotificationsPage } from '../src/modules/spheres/pages/notifications';
import { fakeServer, settle } from './helpers';

const me = { loggedIn: true, did: 'did:plc:me', handle: 'me.test' };
const note = (over: Record<string, unknown>) => ({
  module: 'notes',
  kind: 'comment',
  uri: 'at://did:plc:bob/site.exosphere.note/1',
  sphere: { uri: 'at://did:plc:o/site.exosphere.sphere/s', slug: 'demo', name: 'Demo Sphere' },
  title: 'Dark mode',
  text: 'Yes please',
  path: '/s/demo/notes/1',
  actor: { did: 'did:plc:bob', handle: 'bob.test' },
  createdAt: '2026-01-02T00:00:00Z',
  unread: true,
  ...over,
});

describe('the notifications page', () => {
  it('lists what happened, unread first marked, and marks all read', async () => {
    let unread = true;
    const server = fakeServer({
      '/xrpc/site.exosphere.auth.getSession': () => ({ body: me }),
      '/xrpc/site.exosphere.notification.listNotifications': () => ({
        body: {
          notifications: [
            note({ unread }),
            note({ kind: 'status', detail: 'planned', text: 'Soon', uri: 'at://did:plc:o/site.exosphere.note/2', unread: false }),
          ],
        },
      }),
      '/xrpc/site.exosphere.notification.updateSeen': () => {
        unread = false;
        return { body: {} };
      },
      '/xrpc/site.exosphere.notification.getUnreadCount': () => ({ body: { count: unread ? 1 : 0 } }),
    });
    sessionResource();
    history.replaceState(null, '', '/notifications');
    render(
      <LocationProvider>
        <NotificationsPage />
      </LocationProvider>,
    );
    await settle();
    const items = screen.getAllByTestId('notification');
    expect(items.map((i) => i.textContent)).toEqual([
      'Unread: @bob.test commented on Dark mode in Demo Sphere · 2 Jan 2026Yes please',
      '@bob.test set the status to planned of Dark mode in Demo Sphere · 2 Jan 2026Soon',
    ]);
    expect(within(items[0]!).getByRole('link', { name: 'Dark mode' }).getAttribute('href')).toBe('/s/demo/notes/1');
    expect(items[0]!.getAttribute('data-unread')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Mark all as read' }));
    await settle();
    expect(server.calls.some((c) => c.path.endsWith('updateSeen'))).toBe(true);
    expect(screen.getAllByTestId('notification')[0]!.getAttribute('data-unread')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Mark all as read' })).toBeNull();
  });

  it('asks a visitor who is not signed in to sign in', async () => {
    fakeServer({ '/xrpc/site.exosphere.auth.getSession': () => ({ body: { loggedIn: false } }) });
    sessionResource();
    render(
      <LocationProvider>
        <NotificationsPage />
      </LocationProvider>,
    );
    await settle();
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeTruthy();
  });
});

describe('the bell', () => {
  it('shows the unread count once the app runs, and says it to screen readers', async () => {
    fakeServer({
      '/xrpc/site.exosphere.auth.getSession': () => ({ body: me }),
      '/xrpc/site.exosphere.notification.getUnreadCount': () => ({ body: { count: 3 } }),
      '/xrpc/site.exosphere.instance.getInstance': () => ({ body: { sphereCreation: 'anyone', needsSetup: false, sphereCount: 0 } }),
      '/xrpc/site.exosphere.sphere.listSpheres': () => ({ body: { spheres: [] } }),
    });
    sessionResource();
    history.replaceState(null, '', '/');
    render(
      <LocationProvider>
        <App core={coreRoutes} />
      </LocationProvider>,
    );
    await settle();
    const bell = screen.getByTestId('notifications-link');
    expect(bell.getAttribute('href')).toBe('/notifications');
    expect(bell.getAttribute('aria-label')).toBe('Notifications, 3 unread');
    expect(screen.getByTestId('unread-count').textContent).toBe('3');
  });
});
