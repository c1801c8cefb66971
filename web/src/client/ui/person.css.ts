import { style } from '@vanilla-extract/css';
import { vars } from '../theme.css';

/** A person's avatar, name and handle, kept together on one line where they fit. */
export const person = style({ display: 'inline-flex', alignItems: 'center', gap: '0.3em', maxWidth: '100%' });

export const avatar = style({
  width: '1.4em',
  height: '1.4em',
  flex: 'none',
  borderRadius: '50%',
  objectFit: 'cover',
  background: vars.color.surfaceAlt,
});

export const name = style({ fontWeight: 600, color: vars.color.text });

export const handle = style({ color: vars.color.textMuted, overflowWrap: 'anywhere' });
