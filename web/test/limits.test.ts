// The form limits must be the Lexicons' own: read the JSON and compare
// (core's in client/limits.ts, the board's in its folder).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS as CORE_LIMITS, type TextLimit } from '../src/client/limits';
import { BOARD_LIMITS } from '../src/modules/feature-requests/limits';

const LIMITS = { ...CORE_LIMITS, ...BOARD_LIMITS };

const lexicons = join(import.meta.dirname, '..', '..', 'lexicons', 'site', 'exosphere');

function property(file: string, path: string[]): Record<string, unknown> {
  let node: unknown = JSON.parse(readFileSync(join(lexicons, file), 'utf8'));
  for (const step of path) node = (node as Record<string, unknown>)[step];
  if (!node || typeof node !== 'object') throw new Error(`${file}: nothing at ${path.join('.')}`);
  return node as Record<string, unknown>;
}

const record = (name: string) => ['defs', 'main', 'record', 'properties', name];
const input = (name: string) => ['defs', 'main', 'input', 'schema', 'properties', name];
const param = (name: string) => ['defs', 'main', 'parameters', 'properties', name];

const sources: Record<keyof typeof LIMITS, [string, string[]][]> = {
  sphereName: [
    ['sphere.json', record('name')],
    ['sphere/createSphere.json', input('name')],
    ['sphere/updateSphere.json', input('name')],
  ],
  sphereSlug: [
    ['sphere.json', record('slug')],
    ['sphere/createSphere.json', input('slug')],
  ],
  sphereDescription: [
    ['sphere.json', record('description')],
    ['sphere/createSphere.json', input('description')],
  ],
  requestTitle: [
    ['featureRequest.json', record('title')],
    ['featureRequest/createRequest.json', input('title')],
    ['featureRequest/updateRequest.json', input('title')],
  ],
  requestDescription: [
    ['featureRequest.json', record('description')],
    ['featureRequest/createRequest.json', input('description')],
  ],
  commentText: [
    ['featureRequestComment.json', record('text')],
    ['featureRequest/createComment.json', input('text')],
  ],
  statusNote: [
    ['featureRequestStatus.json', record('note')],
    ['featureRequest/setStatus.json', input('note')],
  ],
  moderationReason: [
    ['moderation.json', record('reason')],
    ['sphere/moderate.json', input('reason')],
  ],
  searchQuery: [['featureRequest/listRequests.json', param('q')]],
  inviteMember: [['sphere/inviteMember.json', input('member')]],
};

function limitOf(node: Record<string, unknown>): TextLimit {
  const out: TextLimit = {};
  for (const k of ['minLength', 'maxLength', 'maxGraphemes'] as const) {
    if (typeof node[k] === 'number') out[k] = node[k] as number;
  }
  return out;
}

describe('LIMITS mirror the Lexicons', () => {
  for (const [name, places] of Object.entries(sources)) {
    for (const [file, path] of places) {
      it(`${name} = ${file} ${path.at(-1)}`, () => {
        expect(LIMITS[name as keyof typeof LIMITS]).toEqual(limitOf(property(file, path)));
      });
    }
  }

  it('every limit is checked against a Lexicon', () => {
    expect(Object.keys(sources).sort()).toEqual(Object.keys(LIMITS).sort());
  });
});
