// @vitest-environment node
// The built server bundle renders the module's pages (and the Sphere's home
// with its activity) byte for byte as the unmodified libraries do
// (web/test/built/bundle.ts), the API's Markdown HTML included. Run by scripts/check after the build.
import { type BuiltPage, describeBuiltPages } from '../../../../../test/built/bundle';
import type { ReplyView } from '../../types';
import { alice, anonymous, moderatorSphere, signedInAs, sphere, thread } from '../fixtures';

const signedIn = signedInAs(alice);

/** A hundred replies in thread order, three levels deep, with their HTML, reactions, edits and a hidden one. */
function replies(n: number): ReplyView[] {
  return Array.from({ length: n }, (_, i) => {
    const depth = i % 4 === 0 ? 0 : i % 4 === 3 ? 2 : 1;
    const parent = depth === 0 ? undefined : depth === 1 ? i - (i % 4) : i - 1;
    return {
      uri: `at://did:plc:r${i}/site.exosphere.discussionReply/r${i}`,
      cid: `bafyr${i}`,
      depth,
      ...(parent === undefined ? {} : { parent: `at://did:plc:r${parent}/site.exosphere.discussionReply/r${parent}` }),
      author: i % 5 === 0 ? alice : { did: `did:plc:r${i}`, ...(i % 2 ? { handle: `r${i}.test` } : {}) },
      text:
        i === 3
          ? 'Use <b>&amp;</b> "quotes" & [bad](javascript:alert(1)) <script>x</script>'
          : `Reply number ${i}: **agreed**, see https://example.com/${i} and \`code\`.\n\n- one\n- two`,
      textHtml:
        i === 3
          ? '<p>Use &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;quotes&quot; &amp; bad &lt;script&gt;x&lt;/script&gt;</p>\n'
          : `<p>Reply number ${i}: <strong>agreed</strong>, see <a href="https://example.com/${i}" rel="nofollow ugc noopener">https://example.com/${i}</a> and <code>code</code>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n`,
      reactions: i % 3 ? [] : [{ emoji: '+1', count: i % 7 + 1 }, { emoji: 'heart', count: 1 }],
      createdAt: `2026-01-03T00:${String(i % 60).padStart(2, '0')}:00.000Z`,
      ...(i === 6 ? { updatedAt: '2026-01-05T00:00:00.000Z' } : {}),
      ...(i === 8 ? { hidden: true } : {}),
      ...(i % 3 === 0 ? { viewer: { reactions: ['+1'] } } : {}),
    };
  });
}

const threadPage = (view: typeof sphere, session: unknown, locked = false) => ({
  'site.exosphere.auth.getSession': session,
  'site.exosphere.sphere.getSphere': { sphere: view },
  'site.exosphere.discussion.getThread': {
    thread: thread(7, {
      title: 'Garden <rules> & "more"',
      body: '# Rules\n\nBe **kind**. <img src=x onerror=alert(1)>\n\n> Quote\n\n```\ncode <b>\n```',
      bodyHtml:
        '<h2>Rules</h2>\n<p>Be <strong>kind</strong>. &lt;img src=x onerror=alert(1)&gt;</p>\n<blockquote>\n<p>Quote</p>\n</blockquote>\n<pre><code>code &lt;b&gt;\n</code></pre>\n',
      tags: ['meta', 'rules'],
      replyCount: 100,
      reactions: [{ emoji: 'hooray', count: 3 }, { emoji: 'eyes', count: 1 }],
      locked,
      pinned: true,
      viewer: { reactions: ['eyes'] },
    }),
  },
  'site.exosphere.discussion.listReplies': { replies: replies(100), cursor: 'next' },
});

const pages: BuiltPage[] = [
  ['thread page, anonymous', '/s/demo/discussions/7', threadPage({ ...sphere, viewer: undefined }, anonymous)],
  ['thread page, member, locked', '/s/demo/discussions/7', threadPage(sphere, signedIn, true)],
  ['thread page, moderator', '/s/demo/discussions/7', threadPage(moderatorSphere, signedIn)],
  [
    'thread list',
    '/s/demo/discussions?sort=top&tag=meta',
    {
      'site.exosphere.auth.getSession': signedIn,
      'site.exosphere.sphere.getSphere': { sphere },
      'site.exosphere.discussion.listThreads': {
        threads: Array.from({ length: 30 }, (_, i) =>
          thread(30 - i, {
            title: `Thread <${i}> & "more"`,
            pinned: i < 2,
            locked: i % 7 === 3,
            tags: i % 3 ? ['meta'] : ['meta', 'help & <tips>'],
            replyCount: i,
            ...(i % 2 ? { lastReplyAt: '2026-01-06T00:00:00Z' } : {}),
          }),
        ),
        cursor: 'c',
      },
    },
  ],
  ['new thread', '/s/demo/discussions/new', { 'site.exosphere.auth.getSession': signedIn, 'site.exosphere.sphere.getSphere': { sphere } }],
  [
    'Sphere home',
    '/s/demo',
    {
      'site.exosphere.auth.getSession': signedIn,
      'site.exosphere.sphere.getSphere': { sphere },
      'site.exosphere.sphere.getActivity': {
        items: Array.from({ length: 30 }, (_, i) => ({
          module: 'discussions',
          kind: i % 2 ? 'reply' : 'thread',
          uri: `at://did:plc:alice/site.exosphere.discussion/t${i}`,
          title: `Thread <${i}> & "more"`,
          ...(i % 2 ? { text: `Reply excerpt ${i}` } : {}),
          path: `/s/demo/discussions/${i + 1}`,
          actor: i % 3 ? alice : { did: 'did:plc:bob' },
          createdAt: `2026-01-03T00:${String(i).padStart(2, '0')}:00.000Z`,
        })),
        cursor: 'c',
      },
    },
  ],
];

describeBuiltPages('the built server bundle, the Discussions pages', pages);
