// Accessibility of the module's pages as the server renders them (the checks
// of web/test/a11y.ts), and of the Sphere's home showing the module's activity.
import { describeAccessibility } from '../../../../test/a11y';
import { alice, deepReplies, moderatorSphere, reply, signedInAs, thread } from './fixtures';

const answers: Record<string, unknown> = {
  'site.exosphere.auth.getSession': signedInAs(alice),
  // An admin: every control of the pages shows.
  'site.exosphere.sphere.getSphere': { sphere: moderatorSphere },
  'site.exosphere.discussion.listThreads': {
    threads: [
      thread(2, { pinned: true, tags: ['meta', 'rules'], replyCount: 3 }),
      thread(1, { locked: true, hidden: true, lastReplyAt: '2026-01-05T00:00:00Z' }),
    ],
    cursor: 'c',
  },
  'site.exosphere.discussion.getThread': {
    thread: thread(1, {
      body: '# Rules\n\n- Be **kind**\n- Read [the guide](https://example.com)\n\n```\ncode\n```\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |',
      bodyHtml:
        '<h2>Rules</h2>\n<ul>\n<li>Be <strong>kind</strong></li>\n<li>Read <a href="https://example.com" rel="nofollow ugc noopener">the guide</a></li>\n</ul>\n' +
        '<pre><code>code\n</code></pre>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n' +
        '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody></table>\n',
      tags: ['meta'],
      locked: true,
      pinned: true,
      replyCount: deepReplies.length + 1,
      reactions: [{ emoji: '+1', count: 2 }, { emoji: 'eyes', count: 1 }],
      viewer: { reactions: ['+1'] },
    }),
  },
  'site.exosphere.discussion.listReplies': {
    replies: [
      ...deepReplies.map((r, i) => (i === 0 ? { ...r, reactions: [{ emoji: 'heart', count: 1 }], viewer: { reactions: [] } } : r)),
      reply('mine', {
        author: alice,
        text: '# A heading in a reply\n\nand text',
        textHtml: '<h3>A heading in a reply</h3>\n<p>and text</p>\n',
        hidden: true,
        updatedAt: '2026-01-05T00:00:00Z',
      }),
    ],
    cursor: 'more',
  },
  'site.exosphere.sphere.getActivity': {
    items: [
      {
        module: 'discussions',
        kind: 'reply',
        uri: 'at://did:plc:bob/site.exosphere.discussionReply/r1',
        title: 'Thread number 1',
        text: 'First answer',
        path: '/s/demo/discussions/1',
        actor: { did: 'did:plc:bob', handle: 'bob.test' },
        createdAt: '2026-01-05T00:00:00Z',
      },
      {
        module: 'discussions',
        kind: 'thread',
        uri: 'at://did:plc:alice/site.exosphere.discussion/t1',
        title: 'Thread number 1',
        path: '/s/demo/discussions/1',
        actor: { did: 'did:plc:alice' },
        createdAt: '2026-01-03T00:00:00Z',
      },
    ],
  },
};

describeAccessibility(
  'accessibility of the Discussions pages',
  ['/s/demo', '/s/demo/discussions', '/s/demo/discussions?tag=meta', '/s/demo/discussions/new', '/s/demo/discussions/1'],
  answers,
);

describeAccessibility(
  'accessibility of the Discussions pages to an anonymous visitor',
  ['/s/demo/discussions', '/s/demo/discussions/1'],
  {
    ...answers,
    'site.exosphere.auth.getSession': { loggedIn: false },
    'site.exosphere.sphere.getSphere': { sphere: { ...moderatorSphere, viewer: undefined } },
  },
);
