// The built server bundle (dist/server/render.js, with the QuickJS fast paths
// of vite.quickjs.ts) must render byte for byte what the unmodified libraries
// render from the same sources: a helper for core's test here and each
// module's (its test/built/). Run by scripts/check after the build
// (EXOSPHERE_BUILT_TESTS=1 vitest run); it fails when the bundle is missing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { dataFor, exosphereRender } from '../server';

type Render = typeof exosphereRender;

export function loadBundle(): { render: Render } {
  const path = fileURLToPath(new URL('../../dist/server/render.js', import.meta.url));
  const context = vm.createContext({});
  vm.runInContext(readFileSync(path, 'utf8'), context);
  const render = (context as { exosphereRender?: Render }).exosphereRender;
  if (typeof render !== 'function') throw new Error(`${path} defines no exosphereRender`);
  return { render };
}

/** A page: its name, its URL and the answers by NSID its queries get. */
export type BuiltPage = [name: string, url: string, answers: Record<string, unknown>];

/** One test per page: the bundle renders it as the libraries do. */
export function describeBuiltPages(title: string, pages: readonly BuiltPage[]): void {
  describe(title, () => {
    const bundle = loadBundle();
    for (const [name, url, answers] of pages) {
      it(`renders the ${name} as the libraries do`, () => {
        const expected = exosphereRender(url, dataFor(url, answers));
        const actual = bundle.render(url, JSON.parse(JSON.stringify(dataFor(url, answers))));
        expect(expected.html.length).toBeGreaterThan(200);
        expect(actual).toEqual(expected);
      });
    }
  });
}
