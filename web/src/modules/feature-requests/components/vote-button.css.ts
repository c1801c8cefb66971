import { style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

export const wrap = style({ display: 'inline-flex', flexDirection: 'column', alignItems: 'center', gap: vars.space.xs });

const box = style({
  display: 'inline-flex',
  flexDirection: 'column',
  alignItems: 'center',
  justifyContent: 'center',
  borderRadius: vars.radius.md,
  border: `1px solid ${vars.color.borderStrong}`,
  background: vars.color.surface,
  color: vars.color.text,
  lineHeight: 1.1,
});

export const large = style([box, { width: '4rem', minHeight: '4rem' }]);
export const small = style([box, { flexDirection: 'row', gap: vars.space.xs, minHeight: '2.25rem', padding: `0 ${vars.space.sm}` }]);

export const button = style({
  cursor: 'pointer',
  fontWeight: 600,
  selectors: {
    '&:hover': { background: vars.color.accentSoft },
    '&[aria-pressed="true"]': {
      background: vars.color.accent,
      color: vars.color.onAccent,
      borderColor: vars.color.accent,
    },
    '&[aria-busy="true"]': { cursor: 'progress' },
  },
});

export const count = style({ borderStyle: 'dashed' });
export const arrow = style({ fontSize: '0.8rem' });
export const number = style({ fontWeight: 700, fontVariantNumeric: 'tabular-nums' });
export const unit = style({ fontSize: '0.75rem' });
export const error = style({ color: vars.color.danger, fontSize: '0.8rem', maxWidth: '12rem', textAlign: 'center' });

/** The count as a link to sign in, with its words under it. */
export const signIn = style({
  display: 'inline-flex',
  flexDirection: 'column',
  alignItems: 'center',
  gap: vars.space.xs,
  color: vars.color.text,
  textDecoration: 'none',
  maxWidth: '5rem',
  textAlign: 'center',
  selectors: { '&:hover': { color: vars.color.accent } },
});
export const signInText = style({ fontSize: '0.75rem', color: vars.color.accent, textDecoration: 'underline', lineHeight: 1.2 });
