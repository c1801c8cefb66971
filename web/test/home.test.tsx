// The home page, /: what the instance lets the viewer do (getInstance), a
// new instance's first-run welcome, and Home-Sphere mode (the operator's
// EXOSPHERE_HOME_SPHERE), where / is that Sphere's home.
import { fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { homeSphere, installModules, LocationProvider, type Schemas, sessionResource, specKey } from '../src/client';
import { HomePage } from '../src/modules/spheres/pages/home';
import { queries } from '../src/modules/spheres/routes';
import { events, notes } from './fake-module';
import { fakeServer, settle, sphere } from './helpers';

type Instance = Schemas['site.exosphere.instance.getInstance.Output'];

const route = { params: {}, query: {} };
const keys = () => queries.home(route).map(specKey);
const me = { loggedIn: true, did: 'did:plc:me', handle: 'me.test' };

/** The page as the server rendered it: the session, the instance and the list injected. */
function renderHome(instance: Instance, session: object = me, spheres: unknown[] = [sphere]) {
  const [instanceKey, listKey] = keys();
  globalThis.__SSR_DATA__ = {
    'site.exosphere.auth.getSession': session,
    [instanceKey!]: instance,
    [listKey!]: { spheres },
  };
  sessionResource();
  history.replaceState(null, '', '/');
  return render(
    <LocationProvider>
      <HomePage />
    </LocationProvider>,
  );
}

const setUp: Instance = { sphereCreation: 'admins', needsSetup: false, sphereCount: 3 };

function setHomeSphere(slug: string) {
  const meta = document.createElement('meta');
  meta.name = 'exosphere-home-sphere';
  meta.content = slug;
  document.head.appendChild(meta);
}

afterEach(() => {
  document.head.querySelectorAll('meta[name="exosphere-home-sphere"]').forEach((m) => m.remove());
});

describe('homeSphere()', () => {
  it('reads the page head’s meta tag in the browser', () => {
    expect(homeSphere()).toBeUndefined();
    setHomeSphere('demo');
    expect(homeSphere()).toBe('demo');
  });

  it('ignores an empty one', () => {
    setHomeSphere('  ');
    expect(homeSphere()).toBeUndefined();
  });
});

describe('queries.home', () => {
  it('reads the instance and the list of Spheres', () => {
    expect(keys()).toEqual(['site.exosphere.instance.getInstance', 'site.exosphere.sphere.listSpheres?limit=30']);
  });

  it('reads what the Sphere’s home reads in Home-Sphere mode', () => {
    setHomeSphere('demo');
    expect(keys()).toEqual(queries.sphere({ params: { sphere: 'demo' }, query: {} }).map(specKey));
    expect(keys()).toEqual(['site.exosphere.sphere.getSphere?sphere=demo', 'site.exosphere.sphere.getActivity?limit=30&sphere=demo']);
  });
});

describe('the home page', () => {
  it('welcomes a signed-out visitor to a new instance with a way to set it up', () => {
    renderHome({ sphereCreation: 'admins', needsSetup: true, sphereCount: 0 }, { loggedIn: false }, []);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Welcome to Exosphere');
    expect(document.body.textContent).toContain('community Spheres on the AT Protocol');
    expect(screen.getByRole('heading', { name: 'Set up your Sphere' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sign in to set up' }).getAttribute('href')).toBe('/login');
    expect(screen.queryByRole('button', { name: 'Create Sphere' })).toBeNull();
    expect(screen.queryByTestId('no-spheres')).toBeNull();
  });

  it('offers the signed-in visitor of a new instance the form, as its administrator-to-be', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.createSphere': () => ({ body: { sphere: { ...sphere, slug: 'first' } } }),
    });
    renderHome({ sphereCreation: 'admins', needsSetup: true, sphereCount: 0, viewer: { admin: false, canCreateSpheres: true } }, me, []);
    const form = screen.getByRole('heading', { name: 'Set up your Sphere' }).closest('section')!;
    expect(form.textContent).toContain('You will be this instance’s administrator.');
    expect(within(form).queryByLabelText('Invite code')).toBeNull();
    fireEvent.input(within(form).getByLabelText('Name'), { target: { value: 'First' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create Sphere' }));
    await settle();
    const call = server.calls.find((c) => c.path.endsWith('createSphere'));
    expect(call?.body).toMatchObject({ name: 'First', slug: 'first' });
    expect(call?.body).not.toHaveProperty('inviteCode');
  });

  it('tells a signed-in account that may not create Spheres why there is no form', () => {
    renderHome({ ...setUp, viewer: { admin: false, canCreateSpheres: false } });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Spheres');
    expect(screen.getAllByTestId('sphere-card')).toHaveLength(1);
    expect(screen.getByTestId('creation-note').textContent).toBe(
      'Creating Spheres here is for accounts this instance’s administrators allow.',
    );
    expect(screen.queryByTestId('create-sphere-form')).toBeNull();
    expect(screen.queryByRole('link', { name: 'Instance administration' })).toBeNull();
  });

  it('shows a signed-out visitor nothing to create where signing in would not help', () => {
    renderHome(setUp, { loggedIn: false });
    expect(screen.queryByTestId('create-sphere-form')).toBeNull();
    expect(screen.queryByTestId('creation-note')).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Start a Sphere' })).toBeNull();
  });

  it('asks for an invite code under the invite policy, and sends it', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.sphere.createSphere': () => ({
        status: 403,
        body: { error: 'NotAllowed', message: 'that invite code is unknown or already used' },
      }),
    });
    renderHome({ ...setUp, sphereCreation: 'invite', viewer: { admin: false, canCreateSpheres: false } });
    const form = screen.getByTestId('create-sphere-form');
    const code = within(form).getByLabelText('Invite code', { exact: false });
    fireEvent.input(within(form).getByLabelText('Name'), { target: { value: 'Ours' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create Sphere' }));
    await settle();
    // Required: nothing is sent without one.
    expect(server.calls).toHaveLength(0);
    fireEvent.input(code, { target: { value: ' abc-123 ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create Sphere' }));
    await settle();
    expect(server.calls[0]?.body).toMatchObject({ name: 'Ours', inviteCode: 'abc-123' });
    // The server's refusal says what to do.
    expect(within(form).getByRole('alert').textContent).toContain('that invite code is unknown or already used');
  });

  it('offers a signed-out visitor a sign-in where signing in could let them create', () => {
    renderHome({ ...setUp, sphereCreation: 'invite' }, { loggedIn: false });
    expect(screen.getByRole('heading', { name: 'Start a Sphere' })).toBeTruthy();
  });

  it('links administrators to the instance’s administration, and gives them the form', () => {
    renderHome({ ...setUp, viewer: { admin: true, canCreateSpheres: true } });
    expect(screen.getByRole('link', { name: 'Instance administration' }).getAttribute('href')).toBe('/admin');
    expect(screen.getByRole('heading', { name: 'Create a Sphere' })).toBeTruthy();
    expect(screen.queryByLabelText('Invite code', { exact: false })).toBeNull();
  });
});

describe('the home page in Home-Sphere mode', () => {
  beforeEach(() => {
    installModules([notes, events]);
  });

  it('is the Sphere’s home, hydrated from the server data without fetching', async () => {
    setHomeSphere('demo');
    const server = fakeServer({});
    const [sphereKey, activityKey] = keys();
    globalThis.__SSR_DATA__ = {
      'site.exosphere.auth.getSession': { loggedIn: false },
      [sphereKey!]: { sphere },
      [activityKey!]: { items: [] },
    };
    sessionResource();
    history.replaceState(null, '', '/');
    render(
      <LocationProvider>
        <HomePage />
      </LocationProvider>,
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Demo Sphere');
    expect(screen.getByTestId('no-activity')).toBeTruthy();
    await settle();
    expect(server.fetch).not.toHaveBeenCalled();
  });
});
