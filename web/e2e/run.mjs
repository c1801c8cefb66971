// Browser end-to-end tests: headless Chromium (Debian's package) driven by
// playwright-core against a running Exosphere and the real local PDS, whose
// own sign-in and consent pages are used. Run by backend/app/tests/browser.rs,
// which starts everything and passes EXOSPHERE_URL, PDS_URL, CHROMIUM,
// SCREENSHOT_DIR and <NAME>_HANDLE / <NAME>_PASSWORD for alice, bob and dave.
//
// Exits non-zero on the first failure, with a screenshot of the failing page.

import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const env = process.env;
const base = env.EXOSPHERE_URL;
const shots = env.SCREENSHOT_DIR || 'e2e-screenshots';
mkdirSync(shots, { recursive: true });
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const started = Date.now();
const timeout = 15_000;

const browser = await chromium.launch({ executablePath: env.CHROMIUM, args: ['--no-sandbox'] });
let current = null;

function log(message) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

async function step(name, page, work) {
  current = page;
  log(name);
  try {
    await work();
  } catch (error) {
    const file = path.join(shots, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.error(`FAILED: ${name}\n${error?.stack ?? error}\nscreenshot: ${file}\nurl: ${page.url()}`);
    await browser.close();
    process.exit(1);
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function person(colorScheme = 'light') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  context.setDefaultTimeout(timeout);
  return context.newPage();
}

/** Signs in through Exosphere's login page and the PDS's own sign-in and consent pages. */
async function signIn(page, who) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Handle', { exact: true }).fill(env[`${who}_HANDLE`]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.toString().startsWith(env.PDS_URL.replace('localhost', 'localhost')) || url.pathname.startsWith('/oauth/authorize'));
  await page.locator('input[name=password]').fill(env[`${who}_PASSWORD`]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL((url) => url.toString().startsWith(base));
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function axe(page, label) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  log(`axe ${label}: ${result.length} violation(s), ${bad.length} serious or critical`);
  check(bad.length === 0, `axe on ${label}: ${JSON.stringify(bad)}`);
}

async function screenshots(page, name) {
  for (const [width, height, tag] of [
    [1280, 800, 'desktop'],
    [360, 740, 'phone'],
  ]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: path.join(shots, `${name}-${tag}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

const stamp = Date.now().toString(36);
const publicSlug = `garden-${stamp}`;
const privateSlug = `vault-${stamp}`;
const title = 'Dark mode for the whole board';
const secret = 'Secret acquisition plan';

const alice = await person();
const bob = await person();
const anon = await person();

await step('login page is accessible', anon, async () => {
  await anon.goto(`${base}/login`);
  await anon.getByLabel('Handle', { exact: true }).waitFor();
  await axe(anon, 'login');
  await screenshots(anon, 'login');
});

await step('alice signs in through the PDS', alice, () => signIn(alice, 'ALICE'));

await step('alice creates a public Sphere', alice, async () => {
  await alice.goto(`${base}/`);
  await alice.getByLabel('Name', { exact: true }).fill(`Garden ${stamp}`);
  await alice.getByLabel('URL name', { exact: true }).fill(publicSlug);
  await alice.getByRole('button', { name: 'Create Sphere' }).click();
  await alice.waitForURL(`${base}/s/${publicSlug}`);
  // The Sphere's home: a tab per module it uses (a new Sphere gets them all), then Members and Settings.
  const tabs = alice.getByRole('navigation', { name: 'Sphere' });
  await tabs.getByRole('link', { name: 'Feature requests' }).waitFor();
  await tabs.getByRole('link', { name: 'Settings' }).waitFor();
  await alice.getByTestId('no-activity').waitFor();
});

await step('alice invites bob', alice, async () => {
  await alice.goto(`${base}/s/${publicSlug}/members`);
  const form = alice.getByTestId('invite-form');
  await form.getByLabel('Handle', { exact: true }).fill(env.BOB_HANDLE);
  await form.getByRole('button', { name: 'Invite' }).click();
  await alice.getByTestId('member-row').filter({ hasText: env.BOB_HANDLE }).waitFor();
  await axe(alice, 'members');
  await screenshots(alice, 'members');
});

await step('bob signs in, accepts and posts a request', bob, async () => {
  await signIn(bob, 'BOB');
  await bob.goto(`${base}/s/${publicSlug}/invite`);
  await bob.getByRole('button', { name: 'Accept invitation' }).click();
  await bob.getByRole('button', { name: 'Accept invitation' }).waitFor({ state: 'detached' });
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
  check((await item.innerText()).includes('1'), 'the vote count shows 1');
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

await step('settings page', alice, async () => {
  await alice.goto(`${base}/s/${publicSlug}/settings`);
  await alice.getByRole('button', { name: 'Save settings' }).waitFor();
  await screenshots(alice, 'settings');
});

await step('an anonymous visitor sees it all, server-rendered and hydrated without refetching', anon, async () => {
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
  check(dataRequests.length === 0, `no data request on the first page: ${dataRequests.join(', ')}`);
  check(!warnings.some((w) => /hydrat|mismatch/i.test(w)), `no hydration warnings: ${warnings.join(' | ')}`);
  await axe(anon, 'request page (anonymous)');
  await anon.goto(`${base}/s/${publicSlug}/feature-requests`);
  const item = anon.getByTestId('request-item').filter({ hasText: title });
  await item.waitFor();
  check(/\b1\b/.test(await item.innerText()), 'anonymous board shows 1 vote');
  await axe(anon, 'board');
  await screenshots(anon, 'board');
  // The Sphere's home: its activity, from every module it uses (the request and its status change).
  await anon.goto(`${base}/s/${publicSlug}`);
  const activity = anon.getByTestId('activity-item').filter({ hasText: title });
  await activity.first().waitFor();
  check((await activity.count()) >= 2, 'the activity shows the new request and its status change');
  check(/Planned/.test(await anon.getByTestId('activity-list').innerText()), 'the activity shows the new status');
  await activity.first().getByRole('link', { name: title }).waitFor();
  const feed = await anon.locator('link[rel=alternate][type="application/atom+xml"]').getAttribute('href');
  check(feed === `/s/${publicSlug}/feed.atom`, `the public Sphere's home links its Atom feed: ${feed}`);
  await axe(anon, 'Sphere home');
  await screenshots(anon, 'sphere-home');
  await anon.goto(`${base}/`);
  await anon.getByTestId('sphere-card').first().waitFor();
  await axe(anon, 'home');
  await screenshots(anon, 'home');
});

await step('alice creates a private Sphere with a request', alice, async () => {
  await alice.goto(`${base}/`);
  await alice.getByLabel('Name', { exact: true }).fill(`Vault ${stamp}`);
  await alice.getByLabel('URL name', { exact: true }).fill(privateSlug);
  await alice.getByRole('radio', { name: /Private/ }).check();
  await alice.getByRole('button', { name: 'Create Sphere' }).click();
  await alice.waitForURL(`${base}/s/${privateSlug}`);
  await alice.goto(`${base}/s/${privateSlug}/feature-requests/new`);
  await alice.getByLabel('Title', { exact: true }).fill(secret);
  await alice.getByRole('button', { name: 'Post request' }).click();
  await alice.waitForURL(/\/feature-requests\/1$/);
});

await step('an anonymous visitor sees nothing of the private Sphere', anon, async () => {
  for (const page of ['/', `/s/${privateSlug}`, `/s/${privateSlug}/feature-requests`, `/s/${privateSlug}/feature-requests/1`]) {
    await anon.goto(`${base}${page}`, { waitUntil: 'networkidle' });
    const html = await anon.content();
    check(!html.includes(secret), `${page} shows private content`);
    check(!html.includes(`Vault ${stamp}`) || page !== '/', `${page} lists the private Sphere`);
  }
});

await step('alice turns the board off in the private Sphere', alice, async () => {
  await alice.goto(`${base}/s/${privateSlug}/settings`);
  const box = alice.getByRole('checkbox', { name: 'Feature requests' });
  check(await box.isChecked(), 'the board is on in a new Sphere');
  await box.uncheck();
  await alice.getByRole('button', { name: 'Save settings' }).click();
  await alice.getByText('Settings saved.').waitFor();
  const tabs = alice.getByRole('navigation', { name: 'Sphere' });
  await tabs.getByRole('link', { name: 'Feature requests' }).waitFor({ state: 'detached' });
  await alice.goto(`${base}/s/${privateSlug}/feature-requests`);
  await alice.getByText("This Sphere doesn't use Feature requests").waitFor();
  check(!(await alice.content()).includes(secret), 'the board of a Sphere that does not use it shows nothing');
});

await browser.close();
log(`all passed; screenshots in ${shots}`);
