import { globalStyle, style } from '@vanilla-extract/css';
import { vars } from '../theme.css';

/** Rendered Markdown: readable spacing, code and quotes, tables that scroll instead of widening the page. */
export const markdown = style({ minWidth: 0, overflowWrap: 'anywhere' });

globalStyle(`${markdown} > :first-child`, { marginTop: 0 });
globalStyle(`${markdown} > :last-child`, { marginBottom: 0 });
globalStyle(`${markdown} p, ${markdown} ul, ${markdown} ol, ${markdown} blockquote, ${markdown} pre, ${markdown} table`, {
  margin: `0 0 ${vars.space.sm}`,
});
globalStyle(`${markdown} h2, ${markdown} h3, ${markdown} h4, ${markdown} h5, ${markdown} h6`, {
  fontSize: '1.05rem',
  margin: `${vars.space.md} 0 ${vars.space.xs}`,
});
globalStyle(`${markdown} ul, ${markdown} ol`, { paddingLeft: vars.space.lg });
globalStyle(`${markdown} code`, {
  fontFamily: vars.font.mono,
  fontSize: '0.9em',
  background: vars.color.surfaceAlt,
  borderRadius: vars.radius.sm,
  padding: '0 0.2em',
});
globalStyle(`${markdown} pre`, {
  background: vars.color.surfaceAlt,
  borderRadius: vars.radius.sm,
  padding: vars.space.sm,
  overflowX: 'auto',
});
globalStyle(`${markdown} pre code`, { background: 'none', padding: 0, overflowWrap: 'normal' });
globalStyle(`${markdown} blockquote`, {
  borderLeft: `3px solid ${vars.color.borderStrong}`,
  padding: `0 ${vars.space.sm}`,
  color: vars.color.textMuted,
});
globalStyle(`${markdown} table`, { display: 'block', overflowX: 'auto', borderCollapse: 'collapse' });
globalStyle(`${markdown} th, ${markdown} td`, {
  border: `1px solid ${vars.color.border}`,
  padding: `${vars.space.xs} ${vars.space.sm}`,
});
globalStyle(`${markdown} hr`, { border: 0, borderTop: `1px solid ${vars.color.border}` });
