// The Discussions pages in dist/server/render.js under QuickJS:
// web/scripts/ssr-smoke.mjs calls this with its context, after core's pages:
//   run(source)          evaluates JS in the QuickJS context, returns the value
//   queries(url)         exosphereQueries(url) there
//   render(url, data)    exosphereRender(url, data) there
//   check(name, ok, detail)
//   sphere               a public Sphere (its `modules` empty)
export default async function discussionsSmoke({ queries, render, check, sphere: anySphere }) {
  const sphere = { ...anySphere, modules: ['discussions'] };
  const author = { did: 'did:plc:alice', handle: 'alice.test' };
  const thread = {
    uri: 'at://did:plc:alice/site.exosphere.discussion/t1',
    number: 1,
    sphere: sphere.uri,
    title: 'Garden <rules>',
    body: '# Be kind\n\n**Always**. <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) https://example.com',
    // As the API renders it (the server's Markdown is tested in Rust): inserted as it is.
    bodyHtml:
      '<h2>Be kind</h2>\n<p><strong>Always</strong>. &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; x ' +
      '<a href="https://example.com" rel="nofollow ugc noopener">https://example.com</a></p>\n',
    tags: ['meta'],
    author,
    replyCount: 100,
    reactions: [{ emoji: 'hooray', count: 2 }],
    pinned: true,
    locked: true,
    createdAt: '2026-01-03T00:00:00Z',
  };
  const replies = Array.from({ length: 100 }, (_, i) => {
    const depth = i % 4 === 0 ? 0 : i % 4 === 3 ? 2 : 1;
    const parent = depth === 0 ? undefined : depth === 1 ? i - (i % 4) : i - 1;
    return {
      uri: `at://did:plc:r/site.exosphere.discussionReply/r${i}`,
      depth,
      ...(parent === undefined ? {} : { parent: `at://did:plc:r/site.exosphere.discussionReply/r${parent}` }),
      text: `Reply ${i}: **agreed**, see https://example.com/${i} and \`code\`.\n\n- one\n- two`,
      textHtml: `<p>Reply ${i}: <strong>agreed</strong>, see <a href="https://example.com/${i}" rel="nofollow ugc noopener">https://example.com/${i}</a> and <code>code</code>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n`,
      author: { did: 'did:plc:bob', handle: 'bob.test' },
      reactions: i % 3 ? [] : [{ emoji: '+1', count: 1 }],
      createdAt: '2026-01-04T00:00:00Z',
    };
  });
  const answer = (nsid) =>
    ({
      'site.exosphere.auth.getSession': { loggedIn: false },
      'site.exosphere.sphere.getSphere': { sphere },
      'site.exosphere.discussion.listThreads': { threads: [thread, { ...thread, number: 2, pinned: false, locked: false }] },
      'site.exosphere.discussion.getThread': { thread },
      'site.exosphere.discussion.listReplies': { replies, cursor: 'next' },
    })[nsid];
  const dataFor = (url) => {
    const data = {};
    for (const q of queries(url)) data[q.key] = answer(q.nsid);
    return data;
  };

  const LIST = '/s/demo/discussions?sort=new';
  check(
    'the thread list asks for the session, the Sphere and its threads',
    queries(LIST).map((q) => q.key).join(' ') ===
      'site.exosphere.auth.getSession site.exosphere.sphere.getSphere?sphere=demo site.exosphere.discussion.listThreads?limit=30&sort=new&sphere=demo',
    queries(LIST),
  );
  const list = render(LIST, dataFor(LIST));
  check('the thread list renders its threads, pinned and locked', list.status === 200 && list.html.includes('Garden &lt;rules>') && list.html.includes('>Pinned</span>') && list.html.includes('>Locked</span>'), list.html.slice(0, 800));
  check('the thread list is titled after the module and the Sphere, with its feed', list.title === 'Discussions · Demo Sphere · Exosphere' && list.feed === '/s/demo/discussions/feed.atom', list);

  const THREAD = '/s/demo/discussions/1';
  check('the thread page asks for the thread and its first replies', queries(THREAD).map((q) => q.nsid).join(' ') === 'site.exosphere.auth.getSession site.exosphere.sphere.getSphere site.exosphere.discussion.getThread site.exosphere.discussion.listReplies', queries(THREAD));
  const data = dataFor(THREAD);
  const started = Date.now();
  const page = render(THREAD, data);
  const first = Date.now() - started;
  const again = Date.now();
  render(THREAD, data);
  const second = Date.now() - again;
  check(
    'the thread page inserts the API’s HTML of the body and the replies as it is',
    page.status === 200 &&
      page.html.includes(`data-testid="thread-body">${thread.bodyHtml}</div>`) &&
      page.html.includes(`data-testid="reply-text">${replies[1].textHtml}</div>`),
    page.html.slice(0, 1500),
  );
  check(
    'the thread page escapes the title, in the page and its description',
    page.html.includes('>Garden &lt;rules></h1>') && !page.html.includes('<rules>') && page.title === 'Garden <rules> · Demo Sphere · Exosphere',
    page.title,
  );
  check(
    'the thread page’s description is the body’s text',
    page.description === 'Be kind Always. <script>alert(1)</script> <img src=x onerror=alert(1)> x https://example.com',
    page.description,
  );
  check('the thread page shows two levels of replies and counts the rest', page.html.includes('Reply 1: ') && !page.html.includes('Reply 3: ') && page.html.includes('>Show 1 more reply</button>'), page.html.length);
  check('a locked thread says so', page.html.includes('This thread is locked.'), page.html.length);

  const NEW = '/s/demo/discussions/new';
  const created = render(NEW, dataFor(NEW));
  check('the new-thread page renders (signing in first)', created.status === 200 && created.html.includes('New thread'), created);

  const home = render('/s/demo', {
    'site.exosphere.sphere.getSphere?sphere=demo': { sphere },
    'site.exosphere.sphere.getActivity?limit=30&sphere=demo': {
      items: [
        { module: 'discussions', kind: 'reply', uri: 'at://did:plc:bob/site.exosphere.discussionReply/r1', title: thread.title, text: 'Agreed', path: THREAD, actor: author, createdAt: '2026-01-04T00:00:00Z' },
      ],
    },
  });
  check('the Sphere home renders the module’s activity', home.status === 200 && home.html.includes(`href="${THREAD}"`) && home.html.includes('New reply'), home.html.slice(0, 800));

  const disabled = render('/s/demo/discussions/1', { 'site.exosphere.sphere.getSphere?sphere=demo': { sphere: { ...sphere, modules: [] } } });
  check('a Sphere that does not use the module answers 404 and says so', disabled.status === 404 && disabled.html.includes("This Sphere doesn't use Discussions"), disabled);

  console.log(`QuickJS render of a thread with 100 replies: ${first} ms (${second} ms again)`);
}
