// @vitest-environment node
// The module's pages rendered by the server entry (the registry's renderer,
// as dist/server/render.js runs it), and its items on the Sphere's home.
import { describe, expect, it } from 'vitest';
import { dataFor, exosphereQueries, exosphereRender } from '../../../../test/server';
import { alice, anonymous, anonymousSphere, deepReplies, moderatorSphere, signedInAs, sphere, thread } from './fixtures';

const threadAnswers = (overrides: Record<string, unknown> = {}) => ({
  'site.exosphere.auth.getSession': anonymous,
  'site.exosphere.sphere.getSphere': { sphere: anonymousSphere },
  'site.exosphere.discussion.getThread': {
    thread: thread(7, {
      title: 'Garden <rules>',
      body: '# Be kind\n\n**Always**. <script>alert(1)</script> [x](javascript:alert(1))',
      bodyHtml: '<h2>Be kind</h2>\n<p><strong>Always</strong>. &lt;script&gt;alert(1)&lt;/script&gt; x</p>\n',
      tags: ['meta'],
      replyCount: deepReplies.length,
      reactions: [{ emoji: 'hooray', count: 3 }],
    }),
  },
  'site.exosphere.discussion.listReplies': { replies: deepReplies, cursor: 'next' },
  ...overrides,
});

describe('the thread list, server-rendered', () => {
  it('lists the queries of the list, session first', () => {
    expect(exosphereQueries('/s/demo/discussions').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
      'site.exosphere.discussion.listThreads?limit=30&sort=active&sphere=demo',
    ]);
    expect(exosphereQueries('/s/demo/discussions?sort=top&tag=help&q=x').map((q) => q.key)[2]).toBe(
      'site.exosphere.discussion.listThreads?limit=30&q=x&sort=top&sphere=demo&tag=help',
    );
  });

  it('renders the threads under the module’s tab, with its feed', () => {
    const url = '/s/demo/discussions';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': anonymous,
        'site.exosphere.sphere.getSphere': { sphere: anonymousSphere },
        'site.exosphere.discussion.listThreads': {
          threads: [thread(2, { title: 'Pinned <one>', pinned: true, tags: ['meta'] }), thread(1, { locked: true })],
          cursor: 'c',
        },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.title).toBe('Discussions · Demo Sphere · Exosphere');
    expect(out.feed).toBe('/s/demo/discussions/feed.atom');
    expect(out.html).toContain('<a href="/s/demo/discussions/2">Pinned &lt;one></a>');
    expect(out.html).toContain('data-testid="pinned-badge">Pinned</span>');
    expect(out.html).toContain('data-testid="locked-badge">Locked</span>');
    expect(out.html).toContain('href="/s/demo/discussions?tag=meta"');
    expect(out.html).toContain('>Load more</button>');
    expect(out.html).toMatch(/<a [^>]*href="\/s\/demo\/discussions" aria-current="page"[^>]*>Discussions<\/a>/);
    expect(out.html).toContain('Sign in to post');
  });

  it('matches the new-thread page before a thread number', () => {
    expect(exosphereQueries('/s/demo/discussions/new').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
    ]);
    const url = '/s/demo/discussions/new';
    const out = exosphereRender(url, dataFor(url, { 'site.exosphere.auth.getSession': signedInAs(alice), 'site.exosphere.sphere.getSphere': { sphere } }));
    expect(out.status).toBe(200);
    expect(out.title).toBe('New thread · Demo Sphere · Exosphere');
    expect(out.html).toContain('role="tablist"');
    expect(out.html).toContain('>Post thread</button>');
  });

  it('answers 404 with a clear message in a Sphere that doesn’t use the module', () => {
    const url = '/s/demo/discussions';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.sphere.getSphere': { sphere: { ...anonymousSphere, modules: [] } },
        'site.exosphere.discussion.listThreads': {
          $error: { status: 404, error: 'ModuleDisabled', message: 'discussions is not enabled in demo' },
        },
      }),
    );
    expect(out.status).toBe(404);
    expect(out.html).toContain("This Sphere doesn't use Discussions.");
    expect(out.html).not.toContain('>Discussions</a>');
  });
});

describe('the thread page, server-rendered', () => {
  it('lists the queries of a thread page, session first: the thread and the first page of replies', () => {
    expect(exosphereQueries('/s/demo/discussions/7').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
      'site.exosphere.discussion.getThread?number=7&sphere=demo',
      'site.exosphere.discussion.listReplies?limit=100&number=7&sphere=demo',
    ]);
    expect(exosphereQueries('/s/demo/discussions/nope').map((q) => q.key)).toEqual([
      'site.exosphere.auth.getSession',
      'site.exosphere.sphere.getSphere?sphere=demo',
    ]);
  });

  it('renders the title, the API’s HTML of the body, the reactions and the replies two levels deep', () => {
    const url = '/s/demo/discussions/7';
    const out = exosphereRender(url, dataFor(url, threadAnswers()));
    expect(out.status).toBe(200);
    expect(out.title).toBe('Garden <rules> · Demo Sphere · Exosphere');
    expect(out.description).toBe('Be kind Always. <script>alert(1)</script> x');
    expect(out.html).toContain('<h1 id="thread-title" style="margin:0px;">Garden &lt;rules></h1>');
    expect(out.html).toContain(
      'data-testid="thread-body"><h2>Be kind</h2>\n<p><strong>Always</strong>. &lt;script&gt;alert(1)&lt;/script&gt; x</p>\n</div>',
    );
    expect(out.html).toContain('data-testid="reply-text"><p>Answer to the first</p>\n</div>');
    expect(out.html).not.toContain('<script');
    expect(out.html).toContain('Hooray</span> 3');
    expect(out.html).toContain('Answer to the first');
    expect(out.html).toContain('Second answer to the first');
    expect(out.html).not.toContain('Deep answer');
    expect(out.html).toContain('>Show 2 more replies</button>');
    expect(out.html).toContain('>Load more replies</button>');
    expect(out.html).toContain('Sign in</a> to reply');
    expect(out.html).not.toContain('Lock thread');
  });

  it('says a locked thread is locked, and shows moderators their controls', () => {
    const url = '/s/demo/discussions/7';
    const locked = threadAnswers({
      'site.exosphere.discussion.getThread': { thread: thread(7, { locked: true, pinned: true }) },
    });
    const anonymousOut = exosphereRender(url, dataFor(url, locked));
    expect(anonymousOut.html).toContain('<strong>This thread is locked.</strong> It takes no new replies.');
    expect(anonymousOut.html).not.toContain('to reply');
    const moderatorOut = exosphereRender(
      url,
      dataFor(url, { ...locked, 'site.exosphere.auth.getSession': signedInAs(alice), 'site.exosphere.sphere.getSphere': { sphere: moderatorSphere } }),
    );
    for (const label of ['Unlock thread', 'Unpin thread', 'Hide thread', 'Hide reply', 'Post reply']) {
      expect(moderatorOut.html).toContain(`>${label}</button>`);
    }
    expect(moderatorOut.html).toContain('Only moderators can reply now.');
  });

  it('answers 404 for a thread the API doesn’t know', () => {
    const out = exosphereRender('/s/demo/discussions/99', {
      'site.exosphere.sphere.getSphere?sphere=demo': { sphere },
      'site.exosphere.discussion.getThread?number=99&sphere=demo': {
        $error: { status: 404, error: 'ThreadNotFound', message: 'No thread 99' },
      },
    });
    expect(out.status).toBe(404);
    expect(out.title).toBe('Thread not found · Exosphere');
    expect(out.html).toContain('No thread 99');
  });
});

describe('the module’s activity on the Sphere home, server-rendered', () => {
  it('shows new threads and replies, linking to the thread', () => {
    const url = '/s/demo';
    const out = exosphereRender(
      url,
      dataFor(url, {
        'site.exosphere.auth.getSession': anonymous,
        'site.exosphere.sphere.getSphere': { sphere: anonymousSphere },
        'site.exosphere.sphere.getActivity': {
          items: [
            {
              module: 'discussions',
              kind: 'reply',
              uri: 'at://did:plc:bob/site.exosphere.discussionReply/r1',
              subject: 'at://did:plc:alice/site.exosphere.discussion/t7',
              title: 'Garden <rules>',
              text: 'I agree with the rules',
              path: '/s/demo/discussions/7',
              actor: { did: 'did:plc:bob', handle: 'bob.test' },
              createdAt: '2026-01-05T10:00:00Z',
            },
            {
              module: 'discussions',
              kind: 'thread',
              uri: 'at://did:plc:alice/site.exosphere.discussion/t7',
              title: 'Garden <rules>',
              path: '/s/demo/discussions/7',
              actor: { did: 'did:plc:alice', handle: 'alice.test' },
              createdAt: '2026-01-04T10:00:00Z',
            },
          ],
        },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.html.match(/data-testid="activity-item"/g)).toHaveLength(2);
    expect(out.html.match(/<a href="\/s\/demo\/discussions\/7">Garden &lt;rules><\/a>/g)).toHaveLength(2);
    expect(out.html).toContain('New reply');
    expect(out.html).toContain('New thread');
    expect(out.html).toContain('I agree with the rules');
    expect(out.html).toMatch(/data-testid="sphere-modules".*href="\/s\/demo\/discussions"[^>]*>Discussions</);
  });
});
