// @vitest-environment node
// The server bundle's templates (vite.templates.ts) render byte for byte what
// the unmodified libraries render from the same JSX: the fixture's cases,
// built with the server's config (its plugins and the renderer's QuickJS
// rewrites), against the same cases rendered here.
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { transformWithEsbuild, build, type Rollup } from 'vite';
import { parseAst } from 'rollup/parseAst';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import serverConfig from '../vite.server.config';
import { templateModule } from '../vite.templates';
import { cases, renderCases } from './templates/fixture';

const fixture = fileURLToPath(new URL('./templates/fixture.tsx', import.meta.url));
const entry = fileURLToPath(new URL('./templates/entry.ts', import.meta.url));

async function builtCases(): Promise<Record<string, string>> {
  const output = (await build({
    ...serverConfig,
    configFile: false,
    logLevel: 'silent',
    // Production's JSX (vitest's NODE_ENV would make it jsxDEV calls).
    esbuild: { ...serverConfig.esbuild, jsxDev: false },
    build: { ...serverConfig.build, write: false, lib: { entry, formats: ['iife'], name: 'templateFixture', fileName: () => 'fixture.js' } },
  })) as Rollup.RollupOutput[];
  const chunk = output.flatMap((o) => o.output).find((o): o is Rollup.OutputChunk => o.type === 'chunk');
  if (!chunk) throw new Error('no chunk built');
  const context = vm.createContext({});
  vm.runInContext(chunk.code, context);
  return (context as { templateCases: () => Record<string, string> }).templateCases();
}

describe('server bundle templates', () => {
  it('are made of the fixture: most of its elements become templates', async () => {
    const { code } = await transformWithEsbuild(readFileSync(fixture, 'utf8'), fixture, { jsx: 'automatic', jsxImportSource: 'preact' });
    const out = templateModule(code, (c) => parseAst(c) as never) ?? '';
    expect(out.match(/__templates\.template\(/g)?.length ?? 0).toBeGreaterThan(12);
    expect(out).toContain('"<form novalidate autocomplete=\\"off\\"><br/><input type=\\"checkbox\\" checked"');
  });

  it('render each case as the libraries do', async () => {
    const built = await builtCases();
    const expected = renderCases();
    expect(Object.keys(built)).toEqual(Object.keys(cases));
    for (const name of Object.keys(cases)) {
      expect({ name, html: built[name] }).toEqual({ name, html: expected[name] });
    }
  }, 60_000);
});
