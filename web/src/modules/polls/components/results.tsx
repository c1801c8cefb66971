import { plural, styles as s } from '../../../client';
import { type ResultRow, resultRows } from '../model';
import type { PollView, Runoff, Tally } from '../types';
import * as css from './results.css';

const ROW = 44;
const LABEL = 20;

/**
 * A poll's results: a bar per option (SVG, for the eye) and the same
 * numbers in a table (for everyone: the chart is hidden from assistive
 * technology), then, for ranked polls, the runoff round by round.
 */
export function Results({ poll, tally }: { poll: PollView; tally: Tally }) {
  const rows = resultRows(poll.options, tally);
  const ranked = poll.kind === 'ranked';
  return (
    <section class={s.stack} aria-labelledby="results-title" data-testid="results">
      <h2 id="results-title" style={{ margin: 0 }}>
        Results
      </h2>
      <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }} data-testid="voters">
        {plural(tally.voters, 'voter', 'voters')}
        {ranked && ' · first preferences below, then the runoff'}
      </p>
      {Chart(rows)}
      <div class={css.scroll}>
        <table class={css.table} data-testid="results-table">
          <caption class={s.visuallyHidden}>{ranked ? 'First preferences per option' : 'Votes per option'}</caption>
          <thead>
            <tr>
              <th scope="col" class={css.cell}>
                Option
              </th>
              <th scope="col" class={css.number}>
                Votes
              </th>
              <th scope="col" class={css.number}>
                Share of voters
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.index}>
                <th scope="row" class={css.cell}>
                  {r.label}
                  {r.leading && !ranked && <span class={s.visuallyHidden}> (leading)</span>}
                </th>
                <td class={css.number}>{r.count}</td>
                <td class={css.number}>{r.share}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {tally.runoff && RunoffRounds(poll.options, tally.runoff)}
    </section>
  );
}

/**
 * The bars, one per option with its label and share above it. No viewBox:
 * user units are CSS pixels, so the text keeps its size at any width while
 * the bars take their share of it.
 */
function Chart(rows: ResultRow[]) {
  return (
    <svg class={css.chart} width="100%" height={rows.length * ROW} aria-hidden="true" focusable="false" data-testid="results-chart">
      {rows.map((r, i) => {
        const y = i * ROW;
        const label = r.label.length > 60 ? `${r.label.slice(0, 59)}…` : r.label;
        return (
          <g key={r.index}>
            <text x="0" y={y + 14} class={css.label}>
              {label} <tspan class={css.value}>{r.share}</tspan>
            </text>
            <rect x="0" y={y + LABEL} width="100%" height="16" rx="4" class={css.track} />
            {r.count > 0 && <rect x="0" y={y + LABEL} width={`${Math.max(r.fraction * 100, 0.5)}%`} height="16" rx="4" class={r.leading ? css.leading : css.bar} />}
          </g>
        );
      })}
    </svg>
  );
}

/** The options still in the race in round `i`: those no earlier round eliminated. */
function inRace(runoff: Runoff, i: number): number[] {
  const out = new Set(runoff.rounds.slice(0, i).map((r) => r.eliminated));
  return (runoff.rounds[i]?.votes ?? []).map((_, option) => option).filter((option) => !out.has(option));
}

function RunoffRounds(options: readonly string[], runoff: Runoff) {
  const name = (i: number) => options[i] ?? `Option ${i + 1}`;
  return (
    <div class={s.stackSm} data-testid="runoff">
      <h3 style={{ margin: 0 }}>Instant runoff</h3>
      {runoff.winner !== undefined ? (
        <p style={{ margin: 0 }} data-testid="winner">
          Winner: <strong>{name(runoff.winner)}</strong> after {plural(runoff.rounds.length, 'round', 'rounds')}.
        </p>
      ) : (
        <p class={s.muted} style={{ margin: 0 }}>
          No ballots yet.
        </p>
      )}
      <div class={css.scroll}>
        <table class={css.table}>
          <caption class={s.visuallyHidden}>Votes per option in each round of the runoff</caption>
          <thead>
            <tr>
              <th scope="col" class={css.cell}>
                Round
              </th>
              <th scope="col" class={css.cell}>
                Votes
              </th>
              <th scope="col" class={css.cell}>
                Out
              </th>
            </tr>
          </thead>
          <tbody>
            {runoff.rounds.map((round, i) => (
              <tr key={i}>
                <th scope="row" class={css.cell}>
                  {i + 1}
                </th>
                <td class={css.cell}>
                  {inRace(runoff, i)
                    .map((option) => `${name(option)} ${round.votes[option] ?? 0}`)
                    .join(' · ')}
                  {round.exhausted > 0 && ` · exhausted ${round.exhausted}`}
                </td>
                <td class={css.cell}>{round.eliminated !== undefined ? <span class={css.out}>{name(round.eliminated)}</span> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class={`${s.small} ${s.muted}`} style={{ margin: 0 }}>
        Each round, every ballot counts for its most preferred option still in the race. An option with more than half of
        those ballots wins; otherwise the option with the fewest votes is out. A tie for fewest is settled by the earlier
        rounds, latest first, and then against the option listed last.
      </p>
    </div>
  );
}
