// Evaluates dist/server/render.js in QuickJS (the engine the Rust server
// embeds; here its WebAssembly build) with nothing but the language's own
// globals, and renders a few pages from canned data. Fails on any error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import variant from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';

const code = readFileSync(join(import.meta.dirname, '..', 'dist', 'server', 'render.js'), 'utf8');
const QuickJS = await newQuickJSWASMModuleFromVariant(variant);
const vm = QuickJS.newContext();
function run(source) {
  const result = vm.unwrapResult(vm.evalCode(source));
  const value = vm.dump(result);
  result.dispose();
  return value;
}
run(code);

const sphere = {
  uri: 'at://did:plc:owner/site.exosphere.sphere/1',
  slug: 'demo',
  name: 'Demo Sphere',
  visibility: 'public',
  writeMode: 'open',
  modules: ['feature-requests'],
  owner: { did: 'did:plc:owner', handle: 'owner.test' },
  memberCount: 1,
  createdAt: '2026-01-02T03:04:05Z',
};
const request = {
  uri: 'at://did:plc:alice/site.exosphere.featureRequest/1',
  number: 1,
  sphere: sphere.uri,
  title: 'Dark mode <please>',
  author: { did: 'did:plc:alice', handle: 'alice.test' },
  status: 'open',
  voteCount: 3,
  commentCount: 0,
  createdAt: '2026-01-03T00:00:00Z',
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

const BOARD = '/s/demo/feature-requests?sort=new';
const queries = run(`JSON.stringify(exosphereQueries(${JSON.stringify(BOARD)}))`);
const data = {};
for (const q of JSON.parse(queries)) {
  if (q.nsid === 'site.exosphere.auth.getSession') data[q.key] = { loggedIn: false };
  if (q.nsid === 'site.exosphere.sphere.getSphere') data[q.key] = { sphere };
  if (q.nsid === 'site.exosphere.featureRequest.listRequests') data[q.key] = { requests: [request] };
}
check('the board asks for the session, the Sphere and its requests', Object.keys(data).length === 3, queries);

const started = Date.now();
const board = JSON.parse(run(`JSON.stringify(exosphereRender(${JSON.stringify(BOARD)}, ${JSON.stringify(data)}))`));
const ms = Date.now() - started;
check('the board renders its request', board.html.includes('Dark mode &lt;please>'), board.html.slice(0, 500));
check('the board is titled after the module and the Sphere', board.title === 'Feature requests · Demo Sphere · Exosphere', board.title);
check('the board answers 200', board.status === 200, board.status);

const homeQueries = JSON.parse(run(`JSON.stringify(exosphereQueries('/s/demo'))`));
const homeData = {};
for (const q of homeQueries) {
  if (q.nsid === 'site.exosphere.auth.getSession') homeData[q.key] = { loggedIn: false };
  if (q.nsid === 'site.exosphere.sphere.getSphere') homeData[q.key] = { sphere };
  if (q.nsid === 'site.exosphere.sphere.getActivity') {
    homeData[q.key] = {
      items: [
        {
          module: 'feature-requests',
          kind: 'status',
          uri: 'at://did:plc:owner/site.exosphere.featureRequestStatus/1',
          title: request.title,
          detail: 'planned',
          path: '/s/demo/feature-requests/1',
          actor: sphere.owner,
          createdAt: '2026-01-04T00:00:00Z',
        },
      ],
    };
  }
}
check('the Sphere home asks for the session, the Sphere and its activity', Object.keys(homeData).length === 3, homeQueries);
const home = JSON.parse(run(`JSON.stringify(exosphereRender('/s/demo', ${JSON.stringify(homeData)}))`));
check(
  'the Sphere home renders its activity',
  home.status === 200 && home.html.includes('href="/s/demo/feature-requests/1"') && home.html.includes('Planned'),
  home.html.slice(0, 800),
);
check('the public Sphere home has a feed', home.feed === '/s/demo/feed.atom', home.feed);

const disabled = JSON.parse(
  run(
    `JSON.stringify(exosphereRender('/s/demo/feature-requests', ${JSON.stringify({ 'site.exosphere.sphere.getSphere?sphere=demo': { sphere: { ...sphere, modules: [] } } })}))`,
  ),
);
check(
  'a module the Sphere does not use answers 404 and says so',
  disabled.status === 404 && disabled.html.includes("This Sphere doesn't use Feature requests"),
  disabled,
);

const missing = JSON.parse(
  run(
    `JSON.stringify(exosphereRender('/s/nope', { 'site.exosphere.sphere.getSphere?sphere=nope': { $error: { status: 404, error: 'SphereNotFound', message: 'No Sphere nope' } } }))`,
  ),
);
check('a missing Sphere answers 404 with the API message', missing.status === 404 && missing.html.includes('No Sphere nope'), missing);

const unknown = JSON.parse(run(`JSON.stringify(exosphereRender('/no/such/page', {}))`));
check('an unknown page answers 404', unknown.status === 404, unknown);

vm.dispose();
console.log(`QuickJS render of the board: ${ms} ms`);
console.log(`ssr-smoke: ${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
