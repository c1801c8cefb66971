// The board's steps in the browser scenario of web/e2e/run.mjs, which calls
// each exported phase at its point with its context `ctx`: base (Exosphere's
// address), env, stamp, publicSlug, privateSlug, the pages alice (owner), bob
// (member) and anon (anonymous), step(name, page, work), check(condition,
// message), axe(page, label), screenshots(page, name), log(message), and the
// lists secrets and privatePages that core's private-Sphere check reads.

import { readFile } from 'node:fs/promises';

const title = 'Dark mode for the whole board';
const secret = 'Secret acquisition plan';
const duplicate = 'Night mode, please';

/** Alice has created the public Sphere and is on its home. */
export async function publicSphere({ alice, step }) {
  await step('a new Sphere has the board’s tab', alice, async () => {
    const tabs = alice.getByRole('navigation', { name: 'Sphere' });
    await tabs.getByRole('link', { name: 'Feature requests' }).waitFor();
  });
}

/** Bob has accepted alice's invitation. */
export async function members({ base, publicSlug, alice, bob, step, check, axe, screenshots }) {
  await step('bob posts a request', bob, async () => {
    await bob.goto(`${base}/s/${publicSlug}/feature-requests/new`);
    await bob.getByLabel('Title', { exact: true }).fill(title);
    await bob.getByLabel('Description', { exact: true }).fill('Easier on the eyes at night.');
    await axe(bob, 'new request');
    await screenshots(bob, 'new-request');
    await bob.getByRole('button', { name: 'Post request' }).click();
    await bob.waitForURL(/\/feature-requests\/1$/);
    await bob.getByRole('heading', { name: title }).waitFor();
  });

  await step('alice votes, comments and sets status planned', alice, async () => {
    await alice.goto(`${base}/s/${publicSlug}/feature-requests`);
    const item = alice.getByTestId('request-item').filter({ hasText: title });
    const vote = item.getByRole('button', { name: /^Vote/ });
    await vote.click();
    await item.getByRole('button', { name: /^Vote/, pressed: true }).waitFor();
    // Optimistic: pressed at once, and no longer busy once the server has the vote.
    await item.locator('[data-testid="vote-button"]:not([aria-busy])').waitFor();
    check((await item.innerText()).includes('1'), 'the vote count shows 1');
    check((await item.getByTestId('vote-button').innerText()).includes('Voted'), 'the button says alice voted');
    // "I voted" lists what alice voted for; "My requests" what she wrote (nothing: bob wrote it).
    await alice.getByRole('checkbox', { name: 'I voted' }).check();
    await alice.waitForURL(/voted=1/);
    await item.waitFor();
    await alice.getByRole('checkbox', { name: 'My requests' }).check();
    await alice.waitForURL(/by=did/);
    await alice.getByTestId('no-requests').waitFor();
    await screenshots(alice, 'board-filters');
    await alice.getByRole('checkbox', { name: 'My requests' }).uncheck();
    await item.waitFor();
    await item.getByRole('link', { name: title }).click();
    await alice.getByLabel('Comment', { exact: true }).fill('Yes please, my eyes thank you');
    await alice.getByRole('button', { name: 'Post comment' }).click();
    await alice.getByTestId('comment').filter({ hasText: 'Yes please, my eyes thank you' }).waitFor();
    await alice.getByLabel('New status', { exact: true }).selectOption('planned');
    await alice.getByLabel('Note', { exact: true }).fill('Next release');
    await alice.getByRole('button', { name: 'Set status' }).click();
    await alice.getByText('Next release').first().waitFor();
    await axe(alice, 'request page (signed in)');
    await screenshots(alice, 'request');
  });

  await step('alice merges a duplicate that bob voted for into the original', alice, async () => {
    await alice.goto(`${base}/s/${publicSlug}/feature-requests/new`);
    await alice.getByLabel('Title', { exact: true }).fill(duplicate);
    await alice.getByRole('button', { name: 'Post request' }).click();
    await alice.waitForURL(/\/feature-requests\/2$/);
    await bob.goto(`${base}/s/${publicSlug}/feature-requests/2`);
    await bob.getByRole('button', { name: /^Vote/ }).click();
    await bob.getByRole('button', { name: /^Voted/, pressed: true }).waitFor();
    await bob.locator('[data-testid="vote-button"]:not([aria-busy])').waitFor();
    await alice.reload();
    await alice.getByLabel('New status', { exact: true }).selectOption('duplicate');
    await alice.getByLabel('Original request number', { exact: true }).fill('1');
    await alice.getByRole('button', { name: 'Set status' }).click();
    const notice = alice.getByTestId('duplicate-of');
    await notice.getByRole('link', { name: `#1 ${title}` }).waitFor();
    check((await alice.getByTestId('vote-button').count()) === 0, 'a duplicate takes no votes');
    await axe(alice, 'merged request');
    await screenshots(alice, 'merged-request');
    // The original counts alice's vote and bob's, who voted on the duplicate only.
    await notice.getByRole('link', { name: `#1 ${title}` }).click();
    await alice.waitForURL(/\/feature-requests\/1$/);
    await alice.getByRole('button', { name: /2 votes/ }).waitFor();
  });

  await step('alice exports the board as CSV', alice, async () => {
    await alice.goto(`${base}/s/${publicSlug}/feature-requests`);
    const [download] = await Promise.all([alice.waitForEvent('download'), alice.getByTestId('export-csv').click()]);
    const csv = await readFile(await download.path(), 'utf8');
    const [header, ...rows] = csv.split('\r\n');
    check(header.startsWith('number,title,description,created_at,author,votes'), `the CSV header: ${header}`);
    check(rows.some((r) => r.startsWith(`2,"${duplicate}",`) && r.endsWith(',1,')), 'the duplicate names its original');
  });

  await step('alice defines a tag, puts it on the request, and the board filters by it', alice, async () => {
    await alice.goto(`${base}/s/${publicSlug}/feature-requests`);
    await alice.getByText('Manage tags').click();
    await alice.getByLabel('New tag', { exact: true }).fill('Accessibility');
    await alice.getByRole('button', { name: 'Add tag' }).click();
    await alice.getByTestId('tag-manager').getByText('0 requests').waitFor();
    await alice.goto(`${base}/s/${publicSlug}/feature-requests/1`);
    await alice.getByTestId('tag-editor').getByRole('checkbox', { name: /Accessibility/ }).check();
    await alice.getByTestId('tags').getByText('Accessibility').waitFor();
    await axe(alice, 'request page with tags');
    await alice.goto(`${base}/s/${publicSlug}/feature-requests`);
    await alice.getByLabel('Tag', { exact: true }).selectOption('Accessibility');
    await alice.waitForURL(/tag=Accessibility/);
    const item = alice.getByTestId('request-item').filter({ hasText: title });
    await item.getByTestId('tag').filter({ hasText: 'Accessibility' }).waitFor();
    check((await alice.getByTestId('request-item').count()) === 1, 'only the tagged request is listed');
    await screenshots(alice, 'board-tags');
  });

  await step('a new request suggests similar ones as its title is typed', alice, async () => {
    await alice.goto(`${base}/s/${publicSlug}/feature-requests/new`);
    await alice.getByLabel('Title', { exact: true }).pressSequentially('Dark theme, please', { delay: 20 });
    const suggestion = alice.getByTestId('similar-requests').getByRole('link', { name: title });
    await suggestion.waitFor();
    await axe(alice, 'new request with suggestions');
    await screenshots(alice, 'similar-requests');
    await suggestion.click();
    await alice.waitForURL(/\/feature-requests\/1$/);
  });

  await step('bob, who wrote the request, is notified of alice’s comment and status change', bob, async () => {
    await bob.goto(`${base}/s/${publicSlug}/feature-requests`);
    const bell = bob.getByTestId('notifications-link');
    await bob.getByTestId('unread-count').waitFor();
    await bell.click();
    await bob.waitForURL(/\/notifications$/);
    const list = bob.getByTestId('notification-list');
    await list.getByText('Yes please, my eyes thank you').waitFor();
    await list.getByText(/set the status to planned/i).waitFor();
    await axe(bob, 'notifications');
    await screenshots(bob, 'notifications');
    await bob.getByRole('button', { name: 'Mark all as read' }).click();
    await bob.getByTestId('unread-count').waitFor({ state: 'detached' });
    check((await bob.locator('[data-unread="true"]').count()) === 0, 'nothing is unread once marked read');
  });
}

/** An anonymous visitor, before core checks the Sphere's home and the home page. */
export async function anonymous({ base, publicSlug, anon, step, check, axe, screenshots }) {
  await step('an anonymous visitor sees the board, server-rendered and hydrated without refetching', anon, async () => {
    const dataRequests = [];
    const warnings = [];
    anon.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/xrpc/')) dataRequests.push(r.url());
    });
    anon.on('console', (m) => {
      if (['warning', 'error'].includes(m.type())) warnings.push(m.text());
    });
    await anon.goto(`${base}/s/${publicSlug}/feature-requests/1`, { waitUntil: 'networkidle' });
    const text = await anon.locator('main').innerText();
    for (const expected of [title, 'Easier on the eyes at night.', 'Yes please, my eyes thank you', 'Next release']) {
      check(text.includes(expected), `request page shows ${JSON.stringify(expected)}`);
    }
    check(/planned/i.test(text), 'status planned shown');
    // People as their Bluesky profiles name them (set by the test's setup), avatars loaded.
    for (const expected of ['Bob Builder', '@bob.test', 'Alice Liddell']) {
      check(text.includes(expected), `request page shows ${JSON.stringify(expected)}`);
    }
    const avatars = await anon.locator('main img[src^="/avatars/"]').evaluateAll((imgs) => imgs.map((i) => i.complete && i.naturalWidth));
    // The author's, at the top, has loaded (the others load lazily, as they scroll into view).
    check(avatars.length >= 2 && avatars[0] === 4, `avatars shown, the first loaded: ${JSON.stringify(avatars)}`);
    check(dataRequests.length === 0, `no data request on the first page: ${dataRequests.join(', ')}`);
    check(!warnings.some((w) => /hydrat|mismatch/i.test(w)), `no hydration warnings: ${warnings.join(' | ')}`);
    await axe(anon, 'request page (anonymous)');
    await anon.goto(`${base}/s/${publicSlug}/feature-requests`);
    const item = anon.getByTestId('request-item').filter({ hasText: title });
    await item.waitFor();
    // The count itself: the card's text also holds "#1", the request's number.
    const votes = (await item.getByTestId('vote-count').innerText()).trim();
    // Alice's vote and bob's, on the duplicate merged into it.
    check(/^2\b/.test(votes), `anonymous board shows 2 votes: ${JSON.stringify(votes)}`);
    const signIn = item.getByRole('link', { name: /Sign in to vote/ });
    check(/^\/login/.test((await signIn.getAttribute('href')) ?? ''), 'the count asks an anonymous visitor to sign in to vote');
    await axe(anon, 'board');
    await screenshots(anon, 'board');
  });

  await step('an anonymous visitor sees the roadmap: the planned request in its column', anon, async () => {
    await anon.getByTestId('roadmap-link').click();
    await anon.waitForURL(/\/feature-requests\/roadmap$/);
    await anon.getByTestId('roadmap-planned').getByRole('link', { name: title }).waitFor();
    // Each column loads on its own: wait for the done one's answer, then read it.
    await anon.getByTestId('roadmap-done').getByText('Nothing here yet.').waitFor();
    check(!(await anon.getByTestId('roadmap-done').getByRole('link').count()), 'nothing is done yet');
    await axe(anon, 'roadmap');
    await screenshots(anon, 'roadmap');
  });

  await step('an anonymous visitor sees the board’s activity on the Sphere’s home', anon, async () => {
    // The request and its status change.
    await anon.goto(`${base}/s/${publicSlug}`);
    const activity = anon.getByTestId('activity-item').filter({ hasText: title });
    await activity.first().waitFor();
    check((await activity.count()) >= 2, 'the activity shows the new request and its status change');
    check(/Planned/.test(await anon.getByTestId('activity-list').innerText()), 'the activity shows the new status');
    await activity.first().getByRole('link', { name: title }).waitFor();
  });
}

/** Alice has created the private Sphere. */
export async function privateSphere({ base, privateSlug, alice, step, secrets, privatePages }) {
  await step('alice posts a request in the private Sphere', alice, async () => {
    await alice.goto(`${base}/s/${privateSlug}/feature-requests/new`);
    await alice.getByLabel('Title', { exact: true }).fill(secret);
    await alice.getByRole('button', { name: 'Post request' }).click();
    await alice.waitForURL(/\/feature-requests\/1$/);
  });
  secrets.push(secret);
  privatePages.push(`/s/${privateSlug}/feature-requests`, `/s/${privateSlug}/feature-requests/1`);
}

/** Alice has turned every module off in the private Sphere. */
export async function modulesOff({ base, privateSlug, alice, step, check }) {
  await step('the board of a Sphere that does not use it says so', alice, async () => {
    await alice.goto(`${base}/s/${privateSlug}/feature-requests`);
    await alice.getByText("This Sphere doesn't use Feature requests").waitFor();
    check(!(await alice.content()).includes(secret), 'the board of a Sphere that does not use it shows nothing');
  });
}
