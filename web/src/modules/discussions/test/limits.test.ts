// The module's form limits (../limits.ts) mirror its Lexicons.
import { describe, expect, it } from 'vitest';
import { describeLimits, input, param, property, record } from '../../../../test/lexicons';
import { DISCUSSION_LIMITS, MAX_TAGS } from '../limits';

const items = (path: string[]) => [...path, 'items'];

describeLimits('DISCUSSION_LIMITS mirror the Lexicons', DISCUSSION_LIMITS, {
  threadTitle: [
    ['discussion.json', record('title')],
    ['discussion/createThread.json', input('title')],
    ['discussion/updateThread.json', input('title')],
  ],
  threadBody: [
    ['discussion.json', record('body')],
    ['discussion/createThread.json', input('body')],
    ['discussion/updateThread.json', input('body')],
  ],
  tag: [
    ['discussion.json', items(record('tags'))],
    ['discussion/createThread.json', items(input('tags'))],
    ['discussion/updateThread.json', items(input('tags'))],
  ],
  replyText: [
    ['discussionReply.json', record('text')],
    ['discussion/createReply.json', input('text')],
    ['discussion/updateReply.json', input('text')],
  ],
  searchQuery: [['discussion/listThreads.json', param('q')]],
  tagFilter: [['discussion/listThreads.json', param('tag')]],
});

describe('MAX_TAGS', () => {
  it('is the Lexicons’ most tags on a thread', () => {
    for (const [file, path] of [
      ['discussion.json', record('tags')],
      ['discussion/createThread.json', input('tags')],
      ['discussion/updateThread.json', input('tags')],
    ] as const) {
      expect(property(file, path).maxLength, file).toBe(MAX_TAGS);
    }
  });
});
