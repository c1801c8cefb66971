import { describe, expect, it } from 'vitest';
import { querySpec, queryKey, specKey } from '../src/client';

describe('queryKey', () => {
  it('is the bare NSID without parameters', () => {
    expect(queryKey('site.exosphere.auth.getSession')).toBe('site.exosphere.auth.getSession');
    expect(queryKey('site.exosphere.auth.getSession', {})).toBe('site.exosphere.auth.getSession');
  });

  it('sorts parameters by name whatever order they were given in', () => {
    const a = queryKey('m', { sphere: 'demo', limit: 25, sort: 'top' });
    const b = queryKey('m', { sort: 'top', sphere: 'demo', limit: 25 });
    expect(a).toBe('m?limit=25&sort=top&sphere=demo');
    expect(b).toBe(a);
  });

  it('repeats array parameters, sorted by value', () => {
    expect(queryKey('m', { status: ['planned', 'open'] })).toBe('m?status=open&status=planned');
  });

  it('leaves out undefined, null, empty strings and empty arrays', () => {
    expect(queryKey('m', { a: undefined, b: null, c: '', d: [], e: 0, f: false })).toBe('m?e=0&f=false');
  });

  it('percent-encodes keys and values', () => {
    expect(queryKey('m', { q: 'dark mode & more/é' })).toBe('m?q=dark%20mode%20%26%20more%2F%C3%A9');
  });
});

describe('specKey', () => {
  it('is the key of a query and its parameters', () => {
    const spec = querySpec('site.exosphere.sphere.listMembers', { sphere: 'demo', limit: 50, cursor: undefined });
    expect(specKey(spec)).toBe('site.exosphere.sphere.listMembers?limit=50&sphere=demo');
    expect(specKey(querySpec('site.exosphere.auth.getSession', {}))).toBe('site.exosphere.auth.getSession');
  });
});
