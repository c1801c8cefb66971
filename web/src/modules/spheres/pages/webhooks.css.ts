import { globalStyle, style } from '@vanilla-extract/css';
import { vars } from '../../../client/theme.css';

/** The delivery log: scrolls sideways on a phone instead of breaking words. */
export const deliveries = style({ display: 'block', overflowX: 'auto', borderCollapse: 'collapse', maxWidth: '100%' });
globalStyle(`${deliveries} th, ${deliveries} td`, {
  whiteSpace: 'nowrap',
  textAlign: 'left',
  padding: `${vars.space.xs} ${vars.space.sm}`,
  borderBottom: `1px solid ${vars.color.border}`,
});
