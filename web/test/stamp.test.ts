// @vitest-environment node
// scripts/stamp hashes every input of the web build, so that a stale dist/
// is rebuilt (the Rust tests and benches build the web app only when its
// stamp changed): the Vite configs and every plugin of theirs among them.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const web = fileURLToPath(new URL('..', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'stamp-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

it('changes with each Vite config and plugin', () => {
  // A copy of the stamp's inputs, laid out as in the repository.
  mkdirSync(join(copy, 'web/scripts'), { recursive: true });
  mkdirSync(join(copy, 'openapi'));
  cpSync(join(web, 'scripts/stamp'), join(copy, 'web/scripts/stamp'));
  cpSync(join(web, 'src'), join(copy, 'web/src'), { recursive: true });
  cpSync(join(web, '../openapi/openapi.json'), join(copy, 'openapi/openapi.json'));
  const viteFiles = readdirSync(web).filter((f) => /^vite\..*\.ts$/.test(f));
  for (const file of ['index.html', 'package.json', 'package-lock.json', 'tsconfig.json', ...viteFiles]) {
    cpSync(join(web, file), join(copy, 'web', file));
  }
  const stamp = () => execFileSync(join(copy, 'web/scripts/stamp'), { encoding: 'utf8' }).trim();
  expect(viteFiles).toEqual(expect.arrayContaining(['vite.config.ts', 'vite.server.config.ts', 'vite.templates.ts']));
  let before = stamp();
  for (const file of viteFiles) {
    appendFileSync(join(copy, 'web', file), '\n// changed\n');
    const after = stamp();
    expect({ file, changed: after !== before }).toEqual({ file, changed: true });
    before = after;
  }
});
