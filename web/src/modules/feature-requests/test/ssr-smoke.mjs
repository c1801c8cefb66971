// The board in dist/server/render.js under QuickJS: web/scripts/ssr-smoke.mjs
// calls this with its context, after core's pages:
//   run(source)          evaluates JS in the QuickJS context, returns the value
//   queries(url)         exosphereQueries(url) there
//   render(url, data)    exosphereRender(url, data) there
//   check(name, ok, detail)
//   sphere               a public Sphere (its `modules` empty)
export default async function boardSmoke({ queries, render, check, sphere: anySphere }) {
  const sphere = { ...anySphere, modules: ['feature-requests'] };
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

  const BOARD = '/s/demo/feature-requests?sort=new';
  const boardQueries = queries(BOARD);
  const data = {};
  for (const q of boardQueries) {
    if (q.nsid === 'site.exosphere.auth.getSession') data[q.key] = { loggedIn: false };
    if (q.nsid === 'site.exosphere.sphere.getSphere') data[q.key] = { sphere };
    if (q.nsid === 'site.exosphere.featureRequest.listRequests') data[q.key] = { requests: [request] };
  }
  check('the board asks for the session, the Sphere and its requests', Object.keys(data).length === 3, boardQueries);

  const started = Date.now();
  const board = render(BOARD, data);
  const ms = Date.now() - started;
  check('the board renders its request', board.html.includes('Dark mode &lt;please>'), board.html.slice(0, 500));
  check('the board is titled after the module and the Sphere', board.title === 'Feature requests · Demo Sphere · Exosphere', board.title);
  check('the board answers 200', board.status === 200, board.status);

  const homeQueries = queries('/s/demo');
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
  const home = render('/s/demo', homeData);
  check(
    'the Sphere home renders the board’s activity',
    home.status === 200 && home.html.includes('href="/s/demo/feature-requests/1"') && home.html.includes('Planned'),
    home.html.slice(0, 800),
  );

  const disabled = render('/s/demo/feature-requests', {
    'site.exosphere.sphere.getSphere?sphere=demo': { sphere: { ...sphere, modules: [] } },
  });
  check(
    'a module the Sphere does not use answers 404 and says so',
    disabled.status === 404 && disabled.html.includes("This Sphere doesn't use Feature requests"),
    disabled,
  );

  console.log(`QuickJS render of the board: ${ms} ms`);
}
