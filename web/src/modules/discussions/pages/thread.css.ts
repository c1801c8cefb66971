import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const moderation = style({
  paddingTop: vars.space.sm,
  borderTop: `1px dashed ${vars.color.border}`,
});
