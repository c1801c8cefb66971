import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const comment = style({ display: 'flex', gap: vars.space.sm, alignItems: 'flex-start' });
export const body = style({ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', gap: vars.space.xs });
/** The author and date line. */
export const meta = style({ margin: 0 });
export const replies = style({
  marginTop: vars.space.sm,
  paddingLeft: vars.space.md,
  borderLeft: `2px solid ${vars.color.border}`,
  '@media': { 'screen and (min-width: 40rem)': { paddingLeft: vars.space.lg } },
});
