// The module's model: URL state and query keys, tags, optimistic reactions,
// and the replies as a tree with this page's changes laid over them.
import { describe, expect, it, vi } from 'vitest';
import { ApiError, specKey } from '../../../client';
import {
  ancestorsOf,
  buildReplyTree,
  countDescendants,
  createReactionBoard,
  createReactionState,
  createReplyOverlay,
  excerpt,
  fitBytes,
  htmlExcerpt,
  htmlText,
  listStateFromQuery,
  listUrl,
  moderatedThread,
  parseTags,
  reactionSnapshot,
  type ReactionSnapshot,
  repliesQuery,
  threadQuery,
  threadsQuery,
  toggledSnapshot,
  validateTags,
} from '../model';
import { deepReplies, fakeServer, reply, replyUri, settle, thread } from './fixtures';

describe('the thread list’s URL state', () => {
  it('reads sort, tag, author and search, and ignores what isn’t valid', () => {
    expect(listStateFromQuery({ sort: 'top', tag: ' help ', author: 'did:plc:alice', q: ' dark ' })).toEqual({
      sort: 'top',
      tag: 'help',
      author: 'did:plc:alice',
      q: 'dark',
    });
    expect(listStateFromQuery({ sort: 'hot', author: 'alice' })).toEqual({ sort: 'active', tag: '', author: '', q: '' });
  });

  it('cuts search text to the Lexicon’s bytes, on a character boundary', () => {
    expect(listStateFromQuery({ q: 'é'.repeat(200) }).q).toBe('é'.repeat(150));
    expect(fitBytes('aé', 2)).toBe('a');
  });

  it('writes the URL without defaults', () => {
    expect(listUrl('demo', { sort: 'active', tag: '', q: '' })).toBe('/s/demo/discussions');
    expect(listUrl('demo', { sort: 'new', tag: 'help me', author: 'did:plc:a' })).toBe(
      '/s/demo/discussions?sort=new&tag=help%20me&author=did%3Aplc%3Aa',
    );
  });

  it('has the keys the server must inject the first pages under', () => {
    expect(specKey(threadsQuery('demo', listStateFromQuery({})))).toBe(
      'site.exosphere.discussion.listThreads?limit=30&sort=active&sphere=demo',
    );
    expect(specKey(threadsQuery('demo', listStateFromQuery({ tag: 'help', q: 'x', sort: 'top' })))).toBe(
      'site.exosphere.discussion.listThreads?limit=30&q=x&sort=top&sphere=demo&tag=help',
    );
    expect(specKey(threadQuery('demo', 7))).toBe('site.exosphere.discussion.getThread?number=7&sphere=demo');
    expect(specKey(repliesQuery('demo', 7))).toBe('site.exosphere.discussion.listReplies?limit=100&number=7&sphere=demo');
  });
});

describe('tags', () => {
  it('are read from one field, separated by commas, without empties or repeats', () => {
    expect(parseTags(' help, ideas ,, help,  ')).toEqual(['help', 'ideas']);
    expect(parseTags('')).toEqual([]);
  });

  it('are at most five, of at most 32 characters each', () => {
    expect(validateTags(['a', 'b', 'c', 'd', 'e'])).toBeUndefined();
    expect(validateTags(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('At most 5 tags: there are 6.');
    expect(validateTags(['x'.repeat(32)])).toBeUndefined();
    expect(validateTags(['x'.repeat(33)])).toMatch(/is too long: 33 characters, at most 32/);
  });
});

describe('optimistic reactions', () => {
  const snap = (reactions: [string, number][], mine: string[] = []): ReactionSnapshot =>
    reactionSnapshot(
      reactions.map(([emoji, count]) => ({ emoji, count })),
      mine,
    );

  it('orders counts as GitHub does, and keeps only the eight it knows', () => {
    expect(snap([['eyes', 1], ['+1', 2], ['party', 5], ['heart', 0]], ['eyes', 'party'])).toEqual({
      reactions: [
        { emoji: '+1', count: 2 },
        { emoji: 'eyes', count: 1 },
      ],
      mine: ['eyes'],
    });
  });

  it('adds and takes back the viewer’s reaction in a snapshot', () => {
    const before = snap([['+1', 2]]);
    expect(toggledSnapshot(before, '+1', true)).toEqual(snap([['+1', 3]], ['+1']));
    expect(toggledSnapshot(snap([['+1', 1]], ['+1']), '+1', false)).toEqual(snap([]));
    expect(toggledSnapshot(before, 'rocket', true)).toEqual(snap([['+1', 2], ['rocket', 1]], ['rocket']));
  });

  it('counts the reaction at once, then takes the server’s numbers', async () => {
    let confirm!: (s: ReactionSnapshot) => void;
    const send = vi.fn(() => new Promise<ReactionSnapshot>((r) => (confirm = r)));
    const state = createReactionState(snap([['heart', 1]]), send);
    const done = state.toggle('heart');
    expect(state.current.value).toEqual(snap([['heart', 2]], ['heart']));
    expect(state.pending.value).toBe('heart');
    expect(send).toHaveBeenCalledWith('heart', true);
    confirm(snap([['heart', 5]], ['heart']));
    await done;
    expect(state.current.value).toEqual(snap([['heart', 5]], ['heart']));
    expect(state.pending.value).toBeUndefined();
  });

  it('rolls back and keeps the API error when the server refuses', async () => {
    const state = createReactionState(snap([['+1', 1]], ['+1']), () =>
      Promise.reject(new ApiError(400, 'UnknownReaction', 'Not one of the eight reactions')),
    );
    const done = state.toggle('+1');
    expect(state.current.value).toEqual(snap([]));
    await done;
    expect(state.current.value).toEqual(snap([['+1', 1]], ['+1']));
    expect(state.error.value?.message).toBe('Not one of the eight reactions');
  });

  it('ignores clicks while a reaction is on its way', () => {
    const send = vi.fn(() => new Promise<ReactionSnapshot>(() => undefined));
    const state = createReactionState(snap([]), send);
    void state.toggle('+1');
    void state.toggle('rocket');
    expect(send).toHaveBeenCalledTimes(1);
    expect(state.current.value).toEqual(snap([['+1', 1]], ['+1']));
  });
});

describe('the reaction board', () => {
  const counts = [{ emoji: '+1', count: 2 }];

  it('gives a subject a state on its first toggle only, and sends it to the API', async () => {
    const server = fakeServer({
      '/xrpc/site.exosphere.discussion.react': () => ({ body: { reactions: [{ emoji: '+1', count: 3 }], viewer: { reactions: ['+1'] } } }),
    });
    const board = createReactionBoard('demo');
    expect(board.state('at://s/1', counts)).toBeUndefined();
    board.toggle('at://s/1', counts, [], '+1');
    const state = board.state('at://s/1', counts);
    expect(state?.current.value).toEqual({ reactions: [{ emoji: '+1', count: 3 }], mine: ['+1'] });
    expect(state?.pending.value).toBe('+1');
    expect(board.state('at://s/2', counts)).toBeUndefined();
    await settle();
    expect(server.calls.map((c) => c.body)).toEqual([{ sphere: 'demo', subject: 'at://s/1', emoji: '+1' }]);
    expect(board.state('at://s/1', counts)?.pending.value).toBeUndefined();
  });

  it('starts over from a new view of the subject', () => {
    fakeServer({ '/xrpc/site.exosphere.discussion.react': () => new Promise(() => undefined) });
    const board = createReactionBoard('demo');
    board.toggle('at://s/1', counts, [], '+1');
    const fresh = [{ emoji: '+1', count: 7 }];
    expect(board.state('at://s/1', fresh)).toBeUndefined();
  });

  it('opens one picker at a time and puts the focus back on the button that opened it', () => {
    const board = createReactionBoard('demo');
    const first = document.createElement('button');
    const second = document.createElement('button');
    document.body.append(first, second);
    board.openPicker('at://s/1', first);
    board.openPicker('at://s/2', second);
    expect(board.picker.value?.subject).toBe('at://s/2');
    first.focus();
    board.closePicker();
    expect(board.picker.value).toBeUndefined();
    expect(document.activeElement).toBe(second);
  });
});

describe('a page’s description from the body’s HTML', () => {
  it('keeps the words without the markup, on one line', () => {
    const html =
      '<h2>Title</h2>\n<p>Some <strong>bold</strong> and <code>a&lt;b</code>,<br />\nthen <a href="https://example.com" rel="nofollow ugc noopener">a link</a> &amp; &quot;quotes&quot; &#39;x&#39; &#x1F680;.</p>\n' +
      '<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<table><thead><tr><th>a</th><th>b</th></tr></thead></table>\n';
    expect(htmlText(html)).toBe('Title Some bold and a<b, then a link & "quotes" \'x\' 🚀. one two a b');
    expect(htmlText('')).toBe('');
  });

  it('cuts long texts, reading the start of a long body only', () => {
    expect(excerpt(`  ${'word '.repeat(50)}`)).toBe(`${'word '.repeat(31)}wo…`);
    expect(excerpt('short\n text')).toBe('short text');
    const long = `<p>${'x'.repeat(100)} <a href="https://example.com/${'y'.repeat(2000)}">link</a> more</p>\n`;
    expect(htmlExcerpt(long)).toBe(`${'x'.repeat(100)}…`);
    expect(htmlExcerpt(`<p>${'text &amp; '.repeat(300)}</p>`)).toHaveLength(158);
  });
});

describe('moderatedThread', () => {
  it('takes the API’s answer, or what the action means when it leaves a field out', () => {
    const t = thread(1);
    expect(moderatedThread(t, 'lock', { hidden: false })).toMatchObject({ locked: true, hidden: false });
    expect(moderatedThread({ ...t, locked: true }, 'unlock', { hidden: false })).toMatchObject({ locked: false });
    expect(moderatedThread(t, 'pin', { hidden: false, pinned: true, locked: false })).toMatchObject({ pinned: true, locked: false });
    expect(moderatedThread(t, 'hide', { hidden: true })).toMatchObject({ hidden: true });
  });
});

describe('the reply tree', () => {
  it('nests replies under what they answer, in thread order', () => {
    const tree = buildReplyTree(deepReplies);
    expect(tree.map((n) => n.reply.text)).toEqual(['First answer', 'Second answer']);
    const [a] = tree;
    expect(a?.children.map((n) => n.reply.text)).toEqual(['Answer to the first', 'Second answer to the first']);
    expect(a?.children[0]?.children[0]?.children[0]?.reply.text).toBe('Deeper answer');
    expect(countDescendants(a!)).toBe(4);
    expect(countDescendants(a!.children[0]!)).toBe(2);
  });

  it('keeps replies whose parent isn’t loaded at the top level', () => {
    const tree = buildReplyTree([reply('x', { parentId: 'gone', depth: 1 }), reply('y')]);
    expect(tree.map((n) => n.reply.uri)).toEqual([replyUri('x'), replyUri('y')]);
  });

  it('drops deleted replies, or keeps them as placeholders while answers hang from them', () => {
    const tree = buildReplyTree(deepReplies, new Set([replyUri('a1'), replyUri('b')]));
    expect(tree.map((n) => n.reply.text)).toEqual(['First answer']);
    expect(tree[0]?.children[0]).toMatchObject({ removed: true });
    expect(tree[0]?.children[0]?.children[0]?.reply.text).toBe('Deep answer');
    expect(buildReplyTree(deepReplies, new Set([replyUri('a1xy')]))[0]?.children[0]?.children[0]?.children).toEqual([]);
  });

  it('finds the replies a reply answers, from its parent up', () => {
    expect(ancestorsOf(replyUri('a1xy'), deepReplies)).toEqual([replyUri('a1x'), replyUri('a1'), replyUri('a')]);
    expect(ancestorsOf(replyUri('b'), deepReplies)).toEqual([]);
  });
});

describe('the reply overlay', () => {
  it('lays posted, edited and deleted replies over the loaded pages', () => {
    const overlay = createReplyOverlay();
    const loaded = deepReplies.slice(0, 2);
    overlay.add(reply('new', { parentId: 'a', depth: 1, text: 'Posted here' }));
    overlay.replace({ ...loaded[0]!, text: 'Edited' });
    overlay.remove(replyUri('a1'));
    const { replies, tree } = overlay.view(loaded);
    expect(replies.map((r) => r.text)).toEqual(['Edited', 'Answer to the first', 'Posted here']);
    expect(tree[0]?.reply.text).toBe('Edited');
    expect(tree[0]?.children.map((n) => n.reply.text)).toEqual(['Posted here']);
    expect(overlay.delta.value).toBe(0);
  });

  it('shows a posted reply once when a later page brings it too', () => {
    const overlay = createReplyOverlay();
    const posted = reply('new');
    overlay.add(posted);
    expect(overlay.view([reply('a'), posted]).replies.map((r) => r.uri)).toEqual([replyUri('a'), replyUri('new')]);
    expect(overlay.delta.value).toBe(1);
  });
});
