import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const item = style({ display: 'flex', flexDirection: 'column', gap: vars.space.xs, minWidth: 0 });
export const title = style({ margin: 0, fontSize: '1.05rem' });
export const meta = style({ margin: 0 });
