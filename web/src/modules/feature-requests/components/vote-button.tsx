import { signal } from '@preact/signals';
import type { JSX } from 'preact';
import { useMemo, useRef } from 'preact/hooks';
import { type ApiError, InlineError, styles as s } from '../../../client';
import { createVoteState, type VoteSnapshot, type VoteState } from '../model';
import * as css from './vote-button.css';

interface Props {
  initial: VoteSnapshot;
  send: (vote: boolean) => Promise<VoteSnapshot>;
  /** False for people who may not vote here: they see the count only. */
  canVote: boolean;
  /** For visitors who aren't signed in: the count links there, saying "Sign in to vote". */
  signInHref?: string | undefined;
  /** What is voted on, for screen readers ("Vote for …"). */
  subject: string;
  size?: 'large' | 'small';
}

/** The upvote toggle: optimistic, rolled back (with the API's message) when the server refuses.
 *  People who may not vote see the count only (no vote state is made for them); visitors who
 *  aren't signed in see it as a link to sign in. */
export function VoteButton(props: Props) {
  if (props.canVote) return <VoteToggle {...props} />;
  const count = <VoteCount voteCount={props.initial.voteCount} size={props.size} />;
  if (!props.signInHref) return count;
  return (
    <a
      class={css.signIn}
      href={props.signInHref}
      title={`Sign in to vote for ${props.subject}`}
      data-testid="sign-in-to-vote"
    >
      {count}
      <span class={css.signInText}>Sign in to vote</span>
    </a>
  );
}

function VoteCount({ voteCount, size = 'large' }: { voteCount: number; size?: Props['size'] }) {
  return (
    <span class={`${css.count} ${size === 'large' ? css.large : css.small}`} data-testid="vote-count">
      <span class={css.number}>{voteCount}</span>
      <span class={css.unit}>{voteCount === 1 ? 'vote' : 'votes'}</span>
    </span>
  );
}

function VoteToggle({ initial, send, subject, size = 'large' }: Props) {
  // The latest `send` is used without resetting the vote state when a parent re-renders.
  const sendRef = useRef(send);
  sendRef.current = send;
  const vote = useMemo(
    () => createVoteState(initial, (v) => sendRef.current(v)),
    // A new snapshot from the server (a refetch) starts over from it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [initial.voted, initial.voteCount],
  );
  return voteMarkup(vote.current.value, vote.pending.value, vote.error.value, subject, size, () => void vote.toggle());
}

/**
 * The vote toggles of a list (a request's comments): one state per item,
 * made when its vote is first toggled, so a list of fifty renders fifty
 * buttons and no state (each render costs the server's QuickJS a component
 * and three signals less per item).
 */
export interface VoteBoard {
  /** The item's vote button, for someone who may vote. */
  toggle(subject: string, initial: VoteSnapshot, label: string, size?: Props['size']): JSX.Element;
}

/** A board whose votes are sent with `sender(subject)`. */
export function createVoteBoard(sender: (subject: string) => (vote: boolean) => Promise<VoteSnapshot>): VoteBoard {
  // Per item: the API's snapshot the state started from (a new one from a refetch starts over), and the state.
  const states = signal<ReadonlyMap<string, { from: VoteSnapshot; state: VoteState }>>(new Map());
  const stateOf = (subject: string, initial: VoteSnapshot) => {
    const entry = states.value.get(subject);
    return entry && entry.from.voted === initial.voted && entry.from.voteCount === initial.voteCount
      ? entry.state
      : undefined;
  };
  const start = (subject: string, initial: VoteSnapshot) => {
    let state = stateOf(subject, initial);
    if (!state) {
      state = createVoteState(initial, sender(subject));
      states.value = new Map(states.peek()).set(subject, { from: initial, state });
    }
    void state.toggle();
  };
  return {
    toggle(subject, initial, label, size = 'large') {
      // Until its first toggle, an item shows the API's snapshot.
      const state = stateOf(subject, initial);
      const shown = state ? state.current.value : initial;
      return voteMarkup(shown, state?.pending.value ?? false, state?.error.value, label, size, () => start(subject, initial));
    },
  };
}

const BOX_CLASS = { large: `${css.button} ${css.large}`, small: `${css.button} ${css.small}` };

function voteMarkup(
  { voted, voteCount }: VoteSnapshot,
  pending: boolean,
  error: ApiError | undefined,
  subject: string,
  size: NonNullable<Props['size']>,
  onClick: () => void,
) {
  return (
    <span class={css.wrap}>
      <button
        type="button"
        class={BOX_CLASS[size]}
        aria-pressed={voted}
        aria-busy={pending || undefined}
        title={voted ? 'Remove your vote' : `Vote for ${subject}`}
        data-testid="vote-button"
        onClick={onClick}
      >
        <span aria-hidden="true" class={css.arrow}>
          ▲
        </span>
        <span class={css.unit}>{voted ? 'Voted' : 'Vote'}</span>
        <span class={css.number}>
          <span class={s.visuallyHidden}>, </span>
          {voteCount}
          <span class={s.visuallyHidden}>{voteCount === 1 ? ' vote' : ' votes'}</span>
        </span>
      </button>
      {error && <InlineError error={error} class={css.error} testId="vote-error" />}
    </span>
  );
}
