import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

/** Three columns side by side where they fit, one under the other on a phone. */
export const columns = style({
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fit, minmax(14rem, 1fr))',
  gap: vars.space.md,
  alignItems: 'start',
});

export const column = style({
  display: 'flex',
  flexDirection: 'column',
  gap: vars.space.sm,
  padding: vars.space.sm,
  borderRadius: vars.radius.md,
  background: vars.color.surfaceAlt,
  minWidth: 0,
});

export const heading = style({ margin: 0, fontSize: '1.1rem' });
export const card = style({ display: 'flex', flexDirection: 'column', gap: vars.space.xs, padding: vars.space.sm });
export const title = style({ fontWeight: 600, overflowWrap: 'anywhere' });
