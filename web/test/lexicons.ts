// The form limits must be the Lexicons' own: helpers that read a property of
// a Lexicon JSON file (lexicons/site/exosphere/…) and compare a table of
// limits with the places each comes from. Used by core's limits.test.ts and
// by each module's for its own limits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TextLimit } from '../src/client/limits';

const lexicons = join(import.meta.dirname, '..', '..', 'lexicons', 'site', 'exosphere');

/** The node at `path` in a Lexicon file (relative to lexicons/site/exosphere/). */
export function property(file: string, path: string[]): Record<string, unknown> {
  let node: unknown = JSON.parse(readFileSync(join(lexicons, file), 'utf8'));
  for (const step of path) node = (node as Record<string, unknown>)[step];
  if (!node || typeof node !== 'object') throw new Error(`${file}: nothing at ${path.join('.')}`);
  return node as Record<string, unknown>;
}

export const record = (name: string) => ['defs', 'main', 'record', 'properties', name];
export const input = (name: string) => ['defs', 'main', 'input', 'schema', 'properties', name];
export const param = (name: string) => ['defs', 'main', 'parameters', 'properties', name];

export function limitOf(node: Record<string, unknown>): TextLimit {
  const out: TextLimit = {};
  for (const k of ['minLength', 'maxLength', 'maxGraphemes'] as const) {
    if (typeof node[k] === 'number') out[k] = node[k] as number;
  }
  return out;
}

/** Every limit equals each Lexicon property it comes from, and every limit has a source. */
export function describeLimits<L extends Record<string, TextLimit>>(
  title: string,
  limits: L,
  sources: Record<keyof L, [file: string, path: string[]][]>,
): void {
  describe(title, () => {
    for (const [name, places] of Object.entries(sources) as [string, [string, string[]][]][]) {
      for (const [file, path] of places) {
        it(`${name} = ${file} ${path.at(-1)}`, () => {
          expect(limits[name]).toEqual(limitOf(property(file, path)));
        });
      }
    }

    it('every limit is checked against a Lexicon', () => {
      expect(Object.keys(sources).sort()).toEqual(Object.keys(limits).sort());
    });
  });
}
