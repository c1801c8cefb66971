import { describe, expect, it } from 'vitest';
import { graphemeLength, utf8Length, validateText } from '../src/client';
import { BOARD_LIMITS as LIMITS } from '../src/modules/feature-requests/limits';
import { slugify, validateSlug } from '../src/modules/spheres/pages/home';
import { validateRequest } from '../src/modules/feature-requests/pages/new-request';

describe('text limits as the server counts them', () => {
  it('counts UTF-8 bytes for maxLength', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('👍')).toBe(4);
  });

  it('counts grapheme clusters for maxGraphemes', () => {
    expect(graphemeLength('abc')).toBe(3);
    expect(graphemeLength('👍🏽')).toBe(1);
    expect(graphemeLength('e\u0301')).toBe(1);
  });

  it('accepts a title of exactly the limit and refuses one more', () => {
    const max = LIMITS.requestTitle.maxGraphemes;
    expect(validateRequest('a'.repeat(max), '').title).toBeUndefined();
    expect(validateRequest('a'.repeat(max + 1), '').title).toBe(`Title is too long: ${max + 1} characters, at most ${max}.`);
  });

  it('requires a title but not a description', () => {
    expect(validateRequest('   ', '').title).toBe('Title is required.');
    expect(validateRequest('Dark mode', '').description).toBeUndefined();
  });

  it('refuses text within the grapheme limit but over the byte limit', () => {
    // 300 graphemes of 11 bytes each (a family emoji) = 3300 bytes > 3000.
    const family = '👨‍👩‍👧';
    const title = family.repeat(LIMITS.requestTitle.maxGraphemes);
    expect(graphemeLength(title)).toBe(300);
    expect(validateText('Title', title, LIMITS.requestTitle, true)).toMatch(/bytes, at most 3000/);
  });
});

describe('Sphere URL names', () => {
  it('are made from the name', () => {
    expect(slugify('My Café — Project!')).toBe('my-cafe-project');
  });

  it('must be lowercase letters, digits and single hyphens', () => {
    expect(validateSlug('ok-name-2')).toBeUndefined();
    expect(validateSlug('Bad Name')).toMatch(/lowercase/);
    expect(validateSlug('a--b')).toMatch(/lowercase/);
    expect(validateSlug('a')).toMatch(/at least 2/);
  });
});
