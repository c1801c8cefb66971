// The Polls module's limits, mirrored from its Lexicons
// (lexicons/site/exosphere/poll*.json) for inline validation in its forms.
// Its test/limits.test.ts reads the Lexicon JSON and fails when these drift.
import type { TextLimit } from '../../client';

export const POLL_LIMITS = {
  question: { minLength: 1, maxLength: 3000, maxGraphemes: 300 },
  description: { maxLength: 100000, maxGraphemes: 10000 },
  /** One option's text. */
  option: { minLength: 1, maxLength: 1000, maxGraphemes: 100 },
} as const satisfies Record<string, TextLimit>;

/** A poll has 2 to 20 options (the Lexicons' `options` minLength and maxLength). */
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 20;
