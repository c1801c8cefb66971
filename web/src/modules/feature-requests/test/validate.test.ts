// The new-request form's validation against the board's Lexicon limits.
import { describe, expect, it } from 'vitest';
import { graphemeLength, validateText } from '../../../client';
import { BOARD_LIMITS as LIMITS } from '../limits';
import { validateRequest } from '../pages/new-request';

describe('the request’s text limits as the server counts them', () => {
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
