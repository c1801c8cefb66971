// Colour contrast of the design tokens, both themes: text pairs at least
// 4.5:1 (WCAG AA, normal text), control borders at least 3:1.
import { describe, expect, it } from 'vitest';
import { darkTheme, lightTheme } from '../src/client/theme.css';

function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

type Color = keyof typeof lightTheme.color;
const text: [Color, Color][] = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['text', 'surfaceAlt'],
  ['textMuted', 'bg'],
  ['textMuted', 'surface'],
  ['textMuted', 'surfaceAlt'],
  ['accent', 'bg'],
  ['accent', 'surface'],
  ['accent', 'accentSoft'],
  ['onAccent', 'accent'],
  ['onAccent', 'accentHover'],
  ['danger', 'surface'],
  ['danger', 'dangerSoft'],
  ['text', 'dangerSoft'],
  ['success', 'successSoft'],
  ['text', 'successSoft'],
  ['warning', 'warningSoft'],
  ['text', 'accentSoft'],
  ['textMuted', 'dangerSoft'],
];
const borders: [Color, Color][] = [
  ['borderStrong', 'surface'],
  ['focus', 'bg'],
  ['focus', 'surface'],
];

describe.each([
  ['light', lightTheme],
  ['dark', darkTheme],
])('%s theme', (_, theme) => {
  it.each(text)('%s on %s reads at 4.5:1 or more', (fg, bg) => {
    expect(contrast(theme.color[fg], theme.color[bg])).toBeGreaterThanOrEqual(4.5);
  });
  it.each(borders)('%s against %s is at least 3:1', (fg, bg) => {
    expect(contrast(theme.color[fg], theme.color[bg])).toBeGreaterThanOrEqual(3);
  });
});
