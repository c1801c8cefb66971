// The account page, /account: personal access tokens made, shown once,
// listed with their last use and revoked; nothing of them when signed out.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LocationProvider, sessionResource, specKey } from '../src/client';
import { AccountPage } from '../src/modules/spheres/pages/account';
import { queries } from '../src/modules/spheres/routes';
import { fakeServer, settle } from './helpers';

const alice = { loggedIn: true, did: 'did:plc:alice', handle: 'alice.test' };

const used = {
  id: '3kused',
  name: 'Nightly export',
  access: 'read',
  createdAt: '2026-01-01T00:00:00Z',
  lastUsedAt: '2026-01-04T10:00:00Z',
};
const expired = {
  id: '3kold',
  name: 'Old agent',
  access: 'write',
  createdAt: '2025-01-01T00:00:00Z',
  expiresAt: '2025-02-01T00:00:00Z',
};

/** The page as the server rendered it for this session, with this answer to listTokens. */
function renderAccount(session: object, tokens?: unknown) {
  const data: Record<string, unknown> = { 'site.exosphere.auth.getSession': session };
  const [spec] = queries.account({ params: {}, query: {} });
  if (tokens !== undefined) data[specKey(spec!)] = tokens;
  globalThis.__SSR_DATA__ = data;
  sessionResource();
  history.replaceState(null, '', '/account');
  return render(
    <LocationProvider>
      <AccountPage />
    </LocationProvider>,
  );
}

describe('the account page', () => {
  it('lists the tokens with their access, expiry and last use', async () => {
    const server = fakeServer({});
    renderAccount(alice, { tokens: [used, expired] });
    expect(screen.getByTestId('account-identity').textContent).toContain('@alice.test');
    const [first, second] = screen.getAllByTestId('token-row');
    expect(first!.textContent).toContain('Nightly export');
    expect(first!.textContent).toContain('Read only');
    expect(first!.textContent).toContain('never expires');
    expect(within(first!).getByTestId('token-last-used').textContent).toBe('last used 4 Jan 2026');
    expect(second!.textContent).toContain('Read and write');
    expect(second!.textContent).toContain('expired 1 Feb 2025');
    expect(within(second!).getByTestId('token-last-used').textContent).toBe('never used');
    await settle();
    // Hydrated from the server's data: no second fetch.
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('creates a token, shows its secret once, and revokes it', async () => {
    const made = { id: '3knew', name: 'Claude', access: 'write', createdAt: '2026-01-05T00:00:00Z', expiresAt: '2026-02-04T00:00:00Z' };
    const server = fakeServer({
      '/xrpc/site.exosphere.auth.createToken': () => ({ body: { token: 'exo_secretsecret', info: made } }),
      '/xrpc/site.exosphere.auth.revokeToken': () => ({ status: 200 }),
    });
    renderAccount(alice, { tokens: [] });
    expect(screen.getByTestId('no-tokens')).toBeTruthy();
    const form = screen.getByTestId('token-form');
    // A name is required.
    fireEvent.click(within(form).getByRole('button', { name: 'Create token' }));
    await settle();
    expect(within(form).getByText('Name is required.')).toBeTruthy();
    expect(server.calls).toHaveLength(0);

    fireEvent.input(within(form).getByLabelText('Name'), { target: { value: '  Claude ' } });
    fireEvent.click(within(form).getByLabelText(/Read and write/));
    fireEvent.change(within(form).getByLabelText('Expires'), { target: { value: '30' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create token' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('createToken'))?.body).toEqual({
      name: 'Claude',
      access: 'write',
      expiresInDays: 30,
    });
    expect(screen.getByTestId('new-token-value').textContent).toBe('exo_secretsecret');
    const row = screen.getByTestId('token-row');
    expect(row.textContent).toContain('Claude');
    expect(row.textContent).not.toContain('exo_secretsecret');

    fireEvent.click(within(row).getByRole('button', { name: 'Revoke Claude' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('revokeToken'))?.body).toEqual({ id: '3knew' });
    expect(screen.queryByTestId('token-row')).toBeNull();
  });

  it('keeps a token whose revocation failed, says why, and lets the person try again', async () => {
    fakeServer({
      '/xrpc/site.exosphere.auth.revokeToken': () => ({
        status: 404,
        body: { error: 'TokenNotFound', message: 'you have no token with this id' },
      }),
    });
    renderAccount(alice, { tokens: [used] });
    const row = screen.getByTestId('token-row');
    const revoke = within(row).getByRole('button', { name: 'Revoke Nightly export' }) as HTMLButtonElement;
    fireEvent.click(revoke);
    await settle();
    expect(within(row).getByRole('alert').textContent).toContain('you have no token with this id');
    expect(screen.getByTestId('token-row')).toBe(row);
    expect(revoke.disabled).toBe(false);
  });

  it('sends no expiry for a token that never expires', async () => {
    const made = { id: '3kforever', name: 'Cron', access: 'read', createdAt: '2026-01-05T00:00:00Z' };
    const server = fakeServer({
      '/xrpc/site.exosphere.auth.createToken': () => ({ body: { token: 'exo_x', info: made } }),
    });
    renderAccount(alice, { tokens: [] });
    const form = screen.getByTestId('token-form');
    fireEvent.input(within(form).getByLabelText('Name'), { target: { value: 'Cron' } });
    fireEvent.change(within(form).getByLabelText('Expires'), { target: { value: 'never' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create token' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('createToken'))?.body).toEqual({ name: 'Cron', access: 'read' });
  });

  it('asks a signed-out visitor to sign in, with no token form', () => {
    fakeServer({});
    renderAccount({ loggedIn: false }, { $error: { status: 401, error: 'AuthRequired', message: 'sign in' } });
    expect(screen.getByText(/to see your account/).textContent).toContain('manage your access tokens');
    expect(screen.queryByTestId('token-form')).toBeNull();
  });
});
