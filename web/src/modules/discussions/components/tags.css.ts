import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const tags = style({ display: 'flex', flexWrap: 'wrap', gap: vars.space.xs, listStyle: 'none', margin: 0, padding: 0 });
export const chip = style({
  display: 'inline-block',
  padding: `0 ${vars.space.sm}`,
  borderRadius: vars.radius.pill,
  background: vars.color.surfaceAlt,
  color: vars.color.text,
  fontSize: '0.8rem',
  lineHeight: '1.8',
  textDecoration: 'none',
  border: `1px solid ${vars.color.border}`,
  selectors: {
    'a&:hover': { borderColor: vars.color.accent, color: vars.color.text },
    '&[aria-current="true"]': { background: vars.color.accentSoft, borderColor: vars.color.accent },
  },
});
