// The board's URL state and the key its first page is injected under.
import { describe, expect, it } from 'vitest';
import { specKey } from '../../../client';
import { boardQuery, boardStateFromQuery } from '../model';

describe('the board query', () => {
  it('reads sort, status and search from the URL and ignores unknown values', () => {
    expect(boardStateFromQuery({ sort: 'new', status: 'done', q: '  dark ' })).toEqual({
      sort: 'new',
      status: 'done',
      q: 'dark',
    });
    expect(boardStateFromQuery({ sort: 'best', status: 'whatever' })).toEqual({ sort: 'top', status: '', q: '' });
  });

  it('has the key the server must inject the first page under', () => {
    const key = specKey(boardQuery('demo', { sort: 'trending', status: 'open', q: '' }));
    expect(key).toBe('site.exosphere.featureRequest.listRequests?limit=25&sort=trending&sphere=demo&status=open');
  });
});
