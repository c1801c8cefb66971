import type { ActorView } from '../api';
import { atHandle } from './format';
import * as css from './person.css';

/**
 * A person as their own profile shows them: avatar and display name, with
 * the handle beside them always (anyone may choose any display name; only
 * the handle is verified). Without a profile, the handle alone.
 *
 * It has no hooks, and lists call it as a function (`{Person({ actor })}`):
 * a component less per item for the server's render, in QuickJS.
 */
export function Person({ actor }: { actor: ActorView }) {
  const handle = atHandle(actor);
  return (
    <span class={css.person}>
      {actor.avatar && (
        <img class={css.avatar} src={actor.avatar} alt="" width={20} height={20} loading="lazy" decoding="async" />
      )}
      {actor.displayName ? (
        <>
          <span class={css.name}>{actor.displayName}</span>
          <span class={css.handle}>{handle}</span>
        </>
      ) : (
        <span class={css.name}>{handle}</span>
      )}
    </span>
  );
}
