import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const head = style({ display: 'flex', gap: vars.space.md, alignItems: 'flex-start' });
export const titleBlock = style({ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', gap: vars.space.xs });
