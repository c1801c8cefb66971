// The Discussions module's text limits, mirrored from its Lexicons
// (lexicons/site/exosphere/discussion*.json) for inline validation in its
// forms. Its test/limits.test.ts reads the Lexicon JSON and fails when these drift.
import type { TextLimit } from '../../client';

export const DISCUSSION_LIMITS = {
  threadTitle: { minLength: 1, maxLength: 3000, maxGraphemes: 300 },
  threadBody: { maxLength: 100000, maxGraphemes: 10000 },
  /** One tag of a thread. */
  tag: { minLength: 1, maxLength: 320, maxGraphemes: 32 },
  replyText: { minLength: 1, maxLength: 100000, maxGraphemes: 10000 },
  searchQuery: { maxLength: 300 },
  tagFilter: { maxLength: 320 },
} as const satisfies Record<string, TextLimit>;

/** At most this many tags on a thread (the Lexicons' `tags.maxLength`). */
export const MAX_TAGS = 5;
