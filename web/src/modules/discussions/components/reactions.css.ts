import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const wrap = style({ display: 'flex', flexDirection: 'column', gap: vars.space.xs, alignItems: 'flex-start' });
export const bar = style({
  display: 'flex',
  flexWrap: 'wrap',
  alignItems: 'center',
  gap: vars.space.xs,
  listStyle: 'none',
  margin: 0,
  padding: 0,
});

const pillBase = style({
  display: 'inline-flex',
  alignItems: 'center',
  gap: vars.space.xs,
  minHeight: '2rem',
  padding: `0 ${vars.space.sm}`,
  borderRadius: vars.radius.pill,
  border: `1px solid ${vars.color.border}`,
  background: vars.color.surface,
  color: vars.color.text,
  fontSize: '0.875rem',
  lineHeight: 1,
});

export const pill = pillBase;
export const toggle = style([
  pillBase,
  {
    cursor: 'pointer',
    selectors: {
      '&:hover': { borderColor: vars.color.accent },
      '&[aria-pressed="true"]': { background: vars.color.accentSoft, borderColor: vars.color.accent },
      '&[aria-busy="true"]': { cursor: 'progress' },
    },
  },
]);
export const add = style([toggle, { color: vars.color.textMuted }]);
export const count = style({ fontWeight: 600, fontVariantNumeric: 'tabular-nums' });
export const picker = style({
  display: 'flex',
  flexWrap: 'wrap',
  gap: vars.space.xs,
  padding: vars.space.xs,
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.md,
  background: vars.color.surface,
});
export const choice = style({
  minWidth: '2.25rem',
  minHeight: '2.25rem',
  border: '1px solid transparent',
  borderRadius: vars.radius.sm,
  background: 'transparent',
  fontSize: '1.1rem',
  cursor: 'pointer',
  selectors: {
    '&:hover': { background: vars.color.surfaceAlt },
    '&[aria-pressed="true"]': { background: vars.color.accentSoft, borderColor: vars.color.accent },
  },
});
