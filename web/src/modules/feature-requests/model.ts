// The board's state outside components: URL state ↔ listRequests parameters,
// statuses, and optimistic votes.
import { batch, type ReadonlySignal, signal } from '@preact/signals';
import { type ApiError, parseNumber, querySpec, spherePath, toApiError, withQuery, xrpcProcedure } from '../../client';
import { BOARD_LIMITS } from './limits';

export { parseNumber };

/** The backend's module name (what a Sphere's `modules` list holds), also the board's path segment. */
export const MODULE_NAME = 'feature-requests';
export const MODULE_LABEL = 'Feature requests';
/** The NSID prefix of the board's Lexicons (site.exosphere.featureRequest*), as its crate claims it. */
export const LEXICONS = ['site.exosphere.featureRequest'] as const;

/** The board: `/s/<slug>/feature-requests`. */
export const boardPath = (slug: string) => `${spherePath(slug)}/${MODULE_NAME}`;
export const newRequestPath = (slug: string) => `${boardPath(slug)}/new`;
export const requestPath = (slug: string, number: number) => `${boardPath(slug)}/${number}`;
export const feedPath = (slug: string) => `${boardPath(slug)}/feed.atom`;
export const roadmapPath = (slug: string) => `${boardPath(slug)}/roadmap`;
/** A request's Atom feed: its status changes and comments (public Spheres). */
export const requestFeedPath = (slug: string, number: number) => `${requestPath(slug, number)}/feed.atom`;
/** The board as CSV, for owners and admins (served by the module's crate, not a page). */
export const exportPath = (slug: string) => `${boardPath(slug)}/export.csv`;

export const BOARD_PAGE_SIZE = 25;
export const COMMENTS_PAGE_SIZE = 50;

export const SORTS = [
  { value: 'top', label: 'Top' },
  { value: 'new', label: 'New' },
  { value: 'trending', label: 'Trending' },
] as const;
export type Sort = (typeof SORTS)[number]['value'];

export const STATUSES = [
  { value: 'open', label: 'Open' },
  { value: 'planned', label: 'Planned' },
  { value: 'in-progress', label: 'In progress' },
  { value: 'done', label: 'Done' },
  { value: 'declined', label: 'Declined' },
  { value: 'duplicate', label: 'Duplicate' },
] as const;
export type Status = (typeof STATUSES)[number]['value'];

export function statusLabel(status: string): string {
  return STATUSES.find((s) => s.value === status)?.label ?? status;
}

export function statusTone(status: string): 'neutral' | 'accent' | 'success' | 'warning' | 'danger' {
  switch (status) {
    case 'planned':
      return 'accent';
    case 'in-progress':
      return 'warning';
    case 'done':
      return 'success';
    case 'declined':
      return 'danger';
    default:
      return 'neutral';
  }
}

/** What the board shows by default, as Fider does: what is still to come. */
export const DEFAULT_STATUSES: readonly Status[] = ['open', 'planned', 'in-progress'];

/**
 * What the board shows, as kept in its URL
 * (`?sort=new&status=open,planned&by=did:plc:…&voted=1&tag=UI&q=dark`). `statuses`
 * empty means every status (`status=all`); no `status` at all means
 * DEFAULT_STATUSES. `by` is an author's DID ("My requests" is the viewer's
 * own), `voted` the viewer's votes ("I voted").
 */
export interface BoardState {
  sort: Sort;
  statuses: readonly Status[];
  by: string;
  voted: boolean;
  /** A tag's name, or empty. */
  tag: string;
  q: string;
}

export function boardStateFromQuery(query: Record<string, string | undefined>): BoardState {
  const sort = SORTS.some((s) => s.value === query.sort) ? (query.sort as Sort) : 'top';
  let statuses: readonly Status[] = DEFAULT_STATUSES;
  if (query.status === 'all') {
    statuses = [];
  } else if (query.status !== undefined) {
    // In the order of STATUSES, each once; nothing valid falls back to the default.
    const listed = query.status.split(',');
    const valid = STATUSES.map((s) => s.value).filter((v) => listed.includes(v));
    if (valid.length > 0) statuses = valid;
  }
  const by = /^did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}$/.test(query.by ?? '') ? (query.by as string) : '';
  const voted = query.voted === '1';
  const tag = (query.tag ?? '').trim().slice(0, 64);
  const q = (query.q ?? '').trim().slice(0, BOARD_LIMITS.searchQuery.maxLength);
  return { sort, statuses, by, voted, tag, q };
}

/** Whether `statuses` is the board's default selection. */
export function isDefaultStatuses(statuses: readonly Status[]): boolean {
  return statuses.length === DEFAULT_STATUSES.length && DEFAULT_STATUSES.every((s) => statuses.includes(s));
}

export function boardUrl(slug: string, state: BoardState): string {
  return withQuery(boardPath(slug), {
    sort: state.sort === 'top' ? undefined : state.sort,
    status: isDefaultStatuses(state.statuses)
      ? undefined
      : state.statuses.length === 0
        ? 'all'
        : STATUSES.map((s) => s.value)
            .filter((v) => state.statuses.includes(v))
            .join(','),
    by: state.by || undefined,
    voted: state.voted ? '1' : undefined,
    tag: state.tag || undefined,
    q: state.q || undefined,
  });
}

/** The board's tags (listTags), for its filter and for moderators' tag editors. */
export function tagsQuery(slug: string) {
  return querySpec('site.exosphere.featureRequest.listTags', { sphere: slug });
}

/** A tag's colour, when it is one (`#rrggbb`; records from PDSes may hold anything). */
export function tagColor(color: string): string | undefined {
  return /^#[0-9a-fA-F]{6}$/.test(color) ? color : undefined;
}

export function boardQuery(slug: string, state: BoardState) {
  return querySpec('site.exosphere.featureRequest.listRequests', {
    sphere: slug,
    sort: state.sort,
    status: state.statuses.length > 0 ? [...state.statuses] : undefined,
    author: state.by || undefined,
    voted: state.voted || undefined,
    tag: state.tag || undefined,
    q: state.q || undefined,
    limit: BOARD_PAGE_SIZE,
  });
}

/** The roadmap's columns, in order: what is planned, under way and done. */
export const ROADMAP_COLUMNS = ['planned', 'in-progress', 'done'] as const satisfies readonly Status[];
export const ROADMAP_PAGE_SIZE = 20;

/** One roadmap column: the requests of a status, most voted first. */
export function roadmapQuery(slug: string, status: Status) {
  return querySpec('site.exosphere.featureRequest.listRequests', {
    sphere: slug,
    sort: 'top',
    status: [status],
    limit: ROADMAP_PAGE_SIZE,
  });
}

export function requestQuery(slug: string, number: number) {
  return querySpec('site.exosphere.featureRequest.getRequest', { sphere: slug, number });
}

export function commentsQuery(slug: string, number: number) {
  return querySpec('site.exosphere.featureRequest.listComments', {
    sphere: slug,
    number,
    limit: COMMENTS_PAGE_SIZE,
  });
}

// --- votes -----------------------------------------------------------------

export interface VoteSnapshot {
  voted: boolean;
  voteCount: number;
}

export interface VoteState {
  readonly current: ReadonlySignal<VoteSnapshot>;
  readonly pending: ReadonlySignal<boolean>;
  readonly error: ReadonlySignal<ApiError | undefined>;
  /** Flips the vote at once, then confirms with the server; puts it back if the server refuses. */
  toggle(): Promise<void>;
}

export function createVoteState(
  initial: VoteSnapshot,
  send: (vote: boolean) => Promise<VoteSnapshot>,
): VoteState {
  const current = signal(initial);
  const pending = signal(false);
  const error = signal<ApiError | undefined>(undefined);
  return {
    current,
    pending,
    error,
    async toggle() {
      if (pending.value) return;
      const before = current.value;
      const vote = !before.voted;
      batch(() => {
        current.value = { voted: vote, voteCount: Math.max(0, before.voteCount + (vote ? 1 : -1)) };
        pending.value = true;
        error.value = undefined;
      });
      try {
        current.value = await send(vote);
      } catch (e) {
        batch(() => {
          current.value = before;
          error.value = toApiError(e);
        });
      } finally {
        pending.value = false;
      }
    },
  };
}

export function requestVoteSender(sphere: string, number: number) {
  return (vote: boolean): Promise<VoteSnapshot> =>
    vote
      ? xrpcProcedure('site.exosphere.featureRequest.vote', { sphere, number })
      : xrpcProcedure('site.exosphere.featureRequest.unvote', { sphere, number });
}

export function commentVoteSender(sphere: string, comment: string) {
  return (vote: boolean): Promise<VoteSnapshot> =>
    vote
      ? xrpcProcedure('site.exosphere.featureRequest.voteComment', { sphere, comment })
      : xrpcProcedure('site.exosphere.featureRequest.unvoteComment', { sphere, comment });
}

// --- comments --------------------------------------------------------------

export interface CommentNode<C> {
  comment: C;
  replies: CommentNode<C>[];
}

/** Threads comments (oldest first) by their parent; replies to unknown comments stay at the top level. */
export function threadComments<C extends { uri: string; parent?: string | undefined }>(comments: C[]): CommentNode<C>[] {
  const nodes = new Map<string, CommentNode<C>>();
  for (const c of comments) nodes.set(c.uri, { comment: c, replies: [] });
  const roots: CommentNode<C>[] = [];
  for (const c of comments) {
    const node = nodes.get(c.uri);
    if (!node) continue;
    const parent = c.parent ? nodes.get(c.parent) : undefined;
    if (parent && parent !== node) parent.replies.push(node);
    else roots.push(node);
  }
  return roots;
}
