import type { TextLimit } from './limits';

/** UTF-8 length in bytes (what Lexicon maxLength counts). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

type Segmenter = { segment(text: string): Iterable<unknown> };
let segmenter: Segmenter | null | undefined;

/** Grapheme clusters (what Lexicon maxGraphemes counts): "👍🏽" is one. */
export function graphemeLength(text: string): number {
  if (segmenter === undefined) {
    const Intl_ = (globalThis as { Intl?: { Segmenter?: new (l?: string, o?: object) => Segmenter } }).Intl;
    segmenter = Intl_?.Segmenter ? new Intl_.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  }
  if (!segmenter) return Array.from(text).length;
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/**
 * Checks a field's text against its Lexicon limit; returns a message for
 * people, or undefined when the text is fine. `label` names the field.
 */
export function validateText(label: string, text: string, limit: TextLimit, required = false): string | undefined {
  const min = Math.max(limit.minLength ?? 0, required ? 1 : 0);
  if (min > 0 && text.trim().length === 0) return `${label} is required.`;
  if (limit.minLength && utf8Length(text) < limit.minLength) {
    return `${label} must be at least ${limit.minLength} characters long.`;
  }
  if (limit.maxGraphemes !== undefined) {
    const n = graphemeLength(text);
    if (n > limit.maxGraphemes) return `${label} is too long: ${n} characters, at most ${limit.maxGraphemes}.`;
  }
  if (limit.maxLength !== undefined) {
    const n = utf8Length(text);
    if (n > limit.maxLength) return `${label} is too long: ${n} bytes, at most ${limit.maxLength}.`;
  }
  return undefined;
}

/** "12 / 300" style counter text for a limited field. */
export function remaining(text: string, limit: TextLimit): { used: number; max: number } | undefined {
  if (limit.maxGraphemes !== undefined) return { used: graphemeLength(text), max: limit.maxGraphemes };
  if (limit.maxLength !== undefined) return { used: utf8Length(text), max: limit.maxLength };
  return undefined;
}
