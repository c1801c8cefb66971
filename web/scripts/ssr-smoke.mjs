// Evaluates dist/server/render.js in QuickJS (the engine the Rust server
// embeds; here its WebAssembly build) with nothing but the language's own
// globals, and renders a few of core's pages from canned data, then each
// module's: every src/modules/<name>/test/ssr-smoke.mjs, whose default export
// is an async function of the context below (names no module here). Fails on
// any error.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import variant from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';

const web = join(import.meta.dirname, '..');
const code = readFileSync(join(web, 'dist', 'server', 'render.js'), 'utf8');
const QuickJS = await newQuickJSWASMModuleFromVariant(variant);
const vm = QuickJS.newContext();
function run(source) {
  const result = vm.unwrapResult(vm.evalCode(source));
  const value = vm.dump(result);
  result.dispose();
  return value;
}
run(code);

/** exosphereQueries(url) in QuickJS. */
const queries = (url) => JSON.parse(run(`JSON.stringify(exosphereQueries(${JSON.stringify(url)}))`));
/** exosphereRender(url, data) in QuickJS. */
const render = (url, data) => JSON.parse(run(`JSON.stringify(exosphereRender(${JSON.stringify(url)}, ${JSON.stringify(data)}))`));

/** A public Sphere using no module; a module's steps turn theirs on. */
const sphere = {
  uri: 'at://did:plc:owner/site.exosphere.sphere/1',
  slug: 'demo',
  name: 'Demo Sphere',
  visibility: 'public',
  writeMode: 'open',
  modules: [],
  owner: { did: 'did:plc:owner', handle: 'owner.test' },
  memberCount: 1,
  createdAt: '2026-01-02T03:04:05Z',
};

let failures = 0;
let passes = 0;
function check(name, ok, detail) {
  if (ok) passes++;
  console.log(`${ok ? 'ok' : 'FAIL'} - ${name}`);
  if (!ok) {
    failures++;
    console.error(detail);
  }
}

const started = Date.now();
const homeQueries = queries('/s/demo');
const homeData = {};
for (const q of homeQueries) {
  if (q.nsid === 'site.exosphere.auth.getSession') homeData[q.key] = { loggedIn: false };
  if (q.nsid === 'site.exosphere.sphere.getSphere') homeData[q.key] = { sphere };
  if (q.nsid === 'site.exosphere.sphere.getActivity') {
    homeData[q.key] = {
      items: [
        {
          module: 'not-in-this-build',
          kind: 'thing',
          uri: 'at://did:plc:owner/site.exosphere.thing/1',
          title: 'Something <new>',
          detail: 'raw-detail',
          path: '/s/demo/elsewhere/1',
          actor: sphere.owner,
          createdAt: '2026-01-04T00:00:00Z',
        },
      ],
    };
  }
}
check('the Sphere home asks for the session, the Sphere and its activity', Object.keys(homeData).length === 3, homeQueries);
const home = render('/s/demo', homeData);
const ms = Date.now() - started;
check(
  'the Sphere home renders its activity',
  home.status === 200 &&
    home.html.includes('href="/s/demo/elsewhere/1"') &&
    home.html.includes('Something &lt;new>') &&
    home.html.includes('raw-detail'),
  home.html.slice(0, 800),
);
check('the public Sphere home has a feed', home.feed === '/s/demo/feed.atom', home.feed);

const missing = render('/s/nope', {
  'site.exosphere.sphere.getSphere?sphere=nope': { $error: { status: 404, error: 'SphereNotFound', message: 'No Sphere nope' } },
});
check('a missing Sphere answers 404 with the API message', missing.status === 404 && missing.html.includes('No Sphere nope'), missing);

const unknown = render('/no/such/page', {});
check('an unknown page answers 404', unknown.status === 404, unknown);
console.log(`QuickJS render of the Sphere home: ${ms} ms`);

// Home-Sphere mode: the server sets this global (EXOSPHERE_HOME_SPHERE) before the bundle runs.
run('globalThis.__EXOSPHERE_SITE__ = { homeSphere: "demo" }');
const homeSphereQueries = queries('/');
check(
  'in Home-Sphere mode / asks for what the Sphere home asks for',
  JSON.stringify(homeSphereQueries) === JSON.stringify(homeQueries),
  homeSphereQueries,
);
const homeSphere = render('/', homeData);
check('in Home-Sphere mode / renders the Sphere home', homeSphere.status === 200 && homeSphere.title.startsWith('Demo Sphere'), homeSphere.title);
run('globalThis.__EXOSPHERE_SITE__ = undefined');

const adminData = {};
for (const q of queries('/admin')) {
  if (q.nsid === 'site.exosphere.auth.getSession') adminData[q.key] = { loggedIn: true, did: 'did:plc:owner' };
  if (q.nsid === 'site.exosphere.instance.getInstance') {
    adminData[q.key] = { sphereCreation: 'admins', needsSetup: false, sphereCount: 1, viewer: { admin: true, canCreateSpheres: true } };
  }
  if (q.nsid === 'site.exosphere.instance.listSpheres') {
    adminData[q.key] = { spheres: [{ sphere, standing: 'listed', content: [], lastActivityAt: '2026-01-04T00:00:00Z' }] };
  }
}
const admin = render('/admin', adminData);
check(
  'the administration page renders its table of Spheres',
  admin.status === 200 && admin.html.includes('data-testid="admin-sphere-row"') && admin.html.includes('Demo Sphere'),
  admin.html.slice(0, 800),
);

// Each module's steps, in folder order.
const modulesDir = join(web, 'src', 'modules');
const steps = readdirSync(modulesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => [e.name, join(modulesDir, e.name, 'test', 'ssr-smoke.mjs')])
  .filter(([, file]) => existsSync(file))
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
for (const [name, file] of steps) {
  console.log(`# module ${name} (${file.slice(web.length + 1)})`);
  const smoke = (await import(pathToFileURL(file).href)).default;
  if (typeof smoke !== 'function') {
    check(`${name}: ssr-smoke.mjs default-exports a function`, false, typeof smoke);
    continue;
  }
  await smoke({ run, queries, render, check, sphere: structuredClone(sphere) });
}

vm.dispose();
console.log(`ssr-smoke: ${passes} passed, ${failures} failed (core and ${steps.length} module(s))`);
process.exit(failures ? 1 : 0);
