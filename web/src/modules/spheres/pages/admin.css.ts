import { globalStyle, style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

// Scrolls sideways on narrow screens instead of squeezing the columns.
export const tableWrap = style({
  overflowX: 'auto',
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.md,
  background: vars.color.surface,
});
export const table = style({ width: '100%', borderCollapse: 'collapse', fontSize: '0.925rem' });
globalStyle(`${table} th, ${table} td`, {
  textAlign: 'left',
  verticalAlign: 'top',
  padding: vars.space.sm,
  borderBottom: `1px solid ${vars.color.border}`,
});
globalStyle(`${table} thead th`, { whiteSpace: 'nowrap', background: vars.color.surfaceAlt });
globalStyle(`${table} tbody tr:last-child > *`, { borderBottom: 'none' });

export const actions = style({ display: 'flex', flexDirection: 'column', alignItems: 'stretch', gap: vars.space.xs, minWidth: '10rem' });
export const cellNote = style({ display: 'block', marginTop: vars.space.xs, fontWeight: 400 });

export const stats = style({
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fill, minmax(9rem, 1fr))',
  gap: vars.space.sm,
  margin: 0,
});
globalStyle(`${stats} dd`, { margin: 0, fontWeight: 600, fontSize: '1.1rem' });
globalStyle(`${stats} dt`, { color: vars.color.textMuted, fontSize: '0.875rem' });

export const code = style({ fontFamily: vars.font.mono, overflowWrap: 'anywhere' });
export const newCode = style([code, { fontSize: '1.35rem', fontWeight: 700, letterSpacing: '0.04em' }]);
