import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const modules = style({
  listStyle: 'none',
  margin: 0,
  padding: 0,
  display: 'flex',
  flexWrap: 'wrap',
  gap: vars.space.sm,
});
export const item = style({ display: 'flex', flexDirection: 'column', gap: vars.space.xs });
export const title = style({ margin: 0, fontSize: '1.05rem' });
export const meta = style({ margin: 0 });
export const warning = style({
  background: vars.color.warningSoft,
  color: vars.color.text,
  borderLeft: `4px solid ${vars.color.warning}`,
  padding: vars.space.md,
  borderRadius: vars.radius.sm,
});
