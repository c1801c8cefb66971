// @vitest-environment node
// The module boundaries of the web app, read from the sources:
//
// (a) a module (a folder src/modules/<name>/, except spheres, which is core's
//     pages) imports only its own folder, src/client/ and npm packages;
// (b) nothing outside the modules' folders names a module (its folder name,
//     e.g. `feature-requests`, or its NSID prefix, e.g. `featureRequest`):
//     not client/, not core's pages (spheres/), not the entries and the app
//     shell. They know the modules through client/ (installModules) only.
//
// Allowed: exactly one registry file, src/modules/registry.ts, and the
// generated API types (client/schema.d.ts lists every XRPC method).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const web = resolve(import.meta.dirname, '..');
const src = join(web, 'src');
const client = join(src, 'client');
const modulesDir = join(src, 'modules');
const CORE = 'spheres';
const REGISTRY = join(modulesDir, 'registry.ts');
const GENERATED = [join(client, 'schema.d.ts')];

const rel = (file: string) => relative(web, file).split(sep).join('/');
const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + sep);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx|js|jsx|mjs)$/.test(name) ? [path] : [];
  });
}

const moduleNames = readdirSync(modulesDir).filter(
  (name) => name !== CORE && statSync(join(modulesDir, name)).isDirectory(),
);

/** Every import of a file: static, dynamic, `export … from`, type-only. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** `feature-requests` → `featureRequest`: the module's NSID prefix (site.exosphere.featureRequest.*). */
function nsidPrefix(folder: string): string {
  const camel = folder.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return camel.endsWith('s') ? camel.slice(0, -1) : camel;
}

/** How a file may name a module: its folder name, or its NSID prefix (either case of the first letter). */
function namePatterns(folder: string): RegExp[] {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const prefix = nsidPrefix(folder);
  const first = prefix[0] ?? '';
  return [
    new RegExp(`(?<![A-Za-z0-9-])${escape(folder)}(?![A-Za-z0-9-])`, 'i'),
    new RegExp(`\\b[${first.toLowerCase()}${first.toUpperCase()}]${escape(prefix.slice(1))}(?=[A-Z.s]|\\b)`),
  ];
}

/** Files of module folders importing outside their folder and client/, as "file → import". */
function moduleImportViolations(): string[] {
  const out: string[] = [];
  for (const name of moduleNames) {
    const own = join(modulesDir, name);
    for (const file of sources(own)) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.') && !spec.startsWith('/')) continue; // an npm package
        const target = spec.startsWith('/') ? join(web, spec) : resolve(dirname(file), spec);
        if (inside(target, own) || inside(target, client)) continue;
        out.push(`${rel(file)} imports ${spec} (${rel(target)})`);
      }
    }
  }
  return out;
}

/** Files outside the modules' folders that name a module, as "file names module (text)". */
function namingViolations(): string[] {
  const out: string[] = [];
  const outside = sources(src).filter(
    (file) => !moduleNames.some((name) => inside(file, join(modulesDir, name))),
  );
  for (const file of outside) {
    if (file === REGISTRY || GENERATED.includes(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const name of moduleNames) {
      for (const pattern of namePatterns(name)) {
        const match = pattern.exec(text);
        if (match) {
          const line = text.slice(0, match.index).split('\n').length;
          out.push(`${rel(file)}:${line} names module ${name} ("${match[0]}")`);
        }
      }
    }
  }
  return out;
}

describe('web module boundaries', () => {
  it('finds the modules', () => {
    expect(moduleNames).toContain('feature-requests');
    expect(nsidPrefix('feature-requests')).toBe('featureRequest');
  });

  it('modules import only their own folder, src/client and npm packages', () => {
    const bad = moduleImportViolations();
    expect(bad, `modules may import only their own folder and web/src/client:\n  ${bad.join('\n  ')}\n`).toEqual([]);
  });

  it('only the registry file names a module outside the modules’ folders', () => {
    const bad = namingViolations();
    expect(
      bad,
      `only ${rel(REGISTRY)} may name a module outside its folder (client/, spheres/ and the entries get them from installModules):\n  ${bad.join('\n  ')}\n`,
    ).toEqual([]);
  });

  it('the registry names every module folder', () => {
    const registry = readFileSync(REGISTRY, 'utf8');
    const imported = importsOf(REGISTRY).map((spec) => resolve(modulesDir, spec));
    const missing = moduleNames.filter((name) => !imported.includes(join(modulesDir, name)));
    expect(missing, `${rel(REGISTRY)} does not import: ${missing.join(', ')}`).toEqual([]);
    expect(registry).toContain('export const modules');
  });

  it('catches what it is meant to catch', () => {
    // The patterns themselves, on text that breaks the rules and text that doesn't.
    const [folder, nsid] = namePatterns('feature-requests');
    expect(folder?.test("sphere.modules.includes('feature-requests')")).toBe(true);
    expect(nsid?.test("Schemas['site.exosphere.featureRequest.defs.requestView']")).toBe(true);
    expect(nsid?.test('type FeatureRequestView = {}')).toBe(true);
    expect(folder?.test('feature-requests-extra')).toBe(false);
    expect(namePatterns('polls')[1]?.test('polling the server')).toBe(false);
    expect(namePatterns('polls')[1]?.test('site.exosphere.poll.vote')).toBe(true);
  });
});
