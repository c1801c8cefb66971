// @vitest-environment node
// The server entry renders without a DOM, from injected data only: core's
// pages, and what core shows of a module (its tab, its page's ModuleDisabled,
// its items on the Sphere's home) with the fake modules of test/fake-module.tsx.
// Each module tests its own pages' server render in its folder.
import { describe, expect, it } from 'vitest';
import { sphere } from './helpers';
import { dataFor, exosphereQueries, exosphereRender, notesServer } from './server';

describe('server rendering', () => {
  it('never carries one visitor’s session into the next render', () => {
    const me = { loggedIn: true, did: 'did:plc:me', handle: 'me.test', avatar: '/avatars/bafkme' };
    const signedIn = exosphereRender('/', { 'site.exosphere.auth.getSession': me });
    expect(signedIn.html).toContain('@me.test');
    expect(signedIn.html).toContain('src="/avatars/bafkme"');
    const anonymous = exosphereRender('/', { 'site.exosphere.auth.getSession': { loggedIn: false } });
    expect(anonymous.html).not.toContain('@me.test');
    expect(anonymous.html).not.toContain('/avatars/');
    expect(anonymous.html).toContain('>Sign in</a>');
  });

  it('links Sign in back to the page, without a previous sign-in error', () => {
    const out = exosphereRender('/s/demo?sort=new&login_error=Nope', {
      'site.exosphere.auth.getSession': { loggedIn: false },
    });
    expect(out.html).toContain('href="/login?redirect=%2Fs%2Fdemo%3Fsort%3Dnew"');
    expect(out.html).toContain('Nope');
  });

  it('renders a loading state, never fetching, when data is missing', () => {
    const out = exosphereRender('/', {});
    expect(out.status).toBe(200);
    expect(out.title).toBe('Exosphere');
    expect(out.html).toContain('Loading Spheres');
  });

  it('asks for the session first, then what the page reads', () => {
    expect(exosphereQueries('/s/demo/members').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
      'site.exosphere.sphere.listMembers?limit=50&sphere=demo',
    ]);
    expect(exosphereQueries('/nowhere').map((q) => q.key)).toEqual(['site.exosphere.auth.getSession']);
  });

  it('asks for the instance on the home page and on the administration page', () => {
    expect(exosphereQueries('/').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.instance.getInstance',
      'site.exosphere.sphere.listSpheres?limit=30',
    ]);
    expect(exosphereQueries('/admin').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.instance.getInstance',
      'site.exosphere.instance.listSpheres?limit=50',
      'site.exosphere.instance.listCreators?limit=50',
      'site.exosphere.instance.listInviteCodes?limit=50',
    ]);
  });

  it('renders the Sphere’s home at / in Home-Sphere mode, from the global the server sets', () => {
    globalThis.__EXOSPHERE_SITE__ = { homeSphere: 'demo' };
    try {
      expect(exosphereQueries('/')).toEqual(exosphereQueries('/s/demo'));
      const out = notesServer.render(
        '/',
        dataFor(
          '/',
          {
            'site.exosphere.auth.getSession': { loggedIn: false },
            'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer: undefined } },
            'site.exosphere.sphere.getActivity': { items: [] },
          },
          notesServer,
        ),
      );
      expect(out.status).toBe(200);
      expect(out.title).toBe('Demo Sphere · Exosphere');
      expect(out.html).toContain('Nothing has happened here yet.');
      // The way home from a missing page is the home page, not a list of Spheres.
      expect(exosphereRender('/nowhere', {}).html).toContain('<a href="/">Go to the home page</a>');
    } finally {
      globalThis.__EXOSPHERE_SITE__ = undefined;
    }
    expect(exosphereRender('/nowhere', {}).html).toContain('<a href="/">See all Spheres</a>');
  });

  it('answers 403 to an account that is no administrator on the administration page', () => {
    const url = '/admin';
    const notAllowed = { $error: { status: 403, error: 'NotAllowed', message: 'only administrators' } };
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': { loggedIn: true, did: 'did:plc:bob' },
        'site.exosphere.instance.getInstance': {
          sphereCreation: 'admins',
          needsSetup: false,
          sphereCount: 1,
          viewer: { admin: false, canCreateSpheres: false },
        },
        'site.exosphere.instance.listSpheres': notAllowed,
      }),
    );
    expect(out.status).toBe(403);
    expect(out.title).toBe('Instance administration · Exosphere');
    expect(out.html).toContain('This page is for this instance’s administrators.');
  });

  it('answers 404 for an unknown page and for a Sphere the API does not know', () => {
    expect(exosphereRender('/no/such/page', {}).status).toBe(404);
    const out = exosphereRender('/s/nope', {
      'site.exosphere.sphere.getSphere?sphere=nope': {
        $error: { status: 404, error: 'SphereNotFound', message: 'No Sphere nope' },
      },
    });
    expect(out.status).toBe(404);
    expect(out.html).toContain('No Sphere nope');
  });
});

describe('a module’s page, server-rendered', () => {
  it('lists the queries of the module’s route', () => {
    expect(notesServer.queries('/s/demo/notes').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
    ]);
  });

  it('renders under the module’s tab, with its feed', () => {
    const url = '/s/demo/notes';
    const out = notesServer.render(
      url,
      dataFor(
        url,
        {
          'site.exosphere.auth.getSession': { loggedIn: false },
          'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer: undefined } },
        },
        notesServer,
      ),
    );
    expect(out.status).toBe(200);
    expect(out.title).toBe('Notes · Demo Sphere · Exosphere');
    expect(out.html).toContain('No notes in Demo Sphere yet.');
    expect(out.html).toMatch(/<a [^>]*href="\/s\/demo\/notes" aria-current="page"[^>]*>Notes<\/a>/);
    expect(out.feed).toBe('/s/demo/notes/feed.atom');
  });

  it('answers 404 with a clear message for a module the Sphere does not use', () => {
    const url = '/s/demo/notes';
    const out = notesServer.render(
      url,
      dataFor(
        url,
        {
          'site.exosphere.auth.getSession': { loggedIn: false },
          'site.exosphere.sphere.getSphere': { sphere: { ...sphere, modules: [], viewer: undefined } },
        },
        notesServer,
      ),
    );
    expect(out.status).toBe(404);
    expect(out.title).toBe('Notes · Demo Sphere · Exosphere');
    expect(out.html).toContain("This Sphere doesn't use Notes.");
    expect(out.html).toContain('<a href="/s/demo">Go to the Sphere’s home</a>');
    // No tab for a module the Sphere doesn't use.
    expect(out.html).not.toContain('>Notes</a>');
    expect(out.feed).toBeUndefined();
  });
});

describe('the Sphere home, server-rendered', () => {
  const items = [
    {
      module: 'notes',
      kind: 'pin',
      uri: 'at://did:plc:owner/site.exosphere.notePin/p1',
      subject: 'at://did:plc:alice/site.exosphere.note/3',
      title: 'Export to <CSV>',
      text: 'Next release',
      detail: 'the top',
      path: '/s/demo/notes/3',
      actor: { did: 'did:plc:owner', handle: 'owner.test' },
      createdAt: '2026-01-05T10:00:00Z',
    },
    {
      module: 'notes',
      kind: 'note',
      uri: 'at://did:plc:alice/site.exosphere.note/3',
      title: 'Export to <CSV>',
      path: '/s/demo/notes/3',
      actor: { did: 'did:plc:alice' },
      createdAt: '2026-01-04T10:00:00Z',
    },
    {
      module: 'not-in-this-build',
      kind: 'thing',
      uri: 'at://did:plc:alice/site.exosphere.thing/1',
      title: 'Something else',
      detail: 'raw-detail',
      path: '/s/demo/elsewhere/1',
      actor: { did: 'did:plc:alice' },
      createdAt: '2026-01-03T10:00:00Z',
    },
  ];

  it('prefetches the Sphere and the first page of its activity', () => {
    expect(exosphereQueries('/s/demo').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
      'site.exosphere.sphere.getActivity?limit=30&sphere=demo',
    ]);
    expect(notesServer.queries('/s/demo')).toEqual(exosphereQueries('/s/demo'));
  });

  it('renders the name, the modules and the activity items from the server data', () => {
    const url = '/s/demo';
    const out = notesServer.render(
      url,
      dataFor(
        url,
        {
          'site.exosphere.auth.getSession': { loggedIn: false },
          'site.exosphere.sphere.getSphere': { sphere: { ...sphere, viewer: undefined } },
          'site.exosphere.sphere.getActivity': { items, cursor: 'next' },
        },
        notesServer,
      ),
    );
    expect(out.status).toBe(200);
    expect(out.title).toBe('Demo Sphere · Exosphere');
    expect(out.description).toBe('Where we try things.');
    expect(out.feed).toBe('/s/demo/feed.atom');
    expect(out.html).toContain('<h1 style="margin:0px;">Demo Sphere</h1>');
    // The enabled modules, linking to their tabs (and their feeds).
    expect(out.html).toMatch(/data-testid="sphere-modules".*href="\/s\/demo\/notes"[^>]*>Notes</);
    expect(out.html).toContain('href="/s/demo/notes/feed.atom"');
    // Each item: a link to its path, the module's label, what happened, the detail, who and when.
    expect(out.html.match(/data-testid="activity-item"/g)).toHaveLength(3);
    expect(out.html).toContain('<a href="/s/demo/notes/3">Export to &lt;CSV></a>');
    expect(out.html).toContain('New note');
    expect(out.html).toContain('data-testid="activity-detail">Pinned to the top</span>');
    expect(out.html).toContain('Next release');
    expect(out.html).toContain('@owner.test');
    expect(out.html).toContain('did:plc:alice');
    expect(out.html).toContain('<time datetime="2026-01-05T10:00:00Z" title="5 Jan 2026">5 Jan 2026</time>');
    // A module this build lacks: its name and raw detail, still a link.
    expect(out.html).toContain('>not-in-this-build</span>');
    expect(out.html).toContain('data-testid="activity-detail">raw-detail</span>');
    expect(out.html).toContain('<a href="/s/demo/elsewhere/1">Something else</a>');
    expect(out.html).toContain('>Load more</button>');
    expect(out.html).toContain('href="/s/demo/feed.atom"');
  });

  it('says so when nothing happened yet, and has no feed for a private Sphere', () => {
    const url = '/s/demo';
    const out = notesServer.render(
      url,
      dataFor(
        url,
        {
          'site.exosphere.sphere.getSphere': { sphere: { ...sphere, visibility: 'private' } },
          'site.exosphere.sphere.getActivity': { items: [] },
        },
        notesServer,
      ),
    );
    expect(out.html).toContain('Nothing has happened here yet.');
    expect(out.html).not.toContain('Load more');
    expect(out.html).not.toContain('feed.atom');
    expect(out.feed).toBeUndefined();
  });
});
