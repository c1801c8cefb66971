import { style } from '@vanilla-extract/css';
import { vars } from './client/theme.css';

export const header = style({
  background: vars.color.surface,
  borderBottom: `1px solid ${vars.color.border}`,
});

export const headerInner = style({
  display: 'flex',
  alignItems: 'center',
  justifyContent: 'space-between',
  flexWrap: 'wrap',
  gap: vars.space.sm,
  // Fixed height: the sign-in state arrives after the first paint without moving the page.
  minHeight: '3.5rem',
  paddingTop: vars.space.xs,
  paddingBottom: vars.space.xs,
});

export const brand = style({
  fontWeight: 800,
  fontSize: '1.15rem',
  color: vars.color.text,
  textDecoration: 'none',
  selectors: { '&:hover': { color: vars.color.accent } },
});

export const handle = style({
  maxWidth: '12rem',
  '@media': { 'screen and (max-width: 30rem)': { maxWidth: '7rem' } },
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  whiteSpace: 'nowrap',
});

export const accountPlaceholder = style({ display: 'inline-block', width: '5.5rem', height: '2.5rem' });

export const main = style({
  paddingTop: vars.space.lg,
  paddingBottom: vars.space.xl,
  minHeight: '60vh',
  outline: 'none',
});

export const footer = style({
  paddingTop: vars.space.md,
  paddingBottom: vars.space.lg,
  borderTop: `1px solid ${vars.color.border}`,
});

// On narrow screens the theme toggle shows its icon only (its name stays "Dark theme").
export const narrowHidden = style({
  '@media': {
    'screen and (max-width: 30rem)': {
      position: 'absolute',
      width: '1px',
      height: '1px',
      overflow: 'hidden',
      clip: 'rect(0, 0, 0, 0)',
      whiteSpace: 'nowrap',
    },
  },
});

/** The notifications bell, with its unread count as a small badge. */
export const bell = style({
  position: 'relative',
  display: 'inline-flex',
  alignItems: 'center',
  justifyContent: 'center',
  minWidth: '2.5rem',
  minHeight: '2.5rem',
  textDecoration: 'none',
  fontSize: '1.1rem',
});

export const bellCount = style({
  position: 'absolute',
  top: '0.1rem',
  right: '0',
  minWidth: '1.2rem',
  padding: '0 0.25rem',
  borderRadius: '999px',
  background: vars.color.danger,
  color: vars.color.onAccent,
  fontSize: '0.7rem',
  fontWeight: 700,
  lineHeight: '1.2rem',
  textAlign: 'center',
});
