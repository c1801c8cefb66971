import { useMemo, useRef, useState } from 'preact/hooks';
import { InlineError, styles as s } from '../../../client';
import { createReactionState, REACTIONS, type ReactionSnapshot } from '../model';
import * as css from './reactions.css';

interface Props {
  initial: ReactionSnapshot;
  send: (emoji: string, on: boolean) => Promise<ReactionSnapshot>;
  /** False for people who may not react here: they see the counts only. */
  canReact: boolean;
  /** What is reacted to, for screen readers ("Reactions to …"). */
  subject: string;
}

const meta = (emoji: string) => REACTIONS.find((r) => r.emoji === emoji);

/**
 * The reactions under a thread or reply: a count per emoji, which those who
 * may react toggle (optimistic, rolled back with the API's message when the
 * server refuses), and a picker of the eight to add one.
 */
export function ReactionBar(props: Props) {
  return props.canReact ? <ReactionToggles {...props} /> : <ReactionCounts snapshot={props.initial} subject={props.subject} />;
}

function ReactionCounts({ snapshot, subject }: { snapshot: ReactionSnapshot; subject: string }) {
  if (snapshot.reactions.length === 0) return null;
  return (
    <ul class={css.bar} aria-label={`Reactions to ${subject}`} data-testid="reactions">
      {snapshot.reactions.map((r) => (
        <li key={r.emoji} class={css.pill} title={meta(r.emoji)?.label} data-testid="reaction-count">
          <span aria-hidden="true">{meta(r.emoji)?.glyph}</span>
          <span class={s.visuallyHidden}>{meta(r.emoji)?.label}</span> {r.count}
        </li>
      ))}
    </ul>
  );
}

function ReactionToggles({ initial, send, subject }: Props) {
  // The latest `send` is used without resetting the state when a parent re-renders.
  const sendRef = useRef(send);
  sendRef.current = send;
  const key = JSON.stringify(initial);
  const state = useMemo(
    () => createReactionState(initial, (emoji, on) => sendRef.current(emoji, on)),
    // A new snapshot from the server (a refetch) starts over from it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  const [picking, setPicking] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  // Closing the picker puts the focus back where it was opened (its buttons go away).
  const closePicker = () => {
    setPicking(false);
    addButton.current?.focus();
  };
  const { reactions, mine } = state.current.value;
  const pending = state.pending.value;
  const error = state.error.value;
  const toggle = (emoji: string) => void state.toggle(emoji);

  return (
    <div class={css.wrap}>
      <div class={css.bar} role="group" aria-label={`Reactions to ${subject}`} data-testid="reactions">
        {reactions.map((r) => (
          <button
            key={r.emoji}
            type="button"
            class={css.toggle}
            aria-pressed={mine.includes(r.emoji)}
            aria-busy={pending === r.emoji || undefined}
            title={mine.includes(r.emoji) ? `Take back your ${meta(r.emoji)?.label}` : meta(r.emoji)?.label}
            data-testid="reaction"
            data-emoji={r.emoji}
            onClick={() => toggle(r.emoji)}
          >
            <span aria-hidden="true">{meta(r.emoji)?.glyph}</span>
            <span class={s.visuallyHidden}>{meta(r.emoji)?.label}</span> <span class={css.count}>{r.count}</span>
          </button>
        ))}
        <button
          ref={addButton}
          type="button"
          class={css.add}
          aria-expanded={picking}
          title="Add reaction"
          data-testid="add-reaction"
          onClick={() => setPicking(!picking)}
        >
          <span aria-hidden="true">☺+</span>
          <span class={s.visuallyHidden}>Add reaction</span>
        </button>
      </div>
      {picking && (
        <div
          class={css.picker}
          role="group"
          aria-label="Pick a reaction"
          data-testid="reaction-picker"
          onKeyDown={(e) => {
            if (e.key === 'Escape') closePicker();
          }}
        >
          {REACTIONS.map((r) => (
            <button
              key={r.emoji}
              type="button"
              class={css.choice}
              aria-pressed={mine.includes(r.emoji)}
              title={r.label}
              data-emoji={r.emoji}
              onClick={() => {
                closePicker();
                toggle(r.emoji);
              }}
            >
              <span aria-hidden="true">{r.glyph}</span>
              <span class={s.visuallyHidden}>React with {r.label}</span>
            </button>
          ))}
        </div>
      )}
      {error && <InlineError error={error} testId="reaction-error" />}
    </div>
  );
}
