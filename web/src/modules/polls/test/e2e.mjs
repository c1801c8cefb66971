// The Polls module's steps in the browser scenario of web/e2e/run.mjs,
// which calls each exported phase at its point with its context `ctx` (what
// it holds is listed where run.mjs defines PHASES).

const question = 'Which drink for the garden party?';
const ranked = 'Name the new bed';
const secret = 'Secret ballot on the vault budget';

/** The polls' paths, once alice has made them (`/s/<slug>/polls/<number>`). */
let pollPath;
let rankedPath;

/** Alice (the owner) makes a poll whose results voters see once they have voted. */
async function createPoll(page, base, slug, { text, options, kind, results }) {
  await page.goto(`${base}/s/${slug}/polls/new`);
  await page.getByLabel('Question', { exact: true }).fill(text);
  for (const [i, option] of options.entries()) {
    if (i >= 2) await page.getByTestId('add-option').click();
    await page.getByLabel(`Option ${i + 1}`, { exact: true }).fill(option);
  }
  await page.getByLabel(kind).check();
  await page.getByLabel(results).check();
  await page.getByRole('button', { name: 'Publish poll' }).click();
  await page.waitForURL(/\/polls\/\d+$/);
  return new URL(page.url()).pathname;
}

/** Alice has created the public Sphere and is on its home. */
export async function publicSphere({ base, publicSlug, alice, step, axe }) {
  await step('a new Sphere has the Polls tab, and no polls yet', alice, async () => {
    const tabs = alice.getByRole('navigation', { name: 'Sphere' });
    await tabs.getByRole('link', { name: 'Polls' }).click();
    await alice.waitForURL(`${base}/s/${publicSlug}/polls`);
    await alice.getByTestId('no-polls').waitFor();
    await axe(alice, 'poll list (empty)');
    await alice.goto(`${base}/s/${publicSlug}`);
    await tabs.getByRole('link', { name: 'Polls' }).waitFor();
  });
}

/** Bob has accepted alice's invitation. */
export async function members(ctx) {
  const { base, publicSlug, alice, bob, step, check, axe, screenshots } = ctx;

  await step('alice asks a question whose results show after voting', alice, async () => {
    await alice.goto(`${base}/s/${publicSlug}/polls/new`);
    await axe(alice, 'new poll');
    await screenshots(alice, 'new-poll');
    pollPath = await createPoll(alice, base, publicSlug, {
      text: question,
      options: ['Lemonade', 'Iced tea', 'Water'],
      kind: 'Single choice',
      results: 'After voting',
    });
    // The author always sees the results.
    await alice.getByTestId('results').waitFor();
  });

  await step('bob sees no results before voting, votes, sees them, and changes his vote', bob, async () => {
    await bob.goto(`${base}${pollPath}`);
    await bob.getByTestId('results-hidden').waitFor();
    check((await bob.getByTestId('results').count()) === 0, 'no results before voting');
    check((await bob.getByText(/Ballots are public/).count()) === 1, 'the ballot says votes are public');
    await axe(bob, 'poll page (before voting)');
    await bob.getByRole('radio', { name: 'Iced tea' }).check();
    await bob.getByRole('button', { name: 'Vote' }).click();
    await bob.getByTestId('results').waitFor();
    // Each option's votes, as the results table says them.
    const votes = () =>
      bob.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('[data-testid="results-table"] tbody tr')].map((tr) => [
            tr.querySelector('th')?.firstChild?.textContent?.trim(),
            tr.querySelector('td')?.textContent,
          ]),
        ),
      );
    check(JSON.stringify(await votes()) === '{"Lemonade":"0","Iced tea":"1","Water":"0"}', `bob's vote is counted: ${JSON.stringify(await votes())}`);
    await bob.getByRole('radio', { name: 'Water' }).check();
    await bob.getByRole('button', { name: 'Change vote' }).click();
    await bob.waitForFunction(() => document.querySelector('[data-testid="results-table"] tbody tr:last-child td')?.textContent === '1');
    check(JSON.stringify(await votes()) === '{"Lemonade":"0","Iced tea":"0","Water":"1"}', `the earlier choice no longer counts: ${JSON.stringify(await votes())}`);
    await axe(bob, 'poll page (voted)');
    await screenshots(bob, 'poll-voted');
  });

  await step('bob ranks a ranked-choice poll by keyboard alone', bob, async () => {
    rankedPath = await createPoll(alice, base, publicSlug, {
      text: ranked,
      options: ['Herbs', 'Roses', 'Beans'],
      kind: 'Ranked choice',
      results: 'Always',
    });
    await bob.goto(`${base}${rankedPath}`);
    const press = async (name) => {
      await bob.getByRole('button', { name }).focus();
      await bob.keyboard.press('Enter');
    };
    await press('Add Roses as rank 1');
    await press('Add Beans as rank 2');
    await press('Move Beans up');
    const order = await bob.getByTestId('ranked-option').allInnerTexts();
    check(order[0]?.includes('Beans') && order[1]?.includes('Roses'), `the ranking follows the keys: ${order.join(' | ')}`);
    await bob.getByRole('button', { name: 'Vote' }).focus();
    await bob.keyboard.press('Enter');
    await bob.getByTestId('winner').waitFor();
    check((await bob.getByTestId('winner').innerText()).includes('Beans'), 'the runoff names the winner');
    await axe(bob, 'ranked poll (voted)');
    await screenshots(bob, 'poll-ranked');
  });
}

/** An anonymous visitor, before core checks the Sphere's home and the home page. */
export async function anonymous({ base, publicSlug, anon, step, check, axe, screenshots }) {
  await step('an anonymous visitor gets no results of an after-voting poll, in the HTML or its data', anon, async () => {
    const dataRequests = [];
    const onRequest = (r) => {
      if (new URL(r.url()).pathname.startsWith('/xrpc/')) dataRequests.push(r.url());
    };
    anon.on('request', onRequest);
    try {
      const response = await anon.goto(`${base}${pollPath}`, { waitUntil: 'networkidle' });
      const served = (await response?.text()) ?? '';
      check(served.includes(question), "the server's HTML has the question");
      check(!served.includes('"tally"'), 'the page data carries no results');
      check(!served.includes('results-table'), "the server's HTML has no results");
      check(dataRequests.length === 0, `no data request on the first page: ${dataRequests.join(', ')}`);
      await anon.getByTestId('results-hidden').waitFor();
    } finally {
      anon.off('request', onRequest);
    }
    await axe(anon, 'poll page (anonymous)');
    await screenshots(anon, 'poll-anonymous');
  });

  await step('an anonymous visitor sees the polls listed and in the Sphere’s activity', anon, async () => {
    await anon.goto(`${base}/s/${publicSlug}/polls`);
    await anon.getByTestId('poll-item').filter({ hasText: ranked }).getByTestId('voter-count').waitFor();
    await axe(anon, 'poll list');
    await screenshots(anon, 'polls');
    await anon.goto(`${base}/s/${publicSlug}`);
    const activity = anon.getByTestId('activity-item').filter({ hasText: question });
    await activity.first().waitFor();
    check((await activity.first().innerText()).includes('New poll'), 'the activity shows the new poll');
  });
}

/** Alice has created the private Sphere. */
export async function privateSphere({ base, privateSlug, alice, step, secrets, privatePages }) {
  let path;
  await step('alice asks a question in the private Sphere, and votes where ballots stay here', alice, async () => {
    path = await createPoll(alice, base, privateSlug, { text: secret, options: ['More', 'Less'], kind: 'Single choice', results: 'Always' });
    await alice.getByText(/your vote stays on this server/).waitFor();
    await alice.getByRole('radio', { name: 'More' }).check();
    await alice.getByRole('button', { name: 'Vote' }).click();
    await alice.getByRole('button', { name: 'Change vote' }).waitFor();
  });
  secrets.push(secret);
  privatePages.push(`/s/${privateSlug}/polls`, path);
}

/** Alice has turned every module off in the private Sphere. */
export async function modulesOff({ base, privateSlug, alice, step, check }) {
  await step('the Polls of a Sphere that does not use them say so', alice, async () => {
    await alice.goto(`${base}/s/${privateSlug}/polls`);
    await alice.getByText("This Sphere doesn't use Polls").waitFor();
    check(!(await alice.content()).includes(secret), 'the list of a Sphere that does not use the module shows nothing');
  });
}
