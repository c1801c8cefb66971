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
