import { globalStyle, style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

/** A list of replies: the thread's, or the answers to a reply. */
export const tree = style({});
// A reply, its inline composer and its answers (by selector: a class each costs the server's render).
globalStyle(`${tree} > li`, { display: 'flex', flexDirection: 'column', gap: vars.space.sm, minWidth: 0 });
export const reply = style({ display: 'flex', flexDirection: 'column', gap: vars.space.xs, minWidth: 0 });
/** The author and date line. */
export const meta = style({ margin: 0 });
/** The author's name. */
globalStyle(`${meta} > strong`, { color: vars.color.text });
/** Answers, indented under what they answer. */
export const nested = style({
  paddingLeft: vars.space.sm,
  borderLeft: `2px solid ${vars.color.border}`,
  '@media': { 'screen and (min-width: 40rem)': { paddingLeft: vars.space.lg } },
});
/** Deep answers stop moving right, so narrow screens keep room for the text. */
export const nestedDeep = style({ paddingLeft: vars.space.xs, borderLeft: `2px solid ${vars.color.border}` });
export const inlineForm = style({
  paddingLeft: vars.space.sm,
  borderLeft: `2px solid ${vars.color.accent}`,
});
/** Reactions, then what one may do with the reply, on one line while they fit. */
export const footer = style({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: vars.space.sm });
