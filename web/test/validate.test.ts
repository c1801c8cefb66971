import { describe, expect, it } from 'vitest';
import { graphemeLength, LIMITS, utf8Length, validateText } from '../src/client';
import { slugify, validateSlug } from '../src/modules/spheres/pages/home';

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

  it('accepts a name of exactly the limit and refuses one more', () => {
    const max = LIMITS.sphereName.maxGraphemes;
    expect(validateText('Name', 'a'.repeat(max), LIMITS.sphereName, true)).toBeUndefined();
    expect(validateText('Name', 'a'.repeat(max + 1), LIMITS.sphereName, true)).toBe(
      `Name is too long: ${max + 1} characters, at most ${max}.`,
    );
  });

  it('requires what is required, whitespace being nothing', () => {
    expect(validateText('Name', '   ', LIMITS.sphereName, true)).toBe('Name is required.');
    expect(validateText('Description', '', LIMITS.sphereDescription)).toBeUndefined();
  });

  it('refuses text within the grapheme limit but over the byte limit', () => {
    // 300 graphemes of 11 bytes each (a family emoji) = 3300 bytes > 3000.
    const family = '👨‍👩‍👧';
    const text = family.repeat(LIMITS.moderationReason.maxGraphemes);
    expect(graphemeLength(text)).toBe(300);
    expect(validateText('Reason', text, LIMITS.moderationReason)).toMatch(/bytes, at most 3000/);
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
