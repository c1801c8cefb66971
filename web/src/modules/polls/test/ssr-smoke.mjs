// The Polls pages in dist/server/render.js under QuickJS: web/scripts/ssr-smoke.mjs
// calls this with its context, after core's pages (see its header for what
// the context holds).
export default async function pollsSmoke({ queries, render, check, sphere: anySphere }) {
  const sphere = { ...anySphere, modules: ['polls'] };
  const author = { did: 'did:plc:alice', handle: 'alice.test' };
  const options = Array.from({ length: 20 }, (_, i) => `Option <${i}>`);
  const poll = {
    uri: 'at://did:plc:alice/site.exosphere.poll/p1',
    number: 1,
    sphere: sphere.uri,
    question: 'Which <one>?',
    descriptionHtml: '<p>Rank <strong>them</strong></p>\n',
    options,
    kind: 'ranked',
    results: 'always',
    closed: false,
    closesAt: '2030-01-01T00:00:00Z',
    author,
    createdAt: '2026-01-03T00:00:00Z',
    tally: {
      voters: 100,
      options: options.map((_, index) => ({ index, count: 5, share: 500 })),
      runoff: {
        rounds: options.slice(1).map((_, r) => ({
          votes: options.map((_, option) => (option < 20 - r ? 5 + r : 0)),
          exhausted: r,
          eliminated: 19 - r,
        })),
        winner: 0,
      },
    },
  };
  const answer = (nsid) =>
    ({
      'site.exosphere.auth.getSession': { loggedIn: false },
      'site.exosphere.sphere.getSphere': { sphere },
      'site.exosphere.poll.listPolls': { polls: [poll, { ...poll, number: 2, closed: true, tally: undefined }] },
      'site.exosphere.poll.getPoll': { poll },
    })[nsid];
  const dataFor = (url) => {
    const data = {};
    for (const q of queries(url)) data[q.key] = answer(q.nsid);
    return data;
  };

  const LIST = '/s/demo/polls?state=open';
  const list = render(LIST, dataFor(LIST));
  check('the poll list renders its polls', list.status === 200 && list.html.includes('Which &lt;one>?') && list.html.includes('>Closed</span>'), list.html.slice(0, 800));

  const POLL = '/s/demo/polls/1';
  const data = dataFor(POLL);
  const started = Date.now();
  const page = render(POLL, data);
  const first = Date.now() - started;
  check(
    'the poll page renders the question escaped, the description, the chart, the table and the runoff',
    page.status === 200 &&
      page.html.includes('>Which &lt;one>?</h1>') &&
      page.html.includes(poll.descriptionHtml) &&
      page.html.includes('data-testid="results-chart"') &&
      page.html.includes('Option &lt;19>') &&
      page.html.includes('data-testid="winner"'),
    page.html.slice(0, 1500),
  );
  check('the poll page is titled after the question', page.title === 'Which <one>? · Demo Sphere · Exosphere', page.title);
  const hidden = render(POLL, { ...data, 'site.exosphere.poll.getPoll?number=1&sphere=demo': { poll: { ...poll, results: 'afterClose', tally: undefined } } });
  check('a poll whose results are hidden renders none', hidden.status === 200 && !hidden.html.includes('results-table') && hidden.html.includes('Results show when the poll closes.'), hidden.html.slice(0, 800));
  const created = render('/s/demo/polls/new', dataFor('/s/demo/polls/new'));
  check('the new-poll page renders (signing in first)', created.status === 200 && created.html.includes('New poll'), created);
  console.log(`QuickJS render of a ranked poll of 20 options and 19 rounds: ${first} ms`);
}
