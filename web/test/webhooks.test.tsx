// The Settings page's webhooks: added with a secret shown once, tested,
// their deliveries shown, deleted; refusals said.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LocationProvider, type SphereView } from '../src/client';
import { SettingsPage } from '../src/modules/spheres/pages/settings';
import { fakeServer, settle, sphere } from './helpers';

const owner: SphereView = { ...sphere, viewer: { canWrite: true, canModerate: true, role: 'owner', status: 'active' } };
const EVENTS = ['request.created', 'status.changed'];

function renderSettings() {
  globalThis.__SSR_DATA__ = { 'site.exosphere.sphere.getSphere?sphere=demo': { sphere: owner } };
  history.replaceState(null, '', '/s/demo/settings');
  return render(
    <LocationProvider>
      <SettingsPage params={{ sphere: 'demo' }} query={{}} />
    </LocationProvider>,
  );
}

describe('webhooks in the settings', () => {
  it('adds one with the events chosen, and shows its secret once', async () => {
    let hooks: unknown[] = [];
    const server = fakeServer({
      '/xrpc/site.exosphere.webhook.listWebhooks': () => ({ body: { webhooks: hooks, events: EVENTS } }),
      '/xrpc/site.exosphere.webhook.createWebhook': ({ body }) => {
        const hook = { id: 1, url: (body as { url: string }).url, events: (body as { events: string[] }).events, createdAt: '2026-01-01T00:00:00Z' };
        hooks = [hook];
        return { body: { webhook: hook, secret: 'f00d'.repeat(16) } };
      },
    });
    renderSettings();
    await settle();
    const form = within(screen.getByTestId('webhook-form'));
    fireEvent.click(form.getByRole('button', { name: 'Add webhook' }));
    expect(form.getByText('The URL is an http:// or https:// address.')).toBeTruthy();
    fireEvent.input(form.getByLabelText('URL'), { target: { value: ' https://example.com/hook ' } });
    fireEvent.click(form.getByRole('checkbox', { name: 'status.changed' }));
    fireEvent.click(form.getByRole('button', { name: 'Add webhook' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('createWebhook'))?.body).toEqual({
      sphere: 'demo',
      url: 'https://example.com/hook',
      events: ['request.created'],
    });
    expect(screen.getByTestId('new-webhook-secret').textContent).toContain('f00d'.repeat(16));
    expect(within(screen.getByTestId('webhook')).getByText('request.created')).toBeTruthy();
  });

  it('says why a URL is refused', async () => {
    fakeServer({
      '/xrpc/site.exosphere.webhook.listWebhooks': () => ({ body: { webhooks: [], events: EVENTS } }),
      '/xrpc/site.exosphere.webhook.createWebhook': () => ({
        status: 400,
        body: { error: 'UrlRefused', message: 'url: refused to connect to 10.0.0.1: it is a private address' },
      }),
    });
    renderSettings();
    await settle();
    fireEvent.input(screen.getByLabelText('URL'), { target: { value: 'http://10.0.0.1/hook' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add webhook' }));
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('private address');
    expect(screen.queryByTestId('new-webhook-secret')).toBeNull();
  });

  it('sends a test, shows the deliveries, and deletes', async () => {
    let hooks = [{ id: 7, url: 'https://example.com/hook', events: EVENTS, createdAt: '2026-01-01T00:00:00Z' }];
    const server = fakeServer({
      '/xrpc/site.exosphere.webhook.listWebhooks': () => ({ body: { webhooks: hooks, events: EVENTS } }),
      '/xrpc/site.exosphere.webhook.testWebhook': () => ({ body: { delivery: 3 } }),
      '/xrpc/site.exosphere.webhook.listDeliveries': () => ({
        body: {
          deliveries: [
            { id: 3, event: 'webhook.test', state: 'delivered', attempts: 1, lastStatus: 200, createdAt: '2026-01-02T00:00:00Z' },
            { id: 2, event: 'request.created', state: 'pending', attempts: 2, lastStatus: 500, lastError: 'the receiver answered 500', createdAt: '2026-01-01T00:00:00Z' },
          ],
        },
      }),
      '/xrpc/site.exosphere.webhook.deleteWebhook': () => {
        hooks = [];
        return { body: {} };
      },
    });
    renderSettings();
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Send test' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('testWebhook'))?.body).toEqual({ sphere: 'demo', id: 7 });
    const rows = within(screen.getByTestId('deliveries')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['webhook.testdelivered1HTTP 200', 'request.createdpending2the receiver answered 500']);
    fireEvent.click(screen.getByRole('button', { name: /Delete the webhook to https:\/\/example.com\/hook/ }));
    await settle();
    expect(screen.queryByTestId('webhook')).toBeNull();
  });
});
