// The Polls module's state outside components: URL state ↔ listPolls
// parameters, ballots being made (choices, rankings), results as rows, and
// the countdown to a poll's close.
import { parseNumber, querySpec, spherePath, validateText, withQuery } from '../../client';
import { MAX_OPTIONS, MIN_OPTIONS, POLL_LIMITS } from './limits';
import type { PollKind, PollView, ResultsMode, Tally } from './types';

export { parseNumber };

/** The backend's module name (what a Sphere's `modules` list holds), also the module's path segment. */
export const MODULE_NAME = 'polls';
export const MODULE_LABEL = 'Polls';
/** The NSID prefix of the module's Lexicons (site.exosphere.poll*), as its crate claims it. */
export const LEXICONS = ['site.exosphere.poll'] as const;

/** The poll list: `/s/<slug>/polls`. */
export const listPath = (slug: string) => `${spherePath(slug)}/${MODULE_NAME}`;
export const newPollPath = (slug: string) => `${listPath(slug)}/new`;
export const pollPath = (slug: string, number: number) => `${listPath(slug)}/${number}`;

export const POLLS_PAGE_SIZE = 30;

export const STATES = [
  { value: 'all', label: 'All polls' },
  { value: 'open', label: 'Open' },
  { value: 'closed', label: 'Closed' },
] as const;
export type State = (typeof STATES)[number]['value'];

export const SORTS = [
  { value: 'new', label: 'Newest' },
  { value: 'closing', label: 'Closing soon' },
  { value: 'votes', label: 'Most votes' },
] as const;
export type Sort = (typeof SORTS)[number]['value'];

export const KINDS: readonly { value: PollKind; label: string; hint: string }[] = [
  { value: 'single', label: 'Single choice', hint: 'each voter picks one option' },
  { value: 'multiple', label: 'Multiple choice', hint: 'each voter picks up to a number of options' },
  { value: 'ranked', label: 'Ranked choice', hint: 'each voter orders options by preference; counted by instant runoff' },
];

export const RESULT_MODES: readonly { value: ResultsMode; label: string; hint: string }[] = [
  { value: 'always', label: 'Always', hint: 'everyone sees the results as votes come in' },
  { value: 'afterVote', label: 'After voting', hint: 'voters see them once they have voted; everyone once the poll closes' },
  { value: 'afterClose', label: 'After the close', hint: 'everyone sees them once the poll closes' },
];

/** What the poll list shows, as kept in its URL (`?state=open&sort=closing`). */
export interface ListState {
  state: State;
  sort: Sort;
}

export function listStateFromQuery(query: Record<string, string | undefined>): ListState {
  const state = STATES.some((s) => s.value === query.state) ? (query.state as State) : 'all';
  const sort = SORTS.some((s) => s.value === query.sort) ? (query.sort as Sort) : 'new';
  return { state, sort };
}

export function listUrl(slug: string, state: Partial<ListState>): string {
  return withQuery(listPath(slug), {
    state: state.state === 'all' ? undefined : state.state,
    sort: state.sort === 'new' ? undefined : state.sort,
  });
}

export function pollsQuery(slug: string, state: ListState) {
  return querySpec('site.exosphere.poll.listPolls', { sphere: slug, state: state.state, sort: state.sort, limit: POLLS_PAGE_SIZE });
}

export function pollQuery(slug: string, number: number) {
  return querySpec('site.exosphere.poll.getPoll', { sphere: slug, number });
}

// --- ballots -----------------------------------------------------------------

/** How many options a ballot of this poll may choose. */
export function maxChoices(poll: Pick<PollView, 'kind' | 'maxChoices' | 'options'>): number {
  if (poll.kind === 'single') return 1;
  if (poll.kind === 'multiple') return Math.min(poll.maxChoices ?? poll.options.length, poll.options.length);
  return poll.options.length;
}

/** A multiple-choice ballot with `option` ticked or unticked; a tick past the limit changes nothing. */
export function toggleChoice(choices: readonly number[], option: number, max: number): number[] {
  if (choices.includes(option)) return choices.filter((c) => c !== option);
  if (choices.length >= max) return [...choices];
  return [...choices, option];
}

/** A ranking with the option at `index` moved by `by` places (clamped to the ends). */
export function moveRank(order: readonly number[], index: number, by: number): number[] {
  const next = [...order];
  const to = Math.max(0, Math.min(order.length - 1, index + by));
  if (index < 0 || index >= order.length || to === index) return next;
  const [moved] = next.splice(index, 1);
  next.splice(to, 0, moved as number);
  return next;
}

/** Why these choices can't be cast (the API's rules, said for people), or undefined. */
export function ballotProblem(poll: Pick<PollView, 'kind' | 'maxChoices' | 'options'>, choices: readonly number[]): string | undefined {
  if (choices.length === 0) return poll.kind === 'ranked' ? 'Rank at least one option.' : 'Choose an option.';
  const max = maxChoices(poll);
  if (choices.length > max) return `Choose at most ${max}.`;
  return undefined;
}

// --- results -----------------------------------------------------------------

export interface ResultRow {
  index: number;
  label: string;
  count: number;
  /** "42.5%" of voters. */
  share: string;
  /** 0–1, for the bar. */
  fraction: number;
  leading: boolean;
}

/** The tally per option, in the poll's order, with the leaders marked (none without votes). */
export function resultRows(options: readonly string[], tally: Tally): ResultRow[] {
  const most = Math.max(0, ...tally.options.map((o) => o.count));
  return tally.options.map((o) => ({
    index: o.index,
    label: options[o.index] ?? `Option ${o.index + 1}`,
    count: o.count,
    share: `${(o.share / 100).toFixed(1)}%`,
    fraction: o.share / 10000,
    leading: most > 0 && o.count === most,
  }));
}

/** What the poll's mode says about results the viewer can't see yet. */
export function hiddenResultsNote(poll: Pick<PollView, 'results' | 'closed'>, signedIn: boolean): string {
  if (poll.results === 'afterVote') {
    return signedIn ? 'Results show once you have voted, and to everyone when the poll closes.' : 'Results show to voters once they have voted, and to everyone when the poll closes.';
  }
  return 'Results show when the poll closes.';
}

// --- the close -----------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "3 days 4 hours", "2 hours 5 minutes", "4 minutes", "less than a minute": how long until `iso`, from `now`. */
export function timeLeft(iso: string, now: number): string | undefined {
  const left = Date.parse(iso) - now;
  if (Number.isNaN(left) || left <= 0) return undefined;
  if (left >= DAY) {
    const days = Math.floor(left / DAY);
    const hours = Math.floor((left % DAY) / HOUR);
    return hours ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day');
  }
  if (left >= HOUR) {
    const hours = Math.floor(left / HOUR);
    const minutes = Math.floor((left % HOUR) / MINUTE);
    return minutes ? `${unit(hours, 'hour')} ${unit(minutes, 'minute')}` : unit(hours, 'hour');
  }
  if (left >= MINUTE) return unit(Math.floor(left / MINUTE), 'minute');
  return 'less than a minute';
}

// --- the form -----------------------------------------------------------------

export interface PollDraft {
  question: string;
  description: string;
  options: string[];
  kind: PollKind;
  maxChoices: number | undefined;
  /** As a datetime-local field has it (local time, no zone), or ''. */
  closesAt: string;
  results: ResultsMode;
}

export const emptyDraft = (): PollDraft => ({
  question: '',
  description: '',
  options: ['', ''],
  kind: 'single',
  maxChoices: undefined,
  closesAt: '',
  results: 'always',
});

/** Messages for the fields that break the Lexicons' limits or the poll's rules (undefined when fine). */
export function validatePoll(draft: PollDraft, now: number) {
  const options = draft.options.map((o) => o.trim());
  const filled = options.filter(Boolean);
  let optionsError: string | undefined;
  if (filled.length < MIN_OPTIONS) optionsError = `Give at least ${MIN_OPTIONS} options.`;
  else if (filled.length > MAX_OPTIONS) optionsError = `At most ${MAX_OPTIONS} options.`;
  else if (new Set(filled).size !== filled.length) optionsError = 'Each option only once.';
  const closes = draft.closesAt ? Date.parse(draft.closesAt) : undefined;
  return {
    question: validateText('Question', draft.question, POLL_LIMITS.question, true),
    description: validateText('Description', draft.description, POLL_LIMITS.description),
    options: optionsError,
    option: options.map((o, i) => (o ? validateText(`Option ${i + 1}`, o, POLL_LIMITS.option) : undefined)),
    closesAt: closes === undefined ? undefined : Number.isNaN(closes) ? 'Not a date and time.' : closes <= now ? 'Choose a time in the future.' : undefined,
  };
}

/** The createPoll input a valid draft makes (the close as UTC). */
export function pollInput(slug: string, draft: PollDraft) {
  const options = draft.options.map((o) => o.trim()).filter(Boolean);
  return {
    sphere: slug,
    question: draft.question.trim(),
    description: draft.description.trim() || undefined,
    options,
    kind: draft.kind,
    maxChoices: draft.kind === 'multiple' && draft.maxChoices !== undefined ? Math.min(draft.maxChoices, options.length) : undefined,
    closesAt: draft.closesAt ? new Date(draft.closesAt).toISOString() : undefined,
    results: draft.results,
  };
}
