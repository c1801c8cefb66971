import { useMemo, useRef } from 'preact/hooks';
import { InlineError, plural, styles as s } from '../../../client';
import { createVoteState, type VoteSnapshot } from '../model';
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
  const { voted, voteCount } = vote.current.value;
  const error = vote.error.value;
  const box = size === 'large' ? css.large : css.small;
  return (
    <span class={css.wrap}>
      <button
        type="button"
        class={`${css.button} ${box}`}
        aria-pressed={voted}
        aria-busy={vote.pending.value || undefined}
        title={voted ? 'Remove your vote' : `Vote for ${subject}`}
        data-testid="vote-button"
        onClick={() => void vote.toggle()}
      >
        <span aria-hidden="true" class={css.arrow}>
          ▲
        </span>
        <span class={css.unit}>{voted ? 'Voted' : 'Vote'}</span>
        <span class={css.number}>
          <span class={s.visuallyHidden}>, </span>
          {voteCount}
          <span class={s.visuallyHidden}> {plural(voteCount, 'vote', 'votes').replace(/^\d+ /, '')}</span>
        </span>
      </button>
      {error && <InlineError error={error} class={css.error} testId="vote-error" />}
    </span>
  );
}
