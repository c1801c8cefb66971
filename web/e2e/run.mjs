// Browser end-to-end tests: headless Chromium (Debian's package) driven by
// playwright-core against a running Exosphere and the real local PDS, whose
// own sign-in and consent pages are used. Run by backend/app/tests/browser.rs,
// which starts everything and passes EXOSPHERE_URL, PDS_URL, CHROMIUM,
// SCREENSHOT_DIR and <NAME>_HANDLE / <NAME>_PASSWORD for alice, bob and dave.
//
// Core's scenario is here (a new instance's welcome, sign-in, Spheres,
// invitations, members, settings, the Sphere's home, a private Sphere kept
// from anonymous visitors, turning modules off, the operator's page); each module's steps are in src/modules/<name>/test/e2e.mjs,
// found by listing src/modules/, which exports an async function of `ctx`
// (below) for any of the PHASES, called at that point of the scenario in
// folder order. This file names no module.
//
// Exits non-zero on the first failure, with a screenshot of the failing page.

import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const env = process.env;
const base = env.EXOSPHERE_URL;
const shots = env.SCREENSHOT_DIR || 'e2e-screenshots';
mkdirSync(shots, { recursive: true });
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// Evaluated through the DevTools protocol, which the pages' Content-Security-Policy doesn't apply to
// (a <script> tag of it would be refused, as any script the page didn't name).
const axeSource = readFileSync(axePath, 'utf8');
const started = Date.now();
const timeout = 15_000;

// The modules' steps: src/modules/<name>/test/e2e.mjs, in folder order. Each
// exports, for the phases it takes part in, an async function of `ctx`.
const PHASES = {
  publicSphere: 'alice has created the public Sphere (a new Sphere uses every module) and is on its home',
  members: 'bob has accepted the invitation: alice (owner) and bob (member) are signed in',
  anonymous: 'an anonymous visitor, before core checks the Sphere’s home (with what the modules posted) and the home page',
  privateSphere: 'alice has created the private Sphere: post what no anonymous visitor may see, add it to ctx.secrets and its pages to ctx.privatePages',
  modulesOff: 'alice has turned every module off in the private Sphere',
};
const modulesDir = path.join(import.meta.dirname, '..', 'src', 'modules');
const moduleSteps = [];
for (const name of readdirSync(modulesDir).sort()) {
  const file = path.join(modulesDir, name, 'test', 'e2e.mjs');
  if (!existsSync(file)) continue;
  const steps = await import(pathToFileURL(file).href);
  const unknown = Object.keys(steps).filter((k) => !Object.hasOwn(PHASES, k) || typeof steps[k] !== 'function');
  if (unknown.length) {
    console.error(`${file}: exports ${unknown.join(', ')}; the phases are functions named ${Object.keys(PHASES).join(', ')}`);
    process.exit(1);
  }
  moduleSteps.push({ name, steps });
}

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

/** Content-Security-Policy violations any page reported (the run fails on any). */
const cspViolations = [];

async function person(colorScheme = 'light') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  context.setDefaultTimeout(timeout);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(message.text())) {
      cspViolations.push(`${page.url()}: ${message.text()}`);
    }
  });
  return page;
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
  await page.evaluate(axeSource);
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

const alice = await person();
const bob = await person();
const anon = await person();

/** What the modules' steps get. */
const ctx = {
  base,
  env,
  stamp,
  publicSlug,
  privateSlug,
  /** The Sphere's owner, a member she invited, and an anonymous visitor (one browser context each). */
  alice,
  bob,
  anon,
  step,
  check,
  axe,
  screenshots,
  log,
  /** Texts posted in the private Sphere that no page may show an anonymous visitor. */
  secrets: [],
  /** Paths of the private Sphere an anonymous visitor tries, after core's. */
  privatePages: [],
};

/** Runs every module's steps for a phase of the scenario. */
async function phase(name) {
  for (const { name: module, steps } of moduleSteps) {
    if (!steps[name]) continue;
    log(`module ${module}: ${name}`);
    try {
      await steps[name](ctx);
    } catch (error) {
      // A failure outside the module's own step() calls.
      const page = current ?? anon;
      await page.screenshot({ path: path.join(shots, `FAILED-${module}-${name}.png`), fullPage: true }).catch(() => {});
      console.error(`FAILED: module ${module}, phase ${name}\n${error?.stack ?? error}\nurl: ${page.url()}`);
      await browser.close();
      process.exit(1);
    }
  }
}

await step('hostile return paths after a sign-in end on this site', anon, async () => {
  // What browsers read as another site (they drop tabs and newlines, take \\ for /), and what merely looks odd.
  const hostile = ['//evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\n/evil.example', '\t//evil.example', '/\\/evil.example', '\\/evil.example', '/%2F%2Fevil.example', '/\u3002/evil\u3002example', 'https://evil.example', 'javascript:alert(1)'];
  const origin = new URL(base).origin;
  for (const redirect of hostile) {
    const url = `${base}/oauth/login?handle=nobody.invalid&redirect=${encodeURIComponent(redirect)}`;
    await anon.goto(url);
    const landed = new URL(anon.url());
    check(landed.origin === origin, `redirect=${JSON.stringify(redirect)} ended on ${anon.url()}`);
    check(landed.searchParams.has('login_error'), `redirect=${JSON.stringify(redirect)}: the failed sign-in says why (${anon.url()})`);
  }
});

await step('login page is accessible', anon, async () => {
  await anon.goto(`${base}/login`);
  await anon.getByLabel('Handle', { exact: true }).waitFor();
  await axe(anon, 'login');
  await screenshots(anon, 'login');
});

await step('alice signs in through the PDS', alice, () => signIn(alice, 'ALICE'));

// A fresh database and the default policy (EXOSPHERE_SPHERE_CREATION=admins, no
// EXOSPHERE_ADMINS): the instance has no administrator until alice's first Sphere.
await step('a new instance welcomes a visitor with a way to set it up', anon, async () => {
  await anon.goto(`${base}/`);
  await anon.getByRole('heading', { level: 1, name: 'Welcome to Exosphere' }).waitFor();
  const setup = anon.getByRole('region', { name: 'Set up your Sphere' });
  const signIn = setup.getByRole('link', { name: 'Sign in to set up' });
  check((await signIn.getAttribute('href')) === '/login', `"Sign in to set up" comes back to /: ${await signIn.getAttribute('href')}`);
  check((await anon.getByRole('button', { name: 'Create Sphere' }).count()) === 0, 'a signed-out visitor gets no form');
  await axe(anon, 'first-run');
  await screenshots(anon, 'first-run');
});

await step('alice creates a public Sphere', alice, async () => {
  await alice.goto(`${base}/`);
  // The first Sphere sets the instance up: its creator becomes the administrator.
  const setup = alice.getByRole('region', { name: 'Set up your Sphere' });
  await setup.getByText('You will be this instance’s administrator.').waitFor();
  await setup.getByLabel('Name', { exact: true }).fill(`Garden ${stamp}`);
  await setup.getByLabel('URL name', { exact: true }).fill(publicSlug);
  await setup.getByRole('button', { name: 'Create Sphere' }).click();
  await alice.waitForURL(`${base}/s/${publicSlug}`);
  // The Sphere's home: a tab per module it uses (a new Sphere gets them all: each module checks its own), then Members and Settings.
  const tabs = alice.getByRole('navigation', { name: 'Sphere' });
  await tabs.getByRole('link', { name: 'Settings' }).waitFor();
  await alice.getByTestId('no-activity').waitFor();
});

await phase('publicSphere');

await step('alice invites bob', alice, async () => {
  await alice.goto(`${base}/s/${publicSlug}/members`);
  const form = alice.getByTestId('invite-form');
  await form.getByLabel('Handle', { exact: true }).fill(env.BOB_HANDLE);
  await form.getByRole('button', { name: 'Invite' }).click();
  await alice.getByTestId('member-row').filter({ hasText: env.BOB_HANDLE }).waitFor();
  await axe(alice, 'members');
  await screenshots(alice, 'members');
});

await step('bob signs in and accepts the invitation', bob, async () => {
  await signIn(bob, 'BOB');
  await bob.goto(`${base}/s/${publicSlug}/invite`);
  await bob.getByRole('button', { name: 'Accept invitation' }).click();
  await bob.getByRole('button', { name: 'Accept invitation' }).waitFor({ state: 'detached' });
});

await phase('members');

await step('settings page', alice, async () => {
  await alice.goto(`${base}/s/${publicSlug}/settings`);
  await alice.getByRole('button', { name: 'Save settings' }).waitFor();
  await screenshots(alice, 'settings');
});

await step('alice adds a webhook, sends a test, and a receiver on 127.0.0.1 verifies its signature', alice, async () => {
  // The receiver: every POST kept with its headers and body.
  const got = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${receiver.address().port}/hook`;
    await alice.goto(`${base}/s/${publicSlug}/settings`);
    const form = alice.getByTestId('webhook-form');
    await form.getByLabel('URL', { exact: true }).fill(url);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secret = (await alice.getByTestId('new-webhook-secret').locator('code').innerText()).trim();
    check(/^[0-9a-f]{64}$/.test(secret), 'the secret is shown once');
    const hook = alice.getByTestId('webhook').filter({ hasText: url });
    await hook.getByRole('button', { name: 'Send test' }).click();
    await hook.getByTestId('deliveries').waitFor();
    const deadline = Date.now() + 15000;
    while (!got.some((r) => r.headers['exosphere-event'] === 'webhook.test') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const test = got.find((r) => r.headers['exosphere-event'] === 'webhook.test');
    check(test !== undefined, 'the receiver got the test event');
    const { t, v1 } = Object.fromEntries(String(test.headers['exosphere-signature']).split(',').map((p) => p.split('=')));
    const expected = createHmac('sha256', secret).update(`${t}.${test.body}`).digest('hex');
    check(expected === v1, 'the signature is HMAC-SHA256 of "t.body" with the secret');
    await hook.getByRole('button', { name: 'Refresh deliveries' }).click();
    await hook.getByTestId('deliveries').getByText('delivered').waitFor();
    await axe(alice, 'settings with a webhook');
    await screenshots(alice, 'webhooks');
    await hook.getByRole('button', { name: /^Delete/ }).click();
    await hook.waitFor({ state: 'detached' });
  } finally {
    receiver.close();
  }
});

await phase('anonymous');

await step('an anonymous visitor sees the Sphere’s home and the list of Spheres', anon, async () => {
  // The Sphere's home: its activity (what every module it uses posted; each module checks its own items) and its feed.
  await anon.goto(`${base}/s/${publicSlug}`);
  await anon.getByTestId('activity-list').or(anon.getByTestId('no-activity')).waitFor();
  const feed = await anon.locator('link[rel=alternate][type="application/atom+xml"]').getAttribute('href');
  check(feed === `/s/${publicSlug}/feed.atom`, `the public Sphere's home links its Atom feed: ${feed}`);
  await axe(anon, 'Sphere home');
  await screenshots(anon, 'sphere-home');
  await anon.goto(`${base}/`);
  await anon.getByTestId('sphere-card').first().waitFor();
  await axe(anon, 'home');
  await screenshots(anon, 'home');
});

await step('alice creates a private Sphere', alice, async () => {
  await alice.goto(`${base}/`);
  await alice.getByLabel('Name', { exact: true }).fill(`Vault ${stamp}`);
  await alice.getByLabel('URL name', { exact: true }).fill(privateSlug);
  await alice.getByRole('radio', { name: /Private/ }).check();
  await alice.getByRole('button', { name: 'Create Sphere' }).click();
  await alice.waitForURL(`${base}/s/${privateSlug}`);
});

await phase('privateSphere');

await step('an anonymous visitor sees nothing of the private Sphere', anon, async () => {
  for (const page of ['/', `/s/${privateSlug}`, ...ctx.privatePages]) {
    await anon.goto(`${base}${page}`, { waitUntil: 'networkidle' });
    const html = await anon.content();
    for (const secret of ctx.secrets) check(!html.includes(secret), `${page} shows private content`);
    check(!html.includes(`Vault ${stamp}`) || page !== '/', `${page} lists the private Sphere`);
  }
});

await step('alice turns every module off in the private Sphere', alice, async () => {
  await alice.goto(`${base}/s/${privateSlug}/settings`);
  await alice.getByRole('button', { name: 'Save settings' }).waitFor();
  // One checkbox per module of this build, named by its label.
  const boxes = await alice.getByRole('group', { name: 'Modules' }).getByRole('checkbox').all();
  const labels = [];
  for (const box of boxes) {
    const label = await box.evaluate((input) => input.labels?.[0]?.textContent?.trim() ?? '');
    check(await box.isChecked(), `${label} is on in a new Sphere`);
    await box.uncheck();
    labels.push(label);
  }
  log(`turned off: ${labels.join(', ') || '(no modules in this build)'}`);
  await alice.getByRole('button', { name: 'Save settings' }).click();
  await alice.getByText('Settings saved.').waitFor();
  // Their tabs are gone: only Members and Settings are left.
  const tabs = alice.getByRole('navigation', { name: 'Sphere' });
  for (const label of labels) await tabs.getByRole('link', { name: label }).waitFor({ state: 'detached' });
  await alice
    .waitForFunction(() => {
      const links = [...document.querySelectorAll('nav[aria-label="Sphere"] a')].map((a) => a.textContent.trim());
      return links.length === 2 && links[0] === 'Members' && links[1] === 'Settings';
    })
    .catch(async () => {
      const left = await tabs.getByRole('link').allInnerTexts();
      throw new Error(`the Sphere's tabs after turning every module off: ${JSON.stringify(left)}`);
    });
});

await phase('modulesOff');

await step('operator page', alice, async () => {
  // alice set the instance up, so she administers it: the home page links her there.
  await alice.goto(`${base}/`);
  await alice.getByRole('link', { name: 'Instance administration' }).click();
  await alice.waitForURL(`${base}/admin`);
  await alice.getByRole('heading', { level: 1, name: 'Instance administration' }).waitFor();
  const row = (slug) => alice.locator(`[data-testid="admin-sphere-row"][data-slug="${slug}"]`);
  await row(publicSlug).waitFor();
  await row(privateSlug).waitFor();
  check((await row(privateSlug).textContent()).includes('Private'), 'the private Sphere is listed as private');
  await alice.getByTestId('indexer').locator('dl').waitFor();
  log(`indexer lag: ${await alice.getByTestId('indexer-lag').textContent()}`);

  // An invite code (they only matter under EXOSPHERE_SPHERE_CREATION=invite, which the page says).
  await alice.getByTestId('invite-policy-note').waitFor();
  const invites = alice.getByTestId('invite-code-form');
  await invites.getByLabel('Note', { exact: true }).fill(`For carol ${stamp}`);
  await invites.getByRole('button', { name: 'Create invite code' }).click();
  const code = (await alice.getByTestId('new-invite-code-value').textContent()).trim();
  check(code.length > 0, 'the new invite code is shown');
  await alice.locator(`[data-testid="invite-code"][data-code="${code}"]`).filter({ hasText: `For carol ${stamp}` }).waitFor();

  // Allow dave by handle, then take it back.
  const grant = alice.getByTestId('grant-form');
  await grant.getByLabel('Handle or DID', { exact: true }).fill(env.DAVE_HANDLE);
  await grant.getByRole('button', { name: 'Allow' }).click();
  await grant.getByText(/may now create Spheres/).waitFor();
  const creators = alice.getByTestId('creator-row');
  check((await creators.count()) === 1, `one allowed account after allowing dave: ${await creators.count()}`);
  await creators.first().getByRole('button', { name: /^Revoke/ }).click();
  await creators.first().waitFor({ state: 'detached' });
  await alice.getByTestId('no-creators').waitFor();

  // Hide the public Sphere from the instance's list, then list it again.
  await row(publicSlug).getByRole('button', { name: /^Hide from list/ }).click();
  await row(publicSlug).getByTestId('standing').filter({ hasText: 'Hidden' }).waitFor();
  await anon.goto(`${base}/`, { waitUntil: 'networkidle' });
  check(!(await anon.content()).includes(`Garden ${stamp}`), 'the home page lists a hidden Sphere');
  await row(publicSlug).getByRole('button', { name: /^List/ }).click();
  await row(publicSlug).getByTestId('standing').filter({ hasText: 'Listed' }).waitFor();
  await anon.goto(`${base}/`);
  await anon.getByTestId('sphere-card').filter({ hasText: `Garden ${stamp}` }).waitFor();

  await axe(alice, 'admin');
  await screenshots(alice, 'admin');
});

await step('bob, no administrator, gets none of the operator page', bob, async () => {
  await bob.goto(`${base}/admin`);
  const notAdmin = bob.getByTestId('not-admin');
  await notAdmin.waitFor();
  check(/for this instance.s administrators/.test(await notAdmin.textContent()), `bob on /admin: ${await notAdmin.textContent()}`);
  check((await bob.getByTestId('admin-sphere-row').count()) === 0, 'bob sees the Spheres table');
  // Under the admins policy the home page tells him why he has no form.
  await bob.goto(`${base}/`);
  await bob.getByTestId('creation-note').waitFor();
  check((await bob.getByRole('button', { name: 'Create Sphere' }).count()) === 0, 'bob gets the create form');
});

await step('alice makes an access token for a script on her account page, then revokes it', alice, async () => {
  // The header's handle leads to the account page.
  await alice.goto(`${base}/`);
  await alice.getByTestId('signed-in-as').click();
  await alice.waitForURL(`${base}/account`);
  await alice.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
  const form = alice.getByTestId('token-form');
  await form.getByLabel('Name', { exact: true }).fill(`Script ${stamp}`);
  await form.getByRole('radio', { name: /Read and write/ }).check();
  await form.getByRole('button', { name: 'Create token' }).click();
  const secret = (await alice.getByTestId('new-token-value').textContent()).trim();
  check(secret.startsWith('exo_'), `the new token is shown: ${secret}`);
  const row = alice.getByTestId('token-row').filter({ hasText: `Script ${stamp}` });
  await row.waitFor();
  check(!(await row.textContent()).includes(secret), 'the list never shows a secret');
  await axe(alice, 'account');
  await screenshots(alice, 'account');

  // A script (no browser, no cookie) acts as alice with it.
  const asScript = () =>
    fetch(`${base}/xrpc/site.exosphere.auth.getSession`, { headers: { authorization: `Bearer ${secret}` } });
  const ok = await asScript();
  const who = await ok.json();
  check(ok.status === 200 && who.did && who.handle === env.ALICE_HANDLE, `the token acts as alice: ${ok.status} ${JSON.stringify(who)}`);
  // Its use shows on the page once it reloads.
  await alice.reload();
  await row.getByTestId('token-last-used').filter({ hasNotText: 'never used' }).waitFor();

  await row.getByRole('button', { name: `Revoke Script ${stamp}` }).click();
  await row.waitFor({ state: 'detached' });
  const refused = await asScript();
  const body = await refused.json();
  check(refused.status === 401 && body.error === 'InvalidToken', `a revoked token is refused: ${refused.status} ${JSON.stringify(body)}`);
});

await step('no page broke its Content-Security-Policy', anon, async () => {
  check(cspViolations.length === 0, `CSP violations:\n${cspViolations.join('\n')}`);
});

await browser.close();
log(`all passed; screenshots in ${shots}`);
