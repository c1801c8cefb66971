// The first page's JavaScript budget: gzipped size of every script the home
// page (/) loads — the entry from dist/index.html, its modulepreload links,
// everything the entry imports statically (from the Vite manifest), and the
// home route's lazily loaded page with its own static imports. Other pages'
// chunks are not counted.
// It first makes sure that no test code was built: no source under a
// test/ folder (core's web/test/, a module's src/modules/<name>/test/) or
// named *.test.* in the manifest, and no test library in any built script.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 60 * 1024;
const dist = join(import.meta.dirname, '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const isTest = (source) => /(^|\/)test\/|\.test\.[cm]?[jt]sx?$|(^|\/)(e2e|ssr-smoke)\.mjs$/.test(source);
const tested = Object.entries(manifest)
  .flatMap(([id, chunk]) => [id, chunk.src ?? ''])
  .filter((source) => source && isTest(source));
const scripts = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));
const withTestLibraries = scripts(dist).filter((file) =>
  /\bvitest\b|@testing-library|happy-dom|playwright/.test(readFileSync(file, 'utf8')),
);
if (tested.length || withTestLibraries.length) {
  const found = [...new Set(tested), ...withTestLibraries.map((file) => `dist/${relative(dist, file)}`)];
  console.error(`budget: test code in the build: ${found.join(', ')}`);
  process.exit(1);
}

const files = new Set();
for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/g)) files.add(m[1].replace(/^\//, ''));
for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) files.add(m[1].replace(/^\//, ''));

const seen = new Set();
function walk(id) {
  if (seen.has(id)) return;
  seen.add(id);
  const chunk = manifest[id];
  if (!chunk) return;
  files.add(chunk.file);
  for (const dep of chunk.imports ?? []) walk(dep);
}
for (const [id, chunk] of Object.entries(manifest)) if (chunk.isEntry) walk(id);
const entryFiles = new Set(files);
// The home route's page, loaded by the router right after the entry runs.
const HOME_PAGE = 'src/modules/spheres/pages/home.tsx';
if (!manifest[HOME_PAGE]) {
  console.error(`budget: ${HOME_PAGE} is not in the manifest (moved? update scripts/budget.mjs)`);
  process.exit(1);
}
walk(HOME_PAGE);

if (files.size === 0) {
  console.error('budget: found no scripts in dist/index.html');
  process.exit(1);
}
let total = 0;
let entryTotal = 0;
for (const file of [...files].sort()) {
  const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += size;
  if (entryFiles.has(file)) entryTotal += size;
  console.log(`  ${file}  ${(size / 1024).toFixed(1)} KB gzipped${entryFiles.has(file) ? ' (entry)' : ''}`);
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`entry + static imports: ${kb(entryTotal)} gzipped`);
console.log(`first page (/) JS: ${kb(total)} gzipped (budget ${kb(BUDGET)})`);
if (total >= BUDGET) {
  console.error(`budget: the first page's JavaScript is over budget by ${kb(total - BUDGET)}`);
  process.exit(1);
}
