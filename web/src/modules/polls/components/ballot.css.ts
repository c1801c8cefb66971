import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const ranking = style({ listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: vars.space.xs });
export const ranked = style({
  display: 'flex',
  alignItems: 'center',
  gap: vars.space.sm,
  padding: vars.space.xs,
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.md,
  background: vars.color.surfaceAlt,
});
export const rank = style({ minWidth: '1.75rem', textAlign: 'center', fontWeight: 700 });
export const grow = style({ flex: 1, minWidth: 0, overflowWrap: 'anywhere' });
export const iconButton = style({ minWidth: '2.5rem', padding: `0 ${vars.space.sm}` });
