import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const list = style({ display: 'flex', flexWrap: 'wrap', gap: vars.space.xs, listStyle: 'none', margin: 0, padding: 0 });

/** A tag: its name in the text colour (readable whatever the tag's colour), the colour as a dot. */
export const chip = style({
  display: 'inline-flex',
  alignItems: 'center',
  gap: '0.3em',
  padding: `0 ${vars.space.sm}`,
  borderRadius: '999px',
  background: vars.color.surfaceAlt,
  color: vars.color.text,
  fontSize: '0.8rem',
  lineHeight: '1.8',
  textDecoration: 'none',
  border: `1px solid ${vars.color.border}`,
  selectors: { 'a&:hover': { borderColor: vars.color.accent, color: vars.color.text } },
});

export const dot = style({
  width: '0.6em',
  height: '0.6em',
  borderRadius: '50%',
  background: vars.color.textMuted,
  flex: 'none',
});

export const manager = style({ display: 'flex', flexDirection: 'column', gap: vars.space.sm });
export const summary = style({ cursor: 'pointer', fontWeight: 600 });
export const colorInput = style({ width: '3rem', height: '2.5rem', padding: 0, border: 0, background: 'none' });
export const row = style({ display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: vars.space.sm });
