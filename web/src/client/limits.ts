// Text limits of core's Lexicons (lexicons/site/exosphere/: Spheres, members,
// moderation), mirrored for inline validation in forms; modules keep their own
// in their folder. test/limits.test.ts reads the Lexicon JSON and fails when
// these drift. maxLength counts UTF-8 bytes, maxGraphemes user-perceived
// characters (grapheme clusters), as the server checks them.

export interface TextLimit {
  minLength?: number;
  maxLength?: number;
  maxGraphemes?: number;
}

export const LIMITS = {
  sphereName: { minLength: 1, maxLength: 640, maxGraphemes: 64 },
  sphereSlug: { minLength: 2, maxLength: 48 },
  sphereDescription: { maxLength: 30000, maxGraphemes: 3000 },
  moderationReason: { maxLength: 3000, maxGraphemes: 300 },
  inviteMember: { minLength: 1, maxLength: 2048 },
  inviteCode: { maxLength: 64 },
  inviteNote: { maxLength: 1000, maxGraphemes: 100 },
  tokenName: { minLength: 1, maxLength: 300, maxGraphemes: 100 },
} as const satisfies Record<string, TextLimit>;

/** Slugs: lowercase letters, digits and single hyphens (sphere.json). */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
