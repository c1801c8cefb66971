// The operator's page, /admin: every Sphere with its standing, the indexer,
// who may create Spheres and invite codes; nothing of it for anyone else.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LocationProvider, type Schemas, sessionResource, specKey } from '../src/client';
import { AdminPage, humanLag } from '../src/modules/spheres/pages/admin';
import { contentLines, countLabel, singular } from '../src/modules/spheres/pages/admin-spheres';
import { queries } from '../src/modules/spheres/routes';
import { fakeServer, settle, sphere } from './helpers';

type Summary = Schemas['site.exosphere.instance.defs.sphereSummary'];

const admin = { loggedIn: true, did: 'did:plc:admin', handle: 'admin.test' };
const instance = { sphereCreation: 'admins', needsSetup: false, sphereCount: 2, viewer: { admin: true, canCreateSpheres: true } };

const summary = (overrides: Partial<Summary> = {}): Summary => ({
  sphere,
  standing: 'listed',
  content: [
    { module: 'notes', label: 'Notes', count: 12 },
    { module: 'events', label: 'Events', count: 3 },
  ],
  lastActivityAt: '2026-01-05T00:00:00Z',
  ...overrides,
});
const hidden = summary({
  sphere: { ...sphere, uri: 'at://did:plc:owner/site.exosphere.sphere/2', slug: 'quiet', name: 'Quiet', owner: { did: 'did:plc:nohandle' } },
  standing: 'hidden',
  standingReason: 'Spam for days',
  content: [],
});

const indexer = {
  lagSeconds: null,
  cursorUs: null,
  events: 0,
  indexed: 0,
  unchanged: 0,
  ignored: 0,
  rejected: 0,
  malformed: 0,
  failed: 0,
  updatedAt: null,
};

/** The page as the server rendered it for this session, with these answers by NSID. */
function renderAdmin(session: object, answers: Record<string, unknown>) {
  const data: Record<string, unknown> = { 'site.exosphere.auth.getSession': session };
  for (const spec of queries.admin({ params: {}, query: {} })) {
    if (spec.nsid in answers) data[specKey(spec)] = answers[spec.nsid];
  }
  globalThis.__SSR_DATA__ = data;
  sessionResource();
  history.replaceState(null, '', '/admin');
  return render(
    <LocationProvider>
      <AdminPage />
    </LocationProvider>,
  );
}

const adminAnswers = {
  'site.exosphere.instance.getInstance': instance,
  'site.exosphere.instance.listSpheres': { spheres: [summary(), hidden], cursor: 'more' },
  'site.exosphere.instance.listCreators': { creators: [] },
  'site.exosphere.instance.listInviteCodes': {
    invites: [
      { code: 'used-one', createdBy: 'did:plc:admin', createdAt: '2026-01-01T00:00:00Z', usedBy: 'did:plc:bob', usedAt: '2026-01-02T00:00:00Z' },
    ],
  },
};

const notAllowed = { $error: { status: 403, error: 'NotAllowed', message: "only this instance's administrators can do this" } };

describe('the administration page', () => {
  it('lists every Sphere with its owner, content, activity and standing', async () => {
    fakeServer({ '/xrpc/_indexer': () => ({ body: indexer }) });
    renderAdmin(admin, adminAnswers);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Instance administration');
    const table = screen.getByRole('table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Sphere',
      'Owner',
      'Visibility',
      'Members',
      'Content',
      'Last activity',
      'Standing',
      'Actions',
    ]);
    const [demo, quiet] = screen.getAllByTestId('admin-sphere-row');
    expect(within(demo!).getByRole('link', { name: 'Demo Sphere' }).getAttribute('href')).toBe('/s/demo');
    expect(demo!.textContent).toContain('@owner.test');
    // One line per count.
    const counts = within(within(demo!).getByTestId('admin-sphere-content')).getAllByRole('listitem');
    expect(counts.map((li) => li.textContent)).toEqual(['12 Notes', '3 Events']);
    expect(within(demo!).getByTestId('standing').textContent).toBe('Listed');
    expect(within(demo!).getByRole('button', { name: 'Hide from list: Demo Sphere' })).toBeTruthy();
    expect(quiet!.textContent).toContain('did:plc:nohandle');
    expect(within(quiet!).getByTestId('admin-sphere-content').textContent).toBe('Nothing yet');
    expect(within(quiet!).getByTestId('standing').textContent).toBe('Hidden');
    expect(quiet!.textContent).toContain('Spam for days');
    expect(within(quiet!).getByRole('button', { name: 'List: Quiet' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Load more' })).toBeTruthy();
    await settle();
    expect(screen.getByTestId('indexer-lag').textContent).toBe('no events yet');
    expect(screen.getByTestId('invite-code').textContent).toContain('used by did:plc:bob');
    expect(within(screen.getByTestId('invite-code')).queryByRole('button', { name: /Revoke/ })).toBeNull();
    expect(screen.getByTestId('invite-policy-note').textContent).toContain('EXOSPHERE_SPHERE_CREATION=invite');
  });

  it('suspends a Sphere with a reason and updates its row from the answer', async () => {
    const server = fakeServer({
      '/xrpc/_indexer': () => ({ body: indexer }),
      '/xrpc/site.exosphere.instance.setSphereStanding': ({ body }) => ({
        body: { sphere: summary({ standing: 'suspended', standingReason: (body as { reason?: string }).reason }) },
      }),
    });
    renderAdmin(admin, adminAnswers);
    const row = () => screen.getAllByTestId('admin-sphere-row')[0]!;
    fireEvent.click(within(row()).getByRole('button', { name: 'Suspend: Demo Sphere' }));
    fireEvent.input(within(row()).getByLabelText('Reason for suspending Demo Sphere'), { target: { value: 'Abuse' } });
    fireEvent.click(within(row()).getByRole('button', { name: 'Confirm suspension: Demo Sphere' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('setSphereStanding'))?.body).toEqual({
      sphere: 'demo',
      standing: 'suspended',
      reason: 'Abuse',
    });
    expect(within(row()).getByTestId('standing').textContent).toBe('Suspended');
    expect(row().textContent).toContain('Abuse');
    expect(within(row()).getByRole('button', { name: 'Lift suspension: Demo Sphere' })).toBeTruthy();
  });

  it('makes an invite code and shows it, then allows and revokes an account', async () => {
    const server = fakeServer({
      '/xrpc/_indexer': () => ({ body: { ...indexer, lagSeconds: 125, events: 7, updatedAt: new Date().toISOString() } }),
      '/xrpc/site.exosphere.instance.createInviteCode': () => ({
        body: { invite: { code: 'abcd-efgh', note: 'for dave', createdBy: 'did:plc:admin', createdAt: '2026-01-03T00:00:00Z' } },
      }),
      '/xrpc/site.exosphere.instance.grantCreation': () => ({
        body: { creator: { did: 'did:plc:dave', handle: 'dave.test', grantedBy: 'did:plc:admin', grantedAt: '2026-01-03T00:00:00Z' } },
      }),
      '/xrpc/site.exosphere.instance.revokeCreation': () => ({ status: 200 }),
    });
    renderAdmin(admin, adminAnswers);
    await settle();
    expect(screen.getByTestId('indexer-lag').textContent).toBe('2 minutes');

    const invites = screen.getByTestId('invite-code-form');
    fireEvent.input(within(invites).getByLabelText('Note'), { target: { value: 'for dave' } });
    fireEvent.click(within(invites).getByRole('button', { name: 'Create invite code' }));
    await settle();
    expect(screen.getByTestId('new-invite-code-value').textContent).toBe('abcd-efgh');
    expect(screen.getAllByTestId('invite-code').map((r) => r.getAttribute('data-code'))).toEqual(['abcd-efgh', 'used-one']);

    const grant = screen.getByTestId('grant-form');
    fireEvent.input(within(grant).getByLabelText('Handle or DID'), { target: { value: '@dave.test' } });
    fireEvent.click(within(grant).getByRole('button', { name: 'Allow' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('grantCreation'))?.body).toEqual({ account: 'dave.test' });
    // What the press did follows the button, as the new invite code does.
    const notice = within(grant).getByText('@dave.test may now create Spheres.');
    const allow = within(grant).getByRole('button', { name: 'Allow' });
    expect(allow.compareDocumentPosition(notice) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const creator = screen.getByTestId('creator-row');
    expect(creator.textContent).toContain('@dave.test');
    fireEvent.click(within(creator).getByRole('button', { name: 'Revoke @dave.test' }));
    await settle();
    expect(server.calls.find((c) => c.path.endsWith('revokeCreation'))?.body).toEqual({ did: 'did:plc:dave' });
    expect(screen.queryByTestId('creator-row')).toBeNull();
  });

  it('shows an account that is no administrator only that the page is not for it', async () => {
    const server = fakeServer({});
    renderAdmin(
      { loggedIn: true, did: 'did:plc:bob', handle: 'bob.test' },
      {
        'site.exosphere.instance.getInstance': { ...instance, viewer: { admin: false, canCreateSpheres: false } },
        'site.exosphere.instance.listSpheres': notAllowed,
        'site.exosphere.instance.listCreators': notAllowed,
        'site.exosphere.instance.listInviteCodes': notAllowed,
      },
    );
    expect(screen.getByTestId('not-admin').textContent).toBe('This page is for this instance’s administrators.');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByTestId('indexer')).toBeNull();
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });

  it('says the same when the API answers NotAllowed', () => {
    fakeServer({});
    renderAdmin(admin, { 'site.exosphere.instance.getInstance': notAllowed });
    expect(screen.getByTestId('not-admin')).toBeTruthy();
  });

  it('asks a signed-out visitor to sign in', () => {
    fakeServer({});
    renderAdmin({ loggedIn: false }, {});
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/login?redirect=%2Fadmin');
    expect(screen.queryByRole('table')).toBeNull();
  });
});

describe('the administration page’s wording', () => {
  it('puts a count’s label in the singular for one', () => {
    expect(singular('requests')).toBe('request');
    expect(singular('comments')).toBe('comment');
    expect(singular('threads')).toBe('thread');
    expect(singular('replies')).toBe('reply');
    expect(singular('Notes')).toBe('Note');
    expect(singular('news')).toBe('new');
    expect(countLabel(1, 'replies')).toBe('1 reply');
    expect(countLabel(0, 'replies')).toBe('0 replies');
    expect(countLabel(2, 'requests')).toBe('2 requests');
  });

  it('sums up content and lag', () => {
    expect(
      contentLines([
        { module: 'notes', label: 'requests', count: 1 },
        { module: 'events', label: 'events', count: 0 },
        { module: 'notes', label: 'threads', count: 1 },
        { module: 'events', label: 'replies', count: 2 },
      ]),
    ).toEqual(['1 request', '1 thread', '2 replies']);
    expect(contentLines([])).toEqual([]);
    expect(humanLag(0.2)).toBe('under a second');
    expect(humanLag(42)).toBe('42 seconds');
    expect(humanLag(7200)).toBe('2 hours');
  });
});
