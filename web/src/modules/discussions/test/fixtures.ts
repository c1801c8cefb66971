// The Discussions module's test fixtures: web/test's Sphere with the module
// on, viewers, threads and replies.
import type { SphereView } from '../../../client';
import { sphere as anySphere } from '../../../../test/helpers';
import { MODULE_NAME } from '../model';
import type { ReplyView, ThreadView } from '../types';

export { fakeServer, settle } from '../../../../test/helpers';

/** A public Sphere using the module; its viewer a member who can write. */
export const sphere: SphereView = { ...anySphere, modules: [MODULE_NAME] };
export const moderatorSphere: SphereView = {
  ...sphere,
  viewer: { canWrite: true, canModerate: true, role: 'admin', status: 'active' },
};
export const anonymousSphere: SphereView = { ...sphere, viewer: undefined };

export const alice = { did: 'did:plc:alice', handle: 'alice.test' };
export const bob = { did: 'did:plc:bob', handle: 'bob.test' };
export const signedInAs = (actor: { did: string; handle: string }) => ({ loggedIn: true, ...actor });
export const anonymous = { loggedIn: false };

/**
 * A stand-in for the server's Markdown rendering (`bodyHtml`, `textHtml`),
 * enough for the plain texts of these tests: paragraphs, **bold** and
 * _italic_. Tests of anything richer give the server's HTML themselves.
 */
export function html(text: string): string {
  const escaped = (part: string) => part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escaped(p).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/_(.+?)_/g, '<em>$1</em>')}</p>\n`)
    .join('');
}

/** Thread `number`; its bodyHtml made from the body (by `html`) unless given. */
export function thread(number: number, overrides: Partial<ThreadView> = {}): ThreadView {
  const body = 'body' in overrides ? overrides.body : `The **body** of thread ${number}.`;
  return {
    uri: `at://did:plc:alice/site.exosphere.discussion/t${number}`,
    cid: `bafythread${number}`,
    number,
    sphere: sphere.uri,
    title: `Thread number ${number}`,
    ...(body ? { body, bodyHtml: html(body) } : {}),
    tags: [],
    author: alice,
    replyCount: 0,
    reactions: [],
    createdAt: '2026-01-03T00:00:00Z',
    ...overrides,
  };
}

/** A reply `id`; answering `parent` (another reply's id) at `depth`; its textHtml made from the text (by `html`) unless given. */
export function reply(id: string, overrides: Partial<ReplyView> & { parentId?: string } = {}): ReplyView {
  const { parentId, ...rest } = overrides;
  const text = rest.text ?? `Reply ${id}`;
  return {
    uri: replyUri(id),
    cid: `bafyreply${id}`,
    depth: 0,
    text,
    textHtml: html(text),
    author: bob,
    reactions: [],
    createdAt: '2026-01-04T00:00:00Z',
    ...(parentId ? { parent: replyUri(parentId) } : {}),
    ...rest,
  };
}

export const replyUri = (id: string) => `at://did:plc:bob/site.exosphere.discussionReply/${id}`;

/** Replies three levels deep, in thread order: a › a1 › a1x › a1xy, a › a2, then b. */
export const deepReplies: ReplyView[] = [
  reply('a', { text: 'First answer' }),
  reply('a1', { parentId: 'a', depth: 1, text: 'Answer to the first', author: alice }),
  reply('a1x', { parentId: 'a1', depth: 2, text: 'Deep answer' }),
  reply('a1xy', { parentId: 'a1x', depth: 3, text: 'Deeper answer', author: alice }),
  reply('a2', { parentId: 'a', depth: 1, text: 'Second answer to the first' }),
  reply('b', { text: 'Second answer' }),
];
