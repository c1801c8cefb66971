// The board's URL state and the key its first page is injected under.
import { describe, expect, it } from 'vitest';
import { specKey } from '../../../client';
import { boardQuery, boardStateFromQuery, boardUrl, DEFAULT_STATUSES } from '../model';

describe('the board query', () => {
  it('reads sort, statuses, filters and search from the URL and ignores unknown values', () => {
    expect(boardStateFromQuery({ sort: 'new', status: 'done', q: '  dark ' })).toEqual({
      sort: 'new',
      statuses: ['done'],
      by: '',
      voted: false,
      tag: '',
      q: 'dark',
    });
    expect(boardStateFromQuery({ sort: 'best', status: 'whatever', by: 'bob', voted: 'yes' })).toEqual({
      sort: 'top',
      statuses: DEFAULT_STATUSES,
      by: '',
      voted: false,
      tag: '',
      q: '',
    });
    // Listed in the order of the statuses, each once.
    expect(boardStateFromQuery({ status: 'done,open,nope,open' }).statuses).toEqual(['open', 'done']);
    expect(boardStateFromQuery({ status: 'all' }).statuses).toEqual([]);
    expect(boardStateFromQuery({ by: 'did:plc:abc', voted: '1' })).toMatchObject({ by: 'did:plc:abc', voted: true });
  });

  it('shows open, planned and in-progress requests by default, as Fider does', () => {
    expect(boardStateFromQuery({}).statuses).toEqual(['open', 'planned', 'in-progress']);
    expect(specKey(boardQuery('demo', boardStateFromQuery({})))).toBe(
      'site.exosphere.featureRequest.listRequests?limit=25&sort=top&sphere=demo&status=in-progress&status=open&status=planned',
    );
  });

  it('writes URLs that read back as the same state', () => {
    const states = [
      boardStateFromQuery({}),
      boardStateFromQuery({ status: 'all', sort: 'new' }),
      boardStateFromQuery({ status: 'declined,done', by: 'did:plc:abc', voted: '1', tag: 'Data & UI', q: 'dark mode' }),
    ];
    for (const state of states) {
      const url = new URL(boardUrl('demo', state), 'http://x');
      expect(boardStateFromQuery(Object.fromEntries(url.searchParams))).toEqual(state);
    }
    expect(boardUrl('demo', boardStateFromQuery({}))).toBe('/s/demo/feature-requests');
    expect(boardUrl('demo', boardStateFromQuery({ status: 'all' }))).toBe('/s/demo/feature-requests?status=all');
  });

  it('has the key the server must inject the first page under', () => {
    const key = specKey(
      boardQuery('demo', { sort: 'trending', statuses: ['open'], by: 'did:plc:abc', voted: true, tag: 'UI', q: '' }),
    );
    expect(key).toBe(
      'site.exosphere.featureRequest.listRequests?author=did%3Aplc%3Aabc&limit=25&sort=trending&sphere=demo&status=open&tag=UI&voted=true',
    );
  });
});
