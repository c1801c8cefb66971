// The module's form limits (../limits.ts) mirror its Lexicons.
import { describe, expect, it } from 'vitest';
import { describeLimits, input, property, record } from '../../../../test/lexicons';
import { MAX_OPTIONS, MIN_OPTIONS, POLL_LIMITS } from '../limits';

const items = (path: string[]) => [...path, 'items'];

describeLimits('POLL_LIMITS mirror the Lexicons', POLL_LIMITS, {
  question: [
    ['poll.json', record('question')],
    ['poll/createPoll.json', input('question')],
    ['poll/updatePoll.json', input('question')],
  ],
  description: [
    ['poll.json', record('description')],
    ['poll/createPoll.json', input('description')],
    ['poll/updatePoll.json', input('description')],
  ],
  option: [
    ['poll.json', items(record('options'))],
    ['poll/createPoll.json', items(input('options'))],
    ['poll/updatePoll.json', items(input('options'))],
  ],
});

describe('MIN_OPTIONS and MAX_OPTIONS', () => {
  it('are the Lexicons’ bounds on options', () => {
    for (const [file, path] of [
      ['poll.json', record('options')],
      ['poll/createPoll.json', input('options')],
    ] as const) {
      expect([property(file, path).minLength, property(file, path).maxLength], file).toEqual([MIN_OPTIONS, MAX_OPTIONS]);
    }
  });
});
