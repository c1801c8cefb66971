import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const filters = style({
  display: 'flex',
  flexWrap: 'wrap',
  alignItems: 'flex-end',
  gap: vars.space.md,
});

export const search = style({
  display: 'flex',
  alignItems: 'flex-end',
  gap: vars.space.sm,
  flex: '1 1 16rem',
  minWidth: 0,
});

export const grow = style({ flex: 1, minWidth: 0 });

/** A group of toggle chips (checkboxes): the status filter, "My requests" and "I voted". */
export const chips = style({
  display: 'flex',
  flexWrap: 'wrap',
  alignItems: 'center',
  gap: vars.space.xs,
  border: 0,
  margin: 0,
  padding: 0,
  minWidth: 0,
});

export const chipsLegend = style({ fontWeight: 600, padding: 0, marginBottom: vars.space.xs, float: 'left', width: '100%' });

export const chip = style({
  display: 'inline-flex',
  alignItems: 'center',
  gap: vars.space.xs,
  minHeight: '2.25rem',
  padding: `0 ${vars.space.sm}`,
  border: `1px solid ${vars.color.borderStrong}`,
  borderRadius: '999px',
  background: vars.color.surface,
  cursor: 'pointer',
  fontSize: '0.875rem',
  selectors: {
    '&:has(input:checked)': { background: vars.color.accentSoft, borderColor: vars.color.accent, fontWeight: 600 },
    '&:has(input:focus-visible)': { outline: `2px solid ${vars.color.accent}`, outlineOffset: '2px' },
  },
});

export const chipInput = style({ margin: 0, accentColor: vars.color.accent });

export const reset = style({
  background: 'none',
  border: 0,
  padding: `0 ${vars.space.xs}`,
  color: vars.color.accent,
  textDecoration: 'underline',
  cursor: 'pointer',
  fontSize: '0.875rem',
  minHeight: '2.25rem',
});
