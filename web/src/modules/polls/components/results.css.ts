import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const chart = style({ display: 'block', overflow: 'visible' });
export const track = style({ fill: vars.color.surfaceAlt });
export const bar = style({ fill: vars.color.accent });
export const leading = style({ fill: vars.color.success });
export const label = style({ fill: vars.color.text, fontSize: '14px', fontFamily: vars.font.body });
export const value = style({ fill: vars.color.textMuted, fontSize: '13px', fontFamily: vars.font.body });
export const table = style({ width: '100%', borderCollapse: 'collapse', fontSize: '0.9rem' });
export const cell = style({ padding: `${vars.space.xs} ${vars.space.sm}`, borderBottom: `1px solid ${vars.color.border}`, textAlign: 'left' });
export const number = style([cell, { textAlign: 'right', fontVariantNumeric: 'tabular-nums' }]);
export const out = style({ color: vars.color.textMuted, textDecoration: 'line-through' });
export const scroll = style({ overflowX: 'auto' });
