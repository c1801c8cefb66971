// Shared component styles: layout, buttons, form fields, cards, badges,
// alerts and skeletons. Modules compose these instead of restyling.
import { keyframes, style, styleVariants } from '@vanilla-extract/css';
import { vars } from './theme.css';

export const container = style({
  width: '100%',
  maxWidth: '52rem',
  margin: '0 auto',
  padding: `0 ${vars.space.md}`,
});

export const stack = style({ display: 'flex', flexDirection: 'column', gap: vars.space.md });
export const stackSm = style({ display: 'flex', flexDirection: 'column', gap: vars.space.sm });
export const row = style({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: vars.space.sm });
export const spread = style([row, { justifyContent: 'space-between' }]);
export const muted = style({ color: vars.color.textMuted });
export const small = style({ fontSize: '0.875rem' });
export const pre = style({ whiteSpace: 'pre-wrap', margin: 0 });

export const visuallyHidden = style({
  position: 'absolute',
  width: '1px',
  height: '1px',
  padding: 0,
  margin: '-1px',
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
});

export const skipLink = style([
  visuallyHidden,
  {
    selectors: {
      '&:focus': {
        position: 'fixed',
        top: vars.space.sm,
        left: vars.space.sm,
        width: 'auto',
        height: 'auto',
        margin: 0,
        padding: `${vars.space.sm} ${vars.space.md}`,
        clip: 'auto',
        background: vars.color.surface,
        color: vars.color.text,
        zIndex: 10,
        borderRadius: vars.radius.md,
      },
    },
  },
]);

export const card = style({
  background: vars.color.surface,
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.md,
  padding: vars.space.md,
});

const buttonBase = style({
  display: 'inline-flex',
  alignItems: 'center',
  justifyContent: 'center',
  gap: vars.space.xs,
  minHeight: '2.5rem',
  padding: `0 ${vars.space.md}`,
  borderRadius: vars.radius.md,
  border: '1px solid transparent',
  fontWeight: 600,
  cursor: 'pointer',
  textDecoration: 'none',
  whiteSpace: 'nowrap',
  selectors: {
    '&:disabled': { cursor: 'not-allowed', opacity: 0.65 },
  },
});

export const button = styleVariants({
  primary: [
    buttonBase,
    {
      background: vars.color.accent,
      color: vars.color.onAccent,
      selectors: {
        '&:hover:not(:disabled)': { background: vars.color.accentHover, color: vars.color.onAccent },
      },
    },
  ],
  secondary: [
    buttonBase,
    {
      background: vars.color.surface,
      color: vars.color.text,
      borderColor: vars.color.borderStrong,
      selectors: { '&:hover:not(:disabled)': { background: vars.color.surfaceAlt, color: vars.color.text } },
    },
  ],
  danger: [
    buttonBase,
    {
      background: vars.color.surface,
      color: vars.color.danger,
      borderColor: vars.color.danger,
      selectors: { '&:hover:not(:disabled)': { background: vars.color.dangerSoft } },
    },
  ],
  ghost: [
    buttonBase,
    {
      background: 'transparent',
      color: vars.color.accent,
      padding: `0 ${vars.space.sm}`,
      selectors: { '&:hover:not(:disabled)': { background: vars.color.accentSoft } },
    },
  ],
});

export const field = style({ display: 'flex', flexDirection: 'column', gap: vars.space.xs });
export const label = style({ fontWeight: 600 });
export const hint = style({ fontSize: '0.875rem', color: vars.color.textMuted });
export const fieldError = style({ fontSize: '0.875rem', color: vars.color.danger, fontWeight: 600 });

export const input = style({
  width: '100%',
  minHeight: '2.5rem',
  padding: `${vars.space.sm} ${vars.space.sm}`,
  background: vars.color.surface,
  border: `1px solid ${vars.color.borderStrong}`,
  borderRadius: vars.radius.sm,
  selectors: {
    '&[aria-invalid="true"]': { borderColor: vars.color.danger, borderWidth: '2px' },
  },
});
export const textarea = style([input, { minHeight: '7rem', resize: 'vertical' }]);
export const select = style([input, { width: 'auto', minWidth: '8rem' }]);

export const fieldset = style({
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.md,
  padding: vars.space.md,
  margin: 0,
  display: 'flex',
  flexDirection: 'column',
  gap: vars.space.xs,
});
export const legend = style({ fontWeight: 600, padding: `0 ${vars.space.xs}` });
export const choice = style({ display: 'flex', alignItems: 'flex-start', gap: vars.space.sm });

export const alert = styleVariants({
  error: {
    background: vars.color.dangerSoft,
    color: vars.color.text,
    borderLeft: `4px solid ${vars.color.danger}`,
    padding: vars.space.md,
    borderRadius: vars.radius.sm,
  },
  info: {
    background: vars.color.accentSoft,
    color: vars.color.text,
    borderLeft: `4px solid ${vars.color.accent}`,
    padding: vars.space.md,
    borderRadius: vars.radius.sm,
  },
  success: {
    background: vars.color.successSoft,
    color: vars.color.text,
    borderLeft: `4px solid ${vars.color.success}`,
    padding: vars.space.md,
    borderRadius: vars.radius.sm,
  },
});

const badgeBase = style({
  display: 'inline-block',
  padding: `0 ${vars.space.sm}`,
  borderRadius: vars.radius.pill,
  fontSize: '0.8rem',
  fontWeight: 600,
  lineHeight: '1.6',
  border: '1px solid currentColor',
  whiteSpace: 'nowrap',
});

export const badge = styleVariants({
  neutral: [badgeBase, { color: vars.color.textMuted }],
  accent: [badgeBase, { color: vars.color.accent, background: vars.color.accentSoft }],
  success: [badgeBase, { color: vars.color.success, background: vars.color.successSoft }],
  warning: [badgeBase, { color: vars.color.warning, background: vars.color.warningSoft }],
  danger: [badgeBase, { color: vars.color.danger, background: vars.color.dangerSoft }],
});

const pulse = keyframes({ '0%': { opacity: 1 }, '50%': { opacity: 0.55 }, '100%': { opacity: 1 } });

export const skeleton = style({
  display: 'block',
  background: vars.color.skeleton,
  borderRadius: vars.radius.sm,
  animation: `${pulse} 1.4s ease-in-out infinite`,
  '@media': { '(prefers-reduced-motion: reduce)': { animation: 'none' } },
});

export const list = style({ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: vars.space.sm });

export const tabs = style({
  display: 'flex',
  flexWrap: 'wrap',
  gap: vars.space.xs,
  borderBottom: `1px solid ${vars.color.border}`,
  margin: `${vars.space.md} 0`,
  padding: 0,
  listStyle: 'none',
});
export const tab = style({
  display: 'inline-block',
  padding: `${vars.space.sm} ${vars.space.md}`,
  textDecoration: 'none',
  color: vars.color.textMuted,
  fontWeight: 600,
  borderBottom: '3px solid transparent',
  selectors: {
    '&[aria-current="page"]': { color: vars.color.text, borderBottomColor: vars.color.accent },
    '&:hover': { color: vars.color.text },
  },
});
