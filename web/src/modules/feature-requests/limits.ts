// The board's text limits, mirrored from its Lexicons
// (lexicons/site/exosphere/featureRequest*.json) for inline validation in its
// forms. Its test/limits.test.ts reads the Lexicon JSON and fails when these drift.
import type { TextLimit } from '../../client';

export const BOARD_LIMITS = {
  requestTitle: { minLength: 1, maxLength: 3000, maxGraphemes: 300 },
  requestDescription: { maxLength: 100000, maxGraphemes: 10000 },
  commentText: { minLength: 1, maxLength: 50000, maxGraphemes: 5000 },
  statusNote: { maxLength: 10000, maxGraphemes: 1000 },
  searchQuery: { maxLength: 300 },
} as const satisfies Record<string, TextLimit>;
