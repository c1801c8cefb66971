import type { JSX } from 'preact';
import { InlineError, styles as s } from '../../../client';
import { REACTIONS, type ReactionBoard, reactionSnapshot } from '../model';
import type { ReplyView, ThreadView } from '../types';
import * as css from './reactions.css';

const META: Record<string, (typeof REACTIONS)[number] | undefined> = Object.fromEntries(REACTIONS.map((r) => [r.emoji, r]));

/**
 * The reactions under a thread or reply (`of`, as the API gave it): a count
 * per emoji, which those who may react (`canReact`; the others see the
 * counts only) toggle, optimistic and rolled back with the API's message
 * when the server refuses, and a picker of the eight to add one. `label`
 * says what is reacted to, for screen readers ("Reactions to …"). A
 * function, not a component: a page shows one per reply, and their state is
 * the board's.
 */
export function reactionBar(board: ReactionBoard, of: ThreadView | ReplyView, canReact: boolean, label: string): JSX.Element | null {
  if (!canReact) {
    // The counts as the API gave them (most replies have none).
    const counts = of.reactions.length === 0 ? [] : reactionSnapshot(of.reactions).reactions;
    if (counts.length === 0) return null;
    return (
      <ul class={css.bar} aria-label={`Reactions to ${label}`} data-testid="reactions">
        {counts.map((r) => (
          <li key={r.emoji} class={css.pill} title={META[r.emoji]?.label} data-testid="reaction-count">
            <span aria-hidden="true">{META[r.emoji]?.glyph}</span>
            <span class={s.visuallyHidden}>{META[r.emoji]?.label}</span> {r.count}
          </li>
        ))}
      </ul>
    );
  }
  const { uri: subject, reactions } = of;
  const mine = of.viewer?.reactions;
  const state = board.state(subject, reactions);
  const current = state ? state.current.value : reactionSnapshot(reactions, mine);
  const pending = state?.pending.value;
  const error = state?.error.value;
  const picking = board.picker.value?.subject === subject;

  return (
    <div class={css.wrap}>
      <div class={css.bar} role="group" aria-label={`Reactions to ${label}`} data-testid="reactions">
        {/* Most replies have none: no map (nor its callback) for them. */}
        {current.reactions.length > 0 &&
          current.reactions.map((r) => {
            const own = current.mine.includes(r.emoji);
            const name = META[r.emoji]?.label;
            return (
              <button
                key={r.emoji}
                type="button"
                class={css.toggle}
                aria-pressed={own}
                aria-busy={pending === r.emoji || undefined}
                title={own ? `Take back your ${name}` : name}
                data-testid="reaction"
                data-emoji={r.emoji}
                onClick={() => board.toggle(subject, reactions, mine, r.emoji)}
              >
                <span aria-hidden="true">{META[r.emoji]?.glyph}</span>
                <span class={s.visuallyHidden}>{name}</span> <span class={css.count}>{r.count}</span>
              </button>
            );
          })}
        <button
          type="button"
          class={css.add}
          aria-expanded={picking}
          title="Add reaction"
          aria-label="Add reaction"
          data-testid="add-reaction"
          onClick={(e) => (picking ? board.closePicker() : board.openPicker(subject, e.currentTarget))}
        >
          ☺+
        </button>
      </div>
      {picking && (
        <div
          class={css.picker}
          role="group"
          aria-label="Pick a reaction"
          data-testid="reaction-picker"
          onKeyDown={(e) => {
            if (e.key === 'Escape') board.closePicker();
          }}
        >
          {REACTIONS.map((r) => (
            <button
              key={r.emoji}
              type="button"
              class={css.choice}
              aria-pressed={current.mine.includes(r.emoji)}
              title={r.label}
              data-emoji={r.emoji}
              onClick={() => {
                board.closePicker();
                board.toggle(subject, reactions, mine, r.emoji);
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
