// The Discussions module's state outside components: URL state ↔ listThreads
// parameters, tags, optimistic reactions, and the replies as a tree with what
// this page changed in them since it loaded.
import { batch, computed, type ReadonlySignal, signal } from '@preact/signals';
import {
  type ApiError,
  querySpec,
  spherePath,
  toApiError,
  utf8Length,
  validateText,
  withQuery,
  xrpcProcedure,
  type ModerationAction,
  type ModerationResult,
  parseNumber,
} from '../../client';
import { DISCUSSION_LIMITS, MAX_TAGS } from './limits';
import type { ReactionCount, ReplyView, ThreadView } from './types';

export { parseNumber };

/** The backend's module name (what a Sphere's `modules` list holds), also the module's path segment. */
export const MODULE_NAME = 'discussions';
export const MODULE_LABEL = 'Discussions';
/** The NSID prefix of the module's Lexicons (site.exosphere.discussion*), as its crate claims it. */
export const LEXICONS = ['site.exosphere.discussion'] as const;

/** The thread list: `/s/<slug>/discussions`. */
export const listPath = (slug: string) => `${spherePath(slug)}/${MODULE_NAME}`;
export const newThreadPath = (slug: string) => `${listPath(slug)}/new`;
export const threadPath = (slug: string, number: number) => `${listPath(slug)}/${number}`;
export const feedPath = (slug: string) => `${listPath(slug)}/feed.atom`;

export const THREADS_PAGE_SIZE = 30;
export const REPLIES_PAGE_SIZE = 100;
/** Reply levels shown at once (0 and 1); deeper ones wait behind "Show N more replies". */
export const VISIBLE_DEPTH = 2;

export const SORTS = [
  { value: 'active', label: 'Active' },
  { value: 'new', label: 'New' },
  { value: 'top', label: 'Top' },
] as const;
export type Sort = (typeof SORTS)[number]['value'];

/** What the thread list shows, as kept in its URL (`?sort=new&tag=help&q=dark&author=did:…`). */
export interface ListState {
  sort: Sort;
  tag: string;
  author: string;
  q: string;
}

const DID = /^did:[a-z]+:[A-Za-z0-9._:%-]+$/;

/** The text cut to at most `max` UTF-8 bytes, on a character boundary. */
export function fitBytes(text: string, max: number): string {
  if (utf8Length(text) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (utf8Length(out + ch) > max) break;
    out += ch;
  }
  return out;
}

export function listStateFromQuery(query: Record<string, string | undefined>): ListState {
  const sort = SORTS.some((s) => s.value === query.sort) ? (query.sort as Sort) : 'active';
  const tag = fitBytes((query.tag ?? '').trim(), DISCUSSION_LIMITS.tagFilter.maxLength);
  const author = DID.test(query.author ?? '') ? (query.author as string) : '';
  const q = fitBytes((query.q ?? '').trim(), DISCUSSION_LIMITS.searchQuery.maxLength);
  return { sort, tag, author, q };
}

export function listUrl(slug: string, state: Partial<ListState>): string {
  return withQuery(listPath(slug), {
    sort: state.sort === 'active' ? undefined : state.sort,
    tag: state.tag || undefined,
    author: state.author || undefined,
    q: state.q || undefined,
  });
}

export function threadsQuery(slug: string, state: ListState) {
  return querySpec('site.exosphere.discussion.listThreads', {
    sphere: slug,
    sort: state.sort,
    tag: state.tag || undefined,
    author: state.author || undefined,
    q: state.q || undefined,
    limit: THREADS_PAGE_SIZE,
  });
}

export function threadQuery(slug: string, number: number) {
  return querySpec('site.exosphere.discussion.getThread', { sphere: slug, number });
}

export function repliesQuery(slug: string, number: number) {
  return querySpec('site.exosphere.discussion.listReplies', { sphere: slug, number, limit: REPLIES_PAGE_SIZE });
}

// --- tags ------------------------------------------------------------------

/** The tags typed in one field, separated by commas: trimmed, without empties or repeats. */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const tag = part.trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** A message for people when the tags break the Lexicon's limits, else undefined. */
export function validateTags(tags: readonly string[]): string | undefined {
  if (tags.length > MAX_TAGS) return `At most ${MAX_TAGS} tags: there are ${tags.length}.`;
  for (const tag of tags) {
    const invalid = validateText(`The tag “${tag.length > 40 ? `${tag.slice(0, 39)}…` : tag}”`, tag, DISCUSSION_LIMITS.tag);
    if (invalid) return invalid;
  }
  return undefined;
}

// --- reactions -------------------------------------------------------------

/** GitHub's eight reactions, in its order: the API's `emoji` values. */
export const REACTIONS = [
  { emoji: '+1', glyph: '👍', label: 'Thumbs up' },
  { emoji: '-1', glyph: '👎', label: 'Thumbs down' },
  { emoji: 'laugh', glyph: '😄', label: 'Laugh' },
  { emoji: 'hooray', glyph: '🎉', label: 'Hooray' },
  { emoji: 'confused', glyph: '😕', label: 'Confused' },
  { emoji: 'heart', glyph: '❤️', label: 'Heart' },
  { emoji: 'rocket', glyph: '🚀', label: 'Rocket' },
  { emoji: 'eyes', glyph: '👀', label: 'Eyes' },
] as const;
export type Emoji = (typeof REACTIONS)[number]['emoji'];

export interface ReactionSnapshot {
  /** The counts above zero, in REACTIONS order (other values are not counted). */
  reactions: ReactionCount[];
  /** The viewer's own reactions. */
  mine: string[];
}

/** Shared by every subject without reactions (snapshots are never changed, only replaced). */
const NO_REACTIONS: ReactionSnapshot = { reactions: [], mine: [] };

/** A snapshot from the API's counts and viewer state, in REACTIONS order, known emoji only. */
export function reactionSnapshot(reactions: readonly ReactionCount[], mine: readonly string[] = []): ReactionSnapshot {
  // Most replies have none: nothing to sort (the server renders a page of them at a time).
  if (reactions.length === 0 && mine.length === 0) return NO_REACTIONS;
  const counts: ReactionCount[] = [];
  const own: string[] = [];
  for (const { emoji } of REACTIONS) {
    let count = 0;
    for (const r of reactions) if (r.emoji === emoji) count = r.count;
    if (count > 0) counts.push({ emoji, count });
    if (mine.includes(emoji)) own.push(emoji);
  }
  return { reactions: counts, mine: own };
}

/** The snapshot with the viewer's reaction `emoji` added (`on`) or taken back. */
export function toggledSnapshot(before: ReactionSnapshot, emoji: string, on: boolean): ReactionSnapshot {
  if (before.mine.includes(emoji) === on) return before;
  const count = Math.max(0, (before.reactions.find((r) => r.emoji === emoji)?.count ?? 0) + (on ? 1 : -1));
  const others = before.reactions.filter((r) => r.emoji !== emoji);
  const mine = on ? [...before.mine, emoji] : before.mine.filter((e) => e !== emoji);
  return reactionSnapshot(count > 0 ? [...others, { emoji, count }] : others, mine);
}

export interface ReactionState {
  readonly current: ReadonlySignal<ReactionSnapshot>;
  /** The emoji on its way to the server, if any. */
  readonly pending: ReadonlySignal<string | undefined>;
  readonly error: ReadonlySignal<ApiError | undefined>;
  /** Adds or takes back the viewer's reaction at once, then confirms with the server; puts it back if the server refuses. */
  toggle(emoji: string): Promise<void>;
}

export function createReactionState(
  initial: ReactionSnapshot,
  send: (emoji: string, on: boolean) => Promise<ReactionSnapshot>,
): ReactionState {
  const current = signal(initial);
  const pending = signal<string | undefined>(undefined);
  const error = signal<ApiError | undefined>(undefined);
  return {
    current,
    pending,
    error,
    async toggle(emoji) {
      if (pending.value !== undefined) return;
      const before = current.value;
      const on = !before.mine.includes(emoji);
      batch(() => {
        current.value = toggledSnapshot(before, emoji, on);
        pending.value = emoji;
        error.value = undefined;
      });
      try {
        current.value = await send(emoji, on);
      } catch (e) {
        batch(() => {
          current.value = before;
          error.value = toApiError(e);
        });
      } finally {
        pending.value = undefined;
      }
    },
  };
}

/**
 * The reactions of a page's thread and replies as the viewer changes them.
 * A subject (an AT URI) shows the API's counts as they are until its first
 * toggle, which gives it a ReactionState started from them; a new view of
 * the subject from the API (a refetch, an edit: other `reactions`) starts
 * over from that. One reaction picker is open at a time.
 */
export interface ReactionBoard {
  /** The subject's state, once toggled since the API gave these `reactions`. */
  state(subject: string, reactions: readonly ReactionCount[]): ReactionState | undefined;
  toggle(subject: string, reactions: readonly ReactionCount[], mine: readonly string[] | undefined, emoji: string): void;
  /** The subject whose picker is open, with the button that opened it (the focus goes back there). */
  readonly picker: ReadonlySignal<{ subject: string; opener: HTMLElement | undefined } | undefined>;
  openPicker(subject: string, opener?: HTMLElement): void;
  closePicker(): void;
}

export function createReactionBoard(sphere: string): ReactionBoard {
  const states = signal<ReadonlyMap<string, { from: readonly ReactionCount[]; state: ReactionState }>>(new Map());
  const picker = signal<{ subject: string; opener: HTMLElement | undefined } | undefined>(undefined);
  return {
    state(subject, reactions) {
      const entry = states.value.get(subject);
      return entry && entry.from === reactions ? entry.state : undefined;
    },
    toggle(subject, reactions, mine, emoji) {
      let entry = states.peek().get(subject);
      if (!entry || entry.from !== reactions) {
        entry = { from: reactions, state: createReactionState(reactionSnapshot(reactions, mine), reactionSender(sphere, subject)) };
        states.value = new Map(states.peek()).set(subject, entry);
      }
      void entry.state.toggle(emoji);
    },
    picker,
    openPicker(subject, opener) {
      picker.value = { subject, opener };
    },
    closePicker() {
      const open = picker.peek();
      picker.value = undefined;
      open?.opener?.focus();
    },
  };
}

/** React or take a reaction back on a thread or reply (its AT URI). */
export function reactionSender(sphere: string, subject: string) {
  return async (emoji: string, on: boolean): Promise<ReactionSnapshot> => {
    const out = on
      ? await xrpcProcedure('site.exosphere.discussion.react', { sphere, subject, emoji })
      : await xrpcProcedure('site.exosphere.discussion.unreact', { sphere, subject, emoji });
    return reactionSnapshot(out.reactions, out.viewer.reactions);
  };
}

// --- text ------------------------------------------------------------------

// Elements whose edges separate words (blocks, cells, line breaks); other tags join what they hold.
const BLOCK_TAG = /<\/?(?:p|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tr|th|td|hr|br)\b[^>]*>/gi;
const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The words of rendered Markdown (the API's `bodyHtml`) without its markup, on one line. */
export function htmlText(html: string): string {
  return html
    .replace(BLOCK_TAG, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(ENTITY, (entity, dec?: string, hex?: string, name?: string) => {
      if (name) return NAMED[name.toLowerCase()] ?? entity;
      const code = dec ? Number(dec) : parseInt(hex ?? '', 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text on one line, at most `max` characters (a cut ends with "…"): for a page's description. */
export function excerpt(text: string, max = 160): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}…` : line;
}

/**
 * The excerpt of rendered Markdown's text. Only the start of the HTML is
 * read (ten times `max`: markup seldom outweighs the text more), as a long
 * body would cost the server's render more than the rest of the page.
 */
export function htmlExcerpt(html: string, max = 160): string {
  if (html.length <= max * 10) return excerpt(htmlText(html), max);
  // A tag or an entity cut in two goes; the text goes on after the cut.
  const text = excerpt(htmlText(html.slice(0, max * 10).replace(/<[^>]*$|&#?\w*$/, '')), max);
  return text && !text.endsWith('…') ? `${text}…` : text;
}

// --- moderation ------------------------------------------------------------

/** The thread as a moderation left it (the API's answer, or what the action means when it leaves a field out). */
export function moderatedThread(thread: ThreadView, action: ModerationAction, out: ModerationResult): ThreadView {
  return {
    ...thread,
    hidden: out.hidden,
    locked: out.locked ?? (action === 'lock' ? true : action === 'unlock' ? false : thread.locked),
    pinned: out.pinned ?? (action === 'pin' ? true : action === 'unpin' ? false : thread.pinned),
  };
}

// --- replies ---------------------------------------------------------------

export interface ReplyNode {
  reply: ReplyView;
  children: ReplyNode[];
  /** Deleted here: kept (as a placeholder) only while answers hang from it. */
  removed: boolean;
}

/**
 * The replies (in thread order) as a tree by their parent. Replies whose
 * parent isn't among them stay at the top level; removed replies are dropped,
 * or kept as placeholders when they have answers.
 */
export function buildReplyTree(replies: readonly ReplyView[], removed: ReadonlySet<string> = new Set()): ReplyNode[] {
  const nodes = new Map<string, ReplyNode>();
  for (const r of replies) if (!nodes.has(r.uri)) nodes.set(r.uri, { reply: r, children: [], removed: removed.has(r.uri) });
  const roots: ReplyNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.reply.parent ? nodes.get(node.reply.parent) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  if (removed.size === 0) return roots;
  const prune = (list: ReplyNode[]): ReplyNode[] =>
    list.filter((n) => {
      n.children = prune(n.children);
      return !n.removed || n.children.length > 0;
    });
  return prune(roots);
}

/** How many replies hang below a node, at every depth. */
export function countDescendants(node: ReplyNode): number {
  return node.children.reduce((n, c) => n + 1 + countDescendants(c), 0);
}

/** The URIs of the replies a reply answers, from its parent up. */
export function ancestorsOf(uri: string, replies: readonly ReplyView[]): string[] {
  const byUri = new Map(replies.map((r) => [r.uri, r]));
  const out: string[] = [];
  let parent = byUri.get(uri)?.parent;
  while (parent && !out.includes(parent)) {
    out.push(parent);
    parent = byUri.get(parent)?.parent;
  }
  return out;
}

/**
 * What this page changed in the thread's replies since they loaded, laid
 * over the loaded pages: replies posted here (shown at once, wherever the
 * pages have got to), edits and moderation (the API's answers), deletions,
 * and the collapsed branches opened.
 */
export interface ReplyOverlay {
  readonly posted: ReadonlySignal<ReplyView[]>;
  readonly expanded: ReadonlySignal<ReadonlySet<string>>;
  /** The replies with the changes applied, and the tree of them. */
  view(loaded: readonly ReplyView[]): { replies: readonly ReplyView[]; tree: ReplyNode[] };
  /** How many replies this page added (posted less deleted). */
  readonly delta: ReadonlySignal<number>;
  add(reply: ReplyView): void;
  replace(reply: ReplyView): void;
  remove(uri: string): void;
  expand(...uris: string[]): void;
}

export function createReplyOverlay(): ReplyOverlay {
  const posted = signal<ReplyView[]>([]);
  const replaced = signal<ReadonlyMap<string, ReplyView>>(new Map());
  const removed = signal<ReadonlySet<string>>(new Set());
  const expanded = signal<ReadonlySet<string>>(new Set());
  return {
    posted,
    expanded,
    delta: computed(() => posted.value.length - removed.value.size),
    view(loaded) {
      const added = posted.value;
      const edited = replaced.value;
      let all = loaded;
      if (added.length > 0 || edited.size > 0) {
        const seen = new Set(loaded.map((r) => r.uri));
        all = [...loaded, ...added.filter((r) => !seen.has(r.uri))].map((r) => edited.get(r.uri) ?? r);
      }
      return { replies: all, tree: buildReplyTree(all, removed.value) };
    },
    add(reply) {
      posted.value = [...posted.value, reply];
    },
    replace(reply) {
      replaced.value = new Map(replaced.value).set(reply.uri, reply);
    },
    remove(uri) {
      removed.value = new Set(removed.value).add(uri);
    },
    expand(...uris) {
      expanded.value = new Set([...expanded.value, ...uris]);
    },
  };
}
