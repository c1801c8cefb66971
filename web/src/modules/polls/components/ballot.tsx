import { useState } from 'preact/hooks';
import { type ApiError, ErrorAlert, Notice, type SphereView, styles as s, toApiError, xrpcProcedure } from '../../../client';
import { ballotProblem, maxChoices, moveRank, toggleChoice } from '../model';
import type { PollView } from '../types';
import * as css from './ballot.css';

/**
 * The voting form: radio buttons for single choice, checkboxes (no more
 * than the poll allows) for multiple choice, and for ranked choice a
 * ranking made with buttons alone (add, move up, move down, remove), so it
 * works by keyboard and screen reader. Says plainly where the ballot goes
 * before anyone votes.
 */
export function Ballot({ sphere, poll, onChange }: { sphere: SphereView; poll: PollView; onChange: (poll: PollView) => void }) {
  const voted = poll.viewer?.choices;
  const [choices, setChoices] = useState<number[]>(voted ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [problem, setProblem] = useState<string>();
  const [said, setSaid] = useState('');
  const max = maxChoices(poll);

  async function send(method: 'vote' | 'unvote') {
    setBusy(true);
    setError(undefined);
    try {
      const out =
        method === 'vote'
          ? await xrpcProcedure('site.exosphere.poll.vote', { sphere: sphere.slug, number: poll.number, choices })
          : await xrpcProcedure('site.exosphere.poll.unvote', { sphere: sphere.slug, number: poll.number });
      if (method === 'unvote') setChoices([]);
      setSaid(method === 'vote' ? 'Your vote is counted.' : 'Your vote is withdrawn.');
      onChange(out.poll);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: Event) {
    e.preventDefault();
    const why = ballotProblem(poll, choices);
    setProblem(why);
    if (!why) void send('vote');
  }

  return (
    <form class={s.stack} onSubmit={submit} noValidate data-testid="ballot">
      <Notice>
        {sphere.visibility === 'public'
          ? 'Ballots are public: in this public Sphere your vote is saved as a record on your own PDS, where anyone can read it.'
          : 'In this private Sphere your vote stays on this server: it is not published to your PDS.'}
      </Notice>
      {poll.kind === 'ranked' ? (
        <Ranking options={poll.options} order={choices} onChange={setChoices} onSay={setSaid} />
      ) : (
        <fieldset class={s.fieldset}>
          <legend class={s.legend}>{poll.kind === 'single' ? 'Your choice' : `Your choices (up to ${max})`}</legend>
          {poll.options.map((label, i) => {
            const checked = choices.includes(i);
            const id = `choice-${poll.number}-${i}`;
            return (
              <label key={i} class={s.choice} for={id}>
                <input
                  id={id}
                  type={poll.kind === 'single' ? 'radio' : 'checkbox'}
                  name="choice"
                  value={String(i)}
                  checked={checked}
                  disabled={poll.kind === 'multiple' && !checked && choices.length >= max}
                  onChange={() => setChoices(poll.kind === 'single' ? [i] : toggleChoice(choices, i, max))}
                />
                <span>{label}</span>
              </label>
            );
          })}
        </fieldset>
      )}
      {problem && (
        <p class={s.fieldError} role="alert" style={{ margin: 0 }}>
          {problem}
        </p>
      )}
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        <button type="submit" class={s.button.primary} disabled={busy} data-testid="vote">
          {busy ? 'Saving…' : voted ? 'Change vote' : 'Vote'}
        </button>
        {voted && (
          <button type="button" class={s.button.secondary} disabled={busy} onClick={() => void send('unvote')} data-testid="unvote">
            Withdraw vote
          </button>
        )}
      </div>
      <p class={s.visuallyHidden} aria-live="polite">
        {said}
      </p>
    </form>
  );
}

function Ranking({
  options,
  order,
  onChange,
  onSay,
}: {
  options: readonly string[];
  order: number[];
  onChange: (order: number[]) => void;
  onSay: (text: string) => void;
}) {
  const unranked = options.map((_, i) => i).filter((i) => !order.includes(i));
  const move = (index: number, by: number) => {
    const next = moveRank(order, index, by);
    onChange(next);
    const option = order[index] as number;
    onSay(`${options[option]}: rank ${next.indexOf(option) + 1} of ${next.length}.`);
  };
  return (
    <div class={s.stackSm} data-testid="ranking">
      <fieldset class={s.fieldset}>
        <legend class={s.legend}>Your ranking (first is your favourite)</legend>
        {order.length === 0 ? (
          <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }}>
            Add options below, in the order you prefer them. You need not rank them all.
          </p>
        ) : (
          <ol class={css.ranking}>
            {order.map((option, index) => {
              const label = options[option] ?? '';
              return (
                <li key={option} class={css.ranked} data-testid="ranked-option">
                  <span class={css.rank} aria-hidden="true">
                    {index + 1}
                  </span>
                  <span class={css.grow}>{label}</span>
                  <button type="button" class={`${s.button.secondary} ${css.iconButton}`} disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move ${label} up`}>
                    ↑
                  </button>
                  <button
                    type="button"
                    class={`${s.button.secondary} ${css.iconButton}`}
                    disabled={index === order.length - 1}
                    onClick={() => move(index, 1)}
                    aria-label={`Move ${label} down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class={`${s.button.ghost} ${css.iconButton}`}
                    onClick={() => {
                      onChange(order.filter((o) => o !== option));
                      onSay(`${label} removed from your ranking.`);
                    }}
                    aria-label={`Remove ${label} from your ranking`}
                  >
                    ✕
                  </button>
                </li>
              );
            })}
          </ol>
        )}
      </fieldset>
      {unranked.length > 0 && (
        <fieldset class={s.fieldset}>
          <legend class={s.legend}>Not ranked</legend>
          <ul class={css.ranking}>
            {unranked.map((option) => (
              <li key={option} class={css.ranked}>
                <span class={css.grow}>{options[option]}</span>
                <button
                  type="button"
                  class={s.button.secondary}
                  data-testid="rank-option"
                  onClick={() => {
                    onChange([...order, option]);
                    onSay(`${options[option]}: rank ${order.length + 1}.`);
                  }}
                  aria-label={`Add ${options[option]} as rank ${order.length + 1}`}
                >
                  Add
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
    </div>
  );
}
