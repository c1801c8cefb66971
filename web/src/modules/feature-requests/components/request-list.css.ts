import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const item = style({ display: 'flex', gap: vars.space.md, alignItems: 'flex-start' });
export const body = style({ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', gap: vars.space.xs });
export const title = style({ margin: 0, fontSize: '1.05rem' });
