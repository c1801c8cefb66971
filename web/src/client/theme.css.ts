// Design tokens: one contract, a light and a dark theme. The dark theme
// follows prefers-color-scheme unless the person picked one with the toggle
// (stored in localStorage, applied as <html data-theme>; see theme.ts).
// Colour pairs keep at least 4.5:1 contrast (WCAG AA) in both themes.
import { assignVars, createThemeContract, globalStyle } from '@vanilla-extract/css';

export const vars = createThemeContract({
  color: {
    bg: null,
    surface: null,
    surfaceAlt: null,
    text: null,
    textMuted: null,
    border: null,
    borderStrong: null,
    accent: null,
    accentHover: null,
    onAccent: null,
    accentSoft: null,
    focus: null,
    danger: null,
    dangerSoft: null,
    success: null,
    successSoft: null,
    warning: null,
    warningSoft: null,
    skeleton: null,
  },
  font: { body: null, mono: null },
  space: { xs: null, sm: null, md: null, lg: null, xl: null },
  radius: { sm: null, md: null, pill: null },
});

const shared = {
  font: {
    body: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    mono: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  },
  space: { xs: '0.25rem', sm: '0.5rem', md: '1rem', lg: '1.5rem', xl: '2.5rem' },
  radius: { sm: '4px', md: '8px', pill: '999px' },
};

export const lightTheme = {
  ...shared,
  color: {
    bg: '#f6f7f9',
    surface: '#ffffff',
    surfaceAlt: '#eef0f4',
    text: '#1a1d23',
    textMuted: '#4a5160',
    border: '#d5d9e0',
    borderStrong: '#6b7280',
    accent: '#1d4ed8',
    accentHover: '#1e40af',
    onAccent: '#ffffff',
    accentSoft: '#e0e9ff',
    focus: '#1d4ed8',
    danger: '#b42318',
    dangerSoft: '#fdecea',
    success: '#067647',
    successSoft: '#e3f6ec',
    warning: '#8a4b00',
    warningSoft: '#fff3dc',
    skeleton: '#e3e6eb',
  },
};

export const darkTheme = {
  ...shared,
  color: {
    bg: '#0f1115',
    surface: '#171a21',
    surfaceAlt: '#20242d',
    text: '#e8eaf0',
    textMuted: '#a9b0bd',
    border: '#343a46',
    borderStrong: '#8a93a3',
    accent: '#8ab4ff',
    accentHover: '#a9c7ff',
    onAccent: '#0b1220',
    accentSoft: '#1c2b4a',
    focus: '#8ab4ff',
    danger: '#ff8a80',
    dangerSoft: '#3a1c1a',
    success: '#6ee7a8',
    successSoft: '#133026',
    warning: '#fbbf24',
    warningSoft: '#33270f',
    skeleton: '#262b35',
  },
};

globalStyle(':root', {
  vars: assignVars(vars, lightTheme),
  colorScheme: 'light',
  '@media': {
    '(prefers-color-scheme: dark)': { vars: assignVars(vars, darkTheme), colorScheme: 'dark' },
  },
});
globalStyle(':root[data-theme="light"]', { vars: assignVars(vars, lightTheme), colorScheme: 'light' });
globalStyle(':root[data-theme="dark"]', { vars: assignVars(vars, darkTheme), colorScheme: 'dark' });

globalStyle('*, *::before, *::after', { boxSizing: 'border-box' });
globalStyle('html', { WebkitTextSizeAdjust: '100%' });
globalStyle('body', {
  margin: 0,
  minHeight: '100vh',
  background: vars.color.bg,
  color: vars.color.text,
  fontFamily: vars.font.body,
  fontSize: '1rem',
  lineHeight: 1.5,
  overflowWrap: 'anywhere',
});
globalStyle('a', { color: vars.color.accent, textUnderlineOffset: '0.15em' });
globalStyle('a:hover', { color: vars.color.accentHover });
globalStyle(':focus-visible', { outline: `3px solid ${vars.color.focus}`, outlineOffset: '2px' });
globalStyle('h1, h2, h3', { lineHeight: 1.25, margin: `0 0 ${vars.space.sm}` });
globalStyle('h1', { fontSize: '1.6rem' });
globalStyle('h2', { fontSize: '1.25rem' });
globalStyle('h3', { fontSize: '1.05rem' });
globalStyle('p', { margin: `0 0 ${vars.space.sm}` });
globalStyle('button, input, select, textarea', { font: 'inherit', color: 'inherit' });
