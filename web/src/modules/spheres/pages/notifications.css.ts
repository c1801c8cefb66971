import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const item = style({ display: 'flex', flexDirection: 'column', gap: vars.space.xs });
export const unread = style({ borderLeft: `4px solid ${vars.color.accent}` });
export const text = style({ margin: 0, overflowWrap: 'anywhere' });
