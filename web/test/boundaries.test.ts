// @vitest-environment node
// The module boundaries of the web app, read from the files themselves:
//
// (a) a module (a folder src/modules/<name>/, except spheres, which is core's
//     pages) imports only its own folder, src/client/ and npm packages; its
//     tests (its test/ folder) may also import web/test/, core's generic
//     test helpers;
// (b) no file of the build imports a test (web/test/, a module's test/);
// (c) nothing under web/ outside a module's folder names the module: not
//     client/, core's pages, the entries, the app shell, core's tests, the
//     end-to-end script, the scripts and configs, nor another module. The
//     names of a module are its folder name, its name, label and tab label
//     (from the registry), and its Lexicons' NSID prefixes (the ClientModule's
//     `lexicons`) with the camelCase, PascalCase, kebab and snake forms of
//     their last segment, e.g. `site.exosphere.bikeShed` → `bikeShed`,
//     `BikeSheds`, `bike-shed`, `bike_sheds`.
//
// Allowed: exactly one registry file, src/modules/registry.ts. Not scanned:
// node_modules/, dist/, *.md, lockfiles and the generated API types
// (client/schema.d.ts lists every XRPC method).
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { ClientModule } from '../src/client';
import { modules as registry } from '../src/modules/registry';

const web = resolve(import.meta.dirname, '..');
const src = join(web, 'src');
const client = join(src, 'client');
const modulesDir = join(src, 'modules');
const coreTests = join(web, 'test');
const CORE = 'spheres';
const REGISTRY = join(modulesDir, 'registry.ts');
const GENERATED = [join(client, 'schema.d.ts')];
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];
const SKIPPED_DIRS = ['node_modules', 'dist', '.git', 'e2e-screenshots'];

const rel = (file: string) => relative(web, file).split(sep).join('/');
const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + sep);

/** Every file under a folder (not following links, so not node_modules). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return [];
    if (stat.isDirectory()) return SKIPPED_DIRS.includes(name) ? [] : filesUnder(path);
    return [path];
  });
}

const isSource = (file: string) => /\.(ts|tsx|js|jsx|mjs|cjs)$/.test(file);
const sources = (dir: string) => filesUnder(dir).filter(isSource);

/** Every file under web/ that the naming rule reads. */
function scannedFiles(): string[] {
  return filesUnder(web).filter((file) => {
    const path = rel(file);
    if (path.endsWith('.md') || LOCKFILES.includes(path) || GENERATED.includes(file)) return false;
    return !readFileSync(file).includes(0); // text only
  });
}

const moduleFolders = readdirSync(modulesDir).filter(
  (name) => name !== CORE && lstatSync(join(modulesDir, name)).isDirectory(),
);

/** A module's test files: its test/ folder (vitest, built/, e2e.mjs, ssr-smoke.mjs). */
const isModuleTest = (file: string) =>
  moduleFolders.some((name) => inside(file, join(modulesDir, name, 'test')));
const isTest = (file: string) => inside(file, coreTests) || isModuleTest(file);

/** Every import of a file: static, dynamic, `export … from`, type-only. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** Relative imports of a file, resolved, as [specifier, target]. */
function localImports(file: string): [string, string][] {
  return importsOf(file)
    .filter((spec) => spec.startsWith('.') || spec.startsWith('/'))
    .map((spec) => [spec, spec.startsWith('/') ? join(web, spec) : resolve(dirname(file), spec)]);
}

/** How a module is named: what the naming rule looks for. */
interface ModuleNames {
  folder: string;
  /** Its name, label and tab label, from the registry (none for a folder the registry lacks). */
  words: string[];
  /** NSID prefixes of its Lexicons, e.g. site.exosphere.wiki. */
  lexicons: readonly string[];
}

function namesOf(folder: string, entry: ClientModule | undefined): ModuleNames {
  if (!entry) return { folder, words: [], lexicons: [] };
  return { folder, words: [entry.name, entry.label, entry.tab.label], lexicons: entry.lexicons };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The patterns a file may not match outside the module's folder. */
function namePatterns(names: ModuleNames): RegExp[] {
  const out: RegExp[] = [];
  // Kebab names (the folder, the module's name) as they are, in any case: `wikis`, not `wikis-extra`.
  for (const kebab of new Set([names.folder, ...names.words.filter((w) => /^[a-z0-9-]+$/.test(w))])) {
    out.push(new RegExp(`(?<![A-Za-z0-9-])${escape(kebab)}(?![A-Za-z0-9-])`, 'i'));
    if (kebab.includes('-')) out.push(new RegExp(`(?<![A-Za-z0-9])${escape(kebab.replaceAll('-', '_'))}(?![A-Za-z0-9])`, 'i'));
  }
  // Labels for people, as written: `Bike sheds`.
  for (const label of new Set(names.words.filter((w) => !/^[a-z0-9-]+$/.test(w)))) {
    out.push(new RegExp(`(?<![A-Za-z0-9])${escape(label)}(?![A-Za-z0-9])`));
  }
  // Each Lexicon's last segment, `bikeShed`: in camelCase (an NSID, a
  // variable), PascalCase anywhere in an identifier (`useBikeShed`), and
  // kebab or snake case; followed by a capital, `s`, a separator or the end,
  // so that `wiki` doesn't catch `wikipedia`.
  for (const prefix of names.lexicons) {
    const segment = prefix.split('.').at(-1) ?? '';
    if (!segment) continue;
    const end = '(?=[A-Z]|s(?![a-z])|(?![a-z]))';
    const parts = segment.split(/(?=[A-Z])/).map((p) => p.toLowerCase());
    out.push(new RegExp(`(?<![A-Za-z0-9])${escape(segment)}${end}`));
    out.push(new RegExp(`${escape(parts.map(capital).join(''))}${end}`));
    if (parts.length > 1) {
      for (const sep of ['-', '_']) {
        out.push(new RegExp(`(?<![A-Za-z0-9])${escape(parts.join(sep))}s?(?![A-Za-z0-9${escape(sep)}])`, 'i'));
      }
    }
  }
  return out;
}

const moduleNames: ModuleNames[] = moduleFolders.map((folder) => namesOf(folder, registry.find((m) => m.name === folder)));

/** Files of module folders importing what they may not, as "file imports spec (target)". */
function moduleImportViolations(): string[] {
  const out: string[] = [];
  for (const name of moduleFolders) {
    const own = join(modulesDir, name);
    for (const file of sources(own)) {
      for (const [spec, target] of localImports(file)) {
        if (inside(target, own) || inside(target, client)) continue;
        if (isModuleTest(file) && inside(target, coreTests)) continue;
        out.push(`${rel(file)} imports ${spec} (${rel(target)})`);
      }
    }
  }
  return out;
}

/** Files of the build importing a test, as "file imports spec (target)". */
function testImportViolations(): string[] {
  const out: string[] = [];
  for (const file of sources(src).filter((f) => !isTest(f))) {
    for (const [spec, target] of localImports(file)) {
      if (isTest(target)) out.push(`${rel(file)} imports ${spec} (${rel(target)})`);
    }
  }
  return out;
}

/** Where files name a module outside its folder, as "file:line names module M (text)". */
function namingViolations(files: readonly string[], all: readonly ModuleNames[] = moduleNames): string[] {
  const out: string[] = [];
  for (const file of files) {
    if (file === REGISTRY) continue;
    const text = `${rel(file)}\n${readFileSync(file, 'utf8')}`; // its path too, as line 0
    const lines = text.split('\n');
    for (const names of all) {
      if (inside(file, join(modulesDir, names.folder))) continue;
      const patterns = namePatterns(names);
      lines.forEach((line, i) => {
        const hits = patterns.map((p) => p.exec(line)?.[0]).filter((m): m is string => m !== undefined);
        if (hits.length) out.push(`${rel(file)}:${i} names module ${names.folder} (${[...new Set(hits)].map((h) => `"${h}"`).join(', ')})`);
      });
    }
  }
  return out;
}

describe('web module boundaries', () => {
  it('finds the modules and what they are called', () => {
    expect(moduleFolders.length).toBeGreaterThan(0);
    expect(moduleFolders).not.toContain(CORE);
    for (const names of moduleNames) expect(names.lexicons.length, `${names.folder}: no Lexicons`).toBeGreaterThan(0);
    // The scan reaches every kind of file under web/ and skips what it should.
    const scanned = scannedFiles().map(rel);
    for (const path of ['e2e/run.mjs', 'scripts/ssr-smoke.mjs', 'scripts/check', 'test/helpers.ts', 'vite.config.ts', 'package.json', 'index.html']) {
      expect(scanned).toContain(path);
    }
    expect(scanned.filter((p) => p.startsWith('node_modules/') || p.startsWith('dist/') || p.endsWith('.md'))).toEqual([]);
    expect(scanned).not.toContain('src/client/schema.d.ts');
    expect(scanned).not.toContain('package-lock.json');
  });

  it('modules import only their own folder, src/client and npm packages (their tests also web/test)', () => {
    const bad = moduleImportViolations();
    expect(
      bad,
      `modules may import only their own folder and web/src/client (their test/ also web/test):\n  ${bad.join('\n  ')}\n`,
    ).toEqual([]);
  });

  it('the build imports no test', () => {
    const bad = testImportViolations();
    expect(bad, `the app's sources may not import tests (web/test, src/modules/*/test):\n  ${bad.join('\n  ')}\n`).toEqual([]);
  });

  it('only the registry file names a module outside the module’s folder', () => {
    const bad = namingViolations(scannedFiles());
    expect(
      bad,
      `only ${rel(REGISTRY)} may name a module outside its folder (the rest gets them from installModules; a module's tests and e2e/ssr-smoke steps live in its test/):\n  ${bad.join('\n  ')}\n`,
    ).toEqual([]);
  });

  it('the registry names every module folder, each under its folder’s name', () => {
    const registryText = readFileSync(REGISTRY, 'utf8');
    const imported = importsOf(REGISTRY).map((spec) => resolve(modulesDir, spec));
    const missing = moduleFolders.filter((name) => !imported.includes(join(modulesDir, name)));
    expect(missing, `${rel(REGISTRY)} does not import: ${missing.join(', ')}`).toEqual([]);
    expect(registryText).toContain('export const modules');
    expect(registry.map((m) => m.name).sort()).toEqual([...moduleFolders].sort());
  });

  it('catches what it is meant to catch', () => {
    // The patterns themselves, on text that breaks the rules and text that doesn't (made-up modules).
    const sheds = namePatterns({ folder: 'bike-sheds', words: ['bike-sheds', 'Bike sheds', 'Sheds'], lexicons: ['site.exosphere.bikeShed'] });
    const hit = (text: string) => sheds.some((p) => p.test(text));
    expect(hit("sphere.modules.includes('bike-sheds')")).toBe(true);
    expect(hit('/s/demo/bike-sheds/3')).toBe(true);
    expect(hit("Schemas['site.exosphere.bikeShed.defs.shedView']")).toBe(true);
    expect(hit('type BikeShedView = {}')).toBe(true);
    expect(hit('const bikeSheds = []')).toBe(true);
    expect(hit('function useBikeShed() {}')).toBe(true);
    expect(hit('SELECT * FROM bike_sheds')).toBe(true);
    expect(hit('a bike-shed colour')).toBe(true);
    expect(hit("getByRole('link', { name: 'Bike sheds' })")).toBe(true);
    expect(hit("getByRole('link', { name: 'Sheds' })")).toBe(true);
    expect(hit('bike-sheds-extra')).toBe(false);
    expect(hit('bikeShedding')).toBe(false);
    expect(hit('we bike and shed')).toBe(false);
    const wikis = namePatterns({ folder: 'wikis', words: [], lexicons: ['site.exosphere.wiki'] });
    expect(wikis.some((p) => p.test('wikipedia says'))).toBe(false);
    expect(wikis.some((p) => p.test('site.exosphere.wiki.edit'))).toBe(true);
    expect(wikis.some((p) => p.test('const WikiView = 1'))).toBe(true);
    expect(wikis.some((p) => p.test("modules: ['wikis']"))).toBe(true);
  });

  it('reports each file and line that names a module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
    try {
      const file = join(dir, 'bike-sheds.ts');
      writeFileSync(file, "// fine\nconst a = 1;\nconst b = '/s/demo/bike-sheds';\nconst c = 'site.exosphere.bikeShed.list';\n");
      const bad = namingViolations([file], [{ folder: 'bike-sheds', words: [], lexicons: ['site.exosphere.bikeShed'] }]);
      expect(bad.map((line) => line.replace(/^.*bike-sheds\.ts/, 'FILE'))).toEqual([
        'FILE:0 names module bike-sheds ("bike-sheds")',
        'FILE:3 names module bike-sheds ("bike-sheds")',
        'FILE:4 names module bike-sheds ("bikeShed")',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
