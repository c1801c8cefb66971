import { globalStyle, style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

// Below this width the table's rows stack as cards, each cell under its column's name.
const narrow = 'screen and (max-width: 40rem)';

// Scrolls sideways when the columns don't fit (focusable, so the keyboard can scroll it too).
export const tableWrap = style({
  overflowX: 'auto',
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.md,
  background: vars.color.surface,
});
export const table = style({ width: '100%', borderCollapse: 'collapse', fontSize: '0.875rem' });
globalStyle(`${table} th, ${table} td`, {
  textAlign: 'left',
  verticalAlign: 'top',
  padding: vars.space.sm,
  borderBottom: `1px solid ${vars.color.border}`,
  // The body's `anywhere` would let the table squeeze its columns to a letter's width:
  // words break only where they would otherwise overflow their cell.
  overflowWrap: 'break-word',
});
// A header may take two lines ("Last activity"), so eight columns fit the page's width.
globalStyle(`${table} thead th`, { background: vars.color.surfaceAlt, verticalAlign: 'bottom' });
globalStyle(`${table} tbody tr:last-child > *`, { borderBottom: 'none' });

// The column's name before each cell, shown only where the rows stack.
globalStyle(`${table} td[data-label]::before`, {
  '@media': {
    [narrow]: {
      // "/ ''": the header already names the cell for screen readers (the fallback, for browsers without it, is read).
      content: ['attr(data-label)', 'attr(data-label) / ""'],
      fontWeight: 600,
      color: vars.color.textMuted,
    },
  },
});
globalStyle(`${table} thead`, {
  '@media': {
    // Visually hidden (the names are on each cell), still there for screen readers.
    [narrow]: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0, 0, 0, 0)' },
  },
});
globalStyle(`${table}, ${table} tbody, ${table} tr`, { '@media': { [narrow]: { display: 'block' } } });
globalStyle(`${table} tbody tr`, {
  '@media': {
    [narrow]: { padding: `${vars.space.sm} 0`, borderBottom: `1px solid ${vars.color.border}` },
  },
});
globalStyle(`${table} tbody tr:last-child`, { '@media': { [narrow]: { borderBottom: 'none' } } });
globalStyle(`${table} tbody th, ${table} tbody td`, {
  '@media': {
    [narrow]: {
      display: 'grid',
      gridTemplateColumns: '7.5rem minmax(0, 1fr)',
      gap: vars.space.sm,
      minWidth: 0,
      padding: `${vars.space.xs} ${vars.space.md}`,
      borderBottom: 'none',
    },
  },
});
globalStyle(`${table} tbody th`, { '@media': { [narrow]: { display: 'block', fontSize: '1rem' } } });

export const actions = style({
  display: 'flex',
  flexDirection: 'column',
  alignItems: 'stretch',
  gap: vars.space.xs,
});
// The table's buttons are narrower than the page's.
globalStyle(`${actions} button`, { paddingInline: vars.space.sm });
export const cellNote = style({ display: 'block', marginTop: vars.space.xs, fontWeight: 400 });

// One line per count ("1 request", "3 replies").
export const counts = style({ listStyle: 'none', margin: 0, padding: 0, whiteSpace: 'nowrap' });

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
