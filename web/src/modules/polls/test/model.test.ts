import { describe, expect, it } from 'vitest';
import {
  ballotProblem,
  hiddenResultsNote,
  listStateFromQuery,
  listUrl,
  maxChoices,
  moveRank,
  pollInput,
  resultRows,
  timeLeft,
  toggleChoice,
  validatePoll,
  emptyDraft,
} from '../model';
import { poll, tally } from './fixtures';

describe('the list in its URL', () => {
  it('reads known states and sorts, and leaves defaults out of URLs', () => {
    expect(listStateFromQuery({ state: 'open', sort: 'closing' })).toEqual({ state: 'open', sort: 'closing' });
    expect(listStateFromQuery({ state: 'nope', sort: 'x' })).toEqual({ state: 'all', sort: 'new' });
    expect(listUrl('demo', { state: 'all', sort: 'new' })).toBe('/s/demo/polls');
    expect(listUrl('demo', { state: 'closed', sort: 'votes' })).toBe('/s/demo/polls?state=closed&sort=votes');
  });
});

describe('ballots', () => {
  it('allow as many choices as the kind says', () => {
    expect(maxChoices(poll(1))).toBe(1);
    expect(maxChoices(poll(1, { kind: 'multiple', maxChoices: 2 }))).toBe(2);
    expect(maxChoices(poll(1, { kind: 'multiple' }))).toBe(3);
    expect(maxChoices(poll(1, { kind: 'ranked' }))).toBe(3);
  });

  it('tick up to the limit and untick', () => {
    expect(toggleChoice([0], 2, 2)).toEqual([0, 2]);
    expect(toggleChoice([0, 2], 1, 2)).toEqual([0, 2]);
    expect(toggleChoice([0, 2], 0, 2)).toEqual([2]);
  });

  it('move ranks within the ends', () => {
    expect(moveRank([2, 0, 1], 2, -1)).toEqual([2, 1, 0]);
    expect(moveRank([2, 0, 1], 0, -1)).toEqual([2, 0, 1]);
    expect(moveRank([2, 0, 1], 0, 5)).toEqual([0, 1, 2]);
  });

  it('say what is wrong before the API would', () => {
    expect(ballotProblem(poll(1), [])).toBe('Choose an option.');
    expect(ballotProblem(poll(1, { kind: 'ranked' }), [])).toBe('Rank at least one option.');
    expect(ballotProblem(poll(1, { kind: 'multiple', maxChoices: 1 }), [0, 1])).toBe('Choose at most 1.');
    expect(ballotProblem(poll(1), [1])).toBeUndefined();
  });
});

describe('results', () => {
  it('give each option its share of voters, the leaders marked', () => {
    const rows = resultRows(['Red', 'Green', 'Blue'], tally(3, [2, 0, 2]));
    expect(rows.map((r) => [r.label, r.count, r.share, r.leading])).toEqual([
      ['Red', 2, '66.7%', true],
      ['Green', 0, '0.0%', false],
      ['Blue', 2, '66.7%', true],
    ]);
    expect(resultRows(['a', 'b'], tally(0, [0, 0])).some((r) => r.leading)).toBe(false);
  });

  it('explain why they are hidden', () => {
    expect(hiddenResultsNote({ results: 'afterVote', closed: false }, true)).toMatch(/once you have voted/);
    expect(hiddenResultsNote({ results: 'afterClose', closed: false }, true)).toBe('Results show when the poll closes.');
  });
});

describe('the countdown', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('counts days and hours, hours and minutes, minutes', () => {
    expect(timeLeft('2026-01-03T05:30:00Z', now)).toBe('2 days 5 hours');
    expect(timeLeft('2026-01-01T01:05:00Z', now)).toBe('1 hour 5 minutes');
    expect(timeLeft('2026-01-01T00:03:30Z', now)).toBe('3 minutes');
    expect(timeLeft('2026-01-01T00:00:20Z', now)).toBe('less than a minute');
    expect(timeLeft('2025-12-31T00:00:00Z', now)).toBeUndefined();
  });
});

describe('the new poll form', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('needs a question and two distinct options, and a close in the future', () => {
    const draft = emptyDraft();
    const errors = validatePoll(draft, now);
    expect(errors.question).toBeDefined();
    expect(errors.options).toBe('Give at least 2 options.');
    const twice = validatePoll({ ...draft, question: 'Q', options: ['a', ' a '] }, now);
    expect(twice.options).toBe('Each option only once.');
    expect(validatePoll({ ...draft, question: 'Q', options: ['a', 'b'], closesAt: '2025-06-01T10:00' }, now).closesAt).toBe(
      'Choose a time in the future.',
    );
    expect(validatePoll({ ...draft, question: 'Q', options: ['a', 'b'] }, now)).toMatchObject({ question: undefined, options: undefined });
  });

  it('sends trimmed options, maxChoices only for multiple choice, and the close in UTC', () => {
    const input = pollInput('demo', { ...emptyDraft(), question: ' Q ', options: [' a', '', 'b '], kind: 'single', maxChoices: 2 });
    expect(input).toMatchObject({ sphere: 'demo', question: 'Q', options: ['a', 'b'], maxChoices: undefined, closesAt: undefined });
    const multiple = pollInput('demo', { ...emptyDraft(), question: 'Q', options: ['a', 'b', 'c'], kind: 'multiple', maxChoices: 2, closesAt: '2030-01-01T10:00' });
    expect(multiple.maxChoices).toBe(2);
    expect(multiple.closesAt).toBe(new Date('2030-01-01T10:00').toISOString());
  });
});
