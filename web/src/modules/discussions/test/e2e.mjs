// The Discussions module's steps in the browser scenario of web/e2e/run.mjs,
// which calls each exported phase at its point with its context `ctx`: base
// (Exosphere's address), env, stamp, publicSlug, privateSlug, the pages alice
// (owner), bob (member) and anon (anonymous), step(name, page, work),
// check(condition, message), axe(page, label), screenshots(page, name),
// log(message), and the lists secrets and privatePages that core's
// private-Sphere check reads.

const title = 'Rules for the community garden';
// Markdown, and what must stay inert: raw HTML and a javascript: link.
const body = [
  'Please be **kind** to the tomatoes.',
  '',
  '- water in the _morning_',
  '- no `pesticides`',
  '',
  '<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> [click me](javascript:window.pwned=3)',
].join('\n');
const aliceReply = 'Agreed, and the shed key is under the pot.';
const bobAnswer = 'Which pot? There are **three**.';
const secret = 'Secret plan for the vault garden';

/** The thread's path, once bob has started it (`/s/<slug>/discussions/<number>`). */
let threadPath;

/** The members page's row for bob, as alice sees it. */
async function setBobsRole({ base, publicSlug, alice, env }, role, label) {
  await alice.goto(`${base}/s/${publicSlug}/members`);
  const row = alice.getByTestId('member-row').filter({ hasText: env.BOB_HANDLE });
  await row.getByLabel(/^Role for /).selectOption(role);
  await row.getByRole('button', { name: 'Change role' }).click();
  // The role badge (a span: the select's options say the same).
  await row.locator('span').filter({ hasText: new RegExp(`^${label}$`) }).first().waitFor();
}

/** Alice has created the public Sphere and is on its home. */
export async function publicSphere({ base, publicSlug, alice, step, axe }) {
  await step('a new Sphere has the Discussions tab, and no threads yet', alice, async () => {
    const tabs = alice.getByRole('navigation', { name: 'Sphere' });
    await tabs.getByRole('link', { name: 'Discussions' }).click();
    await alice.waitForURL(`${base}/s/${publicSlug}/discussions`);
    await alice.getByTestId('no-threads').waitFor();
    await axe(alice, 'thread list (empty)');
    // Back where the other modules expect alice to be.
    await alice.goto(`${base}/s/${publicSlug}`);
    await tabs.getByRole('link', { name: 'Discussions' }).waitFor();
  });
}

/** Bob has accepted alice's invitation. */
export async function members(ctx) {
  const { base, publicSlug, alice, bob, step, check, axe, screenshots } = ctx;

  await step('bob starts a thread in Markdown, previewed first', bob, async () => {
    await bob.goto(`${base}/s/${publicSlug}/discussions/new`);
    await bob.getByLabel('Title', { exact: true }).fill(title);
    await bob.getByLabel('Body', { exact: true }).fill(body);
    await bob.getByLabel('Tags', { exact: true }).fill('garden, rules');
    await axe(bob, 'new thread');
    await screenshots(bob, 'new-thread');
    await bob.getByRole('tab', { name: 'Preview' }).click();
    const preview = bob.getByTestId('preview');
    // The server renders the preview (site.exosphere.markdown.render).
    await preview.locator('strong', { hasText: 'kind' }).waitFor();
    check((await preview.locator('script, img, a[href^="javascript" i]').count()) === 0, 'the preview keeps no HTML or javascript: link');
    const previewed = await preview.locator(':scope > div').innerHTML();
    await axe(bob, 'new thread (preview)');
    await bob.getByRole('tab', { name: 'Write' }).click();
    await bob.getByRole('button', { name: 'Post thread' }).click();
    await bob.waitForURL(/\/discussions\/\d+$/);
    threadPath = new URL(bob.url()).pathname;
    await bob.getByRole('heading', { level: 1, name: title }).waitFor();
    const rendered = bob.getByTestId('thread-body');
    check((await rendered.locator('strong').first().innerText()) === 'kind', 'the body is rendered Markdown');
    check((await rendered.locator('li').count()) === 2, 'the body’s list is a list');
    check((await rendered.innerHTML()) === previewed, 'the body shows as it was previewed');
    check((await bob.locator('a[href^="javascript" i], [data-testid="thread-body"] img').count()) === 0, 'no javascript: link or image');
    check((await rendered.innerText()).includes('<script>window.pwned = 1</script>'), 'the raw HTML shows as text');
    check((await bob.evaluate(() => window.pwned)) === undefined, 'nothing of the body ran');
    check((await bob.getByTestId('tags').innerText()).includes('garden'), 'the thread has its tags');
    // A member: no moderation.
    check((await bob.getByRole('group', { name: 'Moderation' }).count()) === 0, 'a member sees no moderation');
  });

  await step('alice reacts and replies; bob answers her reply', alice, async () => {
    await alice.goto(`${base}${threadPath}`);
    const bar = alice.getByTestId('reactions').first();
    await bar.getByRole('button', { name: 'Add reaction' }).click();
    // The reaction is shown at once; the page is reloaded only after the server has answered.
    const reacted = alice.waitForResponse((r) => r.url().includes('site.exosphere.discussion.react') && r.ok());
    await alice.getByRole('group', { name: 'Pick a reaction' }).getByRole('button', { name: 'React with Hooray' }).click();
    await reacted;
    await bar.getByRole('button', { name: /^Hooray/, pressed: true }).waitFor();
    check((await bar.getByRole('button', { name: /^Hooray/ }).innerText()).includes('1'), 'the reaction counts 1');
    // The server kept it.
    await alice.reload();
    await alice.getByTestId('reactions').first().getByRole('button', { name: /^Hooray/, pressed: true }).waitFor();
    await alice.getByLabel('Your reply', { exact: true }).fill(aliceReply);
    await alice.getByRole('button', { name: 'Post reply' }).click();
    await alice.getByTestId('reply').filter({ hasText: aliceReply }).waitFor();

    await bob.goto(`${base}${threadPath}`);
    const hers = bob.getByTestId('reply').filter({ hasText: aliceReply });
    await hers.getByRole('button', { name: 'Reply', exact: true }).click();
    const form = bob.getByTestId('reply-form');
    await form.getByLabel(/^Your reply to /).fill(bobAnswer);
    await form.getByRole('button', { name: 'Post reply' }).click();
    await bob.getByTestId('reply').filter({ hasText: 'Which pot?' }).waitFor();
    // Server-rendered after a reload: nested under her reply.
    await bob.reload();
    const branch = bob.locator('[data-testid="reply-list"] > li').filter({ hasText: aliceReply });
    await branch.locator('ul [data-testid="reply"]').filter({ hasText: 'Which pot?' }).waitFor();
    check((await branch.locator('ul [data-testid="reply-text"] strong').innerText()) === 'three', 'the answer is rendered Markdown');
  });

  await step('bob, made an admin, locks and pins the thread', bob, async () => {
    await setBobsRole(ctx, 'admin', 'Admin');
    await bob.goto(`${base}${threadPath}`);
    const moderation = bob.getByRole('group', { name: 'Moderation' });
    await moderation.getByRole('button', { name: 'Lock thread' }).click();
    await moderation.getByRole('button', { name: 'Unlock thread' }).waitFor();
    await bob.getByTestId('thread-locked').waitFor();
    await moderation.getByRole('button', { name: 'Pin thread' }).click();
    await moderation.getByRole('button', { name: 'Unpin thread' }).waitFor();
    await bob.getByTestId('pinned-badge').waitFor();
    // Moderators may still reply in a locked thread.
    await bob.getByLabel('Your reply', { exact: true }).waitFor();
    await axe(bob, 'thread page (moderator)');
    await screenshots(bob, 'thread');
  });

  await step('bob, a member again, can’t reply to the locked thread', bob, async () => {
    await setBobsRole(ctx, 'member', 'Member');
    await bob.goto(`${base}${threadPath}`);
    await bob.getByTestId('thread-locked').waitFor();
    check((await bob.getByLabel('Your reply', { exact: true }).count()) === 0, 'no composer in a locked thread');
    check((await bob.getByRole('button', { name: 'Reply', exact: true }).count()) === 0, 'no Reply buttons in a locked thread');
    check((await bob.getByRole('group', { name: 'Moderation' }).count()) === 0, 'a member sees no moderation');
  });
}

/** An anonymous visitor, before core checks the Sphere's home and the home page. */
export async function anonymous({ base, publicSlug, anon, step, check, axe, screenshots }) {
  await step('an anonymous visitor sees the thread, server-rendered and hydrated without refetching', anon, async () => {
    const dataRequests = [];
    const warnings = [];
    const onRequest = (r) => {
      if (new URL(r.url()).pathname.startsWith('/xrpc/')) dataRequests.push(r.url());
    };
    const onConsole = (m) => {
      if (['warning', 'error'].includes(m.type())) warnings.push(m.text());
    };
    anon.on('request', onRequest);
    anon.on('console', onConsole);
    try {
      const response = await anon.goto(`${base}${threadPath}`, { waitUntil: 'networkidle' });
      const served = (await response?.text()) ?? '';
      const app = served.slice(served.indexOf('<div id="app">'));
      for (const expected of ['<strong>kind</strong>', aliceReply, 'Which pot? There are <strong>three</strong>.', 'This thread is locked.']) {
        check(app.includes(expected), `the server's HTML has ${JSON.stringify(expected)}`);
      }
      check(app.includes('&lt;script&gt;window.pwned = 1&lt;/script&gt;'), "the server's HTML escapes the body's raw HTML");
      const text = await anon.locator('main').innerText();
      for (const expected of [title, 'Please be kind to the tomatoes.', aliceReply, 'Which pot? There are three.', 'This thread is locked.']) {
        check(text.includes(expected), `thread page shows ${JSON.stringify(expected)}`);
      }
      check((await anon.getByTestId('reactions').first().innerText()).includes('1'), 'the thread shows its reaction');
      check((await anon.getByLabel('Your reply', { exact: true }).count()) === 0, 'no composer for a visitor');
      check((await anon.locator('a[href^="javascript" i]').count()) === 0, 'no javascript: link');
      check((await anon.evaluate(() => window.pwned)) === undefined, 'nothing of the body ran');
      check(dataRequests.length === 0, `no data request on the first page: ${dataRequests.join(', ')}`);
      check(!warnings.some((w) => /hydrat|mismatch/i.test(w)), `no hydration warnings: ${warnings.join(' | ')}`);
    } finally {
      anon.off('request', onRequest);
      anon.off('console', onConsole);
    }
    await axe(anon, 'thread page (anonymous)');
    await screenshots(anon, 'thread-anonymous');
  });

  await step('an anonymous visitor sees the thread list, pinned and locked, and filters it by a tag', anon, async () => {
    await anon.goto(`${base}/s/${publicSlug}/discussions`);
    const item = anon.getByTestId('thread-item').filter({ hasText: title });
    await item.waitFor();
    await item.getByTestId('pinned-badge').waitFor();
    await item.getByTestId('locked-badge').waitFor();
    check((await item.getByTestId('reply-count').innerText()) === '2 replies', 'the list counts the replies');
    await axe(anon, 'thread list');
    await screenshots(anon, 'threads');
    await item.getByRole('link', { name: 'Tag: garden' }).click();
    await anon.waitForURL(/[?&]tag=garden/);
    await anon.getByTestId('active-filters').waitFor();
    await anon.getByTestId('thread-item').filter({ hasText: title }).waitFor();
  });

  await step('an anonymous visitor sees the thread and its replies in the Sphere’s activity', anon, async () => {
    await anon.goto(`${base}/s/${publicSlug}`);
    const activity = anon.getByTestId('activity-item').filter({ hasText: title });
    await activity.first().waitFor();
    const texts = await activity.allInnerTexts();
    check(texts.some((t) => t.includes('New thread')), 'the activity shows the new thread');
    check(texts.some((t) => t.includes('New reply')), 'the activity shows the replies');
    check((await activity.first().getByRole('link', { name: title }).getAttribute('href')) === threadPath, 'activity links to the thread');
  });
}

/** Alice has created the private Sphere. */
export async function privateSphere({ base, privateSlug, alice, step, secrets, privatePages }) {
  let path;
  await step('alice starts a thread in the private Sphere', alice, async () => {
    await alice.goto(`${base}/s/${privateSlug}/discussions/new`);
    await alice.getByLabel('Title', { exact: true }).fill(secret);
    await alice.getByRole('button', { name: 'Post thread' }).click();
    await alice.waitForURL(/\/discussions\/\d+$/);
    path = new URL(alice.url()).pathname;
  });
  secrets.push(secret);
  privatePages.push(`/s/${privateSlug}/discussions`, path);
}

/** Alice has turned every module off in the private Sphere. */
export async function modulesOff({ base, privateSlug, alice, step, check }) {
  await step('the Discussions of a Sphere that does not use them say so', alice, async () => {
    await alice.goto(`${base}/s/${privateSlug}/discussions`);
    await alice.getByText("This Sphere doesn't use Discussions").waitFor();
    check(!(await alice.content()).includes(secret), 'the list of a Sphere that does not use the module shows nothing');
  });
}
